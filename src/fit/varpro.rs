//! Variable projection for the Chinchilla law L = E + A N^−α + B D^−β
//! (Golub and Pereyra 1973; applied to scaling laws by Open-Athena, arXiv:2603.22339).
//!
//! For fixed exponents (α, β) the law is linear in (E, A, B). Two objectives:
//!
//! - [`VarproObjective::SquaredLoss`]: ½ Σ (L̂ − L)², whose best (E, A, B) ≥ 0 is a 3-column
//!   non-negative least-squares problem, solved exactly (every active set is tried);
//! - [`VarproObjective::HuberLogLoss`]: the protocol's Σ Huber_δ(ln L̂ − ln L), δ = 10⁻³
//!   ([`crate::fit::protocol`]); the non-negative least-squares (E, A, B) starts a short
//!   L-BFGS solve over (ln A, ln B, ln E) with (α, β) held fixed.
//!
//! Either way the search is over (α, β) only: the profile objective is evaluated on a grid
//! ([`VarproOptions::alpha`], [`VarproOptions::beta`]), then the best grid point is refined
//! by Nelder-Mead. The 2-D profile problem is well conditioned where the 5-D one is not:
//! [`VarproFit::condition_number`] (2-D profile Hessian) and
//! [`VarproFit::full_condition_number`] (5-D Hessian of the same objective at the same
//! optimum, in the protocol's parameters `[ln A, ln B, ln E, α, β]`) report both.
//!
//! ```
//! use isoflop::data::run_table::RunTable;
//! use isoflop::fit::varpro::{fit_varpro, VarproObjective, VarproOptions};
//! use isoflop::law::ChinchillaLaw;
//! use isoflop::units::{Params, Tokens};
//! let truth = ChinchillaLaw::new(1.8, 400.0, 1200.0, 0.34, 0.28)?;
//! let mut rows = Vec::new();
//! for n in [1e8, 3e8, 1e9, 3e9] {
//!     for d in [2e9, 6e9, 2e10, 6e10] {
//!         rows.push((n, d, truth.loss(Params::new(n)?, Tokens::new(d)?)?));
//!     }
//! }
//! let table = RunTable::from_rows(&rows)?;
//! let opts = VarproOptions { objective: VarproObjective::SquaredLoss, ..Default::default() };
//! let fit = fit_varpro(&table, &opts)?;
//! assert!((fit.law.alpha() - 0.34).abs() < 1e-6 && (fit.law.beta() - 0.28).abs() < 1e-6);
//! # Ok::<(), isoflop::Error>(())
//! ```

use super::objective::{ChinchillaObjective, Objective};
use super::protocol::FitStatus;
use super::solver::{minimize, SolverOptions, SolverStop};
use crate::data::run_table::RunTable;
use crate::error::{Error, Result};
use crate::law::ChinchillaLaw;
use crate::par::*;
use nalgebra::{DMatrix, DVector, Matrix2, Matrix5, SymmetricEigen};
use serde::{Deserialize, Serialize};

/// Which objective the projection minimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum VarproObjective {
    /// ½ Σ (L̂ − L)²: (E, A, B) by exact non-negative least squares.
    SquaredLoss,
    /// Σ Huber_δ(ln L̂ − ln L), δ = 10⁻³: the protocol's objective (default).
    #[default]
    HuberLogLoss,
}

/// An evenly spaced grid of an exponent.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ExponentGrid {
    /// Smallest value (> 0).
    pub lo: f64,
    /// Largest value.
    pub hi: f64,
    /// Number of points (≥ 2).
    pub steps: usize,
}

impl ExponentGrid {
    fn values(&self) -> Vec<f64> {
        (0..self.steps)
            .map(|k| self.lo + (self.hi - self.lo) * k as f64 / (self.steps - 1) as f64)
            .collect()
    }

    fn check(&self, what: &'static str) -> Result<()> {
        if !(self.lo.is_finite() && self.hi.is_finite() && self.lo > 0.0 && self.hi > self.lo) {
            return Err(Error::InvalidValue {
                what,
                value: self.lo,
                allowed: "the grid needs 0 < lo < hi, both finite",
            });
        }
        if self.steps < 2 {
            return Err(Error::InvalidValue {
                what,
                value: self.steps as f64,
                allowed: "the grid needs at least 2 steps",
            });
        }
        Ok(())
    }
}

