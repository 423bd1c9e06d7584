//! Fitting the schedule-aware laws ([`crate::law::annealing`], [`crate::law::multi_power`])
//! to observed loss curves with their learning-rate schedules.
//!
//! **One curve or several.** [`fit_schedule_law`] takes one or more [`ObservedRun`]s. Every
//! run gets its own level L0 and amplitude A; everything else is shared: the exponent α and
//! the annealing terms (C and λ for Tissue et al.'s law; B, C, β, γ for the multi-power law).
//! With one run that is just the law; with the four LLaMA-1 curves (two schedule lengths,
//! two peak rates) it asks whether one annealing response explains all four.
//!
//! **Objective.** Least squares on the loss (nats/token), as for curve continuations,
//! over the points from `start` (default: the first point after warmup) to `until`. Both
//! laws are linear in (L0_r, A_r) and in their annealing scale (C or B), so these are
//! projected out exactly (variable projection, with A_r >= 0 and C, B >= 0 enforced by an
//! active set) and the search runs over the nonlinear parameters only: (α, λ) on a grid with
//! golden-section refinement for the annealing law; (α, C, β, γ) by Nelder–Mead from the best
//! of 54 screened starts (the best two refined) for the multi-power law, whose LD column is evaluated from block
//! decay terms ([`crate::schedule::Resolution`], default growth 0.2: about 10⁻⁴ relative of
//! LD, far below the curves' noise).
//!
//! **Status.** As for the Chinchilla fits ([`FitStatus`]): `AtBound` when a nonlinear
//! parameter ends on the edge of its search range or a linear term is forced to zero (A_r = 0,
//! C = 0 or B = 0: the data want a term of the wrong sign); `FlatDirection` when the
//! identifiability profile reaches the edge of the search range (the data do not bound a
//! parameter); `IterationLimit` when Nelder–Mead ran out of evaluations.
//!
//! **Identifiability profile.** Every parameter vector the search evaluated, plus 400 random
//! perturbations of the optimum (±1 in the log of each nonlinear parameter), whose objective
//! is within a tolerance τ of the best (SSE ≤ (1 + τ) SSE_best), is kept with its projected
//! linear part: the spread of a prediction over these fits is what the data cannot tell
//! apart. τ defaults to χ²₁(0.90)/n_eff = 2.706/n_eff, n_eff = points / block length (a
//! profile-likelihood 90% region with the effective sample size of an autocorrelated curve).
//! It is a lower bound on the ambiguity (the search and the perturbations sample the
//! near-optimal set, they do not map it).
//!
//! **Bootstrap.** A circular block bootstrap over residuals per curve (Politis & Romano 1992)
//! with the AR(1) plug-in block length of Politis & White (2004),
//! ℓ = (3/2 · (2ρ/(1−ρ²))²)^(1/3) n^(1/3), residuals inflated by √(n/(n−p)), refitted from the
//! best fit. Draw k is seeded from `seed` and k alone.
//!
//! ```no_run
//! use isoflop::data::llama::{self, LlamaModel};
//! use isoflop::fit::schedule_law::{fit_schedule_law, ObservedRun, ScheduleFitOptions, ScheduleLawForm};
//! let m = LlamaModel::Llama7B;
//! let run = ObservedRun::new(llama::curve(m), llama::schedule(m))?;
//! let opts = ScheduleFitOptions { draws: 50, ..Default::default() };
//! let fit = fit_schedule_law(&[run], ScheduleLawForm::Annealing, &opts)?;
//! println!("{:?} {:?}", fit.status, fit.final_miss(0)?);
//! # Ok::<(), isoflop::Error>(())
//! ```

use super::protocol::FitStatus;
use crate::data::curve::LossCurve;
use crate::error::{check, Error, Result};
use crate::law::annealing::AnnealingLaw;
use crate::law::multi_power::{g_term, MultiPowerLaw};
use crate::law::{Caveat, Evidence, ScheduleLaw, ScheduledHypothesis};
use crate::par::*;
use crate::schedule::{DecayTerm, Resolution, Schedule};
use crate::units::Tokens;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

/// Which schedule-aware law to fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ScheduleLawForm {
    /// Tissue et al. 2024: L0 + A·S1^(−α) − C·S2.
    Annealing,
    /// Luo et al. 2025: L0 + A(S1 + S_W)^(−α) − LD.
    MultiPower,
}

impl ScheduleLawForm {
    /// The stable id: `annealing-law` or `multi-power-law`.
    pub fn id(self) -> &'static str {
        match self {
            ScheduleLawForm::Annealing => "annealing-law",
            ScheduleLawForm::MultiPower => "multi-power-law",
        }
    }
}

/// An observed loss curve with the schedule it was trained under.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObservedRun {
    curve: LossCurve,
    schedule: Schedule,
}

impl ObservedRun {
    /// Pairs `curve` with its `schedule`.
    ///
    /// # Errors
    /// [`Error::NotApplicable`] if the schedule does not cover every point of the curve.
    pub fn new(curve: LossCurve, schedule: Schedule) -> Result<Self> {
        schedule.step_at(curve.first_tokens())?;
        schedule.step_at(curve.last_tokens())?;
        Ok(ObservedRun { curve, schedule })
    }

