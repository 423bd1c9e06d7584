//! The half-schedule split: fit on each LLaMA-1 curve up to half its tokens *knowing the
//! full planned schedule*, predict the rest of the curve and its final loss.
//!
//! Split `along-curve@half`: the training part is the curve up to half its last token count
//! (503B tokens for 7B and 13B, 700B for 33B and 65B); the held-out points are the curve
//! every `step` tokens after the cut (medians over ± `halfwidth`) and its end (final loss).
//! Scored side by side on the same points:
//! - the three continuations ([`crate::law::continuation`], fitted on [start, cut] as in the
//!   along-curve splits), which know nothing of the schedule;
//! - the schedule-aware laws ([`crate::fit::schedule_law`]), fitted on the points after
//!   warmup up to the cut and evaluated at each held-out step of the *same* planned cosine:
//!   they see the annealing coming, the continuations do not. Their band is the block
//!   bootstrap of the fit ([`BandKind::CurveBootstrap`]).
//!
//! The errors are what they are: a law that cannot bend enough at the end of one cosine
//! shows it here as a bias.

use super::curve::{along_curve, holdout_points, CurveSplit};
use super::score::{BandKind, Failure, Record};
use crate::band::Band;
use crate::data::curve::LossCurve;
use crate::data::llama::{self, LlamaModel};
use crate::data::schedules::{self, RunSet, ScheduleKind, ScheduledRun};
use crate::error::{check, Result};
use crate::fit::schedule_law::{
    fit_schedule_law, ObservedRun, ScheduleFitOptions, ScheduleLawForm, SharedTerms,
};
use crate::law::continuation::{ContinuationForm, ContinuationOptions};
use crate::law::ScheduleLaw;
use crate::par::*;
use crate::query::Predictor;
use crate::schedule::Schedule;
use crate::schedule::Shape;
use crate::units::Tokens;
use serde::{Deserialize, Serialize};

/// The split's label.
pub const HALF_SPLIT: &str = "along-curve@half";

/// Settings of the half-schedule backtest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HalfScheduleOptions {
    /// Seed of every bootstrap (default 42).
    pub seed: u64,
    /// Continuation bootstrap draws (default 1,000).
    pub curve_draws: usize,
    /// Bootstrap refits of the annealing law (default 100).
    pub annealing_draws: usize,
    /// Bootstrap refits of the multi-power law (default 20: each is a Nelder–Mead refit).
    pub multi_power_draws: usize,
    /// Include the multi-power law (default true; it is the slow one, ~seconds per curve).
    pub multi_power: bool,
    /// Spacing of the held-out points (default 50B tokens).
    pub step: Tokens,
    /// Half-width of the held-out medians and the final-loss window (default 10B tokens).
    pub halfwidth: Tokens,
}

impl Default for HalfScheduleOptions {
    fn default() -> Self {
        HalfScheduleOptions {
            seed: 42,
            curve_draws: 1000,
            annealing_draws: 100,
            multi_power_draws: 20,
            multi_power: true,
            step: Tokens::raw(50e9),
            halfwidth: Tokens::raw(10e9),
        }
    }
}

/// Fits `form` on `curve` up to `cut` under the full `schedule`, predicts `held_out`.
#[allow(clippy::too_many_arguments)]
fn schedule_law_records(
    curve: &LossCurve,
    schedule: &Schedule,
    form: ScheduleLawForm,
    cut: Tokens,
    held_out: &[(Tokens, f64)],
    draws: usize,
    seed: u64,
    level: f64,
) -> Result<Vec<Record>> {
    let run = ObservedRun::new(curve.clone(), schedule.clone())?;
    let opts = ScheduleFitOptions {
        until: Some(cut),
        draws,
        seed,
        ..Default::default()
    };
    let fit = fit_schedule_law(&[run], form, &opts)?;
    let (_, last_fitted) = fit.fitted_range(0)?;
    let law = fit.laws[0];
    let mut losses = Vec::with_capacity(fit.draws.len());
    held_out
        .iter()
        .map(|&(d, observed)| {
            let step = schedule.step_at(d)?;
            let predicted = law.loss(schedule, step)?;
            losses.clear();
            for dr in &fit.draws {
                let l = dr[0].loss(schedule, step)?;
                if l.is_finite() {
                    losses.push(l);
                }
            }
            let band = if losses.len() >= 2 {
                Some(Band::from_draws(&mut losses, level)?)
            } else {
                None
            };
            Ok(Record {
                hypothesis: form.id().to_string(),
                split: HALF_SPLIT.to_string(),
                target: format!("{} at {} tokens", curve.model(), d),
                params: curve.params(),
                tokens: d,
                observed,
                predicted,
                band_kind: if band.is_some() {
                    BandKind::CurveBootstrap
                } else {
                    BandKind::None
                },
                band,
                extrapolation: check::result("extrapolation factor", d.get() / last_fitted.get())?,
            })
        })
        .collect()
}

