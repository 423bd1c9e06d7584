//! Approach 2 of Hoffmann et al. 2022 (arXiv:2203.15556, Sec. 3.2, "IsoFLOP profiles"):
//! per compute budget, a parabola of loss in ln N (and separately in ln D); its minimum is
//! N_opt(C) (D_opt(C)); then ln N_opt = a ln C + ln k_N and ln D_opt = b ln C + ln k_D by
//! least squares over the budgets. Hoffmann et al. found a = 0.49, b = 0.51; Llama 3
//! (arXiv:2407.21783, Sec. 3.2.1) and others use the same method.
//!
//! Each budget's minimum carries its own standard error (delta method on the parabola's
//! least-squares covariance, when the budget has more than 3 runs) and a bootstrap over runs
//! within budgets ([`Approach2Options::bootstrap_draws`], seeded, parallel). Budgets are
//! dropped, with the reason kept in [`BudgetFit::verdict`], when they have fewer than 3
//! distinct sizes, their parabola opens downward, or its minimum lies outside the sampled
//! sizes (an extrapolated minimum; kept if [`Approach2Options::keep_extrapolated_minima`]).
//!
//! Known bias: loss along an isoFLOP line is not a parabola in ln N unless α = β (then it is
//! a cosh, symmetric about the optimum). With α ≠ β, or sizes sampled off-centre, the
//! parabola's vertex misses the optimum by an offset that is the same at every budget when
//! the design is the same relative to the optimum: the exponents survive, the intercepts
//! (k_N, k_D) shift (Open-Athena, arXiv:2603.22339). `tests/fit_sweep.rs` shows it.
//!
//! ```
//! use isoflop::data::sweep::{BudgetRule, IsoFlopSweep};
//! use isoflop::data::run_table::RunTable;
//! use isoflop::fit::approach2::{fit_approach2, Approach2Options};
//! use isoflop::law::ChinchillaLaw;
//! use isoflop::units::{Flops, Params, Tokens};
//! // A noise-free sweep from a law with alpha = beta (symmetric profiles): a = b = 1/2.
//! let law = ChinchillaLaw::new(1.7, 400.0, 400.0, 0.3, 0.3)?;
//! let mut rows = Vec::new();
//! for c in [1e18, 1e19, 1e20, 1e21] {
//!     let (n_opt, _) = law.optimal(Flops::new(c)?)?;
//!     for k in -4..=4 {
//!         let n = n_opt.get() * 10f64.powf(0.15 * k as f64);
//!         let d = c / (6.0 * n);
//!         rows.push((n, d, law.loss(Params::new(n)?, Tokens::new(d)?)?));
//!     }
//! }
//! let sweep = IsoFlopSweep::from_table("synthetic", &RunTable::from_rows(&rows)?, &BudgetRule::Auto)?;
//! let fit = fit_approach2(&sweep, &Approach2Options { bootstrap_draws: 0, ..Default::default() })?;
//! assert!((fit.params.exponent - 0.5).abs() < 1e-9);
//! # Ok::<(), isoflop::Error>(())
//! ```

use crate::band::Band;
use crate::data::run_table::Run;
use crate::data::sweep::IsoFlopSweep;
use crate::error::{check, Error, Result};
use crate::fit::replication::evidence_of;
use crate::law::AllocationRule;
use crate::par::*;
use crate::units::{Flops, Params, Tokens};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Approach 2 settings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Approach2Options {
    /// Bootstrap draws (resampling runs within each budget); 0 for none.
    pub bootstrap_draws: usize,
    /// Seed of the bootstrap (draw i uses a generator seeded by `seed` and i, so the draws
    /// do not depend on the thread count).
    pub seed: u64,
    /// Keep budgets whose parabola's minimum lies outside the sampled sizes.
    pub keep_extrapolated_minima: bool,
}

impl Default for Approach2Options {
    /// 1,000 draws, seed 0, extrapolated minima dropped.
    fn default() -> Self {
        Approach2Options {
            bootstrap_draws: 1000,
            seed: 0,
            keep_extrapolated_minima: false,
        }
    }
}

