//! Transformer shapes: the numbers a FLOP count needs beyond N.
//!
//! An [`Architecture`] is a decoder-only transformer's shape (layers, model
//! width, heads, head size, feed-forward size and kind, vocabulary, context)
//! together with its parameter count N. [`crate::compute`] turns it into
//! Kaplan's and Chinchilla's refined FLOP counts.
//!
//! Presets reproduce published shapes:
//!
//! | preset | source | N |
//! |---|---|---|
//! | [`Architecture::llama_7b`] | Touvron et al. 2023 (LLaMA), Table 2 | 6,738,415,616 |
//! | [`Architecture::llama_13b`] | same | 13,015,864,320 |
//! | [`Architecture::llama_33b`] | same | 32,528,943,616 |
//! | [`Architecture::llama_65b`] | same | 65,285,660,672 |
//! | [`Architecture::chinchilla_70b`] | Hoffmann et al. 2022, Table 4 | 70B (nominal) |
//!
//! The LLaMA parameter counts are those of the released checkpoints; the names
//! are the paper's ("LLaMA-7B" has 6.74B parameters, "LLaMA-33B" is the
//! paper's 32.5B). A test checks that [`Architecture::llama_style_params`]
//! reproduces each exactly from the shape.
//!
//! ```
//! use isoflop::architecture::Architecture;
//! let a = Architecture::llama_7b();
//! assert_eq!(a.params().get(), 6_738_415_616.0);
//! assert_eq!(a.llama_style_params()?.get(), 6_738_415_616.0);
//! assert_eq!(a.d_ff(), 11_008);
//! # Ok::<(), isoflop::Error>(())
//! ```

use crate::error::{check, Error, Result};
use crate::units::Params;
use serde::{Deserialize, Serialize};

/// The kind of feed-forward ("dense") block, which fixes how many d_model x d_ff
/// matrices it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FeedForward {
    /// Two matrices, d_model -> d_ff -> d_model, with a pointwise nonlinearity
    /// (GPT-2/3, Gopher, Chinchilla). Chinchilla App. F counts its forward
    /// FLOPs as 2 s (d f + d f) per layer.
    Mlp,
    /// Three matrices: gate and up projections d_model -> d_ff, a SiLU-gated
    /// product, and a down projection d_ff -> d_model (Shazeer 2020; LLaMA
    /// Sec. 2.2). Counted in App. F terms as 2 s (d f + d f + d f) per layer:
    /// one more matrix multiply than the MLP; the pointwise SiLU and product
    /// are ignored, as App. F ignores every nonlinearity except the softmax.
    SwiGlu,
}

impl FeedForward {
    /// How many d_model x d_ff weight matrices the block holds (2 or 3).
    pub const fn matrices(self) -> u32 {
        match self {
            FeedForward::Mlp => 2,
            FeedForward::SwiGlu => 3,
        }
    }
}

/// LLaMA's SwiGLU hidden size for a model width: 2/3 of 4 d_model, rounded
/// *up* to a multiple of `multiple_of` (256 in LLaMA's released code).
///
/// ```
/// use isoflop::architecture::swiglu_hidden_size;
/// assert_eq!(swiglu_hidden_size(4096, 256)?, 11_008);
/// assert_eq!(swiglu_hidden_size(5120, 256)?, 13_824);
/// assert!(swiglu_hidden_size(0, 256).is_err());
/// # Ok::<(), isoflop::Error>(())
/// ```
pub fn swiglu_hidden_size(d_model: u32, multiple_of: u32) -> Result<u32> {
    positive_dim("d_model", d_model)?;
    positive_dim("multiple_of", multiple_of)?;
    let raw = u64::from(d_model) * 8 / 3;
    let m = u64::from(multiple_of);
    let rounded = raw.div_ceil(m) * m;
    u32::try_from(rounded).map_err(|_| Error::InvalidValue {
        what: "SwiGLU hidden size",
        value: rounded as f64,
        allowed: "must fit in 32 bits; use a smaller d_model",
    })
}

