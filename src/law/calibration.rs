//! Corpus calibration: a parametric hypothesis fitted on one corpus, applied to
//! another through a least-squares offset (and optionally a scale) fitted to
//! losses observed on the second corpus.
//!
//! Losses are not comparable across corpora and tokenizers: LLaMA-1's training
//! losses (its own data mix, 32k SentencePiece vocabulary) sit about 0.3 nats
//! below what Chinchilla's law (fitted on MassiveText) predicts at the same N and
//! D. [`Calibrated`] keeps the inner hypothesis' *shape* and fits its *level*:
//!
//! - [`CalibrationMode::Offset`]: L'(N, D) = L(N, D) + c, c = mean(observed − L);
//! - [`CalibrationMode::OffsetAndScale`]: L'(N, D) = s·L(N, D) + c by ordinary least
//!   squares of the observed losses on the predictions (s must come out > 0).
//!
//! The map is refitted for **every parameter draw** of the inner hypothesis, so the
//! calibrated draws carry both the inner uncertainty and its interaction with
//! the calibration. The sampling error of the offset itself, given a point
//! estimate, is not added: a hypothesis without draws (e.g. Hoffmann's printed
//! constants) stays without draws. [`Calibrated::residuals`] reports how well the
//! shape fits the observed points (observed − calibrated), and their RMS.
//!
//! **Schedule caveat.** Use final losses: an intermediate point of a cosine-scheduled
//! run overstates the loss of a run scheduled to end there (Hoffmann et al. 2022,
//! arXiv:2203.15556, App. B), while parametric laws describe final losses.
//! [`final_points`] takes each curve's final loss; [`tail_points`] takes every point
//! of a tail and is biased upward accordingly (useful to inspect the residuals' trend).
//!
//! ```
//! use isoflop::data::llama;
//! use isoflop::law::calibration::{final_points, Calibrated, CalibrationMode};
//! use isoflop::law::{ChinchillaHypothesis, LossHypothesis};
//! use isoflop::units::Tokens;
//! let points = final_points(&llama::curves(), Tokens::new(10e9)?);
//! let cal = Calibrated::fit(
//!     Box::new(ChinchillaHypothesis::hoffmann2022()),
//!     points,
//!     CalibrationMode::Offset,
//! )?;
//! assert_eq!(cal.id(), "chinchilla-hoffmann2022-calibrated");
//! assert!(cal.offset() < -0.2 && cal.offset() > -0.4); // LLaMA's corpus: ~0.3 nats lower
//! assert!(cal.residual_rms() < 0.05);
//! # Ok::<(), isoflop::Error>(())
//! ```

use super::{Caveat, ChinchillaLaws, Evidence, LossHypothesis, ParamCount, Uncertainty};
use crate::data::curve::LossCurve;
use crate::error::{check, Error, Result};
use crate::units::{Params, Tokens};
use serde::{Deserialize, Serialize};

/// An observed final loss (nats/token) of a model of `params` trained on `tokens`.
///
/// The fields are public to read; [`CalibrationPoint::new`], deserialising and
/// [`Calibrated::fit`] all check that the loss is finite and > 0.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawCalibrationPoint")]
pub struct CalibrationPoint {
    /// Model size.
    pub params: Params,
    /// Training tokens.
    pub tokens: Tokens,
    /// Observed loss, nats/token.
    pub loss: f64,
}

/// Serde form of [`CalibrationPoint`], checked on the way in.
#[derive(Deserialize)]
struct RawCalibrationPoint {
    params: Params,
    tokens: Tokens,
    loss: f64,
}

impl TryFrom<RawCalibrationPoint> for CalibrationPoint {
    type Error = Error;
    fn try_from(r: RawCalibrationPoint) -> Result<Self> {
        CalibrationPoint::new(r.params, r.tokens, r.loss)
    }
}

impl CalibrationPoint {
    /// A point; the loss must be finite and > 0.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] for a loss that is NaN, infinite or <= 0.
    pub fn new(params: Params, tokens: Tokens, loss: f64) -> Result<Self> {
        Ok(CalibrationPoint {
            params,
            tokens,
            loss: check::positive("observed loss (nats/token)", loss)?,
        })
    }

    /// A curve's final loss (median over the last `window` tokens) at its last token count.
    pub fn final_of(curve: &LossCurve, window: Tokens) -> Self {
        CalibrationPoint {
            params: curve.params(),
            tokens: curve.last_tokens(),
            loss: curve.final_loss(window),
        }
    }
}

