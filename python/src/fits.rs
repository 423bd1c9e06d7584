//! Fits: the Chinchilla protocol, every method on a sweep, schedule-aware laws.

use crate::convert::{self, invalid, number, pre, Py, Rec};
use crate::hypothesis::{self, new_chinchilla, ChinchillaHypothesis, ScheduleAwareHypothesis};
use crate::{Figure, Schedule};
use isoflop::data::run_table::RunTable;
use isoflop::data::sweep::{SweepColumns, SweepTable};
use isoflop::fit::schedule_law::{
    fit_schedule_law as rs_fit_schedule_law, ObservedRun, ScheduleFit as RsScheduleFit,
    ScheduleFitOptions, ScheduleLawForm,
};
use isoflop::fit::{
    bootstrap, compare_methods, FitOptions, FitResult, MethodComparison, MethodOptions, Strategy,
};
use isoflop::report::{HtmlDisplay, IsoFlopSweepFigure, OptimalSizeFigure, ScheduleFigure};
use numpy::PyArray2;
use pyo3::prelude::*;
use serde_json::{json, Value};

/// Reads a sweep table from CSV text (`kind` "csv") or a file (`kind` "path").
fn sweep_table(
    kind: &str,
    source: &str,
    group: Vec<String>,
    budget_column: Option<String>,
) -> PyResult<SweepTable> {
    // Further options (e.g. duplicate handling) keep the crate's defaults.
    #[allow(clippy::needless_update)]
    let columns = SweepColumns {
        group,
        budget: budget_column,
        ..SweepColumns::default()
    };
    match kind {
        "csv" => SweepTable::from_csv_reader(source.as_bytes(), &columns).py(),
        "path" => SweepTable::from_csv_path(source, &columns).py(),
        _ => Err(invalid("data source", format!("unknown kind {kind:?}"))),
    }
}

fn strategy(name: &str) -> PyResult<Strategy> {
    match name {
        "screened" => Ok(Strategy::default()),
        "full_grid" => Ok(Strategy::FullGrid),
        other => Err(convert::err(isoflop::Error::UnknownName {
            what: "fit strategy",
            name: other.into(),
            known: "screened, full_grid".into(),
        })),
    }
}

/// A fitted Chinchilla law: the fit, its diagnostics, and bootstrap draws if asked.
#[pyclass(frozen, module = "isoflop._native")]
pub struct Fit {
    fit: FitResult,
    boot: Option<isoflop::fit::Bootstrap>,
    table: RunTable,
}

fn law_json(l: &isoflop::law::ChinchillaLaw) -> Value {
    json!({"e": l.e(), "a": l.a(), "b": l.b(), "alpha": l.alpha(), "beta": l.beta()})
}

#[pymethods]
impl Fit {
    /// (kind, JSON, text, HTML) of the fit.
    fn _record(&self) -> PyResult<Rec> {
        let f = &self.fit;
        let mut v = json!({
            "law": law_json(&f.law),
            "params": f.params,
            "objective": f.objective,
            "status": f.status.name(),
            "converged": f.status.is_converged(),
            "advice": f.status.advice(),
            "diagnostics": f.diagnostics,
            "condition_number": f.diagnostics.condition_number(),
            "evidence": f.evidence,
            "runs": self.table.len(),
        });
        let mut text = f.text();
        let mut html = f.html();
        if let Some(b) = &self.boot {
            let se = b.std_errors().ok();
            v["bootstrap"] = json!({
                "draws": b.draws().len(),
                "failed": b.failed(),
                "not_converged": b.not_converged(),
                "std_errors": se,
            });
            text.push('\n');
            text.push_str(&b.text());
            html.push_str(&b.html());
        }
        Ok(("FitResult".into(), convert::json(&v)?, text, html))
    }

    /// The fit as a hypothesis for the queries (with the bootstrap's draws, if any).
    #[pyo3(signature = (id = "my-law"))]
    fn hypothesis(&self, py: Python<'_>, id: &str) -> PyResult<pyo3::Py<ChinchillaHypothesis>> {
        let h = match &self.boot {
            Some(b) => b.hypothesis(id),
            None => self.fit.hypothesis(id),
        }
        .py()?;
        new_chinchilla(py, h)
    }

