//! Would LLaMA-7B have matched LLaMA-65B given the 65B's compute?
//!
//! Part 1, compute: for the four LLaMA-1 models (Touvron et al. 2023): parameters
//! (released checkpoints), training tokens (Table 2), 6ND FLOPs, reported A100-80GB
//! GPU-hours (Table 15), the MFU those imply at the A100's BF16 dense peak
//! (312 TFLOP/s), the 65B's compute as a multiple of each model's (by FLOPs and by
//! GPU-hours), and how many tokens each model could have trained on with the 65B's
//! compute (D = C / 6N).
//!
//! Part 2, loss: what each model would reach with the 65B's compute under every
//! hypothesis, side by side, with a 90% band, how far it extrapolates, its warnings,
//! and a verdict: the probability (over the hypothesis' parameter draws) that the
//! model beats the 65B.
//!
//! ```text
//! cargo run --release --example llama_rant            # readable tables
//! cargo run --release --example llama_rant -- --json  # one JSON object {"models": [...]}
//! ```
//!
//! Part 4, lifetime (Sardana et al. 2024, arXiv:2401.00448): training plus inference.
//! For every parametric law, the target is the law's own prediction of LLaMA-65B as
//! trained (65.2B on 1.4T); for demands of 0 to 1e14 served tokens, the size and
//! training tokens that reach it with the fewest lifetime FLOPs (6ND + 2N x demand),
//! with 90% bands over the law's draws; and the demand above which LLaMA-7B trained to
//! that loss is cheaper over its life than the 65B as trained (none when the 7B cannot
//! reach it). `--json` adds a top-level `lifetime` object.
//!
//! Part 3, the figure: the four curves as observed, each extended to the 65B's compute
//! under the three continuations and the calibrated replication law, with 90% bands,
//! written to `$CARGO_TARGET_DIR/llama_rant.svg` (default `target/llama_rant.svg`); the
//! path is printed on stdout (on stderr with `--json`, so stdout stays one JSON object).

use isoflop::compute::{tokens_for_flops, training_flops_6nd};
use isoflop::consensus::{self, Consensus};
use isoflop::data::llama::{self, LlamaModel};
use isoflop::fit::replication;
use isoflop::fit::schedule_law::{
    fit_schedule_law, FinalMiss, ObservedRun, ScheduleFitOptions, ScheduleLawForm,
};
use isoflop::hardware::{Accelerator, Precision};
use isoflop::law::calibration::{final_points, Calibrated, CalibrationMode};
use isoflop::law::continuation::{Continuation, ContinuationForm, ContinuationOptions};
use isoflop::law::kaplan::{non_embedding_params, KaplanHypothesis};
use isoflop::law::{ChinchillaHypothesis, LossHypothesis};
use isoflop::law::{ScheduleLaw, ScheduledHypothesis};
use isoflop::prediction::Prediction;
use isoflop::query::{
    predict_planned, probability_below, probability_lower, Predictor, Probability,
};
use isoflop::runs::{self, PublishedRun};
use isoflop::units::{Flops, FlopsPerSecond, GpuHours, Params, Tokens};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::process::ExitCode;
use std::sync::Arc;

/// Band level of every prediction.
const LEVEL: f64 = 0.9;
/// Bootstrap refits behind the Besiroglu et al. 2024 replication's bands.
const BOOTSTRAP: usize = 4000;
/// Seed of every random draw (bootstrap refits, curve block bootstraps).
const SEED: u64 = 42;
/// The window over which a curve's final loss is its median (as in data/llama/SOURCE.md).
const FINAL_WINDOW: f64 = 10e9;

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
    /// The observed final training loss (median of the last 10B tokens of Fig. 1).
    observed_final_loss: f64,
    /// The one calibrated answer: every hypothesis combined and widened by its backtests.
    consensus: ConsensusRow,
    /// The loss at the 65B's compute under each hypothesis: the evidence behind it.
    predictions: Vec<PredictionRow>,
}

/// The consensus of every hypothesis for one model at the 65B's compute
/// (`isoflop::consensus`: stacking weights and error models from the backtests).
#[derive(Debug, Serialize)]
struct ConsensusRow {
    /// The band at the report's level, with the median.
    loss: LossBand,
    /// P(the model's loss is below the 65B's observed final loss); `None` for the 65B.
    probability: Option<f64>,
    /// The weight of each member in this answer (renormalised over those that apply).
    weights: std::collections::BTreeMap<String, f64>,
    /// Members that dropped out, with why.
    dropped: Vec<consensus::Dropped>,
    /// How many held-out backtest outcomes (and independent groups) the calibration rests on.
    outcomes: usize,
    groups: usize,
}

/// One hypothesis' answer for one model at the 65B's compute.
#[derive(Debug, Serialize)]
struct PredictionRow {
    /// Stable hypothesis name, e.g. `chinchilla-besiroglu2024`.
    hypothesis: String,
    /// The corpus whose loss scale the number is on.
    scale: &'static str,
    /// The loss band (nats/token).
    loss: LossBand,
    /// The point estimate (nats/token).
    point: f64,
    /// How far the prediction reaches beyond the hypothesis' data.
    extrapolation: Extrapolation,
    /// Warnings, as sentences.
    warnings: Vec<String>,
    /// Does this model beat the 65B? `None` for the 65B itself.
    verdict: Option<Verdict>,
}

#[derive(Debug, Serialize)]
struct LossBand {
    lo: f64,
    median: f64,
    hi: f64,
    level: f64,
}