    /// The curve.
    pub fn curve(&self) -> &LossCurve {
        &self.curve
    }

    /// The schedule.
    pub fn schedule(&self) -> &Schedule {
        &self.schedule
    }
}

/// How to fit a schedule-aware law.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScheduleFitOptions {
    /// Fit points at or after this token count (default `None`: the first point after warmup).
    pub start: Option<Tokens>,
    /// Fit points at or before this token count (default `None`: to the end); the schedule
    /// is still the full planned one (a backtest knows the plan, not the rest of the curve).
    pub until: Option<Tokens>,
    /// Bootstrap draws (default 100; 0 for none, which leaves the hypothesis without a band).
    pub draws: usize,
    /// Block length of the bootstrap in points (default `None`: the AR(1) plug-in rule).
    pub block_len: Option<usize>,
    /// Seed of the bootstrap and the profile's perturbations (default 20230227).
    pub seed: u64,
    /// Profile tolerance τ on the relative objective (default `None`: 2.706 / n_eff).
    pub profile_tolerance: Option<f64>,
    /// Momentum decay factors λ searched by the annealing law (default 0.99, 0.995, 0.998,
    /// 0.999, 0.9995, 0.9998, 0.9999; the paper uses 0.999).
    pub lambdas: Vec<f64>,
    /// Resolution of the multi-power law's LD while fitting (default blocks of growth 0.2).
    pub resolution: Resolution,
    /// Nelder–Mead evaluations per start of the multi-power search (default 800).
    pub max_evaluations: usize,
}

impl Default for ScheduleFitOptions {
    fn default() -> Self {
        ScheduleFitOptions {
            start: None,
            until: None,
            draws: 100,
            block_len: None,
            seed: 20230227,
            profile_tolerance: None,
            lambdas: vec![0.99, 0.995, 0.998, 0.999, 0.9995, 0.9998, 0.9999],
            resolution: Resolution::Geometric {
                exact_steps: 32,
                growth: 0.2,
            },
            max_evaluations: 800,
        }
    }
}

/// Diagnostics of a schedule-law fit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScheduleFitDiagnostics {
    /// Objective evaluations of the search.
    pub evaluations: usize,
    /// Points fitted per run.
    pub points: Vec<usize>,
    /// Residual RMS per run (nats/token).
    pub residual_rms: Vec<f64>,
    /// Bootstrap block length (points).
    pub block_len: usize,
    /// Profile tolerance τ used.
    pub profile_tolerance: f64,
    /// What ended at a bound or vanished, in words (empty when nothing did).
    pub at_bound: Vec<String>,
    /// Bootstrap draws whose refit failed (left out).
    pub draws_failed: usize,
}

/// A fitted schedule-aware law: one law per run (shared parameters equal), with bootstrap
/// draws and the identifiability profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScheduleFit {
    /// Which law.
    pub form: ScheduleLawForm,
    /// The fitted law of each run, in the order given.
    pub laws: Vec<ScheduleLaw>,
    /// Sum of squared residuals at the optimum.
    pub objective: f64,
    /// How the fit ended.
    pub status: FitStatus,
    /// Diagnostics.
    pub diagnostics: ScheduleFitDiagnostics,
    /// Bootstrap draws: `draws[k][r]` is run r's law in draw k.
    pub draws: Vec<Vec<ScheduleLaw>>,
    /// Near-optimal fits: `profile[k][r]` is run r's law in profile member k.
    pub profile: Vec<Vec<ScheduleLaw>>,
    runs: Vec<ObservedRun>,
    fitted: Vec<(Tokens, Tokens)>,
}

/// Per-run data of the objective.
struct RunData {
    y: Vec<f64>,
    ln_s1: Vec<f64>,
    /// S2 per λ (annealing law).
    s2: Vec<Vec<f64>>,
    /// Decay terms per point (multi-power law).
    terms: Vec<Vec<DecayTerm>>,
}

/// The projected linear part: per run (L0, A), shared K (C or B), SSE, which were forced to 0.
#[derive(Debug, Clone)]
struct Linear {
    l0: Vec<f64>,
    a: Vec<f64>,
    k: f64,
    sse: f64,
    a_zero: Vec<bool>,
    k_zero: bool,
}

