//! Across models: calibrate a parametric law on the small models' final losses,
//! predict the large models' final losses.

use super::score::{BandKind, Record};
use crate::data::curve::LossCurve;
use crate::error::{check, Error, Result};
use crate::law::calibration::{final_points, Calibrated, CalibrationMode};
use crate::law::{LossHypothesis, Uncertainty};
use crate::query::Predictor;
use crate::units::Tokens;

/// The split's label from the calibration curves' names: `across-models@7B+13B` for
/// `LLaMA-7B` and `LLaMA-13B` (each name's part after its last `-`).
pub fn across_models_label(calibrate_on: &[LossCurve]) -> String {
    let names: Vec<&str> = calibrate_on
        .iter()
        .map(|c| c.model().rsplit('-').next().unwrap_or(c.model()))
        .collect();
    format!("across-models@{}", names.join("+"))
}

/// The hypothesis id of a calibrated law in an across-models split:
/// `<inner>-calibrated` with an offset, `<inner>-calibrated-scaled` with scale and offset.
pub fn calibrated_id(inner_id: &str, mode: CalibrationMode) -> String {
    match mode {
        CalibrationMode::Offset => format!("{inner_id}-calibrated"),
        CalibrationMode::OffsetAndScale => format!("{inner_id}-calibrated-scaled"),
    }
}

/// Calibrates `inner` (fitted on another corpus) to the final losses of the
/// `calibrate_on` curves (median over the last `window` tokens) with `mode`, and
/// predicts the final loss of each `targets` curve. The records' hypothesis id is
/// [`calibrated_id`].
///
/// The band is the calibrated hypothesis' parameter-draw band
/// ([`BandKind::Confidence`]: the map is refitted per draw); a hypothesis without draws
/// gives no band. The extrapolation factor is the target's 6ND over the largest 6ND
/// among the calibration curves' final points.
///
/// Errors: no calibration curve or no target ([`Error::InsufficientData`]), a target
/// that is also a calibration curve ([`Error::NotApplicable`]: it would not be held
/// out), and the errors of [`Calibrated::fit`].
///
/// ```
/// use isoflop::backtest::across_models;
/// use isoflop::data::llama::{self, LlamaModel};
/// use isoflop::law::{calibration::CalibrationMode, ChinchillaHypothesis};
/// use isoflop::query::Predictor;
/// use isoflop::units::Tokens;
/// let small = [llama::curve(LlamaModel::Llama7B), llama::curve(LlamaModel::Llama13B)];
/// let large = [llama::curve(LlamaModel::Llama65B)];
/// let hoffmann = || Box::new(ChinchillaHypothesis::hoffmann2022());
/// let mut p = Predictor::new(0.9)?;
/// let w = Tokens::new(10e9)?;
/// let offset = across_models(&small, &large, hoffmann(), CalibrationMode::Offset, w, &mut p)?;
/// let scaled = across_models(&small, &large, hoffmann(), CalibrationMode::OffsetAndScale, w, &mut p)?;
/// assert_eq!(offset[0].split, "across-models@7B+13B");
/// assert_eq!(scaled[0].hypothesis, "chinchilla-hoffmann2022-calibrated-scaled");
/// // Chinchilla's shape with an offset only under-states how much lower LLaMA-65B's
/// // loss is than the small models'; a fitted scale closes most of that gap.
/// assert!(offset[0].error() > 0.05 && scaled[0].error().abs() < 0.03);
/// assert!(offset[0].band.is_none()); // Hoffmann et al. published no uncertainty
/// # Ok::<(), isoflop::Error>(())
/// ```
pub fn across_models(
    calibrate_on: &[LossCurve],
    targets: &[LossCurve],
    inner: Box<dyn LossHypothesis>,
    mode: CalibrationMode,
    window: Tokens,
    predictor: &mut Predictor,
) -> Result<Vec<Record>> {
    if calibrate_on.is_empty() || targets.is_empty() {
        return Err(Error::InsufficientData {
            what: "an across-models backtest",
            reason: format!(
                "{} calibration curve(s) and {} target(s); at least one of each is needed",
                calibrate_on.len(),
                targets.len()
            ),
        });
    }
    if let Some(t) = targets
        .iter()
        .find(|t| calibrate_on.iter().any(|c| c.model() == t.model()))
    {
        return Err(Error::NotApplicable {
            what: format!("predicting {} across models", t.model()),
            reason: "it is also a calibration curve, so it would not be held out".into(),
        });
    }
    let has_draws = inner.uncertainty() != Uncertainty::None && inner.draw_count() > 0;
    let points = final_points(calibrate_on, window);
    let max_c = points
        .iter()
        .map(|p| 6.0 * p.params.get() * p.tokens.get())
        .fold(0.0_f64, f64::max);
    let id = calibrated_id(&inner.id(), mode);
    let cal = Calibrated::fit(inner, points, mode)?;
    let label = across_models_label(calibrate_on);
    targets
        .iter()
        .map(|t| {
            let (n, d) = (t.params(), t.last_tokens());
            let p = predictor.predict(&cal, n, d)?;
            Ok(Record {
                hypothesis: id.clone(),
                split: label.clone(),
                target: format!("{} final loss at {} tokens", t.model(), d),
                params: n,
                tokens: d,
                observed: t.final_loss(window),
                predicted: p.point,
                band: has_draws.then_some(p.loss),
                band_kind: if has_draws {
                    BandKind::Confidence
                } else {
                    BandKind::None
                },
                extrapolation: check::result(
                    "extrapolation factor",
                    6.0 * n.get() * d.get() / max_c,
                )?,
            })
        })
        .collect()
}