#[derive(Debug, Serialize)]
struct Extrapolation {
    factor: f64,
    axis: String,
    description: String,
}

#[derive(Debug, Serialize)]
struct Verdict {
    /// Probability (fraction of parameter draws) that the model beats the 65B.
    p_beats_65b: f64,
    /// Number of draws (0: the point estimate alone decided).
    draws: usize,
    /// What the model is compared with.
    reference: String,
    /// The prediction behind the verdict is physically impossible (e.g. a negative
    /// loss): the verdict then says nothing about the real model.
    impossible: bool,
}

/// The whole JSON output.
#[derive(Debug, Serialize)]
struct Report {
    /// The 65B's 6ND FLOPs: the budget every prediction is made at.
    budget_flops: f64,
    /// Band level.
    level: f64,
    models: Vec<ModelRow>,
    /// Calibration residuals (observed − calibrated) per calibrated hypothesis.
    calibrations: Vec<CalibrationRow>,
    /// Schedule-aware rows: each model on a cosine planned for the 65B's compute.
    schedule_aware: Vec<ScheduleRow>,
    /// Part 4: lifetime (training + inference) optima and break-even demands.
    lifetime: LifetimeReport,
}

/// A schedule-aware law's answer for one model: the loss at the end of a cosine (LLaMA's
/// shape) planned for the tokens the 65B's compute buys, not the observed curve extended.
#[derive(Debug, Serialize)]
struct ScheduleRow {
    model: String,
    hypothesis: String,
    /// The planned schedule, in words.
    plan: String,
    tokens: f64,
    point: f64,
    loss: LossBand,
    /// Lowest and highest loss over fits within the profile tolerance of the best.
    profile: Option<(f64, f64)>,
    /// Loss removed by the planned run's decay (nats/token).
    annealing_bonus: f64,
    /// Loss advantage over a constant rate at the same peak and steps (nats/token).
    gain_over_constant: f64,
    /// The fit's status ("Converged", "AtBound", ...) and what ended at a bound.
    fit_status: String,
    at_bound: Vec<String>,
    /// The refit at the curve's own end minus its observed final loss, and the fit's
    /// residual RMS.
    final_miss: f64,
    residual_rms: f64,
    /// Whether the refit reproduces the curve's own final loss within two residual RMS.
    reproduces_own_end: bool,
    /// Annealing law: the same fit with Tissue et al.'s fixed λ = 0.999.
    paper_lambda: Option<PaperLambda>,
    warnings: Vec<String>,
}

/// Bootstrap draws of the schedule-aware fits in this example (kept small: each is a refit).
const SCHEDULE_DRAWS: usize = 20;
/// Bootstrap draws of the multi-power fits (each is an L-BFGS refit of four parameters).
const MULTI_POWER_DRAWS: usize = 4;

/// A schedule-aware law fitted to one LLaMA curve under its published schedule.
#[derive(Debug, Serialize, Deserialize)]
struct ScheduleFitRow {
    hypothesis: ScheduledHypothesis,
    status: String,
    at_bound: Vec<String>,
    miss: FinalMiss,
    /// Tissue et al.'s own setting, λ = 0.999 fixed, beside the free fit (annealing law).
    paper_lambda: Option<PaperLambda>,
}

/// The annealing law refitted with the paper's λ = 0.999.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct PaperLambda {
    lambda: f64,
    /// The fitted λ of the free fit, for comparison.
    free_lambda: f64,
    /// The loss at the end of the planned run under the fixed-λ fit.
    point: f64,
    /// Its miss of the curve's own final loss.
    final_miss: f64,
    fit_status: String,
    /// Residual sum of squares: fixed λ over free λ (>= 1).
    sse_ratio: f64,
}

/// Fits `form` (Tissue et al. 2024 or Luo et al. 2025) to one curve with LLaMA's schedule.
fn schedule_fit(model: LlamaModel, form: ScheduleLawForm) -> isoflop::Result<ScheduleFitRow> {
    let run = ObservedRun::new(llama::curve(model), llama::schedule(model))?;
    let opts = ScheduleFitOptions {
        draws: match form {
            ScheduleLawForm::Annealing => SCHEDULE_DRAWS,
            ScheduleLawForm::MultiPower => MULTI_POWER_DRAWS,
        },
        seed: SEED,
        ..ScheduleFitOptions::default()
    };
    let fit = fit_schedule_law(std::slice::from_ref(&run), form, &opts)?;
    let paper_lambda = match (form, fit.laws[0]) {
        (ScheduleLawForm::Annealing, ScheduleLaw::Annealing(free)) => {
            let fixed = fit_schedule_law(
                &[run],
                form,
                &ScheduleFitOptions {
                    draws: 0,
                    lambda: Some(0.999),
                    ..opts.clone()
                },
            )?;
            let plan = llama::schedule(model);
            let budget = tokens_for_flops(
                model.params(),
                training_flops_6nd(
                    LlamaModel::Llama65B.params(),
                    llama::curve(LlamaModel::Llama65B).last_tokens(),
                )?,
            )?;
            let planned = plan.with_total_tokens(budget)?;
            Some(PaperLambda {
                lambda: 0.999,
                free_lambda: free.lambda(),
                point: fixed.laws[0].loss(&planned, planned.total_steps())?,
                final_miss: fixed.final_miss(0)?.miss,
                fit_status: fixed.status.name().to_string(),
                sse_ratio: fixed.objective / fit.objective,
            })
        }
        _ => None,
    };
    Ok(ScheduleFitRow {
        hypothesis: fit.hypothesis(0, None)?,
        status: fit.status.name().to_string(),
        at_bound: fit.diagnostics.at_bound.clone(),
        miss: fit.final_miss(0)?,
        paper_lambda,
    })
}

