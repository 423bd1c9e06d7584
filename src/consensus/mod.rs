//! One honest answer: a consensus of the hypotheses, weighted and widened by how they did
//! on real outcomes they never saw.
//!
//! Every hypothesis answers with a band that measures only its own parameter noise, and the
//! backtests ([`crate::backtest`]) show those bands cover a small fraction of what real
//! runs did. The consensus turns the backtests into one calibrated answer:
//!
//! 1. **An error model per member.** A member's held-out residuals (observed − predicted)
//!    grow with how far it extrapolated, so each is divided by g(x) = 1 + ln x, with x ≥ 1
//!    the record's extrapolation factor, before its scale is taken (a normalised,
//!    locally adaptive error model in the sense of Lei et al. 2018, "Distribution-Free
//!    Predictive Inference for Regression", JASA, arXiv:1604.04173). A member's
//!    predictive distribution at a new point is a normal centred on its point prediction,
//!    with standard deviation √((s·g(x))² + σ²): s its residual scale, σ the spread of its
//!    own band.
//! 2. **Stacking weights.** Weights on the simplex that maximise the held-out log score
//!    of the mixture (Yao, Vehtari, Simpson, Gelman 2018, "Using Stacking to Average
//!    Bayesian Predictive Distributions", Bayesian Analysis 13(3), arXiv:1704.02030). We
//!    chose stacking over Bayesian model averaging because no member is the true model
//!    here: the backtests show each is biased somewhere, and BMA concentrates its weight on
//!    one member as data grow, while stacking keeps the combination that predicts best.
//! 3. **Independence.** Points along one training curve are strongly correlated, so every
//!    outcome belongs to a *group* (one model size of one corpus: all its runs and
//!    curves); each group carries the same total weight in both fits, and
//!    [`leave_one_group_out`] scores the consensus on each group with error models and
//!    weights fitted without it.
//!
//! A member that does not apply to a question (a curve continuation asked about another
//! size) drops out of it, and the weights of those that remain are renormalised; a member
//! with no backtest evidence of the question's kind has no error model and drops out with a
//! note.
//!
//! ```
//! use isoflop::consensus::{calibrate, MemberForecast, Outcome, TargetKind};
//! // Two members scored on four groups: "good" misses by 0.01, "bad" by 0.2.
//! let outcomes: Vec<Outcome> = (0..4)
//!     .map(|g| {
//!         let y = 2.0 + 0.1 * g as f64;
//!         Outcome::new(format!("q{g}"), "demo", format!("g{g}"), TargetKind::FinalLoss, y, vec![
//!             MemberForecast::new("good", y + 0.01, 0.0, 2.0)?,
//!             MemberForecast::new("bad", y - 0.2, 0.0, 2.0)?,
//!         ])
//!     })
//!     .collect::<Result<_, _>>()?;
//! let cal = calibrate(&outcomes)?;
//! assert!(cal.weight("good").unwrap() > 0.9);
//! # Ok::<(), isoflop::Error>(())
//! ```

mod hypothesis;
pub mod table;

pub use hypothesis::{Consensus, Dropped, DEFAULT_DRAWS};

use crate::backtest::Record;
use crate::band::Band;
use crate::error::{check, Error, Result};
use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, Normal};
use std::collections::BTreeMap;

/// The levels the consensus is scored at.
pub const LEVELS: [f64; 3] = [0.5, 0.8, 0.9];

/// What a held-out outcome is: a point in the middle of a training curve, or the final
/// loss of a run (what a budget question asks).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum TargetKind {
    /// A later point of the same run the hypothesis was fitted to.
    CurvePoint,
    /// The final loss of a run (a run planned longer, a larger model, more compute).
    FinalLoss,
}

impl TargetKind {
    /// The kind of the bundled backtests' splits: `along-curve@…` splits predict points of
    /// the curve they were fitted to; every other split predicts final losses.
    pub fn of_split(split: &str) -> TargetKind {
        if split.starts_with("along-curve") {
            TargetKind::CurvePoint
        } else {
            TargetKind::FinalLoss
        }
    }

