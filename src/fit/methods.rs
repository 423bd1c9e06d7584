//! Every fitting method on one isoFLOP sweep, side by side: Approaches 1, 2 and 3 of
//! Hoffmann et al. 2022 (Sec. 3) and variable projection (Open-Athena, arXiv:2603.22339).
//!
//! [`compare_methods`] fits each method to the same runs and reports, per method, the
//! exponents a (N_opt ∝ C^a) and b (D_opt ∝ C^b) and N_opt, D_opt at a compute the user
//! names, each with a bootstrap band, the method's status, and the spread between methods
//! as a range. Hoffmann et al.'s own three approaches gave b from 0.46 to 0.54 on the same
//! runs: the spread is part of the answer.
//!
//! ```
//! use isoflop::data::{chinchilla, sweep::SweepTable};
//! use isoflop::fit::methods::{compare_methods, MethodOptions};
//! let table = SweepTable::from_table("chinchilla", chinchilla::replication_runs());
//! let opts = MethodOptions { bootstrap_draws: 20, ..MethodOptions::default() };
//! let cmp = compare_methods(&table, &opts)?;
//! assert_eq!(cmp.methods.len(), 4);
//! let spread = cmp.spread();
//! assert!(spread.a.is_some());
//! # Ok::<(), isoflop::Error>(())
//! ```

use super::approach1::{fit_approach1, Approach1Fit, Approach1Options};
use super::approach2::{fit_approach2, Approach2Fit, Approach2Options};
use super::bootstrap::bootstrap;
use super::protocol::{fit_chinchilla, FitOptions, FitStatus};
use super::varpro::{bootstrap_varpro, fit_varpro, VarproOptions};
use crate::band::Band;
use crate::data::sweep::{BudgetRule, IsoFlopSweep, SweepTable};
use crate::error::{check, Error, Result};
use crate::law::{AllocationRule, ChinchillaHypothesis, ChinchillaLaw, Uncertainty};
use crate::units::Flops;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::time::Instant;

/// A fitting method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Method {
    /// Hoffmann et al. 2022, Sec. 3.1: the envelope of minimum loss per compute.
    Approach1,
    /// Sec. 3.2: a parabola per isoFLOP budget, power laws of its minimum.
    Approach2,
    /// Sec. 3.3: the parametric law by the Huber-on-log-loss protocol (L-BFGS from a grid).
    Approach3,
    /// The same law and objective by variable projection.
    VariableProjection,
}

impl Method {
    /// All four, in order.
    pub const ALL: [Method; 4] = [
        Method::Approach1,
        Method::Approach2,
        Method::Approach3,
        Method::VariableProjection,
    ];
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Method::Approach1 => "approach1",
            Method::Approach2 => "approach2",
            Method::Approach3 => "approach3",
            Method::VariableProjection => "varpro",
        })
    }
}

/// Settings of [`compare_methods`].
#[derive(Debug, Clone, PartialEq)]
pub struct MethodOptions {
    /// The compute to report N_opt and D_opt at (`None`: the sweep's largest budget).
    pub at: Option<Flops>,
    /// Band level (default 0.9).
    pub level: f64,
    /// Bootstrap draws per method (default 200).
    pub bootstrap_draws: usize,
    /// Seed of every bootstrap.
    pub seed: u64,
    /// How runs are assigned to budgets (Approaches 1 and 2).
    pub budgets: BudgetRule,
    /// Keep budgets whose parabola's minimum lies outside the sampled sizes (Approach 2).
    pub keep_extrapolated_minima: bool,
    /// Approach 3's protocol settings.
    pub approach3: FitOptions,
    /// Variable projection's settings.
    pub varpro: VarproOptions,
}

impl Default for MethodOptions {
    fn default() -> Self {
        MethodOptions {
            at: None,
            level: 0.9,
            bootstrap_draws: 200,
            seed: 0,
            budgets: BudgetRule::Auto,
            keep_extrapolated_minima: false,
            approach3: FitOptions::default(),
            varpro: VarproOptions::default(),
        }
    }
}