#[derive(Debug, Serialize)]
struct CalibrationRow {
    hypothesis: String,
    scale: f64,
    offset: f64,
    residuals: Vec<f64>,
    rms: f64,
}

/// What a hypothesis' losses are measured on, and what its verdict compares with.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Scale {
    /// Chinchilla's MassiveText: compare with the same law's own 65B prediction.
    MassiveText,
    /// Kaplan's WebText2, non-embedding N: compare with its own 65B prediction.
    WebText2,
    /// LLaMA's corpus (calibrated laws): compare with its own 65B prediction.
    LlamaCalibrated,
    /// One LLaMA curve continued: compare with the 65B's observed final loss.
    LlamaCurve,
}

impl Scale {
    fn name(self) -> &'static str {
        match self {
            Scale::MassiveText => "MassiveText",
            Scale::WebText2 => "WebText2",
            Scale::LlamaCalibrated | Scale::LlamaCurve => "LLaMA",
        }
    }
}

/// A hypothesis with the scale its numbers live on.
struct Entry {
    h: Arc<dyn LossHypothesis>,
    scale: Scale,
}

/// The parametric hypotheses, shared by all models, and their calibration rows.
fn parametric(
    curves: &[isoflop::data::curve::LossCurve],
    besiroglu: ChinchillaHypothesis,
    keep_unconverged: bool,
) -> isoflop::Result<(Vec<Entry>, Vec<CalibrationRow>)> {
    let hoffmann = ChinchillaHypothesis::hoffmann2022();
    // A refit that did not converge is not an answer: stop, unless asked to keep it (its
    // predictions then carry the status as a warning).
    if let Some(isoflop::law::Caveat::FitNotConverged { status, reason }) = besiroglu
        .caveats()
        .into_iter()
        .find(|c| matches!(c, isoflop::law::Caveat::FitNotConverged { .. }))
    {
        if !keep_unconverged {
            return Err(isoflop::Error::NonIdentifiable(format!(
                "the Chinchilla refit did not converge ({status}): {reason}; pass --keep-unconverged to continue with it"
            )));
        }
    }
    let points = final_points(curves, Tokens::new(FINAL_WINDOW)?);
    let mut entries = Vec::new();
    let mut calibrations = Vec::new();
    for (h, mode) in [
        (hoffmann.clone(), CalibrationMode::Offset),
        (hoffmann.clone(), CalibrationMode::OffsetAndScale),
        (besiroglu.clone(), CalibrationMode::Offset),
        (besiroglu.clone(), CalibrationMode::OffsetAndScale),
    ] {
        let c = Calibrated::fit(Box::new(h), points.clone(), mode)?;
        calibrations.push(CalibrationRow {
            hypothesis: c.id(),
            scale: c.scale(),
            offset: c.offset(),
            residuals: c.residuals().to_vec(),
            rms: c.residual_rms(),
        });
        entries.push(Entry {
            h: Arc::new(c),
            scale: Scale::LlamaCalibrated,
        });
    }
    entries.push(Entry {
        h: Arc::new(hoffmann),
        scale: Scale::MassiveText,
    });
    entries.push(Entry {
        h: Arc::new(besiroglu),
        scale: Scale::MassiveText,
    });
    entries.push(Entry {
        h: Arc::new(KaplanHypothesis::kaplan2020()),
        scale: Scale::WebText2,
    });
    Ok((entries, calibrations))
}

/// The three curve continuations of one model's curve.
fn continuations(curve: &isoflop::data::curve::LossCurve) -> isoflop::Result<Vec<Entry>> {
    let opts = ContinuationOptions {
        start: llama::CONTINUATION_START.into(),
        seed: SEED,
        ..ContinuationOptions::default()
    };
    ContinuationForm::ALL
        .iter()
        .map(|&form| {
            Ok(Entry {
                h: Arc::new(Continuation::fit(curve, form, &opts)?),
                scale: Scale::LlamaCurve,
            })
        })
        .collect()
}

/// Kaplan's law counts non-embedding parameters; the others count all of them.
fn params_for(entry: &Entry, model: LlamaModel) -> isoflop::Result<Params> {
    if entry.scale == Scale::WebText2 {
        let arch = match model {
            LlamaModel::Llama7B => isoflop::architecture::Architecture::llama_7b(),
            LlamaModel::Llama13B => isoflop::architecture::Architecture::llama_13b(),
            LlamaModel::Llama33B => isoflop::architecture::Architecture::llama_33b(),
            LlamaModel::Llama65B => isoflop::architecture::Architecture::llama_65b(),
        };
        // Input embedding and output projection: two vocab x d_model matrices.
        non_embedding_params(model.params(), arch.vocab(), arch.d_model(), 2)
    } else {
        Ok(model.params())
    }
}

fn band_row(p: &Prediction) -> (LossBand, Extrapolation, Vec<String>) {
    (
        LossBand {
            lo: p.loss.lo,
            median: p.loss.median,
            hi: p.loss.hi,
            level: p.loss.level,
        },
        Extrapolation {
            factor: p.extrapolation.factor,
            axis: p.extrapolation.axis.clone(),
            description: p.extrapolation.description.clone(),
        },
        p.warnings.iter().map(|w| w.to_string()).collect(),
    )
}

