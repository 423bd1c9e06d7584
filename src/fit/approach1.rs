//! Approach 1 of Hoffmann et al. 2022 (arXiv:2203.15556, Sec. 3.1): the lowest loss reached
//! at each compute (the envelope), and power laws of the envelope's N and D against C.
//!
//! Hoffmann et al. read the envelope off training curves; a sweep of final losses has one
//! point per run, so here the envelope at a budget is the budget's lowest-loss run, and
//! ln N_env = a ln C + ln k_N, ln D_env = b ln C + ln k_D are fitted over the budgets
//! (C taken as the run's own 6ND). Hoffmann et al. found a = b = 0.50. The estimate can be
//! no finer than the sizes sampled: a budget whose best run is its smallest or largest
//! size is flagged ([`EnvelopePoint::at_edge`]), since the true optimum may lie beyond.
//! Bands come from a bootstrap over runs within budgets.
//!
//! ```
//! use isoflop::data::{chinchilla, sweep::{BudgetRule, IsoFlopSweep}};
//! use isoflop::fit::approach1::{fit_approach1, Approach1Options};
//! let sweep = IsoFlopSweep::from_table("chinchilla", &chinchilla::replication_runs(), &BudgetRule::Auto)?;
//! let fit = fit_approach1(&sweep, &Approach1Options { bootstrap_draws: 0, seed: 0 })?;
//! assert!(fit.params.exponent > 0.3 && fit.params.exponent < 0.7);
//! # Ok::<(), isoflop::Error>(())
//! ```

use super::approach2::{draw_rng, draws_band, fit_line, PowerLawFit};
use crate::band::Band;
use crate::data::run_table::Run;
use crate::data::sweep::IsoFlopSweep;
use crate::error::{Error, Result};
use crate::fit::replication::evidence_of;
use crate::law::AllocationRule;
use crate::par::*;
use crate::units::Flops;
use rand::Rng;
use serde::{Deserialize, Serialize};

/// Approach 1 settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approach1Options {
    /// Bootstrap draws (resampling runs within each budget); 0 for none.
    pub bootstrap_draws: usize,
    /// Seed of the bootstrap.
    pub seed: u64,
}

impl Default for Approach1Options {
    /// 1,000 draws, seed 0.
    fn default() -> Self {
        Approach1Options {
            bootstrap_draws: 1000,
            seed: 0,
        }
    }
}

/// A budget's lowest-loss run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct EnvelopePoint {
    /// The budget.
    pub budget: Flops,
    /// The run with the lowest loss in the budget.
    pub run: RunRecord,
    /// Whether it is the budget's smallest or largest model (the optimum may lie beyond).
    pub at_edge: bool,
}

/// A run, serialisable: N, D, loss.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RunRecord {
    /// Parameters.
    pub n: f64,
    /// Tokens.
    pub d: f64,
    /// Loss, nats/token.
    pub loss: f64,
}

impl From<Run> for RunRecord {
    fn from(r: Run) -> Self {
        RunRecord {
            n: r.n.get(),
            d: r.d.get(),
            loss: r.loss,
        }
    }
}

/// The result of Approach 1 on one sweep.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Approach1Fit {
    /// The sweep's name.
    pub name: String,
    /// One envelope point per budget, in increasing compute.
    pub envelope: Vec<EnvelopePoint>,
    /// ln N_env = a ln C + ln k_N.
    pub params: PowerLawFit,
    /// ln D_env = b ln C + ln k_D.
    pub tokens: PowerLawFit,
    /// Bootstrap draws `[a, ln k_N, b, ln k_D]`.
    pub draws: Vec<[f64; 4]>,
    /// Draws that failed.
    pub failed_draws: usize,
    /// Settings used.
    pub options: Approach1Options,
}

impl Approach1Fit {
    /// Band of a over the draws (`None` without draws).
    ///
    /// # Errors
    /// An invalid level.
    pub fn a_band(&self, level: f64) -> Result<Option<Band>> {
        draws_band(&self.draws, 0, level)
    }

    /// Band of b over the draws (`None` without draws).
    ///
    /// # Errors
    /// An invalid level.
    pub fn b_band(&self, level: f64) -> Result<Option<Band>> {
        draws_band(&self.draws, 2, level)
    }

    /// Budgets whose best run is at the edge of the sampled sizes.
    pub fn at_edge(&self) -> impl Iterator<Item = &EnvelopePoint> {
        self.envelope.iter().filter(|p| p.at_edge)
    }