    /// `curve-point` or `final-loss`.
    pub fn name(self) -> &'static str {
        match self {
            TargetKind::CurvePoint => "curve-point",
            TargetKind::FinalLoss => "final-loss",
        }
    }
}

/// The group of a bundled backtest record: one model size of one corpus (the corpus from
/// the split: `planned-longer:slimpajama` → slimpajama; `along-compute@…` → Chinchilla's
/// runs; the other bundled splits → LLaMA-1), so every curve, run and split of that size
/// is left out together.
pub fn group_of(record: &Record) -> String {
    let corpus = match record.split.split_once(':') {
        Some((_, c)) => c,
        None if record.split.starts_with("along-compute") => "chinchilla",
        None => "llama",
    };
    format!("{corpus}:{}", record.params)
}

/// One member's forecast of one outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberForecast {
    hypothesis: String,
    point: f64,
    spread: f64,
    extrapolation: f64,
}

impl MemberForecast {
    /// Member `hypothesis` predicted `point` (nats/token) with its own band's standard
    /// deviation `spread` (0 without a band), `extrapolation` times beyond its data.
    ///
    /// # Errors
    /// A non-finite point, a negative or non-finite spread, or an extrapolation factor that
    /// is not finite and > 0 ([`Error::InvalidValue`]).
    pub fn new(
        hypothesis: impl Into<String>,
        point: f64,
        spread: f64,
        extrapolation: f64,
    ) -> Result<Self> {
        check::finite("member's point prediction", point)?;
        check::non_negative("member's band spread", spread)?;
        check::positive("member's extrapolation factor", extrapolation)?;
        Ok(MemberForecast {
            hypothesis: hypothesis.into(),
            point,
            spread,
            extrapolation,
        })
    }
    /// The member's id.
    pub fn hypothesis(&self) -> &str {
        &self.hypothesis
    }
    /// Its point prediction.
    pub fn point(&self) -> f64 {
        self.point
    }
    /// The standard deviation of its own band (0 without one).
    pub fn spread(&self) -> f64 {
        self.spread
    }
    /// How far it extrapolated.
    pub fn extrapolation(&self) -> f64 {
        self.extrapolation
    }
}

/// One held-out outcome and every member's forecast of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    question: String,
    split: String,
    group: String,
    kind: TargetKind,
    observed: f64,
    members: Vec<MemberForecast>,
}

impl Outcome {
    /// What `question` (in `split`, independent `group`) observed, and the members' forecasts.
    ///
    /// # Errors
    /// A non-finite observation, no members, or one member twice ([`Error::InvalidValue`],
    /// [`Error::InsufficientData`]).
    pub fn new(
        question: impl Into<String>,
        split: impl Into<String>,
        group: impl Into<String>,
        kind: TargetKind,
        observed: f64,
        members: Vec<MemberForecast>,
    ) -> Result<Self> {
        check::finite("observed loss", observed)?;
        let question = question.into();
        if members.is_empty() {
            return Err(Error::InsufficientData {
                what: "a consensus outcome",
                reason: format!("{question:?} has no member forecasts"),
            });
        }
        for (i, m) in members.iter().enumerate() {
            if members[..i].iter().any(|o| o.hypothesis == m.hypothesis) {
                return Err(Error::NotApplicable {
                    what: format!("outcome {question:?}"),
                    reason: format!("member {:?} forecasts it twice", m.hypothesis),
                });
            }
        }
        Ok(Outcome {
            question,
            split: split.into(),
            group: group.into(),
            kind,
            observed,
            members,
        })
    }
    /// What was predicted.
    pub fn question(&self) -> &str {
        &self.question
    }
    /// The split it belongs to.
    pub fn split(&self) -> &str {
        &self.split
    }
    /// Its independent group.
    pub fn group(&self) -> &str {
        &self.group
    }
    /// Its kind.
    pub fn kind(&self) -> TargetKind {
        self.kind
    }
    /// The observed loss.
    pub fn observed(&self) -> f64 {
        self.observed
    }
    /// The members' forecasts.
    pub fn members(&self) -> &[MemberForecast] {
        &self.members
    }
}