/// Each curve's final loss (median over the last `window` tokens) at its last token count.
pub fn final_points(curves: &[LossCurve], window: Tokens) -> Vec<CalibrationPoint> {
    curves
        .iter()
        .map(|c| CalibrationPoint::final_of(c, window))
        .collect()
}

/// Every point of `curve` at or after `start`. These are intermediate points of the
/// run's schedule, not final losses (see the module's schedule caveat).
///
/// # Errors
///
/// As [`LossCurve::tail_from`]: [`Error::InsufficientData`] when no point lies at or
/// after `start`.
pub fn tail_points(curve: &LossCurve, start: Tokens) -> Result<Vec<CalibrationPoint>> {
    Ok(curve
        .tail_from(start)?
        .points()
        .iter()
        .map(|&(tokens, loss)| CalibrationPoint {
            params: curve.params(),
            tokens,
            loss,
        })
        .collect())
}

/// What is fitted to map the inner hypothesis onto the observed corpus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CalibrationMode {
    /// A constant offset c (needs >= 1 point).
    Offset,
    /// A scale s > 0 and an offset c (needs >= 2 points whose predictions spread by more
    /// than [`MIN_RELATIVE_SPREAD`] of their mean).
    OffsetAndScale,
}

/// The smallest standard deviation of the predictions, relative to their mean, from which
/// [`CalibrationMode::OffsetAndScale`] fits a scale: 10⁻⁶.
pub const MIN_RELATIVE_SPREAD: f64 = 1e-6;

/// Least-squares map (scale, offset) of `pred` onto `obs`.
fn fit_map(mode: CalibrationMode, pred: &[f64], obs: &[f64]) -> Result<(f64, f64)> {
    let n = pred.len() as f64;
    let mp = pred.iter().sum::<f64>() / n;
    let mo = obs.iter().sum::<f64>() / n;
    match mode {
        CalibrationMode::Offset => Ok((1.0, check::result("calibration offset", mo - mp)?)),
        CalibrationMode::OffsetAndScale => {
            let (mut spp, mut spo) = (0.0, 0.0);
            for (p, o) in pred.iter().zip(obs) {
                spp += (p - mp) * (p - mp);
                spo += (p - mp) * (o - mo);
            }
            // A spread of the predictions at the level of rounding cannot determine a scale:
            // two predictions 1e-16 apart would give a scale of ~1e15 that fits any two
            // observations exactly (RMS 0). Below 1e-6 of the mean prediction, refuse.
            let spread = (spp / n).sqrt();
            if spp > 0.0 && spread <= MIN_RELATIVE_SPREAD * mp.abs() {
                return Err(Error::NonIdentifiable(format!(
                    "calibration scale: the predictions at the calibration points spread by {spread:.3e} \
                     around {mp:.6}, below {MIN_RELATIVE_SPREAD:e} of it; a scale needs points whose \
                     predictions differ (different model sizes or token counts), or use \
                     CalibrationMode::Offset"
                )));
            }
            let s = spo / spp;
            if !(spp > 0.0 && s.is_finite() && s > 0.0) {
                return Err(Error::NonIdentifiable(format!(
                    "calibration scale: the predictions at the calibration points {} (scale {s})",
                    if spp > 0.0 {
                        "anti-correlate with the observations"
                    } else {
                        "do not vary"
                    }
                )));
            }
            Ok((s, check::result("calibration offset", mo - s * mp)?))
        }
    }
}

/// A hypothesis mapped onto another corpus: s·L(N, D) + c, with (s, c) refitted per draw.
///
/// `H` may be a concrete hypothesis or `dyn LossHypothesis`.
#[derive(Debug)]
pub struct Calibrated<H: ?Sized + LossHypothesis> {
    mode: CalibrationMode,
    scale: f64,
    offset: f64,
    draw_maps: Vec<(f64, f64)>,
    points: Vec<CalibrationPoint>,
    residuals: Vec<f64>,
    evidence: Evidence,
    inner: Box<H>,
}