/// Does `model` (on `d` tokens) beat the 65B under `entry`?
fn verdict(
    entry: &Entry,
    model: LlamaModel,
    d: Tokens,
    observed_65b: f64,
    prediction: &Prediction,
) -> isoflop::Result<Verdict> {
    let n = params_for(entry, model)?;
    let (p, reference): (Probability, String) = match entry.scale {
        Scale::LlamaCurve => (
            probability_below(entry.h.as_ref(), n, d, observed_65b)?,
            format!("the 65B's observed final loss {observed_65b:.3}"),
        ),
        _ => {
            let big = LlamaModel::Llama65B;
            let n65 = params_for(entry, big)?;
            (
                probability_lower(entry.h.as_ref(), (n, d), (n65, big.trained_tokens()))?,
                "the same hypothesis' prediction for the 65B on 1.4T tokens".to_string(),
            )
        }
    };
    Ok(Verdict {
        p_beats_65b: p.probability,
        draws: p.draws,
        reference,
        impossible: prediction
            .warnings
            .iter()
            .any(|w| matches!(w, isoflop::prediction::Warning::Impossible { .. })),
    })
}

/// Builds one row; `budget` is the reference run (LLaMA-65B).
#[allow(clippy::too_many_arguments)]
fn model_row(
    run: &PublishedRun,
    budget: &PublishedRun,
    peak: FlopsPerSecond,
    model: LlamaModel,
    shared: &[Entry],
    own: &[Entry],
    sched: &ScheduledHypothesis,
    predictor: &mut Predictor,
) -> isoflop::Result<ModelRow> {
    let flops = training_flops_6nd(run.params, run.tokens)?;
    let gpu_hours = run.reported_gpu_hours()?;
    let budget_flops = training_flops_6nd(budget.params, budget.tokens)?;
    let budget_hours = budget.reported_gpu_hours()?;
    let d = tokens_for_flops(run.params, budget_flops)?;
    let curve = llama::curve(model);
    let window = Tokens::new(FINAL_WINDOW)?;
    let observed_65b = llama::curve(LlamaModel::Llama65B).final_loss(window);
    let mut predictions = Vec::new();
    for entry in shared.iter().chain(own.iter()) {
        let n = params_for(entry, model)?;
        let p = predictor.predict(entry.h.as_ref(), n, d)?;
        let (loss, extrapolation, warnings) = band_row(&p);
        let verdict = if model == LlamaModel::Llama65B {
            None
        } else {
            Some(verdict(entry, model, d, observed_65b, &p)?)
        };
        predictions.push(PredictionRow {
            hypothesis: p.hypothesis.clone(),
            scale: entry.scale.name(),
            loss,
            point: p.point,
            extrapolation,
            warnings,
            verdict,
        });
    }
    // The schedule-aware law: the end of a cosine planned for d tokens.
    let planned = predict_planned(sched, model.params(), d, LEVEL)?;
    let p = &planned.prediction;
    let (loss, extrapolation, warnings) = band_row(p);
    let verdict = if model == LlamaModel::Llama65B {
        None
    } else {
        let pr = probability_below(sched, model.params(), d, observed_65b)?;
        Some(Verdict {
            p_beats_65b: pr.probability,
            draws: pr.draws,
            reference: format!("the 65B's observed final loss {observed_65b:.3}"),
            impossible: false,
        })
    };
    predictions.push(PredictionRow {
        hypothesis: p.hypothesis.clone(),
        scale: Scale::LlamaCurve.name(),
        loss,
        point: p.point,
        extrapolation,
        warnings,
        verdict,
    });
    let consensus = consensus_row(model, d, observed_65b, shared, own, sched, predictor)?;
    Ok(ModelRow {
        name: run.name.clone(),
        params: run.params.get(),
        tokens: run.tokens.get(),
        flops: flops.get(),
        gpu_hours: gpu_hours.get(),
        implied_mfu: isoflop::cluster::implied_mfu(flops, gpu_hours, peak)?,
        compute_multiple_flops: budget_flops.ratio(flops),
        compute_multiple_gpu_hours: budget_hours.ratio(gpu_hours),
        tokens_at_budget: d.get(),
        observed_final_loss: curve.final_loss(window),
        consensus,
        predictions,
    })
}

/// The consensus of every hypothesis asked about `model` on `d` tokens.
fn consensus_row(
    model: LlamaModel,
    d: Tokens,
    observed_65b: f64,
    shared: &[Entry],
    own: &[Entry],
    sched: &ScheduledHypothesis,
    predictor: &mut Predictor,
) -> isoflop::Result<ConsensusRow> {
    let mut members: Vec<Arc<dyn LossHypothesis>> =
        shared.iter().chain(own).map(|e| e.h.clone()).collect();
    members.push(Arc::new(sched.clone()));
    let c = Consensus::new(members, consensus::table::final_loss()?)?;
    let n = model.params();
    let p = predictor.predict(&c, n, d)?;
    let (mix, dropped) = c.mixture(n, d)?;
    let probability = if model == LlamaModel::Llama65B {
        None
    } else {
        Some(probability_below(&c, n, d, observed_65b)?.probability)
    };
    Ok(ConsensusRow {
        loss: band_row(&p).0,
        probability,
        weights: mix
            .components()
            .iter()
            .map(|m| (m.hypothesis.clone(), m.weight))
            .collect(),
        dropped,
        outcomes: c.calibration().outcomes(),
        groups: c.calibration().groups(),
    })
}

