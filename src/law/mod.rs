//! Loss hypotheses: competing assumptions about how training loss continues.
//!
//! Each hypothesis is a named, documented assumption that maps a model size N
//! and a token count D to a loss (nats/token), with parameter draws for
//! uncertainty where they exist. They all implement [`LossHypothesis`], so a
//! query can put them side by side on the same budget.
//!
//! | module | assumption |
//! |---|---|
//! | [`allocation`] | N_opt = k_N C^a, D_opt = k_D C^b: an allocation rule, no loss (Approaches 1 and 2) |
//! | [`chinchilla`] | L(N, D) = E + A/N^α + B/D^β (Hoffmann et al. 2022 and refits) |
//! | [`kaplan`] | L(N, D) = [(N_c/N)^(α_N/α_D) + D_c/D]^α_D, N non-embedding (Kaplan et al. 2020, Eq. 1.5) |
//! | [`data_constrained`] | Chinchilla's law on effective data and size under repetition (Muennighoff et al. 2023) |
//! | [`continuation`] | one observed curve continued: linear in D, linear in ln D, or E + B·D^−β |
//! | [`calibration`] | any hypothesis moved onto another corpus by a fitted offset (and scale) |
//! | [`annealing`] | L(s) = L0 + A·S1^−α − C·S2 in the learning-rate schedule (Tissue et al. 2024) |
//! | [`multi_power`] | L(t) = L0 + A(S1 + S_W)^−α − LD(t), the multi-power law (Luo et al. 2025) |
//! | [`scheduled`] | a schedule-aware law as a hypothesis: the loss at the end of a run planned for D tokens |
//!
//! This layer depends only on [`crate::units`], [`crate::schedule`] and [`crate::data`]; fitting and
//! queries build on it, never the reverse.

pub mod allocation;
pub mod annealing;
pub mod calibration;
pub mod chinchilla;
pub mod continuation;
pub mod data_constrained;
pub mod kaplan;
pub mod multi_power;
pub mod scheduled;

use crate::data::run_table::RunTable;
use crate::error::{Error, Result};
use crate::units::{Flops, Params, Tokens};
use serde::{Deserialize, Serialize};

pub use allocation::AllocationRule;
pub use calibration::{Calibrated, CalibrationMode, CalibrationPoint};
pub use chinchilla::{ChinchillaHypothesis, ChinchillaLaw};
pub use continuation::{Continuation, ContinuationForm, ContinuationOptions, FitStart};
pub use data_constrained::{DataConstrainedHypothesis, DataConstrainedLaw};
pub use kaplan::{KaplanHypothesis, KaplanLaw};
pub use scheduled::{ScheduleLaw, ScheduledHypothesis};

/// How a hypothesis expresses its uncertainty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Uncertainty {
    /// No published uncertainty: predictions get a zero-width band and a warning.
    None,
    /// Draws from refitting bootstrap resamples of the data.
    Bootstrap,
    /// Draws from the parameter covariance of a regression (Student-t or normal).
    Covariance,
    /// Draws from a block bootstrap over a loss curve.
    BlockBootstrap,
    /// Draws from a predictive distribution calibrated on held-out backtest outcomes
    /// (the consensus, [`crate::consensus`]): what real runs did, not parameter noise.
    Backtest,
}

