//! Prediction records and the scoreboard: point error, bias, band coverage and
//! extrapolation, per hypothesis and split.

use crate::band::Band;
use crate::error::{Error, Result};
use crate::units::{Params, Tokens};
use serde::{Deserialize, Serialize};

/// What a record's band describes, so its coverage can be read correctly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BandKind {
    /// No band: the hypothesis has no parameter draws (e.g. a published preset, or a
    /// fit without a bootstrap). Coverage is not defined.
    None,
    /// Moving-block bootstrap of a curve continuation: where the *curve* goes, given
    /// the fitted points' noise (parameter uncertainty only; no new-point noise).
    CurveBootstrap,
    /// Bootstrap parameter draws of a parametric law, mapped through a corpus
    /// calibration refitted per draw: where the *law* is (parameter uncertainty only).
    Confidence,
    /// Bootstrap parameter draws times one resampled run residual each: where a *single
    /// new run* lands (parameters plus the runs' scatter around the law).
    Prediction,
}

impl BandKind {
    /// Short name for tables: `none`, `curve-bootstrap`, `confidence`, `prediction`.
    pub fn name(self) -> &'static str {
        match self {
            BandKind::None => "none",
            BandKind::CurveBootstrap => "curve-bootstrap",
            BandKind::Confidence => "confidence",
            BandKind::Prediction => "prediction",
        }
    }
}

/// One held-out prediction: what a hypothesis fitted on the split's training part said
/// about a point it had not seen, and what was observed there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// The hypothesis' stable id, e.g. `power-law-floor`, `chinchilla-refit`.
    pub hypothesis: String,
    /// The split, e.g. `along-curve@400B`, `along-compute@1e20`, `across-models@7B+13B`.
    pub split: String,
    /// What was predicted, e.g. `LLaMA-7B at 650B tokens`.
    pub target: String,
    /// Model size of the target.
    pub params: Params,
    /// Training tokens of the target.
    pub tokens: Tokens,
    /// Observed loss, nats/token.
    pub observed: f64,
    /// Predicted point loss (the point-estimate parameters), nats/token.
    pub predicted: f64,
    /// The band at the predictor's level, if the hypothesis has draws.
    pub band: Option<Band>,
    /// What the band describes.
    pub band_kind: BandKind,
    /// Training compute 6ND of the target over the largest 6ND in the data the
    /// hypothesis was fitted (or calibrated) on; for a point on one curve this is the
    /// ratio of token counts. > 1 is extrapolation.
    pub extrapolation: f64,
}

impl Record {
    /// Signed error, predicted − observed (nats/token): > 0 is pessimistic.
    pub fn error(&self) -> f64 {
        self.predicted - self.observed
    }

    /// Whether the observed loss lies in the band (`None` without a band).
    pub fn covered(&self) -> Option<bool> {
        self.band.map(|b| b.contains(self.observed))
    }

    /// Whether the observed loss lies in the band narrowed (or widened) to `level`, each
    /// half scaled by the ratio of normal quantiles (`None` without a band, or for a level
    /// outside (0, 1)).
    pub fn covered_at(&self, level: f64) -> Option<bool> {
        let b = self.band?;
        if !(level > 0.0 && level < 1.0) {
            return None;
        }
        let z = |l: f64| {
            use statrs::distribution::ContinuousCDF;
            statrs::distribution::Normal::standard().inverse_cdf(0.5 + l / 2.0)
        };
        let k = z(level) / z(b.level);
        let (lo, hi) = (
            b.median - k * (b.median - b.lo),
            b.median + k * (b.hi - b.median),
        );
        Some(lo <= self.observed && self.observed <= hi)
    }

    fn validate(&self) -> Result<()> {
        let bad = |what: &'static str, value: f64| Error::InvalidValue {
            what,
            value,
            allowed: "must be finite (a backtest record)",
        };
        for (what, v) in [
            ("observed loss", self.observed),
            ("predicted loss", self.predicted),
            ("extrapolation factor", self.extrapolation),
        ] {
            if !v.is_finite() {
                return Err(bad(what, v));
            }
        }
        if self.hypothesis.trim().is_empty() || self.split.trim().is_empty() {
            return Err(Error::NotApplicable {
                what: "a backtest record".into(),
                reason: "its hypothesis and split must be named".into(),
            });
        }
        Ok(())
    }
}

/// A fit that could not be made for a split (e.g. a power law the window cannot pin
/// down). Kept on the scoreboard so a hypothesis cannot look good by failing quietly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Failure {
    /// The hypothesis' id.
    pub hypothesis: String,
    /// The split.
    pub split: String,
    /// What it was fitted to, e.g. `LLaMA-7B`.
    pub target: String,
    /// The error message.
    pub reason: String,
}