/// Variable-projection settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VarproOptions {
    /// The objective.
    pub objective: VarproObjective,
    /// Grid of α.
    pub alpha: ExponentGrid,
    /// Grid of β.
    pub beta: ExponentGrid,
    /// The inner L-BFGS (Huber objective only).
    pub solver: SolverOptions,
    /// Nelder-Mead stops when the simplex is smaller than this in (α, β).
    pub tolerance: f64,
}

impl Default for VarproOptions {
    /// Huber on log loss; α, β ∈ {0.05, 0.15, …, 1.25} (13 × 13); simplex 10⁻¹⁰.
    fn default() -> Self {
        let grid = ExponentGrid {
            lo: 0.05,
            hi: 1.25,
            steps: 13,
        };
        VarproOptions {
            objective: VarproObjective::HuberLogLoss,
            alpha: grid,
            beta: grid,
            solver: SolverOptions::default(),
            tolerance: 1e-10,
        }
    }
}

/// The result of a variable-projection fit.
#[derive(Debug, Clone, PartialEq)]
pub struct VarproFit {
    /// The fitted law.
    pub law: ChinchillaLaw,
    /// The objective at the optimum (of [`VarproOptions::objective`]).
    pub objective: f64,
    /// Which objective.
    pub kind: VarproObjective,
    /// How the fit ended: `Converged`, `AtBound` (an exponent on the grid's edge or a
    /// coefficient at zero or vanishing), `IterationLimit` (Nelder-Mead or an inner solve
    /// ran out of iterations) or `FlatDirection` (the profile Hessian is singular).
    pub status: FitStatus,
    /// Condition number of the 2-D profile Hessian in (α, β) at the optimum.
    pub condition_number: f64,
    /// Condition number of the 5-D Hessian of the same objective at the same optimum, in
    /// `[ln A, ln B, ln E, α, β]`.
    pub full_condition_number: f64,
    /// Profile evaluations (grid plus refinement).
    pub evaluations: usize,
    /// What, if anything, is wrong.
    pub note: Option<String>,
}

/// The data in the form the projection needs.
struct Profile {
    ln_n: Vec<f64>,
    ln_d: Vec<f64>,
    loss: Vec<f64>,
    /// √count per run: the least squares weight each run by the rows it stands for.
    root_weight: Vec<f64>,
    huber: ChinchillaObjective,
    kind: VarproObjective,
    solver: SolverOptions,
}

/// (E, A, B) for fixed exponents, the objective, and whether the inner solve converged.
#[derive(Debug, Clone, Copy)]
struct Inner {
    coef: [f64; 3],
    cost: f64,
    converged: bool,
}

/// The Huber objective with (α, β) held fixed: parameters `[ln A, ln B, ln E]`.
struct FixedExponents<'a> {
    full: &'a ChinchillaObjective,
    alpha: f64,
    beta: f64,
}

impl Objective for FixedExponents<'_> {
    fn dim(&self) -> usize {
        3
    }
    fn cost_grad(&self, x: &[f64], grad: &mut [f64]) -> f64 {
        let mut g = [0.0; 5];
        let c = self
            .full
            .cost_grad(&[x[0], x[1], x[2], self.alpha, self.beta], &mut g);
        grad[..3].copy_from_slice(&g[..3]);
        c
    }
    fn cost(&self, x: &[f64]) -> f64 {
        self.full.cost(&[x[0], x[1], x[2], self.alpha, self.beta])
    }
}

impl Profile {
    fn new(table: &RunTable, kind: VarproObjective, solver: SolverOptions) -> Profile {
        Profile {
            ln_n: table.iter().map(|r| r.n.get().ln()).collect(),
            ln_d: table.iter().map(|r| r.d.get().ln()).collect(),
            loss: table.iter().map(|r| r.loss).collect(),
            root_weight: table
                .counts()
                .iter()
                .map(|&c| f64::from(c).sqrt())
                .collect(),
            huber: ChinchillaObjective::new(table),
            kind,
            solver,
        }
    }