impl MethodOptions {
    /// Checks the settings every method shares, before any work: the band level in
    /// (0, 1), at most [`MAX_DRAWS`](crate::band::MAX_DRAWS) bootstrap draws, and the
    /// solvers' settings.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] naming the setting.
    ///
    /// # Examples
    /// ```
    /// use isoflop::fit::methods::MethodOptions;
    /// assert!(MethodOptions::default().check().is_ok());
    /// let huge = MethodOptions { bootstrap_draws: usize::MAX, ..MethodOptions::default() };
    /// assert!(huge.check().is_err());
    /// ```
    pub fn check(&self) -> Result<()> {
        check::open_unit("band level", self.level)?;
        crate::band::check_draw_count(
            "number of bootstrap draws per method",
            self.bootstrap_draws,
        )?;
        Ok(())
    }
}

/// A point estimate with its bootstrap band (`None` without draws).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    /// The point estimate (full data).
    pub value: f64,
    /// Percentile band over the bootstrap draws.
    pub band: Option<Band>,
}

/// How a method ended.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum MethodStatus {
    /// Fitted without reservations.
    Ok,
    /// Fitted, with something to look at (dropped budgets, a fit that did not converge...).
    Warning(String),
    /// Could not be fitted; the reason.
    Failed(String),
}

impl fmt::Display for MethodStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MethodStatus::Ok => f.write_str("ok"),
            MethodStatus::Warning(w) => write!(f, "warning: {w}"),
            MethodStatus::Failed(e) => write!(f, "failed: {e}"),
        }
    }
}

/// What a method's result becomes for the queries.
#[derive(Debug, Clone, PartialEq)]
pub enum FittedHypothesis {
    /// Approaches 1 and 2: optimal N and D at C (loss queries error).
    Allocation(AllocationRule),
    /// Approach 3 and variable projection: a loss law with bootstrap draws.
    Loss(ChinchillaHypothesis),
}

/// One method's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct MethodResult {
    /// The method.
    pub method: Method,
    /// How it ended.
    pub status: MethodStatus,
    /// Exponent a of N_opt ∝ C^a.
    pub a: Option<Estimate>,
    /// Exponent b of D_opt ∝ C^b.
    pub b: Option<Estimate>,
    /// N_opt at the asked compute (parameters).
    pub n_opt: Option<Estimate>,
    /// D_opt at the asked compute (tokens).
    pub d_opt: Option<Estimate>,
    /// The objective at the optimum (Approach 3 and variable projection).
    pub objective: Option<f64>,
    /// Condition number of the method's problem at its optimum (Approach 3: the 5-D
    /// Hessian; variable projection: the 2-D profile Hessian).
    pub condition_number: Option<f64>,
    /// The fitted law (Approach 3 and variable projection).
    pub law: Option<ChinchillaLaw>,
    /// The result as a hypothesis for the queries.
    pub hypothesis: Option<FittedHypothesis>,
    /// Wall-clock seconds for the fit and its bootstrap.
    pub seconds: f64,
    /// Whether the method's fit converged (Approaches 1 and 2 are closed-form: true
    /// unless they failed).
    pub converged: bool,
}

impl MethodResult {
    fn failed(method: Method, e: &Error, seconds: f64) -> MethodResult {
        MethodResult {
            status: MethodStatus::Failed(e.to_string()),
            seconds,
            converged: false,
            ..MethodResult::empty(method)
        }
    }

    fn empty(method: Method) -> MethodResult {
        MethodResult {
            method,
            status: MethodStatus::Ok,
            a: None,
            b: None,
            n_opt: None,
            d_opt: None,
            objective: None,
            condition_number: None,
            law: None,
            hypothesis: None,
            seconds: 0.0,
            converged: true,
        }
    }
}

/// The range of an estimate over the methods that produced it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Range {
    /// Smallest point estimate.
    pub lo: f64,
    /// Largest point estimate.
    pub hi: f64,
}

/// The spread between methods: the range of each estimate over the methods that did not fail.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Spread {
    /// Range of a.
    pub a: Option<Range>,
    /// Range of b.
    pub b: Option<Range>,
    /// Range of N_opt.
    pub n_opt: Option<Range>,
    /// Range of D_opt.
    pub d_opt: Option<Range>,
}