/// Where the evidence behind a hypothesis lies, so predictions can say how far they
/// extrapolate, in both directions: above the data (a larger model, a longer run, more
/// compute), below it, or into a part of the (N, D) plane the data never covered (a
/// tokens-per-parameter ratio outside the runs').
///
/// Deserialising checks that each minimum is at most its maximum and that the
/// tokens-per-parameter ratios are finite and > 0; the `min_*` and `*_tokens_per_param`
/// fields may be absent (older files), meaning unknown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawEvidence")]
pub struct Evidence {
    /// What the data was, e.g. "245 runs of Chinchilla Figure 4 (Epoch AI digitisation)".
    pub description: String,
    /// The largest model size in the data, if known.
    pub max_params: Option<Params>,
    /// The longest run (most tokens) in the data, if known.
    pub max_tokens: Option<Tokens>,
    /// The largest training compute in the data, if known.
    pub max_flops: Option<Flops>,
    /// The smallest model size in the data, if known.
    pub min_params: Option<Params>,
    /// The shortest run (fewest tokens) in the data, if known.
    pub min_tokens: Option<Tokens>,
    /// The smallest training compute in the data, if known.
    pub min_flops: Option<Flops>,
    /// The lowest tokens-per-parameter ratio D/N among the runs, if known.
    pub min_tokens_per_param: Option<f64>,
    /// The highest tokens-per-parameter ratio D/N among the runs, if known.
    pub max_tokens_per_param: Option<f64>,
}

/// Serde form of [`Evidence`], checked on the way in.
#[derive(Deserialize)]
struct RawEvidence {
    description: String,
    max_params: Option<Params>,
    max_tokens: Option<Tokens>,
    max_flops: Option<Flops>,
    #[serde(default)]
    min_params: Option<Params>,
    #[serde(default)]
    min_tokens: Option<Tokens>,
    #[serde(default)]
    min_flops: Option<Flops>,
    #[serde(default)]
    min_tokens_per_param: Option<f64>,
    #[serde(default)]
    max_tokens_per_param: Option<f64>,
}

impl TryFrom<RawEvidence> for Evidence {
    type Error = crate::Error;
    fn try_from(r: RawEvidence) -> Result<Self> {
        Evidence {
            description: r.description,
            max_params: r.max_params,
            max_tokens: r.max_tokens,
            max_flops: r.max_flops,
            min_params: r.min_params,
            min_tokens: r.min_tokens,
            min_flops: r.min_flops,
            min_tokens_per_param: r.min_tokens_per_param,
            max_tokens_per_param: r.max_tokens_per_param,
        }
        .validate()
    }
}

fn ordered(what: &'static str, lo: Option<f64>, hi: Option<f64>) -> Result<()> {
    if let (Some(lo), Some(hi)) = (lo, hi) {
        if lo > hi {
            return Err(crate::Error::InvalidValue {
                what,
                value: lo,
                allowed: "a minimum of the evidence must be at most its maximum",
            });
        }
    }
    Ok(())
}

impl Evidence {
    /// Evidence with a description and no known ranges.
    pub fn described(description: impl Into<String>) -> Self {
        Evidence {
            description: description.into(),
            max_params: None,
            max_tokens: None,
            max_flops: None,
            min_params: None,
            min_tokens: None,
            min_flops: None,
            min_tokens_per_param: None,
            max_tokens_per_param: None,
        }
    }

    /// The ranges of a set of runs (N, D): smallest and largest N, D, C = 6ND and D/N.
    ///
    /// # Examples
    /// ```
    /// use isoflop::law::Evidence;
    /// let runs = [("1B".parse()?, "20B".parse()?), ("7B".parse()?, "1T".parse()?)];
    /// let ev = Evidence::of_runs("two runs", runs);
    /// assert_eq!(ev.min_params.unwrap().get(), 1e9);
    /// assert_eq!(ev.max_tokens.unwrap().get(), 1e12);
    /// assert_eq!(ev.min_tokens_per_param, Some(20.0));
    /// # Ok::<(), isoflop::Error>(())
    /// ```
    pub fn of_runs(
        description: impl Into<String>,
        runs: impl IntoIterator<Item = (Params, Tokens)>,
    ) -> Evidence {
        let mut ev = Evidence::described(description);
        for (n, d) in runs {
            let c = Flops::new(6.0 * n.get() * d.get()).ok();
            let ratio = d.get() / n.get();
            ev.min_params = Some(ev.min_params.map_or(n, |m| if n < m { n } else { m }));
            ev.max_params = Some(ev.max_params.map_or(n, |m| if n > m { n } else { m }));
            ev.min_tokens = Some(ev.min_tokens.map_or(d, |m| if d < m { d } else { m }));
            ev.max_tokens = Some(ev.max_tokens.map_or(d, |m| if d > m { d } else { m }));
            if let Some(c) = c {
                ev.min_flops = Some(ev.min_flops.map_or(c, |m| if c < m { c } else { m }));
                ev.max_flops = Some(ev.max_flops.map_or(c, |m| if c > m { c } else { m }));
            }
            if ratio.is_finite() && ratio > 0.0 {
                ev.min_tokens_per_param =
                    Some(ev.min_tokens_per_param.map_or(ratio, |m| m.min(ratio)));
                ev.max_tokens_per_param =
                    Some(ev.max_tokens_per_param.map_or(ratio, |m| m.max(ratio)));
            }
        }
        ev
    }

