//! The data-constrained law of Muennighoff et al. 2023 ("Scaling Data-Constrained
//! Language Models", arXiv:2305.16264, Sec. 3 and Eq. 5): a Chinchilla law whose
//! data and size terms see *effective* counts that decay as data is repeated.
//!
//! L(N, D, U_D) = E + A / N'^α + B / D'^β, with
//! - D' = U_D + U_D R_D* (1 − exp(−R_D / R_D*)), R_D = max(D / U_D − 1, 0) repeated epochs;
//! - N' = U_N + U_N R_N* (1 − exp(−R_N / R_N*)), U_N = min(N, N_opt(U_D)),
//!   R_N = max(N / U_N − 1, 0) "excess" parameters;
//! - N_opt(U_D) = G (U_D G)^(β/α), G = (αA / (βB))^(1/(α+β)) (Chinchilla's Eq. 4
//!   frontier, solved for N at D = U_D).
//!
//! U_D here is the number of unique tokens *seen*: a run of D tokens with a budget
//! of `unique` available tokens sees min(D, unique). With no repetition
//! (D <= unique and N <= N_opt) the law is exactly the Chinchilla law with the
//! same constants.
//!
//! Constants (`muennighoff2023`): the fit published in the repository
//! huggingface/datablations (README): ln A = 6.255414, ln B = 7.3049974,
//! ln E = 0.6254804, α = β = 0.3526596, R_D* = 15.387756, R_N* = 5.309743.
//!
//! ```
//! use isoflop::law::data_constrained::DataConstrainedLaw;
//! use isoflop::units::{Params, Tokens};
//! let law = DataConstrainedLaw::muennighoff2023();
//! // The check value published with the constants (datablations README):
//! let l = law.loss(Params::new(6.34e9)?, Tokens::new(242e9)?, Tokens::new(25e9)?)?;
//! assert!((l - 2.2256440889984477).abs() < 1e-12);
//! # Ok::<(), isoflop::Error>(())
//! ```

use super::chinchilla::ChinchillaLaw;
use super::{Evidence, LossHypothesis};
use crate::error::{check, Error, Result};
use crate::units::{Params, Tokens};
use serde::{Deserialize, Serialize};

/// A Chinchilla law plus the two decay constants R_D* and R_N* of repeated data
/// and excess parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawDataConstrained")]
pub struct DataConstrainedLaw {
    e: f64,
    a: f64,
    b: f64,
    alpha: f64,
    beta: f64,
    r_d_star: f64,
    r_n_star: f64,
}

/// Serde form of [`DataConstrainedLaw`], validated by [`DataConstrainedLaw::new`].
#[derive(Deserialize)]
struct RawDataConstrained {
    e: f64,
    a: f64,
    b: f64,
    alpha: f64,
    beta: f64,
    r_d_star: f64,
    r_n_star: f64,
}

impl TryFrom<RawDataConstrained> for DataConstrainedLaw {
    type Error = Error;
    fn try_from(r: RawDataConstrained) -> Result<Self> {
        let base = ChinchillaLaw::new(r.e, r.a, r.b, r.alpha, r.beta)?;
        DataConstrainedLaw::new(base, r.r_d_star, r.r_n_star)
    }
}

impl DataConstrainedLaw {
    /// From a Chinchilla law and R_D*, R_N* (finite, > 0).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] unless R_D* and R_N* are finite and > 0.
    pub fn new(base: ChinchillaLaw, r_d_star: f64, r_n_star: f64) -> Result<Self> {
        Ok(DataConstrainedLaw {
            e: base.e(),
            a: base.a(),
            b: base.b(),
            alpha: base.alpha(),
            beta: base.beta(),
            r_d_star: check::positive("data-constrained R_D*", r_d_star)?,
            r_n_star: check::positive("data-constrained R_N*", r_n_star)?,
        })
    }

    /// Muennighoff et al. 2023, fitted constants from huggingface/datablations.
    pub fn muennighoff2023() -> Self {
        DataConstrainedLaw {
            e: 0.6254804f64.exp(),
            a: 6.255414f64.exp(),
            b: 7.3049974f64.exp(),
            alpha: 0.3526596,
            beta: 0.3526596,
            r_d_star: 15.387756,
            r_n_star: 5.309743,
        }
    }

    /// The underlying Chinchilla-form law (E, A, B, α, β): the law without repetition.
    ///
    /// # Errors
    ///
    /// None for a law built by [`DataConstrainedLaw::new`]; the base law is revalidated.
    pub fn base(&self) -> Result<ChinchillaLaw> {
        ChinchillaLaw::new(self.e, self.a, self.b, self.alpha, self.beta)
    }

