//! The consensus as a [`LossHypothesis`], so every query works on it.

use super::{Calibration, MemberForecast, Mixture};
use crate::error::{Error, Result};
use crate::law::{Caveat, Evidence, LossHypothesis, Uncertainty};
use crate::query::extrapolation;
use crate::units::{Params, Tokens};
use statrs::distribution::{ContinuousCDF, Normal};
use std::sync::Arc;

/// Default number of draws a consensus hands to queries (its band's percentiles).
pub const DEFAULT_DRAWS: usize = 2_000;

/// A member left out of one answer, and why.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Dropped {
    /// The member's id.
    pub hypothesis: String,
    /// Why: it does not apply to the question, or has no backtest evidence.
    pub reason: String,
}

/// A consensus of hypotheses: the stacking-weighted mixture of their predictive
/// distributions, each widened by its backtest error model ([`crate::consensus`]).
///
/// ```
/// use isoflop::consensus::{table, Consensus};
/// use isoflop::law::{ChinchillaHypothesis, LossHypothesis};
/// use isoflop::query::predict;
/// use std::sync::Arc;
/// let members: Vec<Arc<dyn LossHypothesis>> = vec![Arc::new(ChinchillaHypothesis::hoffmann2022())];
/// // Hoffmann et al.'s law on its own corpus has no backtest record: it drops out.
/// let c = Consensus::new(members, table::final_loss()?);
/// assert!(c.is_err());
/// # Ok::<(), isoflop::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Consensus {
    members: Vec<Arc<dyn LossHypothesis>>,
    calibration: Calibration,
    draws: usize,
    evidence: Evidence,
}

