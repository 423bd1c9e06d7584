//! Bootstrap uncertainty for a Chinchilla fit (the method of Besiroglu et al. 2024,
//! arXiv:2404.10102, Sec. 4: resample the runs with replacement, refit each resample,
//! report standard errors and 2.5/97.5 percentiles of the draws).
//!
//! Each replicate draws its resample from its own ChaCha8 stream: the generator is seeded
//! with `seed` and switched to stream `index`, so the draws do not depend on how rayon
//! schedules replicates or on the number of threads. Each refit starts from the full-data
//! optimum (warm start) and uses the same L-BFGS.
//!
//! Predictions from the draws come in two kinds, named as such:
//! - [`Bootstrap::confidence_band`]: parameter uncertainty only (where is the mean law?);
//! - [`Bootstrap::prediction_band`]: plus the scatter of a single run around the law, by
//!   multiplying each draw's prediction with one resampled full-data residual exp(ln L − ln L̂).
//!
//! ```
//! use isoflop::data::chinchilla;
//! use isoflop::fit::{bootstrap, fit_chinchilla, FitOptions};
//! use isoflop::units::{Params, Tokens};
//! let runs = chinchilla::replication_runs();
//! let fit = fit_chinchilla(&runs, &FitOptions::default())?;
//! let boot = bootstrap(&runs, &fit, 50, 42)?;
//! let se = boot.std_errors()?;
//! assert!(se.alpha > 0.0 && se.alpha < 0.1);
//! let (n, d) = (Params::new(70e9)?, Tokens::new(1.4e12)?);
//! let conf = boot.confidence_band(n, d, 0.9)?;
//! let pred = boot.prediction_band(n, d, 0.9)?;
//! assert!(pred.width() > conf.width());
//! # Ok::<(), isoflop::Error>(())
//! ```

use super::objective::{ChinchillaObjective, LogData, CHINCHILLA_DIM};
use super::protocol::{fit_from, FitResult, FitStatus};
use super::solver::SolverOptions;
use crate::band::Band;
use crate::data::run_table::RunTable;
use crate::error::{check, Error, Result};
use crate::law::{ChinchillaLaw, Evidence};
use crate::par::*;
use crate::units::{Params, Tokens};
use nalgebra::{Matrix5, Vector5};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

/// One number per Chinchilla parameter, keyed as in the paper (E, A, B, alpha, beta).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Estimates {
    /// Irreducible loss E.
    #[serde(rename = "E")]
    pub e: f64,
    /// Size coefficient A.
    #[serde(rename = "A")]
    pub a: f64,
    /// Data coefficient B.
    #[serde(rename = "B")]
    pub b: f64,
    /// Size exponent α.
    pub alpha: f64,
    /// Data exponent β.
    pub beta: f64,
}

impl From<&ChinchillaLaw> for Estimates {
    fn from(l: &ChinchillaLaw) -> Self {
        Estimates {
            e: l.e(),
            a: l.a(),
            b: l.b(),
            alpha: l.alpha(),
            beta: l.beta(),
        }
    }
}

impl Estimates {
    fn from_fn(mut f: impl FnMut(usize) -> f64) -> Self {
        Estimates {
            e: f(0),
            a: f(1),
            b: f(2),
            alpha: f(3),
            beta: f(4),
        }
    }

    /// As an array in the order E, A, B, alpha, beta.
    pub fn to_array(&self) -> [f64; 5] {
        [self.e, self.a, self.b, self.alpha, self.beta]
    }
}

/// A percentile interval per parameter (E, A, B, alpha, beta).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Intervals {
    /// Interval of E.
    #[serde(rename = "E")]
    pub e: Band,
    /// Interval of A.
    #[serde(rename = "A")]
    pub a: Band,
    /// Interval of B.
    #[serde(rename = "B")]
    pub b: Band,
    /// Interval of α.
    pub alpha: Band,
    /// Interval of β.
    pub beta: Band,
}

/// Bootstrap draws of a Chinchilla fit.
#[derive(Debug, Clone, PartialEq)]
pub struct Bootstrap {
    point: ChinchillaLaw,
    status: FitStatus,
    table_fingerprint: u64,
    evidence: Evidence,
    draws: Vec<ChinchillaLaw>,
    log_noise: Vec<f64>,
    requested: usize,
    not_converged: usize,
    copies: usize,
}

fn law_values(l: &ChinchillaLaw) -> [f64; 5] {
    Estimates::from(l).to_array()
}

