//! Any bytes as a sweep CSV, read with the default columns and with a named budget column
//! (merging or keeping repeated rows): the loader returns a table or an error, never a
//! panic; every group assigns each run to at most one budget, by every rule; merging keeps
//! the row count; errors stay short.
#![no_main]

use isoflop::data::run_table::Duplicates;
use isoflop::data::sweep::{BudgetRule, SweepColumns, SweepTable};
use isoflop::units::Flops;
use libfuzzer_sys::fuzz_target;

fn check(table: &SweepTable) {
    let rows: u64 = table.table().counts().iter().map(|&c| u64::from(c)).sum();
    assert!(rows >= table.table().len() as u64);
    let groups = table.groups();
    assert!(!groups.is_empty());
    assert_eq!(
        groups.iter().map(|g| g.table().len()).sum::<usize>(),
        table.table().len()
    );
    let nominal = BudgetRule::Nominal {
        budgets: vec![Flops::new(1e18).unwrap(), Flops::new(1e20).unwrap()],
        tolerance_decades: 0.2,
    };
    for g in groups.iter().chain([&table.pooled()]) {
        for rule in [
            BudgetRule::Auto,
            BudgetRule::Column,
            BudgetRule::Cluster {
                tolerance_decades: 0.1,
            },
            nominal.clone(),
        ] {
            match g.isoflop(&rule) {
                Ok(s) => {
                    assert_eq!(s.assignment().len(), s.table().len());
                    assert!(s
                        .assignment()
                        .iter()
                        .all(|a| a.is_none_or(|k| k < s.budgets().len())));
                    assert!(s.budgets().windows(2).all(|w| w[0] < w[1]));
                    let by_budget = s.runs_by_budget();
                    assert_eq!(
                        by_budget.iter().map(Vec::len).sum::<usize>() + s.unassigned().len(),
                        s.table().len()
                    );
                }
                Err(e) => assert!(e.to_string().len() < 2000, "{}", e.to_string().len()),
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let named = SweepColumns {
        group: vec!["experiment".into()],
        budget: Some("budget".into()),
        duplicates: Duplicates::Keep,
    };
    for columns in [SweepColumns::default(), named] {
        match SweepTable::from_csv_reader(data, &columns) {
            Ok(t) => check(&t),
            Err(e) => assert!(e.to_string().len() < 2000, "{}", e.to_string().len()),
        }
    }
});
