//! The protocol's objective as a public value: for timing it, checking a solution, or
//! driving your own optimiser.

use super::objective::{ChinchillaObjective, Objective};
use crate::data::run_table::RunTable;
use crate::error::{Error, Result};

/// The Chinchilla fitting objective on a run table (Hoffmann et al. 2022, App. D.2, summed
/// as in Besiroglu et al. 2024): Σ Huber_δ(LSE(a − α ln N, b − β ln D, e) − ln L), δ = 1e-3,
/// over x = [a, b, e, α, β] = [ln A, ln B, ln E, α, β].
///
/// The same code [`fit_chinchilla`](super::fit_chinchilla) minimises: four runs at a time
/// with a vectorised `exp`/`ln` within 2 ulp of the platform's.
///
/// # Examples
///
/// ```
/// use isoflop::data::chinchilla;
/// use isoflop::fit::ProtocolObjective;
/// let objective = ProtocolObjective::new(&chinchilla::replication_runs())?;
/// let mut grad = [0.0; 5];
/// let x = [6.17, 7.67, 0.597, 0.347, 0.367];
/// let cost = objective.cost_grad(&x, &mut grad);
/// assert!(cost > 0.0 && cost == objective.cost(&x));
/// # Ok::<(), isoflop::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct ProtocolObjective(ChinchillaObjective);

impl ProtocolObjective {
    /// The objective on `table`.
    ///
    /// # Errors
    ///
    /// [`Error::InsufficientData`] for an empty table.
    pub fn new(table: &RunTable) -> Result<Self> {
        if table.is_empty() {
            return Err(Error::InsufficientData {
                what: "the protocol's objective",
                reason: "the run table is empty".into(),
            });
        }
        Ok(ProtocolObjective(ChinchillaObjective::new(table)))
    }

    /// The cost at `x` = [ln A, ln B, ln E, α, β], and its gradient written to `grad`.
    /// Non-finite where the law is undefined.
    pub fn cost_grad(&self, x: &[f64; 5], grad: &mut [f64; 5]) -> f64 {
        self.0.cost_grad(x, grad)
    }

    /// The cost alone at `x` (no gradient).
    pub fn cost(&self, x: &[f64; 5]) -> f64 {
        self.0.cost(x)
    }
}