/// A least-squares parabola y = c0 + c1 (x − x0) + c2 (x − x0)² over x = ln N or ln D.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Parabola {
    /// The centring point x0 (mean of the sampled x).
    pub x0: f64,
    /// Coefficients c0, c1, c2.
    pub coefficients: [f64; 3],
    /// Smallest and largest sampled x.
    pub x_range: (f64, f64),
    /// Standard error of the vertex (delta method; `None` with 3 runs: no residual dof).
    pub vertex_se: Option<f64>,
}

impl Parabola {
    /// The vertex x* = x0 − c1 / (2 c2) (a minimum only when c2 > 0).
    pub fn vertex(&self) -> f64 {
        self.x0 - self.coefficients[1] / (2.0 * self.coefficients[2])
    }

    /// The parabola's value at `x`.
    pub fn at(&self, x: f64) -> f64 {
        let t = x - self.x0;
        self.coefficients[0] + t * (self.coefficients[1] + t * self.coefficients[2])
    }
}

/// Why a budget was kept or dropped.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum BudgetVerdict {
    /// Used in the power-law fit.
    Kept,
    /// Kept although its minimum lies outside the sampled sizes (asked for).
    KeptExtrapolated,
    /// Dropped: fewer than 3 distinct sizes (a parabola needs 3).
    TooFewPoints {
        /// Distinct model sizes in the budget.
        distinct_sizes: usize,
    },
    /// Dropped: the parabola opens downward (curvature ≤ 0), so it has no minimum.
    OpensDownward {
        /// The curvature c2 (per ln N squared).
        curvature: f64,
    },
    /// Dropped: the minimum lies outside the sampled sizes.
    MinimumOutsideSampled {
        /// The parabola's N_opt.
        n_opt: f64,
        /// Smallest sampled N.
        smallest: f64,
        /// Largest sampled N.
        largest: f64,
    },
}

impl BudgetVerdict {
    /// Whether the budget enters the power-law fit.
    pub fn is_kept(&self) -> bool {
        matches!(self, BudgetVerdict::Kept | BudgetVerdict::KeptExtrapolated)
    }
}

impl fmt::Display for BudgetVerdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BudgetVerdict::Kept => f.write_str("kept"),
            BudgetVerdict::KeptExtrapolated => {
                f.write_str("kept, although its minimum lies outside the sampled sizes")
            }
            BudgetVerdict::TooFewPoints { distinct_sizes } => write!(
                f,
                "dropped: {distinct_sizes} distinct model size(s), a parabola needs at least 3"
            ),
            BudgetVerdict::OpensDownward { curvature } => write!(
                f,
                "dropped: the parabola opens downward (curvature {curvature:.3e}), it has no minimum"
            ),
            BudgetVerdict::MinimumOutsideSampled {
                n_opt,
                smallest,
                largest,
            } => write!(
                f,
                "dropped: the minimum N = {} lies outside the sampled sizes {} to {}",
                Params::raw(*n_opt),
                Params::raw(*smallest),
                Params::raw(*largest)
            ),
        }
    }
}

/// One budget's isoFLOP profile.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BudgetFit {
    /// The budget.
    pub budget: Flops,
    /// Runs in the budget.
    pub runs: usize,
    /// Kept or dropped, and why.
    pub verdict: BudgetVerdict,
    /// Loss vs ln N (`None` with fewer than 3 distinct sizes).
    pub in_params: Option<Parabola>,
    /// Loss vs ln D (`None` with fewer than 3 distinct token counts).
    pub in_tokens: Option<Parabola>,
    /// Bootstrap standard deviation of ln N_opt over the draws where this budget was kept.
    pub ln_n_opt_boot_sd: Option<f64>,
    /// The budget's runs as (N, loss).
    pub points: Vec<(f64, f64)>,
}

impl BudgetFit {
    /// N_opt at this budget (the vertex in ln N), if the parabola has one.
    pub fn n_opt(&self) -> Option<Params> {
        self.in_params
            .filter(|p| p.coefficients[2] > 0.0)
            .and_then(|p| Params::new(p.vertex().exp()).ok())
    }

