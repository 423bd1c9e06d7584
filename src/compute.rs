//! Training and inference FLOPs: 6ND, Kaplan's count and Chinchilla's App. F count.
//!
//! Three ways to count the training compute C of N parameters on D tokens:
//!
//! | count | per token | source |
//! |---|---|---|
//! | [`training_flops_6nd`] | 6N | Kaplan et al. 2020 Sec. 2.1; Hoffmann et al. 2022 (C = 6ND) |
//! | [`kaplan_training_flops`] | 3 (2N + 2 n_layer n_ctx d_attn) | Kaplan et al. 2020, Table 1 |
//! | [`chinchilla_training_flops`] | 3 x App. F forward / s | Hoffmann et al. 2022, App. F |
//!
//! Every count is in FLOPs (one multiply-add is 2 FLOPs) and the backward pass
//! costs twice the forward. N is always the total parameter count of
//! [`Architecture::params`], embeddings included, so each refined count's
//! ratio to 6ND isolates what 6ND leaves out. (Kaplan's own N excludes
//! embeddings; see [`Architecture::non_embedding_params`].)
//!
//! ```
//! use isoflop::architecture::Architecture;
//! use isoflop::compute::training_flop_counts;
//! use isoflop::units::Tokens;
//! // LLaMA-7B at 1T tokens.
//! let counts = training_flop_counts(&Architecture::llama_7b(), Tokens::new(1e12)?)?;
//! assert_eq!(counts.six_nd.to_string(), "4.04e22");
//! assert!((counts.kaplan_ratio() - 1.040).abs() < 5e-4);     // + attention
//! assert!((counts.chinchilla_ratio() - 1.080).abs() < 5e-4); // + attention, embeddings, logits
//! # Ok::<(), isoflop::Error>(())
//! ```
//!
//! Inference costs 2N per token plus attention ([`inference_flops_per_token`];
//! Kaplan et al. 2020 Table 1; Sardana & Frankle 2023 use 2N per token served,
//! [`inference_flops_2n`]).
//!
//! Overflow is an error ([`Error::NonFinite`]), never an infinite count.

use crate::architecture::Architecture;
use crate::error::{check, Error, Result};
use crate::units::{Flops, Params, Tokens};
use serde::{Deserialize, Serialize};

fn flops(what: &'static str, value: f64) -> Result<Flops> {
    Flops::new(check::result(what, value)?)
}

/// Training compute by the standard approximation C = 6ND: 2N FLOPs per token
/// forward, 4N backward (Kaplan et al. 2020 Sec. 2.1; Hoffmann et al. 2022
/// Sec. 3 and Table 3).
///
/// ```
/// use isoflop::compute::training_flops_6nd;
/// use isoflop::units::{Params, Tokens};
/// // Chinchilla Table 3, first row: 400M parameters on 8.0B tokens.
/// let c = training_flops_6nd("400M".parse()?, "8.0B".parse()?)?;
/// assert_eq!(c.to_string(), "1.92e19");
/// // Overflow is an error, not infinity.
/// assert!(training_flops_6nd(Params::new(1e300)?, Tokens::new(1e300)?).is_err());
/// # Ok::<(), isoflop::Error>(())
/// ```
pub fn training_flops_6nd(n: Params, d: Tokens) -> Result<Flops> {
    flops("training FLOPs 6ND", 6.0 * n.get() * d.get())
}

/// The tokens N parameters can train on with C FLOPs: D = C / 6N.
///
/// ```
/// use isoflop::compute::tokens_for_flops;
/// let d = tokens_for_flops("67B".parse()?, "5.76e23".parse()?)?;
/// assert_eq!(d.to_string(), "1.43T");
/// # Ok::<(), isoflop::Error>(())
/// ```
pub fn tokens_for_flops(n: Params, c: Flops) -> Result<Tokens> {
    Tokens::new(check::result(
        "token count C/6N",
        c.get() / (6.0 * n.get()),
    )?)
}

/// The parameter count D tokens can train with C FLOPs: N = C / 6D.
///
/// ```
/// use isoflop::compute::params_for_flops;
/// let n = params_for_flops("1.4T".parse()?, "5.88e23".parse()?)?;
/// assert_eq!(n.to_string(), "70B");
/// # Ok::<(), isoflop::Error>(())
/// ```
pub fn params_for_flops(d: Tokens, c: Flops) -> Result<Params> {
    Params::new(check::result(
        "parameter count C/6D",
        c.get() / (6.0 * d.get()),
    )?)
}

