//! The Chinchilla fitting protocol (Hoffmann et al. 2022, arXiv:2203.15556, Sec. 3.3, App. D.2).
//!
//! Minimise Σ Huber_δ(LSE(a − α ln N, b − β ln D, e) − ln L), δ = 10⁻³, with L-BFGS from
//! every point of the grid α, β ∈ {0, 0.5, …, 2}, e ∈ {−1, −0.5, …, 1}, a, b ∈ {0, 5, …, 25}
//! (4,500 starts) and keep the best ([`Strategy::FullGrid`]). The default,
//! [`Strategy::Screened`], evaluates the objective at all 4,500 grid points and runs L-BFGS
//! only from the best few; on the Chinchilla data it reaches the same optimum as the full
//! grid (checked by `tests/fit_protocol.rs`) about 100 times faster.
//!
//! ```
//! use isoflop::data::chinchilla;
//! use isoflop::fit::protocol::{fit_chinchilla, FitOptions, FitStatus};
//! let fit = fit_chinchilla(&chinchilla::replication_runs(), &FitOptions::default())?;
//! assert_eq!(fit.status, FitStatus::Converged);
//! // Besiroglu et al. 2024's grid fit of the same 240 runs: alpha = 0.3473, beta = 0.3672.
//! assert!((fit.law.alpha() - 0.3473).abs() < 1e-3);
//! assert!((fit.law.beta() - 0.3672).abs() < 1e-3);
//! # Ok::<(), isoflop::Error>(())
//! ```

use super::multistart::{minimize_all, minimize_sequential, screen_then_minimize, MultiStart};
use super::objective::{ChinchillaObjective, Objective, CHINCHILLA_DIM};
use super::solver::{minimize, LocalMinimum, SolverOptions, SolverStop};
use crate::data::run_table::RunTable;
use crate::error::{Error, Result};
use crate::law::{ChinchillaLaw, Evidence};
use nalgebra::{Matrix5, SymmetricEigen};
use serde::{Deserialize, Serialize};

/// How to search for the global optimum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Strategy {
    /// L-BFGS from all 4,500 grid starts, keep the best: the protocol exactly.
    FullGrid,
    /// Evaluate the objective at all 4,500 grid points, run L-BFGS from the `refine` best
    /// (on a table above [`SCREEN_SAMPLE`](super::SCREEN_SAMPLE) runs: on an evenly spaced
    /// sample, then L-BFGS on every run from the sample's best).
    Screened {
        /// How many of the best grid points to refine.
        refine: usize,
    },
    /// L-BFGS from `starts` evenly spaced grid starts (every (4500 / `starts`)-th, in
    /// the grid's order), one after another on the calling thread, keep the best: a
    /// coarser protocol whose time per start compares directly with a single-threaded
    /// solver (the SciPy comparison of `examples/fit_chinchilla.rs --subset`).
    Subset {
        /// How many grid starts, 1 to 4,500.
        starts: usize,
    },
}

impl Default for Strategy {
    /// `Screened { refine: 32 }`.
    fn default() -> Self {
        Strategy::Screened { refine: 32 }
    }
}

/// Fit settings.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct FitOptions {
    /// Global search strategy.
    pub strategy: Strategy,
    /// Local solver settings.
    pub solver: SolverOptions,
}

impl FitOptions {
    /// The exact 4,500-start protocol.
    pub fn full_grid() -> Self {
        FitOptions {
            strategy: Strategy::FullGrid,
            ..FitOptions::default()
        }
    }
}