fn positive_dim(what: &'static str, v: u32) -> Result<u32> {
    if v == 0 {
        Err(Error::InvalidValue {
            what,
            value: 0.0,
            allowed: "must be an integer >= 1",
        })
    } else {
        Ok(v)
    }
}

/// The shape of a decoder-only transformer, unvalidated: fill it in and pass
/// it to [`Architecture::new`].
///
/// Names follow Chinchilla App. F: `d_model` is d, `n_heads` is h, `head_dim`
/// is the key/value size k, `d_ff` the feed-forward size f, `vocab` V,
/// `context` the sequence length s. Kaplan's d_attn is `n_heads * head_dim`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shape {
    /// Number of transformer layers (n_layer).
    pub n_layers: u32,
    /// Residual stream width d (d_model).
    pub d_model: u32,
    /// Attention heads per layer h.
    pub n_heads: u32,
    /// Key/value size per head k (head dimension).
    pub head_dim: u32,
    /// Feed-forward hidden size f (ffw size).
    pub d_ff: u32,
    /// Vocabulary size V.
    pub vocab: u32,
    /// Training context length s (n_ctx), in tokens.
    pub context: u32,
    /// The kind of feed-forward block.
    pub feed_forward: FeedForward,
}

/// A validated transformer shape with its parameter count N.
///
/// N is given separately, not derived, because published counts include parts
/// a shape does not pin down (biases, norms, positional parameters, tied or
/// untied embeddings). [`Architecture::llama_style_params`] gives the count a
/// LLaMA-style decoder of this shape would have.
///
/// ```
/// use isoflop::architecture::{Architecture, FeedForward, Shape};
/// use isoflop::units::Params;
/// let shape = Shape {
///     n_layers: 12, d_model: 768, n_heads: 12, head_dim: 64, d_ff: 3072,
///     vocab: 50_257, context: 1024, feed_forward: FeedForward::Mlp,
/// };
/// let gpt2_small = Architecture::new(shape, Params::new(124e6)?)?;
/// assert_eq!(gpt2_small.d_attn(), 768);
/// let mut bad = shape;
/// bad.n_heads = 0;
/// assert!(Architecture::new(bad, Params::new(124e6)?).is_err());
/// # Ok::<(), isoflop::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawArchitecture")]
pub struct Architecture {
    shape: Shape,
    params: Params,
}

#[derive(Deserialize)]
struct RawArchitecture {
    shape: Shape,
    params: Params,
}

impl TryFrom<RawArchitecture> for Architecture {
    type Error = Error;
    fn try_from(raw: RawArchitecture) -> Result<Self> {
        Architecture::new(raw.shape, raw.params)
    }
}

impl Architecture {
    /// Validates a shape: every dimension must be >= 1, and the attention
    /// width `n_heads * head_dim` at most 4 `d_model` (wider attention than
    /// that is not a published transformer shape and is almost surely a typo);
    /// the parameter count must be at least 1.
    pub fn new(shape: Shape, params: Params) -> Result<Self> {
        positive_dim("number of layers", shape.n_layers)?;
        positive_dim("d_model", shape.d_model)?;
        positive_dim("number of attention heads", shape.n_heads)?;
        positive_dim("head dimension (key/value size)", shape.head_dim)?;
        positive_dim("feed-forward size", shape.d_ff)?;
        positive_dim("vocabulary size", shape.vocab)?;
        positive_dim("context length", shape.context)?;
        let d_attn = u64::from(shape.n_heads) * u64::from(shape.head_dim);
        if d_attn > 4 * u64::from(shape.d_model) {
            return Err(Error::InvalidValue {
                what: "attention width n_heads x head_dim",
                value: d_attn as f64,
                allowed: "must be at most 4 x d_model",
            });
        }
        // At least one parameter: a subnormal count (e.g. 5e-324) made ratios such as
        // `compute::kaplan_attention_overhead` infinite.
        if params.get() < 1.0 {
            return Err(Error::InvalidValue {
                what: "parameter count of an architecture",
                value: params.get(),
                allowed: "must be at least 1",
            });
        }
        Ok(Architecture { shape, params })
    }