    /// Checks the ranges: each minimum at most its maximum, ratios finite and > 0.
    ///
    /// # Errors
    /// [`crate::Error::InvalidValue`] naming the range.
    pub fn validate(self) -> Result<Evidence> {
        for r in [self.min_tokens_per_param, self.max_tokens_per_param]
            .into_iter()
            .flatten()
        {
            crate::error::check::positive("tokens per parameter of the evidence", r)?;
        }
        ordered(
            "smallest model of the evidence",
            self.min_params.map(Params::get),
            self.max_params.map(Params::get),
        )?;
        ordered(
            "shortest run of the evidence",
            self.min_tokens.map(Tokens::get),
            self.max_tokens.map(Tokens::get),
        )?;
        ordered(
            "smallest compute of the evidence",
            self.min_flops.map(Flops::get),
            self.max_flops.map(Flops::get),
        )?;
        ordered(
            "lowest tokens per parameter of the evidence",
            self.min_tokens_per_param,
            self.max_tokens_per_param,
        )?;
        Ok(self)
    }
}

impl Evidence {
    /// The evidence of a run table: the ranges of its model sizes, run lengths, compute
    /// (6ND) and tokens per parameter ([`Evidence::of_runs`] over the table's runs), with
    /// `description` saying what the data is.
    ///
    /// ```
    /// use isoflop::data::run_table::RunTable;
    /// use isoflop::law::Evidence;
    /// let t = RunTable::from_rows(&[(1e8, 2e9, 3.1), (4e8, 8e9, 2.7), (2e8, 9e9, 2.8)])?;
    /// let ev = Evidence::of_table(&t, "my three runs");
    /// assert_eq!(ev.max_params.unwrap().get(), 4e8);
    /// assert_eq!(ev.max_tokens.unwrap().get(), 9e9);
    /// assert_eq!(ev.max_flops.unwrap().get(), 6.0 * 4e8 * 8e9);
    /// assert_eq!(ev.min_params.unwrap().get(), 1e8);
    /// # Ok::<(), isoflop::Error>(())
    /// ```
    pub fn of_table(table: &RunTable, description: impl Into<String>) -> Self {
        Evidence::of_runs(description, table.iter().map(|r| (r.n, r.d)))
    }
}

