//! Fits the Chinchilla law to the bundled Epoch AI digitisation (240 runs, the replication's
//! protocol) with bootstrap standard errors, and prints timings.
//!
//! ```text
//! cargo run --release --example fit_chinchilla                  # screened grid + 4,000 bootstrap refits
//! cargo run --release --example fit_chinchilla -- --full-grid   # the exact 4,500-start protocol
//! cargo run --release --example fit_chinchilla -- --bootstrap 0 --json
//! cargo run --release --example fit_chinchilla -- --csv runs.csv
//! cargo run --release --example fit_chinchilla -- --subset 100 --json   # timing of 100 grid starts
//! cargo run --release --example fit_chinchilla -- --csv runs.csv --keep-unconverged
//!
//! A fit that does not converge (status `Stalled`, `AtBound`, `FlatDirection`,
//! `IterationLimit`) exits with status 3 and says why and what to do, instead of printing
//! where the optimiser stopped as if it were an estimate; `--keep-unconverged` prints
//! those values anyway, labelled as not estimates.
//! ```
//!
//! Exit status: 0 for a converged fit; 1 when the input cannot be read or is not a table of
//! runs; 2 for a bad argument; 3 when the fit did not converge.
//!
//! `--subset K` times L-BFGS from K evenly spaced grid starts (every 4500/K-th), one thread,
//! for the side-by-side comparison with SciPy in `benches/scipy_reference.py`.

use isoflop::data::chinchilla;
use isoflop::data::run_table::RunTable;
use isoflop::fit::{bootstrap, fit_chinchilla, Estimates, FitOptions, FitStatus, Strategy};
use serde_json::json;
use std::process::ExitCode;
use std::time::Instant;

struct Args {
    bootstrap: usize,
    full_grid: bool,
    csv: Option<String>,
    json: bool,
    subset: Option<usize>,
    seed: u64,
    keep_unconverged: bool,
}

