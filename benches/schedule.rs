//! Benchmarks of learning-rate schedules and the schedule-aware laws: the sums on a
//! 3.4M-step cosine (closed forms, so independent of the length), the multi-power decay
//! terms, and fits of both laws to the LLaMA-7B curve under its published schedule.
//!
//! Run: `cargo bench --bench schedule`.

use criterion::{criterion_group, criterion_main, Criterion};
use isoflop::data::llama::{self, LlamaModel};
use isoflop::fit::schedule_law::{
    fit_schedule_law, ObservedRun, ScheduleFitOptions, ScheduleLawForm,
};
use isoflop::schedule::{Resolution, Schedule};
use isoflop::units::Tokens;
use std::hint::black_box;
use std::time::Duration;

fn sums(c: &mut Criterion) {
    let batch = Tokens::new(4_194_304.0).expect("valid");
    let s = Schedule::cosine(1.5e-4, 2_000, 3_400_000, 0.1, batch).expect("valid");
    c.bench_function("schedule/lr_sum_3.4M_steps", |b| {
        b.iter(|| s.lr_sum(black_box(3_000_000)))
    });
    c.bench_function("schedule/annealing_area_3.4M_steps", |b| {
        b.iter(|| s.annealing_area(black_box(3_000_000), black_box(0.999)))
    });
    let mut out = Vec::new();
    c.bench_function("schedule/decay_terms_default_3.4M_steps", |b| {
        b.iter(|| s.decay_terms(black_box(3_400_000), Resolution::default(), &mut out))
    });
    c.bench_function("schedule/decay_terms_exact_240k_steps", |b| {
        let s7 = llama::schedule(LlamaModel::Llama7B);
        b.iter(|| s7.decay_terms(black_box(240_000), Resolution::Exact, &mut out))
    });
}

fn fits(c: &mut Criterion) {
    let m = LlamaModel::Llama7B;
    let run = ObservedRun::new(llama::curve(m), llama::schedule(m)).expect("covers");
    let runs = [run];
    let mut group = c.benchmark_group("schedule_fit");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(5));
    for draws in [0, 40] {
        let opts = ScheduleFitOptions {
            draws,
            ..Default::default()
        };
        group.bench_function(format!("annealing_llama7b_{draws}_draws"), |b| {
            b.iter(|| fit_schedule_law(black_box(&runs), ScheduleLawForm::Annealing, &opts))
        });
    }
    let opts = ScheduleFitOptions {
        draws: 0,
        ..Default::default()
    };
    group.bench_function("multi_power_llama7b_0_draws", |b| {
        b.iter(|| fit_schedule_law(black_box(&runs), ScheduleLawForm::MultiPower, &opts))
    });
    group.finish();
}

criterion_group!(benches, sums, fits);
criterion_main!(benches);
