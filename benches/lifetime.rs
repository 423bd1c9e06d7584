//! Lifetime-optimum benches (Sardana et al. 2024): the point answer for one demand,
//! five demands with 4,000-draw bands (what `llama_rant` asks of each law with draws;
//! target: well under 50 ms for its three such laws), and a break-even demand.

use criterion::{criterion_group, criterion_main, Criterion};
use isoflop::law::{ChinchillaHypothesis, ChinchillaLaw, Evidence, Uncertainty};
use isoflop::query::{break_even_demand, lifetime_optima, lifetime_optimal, LossTarget};
use isoflop::units::{Params, Tokens};
use std::hint::black_box;
use std::time::Duration;

/// Hoffmann's law with 4,000 deterministic draws around it (as benches/query.rs).
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
    let point = ChinchillaHypothesis::hoffmann2022();
    let h = hypothesis();
    let target = LossTarget::AsTrained {
        params: Params::new(65.2e9).unwrap(),
        tokens: Tokens::new(1.4e12).unwrap(),
    };
    c.bench_function("lifetime_optimal, point estimate, one demand", |b| {
        b.iter(|| lifetime_optimal(black_box(&point), target, black_box(1e13), 0.9).unwrap())
    });
    let demands = [0.0, 1e11, 1e12, 1e13, 1e14];
    c.bench_function("lifetime_optima, 5 demands, 4000-draw bands", |b| {
        b.iter(|| lifetime_optima(black_box(&h), target, black_box(&demands), 0.9).unwrap())
    });
    let reference = (Params::new(65.2e9).unwrap(), Tokens::new(1.4e12).unwrap());
    c.bench_function("break_even_demand, 4000-draw band", |b| {
        b.iter(|| {
            break_even_demand(black_box(&h), Params::new(6.7e9).unwrap(), reference, 0.9).unwrap()
        })
    });
}

criterion_group! {
    name = lifetime;
    config = Criterion::default()
        .measurement_time(Duration::from_secs(2))
        .warm_up_time(Duration::from_millis(500));
    targets = benches
}
criterion_main!(lifetime);