/// y_r ≈ L0_r + A_r x_r − K z_r with A_r >= 0, K >= 0; an active set on the signs.
fn solve_linear(ys: &[&[f64]], xs: &[Vec<f64>], zs: &[Vec<f64>]) -> Linear {
    let r = ys.len();
    let mut a_zero = vec![false; r];
    let mut k_zero = false;
    loop {
        // Residualise y and z against span{1, x} (or {1}) per run; K by pooled regression.
        let (mut num, mut den) = (0.0, 0.0);
        for i in 0..r {
            let (y, x, z) = (ys[i], &xs[i], &zs[i]);
            let n = y.len() as f64;
            let my = y.iter().sum::<f64>() / n;
            let mz = z.iter().sum::<f64>() / n;
            if a_zero[i] {
                for (yi, zi) in y.iter().zip(z) {
                    num += (yi - my) * (zi - mz);
                    den += (zi - mz) * (zi - mz);
                }
            } else {
                let mx = x.iter().sum::<f64>() / n;
                let (mut sxx, mut sxy, mut sxz) = (0.0, 0.0, 0.0);
                for ((xi, yi), zi) in x.iter().zip(y).zip(z) {
                    let dx = xi - mx;
                    sxx += dx * dx;
                    sxy += dx * (yi - my);
                    sxz += dx * (zi - mz);
                }
                let (by, bz) = if sxx > 0.0 {
                    (sxy / sxx, sxz / sxx)
                } else {
                    (0.0, 0.0)
                };
                for ((xi, yi), zi) in x.iter().zip(y).zip(z) {
                    let dx = xi - mx;
                    let ry = yi - my - by * dx;
                    let rz = zi - mz - bz * dx;
                    num += ry * rz;
                    den += rz * rz;
                }
            }
        }
        let mut k = if k_zero || den <= 0.0 {
            0.0
        } else {
            -num / den
        };
        if k < 0.0 {
            k_zero = true;
            k = 0.0;
        }
        let mut l0 = vec![0.0; r];
        let mut a = vec![0.0; r];
        let mut sse = 0.0;
        let mut changed = false;
        for i in 0..r {
            let (y, x, z) = (ys[i], &xs[i], &zs[i]);
            let n = y.len() as f64;
            let w: f64 = y.iter().zip(z).map(|(yi, zi)| yi + k * zi).sum::<f64>() / n;
            if !a_zero[i] {
                let mx = x.iter().sum::<f64>() / n;
                let (mut sxx, mut sxw) = (0.0, 0.0);
                for ((xi, yi), zi) in x.iter().zip(y).zip(z) {
                    sxx += (xi - mx) * (xi - mx);
                    sxw += (xi - mx) * (yi + k * zi - w);
                }
                let ai = if sxx > 0.0 { sxw / sxx } else { 0.0 };
                if ai < 0.0 {
                    a_zero[i] = true;
                    changed = true;
                } else {
                    a[i] = ai;
                    l0[i] = w - ai * mx;
                }
            }
            if a_zero[i] {
                l0[i] = w;
            }
            for ((xi, yi), zi) in x.iter().zip(y).zip(z) {
                let e = yi - (l0[i] + a[i] * xi - k * zi);
                sse += e * e;
            }
        }
        if !changed {
            return Linear {
                l0,
                a,
                k,
                sse,
                a_zero,
                k_zero,
            };
        }
    }
}

/// Bounds of the nonlinear search.
const ALPHA_RANGE: (f64, f64) = (0.01, 3.0);
const C_RANGE: (f64, f64) = (1e-3, 1e3);
const BETA_RANGE: (f64, f64) = (0.01, 10.0);
const GAMMA_RANGE: (f64, f64) = (0.0, 2.0);

/// The nonlinear parameters of one candidate: annealing (α, λ index) or MPL (α, C, β, γ).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Theta {
    Annealing {
        alpha: f64,
        lambda: usize,
    },
    MultiPower {
        alpha: f64,
        c: f64,
        beta: f64,
        gamma: f64,
    },
}

struct Problem<'a> {
    form: ScheduleLawForm,
    runs: Vec<RunData>,
    lambdas: &'a [f64],
}

impl Problem<'_> {
    /// Evaluates θ on responses `ys` (the data or a bootstrap resample).
    fn eval(
        &self,
        theta: Theta,
        ys: &[&[f64]],
        xs: &mut [Vec<f64>],
        zs: &mut [Vec<f64>],
    ) -> Linear {
        for (i, run) in self.runs.iter().enumerate() {
            let (x, z) = (&mut xs[i], &mut zs[i]);
            x.clear();
            z.clear();
            match theta {
                Theta::Annealing { alpha, lambda } => {
                    x.extend(run.ln_s1.iter().map(|l| (-alpha * l).exp()));
                    z.extend_from_slice(&run.s2[lambda]);
                }
                Theta::MultiPower {
                    alpha,
                    c,
                    beta,
                    gamma,
                } => {
                    x.extend(run.ln_s1.iter().map(|l| (-alpha * l).exp()));
                    z.extend(run.terms.iter().map(|ts| {
                        ts.iter()
                            .map(|d| d.weight * g_term(d, c, beta, gamma))
                            .sum::<f64>()
                    }));
                }
            }
        }
        solve_linear(ys, xs, zs)
    }

    fn laws(&self, theta: Theta, lin: &Linear) -> Result<Vec<ScheduleLaw>> {
        (0..self.runs.len())
            .map(|i| {
                Ok(match theta {
                    Theta::Annealing { alpha, lambda } => ScheduleLaw::Annealing(
                        AnnealingLaw::new(lin.l0[i], lin.a[i], alpha, lin.k, self.lambdas[lambda])?,
                    ),
                    Theta::MultiPower {
                        alpha,
                        c,
                        beta,
                        gamma,
                    } => ScheduleLaw::MultiPower(MultiPowerLaw::new(
                        lin.l0[i], lin.a[i], alpha, lin.k, c, beta, gamma,
                    )?),
                })
            })
            .collect()
    }
}