    /// Exact non-negative least squares of loss on (1, N^−α, D^−β): the best feasible
    /// unconstrained solution over the 7 non-empty supports (the optimum's support is one
    /// of them, and on it the optimum is the unconstrained solution). Columns are scaled to
    /// unit norm and solved by SVD.
    fn nnls(&self, alpha: f64, beta: f64) -> Option<Inner> {
        let m = self.loss.len();
        let w = &self.root_weight;
        let cols: [Vec<f64>; 3] = [
            w.clone(),
            self.ln_n
                .iter()
                .zip(w)
                .map(|(x, w)| w * (-alpha * x).exp())
                .collect(),
            self.ln_d
                .iter()
                .zip(w)
                .map(|(x, w)| w * (-beta * x).exp())
                .collect(),
        ];
        let norms: Vec<f64> = cols
            .iter()
            .map(|c| c.iter().map(|v| v * v).sum::<f64>().sqrt())
            .collect();
        if norms.iter().any(|n| !(n.is_finite() && *n > 0.0)) {
            return None;
        }
        let y = DVector::from_iterator(m, self.loss.iter().zip(w).map(|(l, w)| w * l));
        let mut best: Option<Inner> = None;
        for support in 1u8..8 {
            let idx: Vec<usize> = (0..3).filter(|k| support & (1 << k) != 0).collect();
            let x = DMatrix::from_fn(m, idx.len(), |i, j| cols[idx[j]][i] / norms[idx[j]]);
            let Ok(sol) = x.clone().svd(true, true).solve(&y, 1e-14) else {
                continue;
            };
            if sol.iter().any(|v| !v.is_finite() || *v < 0.0) {
                continue;
            }
            let r = &x * &sol - &y;
            let cost = 0.5 * r.norm_squared();
            if best.is_none_or(|b| cost < b.cost) {
                let mut coef = [0.0; 3];
                for (j, &k) in idx.iter().enumerate() {
                    coef[k] = sol[j] / norms[k];
                }
                best = Some(Inner {
                    coef,
                    cost,
                    converged: true,
                });
            }
        }
        best
    }

    /// The profile objective at (α, β): the best (E, A, B) and its cost. `warm` is an
    /// earlier (E, A, B) to start the Huber solve from as well.
    fn eval(
        &self,
        alpha: f64,
        beta: f64,
        warm: Option<[f64; 3]>,
        solver: &SolverOptions,
    ) -> Option<Inner> {
        if !(alpha > 0.0 && beta > 0.0) {
            return None;
        }
        if self.kind == VarproObjective::SquaredLoss {
            return self.nnls(alpha, beta);
        }
        let inner = FixedExponents {
            full: &self.huber,
            alpha,
            beta,
        };
        let logs = |c: [f64; 3]| {
            // [ln A, ln B, ln E]; a zero coefficient starts far below the others.
            let floor = 1e-8 * self.loss.iter().copied().fold(0.0, f64::max);
            [
                c[1].max(floor).ln(),
                c[2].max(floor).ln(),
                c[0].max(floor).ln(),
            ]
        };
        let mut best: Option<Inner> = None;
        // A warm start (a nearby optimum) is enough; otherwise start from the
        // squared-error solution.
        let start = match warm {
            Some(w) => w,
            None => self.nnls(alpha, beta)?.coef,
        };
        for s in [start] {
            let m = minimize(&inner, &logs(s), solver);
            if m.stop == SolverStop::Failed || !m.cost.is_finite() {
                continue;
            }
            if best.is_none_or(|b| m.cost < b.cost) {
                best = Some(Inner {
                    coef: [m.x[2].exp(), m.x[0].exp(), m.x[1].exp()],
                    cost: m.cost,
                    converged: matches!(m.stop, SolverStop::Converged | SolverStop::Stalled),
                });
            }
        }
        best
    }
}

