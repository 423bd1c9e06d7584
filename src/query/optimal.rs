//! The compute-optimal split (Hoffmann et al. 2022, Eq. 4) and the overhead of a
//! smaller-than-optimal model (de Vries 2023, "Go smol or go home").

use crate::band::Band;
use crate::error::{check, Error, Result};
use crate::law::{ChinchillaLaw, ChinchillaLaws, LossHypothesis};
use crate::prediction::{Prediction, Warning};
use crate::units::{Flops, Params, Tokens};
use serde::{Deserialize, Serialize};

use super::predict::Predictor;

/// The compute-optimal model size and token count for a budget, with bands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OptimalSplit {
    /// The hypothesis' stable id.
    pub hypothesis: String,
    /// The budget.
    pub flops: Flops,
    /// Optimal parameters under the point estimate.
    pub params: Params,
    /// Optimal tokens under the point estimate (6 N D = C).
    pub tokens: Tokens,
    /// Band of the optimal size over the draws (in parameters), if there are draws.
    pub params_band: Option<Band>,
    /// Band of the optimal token count over the draws (in tokens), if there are draws.
    pub tokens_band: Option<Band>,
    /// Tokens per parameter at the optimum (point estimate).
    pub tokens_per_param: f64,
    /// The loss at the optimum, with its band and warnings.
    pub loss: Prediction,
}

/// The Chinchilla-form laws of `h`, or why it has no compute-optimal split.
fn laws_of<'a>(h: &'a dyn LossHypothesis, what: &str) -> Result<ChinchillaLaws<'a>> {
    h.chinchilla_laws().ok_or_else(|| Error::NotApplicable {
        what: format!("{what} under {}", h.id()),
        reason: "it is not a Chinchilla-form law or an increasing map of one (a \
                 calibration), so it has no closed-form optimum"
            .into(),
    })
}

/// The compute-optimal split of budget `c` (closed form, Hoffmann et al. 2022 Eq. 4:
/// N_opt = G (C/6)^(β/(α+β))), under any hypothesis whose
/// [`LossHypothesis::chinchilla_laws`] it is: a Chinchilla law (preset or fitted) or a
/// calibration of one, whose positive scale leaves the optimum where it is. The loss at
/// the optimum is the hypothesis' own (calibrated) loss.
///
/// # Errors
///
/// [`Error::NotApplicable`] for a hypothesis without Chinchilla-form laws (Kaplan,
/// data-constrained, curve continuations); [`Error::InvalidValue`] for a level outside
/// (0, 1); the errors of the prediction at the optimum.
///
/// # Examples
///
/// ```
/// use isoflop::data::llama;
/// use isoflop::law::calibration::{final_points, Calibrated, CalibrationMode};
/// use isoflop::law::ChinchillaHypothesis;
/// use isoflop::query::compute_optimal;
/// use isoflop::units::Tokens;
/// let h = ChinchillaHypothesis::hoffmann2022();
/// let s = compute_optimal(&h, "5.76e23".parse()?, 0.9)?;
/// assert!((6.0 * s.params.get() * s.tokens.get() / 5.76e23 - 1.0).abs() < 1e-12);
/// // On LLaMA's corpus: the same split, LLaMA's loss.
/// let points = final_points(&llama::curves(), Tokens::new(10e9)?);
/// let cal = Calibrated::fit(Box::new(h), points, CalibrationMode::Offset)?;
/// let on_llama = compute_optimal(&cal, "5.76e23".parse()?, 0.9)?;
/// assert_eq!(on_llama.params, s.params);
/// assert!(on_llama.loss.loss.median < s.loss.loss.median);
/// # Ok::<(), isoflop::Error>(())
/// ```
pub fn compute_optimal(h: &dyn LossHypothesis, c: Flops, level: f64) -> Result<OptimalSplit> {
    check::open_unit("band level", level)?;
    let laws = laws_of(h, "the compute-optimal split")?;
    let (n, d) = laws.point.optimal(c)?;
    let draws = laws.draws;
    let (params_band, tokens_band) = if draws.is_empty() {
        (None, None)
    } else {
        let mut ns = Vec::with_capacity(draws.len());
        let mut ds = Vec::with_capacity(draws.len());
        for law in draws {
            let (ni, di) = law.optimal(c)?;
            ns.push(ni.get());
            ds.push(di.get());
        }
        (
            Some(Band::from_draws(&mut ns, level)?),
            Some(Band::from_draws(&mut ds, level)?),
        )
    };
    let loss = Predictor::new(level)?.predict(h, n, d)?;
    Ok(OptimalSplit {
        hypothesis: h.id(),
        flops: c,
        params: n,
        tokens: d,
        params_band,
        tokens_band,
        tokens_per_param: d.per_param(n),
        loss,
    })
}