const USAGE: &str = "usage: fit_chinchilla [--bootstrap N] [--full-grid] [--csv PATH] [--json] [--seed S] [--subset K] [--keep-unconverged]";

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        bootstrap: 4000,
        full_grid: false,
        csv: None,
        json: false,
        subset: None,
        seed: 42,
        keep_unconverged: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .ok_or_else(|| format!("{name} needs a value\n{USAGE}"))
        };
        match flag.as_str() {
            "--bootstrap" => {
                let v = value("--bootstrap")?;
                args.bootstrap = v.parse().map_err(|_| {
                    format!("--bootstrap takes a whole number >= 0, got {v:?}\n{USAGE}")
                })?;
            }
            "--seed" => {
                let v = value("--seed")?;
                args.seed = v
                    .parse()
                    .map_err(|_| format!("--seed takes a whole number, got {v:?}\n{USAGE}"))?;
            }
            "--subset" => {
                let v = value("--subset")?;
                args.subset = match v.parse::<usize>() {
                    Ok(k) if (1..=4500).contains(&k) => Some(k),
                    _ => return Err(format!("--subset takes 1..=4500, got {v:?}\n{USAGE}")),
                };
            }
            "--csv" => args.csv = Some(value("--csv")?),
            "--full-grid" => args.full_grid = true,
            "--json" => args.json = true,
            "--keep-unconverged" => args.keep_unconverged = true,
            "-h" | "--help" => return Err(USAGE.to_string()),
            other => return Err(format!("unknown flag {other:?}\n{USAGE}")),
        }
    }
    isoflop::band::check_draw_count("--bootstrap", args.bootstrap)
        .map_err(|e| format!("{e}\n{USAGE}"))?;
    Ok(args)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(msg) => {
            eprintln!("{msg}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(Outcome::Converged) => ExitCode::SUCCESS,
        Ok(Outcome::NotConverged(status)) => {
            eprintln!(
                "error: the fit did not converge ({status}): {}\n\
                 the parameter values are where the optimiser stopped, not estimates; \
                 pass --keep-unconverged to print them anyway",
                status.advice()
            );
            ExitCode::from(3)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// How a run ended: a converged fit, or one that did not converge and was not kept.
enum Outcome {
    Converged,
    NotConverged(FitStatus),
}

fn run(args: &Args) -> isoflop::Result<Outcome> {
    let (runs, label) = match &args.csv {
        Some(path) => {
            let table = RunTable::from_csv_path(path)?;
            if table.merged_rows() > 0 {
                eprintln!(
                    "warning: {} rows of {path} repeat an earlier row's (N, D) and were merged into {} runs (mean loss, weighted by count; resampled as one run each)",
                    table.merged_rows(),
                    table.len()
                );
            }
            (table, path.clone())
        }
        None => (
            chinchilla::replication_runs(),
            "bundled Chinchilla runs (Epoch AI digitisation), 5 highest losses dropped".into(),
        ),
    };
    if let Some(k) = args.subset {
        return subset_timing(&runs, k, args.json).map(|()| Outcome::Converged);
    }
    let options = if args.full_grid {
        FitOptions::full_grid()
    } else {
        FitOptions::default()
    };
    let t0 = Instant::now();
    let fit = fit_chinchilla(&runs, &options)?;
    let fit_secs = t0.elapsed().as_secs_f64();
    if !fit.status.is_converged() && !args.keep_unconverged {
        return Ok(Outcome::NotConverged(fit.status));
    }
    let converged = fit.status.is_converged();
    let est = Estimates::from(&fit.law);

    let boot = if args.bootstrap > 0 {
        let t1 = Instant::now();
        let b = bootstrap(&runs, &fit, args.bootstrap, args.seed)?;
        Some((b, t1.elapsed().as_secs_f64()))
    } else {
        None
    };

    if args.json {
        let mut out = json!({
            "converged": converged,
            // Where the optimiser stopped is an estimate only if the fit converged.
            "estimates": if converged { json!(est) } else { json!(null) },
            "stopped_at": est,
            "objective": fit.objective,
            "status": fit.status,
            "runs": runs.len(),
            "strategy": if args.full_grid { "full-grid" } else { "screened" },
            "fit_seconds": fit_secs,
            "diagnostics": fit.diagnostics,
        });
        if let Some((b, secs)) = &boot {
            out["std_errors"] = json!(b.std_errors()?);
            out["intervals_95"] = json!(b.intervals(0.95)?);
            out["bootstrap"] = json!({
                "requested": args.bootstrap, "kept": b.draws().len(), "failed": b.failed(),
                "not_converged": b.not_converged(), "seed": args.seed, "seconds": secs,
            });
        }
        println!("{out}");
        return Ok(Outcome::Converged);
    }

    println!("data: {label} ({} runs)", runs.len());
    println!(
        "strategy: {}",
        if args.full_grid {
            "full grid, L-BFGS from all 4,500 starts (Hoffmann et al. 2022, App. D.2)"
        } else {
            "screened grid: objective at all 4,500 starts, L-BFGS from the best 32"
        }
    );
    let d = &fit.diagnostics;
    println!(
        "status: {}; objective {:.10e}; {} L-BFGS iterations; |grad| {:.1e}; {} of {} refined starts reached the best optimum ({} failed)",
        fit.status, fit.objective, d.iterations, d.grad_norm, d.starts_at_best, d.starts_tried, d.starts_failed
    );
    println!("fit time: {:.1} ms", fit_secs * 1e3);
    if !converged {
        println!(
            "warning: the fit did not converge ({}): {}\nthe values below are where the optimiser stopped, NOT estimates (kept by --keep-unconverged)",
            fit.status,
            fit.status.advice()
        );
    }
    println!();
    let names = ["E", "A", "B", "alpha", "beta"];
    let label = if converged { "estimate" } else { "stopped at" };
    match &boot {
        None => {
            for (n, v) in names.iter().zip(est.to_array()) {
                println!("{n:>6} = {v:.5}  ({label})");
            }
        }
        Some((b, secs)) => {
            let se = b.std_errors()?.to_array();
            let ci = b.intervals(0.95)?;
            let bands = [ci.e, ci.a, ci.b, ci.alpha, ci.beta];
            println!(
                "{:>6}  {:>12}  {:>10}  {:>25}",
                "", label, "std error", "95% interval (2.5, 97.5)"
            );
            for (i, n) in names.iter().enumerate() {
                println!(
                    "{n:>6}  {:>12.5}  {:>10.5}  ({:>10.5}, {:>10.5})",
                    est.to_array()[i],
                    se[i],
                    bands[i].lo,
                    bands[i].hi
                );
            }
            println!();
            println!(
                "bootstrap: {} refits (seed {}), {} kept, {} failed, {} not converged; {:.1} ms ({:.3} ms per refit)",
                args.bootstrap,
                args.seed,
                b.draws().len(),
                b.failed(),
                b.not_converged(),
                secs * 1e3,
                secs * 1e3 / args.bootstrap as f64
            );
        }
    }
    println!();
    println!(
        "targets (2-core machine): protocol answer < 200 ms, full grid < 3 s, 4,000 refits < 1.5 s"
    );
    Ok(Outcome::Converged)
}

/// L-BFGS from every (4500/k)-th grid start on one thread, for the SciPy comparison
/// (`Strategy::Subset`; the time includes the final polish and curvature check, one more
/// L-BFGS run).
fn subset_timing(runs: &RunTable, k: usize, json: bool) -> isoflop::Result<()> {
    let options = FitOptions {
        strategy: Strategy::Subset { starts: k },
        ..FitOptions::default()
    };
    let t0 = Instant::now();
    let fit = fit_chinchilla(runs, &options)?;
    let secs = t0.elapsed().as_secs_f64();
    let best = fit.objective;
    let starts = fit.diagnostics.starts_tried;
    if json {
        println!(
            "{}",
            json!({"starts": starts, "seconds": secs, "per_start_ms": secs * 1e3 / starts as f64, "best_objective": best})
        );
    } else {
        println!(
            "{} starts on one thread: {:.1} ms ({:.3} ms per start); best objective {best:.10e}",
            starts,
            secs * 1e3,
            secs * 1e3 / starts as f64
        );
    }
    Ok(())
}
