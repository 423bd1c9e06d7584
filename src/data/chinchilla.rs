//! The Chinchilla training runs of Hoffmann et al. 2022 (arXiv:2203.15556), Figure 4
//! (left panel, "IsoLoss contours"), as digitised by Epoch AI for Besiroglu, Erdil,
//! Barnett and You 2024, "Chinchilla Scaling: A replication attempt" (arXiv:2404.10102).
//!
//! # Provenance
//! - Repository <https://github.com/epoch-research/analyzing-chinchilla>, commit
//!   `92258837425e1b5f2851d624287f0120583a3d0e`, file `data/svg_extracted_data.csv`
//!   (sha256 `193478df4e90f040016431996c45682659306840ecdadf83cfb9cd5ca0aa1b30`; no licence
//!   stated: factual measurements used with attribution).
//! - That CSV ships with the crate as `data/chinchilla/svg_extracted_data.csv` (with its
//!   `SOURCE.md`). The table in `src/data/chinchilla/table.rs` is generated from it by
//!   `python3 scripts/gen_chinchilla_table.py > src/data/chinchilla/table.rs`:
//!   it keeps `Model Size` (N), `Training FLOP` (C) and `loss` of all 245 rows in file order,
//!   each written as its shortest round-trip decimal, so every value is bit-identical to the CSV's.
//! - Training tokens are D = C / (6N), as in the replication's analysis notebook.
//!
//! # Caveats
//! - Calibration: Derek Jones (shape-of-code.com, 2024-04-28) reports errors in the y-axis
//!   tick calibration used for N; his corrected ticks change N by up to about 3-4%. This table
//!   keeps the original (uncorrected) calibration, as the replication used it.
//! - Loss is quantised by the colour bar's resolution: about 0.015 at the top of the bar and
//!   0.005 at the bottom.
//!
//! ```
//! use isoflop::data::chinchilla;
//! assert_eq!(chinchilla::runs().len(), 245);
//! assert_eq!(chinchilla::replication_runs().len(), 240);
//! ```

mod table;

use super::run_table::{Run, RunTable};
use crate::units::{Params, Tokens};

/// Number of digitised runs.
pub const RUN_COUNT: usize = 245;

/// How many highest-loss runs the replication drops as outliers (Besiroglu et al. 2024).
pub const REPLICATION_DROPPED: usize = 5;

/// The 9 isoFLOP budgets of Hoffmann et al. 2022 (Sec. 3.2, Fig. 3: "9 different training
/// FLOP counts, ranging from 6e18 to 3e21"), in FLOPs. The digitised runs of Figure 4 include
/// runs from the other approaches too, and their C is read off the figure, so only part of
/// them lie near one of these budgets.
pub const ISOFLOP_BUDGETS: [f64; 9] = [6e18, 1e19, 3e19, 6e19, 1e20, 3e20, 6e20, 1e21, 3e21];

/// All 245 digitised runs, in the CSV's row order.
pub fn runs() -> RunTable {
    let runs = table::RUNS
        .iter()
        .map(|&(n, c, loss)| Run {
            n: Params::raw(n),
            d: Tokens::raw(c / (6.0 * n)),
            loss,
        })
        .collect();
    RunTable::from_trusted(runs)
}

/// The 240 runs of the replication's fit: [`runs`] without the 5 highest losses
/// (all at D/N < 0.41), Besiroglu et al. 2024.
pub fn replication_runs() -> RunTable {
    // Infallible: 245 > 5.
    runs()
        .drop_highest_losses(REPLICATION_DROPPED)
        .unwrap_or_else(|_| runs())
}

/// The raw (N, C, loss) rows, in the CSV's order.
pub fn raw_rows() -> &'static [(f64, f64, f64)] {
    &table::RUNS
}

#[cfg(test)]
mod tests {
    use super::*;

    // Counts and ranges from data/chinchilla/SOURCE.md ("Ranges"); the sums were
    // computed from the CSV with Python (sum of float(column)).
    #[test]
    fn matches_the_source_summary() {
        let t = runs();
        assert_eq!(t.len(), 245);
        let n: Vec<f64> = t.iter().map(|r| r.n.get()).collect();
        let c: Vec<f64> = raw_rows().iter().map(|r| r.1).collect();
        let d: Vec<f64> = t.iter().map(|r| r.d.get()).collect();
        let l: Vec<f64> = t.iter().map(|r| r.loss).collect();
        let range = |v: &[f64]| {
            (
                v.iter().copied().fold(f64::INFINITY, f64::min),
                v.iter().copied().fold(0.0, f64::max),
            )
        };
        let close = |x: f64, y: f64, tol: f64| (x / y - 1.0).abs() < tol;
        let (lo, hi) = range(&n);
        assert!(
            close(lo, 5.73e7, 5e-3) && close(hi, 1.62e10, 5e-3),
            "{lo} {hi}"
        );
        let (lo, hi) = range(&c);
        assert!(
            close(lo, 1.40e18, 5e-3) && close(hi, 1.30e22, 5e-3),
            "{lo} {hi}"
        );
        let (lo, hi) = range(&d);
        assert!(
            close(lo, 2.45e8, 5e-3) && close(hi, 3.18e11, 5e-3),
            "{lo} {hi}"
        );
        let (lo, hi) = range(&l);
        assert!(
            close(lo, 2.077, 1e-3) && close(hi, 5.006, 1e-3),
            "{lo} {hi}"
        );
        assert!(close(n.iter().sum(), 425642676356.7091, 1e-12));
        assert!(close(c.iter().sum(), 1.0518090895389682e23, 1e-12));
        assert!(close(l.iter().sum(), 655.0320929323956, 1e-12));
    }

    #[test]
    fn replication_drops_the_five_highest_all_at_small_d_over_n() {
        let all = runs();
        let kept = replication_runs();
        assert_eq!(kept.len(), 240);
        // Epoch's rule: keep loss < sorted(loss)[-5].
        let mut sorted: Vec<f64> = all.iter().map(|r| r.loss).collect();
        sorted.sort_by(f64::total_cmp);
        let cut = sorted[sorted.len() - 5];
        assert!(kept.iter().all(|r| r.loss < cut));
        let mut dropped = all.iter().filter(|r| r.loss >= cut);
        assert!(dropped.clone().count() == 5);
        assert!(dropped.all(|r| r.d.get() / r.n.get() < 0.41));
    }
}