/// The outcomes of backtest `records`: one per (split, target), with every hypothesis'
/// forecast of it, grouped by [`group_of`] and kinded by [`TargetKind::of_split`]. A band's
/// spread is its half-width over the normal quantile of its level.
///
/// # Errors
/// As [`Outcome::new`] and [`MemberForecast::new`].
pub fn outcomes(records: &[Record]) -> Result<Vec<Outcome>> {
    let mut by_q: BTreeMap<(String, String), (f64, String, Vec<MemberForecast>)> = BTreeMap::new();
    for r in records {
        let spread = match r.band {
            Some(b) if b.width() > 0.0 => b.width() / (2.0 * z_of(b.level)),
            _ => 0.0,
        };
        let f = MemberForecast::new(&r.hypothesis, r.predicted, spread, r.extrapolation)?;
        let e = by_q
            .entry((r.split.clone(), r.target.clone()))
            .or_insert_with(|| (r.observed, group_of(r), Vec::new()));
        if !e.2.iter().any(|m| m.hypothesis == f.hypothesis) {
            e.2.push(f);
        }
    }
    by_q.into_iter()
        .map(|((split, q), (y, g, ms))| {
            let kind = TargetKind::of_split(&split);
            Outcome::new(q, split, g, kind, y, ms)
        })
        .collect()
}

fn z_of(level: f64) -> f64 {
    Normal::standard().inverse_cdf(0.5 + level / 2.0)
}

/// g(x) = 1 + ln x for x > 1, else 1: how a member's error grows with extrapolation.
pub fn extrapolation_growth(x: f64) -> f64 {
    1.0 + x.max(1.0).ln()
}

/// A member's error model: its residual scale at no extrapolation, and the evidence behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorModel {
    hypothesis: String,
    scale: f64,
    bias: f64,
    outcomes: usize,
    groups: usize,
}

impl ErrorModel {
    /// Builds an error model (as stored in a precomputed table).
    ///
    /// # Errors
    /// A scale that is not finite and > 0, a non-finite bias, or no outcomes.
    pub fn new(
        hypothesis: impl Into<String>,
        scale: f64,
        bias: f64,
        outcomes: usize,
        groups: usize,
    ) -> Result<Self> {
        check::positive("error-model scale", scale)?;
        check::finite("error-model bias", bias)?;
        if outcomes == 0 || groups == 0 {
            return Err(Error::InsufficientData {
                what: "an error model",
                reason: "it rests on no outcomes".into(),
            });
        }
        Ok(ErrorModel {
            hypothesis: hypothesis.into(),
            scale,
            bias,
            outcomes,
            groups,
        })
    }
    /// The member's id.
    pub fn hypothesis(&self) -> &str {
        &self.hypothesis
    }
    /// Its residual scale s (nats/token) at no extrapolation: the standard deviation is
    /// s·g(x) ([`extrapolation_growth`]).
    pub fn scale(&self) -> f64 {
        self.scale
    }
    /// Its mean normalised residual, observed − predicted over g(x) (reported, not used to
    /// shift predictions: a bias learned on one kind of split does not transfer).
    pub fn bias(&self) -> f64 {
        self.bias
    }
    /// How many outcomes it rests on.
    pub fn outcomes(&self) -> usize {
        self.outcomes
    }
    /// How many independent groups those outcomes come from.
    pub fn groups(&self) -> usize {
        self.groups
    }
    /// The standard deviation of the member's predictive distribution for a forecast with
    /// band spread `spread`, `x` times beyond its data.
    pub fn sd(&self, spread: f64, x: f64) -> f64 {
        (self.scale * extrapolation_growth(x)).hypot(spread)
    }
}

/// Error models and stacking weights fitted on outcomes of one kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    models: Vec<ErrorModel>,
    weights: Vec<f64>,
    outcomes: usize,
    groups: usize,
}

/// A member needs outcomes from at least this many groups to get an error model.
pub const MIN_GROUPS: usize = 2;

