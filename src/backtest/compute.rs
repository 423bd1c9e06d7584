//! Along compute: fit a parametric law on the runs below a compute cut, predict the
//! runs above it.

use super::score::{BandKind, Record};
use crate::data::run_table::{Run, RunTable};
use crate::error::{check, Error, Result};
use crate::fit::{bootstrap, fit_chinchilla, fit_kaplan, FitOptions};
use crate::units::Flops;

/// Id of the Chinchilla law refitted on a split's training runs.
pub const CHINCHILLA_REFIT: &str = "chinchilla-refit";
/// Id of the Kaplan law refitted on a split's training runs.
pub const KAPLAN_REFIT: &str = "kaplan-refit";

/// The split's label, e.g. `along-compute@1e20`.
pub fn along_compute_label(cut: Flops) -> String {
    format!("along-compute@{cut}")
}

fn compute(r: &Run) -> f64 {
    6.0 * r.n.get() * r.d.get()
}

/// Splits `table` at `cut`: (runs with 6ND < cut, runs with 6ND >= cut).
///
/// Errors with [`Error::InsufficientData`] if either side is empty.
pub fn split_by_compute(table: &RunTable, cut: Flops) -> Result<(RunTable, RunTable)> {
    let (below, above): (Vec<Run>, Vec<Run>) = table.iter().partition(|r| compute(r) < cut.get());
    let why = |side: &str| Error::InsufficientData {
        what: "an along-compute backtest",
        reason: format!(
            "no run {side} the cut at {cut} FLOPs ({} runs in the table)",
            table.len()
        ),
    };
    let below = RunTable::new(below).map_err(|_| why("below"))?;
    let above = RunTable::new(above).map_err(|_| why("at or above"))?;
    Ok((below, above))
}

fn max_compute(table: &RunTable) -> f64 {
    table.iter().map(compute).fold(0.0_f64, f64::max)
}

fn record(
    hypothesis: &str,
    label: &str,
    run: &Run,
    predicted: f64,
    band: Option<crate::band::Band>,
    max_c: f64,
) -> Result<Record> {
    let c = compute(run);
    Ok(Record {
        hypothesis: hypothesis.to_string(),
        split: label.to_string(),
        target: format!(
            "N={} D={} C={}",
            run.n,
            run.d,
            Flops::new(c).map(|f| f.to_string()).unwrap_or_default()
        ),
        params: run.n,
        tokens: run.d,
        observed: run.loss,
        predicted: check::result("predicted loss", predicted)?,
        band_kind: if band.is_some() {
            BandKind::Prediction
        } else {
            BandKind::None
        },
        band,
        extrapolation: check::result("extrapolation factor", c / max_c)?,
    })
}

/// Fits the Chinchilla law with the Hoffmann protocol ([`fit_chinchilla`]) to the runs
/// of `table` below `cut`, and predicts every run at or above it (`chinchilla-refit`).
///
/// With `replicates > 0` each prediction carries the bootstrap's **prediction band**
/// at `level` ([`BandKind::Prediction`]: parameter draws times one resampled run
/// residual each). The held-out runs are single noisy runs, not the mean law, so a
/// confidence band (parameters only) would be scored against the wrong thing. With
/// `replicates == 0` there is no band. Draws are reproducible from `seed`.
///
/// Errors: an empty side of the split, a training part the protocol cannot fit
/// (too few runs, one size), a level outside (0, 1).
pub fn chinchilla_along_compute(
    table: &RunTable,
    cut: Flops,
    options: &FitOptions,
    replicates: usize,
    seed: u64,
    level: f64,
) -> Result<Vec<Record>> {
    check::open_unit("band level", level)?;
    let (train, test) = split_by_compute(table, cut)?;
    let fit = fit_chinchilla(&train, options)?;
    let boot = if replicates > 0 {
        Some(bootstrap(&train, &fit, replicates, seed)?)
    } else {
        None
    };
    let max_c = max_compute(&train);
    let label = along_compute_label(cut);
    test.iter()
        .map(|r| {
            let band = match &boot {
                Some(b) => Some(b.prediction_band(r.n, r.d, level)?),
                None => None,
            };
            record(
                CHINCHILLA_REFIT,
                &label,
                r,
                fit.law.loss(r.n, r.d)?,
                band,
                max_c,
            )
        })
        .collect()
}

/// Fits Kaplan et al. 2020's joint law ([`fit_kaplan`]) to the runs below `cut` and
/// predicts every run at or above it (`kaplan-refit`), without a band (no bootstrap).
/// N is taken as given in the table (total parameters for the Chinchilla runs): the
/// law is used as a functional form, refitted, not as Kaplan's published constants.
pub fn kaplan_along_compute(table: &RunTable, cut: Flops) -> Result<Vec<Record>> {
    let (train, test) = split_by_compute(table, cut)?;
    let fit = fit_kaplan(&train)?;
    let max_c = max_compute(&train);
    let label = along_compute_label(cut);
    test.iter()
        .map(|r| record(KAPLAN_REFIT, &label, r, fit.loss(r.n, r.d), None, max_c))
        .collect()
}