fn print_answer(report: &Report) {
    println!(
        "The answer: every hypothesis combined, weighted and widened by how it did on held-out"
    );
    println!(
        "real runs (isoflop::consensus; `cargo run --release --example backtest` scores it).\n"
    );
    let level = (100.0 * report.level).round();
    for m in &report.models {
        let c = &m.consensus;
        match c.probability {
            Some(p) => println!(
                "  {} with LLaMA-65B's compute: {:.3} [{:.3}, {:.3}] ({level:.0}%), P(beats the 65B) = {p:.2}",
                m.name, c.loss.median, c.loss.lo, c.loss.hi
            ),
            None => println!(
                "  {} as trained (its own compute): {:.3} [{:.3}, {:.3}] ({level:.0}%); observed {:.3}",
                m.name, c.loss.median, c.loss.lo, c.loss.hi, m.observed_final_loss
            ),
        }
    }
    if let Some(m) = report.models.first() {
        let c = &m.consensus;
        let w: Vec<String> = c
            .weights
            .iter()
            .filter(|(_, w)| **w >= 0.005)
            .map(|(h, w)| format!("{h} {w:.2}"))
            .collect();
        println!("\n  {}'s weights: {}.", m.name, w.join(", "));
        println!(
            "  Calibrated on {} held-out final losses from {} independent groups; {} members without",
            c.outcomes,
            c.groups,
            c.dropped.len()
        );
        let observed = report
            .models
            .last()
            .map_or(f64::NAN, |b| b.observed_final_loss);
        println!("  backtest evidence or not applicable dropped out. The 65B's observed final loss is {observed:.3}.");
        println!(
            "  {} at the 65B's compute trains {:.1}x its tokens; the planned-longer backtests reached 1.4-3.3x,",
            m.name,
            m.tokens_at_budget / m.tokens
        );
        println!(
            "  so the band's width there rests on the error model's assumed growth (1 + ln x)."
        );
        println!("  The evidence behind it follows.\n");
    }
}

fn report(
    shared: &[Entry],
    own: &[Vec<Entry>],
    sched: &[(ScheduleFitRow, ScheduleFitRow)],
    calibrations: Vec<CalibrationRow>,
) -> isoflop::Result<Report> {
    let lifetime = lifetime_report(shared)?;
    let llama_runs = runs::llama1();
    let peak = Accelerator::by_name("A100-80GB")?.dense_peak(Precision::Bf16)?;
    let budget = &llama_runs[3];
    let mut predictor = Predictor::new(LEVEL)?;
    let models = llama_runs
        .iter()
        .zip(LlamaModel::ALL)
        .zip(own)
        .zip(sched)
        .map(|(((run, model), own), sched)| {
            model_row(
                run,
                budget,
                peak,
                model,
                shared,
                own,
                &sched.0.hypothesis,
                &mut predictor,
            )
        })
        .collect::<isoflop::Result<Vec<_>>>()?;
    let budget_flops = training_flops_6nd(budget.params, budget.tokens)?;
    let mut schedule_aware = Vec::new();
    for (&model, (annealing, multi_power)) in LlamaModel::ALL.iter().zip(sched) {
        for f in [annealing, multi_power] {
            let d = tokens_for_flops(model.params(), budget_flops)?;
            let planned = predict_planned(&f.hypothesis, model.params(), d, LEVEL)?;
            let (loss, _, warnings) = band_row(&planned.prediction);
            schedule_aware.push(ScheduleRow {
                model: model.name().to_string(),
                hypothesis: planned.prediction.hypothesis.clone(),
                plan: planned.plan.clone(),
                tokens: d.get(),
                point: planned.prediction.point,
                loss,
                profile: planned.profile,
                annealing_bonus: planned.annealing_bonus,
                gain_over_constant: planned.gain_over_constant,
                fit_status: f.status.clone(),
                at_bound: f.at_bound.clone(),
                final_miss: f.miss.miss,
                residual_rms: f.miss.noise,
                reproduces_own_end: f.miss.within_noise(),
                paper_lambda: f.paper_lambda.clone(),
                warnings,
            });
        }
    }
    Ok(Report {
        budget_flops: training_flops_6nd(budget.params, budget.tokens)?.get(),
        level: LEVEL,
        models,
        calibrations,
        schedule_aware,
        lifetime,
    })
}