/// A named assumption about loss as a function of model size and training tokens.
///
/// Implementors evaluate a point estimate and, where they have them, one loss per
/// parameter draw. Queries turn draws into bands and attach warnings; the
/// hypothesis itself never clamps or hides an impossible value.
pub trait LossHypothesis: Send + Sync + std::fmt::Debug {
    /// Stable machine name that says the assumption and its source,
    /// e.g. `chinchilla-hoffmann2022`, `linear-in-tokens`, `power-law-floor-calibrated`.
    fn id(&self) -> String;
    /// The assumption in one sentence.
    fn assumption(&self) -> String;
    /// Where the numbers come from (paper, table, or "fitted to ... by isoflop").
    fn source(&self) -> String;
    /// Point-estimate loss in nats/token for a model of `n` parameters trained on `d` tokens.
    fn point(&self, n: Params, d: Tokens) -> Result<f64>;
    /// The lowest loss this hypothesis allows for a model of size `n` as D grows without
    /// bound (`None` if it has no floor, e.g. a loss that keeps falling linearly).
    fn floor(&self, n: Params) -> Result<Option<f64>>;
    /// How the draws express uncertainty. Defaults to [`Uncertainty::None`], for
    /// point-only hypotheses (published presets); a hypothesis with draws overrides
    /// this, [`LossHypothesis::draw_count`] and [`LossHypothesis::draws_into`].
    fn uncertainty(&self) -> Uncertainty {
        Uncertainty::None
    }
    /// Number of parameter draws (0 when there is no uncertainty, the default).
    fn draw_count(&self) -> usize {
        0
    }
    /// Clears `out` and pushes one loss per parameter draw for (`n`, `d`) (by default,
    /// none). Must not allocate beyond `out`'s growth.
    fn draws_into(&self, n: Params, d: Tokens, out: &mut Vec<f64>) -> Result<()> {
        let _ = (n, d);
        out.clear();
        Ok(())
    }
    /// The data behind the hypothesis.
    fn evidence(&self) -> &Evidence;
    /// The corpus (and so the loss scale) its losses are on, e.g. "MassiveText",
    /// "WebText2", "LLaMA": losses measured on different corpora are not comparable, and
    /// [`crate::query::compare`] shows this beside every row. Defaults to "unstated".
    fn corpus(&self) -> String {
        "unstated".into()
    }
    /// Caveats every prediction of this hypothesis must carry (e.g. the cosine-schedule
    /// confound of curves read off a training run). Empty by default.
    fn caveats(&self) -> Vec<Caveat> {
        Vec::new()
    }
    /// Which parameter count [`LossHypothesis::point`], [`LossHypothesis::floor`] and
    /// [`LossHypothesis::draws_into`] take as N. Default: [`ParamCount::Total`], as
    /// Chinchilla-style laws count (embeddings included, as models are published).
    fn param_count(&self) -> ParamCount {
        ParamCount::Total
    }
    /// The N this hypothesis takes for a model of `total` parameters (embeddings
    /// included). Queries that take published sizes ([`crate::query::compare`]) pass
    /// every N through this, so a law that counts differently is never fed the wrong N.
    ///
    /// # Errors
    ///
    /// By default, the total itself for [`ParamCount::Total`], and
    /// [`Error::NotApplicable`] for [`ParamCount::NonEmbedding`] (the embedding count is
    /// not known); a hypothesis that knows it (e.g.
    /// [`KaplanHypothesis::with_embedding_params`]) converts instead.
    ///
    /// # Examples
    ///
    /// ```
    /// use isoflop::law::{ChinchillaHypothesis, KaplanHypothesis, LossHypothesis};
    /// use isoflop::units::Params;
    /// let total = Params::new(6_738_415_616.0)?; // LLaMA-7B
    /// assert_eq!(ChinchillaHypothesis::hoffmann2022().params_from_total(total)?, total);
    /// assert!(KaplanHypothesis::kaplan2020().params_from_total(total).is_err());
    /// let k = KaplanHypothesis::kaplan2020().with_embedding_params(Params::new(262_144_000.0)?);
    /// assert_eq!(k.params_from_total(total)?.get(), 6_476_271_616.0);
    /// # Ok::<(), isoflop::Error>(())
    /// ```
    fn params_from_total(&self, total: Params) -> Result<Params> {
        match self.param_count() {
            ParamCount::Total => Ok(total),
            ParamCount::NonEmbedding => Err(Error::NotApplicable {
                what: format!("{} at a total size of {total}", self.id()),
                reason: "it takes the non-embedding parameter count and does not know this \
                         model's embedding parameters; convert first (e.g. \
                         law::kaplan::non_embedding_params) or give them to the hypothesis"
                    .into(),
            }),
        }
    }
    /// The Chinchilla-form laws behind this hypothesis' compute-optimal split and de
    /// Vries overhead, when its loss is a strictly increasing function of a Chinchilla
    /// law's loss (the law itself, or a calibration of one, whose scale is positive):
    /// then both share the law's optimum. `None` (the default) for every other form,
    /// and [`crate::query::compute_optimal`] declines them.
    fn chinchilla_laws(&self) -> Option<ChinchillaLaws<'_>> {
        None
    }
}

