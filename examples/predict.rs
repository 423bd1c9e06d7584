//! One calibrated answer at any point: the consensus of the bundled evidence
//! (`isoflop::consensus`), and every member's own prediction beside it.
//!
//! ```text
//! cargo run --release --example predict -- --params 6.74B --tokens 5T
//! cargo run --release --example predict -- --params 6.74B --flops 5.48e23 --curve-of LLaMA-7B --json
//! ```
//!
//! Members: Hoffmann et al. 2022's law and the Besiroglu et al. 2024 refit, each calibrated
//! to LLaMA-1's corpus on its four final losses (by an offset, and by an offset and a
//! scale), and both uncalibrated (on Chinchilla's MassiveText: they have no backtest on
//! LLaMA's scale and drop out). `--curve-of MODEL` adds that LLaMA-1 model's own curve
//! continued three ways and the annealing law (Tissue et al. 2024) fitted to its curve,
//! its cosine re-planned to the asked tokens. The weights and error models are those the
//! backtests gave (`cargo run --release --example backtest`).
//!
//! Exit status: 0 with an answer; 2 for bad arguments; 3 when a fit behind a member did
//! not converge (the answer is printed, and says so); 1 for any other failure.

use isoflop::consensus::{self, Consensus};
use isoflop::data::llama::{self, LlamaModel};
use isoflop::fit::replication;
use isoflop::fit::schedule_law::{
    fit_schedule_law, ObservedRun, ScheduleFitOptions, ScheduleLawForm,
};
use isoflop::law::calibration::{final_points, Calibrated, CalibrationMode};
use isoflop::law::continuation::{Continuation, ContinuationForm, ContinuationOptions};
use isoflop::law::{Caveat, ChinchillaHypothesis, LossHypothesis};
use isoflop::query::{predict, probability_below};
use isoflop::units::{Flops, Params, Tokens};
use serde_json::json;
use std::process::ExitCode;
use std::sync::Arc;

const USAGE: &str =
    "usage: predict --params N (--tokens D | --flops C) [--curve-of MODEL] [--level L] [--json]
  N, D, C as the field writes them: 6.74B, 5T, 5.48e23; MODEL: LLaMA-7B, 13B, 33B or 65B";

