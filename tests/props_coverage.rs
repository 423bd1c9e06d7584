//! Fast coverage check of the bootstrap bands (the full study is
//! `cargo run --release --example coverage_study -- --trials 200`).
//!
//! 30 trials: synthetic tables on the bundled Chinchilla design (240 runs) from the
//! Besiroglu et al. 2024 parameters with log-normal noise of sd 0.0076 in ln L (the
//! replication fit's residual sd), screened fit, 100 bootstrap refits each. The nominal
//! 95% intervals must cover each true parameter and the true loss at a held-out point
//! (the compute-optimal split of 1e24 FLOPs, 80x the data's largest budget) in at least
//! 70% of the trials (21 of 30). At a true coverage of 95% that fails with probability
//! below 1e-5; at 60% it passes with probability about 0.1.

use isoflop::data::chinchilla;
use isoflop::data::run_table::RunTable;
use isoflop::fit::{bootstrap, fit_chinchilla, FitOptions};
use isoflop::law::ChinchillaLaw;
use isoflop::units::Flops;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const TRIALS: usize = 30;
const DRAWS: usize = 100;
const NOISE: f64 = 0.0076;

fn synthetic(law: &ChinchillaLaw, design: &RunTable, rng: &mut ChaCha8Rng) -> RunTable {
    let rows: Vec<(f64, f64, f64)> = design
        .iter()
        .map(|r| {
            let u1: f64 = 1.0 - rng.random::<f64>();
            let u2: f64 = rng.random::<f64>();
            let z = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
            let clean = law.loss(r.n, r.d).unwrap();
            (r.n.get(), r.d.get(), clean * (NOISE * z).exp())
        })
        .collect();
    RunTable::from_rows(&rows).unwrap()
}

#[test]
fn bootstrap_intervals_cover_the_truth() {
    let truth = ChinchillaLaw::besiroglu2024();
    let design = chinchilla::replication_runs();
    let (n_out, d_out) = truth.optimal(Flops::new(1e24).unwrap()).unwrap();
    let true_out = truth.loss(n_out, d_out).unwrap();
    let truths = [truth.e(), truth.a(), truth.b(), truth.alpha(), truth.beta()];
    let mut hits = [0usize; 6];
    for trial in 0..TRIALS {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        rng.set_stream(trial as u64);
        let table = synthetic(&truth, &design, &mut rng);
        let fit = fit_chinchilla(&table, &FitOptions::default()).unwrap();
        let boot = bootstrap(&table, &fit, DRAWS, 1000 + trial as u64).unwrap();
        let iv = boot.intervals(0.95).unwrap();
        for (k, band) in [iv.e, iv.a, iv.b, iv.alpha, iv.beta].iter().enumerate() {
            hits[k] += usize::from(band.contains(truths[k]));
        }
        let band = boot.confidence_band(n_out, d_out, 0.95).unwrap();
        hits[5] += usize::from(band.contains(true_out));
    }
    let names = ["E", "A", "B", "alpha", "beta", "loss at 1e24 optimum"];
    for (name, h) in names.iter().zip(hits) {
        assert!(
            h * 10 >= TRIALS * 7,
            "{name}: the 95% interval covered the truth in {h} of {TRIALS} trials; hits {hits:?}"
        );
    }
}