/// Every method on one sweep.
#[derive(Debug, Clone, PartialEq)]
pub struct MethodComparison {
    /// The sweep's (group's) name.
    pub name: String,
    /// Runs in the sweep.
    pub runs: usize,
    /// Budgets found, and runs that fit none.
    pub budgets: usize,
    /// Runs that fit no budget (used by Approach 3 and variable projection only).
    pub unassigned: usize,
    /// The compute N_opt and D_opt are reported at.
    pub at: Flops,
    /// The smallest and largest compute in the data (C = 6ND).
    pub data_compute: (Flops, Flops),
    /// Band level.
    pub level: f64,
    /// One result per method, in [`Method::ALL`] order.
    pub methods: Vec<MethodResult>,
    /// Approach 2's full result (budgets, parabolas), for figures and diagnostics.
    pub approach2: Option<Approach2Fit>,
    /// Approach 1's full result.
    pub approach1: Option<Approach1Fit>,
}

impl MethodComparison {
    /// How far the asked compute lies beyond the data: `at` / largest C (< 1: inside or below).
    pub fn extrapolation(&self) -> f64 {
        self.at.get() / self.data_compute.1.get()
    }

    /// The range of each estimate over the methods that did not fail.
    pub fn spread(&self) -> Spread {
        let range = |f: &dyn Fn(&MethodResult) -> Option<Estimate>| {
            let v: Vec<f64> = self
                .methods
                .iter()
                .filter_map(|m| f(m).map(|e| e.value))
                .collect();
            (!v.is_empty()).then(|| Range {
                lo: v.iter().copied().fold(f64::INFINITY, f64::min),
                hi: v.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            })
        };
        Spread {
            a: range(&|m| m.a),
            b: range(&|m| m.b),
            n_opt: range(&|m| m.n_opt),
            d_opt: range(&|m| m.d_opt),
        }
    }

    /// What makes the comparison's answer untrustworthy, one line per method: a method
    /// that failed, or whose fit did not converge. Empty when every method gave an answer;
    /// the examples exit with status 3 otherwise.
    ///
    /// ```
    /// use isoflop::data::{chinchilla, sweep::SweepTable};
    /// use isoflop::fit::methods::{compare_methods, MethodOptions};
    /// use isoflop::units::Flops;
    /// let table = SweepTable::from_table("chinchilla", chinchilla::replication_runs());
    /// let opts = MethodOptions { bootstrap_draws: 0, at: Some(Flops::new(1.0)?), ..MethodOptions::default() };
    /// let cmp = compare_methods(&table, &opts)?;
    /// assert!(!cmp.problems().is_empty()); // N_opt below one parameter at 1 FLOP
    /// # Ok::<(), isoflop::Error>(())
    /// ```
    pub fn problems(&self) -> Vec<String> {
        self.methods
            .iter()
            .filter_map(|m| match &m.status {
                MethodStatus::Failed(e) => Some(format!("{}: failed: {e}", m.method)),
                MethodStatus::Warning(w) if !m.converged => {
                    Some(format!("{}: did not converge: {w}", m.method))
                }
                _ => None,
            })
            .collect()
    }

    /// The result of `method`.
    pub fn get(&self, method: Method) -> Option<&MethodResult> {
        self.methods.iter().find(|m| m.method == method)
    }
}

/// 1 / rcond, or infinity when the Hessian is singular or indefinite (rcond ≤ 0 or NaN).
fn condition_from_rcond(rcond: f64) -> f64 {
    if rcond > 0.0 {
        1.0 / rcond
    } else {
        f64::INFINITY
    }
}

fn band_of(values: &mut [f64], level: f64) -> Option<Band> {
    if values.is_empty() {
        None
    } else {
        Band::from_draws(values, level).ok()
    }
}

/// From allocation draws `[a, ln k_N, b, ln k_D]` and the point fit, the four estimates.
fn allocation_estimates(rule: &AllocationRule, at: Flops, level: f64) -> Result<[Estimate; 4]> {
    let (n, d) = rule.optimal(at)?;
    check_allocation(n.get(), d.get(), at)?;
    let draws = rule.draws();
    let mut a: Vec<f64> = draws.iter().map(|d| d[0]).collect();
    let mut b: Vec<f64> = draws.iter().map(|d| d[2]).collect();
    let bands = rule.optimal_bands(at, level)?;
    Ok([
        Estimate {
            value: rule.a(),
            band: band_of(&mut a, level),
        },
        Estimate {
            value: rule.b(),
            band: band_of(&mut b, level),
        },
        Estimate {
            value: n.get(),
            band: bands.map(|(nb, _)| nb),
        },
        Estimate {
            value: d.get(),
            band: bands.map(|(_, db)| db),
        },
    ])
}