    /// Chinchilla's form on raw numbers.
    #[inline]
    fn eval(&self, n: f64, d: f64) -> f64 {
        self.e + self.a * (-self.alpha * n.ln()).exp() + self.b * (-self.beta * d.ln()).exp()
    }
    /// R_D*: how many repeated epochs it takes for repetition's value to decay by 1/e.
    pub fn r_d_star(&self) -> f64 {
        self.r_d_star
    }
    /// R_N*: the same for parameters beyond the compute-optimal size of the unique data.
    pub fn r_n_star(&self) -> f64 {
        self.r_n_star
    }

    /// N_opt(U_D) = G (U_D G)^(β/α): the compute-optimal size for `unique` tokens.
    ///
    /// # Errors
    ///
    /// [`Error::NonFinite`] if the result overflows.
    pub fn optimal_params_for(&self, unique: Tokens) -> Result<Params> {
        Params::new(check::result(
            "data-constrained N_opt",
            self.n_opt(unique.get()),
        )?)
    }

    #[inline]
    fn n_opt(&self, u: f64) -> f64 {
        let g = ((self.alpha * self.a) / (self.beta * self.b)).powf(1.0 / (self.alpha + self.beta));
        g * (u * g).powf(self.beta / self.alpha)
    }

    /// Effective (N', D') for raw numbers; `u` is the unique-token budget.
    #[inline]
    fn effective(&self, n: f64, d: f64, u: f64) -> (f64, f64) {
        let u_d = u.min(d);
        let r_d = (d / u_d - 1.0).max(0.0);
        let d_eff = u_d + u_d * self.r_d_star * (1.0 - (-r_d / self.r_d_star).exp());
        let u_n = n.min(self.n_opt(u_d));
        let r_n = (n / u_n - 1.0).max(0.0);
        let n_eff = u_n + u_n * self.r_n_star * (1.0 - (-r_n / self.r_n_star).exp());
        (n_eff, d_eff)
    }

    /// Loss (nats/token) of `n` parameters trained on `d` tokens drawn from a budget
    /// of `unique` unique tokens (repeated for D > unique).
    ///
    /// # Errors
    ///
    /// [`Error::NonFinite`] if the result overflows.
    pub fn loss(&self, n: Params, d: Tokens, unique: Tokens) -> Result<f64> {
        let (n_eff, d_eff) = self.effective(n.get(), d.get(), unique.get());
        check::result("data-constrained loss", self.eval(n_eff, d_eff))
    }

    /// The limit as D grows without bound for a fixed `unique` budget:
    /// D' tends to U_D (1 + R_D*), so the loss has a finite floor above Chinchilla's.
    ///
    /// # Errors
    ///
    /// [`Error::NonFinite`] if the result overflows.
    pub fn loss_infinite_repetition(&self, n: Params, unique: Tokens) -> Result<f64> {
        let u = unique.get();
        let (n_eff, _) = self.effective(n.get(), f64::MAX, u);
        check::result(
            "data-constrained floor",
            self.eval(n_eff, u * (1.0 + self.r_d_star)),
        )
    }
}

/// A data-constrained law as a hypothesis for a fixed budget of unique tokens. No
/// published uncertainty.
///
/// [`DataConstrainedHypothesis::muennighoff2023`] is the published preset (id
/// `data-constrained-muennighoff2023`, Muennighoff et al.'s evidence). A law of your
/// own ([`DataConstrainedHypothesis::new`]) carries your id, source and evidence
/// ([`DataConstrainedHypothesis::named`], [`DataConstrainedHypothesis::with_evidence`]).
///
/// ```
/// use isoflop::law::{DataConstrainedHypothesis, DataConstrainedLaw, Evidence, LossHypothesis};
/// use isoflop::units::Tokens;
/// let mine = DataConstrainedHypothesis::new(DataConstrainedLaw::muennighoff2023(), Tokens::new(1e11)?)
///     .named("dc-our-refit", "refitted on our repeated-data runs")?
///     .with_evidence(Evidence::described("12 runs, up to 8 epochs"));
/// assert_eq!(mine.id(), "dc-our-refit");
/// # Ok::<(), isoflop::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawDataConstrainedHypothesis")]
pub struct DataConstrainedHypothesis {
    law: DataConstrainedLaw,
    unique: Tokens,
    id: String,
    source: String,
    evidence: Evidence,
}