/// One search's result: best θ, its linear part, every evaluation (θ, SSE), evaluations
/// used, whether the budget ran out.
struct Search {
    best: Theta,
    lin: Linear,
    visited: Vec<(Theta, f64)>,
    evaluations: usize,
    exhausted: bool,
}

fn mpl_from(v: &[f64; 4]) -> Option<Theta> {
    let (alpha, c, beta, gamma) = (v[0].exp(), v[1].exp(), v[2].exp(), v[3]);
    let inside = |x: f64, r: (f64, f64)| x >= r.0 && x <= r.1;
    if inside(alpha, ALPHA_RANGE)
        && inside(c, C_RANGE)
        && inside(beta, BETA_RANGE)
        && inside(gamma, GAMMA_RANGE)
    {
        Some(Theta::MultiPower {
            alpha,
            c,
            beta,
            gamma,
        })
    } else {
        None
    }
}

fn mpl_vec(t: Theta) -> [f64; 4] {
    match t {
        Theta::MultiPower {
            alpha,
            c,
            beta,
            gamma,
        } => [alpha.ln(), c.ln(), beta.ln(), gamma],
        Theta::Annealing { alpha, .. } => [alpha.ln(), 0.0, 0.0, 0.0],
    }
}

/// Nelder–Mead (Nelder & Mead 1965, standard coefficients) on the MPL's 4 nonlinear
/// parameters; infeasible points cost +∞. Records every evaluation.
fn nelder_mead(
    f: &mut dyn FnMut(&[f64; 4]) -> f64,
    start: [f64; 4],
    step: f64,
    max_evals: usize,
) -> ([f64; 4], f64, usize, bool) {
    let mut simplex: Vec<([f64; 4], f64)> = Vec::with_capacity(5);
    let mut evals = 0usize;
    let mut eval = |x: &[f64; 4], evals: &mut usize| {
        *evals += 1;
        f(x)
    };
    let f0 = eval(&start, &mut evals);
    simplex.push((start, f0));
    for i in 0..4 {
        let mut x = start;
        x[i] += step;
        let fx = eval(&x, &mut evals);
        simplex.push((x, fx));
    }
    let mut exhausted = false;
    loop {
        simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
        let (fb, fw) = (simplex[0].1, simplex[4].1);
        let size = simplex[1..]
            .iter()
            .map(|(x, _)| {
                x.iter()
                    .zip(&simplex[0].0)
                    .map(|(a, b)| (a - b).abs())
                    .fold(0.0, f64::max)
            })
            .fold(0.0, f64::max);
        if (fw - fb).abs() <= 1e-12 * fb.abs().max(1e-300) && size < 1e-6 || size < 1e-9 {
            break;
        }
        if evals >= max_evals {
            exhausted = true;
            break;
        }
        let mut centroid = [0.0; 4];
        for (x, _) in &simplex[..4] {
            for k in 0..4 {
                centroid[k] += x[k] / 4.0;
            }
        }
        let worst = simplex[4].0;
        let along = |t: f64| -> [f64; 4] {
            let mut p = [0.0; 4];
            for k in 0..4 {
                p[k] = centroid[k] + t * (worst[k] - centroid[k]);
            }
            p
        };
        let xr = along(-1.0);
        let fr = eval(&xr, &mut evals);
        if fr < simplex[0].1 {
            let xe = along(-2.0);
            let fe = eval(&xe, &mut evals);
            simplex[4] = if fe < fr { (xe, fe) } else { (xr, fr) };
        } else if fr < simplex[3].1 {
            simplex[4] = (xr, fr);
        } else {
            let (xc, fc) = if fr < simplex[4].1 {
                let x = along(-0.5);
                let fx = eval(&x, &mut evals);
                (x, fx)
            } else {
                let x = along(0.5);
                let fx = eval(&x, &mut evals);
                (x, fx)
            };
            if fc < simplex[4].1.min(fr) {
                simplex[4] = (xc, fc);
            } else {
                let best = simplex[0].0;
                for item in simplex.iter_mut().skip(1) {
                    let mut x = [0.0; 4];
                    for k in 0..4 {
                        x[k] = best[k] + 0.5 * (item.0[k] - best[k]);
                    }
                    let fx = eval(&x, &mut evals);
                    *item = (x, fx);
                }
            }
        }
    }
    simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
    (simplex[0].0, simplex[0].1, evals, exhausted)
}

