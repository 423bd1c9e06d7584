//! Fitting the schedule-aware laws ([`crate::law::annealing`], [`crate::law::multi_power`])
//! to observed loss curves with their learning-rate schedules.
//!
//! **One model under several schedules, or several models.** [`fit_schedule_law`] takes one
//! or more [`ObservedRun`]s and [`ScheduleFitOptions::shared`] says what they share:
//! - [`SharedTerms::All`]: every parameter is shared. This is the papers' protocol: Tissue
//!   et al. 2024 (arXiv:2408.11029) and Luo et al. 2025 (arXiv:2503.12811, Table 1) fit one
//!   model's constant, cosine and two-stage runs with one set of parameters and predict
//!   other schedules of the same model. Use it whenever the runs are one model (same size,
//!   data and peak learning rate family); runs whose parameter counts differ are refused.
//! - [`SharedTerms::AllButLevel`] (the default): each run gets its own level L0 and amplitude
//!   A; the exponent α and the annealing terms (C and λ for Tissue et al.'s law; B, C, β, γ
//!   for the multi-power law) are shared. Use it for curves of different models (the four
//!   LLaMA-1 sizes: does one annealing response explain all four?). With one run both are
//!   the same fit.
//!
//! **Objective.** Least squares on the loss (nats/token) over the points from `start`
//! (default: the first point after warmup) to `until`. Both laws are linear in (L0, A) and
//! in their annealing scale (C or B), so these are projected out exactly (variable
//! projection, with A >= 0 and C, B >= 0 enforced by an active set), and the search runs
//! over the nonlinear parameters only. Luo et al. minimise a Huber loss (δ = 10⁻³) of the
//! log-loss residuals with AdamW from one start (C = 1, β = γ = 0.5, their repository);
//! with residuals of a few 10⁻³ relative the two objectives weigh the points almost alike,
//! and least squares lets the linear part be solved exactly.
//! - **Annealing law:** the decay factor λ is a continuous parameter searched over
//!   [0.9, 1 − 10⁻⁷] (in log(1 − λ), a grid of 13 values refined by golden sections) and
//!   the no-forgetting limit λ = 1 ([`crate::schedule::Schedule::annealing_area`]); for each
//!   λ, ln α by a grid and golden sections. Tissue et al. fix λ = 0.999: set
//!   [`ScheduleFitOptions::lambda`] to fit with λ fixed.
//! - **Multi-power law:** (α, C, β, γ) by L-BFGS ([`argmin`], Moré–Thuente line search)
//!   with analytic gradients (by the envelope theorem the gradient of the projected
//!   objective is the partial gradient at the projected linear part; the derivatives of
//!   the loss-drop sum come from the same pass over its terms), in a bounded
//!   parametrisation: ln p = ln lo + (ln hi − ln lo)·σ(v) for each parameter p in its range
//!   (α in [10⁻³, 5], C in [10⁻⁶, 10⁶], β in [10⁻³, 100], γ in [10⁻⁴, 5]). Starts: the 36
//!   points of a small grid (Luo et al.'s C = 1, β = γ = 0.5 among them) are screened and
//!   the best three refined. LD is evaluated from block decay terms
//!   ([`crate::schedule::Resolution`], default growth 0.3 after 4 exact steps: a few 10⁻⁴
//!   relative of LD, 10⁻⁴ nats on a drop of 0.3 nats, far below the curves' noise of
//!   2-5 millinats); terms where the rate does not change
//!   (the constant part of a WSD run) are dropped, as their weight is zero.
//!
//! **Status.** As for the Chinchilla fits ([`FitStatus`]): `Converged` only when the
//! solver met its tolerance (the gradient norm or the cost change) at an optimum that is
//! neither on the edge of the ranges nor flat; `IterationLimit` when the best start ran out
//! of iterations; `Stalled` when its line search failed with the gradient not small;
//! `AtBound` when a nonlinear parameter ends on the edge of its range (λ = 0.9 for the
//! annealing law: the momentum forgets within ten steps) or a linear term is forced to or
//! ends at zero (A = 0, C = 0 or B = 0: the data want no such term, or a term of the wrong
//! sign); `FlatDirection` when the curvature of the multi-power objective at the optimum
//! (finite differences of the analytic gradient in the log parameters) is numerically
//! singular (smallest eigenvalue below 10⁻⁸ of the largest), or the identifiability
//! profile of the annealing law reaches the edge of the exponent's range. λ = 1 is a law
//! (momentum that never forgets), not a bound: an optimum there is reported as such.
//!
//! **Identifiability profile.** Every parameter vector the annealing search evaluated and
//! random perturbations of the optimum (±1 in the log of each nonlinear parameter; 400 for
//! the annealing law, 32 for the slower multi-power law) whose objective is within a
//! tolerance τ of the best (SSE ≤ (1 + τ) SSE_best), kept with its projected linear part:
//! the spread of a prediction over these fits is what the data cannot tell apart. τ
//! defaults to χ²₁(0.90)/n_eff = 2.706/n_eff, n_eff = points / block length (a
//! profile-likelihood 90% region with the effective sample size of an autocorrelated curve).
//! It is a lower bound on the ambiguity (the perturbations sample the near-optimal set,
//! they do not map it).
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
//! println!("{fit}\n{:?}", fit.final_miss(0)?);
//! # Ok::<(), isoflop::Error>(())
//! ```

