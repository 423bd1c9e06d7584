//! Fitting benchmarks (targets on a 2-core machine): the protocol's answer (screened
//! strategy) < 0.2 s, the full 4,500-start sweep < 3 s, 4,000 bootstrap refits < 1.5 s.
//! Also one objective pass and one L-BFGS start, the units of everything else.
//!
//! `cargo bench --bench fit`

use criterion::{criterion_group, criterion_main, Criterion};
use isoflop::data::chinchilla;
use isoflop::fit::objective::{ChinchillaObjective, Objective};
use isoflop::fit::protocol::hoffmann_grid;
use isoflop::fit::solver::{minimize, SolverOptions};
use isoflop::fit::{bootstrap, fit_chinchilla, fit_kaplan, FitOptions};
use std::hint::black_box;
use std::time::Duration;

fn units(c: &mut Criterion) {
    let runs = chinchilla::replication_runs();
    let objective = ChinchillaObjective::new(&runs);
    let x = [6.17, 7.67, 0.597, 0.347, 0.367];
    let mut g = [0.0; 5];
    c.bench_function("objective cost+gradient (240 runs)", |b| {
        b.iter(|| objective.cost_grad(black_box(&x), &mut g))
    });
    let grid = hoffmann_grid();
    let options = SolverOptions::default();
    let starts: Vec<&Vec<f64>> = grid.iter().step_by(45).collect();
    c.bench_function("L-BFGS, 100 grid starts, one thread", |b| {
        b.iter(|| {
            starts
                .iter()
                .map(|s| minimize(&objective, black_box(s), &options).cost)
                .fold(f64::INFINITY, f64::min)
        })
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
