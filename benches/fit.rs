//! Fitting benchmarks (issue 4 targets on the 2-core machine): the protocol's answer (screened
//! strategy) < 0.2 s, the full 4,500-start sweep < 3 s, 4,000 bootstrap refits < 1.5 s.
//! Also L-BFGS from 100 grid starts on one thread, the unit of everything else.
//!
//! `cargo bench --bench fit`

use criterion::{criterion_group, criterion_main, Criterion};
use isoflop::data::chinchilla;
use isoflop::fit::{bootstrap, fit_chinchilla, fit_kaplan, FitOptions, Strategy};
use std::hint::black_box;
use std::time::Duration;

fn units(c: &mut Criterion) {
    let runs = chinchilla::replication_runs();
    // Through the public API: `Strategy::Subset` runs L-BFGS from every 45th grid start on
    // the calling thread (plus one polishing run and the curvature check).
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