/// Inference compute for serving `served` tokens at 2N FLOPs per token, the
/// approximation of Sardana & Frankle 2023 (attention ignored; see
/// [`inference_flops_per_token`] for the count with attention).
///
/// ```
/// use isoflop::compute::inference_flops_2n;
/// let c = inference_flops_2n("7B".parse()?, "1T".parse()?)?;
/// assert_eq!(c.to_string(), "1.4e22");
/// # Ok::<(), isoflop::Error>(())
/// ```
pub fn inference_flops_2n(n: Params, served: Tokens) -> Result<Flops> {
    flops("inference FLOPs 2N x tokens", 2.0 * n.get() * served.get())
}

/// Kaplan's forward attention term per token, 2 n_layer n_ctx d_attn
/// (Kaplan et al. 2020, Table 1, "Attention: Mask"), for a context of
/// `context` tokens.
///
/// It is the average over a causal sequence: a token attends to n_ctx/2
/// positions on average, and each attended position costs 4 d_attn FLOPs
/// (query-key logit and value sum). Chinchilla's App. F counts the full s x s
/// score matrix instead, twice this.
pub fn attention_flops_per_token(arch: &Architecture, context: Tokens) -> Result<Flops> {
    flops(
        "attention FLOPs per token",
        2.0 * f64::from(arch.n_layers()) * context.get() * arch.d_attn() as f64,
    )
}

/// Kaplan et al. 2020's forward FLOPs per token at the training context:
/// 2N + 2 n_layer n_ctx d_attn (Table 1), with N the total parameter count
/// (Kaplan's own N excludes embeddings; here N is that of 6ND so the ratio
/// to 6ND is exactly 1 + [`kaplan_attention_overhead`]).
///
/// ```
/// use isoflop::architecture::Architecture;
/// use isoflop::compute::kaplan_forward_flops_per_token;
/// let f = kaplan_forward_flops_per_token(&Architecture::llama_7b())?;
/// // 2 x 6,738,415,616 + 2 x 32 x 2048 x 4096
/// assert_eq!(f.get(), 14_013_702_144.0);
/// # Ok::<(), isoflop::Error>(())
/// ```
pub fn kaplan_forward_flops_per_token(arch: &Architecture) -> Result<Flops> {
    let context = Tokens::new(f64::from(arch.context()))?;
    let attention = attention_flops_per_token(arch, context)?;
    flops(
        "Kaplan forward FLOPs per token",
        2.0 * arch.params().get() + attention.get(),
    )
}

/// Kaplan et al. 2020's training compute for D tokens: 3 x forward per token
/// (backward = 2 x forward) x D.
///
/// ```
/// use isoflop::architecture::Architecture;
/// use isoflop::compute::{kaplan_training_flops, training_flops_6nd};
/// let a = Architecture::llama_7b();
/// let d = "1T".parse()?;
/// let ratio = kaplan_training_flops(&a, d)?.ratio(training_flops_6nd(a.params(), d)?);
/// assert_eq!(format!("{ratio:.3}"), "1.040");
/// # Ok::<(), isoflop::Error>(())
/// ```
pub fn kaplan_training_flops(arch: &Architecture, d: Tokens) -> Result<Flops> {
    flops(
        "Kaplan training FLOPs",
        3.0 * kaplan_forward_flops_per_token(arch)?.get() * d.get(),
    )
}

/// What Kaplan's attention term adds to 6ND, as a fraction:
/// (2 n_layer n_ctx d_attn) / 2N, N the total parameter count.
///
/// For LLaMA-7B (n_ctx 2048, d_attn = d_model = 4096) this is 3.98%, "about
/// 4.0%". With Kaplan's own non-embedding N it would be 4.14%.
///
/// ```
/// use isoflop::architecture::Architecture;
/// use isoflop::compute::kaplan_attention_overhead;
/// let f = kaplan_attention_overhead(&Architecture::llama_7b());
/// assert_eq!(format!("{:.1}%", 100.0 * f), "4.0%");
/// ```
pub fn kaplan_attention_overhead(arch: &Architecture) -> f64 {
    f64::from(arch.n_layers()) * f64::from(arch.context()) * arch.d_attn() as f64
        / arch.params().get()
}

