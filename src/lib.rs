//! # isoflop
//!
//! Compute-budget questions about training language models, answered honestly:
//! FLOPs, GPU-hours, energy and cost; loss under competing, explicit hypotheses;
//! scaling-law fits from data; and an uncertainty band on every answer.
//!
//! ## Module map
//!
//! Data flows one way, top to bottom; a module uses only those above it.
//!
//! | layer | modules | concept |
//! |---|---|---|
//! | units | [`units`], [`error`], [`band`] | typed quantities, errors, percentile bands |
//! | compute | [`compute`], [`architecture`] | training and inference FLOPs (6ND, Kaplan, Chinchilla App. F) |
//! | hardware | [`hardware`], [`cluster`] | accelerators, GPU-hours, wall-clock, energy, CO2, cost |
//! | runs | [`runs`] | published training runs (LLaMA, Llama 2/3, Chinchilla, Gopher) |
//! | data | [`data`] | bundled Chinchilla runs and LLaMA loss curves, CSV loading |
//! | law | [`law`] | loss hypotheses: Chinchilla, Kaplan, data-constrained, curve continuations |
//! | fit | [`fit`] | the Chinchilla fitting protocol, bootstrap draws |
//! | query | [`prediction`], [`query`] | loss at a budget, inverse, optimal split, comparisons |
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
pub mod runs;

pub mod data;
pub mod fit;
pub mod law;

pub mod prediction;
pub mod query;

pub mod report;

#[cfg(feature = "proptest")]
pub mod strategies;

pub use error::{Error, Result};