/// The compute overhead of training a model of `k_n` times the optimal size to the
/// optimal model's loss (de Vries 2023): the data factor is
/// k_D = [1 + (β/α)(1 − k_N^−α)]^(−1/β) and the overhead k_N·k_D − 1,
/// independent of the budget.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Overhead {
    /// The hypothesis' stable id.
    pub hypothesis: String,
    /// Model size as a fraction of the compute-optimal size.
    pub k_n: f64,
    /// Data factor k_D under the point estimate.
    pub k_d: f64,
    /// Compute overhead k_N k_D − 1 under the point estimate (0.1 = 10% more compute).
    pub overhead: f64,
    /// Band of the overhead over the draws that can reach the loss, if there are draws.
    pub overhead_band: Option<Band>,
    /// Warnings (no published uncertainty; draws under which the loss is unreachable).
    pub warnings: Vec<Warning>,
}

fn de_vries(law: &ChinchillaLaw, k_n: f64) -> Option<(f64, f64)> {
    let inner = 1.0 + (law.beta() / law.alpha()) * (1.0 - k_n.powf(-law.alpha()));
    if inner <= 0.0 {
        return None;
    }
    let k_d = inner.powf(-1.0 / law.beta());
    k_d.is_finite().then_some((k_d, k_n * k_d - 1.0))
}

/// The compute overhead of a model `k_n` times the compute-optimal size reaching the
/// optimal loss (de Vries 2023), under any hypothesis with Chinchilla-form laws (see
/// [`compute_optimal`]; a calibration's positive scale leaves the overhead unchanged).
///
/// # Errors
///
/// [`Error::NotApplicable`] when the model is too small to ever reach that loss (k_D
/// has no solution, below k_N = (1 + α/β)^(−1/α)) or the hypothesis has no
/// Chinchilla-form laws; [`Error::InvalidValue`] for k_N or a level out of range.
///
/// # Examples
///
/// ```
/// use isoflop::law::ChinchillaHypothesis;
/// use isoflop::query::compute_overhead;
/// let h = ChinchillaHypothesis::hoffmann2022();
/// let o = compute_overhead(&h, 0.5, 0.9)?;
/// assert!(o.overhead > 0.0 && o.overhead < 0.5);
/// assert!(compute_overhead(&h, 0.05, 0.9).is_err());
/// # Ok::<(), isoflop::Error>(())
/// ```
pub fn compute_overhead(h: &dyn LossHypothesis, k_n: f64, level: f64) -> Result<Overhead> {
    check::positive("model size factor k_N", k_n)?;
    check::open_unit("band level", level)?;
    let laws = laws_of(h, "the de Vries overhead")?;
    let law = &laws.point;
    let (k_d, overhead) = de_vries(law, k_n).ok_or_else(|| Error::NotApplicable {
        what: format!(
            "the de Vries overhead of a model {k_n}x the optimal size under {}",
            h.id()
        ),
        reason: format!(
            "a model {k_n}x the optimal size never reaches the optimal loss (needs k_N > {:.3})",
            (1.0 + law.alpha() / law.beta()).powf(-1.0 / law.alpha())
        ),
    })?;
    let mut warnings = Vec::new();
    let overhead_band = if laws.draws.is_empty() {
        warnings.push(Warning::NoPublishedUncertainty);
        None
    } else {
        let mut o: Vec<f64> = laws
            .draws
            .iter()
            .filter_map(|l| de_vries(l, k_n).map(|x| x.1))
            .collect();
        let missing = laws.draws.len() - o.len();
        if missing > 0 {
            warnings.push(Warning::Note(format!(
                "under {missing} of {} parameter draws this model size never reaches the optimal loss",
                laws.draws.len()
            )));
        }
        if o.is_empty() {
            None
        } else {
            Some(Band::from_draws(&mut o, level)?)
        }
    };
    warnings.extend(super::predict::caveat_warnings(h));
    Ok(Overhead {
        hypothesis: h.id(),
        k_n,
        k_d,
        overhead,
        overhead_band,
        warnings,
    })
}