/// Nelder-Mead on a 2-D function, from `x0` with initial step `step`; returns the best
/// point, its value and whether the simplex shrank below `tol` within `max_evals`.
fn nelder_mead(
    f: &mut dyn FnMut([f64; 2]) -> f64,
    x0: [f64; 2],
    step: f64,
    tol: f64,
    max_evals: usize,
) -> ([f64; 2], f64, usize, bool) {
    let mut s = [x0, [x0[0] + step, x0[1]], [x0[0], x0[1] + step]];
    let mut v = [f(s[0]), f(s[1]), f(s[2])];
    let mut evals = 3;
    let lin =
        |a: [f64; 2], b: [f64; 2], t: f64| [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
    loop {
        let mut order = [0usize, 1, 2];
        order.sort_by(|&i, &j| v[i].total_cmp(&v[j]));
        s = [s[order[0]], s[order[1]], s[order[2]]];
        v = [v[order[0]], v[order[1]], v[order[2]]];
        let size = (1..3)
            .map(|k| (s[k][0] - s[0][0]).abs().max((s[k][1] - s[0][1]).abs()))
            .fold(0.0, f64::max);
        if size < tol {
            return (s[0], v[0], evals, true);
        }
        if evals >= max_evals {
            return (s[0], v[0], evals, false);
        }
        let centre = [(s[0][0] + s[1][0]) / 2.0, (s[0][1] + s[1][1]) / 2.0];
        let xr = lin(centre, s[2], -1.0);
        let fr = f(xr);
        evals += 1;
        if fr < v[0] {
            let xe = lin(centre, s[2], -2.0);
            let fe = f(xe);
            evals += 1;
            (s[2], v[2]) = if fe < fr { (xe, fe) } else { (xr, fr) };
        } else if fr < v[1] {
            (s[2], v[2]) = (xr, fr);
        } else {
            let xc = if fr < v[2] {
                lin(centre, xr, 0.5)
            } else {
                lin(centre, s[2], 0.5)
            };
            let fc = f(xc);
            evals += 1;
            if fc < v[2].min(fr) {
                (s[2], v[2]) = (xc, fc);
            } else {
                for k in 1..3 {
                    s[k] = lin(s[0], s[k], 0.5);
                    v[k] = f(s[k]);
                    evals += 1;
                }
            }
        }
    }
}

fn condition(eigenvalues: &[f64]) -> f64 {
    let max = eigenvalues
        .iter()
        .copied()
        .fold(f64::NEG_INFINITY, f64::max);
    let min = eigenvalues.iter().copied().fold(f64::INFINITY, f64::min);
    if max > 0.0 && min > 0.0 {
        max / min
    } else {
        f64::INFINITY
    }
}

/// Condition number of the central-difference Hessian of `objective` at `x`
/// (from its analytic gradient; 5 parameters).
pub(crate) fn hessian_condition<O: Objective + ?Sized>(objective: &O, x: &[f64; 5]) -> f64 {
    let mut h = Matrix5::<f64>::zeros();
    let (mut gp, mut gm) = ([0.0; 5], [0.0; 5]);
    for k in 0..5 {
        let step = 1e-6 * x[k].abs().max(1.0);
        let (mut xp, mut xm) = (*x, *x);
        xp[k] += step;
        xm[k] -= step;
        objective.cost_grad(&xp, &mut gp);
        objective.cost_grad(&xm, &mut gm);
        for j in 0..5 {
            h[(j, k)] = (gp[j] - gm[j]) / (2.0 * step);
        }
    }
    let sym = (h + h.transpose()) * 0.5;
    condition(SymmetricEigen::new(sym).eigenvalues.as_slice())
}

/// The ½ Σ (L̂ − L)² objective in `[ln A, ln B, ln E, α, β]`, for its condition number.
struct SquaredFull<'a>(&'a Profile);

