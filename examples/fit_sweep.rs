//! Every fitting method on an isoFLOP sweep, side by side (issue 11).
//!
//! ```text
//! cargo run --release --example fit_sweep -- [--csv PATH] [--group COLUMN]... [--budget-column NAME]
//!     [--at 3.8e25] [--draws 200] [--seed 0] [--level 0.9] [--pool] [--svg DIR] [--json]
//! ```
//!
//! Prints, per group, a table of methods x (a, b, N_opt and D_opt at the asked compute with
//! bands, condition number, status) and the spread between methods. With `--json`:
//! `{"groups": [{"name", "at", "methods": [{"method", "a", "b", "n_opt", "d_opt", "status", ...}]}]}`.
//! Without `--csv` it runs on the bundled Chinchilla runs (Hoffmann et al. 2022, Fig. 4, Epoch
//! AI digitisation; the 240 runs of Besiroglu et al. 2024) with Hoffmann's 9 isoFLOP budgets,
//! and also times the 4,500-start protocol, the screened strategy and variable projection.
//!
//! `--keep-duplicates` keeps rows that repeat an (N, D) as separate runs (the default
//! merges them, with a warning). Exit status: 0 when every method gave an answer; 1 when
//! the input cannot be read or is not a sweep; 2 for a bad argument (including more than
//! `MAX_DRAWS` draws or a level outside (0, 1)); 3 when a method failed or did not
//! converge (each is named on stderr, after the table).

use isoflop::data::chinchilla;
use isoflop::data::run_table::Duplicates;
use isoflop::data::sweep::{BudgetRule, SweepColumns, SweepTable};
use isoflop::fit::methods::{compare_methods, Estimate, MethodComparison, MethodOptions};
use isoflop::fit::varpro::{fit_varpro, VarproOptions};
use isoflop::fit::{fit_chinchilla, FitOptions};
use isoflop::report::{Figure, IsoFlopSweepFigure, OptimalSizeFigure};
use isoflop::units::Flops;
use serde_json::{json, Value};
use std::time::Instant;

struct Args {
    csv: Option<String>,
    columns: SweepColumns,
    at: Option<Flops>,
    draws: usize,
    seed: u64,
    level: f64,
    pool: bool,
    json: bool,
    svg: Option<String>,
    options: MethodOptions,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        csv: None,
        columns: SweepColumns::default(),
        at: None,
        draws: 200,
        seed: 0,
        level: 0.9,
        pool: false,
        json: false,
        svg: None,
        options: MethodOptions::default(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--csv" => a.csv = Some(value()?),
            "--group" => a.columns.group.push(value()?),
            "--budget-column" => a.columns.budget = Some(value()?),
            "--at" => a.at = Some(value()?.parse().map_err(|e| format!("--at: {e}"))?),
            "--draws" => a.draws = value()?.parse().map_err(|e| format!("--draws: {e}"))?,
            "--seed" => a.seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--level" => a.level = value()?.parse().map_err(|e| format!("--level: {e}"))?,
            "--svg" => a.svg = Some(value()?),
            "--pool" => a.pool = true,
            "--keep-duplicates" => a.columns.duplicates = Duplicates::Keep,
            "--json" => a.json = true,
            "-h" | "--help" => {
                return Err("usage: fit_sweep [--csv PATH] [--group COLUMN]... [--budget-column NAME] [--at 3.8e25] [--draws 200] [--seed 0] [--level 0.9] [--pool] [--keep-duplicates] [--svg DIR] [--json]".into())
            }
            other => return Err(format!("unknown argument {other:?}; try --help")),
        }
    }
    a.options = MethodOptions {
        at: a.at,
        level: a.level,
        bootstrap_draws: a.draws,
        seed: a.seed,
        ..MethodOptions::default()
    };
    a.options.check().map_err(|e| e.to_string())?;
    Ok(a)
}

fn estimate(e: &Option<Estimate>) -> Value {
    match e {
        None => Value::Null,
        Some(e) => json!({
            "value": e.value,
            "lo": e.band.map(|b| b.lo),
            "hi": e.band.map(|b| b.hi),
        }),
    }
}

fn to_json(c: &MethodComparison) -> Value {
    let s = c.spread();
    let r = |r: Option<isoflop::fit::methods::Range>| r.map(|r| json!([r.lo, r.hi]));
    json!({
        "name": c.name,
        "at": c.at.get(),
        "level": c.level,
        "runs": c.runs,
        "budgets": c.budgets,
        "unassigned_runs": c.unassigned,
        "extrapolation": c.extrapolation(),
        "methods": c.methods.iter().map(|m| json!({
            "method": m.method.to_string(),
            "a": estimate(&m.a),
            "b": estimate(&m.b),
            "n_opt": estimate(&m.n_opt),
            "d_opt": estimate(&m.d_opt),
            "status": m.status.to_string(),
            "objective": m.objective,
            "condition_number": m.condition_number,
            "seconds": m.seconds,
        })).collect::<Vec<_>>(),
        "spread": {"a": r(s.a), "b": r(s.b), "n_opt": r(s.n_opt), "d_opt": r(s.d_opt)},
    })
}