fn print_schedule_aware(report: &Report) {
    println!(
        "\nSchedule-aware: each model on a cosine planned for the 65B's compute (the annealing law,"
    );
    println!(
        "Tissue et al. 2024, and the multi-power law, Luo et al. 2025, each fitted to the model's own"
    );
    println!("curve under LLaMA's published schedule). Not the observed curve extended: the whole run is");
    println!("re-planned, so its end anneals.\n");
    println!(
        "{:<10} {:<16} {:>7} {:>24} {:>17} {:>8} {:>8} {:>10} {:>6} {:>14}",
        "model",
        "law",
        "tokens",
        "loss [90% band]",
        "profile range",
        "bonus",
        "vs const",
        "end miss",
        "rms",
        "fit"
    );
    for r in &report.schedule_aware {
        let profile = r
            .profile
            .map_or("-".to_string(), |(lo, hi)| format!("{lo:.3}-{hi:.3}"));
        println!(
            "{:<10} {:<16} {:>6.1}T {:>7.3} [{:.3}, {:.3}] {:>17} {:>8.3} {:>8.3} {:>+10.4} {:>6.4} {:>14}",
            r.model,
            r.hypothesis,
            r.tokens / 1e12,
            r.point,
            r.loss.lo,
            r.loss.hi,
            profile,
            r.annealing_bonus,
            r.gain_over_constant,
            r.final_miss,
            r.residual_rms,
            r.fit_status
        );
    }
    println!("bonus = loss removed by the planned decay (C*S2 or LD); vs const = advantage over a constant rate;");
    println!("end miss = refit at the curve's own end minus its observed final loss (rms = the fit's residual");
    println!("RMS). A profile range wider than the band means one cosine run does not identify the answer.\n");
    for r in &report.schedule_aware {
        let verdict = if r.reproduces_own_end {
            "reproduces its own final loss within noise (2 x rms)"
        } else {
            "misses its own final loss by more than its noise (2 x rms)"
        };
        println!("{} {}: {verdict}.", r.model, r.hypothesis);
    }
    println!("\nThe annealing law's decay factor, fitted, beside Tissue et al.'s fixed 0.999:");
    for r in &report.schedule_aware {
        if let Some(p) = &r.paper_lambda {
            println!(
                "{:<10} fitted lambda {:.6} -> {:.3}; lambda 0.999 -> {:.3} (end miss {:+.4}, SSE x{:.2}, {})",
                r.model, p.free_lambda, r.point, p.point, p.final_miss, p.sse_ratio, p.fit_status
            );
        }
    }
}

fn print_compute(report: &Report) -> isoflop::Result<()> {
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

fn print_losses(report: &Report) -> isoflop::Result<()> {
    println!(
        "\nLoss at LLaMA-65B's compute ({} FLOPs), {:.0}% bands, nats/token",
        Flops::new(report.budget_flops)?,
        report.level * 100.0
    );
    println!(
        "Observed final training losses (Fig. 1, median of the last 10B tokens): {}",
        report
            .models
            .iter()
            .map(|m| format!("{} {:.3}", m.name, m.observed_final_loss))
            .collect::<Vec<_>>()
            .join(", ")
    );
    for m in &report.models {
        println!(
            "\n{} ({} params) on {} tokens",
            m.name,
            Params::new(m.params)?,
            Tokens::new(m.tokens_at_budget)?
        );
        println!(
            "  {:<44} {:>11} {:>27} {:>9} {:>8}",
            "hypothesis", "scale", "loss [90% band]", "extrap.", "P(>65B)"
        );
        for p in &m.predictions {
            let band = format!("{:.3} [{:.3}, {:.3}]", p.loss.median, p.loss.lo, p.loss.hi);
            let verdict = p
                .verdict
                .as_ref()
                .map(|v| format!("{:.2}", v.p_beats_65b))
                .unwrap_or_else(|| "-".into());
            println!(
                "  {:<44} {:>11} {:>27} {:>8.1}x {:>8}",
                p.hypothesis, p.scale, band, p.extrapolation.factor, verdict
            );
            for w in &p.warnings {
                println!("  {:<44}   ! {w}", "");
            }
        }
    }
    Ok(())
}

fn print_verdicts(report: &Report) {
    println!("\nVerdict: does the model, given the 65B's compute, beat the 65B?");
    println!("P = share of the hypothesis' parameter draws in which it does (no draws: the point estimate decides).");
    println!("Curve continuations compare with the 65B's observed final loss; laws compare with their own 65B prediction.");
    println!(
        "yes: P >= 0.95; no: P <= 0.05; void: the prediction behind it is physically impossible."
    );
    println!(
        "Bands cover less than their level out of sample (cargo run --release --example backtest):"
    );
    println!("read P as the hypothesis' own confidence, not a calibrated probability.\n");
    for m in report
        .models
        .iter()
        .filter(|m| m.predictions.iter().any(|p| p.verdict.is_some()))
    {
        println!("{}:", m.name);
        for p in &m.predictions {
            if let Some(v) = &p.verdict {
                let word = if v.impossible {
                    "void"
                } else if v.p_beats_65b >= 0.95 {
                    "yes"
                } else if v.p_beats_65b <= 0.05 {
                    "no"
                } else {
                    "uncertain"
                };
                let basis = if v.draws == 0 {
                    "point estimate only".to_string()
                } else {
                    format!("{} draws", v.draws)
                };
                println!(
                    "  {:<44} {:<9} P = {:.2}  ({basis})",
                    p.hypothesis, word, v.p_beats_65b
                );
            }
        }
    }
    println!("\nCalibration of the parametric laws to LLaMA's corpus (on the four final losses):");
    for c in &report.calibrations {
        println!(
            "  {:<44} scale {:.3}, offset {:+.3}; residuals {} (RMS {:.3})",
            c.hypothesis,
            c.scale,
            c.offset,
            c.residuals
                .iter()
                .map(|r| format!("{r:+.3}"))
                .collect::<Vec<_>>()
                .join(" "),
            c.rms
        );
    }
}

/// Where the figure goes: `llama_rant.svg` in `$CARGO_TARGET_DIR`, else in `target/`.
fn figure_path() -> std::path::PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .filter(|d| !d.is_empty())
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from("target"))
        .join("llama_rant.svg")
}

