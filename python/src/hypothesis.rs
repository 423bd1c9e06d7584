//! Hypotheses as Python classes, with numpy-vectorised evaluation.

use crate::convert::{self, invalid, number, Py};
use isoflop::data::llama::{self, LlamaModel};
use isoflop::law::{
    ChinchillaHypothesis as RsChinchilla, ChinchillaLaw, Continuation as RsContinuation,
    ContinuationForm, ContinuationOptions, DataConstrainedHypothesis as RsDataConstrained,
    Evidence, KaplanHypothesis as RsKaplan, LossHypothesis, ScheduledHypothesis,
};
use isoflop::query::tokens_to_reach;
use isoflop::report::HtmlDisplay;
use isoflop::units::{Flops, Params, Tokens};
use numpy::{PyArray1, PyArray2, PyReadonlyArray1};
use pyo3::prelude::*;
use rayon::prelude::*;
use std::sync::Arc;

/// A loss hypothesis: any of the crate's (published presets, fits, continuations,
/// schedule-aware laws), shared and immutable.
#[pyclass(subclass, frozen, module = "isoflop._native")]
pub struct Hypothesis {
    pub inner: Arc<dyn LossHypothesis>,
    pub html: String,
    pub text: String,
    /// The Chinchilla hypothesis itself, when it is one (its law and draws).
    pub chinchilla: Option<RsChinchilla>,
    /// The schedule-aware hypothesis itself, when it is one (for `predict_planned`).
    pub scheduled: Option<Arc<ScheduledHypothesis>>,
}

impl Hypothesis {
    pub fn of<H: LossHypothesis + HtmlDisplay + 'static>(h: H) -> Hypothesis {
        let (html, text) = (h.html(), h.text());
        Hypothesis {
            inner: Arc::new(h),
            html,
            text,
            chinchilla: None,
            scheduled: None,
        }
    }

    pub fn chinchilla(h: RsChinchilla) -> Hypothesis {
        Hypothesis {
            chinchilla: Some(h.clone()),
            ..Hypothesis::of(h)
        }
    }

    pub fn scheduled(h: ScheduledHypothesis) -> Hypothesis {
        let text = format!(
            "{}: {} (fitted to {}; plan of {} tokens)",
            h.id(),
            h.assumption(),
            h.model(),
            h.plan().total_tokens()
        );
        let shared = Arc::new(h);
        Hypothesis {
            inner: shared.clone(),
            html: convert::pre(&text),
            text,
            chinchilla: None,
            scheduled: Some(shared),
        }
    }
}

/// A hypothesis argument (any subclass of `Hypothesis`).
pub fn arg<'py>(obj: &Bound<'py, PyAny>) -> PyResult<PyRef<'py, Hypothesis>> {
    obj.extract::<PyRef<'py, Hypothesis>>().map_err(|_| {
        invalid(
            "hypothesis",
            format!(
                "expected an isoflop hypothesis (e.g. isoflop.ChinchillaHypothesis.hoffmann2022()), got {}",
                obj.get_type()
                    .name()
                    .map(|n| n.to_string())
                    .unwrap_or_default()
            ),
        )
    })
}

/// A hypothesis that answers with its point estimate only (no draws), so that
/// `tokens_to_reach` over an array costs one root-find per element.
#[derive(Debug)]
struct PointOnly(Arc<dyn LossHypothesis>);

impl LossHypothesis for PointOnly {
    fn id(&self) -> String {
        self.0.id()
    }
    fn assumption(&self) -> String {
        self.0.assumption()
    }
    fn source(&self) -> String {
        self.0.source()
    }
    fn point(&self, n: Params, d: Tokens) -> isoflop::Result<f64> {
        self.0.point(n, d)
    }
    fn floor(&self, n: Params) -> isoflop::Result<Option<f64>> {
        self.0.floor(n)
    }
    fn evidence(&self) -> &Evidence {
        self.0.evidence()
    }
}

fn same_len(a: &[f64], b: &[f64]) -> PyResult<()> {
    if a.len() != b.len() {
        return Err(invalid(
            "arrays",
            format!(
                "lengths {} and {} differ after broadcasting",
                a.len(),
                b.len()
            ),
        ));
    }
    Ok(())
}

/// Below this many elements, the loop stays on the calling thread.
const PARALLEL_FROM: usize = 16_384;