/// The 4,500-start protocol, the screened strategy and variable projection on the bundled
/// runs: time and objective reached.
fn speed() -> isoflop::Result<Vec<(String, f64, f64, String)>> {
    let runs = chinchilla::replication_runs();
    let mut out = Vec::new();
    let t = Instant::now();
    let full = fit_chinchilla(&runs, &FitOptions::full_grid())?;
    out.push((
        "protocol, L-BFGS from all 4,500 grid starts".to_string(),
        t.elapsed().as_secs_f64(),
        full.objective,
        format!(
            "{:?}, condition number {:.2e} (5-D Hessian)",
            full.status,
            1.0 / full.diagnostics.hessian_rcond
        ),
    ));
    let t = Instant::now();
    let screened = fit_chinchilla(&runs, &FitOptions::default())?;
    out.push((
        "protocol, screened (4,500 evaluated, best 32 refined)".to_string(),
        t.elapsed().as_secs_f64(),
        screened.objective,
        format!(
            "{:?}, condition number {:.2e} (5-D Hessian)",
            screened.status,
            1.0 / screened.diagnostics.hessian_rcond
        ),
    ));
    let t = Instant::now();
    let vp = fit_varpro(&runs, &VarproOptions::default())?;
    out.push((
        "variable projection (13 x 13 grid of alpha, beta, then Nelder-Mead)".to_string(),
        t.elapsed().as_secs_f64(),
        vp.objective,
        format!(
            "{:?}, condition number {:.2e} (2-D profile Hessian; {:.2e} for 5-D at the same optimum)",
            vp.status, vp.condition_number, vp.full_condition_number
        ),
    ));
    Ok(out)
}

fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    match run(&args) {
        Ok(problems) if problems.is_empty() => {}
        Ok(problems) => {
            for p in problems {
                eprintln!("error: {p}");
            }
            eprintln!("the answer above is not trustworthy: a method failed or did not converge");
            std::process::exit(3);
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}

/// Runs the comparison and prints it; returns what makes it untrustworthy (empty if nothing).
fn run(args: &Args) -> isoflop::Result<Vec<String>> {
    let bundled = args.csv.is_none();
    let (table, budgets) = match &args.csv {
        Some(path) => {
            let t = SweepTable::from_csv_path(path, &args.columns)?;
            if t.table().merged_rows() > 0 {
                eprintln!(
                    "warning: {} rows of {path} repeat an earlier row's (N, D) and were merged (mean loss, weighted by count; resampled as one run each); --keep-duplicates keeps them",
                    t.table().merged_rows()
                );
            }
            (t, BudgetRule::Auto)
        }
        None => (
            SweepTable::from_table(
                "chinchilla (Hoffmann et al. 2022 Fig. 4, 240 runs)",
                chinchilla::replication_runs(),
            ),
            BudgetRule::Nominal {
                budgets: chinchilla::ISOFLOP_BUDGETS
                    .iter()
                    .map(|&c| Flops::new(c))
                    .collect::<isoflop::Result<_>>()?,
                tolerance_decades: 0.1,
            },
        ),
    };
    let table = if args.pool { table.pooled() } else { table };
    let options = MethodOptions {
        budgets,
        ..args.options.clone()
    };
    let groups = table.groups();
    let mut results = Vec::with_capacity(groups.len());
    for g in &groups {
        results.push(compare_methods(g, &options)?);
    }
    let speed = if bundled { Some(speed()?) } else { None };
    if args.json {
        let mut doc = json!({"groups": results.iter().map(to_json).collect::<Vec<_>>()});
        if let Some(s) = &speed {
            doc["speed"] = s
                .iter()
                .map(|(name, secs, obj, status)| {
                    json!({"method": name, "seconds": secs, "objective": obj, "status": status})
                })
                .collect();
        }
        println!("{}", serde_json::to_string_pretty(&doc)?);
    } else {
        for r in &results {
            println!("{r}");
            if let Some(a2) = &r.approach2 {
                for b in &a2.budgets {
                    println!(
                        "  approach2 budget C = {}: {} runs, {}",
                        b.budget, b.runs, b.verdict
                    );
                }
            }
            println!();
        }
        if let Some(s) = &speed {
            println!("Approach 3 on the bundled runs, three ways (one run, this machine):");
            for (name, secs, obj, status) in s {
                println!("  {name:<70} {secs:>8.3} s  objective {obj:.16e}  {status}");
            }
            let ratio = s[0].1 / s[2].1;
            println!(
                "  variable projection is {ratio:.1}x faster than the full 4,500-start protocol"
            );
        }
    }
    if let (Some(dir), Some(first)) = (&args.svg, results.first()) {
        let dir = std::path::Path::new(dir);
        IsoFlopSweepFigure::from_comparison(first)?.save_svg(dir.join("isoflop_profiles.svg"))?;
        OptimalSizeFigure::from_comparison(first)?.save_svg(dir.join("n_opt.svg"))?;
        eprintln!(
            "wrote isoflop_profiles.svg and n_opt.svg in {}",
            dir.display()
        );
    }
    Ok(results
        .iter()
        .flat_map(|r| {
            r.problems()
                .into_iter()
                .map(move |p| format!("{}: {p}", r.name))
        })
        .collect())
}
