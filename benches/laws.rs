//! Benchmarks of the loss hypotheses: point losses, 4,000-draw evaluation,
//! continuation fits and calibration fits.
//!
//! Run: `cargo bench --bench laws`.

use criterion::{criterion_group, criterion_main, Criterion};
use isoflop::data::llama::{self, LlamaModel};
use isoflop::law::calibration::final_points;
use isoflop::law::{
    Calibrated, CalibrationMode, ChinchillaHypothesis, Continuation, ContinuationForm,
    ContinuationOptions, DataConstrainedHypothesis, KaplanHypothesis, LossHypothesis,
};
use isoflop::units::{Params, Tokens};
use std::hint::black_box;
use std::time::Duration;

fn point_losses(c: &mut Criterion) {
    let n = Params::new(6.7e9).expect("valid");
    let d = Tokens::new(1.4e12).expect("valid");
    let kaplan = KaplanHypothesis::kaplan2020();
    let dc = DataConstrainedHypothesis::muennighoff2023(Tokens::new(25e9).expect("valid"));
    c.bench_function("point/kaplan2020", |b| {
        b.iter(|| kaplan.point(black_box(n), black_box(d)))
    });
    c.bench_function("point/data-constrained-muennighoff2023", |b| {
        b.iter(|| dc.point(black_box(n), black_box(d)))
    });
    let curve = llama::curve(LlamaModel::Llama7B);
    let opts = ContinuationOptions {
        start: llama::CONTINUATION_START.into(),
        draws: 4000,
        ..Default::default()
    };
    for form in ContinuationForm::ALL {
        let fit = Continuation::fit(&curve, form, &opts).expect("LLaMA-7B fits");
        let n = curve.params();
        c.bench_function(&format!("point/{}", form.id()), |b| {
            b.iter(|| fit.point(black_box(n), black_box(d)))
        });
        let mut out = Vec::with_capacity(4000);
        c.bench_function(&format!("draws_into_4000/{}", form.id()), |b| {
            b.iter(|| fit.draws_into(black_box(n), black_box(d), &mut out))
        });
    }
}

fn fits(c: &mut Criterion) {
    let curve = llama::curve(LlamaModel::Llama7B);
    let mut group = c.benchmark_group("continuation_fit_2000_draws");
    group.sample_size(10);
    for form in ContinuationForm::ALL {
        let opts = ContinuationOptions::default().starting_at(llama::CONTINUATION_START);
        group.bench_function(form.id(), |b| {
            b.iter(|| Continuation::fit(black_box(&curve), form, &opts))
        });
    }
    group.finish();

    let points = final_points(&llama::curves(), Tokens::new(10e9).expect("valid"));
    c.bench_function("calibration_fit/offset_and_scale", |b| {
        b.iter(|| {
            Calibrated::fit(
                Box::new(ChinchillaHypothesis::hoffmann2022()),
                black_box(points.clone()),
                CalibrationMode::OffsetAndScale,
            )
        })
    });
    let cont = Continuation::fit(
        &curve,
        ContinuationForm::LinearInLogTokens,
        &ContinuationOptions::default().starting_at(llama::CONTINUATION_START),
    )
    .expect("LLaMA-7B fits");
    let tail = isoflop::law::calibration::tail_points(&curve, Tokens::new(900e9).expect("valid"))
        .expect("tail exists");
    c.bench_function("calibration_fit/continuation_2000_draws", |b| {
        b.iter(|| {
            Calibrated::fit(
                Box::new(cont.clone()),
                black_box(tail.clone()),
                CalibrationMode::Offset,
            )
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .measurement_time(Duration::from_secs(2))
        .warm_up_time(Duration::from_millis(500));
    targets = point_losses, fits
}
criterion_main!(benches);