/// Serde form of [`DataConstrainedHypothesis`]: the id is checked on the way in.
#[derive(Deserialize)]
struct RawDataConstrainedHypothesis {
    law: DataConstrainedLaw,
    unique: Tokens,
    id: String,
    source: String,
    evidence: Evidence,
}

impl TryFrom<RawDataConstrainedHypothesis> for DataConstrainedHypothesis {
    type Error = Error;
    fn try_from(r: RawDataConstrainedHypothesis) -> Result<Self> {
        Ok(DataConstrainedHypothesis::new(r.law, r.unique)
            .named(r.id, r.source)?
            .with_evidence(r.evidence))
    }
}

impl DataConstrainedHypothesis {
    /// The `muennighoff2023` constants with `unique` tokens available.
    pub fn muennighoff2023(unique: Tokens) -> Self {
        DataConstrainedHypothesis {
            law: DataConstrainedLaw::muennighoff2023(),
            unique,
            id: "data-constrained-muennighoff2023".into(),
            source: "Muennighoff et al. 2023, arXiv:2305.16264, Eq. 5; constants from huggingface/datablations".into(),
            evidence: Evidence {
                description: "Muennighoff et al. 2023: ~400 runs up to 9B parameters and 900B tokens, up to 1,500 epochs".into(),
                max_params: Some(Params::raw(9e9)),
                max_tokens: Some(Tokens::raw(9e11)),
                max_flops: None,
                min_params: None,
                min_tokens: None,
                min_flops: None,
                min_tokens_per_param: None,
                max_tokens_per_param: None,
            },
        }
    }

    /// Any data-constrained law of your own with `unique` tokens available: id
    /// `data-constrained`, source "user-supplied constants" and no known evidence ranges
    /// until you set them with [`DataConstrainedHypothesis::named`] and
    /// [`DataConstrainedHypothesis::with_evidence`].
    pub fn new(law: DataConstrainedLaw, unique: Tokens) -> Self {
        DataConstrainedHypothesis {
            law,
            unique,
            id: "data-constrained".into(),
            source: "user-supplied data-constrained constants".into(),
            evidence: Evidence::described("not given"),
        }
    }

    /// The same law under your id and source.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for an empty id or one with line breaks.
    pub fn named(mut self, id: impl Into<String>, source: impl Into<String>) -> Result<Self> {
        let id = id.into();
        super::kaplan::check_id(&id)?;
        self.id = id;
        self.source = source.into();
        Ok(self)
    }

    /// The same law with the evidence it was fitted on.
    pub fn with_evidence(mut self, evidence: Evidence) -> Self {
        self.evidence = evidence;
        self
    }

    /// The law.
    pub fn law(&self) -> &DataConstrainedLaw {
        &self.law
    }

    /// The unique-token budget.
    pub fn unique(&self) -> Tokens {
        self.unique
    }
}

impl LossHypothesis for DataConstrainedHypothesis {
    fn id(&self) -> String {
        self.id.clone()
    }
    fn corpus(&self) -> String {
        "C4 (Muennighoff et al. 2023)".into()
    }
    fn assumption(&self) -> String {
        format!(
            "Chinchilla's law with {} unique tokens: repeated epochs and excess parameters are worth exponentially less (decay constants R_D*, R_N*).",
            self.unique
        )
    }
    fn source(&self) -> String {
        self.source.clone()
    }
    fn point(&self, n: Params, d: Tokens) -> Result<f64> {
        self.law.loss(n, d, self.unique)
    }
    fn floor(&self, n: Params) -> Result<Option<f64>> {
        self.law.loss_infinite_repetition(n, self.unique).map(Some)
    }
    fn evidence(&self) -> &Evidence {
        &self.evidence
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_bad_decay_constants() {
        let base = ChinchillaLaw::hoffmann2022();
        assert!(DataConstrainedLaw::new(base, f64::NAN, 5.0).is_err());
        assert!(DataConstrainedLaw::new(base, 15.0, 0.0).is_err());
        assert!(DataConstrainedLaw::new(base, f64::INFINITY, 5.0).is_err());
    }

    #[test]
    fn floor_is_the_infinite_repetition_limit() {
        let h = DataConstrainedHypothesis::muennighoff2023(Tokens::new(25e9).unwrap());
        let n = Params::new(6.34e9).unwrap();
        let floor = h.floor(n).unwrap().unwrap();
        let far = h.point(n, Tokens::new(1e20).unwrap()).unwrap();
        assert!((far - floor).abs() < 1e-9, "{far} {floor}");
    }
}