/// How a fit ended. Anything but `Converged` deserves a look at the diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FitStatus {
    /// The local solver converged (gradient or cost change below tolerance) at the best optimum.
    Converged,
    /// The best start hit the iteration limit: the optimum may not be reached.
    IterationLimit,
    /// The line search could not lower the objective although the gradient is not small.
    Stalled,
    /// A parameter ran to the edge of what the data can determine: an exponent below 10⁻⁴,
    /// or a coefficient (a, b) beyond e⁶⁰, or E below e⁻²⁰ (a term vanished or exploded).
    AtBound,
    /// The curvature at the optimum is numerically singular or not positive (smallest
    /// Hessian eigenvalue, in absolute value, ≤ 10⁻¹² of the largest, or a negative
    /// eigenvalue): some combination of parameters is not determined by the data, and the
    /// parameter values reported are one point on a flat valley, not estimates.
    ///
    /// # Causes
    ///
    /// - Too few distinct model sizes or token ratios: with every run at about the same
    ///   D/N, the size and data terms trade off along a line (A/N^α against B/D^β).
    /// - A collinear design: N and D rise together (one IsoFLOP line, or D ∝ N), so the
    ///   data cannot separate α from β.
    /// - Data that do not follow one law: two kinds of loss mixed in one table (nats and
    ///   bits, train and validation, two corpora), or a table dominated by noise. The
    ///   optimiser then drifts to wherever the grid start left it (E = 1, α = 1 and the
    ///   like): those are start values, not estimates.
    ///
    /// # What to do
    ///
    /// - Add design points: more model sizes, and for each size several token ratios
    ///   (Hoffmann et al. 2022 used 9 budgets x many sizes).
    /// - Check the data: one loss definition, one corpus, one unit (nats/token).
    /// - Trust the bootstrap bands ([`crate::fit::bootstrap()`]) rather than the point values:
    ///   on a flat direction they are wide, which is the honest answer.
    /// - Fix one parameter from prior work (e.g. the exponents of a published law) and fit
    ///   the rest, or compare against a published law instead of refitting.
    /// - A variable-projection fit (solve A, B, E linearly for given α, β) would expose
    ///   the flat direction directly; isoflop does not have one yet.
    FlatDirection,
}

impl FitStatus {
    /// Whether the fit converged at a well-determined optimum.
    pub fn is_converged(self) -> bool {
        self == FitStatus::Converged
    }

    /// The status' name: "Converged", "IterationLimit", "Stalled", "AtBound", "FlatDirection".
    pub fn name(self) -> &'static str {
        match self {
            FitStatus::Converged => "Converged",
            FitStatus::IterationLimit => "IterationLimit",
            FitStatus::Stalled => "Stalled",
            FitStatus::AtBound => "AtBound",
            FitStatus::FlatDirection => "FlatDirection",
        }
    }

    /// What the status means and what to do about it, in a sentence or two.
    ///
    /// ```
    /// use isoflop::fit::FitStatus;
    /// assert!(FitStatus::FlatDirection.advice().contains("more model sizes"));
    /// ```
    pub fn advice(self) -> &'static str {
        match self {
            FitStatus::Converged => "the solver converged at a well-determined optimum",
            FitStatus::IterationLimit => {
                "the best start hit the iteration limit before converging; raise the solver's iteration limit or check the data"
            }
            FitStatus::Stalled => {
                "the line search could not lower the objective although the gradient is not small; check the data for mixed losses or outliers"
            }
            FitStatus::AtBound => {
                "a parameter ran to the edge of what the data determine (an exponent near 0, or a term that vanished or exploded); the data may not show a power law in N or D"
            }
            FitStatus::FlatDirection => {
                "some combination of parameters is not determined by the data (too few model sizes or token ratios, a collinear design, or two kinds of loss in one table); add more model sizes and token ratios per size, check that every loss is the same kind, and trust the bootstrap bands over the point values"
            }
        }
    }
}