    /// The shape.
    pub const fn shape(&self) -> Shape {
        self.shape
    }
    /// The parameter count N (all parameters, embeddings included).
    pub const fn params(&self) -> Params {
        self.params
    }
    /// Number of layers.
    pub const fn n_layers(&self) -> u32 {
        self.shape.n_layers
    }
    /// Model width d.
    pub const fn d_model(&self) -> u32 {
        self.shape.d_model
    }
    /// Attention heads h.
    pub const fn n_heads(&self) -> u32 {
        self.shape.n_heads
    }
    /// Key/value size per head k.
    pub const fn head_dim(&self) -> u32 {
        self.shape.head_dim
    }
    /// Kaplan's d_attn: the attention width h k.
    pub const fn d_attn(&self) -> u64 {
        self.shape.n_heads as u64 * self.shape.head_dim as u64
    }
    /// Feed-forward size f.
    pub const fn d_ff(&self) -> u32 {
        self.shape.d_ff
    }
    /// Vocabulary size V.
    pub const fn vocab(&self) -> u32 {
        self.shape.vocab
    }
    /// Training context length s, in tokens.
    pub const fn context(&self) -> u32 {
        self.shape.context
    }
    /// The feed-forward kind.
    pub const fn feed_forward(&self) -> FeedForward {
        self.shape.feed_forward
    }

    /// The weights of the layers' matrices only: n_layer (4 d h k + m d f),
    /// m the number of feed-forward matrices. This is Kaplan et al. 2020's
    /// non-embedding N (Table 1: 2 d_model n_layer (2 d_attn + d_ff) for the
    /// two-matrix MLP), without norms or biases.
    pub fn non_embedding_params(&self) -> Result<Params> {
        let s = &self.shape;
        let d = f64::from(s.d_model);
        let per_layer = 4.0 * d * self.d_attn() as f64
            + f64::from(s.feed_forward.matrices()) * d * f64::from(s.d_ff);
        Params::new(check::result(
            "non-embedding parameter count",
            f64::from(s.n_layers) * per_layer,
        )?)
    }

    /// The parameter count of a LLaMA-style decoder of this shape: untied input
    /// and output embeddings (2 V d), per layer the attention matrices
    /// (4 d h k), the feed-forward matrices (m d f) and two RMSNorm gains
    /// (2 d), and a final RMSNorm (d). No biases. For LLaMA (SwiGLU, m = 3)
    /// this is 2 V d + n_layer (4 d^2 + 3 d f + 2 d) + d, which reproduces the
    /// released checkpoints' counts exactly.
    pub fn llama_style_params(&self) -> Result<Params> {
        let s = &self.shape;
        let d = f64::from(s.d_model);
        let embeddings = 2.0 * f64::from(s.vocab) * d;
        let norms = f64::from(s.n_layers) * 2.0 * d + d;
        let total = embeddings + self.non_embedding_params()?.get() + norms;
        Params::new(check::result("parameter count", total)?)
    }

    fn llama(d_model: u32, n_heads: u32, n_layers: u32, d_ff: u32, params: f64) -> Self {
        Architecture {
            shape: Shape {
                n_layers,
                d_model,
                n_heads,
                head_dim: d_model / n_heads,
                d_ff,
                vocab: 32_000,
                context: 2048,
                feed_forward: FeedForward::SwiGlu,
            },
            params: Params::raw(params),
        }
    }

