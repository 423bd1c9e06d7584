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
//! // The fit window starts where LLaMA's curves look straight (300B tokens).
//! let opts = ContinuationOptions { draws: 500, ..Default::default() }
//!     .starting_at(llama::CONTINUATION_START);
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
//! // Owned (boxed) hypotheses: a notebook can keep this vector between cells.
//! let hs: Vec<Box<dyn LossHypothesis>> = vec![
//!     Box::new(ChinchillaHypothesis::hoffmann2022()),
//!     Box::new(ChinchillaHypothesis::besiroglu2024_published()),
//! ];
//! let q = Question::LossAtCompute { params: "6.7B".parse()?, flops: "5.48e23".parse()? };
//! println!("{}", compare(&hs, q, 0.9)?); // each row with its band, corpus and warnings
//! # Ok::<(), isoflop::Error>(())
//! ```
//!
//! ## One calibrated answer
//!
//! Those rows disagree by 0.3 nats, and each band measures only its own parameter noise.
//! [`consensus::Consensus`] combines them: stacking weights and error models learned from
//! backtests on real runs the members never saw (runs that were actually planned longer,
//! larger sizes, more compute), so its band is a promise that was kept on held-out outcomes.
//!
//! ```
//! use isoflop::consensus::{table, Consensus};
//! use isoflop::data::llama::{self, LlamaModel};
//! use isoflop::law::calibration::{final_points, Calibrated, CalibrationMode};
//! use isoflop::law::{ChinchillaHypothesis, LossHypothesis};
//! use isoflop::query::predict;
//! use std::sync::Arc;
//!
//! let points = final_points(&llama::curves(), "10B".parse()?);
//! let law = Calibrated::fit(Box::new(ChinchillaHypothesis::hoffmann2022()), points, CalibrationMode::OffsetAndScale)?;
//! let members: Vec<Arc<dyn LossHypothesis>> = vec![Arc::new(law)];
//! let c = Consensus::new(members, table::final_loss()?)?;
//! let p = predict(&c, LlamaModel::Llama7B.params(), "13.6T".parse()?, 0.9)?;
//! assert!(p.loss.width() > 0.05); // the law alone has a zero-width band
//! # Ok::<(), isoflop::Error>(())
//! ```
//!
//! ## From your own runs to an answer
//!
//! Fit the Chinchilla law to your runs, bootstrap it, and ask: the hypothesis knows
//! how far your data reaches, and a fit that did not converge says so on every answer.
//!
//! ```
//! use isoflop::fit::{fit_hypothesis, FitOptions};
//! use isoflop::query::predict;
//! // let runs = isoflop::data::run_table::RunTable::from_csv_path("my_runs.csv")?;
//! let runs = isoflop::data::chinchilla::replication_runs();
//! let mine = fit_hypothesis(&runs, "my-law", &FitOptions::default(), 100, 42)?;
//! let p = predict(&mine, "8B".parse()?, "2T".parse()?, 0.9)?;
//! println!("{p}"); // loss with a band over 100 refits, how far beyond the runs, warnings
//! # Ok::<(), isoflop::Error>(())
//! ```
//!
//! And the planner's forward question, "2,048 H100s at 40% MFU for 30 days: how many
//! FLOPs?":
//!
//! ```
//! use isoflop::cluster::{Cluster, Utilisation};
//! use isoflop::hardware::{Accelerator, Precision};
//! use isoflop::units::TimeSpan;
//! let h100s = Cluster::new(Accelerator::by_name("H100")?, 2048, Precision::Bf16, Utilisation::mfu(0.4)?)?;
//! assert_eq!(h100s.flops_in(TimeSpan::from_days(30.0)?)?.to_string(), "2.1e24");
//! # Ok::<(), isoflop::Error>(())
//! ```
//!
//! ## Cargo features
//!
//! | feature | default | adds |
//! |---|---|---|
//! | `plot` | on | SVG figures in [`report`] (plotters, SVG backend only) |
//! | `csv` | on | CSV loaders for your own runs and loss curves |
//! | `parallel` | on | multistart fits and bootstraps on a rayon pool; without it the same loops run serially with bit-for-bit the same results |
//! | `proptest` | off | `strategies`: proptest strategies for every input type |
//!
//! With `default-features = false` the core (units, compute, hardware, laws, fitting,
//! queries, backtests, tables) builds with none of plotters, csv or rayon.
//!
//! ## Module map
//!
//! Data flows one way, top to bottom; a module uses only those above it.
//!
//! | layer | modules | concept |
//! |---|---|---|
//! | units | [`units`], [`error`], [`band`] | typed quantities, errors, percentile bands |
//! | compute | [`compute`], [`architecture`], [`schedule`] | training and inference FLOPs (6ND, Kaplan, Chinchilla App. F); learning-rate schedules and their sums |
//! | hardware | [`hardware`], [`cluster`], [`lifetime`] | accelerators, GPU-hours, wall-clock, energy, CO2, cost; training plus serving |
//! | runs | [`runs`] | published training runs (LLaMA, Llama 2/3, Chinchilla, Gopher) |
//! | data | [`data`] | bundled Chinchilla runs and LLaMA loss curves, CSV loading |
//! | law | [`law`] | loss hypotheses: Chinchilla, Kaplan, data-constrained, curve continuations |
//! | fit | [`fit`] | the Chinchilla fitting protocol, bootstrap draws |
//! | query | [`prediction`], [`query`] | loss at a budget, inverse, optimal split, comparisons |
//! | backtest | [`backtest`] | fit on part of the data, predict the rest: error, bias, band coverage |
//! | consensus | [`consensus`] | one answer: hypotheses weighted and widened by their backtests |
//! | report | [`report`] | evcxr notebook display (HTML), SVG plots |
#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod band;
pub mod error;
mod fast_math;
mod golden;
pub mod units;

