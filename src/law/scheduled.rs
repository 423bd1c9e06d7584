//! Schedule-aware laws as hypotheses: "the loss of this model at the end of a run planned
//! for D tokens with this schedule's shape".
//!
//! A [`ScheduleLaw`] is one of the two published schedule-aware laws
//! ([`AnnealingLaw`], Tissue et al. 2024; [`MultiPowerLaw`], Luo et al. 2025) with fitted
//! parameters for one model. A [`ScheduledHypothesis`] wraps a fitted law with its bootstrap
//! draws, its identifiability profile (the fits whose objective is within a tolerance of the
//! best) and a *plan*: a schedule whose shape is stretched to any token count
//! ([`Schedule::with_total_tokens`]). Its [`LossHypothesis::point`] at D is the loss at the
//! last step of the plan stretched to D tokens, so "the 7B with the 65B's compute" becomes
//! "the 7B on a cosine planned for 13.6T tokens", not the 1T curve extended.
//!
//! Build one with [`crate::fit::schedule_law`].

use super::annealing::AnnealingLaw;
use super::multi_power::MultiPowerLaw;
use super::{Caveat, Evidence, LossHypothesis, Uncertainty};
use crate::error::{Error, Result};
use crate::schedule::{Resolution, Schedule};
use crate::units::{Params, Tokens};
use serde::{Deserialize, Serialize};

/// A fitted schedule-aware law for one model.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum ScheduleLaw {
    /// Tissue et al. 2024: L0 + A·S1^(−α) − C·S2.
    Annealing(AnnealingLaw),
    /// Luo et al. 2025: L0 + A(S1 + S_W)^(−α) − LD.
    MultiPower(MultiPowerLaw),
}

impl ScheduleLaw {
    /// The stable id: `annealing-law` or `multi-power-law`.
    pub fn id(&self) -> &'static str {
        match self {
            ScheduleLaw::Annealing(_) => "annealing-law",
            ScheduleLaw::MultiPower(_) => "multi-power-law",
        }
    }

    /// The loss at `step` of `schedule`.
    ///
    /// # Errors
    /// A step outside the schedule ([`Error::NotApplicable`]).
    pub fn loss(&self, schedule: &Schedule, step: u64) -> Result<f64> {
        match self {
            ScheduleLaw::Annealing(l) => l.loss(schedule, step),
            ScheduleLaw::MultiPower(l) => l.loss(schedule, step),
        }
    }

    /// The annealing bonus at `step`: the loss the decay has removed by then (C·S2 for
    /// Tissue et al.'s law, LD for the multi-power law).
    ///
    /// # Errors
    /// As [`ScheduleLaw::loss`].
    pub fn annealing_bonus(&self, schedule: &Schedule, step: u64) -> Result<f64> {
        match self {
            ScheduleLaw::Annealing(l) => l.annealing_bonus(schedule, step),
            ScheduleLaw::MultiPower(l) => l.loss_drop(schedule, step),
        }
    }

    /// Losses at the last step of `schedule` for every law in `laws`, sharing the schedule's
    /// sums (the multi-power decay terms are computed once).
    fn final_losses(laws: &[ScheduleLaw], schedule: &Schedule, out: &mut Vec<f64>) -> Result<()> {
        out.clear();
        let t = schedule.total_steps();
        let s1 = schedule.lr_sum(t)?;
        let mut terms = Vec::new();
        if laws.iter().any(|l| matches!(l, ScheduleLaw::MultiPower(_))) {
            schedule.decay_terms(t, Resolution::default(), &mut terms)?;
        }
        for law in laws {
            out.push(match law {
                ScheduleLaw::Annealing(l) => {
                    l.loss_from_sums(s1, schedule.annealing_area(t, l.lambda())?)
                }
                ScheduleLaw::MultiPower(l) => l.loss_from_terms(s1, &terms),
            });
        }
        Ok(())
    }
}

/// A fitted schedule-aware law as a [`LossHypothesis`] for one model size: the loss at the end
/// of `plan` stretched to D tokens. Deserialising goes through [`ScheduledHypothesis::new`]
/// (every draw and profile member must be the same law as the point estimate).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawScheduledHypothesis")]
pub struct ScheduledHypothesis {
    model: String,
    params: Params,
    law: ScheduleLaw,
    draws: Vec<ScheduleLaw>,
    profile: Vec<ScheduleLaw>,
    plan: Schedule,
    evidence: Evidence,
    caveats: Vec<Caveat>,
}

#[derive(Deserialize)]
struct RawScheduledHypothesis {
    model: String,
    params: Params,
    law: ScheduleLaw,
    draws: Vec<ScheduleLaw>,
    profile: Vec<ScheduleLaw>,
    plan: Schedule,
    evidence: Evidence,
    caveats: Vec<Caveat>,
}

impl TryFrom<RawScheduledHypothesis> for ScheduledHypothesis {
    type Error = Error;
    fn try_from(r: RawScheduledHypothesis) -> Result<Self> {
        ScheduledHypothesis::new(
            r.model, r.params, r.law, r.draws, r.profile, r.plan, r.evidence, r.caveats,
        )
    }
}