impl Problem<'_> {
    fn search(&self, ys: &[&[f64]], warm: Option<Theta>, max_evals: usize) -> Option<Search> {
        let r = self.runs.len();
        let mut xs = vec![Vec::new(); r];
        let mut zs = vec![Vec::new(); r];
        let mut visited: Vec<(Theta, f64)> = Vec::new();
        let mut evaluations = 0usize;
        let mut exhausted = false;
        match self.form {
            ScheduleLawForm::Annealing => {
                let (lo, hi) = (ALPHA_RANGE.0.ln(), ALPHA_RANGE.1.ln());
                // A warm start (bootstrap refits) searches the neighbouring λ and a bracket
                // of ±0.5 in ln α around the start; a cold one the whole grid.
                let (lambda_set, grid): (Vec<usize>, usize) = match warm {
                    Some(Theta::Annealing { lambda, .. }) => (
                        (lambda.saturating_sub(1)..=(lambda + 1).min(self.lambdas.len() - 1))
                            .collect(),
                        0,
                    ),
                    _ => ((0..self.lambdas.len()).collect(), 48),
                };
                for li in lambda_set {
                    let mut cost = |t: f64, visited: &mut Vec<(Theta, f64)>| {
                        let th = Theta::Annealing {
                            alpha: t.exp(),
                            lambda: li,
                        };
                        let s = self.eval(th, ys, &mut xs, &mut zs).sse;
                        visited.push((th, s));
                        s
                    };
                    let (a, b) = match warm {
                        Some(Theta::Annealing { alpha, .. }) if grid == 0 => {
                            ((alpha.ln() - 0.5).max(lo), (alpha.ln() + 0.5).min(hi))
                        }
                        _ => {
                            let step = (hi - lo) / (grid - 1) as f64;
                            let mut best = (0usize, f64::INFINITY);
                            for i in 0..grid {
                                let s = cost(lo + step * i as f64, &mut visited);
                                if s < best.1 {
                                    best = (i, s);
                                }
                            }
                            (
                                lo + step * best.0.saturating_sub(1) as f64,
                                lo + step * (best.0 + 1).min(grid - 1) as f64,
                            )
                        }
                    };
                    // Golden section in ln α.
                    crate::golden::golden_section(|t| cost(t, &mut visited), a, b, 1e-7, 60);
                }
                evaluations = visited.len();
            }
            ScheduleLawForm::MultiPower => {
                let mut f = |v: &[f64; 4]| -> f64 {
                    match mpl_from(v) {
                        Some(th) => {
                            let s = self.eval(th, ys, &mut xs, &mut zs).sse;
                            visited.push((th, s));
                            s
                        }
                        None => f64::INFINITY,
                    }
                };
                let starts: Vec<[f64; 4]> = match warm {
                    Some(t) => vec![mpl_vec(t)],
                    None => {
                        let mut screened = Vec::new();
                        for alpha in [0.2f64, 0.5, 1.0] {
                            for c in [0.3f64, 2.0, 10.0] {
                                for beta in [0.3f64, 0.6, 1.2] {
                                    for gamma in [0.3, 0.6] {
                                        let v = [alpha.ln(), c.ln(), beta.ln(), gamma];
                                        let s = f(&v);
                                        screened.push((v, s));
                                    }
                                }
                            }
                        }
                        screened.sort_by(|a, b| a.1.total_cmp(&b.1));
                        screened.into_iter().take(2).map(|(v, _)| v).collect()
                    }
                };
                let step = if warm.is_some() { 0.1 } else { 0.3 };
                for s in starts {
                    let (_, _, used, ex) = nelder_mead(&mut f, s, step, max_evals);
                    evaluations += used;
                    exhausted |= ex;
                }
                evaluations = evaluations.max(visited.len());
            }
        }
        let (best, _) = visited
            .iter()
            .filter(|(_, s)| s.is_finite())
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .copied()?;
        let lin = self.eval(best, ys, &mut xs, &mut zs);
        Some(Search {
            best,
            lin,
            visited,
            evaluations,
            exhausted,
        })
    }
}

/// AR(1) plug-in block length of Politis & White (2004) for the circular block bootstrap.
fn block_len_ar1(e: &[f64]) -> usize {
    let n = e.len();
    let nf = n as f64;
    let m = e.iter().sum::<f64>() / nf;
    let c0: f64 = e.iter().map(|x| (x - m) * (x - m)).sum();
    let c1: f64 = e.windows(2).map(|w| (w[0] - m) * (w[1] - m)).sum();
    let rho = if c0 > 0.0 {
        (c1 / c0).clamp(0.0, 0.99)
    } else {
        0.0
    };
    let g = 2.0 * rho / (1.0 - rho * rho);
    let b = (1.5 * g * g).cbrt() * nf.cbrt();
    let cap = ((nf / 3.0).floor() as usize).max(1);
    (b.ceil() as usize).clamp(1, cap)
}