impl Calibration {
    /// A calibration from stored error models and weights (one per model, summing to 1).
    ///
    /// # Errors
    /// No models, a length mismatch, a negative or non-finite weight, or weights that do
    /// not sum to 1 within 1e-6 ([`Error::InvalidValue`]).
    pub fn new(
        models: Vec<ErrorModel>,
        weights: Vec<f64>,
        outcomes: usize,
        groups: usize,
    ) -> Result<Self> {
        if models.is_empty() || models.len() != weights.len() {
            return Err(Error::InvalidValue {
                what: "number of consensus weights",
                value: weights.len() as f64,
                allowed: "must be one per error model, and at least one",
            });
        }
        for &w in &weights {
            check::non_negative("consensus weight", w)?;
        }
        let sum: f64 = weights.iter().sum();
        if (sum - 1.0).abs() > 1e-6 {
            return Err(Error::InvalidValue {
                what: "sum of consensus weights",
                value: sum,
                allowed: "must be 1 (within 1e-6)",
            });
        }
        Ok(Calibration {
            models,
            weights,
            outcomes,
            groups,
        })
    }
    /// The members' error models.
    pub fn models(&self) -> &[ErrorModel] {
        &self.models
    }
    /// The stacking weights, in the order of [`Calibration::models`].
    pub fn weights(&self) -> &[f64] {
        &self.weights
    }
    /// Member `hypothesis`'s weight, if it has an error model.
    pub fn weight(&self, hypothesis: &str) -> Option<f64> {
        self.index(hypothesis).map(|i| self.weights[i])
    }
    /// Member `hypothesis`'s error model.
    pub fn model(&self, hypothesis: &str) -> Option<&ErrorModel> {
        self.index(hypothesis).map(|i| &self.models[i])
    }
    /// Outcomes behind the calibration.
    pub fn outcomes(&self) -> usize {
        self.outcomes
    }
    /// Independent groups behind it.
    pub fn groups(&self) -> usize {
        self.groups
    }
    fn index(&self, hypothesis: &str) -> Option<usize> {
        self.models.iter().position(|m| m.hypothesis == hypothesis)
    }

    /// The consensus mixture of `members`' forecasts: each member with an error model, at
    /// its weight renormalised over those present. Members without one are returned as
    /// dropped.
    ///
    /// # Errors
    /// [`Error::NotApplicable`] when no member has an error model, or the present members'
    /// weights are all zero.
    pub fn mixture(&self, members: &[MemberForecast]) -> Result<(Mixture, Vec<String>)> {
        let mut comps = Vec::new();
        let mut dropped = Vec::new();
        for m in members {
            match self.index(&m.hypothesis) {
                Some(i) if self.weights[i] > 0.0 => comps.push(Component {
                    hypothesis: m.hypothesis.clone(),
                    weight: self.weights[i],
                    mean: m.point,
                    sd: self.models[i].sd(m.spread, m.extrapolation),
                }),
                Some(_) => {}
                None => dropped.push(m.hypothesis.clone()),
            }
        }
        Mixture::new(comps).map(|mix| (mix, dropped))
    }
}

/// One member's part of a [`Mixture`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Component {
    /// The member's id.
    pub hypothesis: String,
    /// Its weight (the weights of a mixture sum to 1).
    pub weight: f64,
    /// Its point prediction.
    pub mean: f64,
    /// Its predictive standard deviation.
    pub sd: f64,
}

/// A weighted mixture of normal predictive distributions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mixture {
    components: Vec<Component>,
}

