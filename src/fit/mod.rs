//! Fitting scaling laws to runs: the Chinchilla protocol, bootstrap draws, Kaplan's form.
//!
//! | module | concept |
//! |---|---|
//! | [`approach1`] | Hoffmann et al. 2022's Approach 1: the envelope of minimum loss per compute |
//! | [`approach2`] | Approach 2: a parabola per isoFLOP budget, then power laws of its minimum |
//! | `objective` (internal) | the problems: Huber-on-log-loss cost and analytic gradient (Chinchilla, Kaplan) |
//! | `solver` (internal; its settings are [`SolverOptions`]) | the local solver: L-BFGS (argmin) with a one-pass cost+gradient cache |
//! | `multistart` (internal) | many starts in parallel, keep the best; or screen the starts, refine the best few |
//! | [`protocol`] | Hoffmann et al. 2022's grid protocol for the Chinchilla law; fit status and diagnostics |
//! | [`varpro`] | variable projection: (E, A, B) solved for fixed (α, β), a 2-D search |
//! | [`methods`] | every method on one sweep, side by side, with bands and the spread between them |
//! | [`mod@bootstrap`] | resample runs, refit warm-started, keep the draws; SEs, intervals, covariance, bands |
//! | [`hypothesis`] | a fit (with its bootstrap) as a loss hypothesis: data to answer in one step |
//! | [`kaplan`] | Kaplan et al. 2020's joint law L(N, D) through the same machinery |
//! | [`replication`] | the Besiroglu et al. 2024 replication refitted to the bundled data, as a hypothesis |
//! | [`schedule_law`] | schedule-aware laws (Tissue et al. 2024, Luo et al. 2025) fitted to curves with their schedules |
//!
//! Data flows one way: this layer reads [`crate::data`] and builds [`crate::law`] values;
//! neither imports it.
//!
//! ```
//! use isoflop::data::chinchilla;
//! use isoflop::fit::{bootstrap, fit_chinchilla, FitOptions};
//! let runs = chinchilla::replication_runs();
//! let fit = fit_chinchilla(&runs, &FitOptions::default())?;
//! let boot = bootstrap(&runs, &fit, 100, 7)?;
//! let ci = boot.intervals(0.95)?;
//! assert!(ci.alpha.contains(fit.law.alpha()));
//! # Ok::<(), isoflop::Error>(())
//! ```

pub mod approach1;
pub mod approach2;
pub mod bootstrap;
pub mod hypothesis;
pub mod kaplan;
pub mod methods;
pub(crate) mod multistart;
pub(crate) mod objective;
pub mod protocol;
mod protocol_objective;
pub mod replication;
pub mod schedule_law;
pub(crate) mod solver;
pub mod varpro;

pub use bootstrap::{bootstrap, Bootstrap, Estimates};
pub use hypothesis::fit_hypothesis;
pub use kaplan::{fit_kaplan, KaplanFit};
pub use methods::{compare_methods, MethodComparison, MethodOptions};
pub use protocol::{fit_chinchilla, FitOptions, FitResult, FitStatus, Strategy};
pub use protocol_objective::ProtocolObjective;
pub use solver::SolverOptions;

/// Tables with more runs than this are screened on an evenly spaced sample of this many
/// runs: the 4,500 grid starts of [`Strategy::Screened`] and the exponent grid of
/// [`varpro::fit_varpro`] pick their starting point on the sample, and the fit then
/// converges on every run from there. A start only chooses the basin; the optimum is the
/// full table's. Smaller tables (every bundled one) are fitted exactly as before.
pub const SCREEN_SAMPLE: usize = 16_384;

/// An evenly spaced sample of [`SCREEN_SAMPLE`] runs of `table` (with their counts), or
/// `None` when the table is no larger.
pub(crate) fn screening_sample(
    table: &crate::data::run_table::RunTable,
) -> Option<crate::data::run_table::RunTable> {
    let n = table.len();
    (n > SCREEN_SAMPLE).then(|| {
        let idx: Vec<usize> = (0..SCREEN_SAMPLE).map(|i| i * n / SCREEN_SAMPLE).collect();
        table.subset_trusted(&idx)
    })
}