use super::objective::Objective;
use super::protocol::FitStatus;
use super::solver::{minimize, SolverOptions, SolverStop};
use crate::data::curve::LossCurve;
use crate::error::{check, Error, Result};
use crate::fast_math;
use crate::law::annealing::AnnealingLaw;
use crate::law::multi_power::MultiPowerLaw;
use crate::law::{Caveat, Evidence, ScheduleLaw, ScheduledHypothesis};
use crate::par::*;
use crate::schedule::{Resolution, Schedule};
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

/// Which parameters the runs of one fit share (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum SharedTerms {
    /// Every parameter is shared: one model under several schedules (the papers' protocol).
    /// The runs must have the same parameter count.
    All,
    /// Each run has its own level L0 and amplitude A; the rest is shared: curves of
    /// different models.
    #[default]
    AllButLevel,
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
    /// What the runs share (default [`SharedTerms::AllButLevel`]).
    pub shared: SharedTerms,
    /// The annealing law's decay factor λ: `None` (default) searches it, `Some(λ)` fixes
    /// it (Tissue et al. 2024 use 0.999).
    pub lambda: Option<f64>,
    /// Resolution of the multi-power law's LD while fitting (default blocks of growth 0.3
    /// after 4 exact steps).
    pub resolution: Resolution,
    /// L-BFGS iterations per start of the multi-power search (default 300).
    pub max_iterations: u64,
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
            shared: SharedTerms::AllButLevel,
            lambda: None,
            resolution: Resolution::Geometric {
                exact_steps: 4,
                growth: 0.3,
            },
            max_iterations: 300,
        }
    }
}

/// Diagnostics of a schedule-law fit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScheduleFitDiagnostics {
    /// Objective evaluations of the search (L-BFGS iterations for the multi-power law).
    pub evaluations: usize,
    /// Points fitted per run.
    pub points: Vec<usize>,
    /// Residual RMS per run (nats/token).
    pub residual_rms: Vec<f64>,
    /// Bootstrap block length (points).
    pub block_len: usize,
    /// Profile tolerance τ used.
    pub profile_tolerance: f64,
    /// What ended at a bound, vanished or is not determined, in words (empty when nothing).
    pub at_bound: Vec<String>,
    /// Bootstrap draws whose refit failed or did not converge (left out).
    pub draws_failed: usize,
}

/// A fitted schedule-aware law: one law per run (shared parameters equal), with bootstrap
/// draws and the identifiability profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScheduleFit {
    /// Which law.
    pub form: ScheduleLawForm,
    /// What the runs shared.
    pub shared: SharedTerms,
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

/// Per-group data of the objective (a group shares L0 and A: one run, or all of them).
struct GroupData {
    y: Vec<f64>,
    ln_s1: Vec<f64>,
    /// (run index, step) of each point, for the annealing area at any λ.
    at: Vec<(usize, u64)>,
    /// Multi-power decay terms of all points, flattened: point i owns
    /// `offsets[i]..offsets[i + 1]`.
    offsets: Vec<usize>,
    weight: Vec<f64>,
    ln_area: Vec<f64>,
    ln_lr: Vec<f64>,
}

/// The projected linear part: per group (L0, A), shared K (C or B), SSE, which were forced to 0.
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

/// Ranges of the multi-power law's nonlinear parameters (α, C, β, γ), searched in logs.
const MPL_RANGES: [(f64, f64); 4] = [(1e-3, 5.0), (1e-6, 1e6), (1e-3, 100.0), (1e-4, 5.0)];
const MPL_NAMES: [&str; 4] = ["alpha", "C", "beta", "gamma"];
/// The annealing law's exponent range.
const ALPHA_RANGE: (f64, f64) = (0.01, 3.0);
/// log10(1 − λ) searched by the annealing law (λ in [0.9, 1 − 10⁻⁷]; λ = 1 besides).
const LOG_NU_RANGE: (f64, f64) = (-7.0, -1.0);
/// Scale of the multi-power objective handed to L-BFGS: SSE / (n · 10⁻⁶), the mean squared
/// residual in millinats², so its tolerances mean the same on every data set.
const MPL_COST_UNIT: f64 = 1e-6;
/// L-BFGS tolerances on that scale: gradient norm and cost change per iteration.
const MPL_GRAD_TOL: f64 = 1e-7;
const MPL_COST_TOL: f64 = 1e-11;

/// The nonlinear parameters of one candidate.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Theta {
    /// Tissue et al.: exponent and decay factor.
    Annealing { alpha: f64, lambda: f64 },
    /// Luo et al.: (α, C, β, γ).
    MultiPower { p: [f64; 4] },
}

