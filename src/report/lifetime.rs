//! The lifetime-FLOPs figure: several sizes reaching one loss, against inference
//! demand, with the lifetime-optimal size annotated.

use super::axis::{Axis, Scale, TickFormat};
use super::figure::{
    annotation, legend_dot, legend_line, legend_px, legend_swatch, plot_err, plot_px, render,
    Chart, Figure, Frame, Ink, Occupancy,
};
use super::style::{styled, DEFAULT_SIZE, EMPHASIS, PALETTE};
use crate::band::Band;
use crate::error::{Error, Result};
use crate::law::LossHypothesis;
use crate::query::{lifetime_optima, tokens_to_reach, LifetimeOptimum, LossTarget};
use crate::units::{Params, Tokens};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// Demands per curve (log-spaced).
const SAMPLES: usize = 41;

/// One model size trained to the target loss.
#[derive(Debug, Clone, PartialEq)]
pub struct SizeAtTarget {
    /// Model size.
    pub params: Params,
    /// Training tokens it needs (point estimate).
    pub tokens: Tokens,
    /// Band of those tokens over the draws, if any.
    pub tokens_band: Option<Band>,
}

/// Lifetime FLOPs 6ND + 2N·demand against demand (log-log) for several sizes that
/// each reach the same loss, with bands from the tokens each needs under the
/// hypothesis' draws, and the lifetime optimum (its size written along it).
///
/// ```
/// use isoflop::law::ChinchillaHypothesis;
/// use isoflop::query::LossTarget;
/// use isoflop::report::{Figure, LifetimeFigure};
/// let h = ChinchillaHypothesis::hoffmann2022();
/// let target = LossTarget::AsTrained { params: "65.2B".parse()?, tokens: "1.4T".parse()? };
/// let sizes = ["7B", "13B", "33B", "65.2B"].iter().map(|s| s.parse()).collect::<Result<Vec<_>, _>>()?;
/// let fig = LifetimeFigure::compute(&h, target, &sizes, (1e10, 1e15), 0.9)?;
/// assert!(fig.render_svg()?.contains("lifetime optimum"));
/// # Ok::<(), isoflop::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct LifetimeFigure {
    /// The caption.
    pub title: String,
    /// The hypothesis' id.
    pub hypothesis: String,
    /// The target loss (point estimate), nats/token.
    pub target_loss: f64,
    /// Sizes that reach the target.
    pub sizes: Vec<SizeAtTarget>,
    /// Sizes that never reach it (named in the legend).
    pub unreachable: Vec<Params>,
    /// The lifetime optimum at each demand of the grid.
    pub optimum: Vec<LifetimeOptimum>,
    /// Size in pixels (default 800 x 500).
    pub size: (u32, u32),
}

impl LifetimeFigure {
    /// Computes the figure's data: each size's tokens to reach the target (with bands)
    /// and the lifetime optimum at 41 log-spaced demands in `demands` (served tokens).
    ///
    /// # Errors
    /// [`Error::InvalidValue`] for a demand range that is not 0 < lo < hi, finite; more
    /// than 8 sizes; the queries' own errors (an unreachable target for the optimum).
    pub fn compute(
        h: &dyn LossHypothesis,
        target: LossTarget,
        sizes: &[Params],
        demands: (f64, f64),
        level: f64,
    ) -> Result<Self> {
        let (lo, hi) = demands;
        if !(lo.is_finite() && hi.is_finite() && lo > 0.0 && lo < hi) {
            return Err(Error::InvalidValue {
                what: "demand range of a lifetime figure",
                value: lo,
                allowed: "0 < lo < hi, both finite (served tokens; the axis is logarithmic)",
            });
        }
        if sizes.len() > PALETTE.len() {
            return Err(Error::InvalidValue {
                what: "number of model sizes in a figure",
                value: sizes.len() as f64,
                allowed: "at most 8 sizes (one colour each)",
            });
        }
        let t = target.point(h)?;
        let mut reach = Vec::new();
        let mut unreachable = Vec::new();
        for &n in sizes {
            match tokens_to_reach(h, n, t, level) {
                Ok(r) => reach.push(SizeAtTarget {
                    params: n,
                    tokens: r.tokens,
                    tokens_band: r.tokens_band,
                }),
                Err(Error::Unreachable { .. }) => unreachable.push(n),
                Err(e) => return Err(e),
            }
        }
        let grid: Vec<f64> = (0..SAMPLES)
            .map(|i| {
                10f64.powf(lo.log10() + (hi.log10() - lo.log10()) * i as f64 / (SAMPLES - 1) as f64)
            })
            .collect();
        let optimum = lifetime_optima(h, target, &grid, level)?;
        Ok(LifetimeFigure {
            title: format!("Lifetime FLOPs to reach a loss of {t:.3} under {}", h.id()),
            hypothesis: h.id(),
            target_loss: t,
            sizes: reach,
            unreachable,
            optimum,
            size: DEFAULT_SIZE,
        })
    }
}

fn lifetime(n: f64, d: f64, w: f64) -> f64 {
    (6.0 * n * d + 2.0 * n * w).log10()
}