impl std::fmt::Display for FitStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Diagnostics of a fit: enough to tell a real optimum from an accident.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Diagnostics {
    /// L-BFGS iterations of the winning start (plus its final polish).
    pub iterations: u64,
    /// Gradient L2 norm at the optimum.
    pub grad_norm: f64,
    /// Grid points whose objective was evaluated (4,500 for the protocol's grid).
    pub starts_screened: usize,
    /// Starts refined with L-BFGS.
    pub starts_tried: usize,
    /// Refined starts that failed (non-finite objective or solver error).
    pub starts_failed: usize,
    /// Refined starts that ended at the best optimum (objective within 10⁻⁸ relative).
    pub starts_at_best: usize,
    /// The winning start, `[a, b, e, alpha, beta]`.
    pub best_start: Vec<f64>,
    /// Reciprocal condition number of the finite-difference Hessian at the optimum: the
    /// smallest over the largest eigenvalue in absolute value, in [0, 1] (NaN when not
    /// computed, e.g. for a warm-started refit). Near 0 means a flat direction.
    pub hessian_rcond: f64,
    /// Whether the Hessian has a negative eigenvalue (a saddle or a numerically flat
    /// valley, not a minimum).
    #[serde(default)]
    pub hessian_indefinite: bool,
}

impl Diagnostics {
    /// The Hessian's condition number, largest over smallest eigenvalue in absolute value:
    /// at least 1, infinite for a singular Hessian, NaN when not computed.
    ///
    /// ```
    /// use isoflop::data::chinchilla;
    /// use isoflop::fit::{fit_chinchilla, FitOptions};
    /// let fit = fit_chinchilla(&chinchilla::replication_runs(), &FitOptions::default())?;
    /// let k = fit.diagnostics.condition_number();
    /// assert!(k >= 1.0 && k.is_finite());
    /// # Ok::<(), isoflop::Error>(())
    /// ```
    pub fn condition_number(&self) -> f64 {
        if self.hessian_rcond.is_nan() {
            f64::NAN
        } else if self.hessian_rcond == 0.0 {
            f64::INFINITY
        } else {
            1.0 / self.hessian_rcond
        }
    }
}

/// A fitted Chinchilla law with its objective, status and diagnostics.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct FitResult {
    /// The law (E, A, B, α, β).
    pub law: ChinchillaLaw,
    /// The optimum in the fitting parameterisation `[a, b, e, alpha, beta]`.
    pub params: [f64; CHINCHILLA_DIM],
    /// The summed Huber objective at the optimum.
    pub objective: f64,
    /// How the fit ended.
    pub status: FitStatus,
    /// Iterations, gradient norm, starts.
    pub diagnostics: Diagnostics,
    /// [`RunTable::fingerprint`] of the table fitted (0 for a warm-started refit of a
    /// resample, `fit_from`): a bootstrap refuses any other table.
    pub table_fingerprint: u64,
    /// The ranges of the table fitted (largest N, D, 6ND), for the hypotheses made from
    /// this fit to say how far they extrapolate.
    pub evidence: Evidence,
}

/// The 4,500 starts of Hoffmann et al. 2022 (App. D.2), as `[a, b, e, alpha, beta]`, in the
/// order alpha, beta, e, a, b (outermost first), as in the replication's notebook.
pub(crate) fn hoffmann_grid() -> Vec<Vec<f64>> {
    let halves = |lo: f64, count: usize| (0..count).map(move |k| lo + 0.5 * k as f64);
    let mut grid = Vec::with_capacity(4500);
    for alpha in halves(0.0, 5) {
        for beta in halves(0.0, 5) {
            for e in halves(-1.0, 5) {
                for a in (0..6).map(|k| 5.0 * k as f64) {
                    for b in (0..6).map(|k| 5.0 * k as f64) {
                        grid.push(vec![a, b, e, alpha, beta]);
                    }
                }
            }
        }
    }
    grid
}

