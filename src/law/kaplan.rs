//! The Kaplan et al. 2020 joint law in model size and data,
//! L(N, D) = [ (N_c / N)^(α_N / α_D) + D_c / D ]^α_D
//! ("Scaling Laws for Neural Language Models", arXiv:2001.08361, Eq. 1.5, Table 2).
//!
//! **N is the non-embedding parameter count** (Kaplan et al. exclude the
//! vocabulary and position embeddings; Sec. 2.1). Total counts, as published for
//! LLaMA, must be converted first, e.g. with [`non_embedding_params`]: LLaMA-7B
//! has 6,738,415,616 parameters of which 2 × 32,000 × 4,096 = 262,144,000 are its
//! untied input embedding and output projection, so N = 6.476e9. At these sizes the
//! difference moves the loss by well under 0.01 nats; the law's losses are on
//! WebText2 with the GPT-2 tokenizer, so they are not on LLaMA's or Chinchilla's
//! scale either (see [`crate::law::calibration`]).
//!
//! ```
//! use isoflop::law::kaplan::KaplanLaw;
//! use isoflop::units::{Params, Tokens};
//! let law = KaplanLaw::kaplan2020();
//! let l = law.loss(Params::new(1.5e9)?, Tokens::new(22e9)?)?;
//! assert!(l > 2.0 && l < 3.0);
//! # Ok::<(), isoflop::Error>(())
//! ```

use super::{Evidence, LossHypothesis};
use crate::error::{check, Error, Result};
use crate::units::{Params, Tokens};
use serde::{Deserialize, Serialize};

/// The four constants of Kaplan's Eq. 1.5: exponents α_N, α_D and scales N_c, D_c.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawKaplan")]
pub struct KaplanLaw {
    alpha_n: f64,
    alpha_d: f64,
    n_c: Params,
    d_c: Tokens,
}

/// Serde form of [`KaplanLaw`], validated by [`KaplanLaw::new`] on the way in.
#[derive(Deserialize)]
struct RawKaplan {
    alpha_n: f64,
    alpha_d: f64,
    n_c: Params,
    d_c: Tokens,
}

impl TryFrom<RawKaplan> for KaplanLaw {
    type Error = Error;
    fn try_from(r: RawKaplan) -> Result<Self> {
        KaplanLaw::new(r.alpha_n, r.alpha_d, r.n_c, r.d_c)
    }
}

impl KaplanLaw {
    /// A law from its exponents (finite, > 0) and scales.
    pub fn new(alpha_n: f64, alpha_d: f64, n_c: Params, d_c: Tokens) -> Result<Self> {
        Ok(KaplanLaw {
            alpha_n: check::positive("Kaplan alpha_N", alpha_n)?,
            alpha_d: check::positive("Kaplan alpha_D", alpha_d)?,
            n_c,
            d_c,
        })
    }

    /// Kaplan et al. 2020, Table 2: α_N = 0.076, α_D = 0.103, N_c = 6.4e13
    /// (non-embedding parameters), D_c = 1.8e13 tokens.
    pub fn kaplan2020() -> Self {
        KaplanLaw {
            alpha_n: 0.076,
            alpha_d: 0.103,
            n_c: Params::raw(6.4e13),
            d_c: Tokens::raw(1.8e13),
        }
    }

    /// Exponent α_N.
    pub fn alpha_n(&self) -> f64 {
        self.alpha_n
    }
    /// Exponent α_D.
    pub fn alpha_d(&self) -> f64 {
        self.alpha_d
    }
    /// Scale N_c (non-embedding parameters).
    pub fn n_c(&self) -> Params {
        self.n_c
    }
    /// Scale D_c (tokens).
    pub fn d_c(&self) -> Tokens {
        self.d_c
    }

    /// Loss on raw numbers, for inner loops (no validation).
    #[inline]
    pub(crate) fn eval(&self, n: f64, d: f64) -> f64 {
        let size = ((self.n_c.get() / n).ln() * (self.alpha_n / self.alpha_d)).exp();
        (size + self.d_c.get() / d).powf(self.alpha_d)
    }

    /// Loss (nats/token) of a model with `n` *non-embedding* parameters trained on `d` tokens.
    pub fn loss(&self, n: Params, d: Tokens) -> Result<f64> {
        check::result("Kaplan loss", self.eval(n.get(), d.get()))
    }