impl<H: ?Sized + LossHypothesis> Calibrated<H> {
    /// Fits the map of `inner` onto the observed `points`.
    ///
    /// Errors: no points, too few for the mode ([`Error::InsufficientData`]), a scale
    /// that is not identifiable or not positive ([`Error::NonIdentifiable`]), or any
    /// error of the inner hypothesis at a point (e.g. a continuation asked about
    /// another model size).
    pub fn fit(
        inner: Box<H>,
        points: Vec<CalibrationPoint>,
        mode: CalibrationMode,
    ) -> Result<Self> {
        let need = match mode {
            CalibrationMode::Offset => 1,
            CalibrationMode::OffsetAndScale => 2,
        };
        if points.len() < need {
            return Err(Error::InsufficientData {
                what: "a corpus calibration",
                reason: format!(
                    "{} observed point(s); {mode:?} needs at least {need}",
                    points.len()
                ),
            });
        }
        // The fields are public: a point written as a literal is checked here.
        for p in &points {
            check::positive("observed loss (nats/token)", p.loss)?;
        }
        let obs: Vec<f64> = points.iter().map(|p| p.loss).collect();
        let pred = points
            .iter()
            .map(|p| inner.point(p.params, p.tokens))
            .collect::<Result<Vec<f64>>>()?;
        let (scale, offset) = fit_map(mode, &pred, &obs)?;
        let residuals: Vec<f64> = obs
            .iter()
            .zip(&pred)
            .map(|(o, p)| o - (scale * p + offset))
            .collect();
        // Losses near the top of f64's range overflow the residuals' squares: an error,
        // never an infinite residual RMS.
        check::result(
            "calibration residual RMS",
            residuals.iter().map(|r| r * r).sum::<f64>(),
        )?;

        // Per-draw recalibration: column k of `by_point` is draw k at every point.
        let k = inner.draw_count();
        let mut draw_maps = Vec::with_capacity(k);
        if k > 0 {
            let mut by_point = Vec::with_capacity(points.len());
            for p in &points {
                let mut d = Vec::with_capacity(k);
                inner.draws_into(p.params, p.tokens, &mut d)?;
                if d.len() != k {
                    return Err(Error::NotApplicable {
                        what: format!("calibrating {}", inner.id()),
                        reason: format!("it returned {} draws where it declares {k}", d.len()),
                    });
                }
                by_point.push(d);
            }
            let mut column = vec![0.0; points.len()];
            for j in 0..k {
                for (c, row) in column.iter_mut().zip(&by_point) {
                    *c = row[j];
                }
                draw_maps.push(fit_map(mode, &column, &obs)?);
            }
        }

        let inner_ev = inner.evidence();
        let own = Evidence::of_runs("", points.iter().map(|p| (p.params, p.tokens)));
        let max_p = points.iter().map(|p| p.params).fold(None, max_opt);
        let max_t = points.iter().map(|p| p.tokens).fold(None, max_opt);
        let max_c = points
            .iter()
            .filter_map(|p| crate::compute::training_flops_6nd(p.params, p.tokens).ok())
            .fold(None, max_opt);
        let evidence = Evidence {
            description: format!(
                "{}; calibrated on {} observed point(s) of another corpus",
                inner_ev.description,
                points.len()
            ),
            max_params: [inner_ev.max_params, max_p]
                .into_iter()
                .flatten()
                .fold(None, max_opt),
            max_tokens: [inner_ev.max_tokens, max_t]
                .into_iter()
                .flatten()
                .fold(None, max_opt),
            max_flops: [inner_ev.max_flops, max_c]
                .into_iter()
                .flatten()
                .fold(None, max_opt),
            min_params: [inner_ev.min_params, own.min_params]
                .into_iter()
                .flatten()
                .fold(None, min_opt),
            min_tokens: [inner_ev.min_tokens, own.min_tokens]
                .into_iter()
                .flatten()
                .fold(None, min_opt),
            min_flops: [inner_ev.min_flops, own.min_flops]
                .into_iter()
                .flatten()
                .fold(None, min_opt),
            min_tokens_per_param: [inner_ev.min_tokens_per_param, own.min_tokens_per_param]
                .into_iter()
                .flatten()
                .fold(None, min_opt),
            max_tokens_per_param: [inner_ev.max_tokens_per_param, own.max_tokens_per_param]
                .into_iter()
                .flatten()
                .fold(None, max_opt),
        };
        Ok(Calibrated {
            mode,
            scale,
            offset,
            draw_maps,
            points,
            residuals,
            evidence,
            inner,
        })
    }