/// Fits `form` to `runs` (one or several, sharing everything but L0 and A).
///
/// # Errors
/// No runs, fewer than 6 points in a run's window ([`Error::InsufficientData`]); a bad
/// option ([`Error::InvalidValue`]); a search in which every candidate failed
/// ([`Error::NonIdentifiable`]).
pub fn fit_schedule_law(
    runs: &[ObservedRun],
    form: ScheduleLawForm,
    options: &ScheduleFitOptions,
) -> Result<ScheduleFit> {
    if runs.is_empty() {
        return Err(Error::InsufficientData {
            what: "a schedule-law fit",
            reason: "no runs given; at least one curve with its schedule is required".into(),
        });
    }
    if options.lambdas.is_empty() {
        return Err(Error::InvalidValue {
            what: "list of annealing decay factors lambda",
            value: 0.0,
            allowed: "must hold at least one value in (0, 1)",
        });
    }
    for &l in &options.lambdas {
        check::open_unit("annealing decay factor lambda", l)?;
    }
    if let Some(t) = options.profile_tolerance {
        check::positive("profile tolerance", t)?;
    }
    if options.max_evaluations < 10 {
        return Err(Error::InvalidValue {
            what: "Nelder-Mead evaluation budget",
            value: options.max_evaluations as f64,
            allowed: "must be at least 10",
        });
    }
    let mut data = Vec::with_capacity(runs.len());
    let mut fitted = Vec::with_capacity(runs.len());
    for run in runs {
        let s = &run.schedule;
        let first_after_warmup = s.tokens_at(s.warmup_steps() + 1)?;
        let start = options.start.unwrap_or(first_after_warmup);
        let pts: Vec<(u64, f64, Tokens)> = run
            .curve
            .points()
            .iter()
            .filter(|(d, _)| *d >= start && options.until.is_none_or(|u| *d <= u))
            .map(|&(d, l)| s.step_at(d).map(|st| (st, l, d)))
            .collect::<Result<_>>()?;
        let pts: Vec<_> = pts.into_iter().filter(|p| p.0 > s.warmup_steps()).collect();
        if pts.len() < 6 {
            return Err(Error::InsufficientData {
                what: "a schedule-law fit",
                reason: format!(
                    "{} has {} point(s) after warmup in the window; at least 6 are needed",
                    run.curve.model(),
                    pts.len()
                ),
            });
        }
        fitted.push((pts[0].2, pts[pts.len() - 1].2));
        let mut rd = RunData {
            y: pts.iter().map(|p| p.1).collect(),
            ln_s1: Vec::with_capacity(pts.len()),
            s2: Vec::new(),
            terms: Vec::new(),
        };
        for p in &pts {
            rd.ln_s1.push(s.lr_sum(p.0)?.ln());
        }
        match form {
            ScheduleLawForm::Annealing => {
                for &l in &options.lambdas {
                    rd.s2.push(
                        pts.iter()
                            .map(|p| s.annealing_area(p.0, l))
                            .collect::<Result<_>>()?,
                    );
                }
            }
            ScheduleLawForm::MultiPower => {
                for p in &pts {
                    let mut t = Vec::new();
                    s.decay_terms(p.0, options.resolution, &mut t)?;
                    rd.terms.push(t);
                }
            }
        }
        data.push(rd);
    }
    let problem = Problem {
        form,
        runs: data,
        lambdas: &options.lambdas,
    };
    let ys: Vec<&[f64]> = problem.runs.iter().map(|r| r.y.as_slice()).collect();
    let search = problem
        .search(&ys, None, options.max_evaluations)
        .ok_or_else(|| {
            Error::NonIdentifiable(format!(
                "every candidate of the {} search gave a non-finite objective",
                form.id()
            ))
        })?;
    let laws = problem.laws(search.best, &search.lin)?;

    // Residuals, noise, block length, tolerance.
    let r = runs.len();
    let mut fitted_y: Vec<Vec<f64>> = Vec::with_capacity(r);
    let mut resid: Vec<Vec<f64>> = Vec::with_capacity(r);
    {
        let mut xs = vec![Vec::new(); r];
        let mut zs = vec![Vec::new(); r];
        let lin = problem.eval(search.best, &ys, &mut xs, &mut zs);
        for i in 0..r {
            let f: Vec<f64> = xs[i]
                .iter()
                .zip(&zs[i])
                .map(|(x, z)| lin.l0[i] + lin.a[i] * x - lin.k * z)
                .collect();
            resid.push(ys[i].iter().zip(&f).map(|(y, f)| y - f).collect());
            fitted_y.push(f);
        }
    }
    let points: Vec<usize> = ys.iter().map(|y| y.len()).collect();
    let residual_rms: Vec<f64> = resid
        .iter()
        .map(|e| (e.iter().map(|x| x * x).sum::<f64>() / e.len() as f64).sqrt())
        .collect();
    let block_len = match options.block_len {
        Some(0) => {
            return Err(Error::InvalidValue {
                what: "bootstrap block length",
                value: 0.0,
                allowed: "must be at least 1 point",
            })
        }
        Some(l) => l,
        None => resid.iter().map(|e| block_len_ar1(e)).max().unwrap_or(1),
    };
    let total_points: usize = points.iter().sum();
    let n_eff = (total_points as f64 / block_len as f64).max(1.0);
    let tolerance = options.profile_tolerance.unwrap_or(2.706 / n_eff);

    // Identifiability profile: visited points and random perturbations within tolerance.
    let best_sse = search.lin.sse;
    let limit = best_sse * (1.0 + tolerance);
    let mut candidates: Vec<Theta> = search
        .visited
        .iter()
        .filter(|(_, s)| *s <= limit)
        .map(|(t, _)| *t)
        .collect();
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    let perturbed: Vec<Theta> = (0..400)
        .map(|_| match search.best {
            Theta::Annealing { alpha, .. } => Theta::Annealing {
                alpha: (alpha.ln() + rng.random_range(-1.0..1.0)).exp(),
                lambda: rng.random_range(0..options.lambdas.len()),
            },
            Theta::MultiPower {
                alpha,
                c,
                beta,
                gamma,
            } => Theta::MultiPower {
                alpha: (alpha.ln() + rng.random_range(-1.0..1.0)).exp(),
                c: (c.ln() + rng.random_range(-1.0..1.0)).exp(),
                beta: (beta.ln() + rng.random_range(-1.0..1.0)).exp(),
                gamma: (gamma + rng.random_range(-0.5..0.5)).max(0.0),
            },
        })
        .collect();
    let perturbed_ok: Vec<Theta> = perturbed
        .par_iter()
        .filter_map(|&t| {
            let mut xs = vec![Vec::new(); r];
            let mut zs = vec![Vec::new(); r];
            let s = problem.eval(t, &ys, &mut xs, &mut zs).sse;
            (s <= limit).then_some(t)
        })
        .collect();
    candidates.extend(perturbed_ok);
    // Keep at most 300, spread over the list.
    let stride = candidates.len().div_ceil(300).max(1);
    let mut profile = Vec::new();
    let mut profile_thetas = Vec::new();
    {
        let mut xs = vec![Vec::new(); r];
        let mut zs = vec![Vec::new(); r];
        for t in candidates.iter().step_by(stride) {
            let lin = problem.eval(*t, &ys, &mut xs, &mut zs);
            if let Ok(l) = problem.laws(*t, &lin) {
                profile.push(l);
                profile_thetas.push(*t);
            }
        }
    }

    // Status.
    let mut at_bound = Vec::new();
    let near = |x: f64, b: f64| (x / b - 1.0).abs() < 1e-3 || (x - b).abs() < 1e-9;
    match search.best {
        Theta::Annealing { alpha, lambda } => {
            if near(alpha, ALPHA_RANGE.0) || near(alpha, ALPHA_RANGE.1) {
                at_bound.push(format!("alpha = {alpha:.4} at the edge of [0.01, 3]"));
            }
            if options.lambdas.len() > 1 && (lambda == 0 || lambda == options.lambdas.len() - 1) {
                at_bound.push(format!(
                    "lambda = {} at the edge of the grid searched",
                    options.lambdas[lambda]
                ));
            }
        }
        Theta::MultiPower {
            alpha,
            c,
            beta,
            gamma,
        } => {
            for (name, v, rg) in [
                ("alpha", alpha, ALPHA_RANGE),
                ("C", c, C_RANGE),
                ("beta", beta, BETA_RANGE),
                ("gamma", gamma, GAMMA_RANGE),
            ] {
                if near(v, rg.0) || near(v, rg.1) || (rg.0 == 0.0 && v < 1e-6) {
                    at_bound.push(format!(
                        "{name} = {v:.4} at the edge of [{}, {}]",
                        rg.0, rg.1
                    ));
                }
            }
        }
    }
    for (i, z) in search.lin.a_zero.iter().enumerate() {
        if *z {
            at_bound.push(format!(
                "A = 0 for {} (the power term vanished)",
                runs[i].curve.model()
            ));
        }
    }
    if search.lin.k_zero {
        at_bound.push("the annealing term vanished (C or B = 0)".into());
    }
    let flat = profile_thetas.iter().any(|t| match *t {
        Theta::Annealing { alpha, .. } => {
            alpha <= ALPHA_RANGE.0 * 1.05 || alpha >= ALPHA_RANGE.1 / 1.05
        }
        Theta::MultiPower { alpha, c, beta, .. } => {
            alpha <= ALPHA_RANGE.0 * 1.05
                || alpha >= ALPHA_RANGE.1 / 1.05
                || c <= C_RANGE.0 * 1.05
                || c >= C_RANGE.1 / 1.05
                || beta <= BETA_RANGE.0 * 1.05
                || beta >= BETA_RANGE.1 / 1.05
        }
    });
    let status = if search.exhausted {
        FitStatus::IterationLimit
    } else if !at_bound.is_empty() {
        FitStatus::AtBound
    } else if flat {
        FitStatus::FlatDirection
    } else {
        FitStatus::Converged
    };

    // Bootstrap.
    let n_params = match form {
        ScheduleLawForm::Annealing => 2 * r + 3,
        ScheduleLawForm::MultiPower => 2 * r + 5,
    };
    let inflate =
        (total_points as f64 / (total_points.saturating_sub(n_params)).max(1) as f64).sqrt();
    let results: Vec<Option<Vec<ScheduleLaw>>> = (0..options.draws)
        .into_par_iter()
        .map(|k| {
            let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
            rng.set_stream(k as u64 + 1);
            let star: Vec<Vec<f64>> = (0..r)
                .map(|i| {
                    let n = resid[i].len();
                    let l = block_len.min(n);
                    let mut y = Vec::with_capacity(n);
                    while y.len() < n {
                        let s = rng.random_range(0..n);
                        for j in 0..l {
                            if y.len() == n {
                                break;
                            }
                            let idx = y.len();
                            y.push(fitted_y[i][idx] + inflate * resid[i][(s + j) % n]);
                        }
                    }
                    y
                })
                .collect();
            let ys_star: Vec<&[f64]> = star.iter().map(|v| v.as_slice()).collect();
            let warm_evals = (options.max_evaluations / 3).max(10);
            let s = problem.search(&ys_star, Some(search.best), warm_evals)?;
            problem.laws(s.best, &s.lin).ok()
        })
        .collect();
    let draws_failed = results.iter().filter(|r| r.is_none()).count();
    let draws: Vec<Vec<ScheduleLaw>> = results.into_iter().flatten().collect();

    Ok(ScheduleFit {
        form,
        laws,
        objective: best_sse,
        status,
        diagnostics: ScheduleFitDiagnostics {
            evaluations: search.evaluations,
            points,
            residual_rms,
            block_len,
            profile_tolerance: tolerance,
            at_bound,
            draws_failed,
        },
        draws,
        profile,
        runs: runs.to_vec(),
        fitted,
    })
}