struct Problem<'a> {
    form: ScheduleLawForm,
    groups: Vec<GroupData>,
    group_of: Vec<usize>,
    schedules: Vec<&'a Schedule>,
    lambda_fixed: Option<f64>,
    max_iterations: u64,
}

/// One search's result.
struct Search {
    best: Theta,
    lin: Linear,
    /// Every (θ, SSE) evaluated (annealing law only).
    visited: Vec<(Theta, f64)>,
    evaluations: usize,
    /// The solver's verdict (the annealing search always ends).
    stop: SolverStop,
    /// Gradient norm at the end (multi-power law; 0 for the annealing law).
    grad_norm: f64,
}

#[inline]
fn sigmoid(v: f64) -> f64 {
    1.0 / (1.0 + (-v).exp())
}

/// v ↦ (α, C, β, γ) and d ln p / dv.
fn mpl_params(v: &[f64]) -> ([f64; 4], [f64; 4]) {
    let mut p = [0.0; 4];
    let mut d = [0.0; 4];
    for j in 0..4 {
        let (lo, hi) = (MPL_RANGES[j].0.ln(), MPL_RANGES[j].1.ln());
        let s = sigmoid(v[j]);
        p[j] = (lo + (hi - lo) * s).exp();
        d[j] = (hi - lo) * s * (1.0 - s);
    }
    (p, d)
}

/// (α, C, β, γ) ↦ v (inside the ranges).
fn mpl_v(p: &[f64; 4]) -> [f64; 4] {
    let mut v = [0.0; 4];
    for j in 0..4 {
        let (lo, hi) = (MPL_RANGES[j].0.ln(), MPL_RANGES[j].1.ln());
        let f = ((p[j].ln() - lo) / (hi - lo)).clamp(1e-9, 1.0 - 1e-9);
        v[j] = (f / (1.0 - f)).ln();
    }
    v
}

