//! Reports: rich notebook display (HTML with a text fallback) and SVG figures.
//!
//! This is the top layer: it reads the types below it and nothing imports it.
//!
//! | module | what |
//! |---|---|
//! | [`HtmlDisplay`], [`Table`] | HTML (notebook) and aligned-text (terminal) display; the evcxr protocol |
//! | [`comparison_table`], [`probabilities_table`] | query answers side by side, with bands, warnings and declined rows |
//! | [`bootstrap_table`], [`fit_diagnostics_table`] | fit results: estimates, standard errors, 95% intervals, diagnostics |
//! | [`runs_table`], [`Budget`] | published runs; a workload's GPU-hours, time, energy, emissions and cost |
//! | [`LlamaCurvesFigure`] | observed loss curves extended under each hypothesis, with bands |
//! | [`ComputeFrontierFigure`] | loss vs compute for several sizes, with the compute-optimal frontier |
//! | [`IsoFlopFigure`] | loss vs model size at fixed compute (IsoFLOP profiles), with bands |
//! | [`ExponentDrawsFigure`] | bootstrap draws of the fitted exponents (α, β) |
//! | [`LifetimeFigure`] | lifetime FLOPs vs inference demand for sizes reaching one loss, with the lifetime optimum |
//!
//! ## In a notebook
//!
//! With evcxr (`:dep isoflop = { path = ".." }`), a cell whose last expression
//! is one of these shows it rich (HTML or SVG, with a text/plain fallback):
//!
//! - [`Band`](crate::band::Band), [`Prediction`](crate::prediction::Prediction);
//! - [`ChinchillaLaw`](crate::law::ChinchillaLaw), [`ChinchillaHypothesis`](crate::law::ChinchillaHypothesis);
//! - [`Comparison`](crate::query::Comparison), [`TokensToReach`](crate::query::TokensToReach),
//!   [`OptimalSplit`](crate::query::OptimalSplit), [`Overhead`](crate::query::Overhead),
//!   [`Probability`](crate::query::Probability);
//! - [`FitResult`](crate::fit::FitResult), [`Bootstrap`](crate::fit::Bootstrap);
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

mod axis;
mod budget;
mod compute_frontier;
mod display;
mod exponent_draws;
mod figure;
mod fit_display;
mod html;
mod isoflop_profile;
mod lifetime;
mod llama_curves;
mod query_display;
mod style;
mod table;

pub use axis::Scale;
pub use budget::{runs_table, Budget};
pub use compute_frontier::ComputeFrontierFigure;
pub use exponent_draws::{ExponentDrawsFigure, ExponentPoint};
pub use figure::Figure;
pub use fit_display::{bootstrap_table, fit_diagnostics_table};
pub use html::{escape, HtmlDisplay};
pub use isoflop_profile::{IsoFlopFigure, IsoFlopProfile};
pub use lifetime::{LifetimeFigure, SizeAtTarget};
pub use llama_curves::{
    BudgetMarker, ExtendedCurve, LlamaCurvesFigure, ObservedCurve, ReferenceLine,
};
pub use query_display::{comparison_table, probabilities_table};
pub use style::DEFAULT_SIZE;
pub use table::{Cell, Column, Table};
