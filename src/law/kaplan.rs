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

use super::{Evidence, LossHypothesis, ParamCount};
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
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] unless both exponents are finite and > 0 (the scales are
    /// typed, hence already valid).
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
    ///
    /// # Errors
    ///
    /// [`Error::NonFinite`] if the loss overflows.
    pub fn loss(&self, n: Params, d: Tokens) -> Result<f64> {
        check::result("Kaplan loss", self.eval(n.get(), d.get()))
    }

    /// The limit as D grows without bound, (N_c / N)^α_N (Eq. 1.1).
    ///
    /// # Errors
    ///
    /// [`Error::NonFinite`] if the loss overflows.
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
///
/// # Errors
///
/// [`Error::NotApplicable`] when the embeddings would be all of the model or more.
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

/// A Kaplan-form law as a named hypothesis. No published uncertainty.
///
/// [`KaplanHypothesis::kaplan2020`] is the Table 2 preset (id `kaplan2020`, WebText2
/// evidence). A law of your own ([`KaplanHypothesis::new`]) carries your id, source and
/// evidence ([`KaplanHypothesis::named`], [`KaplanHypothesis::with_evidence`]), never
/// Kaplan's.
///
/// `point(n, d)` takes `n` as the non-embedding count, as the law does
/// ([`ParamCount::NonEmbedding`]). Queries that take published (total) sizes convert
/// through [`LossHypothesis::params_from_total`], which needs the model's embedding
/// parameters ([`KaplanHypothesis::with_embedding_params`]) and refuses without them.
///
/// ```
/// use isoflop::law::{Evidence, KaplanHypothesis, KaplanLaw, LossHypothesis};
/// use isoflop::units::{Params, Tokens};
/// let law = KaplanLaw::new(0.07, 0.1, Params::new(5e13)?, Tokens::new(2e13)?)?;
/// let mine = KaplanHypothesis::new(law)
///     .named("kaplan-my-corpus", "fitted to our 40 runs, 2026")?
///     .with_evidence(Evidence {
///         max_params: Some(Params::new(3e9)?),
///         max_tokens: Some(Tokens::new(6e10)?),
///         ..Evidence::described("40 runs on our corpus")
///     });
/// assert_eq!(mine.id(), "kaplan-my-corpus");
/// assert_eq!(mine.evidence().max_params, Some(Params::new(3e9)?));
/// # Ok::<(), isoflop::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawKaplanHypothesis")]
pub struct KaplanHypothesis {
    law: KaplanLaw,
    id: String,
    source: String,
    evidence: Evidence,
    /// Embedding parameters of the model asked about, to convert total counts.
    embedding: Option<Params>,
}

/// Serde form of [`KaplanHypothesis`]: the id is checked on the way in.
#[derive(Deserialize)]
struct RawKaplanHypothesis {
    law: KaplanLaw,
    id: String,
    source: String,
    evidence: Evidence,
    #[serde(default)]
    embedding: Option<Params>,
}

impl TryFrom<RawKaplanHypothesis> for KaplanHypothesis {
    type Error = Error;
    fn try_from(r: RawKaplanHypothesis) -> Result<Self> {
        let h = KaplanHypothesis::new(r.law)
            .named(r.id, r.source)?
            .with_evidence(r.evidence);
        Ok(match r.embedding {
            Some(e) => h.with_embedding_params(e),
            None => h,
        })
    }
}

/// An id must be non-empty and printable on one line.
pub(crate) fn check_id(id: &str) -> Result<()> {
    if id.trim().is_empty() || id.chars().any(char::is_control) {
        return Err(Error::InvalidInput {
            what: format!("hypothesis id {id:?}"),
            reason: "it must be non-empty, on one line".into(),
        });
    }
    Ok(())
}

impl KaplanHypothesis {
    /// The Table 2 preset: id `kaplan2020`, WebText2 evidence.
    pub fn kaplan2020() -> Self {
        KaplanHypothesis {
            law: KaplanLaw::kaplan2020(),
            id: "kaplan2020".into(),
            source: "Kaplan et al. 2020, arXiv:2001.08361, Eq. 1.5 and Table 2".into(),
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
            embedding: None,
        }
    }

    /// Any Kaplan-form law of your own: id `kaplan-form`, source "user-supplied
    /// constants" and no known evidence ranges until you set them with
    /// [`KaplanHypothesis::named`] and [`KaplanHypothesis::with_evidence`].
    pub fn new(law: KaplanLaw) -> Self {
        KaplanHypothesis {
            law,
            id: "kaplan-form".into(),
            source: "user-supplied Kaplan-form constants".into(),
            evidence: Evidence::described("not given"),
            embedding: None,
        }
    }

    /// The same law under your id and source.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for an empty id or one with line breaks.
    pub fn named(mut self, id: impl Into<String>, source: impl Into<String>) -> Result<Self> {
        let id = id.into();
        check_id(&id)?;
        self.id = id;
        self.source = source.into();
        Ok(self)
    }

    /// The same law with the evidence it was fitted on (so predictions say how far
    /// they extrapolate from *your* data).
    pub fn with_evidence(mut self, evidence: Evidence) -> Self {
        self.evidence = evidence;
        self
    }

    /// The same law, told how many embedding parameters the model asked about has, so
    /// [`LossHypothesis::params_from_total`] can convert its total count.
    pub fn with_embedding_params(mut self, embedding: Params) -> Self {
        self.embedding = Some(embedding);
        self
    }

    /// The law.
    pub fn law(&self) -> &KaplanLaw {
        &self.law
    }
}

impl LossHypothesis for KaplanHypothesis {
    fn id(&self) -> String {
        self.id.clone()
    }
    fn corpus(&self) -> String {
        "WebText2 (non-embedding N)".into()
    }
    fn assumption(&self) -> String {
        "Loss is a single power law in a combination of non-embedding size and data, with no irreducible term beyond the size limit (N_c/N)^alpha_N.".into()
    }
    fn source(&self) -> String {
        self.source.clone()
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
    fn param_count(&self) -> ParamCount {
        ParamCount::NonEmbedding
    }
    fn params_from_total(&self, total: Params) -> Result<Params> {
        match self.embedding {
            Some(e) => Params::new(total.get() - e.get()).map_err(|_| Error::NotApplicable {
                what: format!("{} at a total size of {total}", self.id),
                reason: format!("its {e} embedding parameters are all of the model or more"),
            }),
            None => Err(Error::NotApplicable {
                what: format!("{} at a total size of {total}", self.id),
                reason: "Kaplan's law takes the non-embedding parameter count; give the \
                         model's embedding parameters (KaplanHypothesis::with_embedding_params) \
                         or ask with a non-embedding N directly"
                    .into(),
            }),
        }
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
    fn a_users_law_says_what_it_is() {
        let law = KaplanLaw::new(
            0.07,
            0.1,
            Params::new(5e13).unwrap(),
            Tokens::new(2e13).unwrap(),
        )
        .unwrap();
        let bare = KaplanHypothesis::new(law);
        assert_ne!(bare.id(), "kaplan2020");
        assert!(bare.evidence().max_params.is_none() && !bare.source().contains("2001.08361"));
        assert!(bare.clone().named("", "x").is_err());
        assert!(bare.clone().named("a\nb", "x").is_err());
        let mine = bare.named("kaplan-mine", "our runs").unwrap();
        let json = serde_json::to_string(&mine).unwrap();
        assert_eq!(
            serde_json::from_str::<KaplanHypothesis>(&json).unwrap(),
            mine
        );
        let bad = json.replace("kaplan-mine", "");
        assert!(serde_json::from_str::<KaplanHypothesis>(&bad).is_err());
    }

    #[test]
    fn total_counts_are_converted_or_refused() {
        let total = Params::new(6_738_415_616.0).unwrap();
        let h = KaplanHypothesis::kaplan2020();
        assert!(matches!(
            h.params_from_total(total),
            Err(Error::NotApplicable { .. })
        ));
        // LLaMA-7B: 2 x 32,000 x 4,096 embedding parameters (untied input and output).
        let emb = Params::new(2.0 * 32_000.0 * 4_096.0).unwrap();
        let n = h
            .clone()
            .with_embedding_params(emb)
            .params_from_total(total)
            .unwrap();
        assert_eq!(n, non_embedding_params(total, 32_000, 4_096, 2).unwrap());
        let too_big = h.with_embedding_params(Params::new(7e9).unwrap());
        assert!(too_big.params_from_total(total).is_err());
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
