//! The multi-power law (Luo et al. 2025, arXiv:2503.12811, Eq. 1):
//!
//! L(t) = L0 + A (S1(t) + S_W)^(−α) − LD(t),
//! LD(t) = B Σ_(k=1..t) (η_(k−1) − η_k) G(η_k^(−γ) S_k(t)),  G(x) = 1 − (C x + 1)^(−β),
//! S_k(t) = Σ_(τ=k..t) η_τ,
//!
//! with S1 the sum of the rates after warmup, S_W the warmup's sum, η_0 the rate at the end
//! of warmup and k counting steps after warmup (their Sec. 3). Rates are the optimizer's own,
//! as in the paper's fits (a rescaling of η is absorbed by A, B and C). The sums come from
//! [`crate::schedule::Schedule`]: S1 + S_W is [`Schedule::lr_sum`], and LD is evaluated from
//! [`Schedule::decay_terms`] at the resolution the caller picks (exact, or blocks with a
//! measured error below 10⁻⁶ relative at the default).
//!
//! ```
//! use isoflop::law::multi_power::MultiPowerLaw;
//! use isoflop::schedule::{Resolution, Schedule};
//! let law = MultiPowerLaw::new(1.6, 0.9, 0.45, 400.0, 2.0, 0.5, 0.6)?;
//! let s = Schedule::cosine(3e-4, 2_000, 240_000, 0.1, "4194304".parse()?)?;
//! let exact = law.loss_at(&s, 240_000, Resolution::Exact)?;
//! let fast = law.loss(&s, 240_000)?;
//! assert!((exact - fast).abs() < 1e-6);
//! assert!(law.loss_drop(&s, 240_000)? > 0.0);
//! # Ok::<(), isoflop::Error>(())
//! ```

use crate::error::{check, Error, Result};
use crate::schedule::{DecayTerm, Resolution, Schedule};
use serde::{Deserialize, Serialize};

/// Luo et al.'s multi-power law: L0, A, α for the power law in the rate sum; B, C, β, γ for
/// the loss drop of the decay.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawMultiPowerLaw")]
pub struct MultiPowerLaw {
    l0: f64,
    a: f64,
    alpha: f64,
    b: f64,
    c: f64,
    beta: f64,
    gamma: f64,
}

#[derive(Deserialize)]
struct RawMultiPowerLaw {
    l0: f64,
    a: f64,
    alpha: f64,
    b: f64,
    c: f64,
    beta: f64,
    gamma: f64,
}

impl TryFrom<RawMultiPowerLaw> for MultiPowerLaw {
    type Error = Error;
    fn try_from(r: RawMultiPowerLaw) -> Result<Self> {
        MultiPowerLaw::new(r.l0, r.a, r.alpha, r.b, r.c, r.beta, r.gamma)
    }
}

/// G(x) = 1 − (C x + 1)^(−β) at x = e^(ln_area − γ ln_lr); a zero area gives 0.
#[inline]
pub(crate) fn g_term(d: &DecayTerm, c: f64, beta: f64, gamma: f64) -> f64 {
    if d.ln_area == f64::NEG_INFINITY {
        return 0.0;
    }
    let x = (d.ln_area - gamma * d.ln_lr).exp();
    -(-beta * (c * x).ln_1p()).exp_m1()
}

impl MultiPowerLaw {
    /// The law from its seven parameters: level `l0` (finite), amplitude `a` (>= 0),
    /// exponent `alpha` (> 0), drop scale `b` (>= 0), `c` (> 0), `beta` (> 0), `gamma`
    /// (finite, >= 0).
    ///
    /// # Errors
    /// [`Error::InvalidValue`] naming the parameter out of range.
    pub fn new(l0: f64, a: f64, alpha: f64, b: f64, c: f64, beta: f64, gamma: f64) -> Result<Self> {
        check::finite("multi-power level L0", l0)?;
        check::non_negative("multi-power amplitude A", a)?;
        check::positive("multi-power exponent alpha", alpha)?;
        check::non_negative("multi-power drop scale B", b)?;
        check::positive("multi-power drop rate C", c)?;
        check::positive("multi-power drop exponent beta", beta)?;
        check::non_negative("multi-power rate exponent gamma", gamma)?;
        Ok(MultiPowerLaw {
            l0,
            a,
            alpha,
            b,
            c,
            beta,
            gamma,
        })
    }

    /// The parameters `[L0, A, α, B, C, β, γ]`.
    pub fn params(&self) -> [f64; 7] {
        [
            self.l0, self.a, self.alpha, self.b, self.c, self.beta, self.gamma,
        ]
    }

    /// The loss at `step` with LD at the default [`Resolution`].
    ///
    /// # Errors
    /// A step outside the schedule ([`Error::NotApplicable`]).
    pub fn loss(&self, schedule: &Schedule, step: u64) -> Result<f64> {
        self.loss_at(schedule, step, Resolution::default())
    }

    /// The loss at `step` with LD at `resolution`.
    ///
    /// # Errors
    /// As [`MultiPowerLaw::loss`], and a bad resolution.
    pub fn loss_at(&self, schedule: &Schedule, step: u64, resolution: Resolution) -> Result<f64> {
        let mut terms = Vec::new();
        schedule.decay_terms(step, resolution, &mut terms)?;
        let s = schedule.lr_sum(step)?;
        Ok(self.loss_from_terms(s, &terms))
    }

    /// The loss from the total rate sum S1 + S_W and the decay terms at the same step.
    #[inline]
    pub fn loss_from_terms(&self, rate_sum: f64, terms: &[DecayTerm]) -> f64 {
        self.l0 + self.a * (-self.alpha * rate_sum.ln()).exp() - self.b * self.drop_sum(terms)
    }

    /// Σ weight · G over the terms (LD / B).
    #[inline]
    pub fn drop_sum(&self, terms: &[DecayTerm]) -> f64 {
        terms
            .iter()
            .map(|d| d.weight * g_term(d, self.c, self.beta, self.gamma))
            .sum()
    }

    /// LD(step): the loss the decay has removed by `step` (the annealing bonus).
    ///
    /// # Errors
    /// As [`MultiPowerLaw::loss`].
    pub fn loss_drop(&self, schedule: &Schedule, step: u64) -> Result<f64> {
        let mut terms = Vec::new();
        schedule.decay_terms(step, Resolution::default(), &mut terms)?;
        Ok(self.b * self.drop_sum(&terms))
    }
}