/// Which parameter count a law's N is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum ParamCount {
    /// All parameters, embeddings included (Hoffmann et al. 2022 and most published sizes).
    Total,
    /// Parameters without the vocabulary and position embeddings (Kaplan et al. 2020, Sec. 2.1).
    NonEmbedding,
}

/// The Chinchilla-form laws of a hypothesis ([`LossHypothesis::chinchilla_laws`]): its
/// point law and one law per parameter draw, in the order of
/// [`LossHypothesis::draws_into`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChinchillaLaws<'a> {
    /// The point estimate.
    pub point: ChinchillaLaw,
    /// One law per draw (empty without draws).
    pub draws: &'a [ChinchillaLaw],
}

/// Anything that can lend a `&dyn LossHypothesis`: a borrowed hypothesis (`&dyn
/// LossHypothesis`), an owned one (`ChinchillaHypothesis`), or a
/// boxed or shared one (`Box<dyn LossHypothesis>`, `Arc<dyn LossHypothesis>`,
/// `Rc<dyn LossHypothesis>`). Functions that take a list of hypotheses
/// ([`crate::query::compare`]) take `&[H]` for any `H: AsHypothesis`, so a notebook can
/// keep an owned `Vec<Box<dyn LossHypothesis>>` between cells (evcxr cannot keep a
/// `Vec<&dyn LossHypothesis>`: it borrows from other variables).
///
/// ```
/// use isoflop::law::{AsHypothesis, ChinchillaHypothesis, LossHypothesis};
/// use std::sync::Arc;
/// let owned: Vec<Box<dyn LossHypothesis>> = vec![Box::new(ChinchillaHypothesis::hoffmann2022())];
/// let shared: Vec<Arc<dyn LossHypothesis>> = vec![Arc::new(ChinchillaHypothesis::hoffmann2022())];
/// assert_eq!(owned[0].as_hypothesis().id(), shared[0].as_hypothesis().id());
/// ```
pub trait AsHypothesis {
    /// The hypothesis, borrowed.
    fn as_hypothesis(&self) -> &dyn LossHypothesis;
}

impl<'a> AsHypothesis for &'a (dyn LossHypothesis + 'a) {
    fn as_hypothesis(&self) -> &dyn LossHypothesis {
        *self
    }
}

impl<T: LossHypothesis> AsHypothesis for T {
    fn as_hypothesis(&self) -> &dyn LossHypothesis {
        self
    }
}

impl AsHypothesis for Box<dyn LossHypothesis> {
    fn as_hypothesis(&self) -> &dyn LossHypothesis {
        self.as_ref()
    }
}

impl AsHypothesis for std::sync::Arc<dyn LossHypothesis> {
    fn as_hypothesis(&self) -> &dyn LossHypothesis {
        self.as_ref()
    }
}

impl AsHypothesis for std::rc::Rc<dyn LossHypothesis> {
    fn as_hypothesis(&self) -> &dyn LossHypothesis {
        self.as_ref()
    }
}

/// A standing caveat of a hypothesis, attached to each of its predictions as a warning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Caveat {
    /// Fitted to intermediate points of a cosine learning-rate schedule, which overstate
    /// the loss of a run scheduled to end there (Hoffmann et al. 2022, App. B).
    ScheduleConfound,
    /// Any other caveat, in one sentence.
    Note(String),
    /// The fit behind the hypothesis did not converge (its status, e.g. `FlatDirection`,
    /// and what that means): its parameters are not estimates.
    FitNotConverged {
        /// The fit's status, as named by `isoflop::fit::FitStatus`.
        status: String,
        /// What the status means and what to do about it.
        reason: String,
    },
}