/// One line of the scoreboard: a hypothesis on a split.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ScoreRow {
    /// The hypothesis' id.
    pub hypothesis: String,
    /// The split.
    pub split: String,
    /// Number of held-out predictions.
    pub predictions: usize,
    /// Mean absolute error, nats/token.
    pub mae: f64,
    /// Worst absolute error, nats/token.
    pub max_error: f64,
    /// Root-mean-square error, nats/token.
    pub rmse: f64,
    /// Mean signed error, predicted − observed (> 0: predicts higher loss than seen).
    pub bias: f64,
    /// Fraction of observed values inside the band (`None` without bands).
    pub coverage: Option<f64>,
    /// The band's nominal level (`None` without bands).
    pub level: Option<f64>,
    /// What the band describes.
    pub band_kind: BandKind,
    /// Mean width hi − lo of the bands (`None` without bands).
    pub mean_band_width: Option<f64>,
    /// Median extrapolation factor of the predictions.
    pub median_extrapolation: f64,
    /// Largest extrapolation factor.
    pub max_extrapolation: f64,
    /// Fits of this hypothesis on this split that failed (see [`Scoreboard::failures`]).
    pub failures: usize,
    /// Coverage of the bands narrowed to 50% and 80% (each half of a band scaled by the
    /// ratio of normal quantiles, z(0.75)/z(0.95) and z(0.9)/z(0.95) for a 90% band: a
    /// normal approximation of the draws' own 50% and 80% bands); `None` without bands.
    pub coverage_50_80: Option<(f64, f64)>,
}

impl ScoreRow {
    fn from_records(records: &[&Record], failures: usize) -> Result<ScoreRow> {
        let first = records.first().ok_or_else(|| Error::InsufficientData {
            what: "a scoreboard row",
            reason: "no predictions".into(),
        })?;
        let n = records.len() as f64;
        let errors: Vec<f64> = records.iter().map(|r| r.error()).collect();
        let mae = errors.iter().map(|e| e.abs()).sum::<f64>() / n;
        let max_error = errors.iter().fold(0.0_f64, |m, e| m.max(e.abs()));
        let rmse = (errors.iter().map(|e| e * e).sum::<f64>() / n).sqrt();
        let bias = errors.iter().sum::<f64>() / n;
        let banded: Vec<&Band> = records.iter().filter_map(|r| r.band.as_ref()).collect();
        let (coverage, level, mean_band_width) = if banded.len() == records.len() {
            let inside = records.iter().filter(|r| r.covered() == Some(true)).count();
            let level = banded.iter().map(|b| b.level).fold(0.0_f64, f64::max);
            let width = banded.iter().map(|b| b.width()).sum::<f64>() / n;
            (Some(inside as f64 / n), Some(level), Some(width))
        } else {
            (None, None, None)
        };
        let coverage_50_80 = coverage.map(|_| {
            let at = |l: f64| {
                records
                    .iter()
                    .filter(|r| r.covered_at(l) == Some(true))
                    .count() as f64
                    / n
            };
            (at(0.5), at(0.8))
        });
        let mut factors: Vec<f64> = records.iter().map(|r| r.extrapolation).collect();
        let max_extrapolation = factors.iter().copied().fold(0.0_f64, f64::max);
        let median_extrapolation = crate::data::curve::median(&mut factors);
        Ok(ScoreRow {
            hypothesis: first.hypothesis.clone(),
            split: first.split.clone(),
            predictions: records.len(),
            mae,
            max_error,
            rmse,
            bias,
            coverage,
            level,
            band_kind: if coverage.is_some() {
                first.band_kind
            } else {
                BandKind::None
            },
            mean_band_width,
            median_extrapolation,
            max_extrapolation,
            failures,
            coverage_50_80,
        })
    }
}

/// Every held-out prediction and the scores per (hypothesis, split).
///
/// ```
/// use isoflop::backtest::{BandKind, Record, Scoreboard};
/// use isoflop::units::{Params, Tokens};
/// let rec = |h: &str, predicted: f64| Record {
///     hypothesis: h.into(),
///     split: "toy".into(),
///     target: "m at 2T".into(),
///     params: Params::new(7e9).unwrap(),
///     tokens: Tokens::new(2e12).unwrap(),
///     observed: 1.8,
///     predicted,
///     band: None,
///     band_kind: BandKind::None,
///     extrapolation: 2.0,
/// };
/// let board = Scoreboard::new(vec![rec("a", 1.85), rec("b", 1.79)], vec![])?;
/// let ranked = board.ranking("toy");
/// assert_eq!(ranked[0].hypothesis, "b");
/// assert!((ranked[1].bias - 0.05).abs() < 1e-12);
/// assert_eq!(ranked[1].coverage, None); // no band, no coverage
/// # Ok::<(), isoflop::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Scoreboard {
    /// One row per (hypothesis, split), in order of first appearance.
    pub rows: Vec<ScoreRow>,
    /// Every prediction.
    pub records: Vec<Record>,
    /// Every fit that failed.
    pub failures: Vec<Failure>,
}

