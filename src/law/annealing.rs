//! The scaling law with learning-rate annealing (Tissue et al. 2024, arXiv:2408.11029):
//!
//! L(s) = L0 + A · S1(s)^(−α) − C · S2(s),
//!
//! with S1 the forward area (the sum of the learning rates up to step s) and S2 the
//! annealing area, S2 = Σ m_i, m_i = λ m_(i−1) + (η_(i−1) − η_i) (their Eq. 1-3; λ, the
//! decay factor, is 0.999 in the paper). Both sums come from [`crate::schedule::Schedule`].
//!
//! **Choices, cited.** Rates are the optimizer's own (not normalised by the peak): the law is
//! invariant to a common rescaling of η (A and C absorb it), and keeping raw rates lets runs
//! with different peaks share C. S1 includes the warmup (the multi-power law's S1 + S_W, Luo
//! et al. 2025, Eq. 1); the momentum starts at the end of warmup, where the annealing starts.
//! The paper fits L0, A, C, α with λ fixed; isoflop's fit ([`crate::fit::schedule_law`])
//! profiles λ over a grid as well and reports how much the prediction moves with it.
//!
//! ```
//! use isoflop::law::annealing::AnnealingLaw;
//! use isoflop::schedule::Schedule;
//! let law = AnnealingLaw::new(1.6, 0.9, 0.45, 8.0, 0.999)?;
//! let s = Schedule::cosine(3e-4, 2_000, 240_000, 0.1, "4194304".parse()?)?;
//! let end = law.loss(&s, 240_000)?;
//! assert!(end < law.loss(&s, 120_000)?);
//! // The annealing bonus C·S2 at the end of the run:
//! assert!(law.annealing_bonus(&s, 240_000)? > 0.0);
//! # Ok::<(), isoflop::Error>(())
//! ```

use crate::error::{check, Error, Result};
use crate::schedule::Schedule;
use serde::{Deserialize, Serialize};

/// Tissue et al.'s law: L0 + A·S1^(−α) − C·S2 with momentum decay λ.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawAnnealingLaw")]
pub struct AnnealingLaw {
    l0: f64,
    a: f64,
    alpha: f64,
    c: f64,
    lambda: f64,
}

#[derive(Deserialize)]
struct RawAnnealingLaw {
    l0: f64,
    a: f64,
    alpha: f64,
    c: f64,
    lambda: f64,
}

impl TryFrom<RawAnnealingLaw> for AnnealingLaw {
    type Error = Error;
    fn try_from(r: RawAnnealingLaw) -> Result<Self> {
        AnnealingLaw::new(r.l0, r.a, r.alpha, r.c, r.lambda)
    }
}

impl AnnealingLaw {
    /// The law with level `l0` (nats/token), amplitude `a` (>= 0), exponent `alpha` (> 0),
    /// annealing coefficient `c` (>= 0) and momentum decay `lambda` in (0, 1 − 10⁻⁹] or
    /// exactly 1, the no-forgetting limit ([`Schedule::check_lambda`]).
    ///
    /// # Errors
    /// [`Error::InvalidValue`] naming the parameter out of range.
    ///
    /// # Examples
    /// ```
    /// use isoflop::law::annealing::AnnealingLaw;
    /// assert!(AnnealingLaw::new(1.6, 0.9, 0.45, 8.0, 1.0).is_ok());
    /// assert!(AnnealingLaw::new(1.6, 0.9, 0.45, 8.0, 0.9999999999999999).is_err());
    /// ```
    pub fn new(l0: f64, a: f64, alpha: f64, c: f64, lambda: f64) -> Result<Self> {
        check::finite("annealing-law level L0", l0)?;
        check::non_negative("annealing-law amplitude A", a)?;
        check::positive("annealing-law exponent alpha", alpha)?;
        check::non_negative("annealing-law coefficient C", c)?;
        Schedule::check_lambda(lambda)?;
        Ok(AnnealingLaw {
            l0,
            a,
            alpha,
            c,
            lambda,
        })
    }

    /// Level L0.
    pub fn l0(&self) -> f64 {
        self.l0
    }
    /// Amplitude A.
    pub fn a(&self) -> f64 {
        self.a
    }
    /// Exponent α.
    pub fn alpha(&self) -> f64 {
        self.alpha
    }
    /// Annealing coefficient C.
    pub fn c(&self) -> f64 {
        self.c
    }
    /// Momentum decay factor λ.
    pub fn lambda(&self) -> f64 {
        self.lambda
    }

    /// The loss at `step` of `schedule`, from its sums S1 and S2.
    ///
    /// # Errors
    /// A step outside the schedule ([`Error::NotApplicable`]).
    pub fn loss(&self, schedule: &Schedule, step: u64) -> Result<f64> {
        let s1 = schedule.lr_sum(step)?;
        let s2 = schedule.annealing_area(step, self.lambda)?;
        Ok(self.loss_from_sums(s1, s2))
    }

    /// The loss from precomputed S1 and S2.
    #[inline]
    pub fn loss_from_sums(&self, s1: f64, s2: f64) -> f64 {
        self.l0 + self.a * (-self.alpha * s1.ln()).exp() - self.c * s2
    }

    /// The annealing bonus at `step`: C·S2, the loss the decay has removed by then.
    ///
    /// # Errors
    /// As [`AnnealingLaw::loss`].
    pub fn annealing_bonus(&self, schedule: &Schedule, step: u64) -> Result<f64> {
        Ok(self.c * schedule.annealing_area(step, self.lambda)?)
    }
}
