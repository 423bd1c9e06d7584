//! # isoflop
//!
//! Compute-budget questions about training language models, answered honestly:
//! FLOPs, GPU-hours, energy and cost; loss under competing, explicit hypotheses;
//! scaling-law fits from data; and an uncertainty band on every answer.
//!
//! ## The flagship question in ten lines
//!
//! Would LLaMA-7B, still improving at 1T tokens, have matched LLaMA-65B given the
//! 65B's compute? Under the assumption that its loss keeps falling linearly in
//! log-tokens (one hypothesis among several), continue its observed curve:
//!
//! ```
//! use isoflop::data::llama::{self, LlamaModel};
//! use isoflop::law::continuation::{Continuation, ContinuationForm, ContinuationOptions};
//! use isoflop::query::predict_with_compute_of;
//!
//! let small = llama::curve(LlamaModel::Llama7B);
//! let big = LlamaModel::Llama65B;
//! let opts = ContinuationOptions { draws: 500, ..Default::default() };
//! let h = Continuation::fit(&small, ContinuationForm::LinearInLogTokens, &opts)?;
//! let p = predict_with_compute_of(&h, small.params(), big.params(), big.trained_tokens(), 0.9)?;
//! println!("{p}"); // loss 1.51 [1.49, 1.53] 90%, 13.5x beyond the data, with its warnings
//! assert!(p.loss.hi < 1.56 && p.extrapolation.factor > 10.0);
//! # Ok::<(), isoflop::Error>(())
//! ```
//!
//! Chinchilla-style laws say the opposite. Put them side by side with
//! [`query::compare`], or run `cargo run --release --example llama_rant` for every
//! hypothesis on every LLaMA model, with verdicts.
//!
//! ```
//! use isoflop::law::{ChinchillaHypothesis, LossHypothesis};
//! use isoflop::query::{compare, Question};
//!
//! let hoffmann = ChinchillaHypothesis::hoffmann2022();
//! let refit = ChinchillaHypothesis::besiroglu2024_published();
//! let hs: Vec<&dyn LossHypothesis> = vec![&hoffmann, &refit];
//! let q = Question::LossAtCompute { params: "6.7B".parse()?, flops: "5.48e23".parse()? };
//! println!("{}", compare(&hs, q, 0.9)?);
//! # Ok::<(), isoflop::Error>(())
//! ```
//!
//! ## Module map
//!
//! Data flows one way, top to bottom; a module uses only those above it.
//!
//! | layer | modules | concept |
//! |---|---|---|
//! | units | [`units`], [`error`], [`band`] | typed quantities, errors, percentile bands |
//! | compute | [`compute`], [`architecture`] | training and inference FLOPs (6ND, Kaplan, Chinchilla App. F) |
//! | hardware | [`hardware`], [`cluster`], [`lifetime`] | accelerators, GPU-hours, wall-clock, energy, CO2, cost; training plus serving |
//! | runs | [`runs`] | published training runs (LLaMA, Llama 2/3, Chinchilla, Gopher) |
//! | data | [`data`] | bundled Chinchilla runs and LLaMA loss curves, CSV loading |
//! | law | [`law`] | loss hypotheses: Chinchilla, Kaplan, data-constrained, curve continuations |
//! | fit | [`fit`] | the Chinchilla fitting protocol, bootstrap draws |
//! | query | [`prediction`], [`query`] | loss at a budget, inverse, optimal split, comparisons |
//! | backtest | [`backtest`] | fit on part of the data, predict the rest: error, bias, band coverage |
//! | report | [`report`] | evcxr notebook display (HTML), SVG plots |
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod band;
pub mod error;
pub mod units;

pub mod architecture;
pub mod cluster;
pub mod compute;
pub mod hardware;
pub mod lifetime;
pub mod runs;

pub mod data;
pub mod fit;
pub mod law;

pub mod prediction;
pub mod query;

pub mod backtest;

pub mod report;

#[cfg(feature = "proptest")]
pub mod strategies;

pub use error::{Error, Result};

/// The names most sessions need: `use isoflop::prelude::*;`.
///
/// ```
/// use isoflop::prelude::*;
///
/// let h = ChinchillaHypothesis::hoffmann2022();
/// let p = predict_at_compute(&h, "6.7B".parse()?, "5.48e23".parse()?, 0.9)?;
/// println!("{p}"); // the loss, its band, how far it extrapolates, and its warnings
/// # Ok::<(), isoflop::Error>(())
/// ```
pub mod prelude {
    pub use crate::band::Band;
    pub use crate::data::llama::LlamaModel;
    pub use crate::law::{ChinchillaHypothesis, ChinchillaLaw, LossHypothesis};
    pub use crate::prediction::{Prediction, Warning};
    pub use crate::query::{
        compare, compute_optimal, predict, predict_at_compute, predict_with_compute_of,
        tokens_to_reach, Question,
    };
    pub use crate::units::{Flops, GpuHours, Params, Tokens};
    pub use crate::{Error, Result};
}
