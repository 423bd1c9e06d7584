//! Answers a list of queries given as JSON on stdin, one JSON answer per query on stdout:
//! the Rust side of the Python bindings' parity test (`python/tests/test_parity.py`),
//! which puts the same queries to `import isoflop` and requires equal numbers.
//!
//! ```sh
//! echo '[{"op": "predict", "h": "hoffmann2022", "params": "6.7B", "tokens": "1.4T", "level": 0.9}]' \
//!     | cargo run --release --example python_parity
//! ```
//!
//! Each query is an object with `op` and its arguments; sizes, tokens and FLOPs are
//! strings in field notation ("6.7B") or numbers. Hypotheses are named by `h`:
//! `hoffmann2022`, `hoffmann2022_unrounded`, `besiroglu2024_published`,
//! `besiroglu2024` (20 bootstrap refits, seed 42), `kaplan2020`, `muennighoff2023`
//! (100B unique tokens), `llama7b-log` (LLaMA-7B's curve continued linearly in
//! log-tokens from 300B, 200 draws, seed 20230227) and `annealing-7b` (the annealing
//! law fitted to LLaMA-7B with 10 draws, seed 20230227). Answers are the crate's
//! serialised results; an error answers `{"error": "<the crate's message>"}`.

use isoflop::data::{chinchilla, llama};
use isoflop::fit::schedule_law::{
    fit_schedule_law, ObservedRun, ScheduleFitOptions, ScheduleLawForm,
};
use isoflop::fit::{bootstrap, fit_chinchilla, FitOptions};
use isoflop::law::{
    ChinchillaHypothesis, ChinchillaLaw, Continuation, ContinuationForm, ContinuationOptions,
    DataConstrainedHypothesis, KaplanHypothesis, LossHypothesis, ScheduledHypothesis,
};
use isoflop::query::{self, LossTarget, Question};
use isoflop::units::{Flops, Params, Tokens};
use serde_json::{json, Value};
use std::io::Read;
use std::sync::Arc;

type Answer = Result<Value, String>;

fn text(q: &Value, key: &str) -> Result<String, String> {
    match &q[key] {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        other => Err(format!("{key}: expected a string or a number, got {other}")),
    }
}

fn num(q: &Value, key: &str) -> Result<f64, String> {
    q[key]
        .as_f64()
        .ok_or_else(|| format!("{key}: expected a number"))
}

fn unit<T: std::str::FromStr<Err = isoflop::Error>>(q: &Value, key: &str) -> Result<T, String> {
    text(q, key)?.parse::<T>().map_err(|e| e.to_string())
}

fn ser<T: serde::Serialize>(v: isoflop::Result<T>) -> Answer {
    let v = v.map_err(|e| e.to_string())?;
    serde_json::to_value(v).map_err(|e| e.to_string())
}

fn annealing_7b() -> isoflop::Result<ScheduledHypothesis> {
    let m = llama::LlamaModel::Llama7B;
    let run = ObservedRun::new(llama::curve(m), llama::schedule(m))?;
    let opts = ScheduleFitOptions {
        draws: 10,
        ..ScheduleFitOptions::default()
    };
    fit_schedule_law(&[run], ScheduleLawForm::Annealing, &opts)?.hypothesis(0, None)
}

fn hypothesis(name: &str) -> Result<Arc<dyn LossHypothesis>, String> {
    let e = |e: isoflop::Error| e.to_string();
    Ok(match name {
        "hoffmann2022" => Arc::new(ChinchillaHypothesis::hoffmann2022()),
        "hoffmann2022_unrounded" => Arc::new(ChinchillaHypothesis::hoffmann2022_unrounded()),
        "besiroglu2024_published" => Arc::new(ChinchillaHypothesis::besiroglu2024_published()),
        "besiroglu2024" => Arc::new(isoflop::fit::replication::besiroglu2024(20, 42).map_err(e)?),
        "kaplan2020" => Arc::new(KaplanHypothesis::kaplan2020()),
        "muennighoff2023" => Arc::new(DataConstrainedHypothesis::muennighoff2023(
            Tokens::new(100e9).map_err(e)?,
        )),
        "llama7b-log" => {
            let opts = ContinuationOptions {
                draws: 200,
                seed: 20230227,
                ..Default::default()
            }
            .starting_at(llama::CONTINUATION_START);
            Arc::new(
                Continuation::fit(
                    &llama::curve(llama::LlamaModel::Llama7B),
                    ContinuationForm::LinearInLogTokens,
                    &opts,
                )
                .map_err(e)?,
            )
        }
        "annealing-7b" => Arc::new(annealing_7b().map_err(e)?),
        other => return Err(format!("unknown hypothesis {other:?}")),
    })
}