impl ScheduleFit {
    /// The runs fitted, in order.
    pub fn runs(&self) -> &[ObservedRun] {
        &self.runs
    }

    /// The first and last token counts fitted of run `run`.
    ///
    /// # Errors
    /// [`Error::NotApplicable`] for a run index out of range.
    pub fn fitted_range(&self, run: usize) -> Result<(Tokens, Tokens)> {
        self.fitted
            .get(run)
            .copied()
            .ok_or_else(|| self.no_run(run))
    }

    fn no_run(&self, run: usize) -> Error {
        Error::NotApplicable {
            what: format!("run {run} of a schedule-law fit"),
            reason: format!("the fit has {} run(s)", self.runs.len()),
        }
    }

    /// How far the fitted law misses run `run`'s own final loss: (fitted − observed at the
    /// last point, the median observed loss of the last 10B tokens minus the law there, and
    /// the residual RMS for scale). A miss within about two residual RMS is within noise.
    ///
    /// # Errors
    /// [`Error::NotApplicable`] for a run index out of range.
    pub fn final_miss(&self, run: usize) -> Result<FinalMiss> {
        let o = self.runs.get(run).ok_or_else(|| self.no_run(run))?;
        let law = &self.laws[run];
        let c = o.curve();
        let s = o.schedule();
        let last = c.last_tokens();
        let predicted = law.loss(s, s.step_at(last)?)?;
        let observed = c.final_loss(Tokens::raw(10e9));
        Ok(FinalMiss {
            predicted,
            observed,
            miss: predicted - observed,
            noise: self.diagnostics.residual_rms[run],
        })
    }