/// The blog's figure done properly: each LLaMA curve as observed, extended from its end
/// to the tokens the 65B's compute buys it (D = C65 / 6N) under each curve continuation
/// and the calibrated replication law, with 90% bands from their draws; the 65B's final
/// loss as the reference. The hypotheses are the tables' own (same data, same seeds).
/// The loss axis shows 1.3-2.3 nats/token: the linear-in-tokens continuation falls
/// through zero, so it is cut where it leaves the window, and the legend says so.
fn llama_figure(
    shared: &[Entry],
    own: &[Vec<Entry>],
) -> isoflop::Result<isoflop::report::LlamaCurvesFigure> {
    const CALIBRATED: &str = "chinchilla-besiroglu2024-calibrated";
    let calibrated = shared
        .iter()
        .find(|e| e.h.id() == CALIBRATED)
        .ok_or_else(|| isoflop::Error::UnknownName {
            what: "hypothesis",
            name: CALIBRATED.into(),
            known: shared
                .iter()
                .map(|e| e.h.id())
                .collect::<Vec<_>>()
                .join(", "),
        })?;
    let per_model: Vec<(LlamaModel, Vec<&dyn LossHypothesis>)> = LlamaModel::ALL
        .iter()
        .zip(own)
        .map(|(&model, own)| {
            let hs = own
                .iter()
                .map(|e| e.h.as_ref())
                .chain(std::iter::once(calibrated.h.as_ref()))
                .collect();
            (model, hs)
        })
        .collect();
    isoflop::report::LlamaCurvesFigure::llama_at_65b_compute_from(&per_model, LEVEL)
}

/// Writes [`llama_figure`] and says where: on stdout, or on stderr with `--json`.
fn write_figure(shared: &[Entry], own: &[Vec<Entry>], json: bool) -> isoflop::Result<()> {
    use isoflop::report::Figure;
    let path = figure_path();
    llama_figure(shared, own)?.save_svg(&path)?;
    let line = format!("figure: {}", path.display());
    if json {
        eprintln!("{line}");
    } else {
        println!("\n{line}");
    }
    Ok(())
}

// ---- Part 4: lifetime (training + inference), Sardana et al. 2024 ----

/// Served-token demands of the lifetime section.
const LIFETIME_DEMANDS: [f64; 5] = [0.0, 1e11, 1e12, 1e13, 1e14];

/// The `lifetime` object of the JSON output.
#[derive(Debug, Serialize)]
struct LifetimeReport {
    /// The run whose quality is the target: "LLaMA-65B".
    target: String,
    /// Tokens served over the model's life.
    demands: Vec<f64>,
    hypotheses: Vec<LifetimeRow>,
}

/// One parametric law's lifetime answers.
#[derive(Debug, Serialize)]
struct LifetimeRow {
    hypothesis: String,
    /// The law's own prediction of LLaMA-65B as trained, nats/token.
    target_loss: f64,
    /// Served tokens above which LLaMA-7B trained to `target_loss` costs fewer
    /// lifetime FLOPs than the 65B as trained; `null` when the 7B never reaches it.
    break_even_demand: Option<f64>,
    optimal: Vec<LifetimeOptimalRow>,
    /// For the text: the break-even band, why there is none, the 7B's tokens.
    #[serde(skip)]
    break_even: isoflop::query::BreakEven,
    #[serde(skip)]
    scale: Scale,
}

#[derive(Debug, Serialize)]
struct LifetimeOptimalRow {
    demand: f64,
    params: f64,
    tokens: f64,
    /// Lifetime FLOPs 6ND + 2N x demand.
    flops: f64,
    params_band: Option<LossBand>,
}

/// The lifetime section for every parametric law (each against its own 65B prediction).
fn lifetime_report(shared: &[Entry]) -> isoflop::Result<LifetimeReport> {
    use isoflop::query::{break_even_demand, lifetime_optima, LossTarget};
    let big = LlamaModel::Llama65B;
    let hypotheses = shared
        .iter()
        .map(|entry| {
            let h = entry.h.as_ref();
            let reference = (params_for(entry, big)?, big.trained_tokens());
            let target = LossTarget::AsTrained {
                params: reference.0,
                tokens: reference.1,
            };
            let optima = lifetime_optima(h, target, &LIFETIME_DEMANDS, LEVEL)?;
            let small = params_for(entry, LlamaModel::Llama7B)?;
            let break_even = break_even_demand(h, small, reference, LEVEL)?;
            Ok(LifetimeRow {
                hypothesis: h.id(),
                target_loss: break_even.target_loss,
                break_even_demand: break_even.demand,
                optimal: optima
                    .iter()
                    .map(|o| LifetimeOptimalRow {
                        demand: o.demand,
                        params: o.params.get(),
                        tokens: o.tokens.get(),
                        flops: o.flops.get(),
                        params_band: o.params_band.map(|b| LossBand {
                            lo: b.lo,
                            median: b.median,
                            hi: b.hi,
                            level: b.level,
                        }),
                    })
                    .collect(),
                break_even,
                scale: entry.scale,
            })
        })
        .collect::<isoflop::Result<Vec<_>>>()?;
    Ok(LifetimeReport {
        target: "LLaMA-65B".into(),
        demands: LIFETIME_DEMANDS.to_vec(),
        hypotheses,
    })
}