/// Forward FLOPs of one sequence of s = context tokens, by Chinchilla's
/// App. F (Hoffmann et al. 2022), component by component, summed over layers.
///
/// With d = d_model, h heads of key size k, feed-forward size f, vocabulary V
/// and m feed-forward matrices ([`crate::architecture::FeedForward::matrices`]:
/// 2 for the MLP App. F assumes, 3 for SwiGLU):
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ForwardBreakdown {
    /// Embedding lookup as a matrix product: 2 s V d.
    pub embeddings: Flops,
    /// Key, query and value projections: n_layer x 2 x 3 s d (k h).
    pub qkv: Flops,
    /// Key @ query logits: n_layer x 2 s^2 (k h).
    pub logits: Flops,
    /// Softmax: n_layer x 3 h s^2.
    pub softmax: Flops,
    /// Softmax @ value reductions: n_layer x 2 s^2 (k h).
    pub softmax_values: Flops,
    /// Attention output projection: n_layer x 2 s (k h) d.
    pub output_projection: Flops,
    /// Dense (feed-forward) block: n_layer x 2 s (m d f); App. F prints
    /// 2 s (d f + d f) for its two-matrix MLP.
    pub dense: Flops,
    /// Final logits: 2 s d V.
    pub final_logits: Flops,
}

impl ForwardBreakdown {
    /// Total forward FLOPs of the sequence.
    pub fn total(&self) -> Result<Flops> {
        flops(
            "App. F forward FLOPs",
            self.embeddings.get()
                + self.qkv.get()
                + self.logits.get()
                + self.softmax.get()
                + self.softmax_values.get()
                + self.output_projection.get()
                + self.dense.get()
                + self.final_logits.get(),
        )
    }
}

/// Chinchilla App. F's forward FLOPs for one sequence of the architecture's
/// context length, component by component.
///
/// ```
/// use isoflop::architecture::Architecture;
/// use isoflop::compute::chinchilla_forward_breakdown;
/// let b = chinchilla_forward_breakdown(&Architecture::llama_7b())?;
/// // The SwiGLU dense block is over half the forward pass.
/// assert!(b.dense.ratio(b.total()?) > 0.5);
/// # Ok::<(), isoflop::Error>(())
/// ```
pub fn chinchilla_forward_breakdown(arch: &Architecture) -> Result<ForwardBreakdown> {
    let s = f64::from(arch.context());
    let d = f64::from(arch.d_model());
    let v = f64::from(arch.vocab());
    let kh = arch.d_attn() as f64;
    let h = f64::from(arch.n_heads());
    let f = f64::from(arch.d_ff());
    let m = f64::from(arch.feed_forward().matrices());
    let layers = f64::from(arch.n_layers());
    Ok(ForwardBreakdown {
        embeddings: flops("App. F embedding FLOPs", 2.0 * s * v * d)?,
        qkv: flops("App. F QKV FLOPs", layers * 2.0 * 3.0 * s * d * kh)?,
        logits: flops("App. F logit FLOPs", layers * 2.0 * s * s * kh)?,
        softmax: flops("App. F softmax FLOPs", layers * 3.0 * h * s * s)?,
        softmax_values: flops("App. F softmax@V FLOPs", layers * 2.0 * s * s * kh)?,
        output_projection: flops("App. F output projection FLOPs", layers * 2.0 * s * kh * d)?,
        dense: flops("App. F dense block FLOPs", layers * 2.0 * s * m * d * f)?,
        final_logits: flops("App. F final logit FLOPs", 2.0 * s * d * v)?,
    })
}

/// Chinchilla App. F's forward FLOPs per token: the sequence's forward count
/// divided by its length s (the architecture's context).
pub fn chinchilla_forward_flops_per_token(arch: &Architecture) -> Result<Flops> {
    let total = chinchilla_forward_breakdown(arch)?.total()?;
    flops(
        "App. F forward FLOPs per token",
        total.get() / f64::from(arch.context()),
    )
}

/// Chinchilla App. F's training compute for D tokens: forward per token x 3
/// (backward = 2 x forward) x D.
///
/// ```
/// use isoflop::architecture::Architecture;
/// use isoflop::compute::{chinchilla_training_flops, training_flops_6nd};
/// let a = Architecture::llama_65b();
/// let d = "1.4T".parse()?;
/// let r = chinchilla_training_flops(&a, d)?.ratio(training_flops_6nd(a.params(), d)?);
/// assert_eq!(format!("{r:.3}"), "1.041");
/// # Ok::<(), isoflop::Error>(())
/// ```
pub fn chinchilla_training_flops(arch: &Architecture, d: Tokens) -> Result<Flops> {
    flops(
        "App. F training FLOPs",
        3.0 * chinchilla_forward_flops_per_token(arch)?.get() * d.get(),
    )
}