/// Runs the half-schedule split on the four bundled LLaMA-1 curves with their published
/// schedules ([`llama::schedule`]): the continuations and the schedule-aware laws on the same
/// held-out points. Fits that fail are [`Failure`]s, not errors.
///
/// # Errors
/// A band level outside (0, 1), more than [`MAX_DRAWS`](crate::band::MAX_DRAWS) curve
/// draws, or held-out windows that overlap ([`crate::Error::InvalidValue`]).
pub fn half_schedule(
    options: &HalfScheduleOptions,
    predictor: &mut Predictor,
) -> Result<(Vec<Record>, Vec<Failure>)> {
    crate::band::check_draw_count("continuation bootstrap draws", options.curve_draws)?;
    let level = predictor.level();
    let (mut records, mut failures) = (Vec::new(), Vec::new());
    let fail = |h: &str, target: &str, e: &crate::Error| Failure {
        hypothesis: h.to_string(),
        split: HALF_SPLIT.to_string(),
        target: target.to_string(),
        reason: e.to_string(),
    };
    let cont_opts = ContinuationOptions {
        draws: options.curve_draws,
        seed: options.seed,
        ..Default::default()
    };
    for m in LlamaModel::ALL {
        let curve = llama::curve(m);
        let schedule = llama::schedule(m);
        let cut = curve.last_tokens().scale(0.5)?;
        let split = CurveSplit {
            cut,
            start: None,
            step: options.step,
            halfwidth: options.halfwidth,
        };
        let held_out = holdout_points(&curve, &split)?;
        for form in ContinuationForm::ALL {
            match along_curve(&curve, form, &split, &cont_opts, predictor) {
                Ok(rs) => records.extend(rs.into_iter().map(|mut r| {
                    r.split = HALF_SPLIT.to_string();
                    r
                })),
                Err(e) => failures.push(fail(form.id(), m.name(), &e)),
            }
        }
        let mut forms = vec![(ScheduleLawForm::Annealing, options.annealing_draws)];
        if options.multi_power {
            forms.push((ScheduleLawForm::MultiPower, options.multi_power_draws));
        }
        for (form, draws) in forms {
            match schedule_law_records(
                &curve,
                &schedule,
                form,
                cut,
                &held_out,
                draws,
                options.seed,
                level,
            ) {
                Ok(rs) => records.extend(rs),
                Err(e) => failures.push(fail(form.id(), m.name(), &e)),
            }
        }
    }
    Ok((records, failures))
}

/// What a schedule-transfer fit was trained on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TransferTraining {
    /// The constant run, one cosine run and one WSD run of the model, every parameter
    /// shared (Luo et al. 2025's protocol, their Table 1).
    ThreeSchedules,
    /// One cosine run alone (what a single published curve, like LLaMA's, offers).
    OneCosine,
}

impl TransferTraining {
    /// `three-schedules` or `one-cosine`.
    pub fn name(self) -> &'static str {
        match self {
            TransferTraining::ThreeSchedules => "three-schedules",
            TransferTraining::OneCosine => "one-cosine",
        }
    }
}

/// The predictors of the schedule-transfer backtest, in report order.
pub const TRANSFER_LAWS: [&str; 4] = [
    "multi-power-law",
    "annealing-law",
    "annealing-law@0.999",
    "schedule-blind",
];

/// One predicted curve: a law fitted on a model's training runs, scored on another
/// schedule's curve of the same model (steps after warmup).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransferCurve {
    /// The model (group) label, e.g. `124M sweep, peak 1e-3`.
    pub model: String,
    /// One of [`TRANSFER_LAWS`].
    pub law: String,
    /// What it was trained on.
    pub training: TransferTraining,
    /// The predicted run's upstream name.
    pub run: String,
    /// Points scored.
    pub points: usize,
    /// Mean over the curve's points of |L − L̂| / L (Luo et al.'s PredE for one curve).
    pub pred_e: f64,
    /// Largest |L − L̂| / L on the curve (Luo et al.'s WorstE for one curve).
    pub worst_e: f64,
    /// L̂ − L at the curve's last point (nats/token).
    pub final_error: f64,
}

