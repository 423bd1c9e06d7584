//! Kaplan et al. 2020's joint law through the same machinery.
//!
//! L(N, D) = [(N_c / N)^(α_N / α_D) + D_c / D]^α_D (arXiv:2001.08361, Eq. 1.5; published
//! fit, Table 2: α_N = 0.076, α_D = 0.103, N_c = 6.4e13, D_c = 1.8e13, with N counting
//! non-embedding parameters). Fitted with the same Huber-on-log-loss objective
//! and L-BFGS from a grid of 256 starts: ln N_c, ln D_c ∈ {20, 25, 30, 35},
//! α_N, α_D ∈ {0.05, 0.1, 0.2, 0.4}, keeping the best.
//!
//! ```
//! use isoflop::data::run_table::RunTable;
//! use isoflop::fit::kaplan::fit_kaplan;
//! // Noise-free runs from Kaplan's published law.
//! let law = |n: f64, d: f64| ((6.4e13 / n).powf(0.076 / 0.103) + 1.8e13 / d).powf(0.103);
//! let mut rows = Vec::new();
//! for n in [1e7, 1e8, 1e9, 1e10] {
//!     for d in [1e9, 1e10, 1e11, 1e12] {
//!         rows.push((n, d, law(n, d)));
//!     }
//! }
//! let fit = fit_kaplan(&RunTable::from_rows(&rows)?)?;
//! assert!((fit.alpha_n / 0.076 - 1.0).abs() < 1e-4);
//! assert!((fit.d_c.get() / 1.8e13 - 1.0).abs() < 1e-3);
//! # Ok::<(), isoflop::Error>(())
//! ```

use super::multistart::minimize_all;
use super::objective::{KaplanObjective, KAPLAN_DIM};
use super::protocol::FitStatus;
use super::solver::{minimize, SolverOptions, SolverStop};
use crate::data::run_table::RunTable;
use crate::error::{Error, Result};
use crate::units::{Params, Tokens};

/// A fitted Kaplan law.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct KaplanFit {
    /// Size exponent α_N.
    pub alpha_n: f64,
    /// Data exponent α_D.
    pub alpha_d: f64,
    /// Critical size N_c.
    pub n_c: Params,
    /// Critical data D_c.
    pub d_c: Tokens,
    /// The summed Huber objective at the optimum.
    pub objective: f64,
    /// How the fit ended ([`FitStatus::FlatDirection`] is not checked here).
    pub status: FitStatus,
    /// Starts that ended at the best optimum (objective within 10⁻⁸ relative), of 256.
    pub starts_at_best: usize,
}

impl KaplanFit {
    /// Predicted loss (nats/token) at N parameters and D tokens.
    pub fn loss(&self, n: Params, d: Tokens) -> f64 {
        ((self.n_c.get() / n.get()).powf(self.alpha_n / self.alpha_d) + self.d_c.get() / d.get())
            .powf(self.alpha_d)
    }
}

/// The 256 starts, as `[ln N_c, ln D_c, alpha_n, alpha_d]`.
pub fn kaplan_grid() -> Vec<Vec<f64>> {
    let logs = [20.0, 25.0, 30.0, 35.0];
    let exps = [0.05, 0.1, 0.2, 0.4];
    let mut grid = Vec::with_capacity(256);
    for &ln_nc in &logs {
        for &ln_dc in &logs {
            for &an in &exps {
                for &ad in &exps {
                    grid.push(vec![ln_nc, ln_dc, an, ad]);
                }
            }
        }
    }
    grid
}

/// Fits Kaplan's law to `table`. Errors as [`crate::fit::fit_chinchilla`] does: too few
/// runs, one model size or token count, every start failing, or a non-positive exponent.
pub fn fit_kaplan(table: &RunTable) -> Result<KaplanFit> {
    table.check_fittable(KAPLAN_DIM)?;
    let objective = KaplanObjective::new(table);
    let options = SolverOptions::default();
    let search = minimize_all(&objective, &kaplan_grid(), &options)
        .ok_or_else(|| Error::NonIdentifiable("every start of the Kaplan fit failed".into()))?;
    let polished = minimize(&objective, &search.best.x, &options);
    let best = if polished.stop != SolverStop::Failed && polished.cost <= search.best.cost {
        polished
    } else {
        search.best
    };
    let [ln_nc, ln_dc, alpha_n, alpha_d] = [best.x[0], best.x[1], best.x[2], best.x[3]];
    if !(alpha_n > 0.0 && alpha_d > 0.0) {
        return Err(Error::NonIdentifiable(format!(
            "the best Kaplan optimum has alpha_N = {alpha_n:.4}, alpha_D = {alpha_d:.4}: an exponent <= 0 means loss does not fall with N or D in this data"
        )));
    }
    let status = if alpha_n < 1e-4 || alpha_d < 1e-4 || ln_nc.abs() > 100.0 || ln_dc.abs() > 100.0 {
        FitStatus::AtBound
    } else {
        match best.stop {
            SolverStop::Converged => FitStatus::Converged,
            SolverStop::IterationLimit => FitStatus::IterationLimit,
            SolverStop::Stalled | SolverStop::Failed => FitStatus::Stalled,
        }
    };
    Ok(KaplanFit {
        alpha_n,
        alpha_d,
        n_c: Params::new(ln_nc.exp())?,
        d_c: Tokens::new(ln_dc.exp())?,
        objective: best.cost,
        status,
        starts_at_best: search.starts_at_best,
    })
}