/// From a law and its draws, the four estimates (a = β/(α+β), b = α/(α+β); Eq. 4).
fn law_estimates(
    law: &ChinchillaLaw,
    draws: &[ChinchillaLaw],
    at: Flops,
    level: f64,
) -> Result<[Estimate; 4]> {
    let (n, d) = law.optimal(at)?;
    check_allocation(n.get(), d.get(), at)?;
    let mut a = Vec::with_capacity(draws.len());
    let mut b = Vec::with_capacity(draws.len());
    let mut ns = Vec::with_capacity(draws.len());
    let mut ds = Vec::with_capacity(draws.len());
    for l in draws {
        let s = l.alpha() + l.beta();
        a.push(l.beta() / s);
        b.push(l.alpha() / s);
        if let Ok((ni, di)) = l.optimal(at) {
            ns.push(ni.get());
            ds.push(di.get());
        }
    }
    let s = law.alpha() + law.beta();
    Ok([
        Estimate {
            value: law.beta() / s,
            band: band_of(&mut a, level),
        },
        Estimate {
            value: law.alpha() / s,
            band: band_of(&mut b, level),
        },
        Estimate {
            value: n.get(),
            band: band_of(&mut ns, level),
        },
        Estimate {
            value: d.get(),
            band: band_of(&mut ds, level),
        },
    ])
}

/// An allocation of less than one parameter or one token is no answer: the compute asked
/// lies far below anything a law fitted to training runs describes.
fn check_allocation(n: f64, d: f64, at: Flops) -> Result<()> {
    if n >= 1.0 && d >= 1.0 {
        return Ok(());
    }
    Err(Error::NotApplicable {
        what: format!("N_opt and D_opt at C = {at}"),
        reason: format!(
            "they come out as {} parameters and {} tokens, less than one of each: ask at a compute nearer the data",
            crate::error::compact(n),
            crate::error::compact(d)
        ),
    })
}

fn with_estimates(mut r: MethodResult, e: [Estimate; 4]) -> MethodResult {
    let [a, b, n, d] = e;
    r.a = Some(a);
    r.b = Some(b);
    r.n_opt = Some(n);
    r.d_opt = Some(d);
    r
}

/// Fits every method to `table` (one group) and compares them.
///
/// Approaches 1 and 2 use the runs assigned to budgets ([`MethodOptions::budgets`]);
/// Approach 3 and variable projection use every run. A method that cannot be fitted is
/// reported as [`MethodStatus::Failed`] with its reason; the others still run.
///
/// # Errors
/// [`Error::MixedGroups`] when the table mixes groups (fit each with [`compare_groups`], or
/// pool them with [`SweepTable::pooled`]); an invalid level; a budget rule that does not
/// apply (e.g. a budget column that the table lacks).
pub fn compare_methods(table: &SweepTable, options: &MethodOptions) -> Result<MethodComparison> {
    options.check()?;
    let sweep = table.isoflop(&options.budgets)?;
    compare_sweep(&sweep, options)
}

/// [`compare_methods`] on each group of `table` ([`SweepTable::groups`]).
///
/// # Errors
/// As [`compare_methods`].
pub fn compare_groups(
    table: &SweepTable,
    options: &MethodOptions,
) -> Result<Vec<MethodComparison>> {
    table
        .groups()
        .iter()
        .map(|g| compare_methods(g, options))
        .collect()
}