fn print_lifetime(l: &LifetimeReport) -> isoflop::Result<()> {
    println!(
        "\nLifetime: training + inference (Sardana et al. 2024), target = {} as trained",
        l.target
    );
    println!(
        "Each law aims at its own prediction of the 65B (65.2B on 1.4T tokens). Cheapest size"
    );
    println!(
        "over training (6ND) and serving (2N per token) for each demand, 90% band of the size"
    );
    println!(
        "over the law's draws; Kaplan's sizes are non-embedding parameters. A calibration (scale"
    );
    println!("and offset) moves a law's losses, not its iso-loss curves: calibrated laws size as their own");
    println!("uncalibrated forms. The break-even compares LLaMA-7B (6.74B) trained to the target with the");
    println!("65B as trained, both at 6ND + 2N per served token.\n");
    for row in &l.hypotheses {
        println!(
            "{} ({}, target {:.3} nats/token)",
            row.hypothesis,
            row.scale.name(),
            row.target_loss
        );
        println!(
            "  {:>9} {:>8} {:>24} {:>8} {:>7} {:>10}",
            "demand", "params", "90% band", "tokens", "tok/N", "lifetime"
        );
        for o in &row.optimal {
            let band = o
                .params_band
                .as_ref()
                .map(|b| {
                    Ok::<_, isoflop::Error>(format!(
                        "[{}, {}]",
                        Params::new(b.lo)?,
                        Params::new(b.hi)?
                    ))
                })
                .transpose()?
                .unwrap_or_else(|| "(no draws)".into());
            println!(
                "  {:>9} {:>8} {:>24} {:>8} {:>7.0} {:>10}",
                if o.demand == 0.0 {
                    "0".to_string()
                } else {
                    Tokens::new(o.demand)?.to_string()
                },
                Params::new(o.params)?.to_string(),
                band,
                Tokens::new(o.tokens)?.to_string(),
                o.tokens / o.params,
                Flops::new(o.flops)?.to_string()
            );
        }
        let b = &row.break_even;
        match (b.demand, &b.reason) {
            (Some(t), _) => {
                let band = b
                    .demand_band
                    .map(|x| format!(" [{:.2e}, {:.2e}] 90%", x.lo, x.hi))
                    .unwrap_or_default();
                let tokens = b
                    .small_tokens
                    .map(|d| format!(" (it needs {d} training tokens)"))
                    .unwrap_or_default();
                println!(
                    "  7B trained to this loss{tokens} is cheaper over its life than the 65B above {t:.2e} served tokens{band}"
                );
            }
            (None, Some(reason)) => println!("  no break-even: {reason}"),
            (None, None) => println!("  no break-even"),
        }
        println!();
    }
    Ok(())
}

const USAGE: &str =
    "usage: llama_rant [--json] [--keep-unconverged] [--refit | --write-fits]\n  --json  print one JSON object {\"models\": [...]}\n  --keep-unconverged  continue with a refit that did not converge (its answers warn)\n  --refit  redo the Chinchilla refit and the schedule-law fits instead of reading examples/llama_rant_fits.json\n  --write-fits  print those fits as JSON (regenerates examples/llama_rant_fits.json)";

/// The expensive fits behind the report: the Besiroglu et al. 2024 refit with 4,000
/// bootstrap refits, and the annealing and multi-power laws fitted to each LLaMA curve.
/// They are deterministic functions of the bundled data, so the example reads them from
/// `examples/llama_rant_fits.json`, which `--write-fits` regenerates (about 3 s) and CI
/// checks is what the fits give; `--refit` redoes them instead of reading the file.
#[derive(Debug, Serialize, Deserialize)]
struct Fits {
    besiroglu: ChinchillaHypothesis,
    schedule: Vec<(ScheduleFitRow, ScheduleFitRow)>,
}

const FITS: &str = include_str!("llama_rant_fits.json");

fn refit() -> isoflop::Result<Fits> {
    let besiroglu = replication::besiroglu2024(BOOTSTRAP, SEED)?;
    let schedule = LlamaModel::ALL
        .par_iter()
        .map(|&m| {
            Ok((
                schedule_fit(m, ScheduleLawForm::Annealing)?,
                schedule_fit(m, ScheduleLawForm::MultiPower)?,
            ))
        })
        .collect::<isoflop::Result<Vec<_>>>()?;
    Ok(Fits {
        besiroglu,
        schedule,
    })
}

fn main() -> ExitCode {
    let mut json = false;
    let mut keep_unconverged = false;
    let mut fresh = false;
    let mut write_fits = false;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--json" => json = true,
            "--refit" => fresh = true,
            "--write-fits" => write_fits = true,
            "--keep-unconverged" => keep_unconverged = true,
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
    let fits = if fresh || write_fits {
        refit()
    } else {
        serde_json::from_str::<Fits>(FITS).map_err(isoflop::Error::from)
    };
    if write_fits {
        return match fits.and_then(|f| Ok(serde_json::to_string(&f)?)) {
            Ok(text) => {
                println!("{text}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("llama_rant: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let result = fits.and_then(|fits| {
        let (shared, calibrations) =
            parametric(&llama::curves(), fits.besiroglu, keep_unconverged)?;
        {
            // Each model's own curve continuations, fitted once for the tables and the figure.
            let own = LlamaModel::ALL
                .iter()
                .map(|&m| continuations(&llama::curve(m)))
                .collect::<isoflop::Result<Vec<_>>>()?;
            let sched = fits.schedule;
            let r = report(&shared, &own, &sched, calibrations)?;
            if json {
                let text = serde_json::to_string_pretty(&r)?;
                println!("{text}");
            } else {
                print_answer(&r);
                print_compute(&r)?;
                print_losses(&r)?;
                print_verdicts(&r);
                print_schedule_aware(&r);
                print_lifetime(&r.lifetime)?;
            }
            write_figure(&shared, &own, json)
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
