//! The LLaMA-1 training-loss curves of Figure 1, shipped inside the crate.
//!
//! **Source.** Touvron et al. 2023, "LLaMA: Open and Efficient Foundation
//! Language Models", arXiv:2302.13971, Figure 1 ("Training loss over train tokens
//! for the 7B, 13B, 33B, and 65B models"). The figure was digitised from the
//! vector path coordinates in the arXiv v1 PDF (no pixel tracing); see
//! `data/llama/SOURCE.md` (shipped with the crate) for the provenance and
//! axis calibration (max residual 0.004B tokens, 3e-6 nats at the ticks).
//!
//! **Derivation.** `scripts/llama_fig1_bins.py` (Python 3, stdlib only) drops the
//! 82 out-of-axes vertices (`in_axes = 0`, clipping artefacts above the y-axis top
//! of 2.2), groups the remaining 26,712 vertices into 5B-token bins per model, and
//! keeps the median loss per bin at the bin's midpoint (the bin centre, except
//! for the first and last partial bins, whose midpoint is that of the covered
//! part). It writes `src/data/llama_fig1.rs`, included here. Regenerate with
//! `python3 scripts/llama_fig1_bins.py > src/data/llama_fig1.rs`.
//!
//! **What the numbers are.** Training loss (nats/token), smoothed by the plotting
//! pipeline, on LLaMA's own data mix and 32k SentencePiece tokenizer: *not* on
//! the scale of Chinchilla's MassiveText losses (Chinchilla-form laws predict
//! about 0.3 nats more at these sizes; see [`crate::law::calibration`]). The
//! y-axis tops out at 2.2, so the first ~20B tokens are not visible.
//!
//! **Schedule caveat.** Every run uses a cosine learning-rate schedule decaying
//! to 10% of the peak at its own horizon (1.0T or 1.4T tokens). An intermediate
//! point on a curve therefore *overstates* the loss of a run scheduled to end
//! there (Hoffmann et al. 2022, arXiv:2203.15556, Sec. 2 and App. B, Fig. A1);
//! only the end of each curve is a final loss. Continuations fitted to these
//! curves inherit that bias.
//!
//! ```
//! use isoflop::data::llama::{self, LlamaModel};
//! use isoflop::units::Tokens;
//! let c = llama::curve(LlamaModel::Llama7B);
//! // Median of the last 10B tokens: 1.804 (data/llama/SOURCE.md, summary CSV).
//! let last = c.final_loss(Tokens::new(10e9)?);
//! assert!((last - 1.804).abs() < 0.003);
//! assert_eq!(llama::curve_named("LLaMA-65B")?.params().get(), 65_285_660_672.0);
//! # Ok::<(), isoflop::Error>(())
//! ```

use super::curve::LossCurve;
use crate::error::{Error, Result};
use crate::schedule::Schedule;
use crate::units::{Params, Tokens};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

include!("llama_fig1.rs");

/// The four LLaMA-1 models of Figure 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LlamaModel {
    /// LLaMA-7B (6.7B in Table 2), 1.0T tokens.
    Llama7B,
    /// LLaMA-13B (13.0B), 1.0T tokens.
    Llama13B,
    /// LLaMA-33B (32.5B), 1.4T tokens.
    Llama33B,
    /// LLaMA-65B (65.2B), 1.4T tokens.
    Llama65B,
}

impl LlamaModel {
    /// All four, smallest first.
    pub const ALL: [LlamaModel; 4] = [
        LlamaModel::Llama7B,
        LlamaModel::Llama13B,
        LlamaModel::Llama33B,
        LlamaModel::Llama65B,
    ];

    /// The name used in Figure 1's legend and the data: "LLaMA-7B", ...
    pub fn name(self) -> &'static str {
        match self {
            LlamaModel::Llama7B => "LLaMA-7B",
            LlamaModel::Llama13B => "LLaMA-13B",
            LlamaModel::Llama33B => "LLaMA-33B",
            LlamaModel::Llama65B => "LLaMA-65B",
        }
    }

    /// Exact parameter count of the released checkpoint (embeddings included):
    /// 6,738,415,616; 13,015,864,320; 32,528,943,616; 65,285,660,672.
    pub fn params(self) -> Params {
        Params::raw(match self {
            LlamaModel::Llama7B => 6_738_415_616.0,
            LlamaModel::Llama13B => 13_015_864_320.0,
            LlamaModel::Llama33B => 32_528_943_616.0,
            LlamaModel::Llama65B => 65_285_660_672.0,
        })
    }

    /// Training tokens as published (Table 2): 1.0T for 7B and 13B, 1.4T for 33B
    /// and 65B. (Figure 1's last vertex sits at 1.0066T and 1.4009T, i.e. 240,000
    /// and 334,000 steps of 2^22 tokens: an inference, not a statement of the paper.)
    pub fn trained_tokens(self) -> Tokens {
        Tokens::raw(match self {
            LlamaModel::Llama7B | LlamaModel::Llama13B => 1.0e12,
            LlamaModel::Llama33B | LlamaModel::Llama65B => 1.4e12,
        })
    }

    fn table(self) -> &'static [(f64, f64)] {
        match self {
            LlamaModel::Llama7B => &LLAMA_7B,
            LlamaModel::Llama13B => &LLAMA_13B,
            LlamaModel::Llama33B => &LLAMA_33B,
            LlamaModel::Llama65B => &LLAMA_65B,
        }
    }
}