impl Objective for SquaredFull<'_> {
    fn dim(&self) -> usize {
        5
    }
    fn cost_grad(&self, x: &[f64], grad: &mut [f64]) -> f64 {
        let p = self.0;
        let mut g = [0.0; 5];
        let mut cost = 0.0;
        for ((&ln_n, &ln_d), &l) in p.ln_n.iter().zip(&p.ln_d).zip(&p.loss) {
            let tn = (x[0] - x[3] * ln_n).exp();
            let td = (x[1] - x[4] * ln_d).exp();
            let r = x[2].exp() + tn + td - l;
            cost += 0.5 * r * r;
            g[0] += r * tn;
            g[1] += r * td;
            g[2] += r * x[2].exp();
            g[3] -= r * tn * ln_n;
            g[4] -= r * td * ln_d;
        }
        grad[..5].copy_from_slice(&g);
        cost
    }
    fn cost(&self, x: &[f64]) -> f64 {
        let mut g = [0.0; 5];
        self.cost_grad(x, &mut g)
    }
}

/// Fits the Chinchilla law to `table` by variable projection.
///
/// # Errors
/// [`RunTable::check_fittable`]'s errors; an invalid grid; [`Error::NonIdentifiable`] when
/// no grid point gives a finite objective or the best (E, A, B) has a coefficient at zero
/// (the data do not support all three terms: the law needs E, A, B > 0).
pub fn fit_varpro(table: &RunTable, options: &VarproOptions) -> Result<VarproFit> {
    table.check_fittable(5)?;
    options.alpha.check("variable-projection alpha grid")?;
    options.beta.check("variable-projection beta grid")?;
    if let Some(sample) = super::screening_sample(table) {
        // A large table: the grid and the simplex on the sample, then the optimum on
        // every run from there (`SCREEN_SAMPLE`).
        let coarse = fit_varpro(&sample, options)?;
        return polish_large(table, &coarse, options);
    }
    let profile = Profile::new(table, options.objective, options.solver);
    let (alphas, betas) = (options.alpha.values(), options.beta.values());
    let grid: Vec<(f64, f64)> = alphas
        .iter()
        .flat_map(|&a| betas.iter().map(move |&b| (a, b)))
        .collect();
    let evaluated: Vec<Option<Inner>> = grid
        .par_iter()
        .map(|&(a, b)| profile.eval(a, b, None, &options.solver.sweep()))
        .collect();
    let (start, first) = grid
        .iter()
        .zip(&evaluated)
        .filter_map(|(g, e)| e.map(|e| (*g, e)))
        .min_by(|x, y| x.1.cost.total_cmp(&y.1.cost))
        .ok_or_else(|| {
            Error::NonIdentifiable("no (alpha, beta) on the grid gives a finite objective".into())
        })?;
    refine(
        &profile,
        [start.0, start.1],
        first,
        options,
        grid.len(),
        Some((options.alpha.hi - options.alpha.lo) / (options.alpha.steps - 1) as f64),
    )
}

/// The optimum on every run of a large table from the sample's fit `coarse`: the Huber
/// objective is the same function of (E, A, B, α, β) whether (E, A, B) is profiled out or
/// not, so one L-BFGS run in 5-D from the sample's optimum lands on the profile's optimum
/// without a simplex of inner solves over every run. Falls back to the simplex when that
/// run does not converge (or for the squared-error objective).
fn polish_large(
    table: &RunTable,
    coarse: &VarproFit,
    options: &VarproOptions,
) -> Result<VarproFit> {
    let profile = Profile::new(table, options.objective, options.solver);
    let l = coarse.law;
    let start = [l.a().ln(), l.b().ln(), l.e().ln(), l.alpha(), l.beta()];
    if profile.kind == VarproObjective::HuberLogLoss {
        let m = minimize(&profile.huber, &start, &options.solver);
        if matches!(m.stop, SolverStop::Converged | SolverStop::Stalled) && m.cost.is_finite() {
            let coef = [m.x[2].exp(), m.x[0].exp(), m.x[1].exp()];
            let inner = Inner {
                coef,
                cost: m.cost,
                converged: true,
            };
            return refine(
                &profile,
                [m.x[3], m.x[4]],
                inner,
                options,
                coarse.evaluations,
                None,
            );
        }
    }
    let first = profile
        .eval(
            l.alpha(),
            l.beta(),
            Some([l.e(), l.a(), l.b()]),
            &profile.solver,
        )
        .ok_or_else(|| Error::NonIdentifiable("the objective is not finite at the start".into()))?;
    refine(
        &profile,
        [l.alpha(), l.beta()],
        first,
        options,
        coarse.evaluations,
        Some(0.02),
    )
}