/// Fits the Chinchilla law to `table` with the protocol.
///
/// # Errors
/// Too few runs or a single model size / token count ([`RunTable::check_fittable`]);
/// solver settings out of range ([`SolverOptions::check`]) or a [`Strategy::Subset`] of
/// 0 or more than 4,500 starts ([`Error::InvalidValue`]); every start failing, or a best
/// optimum with a non-positive exponent ([`Error::NonIdentifiable`]: the data do not
/// support a decreasing power law).
pub fn fit_chinchilla(table: &RunTable, options: &FitOptions) -> Result<FitResult> {
    table.check_fittable(CHINCHILLA_DIM)?;
    options.solver.check()?;
    let objective = ChinchillaObjective::new(table);
    let grid = hoffmann_grid();
    let search = match options.strategy {
        // Every start runs to a sweep tolerance (gradient 1e-7, cost change 1e-13); the
        // best is then polished to the full tolerance by `finish`. Minima of the sweep
        // agree with fully converged ones to ~1e-10 relative in objective, far below
        // the gaps between distinct local minima, so the same start wins.
        Strategy::FullGrid => minimize_all(&objective, &grid, &options.solver.sweep()),
        Strategy::Screened { refine } => match super::screening_sample(table) {
            None => screen_then_minimize(&objective, &grid, refine, &options.solver),
            // A large table: screen and refine on the sample, then converge on every run
            // from the sample's best optimum (`SCREEN_SAMPLE`).
            Some(sample) => {
                let small = ChinchillaObjective::new(&sample);
                screen_then_minimize(&small, &grid, refine, &options.solver).and_then(|s| {
                    let full = minimize_sequential(
                        &objective,
                        std::slice::from_ref(&s.best.x),
                        &options.solver,
                    )?;
                    Some(MultiStart {
                        best: full.best,
                        starts_failed: s.starts_failed + full.starts_failed,
                        ..s
                    })
                })
            }
        },
        Strategy::Subset { starts } => {
            if starts == 0 || starts > grid.len() {
                return Err(Error::InvalidValue {
                    what: "number of grid starts",
                    value: starts as f64,
                    allowed: "must be between 1 and 4,500",
                });
            }
            let subset: Vec<Vec<f64>> = grid
                .iter()
                .step_by(grid.len() / starts)
                .take(starts)
                .cloned()
                .collect();
            minimize_sequential(&objective, &subset, &options.solver)
        }
    };
    let search = search.ok_or_else(|| {
        Error::NonIdentifiable("every start of the fit failed (non-finite objective)".into())
    })?;
    let mut fit = finish(&objective, search, &options.solver, true)?;
    fit.table_fingerprint = table.fingerprint();
    fit.evidence = Evidence::of_table(
        table,
        format!(
            "{} runs ({} model sizes, {} token counts)",
            table.len(),
            table.distinct_sizes(),
            table.distinct_tokens()
        ),
    );
    Ok(fit)
}

/// Refits from one start (e.g. a bootstrap replicate warm-started at the full-data optimum).
///
/// Lighter than [`fit_chinchilla`]: no polishing restart and no curvature check, so the
/// status is never [`FitStatus::FlatDirection`] and `hessian_rcond` is NaN.
pub(crate) fn fit_from(
    objective: &ChinchillaObjective,
    start: &[f64; CHINCHILLA_DIM],
    options: &SolverOptions,
) -> Result<FitResult> {
    let m = minimize(objective, start, options);
    let search = MultiStart {
        best_start: 0,
        starts_refined: 1,
        starts_screened: 1,
        starts_failed: usize::from(m.stop == SolverStop::Failed),
        starts_at_best: 1,
        best: m,
    };
    if search.starts_failed == 1 {
        return Err(Error::NonIdentifiable(
            "the objective is not finite at the start".into(),
        ));
    }
    finish(objective, search, options, false)
}

