//! Reports: rich notebook display (HTML with a text fallback) and SVG figures.
//!
//! This is the top layer: it reads the types below it and nothing imports it.
//!
//! | module | what |
//! |---|---|
//! | [`HtmlDisplay`], [`Table`] | HTML (notebook) and aligned-text (terminal) display; the evcxr protocol |
//! | [`comparison_table`], [`probabilities_table`] | query answers side by side, with bands, warnings and declined rows |
//! | [`bootstrap_table`], [`fit_diagnostics_table`] | fit results: estimates, standard errors, 95% intervals, diagnostics |
//! | [`method_comparison_table`] | every fitting method on one sweep: a, b, N_opt, D_opt with bands, status, spread |
//! | [`runs_table`], [`Budget`] | published runs; a workload's GPU-hours, time, energy, emissions and cost |
//! | [`LlamaCurvesFigure`] | observed loss curves extended under each hypothesis, with bands |
//! | [`ComputeFrontierFigure`] | loss vs compute for several sizes, with the compute-optimal frontier |
//! | [`IsoFlopFigure`] | loss vs model size at fixed compute (IsoFLOP profiles), with bands |
//! | [`IsoFlopSweepFigure`], [`OptimalSizeFigure`] | a fitted sweep: runs, parabolas, minima; N_opt(C) extrapolated with its band |
//! | [`ScheduleFigure`] | an observed curve, its learning-rate schedule beneath, predicted curves for other schedules with bands |
//! | [`ExponentDrawsFigure`] | bootstrap draws of the fitted exponents (α, β) |
//! | [`ConsensusFigure`] | one row per question: each member's band faint, the consensus band bold with its median, the observed outcome where there is one, members and weights in the legend |
//! | [`LifetimeFigure`] | lifetime FLOPs vs inference demand for sizes reaching one loss, with the lifetime optimum |
//!
//! ## In a notebook
//!
//! With evcxr (`:dep isoflop = { path = ".." }`), a cell whose last expression
//! is one of these shows it rich (HTML or SVG, with a text/plain fallback):
//!
//! - [`Band`](crate::band::Band), [`Prediction`](crate::prediction::Prediction);
//! - [`ChinchillaLaw`](crate::law::ChinchillaLaw), [`ChinchillaHypothesis`](crate::law::ChinchillaHypothesis),
//!   and every other hypothesis: [`Continuation`](crate::law::Continuation),
//!   [`Calibrated`](crate::law::Calibrated), [`KaplanHypothesis`](crate::law::KaplanHypothesis),
//!   [`DataConstrainedHypothesis`](crate::law::DataConstrainedHypothesis);
//! - every unit ([`Params`](crate::units::Params), [`Flops`](crate::units::Flops), ...), as
//!   the field writes it ("6.7B", "5.48e23"); tuples of units print their `Debug`,
//!   which reads the same way ("(6.7B params, 1.4T tokens)");
//! - [`Comparison`](crate::query::Comparison), [`TokensToReach`](crate::query::TokensToReach),
//!   [`OptimalSplit`](crate::query::OptimalSplit), [`Overhead`](crate::query::Overhead),
//!   [`Probability`](crate::query::Probability);
//! - [`FitResult`](crate::fit::FitResult), [`Bootstrap`](crate::fit::Bootstrap),
//!   [`MethodComparison`](crate::fit::MethodComparison);
//! - [`PublishedRun`](crate::runs::PublishedRun), [`Cluster`](crate::cluster::Cluster), [`Budget`];
//! - [`LifetimeOptimum`](crate::query::LifetimeOptimum), [`BreakEven`](crate::query::BreakEven),
//!   [`LifetimeCostOptimum`](crate::query::LifetimeCostOptimum), [`LifetimeBudget`](crate::lifetime::LifetimeBudget);
//! - a [`Table`] or any figure.
//!
//! These types have an inherent `evcxr_display` method, which is what evcxr
//! looks for. No `use` line and no evcxr crate are needed.
//!
//! ## From plain Rust
//!
//! Every figure implements [`Figure`]: `render_svg()` returns the SVG document
//! and `save_svg(path)` writes it. Text uses the generic `sans-serif` family, so
//! no font or C library is needed to build or render.

#[cfg(feature = "plot")]
mod axis;
mod budget;
#[cfg(feature = "plot")]
mod compute_frontier;
#[cfg(feature = "plot")]
mod consensus_figure;
mod display;
#[cfg(feature = "plot")]
mod exponent_draws;
#[cfg(feature = "plot")]
mod figure;
mod fit_display;
mod html;
mod hypothesis_display;
#[cfg(feature = "plot")]
mod isoflop_profile;
#[cfg(feature = "plot")]
mod isoflop_sweep;
#[cfg(feature = "plot")]
mod lifetime;
mod lifetime_display;
#[cfg(feature = "plot")]
mod llama_curves;
mod method_display;
mod query_display;
mod schedule_display;
#[cfg(feature = "plot")]
mod schedule_figure;
#[cfg(feature = "plot")]
mod style;
mod table;

#[cfg(feature = "plot")]
pub use axis::Scale;
pub use budget::{runs_table, Budget};
#[cfg(feature = "plot")]
pub use compute_frontier::ComputeFrontierFigure;
#[cfg(feature = "plot")]
pub use consensus_figure::{ConsensusFigure, ConsensusQuestion};
#[cfg(feature = "plot")]
pub use exponent_draws::{ExponentDrawsFigure, ExponentPoint};
#[cfg(feature = "plot")]
pub use figure::{Figure, Mark};
pub use fit_display::{bootstrap_table, fit_diagnostics_table};
pub use html::{escape, HtmlDisplay};
#[cfg(feature = "plot")]
pub use isoflop_profile::{IsoFlopFigure, IsoFlopProfile};
#[cfg(feature = "plot")]
pub use isoflop_sweep::{IsoFlopSweepFigure, OptimalSizeFigure, SweepBudget};
#[cfg(feature = "plot")]
pub use lifetime::{LifetimeFigure, SizeAtTarget};
#[cfg(feature = "plot")]
pub use llama_curves::{
    BudgetMarker, ExtendedCurve, Layout, LlamaCurvesFigure, ObservedCurve, ReferenceLine,
};
pub use method_display::method_comparison_table;
pub use query_display::{comparison_table, probabilities_table};
#[cfg(feature = "plot")]
pub use schedule_figure::{PlannedCurve, ScheduleFigure};
#[cfg(feature = "plot")]
pub use style::DEFAULT_SIZE;
pub use table::{Cell, Column, Table};