/// Nelder-Mead on the profile from `x0` with initial step `step` (`None`: `x0` is
/// already the optimum), then the law, status and condition numbers.
fn refine(
    profile: &Profile,
    x0: [f64; 2],
    first: Inner,
    options: &VarproOptions,
    evaluated: usize,
    step: Option<f64>,
) -> Result<VarproFit> {
    let mut best = (x0, first);
    let mut inner_ok = true;
    let mut f = |x: [f64; 2]| match profile.eval(x[0], x[1], Some(best.1.coef), &profile.solver) {
        Some(inner) => {
            if inner.cost < best.1.cost {
                best = (x, inner);
                inner_ok = inner.converged;
            }
            inner.cost
        }
        None => f64::INFINITY,
    };
    let (evals, nm_converged) = match step {
        Some(step) => {
            let (_, _, evals, converged) =
                nelder_mead(&mut f, x0, 0.5 * step, options.tolerance, 400);
            (evals, converged)
        }
        None => (0, true),
    };
    let ([alpha, beta], inner) = best;
    let [e, a, b] = inner.coef;
    if !(e > 0.0 && a > 0.0 && b > 0.0) {
        return Err(Error::NonIdentifiable(format!(
            "the best fit at alpha = {alpha:.4}, beta = {beta:.4} has E = {e:.4}, A = {a:.4}, B = {b:.4}: a coefficient at zero means the data do not support all three terms of E + A/N^alpha + B/D^beta"
        )));
    }
    let law = ChinchillaLaw::new(e, a, b, alpha, beta)?;
    // 2-D profile Hessian by central differences.
    let h = 1e-3 * alpha.min(beta).min(0.1);
    let g = |da: f64, db: f64| {
        profile
            .eval(alpha + da, beta + db, Some(inner.coef), &profile.solver)
            .map_or(f64::NAN, |i| i.cost)
    };
    let f0 = inner.cost;
    let haa = (g(h, 0.0) - 2.0 * f0 + g(-h, 0.0)) / (h * h);
    let hbb = (g(0.0, h) - 2.0 * f0 + g(0.0, -h)) / (h * h);
    let hab = (g(h, h) - g(h, -h) - g(-h, h) + g(-h, -h)) / (4.0 * h * h);
    let hess = Matrix2::new(haa, hab, hab, hbb);
    let condition_number = if hess.iter().all(|v| v.is_finite()) {
        condition(SymmetricEigen::new(hess).eigenvalues.as_slice())
    } else {
        f64::INFINITY
    };
    let x5 = [a.ln(), b.ln(), e.ln(), alpha, beta];
    let full_condition_number = match profile.kind {
        VarproObjective::HuberLogLoss => hessian_condition(&profile.huber, &x5),
        VarproObjective::SquaredLoss => hessian_condition(&SquaredFull(profile), &x5),
    };
    let edge = |v: f64, grid: &ExponentGrid| v <= grid.lo + 1e-9 || v >= grid.hi - 1e-9;
    let (status, note) = if edge(alpha, &options.alpha) || edge(beta, &options.beta) {
        (
            FitStatus::AtBound,
            Some(format!(
                "an exponent is at the edge of its grid (alpha {alpha:.4} in [{}, {}], beta {beta:.4} in [{}, {}]): widen the grid",
                options.alpha.lo, options.alpha.hi, options.beta.lo, options.beta.hi
            )),
        )
    } else if alpha < 1e-4 || beta < 1e-4 || a.ln() > 60.0 || b.ln() > 60.0 || e.ln() < -20.0 {
        (
            FitStatus::AtBound,
            Some("a term vanished or exploded (as in the protocol's AtBound)".into()),
        )
    } else if !nm_converged || !inner_ok {
        (
            FitStatus::IterationLimit,
            Some("the refinement or an inner solve ran out of iterations".into()),
        )
    } else if !condition_number.is_finite() || condition_number >= 1e12 {
        (
            FitStatus::FlatDirection,
            Some(format!(
                "the profile Hessian is singular (condition number {condition_number:.3e})"
            )),
        )
    } else {
        (FitStatus::Converged, None)
    };
    Ok(VarproFit {
        law,
        objective: inner.cost,
        kind: profile.kind,
        status,
        condition_number,
        full_condition_number,
        evaluations: evaluated + evals,
        note,
    })
}