fn map2(
    a: &[f64],
    b: &[f64],
    f: impl Fn(f64, f64) -> isoflop::Result<f64> + Sync,
) -> isoflop::Result<Vec<f64>> {
    let mut out = vec![0.0; a.len()];
    let chunk = |(k, o): (usize, &mut [f64])| -> isoflop::Result<()> {
        let start = k * CHUNK;
        for (i, slot) in o.iter_mut().enumerate() {
            *slot = f(a[start + i], b[start + i])?;
        }
        Ok(())
    };
    if a.len() < PARALLEL_FROM {
        out.chunks_mut(CHUNK).enumerate().try_for_each(chunk)?;
    } else {
        out.par_chunks_mut(CHUNK).enumerate().try_for_each(chunk)?;
    }
    Ok(out)
}

/// Elements per task of the parallel loops.
const CHUNK: usize = 8192;

#[pymethods]
impl Hypothesis {
    /// The hypothesis' stable id, e.g. ``chinchilla-hoffmann2022``.
    #[getter]
    fn id(&self) -> String {
        self.inner.id()
    }

    /// Its assumption in one sentence.
    #[getter]
    fn assumption(&self) -> String {
        self.inner.assumption()
    }

    /// Where its numbers come from.
    #[getter]
    fn source(&self) -> String {
        self.inner.source()
    }

    /// The corpus its losses are on.
    #[getter]
    fn corpus(&self) -> String {
        self.inner.corpus()
    }

    /// Number of parameter draws behind its bands (0: no published uncertainty).
    #[getter]
    fn draw_count(&self) -> usize {
        self.inner.draw_count()
    }

    /// The data behind it, as JSON.
    fn _evidence_json(&self) -> PyResult<String> {
        convert::json(self.inner.evidence())
    }

