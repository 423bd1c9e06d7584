//! Coverage of the bootstrap bands: how often the nominal 95% percentile interval of
//! `fit::bootstrap` contains the true parameter, and the true loss at a held-out point.
//!
//! Each trial draws a synthetic Chinchilla table from known parameters (the Besiroglu et
//! al. 2024 fit, `ChinchillaLaw::besiroglu2024`) on the exact design of the bundled
//! replication runs (the 240 (N, D) pairs of Hoffmann et al. 2022 Fig. 4 as digitised by
//! Epoch AI; see `data::chinchilla`), with log-normal loss noise whose standard
//! deviation is that of the replication fit's log residuals (0.0076; robust 1.4826 x MAD: 0.0049), fits it
//! with `fit::fit_chinchilla` (screened strategy), bootstraps it, and checks the intervals.
//!
//! ```text
//! cargo run --release --example coverage_study -- --trials 200 --draws 300
//! cargo run --release --example coverage_study -- --trials 200 --json
//! ```
//!
//! Flags: `--trials N` (200), `--draws N` bootstrap refits per trial (300), `--seed S` (1),
//! `--level L` (0.95), `--noise SD` (default: measured), `--json`.
//!
//! Exit status: 0 with at least one completed trial; 2 for a bad argument (a level outside
//! (0, 1), a noise SD outside [0, 1], more than `MAX_DRAWS` draws); 3 when no trial
//! completed.

use isoflop::data::chinchilla;
use isoflop::data::run_table::RunTable;
use isoflop::fit::{bootstrap, fit_chinchilla, FitOptions};
use isoflop::law::ChinchillaLaw;
use isoflop::units::{Flops, Params, Tokens};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::json;
use std::process::ExitCode;
use std::time::Instant;

struct Args {
    trials: usize,
    draws: usize,
    seed: u64,
    level: f64,
    noise: Option<f64>,
    json: bool,
}

/// Most trials one run may ask for.
const MAX_TRIALS: usize = 100_000;
/// Largest noise SD in ln L: one SD multiplies a loss by e (real runs scatter by ~1%).
const MAX_NOISE: f64 = 1.0;

const USAGE: &str =
    "usage: coverage_study [--trials N] [--draws N] [--seed S] [--level L] [--noise SD] [--json]";

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        trials: 200,
        draws: 300,
        seed: 1,
        level: 0.95,
        noise: None,
        json: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .ok_or_else(|| format!("{name} needs a value\n{USAGE}"))
        };
        let bad = |name: &str, v: &str| format!("{name}: cannot read {v:?}\n{USAGE}");
        match flag.as_str() {
            "--trials" => {
                let v = value("--trials")?;
                a.trials = v.parse().map_err(|_| bad("--trials", &v))?;
            }
            "--draws" => {
                let v = value("--draws")?;
                a.draws = v.parse().map_err(|_| bad("--draws", &v))?;
            }
            "--seed" => {
                let v = value("--seed")?;
                a.seed = v.parse().map_err(|_| bad("--seed", &v))?;
            }
            "--level" => {
                let v = value("--level")?;
                a.level = v.parse().map_err(|_| bad("--level", &v))?;
            }
            "--noise" => {
                let v = value("--noise")?;
                a.noise = Some(v.parse().map_err(|_| bad("--noise", &v))?);
            }
            "--json" => a.json = true,
            "-h" | "--help" => return Err(USAGE.to_string()),
            other => return Err(format!("unknown flag {other:?}\n{USAGE}")),
        }
    }
    if a.trials == 0 || a.trials > MAX_TRIALS || a.draws < 2 {
        return Err(format!(
            "need 1 <= --trials <= {MAX_TRIALS} and --draws >= 2\n{USAGE}"
        ));
    }
    isoflop::band::check_draw_count("--draws (bootstrap refits per trial)", a.draws)
        .map_err(|e| format!("{e}\n{USAGE}"))?;
    isoflop::band::check_level("--level (nominal coverage)", a.level)
        .map_err(|e| format!("{e}\n{USAGE}"))?;
    if let Some(sd) = a.noise {
        if !(sd.is_finite() && (0.0..=MAX_NOISE).contains(&sd)) {
            return Err(format!(
                "--noise must be a standard deviation of ln L in [0, {MAX_NOISE}], got {sd}\n{USAGE}"
            ));
        }
    }
    Ok(a)
}