    /// Run `run`'s fit as a hypothesis on `plan` (default: the run's own schedule, stretched
    /// to each token count asked).
    ///
    /// # Errors
    /// [`Error::NotApplicable`] for a run index out of range.
    pub fn hypothesis(&self, run: usize, plan: Option<Schedule>) -> Result<ScheduledHypothesis> {
        let o = self.runs.get(run).ok_or_else(|| self.no_run(run))?;
        let (from, to) = self.fitted[run];
        let c = o.curve();
        let mut evidence = Evidence::described(format!(
            "{}'s curve from {from} to {to} tokens under its schedule ({}){}",
            c.model(),
            o.schedule(),
            if self.runs.len() > 1 {
                format!(", jointly with {} other curve(s)", self.runs.len() - 1)
            } else {
                String::new()
            }
        ));
        evidence.max_tokens = Some(to);
        evidence.max_params = Some(c.params());
        let mut caveats = vec![Caveat::Note(format!(
            "assumes {}'s response to the schedule, fitted to {}, holds for the planned schedule",
            self.form.id(),
            c.model()
        ))];
        if self.status != FitStatus::Converged {
            caveats.push(Caveat::Note(format!(
                "the fit did not converge cleanly ({:?}: {})",
                self.status,
                self.diagnostics.at_bound.join("; ")
            )));
        }
        let draws = self.draws.iter().map(|d| d[run]).collect();
        let profile = self.profile.iter().map(|p| p[run]).collect();
        ScheduledHypothesis::new(
            c.model(),
            c.params(),
            self.laws[run],
            draws,
            profile,
            plan.unwrap_or_else(|| o.schedule().clone()),
            evidence,
            caveats,
        )
    }
}

/// How a fitted law compares with a curve's own final loss.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FinalMiss {
    /// The law at the curve's last point.
    pub predicted: f64,
    /// The observed final loss (median of the last 10B tokens).
    pub observed: f64,
    /// predicted − observed.
    pub miss: f64,
    /// Residual RMS of the fit (the curve's noise around the law).
    pub noise: f64,
}

impl FinalMiss {
    /// Whether the miss is within two residual RMS.
    pub fn within_noise(&self) -> bool {
        self.miss.abs() <= 2.0 * self.noise
    }
}