    /// LLaMA-7B (Touvron et al. 2023, Table 2: d 4096, 32 heads, 32 layers;
    /// context 2048, vocabulary 32k; SwiGLU with f = 11,008), with the released
    /// checkpoint's 6,738,415,616 parameters.
    pub fn llama_7b() -> Self {
        Self::llama(4096, 32, 32, 11_008, 6_738_415_616.0)
    }
    /// LLaMA-13B (Table 2: d 5120, 40 heads, 40 layers; f = 13,824),
    /// 13,015,864,320 parameters.
    pub fn llama_13b() -> Self {
        Self::llama(5120, 40, 40, 13_824, 13_015_864_320.0)
    }
    /// LLaMA-33B, the paper's 32.5B (Table 2: d 6656, 52 heads, 60 layers;
    /// f = 17,920), 32,528,943,616 parameters.
    pub fn llama_33b() -> Self {
        Self::llama(6656, 52, 60, 17_920, 32_528_943_616.0)
    }
    /// LLaMA-65B, the paper's 65.2B (Table 2: d 8192, 64 heads, 80 layers;
    /// f = 22,016), 65,285,660,672 parameters.
    pub fn llama_65b() -> Self {
        Self::llama(8192, 64, 80, 22_016, 65_285_660_672.0)
    }

    /// The four LLaMA-1 shapes, smallest first.
    pub fn llama1() -> [Self; 4] {
        [
            Self::llama_7b(),
            Self::llama_13b(),
            Self::llama_33b(),
            Self::llama_65b(),
        ]
    }

    /// Chinchilla 70B. Hoffmann et al. 2022, Table 4, gives 80 layers, 64
    /// heads, key/value size 128 and d_model 8192; the feed-forward size
    /// 4 d_model = 32,768, vocabulary 32,000 and context 2,048 are the
    /// Gopher family's conventions (Rae et al. 2021), not printed in Table 4.
    /// N is the nominal 70B: the exact count is not published. The shape's
    /// matrices hold about 64.4B; the rest are embeddings and parameters
    /// App. F does not count (the Gopher family uses relative positional
    /// encodings), so its App. F count falls a little below 6ND.
    pub fn chinchilla_70b() -> Self {
        Architecture {
            shape: Shape {
                n_layers: 80,
                d_model: 8192,
                n_heads: 64,
                head_dim: 128,
                d_ff: 32_768,
                vocab: 32_000,
                context: 2048,
                feed_forward: FeedForward::Mlp,
            },
            params: Params::raw(70e9),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn llama_presets_reproduce_released_counts_exactly() {
        // Source: released LLaMA-1 checkpoints (Touvron et al. 2023, Table 2).
        for a in Architecture::llama1() {
            assert_eq!(a.llama_style_params().unwrap(), a.params());
            assert_eq!(swiglu_hidden_size(a.d_model(), 256).unwrap(), a.d_ff());
            assert_eq!(a.d_attn(), u64::from(a.d_model()));
        }
    }

    #[test]
    fn presets_validate() {
        for a in Architecture::llama1()
            .into_iter()
            .chain([Architecture::chinchilla_70b()])
        {
            assert_eq!(Architecture::new(a.shape(), a.params()).unwrap(), a);
        }
    }

    #[test]
    fn rejects_zero_dimensions_and_absurd_attention() {
        let base = Architecture::llama_7b().shape();
        let n = Params::new(1e9).unwrap();
        let mut s = base;
        s.context = 0;
        assert!(matches!(
            Architecture::new(s, n),
            Err(Error::InvalidValue {
                what: "context length",
                ..
            })
        ));
        let mut s = base;
        s.head_dim = 4096;
        assert!(matches!(
            Architecture::new(s, n),
            Err(Error::InvalidValue { .. })
        ));
    }

    #[test]
    fn rejects_a_parameter_count_below_one() {
        // Found by the property suite: with 5e-324 parameters the Kaplan attention
        // overhead (a plain f64) was infinite.
        let s = Architecture::llama_7b().shape();
        assert!(Architecture::new(s, Params::new(5e-324).unwrap()).is_err());
        assert!(Architecture::new(s, Params::new(1.0).unwrap()).is_ok());
    }

    #[test]
    fn serde_round_trips_and_validates() {
        let a = Architecture::llama_13b();
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(serde_json::from_str::<Architecture>(&json).unwrap(), a);
        let bad = json.replace("\"n_layers\":40", "\"n_layers\":0");
        assert!(serde_json::from_str::<Architecture>(&bad).is_err());
    }
}
