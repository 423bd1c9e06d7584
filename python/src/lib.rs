//! The native half of the `isoflop` Python package (`isoflop._native`). The Python
//! half (`isoflop/__init__.py`) wraps these functions with numpy broadcasting, pandas
//! tables and result classes; every number comes from the isoflop crate.
#![forbid(unsafe_code)]

mod convert;
mod fits;
mod hypothesis;

use convert::{count, err, invalid, number, pre, rec, Py, Rec};
use hypothesis::{arg, Hypothesis};
use isoflop::cluster::{Cluster as RsCluster, Utilisation, Workload};
use isoflop::data::llama;
use isoflop::hardware::{Accelerator, Precision};
use isoflop::law::LossHypothesis;
use isoflop::query::{self, LossTarget, Question};
use isoflop::report::HtmlDisplay;
use isoflop::schedule::{Cooldown, Schedule as RsSchedule};
use isoflop::units::{Flops, Params, TimeSpan, Tokens};
use numpy::{PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;
use std::sync::Arc;

fn level_of(level: &Bound<'_, PyAny>) -> PyResult<f64> {
    number(level, "band level")
}

/// Parses a unit: `kind` is "params", "tokens" or "flops". Returns (value, text).
#[pyfunction]
fn _unit(kind: &str, value: &Bound<'_, PyAny>) -> PyResult<(f64, String)> {
    match kind {
        "params" => convert::params(value).map(|p| (p.get(), p.to_string())),
        "tokens" => convert::tokens(value).map(|p| (p.get(), p.to_string())),
        "flops" => convert::flops(value).map(|p| (p.get(), p.to_string())),
        _ => Err(invalid(
            "unit kind",
            format!("{kind:?}: params, tokens or flops"),
        )),
    }
}

/// Training compute 6ND (Kaplan et al. 2020; Hoffmann et al. 2022): (value, text).
#[pyfunction]
fn training_flops(params: &Bound<'_, PyAny>, tokens: &Bound<'_, PyAny>) -> PyResult<(f64, String)> {
    let c =
        isoflop::compute::training_flops_6nd(convert::params(params)?, convert::tokens(tokens)?)
            .py()?;
    Ok((c.get(), c.to_string()))
}

/// Tokens a budget buys a model of `params`: D = C / 6N: (value, text).
#[pyfunction]
fn tokens_for_flops(
    params: &Bound<'_, PyAny>,
    flops: &Bound<'_, PyAny>,
) -> PyResult<(f64, String)> {
    let d = isoflop::compute::tokens_for_flops(convert::params(params)?, convert::flops(flops)?)
        .py()?;
    Ok((d.get(), d.to_string()))
}

#[pyfunction]
fn predict(
    h: &Bound<'_, PyAny>,
    params: &Bound<'_, PyAny>,
    tokens: &Bound<'_, PyAny>,
    level: &Bound<'_, PyAny>,
) -> PyResult<Rec> {
    let h = arg(h)?;
    let p = query::predict(
        &*h.inner,
        convert::params(params)?,
        convert::tokens(tokens)?,
        level_of(level)?,
    )
    .py()?;
    rec("Prediction", &p)
}

#[pyfunction]
fn predict_at_compute(
    h: &Bound<'_, PyAny>,
    params: &Bound<'_, PyAny>,
    flops: &Bound<'_, PyAny>,
    level: &Bound<'_, PyAny>,
) -> PyResult<Rec> {
    let h = arg(h)?;
    let p = query::predict_at_compute(
        &*h.inner,
        convert::params(params)?,
        convert::flops(flops)?,
        level_of(level)?,
    )
    .py()?;
    rec("Prediction", &p)
}

#[pyfunction]
fn predict_with_compute_of(
    h: &Bound<'_, PyAny>,
    params: &Bound<'_, PyAny>,
    other_params: &Bound<'_, PyAny>,
    other_tokens: &Bound<'_, PyAny>,
    level: &Bound<'_, PyAny>,
) -> PyResult<Rec> {
    let h = arg(h)?;
    let p = query::predict_with_compute_of(
        &*h.inner,
        convert::params(params)?,
        convert::params(other_params)?,
        convert::tokens(other_tokens)?,
        level_of(level)?,
    )
    .py()?;
    rec("Prediction", &p)
}

#[pyfunction]
fn compute_optimal(
    h: &Bound<'_, PyAny>,
    flops: &Bound<'_, PyAny>,
    level: &Bound<'_, PyAny>,
) -> PyResult<Rec> {
    let h = arg(h)?;
    let s = query::compute_optimal(&*h.inner, convert::flops(flops)?, level_of(level)?).py()?;
    rec("OptimalSplit", &s)
}

#[pyfunction]
fn compute_overhead(
    h: &Bound<'_, PyAny>,
    k_n: &Bound<'_, PyAny>,
    level: &Bound<'_, PyAny>,
) -> PyResult<Rec> {
    let h = arg(h)?;
    let o = query::compute_overhead(&*h.inner, number(k_n, "size factor k_N")?, level_of(level)?)
        .py()?;
    rec("Overhead", &o)
}

#[pyfunction]
fn tokens_to_reach(
    h: &Bound<'_, PyAny>,
    params: &Bound<'_, PyAny>,
    target: &Bound<'_, PyAny>,
    level: &Bound<'_, PyAny>,
) -> PyResult<Rec> {
    let h = arg(h)?;
    let t = query::tokens_to_reach(
        &*h.inner,
        convert::params(params)?,
        number(target, "target loss")?,
        level_of(level)?,
    )
    .py()?;
    rec("TokensToReach", &t)
}

#[pyfunction]
fn probability_below(
    h: &Bound<'_, PyAny>,
    params: &Bound<'_, PyAny>,
    tokens: &Bound<'_, PyAny>,
    threshold: &Bound<'_, PyAny>,
) -> PyResult<Rec> {
    let h = arg(h)?;
    let p = query::probability_below(
        &*h.inner,
        convert::params(params)?,
        convert::tokens(tokens)?,
        number(threshold, "loss threshold")?,
    )
    .py()?;
    rec("Probability", &p)
}

#[pyfunction]
fn probability_lower(
    h: &Bound<'_, PyAny>,
    a_params: &Bound<'_, PyAny>,
    a_tokens: &Bound<'_, PyAny>,
    b_params: &Bound<'_, PyAny>,
    b_tokens: &Bound<'_, PyAny>,
) -> PyResult<Rec> {
    let h = arg(h)?;
    let p = query::probability_lower(
        &*h.inner,
        (convert::params(a_params)?, convert::tokens(a_tokens)?),
        (convert::params(b_params)?, convert::tokens(b_tokens)?),
    )
    .py()?;
    rec("Probability", &p)
}

#[pyfunction]
fn probability_small_beats_large(
    h: &Bound<'_, PyAny>,
    small: &Bound<'_, PyAny>,
    large: &Bound<'_, PyAny>,
    large_tokens: &Bound<'_, PyAny>,
) -> PyResult<Rec> {
    let h = arg(h)?;
    let p = query::probability_small_beats_large(
        &*h.inner,
        convert::params(small)?,
        convert::params(large)?,
        convert::tokens(large_tokens)?,
    )
    .py()?;
    rec("Probability", &p)
}

/// `kind`: "loss_at" (x = tokens), "loss_at_compute" (x = FLOPs), "tokens_to_reach"
/// (x = target loss).
#[pyfunction]
fn compare(
    hypotheses: &Bound<'_, PyAny>,
    kind: &str,
    params: &Bound<'_, PyAny>,
    x: &Bound<'_, PyAny>,
    level: &Bound<'_, PyAny>,
) -> PyResult<Rec> {
    let items: Vec<Bound<'_, PyAny>> = hypotheses
        .try_iter()
        .map_err(|_| invalid("hypotheses", "expected a list of hypotheses"))?
        .collect::<PyResult<_>>()?;
    let mut hs: Vec<Arc<dyn LossHypothesis>> = Vec::with_capacity(items.len());
    for item in &items {
        hs.push(arg(item)?.inner.clone());
    }
    let params = convert::params(params)?;
    let question = match kind {
        "loss_at" => Question::LossAt {
            params,
            tokens: convert::tokens(x)?,
        },
        "loss_at_compute" => Question::LossAtCompute {
            params,
            flops: convert::flops(x)?,
        },
        "tokens_to_reach" => Question::TokensToReach {
            params,
            target: number(x, "target loss")?,
        },
        _ => return Err(invalid("question", format!("unknown kind {kind:?}"))),
    };
    let c = query::compare(&hs, question, level_of(level)?).py()?;
    rec("Comparison", &c)
}

/// A loss target: a number (nats/token) or a (params, tokens) pair ("as trained").
fn target_of(target: &Bound<'_, PyAny>) -> PyResult<LossTarget> {
    if let Ok((n, d)) = target.extract::<(Bound<'_, PyAny>, Bound<'_, PyAny>)>() {
        return Ok(LossTarget::AsTrained {
            params: convert::params(&n)?,
            tokens: convert::tokens(&d)?,
        });
    }
    LossTarget::loss(number(target, "target loss")?).py()
}

#[pyfunction]
fn lifetime_optimal(
    py: Python<'_>,
    h: &Bound<'_, PyAny>,
    target: &Bound<'_, PyAny>,
    demand: &Bound<'_, PyAny>,
    level: &Bound<'_, PyAny>,
) -> PyResult<Rec> {
    let h = arg(h)?;
    let (t, demand, level) = (
        target_of(target)?,
        number(demand, "inference demand (served tokens)")?,
        level_of(level)?,
    );
    let inner = h.inner.clone();
    let o = py
        .detach(|| query::lifetime_optimal(&*inner, t, demand, level))
        .py()?;
    rec("LifetimeOptimum", &o)
}

#[pyfunction]
fn lifetime_optima(
    py: Python<'_>,
    h: &Bound<'_, PyAny>,
    target: &Bound<'_, PyAny>,
    demands: PyReadonlyArray1<'_, f64>,
    level: &Bound<'_, PyAny>,
) -> PyResult<Vec<Rec>> {
    let h = arg(h)?;
    let (t, level) = (target_of(target)?, level_of(level)?);
    let demands = demands.as_slice()?.to_vec();
    let inner = h.inner.clone();
    let os = py
        .detach(|| query::lifetime_optima(&*inner, t, &demands, level))
        .py()?;
    os.iter().map(|o| rec("LifetimeOptimum", o)).collect()
}

#[pyfunction]
fn break_even_demand(
    py: Python<'_>,
    h: &Bound<'_, PyAny>,
    small: &Bound<'_, PyAny>,
    reference_params: &Bound<'_, PyAny>,
    reference_tokens: &Bound<'_, PyAny>,
    level: &Bound<'_, PyAny>,
) -> PyResult<Rec> {
    let h = arg(h)?;
    let small = convert::params(small)?;
    let reference = (
        convert::params(reference_params)?,
        convert::tokens(reference_tokens)?,
    );
    let level = level_of(level)?;
    let inner = h.inner.clone();
    let b = py
        .detach(|| query::break_even_demand(&*inner, small, reference, level))
        .py()?;
    rec("BreakEven", &b)
}

#[pyfunction]
fn predict_planned(
    h: &Bound<'_, PyAny>,
    params: &Bound<'_, PyAny>,
    tokens: &Bound<'_, PyAny>,
    level: &Bound<'_, PyAny>,
) -> PyResult<Rec> {
    let h = arg(h)?;
    let s = h.scheduled.as_ref().ok_or_else(|| {
        err(isoflop::Error::NotApplicable {
            what: format!("predict_planned under {}", h.inner.id()),
            reason: "it is not a schedule-aware hypothesis; fit one with fit_schedule_law".into(),
        })
    })?;
    let p = query::predict_planned(
        s,
        convert::params(params)?,
        convert::tokens(tokens)?,
        level_of(level)?,
    )
    .py()?;
    let text = format!(
        "{}\n  plan: {}\n  annealing bonus {:.4}, gain over a constant rate {:.4}{}",
        p.prediction,
        p.plan,
        p.annealing_bonus,
        p.gain_over_constant,
        p.profile
            .map(|(lo, hi)| format!("\n  profile {lo:.4}-{hi:.4}"))
            .unwrap_or_default()
    );
    let html = format!("{}{}", p.prediction.html(), pre(&text));
    Ok(("PlannedPrediction".into(), convert::json(&p)?, text, html))
}

/// A learning-rate schedule (warmup, then a shape), steps to tokens by the batch size.
#[pyclass(frozen, module = "isoflop._native")]
#[derive(Clone)]
pub struct Schedule {
    pub inner: RsSchedule,
}

#[pymethods]
impl Schedule {
    /// Linear warmup, then a cosine to `final_fraction` of the peak at `total_steps`.
    #[staticmethod]
    #[pyo3(signature = (peak_lr, warmup_steps, total_steps, batch_tokens, final_fraction = None))]
    fn cosine(
        peak_lr: &Bound<'_, PyAny>,
        warmup_steps: &Bound<'_, PyAny>,
        total_steps: &Bound<'_, PyAny>,
        batch_tokens: &Bound<'_, PyAny>,
        final_fraction: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Schedule> {
        let warmup_steps = count(warmup_steps, "warmup steps")?;
        let total_steps = count(total_steps, "total steps")?;
        let final_fraction = match final_fraction {
            Some(f) => number(f, "final fraction of the peak")?,
            None => 0.1,
        };
        RsSchedule::cosine(
            number(peak_lr, "peak learning rate")?,
            warmup_steps,
            total_steps,
            final_fraction,
            convert::tokens(batch_tokens)?,
        )
        .py()
        .map(|inner| Schedule { inner })
    }

    /// Linear warmup, then constant.
    #[staticmethod]
    fn constant(
        peak_lr: &Bound<'_, PyAny>,
        warmup_steps: &Bound<'_, PyAny>,
        total_steps: &Bound<'_, PyAny>,
        batch_tokens: &Bound<'_, PyAny>,
    ) -> PyResult<Schedule> {
        let warmup_steps = count(warmup_steps, "warmup steps")?;
        let total_steps = count(total_steps, "total steps")?;
        RsSchedule::constant(
            number(peak_lr, "peak learning rate")?,
            warmup_steps,
            total_steps,
            convert::tokens(batch_tokens)?,
        )
        .py()
        .map(|inner| Schedule { inner })
    }

    /// Warmup-stable-decay: constant, then a cooldown ("linear" or "1-sqrt") over the
    /// last `cooldown_steps` to `final_fraction` of the peak.
    #[staticmethod]
    #[pyo3(signature = (peak_lr, warmup_steps, total_steps, cooldown_steps, batch_tokens, final_fraction = None, cooldown = None))]
    fn wsd(
        peak_lr: &Bound<'_, PyAny>,
        warmup_steps: &Bound<'_, PyAny>,
        total_steps: &Bound<'_, PyAny>,
        cooldown_steps: &Bound<'_, PyAny>,
        batch_tokens: &Bound<'_, PyAny>,
        final_fraction: Option<&Bound<'_, PyAny>>,
        cooldown: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Schedule> {
        let warmup_steps = count(warmup_steps, "warmup steps")?;
        let total_steps = count(total_steps, "total steps")?;
        let cooldown_steps = count(cooldown_steps, "cooldown steps")?;
        let cooldown = match cooldown {
            Some(c) => convert::name(c, "cooldown")?,
            None => "linear".into(),
        };
        let cooldown = match cooldown.as_str() {
            "linear" => Cooldown::Linear,
            "1-sqrt" | "one-minus-sqrt" => Cooldown::OneMinusSqrt,
            other => {
                return Err(err(isoflop::Error::UnknownName {
                    what: "cooldown",
                    name: other.into(),
                    known: "linear, 1-sqrt".into(),
                }))
            }
        };
        RsSchedule::wsd(
            number(peak_lr, "peak learning rate")?,
            warmup_steps,
            total_steps,
            cooldown_steps,
            match final_fraction {
                Some(f) => number(f, "final fraction of the peak")?,
                None => 0.0,
            },
            cooldown,
            convert::tokens(batch_tokens)?,
        )
        .py()
        .map(|inner| Schedule { inner })
    }

    /// An explicit learning rate per step (warmup included in the list).
    #[staticmethod]
    fn explicit(
        lrs: &Bound<'_, PyAny>,
        warmup_steps: &Bound<'_, PyAny>,
        batch_tokens: &Bound<'_, PyAny>,
    ) -> PyResult<Schedule> {
        let warmup_steps = count(warmup_steps, "warmup steps")?;
        let lrs: Vec<f64> = lrs
            .try_iter()
            .map_err(|_| invalid("learning rates", "expected a sequence of numbers"))?
            .map(|x| x.and_then(|x| number(&x, "learning rate")))
            .collect::<PyResult<_>>()?;
        RsSchedule::explicit(lrs, warmup_steps, convert::tokens(batch_tokens)?)
            .py()
            .map(|inner| Schedule { inner })
    }

    /// LLaMA-1's published schedule for `model` (Touvron et al. 2023, Sec. 2.2, Table 2).
    #[staticmethod]
    fn llama(model: &Bound<'_, PyAny>) -> PyResult<Schedule> {
        Ok(Schedule {
            inner: llama::schedule(hypothesis::model(&convert::name(model, "LLaMA model")?)?),
        })
    }

    /// The same shape stretched to `tokens` tokens.
    fn with_total_tokens(&self, tokens: &Bound<'_, PyAny>) -> PyResult<Schedule> {
        self.inner
            .with_total_tokens(convert::tokens(tokens)?)
            .py()
            .map(|inner| Schedule { inner })
    }

    /// The same shape stretched to `steps` steps.
    fn with_total_steps(&self, steps: &Bound<'_, PyAny>) -> PyResult<Schedule> {
        self.inner
            .with_total_steps(count(steps, "total steps")?)
            .py()
            .map(|inner| Schedule { inner })
    }

    #[getter]
    fn peak_lr(&self) -> f64 {
        self.inner.peak_lr()
    }

    #[getter]
    fn warmup_steps(&self) -> u64 {
        self.inner.warmup_steps()
    }

    #[getter]
    fn total_steps(&self) -> u64 {
        self.inner.total_steps()
    }

    #[getter]
    fn total_tokens(&self) -> f64 {
        self.inner.total_tokens().get()
    }

    #[getter]
    fn batch_tokens(&self) -> f64 {
        self.inner.batch_tokens().get()
    }

    /// The learning rate at `step` (a whole number), or at each step of a sequence (a
    /// 1-D array out).
    fn lr<'py>(&self, py: Python<'py>, step: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        if let Ok(seq) = step.try_iter() {
            let mut out = Vec::new();
            for s in seq {
                out.push(self.inner.lr(count(&s?, "step")?).py()?);
            }
            return Ok(PyArray1::from_vec(py, out).into_any());
        }
        let v = self.inner.lr(count(step, "step")?).py()?;
        Ok(pyo3::types::PyFloat::new(py, v).into_any())
    }

    fn _json(&self) -> PyResult<String> {
        convert::json(&self.inner)
    }

    fn __repr__(&self) -> String {
        format!("<Schedule {}>", self.inner)
    }

    fn __str__(&self) -> String {
        self.inner.to_string()
    }
}

/// A cluster: accelerators of one kind, a precision and a utilisation.
#[pyclass(frozen, module = "isoflop._native")]
pub struct Cluster {
    inner: RsCluster,
}

#[pymethods]
impl Cluster {
    #[new]
    #[pyo3(signature = (accelerator, count, precision = None, mfu = None, tokens_per_second = None))]
    fn new(
        accelerator: &Bound<'_, PyAny>,
        count: &Bound<'_, PyAny>,
        precision: Option<&Bound<'_, PyAny>>,
        mfu: Option<&Bound<'_, PyAny>>,
        tokens_per_second: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Cluster> {
        let u = match (mfu, tokens_per_second) {
            (Some(m), None) => Utilisation::mfu(number(m, "MFU")?).py()?,
            (None, Some(t)) => {
                Utilisation::tokens_per_second(number(t, "tokens per second per accelerator")?)
                    .py()?
            }
            _ => {
                return Err(invalid(
                    "cluster utilisation",
                    "give exactly one of mfu= or tokens_per_second=",
                ))
            }
        };
        let n = convert::count(count, "accelerator count")?;
        let n = u32::try_from(n).map_err(|_| invalid("accelerator count", "too large"))?;
        let inner = RsCluster::new(
            Accelerator::by_name(&convert::name(accelerator, "accelerator")?).py()?,
            n,
            match precision {
                Some(p) => convert::name(p, "precision")?,
                None => "bf16".into(),
            }
            .parse::<Precision>()
            .py()?,
            u,
        )
        .py()?;
        Ok(Cluster { inner })
    }

    /// Accelerator-hours to train `params` on `tokens` (6ND).
    fn gpu_hours(&self, params: &Bound<'_, PyAny>, tokens: &Bound<'_, PyAny>) -> PyResult<f64> {
        let w = Workload::training(convert::params(params)?, convert::tokens(tokens)?);
        Ok(self.inner.gpu_hours(w).py()?.get())
    }

    /// Wall-clock days to train `params` on `tokens`.
    fn days(&self, params: &Bound<'_, PyAny>, tokens: &Bound<'_, PyAny>) -> PyResult<f64> {
        let w = Workload::training(convert::params(params)?, convert::tokens(tokens)?);
        Ok(self.inner.wall_clock(w).py()?.days())
    }

    /// FLOPs the cluster delivers in `days` days: (value, text).
    fn flops_in(&self, days: &Bound<'_, PyAny>) -> PyResult<(f64, String)> {
        let c: Flops = self
            .inner
            .flops_in(TimeSpan::from_days(number(days, "days")?).py()?)
            .py()?;
        Ok((c.get(), c.to_string()))
    }

    fn __repr__(&self) -> String {
        format!(
            "<Cluster {}>",
            self.inner.text().lines().next().unwrap_or_default()
        )
    }

    fn __str__(&self) -> String {
        self.inner.text()
    }

    fn _repr_html_(&self) -> String {
        self.inner.html()
    }
}

/// A published training run by name (e.g. "LLaMA-65B"), as its paper prints it.
#[pyfunction]
fn published_run(name: &Bound<'_, PyAny>) -> PyResult<Rec> {
    let r = isoflop::runs::by_name(&convert::name(name, "run name")?).py()?;
    rec("PublishedRun", &r)
}

/// The bundled Chinchilla runs (Epoch AI's digitisation of Hoffmann et al. 2022,
/// Fig. 4) as (N, D, loss) arrays; `replication` drops the 5 highest losses.
#[pyfunction]
fn _chinchilla_runs(replication: bool) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let t = if replication {
        isoflop::data::chinchilla::replication_runs()
    } else {
        isoflop::data::chinchilla::runs()
    };
    let (mut n, mut d, mut l) = (Vec::new(), Vec::new(), Vec::new());
    for r in t.iter() {
        n.push(r.n.get());
        d.push(r.d.get());
        l.push(r.loss);
    }
    (n, d, l)
}

/// A bundled LLaMA-1 curve (Touvron et al. 2023, Fig. 1): (params, tokens, losses).
#[pyfunction]
fn _llama_curve(model: &Bound<'_, PyAny>) -> PyResult<(f64, Vec<f64>, Vec<f64>)> {
    let c = llama::curve(hypothesis::model(&convert::name(model, "LLaMA model")?)?);
    Ok((
        c.params().get(),
        c.tokens().map(|t| t.get()).collect(),
        c.losses().collect(),
    ))
}

/// A LLaMA model's size and training tokens (Touvron et al. 2023, Table 2).
#[pyfunction]
fn _llama_model(model: &Bound<'_, PyAny>) -> PyResult<(f64, f64)> {
    let m = hypothesis::model(&convert::name(model, "LLaMA model")?)?;
    Ok((m.params().get(), m.trained_tokens().get()))
}

/// A loss curve from arrays.
pub fn curve(
    model: &str,
    params: &Bound<'_, PyAny>,
    tokens: &[f64],
    losses: &[f64],
) -> PyResult<isoflop::data::curve::LossCurve> {
    if tokens.len() != losses.len() {
        return Err(invalid(
            "loss curve",
            format!(
                "{} token counts and {} losses; give one loss per token count",
                tokens.len(),
                losses.len()
            ),
        ));
    }
    let points = tokens
        .iter()
        .zip(losses)
        .map(|(&t, &l)| Ok((Tokens::new(t)?, l)))
        .collect::<isoflop::Result<Vec<_>>>()
        .py()?;
    isoflop::data::curve::LossCurve::new(model, convert::params(params)?, points).py()
}

/// An SVG figure.
#[pyclass(frozen, module = "isoflop._native")]
pub struct Figure {
    svg: String,
    summary: String,
}

impl Figure {
    pub fn of<F: isoflop::report::Figure>(f: &F) -> PyResult<Figure> {
        Ok(Figure {
            svg: f.render_svg().py()?,
            summary: f.summary(),
        })
    }
}

#[pymethods]
impl Figure {
    /// The SVG document.
    #[getter]
    fn svg(&self) -> String {
        self.svg.clone()
    }

    /// One line saying what the figure shows.
    #[getter]
    fn summary(&self) -> String {
        self.summary.clone()
    }

    fn _repr_svg_(&self) -> String {
        self.svg.clone()
    }

    fn __repr__(&self) -> String {
        format!("<Figure: {}>", self.summary)
    }

    /// Writes the SVG to `path` (creating missing parent folders).
    fn save(&self, path: std::path::PathBuf) -> PyResult<()> {
        let io = |e: std::io::Error| err(isoflop::Error::io(&path, e));
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        std::fs::write(&path, &self.svg).map_err(io)
    }
}

/// Loss against compute for several sizes, with the compute-optimal frontier.
#[pyfunction]
#[pyo3(signature = (h, sizes, budgets = None))]
fn compute_frontier_figure(
    h: &Bound<'_, PyAny>,
    sizes: Vec<Bound<'_, PyAny>>,
    budgets: Option<Vec<Bound<'_, PyAny>>>,
) -> PyResult<Figure> {
    let h = arg(h)?;
    let ch = h.chinchilla.as_ref().ok_or_else(|| {
        invalid(
            "hypothesis",
            "a compute-frontier figure draws a Chinchilla hypothesis",
        )
    })?;
    let sizes = sizes
        .iter()
        .map(convert::params)
        .collect::<PyResult<Vec<Params>>>()?;
    let mut fig = isoflop::report::ComputeFrontierFigure::from_hypothesis(ch, sizes);
    for b in budgets.unwrap_or_default() {
        let c = convert::flops(&b)?;
        fig = fig.mark_budget(c.to_string(), c);
    }
    Figure::of(&fig)
}

/// IsoFLOP profiles: loss against model size at fixed compute, with bands.
#[pyfunction]
#[pyo3(signature = (h, budgets, steps = 25, level = None))]
fn isoflop_figure(
    py: Python<'_>,
    h: &Bound<'_, PyAny>,
    budgets: Vec<Bound<'_, PyAny>>,
    steps: usize,
    level: Option<&Bound<'_, PyAny>>,
) -> PyResult<Figure> {
    let h = arg(h)?;
    let budgets = budgets
        .iter()
        .map(convert::flops)
        .collect::<PyResult<Vec<Flops>>>()?;
    let level = level.map(level_of).transpose()?.unwrap_or(0.9);
    let inner = h.inner.clone();
    let fig = py
        .detach(|| isoflop::report::IsoFlopFigure::from_hypothesis(&*inner, &budgets, steps, level))
        .py()?;
    Figure::of(&fig)
}

/// The LLaMA-1 curves extended to the 65B's compute under each continuation and the
/// given shared hypotheses.
#[pyfunction]
#[pyo3(signature = (shared = Vec::new(), draws = 200, level = None))]
fn llama_curves_figure(
    py: Python<'_>,
    shared: Vec<Bound<'_, PyAny>>,
    draws: usize,
    level: Option<&Bound<'_, PyAny>>,
) -> PyResult<Figure> {
    let hs = shared
        .iter()
        .map(|h| arg(h).map(|h| h.inner.clone()))
        .collect::<PyResult<Vec<_>>>()?;
    let level = level.map(level_of).transpose()?.unwrap_or(0.9);
    let opts = isoflop::law::ContinuationOptions {
        draws,
        ..Default::default()
    }
    .starting_at(llama::CONTINUATION_START);
    let fig = py
        .detach(|| {
            let refs: Vec<&dyn LossHypothesis> = hs.iter().map(|h| &**h).collect();
            isoflop::report::LlamaCurvesFigure::llama_at_65b_compute(&refs, &opts, level)
        })
        .py()?;
    Figure::of(&fig)
}

/// Lifetime FLOPs against inference demand for sizes reaching one loss.
#[pyfunction]
#[pyo3(signature = (h, target, sizes, demands = (1e9, 1e15), level = None))]
fn lifetime_figure(
    py: Python<'_>,
    h: &Bound<'_, PyAny>,
    target: &Bound<'_, PyAny>,
    sizes: Vec<Bound<'_, PyAny>>,
    demands: (f64, f64),
    level: Option<&Bound<'_, PyAny>>,
) -> PyResult<Figure> {
    let h = arg(h)?;
    let t = target_of(target)?;
    let sizes = sizes
        .iter()
        .map(convert::params)
        .collect::<PyResult<Vec<Params>>>()?;
    let level = level.map(level_of).transpose()?.unwrap_or(0.9);
    let inner = h.inner.clone();
    let fig = py
        .detach(|| isoflop::report::LifetimeFigure::compute(&*inner, t, &sizes, demands, level))
        .py()?;
    Figure::of(&fig)
}

/// The backtest on the bundled data: every split, every hypothesis, scored.
#[pyfunction]
#[pyo3(signature = (seed = 42, curve_draws = 1000, bootstrap = 200, level = None))]
fn backtest(
    py: Python<'_>,
    seed: u64,
    curve_draws: usize,
    bootstrap: usize,
    level: Option<&Bound<'_, PyAny>>,
) -> PyResult<Rec> {
    let opts = isoflop::backtest::BacktestOptions {
        seed,
        curve_draws,
        bootstrap,
        level: level.map(level_of).transpose()?.unwrap_or(0.9),
        ..Default::default()
    };
    let board = py.detach(|| isoflop::backtest::bundled(&opts)).py()?;
    let mut text = format!(
        "{:<46} {:<26} {:>5} {:>7} {:>7} {:>9}\n",
        "hypothesis", "split", "n", "MAE", "bias", "coverage"
    );
    for r in &board.rows {
        text.push_str(&format!(
            "{:<46} {:<26} {:>5} {:>7.3} {:>+7.3} {:>9}\n",
            r.hypothesis,
            r.split,
            r.predictions,
            r.mae,
            r.bias,
            r.coverage
                .map(|c| format!("{:.0}%", 100.0 * c))
                .unwrap_or_else(|| "no band".into())
        ));
    }
    for f in &board.failures {
        text.push_str(&format!(
            "failed: {} on {} ({}): {}\n",
            f.hypothesis, f.split, f.target, f.reason
        ));
    }
    Ok((
        "Scoreboard".into(),
        convert::json(&board)?,
        text.clone(),
        pre(&text),
    ))
}

/// A band's text as the crate writes it, e.g. "1.962 [1.951, 1.973] 90%".
#[pyfunction]
fn _band_text(lo: f64, median: f64, hi: f64, level: f64) -> PyResult<(String, String)> {
    let b = isoflop::band::Band::new(lo, median, hi, level).py()?;
    Ok((b.text(), b.html()))
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<Hypothesis>()?;
    m.add_class::<hypothesis::ChinchillaHypothesis>()?;
    m.add_class::<hypothesis::KaplanHypothesis>()?;
    m.add_class::<hypothesis::DataConstrainedHypothesis>()?;
    m.add_class::<hypothesis::Continuation>()?;
    m.add_class::<hypothesis::ScheduleAwareHypothesis>()?;
    m.add_class::<Schedule>()?;
    m.add_class::<Cluster>()?;
    m.add_class::<Figure>()?;
    m.add_class::<fits::Fit>()?;
    m.add_class::<fits::SweepFit>()?;
    m.add_class::<fits::ScheduleFit>()?;
    m.add_function(wrap_pyfunction!(_unit, m)?)?;
    m.add_function(wrap_pyfunction!(training_flops, m)?)?;
    m.add_function(wrap_pyfunction!(tokens_for_flops, m)?)?;
    m.add_function(wrap_pyfunction!(predict, m)?)?;
    m.add_function(wrap_pyfunction!(predict_at_compute, m)?)?;
    m.add_function(wrap_pyfunction!(predict_with_compute_of, m)?)?;
    m.add_function(wrap_pyfunction!(compute_optimal, m)?)?;
    m.add_function(wrap_pyfunction!(compute_overhead, m)?)?;
    m.add_function(wrap_pyfunction!(tokens_to_reach, m)?)?;
    m.add_function(wrap_pyfunction!(probability_below, m)?)?;
    m.add_function(wrap_pyfunction!(probability_lower, m)?)?;
    m.add_function(wrap_pyfunction!(probability_small_beats_large, m)?)?;
    m.add_function(wrap_pyfunction!(compare, m)?)?;
    m.add_function(wrap_pyfunction!(lifetime_optimal, m)?)?;
    m.add_function(wrap_pyfunction!(lifetime_optima, m)?)?;
    m.add_function(wrap_pyfunction!(break_even_demand, m)?)?;
    m.add_function(wrap_pyfunction!(predict_planned, m)?)?;
    m.add_function(wrap_pyfunction!(published_run, m)?)?;
    m.add_function(wrap_pyfunction!(_chinchilla_runs, m)?)?;
    m.add_function(wrap_pyfunction!(_llama_curve, m)?)?;
    m.add_function(wrap_pyfunction!(_llama_model, m)?)?;
    m.add_function(wrap_pyfunction!(compute_frontier_figure, m)?)?;
    m.add_function(wrap_pyfunction!(isoflop_figure, m)?)?;
    m.add_function(wrap_pyfunction!(llama_curves_figure, m)?)?;
    m.add_function(wrap_pyfunction!(lifetime_figure, m)?)?;
    m.add_function(wrap_pyfunction!(backtest, m)?)?;
    m.add_function(wrap_pyfunction!(_band_text, m)?)?;
    m.add_function(wrap_pyfunction!(fits::fit_chinchilla, m)?)?;
    m.add_function(wrap_pyfunction!(fits::fit_sweep, m)?)?;
    m.add_function(wrap_pyfunction!(fits::fit_schedule_law, m)?)?;
    Ok(())
}