struct Args {
    params: Params,
    tokens: Tokens,
    curve_of: Option<LlamaModel>,
    level: f64,
    json: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut params = None;
    let mut tokens = None;
    let mut flops: Option<Flops> = None;
    let mut curve_of = None;
    let mut level = 0.9;
    let mut json = false;
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
        let bad = |name: &str, e: isoflop::Error| format!("{name}: {e}");
        match flag.as_str() {
            "--params" => {
                params = Some(value("--params")?.parse().map_err(|e| bad("--params", e))?)
            }
            "--tokens" => {
                tokens = Some(value("--tokens")?.parse().map_err(|e| bad("--tokens", e))?)
            }
            "--flops" => flops = Some(value("--flops")?.parse().map_err(|e| bad("--flops", e))?),
            "--curve-of" => {
                curve_of = Some(
                    value("--curve-of")?
                        .parse()
                        .map_err(|e| bad("--curve-of", e))?,
                )
            }
            "--level" => {
                let v = value("--level")?;
                level = v
                    .parse::<f64>()
                    .ok()
                    .filter(|l| *l > 0.0 && *l < 1.0)
                    .ok_or_else(|| format!("--level takes a number in (0, 1), got {v:?}"))?;
            }
            "--json" => json = true,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    let params: Params = params.ok_or("--params is required")?;
    let tokens = match (tokens, flops) {
        (Some(d), None) => d,
        (None, Some(c)) => {
            isoflop::compute::tokens_for_flops(params, c).map_err(|e| e.to_string())?
        }
        _ => return Err("give exactly one of --tokens and --flops".into()),
    };
    Ok(Args {
        params,
        tokens,
        curve_of,
        level,
        json,
    })
}

/// The members, and whether a fit behind one did not converge.
fn members(args: &Args) -> isoflop::Result<(Vec<Arc<dyn LossHypothesis>>, bool)> {
    let hoffmann = ChinchillaHypothesis::hoffmann2022();
    let refit = replication::besiroglu2024(200, 42)?;
    let points = final_points(&llama::curves(), Tokens::new(10e9)?);
    let mut out: Vec<Arc<dyn LossHypothesis>> = Vec::new();
    for inner in [&hoffmann, &refit] {
        for mode in [CalibrationMode::Offset, CalibrationMode::OffsetAndScale] {
            out.push(Arc::new(Calibrated::fit(
                Box::new(inner.clone()),
                points.clone(),
                mode,
            )?));
        }
    }
    out.push(Arc::new(hoffmann));
    out.push(Arc::new(refit));
    if let Some(model) = args.curve_of {
        let curve = llama::curve(model);
        let opts = ContinuationOptions {
            start: llama::CONTINUATION_START.into(),
            seed: 42,
            ..ContinuationOptions::default()
        };
        for form in ContinuationForm::ALL {
            out.push(Arc::new(Continuation::fit(&curve, form, &opts)?));
        }
        let run = ObservedRun::new(curve, llama::schedule(model))?;
        let fit = fit_schedule_law(
            &[run],
            ScheduleLawForm::Annealing,
            &ScheduleFitOptions {
                draws: 50,
                seed: 42,
                ..ScheduleFitOptions::default()
            },
        )?;
        out.push(Arc::new(fit.hypothesis(0, None)?));
    }
    let unconverged = out.iter().any(|h| {
        h.caveats()
            .iter()
            .any(|c| matches!(c, Caveat::FitNotConverged { .. }))
    });
    Ok((out, unconverged))
}

fn run(args: &Args) -> isoflop::Result<bool> {
    let (members, unconverged) = members(args)?;
    let c = Consensus::new(members.clone(), consensus::table::final_loss()?)?;
    let (n, d) = (args.params, args.tokens);
    let p = predict(&c, n, d, args.level)?;
    let (mix, dropped) = c.mixture(n, d)?;
    let weight = |id: &str| {
        mix.components()
            .iter()
            .find(|m| m.hypothesis == id)
            .map_or(0.0, |m| m.weight)
    };
    let rows: Vec<_> = members
        .iter()
        .map(|h| (h.id(), predict(h.as_ref(), n, d, args.level)))
        .collect();
    let observed = args
        .curve_of
        .filter(|m| m.params() == n && m.trained_tokens() == d)
        .map(|m| llama::curve(m).final_loss(Tokens::new(10e9).unwrap_or(d)));
    if args.json {
        let out = json!({
            "params": n.get(),
            "tokens": d.get(),
            "consensus": {
                "loss": {"lo": p.loss.lo, "median": p.loss.median, "hi": p.loss.hi, "level": p.loss.level},
                "weights": mix.components().iter().map(|m| (m.hypothesis.clone(), m.weight)).collect::<std::collections::BTreeMap<_, _>>(),
                "dropped": dropped,
                "outcomes": c.calibration().outcomes(),
                "groups": c.calibration().groups(),
                "warnings": p.warnings.iter().map(|w| w.to_string()).collect::<Vec<_>>(),
            },
            "observed": observed,
            "members": rows.iter().map(|(id, r)| match r {
                Ok(m) => json!({"hypothesis": id, "loss": {"lo": m.loss.lo, "median": m.loss.median, "hi": m.loss.hi, "level": m.loss.level},
                                "point": m.point, "weight": weight(id),
                                "warnings": m.warnings.iter().map(|w| w.to_string()).collect::<Vec<_>>()}),
                Err(e) => json!({"hypothesis": id, "loss": null, "weight": 0.0, "warnings": [e.to_string()]}),
            }).collect::<Vec<_>>(),
        });
        println!("{out}");
    } else {
        let pct = (100.0 * args.level).round();
        println!(
            "{} params on {} tokens ({} FLOPs): consensus loss {:.3} [{:.3}, {:.3}] ({pct:.0}%)",
            n, d, p.flops, p.loss.median, p.loss.lo, p.loss.hi
        );
        if let Some(y) = observed {
            let pr = probability_below(&c, n, d, y)?;
            println!(
                "  observed {y:.3}; P(loss below it) = {:.2}",
                pr.probability
            );
        }
        println!(
            "  calibrated on {} held-out final losses from {} independent groups",
            c.calibration().outcomes(),
            c.calibration().groups()
        );
        for w in &p.warnings {
            println!("  ! {w}");
        }
        println!(
            "\n  {:<44} {:>7}  {:<26} extrap.",
            "member", "weight", "loss [band]"
        );
        for (id, r) in &rows {
            match r {
                Ok(m) => println!(
                    "  {:<44} {:>7.3}  {:.3} [{:.3}, {:.3}]     {:.1}x",
                    id,
                    weight(id),
                    m.point,
                    m.loss.lo,
                    m.loss.hi,
                    m.extrapolation.factor
                ),
                Err(e) => println!("  {id:<44} {:>7}  does not apply: {e}", "-"),
            }
        }
        for x in &dropped {
            println!("  dropped {}: {}", x.hypothesis, x.reason);
        }
    }
    Ok(unconverged)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(msg) => {
            if !msg.is_empty() {
                eprintln!("predict: {msg}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(false) => ExitCode::SUCCESS,
        Ok(true) => {
            eprintln!("predict: a fit behind a member did not converge; see its warnings");
            ExitCode::from(3)
        }
        Err(e) => {
            eprintln!("predict: {e}");
            ExitCode::FAILURE
        }
    }
}