/// Refits `replicates` bootstrap resamples of `table`, warm-started at `fit`'s optimum,
/// in parallel, reproducibly from `seed`.
///
/// Replicates whose refit fails (non-finite objective, or an exponent ≤ 0) are left out and
/// counted ([`Bootstrap::failed`]); replicates that stop short of convergence are kept and
/// counted ([`Bootstrap::not_converged`]).
///
/// # Errors
///
/// [`Error::NotApplicable`] if `fit` was not made on `table` (its
/// [`FitResult::table_fingerprint`] differs from [`RunTable::fingerprint`]): a bootstrap
/// belongs to its fit. [`Error::InsufficientData`] if `replicates` is 0, [`Error::InvalidValue`]
/// if it is above [`MAX_DRAWS`](crate::band::MAX_DRAWS); [`Error::InsufficientData`] if the table is
/// too small to fit; [`Error::NonIdentifiable`] if every refit fails.
///
/// ```
/// use isoflop::data::chinchilla;
/// use isoflop::data::run_table::RunTable;
/// use isoflop::fit::{bootstrap, fit_chinchilla, FitOptions};
/// let runs = chinchilla::replication_runs();
/// let fit = fit_chinchilla(&runs, &FitOptions::default())?;
/// let other = runs.drop_highest_losses(10)?;
/// assert!(bootstrap(&other, &fit, 10, 1).is_err()); // not the table of this fit
/// assert_eq!(bootstrap(&runs, &fit, 10, 1)?.draws().len(), 10);
/// # Ok::<(), isoflop::Error>(())
/// ```
pub fn bootstrap(
    table: &RunTable,
    fit: &FitResult,
    replicates: usize,
    seed: u64,
) -> Result<Bootstrap> {
    bootstrap_with(table, fit, replicates, seed, &SolverOptions::default())
}

/// [`bootstrap`] with explicit solver settings.
pub fn bootstrap_with(
    table: &RunTable,
    fit: &FitResult,
    replicates: usize,
    seed: u64,
    options: &SolverOptions,
) -> Result<Bootstrap> {
    crate::band::check_draw_count("number of bootstrap replicates", replicates)?;
    options.check()?;
    if replicates == 0 {
        return Err(Error::InsufficientData {
            what: "a bootstrap",
            reason: "0 replicates requested; ask for at least 1 (the replication used 4,000)"
                .into(),
        });
    }
    if table.fingerprint() != fit.table_fingerprint {
        return Err(Error::NotApplicable {
            what: "a bootstrap of this fit".into(),
            reason: format!(
                "the run table given ({} runs, fingerprint {:016x}) is not the one the fit was made on (fingerprint {:016x}); bootstrap the table you fitted",
                table.len(),
                table.fingerprint(),
                fit.table_fingerprint
            ),
        });
    }
    table.check_fittable(CHINCHILLA_DIM)?;
    let full = ChinchillaObjective::new(table);
    let residuals = full.residuals(&fit.params);
    let n = full.data().len();
    let start = fit.params;
    let results: Vec<Option<(ChinchillaLaw, bool, f64)>> = (0..replicates)
        .into_par_iter()
        .map_init(
            || {
                (
                    ChinchillaObjective::from_logs(LogData::default()),
                    Vec::with_capacity(n),
                    Vec::with_capacity(n),
                )
            },
            |(objective, indices, counts), index| {
                let mut rng = ChaCha8Rng::seed_from_u64(seed);
                rng.set_stream(index as u64);
                indices.clear();
                indices.extend((0..n).map(|_| rng.random_range(0..n)));
                let noise = -residuals[rng.random_range(0..n)];
                objective
                    .data_mut()
                    .fill_resample(full.data(), indices, counts);
                let refit = fit_from(objective, &start, options).ok()?;
                Some((refit.law, refit.status == FitStatus::Converged, noise))
            },
        )
        .collect();
    let mut draws = Vec::with_capacity(replicates);
    let mut log_noise = Vec::with_capacity(replicates);
    let mut not_converged = 0;
    for (law, converged, noise) in results.into_iter().flatten() {
        draws.push(law);
        log_noise.push(noise);
        not_converged += usize::from(!converged);
    }
    if draws.is_empty() {
        return Err(Error::NonIdentifiable(format!(
            "all {replicates} bootstrap refits failed"
        )));
    }
    Ok(Bootstrap {
        point: fit.law,
        status: fit.status,
        table_fingerprint: fit.table_fingerprint,
        evidence: fit.evidence.clone(),
        draws,
        log_noise,
        requested: replicates,
        not_converged,
        copies: table.duplicate_rows(),
    })
}

impl Bootstrap {
    /// The full-data point estimate the draws were warm-started from.
    pub fn point(&self) -> &ChinchillaLaw {
        &self.point
    }

    /// The status of the full-data fit the draws belong to.
    pub fn fit_status(&self) -> FitStatus {
        self.status
    }

