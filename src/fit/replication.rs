//! The Besiroglu et al. 2024 replication (arXiv:2404.10102), refitted by isoflop to the
//! bundled Epoch AI digitisation, as a loss hypothesis with bootstrap draws.
//!
//! Protocol (their Sec. 3-4): the 240 runs left after dropping the 5 highest losses; the
//! Huber (δ = 10⁻³) objective on log loss, summed; the Hoffmann grid for the point estimate
//! ([`crate::fit::protocol`], screened strategy, which reaches the full grid's optimum on this
//! data); bootstrap resamples of the 240 runs, each refitted.
//!
//! ```
//! use isoflop::fit::replication::besiroglu2024;
//! use isoflop::law::LossHypothesis;
//! let h = besiroglu2024(20, 1)?;
//! assert_eq!(h.id(), "chinchilla-besiroglu2024");
//! assert_eq!(h.draw_count(), 20);
//! # Ok::<(), isoflop::Error>(())
//! ```

use super::bootstrap::bootstrap;
use super::protocol::{fit_chinchilla, FitOptions};
use crate::data::chinchilla;
use crate::data::run_table::RunTable;
use crate::error::Result;
use crate::law::{ChinchillaHypothesis, Evidence, Uncertainty};

/// The hypothesis id.
pub const ID: &str = "chinchilla-besiroglu2024";

/// Evidence ranges (smallest and largest N, D, C = 6ND and D/N) of `table`, with a
/// description.
pub fn evidence_of(table: &RunTable, description: impl Into<String>) -> Evidence {
    Evidence::of_runs(description, table.iter().map(|r| (r.n, r.d)))
}

/// Refits the bundled 240 replication runs and draws `bootstrap` refits seeded by `seed`.
///
/// With `bootstrap == 0` the hypothesis has no draws and [`Uncertainty::None`]; otherwise
/// [`Uncertainty::Bootstrap`] with one law per successful refit. The replication used 4,000.
pub fn besiroglu2024(bootstrap_draws: usize, seed: u64) -> Result<ChinchillaHypothesis> {
    let runs = chinchilla::replication_runs();
    let fit = fit_chinchilla(&runs, &FitOptions::default())?;
    let (draws, uncertainty) = if bootstrap_draws == 0 {
        (Vec::new(), Uncertainty::None)
    } else {
        let boot = bootstrap(&runs, &fit, bootstrap_draws, seed)?;
        (boot.into_draws(), Uncertainty::Bootstrap)
    };
    let evidence = evidence_of(
        &runs,
        format!(
            "{} runs of Chinchilla Figure 4 (Hoffmann et al. 2022; Epoch AI digitisation), 5 highest losses dropped",
            runs.len()
        ),
    );
    let h = ChinchillaHypothesis::new(
        ID,
        format!(
            "refitted by isoflop to the Epoch AI digitisation with the Besiroglu et al. 2024 protocol (arXiv:2404.10102): Huber delta 1e-3 on log loss, summed; Hoffmann grid; {bootstrap_draws} bootstrap refits, seed {seed}"
        ),
        fit.law,
        draws,
        uncertainty,
        evidence,
    )?;
    Ok(super::hypothesis::with_status(h, fit.status).with_corpus("MassiveText"))
}