impl Mixture {
    /// A mixture of `components`, weights renormalised to sum to 1.
    ///
    /// # Errors
    /// No component, a non-finite mean, an sd that is not finite and > 0, or weights that
    /// are negative or sum to 0 ([`Error::NotApplicable`], [`Error::InvalidValue`]).
    pub fn new(mut components: Vec<Component>) -> Result<Self> {
        let total: f64 = components.iter().map(|c| c.weight).sum();
        if components.is_empty() || !(total > 0.0 && total.is_finite()) {
            return Err(Error::NotApplicable {
                what: "a consensus".into(),
                reason: "no member with backtest evidence and a positive weight applies here"
                    .into(),
            });
        }
        for c in &mut components {
            check::non_negative("mixture weight", c.weight)?;
            check::finite("mixture component mean", c.mean)?;
            check::positive("mixture component sd", c.sd)?;
            c.weight /= total;
        }
        Ok(Mixture { components })
    }
    /// The components.
    pub fn components(&self) -> &[Component] {
        &self.components
    }
    /// P(loss ≤ x).
    pub fn cdf(&self, x: f64) -> f64 {
        self.components
            .iter()
            .map(|c| c.weight * phi((x - c.mean) / c.sd))
            .sum()
    }
    /// The density at x.
    pub fn pdf(&self, x: f64) -> f64 {
        self.components
            .iter()
            .map(|c| c.weight * normal_pdf(x, c.mean, c.sd))
            .sum()
    }
    /// The p-quantile (p in (0, 1)), by bisection on the CDF to 1e-12.
    pub fn quantile(&self, p: f64) -> f64 {
        let (mut lo, mut hi) = self
            .components
            .iter()
            .fold((f64::MAX, f64::MIN), |(l, h), c| {
                (l.min(c.mean - 12.0 * c.sd), h.max(c.mean + 12.0 * c.sd))
            });
        for _ in 0..200 {
            let mid = 0.5 * (lo + hi);
            if self.cdf(mid) < p {
                lo = mid;
            } else {
                hi = mid;
            }
            if hi - lo < 1e-12 {
                break;
            }
        }
        0.5 * (lo + hi)
    }
    /// The central band at `level`, with the median.
    ///
    /// # Errors
    /// A level outside (0, 1) ([`Error::InvalidValue`]).
    pub fn band(&self, level: f64) -> Result<Band> {
        check::open_unit("band level", level)?;
        let a = (1.0 - level) / 2.0;
        Band::new(
            self.quantile(a),
            self.quantile(0.5),
            self.quantile(1.0 - a),
            level,
        )
    }
}

fn phi(z: f64) -> f64 {
    0.5 * erfc(-z / std::f64::consts::SQRT_2)
}

fn erfc(x: f64) -> f64 {
    statrs::function::erf::erfc(x)
}

fn normal_pdf(x: f64, m: f64, s: f64) -> f64 {
    let z = (x - m) / s;
    (-0.5 * z * z).exp() / (s * (2.0 * std::f64::consts::PI).sqrt())
}

/// Each outcome's weight: 1 / (outcomes of its group), so every group counts once.
fn group_weights(outcomes: &[&Outcome]) -> Vec<f64> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for o in outcomes {
        *counts.entry(&o.group).or_default() += 1;
    }
    outcomes
        .iter()
        .map(|o| 1.0 / counts[o.group.as_str()] as f64)
        .collect()
}

/// Fits error models and stacking weights on `outcomes` (all of one [`TargetKind`]).
///
/// # Errors
/// No outcomes, outcomes of two kinds, or no member with outcomes from at least
/// [`MIN_GROUPS`] groups ([`Error::InsufficientData`]).
pub fn calibrate(outcomes: &[Outcome]) -> Result<Calibration> {
    let refs: Vec<&Outcome> = outcomes.iter().collect();
    calibrate_refs(&refs)
}