    /// D_opt at this budget (the vertex in ln D), if the parabola has one.
    pub fn d_opt(&self) -> Option<Tokens> {
        self.in_tokens
            .filter(|p| p.coefficients[2] > 0.0)
            .and_then(|p| Tokens::new(p.vertex().exp()).ok())
    }
}

/// A power law ln y = exponent · ln C + ln_coefficient fitted by least squares.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PowerLawFit {
    /// The exponent (a or b).
    pub exponent: f64,
    /// ln of the coefficient (k_N or k_D), C in FLOPs.
    pub ln_coefficient: f64,
    /// Standard error of the exponent (`None` with 2 points).
    pub exponent_se: Option<f64>,
    /// Points in the fit.
    pub points: usize,
}

impl PowerLawFit {
    /// exp(ln k + a ln C).
    pub fn at(&self, c: Flops) -> f64 {
        (self.ln_coefficient + self.exponent * c.get().ln()).exp()
    }
}

/// Ordinary least squares of `y` on `x` (both already logs). Needs 2 distinct x.
pub(crate) fn fit_line(x: &[f64], y: &[f64]) -> Option<PowerLawFit> {
    let n = x.len();
    if n < 2 || n != y.len() {
        return None;
    }
    let mx = x.iter().sum::<f64>() / n as f64;
    let my = y.iter().sum::<f64>() / n as f64;
    let (mut sxx, mut sxy) = (0.0, 0.0);
    for (xi, yi) in x.iter().zip(y) {
        sxx += (xi - mx) * (xi - mx);
        sxy += (xi - mx) * (yi - my);
    }
    if sxx <= 1e-12 * (1.0 + mx * mx) {
        return None;
    }
    let slope = sxy / sxx;
    let intercept = my - slope * mx;
    let exponent_se = (n > 2).then(|| {
        let rss: f64 = x
            .iter()
            .zip(y)
            .map(|(xi, yi)| (yi - intercept - slope * xi).powi(2))
            .sum();
        (rss / (n - 2) as f64 / sxx).sqrt()
    });
    (slope.is_finite() && intercept.is_finite()).then_some(PowerLawFit {
        exponent: slope,
        ln_coefficient: intercept,
        exponent_se,
        points: n,
    })
}

/// Weighted least-squares parabola of `y` on `x` centred at `x0`; `None` if singular.
/// `x` and `y` hold (value, weight) pairs through `w`.
pub(crate) fn fit_parabola(x: &[f64], y: &[f64], w: &[f64], x0: f64) -> Option<Parabola> {
    // Moments of t = x − x0.
    let (mut s, mut r) = ([0.0f64; 5], [0.0f64; 3]);
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    let mut count = 0.0;
    for ((&xi, &yi), &wi) in x.iter().zip(y).zip(w) {
        if wi <= 0.0 {
            continue;
        }
        count += wi;
        lo = lo.min(xi);
        hi = hi.max(xi);
        let t = xi - x0;
        let mut p = wi;
        for (k, sk) in s.iter_mut().enumerate() {
            *sk += p;
            if k < 3 {
                r[k] += p * yi;
            }
            p *= t;
        }
    }
    let m = nalgebra::Matrix3::new(s[0], s[1], s[2], s[1], s[2], s[3], s[2], s[3], s[4]);
    let inv = m.try_inverse()?;
    let c = inv * nalgebra::Vector3::new(r[0], r[1], r[2]);
    if !c.iter().all(|v| v.is_finite()) {
        return None;
    }
    let coefficients = [c[0], c[1], c[2]];
    let dof = count - 3.0;
    let vertex_se = if dof >= 1.0 && c[2] > 0.0 {
        let rss: f64 = x
            .iter()
            .zip(y)
            .zip(w)
            .map(|((&xi, &yi), &wi)| {
                let t = xi - x0;
                wi * (yi - c[0] - t * (c[1] + t * c[2])).powi(2)
            })
            .sum();
        let cov = inv * (rss / dof);
        // x* = x0 − c1 / (2 c2): gradient (0, −1/(2c2), c1/(2c2²)).
        let g = nalgebra::Vector3::new(0.0, -1.0 / (2.0 * c[2]), c[1] / (2.0 * c[2] * c[2]));
        let var = (g.transpose() * cov * g)[(0, 0)];
        (var.is_finite() && var >= 0.0).then(|| var.sqrt())
    } else {
        None
    };
    Some(Parabola {
        x0,
        coefficients,
        x_range: (lo, hi),
        vertex_se,
    })
}