    /// The inner (uncalibrated) hypothesis.
    pub fn inner(&self) -> &H {
        &self.inner
    }
    /// What was fitted.
    pub fn mode(&self) -> CalibrationMode {
        self.mode
    }
    /// The fitted offset c (nats/token), point estimate.
    pub fn offset(&self) -> f64 {
        self.offset
    }
    /// The fitted scale s (1 for [`CalibrationMode::Offset`]), point estimate.
    pub fn scale(&self) -> f64 {
        self.scale
    }
    /// The per-draw (scale, offset) pairs, one per inner draw.
    pub fn draw_maps(&self) -> &[(f64, f64)] {
        &self.draw_maps
    }
    /// The observed points the map was fitted to.
    pub fn points(&self) -> &[CalibrationPoint] {
        &self.points
    }
    /// Observed − calibrated prediction, per point (same order as [`Calibrated::points`]).
    pub fn residuals(&self) -> &[f64] {
        &self.residuals
    }
    /// Root-mean-square of the residuals (nats/token).
    pub fn residual_rms(&self) -> f64 {
        let n = self.residuals.len() as f64;
        (self.residuals.iter().map(|r| r * r).sum::<f64>() / n).sqrt()
    }
}

fn min_opt<T: PartialOrd + Copy>(acc: Option<T>, x: T) -> Option<T> {
    match acc {
        Some(a) if a <= x => Some(a),
        _ => Some(x),
    }
}

fn max_opt<T: PartialOrd + Copy>(acc: Option<T>, x: T) -> Option<T> {
    match acc {
        Some(a) if a >= x => Some(a),
        _ => Some(x),
    }
}

impl<H: ?Sized + LossHypothesis> LossHypothesis for Calibrated<H> {
    fn id(&self) -> String {
        match self.mode {
            CalibrationMode::Offset => format!("{}-calibrated", self.inner.id()),
            CalibrationMode::OffsetAndScale => format!("{}-calibrated-scaled", self.inner.id()),
        }
    }
    fn assumption(&self) -> String {
        let how = match self.mode {
            CalibrationMode::Offset => "shifted by a constant offset",
            CalibrationMode::OffsetAndScale => "mapped by a scale and offset",
        };
        format!(
            "{} Its shape carries over to another corpus, {how} fitted by least squares to observed losses there.",
            self.inner.assumption()
        )
    }
    fn source(&self) -> String {
        format!(
            "{}; calibrated by isoflop on {} observed point(s): scale {:.4}, offset {:+.4} nats, RMS residual {:.4}",
            self.inner.source(),
            self.points.len(),
            self.scale,
            self.offset,
            self.residual_rms()
        )
    }
    fn point(&self, n: Params, d: Tokens) -> Result<f64> {
        let v = self.inner.point(n, d)?;
        check::result("calibrated loss", self.scale * v + self.offset)
    }
    fn floor(&self, n: Params) -> Result<Option<f64>> {
        Ok(self.inner.floor(n)?.map(|f| self.scale * f + self.offset))
    }
    fn uncertainty(&self) -> Uncertainty {
        self.inner.uncertainty()
    }
    fn draw_count(&self) -> usize {
        self.draw_maps.len()
    }
    fn draws_into(&self, n: Params, d: Tokens, out: &mut Vec<f64>) -> Result<()> {
        self.inner.draws_into(n, d, out)?;
        if out.len() != self.draw_maps.len() {
            return Err(Error::NotApplicable {
                what: format!("draws of {}", self.id()),
                reason: format!(
                    "the inner hypothesis returned {} draws, calibrated with {}",
                    out.len(),
                    self.draw_maps.len()
                ),
            });
        }
        for (v, (s, c)) in out.iter_mut().zip(&self.draw_maps) {
            *v = s * *v + c;
        }
        Ok(())
    }
    fn evidence(&self) -> &Evidence {
        &self.evidence
    }
    fn caveats(&self) -> Vec<Caveat> {
        self.inner.caveats()
    }
    fn param_count(&self) -> ParamCount {
        self.inner.param_count()
    }
    fn params_from_total(&self, total: Params) -> Result<Params> {
        self.inner.params_from_total(total)
    }
    /// The inner law's: every calibration map has a positive scale (checked when it is
    /// fitted), so s·L + c is smallest where L is, draw by draw.
    fn chinchilla_laws(&self) -> Option<ChinchillaLaws<'_>> {
        let laws = self.inner.chinchilla_laws()?;
        (laws.draws.len() == self.draw_maps.len()
            && self.scale > 0.0
            && self.draw_maps.iter().all(|&(s, _)| s > 0.0))
        .then_some(laws)
    }
    fn corpus(&self) -> String {
        "its calibration points' corpus".into()
    }
}
