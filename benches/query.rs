//! Query benches: one prediction with a 4,000-draw band (target: under 1 ms), the
//! inverse query, the optimal split and a probability.

use criterion::{criterion_group, criterion_main, Criterion};
use isoflop::law::{ChinchillaHypothesis, ChinchillaLaw, Evidence, Uncertainty};
use isoflop::query::{
    compute_optimal, predict, probability_small_beats_large, tokens_to_reach, Predictor,
};
use isoflop::units::{Flops, Params, Tokens};
use std::hint::black_box;
use std::time::Duration;

/// Hoffmann's law with 4,000 deterministic draws around it (the shape a bootstrap gives).
fn hypothesis() -> ChinchillaHypothesis {
    let base = ChinchillaLaw::hoffmann2022();
    let draws = (0..4000)
        .map(|i| {
            let u = ((i * 7919) % 4000) as f64 / 3999.0 - 0.5;
            let v = ((i * 104_729) % 4000) as f64 / 3999.0 - 0.5;
            ChinchillaLaw::new(
                base.e() * (1.0 + 0.05 * u),
                base.a() * (1.0 + 0.2 * v),
                base.b() * (1.0 + 0.2 * u),
                base.alpha() * (1.0 + 0.05 * v),
                base.beta() * (1.0 + 0.05 * u),
            )
            .expect("valid")
        })
        .collect();
    ChinchillaHypothesis::new(
        "bench",
        "bench",
        base,
        draws,
        Uncertainty::Bootstrap,
        Evidence::described("bench"),
    )
    .expect("valid")
}

fn benches(c: &mut Criterion) {
    let h = hypothesis();
    let n = Params::new(6.7e9).unwrap();
    let d = Tokens::new(13.6e12).unwrap();
    c.bench_function("predict, 4000-draw band (fresh buffer)", |b| {
        b.iter(|| predict(black_box(&h), black_box(n), black_box(d), 0.9).unwrap())
    });
    let mut p = Predictor::new(0.9).unwrap();
    c.bench_function("Predictor::predict, 4000-draw band (reused buffer)", |b| {
        b.iter(|| {
            p.predict(black_box(&h), black_box(n), black_box(d))
                .unwrap()
        })
    });
    c.bench_function("tokens_to_reach, 4000-draw band", |b| {
        b.iter(|| tokens_to_reach(black_box(&h), black_box(n), 2.0, 0.9).unwrap())
    });
    let budget = Flops::new(5.76e23).unwrap();
    c.bench_function("compute_optimal, 4000-draw band", |b| {
        b.iter(|| compute_optimal(black_box(&h), black_box(budget), 0.9).unwrap())
    });
    let big = Params::new(65.2e9).unwrap();
    let big_d = Tokens::new(1.4e12).unwrap();
    c.bench_function("probability_small_beats_large, 4000 draws", |b| {
        b.iter(|| probability_small_beats_large(black_box(&h), n, big, big_d).unwrap())
    });
}

criterion_group! {
    name = query;
    config = Criterion::default()
        .measurement_time(Duration::from_secs(2))
        .warm_up_time(Duration::from_millis(500));
    targets = benches
}
criterion_main!(query);
