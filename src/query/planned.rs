//! Schedule-aware queries: the loss at the end of a run *planned* for D tokens, with the
//! identifiability profile beside the bootstrap band and the annealing bonus.

use super::predict::predict;
use crate::error::Result;
use crate::law::ScheduledHypothesis;
use crate::prediction::{Prediction, Warning};
use crate::units::{Params, Tokens};
use serde::{Deserialize, Serialize};

/// A prediction of a schedule-aware law at the end of a planned run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlannedPrediction {
    /// The prediction (point, bootstrap band, extrapolation, warnings). When the profile is
    /// wider than the band, a warning says so.
    pub prediction: Prediction,
    /// Lowest and highest loss over the fits within the profile tolerance of the best
    /// (`None` if the fit kept no profile).
    pub profile: Option<(f64, f64)>,
    /// The loss the planned run's decay removes (C·S2 or LD), nats/token.
    pub annealing_bonus: f64,
    /// The planned run's loss advantage over a constant rate at the same peak for the same
    /// steps, nats/token.
    pub gain_over_constant: f64,
    /// The planned schedule, in words.
    pub plan: String,
}

/// The loss of the fitted model at the end of `h`'s plan stretched to `d` tokens, with a band
/// at `level`, the identifiability profile and the annealing bonus.
///
/// # Errors
/// As [`predict`] and [`ScheduledHypothesis::profile_range`].
pub fn predict_planned(
    h: &ScheduledHypothesis,
    n: Params,
    d: Tokens,
    level: f64,
) -> Result<PlannedPrediction> {
    let mut prediction = predict(h, n, d, level)?;
    let profile = h.profile_range(n, d)?;
    if let Some((lo, hi)) = profile {
        let spread = hi - lo;
        if spread > prediction.loss.width() {
            prediction.warnings.push(Warning::Note(format!(
                "not identified: fits within the profile tolerance of the best span {lo:.3}-{hi:.3} ({spread:.3} nats), wider than the {:.0}% bootstrap band ({:.3})",
                level * 100.0,
                prediction.loss.width()
            )));
        }
    }
    let (annealing_bonus, gain_over_constant) = h.annealing_bonus(n, d)?;
    Ok(PlannedPrediction {
        plan: h.planned(d)?.to_string(),
        prediction,
        profile,
        annealing_bonus,
        gain_over_constant,
    })
}

impl PlannedPrediction {
    /// The hypothesis id.
    pub fn hypothesis(&self) -> &str {
        &self.prediction.hypothesis
    }
}