/// Refits `table` by variable projection from a known optimum `from` (no grid): for
/// bootstrap resamples warm-started at the full-data fit.
///
/// # Errors
/// As [`fit_varpro`].
pub fn fit_varpro_from(
    table: &RunTable,
    from: &ChinchillaLaw,
    options: &VarproOptions,
) -> Result<VarproFit> {
    table.check_fittable(5)?;
    let profile = Profile::new(table, options.objective, options.solver);
    let x0 = [from.alpha(), from.beta()];
    let first = profile
        .eval(
            x0[0],
            x0[1],
            Some([from.e(), from.a(), from.b()]),
            &profile.solver,
        )
        .ok_or_else(|| Error::NonIdentifiable("the objective is not finite at the start".into()))?;
    refine(&profile, x0, first, options, 1, Some(0.02))
}

/// Bootstrap draws of a variable-projection fit: `replicates` resamples of `table`'s runs
/// (with replacement; replicate i from ChaCha8 stream i of `seed`), each refitted from
/// `fit` ([`fit_varpro_from`]), in parallel. Returns the laws of the successful refits and
/// the number that failed.
///
/// # Errors
/// [`Error::InsufficientData`] for 0 replicates; [`Error::NonIdentifiable`] when every
/// refit fails.
pub fn bootstrap_varpro(
    table: &RunTable,
    fit: &VarproFit,
    replicates: usize,
    seed: u64,
    options: &VarproOptions,
) -> Result<(Vec<ChinchillaLaw>, usize)> {
    if replicates == 0 {
        return Err(Error::InsufficientData {
            what: "a bootstrap",
            reason: "0 replicates requested; ask for at least 1".into(),
        });
    }
    let n = table.len();
    let results: Vec<Option<ChinchillaLaw>> = (0..replicates)
        .into_par_iter()
        .map(|i| {
            let mut rng = super::approach2::draw_rng(seed, i);
            let idx: Vec<usize> = (0..n)
                .map(|_| rand::Rng::random_range(&mut rng, 0..n))
                .collect();
            let resample = table.select(&idx).ok()?;
            fit_varpro_from(&resample, &fit.law, options)
                .ok()
                .map(|f| f.law)
        })
        .collect();
    let failed = results.iter().filter(|r| r.is_none()).count();
    let draws: Vec<ChinchillaLaw> = results.into_iter().flatten().collect();
    if draws.is_empty() {
        return Err(Error::NonIdentifiable(format!(
            "all {replicates} variable-projection bootstrap refits failed"
        )));
    }
    Ok((draws, failed))
}

impl VarproFit {
    /// The fit as a loss hypothesis for the queries, with bootstrap `draws` (may be empty).
    ///
    /// # Errors
    /// [`crate::law::ChinchillaHypothesis::new`]'s errors.
    pub fn to_hypothesis(
        &self,
        id: impl Into<String>,
        table: &RunTable,
        draws: Vec<ChinchillaLaw>,
    ) -> Result<crate::law::ChinchillaHypothesis> {
        let uncertainty = if draws.is_empty() {
            crate::law::Uncertainty::None
        } else {
            crate::law::Uncertainty::Bootstrap
        };
        let count = draws.len();
        crate::law::ChinchillaHypothesis::new(
            id,
            format!(
                "fitted by isoflop by variable projection ({:?} objective; 2-D search over alpha, beta with (E, A, B) solved) to {} runs; {count} bootstrap refits",
                self.kind,
                table.len()
            ),
            self.law,
            draws,
            uncertainty,
            super::replication::evidence_of(table, format!("{} runs", table.len())),
        )
    }
}