    /// Bootstrap draws as an (n, 5) array of (E, A, B, alpha, beta).
    fn _draws<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyArray2<f64>>> {
        convert::law_rows(py, self.boot.as_ref().map(|b| b.draws()).unwrap_or(&[]))
    }

    /// The bootstrap's confidence or prediction band at (N, D): (lo, median, hi, level).
    #[pyo3(signature = (params, tokens, level = 0.9, prediction = false))]
    fn _band(
        &self,
        params: &Bound<'_, PyAny>,
        tokens: &Bound<'_, PyAny>,
        level: f64,
        prediction: bool,
    ) -> PyResult<(f64, f64, f64, f64)> {
        let b = self.boot.as_ref().ok_or_else(|| {
            convert::err(isoflop::Error::InsufficientData {
                what: "a bootstrap band",
                reason: "the fit has no bootstrap draws; fit with bootstrap=N".into(),
            })
        })?;
        let (n, d) = (convert::params(params)?, convert::tokens(tokens)?);
        let band = if prediction {
            b.prediction_band(n, d, level)
        } else {
            b.confidence_band(n, d, level)
        }
        .py()?;
        Ok((band.lo, band.median, band.hi, band.level))
    }
}

/// Fits the Chinchilla law with Hoffmann et al.'s protocol, optionally bootstrapped.
#[pyfunction]
#[pyo3(signature = (kind, source, group, budget_column, pool, strategy_name, replicates, seed))]
#[allow(clippy::too_many_arguments)]
pub fn fit_chinchilla(
    py: Python<'_>,
    kind: &str,
    source: &str,
    group: Vec<String>,
    budget_column: Option<String>,
    pool: bool,
    strategy_name: &str,
    replicates: usize,
    seed: u64,
) -> PyResult<Fit> {
    let sweep = sweep_table(kind, source, group, budget_column)?;
    let table = if pool {
        sweep.pooled().table().clone()
    } else {
        sweep.single_group().py()?;
        sweep.table().clone()
    };
    let options = FitOptions {
        strategy: strategy(strategy_name)?,
        ..FitOptions::default()
    };
    let (fit, boot) = py
        .detach(|| -> isoflop::Result<_> {
            let fit = isoflop::fit::fit_chinchilla(&table, &options)?;
            let boot = if replicates > 0 {
                Some(bootstrap(&table, &fit, replicates, seed)?)
            } else {
                None
            };
            Ok((fit, boot))
        })
        .py()?;
    Ok(Fit { fit, boot, table })
}

/// Every fitting method on one sweep.
#[pyclass(frozen, module = "isoflop._native")]
pub struct SweepFit {
    inner: MethodComparison,
}

fn estimate(e: &Option<isoflop::fit::methods::Estimate>) -> Value {
    match e {
        None => Value::Null,
        Some(e) => json!({"value": e.value, "band": e.band}),
    }
}

#[pymethods]
impl SweepFit {
    fn _record(&self) -> PyResult<Rec> {
        let c = &self.inner;
        let methods: Vec<Value> = c
            .methods
            .iter()
            .map(|m| {
                json!({
                    "method": m.method.to_string(),
                    "status": m.status.to_string(),
                    "ok": matches!(m.status, isoflop::fit::methods::MethodStatus::Ok),
                    "failed": matches!(m.status, isoflop::fit::methods::MethodStatus::Failed(_)),
                    "a": estimate(&m.a),
                    "b": estimate(&m.b),
                    "n_opt": estimate(&m.n_opt),
                    "d_opt": estimate(&m.d_opt),
                    "objective": m.objective,
                    "condition_number": m.condition_number,
                    "law": m.law.as_ref().map(law_json),
                    "seconds": m.seconds,
                })
            })
            .collect();
        let v = json!({
            "name": c.name,
            "runs": c.runs,
            "budgets": c.budgets,
            "unassigned": c.unassigned,
            "at": c.at.get(),
            "data_compute": [c.data_compute.0.get(), c.data_compute.1.get()],
            "extrapolation": c.extrapolation(),
            "level": c.level,
            "methods": methods,
            "spread": c.spread(),
        });
        Ok((
            "MethodComparison".into(),
            convert::json(&v)?,
            c.text(),
            c.html(),
        ))
    }