/// The result of Approach 2 on one sweep.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Approach2Fit {
    /// The sweep's name.
    pub name: String,
    /// Every budget, kept or dropped, with its profile.
    pub budgets: Vec<BudgetFit>,
    /// ln N_opt = a ln C + ln k_N over the kept budgets.
    pub params: PowerLawFit,
    /// ln D_opt = b ln C + ln k_D over the kept budgets.
    pub tokens: PowerLawFit,
    /// Bootstrap draws `[a, ln k_N, b, ln k_D]`.
    pub draws: Vec<[f64; 4]>,
    /// Draws that failed (fewer than 2 budgets survived the resample).
    pub failed_draws: usize,
    /// Runs that fit no budget (indices into the sweep's table).
    pub unassigned: Vec<usize>,
    /// Settings used.
    pub options: Approach2Options,
}

impl Approach2Fit {
    /// The budgets dropped, each with its reason.
    pub fn dropped(&self) -> impl Iterator<Item = &BudgetFit> {
        self.budgets.iter().filter(|b| !b.verdict.is_kept())
    }

    /// Percentile band of the exponent a over the draws (`None` without draws).
    ///
    /// # Errors
    /// An invalid level.
    pub fn a_band(&self, level: f64) -> Result<Option<Band>> {
        draws_band(&self.draws, 0, level)
    }

    /// Percentile band of the exponent b over the draws (`None` without draws).
    ///
    /// # Errors
    /// An invalid level.
    pub fn b_band(&self, level: f64) -> Result<Option<Band>> {
        draws_band(&self.draws, 2, level)
    }