/// Forward FLOPs per generated or scored token, averaged over a causal
/// sequence of `context` tokens: 2N + 2 n_layer context d_attn (Kaplan et al.
/// 2020, Table 1, with n_ctx = context). `context` may not exceed the
/// architecture's context length.
///
/// ```
/// use isoflop::architecture::Architecture;
/// use isoflop::compute::inference_flops_per_token;
/// let a = Architecture::llama_7b();
/// let full = inference_flops_per_token(&a, "2048".parse()?)?;
/// let short = inference_flops_per_token(&a, "128".parse()?)?;
/// assert!(short < full);
/// assert!(inference_flops_per_token(&a, "4096".parse()?).is_err());
/// # Ok::<(), isoflop::Error>(())
/// ```
pub fn inference_flops_per_token(arch: &Architecture, context: Tokens) -> Result<Flops> {
    if context.get() > f64::from(arch.context()) {
        return Err(Error::NotApplicable {
            what: format!("inference with a context of {} tokens", context.get()),
            reason: format!(
                "the architecture's context length is {} tokens",
                arch.context()
            ),
        });
    }
    let attention = attention_flops_per_token(arch, context)?;
    flops(
        "inference FLOPs per token",
        2.0 * arch.params().get() + attention.get(),
    )
}

/// The three training counts for one architecture and token count, side by side.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FlopCounts {
    /// 6ND ([`training_flops_6nd`]).
    pub six_nd: Flops,
    /// Kaplan et al. 2020, Table 1 ([`kaplan_training_flops`]).
    pub kaplan: Flops,
    /// Chinchilla App. F ([`chinchilla_training_flops`]).
    pub chinchilla: Flops,
}

impl FlopCounts {
    /// Kaplan's count / 6ND.
    pub fn kaplan_ratio(&self) -> f64 {
        self.kaplan.ratio(self.six_nd)
    }
    /// App. F's count / 6ND (Chinchilla Table A4 reports this ratio).
    pub fn chinchilla_ratio(&self) -> f64 {
        self.chinchilla.ratio(self.six_nd)
    }
}

/// 6ND, Kaplan's and App. F's training FLOPs for an architecture on D tokens.
pub fn training_flop_counts(arch: &Architecture, d: Tokens) -> Result<FlopCounts> {
    Ok(FlopCounts {
        six_nd: training_flops_6nd(arch.params(), d)?,
        kaplan: kaplan_training_flops(arch, d)?,
        chinchilla: chinchilla_training_flops(arch, d)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn six_nd_inverts() {
        let n = Params::new(6.7e9).unwrap();
        let d = Tokens::new(1e12).unwrap();
        let c = training_flops_6nd(n, d).unwrap();
        assert!((tokens_for_flops(n, c).unwrap().ratio(d) - 1.0).abs() < 1e-12);
        assert!((params_for_flops(d, c).unwrap().ratio(n) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn overflow_and_underflow_are_errors() {
        let big = Params::new(1e200).unwrap();
        let c = Flops::new(1e-300).unwrap();
        assert!(matches!(
            training_flops_6nd(big, Tokens::new(1e200).unwrap()),
            Err(Error::NonFinite(_))
        ));
        // C/6N underflows to 0: not a valid token count.
        assert!(tokens_for_flops(big, c).is_err());
    }

    #[test]
    fn app_f_llama_7b_by_hand() {
        // Per token, LLaMA-7B (s 2048, d 4096, f 11008, V 32000, 32 layers):
        // embeddings 2Vd + layers x (6d^2 + 2sd + 3hs + 2sd + 2d^2 + 6df) + 2dV.
        let (s, d, f, v, h, l) = (2048.0, 4096.0, 11008.0, 32000.0, 32.0, 32.0);
        let per_layer = 6.0 * d * d + 4.0 * s * d + 3.0 * h * s + 2.0 * d * d + 6.0 * d * f;
        let expect = 4.0 * v * d + l * per_layer;
        let got = chinchilla_forward_flops_per_token(&Architecture::llama_7b()).unwrap();
        assert!((got.get() / expect - 1.0).abs() < 1e-12);
    }

    #[test]
    fn app_f_attention_is_twice_kaplans() {
        let a = Architecture::llama_13b();
        let b = chinchilla_forward_breakdown(&a).unwrap();
        let s = f64::from(a.context());
        let per_token = (b.logits.get() + b.softmax_values.get()) / s;
        let kaplan = attention_flops_per_token(&a, Tokens::new(s).unwrap()).unwrap();
        assert!((per_token / kaplan.get() - 2.0).abs() < 1e-12);
    }

    #[test]
    fn chinchilla_70b_app_f_is_below_6nd() {
        // The nominal 70B includes parameters App. F does not count.
        let a = Architecture::chinchilla_70b();
        let counts = training_flop_counts(&a, Tokens::new(1.4e12).unwrap()).unwrap();
        assert!(counts.chinchilla_ratio() < 1.0 && counts.chinchilla_ratio() > 0.9);
    }
}
