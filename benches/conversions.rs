//! Hot conversions of the compute layer: 6ND and its inverse, GPU-hours,
//! parsing and printing quantities, Kaplan and Chinchilla App. F counts,
//! catalog lookups.

use criterion::{criterion_group, criterion_main, Criterion};
use isoflop::architecture::Architecture;
use isoflop::cluster::{flops_for, gpu_hours_for};
use isoflop::compute::{
    chinchilla_training_flops, inference_flops_per_token, kaplan_training_flops, tokens_for_flops,
    training_flops_6nd,
};
use isoflop::hardware::Accelerator;
use isoflop::runs;
use isoflop::units::{Flops, FlopsPerSecond, GpuHours, Params, Tokens};
use std::hint::black_box;
use std::time::Duration;

fn conversions(c: &mut Criterion) {
    let n = Params::new(6_738_415_616.0).unwrap();
    let d = Tokens::new(1e12).unwrap();
    let flops = Flops::new(5.48e23).unwrap();
    let peak = FlopsPerSecond::from_tera(312.0).unwrap();
    let hours = GpuHours::new(1_022_362.0).unwrap();
    let arch = Architecture::llama_7b();

    c.bench_function("training_flops_6nd", |b| {
        b.iter(|| training_flops_6nd(black_box(n), black_box(d)))
    });
    c.bench_function("tokens_for_flops", |b| {
        b.iter(|| tokens_for_flops(black_box(n), black_box(flops)))
    });
    c.bench_function("gpu_hours_for", |b| {
        b.iter(|| gpu_hours_for(black_box(flops), black_box(peak), black_box(0.45)))
    });
    c.bench_function("flops_for", |b| {
        b.iter(|| flops_for(black_box(hours), black_box(peak), black_box(0.45)))
    });
    c.bench_function("parse Params \"6.7B\"", |b| {
        b.iter(|| black_box("6.7B").parse::<Params>())
    });
    c.bench_function("parse GpuHours \"1,022,362 GPU-h\"", |b| {
        b.iter(|| black_box("1,022,362 GPU-h").parse::<GpuHours>())
    });
    c.bench_function("display Flops", |b| b.iter(|| black_box(flops).to_string()));
    c.bench_function("kaplan_training_flops llama_7b", |b| {
        b.iter(|| kaplan_training_flops(black_box(&arch), black_box(d)))
    });
    c.bench_function("chinchilla_training_flops llama_7b", |b| {
        b.iter(|| chinchilla_training_flops(black_box(&arch), black_box(d)))
    });
    let ctx = Tokens::new(1024.0).unwrap();
    c.bench_function("inference_flops_per_token llama_7b", |b| {
        b.iter(|| inference_flops_per_token(black_box(&arch), black_box(ctx)))
    });
    c.bench_function("Accelerator::by_name", |b| {
        b.iter(|| Accelerator::by_name(black_box("a100 80gb")))
    });
    c.bench_function("runs::by_name", |b| {
        b.iter(|| runs::by_name(black_box("llama-65b")))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .measurement_time(Duration::from_secs(2))
        .warm_up_time(Duration::from_millis(500));
    targets = conversions
}
criterion_main!(benches);
