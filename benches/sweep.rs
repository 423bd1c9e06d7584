//! isoFLOP sweep benchmarks (issue 11): Approach 2 with a 1,000-draw bootstrap on the bundled
//! Chinchilla runs (target: well under 1 s), Approach 1 likewise, and variable projection
//! (both objectives) against the screened protocol it replaces.
//!
//! `cargo bench --bench sweep`

use criterion::{criterion_group, criterion_main, Criterion};
use isoflop::data::chinchilla;
use isoflop::data::sweep::{BudgetRule, IsoFlopSweep};
use isoflop::fit::approach1::{fit_approach1, Approach1Options};
use isoflop::fit::approach2::{fit_approach2, Approach2Options};
use isoflop::fit::varpro::{fit_varpro, VarproObjective, VarproOptions};
use isoflop::fit::{fit_chinchilla, FitOptions};
use isoflop::units::Flops;
use std::hint::black_box;
use std::time::Duration;

fn sweep() -> IsoFlopSweep {
    let budgets = chinchilla::ISOFLOP_BUDGETS
        .iter()
        .map(|&c| Flops::new(c).expect("positive"))
        .collect();
    let rule = BudgetRule::Nominal {
        budgets,
        tolerance_decades: 0.1,
    };
    IsoFlopSweep::from_table("chinchilla", &chinchilla::replication_runs(), &rule)
        .expect("bundled data has budgets")
}

fn approaches(c: &mut Criterion) {
    let s = sweep();
    let mut group = c.benchmark_group("isoflop sweep");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    group.bench_function(
        "approach 2, 1,000-draw bootstrap (9 budgets, 177 runs)",
        |b| b.iter(|| fit_approach2(black_box(&s), &Approach2Options::default())),
    );
    group.bench_function("approach 1, 1,000-draw bootstrap", |b| {
        b.iter(|| fit_approach1(black_box(&s), &Approach1Options::default()))
    });
    group.finish();
}

fn varpro(c: &mut Criterion) {
    let runs = chinchilla::replication_runs();
    let mut group = c.benchmark_group("approach 3 on 240 runs");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    group.bench_function("variable projection, Huber on log loss", |b| {
        b.iter(|| fit_varpro(black_box(&runs), &VarproOptions::default()))
    });
    let squared = VarproOptions {
        objective: VarproObjective::SquaredLoss,
        ..VarproOptions::default()
    };
    group.bench_function("variable projection, squared loss (exact NNLS)", |b| {
        b.iter(|| fit_varpro(black_box(&runs), &squared))
    });
    group.bench_function("protocol, screened", |b| {
        b.iter(|| fit_chinchilla(black_box(&runs), &FitOptions::default()))
    });
    group.finish();
}

criterion_group!(benches, approaches, varpro);
criterion_main!(benches);