    /// [`RunTable::fingerprint`] of the table the fit and its draws were made on.
    pub fn table_fingerprint(&self) -> u64 {
        self.table_fingerprint
    }

    /// The ranges of the table the fit was made on.
    pub fn evidence(&self) -> &Evidence {
        &self.evidence
    }

    /// The refitted laws, one per successful replicate, in replicate order.
    pub fn draws(&self) -> &[ChinchillaLaw] {
        &self.draws
    }

    /// Consumes the bootstrap, returning the draws.
    pub fn into_draws(self) -> Vec<ChinchillaLaw> {
        self.draws
    }

    /// Replicates whose refit failed and were left out.
    pub fn failed(&self) -> usize {
        self.requested - self.draws.len()
    }

    /// Rows of the table that repeat another row's (N, D) and were resampled as independent
    /// runs ([`RunTable::duplicate_rows`]): 0 for a merged table, whose runs are resampled as
    /// units. When above 0 the bands are narrower than the data justify; merge the table
    /// ([`RunTable::merge_duplicates`]) unless the copies are truly separate runs.
    pub fn copies(&self) -> usize {
        self.copies
    }

    /// Kept replicates whose refit stopped short of convergence (iteration limit, stall,
    /// flat direction or a parameter at its bound).
    pub fn not_converged(&self) -> usize {
        self.not_converged
    }

    fn column(&self, k: usize) -> Vec<f64> {
        self.draws.iter().map(|l| law_values(l)[k]).collect()
    }

    /// Standard deviation of each parameter over the draws (n − 1 denominator), in the
    /// natural scale (E, A, B, α, β) as Besiroglu et al. 2024 report them.
    /// Errors with fewer than 2 draws.
    pub fn std_errors(&self) -> Result<Estimates> {
        let cov = self.covariance()?;
        Ok(Estimates::from_fn(|k| cov[(k, k)].sqrt()))
    }

    /// Sample covariance (n − 1 denominator) of (E, A, B, α, β) over the draws.
    pub fn covariance(&self) -> Result<Matrix5<f64>> {
        covariance(self.draws.iter().map(|l| Vector5::from(law_values(l))))
    }

    /// Sample covariance of the fitting parameters (ln A, ln B, ln E, α, β) over the draws,
    /// the scale in which the replication computed its χ² test.
    pub fn log_covariance(&self) -> Result<Matrix5<f64>> {
        covariance(
            self.draws
                .iter()
                .map(|l| Vector5::new(l.a().ln(), l.b().ln(), l.e().ln(), l.alpha(), l.beta())),
        )
    }

    /// Percentile interval of each parameter at `level` (0.95 gives the 2.5/97.5 percentiles).
    pub fn intervals(&self, level: f64) -> Result<Intervals> {
        let band = |k: usize| Band::from_draws(&mut self.column(k), level);
        Ok(Intervals {
            e: band(0)?,
            a: band(1)?,
            b: band(2)?,
            alpha: band(3)?,
            beta: band(4)?,
        })
    }

    /// Confidence band of the law's loss at (N, D): the percentile band of the draws'
    /// predictions (parameter uncertainty only), nats/token.
    pub fn confidence_band(&self, n: Params, d: Tokens, level: f64) -> Result<Band> {
        let mut losses: Vec<f64> = self
            .draws
            .iter()
            .map(|l| l.eval(n.get(), d.get()))
            .collect();
        Band::from_draws(&mut losses, level)
    }

    /// Prediction band for one new run at (N, D): each draw's prediction times exp of one
    /// resampled full-data log residual, so it adds the runs' scatter around the law to the
    /// parameter uncertainty. Nats/token.
    pub fn prediction_band(&self, n: Params, d: Tokens, level: f64) -> Result<Band> {
        let mut losses: Vec<f64> = self
            .draws
            .iter()
            .zip(&self.log_noise)
            .map(|(l, e)| l.eval(n.get(), d.get()) * e.exp())
            .collect();
        Band::from_draws(&mut losses, level)
    }
}

fn covariance(rows: impl Iterator<Item = Vector5<f64>> + Clone) -> Result<Matrix5<f64>> {
    let count = rows.clone().count();
    if count < 2 {
        return Err(Error::InsufficientData {
            what: "a bootstrap covariance",
            reason: format!("{count} draws; at least 2 are needed"),
        });
    }
    let mean = rows.clone().sum::<Vector5<f64>>() / count as f64;
    let mut cov = Matrix5::zeros();
    for r in rows {
        let c = r - mean;
        cov += c * c.transpose();
    }
    let cov = cov / (count as f64 - 1.0);
    for v in cov.iter() {
        check::result("bootstrap covariance", *v)?;
    }
    Ok(cov)
}