impl Scoreboard {
    /// Scores `records` per (hypothesis, split), in order of first appearance.
    ///
    /// Errors on a record with a non-finite value or an unnamed hypothesis or split.
    /// A (hypothesis, split) with failures but no predictions gets no row; its
    /// failures stay listed.
    pub fn new(records: Vec<Record>, failures: Vec<Failure>) -> Result<Scoreboard> {
        for r in &records {
            r.validate()?;
        }
        let mut keys: Vec<(&str, &str)> = Vec::new();
        for r in &records {
            let k = (r.hypothesis.as_str(), r.split.as_str());
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
        let rows = keys
            .iter()
            .map(|&(h, s)| {
                let group: Vec<&Record> = records
                    .iter()
                    .filter(|r| r.hypothesis == h && r.split == s)
                    .collect();
                let failed = failures
                    .iter()
                    .filter(|f| f.hypothesis == h && f.split == s)
                    .count();
                ScoreRow::from_records(&group, failed)
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Scoreboard {
            rows,
            records,
            failures,
        })
    }

    /// The row of `hypothesis` on `split`, if it made any prediction there.
    pub fn row(&self, hypothesis: &str, split: &str) -> Option<&ScoreRow> {
        self.rows
            .iter()
            .find(|r| r.hypothesis == hypothesis && r.split == split)
    }

    /// The splits, in order of first appearance.
    pub fn splits(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for r in &self.rows {
            if !out.contains(&r.split.as_str()) {
                out.push(&r.split);
            }
        }
        out
    }

    /// The rows of `split`, best (lowest mean absolute error) first.
    pub fn ranking(&self, split: &str) -> Vec<&ScoreRow> {
        let mut rows: Vec<&ScoreRow> = self.rows.iter().filter(|r| r.split == split).collect();
        rows.sort_by(|a, b| a.mae.total_cmp(&b.mae));
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(h: &str, observed: f64, predicted: f64, band: Option<(f64, f64)>, x: f64) -> Record {
        Record {
            hypothesis: h.into(),
            split: "s".into(),
            target: "t".into(),
            params: Params::raw(1e9),
            tokens: Tokens::raw(1e9),
            observed,
            predicted,
            band: band.map(|(lo, hi)| Band {
                lo,
                median: predicted,
                hi,
                level: 0.8,
            }),
            band_kind: if band.is_some() {
                BandKind::Prediction
            } else {
                BandKind::None
            },
            extrapolation: x,
        }
    }

    #[test]
    fn scores_by_hand() {
        // Errors +0.1, -0.3, +0.2: MAE 0.2, max 0.3, bias 0, RMSE sqrt(0.14/3).
        let board = Scoreboard::new(
            vec![
                rec("a", 2.0, 2.1, Some((2.05, 2.2)), 1.0),
                rec("a", 2.0, 1.7, Some((1.6, 2.1)), 4.0),
                rec("a", 2.0, 2.2, Some((1.9, 2.3)), 2.0),
                rec("b", 2.0, 2.0, None, 3.0),
                rec("b", 2.0, 2.0, Some((1.9, 2.1)), 3.0),
            ],
            vec![],
        )
        .unwrap();
        let a = board.row("a", "s").unwrap();
        assert!((a.mae - 0.2).abs() < 1e-12);
        assert!((a.max_error - 0.3).abs() < 1e-12);
        assert!(a.bias.abs() < 1e-12);
        assert!((a.rmse - (0.14f64 / 3.0).sqrt()).abs() < 1e-12);
        assert_eq!(a.coverage, Some(2.0 / 3.0));
        assert_eq!(a.level, Some(0.8));
        assert_eq!((a.median_extrapolation, a.max_extrapolation), (2.0, 4.0));
        // A row where some predictions have no band reports no coverage.
        let b = board.row("b", "s").unwrap();
        assert_eq!((b.coverage, b.band_kind), (None, BandKind::None));
        assert_eq!(board.ranking("s")[0].hypothesis, "b");
    }
}