    /// The runs, parabolas and minima of the sweep.
    fn sweep_figure(&self) -> PyResult<Figure> {
        Figure::of(&IsoFlopSweepFigure::from_comparison(&self.inner).py()?)
    }

    /// N_opt(C) of every method extrapolated to the asked compute, with bands.
    fn optimal_size_figure(&self) -> PyResult<Figure> {
        Figure::of(&OptimalSizeFigure::from_comparison(&self.inner).py()?)
    }

    /// A method's law ("approach3" or "varpro") as a hypothesis.
    #[pyo3(signature = (method = "approach3", id = None))]
    fn hypothesis(
        &self,
        py: Python<'_>,
        method: &str,
        id: Option<&str>,
    ) -> PyResult<pyo3::Py<ChinchillaHypothesis>> {
        let m = self
            .inner
            .methods
            .iter()
            .find(|m| m.method.to_string() == method)
            .ok_or_else(|| {
                convert::err(isoflop::Error::UnknownName {
                    what: "fitting method",
                    name: method.into(),
                    known: "approach1, approach2, approach3, varpro".into(),
                })
            })?;
        match &m.hypothesis {
            Some(isoflop::fit::methods::FittedHypothesis::Loss(h)) => {
                let mut h = h.clone();
                if let Some(id) = id {
                    h = isoflop::law::ChinchillaHypothesis::new(
                        id,
                        isoflop::law::LossHypothesis::source(&h),
                        *h.law(),
                        h.draws().to_vec(),
                        isoflop::law::LossHypothesis::uncertainty(&h),
                        isoflop::law::LossHypothesis::evidence(&h).clone(),
                    )
                    .py()?;
                }
                new_chinchilla(py, h)
            }
            _ => Err(convert::err(isoflop::Error::NotApplicable {
                what: format!("a loss hypothesis from {method}"),
                reason: format!(
                    "{method} gives an allocation rule (N_opt and D_opt at C), not a loss law; status: {}",
                    m.status
                ),
            })),
        }
    }
}

/// Every method on a sweep: `by_group` fits each group apart, `pool` pools them.
#[pyfunction]
#[pyo3(signature = (kind, source, group, budget_column, at, level, draws, seed, by_group, pool))]
#[allow(clippy::too_many_arguments)]
pub fn fit_sweep(
    py: Python<'_>,
    kind: &str,
    source: &str,
    group: Vec<String>,
    budget_column: Option<String>,
    at: Option<&Bound<'_, PyAny>>,
    level: &Bound<'_, PyAny>,
    draws: usize,
    seed: u64,
    by_group: bool,
    pool: bool,
) -> PyResult<Vec<SweepFit>> {
    let table = sweep_table(kind, source, group, budget_column)?;
    let options = MethodOptions {
        at: at.map(convert::flops).transpose()?,
        level: number(level, "band level")?,
        bootstrap_draws: draws,
        seed,
        ..MethodOptions::default()
    };
    let tables = if pool {
        vec![table.pooled()]
    } else if by_group {
        table.groups()
    } else {
        vec![table]
    };
    let out = py
        .detach(|| {
            tables
                .iter()
                .map(|t| compare_methods(t, &options))
                .collect::<isoflop::Result<Vec<_>>>()
        })
        .py()?;
    Ok(out.into_iter().map(|inner| SweepFit { inner }).collect())
}

/// A fitted schedule-aware law over one or more observed runs.
#[pyclass(frozen, module = "isoflop._native")]
pub struct ScheduleFit {
    inner: RsScheduleFit,
}

#[pymethods]
impl ScheduleFit {
    fn _record(&self) -> PyResult<Rec> {
        let f = &self.inner;
        let mut text = format!(
            "{} fit to {} run(s): status {}, objective {:.4e}, {} bootstrap draws, {} profile members",
            f.form.id(),
            f.laws.len(),
            f.status,
            f.objective,
            f.draws.len(),
            f.profile.len()
        );
        for b in &f.diagnostics.at_bound {
            text.push_str(&format!("\n  at bound: {b}"));
        }
        Ok((
            "ScheduleFit".into(),
            convert::json(f)?,
            text.clone(),
            pre(&text),
        ))
    }