/// One fit of the schedule-transfer backtest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransferFit {
    /// The model (group) label.
    pub model: String,
    /// One of [`TRANSFER_LAWS`].
    pub law: String,
    /// What it was trained on.
    pub training: TransferTraining,
    /// The fit's status (`Converged`, `AtBound`, ...).
    pub status: String,
    /// Points fitted.
    pub points: usize,
    /// Wall-clock seconds of the fit (whole-process measurement, bootstrap off).
    pub seconds: f64,
}

/// Averages over curves, Luo et al.'s way: PredE and WorstE averaged over the test curves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransferSummary {
    /// `124M sweep`, `Hägele SlimPajama`, `Hägele OpenWebText2` or `all`.
    pub set: String,
    /// One of [`TRANSFER_LAWS`].
    pub law: String,
    /// What it was trained on.
    pub training: TransferTraining,
    /// Curves scored.
    pub curves: usize,
    /// Mean PredE over the curves.
    pub pred_e: f64,
    /// Mean WorstE over the curves.
    pub worst_e: f64,
    /// Curves on which this law's PredE is worse than the schedule-blind one's.
    pub worse_than_blind: usize,
}

/// Run-to-run noise: two runs of the same configuration (Schaipp et al. 2025's reruns
/// against the sweep's run), scored with the same PredE and WorstE.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NoiseFloor {
    /// Pairs of runs compared.
    pub pairs: usize,
    /// Mean PredE of one run "predicting" its rerun.
    pub pred_e: f64,
    /// Mean WorstE.
    pub worst_e: f64,
    /// Root mean square of the final-loss differences (nats/token).
    pub final_rms: f64,
}

/// The schedule-transfer backtest's results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransferReport {
    /// Every predicted curve.
    pub curves: Vec<TransferCurve>,
    /// Every fit.
    pub fits: Vec<TransferFit>,
    /// Per set and overall.
    pub summary: Vec<TransferSummary>,
    /// The run-to-run floor.
    pub noise_floor: NoiseFloor,
}

/// A model of the backtest: a label, its set's label and its runs.
struct TransferGroup {
    model: String,
    set: &'static str,
    runs: Vec<&'static ScheduledRun>,
}

fn transfer_groups() -> Vec<TransferGroup> {
    let mut groups = Vec::new();
    for peak in [1e-4, 5e-4, 1e-3, 2e-3] {
        let runs: Vec<_> = schedules::runs_in(RunSet::Schaipp124MSweep)
            .into_iter()
            .filter(|r| (r.peak_lr() / peak - 1.0).abs() < 1e-6)
            .collect();
        groups.push(TransferGroup {
            model: format!("124M sweep, peak {peak:.0e}"),
            set: "124M sweep",
            runs,
        });
    }
    for (set, label) in [
        (RunSet::HageleSlimPajama, "Hägele SlimPajama"),
        (RunSet::HageleOpenWebText2, "Hägele OpenWebText2"),
    ] {
        let all = schedules::runs_in(set);
        let mut sizes: Vec<f64> = all.iter().map(|r| r.params().get()).collect();
        sizes.sort_by(f64::total_cmp);
        sizes.dedup();
        for n in sizes {
            groups.push(TransferGroup {
                model: format!("{label} {:.0}M", n / 1e6),
                set: label,
                runs: all
                    .iter()
                    .copied()
                    .filter(|r| r.params().get() == n)
                    .collect(),
            });
        }
    }
    groups
}

/// The training runs of a group: (constant, cosine, WSD). The 124M sweep: the constant run,
/// the 25k-step cosine to 10% and the 25k-step WSD with a 20% linear cooldown. Hägele's
/// sizes: the constant run, the middle-length cosine and the shortest WSD.
fn training_runs(g: &TransferGroup) -> Option<[&'static ScheduledRun; 3]> {
    let of = |k: ScheduleKind| -> Vec<&'static ScheduledRun> {
        let mut v: Vec<_> = g.runs.iter().copied().filter(|r| r.kind() == k).collect();
        v.sort_by_key(|r| r.total_steps());
        v
    };
    let constant = *of(ScheduleKind::Constant).first()?;
    let cosines: Vec<_> = of(ScheduleKind::Cosine)
        .into_iter()
        .filter(|r| matches!(r.schedule().shape(), Shape::Cosine { final_fraction } if *final_fraction > 0.05))
        .collect();
    let wsds = of(ScheduleKind::WsdLinear);
    if g.set == "124M sweep" {
        let cosine = *cosines.iter().find(|r| r.total_steps() == 25_000)?;
        let wsd = *wsds.iter().find(|r| {
            r.total_steps() == 25_000
                && matches!(r.schedule().shape(), Shape::Wsd { cooldown_steps, .. } if *cooldown_steps == 5_000)
        })?;
        Some([constant, cosine, wsd])
    } else {
        Some([constant, *cosines.get(cosines.len() / 2)?, *wsds.first()?])
    }
}

