//! CPU time of the fitting engine's units, measured on a shared machine.
//!
//! Wall-clock timings (criterion's) are only meaningful on an idle machine. This example
//! reads the thread's own CPU time (Linux `/proc/thread-self/schedstat`, nanoseconds on the
//! CPU), which other processes do not inflate, and prints the median of 7 repeats:
//!
//! ```text
//! cargo run --release --example speed              # objective pass, L-BFGS fit, protocol, bootstrap
//! RAYON_NUM_THREADS=1 cargo run --release --example speed
//! ```
//!
//! Elsewhere (no `/proc`) it falls back to wall-clock time and says so.

use isoflop::data::chinchilla;
use isoflop::data::llama::{self, LlamaModel};
use isoflop::fit::{bootstrap, fit_chinchilla, FitOptions};
use isoflop::fit::{ProtocolObjective, Strategy};
use isoflop::law::continuation::{Continuation, ContinuationForm, ContinuationOptions};
use std::hint::black_box;
use std::time::Instant;

/// CPU nanoseconds of the calling thread, or `None` without `/proc/thread-self/schedstat`.
fn thread_cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

/// CPU nanoseconds of the whole process (all threads), from `/proc/self/schedstat` per task.
fn process_cpu_ns() -> Option<u64> {
    let mut total = 0;
    for task in std::fs::read_dir("/proc/self/task").ok()? {
        let path = task.ok()?.path().join("schedstat");
        let s = std::fs::read_to_string(path).ok()?;
        total += s.split_whitespace().next()?.parse::<u64>().ok()?;
    }
    Some(total)
}

/// Median over 7 repeats of `f`'s cost per item in nanoseconds, by `clock` (or wall time).
fn measure(items: u64, clock: fn() -> Option<u64>, mut f: impl FnMut()) -> (f64, &'static str) {
    let mut samples = Vec::new();
    let mut kind = "CPU";
    for _ in 0..7 {
        let (c0, t0) = (clock(), Instant::now());
        f();
        let (c1, wall) = (clock(), t0.elapsed().as_nanos() as u64);
        let ns = match (c0, c1) {
            (Some(a), Some(b)) => b - a,
            _ => {
                kind = "wall";
                wall
            }
        };
        samples.push(ns as f64 / items as f64);
    }
    samples.sort_by(f64::total_cmp);
    (samples[3], kind)
}

fn main() {
    let runs = chinchilla::replication_runs();
    let objective = ProtocolObjective::new(&runs).expect("bundled data");
    let x = [6.17, 7.67, 0.597, 0.347, 0.367];
    let mut g = [0.0; 5];

    let k = 20_000;
    let (ns, kind) = measure(k, thread_cpu_ns, || {
        for _ in 0..k {
            black_box(objective.cost_grad(black_box(&x), &mut g));
        }
    });
    println!(
        "objective cost+gradient, {} runs: {:8.3} us ({kind})",
        runs.len(),
        ns / 1e3
    );
    let (ns, kind) = measure(k, thread_cpu_ns, || {
        for _ in 0..k {
            black_box(objective.cost(black_box(&x)));
        }
    });
    println!(
        "objective cost only, {} runs:     {:8.3} us ({kind})",
        runs.len(),
        ns / 1e3
    );

    // L-BFGS from every 45th of the 4,500 grid starts on this thread (`Strategy::Subset`;
    // 100 starts plus one polishing run and the curvature check).
    let subset = FitOptions {
        strategy: Strategy::Subset { starts: 100 },
        ..FitOptions::default()
    };
    let (ns, kind) = measure(100, thread_cpu_ns, || {
        black_box(fit_chinchilla(black_box(&runs), &subset).ok());
    });
    println!(
        "L-BFGS from a grid start (100 starts, one thread): {:8.3} ms/start ({kind})",
        ns / 1e6
    );

    let (ns, kind) = measure(1, process_cpu_ns, || {
        black_box(fit_chinchilla(&runs, &FitOptions::default()).expect("bundled data fits"));
    });
    println!(
        "protocol answer (screened grid), all threads:      {:8.3} ms ({kind}, summed over threads)",
        ns / 1e6
    );

    let fit = fit_chinchilla(&runs, &FitOptions::default()).expect("bundled data fits");
    let (ns, kind) = measure(1, process_cpu_ns, || {
        black_box(bootstrap(&runs, &fit, 4000, 42).expect("bootstrap runs"));
    });
    println!(
        "4,000 bootstrap refits, all threads:               {:8.3} s ({kind}, summed over threads)",
        ns / 1e9
    );

    let curve = llama::curve(LlamaModel::Llama7B);
    let opts = ContinuationOptions::default();
    let (ns, kind) = measure(1, process_cpu_ns, || {
        black_box(
            Continuation::fit(&curve, ContinuationForm::PowerLawFloor, &opts)
                .expect("LLaMA-7B fits"),
        );
    });
    println!(
        "power-law-floor continuation of LLaMA-7B, {} draws:  {:8.3} ms ({kind}, summed over threads)",
        opts.draws,
        ns / 1e6
    );
}