impl fmt::Display for LlamaModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for LlamaModel {
    type Err = Error;
    /// Accepts "LLaMA-7B", "llama-7b", "7B", "7b" (and likewise for 13B, 33B, 65B).
    fn from_str(s: &str) -> Result<Self> {
        let key = s.trim().to_ascii_lowercase();
        let key = key.strip_prefix("llama-").unwrap_or(&key);
        LlamaModel::ALL
            .into_iter()
            .find(|m| m.name()["LLaMA-".len()..].eq_ignore_ascii_case(key))
            .ok_or_else(|| Error::UnknownName {
                what: "LLaMA-1 model",
                name: s.to_string(),
                known: "LLaMA-7B, LLaMA-13B, LLaMA-33B, LLaMA-65B".into(),
            })
    }
}

/// Where the LLaMA-1 analyses of this crate start a curve continuation's fit: 300B
/// tokens, past which all four Figure 1 curves look straight in log-tokens (judged by
/// eye on the figure; 30% of the 7B's and 13B's 1.0T, 21% of the 33B's and 65B's 1.4T).
/// Pass it as `ContinuationOptions::default().starting_at(llama::CONTINUATION_START)`.
pub const CONTINUATION_START: Tokens = Tokens::raw(300e9);

/// Tokens per LLaMA-1 step: "a batch size of 4M tokens" (Table 2), taken as 2^22.
pub const BATCH_TOKENS: f64 = 4_194_304.0;

/// Warmup steps of every LLaMA-1 run (Touvron et al. 2023, Sec. 2.2: "2,000 warmup steps").
pub const WARMUP_STEPS: u64 = 2_000;

impl LlamaModel {
    /// Peak learning rate (Touvron et al. 2023, Table 2): 3.0e-4 for 7B and 13B, 1.5e-4 for
    /// 33B and 65B.
    pub fn peak_lr(self) -> f64 {
        match self {
            LlamaModel::Llama7B | LlamaModel::Llama13B => 3.0e-4,
            LlamaModel::Llama33B | LlamaModel::Llama65B => 1.5e-4,
        }
    }

    /// Planned steps of the cosine: 240,000 (7B, 13B) and 334,000 (33B, 65B) steps of
    /// 2^22 tokens. The paper gives 1.0T and 1.4T tokens; Figure 1's last vertex sits at
    /// 1.0066T and 1.4009T, i.e. these step counts, and a schedule must cover the whole
    /// observed curve (an inference, not a statement of the paper).
    pub fn planned_steps(self) -> u64 {
        match self {
            LlamaModel::Llama7B | LlamaModel::Llama13B => 240_000,
            LlamaModel::Llama33B | LlamaModel::Llama65B => 334_000,
        }
    }
}

/// LLaMA-1's learning-rate schedule for `model`, as published (Touvron et al. 2023,
/// arXiv:2302.13971, Sec. 2.2 and Table 2): AdamW (β1 0.9, β2 0.95), 2,000 linear warmup
/// steps, then a cosine "such that the final learning rate is equal to 10% of the maximal
/// learning rate", batch 4M tokens, peak [`LlamaModel::peak_lr`], horizon
/// [`LlamaModel::planned_steps`].
///
/// ```
/// use isoflop::data::llama::{self, LlamaModel};
/// let s = llama::schedule(LlamaModel::Llama65B);
/// assert_eq!(s.peak_lr(), 1.5e-4);
/// assert!((s.lr(s.total_steps())? - 1.5e-5).abs() < 1e-15);
/// // The schedule covers the whole bundled curve.
/// let c = llama::curve(LlamaModel::Llama65B);
/// assert!(s.step_at(c.last_tokens()).is_ok());
/// # Ok::<(), isoflop::Error>(())
/// ```
pub fn schedule(model: LlamaModel) -> Schedule {
    Schedule::cosine(
        model.peak_lr(),
        WARMUP_STEPS,
        model.planned_steps(),
        0.1,
        Tokens::raw(BATCH_TOKENS),
    )
    .expect("LLaMA-1's published schedule is valid")
}

/// The binned Figure 1 curve of one model (tokens = bin midpoints).
pub fn curve(model: LlamaModel) -> LossCurve {
    LossCurve::from_table(model.name(), model.params(), model.table())
}

/// The curve by name ("LLaMA-7B", "7B", ...); unknown names are an error.
pub fn curve_named(name: &str) -> Result<LossCurve> {
    name.parse().map(curve)
}

/// All four curves, smallest model first.
pub fn curves() -> Vec<LossCurve> {
    LlamaModel::ALL.into_iter().map(curve).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_valid_curves() {
        for m in LlamaModel::ALL {
            let c = curve(m);
            let rebuilt = LossCurve::new(m.name(), m.params(), c.points().to_vec()).unwrap();
            assert_eq!(rebuilt, c);
            assert!(c.points().windows(2).all(|w| w[0].0 < w[1].0));
            assert!(c.losses().all(|l| l > 1.0 && l <= 2.2));
        }
    }

    #[test]
    fn schedules_cover_their_curves() {
        for m in LlamaModel::ALL {
            let s = schedule(m);
            let c = curve(m);
            assert!(s.step_at(c.last_tokens()).is_ok(), "{m}");
            assert!(s.step_at(c.first_tokens()).is_ok(), "{m}");
            // Published totals 1.0T / 1.4T within one percent.
            let r = s.total_tokens().ratio(m.trained_tokens());
            assert!((r - 1.0).abs() < 0.01, "{m}: {r}");
        }
    }

    #[test]
    fn names_parse() {
        assert_eq!("7B".parse::<LlamaModel>().unwrap(), LlamaModel::Llama7B);
        assert_eq!(
            "llama-65b".parse::<LlamaModel>().unwrap(),
            LlamaModel::Llama65B
        );
        assert!(matches!(
            "LLaMA-70B".parse::<LlamaModel>(),
            Err(Error::UnknownName { .. })
        ));
    }
}
