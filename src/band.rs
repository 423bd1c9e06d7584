//! Uncertainty bands: lo / median / hi at a stated level, computed from draws.
//!
//! A band is never a fudge factor: it is the percentile interval of parameter
//! draws (bootstrap refits or draws from a covariance). A hypothesis without
//! published uncertainty gets a zero-width band via [`Band::exact`], and the
//! query that made it says so in a warning.

use crate::error::{check, Error, Result};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The default band level: 90%.
pub const DEFAULT_LEVEL: f64 = 0.90;

/// A central interval: `lo <= median <= hi`, covering `level` of the draws.
///
/// ```
/// use isoflop::band::Band;
/// let mut draws: Vec<f64> = (0..=100).map(|i| i as f64).collect();
/// let b = Band::from_draws(&mut draws, 0.90)?;
/// assert_eq!((b.lo, b.median, b.hi), (5.0, 50.0, 95.0));
/// assert_eq!(b.to_string(), "50 [5, 95] 90%");
/// # Ok::<(), isoflop::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Band {
    /// Lower end: the (1 - level)/2 quantile.
    pub lo: f64,
    /// The median of the draws (the point value for an exact band).
    pub median: f64,
    /// Upper end: the (1 + level)/2 quantile.
    pub hi: f64,
    /// Coverage level in (0, 1), e.g. 0.9.
    pub level: f64,
}

/// Type-7 (linear interpolation) quantile of `xs`, reordering `xs` in place, in O(n).
fn quantile_in_place(xs: &mut [f64], q: f64) -> f64 {
    let n = xs.len();
    let mut h = (n - 1) as f64 * q;
    // Snap rounding noise ((1 - 0.9) / 2 is 0.04999...) to the exact order statistic.
    if (h - h.round()).abs() < 1e-9 {
        h = h.round();
    }
    let k = h.floor() as usize;
    let frac = h - k as f64;
    let (_, &mut lo, right) = xs.select_nth_unstable_by(k, f64::total_cmp);
    if frac == 0.0 || right.is_empty() {
        return lo;
    }
    let hi = right.iter().copied().fold(f64::INFINITY, f64::min);
    lo + frac * (hi - lo)
}

impl Band {
    /// The percentile band of `draws` at `level`. Reorders `draws`; allocates nothing.
    ///
    /// Errors on an empty slice, a level outside (0, 1), or any non-finite draw.
    pub fn from_draws(draws: &mut [f64], level: f64) -> Result<Band> {
        check::open_unit("band level", level)?;
        if draws.is_empty() {
            return Err(Error::InsufficientData {
                what: "a band",
                reason: "no draws".into(),
            });
        }
        if let Some(bad) = draws.iter().find(|x| !x.is_finite()) {
            return Err(Error::InvalidValue {
                what: "draw",
                value: *bad,
                allowed: "every draw must be finite",
            });
        }
        let tail = (1.0 - level) / 2.0;
        let lo = quantile_in_place(draws, tail);
        let median = quantile_in_place(draws, 0.5);
        let hi = quantile_in_place(draws, 1.0 - tail);
        Ok(Band {
            lo,
            median,
            hi,
            level,
        })
    }

    /// A zero-width band at `value` (for presets with no published uncertainty).
    pub fn exact(value: f64, level: f64) -> Result<Band> {
        check::finite("band value", value)?;
        check::open_unit("band level", level)?;
        Ok(Band {
            lo: value,
            median: value,
            hi: value,
            level,
        })
    }

    /// `hi - lo`.
    pub fn width(&self) -> f64 {
        self.hi - self.lo
    }

    /// Whether `x` lies in `[lo, hi]`.
    pub fn contains(&self, x: f64) -> bool {
        self.lo <= x && x <= self.hi
    }
}

impl fmt::Display for Band {
    /// "1.962 [1.951, 1.973] 90%"; the precision (default: shortest) applies to all three.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pct = self.level * 100.0;
        match f.precision() {
            Some(p) => write!(
                f,
                "{:.p$} [{:.p$}, {:.p$}] {pct:.0}%",
                self.median, self.lo, self.hi
            ),
            None => write!(f, "{} [{}, {}] {pct:.0}%", self.median, self.lo, self.hi),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_like_numpy() {
        // numpy.percentile([1,2,3,4], [5, 50, 95]) = [1.15, 2.5, 3.85]
        let mut d = vec![4.0, 1.0, 3.0, 2.0];
        let b = Band::from_draws(&mut d, 0.9).unwrap();
        assert!((b.lo - 1.15).abs() < 1e-12);
        assert!((b.median - 2.5).abs() < 1e-12);
        assert!((b.hi - 3.85).abs() < 1e-12);
    }

    #[test]
    fn rejects_bad_input() {
        assert!(Band::from_draws(&mut [], 0.9).is_err());
        assert!(Band::from_draws(&mut [1.0, f64::NAN], 0.9).is_err());
        assert!(Band::from_draws(&mut [1.0], 1.0).is_err());
        assert!(Band::exact(f64::INFINITY, 0.9).is_err());
    }

    #[test]
    fn single_draw_is_degenerate_but_ordered() {
        let b = Band::from_draws(&mut [2.0], 0.9).unwrap();
        assert_eq!((b.lo, b.median, b.hi), (2.0, 2.0, 2.0));
    }
}