impl Consensus {
    /// The consensus of `members` under `calibration` (error models and weights, e.g.
    /// [`super::table::final_loss`]).
    ///
    /// # Errors
    /// [`Error::InsufficientData`] for an empty member list; [`Error::NotApplicable`] when
    /// no member has an error model in the calibration.
    pub fn new(members: Vec<Arc<dyn LossHypothesis>>, calibration: Calibration) -> Result<Self> {
        if members.is_empty() {
            return Err(Error::InsufficientData {
                what: "a consensus",
                reason: "no members; give at least one hypothesis".into(),
            });
        }
        if !members
            .iter()
            .any(|m| calibration.weight(&m.id()).is_some_and(|w| w > 0.0))
        {
            return Err(Error::NotApplicable {
                what: "a consensus".into(),
                reason: format!(
                    "none of its members ({}) has backtest evidence with a positive weight",
                    members
                        .iter()
                        .map(|m| m.id())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            });
        }
        let evidence = union_evidence(&members);
        Ok(Consensus {
            members,
            calibration,
            draws: DEFAULT_DRAWS,
            evidence,
        })
    }

    /// The same consensus handing `draws` draws to queries (default [`DEFAULT_DRAWS`]).
    ///
    /// # Errors
    /// Fewer than 100 or more than 1,000,000 draws ([`Error::InvalidValue`]).
    pub fn with_draws(mut self, draws: usize) -> Result<Self> {
        if !(100..=1_000_000).contains(&draws) {
            return Err(Error::InvalidValue {
                what: "consensus draws",
                value: draws as f64,
                allowed: "must be between 100 and 1,000,000",
            });
        }
        self.draws = draws;
        Ok(self)
    }

    /// The members, as given.
    pub fn members(&self) -> &[Arc<dyn LossHypothesis>] {
        &self.members
    }

    /// The calibration (error models and stacking weights).
    pub fn calibration(&self) -> &Calibration {
        &self.calibration
    }

    /// Each member's stacking weight (before renormalising over the members that apply
    /// to a question); `None` for a member without backtest evidence.
    pub fn weights(&self) -> Vec<(String, Option<f64>)> {
        self.members
            .iter()
            .map(|m| (m.id(), self.calibration.weight(&m.id())))
            .collect()
    }

    /// The mixture for a model of `n` total parameters trained on `d` tokens, and the
    /// members that dropped out of it.
    ///
    /// # Errors
    /// [`Error::NotApplicable`] when no member with backtest evidence applies.
    pub fn mixture(&self, n: Params, d: Tokens) -> Result<(Mixture, Vec<Dropped>)> {
        let mut forecasts = Vec::new();
        let mut dropped = Vec::new();
        let mut scratch = Vec::new();
        for m in &self.members {
            match member_forecast(m.as_ref(), n, d, &mut scratch) {
                Ok(f) => forecasts.push(f),
                Err(e) => dropped.push(Dropped {
                    hypothesis: m.id(),
                    reason: e.to_string(),
                }),
            }
        }
        let (mix, no_evidence) = self.calibration.mixture(&forecasts)?;
        dropped.extend(no_evidence.into_iter().map(|h| Dropped {
            hypothesis: h,
            reason: "no backtest evidence of final losses".into(),
        }));
        Ok((mix, dropped))
    }
}

fn member_forecast(
    h: &dyn LossHypothesis,
    total: Params,
    d: Tokens,
    scratch: &mut Vec<f64>,
) -> Result<MemberForecast> {
    let n = h.params_from_total(total)?;
    let point = h.point(n, d)?;
    let spread = if h.draw_count() > 1 {
        h.draws_into(n, d, scratch)?;
        scratch.retain(|x| x.is_finite());
        sd(scratch)
    } else {
        0.0
    };
    let x = extrapolation(h.evidence(), n, d).factor;
    MemberForecast::new(h.id(), point, spread, x.max(1e-300))
}

fn sd(xs: &[f64]) -> f64 {
    if xs.len() < 2 {
        return 0.0;
    }
    let m = xs.iter().sum::<f64>() / xs.len() as f64;
    (xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (xs.len() - 1) as f64).sqrt()
}

/// `a` or `b`, whichever `keep_a` prefers when both are known; the known one otherwise.
fn pick<Q: Copy>(a: Option<Q>, b: Option<Q>, keep_a: impl Fn(Q, Q) -> bool) -> Option<Q> {
    match (a, b) {
        (Some(x), Some(y)) => Some(if keep_a(x, y) { x } else { y }),
        (x, y) => x.or(y),
    }
}

fn union_evidence(members: &[Arc<dyn LossHypothesis>]) -> Evidence {
    let mut ev = Evidence::described(format!(
        "the evidence of {} members: {}",
        members.len(),
        members
            .iter()
            .map(|m| m.id())
            .collect::<Vec<_>>()
            .join(", ")
    ));
    for m in members {
        let e = m.evidence();
        ev.max_params = pick(ev.max_params, e.max_params, |a, b| a.get() >= b.get());
        ev.max_tokens = pick(ev.max_tokens, e.max_tokens, |a, b| a.get() >= b.get());
        ev.max_flops = pick(ev.max_flops, e.max_flops, |a, b| a.get() >= b.get());
        ev.min_params = pick(ev.min_params, e.min_params, |a, b| a.get() <= b.get());
        ev.min_tokens = pick(ev.min_tokens, e.min_tokens, |a, b| a.get() <= b.get());
        ev.min_flops = pick(ev.min_flops, e.min_flops, |a, b| a.get() <= b.get());
    }
    ev
}

impl LossHypothesis for Consensus {
    fn id(&self) -> String {
        "consensus".into()
    }
    fn assumption(&self) -> String {
        format!(
            "the loss is distributed as the stacking-weighted mixture of its {} members' \
             predictions, each widened by the errors it made on {} held-out backtest outcomes \
             ({} independent groups), growing as 1 + ln(extrapolation)",
            self.members.len(),
            self.calibration.outcomes(),
            self.calibration.groups()
        )
    }
    fn source(&self) -> String {
        "stacking (Yao et al. 2018, arXiv:1704.02030) of isoflop's hypotheses, with \
         normalised error models (Lei et al. 2018, arXiv:1604.04173), calibrated on isoflop's \
         backtests"
            .into()
    }
    fn point(&self, n: Params, d: Tokens) -> Result<f64> {
        Ok(self.mixture(n, d)?.0.quantile(0.5))
    }
    fn floor(&self, _n: Params) -> Result<Option<f64>> {
        // A mixture has no single floor: each member has its own, and the error models'
        // tails reach below every one of them.
        Ok(None)
    }
    fn uncertainty(&self) -> Uncertainty {
        Uncertainty::Backtest
    }
    fn draw_count(&self) -> usize {
        self.draws
    }
    fn draws_into(&self, n: Params, d: Tokens, out: &mut Vec<f64>) -> Result<()> {
        out.clear();
        let (mix, _) = self.mixture(n, d)?;
        // Stratified draws: each component gets its share of the draws (largest
        // remainder), placed at its own evenly spaced normal quantiles.
        let k = self.draws;
        let comps = mix.components();
        let mut counts: Vec<usize> = comps
            .iter()
            .map(|c| (c.weight * k as f64) as usize)
            .collect();
        let mut rem: Vec<(usize, f64)> = comps
            .iter()
            .enumerate()
            .map(|(i, c)| (i, c.weight * k as f64 - counts[i] as f64))
            .collect();
        rem.sort_by(|a, b| b.1.total_cmp(&a.1));
        let short = k - counts.iter().sum::<usize>();
        for &(i, _) in rem.iter().take(short) {
            counts[i] += 1;
        }
        let z = Normal::standard();
        for (c, &m) in comps.iter().zip(&counts) {
            for j in 0..m {
                out.push(c.mean + c.sd * z.inverse_cdf((j as f64 + 0.5) / m as f64));
            }
        }
        Ok(())
    }
    fn evidence(&self) -> &Evidence {
        &self.evidence
    }
    fn corpus(&self) -> String {
        let mut cs: Vec<String> = self
            .members
            .iter()
            .filter(|m| self.calibration.weight(&m.id()).is_some())
            .map(|m| m.corpus())
            .collect();
        cs.sort();
        cs.dedup();
        cs.join(" + ")
    }
    fn caveats(&self) -> Vec<Caveat> {
        let mut c = vec![Caveat::Note(format!(
            "a band calibrated on {} held-out backtest outcomes from {} independent groups; \
             where the question extrapolates further than the backtests did, its width \
             rests on the assumed 1 + ln(extrapolation) growth",
            self.calibration.outcomes(),
            self.calibration.groups()
        ))];
        for m in &self.members {
            if self.calibration.weight(&m.id()).is_none() {
                c.push(Caveat::Note(format!(
                    "member {} has no backtest evidence and drops out",
                    m.id()
                )));
            }
        }
        c
    }
}
