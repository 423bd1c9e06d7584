//! The LLaMA-1 compute story in one table.
//!
//! For the four LLaMA-1 models (Touvron et al. 2023): parameters (released
//! checkpoints), training tokens (Table 2), 6ND FLOPs, reported A100-80GB
//! GPU-hours (Table 15), the MFU those imply at the A100's BF16 dense peak
//! (312 TFLOP/s), the 65B's compute as a multiple of each model's (by FLOPs and
//! by GPU-hours), and how many tokens each model could have trained on with the
//! 65B's compute (D = C / 6N).
//!
//! ```text
//! cargo run --release --example llama_rant            # readable table
//! cargo run --release --example llama_rant -- --json  # one JSON object {"models": [...]}
//! ```

use isoflop::compute::{tokens_for_flops, training_flops_6nd};
use isoflop::hardware::{Accelerator, Precision};
use isoflop::runs::{self, PublishedRun};
use isoflop::units::{Flops, FlopsPerSecond, GpuHours, Params, Tokens};
use serde::Serialize;
use std::process::ExitCode;

/// One model's line, as printed and as serialised (plain numbers).
#[derive(Debug, Serialize)]
struct ModelRow {
    /// "LLaMA-7B", ...
    name: String,
    /// Released parameter count.
    params: f64,
    /// Training tokens.
    tokens: f64,
    /// 6ND training FLOPs.
    flops: f64,
    /// Reported GPU-hours (Table 15).
    gpu_hours: f64,
    /// 6ND / (GPU-hours x 3600 x 312 TFLOP/s).
    implied_mfu: f64,
    /// The 65B's 6ND FLOPs / this model's.
    compute_multiple_flops: f64,
    /// The 65B's GPU-hours / this model's.
    compute_multiple_gpu_hours: f64,
    /// Tokens this model could train on with the 65B's 6ND FLOPs.
    tokens_at_budget: f64,
}

/// The whole JSON output.
#[derive(Debug, Serialize)]
struct Report {
    models: Vec<ModelRow>,
}

/// Builds one row; `budget` is the reference run (LLaMA-65B).
fn model_row(
    run: &PublishedRun,
    budget: &PublishedRun,
    peak: FlopsPerSecond,
) -> isoflop::Result<ModelRow> {
    let flops = training_flops_6nd(run.params, run.tokens)?;
    let gpu_hours = run.reported_gpu_hours()?;
    let budget_flops = training_flops_6nd(budget.params, budget.tokens)?;
    let budget_hours = budget.reported_gpu_hours()?;
    Ok(ModelRow {
        name: run.name.clone(),
        params: run.params.get(),
        tokens: run.tokens.get(),
        flops: flops.get(),
        gpu_hours: gpu_hours.get(),
        implied_mfu: isoflop::cluster::implied_mfu(flops, gpu_hours, peak)?,
        compute_multiple_flops: budget_flops.ratio(flops),
        compute_multiple_gpu_hours: budget_hours.ratio(gpu_hours),
        tokens_at_budget: tokens_for_flops(run.params, budget_flops)?.get(),
    })
}

fn report() -> isoflop::Result<Report> {
    let llama = runs::llama1();
    let peak = Accelerator::by_name("A100-80GB")?.dense_peak(Precision::Bf16)?;
    let budget = &llama[3];
    let models = llama
        .iter()
        .map(|run| model_row(run, budget, peak))
        .collect::<isoflop::Result<Vec<_>>>()?;
    Ok(Report { models })
}

fn print_table(report: &Report) -> isoflop::Result<()> {
    println!("LLaMA-1 training compute (Touvron et al. 2023, Tables 2 and 15)");
    println!("MFU at the A100-80GB BF16 dense peak, 312 TFLOP/s; FLOPs by 6ND.\n");
    println!(
        "{:<10} {:>7} {:>6} {:>9} {:>15} {:>6} {:>13} {:>14} {:>15}",
        "model",
        "params",
        "tokens",
        "6ND FLOPs",
        "GPU-hours",
        "MFU",
        "65B/x FLOPs",
        "65B/x GPU-h",
        "tokens @ 65B C"
    );
    for row in &report.models {
        println!(
            "{:<10} {:>7} {:>6} {:>9} {:>15} {:>6.3} {:>12.1}x {:>13.2}x {:>15}",
            row.name,
            Params::new(row.params)?.to_string(),
            Tokens::new(row.tokens)?.to_string(),
            Flops::new(row.flops)?.to_string(),
            GpuHours::new(row.gpu_hours)?.to_string(),
            row.implied_mfu,
            row.compute_multiple_flops,
            row.compute_multiple_gpu_hours,
            Tokens::new(row.tokens_at_budget)?.to_string(),
        );
    }
    println!("\nparams are the released checkpoints' exact counts; the names are the paper's.");
    Ok(())
}

const USAGE: &str =
    "usage: llama_rant [--json]\n  --json  print one JSON object {\"models\": [...]}";

fn main() -> ExitCode {
    let mut json = false;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--json" => json = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("llama_rant: unknown argument {other:?}\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let result = report().and_then(|r| {
        if json {
            let text = serde_json::to_string_pretty(&r)?;
            println!("{text}");
            Ok(())
        } else {
            print_table(&r)
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("llama_rant: {e}");
            ExitCode::FAILURE
        }
    }
}
