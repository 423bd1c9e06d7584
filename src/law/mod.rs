//! Loss hypotheses: competing assumptions about how training loss continues.
//!
//! Each hypothesis is a named, documented assumption that maps a model size N
//! and a token count D to a loss (nats/token), with parameter draws for
//! uncertainty where they exist. They all implement [`LossHypothesis`], so a
//! query can put them side by side on the same budget.
//!
//! | module | assumption |
//! |---|---|
//! | [`chinchilla`] | L(N, D) = E + A/N^α + B/D^β (Hoffmann et al. 2022 and refits) |
//! | [`kaplan`] | L(N, D) = [(N_c/N)^(α_N/α_D) + D_c/D]^α_D, N non-embedding (Kaplan et al. 2020, Eq. 1.5) |
//! | [`data_constrained`] | Chinchilla's law on effective data and size under repetition (Muennighoff et al. 2023) |
//! | [`continuation`] | one observed curve continued: linear in D, linear in ln D, or E + B·D^−β |
//! | [`calibration`] | any hypothesis moved onto another corpus by a fitted offset (and scale) |
//! | [`annealing`] | L(s) = L0 + A·S1^−α − C·S2 in the learning-rate schedule (Tissue et al. 2024) |
//! | [`multi_power`] | L(t) = L0 + A(S1 + S_W)^−α − LD(t), the multi-power law (Luo et al. 2025) |
//! | [`scheduled`] | a schedule-aware law as a hypothesis: the loss at the end of a run planned for D tokens |
//!
//! This layer depends only on [`crate::units`], [`crate::schedule`] and [`crate::data`]; fitting and
//! queries build on it, never the reverse.

pub mod annealing;
pub mod calibration;
pub mod chinchilla;
pub mod continuation;
pub mod data_constrained;
pub mod kaplan;
pub mod multi_power;
pub mod scheduled;

use crate::error::Result;
use crate::units::{Flops, Params, Tokens};
use serde::{Deserialize, Serialize};

pub use calibration::{Calibrated, CalibrationMode, CalibrationPoint};
pub use chinchilla::{ChinchillaHypothesis, ChinchillaLaw};
pub use continuation::{Continuation, ContinuationForm, ContinuationOptions};
pub use data_constrained::{DataConstrainedHypothesis, DataConstrainedLaw};
pub use kaplan::{KaplanHypothesis, KaplanLaw};
pub use scheduled::{ScheduleLaw, ScheduledHypothesis};

/// How a hypothesis expresses its uncertainty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Uncertainty {
    /// No published uncertainty: predictions get a zero-width band and a warning.
    None,
    /// Draws from refitting bootstrap resamples of the data.
    Bootstrap,
    /// Draws from the parameter covariance of a regression (Student-t or normal).
    Covariance,
    /// Draws from a block bootstrap over a loss curve.
    BlockBootstrap,
}

/// Where the evidence behind a hypothesis ends, so predictions can say how far
/// they extrapolate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// What the data was, e.g. "245 runs of Chinchilla Figure 4 (Epoch AI digitisation)".
    pub description: String,
    /// The largest model size in the data, if known.
    pub max_params: Option<Params>,
    /// The longest run (most tokens) in the data, if known.
    pub max_tokens: Option<Tokens>,
    /// The largest training compute in the data, if known.
    pub max_flops: Option<Flops>,
}

impl Evidence {
    /// Evidence with a description and no known ranges.
    pub fn described(description: impl Into<String>) -> Self {
        Evidence {
            description: description.into(),
            max_params: None,
            max_tokens: None,
            max_flops: None,
        }
    }
}

/// A named assumption about loss as a function of model size and training tokens.
///
/// Implementors evaluate a point estimate and, where they have them, one loss per
/// parameter draw. Queries turn draws into bands and attach warnings; the
/// hypothesis itself never clamps or hides an impossible value.
pub trait LossHypothesis: Send + Sync + std::fmt::Debug {
    /// Stable machine name that says the assumption and its source,
    /// e.g. `chinchilla-hoffmann2022`, `linear-in-tokens`, `power-law-floor-calibrated`.
    fn id(&self) -> String;
    /// The assumption in one sentence.
    fn assumption(&self) -> String;
    /// Where the numbers come from (paper, table, or "fitted to ... by isoflop").
    fn source(&self) -> String;
    /// Point-estimate loss in nats/token for a model of `n` parameters trained on `d` tokens.
    fn point(&self, n: Params, d: Tokens) -> Result<f64>;
    /// The lowest loss this hypothesis allows for a model of size `n` as D grows without
    /// bound (`None` if it has no floor, e.g. a loss that keeps falling linearly).
    fn floor(&self, n: Params) -> Result<Option<f64>>;
    /// How the draws express uncertainty. Defaults to [`Uncertainty::None`], for
    /// point-only hypotheses (published presets); a hypothesis with draws overrides
    /// this, [`LossHypothesis::draw_count`] and [`LossHypothesis::draws_into`].
    fn uncertainty(&self) -> Uncertainty {
        Uncertainty::None
    }
    /// Number of parameter draws (0 when there is no uncertainty, the default).
    fn draw_count(&self) -> usize {
        0
    }
    /// Clears `out` and pushes one loss per parameter draw for (`n`, `d`) (by default,
    /// none). Must not allocate beyond `out`'s growth.
    fn draws_into(&self, n: Params, d: Tokens, out: &mut Vec<f64>) -> Result<()> {
        let _ = (n, d);
        out.clear();
        Ok(())
    }
    /// The data behind the hypothesis.
    fn evidence(&self) -> &Evidence;
    /// Caveats every prediction of this hypothesis must carry (e.g. the cosine-schedule
    /// confound of curves read off a training run). Empty by default.
    fn caveats(&self) -> Vec<Caveat> {
        Vec::new()
    }
}

/// A standing caveat of a hypothesis, attached to each of its predictions as a warning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Caveat {
    /// Fitted to intermediate points of a cosine learning-rate schedule, which overstate
    /// the loss of a run scheduled to end there (Hoffmann et al. 2022, App. B).
    ScheduleConfound,
    /// Any other caveat, in one sentence.
    Note(String),
}