/// Classifies the best optimum and builds the law; when `thorough`, first polishes it with
/// a fresh L-BFGS run (memory reset) and checks the curvature.
fn finish(
    objective: &ChinchillaObjective,
    search: MultiStart,
    options: &SolverOptions,
    thorough: bool,
) -> Result<FitResult> {
    let polished = if thorough {
        minimize(objective, &search.best.x, options)
    } else {
        search.best.clone()
    };
    let best: LocalMinimum =
        if thorough && polished.stop != SolverStop::Failed && polished.cost <= search.best.cost {
            LocalMinimum {
                iterations: polished.iterations + search.best.iterations,
                ..polished
            }
        } else {
            search.best.clone()
        };
    let mut x = [0.0; CHINCHILLA_DIM];
    x.copy_from_slice(&best.x);
    let [a, b, e, alpha, beta] = x;
    if !(alpha > 0.0 && beta > 0.0) {
        return Err(Error::NonIdentifiable(format!(
            "the best optimum has alpha = {alpha:.4}, beta = {beta:.4}: an exponent <= 0 means loss does not fall with N or D in this data"
        )));
    }
    let law = ChinchillaLaw::from_logs(a, b, e, alpha, beta)?;
    let (rcond, indefinite) = if thorough {
        hessian_rcond(objective, &x)
    } else {
        (f64::NAN, false)
    };
    let status = if alpha < 1e-4 || beta < 1e-4 || a > 60.0 || b > 60.0 || e < -20.0 {
        FitStatus::AtBound
    } else if thorough && (rcond.is_nan() || rcond <= 1e-12 || indefinite) {
        FitStatus::FlatDirection
    } else {
        match best.stop {
            SolverStop::Converged => FitStatus::Converged,
            SolverStop::IterationLimit => FitStatus::IterationLimit,
            SolverStop::Stalled | SolverStop::Failed => FitStatus::Stalled,
        }
    };
    let start = grid_start(&search);
    Ok(FitResult {
        law,
        params: x,
        objective: best.cost,
        status,
        diagnostics: Diagnostics {
            iterations: best.iterations,
            grad_norm: best.grad_norm,
            starts_screened: search.starts_screened,
            starts_tried: search.starts_refined,
            starts_failed: search.starts_failed,
            starts_at_best: search.starts_at_best,
            best_start: start,
            hessian_rcond: rcond,
            hessian_indefinite: indefinite,
        },
        table_fingerprint: 0,
        evidence: Evidence::described("a refit from one start (ranges not recorded)"),
    })
}

fn grid_start(search: &MultiStart) -> Vec<f64> {
    if search.starts_screened == 4500 {
        hoffmann_grid()
            .get(search.best_start)
            .cloned()
            .unwrap_or_default()
    } else {
        Vec::new()
    }
}

/// Reciprocal condition number of the central-difference Hessian (from analytic gradients):
/// smallest over largest eigenvalue in absolute value, in [0, 1]; and whether an
/// eigenvalue is negative.
fn hessian_rcond(objective: &ChinchillaObjective, x: &[f64; CHINCHILLA_DIM]) -> (f64, bool) {
    let mut h = Matrix5::<f64>::zeros();
    let (mut gp, mut gm) = ([0.0; CHINCHILLA_DIM], [0.0; CHINCHILLA_DIM]);
    for k in 0..CHINCHILLA_DIM {
        let step = 1e-6 * x[k].abs().max(1.0);
        let (mut xp, mut xm) = (*x, *x);
        xp[k] += step;
        xm[k] -= step;
        objective.cost_grad(&xp, &mut gp);
        objective.cost_grad(&xm, &mut gm);
        for j in 0..CHINCHILLA_DIM {
            h[(j, k)] = (gp[j] - gm[j]) / (2.0 * step);
        }
    }
    let sym = (h + h.transpose()) * 0.5;
    let eig = SymmetricEigen::new(sym).eigenvalues;
    if eig.iter().any(|v| !v.is_finite()) {
        return (f64::NAN, false);
    }
    let indefinite = eig.iter().any(|&v| v < 0.0);
    let max = eig.iter().map(|v| v.abs()).fold(0.0, f64::max);
    let min = eig.iter().map(|v| v.abs()).fold(f64::INFINITY, f64::min);
    let rcond = if max > 0.0 { min / max } else { 0.0 };
    (rcond, indefinite)
}
