//! Axes: ranges fitted to the data, tick positions and tick labels.
//!
//! Every figure plots in "plot space": the value itself on a linear axis, its
//! base-10 logarithm on a log axis. Ticks are chosen here (not by plotters), so
//! log axes label whole decades (with 2 and 5 in between when the range is
//! short) and labels never crowd.

use crate::error::{Error, Result};

/// Linear or logarithmic axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scale {
    /// Evenly spaced values.
    #[default]
    Linear,
    /// Evenly spaced decades (base 10).
    Log,
}

/// How tick labels print a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TickFormat {
    /// "0.25", "1,000".
    Plain,
    /// "100M", "1B", "70B" (counts such as parameters).
    Count,
    /// "1e21", "5e22" (FLOPs).
    Sci,
}

/// One axis in plot space.
#[derive(Debug, Clone)]
pub(crate) struct Axis {
    pub lo: f64,
    pub hi: f64,
    pub scale: Scale,
    pub format: TickFormat,
    pub ticks: Vec<f64>,
    pub minor: Vec<f64>,
}

impl Axis {
    /// Maps a data value to plot space (log10 on a log axis).
    pub fn map(scale: Scale, v: f64) -> f64 {
        match scale {
            Scale::Linear => v,
            Scale::Log => v.log10(),
        }
    }

    /// Fits an axis to `values` (data space) with `pad` of the span added on each
    /// side. `what` names the axis in errors. Errors on no values or any
    /// non-finite value, or on a value <= 0 on a log axis. All-equal values get a
    /// padded range, never a degenerate one.
    pub fn fit(
        what: &'static str,
        values: impl IntoIterator<Item = f64>,
        scale: Scale,
        format: TickFormat,
        pad: f64,
    ) -> Result<Axis> {
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        let mut any = false;
        for v in values {
            if !v.is_finite() || (scale == Scale::Log && v <= 0.0) {
                return Err(Error::InvalidValue {
                    what,
                    value: v,
                    allowed: "plotted values must be finite (and > 0 on a log axis)",
                });
            }
            let p = Axis::map(scale, v);
            lo = lo.min(p);
            hi = hi.max(p);
            any = true;
        }
        if !any {
            return Err(Error::InsufficientData {
                what: "a figure",
                reason: format!("nothing to plot on the {what} axis"),
            });
        }
        Ok(Axis::from_range(lo, hi, scale, format, pad))
    }

    /// An axis over `[lo, hi]` in plot space, padded by `pad` of the span each side.
    pub fn from_range(lo: f64, hi: f64, scale: Scale, format: TickFormat, pad: f64) -> Axis {
        let span = hi - lo;
        let (lo, hi) = if span <= 1e-12 * lo.abs().max(1.0) {
            // All values equal: pad so the axis is not degenerate.
            let half = match scale {
                Scale::Log => 0.5,
                Scale::Linear => (lo.abs() * 0.05).max(0.05),
            };
            (lo - half, hi + half)
        } else {
            (lo - pad * span, hi + pad * span)
        };
        let (ticks, minor) = match scale {
            Scale::Linear => (linear_ticks(lo, hi), Vec::new()),
            Scale::Log => log_ticks(lo, hi),
        };
        Axis {
            lo,
            hi,
            scale,
            format,
            ticks,
            minor,
        }
    }

    /// Forces the lower end (plot space), e.g. 0 tokens on a linear axis.
    pub fn with_lo(mut self, lo: f64) -> Axis {
        if lo < self.hi {
            self.lo = lo;
            self.ticks = match self.scale {
                Scale::Linear => linear_ticks(self.lo, self.hi),
                Scale::Log => log_ticks(self.lo, self.hi).0,
            };
        }
        self
    }

    /// The tick label for plot-space value `p`.
    pub fn label(&self, p: f64) -> String {
        let v = match self.scale {
            Scale::Linear => p,
            Scale::Log => 10f64.powf(p),
        };
        let step = match self.scale {
            Scale::Linear => self.ticks.windows(2).map(|w| w[1] - w[0]).next(),
            Scale::Log => None,
        };
        format_tick(v, self.format, step)
    }
}

/// "Nice" linear ticks (1, 2, 2.5, 5 x 10^k steps), about 5-8 of them.
fn linear_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let span = hi - lo;
    let raw = span / 6.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| span / s <= 8.0)
        .unwrap_or(10.0 * mag);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    (first..=last).map(|k| k as f64 * step).collect()
}

/// Log ticks in plot space: whole decades; with 2 and 5 added when fewer than
/// three decades are visible; every integer multiple when still too few.
/// Minor grid lines at 2..9 x 10^k.
fn log_ticks(lo: f64, hi: f64) -> (Vec<f64>, Vec<f64>) {
    let within = |mults: &[f64]| -> Vec<f64> {
        let mut out = Vec::new();
        let mut k = lo.floor() as i64;
        while (k as f64) <= hi.ceil() {
            for m in mults {
                let p = k as f64 + m.log10();
                if p >= lo - 1e-9 && p <= hi + 1e-9 {
                    out.push(p);
                }
            }
            k += 1;
        }
        out
    };
    let decades = within(&[1.0]);
    // Thin whole decades to at most 8 labels.
    let stride = decades.len().div_ceil(8).max(1);
    let mut ticks: Vec<f64> = decades.iter().copied().step_by(stride).collect();
    if ticks.len() < 3 {
        ticks = within(&[1.0, 2.0, 5.0]);
    }
    if ticks.len() < 3 {
        ticks = within(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]);
    }
    if ticks.len() < 2 {
        // Less than a factor of 2: five evenly spaced values, 2 significant digits.
        ticks = (0..5)
            .map(|i| {
                let v = 10f64.powf(lo + (hi - lo) * (i as f64 + 0.5) / 5.0);
                round_sig(v, 2).log10()
            })
            .collect();
        ticks.dedup();
    }
    let minor = if hi - lo <= 6.0 {
        within(&[2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0])
    } else {
        Vec::new()
    };
    (ticks, minor)
}