    /// The allocation rule as a hypothesis (loss queries error; see [`AllocationRule`]).
    ///
    /// # Errors
    /// An exponent outside (0, 1].
    pub fn to_rule(&self, sweep: &IsoFlopSweep) -> Result<AllocationRule> {
        AllocationRule::new(
            format!("approach1-{}", sweep.name()),
            format!(
                "Approach 1 (envelope of minimum loss per compute, Hoffmann et al. 2022 Sec. 3.1) fitted by isoflop to {}: {} budgets, {} bootstrap draws (seed {})",
                sweep.name(),
                self.envelope.len(),
                self.draws.len(),
                self.options.seed
            ),
            self.params.exponent,
            self.params.ln_coefficient,
            self.tokens.exponent,
            self.tokens.ln_coefficient,
            self.draws.clone(),
            evidence_of(sweep.table(), format!("isoFLOP sweep {}", sweep.name())),
        )
    }
}

/// The lowest-loss run among `runs` weighted by `w` (weight 0 = absent), and whether it is
/// at the edge of the present sizes.
fn best(runs: &[Run], w: &[f64]) -> Option<(Run, bool)> {
    let present = || runs.iter().zip(w).filter(|(_, &w)| w > 0.0).map(|(r, _)| r);
    let b = present().min_by(|x, y| x.loss.total_cmp(&y.loss))?;
    let lo = present().map(|r| r.n.get()).fold(f64::INFINITY, f64::min);
    let hi = present().map(|r| r.n.get()).fold(0.0, f64::max);
    let edge = lo < hi && (b.n.get() == lo || b.n.get() == hi);
    Some((*b, edge))
}

fn line_of(points: &[(Run, bool)]) -> Option<(PowerLawFit, PowerLawFit)> {
    let x: Vec<f64> = points
        .iter()
        .map(|(r, _)| (6.0 * r.n.get() * r.d.get()).ln())
        .collect();
    let yn: Vec<f64> = points.iter().map(|(r, _)| r.n.get().ln()).collect();
    let yd: Vec<f64> = points.iter().map(|(r, _)| r.d.get().ln()).collect();
    Some((fit_line(&x, &yn)?, fit_line(&x, &yd)?))
}

/// Fits Approach 1 to `sweep`.
///
/// # Errors
/// [`Error::InvalidValue`] for more than [`MAX_DRAWS`](crate::band::MAX_DRAWS) bootstrap
/// draws (refused before any work); [`Error::InsufficientData`] with fewer than 2 budgets.
pub fn fit_approach1(sweep: &IsoFlopSweep, options: &Approach1Options) -> Result<Approach1Fit> {
    crate::band::check_draw_count(
        "number of Approach 1 bootstrap draws",
        options.bootstrap_draws,
    )?;
    let groups: Vec<Vec<Run>> = sweep
        .runs_by_budget()
        .into_iter()
        .map(|g| g.into_iter().map(|(r, _)| r).collect())
        .collect();
    let points: Vec<(Run, bool)> = groups
        .iter()
        .filter_map(|g| best(g, &vec![1.0; g.len()]))
        .collect();
    let (params, tokens) = line_of(&points).ok_or_else(|| Error::InsufficientData {
        what: "Approach 1 (envelope)",
        reason: format!(
            "{} budget(s) found; at least 2 at different computes are needed",
            points.len()
        ),
    })?;
    let results: Vec<Option<[f64; 4]>> = (0..options.bootstrap_draws)
        .into_par_iter()
        .map(|i| {
            let mut rng = draw_rng(options.seed, i);
            let pts: Vec<(Run, bool)> = groups
                .iter()
                .filter_map(|g| {
                    let mut w = vec![0.0; g.len()];
                    for _ in 0..g.len() {
                        w[rng.random_range(0..g.len())] += 1.0;
                    }
                    best(g, &w)
                })
                .collect();
            line_of(&pts).map(|(p, t)| [p.exponent, p.ln_coefficient, t.exponent, t.ln_coefficient])
        })
        .collect();
    let failed_draws = results.iter().filter(|r| r.is_none()).count();
    Ok(Approach1Fit {
        name: sweep.name().to_string(),
        envelope: sweep
            .budgets()
            .iter()
            .zip(&groups)
            .filter_map(|(&budget, g)| {
                best(g, &vec![1.0; g.len()]).map(|(run, at_edge)| EnvelopePoint {
                    budget,
                    run: run.into(),
                    at_edge,
                })
            })
            .collect(),
        params,
        tokens,
        draws: results.into_iter().flatten().collect(),
        failed_draws,
        options: *options,
    })
}