    /// The allocation rule as a hypothesis (loss queries error; see [`AllocationRule`]).
    ///
    /// # Errors
    /// An exponent outside (0, 1] (the data do not support an allocation rule).
    pub fn to_rule(&self, sweep: &IsoFlopSweep) -> Result<AllocationRule> {
        AllocationRule::new(
            format!("approach2-{}", sweep.name()),
            format!(
                "Approach 2 (isoFLOP parabolas, Hoffmann et al. 2022 Sec. 3.2) fitted by isoflop to {}: {} of {} budgets kept, {} bootstrap draws (seed {})",
                sweep.name(),
                self.budgets.iter().filter(|b| b.verdict.is_kept()).count(),
                self.budgets.len(),
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

pub(crate) fn draws_band(draws: &[[f64; 4]], k: usize, level: f64) -> Result<Option<Band>> {
    check::open_unit("band level", level)?;
    if draws.is_empty() {
        return Ok(None);
    }
    let mut v: Vec<f64> = draws.iter().map(|d| d[k]).collect();
    Band::from_draws(&mut v, level).map(Some)
}

/// One budget's data in log space, for the fit and its resamples.
pub(crate) struct BudgetData {
    pub budget: Flops,
    pub ln_c: f64,
    pub ln_n: Vec<f64>,
    pub ln_d: Vec<f64>,
    pub loss: Vec<f64>,
    /// Rows each run stands for ([`crate::data::run_table::RunTable::counts`]): its
    /// weight in the parabolas and in every resample.
    pub count: Vec<f64>,
    pub n0: f64,
    pub d0: f64,
}

impl BudgetData {
    pub(crate) fn of(sweep: &IsoFlopSweep) -> Vec<BudgetData> {
        sweep
            .budgets()
            .iter()
            .zip(sweep.runs_by_budget())
            .map(|(&budget, weighted)| {
                let runs: Vec<Run> = weighted.iter().map(|(r, _)| *r).collect();
                let ln_n: Vec<f64> = runs.iter().map(|r| r.n.get().ln()).collect();
                let ln_d: Vec<f64> = runs.iter().map(|r| r.d.get().ln()).collect();
                let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
                BudgetData {
                    budget,
                    ln_c: budget.get().ln(),
                    n0: mean(&ln_n),
                    d0: mean(&ln_d),
                    ln_n,
                    ln_d,
                    loss: runs.iter().map(|r| r.loss).collect(),
                    count: weighted.iter().map(|(_, c)| f64::from(*c)).collect(),
                }
            })
            .collect()
    }

    fn distinct(v: &[f64], w: &[f64]) -> usize {
        let mut s: Vec<f64> = v
            .iter()
            .zip(w)
            .filter(|(_, &w)| w > 0.0)
            .map(|(x, _)| *x)
            .collect();
        s.sort_by(f64::total_cmp);
        s.dedup();
        s.len()
    }

    /// Both parabolas (with weights `w`) and the verdict.
    fn profile(
        &self,
        w: &[f64],
        keep_extrapolated: bool,
    ) -> (BudgetVerdict, Option<Parabola>, Option<Parabola>) {
        let sizes = Self::distinct(&self.ln_n, w);
        let pn = (sizes >= 3)
            .then(|| fit_parabola(&self.ln_n, &self.loss, w, self.n0))
            .flatten();
        let pd = (Self::distinct(&self.ln_d, w) >= 3)
            .then(|| fit_parabola(&self.ln_d, &self.loss, w, self.d0))
            .flatten();
        let verdict = match (pn, pd) {
            (Some(pn), Some(pd)) => {
                if pn.coefficients[2] <= 0.0 || pd.coefficients[2] <= 0.0 {
                    BudgetVerdict::OpensDownward {
                        curvature: pn.coefficients[2].min(pd.coefficients[2]),
                    }
                } else {
                    let outside = |p: &Parabola| {
                        let v = p.vertex();
                        v < p.x_range.0 || v > p.x_range.1
                    };
                    if outside(&pn) || outside(&pd) {
                        if keep_extrapolated {
                            BudgetVerdict::KeptExtrapolated
                        } else {
                            BudgetVerdict::MinimumOutsideSampled {
                                n_opt: pn.vertex().exp(),
                                smallest: pn.x_range.0.exp(),
                                largest: pn.x_range.1.exp(),
                            }
                        }
                    } else {
                        BudgetVerdict::Kept
                    }
                }
            }
            _ => BudgetVerdict::TooFewPoints {
                distinct_sizes: sizes.min(Self::distinct(&self.ln_d, w)),
            },
        };
        (verdict, pn, pd)
    }
}

/// Fits Approach 2 to `sweep`.
///
/// # Errors
/// [`Error::InvalidValue`] for more than [`MAX_DRAWS`](crate::band::MAX_DRAWS) bootstrap
/// draws (refused before any work); [`Error::InsufficientData`] when fewer than 2 budgets
/// survive, naming every dropped budget and why.
pub fn fit_approach2(sweep: &IsoFlopSweep, options: &Approach2Options) -> Result<Approach2Fit> {
    crate::band::check_draw_count(
        "number of Approach 2 bootstrap draws",
        options.bootstrap_draws,
    )?;
    let data = BudgetData::of(sweep);
    let mut budgets = Vec::with_capacity(data.len());
    let (mut xs, mut yn, mut yd) = (Vec::new(), Vec::new(), Vec::new());
    for b in &data {
        let w = b.count.clone();
        let (verdict, pn, pd) = b.profile(&w, options.keep_extrapolated_minima);
        if verdict.is_kept() {
            if let (Some(pn), Some(pd)) = (pn, pd) {
                xs.push(b.ln_c);
                yn.push(pn.vertex());
                yd.push(pd.vertex());
            }
        }
        budgets.push(BudgetFit {
            budget: b.budget,
            runs: b.loss.len(),
            verdict,
            in_params: pn,
            in_tokens: pd,
            ln_n_opt_boot_sd: None,
            points: b
                .ln_n
                .iter()
                .zip(&b.loss)
                .map(|(x, l)| (x.exp(), *l))
                .collect(),
        });
    }
    let too_few = || {
        let reasons: Vec<String> = budgets
            .iter()
            .filter(|b| !b.verdict.is_kept())
            .map(|b| format!("C = {}: {}", b.budget, b.verdict))
            .collect();
        Error::InsufficientData {
            what: "Approach 2 (isoFLOP parabolas)",
            reason: format!(
                "{} of {} budgets usable, at least 2 at different computes are needed{}{}",
                xs.len(),
                budgets.len(),
                if reasons.is_empty() { "" } else { "; " },
                reasons.join("; ")
            ),
        }
    };
    let params = fit_line(&xs, &yn).ok_or_else(too_few)?;
    let tokens = fit_line(&xs, &yd).ok_or_else(too_few)?;
    let kept: Vec<usize> = (0..data.len())
        .filter(|&k| budgets[k].verdict.is_kept())
        .collect();
    let results: Vec<Option<Draw>> = (0..options.bootstrap_draws)
        .into_par_iter()
        .map(|i| bootstrap_draw(&data, &kept, options, i))
        .collect();
    let mut draws = Vec::with_capacity(results.len());
    let mut per_budget: Vec<Vec<f64>> = vec![Vec::new(); data.len()];
    let mut failed_draws = 0;
    for r in results {
        match r {
            Some((d, vertices)) => {
                draws.push(d);
                for (&k, v) in kept.iter().zip(vertices) {
                    if let Some(v) = v {
                        per_budget[k].push(v);
                    }
                }
            }
            None => failed_draws += 1,
        }
    }
    for (b, v) in budgets.iter_mut().zip(&per_budget) {
        if v.len() >= 2 {
            let m = v.iter().sum::<f64>() / v.len() as f64;
            let var = v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (v.len() - 1) as f64;
            b.ln_n_opt_boot_sd = Some(var.sqrt());
        }
    }
    Ok(Approach2Fit {
        name: sweep.name().to_string(),
        budgets,
        params,
        tokens,
        draws,
        failed_draws,
        unassigned: sweep.unassigned().to_vec(),
        options: *options,
    })
}

/// A generator for draw `i` of a seeded bootstrap, independent of thread scheduling.
pub(crate) fn draw_rng(seed: u64, i: usize) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(i as u64);
    rng
}

/// A draw `[a, ln k_N, b, ln k_D]` and each kept budget's ln N_opt in it.
type Draw = ([f64; 4], Vec<Option<f64>>);

/// One bootstrap draw: resample runs within each kept budget, refit; `None` when fewer
/// than 2 budgets survive.
fn bootstrap_draw(
    data: &[BudgetData],
    kept: &[usize],
    options: &Approach2Options,
    i: usize,
) -> Option<Draw> {
    let mut rng = draw_rng(options.seed, i);
    let (mut xs, mut yn, mut yd) = (
        Vec::with_capacity(kept.len()),
        Vec::with_capacity(kept.len()),
        Vec::with_capacity(kept.len()),
    );
    let mut vertices = Vec::with_capacity(kept.len());
    let mut w = Vec::new();
    for &k in kept {
        let b = &data[k];
        let m = b.loss.len();
        w.clear();
        w.resize(m, 0.0);
        for _ in 0..m {
            let j = rng.random_range(0..m);
            w[j] += b.count[j];
        }
        let (verdict, pn, pd) = b.profile(&w, options.keep_extrapolated_minima);
        match (verdict.is_kept(), pn, pd) {
            (true, Some(pn), Some(pd)) => {
                xs.push(b.ln_c);
                yn.push(pn.vertex());
                yd.push(pd.vertex());
                vertices.push(Some(pn.vertex()));
            }
            _ => vertices.push(None),
        }
    }
    let pn = fit_line(&xs, &yn)?;
    let pd = fit_line(&xs, &yd)?;
    Some((
        [
            pn.exponent,
            pn.ln_coefficient,
            pd.exponent,
            pd.ln_coefficient,
        ],
        vertices,
    ))
}
