//! Queries: the questions isoflop answers, each with a band and warnings.
//!
//! | question | function |
//! |---|---|
//! | loss of N params on D tokens | [`predict`] |
//! | loss at a compute budget (D = C / 6N) | [`predict_at_compute`] |
//! | loss of N with another run's compute ("7B with 65B's compute") | [`predict_with_compute_of`], [`predict_with_compute_of_run`] |
//! | tokens and compute for N to reach a loss | [`tokens_to_reach`] |
//! | compute-optimal N and D for a budget | [`compute_optimal`] |
//! | N and D minimising training + inference FLOPs for a loss and a demand (Sardana et al.) | [`lifetime_optimal`], [`lifetime_optima`] |
//! | demand above which a smaller model trained to a run's quality is cheaper over its life | [`break_even_demand`] |
//! | overhead of a smaller-than-optimal model (de Vries 2023) | [`compute_overhead`] |
//! | probability the small model beats the large one | [`probability_below`], [`probability_small_beats_large`] |
//! | several hypotheses on one question | [`compare`] |
//! | loss at the end of a run planned for D tokens (schedule-aware laws), with profile and annealing bonus | [`predict_planned`] |
//!
//! Every answer's band comes from the hypothesis' parameter draws; a hypothesis
//! without draws gets a zero-width band and a [`Warning::NoPublishedUncertainty`].
//!
//! [`Warning::NoPublishedUncertainty`]: crate::prediction::Warning::NoPublishedUncertainty

mod compare;
mod inverse;
mod lifetime;
mod optimal;
mod planned;
mod predict;
mod versus;

pub use compare::{compare, Answer, Comparison, ComparisonRow, Question};
pub use inverse::{tokens_to_reach, TokensToReach};
pub use lifetime::{
    break_even_demand, lifetime_cost_optimal, lifetime_optima, lifetime_optimal, BreakEven,
    LifetimeCostOptimum, LifetimeOptimum, LossTarget, TrainingOptimal,
};
pub use optimal::{compute_optimal, compute_overhead, OptimalSplit, Overhead};
pub use planned::{predict_planned, PlannedPrediction};
pub(crate) use predict::caveat_warnings;
pub use predict::{
    extrapolation, predict, predict_at_compute, predict_with_compute_of,
    predict_with_compute_of_run, Predictor,
};
pub use versus::{
    probability_below, probability_lower, probability_small_beats_large, Probability,
};