fn observed(r: &ScheduledRun) -> Result<ObservedRun> {
    ObservedRun::new(r.curve().clone(), r.schedule().clone())
}

/// PredE, WorstE and the final error of `law` on run `r` under `schedule` (the run's own,
/// or a constant one for the schedule-blind law).
fn score_curve(
    law: &ScheduleLaw,
    r: &ScheduledRun,
    schedule: &Schedule,
) -> Result<(usize, f64, f64, f64)> {
    let (mut sum, mut worst, mut last, mut n) = (0.0, 0.0f64, 0.0, 0usize);
    for &(d, l) in r.curve().points() {
        let step = r.schedule().step_at(d)?;
        if step <= 300 {
            continue;
        }
        let p = law.loss(schedule, step)?;
        let e = (l - p).abs() / l;
        sum += e;
        worst = worst.max(e);
        last = p - l;
        n += 1;
    }
    Ok((n, sum / n.max(1) as f64, worst, last))
}

/// The constant schedule a schedule-blind fit sees in place of every run's own.
fn blind_schedule(g: &TransferGroup) -> Result<Schedule> {
    let longest = g.runs.iter().map(|r| r.total_steps()).max().unwrap_or(1);
    let r0 = g.runs[0];
    Schedule::constant(
        1e-3,
        r0.schedule().warmup_steps(),
        longest,
        r0.schedule().batch_tokens(),
    )
}

/// Runs the schedule-transfer backtest on the bundled multi-schedule runs
/// ([`crate::data::schedules`]): for each 124M peak learning rate of Schaipp et al. 2025's
/// sweep and each size of Hägele et al. 2024, fit each law on the constant, one cosine and
/// one WSD run with every parameter shared ([`SharedTerms::All`]), and on the cosine run
/// alone, then predict every other run of the model; score each predicted curve by
/// Luo et al. 2025's PredE and WorstE (arXiv:2503.12811, Sec. 5: the mean and largest
/// |L − L̂|/L over the curve's points after warmup, steps > 300), and the run-to-run floor
/// from the reruns. The schedule-blind predictor is the annealing law fitted with every
/// run's schedule replaced by a constant one (L0 + A·t^(−α) in steps): what a curve
/// continuation knows. Fits run without bootstrap.
///
/// # Errors
/// A bundled run that cannot be paired with its schedule or a law that cannot be fitted
/// at all (neither happens on the bundled data; statuses other than `Converged` are
/// reported, not errors).
pub fn schedule_transfer() -> Result<TransferReport> {
    let groups = transfer_groups();
    let per_group: Vec<Result<(Vec<TransferCurve>, Vec<TransferFit>)>> =
        groups.par_iter().map(transfer_group).collect();
    let mut curves = Vec::new();
    let mut fits = Vec::new();
    for r in per_group {
        let (c, f) = r?;
        curves.extend(c);
        fits.extend(f);
    }
    let mut summary = Vec::new();
    let sets = [
        "124M sweep",
        "Hägele SlimPajama",
        "Hägele OpenWebText2",
        "all",
    ];
    for set in sets {
        let in_set = |c: &&TransferCurve| {
            set == "all" || groups.iter().any(|g| g.model == c.model && g.set == set)
        };
        for training in [
            TransferTraining::ThreeSchedules,
            TransferTraining::OneCosine,
        ] {
            for law in TRANSFER_LAWS {
                let cs: Vec<&TransferCurve> = curves
                    .iter()
                    .filter(in_set)
                    .filter(|c| c.law == law && c.training == training)
                    .collect();
                if cs.is_empty() {
                    continue;
                }
                let n = cs.len() as f64;
                let worse_than_blind = cs
                    .iter()
                    .filter(|c| {
                        curves.iter().any(|b| {
                            b.law == "schedule-blind"
                                && b.training == training
                                && b.run == c.run
                                && b.model == c.model
                                && b.pred_e < c.pred_e
                        })
                    })
                    .count();
                summary.push(TransferSummary {
                    set: set.to_string(),
                    law: law.to_string(),
                    training,
                    curves: cs.len(),
                    pred_e: cs.iter().map(|c| c.pred_e).sum::<f64>() / n,
                    worst_e: cs.iter().map(|c| c.worst_e).sum::<f64>() / n,
                    worse_than_blind,
                });
            }
        }
    }
    Ok(TransferReport {
        curves,
        fits,
        summary,
        noise_floor: noise_floor()?,
    })
}