fn round_sig(v: f64, sig: i32) -> f64 {
    if v == 0.0 || !v.is_finite() {
        return v;
    }
    let mag = 10f64.powi(v.abs().log10().floor() as i32 - sig + 1);
    (v / mag).round() * mag
}

/// Formats a tick value; `step` (linear axes) sets the decimals.
pub(crate) fn format_tick(v: f64, format: TickFormat, step: Option<f64>) -> String {
    match format {
        TickFormat::Plain => {
            let decimals = step
                .filter(|s| *s > 0.0)
                .map(|s| {
                    // Enough decimals to tell neighbouring ticks apart (2.5 needs 1).
                    let mut d = 0usize;
                    while d < 8
                        && ((s * 10f64.powi(d as i32)).round() - s * 10f64.powi(d as i32)).abs()
                            > 1e-6
                    {
                        d += 1;
                    }
                    d
                })
                .unwrap_or_else(|| if v.abs() >= 1.0 || v == 0.0 { 0 } else { 3 });
            let v = if v.abs() < 1e-12 { 0.0 } else { v };
            group_thousands(&format!("{v:.decimals$}"))
        }
        TickFormat::Count => {
            let (div, suffix) = if v.abs() >= 1e12 {
                (1e12, "T")
            } else if v.abs() >= 1e9 {
                (1e9, "B")
            } else if v.abs() >= 1e6 {
                (1e6, "M")
            } else if v.abs() >= 1e3 {
                (1e3, "K")
            } else {
                (1.0, "")
            };
            format!("{}{suffix}", trim_number(round_sig(v / div, 3)))
        }
        TickFormat::Sci => {
            if v <= 0.0 {
                return format!("{v}");
            }
            let exp = v.log10().floor() as i32;
            let m = round_sig(v / 10f64.powi(exp), 2);
            if (m - 1.0).abs() < 1e-9 {
                format!("1e{exp}")
            } else {
                format!("{}e{exp}", trim_number(m))
            }
        }
    }
}

/// "2.50" -> "2.5", "3.0" -> "3".
fn trim_number(x: f64) -> String {
    let s = format!("{x:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

/// "13600" -> "13,600" (leaves decimals and signs alone).
fn group_thousands(s: &str) -> String {
    let (sign, rest) = s.strip_prefix('-').map_or(("", s), |r| ("-", r));
    let (int, frac) = rest
        .split_once('.')
        .map_or((rest, None), |(i, f)| (i, Some(f)));
    if int.len() <= 3 {
        return s.to_string();
    }
    let mut out = String::from(sign);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_ticks_are_nice() {
        let a = Axis::from_range(0.0, 13_600.0, Scale::Linear, TickFormat::Plain, 0.0);
        assert_eq!(
            a.ticks,
            vec![0.0, 2000.0, 4000.0, 6000.0, 8000.0, 10000.0, 12000.0]
        );
        assert_eq!(a.label(12000.0), "12,000");
        let b = Axis::from_range(1.5, 2.2, Scale::Linear, TickFormat::Plain, 0.0);
        assert_eq!(b.label(b.ticks[1]), "1.6");
    }

    #[test]
    fn log_ticks_label_decades() {
        let a = Axis::from_range(20.0, 26.0, Scale::Log, TickFormat::Sci, 0.0);
        let labels: Vec<String> = a.ticks.iter().map(|t| a.label(*t)).collect();
        assert_eq!(
            labels,
            ["1e20", "1e21", "1e22", "1e23", "1e24", "1e25", "1e26"]
        );
        // Under one decade: 2 and 5 (or every multiple) are added.
        let b = Axis::from_range(
            9.0f64.log10() + 9.0,
            80e9f64.log10(),
            Scale::Log,
            TickFormat::Count,
            0.0,
        );
        let labels: Vec<String> = b.ticks.iter().map(|t| b.label(*t)).collect();
        assert_eq!(labels, ["10B", "20B", "50B"]);
    }

    #[test]
    fn degenerate_ranges_are_padded() {
        let a = Axis::fit("x", [2.0, 2.0], Scale::Linear, TickFormat::Plain, 0.05).unwrap();
        assert!(a.hi > a.lo && !a.ticks.is_empty());
        let b = Axis::fit("x", [1e9], Scale::Log, TickFormat::Count, 0.05).unwrap();
        assert!(b.hi > b.lo && b.ticks.len() >= 2);
    }

    #[test]
    fn bad_values_are_errors() {
        assert!(Axis::fit("x", [1.0, f64::NAN], Scale::Linear, TickFormat::Plain, 0.0).is_err());
        assert!(Axis::fit("x", [0.0], Scale::Log, TickFormat::Plain, 0.0).is_err());
        assert!(Axis::fit("x", [], Scale::Linear, TickFormat::Plain, 0.0).is_err());
    }
}