/// The law of a named Chinchilla hypothesis (None for the other kinds).
fn chinchilla_law(name: &str) -> Result<Option<ChinchillaLaw>, String> {
    Ok(match name {
        "hoffmann2022" => Some(*ChinchillaHypothesis::hoffmann2022().law()),
        "hoffmann2022_unrounded" => Some(*ChinchillaHypothesis::hoffmann2022_unrounded().law()),
        "besiroglu2024_published" => Some(*ChinchillaHypothesis::besiroglu2024_published().law()),
        "besiroglu2024" => Some(
            *isoflop::fit::replication::besiroglu2024(20, 42)
                .map_err(|e| e.to_string())?
                .law(),
        ),
        _ => None,
    })
}

fn points(q: &Value, key: &str) -> Result<Vec<f64>, String> {
    q[key]
        .as_array()
        .ok_or_else(|| format!("{key}: expected a list"))?
        .iter()
        .map(|v| v.as_f64().ok_or_else(|| format!("{key}: expected numbers")))
        .collect()
}

fn answer(q: &Value) -> Answer {
    let op = q["op"].as_str().ok_or("a query needs an `op`")?;
    let level = || num(q, "level");
    let e = |e: isoflop::Error| e.to_string();
    match op {
        "training_flops" => ser(isoflop::compute::training_flops_6nd(
            unit(q, "params")?,
            unit(q, "tokens")?,
        )),
        "fit_chinchilla" => {
            let runs = chinchilla::replication_runs();
            let fit = fit_chinchilla(&runs, &FitOptions::default()).map_err(e)?;
            let l = fit.law;
            let mut v = json!({
                "law": {"e": l.e(), "a": l.a(), "b": l.b(), "alpha": l.alpha(), "beta": l.beta()},
                "objective": fit.objective,
                "status": fit.status.name(),
            });
            let replicates = q["bootstrap"].as_u64().unwrap_or(0) as usize;
            if replicates > 0 {
                let b = bootstrap(&runs, &fit, replicates, q["seed"].as_u64().unwrap_or(42))
                    .map_err(e)?;
                let draws: Vec<[f64; 5]> = b
                    .draws()
                    .iter()
                    .map(|l| [l.e(), l.a(), l.b(), l.alpha(), l.beta()])
                    .collect();
                v["draws"] = json!(draws);
            }
            Ok(v)
        }
        _ => {
            let h = hypothesis(q["h"].as_str().ok_or("a query needs `h`")?)?;
            let h = &*h;
            match op {
                "predict" => ser(query::predict(
                    h,
                    unit(q, "params")?,
                    unit(q, "tokens")?,
                    level()?,
                )),
                "predict_at_compute" => ser(query::predict_at_compute(
                    h,
                    unit(q, "params")?,
                    unit(q, "flops")?,
                    level()?,
                )),
                "predict_with_compute_of" => ser(query::predict_with_compute_of(
                    h,
                    unit(q, "params")?,
                    unit(q, "other_params")?,
                    unit(q, "other_tokens")?,
                    level()?,
                )),
                "compute_optimal" => ser(query::compute_optimal(h, unit(q, "flops")?, level()?)),
                "compute_overhead" => ser(query::compute_overhead(h, num(q, "k_n")?, level()?)),
                "tokens_to_reach" => ser(query::tokens_to_reach(
                    h,
                    unit(q, "params")?,
                    num(q, "target")?,
                    level()?,
                )),
                "probability_below" => ser(query::probability_below(
                    h,
                    unit(q, "params")?,
                    unit(q, "tokens")?,
                    num(q, "threshold")?,
                )),
                "probability_lower" => ser(query::probability_lower(
                    h,
                    (unit(q, "a_params")?, unit(q, "a_tokens")?),
                    (unit(q, "b_params")?, unit(q, "b_tokens")?),
                )),
                "probability_small_beats_large" => ser(query::probability_small_beats_large(
                    h,
                    unit(q, "small")?,
                    unit(q, "large")?,
                    unit(q, "large_tokens")?,
                )),
                "lifetime_optimal" => {
                    let target = match q.get("target_loss") {
                        Some(t) => LossTarget::loss(t.as_f64().ok_or("target_loss")?).map_err(e)?,
                        None => LossTarget::AsTrained {
                            params: unit(q, "target_params")?,
                            tokens: unit(q, "target_tokens")?,
                        },
                    };
                    ser(query::lifetime_optimal(
                        h,
                        target,
                        num(q, "demand")?,
                        level()?,
                    ))
                }
                "break_even_demand" => ser(query::break_even_demand(
                    h,
                    unit(q, "small")?,
                    (unit(q, "ref_params")?, unit(q, "ref_tokens")?),
                    level()?,
                )),
                "predict_planned" => {
                    let s = annealing_7b().map_err(e)?;
                    ser(query::predict_planned(
                        &s,
                        unit(q, "params")?,
                        unit(q, "tokens")?,
                        level()?,
                    ))
                }
                "compare" => {
                    let params: Params = unit(q, "params")?;
                    let others: Vec<Arc<dyn LossHypothesis>> = q["others"]
                        .as_array()
                        .ok_or("others: expected a list")?
                        .iter()
                        .map(|n| hypothesis(n.as_str().unwrap_or("")))
                        .collect::<Result<_, _>>()?;
                    let mut hs: Vec<&dyn LossHypothesis> = vec![h];
                    hs.extend(others.iter().map(|o| &**o));
                    let question = Question::LossAtCompute {
                        params,
                        flops: unit::<Flops>(q, "flops")?,
                    };
                    ser(query::compare(&hs, question, level()?))
                }
                "loss" => {
                    let (ns, ds) = (points(q, "n")?, points(q, "d")?);
                    if let Some(law) = chinchilla_law(q["h"].as_str().unwrap_or(""))? {
                        // Chinchilla laws evaluate arrays in the crate's batch.
                        let mut out = vec![0.0; ns.len()];
                        return ser(law.losses_into(&ns, &ds, &mut out).map(|()| out));
                    }
                    let out: isoflop::Result<Vec<f64>> = ns
                        .iter()
                        .zip(&ds)
                        .map(|(&n, &d)| h.point(Params::new(n)?, Tokens::new(d)?))
                        .collect();
                    ser(out)
                }
                "tokens_for_loss" => {
                    let (ns, ts) = (points(q, "n")?, points(q, "target")?);
                    let out: isoflop::Result<Vec<f64>> = ns
                        .iter()
                        .zip(&ts)
                        .map(|(&n, &t)| {
                            Ok(query::tokens_to_reach(h, Params::new(n)?, t, 0.9)?
                                .tokens
                                .get())
                        })
                        .collect();
                    ser(out)
                }
                "optimal" => {
                    let Some(laws) = h.chinchilla_laws() else {
                        let c0 = Flops::new(1e20).map_err(e)?;
                        return ser(query::compute_optimal(h, c0, 0.9));
                    };
                    let out: isoflop::Result<Vec<[f64; 2]>> = points(q, "c")?
                        .iter()
                        .map(|&c| {
                            let (n, d) = laws.point.optimal(Flops::new(c)?)?;
                            Ok([n.get(), d.get()])
                        })
                        .collect();
                    ser(out)
                }
                other => Err(format!("unknown op {other:?}")),
            }
        }
    }
}

fn main() {
    let mut input = String::new();
    if let Err(e) = std::io::stdin().read_to_string(&mut input) {
        eprintln!("cannot read stdin: {e}");
        std::process::exit(2);
    }
    let queries: Vec<Value> = match serde_json::from_str(&input) {
        Ok(q) => q,
        Err(e) => {
            eprintln!("stdin is not a JSON list of queries: {e}");
            std::process::exit(2);
        }
    };
    let answers: Vec<Value> = queries
        .iter()
        .map(|q| answer(q).unwrap_or_else(|e| json!({ "error": e })))
        .collect();
    println!("{}", Value::Array(answers));
}