/// Log residuals ln L - ln L̂ of `law` on the replication runs: (SD, robust SD).
fn residual_sd(law: &ChinchillaLaw, table: &RunTable) -> (f64, f64) {
    let r: Vec<f64> = table
        .iter()
        .map(|run| run.loss.ln() - law.loss(run.n, run.d).unwrap_or(f64::NAN).ln())
        .collect();
    let n = r.len() as f64;
    let mean = r.iter().sum::<f64>() / n;
    let sd = (r.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let mut sorted = r.clone();
    sorted.sort_by(f64::total_cmp);
    let median = sorted[sorted.len() / 2];
    let mut dev: Vec<f64> = r.iter().map(|x| (x - median).abs()).collect();
    dev.sort_by(f64::total_cmp);
    (sd, 1.4826 * dev[dev.len() / 2])
}

fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1: f64 = 1.0 - rng.random::<f64>();
    let u2: f64 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// The design's (N, D) with losses from `law` times log-normal noise.
fn synthetic(
    law: &ChinchillaLaw,
    design: &RunTable,
    sd: f64,
    rng: &mut ChaCha8Rng,
) -> isoflop::Result<RunTable> {
    let rows: Vec<(f64, f64, f64)> = design
        .iter()
        .map(|r| {
            let clean = law.loss(r.n, r.d).unwrap_or(f64::NAN);
            (r.n.get(), r.d.get(), clean * (sd * normal(rng)).exp())
        })
        .collect();
    RunTable::from_rows(&rows)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let truth = ChinchillaLaw::besiroglu2024();
    let design = chinchilla::replication_runs();
    let (sd_plain, sd_robust) = residual_sd(&truth, &design);
    let sd = args.noise.unwrap_or(sd_plain);
    // Held-out points: beyond the data (compute-optimal at 1e24 FLOPs, 80x the largest run)
    // and inside it (compute-optimal at 1e21).
    let held_out: Vec<(&str, Params, Tokens)> =
        [("C=1e24 optimal", 1e24), ("C=1e21 optimal", 1e21)]
            .iter()
            .map(|&(name, c)| {
                let (n, d) = truth.optimal(Flops::new(c).expect("valid")).expect("valid");
                (name, n, d)
            })
            .collect();
    let truths = [truth.e(), truth.a(), truth.b(), truth.alpha(), truth.beta()];
    let names = ["E", "A", "B", "alpha", "beta"];
    let mut hits = [0usize; 5];
    let mut pred_hits = vec![0usize; held_out.len()];
    let mut widths = [0.0f64; 5];
    let (mut done, mut failed) = (0usize, 0usize);
    let start = Instant::now();
    for trial in 0..args.trials {
        let mut rng = ChaCha8Rng::seed_from_u64(args.seed);
        rng.set_stream(trial as u64);
        let result = synthetic(&truth, &design, sd, &mut rng).and_then(|table| {
            fit_chinchilla(&table, &FitOptions::default()).and_then(|fit| {
                bootstrap(&table, &fit, args.draws, args.seed ^ (trial as u64) << 20)
            })
        });
        let Ok(boot) = result else {
            failed += 1;
            continue;
        };
        let Ok(iv) = boot.intervals(args.level) else {
            failed += 1;
            continue;
        };
        let bands = [iv.e, iv.a, iv.b, iv.alpha, iv.beta];
        for k in 0..5 {
            hits[k] += usize::from(bands[k].contains(truths[k]));
            widths[k] += bands[k].width() / truths[k];
        }
        for (j, (_, n, d)) in held_out.iter().enumerate() {
            let true_loss = truth.loss(*n, *d).expect("valid");
            if let Ok(b) = boot.confidence_band(*n, *d, args.level) {
                pred_hits[j] += usize::from(b.contains(true_loss));
            }
        }
        done += 1;
        if !args.json && (trial + 1) % 20 == 0 {
            eprintln!(
                "{} trials, {:.0} s",
                trial + 1,
                start.elapsed().as_secs_f64()
            );
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let cover = |k: usize| {
        (
            k as f64 / done.max(1) as f64,
            isoflop::band::wilson_interval(k, done.max(1), 0.95).unwrap_or((0.0, 1.0)),
        )
    };
    if args.json {
        let params: Vec<_> = (0..5)
            .map(|k| {
                let (c, (lo, hi)) = cover(hits[k]);
                json!({"parameter": names[k], "true": truths[k], "coverage": c, "wilson95": [lo, hi],
                       "mean_relative_width": widths[k] / done.max(1) as f64})
            })
            .collect();
        let preds: Vec<_> = held_out
            .iter()
            .zip(&pred_hits)
            .map(|((name, n, d), &h)| {
                let (c, (lo, hi)) = cover(h);
                json!({"point": name, "params": n.get(), "tokens": d.get(), "coverage": c, "wilson95": [lo, hi]})
            })
            .collect();
        println!(
            "{}",
            json!({"trials": args.trials, "completed": done, "failed": failed, "draws": args.draws,
                   "level": args.level, "seed": args.seed, "noise_log_sd": sd,
                   "residual_log_sd": {"plain": sd_plain, "robust": sd_robust},
                   "parameters": params, "predictions": preds, "seconds": secs})
        );
    } else {
        println!(
            "coverage of nominal {:.0}% bootstrap percentile intervals: {done} trials ({failed} failed), {} draws each, noise sd {sd:.4} in ln L (replication residuals: sd {sd_plain:.4}, robust {sd_robust:.4})",
            100.0 * args.level,
            args.draws
        );
        for k in 0..5 {
            let (c, (lo, hi)) = cover(hits[k]);
            println!(
                "  {:<6} true {:>10.4}  coverage {:5.1}%  [{:.1}, {:.1}]  mean width {:.1}% of true",
                names[k],
                truths[k],
                100.0 * c,
                100.0 * lo,
                100.0 * hi,
                100.0 * widths[k] / done.max(1) as f64
            );
        }
        for ((name, n, d), &h) in held_out.iter().zip(&pred_hits) {
            let (c, (lo, hi)) = cover(h);
            println!(
                "  loss at {name} (N={n}, D={d}): coverage {:5.1}%  [{:.1}, {:.1}]",
                100.0 * c,
                100.0 * lo,
                100.0 * hi
            );
        }
        println!("{secs:.1} s");
    }
    if done == 0 {
        eprintln!("no trial completed ({failed} failed): there is no coverage to report");
        return ExitCode::from(3);
    }
    ExitCode::SUCCESS
}