fn calibrate_refs(outcomes: &[&Outcome]) -> Result<Calibration> {
    let Some(first) = outcomes.first() else {
        return Err(Error::InsufficientData {
            what: "a consensus calibration",
            reason: "no outcomes".into(),
        });
    };
    if outcomes.iter().any(|o| o.kind != first.kind) {
        return Err(Error::NotApplicable {
            what: "a consensus calibration".into(),
            reason: "its outcomes mix curve points and final losses; calibrate each kind apart"
                .into(),
        });
    }
    let omega = group_weights(outcomes);
    // Error models: weighted moments of the normalised residuals, per member.
    let mut acc: BTreeMap<&str, (f64, f64, f64, usize, Vec<&str>)> = BTreeMap::new();
    for (o, &w) in outcomes.iter().zip(&omega) {
        for m in &o.members {
            let z = (o.observed - m.point) / extrapolation_growth(m.extrapolation);
            let e = acc.entry(&m.hypothesis).or_default();
            e.0 += w;
            e.1 += w * z;
            e.2 += w * z * z;
            e.3 += 1;
            if !e.4.contains(&o.group.as_str()) {
                e.4.push(&o.group);
            }
        }
    }
    let models: Vec<ErrorModel> = acc
        .into_iter()
        .filter(|(_, e)| e.4.len() >= MIN_GROUPS)
        .map(|(h, (w, s1, s2, n, gs))| {
            // The root mean square, floored at 1e-4 nats (well under the run-to-run noise
            // of a final loss), so a member that happened to be exact keeps a band.
            let scale = (s2 / w).sqrt().max(1e-4);
            ErrorModel::new(h, scale, s1 / w, n, gs.len())
        })
        .collect::<Result<_>>()?;
    if models.is_empty() {
        return Err(Error::InsufficientData {
            what: "a consensus calibration",
            reason: format!("no member has outcomes from at least {MIN_GROUPS} groups"),
        });
    }
    let weights = stacking_weights(outcomes, &omega, &models);
    let mut groups: Vec<&str> = outcomes.iter().map(|o| o.group.as_str()).collect();
    groups.sort_unstable();
    groups.dedup();
    Calibration::new(models, weights, outcomes.len(), groups.len())
}

/// Maximises Σ_q ω_q ln(Σ_(h∈A_q) w_h p_hq / Σ_(h∈A_q) w_h) over the simplex by the
/// multiplicative fixed-point update w_h ← w_h · (Σ_q ω_q p_hq / S_q) / (Σ_q ω_q / W_q)
/// (q over the outcomes member h forecast), whose fixed points are the optimum's
/// stationarity conditions.
fn stacking_weights(outcomes: &[&Outcome], omega: &[f64], models: &[ErrorModel]) -> Vec<f64> {
    let k = models.len();
    // Densities p_hq (None where h does not forecast q).
    let dens: Vec<Vec<Option<f64>>> = outcomes
        .iter()
        .map(|o| {
            models
                .iter()
                .map(|em| {
                    o.members
                        .iter()
                        .find(|m| m.hypothesis == em.hypothesis)
                        .map(|m| {
                            normal_pdf(o.observed, m.point, em.sd(m.spread, m.extrapolation))
                                .max(1e-300)
                        })
                })
                .collect()
        })
        .collect();
    let mut w = vec![1.0 / k as f64; k];
    let (mut num, mut den, mut next) = (vec![0.0; k], vec![0.0; k], vec![0.0; k]);
    for _ in 0..2000 {
        num.fill(0.0);
        den.fill(0.0);
        for (d, &om) in dens.iter().zip(omega) {
            let (s, wsum) = d
                .iter()
                .zip(&w)
                .fold((0.0, 0.0), |(s, ws), (p, &wh)| match p {
                    Some(p) => (s + wh * p, ws + wh),
                    None => (s, ws),
                });
            if wsum <= 0.0 || s <= 0.0 {
                continue;
            }
            for h in 0..k {
                if let Some(p) = d[h] {
                    num[h] += om * p / s;
                    den[h] += om / wsum;
                }
            }
        }
        for h in 0..k {
            next[h] = if den[h] > 0.0 {
                w[h] * num[h] / den[h]
            } else {
                0.0
            };
        }
        let total: f64 = next.iter().sum();
        if total.is_nan() || total <= 0.0 {
            break;
        }
        next.iter_mut().for_each(|x| *x /= total);
        let change = next
            .iter()
            .zip(&w)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        std::mem::swap(&mut w, &mut next);
        if change < 1e-10 {
            break;
        }
    }
    w
}