/// [`compare_methods`] on runs already assigned to budgets.
///
/// # Errors
/// An invalid level; more than [`MAX_DRAWS`](crate::band::MAX_DRAWS) bootstrap draws
/// (refused before any method runs).
pub fn compare_sweep(sweep: &IsoFlopSweep, options: &MethodOptions) -> Result<MethodComparison> {
    options.check()?;
    let table = sweep.table();
    let computes: Vec<f64> = table.iter().map(|r| 6.0 * r.n.get() * r.d.get()).collect();
    let lo = Flops::new(computes.iter().copied().fold(f64::INFINITY, f64::min))?;
    let hi = Flops::new(computes.iter().copied().fold(0.0, f64::max))?;
    let at = options.at.unwrap_or(hi);
    let level = options.level;
    let draws = options.bootstrap_draws;
    let mut methods = Vec::with_capacity(4);

    // Approach 1.
    let t = Instant::now();
    let a1 = fit_approach1(
        sweep,
        &Approach1Options {
            bootstrap_draws: draws,
            seed: options.seed,
        },
    );
    let approach1 = a1.as_ref().ok().cloned();
    methods.push(
        match a1.and_then(|f| {
            let rule = f.to_rule(sweep)?;
            Ok((f, rule))
        }) {
            Ok((f, rule)) => {
                let edges: Vec<String> = f.at_edge().map(|p| p.budget.to_string()).collect();
                let status = if edges.is_empty() {
                    MethodStatus::Ok
                } else {
                    MethodStatus::Warning(format!(
                        "the best run is the smallest or largest size sampled at C = {}: the optimum may lie beyond",
                        edges.join(", ")
                    ))
                };
                match allocation_estimates(&rule, at, level) {
                    Ok(e) => with_estimates(
                        MethodResult {
                            status,
                            hypothesis: Some(FittedHypothesis::Allocation(rule)),
                            ..MethodResult::empty(Method::Approach1)
                        },
                        e,
                    ),
                    Err(e) => MethodResult::failed(Method::Approach1, &e, 0.0),
                }
            }
            Err(e) => MethodResult::failed(Method::Approach1, &e, 0.0),
        },
    );
    methods[0].seconds = t.elapsed().as_secs_f64();

    // Approach 2.
    let t = Instant::now();
    let a2 = fit_approach2(
        sweep,
        &Approach2Options {
            bootstrap_draws: draws,
            seed: options.seed,
            keep_extrapolated_minima: options.keep_extrapolated_minima,
        },
    );
    let approach2 = a2.as_ref().ok().cloned();
    methods.push(
        match a2.and_then(|f| {
            let rule = f.to_rule(sweep)?;
            Ok((f, rule))
        }) {
            Ok((f, rule)) => {
                let dropped: Vec<String> = f
                    .dropped()
                    .map(|b| format!("C = {} {}", b.budget, b.verdict))
                    .collect();
                let status = if dropped.is_empty() && f.failed_draws == 0 {
                    MethodStatus::Ok
                } else {
                    let mut parts = dropped;
                    if f.failed_draws > 0 {
                        parts.push(format!("{} bootstrap draws failed", f.failed_draws));
                    }
                    MethodStatus::Warning(parts.join("; "))
                };
                match allocation_estimates(&rule, at, level) {
                    Ok(e) => with_estimates(
                        MethodResult {
                            status,
                            hypothesis: Some(FittedHypothesis::Allocation(rule)),
                            ..MethodResult::empty(Method::Approach2)
                        },
                        e,
                    ),
                    Err(e) => MethodResult::failed(Method::Approach2, &e, 0.0),
                }
            }
            Err(e) => MethodResult::failed(Method::Approach2, &e, 0.0),
        },
    );
    methods[1].seconds = t.elapsed().as_secs_f64();

    // Approach 3.
    let t = Instant::now();
    let a3 = fit_chinchilla(table, &options.approach3).and_then(|fit| {
        let boot = if draws > 0 {
            Some(bootstrap(table, &fit, draws, options.seed)?)
        } else {
            None
        };
        Ok((fit, boot))
    });
    methods.push(match a3 {
        Ok((fit, boot)) => {
            let laws: Vec<ChinchillaLaw> = boot
                .as_ref()
                .map(|b| b.draws().to_vec())
                .unwrap_or_default();
            let mut notes = Vec::new();
            if fit.status != FitStatus::Converged {
                notes.push(format!("the fit ended {:?}", fit.status));
            }
            if let Some(b) = &boot {
                if b.failed() > 0 || b.not_converged() > 0 {
                    notes.push(format!(
                        "{} bootstrap refits failed, {} did not converge",
                        b.failed(),
                        b.not_converged()
                    ));
                }
            }
            let hyp = ChinchillaHypothesis::new(
                format!("approach3-{}", sweep.name()),
                format!(
                    "Approach 3 (Hoffmann et al. 2022 Sec. 3.3 protocol) fitted by isoflop to {}: {} runs, {} bootstrap refits (seed {})",
                    sweep.name(),
                    table.len(),
                    laws.len(),
                    options.seed
                ),
                fit.law,
                laws.clone(),
                if laws.is_empty() {
                    Uncertainty::None
                } else {
                    Uncertainty::Bootstrap
                },
                super::replication::evidence_of(table, format!("isoFLOP sweep {}", sweep.name())),
            );
            match (law_estimates(&fit.law, &laws, at, level), hyp) {
                (Ok(e), Ok(h)) => with_estimates(
                    MethodResult {
                        method: Method::Approach3,
                        status: if notes.is_empty() {
                            MethodStatus::Ok
                        } else {
                            MethodStatus::Warning(notes.join("; "))
                        },
                        objective: Some(fit.objective),
                        converged: fit.status == FitStatus::Converged,
                        condition_number: Some(condition_from_rcond(fit.diagnostics.hessian_rcond)),
                        law: Some(fit.law),
                        hypothesis: Some(FittedHypothesis::Loss(h)),
                        ..MethodResult::empty(Method::Approach3)
                    },
                    e,
                ),
                (Err(e), _) | (_, Err(e)) => MethodResult::failed(Method::Approach3, &e, 0.0),
            }
        }
        Err(e) => MethodResult::failed(Method::Approach3, &e, 0.0),
    });
    methods[2].seconds = t.elapsed().as_secs_f64();

    // Variable projection.
    let t = Instant::now();
    let vp = fit_varpro(table, &options.varpro).and_then(|fit| {
        let boot = if draws > 0 {
            Some(bootstrap_varpro(
                table,
                &fit,
                draws,
                options.seed,
                &options.varpro,
            )?)
        } else {
            None
        };
        Ok((fit, boot))
    });
    methods.push(match vp {
        Ok((fit, boot)) => {
            let (laws, failed) = boot.unwrap_or_default();
            let mut notes: Vec<String> = fit.note.iter().cloned().collect();
            if failed > 0 {
                notes.push(format!("{failed} bootstrap refits failed"));
            }
            let hyp = fit.to_hypothesis(format!("varpro-{}", sweep.name()), table, laws.clone());
            match (law_estimates(&fit.law, &laws, at, level), hyp) {
                (Ok(e), Ok(h)) => with_estimates(
                    MethodResult {
                        method: Method::VariableProjection,
                        status: if notes.is_empty() && fit.status == FitStatus::Converged {
                            MethodStatus::Ok
                        } else {
                            MethodStatus::Warning(format!(
                                "the fit ended {:?}{}{}",
                                fit.status,
                                if notes.is_empty() { "" } else { ": " },
                                notes.join("; ")
                            ))
                        },
                        objective: Some(fit.objective),
                        converged: fit.status == FitStatus::Converged,
                        condition_number: Some(fit.condition_number),
                        law: Some(fit.law),
                        hypothesis: Some(FittedHypothesis::Loss(h)),
                        ..MethodResult::empty(Method::VariableProjection)
                    },
                    e,
                ),
                (Err(e), _) | (_, Err(e)) => {
                    MethodResult::failed(Method::VariableProjection, &e, 0.0)
                }
            }
        }
        Err(e) => MethodResult::failed(Method::VariableProjection, &e, 0.0),
    });
    methods[3].seconds = t.elapsed().as_secs_f64();

    // What holds for every method's answer.
    let mut notes = Vec::new();
    if draws > 0 && table.duplicate_rows() > 0 {
        notes.push(format!(
            "{} rows repeat another run's (N, D) and were resampled as independent runs: the bands are too narrow (merge duplicates unless the copies are separate runs)",
            table.duplicate_rows()
        ));
    }
    if at < lo {
        notes.push(format!(
            "C = {at} lies below every run's compute (smallest {lo}): extrapolated downward"
        ));
    }
    for note in notes {
        for m in &mut methods {
            m.status = match std::mem::replace(&mut m.status, MethodStatus::Ok) {
                MethodStatus::Ok => MethodStatus::Warning(note.clone()),
                MethodStatus::Warning(w) => MethodStatus::Warning(format!("{w}; {note}")),
                failed => failed,
            };
        }
    }

    Ok(MethodComparison {
        name: sweep.name().to_string(),
        runs: table.len(),
        budgets: sweep.budgets().len(),
        unassigned: sweep.unassigned().len(),
        at,
        data_compute: (lo, hi),
        level,
        methods,
        approach2,
        approach1,
    })
}
