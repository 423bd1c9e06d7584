//! Any bytes as a run-table CSV: the loader returns a table whose every run is valid, or an
//! error; it never panics.
#![no_main]

use isoflop::data::run_table::RunTable;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(table) = RunTable::from_csv_reader(data) {
        assert!(!table.is_empty());
        for run in table.iter() {
            assert!(run.n.get().is_finite() && run.n.get() > 0.0);
            assert!(run.d.get().is_finite() && run.d.get() > 0.0);
            assert!(run.loss.is_finite() && run.loss > 0.0);
        }
        let _ = table.check_fittable(5);
        let _ = table.drop_highest_losses(1);
        for run in table.iter() {
            let _ = run.flops();
        }
    }
});