fn transfer_group(g: &TransferGroup) -> Result<(Vec<TransferCurve>, Vec<TransferFit>)> {
    let Some(train) = training_runs(g) else {
        return Ok((Vec::new(), Vec::new()));
    };
    let tests: Vec<&ScheduledRun> = g
        .runs
        .iter()
        .copied()
        .filter(|r| !train.iter().any(|t| t.name() == r.name()))
        .collect();
    let blind = blind_schedule(g)?;
    let mut curves = Vec::new();
    let mut fits = Vec::new();
    for training in [
        TransferTraining::ThreeSchedules,
        TransferTraining::OneCosine,
    ] {
        let chosen: Vec<&ScheduledRun> = match training {
            TransferTraining::ThreeSchedules => train.to_vec(),
            TransferTraining::OneCosine => vec![train[1]],
        };
        for law in TRANSFER_LAWS {
            let (form, lambda, blind_fit) = match law {
                "multi-power-law" => (ScheduleLawForm::MultiPower, None, false),
                "annealing-law" => (ScheduleLawForm::Annealing, None, false),
                "annealing-law@0.999" => (ScheduleLawForm::Annealing, Some(0.999), false),
                _ => (ScheduleLawForm::Annealing, Some(0.999), true),
            };
            let runs: Vec<ObservedRun> = chosen
                .iter()
                .map(|r| {
                    if blind_fit {
                        ObservedRun::new(r.curve().clone(), blind.clone())
                    } else {
                        observed(r)
                    }
                })
                .collect::<Result<_>>()?;
            let opts = ScheduleFitOptions {
                draws: 0,
                shared: SharedTerms::All,
                lambda,
                ..Default::default()
            };
            let t0 = std::time::Instant::now();
            let fit = fit_schedule_law(&runs, form, &opts)?;
            let seconds = t0.elapsed().as_secs_f64();
            fits.push(TransferFit {
                model: g.model.clone(),
                law: law.to_string(),
                training,
                status: fit.status.name().to_string(),
                points: fit.diagnostics.points.iter().sum(),
                seconds,
            });
            let fitted = fit.laws[0];
            for r in &tests {
                let schedule = if blind_fit { &blind } else { r.schedule() };
                let (points, pred_e, worst_e, final_error) = score_curve(&fitted, r, schedule)?;
                if points == 0 {
                    continue;
                }
                curves.push(TransferCurve {
                    model: g.model.clone(),
                    law: law.to_string(),
                    training,
                    run: r.name().to_string(),
                    points,
                    pred_e,
                    worst_e,
                    final_error,
                });
            }
        }
    }
    Ok((curves, fits))
}

/// Each rerun of Schaipp et al.'s 124M runs against the sweep's run of the same schedule.
fn noise_floor() -> Result<NoiseFloor> {
    let sweep = schedules::runs_in(RunSet::Schaipp124MSweep);
    let (mut n, mut pe, mut we, mut fin) = (0usize, 0.0, 0.0, 0.0);
    for rerun in schedules::runs_in(RunSet::Schaipp124MReruns) {
        let Some(base) = sweep.iter().find(|s| s.schedule() == rerun.schedule()) else {
            continue;
        };
        let (mut sum, mut worst, mut k) = (0.0, 0.0f64, 0usize);
        let mut last = None;
        for &(d, l) in rerun.curve().points() {
            if rerun.schedule().step_at(d)? <= 300 {
                continue;
            }
            if let Some(&(_, b)) = base.curve().points().iter().find(|p| p.0 == d) {
                let e = (l - b).abs() / l;
                sum += e;
                worst = worst.max(e);
                k += 1;
                last = Some(b - l);
            }
        }
        if k == 0 {
            continue;
        }
        n += 1;
        pe += sum / k as f64;
        we += worst;
        let f: f64 = last.unwrap_or(0.0);
        fin += f * f;
    }
    let m = n.max(1) as f64;
    Ok(NoiseFloor {
        pairs: n,
        pred_e: pe / m,
        worst_e: we / m,
        final_rms: (fin / m).sqrt(),
    })
}