impl ScheduledHypothesis {
    /// A hypothesis for model `model` (`params` parameters) from a fitted `law`, its bootstrap
    /// `draws`, the near-optimal fits of its identifiability `profile`, the `plan` whose shape
    /// is stretched to each token count asked, the `evidence` it was fitted to and standing
    /// `caveats`.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] if a draw or profile member is not the same law as `law`.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        model: impl Into<String>,
        params: Params,
        law: ScheduleLaw,
        draws: Vec<ScheduleLaw>,
        profile: Vec<ScheduleLaw>,
        plan: Schedule,
        evidence: Evidence,
        caveats: Vec<Caveat>,
    ) -> Result<Self> {
        if draws.iter().chain(&profile).any(|d| d.id() != law.id()) {
            return Err(Error::InvalidValue {
                what: "a draw of a schedule-aware law",
                value: f64::NAN,
                allowed: "every draw and profile member must be the same law as the point estimate",
            });
        }
        Ok(ScheduledHypothesis {
            model: model.into(),
            params,
            law,
            draws,
            profile,
            plan,
            evidence,
            caveats,
        })
    }

    /// The same fit with another plan (e.g. a WSD or constant schedule instead of the cosine
    /// the curve was observed under).
    pub fn with_plan(&self, plan: Schedule) -> ScheduledHypothesis {
        ScheduledHypothesis {
            plan,
            ..self.clone()
        }
    }

    /// The fitted law.
    pub fn law(&self) -> &ScheduleLaw {
        &self.law
    }

    /// The plan whose shape is stretched to each token count.
    pub fn plan(&self) -> &Schedule {
        &self.plan
    }

    /// The model's name.
    pub fn model(&self) -> &str {
        &self.model
    }

    /// The bootstrap draws.
    pub fn draws(&self) -> &[ScheduleLaw] {
        &self.draws
    }

    /// The near-optimal fits of the identifiability profile.
    pub fn profile(&self) -> &[ScheduleLaw] {
        &self.profile
    }

    fn check_model(&self, n: Params) -> Result<()> {
        if (n.get() / self.params.get() - 1.0).abs() > 0.01 {
            return Err(Error::NotApplicable {
                what: format!(
                    "{} (fitted to {}) for {n} parameters",
                    self.law.id(),
                    self.model
                ),
                reason: format!(
                    "a schedule-aware law fitted to one curve knows {} ({}) only",
                    self.model, self.params
                ),
            });
        }
        Ok(())
    }

    /// The plan stretched to `d` tokens.
    ///
    /// # Errors
    /// As [`Schedule::with_total_tokens`].
    pub fn planned(&self, d: Tokens) -> Result<Schedule> {
        self.plan.with_total_tokens(d)
    }

    /// The lowest and highest loss at the end of a run planned for `d` tokens over the fits of
    /// the identifiability profile (`None` when the profile is empty).
    ///
    /// # Errors
    /// As [`LossHypothesis::point`].
    pub fn profile_range(&self, n: Params, d: Tokens) -> Result<Option<(f64, f64)>> {
        self.check_model(n)?;
        if self.profile.is_empty() {
            return Ok(None);
        }
        let mut out = Vec::with_capacity(self.profile.len());
        ScheduleLaw::final_losses(&self.profile, &self.planned(d)?, &mut out)?;
        let lo = out.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = out.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        Ok(Some((lo, hi)))
    }

    /// The annealing bonus at the end of a run planned for `d` tokens: the loss its decay
    /// removes (C·S2 or LD), and the net gain over a constant rate at the same peak for the
    /// same steps (the bonus minus what the smaller rate sum costs), both in nats/token.
    ///
    /// # Errors
    /// As [`LossHypothesis::point`].
    pub fn annealing_bonus(&self, n: Params, d: Tokens) -> Result<(f64, f64)> {
        self.check_model(n)?;
        let s = self.planned(d)?;
        let t = s.total_steps();
        let bonus = self.law.annealing_bonus(&s, t)?;
        let constant = Schedule::constant(s.peak_lr(), s.warmup_steps(), t, s.batch_tokens())?;
        let net = self.law.loss(&constant, t)? - self.law.loss(&s, t)?;
        Ok((bonus, net))
    }
}

impl LossHypothesis for ScheduledHypothesis {
    fn id(&self) -> String {
        self.law.id().to_string()
    }

    fn assumption(&self) -> String {
        let what = match self.law {
            ScheduleLaw::Annealing(_) => "L = L0 + A*S1^-alpha - C*S2 (Tissue et al. 2024)",
            ScheduleLaw::MultiPower(_) => {
                "L = L0 + A*(S1+SW)^-alpha - LD(t) (Luo et al. 2025, multi-power law)"
            }
        };
        format!(
            "The loss follows {what} in the learning-rate schedule; a run of D tokens is planned with this shape: {}.",
            self.plan
        )
    }

    fn source(&self) -> String {
        format!("fitted to {} by isoflop", self.evidence.description)
    }

    fn point(&self, n: Params, d: Tokens) -> Result<f64> {
        self.check_model(n)?;
        let s = self.planned(d)?;
        self.law.loss(&s, s.total_steps())
    }

    fn floor(&self, n: Params) -> Result<Option<f64>> {
        self.check_model(n)?;
        // As S1 grows without bound the power term vanishes; the annealing term is bounded
        // by the decay of one run, so L0 minus the largest possible bonus is not a floor the
        // law promises. Report none.
        Ok(None)
    }

    fn uncertainty(&self) -> Uncertainty {
        Uncertainty::BlockBootstrap
    }

    fn draw_count(&self) -> usize {
        self.draws.len()
    }

    fn draws_into(&self, n: Params, d: Tokens, out: &mut Vec<f64>) -> Result<()> {
        self.check_model(n)?;
        ScheduleLaw::final_losses(&self.draws, &self.planned(d)?, out)
    }

    fn evidence(&self) -> &Evidence {
        &self.evidence
    }

    fn caveats(&self) -> Vec<Caveat> {
        self.caveats.clone()
    }
}
