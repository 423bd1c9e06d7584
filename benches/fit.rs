//! Fitting benchmarks. Targets on the 2-core machine (issue 14): one cost-and-gradient pass
//! over 240 runs <= 1.5 us, 4,000 bootstrap refits < 0.25 s, the protocol's answer 1,000x
//! the SciPy reference (`benches/scipy_reference.py`). Also one objective pass and one
//! L-BFGS start, the units of everything else. On a shared machine, wall-clock numbers are
//! inflated by other processes; `cargo run --release --example speed` prints CPU time.
//!
//! `cargo bench --bench fit`

use criterion::{criterion_group, criterion_main, Criterion};
use isoflop::data::chinchilla;
use isoflop::fit::{
    bootstrap, fit_chinchilla, fit_kaplan, FitOptions, ProtocolObjective, Strategy,
};
use std::hint::black_box;
use std::time::Duration;

fn units(c: &mut Criterion) {
    let runs = chinchilla::replication_runs();
    let objective = ProtocolObjective::new(&runs).expect("bundled data");
    let x = [6.17, 7.67, 0.597, 0.347, 0.367];
    let mut g = [0.0; 5];
    c.bench_function("objective cost+gradient (240 runs)", |b| {
        b.iter(|| objective.cost_grad(black_box(&x), &mut g))
    });
    c.bench_function("objective cost only (240 runs)", |b| {
        b.iter(|| objective.cost(black_box(&x)))
    });
    // `Strategy::Subset` runs L-BFGS from every 45th grid start on the calling thread
    // (plus one polishing run and the curvature check).
    let options = FitOptions {
        strategy: Strategy::Subset { starts: 100 },
        ..FitOptions::default()
    };
    c.bench_function("L-BFGS, 100 grid starts, one thread", |b| {
        b.iter(|| fit_chinchilla(black_box(&runs), &options))
    });
}

fn protocol(c: &mut Criterion) {
    let runs = chinchilla::replication_runs();
    let mut group = c.benchmark_group("protocol");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    group.bench_function("screened grid (the protocol's answer)", |b| {
        b.iter(|| fit_chinchilla(black_box(&runs), &FitOptions::default()))
    });
    group.bench_function("full 4,500-start grid", |b| {
        b.iter(|| fit_chinchilla(black_box(&runs), &FitOptions::full_grid()))
    });
    let fit = fit_chinchilla(&runs, &FitOptions::default()).expect("bundled data fits");
    group.bench_function("4,000 bootstrap refits", |b| {
        b.iter(|| bootstrap(black_box(&runs), &fit, 4000, 42))
    });
    group.bench_function("Kaplan fit (256 starts)", |b| {
        b.iter(|| fit_kaplan(black_box(&runs)))
    });
    group.finish();
}

criterion_group!(benches, units, protocol);
criterion_main!(benches);