/// The consensus's held-out prediction of one outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeldOut {
    /// What was predicted.
    pub question: String,
    /// Its split.
    pub split: String,
    /// Its group (left out of the calibration that predicted it).
    pub group: String,
    /// The observed loss.
    pub observed: f64,
    /// The consensus bands at [`LEVELS`] (50%, 80%, 90%), each with the median.
    pub bands: Vec<Band>,
    /// Members that had no error model without this group, and so dropped out.
    pub dropped: Vec<String>,
    /// The held-out predictive distribution itself.
    pub mixture: Mixture,
}

impl HeldOut {
    /// The consensus median.
    pub fn median(&self) -> f64 {
        self.bands[0].median
    }
}

/// Scores the consensus on every outcome with error models and weights fitted on the
/// *other groups* of the same kind (leave one group out): calibration never sees the
/// outcome it is scored on, nor any outcome of the same model size and corpus.
///
/// # Errors
/// As [`calibrate`] for a fold with too little evidence; outcomes whose members all lack
/// an error model in their fold are skipped (listed nowhere: they have no consensus).
pub fn leave_one_group_out(outcomes: &[Outcome]) -> Result<Vec<HeldOut>> {
    let mut out = Vec::new();
    let mut keys: Vec<(TargetKind, &str)> = outcomes
        .iter()
        .map(|o| (o.kind, o.group.as_str()))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    for (kind, group) in keys {
        let train: Vec<&Outcome> = outcomes
            .iter()
            .filter(|o| o.kind == kind && o.group != group)
            .collect();
        let Ok(cal) = calibrate_refs(&train) else {
            continue;
        };
        for o in outcomes
            .iter()
            .filter(|o| o.kind == kind && o.group == group)
        {
            let Ok((mix, dropped)) = cal.mixture(&o.members) else {
                continue;
            };
            let bands = LEVELS
                .iter()
                .map(|&l| mix.band(l))
                .collect::<Result<Vec<_>>>()?;
            out.push(HeldOut {
                question: o.question.clone(),
                split: o.split.clone(),
                group: o.group.clone(),
                observed: o.observed,
                bands,
                dropped,
                mixture: mix,
            });
        }
    }
    Ok(out)
}

/// The consensus's held-out scores on one split (or `all`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoverageRow {
    /// The split, or `all`.
    pub split: String,
    /// Held-out outcomes scored.
    pub outcomes: usize,
    /// Independent groups they come from (the effective count is nearer this).
    pub groups: usize,
    /// Coverage of the 50%, 80% and 90% bands.
    pub coverage: [f64; 3],
    /// Mean absolute error of the consensus median, nats/token.
    pub mae: f64,
    /// Mean width of the 90% band.
    pub width90: f64,
    /// The single hypothesis with the lowest MAE on these outcomes, chosen in hindsight
    /// (among those that forecast all of them), and its MAE.
    pub best_single: Option<(String, f64)>,
}

/// Per-split and overall coverage, error and width of the held-out consensus, beside the
/// best single hypothesis in hindsight on the same outcomes. On `all`, the hindsight
/// baseline picks the best hypothesis per split (a member that forecasts every split's
/// outcomes rarely exists).
pub fn coverage_table(held: &[HeldOut], outcomes: &[Outcome]) -> Vec<CoverageRow> {
    let mut splits: Vec<&str> = held.iter().map(|h| h.split.as_str()).collect();
    splits.sort_unstable();
    splits.dedup();
    let find = |h: &HeldOut| {
        outcomes
            .iter()
            .find(|o| o.split == h.split && o.question == h.question)
    };
    let mut rows = Vec::new();
    let mut best_total = (0.0, 0usize);
    for s in &splits {
        let hs: Vec<&HeldOut> = held.iter().filter(|h| h.split == *s).collect();
        let os: Vec<&Outcome> = hs.iter().filter_map(|h| find(h)).collect();
        let best = best_single(&os);
        if let Some((_, m)) = &best {
            best_total.0 += m * hs.len() as f64;
            best_total.1 += hs.len();
        }
        rows.push(row(s, &hs, best));
    }
    let all: Vec<&HeldOut> = held.iter().collect();
    let best = (best_total.1 == held.len() && !held.is_empty()).then(|| {
        (
            "best per split".to_string(),
            best_total.0 / held.len() as f64,
        )
    });
    rows.push(row("all", &all, best));
    rows
}

