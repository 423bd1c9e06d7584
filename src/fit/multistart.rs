//! Multi-start minimisation: run the local solver from many starts in parallel, keep the best.
//!
//! Two strategies, for any [`Objective`]:
//! - [`minimize_all`]: L-BFGS from every start (the Hoffmann et al. 2022 protocol, App. D.2);
//! - [`screen_then_minimize`]: evaluate the objective at every start (one pass over the data
//!   each, no iterations), then run L-BFGS only from the `refine` best distinct starts.
//!
//! Both run the starts with rayon; the result does not depend on the number of threads.

use super::objective::Objective;
use super::solver::{minimize, LocalMinimum, SolverOptions, SolverStop};
use crate::par::*;

/// Relative objective tolerance within which two local minima count as the same optimum.
pub const SAME_OPTIMUM_RTOL: f64 = 1e-8;

/// The outcome of a multi-start search.
#[derive(Debug, Clone, PartialEq)]
pub struct MultiStart {
    /// The lowest finite local minimum (ties broken by start order).
    pub best: LocalMinimum,
    /// Index of the start that reached `best`, in the order given.
    pub best_start: usize,
    /// Starts passed to L-BFGS.
    pub starts_refined: usize,
    /// Starts whose objective was evaluated (equal to `starts_refined` for [`minimize_all`]).
    pub starts_screened: usize,
    /// Refined starts that failed (non-finite objective at the start, solver error).
    pub starts_failed: usize,
    /// Refined starts that ended within [`SAME_OPTIMUM_RTOL`] of the best objective.
    pub starts_at_best: usize,
}

fn pick_best(
    starts: usize,
    screened: usize,
    indexed: Vec<(usize, LocalMinimum)>,
) -> Option<MultiStart> {
    let failed = indexed
        .iter()
        .filter(|(_, m)| m.stop == SolverStop::Failed || !m.cost.is_finite())
        .count();
    let (best_start, best) = indexed
        .iter()
        .filter(|(_, m)| m.cost.is_finite() && m.stop != SolverStop::Failed)
        .min_by(|(i, a), (j, b)| a.cost.total_cmp(&b.cost).then(i.cmp(j)))?
        .clone();
    let at_best = indexed
        .iter()
        .filter(|(_, m)| {
            m.cost.is_finite() && m.cost - best.cost <= SAME_OPTIMUM_RTOL * best.cost.abs()
        })
        .count();
    Some(MultiStart {
        best,
        best_start,
        starts_refined: starts,
        starts_screened: screened,
        starts_failed: failed,
        starts_at_best: at_best,
    })
}

/// L-BFGS from every start; `None` if every start failed.
pub fn minimize_all<O: Objective + ?Sized>(
    objective: &O,
    starts: &[Vec<f64>],
    options: &SolverOptions,
) -> Option<MultiStart> {
    let results: Vec<(usize, LocalMinimum)> = starts
        .par_iter()
        .enumerate()
        .map(|(i, s)| (i, minimize(objective, s, options)))
        .collect();
    pick_best(starts.len(), starts.len(), results)
}

/// L-BFGS from every start, one after another on the calling thread; `None` if every
/// start failed.
pub fn minimize_sequential<O: Objective + ?Sized>(
    objective: &O,
    starts: &[Vec<f64>],
    options: &SolverOptions,
) -> Option<MultiStart> {
    let results: Vec<(usize, LocalMinimum)> = starts
        .iter()
        .enumerate()
        .map(|(i, s)| (i, minimize(objective, s, options)))
        .collect();
    pick_best(starts.len(), starts.len(), results)
}

/// Screens every start by its objective value, then runs L-BFGS from the `refine` lowest
/// (skipping exact duplicates of the cost, which are symmetric copies of one start);
/// `None` if every refined start failed.
pub fn screen_then_minimize<O: Objective + ?Sized>(
    objective: &O,
    starts: &[Vec<f64>],
    refine: usize,
    options: &SolverOptions,
) -> Option<MultiStart> {
    let mut costs: Vec<(usize, f64)> = starts
        .par_iter()
        .enumerate()
        .map(|(i, s)| (i, objective.cost(s)))
        .filter(|(_, c)| c.is_finite())
        .collect();
    costs.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    costs.dedup_by(|a, b| a.1 == b.1);
    let chosen: Vec<usize> = costs.iter().take(refine.max(1)).map(|&(i, _)| i).collect();
    let results: Vec<(usize, LocalMinimum)> = chosen
        .par_iter()
        .filter_map(|&i| starts.get(i).map(|s| (i, minimize(objective, s, options))))
        .collect();
    pick_best(chosen.len(), starts.len(), results)
}
