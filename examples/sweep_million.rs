//! A million-run isoFLOP sweep end to end, timed: the CSV loader, budget clustering and
//! every fitting method of `fit_sweep`, with the process's peak memory.
//!
//! ```text
//! cargo run --release --example sweep_million                      # 1,000,000 runs, 9 budgets
//! cargo run --release --example sweep_million -- --runs 100000 --draws 20
//! cargo run --release --example sweep_million -- --write sweep.csv # the CSV, for fit_sweep --csv
//! ```
//!
//! The sweep is synthetic and seeded: 9 budgets from 1e18 to 1e22 FLOPs (half a decade
//! apart), each run at its own model size (log-uniform, 1 to 1,000 tokens per parameter,
//! so no two runs share (N, D)), D = C / 6N, and the loss of Hoffmann et al. 2022's law
//! times log-normal noise (SD 0.01 in ln L). Flags: `--runs N` (1,000,000), `--draws N`
//! bootstrap draws per method (0), `--seed S` (0), `--write PATH`.
//!
//! Exit status: 0 when every method gave an answer; 2 for a bad argument; 3 otherwise.

use isoflop::data::sweep::{BudgetRule, SweepColumns, SweepTable};
use isoflop::fit::methods::{compare_sweep, MethodOptions};
use isoflop::law::ChinchillaLaw;
use isoflop::units::{Params, Tokens};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::fmt::Write as _;
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "usage: sweep_million [--runs N] [--draws N] [--seed S] [--write PATH]";

struct Args {
    runs: usize,
    draws: usize,
    seed: u64,
    write: Option<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        runs: 1_000_000,
        draws: 0,
        seed: 0,
        write: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value\n{USAGE}"));
        let whole = |v: String| {
            v.parse::<u64>()
                .map_err(|_| format!("{flag} takes a whole number, got {v:?}\n{USAGE}"))
        };
        match flag.as_str() {
            "--runs" => a.runs = whole(value()?)? as usize,
            "--draws" => a.draws = whole(value()?)? as usize,
            "--seed" => a.seed = whole(value()?)?,
            "--write" => a.write = Some(value()?),
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown flag {other:?}\n{USAGE}")),
        }
    }
    if !(18..=5_000_000).contains(&a.runs) {
        return Err(format!("--runs must be 18 to 5,000,000\n{USAGE}"));
    }
    isoflop::band::check_draw_count("--draws", a.draws).map_err(|e| e.to_string())?;
    Ok(a)
}

/// The synthetic sweep as CSV text (N, D, loss).
fn sweep_csv(runs: usize, seed: u64) -> String {
    let law = ChinchillaLaw::hoffmann2022();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut csv = String::with_capacity(runs * 64);
    csv.push_str("N,D,loss\n");
    for i in 0..runs {
        let c = 1e18 * 10f64.powf(0.5 * (i % 9) as f64);
        // D/N from 1 to 1000: N from sqrt(C/6000) to sqrt(C/6).
        let ln_lo = (c / 6000.0).sqrt().ln();
        let ln_hi = (c / 6.0).sqrt().ln();
        let n = (ln_lo + (ln_hi - ln_lo) * rng.random::<f64>()).exp();
        let d = c / (6.0 * n);
        let (u1, u2): (f64, f64) = (1.0 - rng.random::<f64>(), rng.random());
        let noise = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
        // A value the law refuses becomes NaN, which the loader then refuses naming the row.
        let clean = Params::new(n)
            .and_then(|n| law.loss(n, Tokens::new(d)?))
            .unwrap_or(f64::NAN);
        let _ = writeln!(csv, "{n:e},{d:e},{:e}", clean * (0.01 * noise).exp());
    }
    csv
}

/// Peak resident memory of this process (VmHWM), in MB, where the system reports it.
fn peak_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let start = Instant::now();
    let csv = sweep_csv(args.runs, args.seed);
    if let Some(path) = &args.write {
        if let Err(e) = std::fs::write(path, &csv) {
            eprintln!("cannot write {path}: {e}");
            return ExitCode::FAILURE;
        }
        println!(
            "wrote {} runs ({} MB) to {path}",
            args.runs,
            csv.len() >> 20
        );
        return ExitCode::SUCCESS;
    }
    let generated = start.elapsed().as_secs_f64();
    let t = Instant::now();
    let table = match SweepTable::from_csv_reader(csv.as_bytes(), &SweepColumns::default()) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    drop(csv);
    let loaded = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let sweep = match table.isoflop(&BudgetRule::Auto) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let clustered = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let options = MethodOptions {
        bootstrap_draws: args.draws,
        seed: args.seed,
        ..MethodOptions::default()
    };
    let cmp = match compare_sweep(&sweep, &options) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let fitted = t.elapsed().as_secs_f64();
    println!("{cmp}");
    println!(
        "{} runs, {} budgets found by clustering 6ND ({} runs fit none), {} bootstrap draws per method",
        sweep.table().len(),
        sweep.budgets().len(),
        sweep.unassigned().len(),
        args.draws
    );
    println!("  generate the CSV text      {generated:>8.2} s");
    println!("  load it (SweepTable)       {loaded:>8.2} s");
    println!("  cluster the budgets        {clustered:>8.2} s");
    for m in &cmp.methods {
        println!("  fit {:<22} {:>8.2} s", m.method.to_string(), m.seconds);
    }
    println!("  all methods                {fitted:>8.2} s");
    let total = start.elapsed().as_secs_f64();
    match peak_mb() {
        Some(mb) => println!(
            "total {total:.1} s (target < 60 s), peak memory {mb:.0} MB (target < 2,048 MB)"
        ),
        None => {
            println!("total {total:.1} s (target < 60 s); peak memory not reported by this system")
        }
    }
    let problems = cmp.problems();
    if problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        for p in problems {
            eprintln!("error: {p}");
        }
        ExitCode::from(3)
    }
}