fn best_single(os: &[&Outcome]) -> Option<(String, f64)> {
    let first = os.first()?;
    first
        .members
        .iter()
        .filter_map(|m| {
            let errs: Option<Vec<f64>> = os
                .iter()
                .map(|o| {
                    o.members
                        .iter()
                        .find(|x| x.hypothesis == m.hypothesis)
                        .map(|x| (x.point - o.observed).abs())
                })
                .collect();
            errs.map(|e| (m.hypothesis.clone(), e.iter().sum::<f64>() / e.len() as f64))
        })
        .min_by(|a, b| a.1.total_cmp(&b.1))
}

fn row(split: &str, hs: &[&HeldOut], best_single: Option<(String, f64)>) -> CoverageRow {
    let n = hs.len().max(1) as f64;
    let mut groups: Vec<&str> = hs.iter().map(|h| h.group.as_str()).collect();
    groups.sort_unstable();
    groups.dedup();
    let cov = |i: usize| {
        hs.iter()
            .filter(|h| h.bands[i].contains(h.observed))
            .count() as f64
            / n
    };
    CoverageRow {
        split: split.to_string(),
        outcomes: hs.len(),
        groups: groups.len(),
        coverage: [cov(0), cov(1), cov(2)],
        mae: hs
            .iter()
            .map(|h| (h.median() - h.observed).abs())
            .sum::<f64>()
            / n,
        width90: hs.iter().map(|h| h.bands[2].width()).sum::<f64>() / n,
        best_single,
    }
}

/// How well one predictor answered "does the smaller model, trained longer, end below the
/// larger one at about the same compute?" over matched pairs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairScore {
    /// The hypothesis' id, or `consensus`.
    pub hypothesis: String,
    /// Pairs it answered.
    pub pairs: usize,
    /// Share of pairs where its more likely answer (P > 0.5) was the observed one.
    pub hit_rate: f64,
    /// Mean (P - outcome)²: 0 is perfect, 0.25 is a coin flip's, 1 is certainly wrong.
    pub brier: f64,
}

/// Scores every hypothesis and the held-out consensus on `pairs`: P(small ends below the
/// large run's observed loss) from each hypothesis' forecast of the small run (a normal
/// with its band's spread; a point verdict without one), and from the consensus's held-out
/// mixture (which never saw the small run's group).
pub fn score_pairs(
    pairs: &[crate::backtest::MatchedPair],
    outcomes: &[Outcome],
    held: &[HeldOut],
) -> Vec<PairScore> {
    let mut acc: BTreeMap<String, (usize, usize, f64)> = BTreeMap::new();
    let mut add = |h: &str, p: f64, won: bool| {
        let e = acc.entry(h.to_string()).or_default();
        let y = if won { 1.0 } else { 0.0 };
        e.0 += 1;
        e.1 += usize::from((p > 0.5) == won);
        e.2 += (p - y) * (p - y);
    };
    for pair in pairs {
        let won = pair.small_won();
        if let Some(o) = outcomes
            .iter()
            .find(|o| o.split == pair.split && o.question == pair.small)
        {
            for m in &o.members {
                let p = if m.spread > 0.0 {
                    phi((pair.large_observed - m.point) / m.spread)
                } else if m.point < pair.large_observed {
                    1.0
                } else {
                    0.0
                };
                add(&m.hypothesis, p, won);
            }
        }
        if let Some(h) = held
            .iter()
            .find(|h| h.split == pair.split && h.question == pair.small)
        {
            add("consensus", h.mixture.cdf(pair.large_observed), won);
        }
    }
    let mut rows: Vec<PairScore> = acc
        .into_iter()
        .map(|(h, (n, hits, b))| PairScore {
            hypothesis: h,
            pairs: n,
            hit_rate: hits as f64 / n as f64,
            brier: b / n as f64,
        })
        .collect();
    rows.sort_by(|a, b| a.brier.total_cmp(&b.brier));
    rows
}