pub mod architecture;
pub mod cluster;
pub mod compute;
pub mod hardware;
pub mod lifetime;
pub mod runs;
pub mod schedule;

pub mod data;
pub mod fit;
pub mod law;

pub mod prediction;
pub mod query;

pub mod backtest;
pub mod consensus;

pub mod report;

mod par;

#[cfg(feature = "proptest")]
#[cfg_attr(docsrs, doc(cfg(feature = "proptest")))]
pub mod strategies;

pub use error::{Error, Result};

/// The names a notebook or a script most often needs: `use isoflop::prelude::*;`.
///
/// Units, hardware and clusters, every kind of hypothesis (presets, your own laws,
/// curve continuations, calibrations), fitting and bootstraps, and the queries. It
/// does not export a `Result` alias, so `Result<T, E>` keeps its usual meaning in
/// your code; the crate's alias is [`isoflop::Result`](crate::Result).
///
/// ```
/// use isoflop::prelude::*;
///
/// let h = ChinchillaHypothesis::hoffmann2022();
/// let p = predict_at_compute(&h, "6.7B".parse()?, "5.48e23".parse()?, 0.9)?;
/// println!("{p}"); // the loss, its band, how far it extrapolates, and its warnings
/// // `Result` is still std's:
/// let parsed: Result<Params, Error> = "1.4T".parse::<Params>();
/// assert!(parsed.is_ok());
/// # Ok::<(), isoflop::Error>(())
/// ```
pub mod prelude {
    pub use crate::band::Band;
    pub use crate::cluster::{Cluster, GpuHourPrice, GridIntensity, Pue, Utilisation, Workload};
    pub use crate::consensus::Consensus;
    pub use crate::data::chinchilla;
    pub use crate::data::curve::LossCurve;
    pub use crate::data::llama::{self, LlamaModel};
    pub use crate::data::run_table::{Run, RunTable};
    pub use crate::fit::{
        bootstrap, fit_chinchilla, fit_kaplan, Bootstrap, FitOptions, FitResult, FitStatus,
    };
    pub use crate::hardware::{Accelerator, Precision};
    pub use crate::law::calibration::{
        final_points, Calibrated, CalibrationMode, CalibrationPoint,
    };
    pub use crate::law::{
        ChinchillaHypothesis, ChinchillaLaw, Continuation, ContinuationForm, ContinuationOptions,
        DataConstrainedHypothesis, Evidence, FitStart, KaplanHypothesis, KaplanLaw, LossHypothesis,
        ParamCount,
    };
    pub use crate::prediction::{Prediction, Warning};
    pub use crate::query::{
        compare, compute_optimal, compute_overhead, predict, predict_at_compute,
        predict_with_compute_of, probability_below, probability_lower, tokens_to_reach, Predictor,
        Question,
    };
    pub use crate::units::{
        Emissions, Energy, Flops, FlopsPerSecond, GpuHours, Params, TimeSpan, Tokens, Usd, Watts,
    };
    pub use crate::Error;
}