    /// The limit as D grows without bound, (N_c / N)^α_N (Eq. 1.1).
    pub fn loss_infinite_data(&self, n: Params) -> Result<f64> {
        check::result(
            "Kaplan infinite-data loss",
            (self.n_c.get() / n.get()).powf(self.alpha_n),
        )
    }
}

/// Non-embedding parameters from a total count: N = total − `matrices` × vocab × d_model
/// (`matrices` = 1 for tied input/output embeddings, 2 for untied as in LLaMA; add
/// learned position embeddings to `total`'s subtraction yourself if the model has them).
///
/// ```
/// use isoflop::law::kaplan::non_embedding_params;
/// use isoflop::units::Params;
/// let n = non_embedding_params(Params::new(6_738_415_616.0)?, 32_000, 4_096, 2)?;
/// assert_eq!(n.get(), 6_476_271_616.0);
/// # Ok::<(), isoflop::Error>(())
/// ```
pub fn non_embedding_params(
    total: Params,
    vocab: u32,
    d_model: u32,
    matrices: u32,
) -> Result<Params> {
    let embedding = f64::from(matrices) * f64::from(vocab) * f64::from(d_model);
    Params::new(total.get() - embedding).map_err(|_| Error::NotApplicable {
        what: format!("removing {embedding} embedding parameters from {total}"),
        reason: "the embeddings would be all of the model or more".into(),
    })
}

/// The Kaplan law as a named hypothesis (`kaplan2020`). No published uncertainty.
///
/// `point(n, d)` takes `n` as the non-embedding count, as the law does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KaplanHypothesis {
    law: KaplanLaw,
    evidence: Evidence,
}

impl KaplanHypothesis {
    /// The Table 2 preset.
    pub fn kaplan2020() -> Self {
        KaplanHypothesis::new(KaplanLaw::kaplan2020())
    }

    /// Any Kaplan-form law (same id and evidence; say where its numbers come from in your docs).
    pub fn new(law: KaplanLaw) -> Self {
        KaplanHypothesis {
            law,
            evidence: Evidence {
                description: "Kaplan et al. 2020 WebText2 runs: up to ~1.5e9 non-embedding parameters, ~2.3e10 tokens (Fig. 1, Sec. 3)".into(),
                max_params: Some(Params::raw(1.5e9)),
                max_tokens: Some(Tokens::raw(2.3e10)),
                max_flops: None,
                // Kaplan et al. 2020, Sec. 1 and 2: models from 768 non-embedding
                // parameters, datasets from 22M tokens.
                min_params: Some(Params::raw(768.0)),
                min_tokens: Some(Tokens::raw(2.2e7)),
                min_flops: None,
                min_tokens_per_param: None,
                max_tokens_per_param: None,
            },
        }
    }

    /// The law.
    pub fn law(&self) -> &KaplanLaw {
        &self.law
    }
}

impl LossHypothesis for KaplanHypothesis {
    fn id(&self) -> String {
        "kaplan2020".into()
    }
    fn assumption(&self) -> String {
        "Loss is a single power law in a combination of non-embedding size and data, with no irreducible term beyond the size limit (N_c/N)^alpha_N.".into()
    }
    fn source(&self) -> String {
        "Kaplan et al. 2020, arXiv:2001.08361, Eq. 1.5 and Table 2".into()
    }
    fn point(&self, n: Params, d: Tokens) -> Result<f64> {
        self.law.loss(n, d)
    }
    fn floor(&self, n: Params) -> Result<Option<f64>> {
        self.law.loss_infinite_data(n).map(Some)
    }
    fn evidence(&self) -> &Evidence {
        &self.evidence
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_bad_exponents() {
        let (n, d) = (Params::new(1e13).unwrap(), Tokens::new(1e13).unwrap());
        assert!(KaplanLaw::new(f64::NAN, 0.1, n, d).is_err());
        assert!(KaplanLaw::new(0.07, 0.0, n, d).is_err());
        assert!(KaplanLaw::new(0.07, -0.1, n, d).is_err());
    }

    #[test]
    fn floor_is_the_infinite_data_limit() {
        let h = KaplanHypothesis::kaplan2020();
        let n = Params::new(1e9).unwrap();
        let floor = h.floor(n).unwrap().unwrap();
        let far = h.point(n, Tokens::new(1e30).unwrap()).unwrap();
        assert!((far - floor).abs() < 1e-9);
        assert!(h.point(n, Tokens::new(1e10).unwrap()).unwrap() > floor);
    }
}
