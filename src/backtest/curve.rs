//! Along a curve: fit a continuation to one loss curve up to a cut, predict the rest.

use super::score::{BandKind, Record};
use crate::data::curve::{median, LossCurve};
use crate::error::{check, Error, Result};
use crate::law::continuation::{Continuation, ContinuationForm, ContinuationOptions};
use crate::query::Predictor;
use crate::units::Tokens;
use serde::{Deserialize, Serialize};

/// Where to cut a curve and where to score it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CurveSplit {
    /// Fit the points at or before this token count; predict the ones after it.
    pub cut: Tokens,
    /// Start of the fit window (`None`: [`default_fit_start`] of the cut).
    pub start: Option<Tokens>,
    /// Spacing of the held-out points after the cut (default 50B tokens).
    pub step: Tokens,
    /// Each held-out observation is the median loss of the curve's points within
    /// ± this many tokens (default 10B; at most half the step). Medians are robust to
    /// loss spikes. The curve's end is scored with its final loss over the same window.
    pub halfwidth: Tokens,
}

impl CurveSplit {
    /// A split at `cut` with the default window start, a 50B step and a 10B half-width.
    pub fn at(cut: Tokens) -> CurveSplit {
        CurveSplit {
            cut,
            start: None,
            step: Tokens::raw(50e9),
            halfwidth: Tokens::raw(10e9),
        }
    }

    /// The split's label, e.g. `along-curve@400B`.
    pub fn label(&self) -> String {
        format!("along-curve@{}", self.cut)
    }

    /// The start of the fit window.
    pub fn fit_start(&self) -> Tokens {
        self.start.unwrap_or_else(|| default_fit_start(self.cut))
    }
}

/// The default start of the fit window for a cut: half the cut, so the window spans the
/// later half of the observed tokens whatever the curve's length
/// (cut 200B → [100B, 200B]; 400B → [200B, 400B]; 600B → [300B, 600B]).
///
/// ```
/// use isoflop::backtest::default_fit_start;
/// use isoflop::units::Tokens;
/// assert_eq!(default_fit_start(Tokens::new(600e9)?), Tokens::new(300e9)?);
/// # Ok::<(), isoflop::Error>(())
/// ```
pub fn default_fit_start(cut: Tokens) -> Tokens {
    // Half of a valid token count is a valid token count (> 0, finite).
    cut.scale(0.5).unwrap_or(cut)
}

/// The held-out points of `curve` after `split.cut`: (tokens, observed loss) at
/// cut + k·step for every k >= 1 whose ±half-width window lies inside the curve,
/// then the curve's end (last token count, final loss over the half-width).
///
/// Errors: a half-width above half the step ([`Error::InvalidValue`]), or no
/// held-out point ([`Error::InsufficientData`]).
pub fn holdout_points(curve: &LossCurve, split: &CurveSplit) -> Result<Vec<(Tokens, f64)>> {
    let (step, hw) = (split.step.get(), split.halfwidth.get());
    if hw > step / 2.0 {
        return Err(Error::InvalidValue {
            what: "held-out half-width (tokens)",
            value: hw,
            allowed: "must be at most half the step, so held-out windows do not overlap",
        });
    }
    let last = curve.last_tokens().get();
    let mut out = Vec::new();
    let mut k = 1.0;
    loop {
        let g = split.cut.get() + k * step;
        if g + hw > last {
            break;
        }
        let mut window: Vec<f64> = curve
            .points()
            .iter()
            .filter(|p| (p.0.get() - g).abs() <= hw)
            .map(|p| p.1)
            .collect();
        if !window.is_empty() {
            out.push((Tokens::new(g)?, median(&mut window)));
        }
        k += 1.0;
    }
    if last - hw > split.cut.get() {
        out.push((curve.last_tokens(), curve.final_loss(split.halfwidth)));
    }
    if out.is_empty() {
        return Err(Error::InsufficientData {
            what: "an along-curve backtest",
            reason: format!(
                "{} ends at {} tokens: nothing to predict after a cut at {}",
                curve.model(),
                curve.last_tokens(),
                split.cut
            ),
        });
    }
    Ok(out)
}

/// The curve up to and including `cut` (the training part of the split).
pub fn truncate(curve: &LossCurve, cut: Tokens) -> Result<LossCurve> {
    let points: Vec<(Tokens, f64)> = curve
        .points()
        .iter()
        .copied()
        .filter(|p| p.0 <= cut)
        .collect();
    if points.is_empty() {
        return Err(Error::InsufficientData {
            what: "an along-curve backtest",
            reason: format!(
                "{} has no point at or before the cut {cut} (it starts at {})",
                curve.model(),
                curve.first_tokens()
            ),
        });
    }
    LossCurve::new(curve.model(), curve.params(), points)
}

/// Fits `form` to `curve` on the window [`split.fit_start()`, `split.cut`] with the
/// draws, block length and seed of `options` (its `start` is replaced by the split's),
/// and predicts every held-out point with a band at `predictor`'s level.
///
/// The band is the continuation's moving-block bootstrap band ([`BandKind::CurveBootstrap`]).
/// The extrapolation factor of a point is its token count over the last fitted one.
///
/// ```
/// use isoflop::backtest::{along_curve, CurveSplit};
/// use isoflop::data::llama::{self, LlamaModel};
/// use isoflop::law::continuation::{ContinuationForm, ContinuationOptions};
/// use isoflop::query::Predictor;
/// use isoflop::units::Tokens;
/// let curve = llama::curve(LlamaModel::Llama7B);
/// let opts = ContinuationOptions { draws: 100, ..Default::default() };
/// let split = CurveSplit::at(Tokens::new(600e9)?);
/// let recs = along_curve(&curve, ContinuationForm::LinearInLogTokens, &split, &opts,
///                        &mut Predictor::new(0.9)?)?;
/// assert_eq!(recs.len(), 8); // 650B, 700B, ..., 950B and the end (1.0066T)
/// assert!(recs.iter().all(|r| r.error().abs() < 0.05 && r.extrapolation > 1.0));
/// # Ok::<(), isoflop::Error>(())
/// ```
pub fn along_curve(
    curve: &LossCurve,
    form: ContinuationForm,
    split: &CurveSplit,
    options: &ContinuationOptions,
    predictor: &mut Predictor,
) -> Result<Vec<Record>> {
    let start = split.fit_start();
    if start >= split.cut {
        return Err(Error::InvalidValue {
            what: "along-curve fit window start (tokens)",
            value: start.get(),
            allowed: "must lie before the cut",
        });
    }
    let held_out = holdout_points(curve, split)?;
    let train = truncate(curve, split.cut)?;
    let opts = options.clone().starting_at(start);
    let fit = Continuation::fit(&train, form, &opts)?;
    let last_fitted = train.last_tokens().get();
    let label = split.label();
    held_out
        .into_iter()
        .map(|(d, observed)| {
            let p = predictor.predict(&fit, curve.params(), d)?;
            Ok(Record {
                hypothesis: form.id().to_string(),
                split: label.clone(),
                target: format!("{} at {} tokens", curve.model(), d),
                params: curve.params(),
                tokens: d,
                observed,
                predicted: p.point,
                band: Some(p.loss),
                band_kind: BandKind::CurveBootstrap,
                extrapolation: check::result("extrapolation factor", d.get() / last_fitted)?,
            })
        })
        .collect()
}