    /// Whether the fit converged (`status` is `Converged`).
    #[getter]
    fn status(&self) -> String {
        self.inner.status.name().to_string()
    }

    /// The law of run `run` as a hypothesis planned on `plan` (default: its own schedule,
    /// stretched to each token count asked).
    #[pyo3(signature = (run = 0, plan = None))]
    fn hypothesis(
        &self,
        py: Python<'_>,
        run: usize,
        plan: Option<PyRef<'_, Schedule>>,
    ) -> PyResult<pyo3::Py<ScheduleAwareHypothesis>> {
        let h = self
            .inner
            .hypothesis(run, plan.map(|p| p.inner.clone()))
            .py()?;
        pyo3::Py::new(py, hypothesis::scheduled(h))
    }

    /// The fit's miss on run `run`'s final loss: (observed, predicted, within_noise).
    fn final_miss(&self, run: usize) -> PyResult<String> {
        convert::json(&self.inner.final_miss(run).py()?)
    }

    /// Run `run`'s observed curve and schedule, with predicted curves for `plans`
    /// (a list of (label, Schedule)).
    #[pyo3(signature = (run = 0, plans = Vec::new(), samples = 60, level = 0.9))]
    fn figure(
        &self,
        py: Python<'_>,
        run: usize,
        plans: Vec<(String, PyRef<'_, Schedule>)>,
        samples: usize,
        level: f64,
    ) -> PyResult<Figure> {
        let h = self.inner.hypothesis(run, None).py()?;
        let o = &self.inner.runs()[run];
        let plans: Vec<(String, isoflop::schedule::Schedule)> = plans
            .into_iter()
            .map(|(l, s)| (l, s.inner.clone()))
            .collect();
        let fig = py
            .detach(|| {
                ScheduleFigure::from_hypothesis(&h, o.curve(), o.schedule(), &plans, samples, level)
            })
            .py()?;
        Figure::of(&fig)
    }
}

/// One observed run from Python: (model, params, tokens, losses, schedule).
type RunArg<'py> = (
    String,
    Bound<'py, PyAny>,
    numpy::PyReadonlyArray1<'py, f64>,
    numpy::PyReadonlyArray1<'py, f64>,
    PyRef<'py, Schedule>,
);

/// Fits a schedule-aware law ("annealing-law" or "multi-power-law") to runs, each a
/// (model, params, tokens, losses, Schedule) tuple.
#[pyfunction]
#[pyo3(signature = (runs, form, draws, seed, start, until))]
pub fn fit_schedule_law(
    py: Python<'_>,
    runs: Vec<RunArg<'_>>,
    form: &str,
    draws: usize,
    seed: u64,
    start: Option<&Bound<'_, PyAny>>,
    until: Option<&Bound<'_, PyAny>>,
) -> PyResult<ScheduleFit> {
    let form = match form {
        "annealing-law" => ScheduleLawForm::Annealing,
        "multi-power-law" => ScheduleLawForm::MultiPower,
        other => {
            return Err(convert::err(isoflop::Error::UnknownName {
                what: "schedule-law form",
                name: other.into(),
                known: "annealing-law, multi-power-law".into(),
            }))
        }
    };
    let mut observed = Vec::with_capacity(runs.len());
    for (model, params, tokens, losses, schedule) in &runs {
        let curve = crate::curve(model, params, tokens.as_slice()?, losses.as_slice()?)?;
        observed.push(ObservedRun::new(curve, schedule.inner.clone()).py()?);
    }
    let options = ScheduleFitOptions {
        draws,
        seed,
        start: start.map(convert::tokens).transpose()?,
        until: until.map(convert::tokens).transpose()?,
        ..ScheduleFitOptions::default()
    };
    let inner = py
        .detach(|| rs_fit_schedule_law(&observed, form, &options))
        .py()?;
    Ok(ScheduleFit { inner })
}