impl Figure for LifetimeFigure {
    fn render_svg(&self) -> Result<String> {
        if self.optimum.len() < 2 {
            return Err(Error::InsufficientData {
                what: "a lifetime figure",
                reason: "fewer than two demands".into(),
            });
        }
        let xs: Vec<f64> = self.optimum.iter().map(|o| o.demand.log10()).collect();
        if xs.iter().any(|x| !x.is_finite()) {
            return Err(Error::InvalidValue {
                what: "demand in a lifetime figure",
                value: 0.0,
                allowed: "> 0 (the demand axis is logarithmic)",
            });
        }
        let opt: Vec<(f64, f64)> = self
            .optimum
            .iter()
            .zip(&xs)
            .map(|(o, &x)| (x, o.flops.get().log10()))
            .collect();
        let demands: Vec<f64> = self.optimum.iter().map(|o| o.demand).collect();
        let mut lines = Vec::new();
        let mut bands = Vec::new();
        for s in &self.sizes {
            let n = s.params.get();
            lines.push(
                demands
                    .iter()
                    .zip(&xs)
                    .map(|(&w, &x)| (x, lifetime(n, s.tokens.get(), w)))
                    .collect::<Vec<_>>(),
            );
            bands.push(s.tokens_band.map(|b| {
                let lo: Vec<f64> = demands.iter().map(|&w| lifetime(n, b.lo, w)).collect();
                let hi: Vec<f64> = demands.iter().map(|&w| lifetime(n, b.hi, w)).collect();
                (lo, hi)
            }));
        }
        let all_y = opt
            .iter()
            .map(|p| p.1)
            .chain(lines.iter().flat_map(|l| l.iter().map(|p| p.1)));
        let (mut y_lo, mut y_hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for y in all_y {
            y_lo = y_lo.min(y);
            y_hi = y_hi.max(y);
        }
        let x = Axis::from_range(xs[0], xs[xs.len() - 1], Scale::Log, TickFormat::Sci, 0.0);
        let y = Axis::from_range(y_lo, y_hi, Scale::Log, TickFormat::Sci, 0.05);
        let mut labels: Vec<String> = self
            .sizes
            .iter()
            .map(|s| format!("N = {}", s.params))
            .collect();
        labels.push("lifetime optimum (its size written along it)".into());
        for n in &self.unreachable {
            labels.push(format!("N = {n}: never reaches the target"));
        }
        if bands.iter().any(Option::is_some) {
            labels.push("band over the draws".into());
        }
        let mut occ = Occupancy::new();
        occ.line(&opt);
        for l in &lines {
            occ.line(l);
        }
        let place = occ.place_legend(
            &x,
            &y,
            legend_px(labels.iter().map(String::as_str)),
            plot_px(self.size),
        );
        let y = place.y;
        let frame = Frame {
            size: self.size,
            title: &self.title,
            x: &x,
            y: &y,
            x_desc: "Inference demand (tokens served over the model's life, log scale)",
            y_desc: "Lifetime FLOPs 6ND + 2N x demand (log scale)",
            legend: Some(place.corner),
        };
        // The optimum's size at five demands along its curve.
        let marks: Vec<usize> = (0..5).map(|i| i * (opt.len() - 1) / 4).collect();
        render(&frame, &[], |chart: &mut Chart<'_, '_>, ink: &mut Ink| {
            for (i, band) in bands.iter().enumerate() {
                if let Some((lo, hi)) = band {
                    ink.band(chart, &xs, lo, hi, PALETTE[i], 0.18)?;
                }
            }
            for (i, l) in lines.iter().enumerate() {
                ink.line(chart, l, styled(PALETTE[i], 0), 2)?;
            }
            ink.line(chart, &opt, EMPHASIS, 3)?;
            for &j in &marks {
                let o = &self.optimum[j];
                let text = match o.params_band {
                    Some(b) => format!(
                        "{} [{}, {}]",
                        o.params,
                        Params::new(b.lo).map(|p| p.to_string()).unwrap_or_default(),
                        Params::new(b.hi).map(|p| p.to_string()).unwrap_or_default()
                    ),
                    None => o.params.to_string(),
                };
                chart
                    .draw_series(std::iter::once(Circle::new(opt[j], 4, EMPHASIS.filled())))
                    .map_err(plot_err)?;
                let anchor = if j + 1 == opt.len() {
                    HPos::Right
                } else {
                    HPos::Left
                };
                chart
                    .draw_series(std::iter::once(annotation(
                        &text,
                        opt[j],
                        EMPHASIS,
                        (anchor, VPos::Bottom),
                    )))
                    .map_err(plot_err)?;
            }
            for (i, s) in self.sizes.iter().enumerate() {
                legend_line(
                    chart,
                    &format!("N = {}", s.params),
                    styled(PALETTE[i], 0),
                    3,
                )?;
            }
            legend_line(
                chart,
                "lifetime optimum (its size written along it)",
                EMPHASIS,
                3,
            )?;
            for n in &self.unreachable {
                legend_dot(
                    chart,
                    &format!("N = {n}: never reaches the target"),
                    RGBColor(150, 150, 150),
                    3,
                )?;
            }
            if bands.iter().any(Option::is_some) {
                legend_swatch(chart, "band over the draws", RGBColor(120, 120, 120), 0.25)?;
            }
            Ok(())
        })
    }

    fn summary(&self) -> String {
        let sizes: Vec<String> = self.sizes.iter().map(|s| s.params.to_string()).collect();
        format!(
            "{}: lifetime FLOPs vs demand for N = {} and the lifetime optimum",
            self.title,
            sizes.join(", ")
        )
    }
}

impl LifetimeFigure {
    /// Shows the figure inline in an evcxr notebook (SVG), or the error as text.
    pub fn evcxr_display(&self) {
        println!("{}", Figure::evcxr_content(self));
    }
}