    /// Point loss of a model of `n` parameters trained on `d` tokens, nats/token.
    ///
    /// `n` and `d` are numbers, strings ("6.7B") or numpy arrays of any shapes that
    /// broadcast together; the answer has the broadcast shape (a float for scalars).
    fn loss<'py>(
        slf: &Bound<'py, Self>,
        n: &Bound<'py, PyAny>,
        d: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        slf.py()
            .import("isoflop._arrays")?
            .call_method1("loss", (slf, n, d))
    }

    /// Tokens for a model of `n` parameters to reach loss `target` under the point
    /// estimate; numbers or broadcasting arrays.
    fn tokens_for_loss<'py>(
        slf: &Bound<'py, Self>,
        n: &Bound<'py, PyAny>,
        target: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        slf.py()
            .import("isoflop._arrays")?
            .call_method1("tokens_for_loss", (slf, n, target))
    }

    /// The compute-optimal split (N, D) of the point estimate at budget(s) `c`: a pair
    /// of floats, or of arrays shaped like `c`.
    fn optimal<'py>(slf: &Bound<'py, Self>, c: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        slf.py()
            .import("isoflop._arrays")?
            .call_method1("optimal", (slf, c))
    }

    /// Point losses over flat float64 arrays of equal length.
    fn _loss<'py>(
        &self,
        py: Python<'py>,
        n: PyReadonlyArray1<'py, f64>,
        d: PyReadonlyArray1<'py, f64>,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        let (n, d) = (n.as_slice()?, d.as_slice()?);
        same_len(n, d)?;
        if let Some(c) = &self.chinchilla {
            // The crate's vectorised batch (ChinchillaLaw::losses_into), chunk by chunk.
            let law = *c.law();
            let mut out = vec![0.0; n.len()];
            py.detach(|| {
                out.par_chunks_mut(CHUNK)
                    .enumerate()
                    .try_for_each(|(k, o)| {
                        let r = k * CHUNK..k * CHUNK + o.len();
                        law.losses_into(&n[r.clone()], &d[r], o)
                    })
            })
            .py()?;
            return Ok(PyArray1::from_vec(py, out));
        }
        let h = &*self.inner;
        let out = py
            .detach(|| map2(n, d, |x, y| h.point(Params::new(x)?, Tokens::new(y)?)))
            .py()?;
        Ok(PyArray1::from_vec(py, out))
    }

    /// Parameter draws' losses at one (N, D): a 1-D array (empty without draws).
    fn draws<'py>(
        &self,
        py: Python<'py>,
        n: &Bound<'py, PyAny>,
        d: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        let (n, d) = (convert::params(n)?, convert::tokens(d)?);
        let mut out = Vec::new();
        self.inner.draws_into(n, d, &mut out).py()?;
        Ok(PyArray1::from_vec(py, out))
    }

    /// Tokens for N to reach a loss (point estimate) over flat arrays.
    fn _tokens_for_loss<'py>(
        &self,
        py: Python<'py>,
        n: PyReadonlyArray1<'py, f64>,
        target: PyReadonlyArray1<'py, f64>,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        let (n, t) = (n.as_slice()?, target.as_slice()?);
        same_len(n, t)?;
        let h = PointOnly(self.inner.clone());
        let out = py
            .detach(|| {
                map2(n, t, |x, y| {
                    Ok(tokens_to_reach(&h, Params::new(x)?, y, 0.9)?.tokens.get())
                })
            })
            .py()?;
        Ok(PyArray1::from_vec(py, out))
    }

    /// The compute-optimal (N, D) of the point estimate over a flat array of budgets:
    /// an (n, 2) array.
    fn _optimal<'py>(
        &self,
        py: Python<'py>,
        c: PyReadonlyArray1<'py, f64>,
    ) -> PyResult<Bound<'py, PyArray2<f64>>> {
        let c = c.as_slice()?;
        let Some(laws) = self.inner.chinchilla_laws() else {
            // The crate's own refusal, with its message.
            let c0 = Flops::new(c.first().copied().unwrap_or(1e20)).py()?;
            return Err(
                match isoflop::query::compute_optimal(&*self.inner, c0, 0.9) {
                    Err(e) => convert::err(e),
                    Ok(_) => invalid("hypothesis", "no Chinchilla law behind it"),
                },
            );
        };
        let point: ChinchillaLaw = laws.point;
        let pairs: Vec<(f64, f64)> = py
            .detach(|| {
                c.par_iter()
                    .with_min_len(4096)
                    .map(|&x| {
                        let (n, d) = point.optimal(Flops::new(x)?)?;
                        Ok((n.get(), d.get()))
                    })
                    .collect::<isoflop::Result<Vec<_>>>()
            })
            .py()?;
        let rows: Vec<Vec<f64>> = pairs.iter().map(|&(n, d)| vec![n, d]).collect();
        if rows.is_empty() {
            return Ok(PyArray2::zeros(py, [0, 2], false));
        }
        PyArray2::from_vec2(py, &rows).map_err(|e| invalid("budgets", e.to_string()))
    }

    /// The floor of the loss for a model of `n` parameters (None when it has none).
    fn floor(&self, n: &Bound<'_, PyAny>) -> PyResult<Option<f64>> {
        self.inner.floor(convert::params(n)?).py()
    }

    /// The Chinchilla law's constants (E, A, B, alpha, beta), when it is one.
    fn _law(&self) -> Option<(f64, f64, f64, f64, f64)> {
        self.inner.chinchilla_laws().map(|l| {
            let p = l.point;
            (p.e(), p.a(), p.b(), p.alpha(), p.beta())
        })
    }

    /// The Chinchilla draws' constants as an (n, 5) array (E, A, B, alpha, beta).
    fn _law_draws<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyArray2<f64>>> {
        let draws = self.inner.chinchilla_laws().map(|l| l.draws).unwrap_or(&[]);
        convert::law_rows(py, draws)
    }

    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        let me = slf.get();
        Ok(format!(
            "<{} {}: {}>",
            slf.get_type().name()?,
            me.inner.id(),
            me.inner.assumption()
        ))
    }

    fn __str__(&self) -> String {
        self.text.clone()
    }

    fn _repr_html_(&self) -> String {
        self.html.clone()
    }
}

/// The Chinchilla law L = E + A/N^alpha + B/D^beta with its constructors.
#[pyclass(extends = Hypothesis, frozen, module = "isoflop._native")]
pub struct ChinchillaHypothesis;

fn chin(h: RsChinchilla) -> PyClassInitializer<ChinchillaHypothesis> {
    PyClassInitializer::from(Hypothesis::chinchilla(h)).add_subclass(ChinchillaHypothesis)
}