impl Problem<'_> {
    fn x_col(&self, g: usize, alpha: f64, out: &mut Vec<f64>) {
        out.clear();
        out.extend(
            self.groups[g]
                .ln_s1
                .iter()
                .map(|l| fast_math::exp(-alpha * l)),
        );
    }

    fn s2_col(&self, g: usize, lambda: f64, out: &mut Vec<f64>) -> Result<()> {
        out.clear();
        for &(r, step) in &self.groups[g].at {
            out.push(self.schedules[r].annealing_area(step, lambda)?);
        }
        Ok(())
    }

    /// The loss-drop column LD/B of group `g` at (C, β, γ) and, if asked, its derivatives in
    /// ln C, ln β and ln γ. One branch-free pass over every term of the group (so that it
    /// vectorises), then sums per point.
    fn ld_col(&self, g: usize, p: &[f64; 4], out: &mut Vec<f64>, d: Option<&mut [Vec<f64>; 3]>) {
        let gd = &self.groups[g];
        let (c, beta, gamma) = (p[1], p[2], p[3]);
        let m = gd.weight.len();
        // Per term: w·G, and w·β p Cu/(1 + Cu) and w·β q p for the derivatives.
        let mut wg = vec![0.0; m];
        let n = gd.y.len();
        let span = |i: usize| gd.offsets[i]..gd.offsets[i + 1];
        out.clear();
        let Some(d) = d else {
            for (k, g) in wg.iter_mut().enumerate() {
                let v = (gd.ln_area[k] - gamma * gd.ln_lr[k]).clamp(-700.0, 700.0);
                let q = fast_math::ln(1.0 + c * fast_math::exp(v));
                *g = gd.weight[k] * (1.0 - fast_math::exp((-beta * q).max(-700.0)));
            }
            out.extend((0..n).map(|i| wg[span(i)].iter().sum::<f64>()));
            return;
        };
        let mut wc = vec![0.0; m];
        let mut wb = vec![0.0; m];
        for k in 0..m {
            let v = (gd.ln_area[k] - gamma * gd.ln_lr[k]).clamp(-700.0, 700.0);
            let cu = c * fast_math::exp(v);
            let q = fast_math::ln(1.0 + cu);
            let pw = fast_math::exp((-beta * q).max(-700.0));
            let w = gd.weight[k];
            wg[k] = w * (1.0 - pw);
            wc[k] = w * beta * pw * cu / (1.0 + cu);
            wb[k] = w * beta * q * pw;
        }
        out.extend((0..n).map(|i| wg[span(i)].iter().sum::<f64>()));
        {
            for v in d.iter_mut() {
                v.clear();
            }
            for i in 0..n {
                let r = span(i);
                let dc: f64 = wc[r.clone()].iter().sum();
                let db: f64 = wb[r.clone()].iter().sum();
                // dG/d ln γ = dG/d ln C · (−γ ln η).
                let dg: f64 = -gamma
                    * wc[r.clone()]
                        .iter()
                        .zip(&gd.ln_lr[r])
                        .map(|(a, l)| a * l)
                        .sum::<f64>();
                d[0].push(dc);
                d[1].push(db);
                d[2].push(dg);
            }
        }
    }

    fn solve(&self, ys: &[Vec<f64>], xs: &[Vec<f64>], zs: &[Vec<f64>]) -> Linear {
        let yr: Vec<&[f64]> = ys.iter().map(|y| y.as_slice()).collect();
        solve_linear(&yr, xs, zs)
    }

    /// The projected fit at θ (no gradient).
    fn eval(&self, theta: Theta, ys: &[Vec<f64>]) -> Result<Linear> {
        let ng = self.groups.len();
        let mut xs = vec![Vec::new(); ng];
        let mut zs = vec![Vec::new(); ng];
        for g in 0..ng {
            match theta {
                Theta::Annealing { alpha, lambda } => {
                    self.x_col(g, alpha, &mut xs[g]);
                    self.s2_col(g, lambda, &mut zs[g])?;
                }
                Theta::MultiPower { p } => {
                    self.x_col(g, p[0], &mut xs[g]);
                    self.ld_col(g, &p, &mut zs[g], None);
                }
            }
        }
        Ok(self.solve(ys, &xs, &zs))
    }

    /// The multi-power projected SSE at `p` and its gradient in (ln α, ln C, ln β, ln γ).
    fn mpl_sse_grad(&self, p: &[f64; 4], ys: &[Vec<f64>], grad: &mut [f64; 4]) -> f64 {
        let ng = self.groups.len();
        let mut xs = vec![Vec::new(); ng];
        let mut zs = vec![Vec::new(); ng];
        let mut dzs: Vec<[Vec<f64>; 3]> = (0..ng).map(|_| Default::default()).collect();
        for g in 0..ng {
            self.x_col(g, p[0], &mut xs[g]);
            self.ld_col(g, p, &mut zs[g], Some(&mut dzs[g]));
        }
        let lin = self.solve(ys, &xs, &zs);
        *grad = [0.0; 4];
        for g in 0..ng {
            let (l0, a, k) = (lin.l0[g], lin.a[g], lin.k);
            for i in 0..ys[g].len() {
                let e = ys[g][i] - (l0 + a * xs[g][i] - k * zs[g][i]);
                let dx = -p[0] * self.groups[g].ln_s1[i] * xs[g][i];
                grad[0] -= 2.0 * e * a * dx;
                for j in 0..3 {
                    grad[j + 1] += 2.0 * e * k * dzs[g][j][i];
                }
            }
        }
        lin.sse
    }

    fn laws(&self, theta: Theta, lin: &Linear) -> Result<Vec<ScheduleLaw>> {
        self.group_of
            .iter()
            .map(|&g| {
                Ok(match theta {
                    Theta::Annealing { alpha, lambda } => ScheduleLaw::Annealing(
                        AnnealingLaw::new(lin.l0[g], lin.a[g], alpha, lin.k, lambda)?,
                    ),
                    Theta::MultiPower { p } => ScheduleLaw::MultiPower(MultiPowerLaw::new(
                        lin.l0[g], lin.a[g], p[0], lin.k, p[1], p[2], p[3],
                    )?),
                })
            })
            .collect()
    }

    fn search(&self, ys: &[Vec<f64>], warm: Option<Theta>) -> Option<Search> {
        match self.form {
            ScheduleLawForm::Annealing => self.annealing_search(ys, warm),
            ScheduleLawForm::MultiPower => self.mpl_search(ys, warm),
        }
    }

    /// For a fixed λ: the best ln α (a grid and golden sections, or golden sections around
    /// a warm start), recording every evaluation.
    fn annealing_at(
        &self,
        lambda: f64,
        ys: &[Vec<f64>],
        warm_alpha: Option<f64>,
        visited: &mut Vec<(Theta, f64)>,
    ) -> f64 {
        let ng = self.groups.len();
        let mut zs = vec![Vec::new(); ng];
        for (g, z) in zs.iter_mut().enumerate() {
            if self.s2_col(g, lambda, z).is_err() {
                return f64::INFINITY;
            }
        }
        let mut xs = vec![Vec::new(); ng];
        let mut cost = |t: f64, visited: &mut Vec<(Theta, f64)>| {
            let alpha = t.exp();
            for (g, x) in xs.iter_mut().enumerate() {
                self.x_col(g, alpha, x);
            }
            let s = self.solve(ys, &xs, &zs).sse;
            let s = if s.is_finite() { s } else { f64::INFINITY };
            visited.push((Theta::Annealing { alpha, lambda }, s));
            s
        };
        let (lo, hi) = (ALPHA_RANGE.0.ln(), ALPHA_RANGE.1.ln());
        let (a, b) = match warm_alpha {
            Some(alpha) => ((alpha.ln() - 0.5).max(lo), (alpha.ln() + 0.5).min(hi)),
            None => {
                let grid = 48;
                let step = (hi - lo) / (grid - 1) as f64;
                let mut best = (0usize, f64::INFINITY);
                for i in 0..grid {
                    let s = cost(lo + step * i as f64, visited);
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
        crate::golden::golden_section(|t| cost(t, visited), a, b, 1e-7, 60).1
    }

    fn annealing_search(&self, ys: &[Vec<f64>], warm: Option<Theta>) -> Option<Search> {
        let mut visited: Vec<(Theta, f64)> = Vec::new();
        let warm = match warm {
            Some(Theta::Annealing { alpha, lambda }) => Some((alpha, lambda)),
            _ => None,
        };
        let warm_alpha = warm.map(|w| w.0);
        let lam = |u: f64| 1.0 - 10f64.powf(u);
        match self.lambda_fixed {
            Some(l) => {
                self.annealing_at(l, ys, warm_alpha, &mut visited);
            }
            None => {
                // λ = 1 (no forgetting), then log10(1 − λ) on a grid or around the warm start.
                let at_one = self.annealing_at(1.0, ys, warm_alpha, &mut visited);
                let (a, b) = match warm {
                    Some((_, l)) if l < 1.0 => {
                        let u = (1.0 - l).log10();
                        ((u - 0.5).max(LOG_NU_RANGE.0), (u + 0.5).min(LOG_NU_RANGE.1))
                    }
                    Some(_) => (LOG_NU_RANGE.0, LOG_NU_RANGE.0 + 0.5),
                    None => {
                        let n = 13;
                        let step = (LOG_NU_RANGE.1 - LOG_NU_RANGE.0) / (n - 1) as f64;
                        let mut best = (0usize, f64::INFINITY);
                        for i in 0..n {
                            let u = LOG_NU_RANGE.0 + step * i as f64;
                            let s = self.annealing_at(lam(u), ys, None, &mut visited);
                            if s < best.1 {
                                best = (i, s);
                            }
                        }
                        let u = LOG_NU_RANGE.0 + step * best.0 as f64;
                        if best.1 >= at_one && best.0 == 0 {
                            (u, u) // the limit is best and the grid falls towards it
                        } else {
                            (
                                (u - step).max(LOG_NU_RANGE.0),
                                (u + step).min(LOG_NU_RANGE.1),
                            )
                        }
                    }
                };
                if b > a {
                    crate::golden::golden_section(
                        |u| self.annealing_at(lam(u), ys, warm_alpha, &mut visited),
                        a,
                        b,
                        1e-3,
                        40,
                    );
                }
            }
        }
        let (best, _) = visited
            .iter()
            .filter(|(_, s)| s.is_finite())
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .copied()?;
        let lin = self.eval(best, ys).ok()?;
        Some(Search {
            best,
            lin,
            evaluations: visited.len(),
            visited,
            stop: SolverStop::Converged,
            grad_norm: 0.0,
        })
    }

    fn mpl_search(&self, ys: &[Vec<f64>], warm: Option<Theta>) -> Option<Search> {
        let n: usize = ys.iter().map(|y| y.len()).sum();
        let objective = MplObjective {
            problem: self,
            ys,
            scale: 1.0 / (n as f64 * MPL_COST_UNIT),
        };
        let starts: Vec<[f64; 4]> = match warm {
            Some(Theta::MultiPower { p }) => vec![mpl_v(&p)],
            _ => {
                let mut grid = Vec::with_capacity(36);
                for alpha in [0.3, 0.6] {
                    for c in [0.1, 1.0, 10.0] {
                        for beta in [0.25, 0.5, 1.0] {
                            for gamma in [0.5, 1.0] {
                                grid.push([alpha, c, beta, gamma]);
                            }
                        }
                    }
                }
                let mut screened: Vec<([f64; 4], f64)> = grid
                    .par_iter()
                    .map(|p| {
                        let v = mpl_v(p);
                        (v, objective.cost(&v))
                    })
                    .collect();
                screened.sort_by(|a, b| a.1.total_cmp(&b.1));
                screened.into_iter().take(3).map(|(v, _)| v).collect()
            }
        };
        let options = SolverOptions {
            max_iters: if warm.is_some() {
                (self.max_iterations / 2).max(1)
            } else {
                self.max_iterations
            },
            grad_tol: MPL_GRAD_TOL,
            cost_tol: MPL_COST_TOL,
            memory: 10,
        };
        let results: Vec<_> = starts
            .par_iter()
            .map(|v| minimize(&objective, v, &options))
            .collect();
        let evaluations = results.iter().map(|r| r.iterations as usize).sum();
        let best = results
            .into_iter()
            .filter(|r| r.cost.is_finite() && r.stop != SolverStop::Failed)
            .min_by(|a, b| a.cost.total_cmp(&b.cost))?;
        let (p, _) = mpl_params(&best.x);
        let theta = Theta::MultiPower { p };
        let lin = self.eval(theta, ys).ok()?;
        // A line search that fails at a gradient this small has reached rounding.
        let stop = match best.stop {
            SolverStop::Stalled if best.grad_norm <= 1e3 * MPL_GRAD_TOL => SolverStop::Converged,
            s => s,
        };
        Some(Search {
            best: theta,
            lin,
            visited: Vec::new(),
            evaluations,
            stop,
            grad_norm: best.grad_norm,
        })
    }

    /// Whether the multi-power objective is numerically flat at `p`: the smallest
    /// eigenvalue of its Hessian in the log parameters (central differences of the analytic
    /// gradient) below 10⁻⁸ of the largest.
    fn mpl_flat(&self, p: &[f64; 4], ys: &[Vec<f64>]) -> bool {
        let h: f64 = 1e-4;
        let mut hess = nalgebra::Matrix4::<f64>::zeros();
        for j in 0..4 {
            let mut gp = [0.0; 4];
            let mut gm = [0.0; 4];
            let mut pp = *p;
            let mut pm = *p;
            pp[j] *= h.exp();
            pm[j] *= (-h).exp();
            self.mpl_sse_grad(&pp, ys, &mut gp);
            self.mpl_sse_grad(&pm, ys, &mut gm);
            for i in 0..4 {
                hess[(i, j)] = (gp[i] - gm[i]) / (2.0 * h);
            }
        }
        let sym = (hess + hess.transpose()) * 0.5;
        let eig = sym.symmetric_eigenvalues();
        let max = eig.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let min = eig.iter().copied().fold(f64::INFINITY, f64::min);
        !(max > 0.0 && min > 1e-8 * max)
    }
}

/// The multi-power objective in the bounded parametrisation, for L-BFGS.
struct MplObjective<'a, 'b> {
    problem: &'a Problem<'b>,
    ys: &'a [Vec<f64>],
    scale: f64,
}

impl Objective for MplObjective<'_, '_> {
    fn dim(&self) -> usize {
        4
    }

    fn cost_grad(&self, v: &[f64], grad: &mut [f64]) -> f64 {
        let (p, d) = mpl_params(v);
        let mut g = [0.0; 4];
        let sse = self.problem.mpl_sse_grad(&p, self.ys, &mut g);
        for j in 0..4 {
            grad[j] = g[j] * d[j] * self.scale;
        }
        sse * self.scale
    }

    fn cost(&self, v: &[f64]) -> f64 {
        let (p, _) = mpl_params(v);
        match self.problem.eval(Theta::MultiPower { p }, self.ys) {
            Ok(lin) if lin.sse.is_finite() => lin.sse * self.scale,
            _ => f64::INFINITY,
        }
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

/// Fits `form` to `runs` (one or several; what they share is
/// [`ScheduleFitOptions::shared`]).
///
/// # Errors
/// No runs, fewer than 6 points in a run's window ([`Error::InsufficientData`]); a bad
/// option ([`Error::InvalidValue`]); [`SharedTerms::All`] over runs whose parameter
/// counts differ ([`Error::NotApplicable`]); a search in which every candidate failed
/// ([`Error::NonIdentifiable`]).
///
/// # Examples
/// ```
/// use isoflop::fit::schedule_law::{fit_schedule_law, ScheduleFitOptions, ScheduleLawForm};
/// // No runs: a typed error, not an empty fit.
/// assert!(fit_schedule_law(&[], ScheduleLawForm::MultiPower, &ScheduleFitOptions::default()).is_err());
/// ```
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
    if let Some(l) = options.lambda {
        Schedule::check_lambda(l)?;
    }
    if let Some(t) = options.profile_tolerance {
        check::positive("profile tolerance", t)?;
    }
    if options.max_iterations == 0 {
        return Err(Error::InvalidValue {
            what: "L-BFGS iteration budget of the multi-power search",
            value: 0.0,
            allowed: "must be at least 1",
        });
    }
    if options.shared == SharedTerms::All {
        let n0 = runs[0].curve.params();
        if let Some(o) = runs
            .iter()
            .find(|o| (o.curve.params().get() / n0.get() - 1.0).abs() > 1e-9)
        {
            return Err(Error::NotApplicable {
                what: format!(
                    "sharing every parameter between {} ({}) and {} ({})",
                    runs[0].curve.model(),
                    n0,
                    o.curve.model(),
                    o.curve.params()
                ),
                reason: "SharedTerms::All is one model under several schedules; runs of different sizes need SharedTerms::AllButLevel".into(),
            });
        }
    }
    // Points per run, in the window and after warmup.
    let mut per_run: Vec<Vec<(u64, f64)>> = Vec::with_capacity(runs.len());
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
        per_run.push(pts.iter().map(|p| (p.0, p.1)).collect());
    }
    let r = runs.len();
    let group_of: Vec<usize> = match options.shared {
        SharedTerms::All => vec![0; r],
        SharedTerms::AllButLevel => (0..r).collect(),
    };
    let ng = group_of.iter().max().map_or(0, |g| g + 1);
    let mut groups: Vec<GroupData> = (0..ng)
        .map(|_| GroupData {
            y: Vec::new(),
            ln_s1: Vec::new(),
            at: Vec::new(),
            offsets: vec![0],
            weight: Vec::new(),
            ln_area: Vec::new(),
            ln_lr: Vec::new(),
        })
        .collect();
    let mut terms = Vec::new();
    for (i, pts) in per_run.iter().enumerate() {
        let s = &runs[i].schedule;
        let gd = &mut groups[group_of[i]];
        for &(step, loss) in pts {
            gd.y.push(loss);
            gd.ln_s1.push(s.lr_sum(step)?.ln());
            gd.at.push((i, step));
            if form == ScheduleLawForm::MultiPower {
                s.decay_terms(step, options.resolution, &mut terms)?;
                for t in &terms {
                    if t.weight != 0.0 && t.ln_area.is_finite() && t.ln_lr.is_finite() {
                        gd.weight.push(t.weight);
                        gd.ln_area.push(t.ln_area);
                        gd.ln_lr.push(t.ln_lr);
                    }
                }
                gd.offsets.push(gd.weight.len());
            }
        }
    }
    let problem = Problem {
        form,
        groups,
        group_of: group_of.clone(),
        schedules: runs.iter().map(|o| &o.schedule).collect(),
        lambda_fixed: options.lambda,
        max_iterations: options.max_iterations,
    };
    let ys: Vec<Vec<f64>> = problem.groups.iter().map(|g| g.y.clone()).collect();
    let search = problem.search(&ys, None).ok_or_else(|| {
        Error::NonIdentifiable(format!(
            "every candidate of the {} search gave a non-finite objective",
            form.id()
        ))
    })?;
    let laws = problem.laws(search.best, &search.lin)?;

    // Residuals per run (a group holds its runs' points in order).
    let mut fitted_y: Vec<Vec<f64>> = Vec::with_capacity(r);
    let mut resid: Vec<Vec<f64>> = Vec::with_capacity(r);
    {
        let mut offset = vec![0usize; ng];
        for (i, pts) in per_run.iter().enumerate() {
            let g = group_of[i];
            let law = &laws[i];
            let s = &runs[i].schedule;
            let f: Vec<f64> = pts
                .iter()
                .map(|&(step, _)| law.loss(s, step))
                .collect::<Result<_>>()?;
            let obs = &ys[g][offset[g]..offset[g] + pts.len()];
            offset[g] += pts.len();
            resid.push(obs.iter().zip(&f).map(|(y, f)| y - f).collect());
            fitted_y.push(f);
        }
    }
    let points: Vec<usize> = per_run.iter().map(|p| p.len()).collect();
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
    candidates.push(search.best);
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    let perturbations = match form {
        ScheduleLawForm::Annealing => 400,
        ScheduleLawForm::MultiPower => 32,
    };
    let perturbed: Vec<Theta> = (0..perturbations)
        .map(|_| match search.best {
            Theta::Annealing { alpha, lambda } => Theta::Annealing {
                alpha: (alpha.ln() + rng.random_range(-1.0..1.0))
                    .exp()
                    .clamp(ALPHA_RANGE.0, ALPHA_RANGE.1),
                lambda: match options.lambda {
                    Some(l) => l,
                    None => {
                        let u = if lambda < 1.0 {
                            (1.0 - lambda).log10()
                        } else {
                            LOG_NU_RANGE.0 - 0.5
                        };
                        let u = u + rng.random_range(-1.0..1.0);
                        if u < LOG_NU_RANGE.0 {
                            1.0
                        } else {
                            1.0 - 10f64.powf(u.min(LOG_NU_RANGE.1))
                        }
                    }
                },
            },
            Theta::MultiPower { p } => {
                let mut q = p;
                for (j, v) in q.iter_mut().enumerate() {
                    *v = (v.ln() + rng.random_range(-1.0..1.0))
                        .exp()
                        .clamp(MPL_RANGES[j].0, MPL_RANGES[j].1);
                }
                Theta::MultiPower { p: q }
            }
        })
        .collect();
    let perturbed_ok: Vec<Theta> = perturbed
        .par_iter()
        .filter_map(|&t| {
            let s = problem.eval(t, &ys).ok()?.sse;
            (s <= limit).then_some(t)
        })
        .collect();
    candidates.extend(perturbed_ok);
    // Keep at most 300, spread over the list.
    let stride = candidates.len().div_ceil(300).max(1);
    let mut profile = Vec::new();
    let mut profile_thetas = Vec::new();
    for t in candidates.iter().step_by(stride) {
        if let Ok(lin) = problem.eval(*t, &ys) {
            if let Ok(l) = problem.laws(*t, &lin) {
                profile.push(l);
                profile_thetas.push(*t);
            }
        }
    }

    // Status.
    let mut at_bound = Vec::new();
    let near = |x: f64, b: f64| (x / b - 1.0).abs() < 1e-3;
    match search.best {
        Theta::Annealing { alpha, lambda } => {
            if near(alpha, ALPHA_RANGE.0) || near(alpha, ALPHA_RANGE.1) {
                at_bound.push(format!("alpha = {alpha:.4} at the edge of [0.01, 3]"));
            }
            if options.lambda.is_none() && lambda < 1.0 && (1.0 - lambda) > 0.099 {
                at_bound.push(format!(
                    "lambda = {lambda:.4} at the lower edge 0.9 (a momentum that forgets within ten steps)"
                ));
            }
        }
        Theta::MultiPower { p } => {
            for j in 0..4 {
                let (lo, hi) = MPL_RANGES[j];
                let f = (p[j].ln() - lo.ln()) / (hi.ln() - lo.ln());
                if !(1e-4..=1.0 - 1e-4).contains(&f) {
                    at_bound.push(format!(
                        "{} = {:.4e} at the edge of [{lo:e}, {hi:e}]",
                        MPL_NAMES[j], p[j]
                    ));
                }
            }
        }
    }
    for (g, (&z, &a)) in search.lin.a_zero.iter().zip(&search.lin.a).enumerate() {
        if z || a == 0.0 {
            let who: Vec<&str> = (0..r)
                .filter(|&i| group_of[i] == g)
                .map(|i| runs[i].curve.model())
                .collect();
            at_bound.push(format!(
                "A = 0 for {} (the power term vanished)",
                who.join(", ")
            ));
        }
    }
    if search.lin.k_zero || search.lin.k == 0.0 {
        at_bound.push("the annealing term vanished (C or B = 0)".into());
    }
    let flat = match search.best {
        Theta::Annealing { .. } => profile_thetas.iter().any(|t| match *t {
            Theta::Annealing { alpha, .. } => {
                alpha <= ALPHA_RANGE.0 * 1.05 || alpha >= ALPHA_RANGE.1 / 1.05
            }
            Theta::MultiPower { .. } => false,
        }),
        Theta::MultiPower { p } => at_bound.is_empty() && problem.mpl_flat(&p, &ys),
    };
    if flat {
        at_bound.push(match form {
            ScheduleLawForm::Annealing => {
                "the near-optimal fits reach the edge of the exponent's range".to_string()
            }
            ScheduleLawForm::MultiPower => {
                "the objective is flat along a combination of (alpha, C, beta, gamma) at the optimum".to_string()
            }
        });
    }
    let status = match search.stop {
        SolverStop::IterationLimit => FitStatus::IterationLimit,
        SolverStop::Stalled | SolverStop::Failed => FitStatus::Stalled,
        SolverStop::Converged if !at_bound.is_empty() && !flat => FitStatus::AtBound,
        SolverStop::Converged if flat => FitStatus::FlatDirection,
        SolverStop::Converged => FitStatus::Converged,
    };
    if matches!(status, FitStatus::IterationLimit | FitStatus::Stalled) {
        at_bound.push(format!(
            "the L-BFGS search stopped with gradient norm {:.2e} ({})",
            search.grad_norm,
            status.name()
        ));
    }

    // Bootstrap.
    let n_params = match (form, options.shared) {
        (ScheduleLawForm::Annealing, _) => 2 * ng + 3,
        (ScheduleLawForm::MultiPower, _) => 2 * ng + 5,
    };
    let inflate =
        (total_points as f64 / (total_points.saturating_sub(n_params)).max(1) as f64).sqrt();
    let results: Vec<Option<Vec<ScheduleLaw>>> = (0..options.draws)
        .into_par_iter()
        .map(|k| {
            let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
            rng.set_stream(k as u64 + 1);
            let mut star: Vec<Vec<f64>> = vec![Vec::new(); ng];
            for i in 0..r {
                let n = resid[i].len();
                let l = block_len.min(n);
                let y = &mut star[group_of[i]];
                let begin = y.len();
                while y.len() - begin < n {
                    let s = rng.random_range(0..n);
                    for j in 0..l {
                        if y.len() - begin == n {
                            break;
                        }
                        let idx = y.len() - begin;
                        y.push(fitted_y[i][idx] + inflate * resid[i][(s + j) % n]);
                    }
                }
            }
            let s = problem.search(&star, Some(search.best))?;
            if matches!(s.stop, SolverStop::IterationLimit | SolverStop::Failed) {
                return None;
            }
            problem.laws(s.best, &s.lin).ok()
        })
        .collect();
    let draws_failed = results.iter().filter(|r| r.is_none()).count();
    let draws: Vec<Vec<ScheduleLaw>> = results.into_iter().flatten().collect();

    Ok(ScheduleFit {
        form,
        shared: options.shared,
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
        if !self.status.is_converged() {
            caveats.push(Caveat::FitNotConverged {
                status: self.status.name().to_string(),
                reason: format!(
                    "{} ({})",
                    self.status.advice(),
                    self.diagnostics.at_bound.join("; ")
                ),
            });
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
