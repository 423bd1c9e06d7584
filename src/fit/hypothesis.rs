//! From data to answer: a fit (and its bootstrap) as a loss hypothesis.
//!
//! [`FitResult::hypothesis`] turns a point fit into a hypothesis without draws,
//! [`Bootstrap::hypothesis`] a fit with its bootstrap draws into one with bands, and
//! [`fit_hypothesis`] does fit, bootstrap and hypothesis in one call. The evidence
//! (largest N, D and 6ND of the table fitted) comes from the fit itself, so predictions say
//! how far they reach beyond your data. A fit that did not converge still becomes a
//! hypothesis, but never silently: it carries [`Caveat::FitNotConverged`], which every
//! prediction made from it shows as a warning.
//!
//! ```
//! use isoflop::data::run_table::RunTable;
//! use isoflop::fit::{bootstrap, fit_chinchilla, FitOptions};
//! use isoflop::query::predict;
//! let runs = isoflop::data::chinchilla::replication_runs(); // or RunTable::from_csv_path(..)?
//! let fit = fit_chinchilla(&runs, &FitOptions::default())?;
//! let h = bootstrap(&runs, &fit, 100, 42)?.hypothesis("my-refit")?;
//! let p = predict(&h, "8B".parse()?, "2T".parse()?, 0.9)?;
//! println!("{p}"); // a band over 100 refits, and how far 8B on 2T tokens is beyond the runs
//! assert!(p.extrapolation.factor > 1.0);
//! # Ok::<(), isoflop::Error>(())
//! ```

use super::bootstrap::{bootstrap, Bootstrap};
use super::protocol::{fit_chinchilla, FitOptions, FitResult, FitStatus};
use crate::data::run_table::RunTable;
use crate::error::Result;
use crate::law::{Caveat, ChinchillaHypothesis, Uncertainty};

/// What a fitted hypothesis says of its corpus: the same as the runs it was fitted to.
const FITTED_CORPUS: &str = "the fitted runs' corpus";

/// The caveat a fit with `status` carries, if it did not converge.
fn caveat_of(status: FitStatus) -> Option<Caveat> {
    (!status.is_converged()).then(|| Caveat::FitNotConverged {
        status: status.name().to_string(),
        reason: status.advice().to_string(),
    })
}

pub(crate) fn with_status(h: ChinchillaHypothesis, status: FitStatus) -> ChinchillaHypothesis {
    let h = h.with_corpus(FITTED_CORPUS);
    match caveat_of(status) {
        Some(c) => h.with_caveat(c),
        None => h,
    }
}

impl FitResult {
    /// The fitted law as a hypothesis named `id`, without draws ([`Uncertainty::None`]:
    /// predictions get a zero-width band and say so; use [`Bootstrap::hypothesis`] for
    /// bands). Its evidence is the fitted table's ranges; a fit whose status is not
    /// [`FitStatus::Converged`] carries [`Caveat::FitNotConverged`].
    ///
    /// # Errors
    ///
    /// [`crate::Error::NotApplicable`] if `id` is empty.
    ///
    /// ```
    /// use isoflop::fit::{fit_chinchilla, FitOptions};
    /// use isoflop::law::LossHypothesis;
    /// let fit = fit_chinchilla(&isoflop::data::chinchilla::replication_runs(), &FitOptions::default())?;
    /// let h = fit.hypothesis("my-point-fit")?;
    /// assert_eq!(h.id(), "my-point-fit");
    /// assert_eq!(h.evidence().max_params, fit.evidence.max_params);
    /// # Ok::<(), isoflop::Error>(())
    /// ```
    pub fn hypothesis(&self, id: impl Into<String>) -> Result<ChinchillaHypothesis> {
        let h = ChinchillaHypothesis::new(
            id,
            format!(
                "fitted by isoflop with the Chinchilla protocol (Huber delta 1e-3 on log loss, L-BFGS from the Hoffmann grid) to {}; status {}",
                self.evidence.description, self.status
            ),
            self.law,
            Vec::new(),
            Uncertainty::None,
            self.evidence.clone(),
        )?;
        Ok(with_status(h, self.status))
    }
}

impl Bootstrap {
    /// The fit's law with these bootstrap draws as a hypothesis named `id`
    /// ([`Uncertainty::Bootstrap`]: predictions get percentile bands over the draws).
    /// Its evidence is the fitted table's ranges; a fit whose status is not
    /// [`FitStatus::Converged`] carries [`Caveat::FitNotConverged`].
    ///
    /// # Errors
    ///
    /// [`crate::Error::NotApplicable`] if `id` is empty.
    ///
    /// ```
    /// use isoflop::fit::{bootstrap, fit_chinchilla, FitOptions};
    /// use isoflop::law::LossHypothesis;
    /// let runs = isoflop::data::chinchilla::replication_runs();
    /// let fit = fit_chinchilla(&runs, &FitOptions::default())?;
    /// let h = bootstrap(&runs, &fit, 20, 7)?.hypothesis("my-refit")?;
    /// assert_eq!(h.draw_count(), 20);
    /// # Ok::<(), isoflop::Error>(())
    /// ```
    pub fn hypothesis(&self, id: impl Into<String>) -> Result<ChinchillaHypothesis> {
        let h = ChinchillaHypothesis::new(
            id,
            format!(
                "fitted by isoflop with the Chinchilla protocol (Huber delta 1e-3 on log loss, L-BFGS from the Hoffmann grid) to {}; status {}; {} bootstrap refits ({} failed, {} not converged)",
                self.evidence().description,
                self.fit_status(),
                self.draws().len(),
                self.failed(),
                self.not_converged()
            ),
            *self.point(),
            self.draws().to_vec(),
            Uncertainty::Bootstrap,
            self.evidence().clone(),
        )?;
        Ok(with_status(h, self.fit_status()))
    }
}

/// Fits the Chinchilla law to `table`, draws `replicates` bootstrap refits seeded by
/// `seed` (none when 0), and returns the hypothesis named `id`: data to answer in one call.
///
/// # Errors
///
/// Whatever [`fit_chinchilla`] and [`bootstrap`] return (too little data, a
/// non-identifiable table, every refit failing), and [`crate::Error::NotApplicable`] for
/// an empty `id`. A fit that did not converge is not an error: the hypothesis carries
/// [`Caveat::FitNotConverged`] and every prediction from it warns.
///
/// ```
/// use isoflop::data::run_table::RunTable;
/// use isoflop::fit::{fit_hypothesis, FitOptions};
/// use isoflop::prediction::Warning;
/// use isoflop::query::predict;
/// let runs = isoflop::data::chinchilla::replication_runs();
/// let h = fit_hypothesis(&runs, "my-law", &FitOptions::default(), 50, 1)?;
/// let p = predict(&h, "7B".parse()?, "1T".parse()?, 0.9)?;
/// assert!(p.loss.width() > 0.0);
/// assert!(!p.warnings.iter().any(|w| matches!(w, Warning::FitNotConverged { .. })));
/// # Ok::<(), isoflop::Error>(())
/// ```
pub fn fit_hypothesis(
    table: &RunTable,
    id: impl Into<String>,
    options: &FitOptions,
    replicates: usize,
    seed: u64,
) -> Result<ChinchillaHypothesis> {
    let fit = fit_chinchilla(table, options)?;
    if replicates == 0 {
        fit.hypothesis(id)
    } else {
        bootstrap(table, &fit, replicates, seed)?.hypothesis(id)
    }
}
