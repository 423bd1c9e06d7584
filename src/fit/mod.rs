//! Fitting scaling laws to runs: the Chinchilla protocol, bootstrap draws, Kaplan's form.
//!
//! | module | concept |
//! |---|---|
//! | `objective` (internal) | the problems: Huber-on-log-loss cost and analytic gradient (Chinchilla, Kaplan) |
//! | `solver` (internal; its settings are [`SolverOptions`]) | the local solver: L-BFGS (argmin) with a one-pass cost+gradient cache |
//! | `multistart` (internal) | many starts in parallel, keep the best; or screen the starts, refine the best few |
//! | [`protocol`] | Hoffmann et al. 2022's grid protocol for the Chinchilla law; fit status and diagnostics |
//! | [`mod@bootstrap`] | resample runs, refit warm-started, keep the draws; SEs, intervals, covariance, bands |
//! | [`kaplan`] | Kaplan et al. 2020's joint law L(N, D) through the same machinery |
//! | [`replication`] | the Besiroglu et al. 2024 replication refitted to the bundled data, as a hypothesis |
//!
//! Data flows one way: this layer reads [`crate::data`] and builds [`crate::law`] values;
//! neither imports it.
//!
//! ```
//! use isoflop::data::chinchilla;
//! use isoflop::fit::{bootstrap, fit_chinchilla, FitOptions};
//! let runs = chinchilla::replication_runs();
//! let fit = fit_chinchilla(&runs, &FitOptions::default())?;
//! let boot = bootstrap(&runs, &fit, 100, 7)?;
//! let ci = boot.intervals(0.95)?;
//! assert!(ci.alpha.contains(fit.law.alpha()));
//! # Ok::<(), isoflop::Error>(())
//! ```

pub mod bootstrap;
pub mod kaplan;
pub(crate) mod multistart;
pub(crate) mod objective;
pub mod protocol;
pub mod replication;
pub(crate) mod solver;

pub use bootstrap::{bootstrap, Bootstrap, Estimates};
pub use kaplan::{fit_kaplan, KaplanFit};
pub use protocol::{fit_chinchilla, FitOptions, FitResult, FitStatus, Strategy};
pub use solver::SolverOptions;