#[pymethods]
impl ChinchillaHypothesis {
    /// Your own law from its five constants (no draws), with an id.
    #[new]
    #[pyo3(signature = (e, a, b, alpha, beta, id = None))]
    fn new(
        e: &Bound<'_, PyAny>,
        a: &Bound<'_, PyAny>,
        b: &Bound<'_, PyAny>,
        alpha: &Bound<'_, PyAny>,
        beta: &Bound<'_, PyAny>,
        id: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyClassInitializer<ChinchillaHypothesis>> {
        let id = match id {
            Some(id) => convert::name(id, "hypothesis id")?,
            None => "my-law".to_string(),
        };
        let law = ChinchillaLaw::new(
            number(e, "E")?,
            number(a, "A")?,
            number(b, "B")?,
            number(alpha, "alpha")?,
            number(beta, "beta")?,
        )
        .py()?;
        let h = RsChinchilla::new(
            id,
            "given by the user",
            law,
            Vec::new(),
            isoflop::law::Uncertainty::None,
            Evidence::described("none given"),
        )
        .py()?;
        Ok(chin(h))
    }

    /// Hoffmann et al. 2022, Eq. 10 as printed.
    #[staticmethod]
    fn hoffmann2022(py: Python<'_>) -> PyResult<pyo3::Py<ChinchillaHypothesis>> {
        pyo3::Py::new(py, chin(RsChinchilla::hoffmann2022()))
    }

    /// Hoffmann et al. 2022 with the unrounded constants of the replication.
    #[staticmethod]
    fn hoffmann2022_unrounded(py: Python<'_>) -> PyResult<pyo3::Py<ChinchillaHypothesis>> {
        pyo3::Py::new(py, chin(RsChinchilla::hoffmann2022_unrounded()))
    }

    /// Besiroglu et al. 2024's refit of the bundled Chinchilla runs, with
    /// `bootstrap_draws` bootstrap refits (seeded).
    #[staticmethod]
    #[pyo3(signature = (bootstrap_draws = None, seed = None))]
    fn besiroglu2024(
        py: Python<'_>,
        bootstrap_draws: Option<&Bound<'_, PyAny>>,
        seed: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<pyo3::Py<ChinchillaHypothesis>> {
        let bootstrap_draws = convert::opt_count(bootstrap_draws, "bootstrap draws", 200)? as usize;
        let seed = convert::opt_count(seed, "seed", 42)?;
        let h = py
            .detach(|| isoflop::fit::replication::besiroglu2024(bootstrap_draws, seed))
            .py()?;
        pyo3::Py::new(py, chin(h))
    }

    /// Besiroglu et al. 2024's refit with its published covariance draws.
    #[staticmethod]
    fn besiroglu2024_published(py: Python<'_>) -> PyResult<pyo3::Py<ChinchillaHypothesis>> {
        pyo3::Py::new(py, chin(RsChinchilla::besiroglu2024_published()))
    }
}

/// Kaplan et al. 2020's L(N, D).
#[pyclass(extends = Hypothesis, frozen, module = "isoflop._native")]
pub struct KaplanHypothesis;

#[pymethods]
impl KaplanHypothesis {
    /// Kaplan et al. 2020, Eq. 1.5 and Table 2.
    #[staticmethod]
    fn kaplan2020(py: Python<'_>) -> PyResult<pyo3::Py<KaplanHypothesis>> {
        pyo3::Py::new(
            py,
            PyClassInitializer::from(Hypothesis::of(RsKaplan::kaplan2020()))
                .add_subclass(KaplanHypothesis),
        )
    }

    /// Kaplan et al. 2020 told a model's embedding parameters, so it takes total sizes.
    #[staticmethod]
    fn kaplan2020_with_embeddings(
        py: Python<'_>,
        embedding: &Bound<'_, PyAny>,
    ) -> PyResult<pyo3::Py<KaplanHypothesis>> {
        let h = RsKaplan::kaplan2020().with_embedding_params(convert::params(embedding)?);
        pyo3::Py::new(
            py,
            PyClassInitializer::from(Hypothesis::of(h)).add_subclass(KaplanHypothesis),
        )
    }
}

/// Muennighoff et al. 2023's data-constrained law.
#[pyclass(extends = Hypothesis, frozen, module = "isoflop._native")]
pub struct DataConstrainedHypothesis;

#[pymethods]
impl DataConstrainedHypothesis {
    /// Muennighoff et al. 2023 with `unique` unique tokens available.
    #[staticmethod]
    fn muennighoff2023(
        py: Python<'_>,
        unique: &Bound<'_, PyAny>,
    ) -> PyResult<pyo3::Py<DataConstrainedHypothesis>> {
        let h = RsDataConstrained::muennighoff2023(convert::tokens(unique)?);
        pyo3::Py::new(
            py,
            PyClassInitializer::from(Hypothesis::of(h)).add_subclass(DataConstrainedHypothesis),
        )
    }
}

/// A loss curve continued under an explicit assumption.
#[pyclass(extends = Hypothesis, frozen, module = "isoflop._native")]
pub struct Continuation;

pub fn form(name: &str) -> PyResult<ContinuationForm> {
    ContinuationForm::ALL
        .into_iter()
        .find(|f| f.id() == name)
        .ok_or_else(|| {
            convert::err(isoflop::Error::UnknownName {
                what: "continuation form",
                name: name.to_string(),
                known: "linear-in-tokens, linear-in-log-tokens, power-law-floor".into(),
            })
        })
}

pub fn model(name: &str) -> PyResult<LlamaModel> {
    name.parse::<LlamaModel>().py()
}

#[pymethods]
impl Continuation {
    /// Continues a bundled LLaMA-1 curve (`model` e.g. "LLaMA-7B") in `form`
    /// ("linear-in-tokens", "linear-in-log-tokens", "power-law-floor"), fitted from
    /// `start` tokens (default: where LLaMA's curves look straight, 300B).
    #[staticmethod]
    #[pyo3(signature = (model, form, draws = None, start = None, seed = None))]
    fn llama(
        py: Python<'_>,
        model: &Bound<'_, PyAny>,
        form: &Bound<'_, PyAny>,
        draws: Option<&Bound<'_, PyAny>>,
        start: Option<&Bound<'_, PyAny>>,
        seed: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<pyo3::Py<Continuation>> {
        let m = self::model(&convert::name(model, "LLaMA model")?)?;
        let f = self::form(&convert::name(form, "continuation form")?)?;
        let draws = convert::opt_count(draws, "draws", 500)? as usize;
        let seed = convert::opt_count(seed, "seed", 20230227)?;
        let curve = llama::curve(m);
        let start = match start {
            Some(s) => convert::tokens(s)?,
            None => llama::CONTINUATION_START,
        };
        let opts = ContinuationOptions {
            draws,
            seed,
            ..Default::default()
        }
        .starting_at(start);
        let h = py.detach(|| RsContinuation::fit(&curve, f, &opts)).py()?;
        pyo3::Py::new(
            py,
            PyClassInitializer::from(Hypothesis::of(h)).add_subclass(Continuation),
        )
    }

    /// Continues your own curve: `tokens` and `losses` (equal-length sequences) of a
    /// model of `params` parameters named `model`.
    #[staticmethod]
    #[pyo3(signature = (model, params, tokens, losses, form, draws = None, start = None, seed = None))]
    #[allow(clippy::too_many_arguments)]
    fn fit(
        py: Python<'_>,
        model: &Bound<'_, PyAny>,
        params: &Bound<'_, PyAny>,
        tokens: &Bound<'_, PyAny>,
        losses: &Bound<'_, PyAny>,
        form: &Bound<'_, PyAny>,
        draws: Option<&Bound<'_, PyAny>>,
        start: Option<&Bound<'_, PyAny>>,
        seed: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<pyo3::Py<Continuation>> {
        let model = convert::name(model, "model name")?;
        let (tokens, losses) = (
            convert::vector(tokens, "token counts")?,
            convert::vector(losses, "losses")?,
        );
        let curve = crate::curve(&model, params, &tokens, &losses)?;
        let f = self::form(&convert::name(form, "continuation form")?)?;
        let draws = convert::opt_count(draws, "draws", 500)? as usize;
        let seed = convert::opt_count(seed, "seed", 20230227)?;
        let mut opts = ContinuationOptions {
            draws,
            seed,
            ..Default::default()
        };
        if let Some(s) = start {
            opts = opts.starting_at(convert::tokens(s)?);
        }
        let h = py.detach(|| RsContinuation::fit(&curve, f, &opts)).py()?;
        pyo3::Py::new(
            py,
            PyClassInitializer::from(Hypothesis::of(h)).add_subclass(Continuation),
        )
    }
}

/// A schedule-aware law (annealing law, multi-power law) fitted to a run, planned on a
/// schedule: ask it with `predict_planned`.
#[pyclass(extends = Hypothesis, frozen, module = "isoflop._native")]
pub struct ScheduleAwareHypothesis;

pub fn scheduled(h: ScheduledHypothesis) -> PyClassInitializer<ScheduleAwareHypothesis> {
    PyClassInitializer::from(Hypothesis::scheduled(h)).add_subclass(ScheduleAwareHypothesis)
}

/// A fitted Chinchilla hypothesis as a Python object of its class.
pub fn new_chinchilla(py: Python<'_>, h: RsChinchilla) -> PyResult<pyo3::Py<ChinchillaHypothesis>> {
    pyo3::Py::new(py, chin(h))
}
