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

/// The most parameter draws or bootstrap replicates any function of the crate accepts:
/// 10⁶. A band's percentiles are stable to well under 1% of its width with a few
/// thousand draws; a larger request is almost surely a mistake (or `usize::MAX`) and is
/// refused with [`Error::InvalidValue`] rather than attempted.
pub const MAX_DRAWS: usize = 1_000_000;

/// Checks a requested number of draws against [`MAX_DRAWS`]: the one check every
/// bootstrap, sampler and command-line tool of the crate applies before any work.
///
/// # Errors
/// [`Error::InvalidValue`] naming `what` when `n` is above [`MAX_DRAWS`].
///
/// # Examples
/// ```
/// use isoflop::band::check_draw_count;
/// assert_eq!(check_draw_count("draws", 200)?, 200);
/// assert!(check_draw_count("draws", usize::MAX).is_err());
/// # Ok::<(), isoflop::Error>(())
/// ```
pub fn check_draw_count(what: &'static str, n: usize) -> Result<usize> {
    if n > MAX_DRAWS {
        Err(Error::InvalidValue {
            what,
            value: n as f64,
            allowed: "must be at most 1,000,000 (isoflop::band::MAX_DRAWS)",
        })
    } else {
        Ok(n)
    }
}

/// [`check_draw_count`] and at least 2 draws (the least a band is made of).
pub(crate) fn check_band_draws(what: &'static str, n: usize) -> Result<usize> {
    check_draw_count(what, n)?;
    if n < 2 {
        return Err(Error::InvalidValue {
            what,
            value: n as f64,
            allowed: "must be at least 2",
        });
    }
    Ok(n)
}

/// Checks a band level: finite and in the open interval (0, 1).
///
/// # Errors
/// [`Error::InvalidValue`] naming `what` for NaN, 0, 1 or anything outside.
///
/// # Examples
/// ```
/// use isoflop::band::check_level;
/// assert!(check_level("band level", 0.9).is_ok());
/// assert!(check_level("band level", f64::NAN).is_err());
/// assert!(check_level("band level", 0.0).is_err());
/// # Ok::<(), isoflop::Error>(())
/// ```
pub fn check_level(what: &'static str, level: f64) -> Result<f64> {
    check::open_unit(what, level)
}

/// A central interval: `lo <= median <= hi`, covering `level` of the draws.
///
/// The fields are public to read (`p.loss.hi`). Every way the crate builds a band
/// ([`Band::from_draws`], [`Band::exact`], [`Band::new`]) and deserialising checks the
/// invariant: finite ends, `lo <= median <= hi`, level in (0, 1). A band written as a
/// struct literal is not checked; pass it through [`Band::validate`] (or build it with
/// [`Band::new`]) if it comes from outside.
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
#[serde(try_from = "RawBand")]
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

/// Serde form of [`Band`]: checked on the way in by [`Band::new`].
#[derive(Deserialize)]
struct RawBand {
    lo: f64,
    median: f64,
    hi: f64,
    level: f64,
}

impl TryFrom<RawBand> for Band {
    type Error = Error;
    fn try_from(r: RawBand) -> Result<Self> {
        Band::new(r.lo, r.median, r.hi, r.level)
    }
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
    /// A band from its ends, median and level, checked.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] if a value is not finite, the level is outside (0, 1), or
    /// the order `lo <= median <= hi` does not hold.
    ///
    /// # Examples
    /// ```
    /// use isoflop::band::Band;
    /// let b = Band::new(1.95, 1.96, 1.97, 0.9)?;
    /// assert_eq!(b.median, 1.96);
    /// assert!(Band::new(2.0, 1.96, 1.97, 0.9).is_err()); // lo above the median
    /// # Ok::<(), isoflop::Error>(())
    /// ```
    pub fn new(lo: f64, median: f64, hi: f64, level: f64) -> Result<Band> {
        check::finite("band lower end", lo)?;
        check::finite("band median", median)?;
        check::finite("band upper end", hi)?;
        check::open_unit("band level", level)?;
        if lo > median {
            return Err(Error::InvalidValue {
                what: "band lower end",
                value: lo,
                allowed: "must be <= the median",
            });
        }
        if median > hi {
            return Err(Error::InvalidValue {
                what: "band upper end",
                value: hi,
                allowed: "must be >= the median",
            });
        }
        Ok(Band {
            lo,
            median,
            hi,
            level,
        })
    }

    /// Checks a band built as a struct literal (see [`Band::new`]).
    ///
    /// # Errors
    /// As [`Band::new`].
    pub fn validate(self) -> Result<Band> {
        Band::new(self.lo, self.median, self.hi, self.level)
    }

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

/// The Wilson score interval of `successes` out of `trials` at `level` (Wilson 1927,
/// JASA 22(158)): how much a coverage figure resting on `trials` outcomes can be trusted.
///
/// # Errors
/// No trials, more successes than trials, or a level outside (0, 1)
/// ([`Error::InvalidValue`]).
///
/// # Examples
/// ```
/// use isoflop::band::wilson_interval;
/// let (lo, hi) = wilson_interval(90, 100, 0.95)?;
/// assert!((lo - 0.8256).abs() < 1e-4 && (hi - 0.9448).abs() < 1e-4);
/// assert!(wilson_interval(3, 2, 0.9).is_err());
/// # Ok::<(), isoflop::Error>(())
/// ```
pub fn wilson_interval(successes: usize, trials: usize, level: f64) -> Result<(f64, f64)> {
    use statrs::distribution::{ContinuousCDF, Normal};
    check::open_unit("confidence level of a Wilson interval", level)?;
    if trials == 0 || successes > trials {
        return Err(Error::InvalidValue {
            what: "number of successes of a Wilson interval",
            value: successes as f64,
            allowed: "must be at most the number of trials, which must be at least 1",
        });
    }
    let z = Normal::standard().inverse_cdf(0.5 + level / 2.0);
    let (n, p) = (trials as f64, successes as f64 / trials as f64);
    let c = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
    let h = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt() / (1.0 + z * z / n);
    Ok(((c - h).max(0.0), (c + h).min(1.0)))
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
