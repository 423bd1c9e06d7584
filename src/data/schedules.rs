//! Real training runs of one model size under several learning-rate schedules, shipped
//! inside the crate.
//!
//! **Source.** Validation-loss logs of Llama-style models (RMSNorm, SwiGLU, rotary; GPT-2
//! tokenizer, sequence length 512, AdamW (0.9, 0.95), weight decay 0.1) from 33M to 360M
//! parameters, published with two papers:
//! - Hägele, Bakouch, Kosson, Ben Allal, Von Werra, Jaggi 2024, "Scaling Laws and
//!   Compute-Optimal Training Beyond Fixed Training Durations", NeurIPS 2024,
//!   arXiv:2405.18392: eight sizes on SlimPajama (and three on OpenWebText2), each trained
//!   with a cosine schedule at three lengths, warmup-stable-decay (WSD, 20% linear
//!   cooldown) at two lengths, and one constant run.
//! - Schaipp, Hägele, Taylor, Simsekli, Bach 2025, "The Surprising Agreement Between Convex
//!   Optimization Theory and Learning-Rate Scheduling for Large Model Training", ICML 2025,
//!   arXiv:2501.18965: a 124M sweep over peak learning rates and schedules, 30 independent
//!   reruns (the run-to-run noise of a final loss: about 0.001-0.0025 nats), a 210M set and
//!   horizon extensions to 100k-200k steps.
//!
//! The logs are the authors' Weights & Biases exports (MIT licence, copyright 2025 Fabian
//! Schaipp and Alexander Hägele; `data/schedules/LICENSE`, shipped with the crate).
//! `data/schedules/SOURCE.md` gives the provenance, and
//! `python3 scripts/schedules_compact.py UPSTREAM_DIR` rebuilds the two bundled CSVs
//! from the upstream export byte for byte. Nothing is smoothed or synthesised.
//!
//! **Schedules.** Each run's [`Schedule`] is rebuilt from its logged configuration: a
//! 300-step warmup, then constant, cosine to `end_lr` (10% of the peak, or 1e-7 for the
//! cosine-to-zero runs), WSD with a linear or 1-sqrt cooldown to zero, or the two-stage
//! horizon extension (peak, a lower constant level, then a linear cooldown) as an explicit
//! per-step list. isoflop's warmup rises linearly from zero where the runs rose from 1% of
//! the peak (linearly, or along a cosine for the cosine runs): over 300 of 3,000-200,000
//! steps this moves the forward area S1 by under 0.1%, and the warmup points are left out
//! of [`ScheduledRun::curve`] (the authors' own analyses drop them too).
//!
//! **What the numbers are.** Validation loss (nats/token, GPT-2 tokenizer) on 32 batches of
//! 50 x 512 tokens, every 200 steps, unsmoothed; batch 102,400 tokens per step (204,800
//! for the 360M runs marked `bs50x4` upstream), derived from the configurations. Losses on
//! SlimPajama and OpenWebText2 are not on one scale, nor on LLaMA's or MassiveText's.
//!
//! ```
//! use isoflop::data::schedules::{self, RunSet, ScheduleKind};
//! let runs = schedules::runs();
//! assert_eq!(runs.len(), 235);
//! // The 33M model of Hägele et al.: cosine runs of 3,000, 7,000 and 10,000 steps.
//! let mut cosines: Vec<_> = runs
//!     .iter()
//!     .filter(|r| r.run_set() == RunSet::HageleSlimPajama && r.kind() == ScheduleKind::Cosine)
//!     .filter(|r| r.params().get() < 4e7)
//!     .map(|r| r.total_steps())
//!     .collect();
//! cosines.sort_unstable();
//! assert_eq!(cosines, [3_000, 7_000, 10_000]);
//! # Ok::<(), isoflop::Error>(())
//! ```

use super::curve::LossCurve;
use crate::error::{Error, Result};
use crate::schedule::{Cooldown, Schedule, Shape};
use crate::units::{Params, Tokens};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::OnceLock;

const RUNS_CSV: &str = include_str!("../../data/schedules/runs.csv");
const CURVES_CSV: &str = include_str!("../../data/schedules/curves.csv");

/// The published set a run belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum RunSet {
    /// Hägele et al. 2024 on SlimPajama: 8 sizes (33M-360M), cosine at three lengths, WSD
    /// at two, one constant run each.
    HageleSlimPajama,
    /// Hägele et al. 2024 on OpenWebText2: 60M, 93M and 166M, the same design.
    HageleOpenWebText2,
    /// Schaipp et al. 2025: a 124M model over peak rates 1e-4 to 5e-3 and many schedules.
    Schaipp124MSweep,
    /// Schaipp et al. 2025: 30 independent reruns of 50k-step 124M runs (noise floor).
    Schaipp124MReruns,
    /// Schaipp et al. 2025, Figure 1: 210M, cosine and WSD at three lengths, constant base.
    Schaipp210MFig1,
    /// Schaipp et al. 2025: a 124M WSD run extended to 100k or 200k steps.
    SchaippHorizon124M,
    /// Schaipp et al. 2025: a 209M WSD run extended to 100k or 200k steps.
    SchaippHorizon209M,
}

impl RunSet {
    /// Every set, in the order of the bundled table.
    pub const ALL: [RunSet; 7] = [
        RunSet::HageleSlimPajama,
        RunSet::HageleOpenWebText2,
        RunSet::Schaipp124MSweep,
        RunSet::Schaipp124MReruns,
        RunSet::Schaipp210MFig1,
        RunSet::SchaippHorizon124M,
        RunSet::SchaippHorizon209M,
    ];

    /// The set's name in the upstream export, e.g. `hagele2024_scaling_slimpajama`.
    pub fn name(self) -> &'static str {
        match self {
            RunSet::HageleSlimPajama => "hagele2024_scaling_slimpajama",
            RunSet::HageleOpenWebText2 => "hagele2024_scaling_openwebtext2",
            RunSet::Schaipp124MSweep => "schaipp_124M_sweep",
            RunSet::Schaipp124MReruns => "schaipp_124M_gradnorm_reruns",
            RunSet::Schaipp210MFig1 => "schaipp_210M_fig1",
            RunSet::SchaippHorizon124M => "schaipp_horizon_124M",
            RunSet::SchaippHorizon209M => "schaipp_horizon_209M",
        }
    }

    /// The set named `name` (its upstream name).
    ///
    /// # Errors
    /// [`Error::UnknownName`] for any other name.
    ///
    /// # Examples
    /// ```
    /// use isoflop::data::schedules::RunSet;
    /// assert_eq!(RunSet::from_name("schaipp_124M_sweep")?, RunSet::Schaipp124MSweep);
    /// assert!(RunSet::from_name("sweep").is_err());
    /// # Ok::<(), isoflop::Error>(())
    /// ```
    pub fn from_name(name: &str) -> Result<RunSet> {
        RunSet::ALL
            .into_iter()
            .find(|s| s.name() == name)
            .ok_or_else(|| Error::UnknownName {
                what: "run set",
                name: name.chars().take(80).collect(),
                known: RunSet::ALL.map(RunSet::name).join(", "),
            })
    }
}

impl fmt::Display for RunSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The learning-rate schedule family of a run, as the authors named it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum ScheduleKind {
    /// Warmup, then the peak rate to the end (no cooldown).
    Constant,
    /// Warmup, then a cosine to the run's final rate.
    Cosine,
    /// Warmup-stable-decay with a linear cooldown to zero.
    WsdLinear,
    /// Warmup-stable-decay with a 1-sqrt cooldown to zero.
    WsdSqrt,
    /// Peak, then a lower constant level, then a linear cooldown to zero.
    WsdTwoStage,
}

impl ScheduleKind {
    /// The upstream name: `constant`, `cosine`, `wsd_linear`, `wsd_sqrt`, `wsd_twostage`.
    pub fn name(self) -> &'static str {
        match self {
            ScheduleKind::Constant => "constant",
            ScheduleKind::Cosine => "cosine",
            ScheduleKind::WsdLinear => "wsd_linear",
            ScheduleKind::WsdSqrt => "wsd_sqrt",
            ScheduleKind::WsdTwoStage => "wsd_twostage",
        }
    }

    fn from_name(name: &str) -> Result<ScheduleKind> {
        [
            ScheduleKind::Constant,
            ScheduleKind::Cosine,
            ScheduleKind::WsdLinear,
            ScheduleKind::WsdSqrt,
            ScheduleKind::WsdTwoStage,
        ]
        .into_iter()
        .find(|k| k.name() == name)
        .ok_or_else(|| Error::UnknownName {
            what: "schedule kind",
            name: name.chars().take(80).collect(),
            known: "constant, cosine, wsd_linear, wsd_sqrt, wsd_twostage".into(),
        })
    }
}

impl fmt::Display for ScheduleKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One real training run: its model size, its schedule as an isoflop [`Schedule`], and its
/// validation-loss curve.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScheduledRun {
    name: String,
    run_set: RunSet,
    params: Params,
    dataset: String,
    kind: ScheduleKind,
    schedule: Schedule,
    curve: LossCurve,
    full_curve: LossCurve,
}

impl ScheduledRun {
    /// The run's upstream name, e.g. `schaipp2025/sl/33M_slimpajama_cosine_lr0.002_T3000`.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The published set it belongs to.
    pub fn run_set(&self) -> RunSet {
        self.run_set
    }
    /// Total parameters (embeddings included).
    pub fn params(&self) -> Params {
        self.params
    }
    /// The training and validation corpus: `slimpajama`, `openwebtext2` or
    /// `slimpajama_chunk1`.
    pub fn dataset(&self) -> &str {
        &self.dataset
    }
    /// The schedule family.
    pub fn kind(&self) -> ScheduleKind {
        self.kind
    }
    /// The schedule, rebuilt from the run's configuration (see the module docs).
    pub fn schedule(&self) -> &Schedule {
        &self.schedule
    }
    /// The peak learning rate.
    pub fn peak_lr(&self) -> f64 {
        self.schedule.peak_lr()
    }
    /// The planned number of steps.
    pub fn total_steps(&self) -> u64 {
        self.schedule.total_steps()
    }
    /// The validation-loss curve after warmup (steps > the warmup steps), tokens = step x
    /// batch.
    pub fn curve(&self) -> &LossCurve {
        &self.curve
    }
    /// Every logged point, warmup and step 0 included.
    pub fn full_curve(&self) -> &LossCurve {
        &self.full_curve
    }
    /// The last logged validation loss (the run's final loss where its log reaches its
    /// last step).
    pub fn final_loss(&self) -> f64 {
        self.curve.points().last().map_or(f64::NAN, |p| p.1)
    }
    /// Training tokens of the whole planned run (total steps x batch).
    pub fn planned_tokens(&self) -> Tokens {
        self.schedule.total_tokens()
    }
}

impl fmt::Display for ScheduledRun {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({}, {} params, {} {} steps at peak {:.0e}, final loss {:.4})",
            self.name,
            self.run_set,
            self.params,
            self.kind,
            self.schedule.total_steps(),
            self.schedule.peak_lr(),
            self.final_loss()
        )
    }
}

/// One run's configuration as the bundled table and the upstream export state it.
struct Spec<'a> {
    name: &'a str,
    run_set: RunSet,
    params: f64,
    dataset: &'a str,
    kind: ScheduleKind,
    peak_lr: f64,
    end_lr: f64,
    warmup_steps: u64,
    decay_start_step: Option<u64>,
    /// The two-stage schedule's (first drop step, lower level).
    stage: Option<(u64, f64)>,
    total_steps: u64,
    batch_tokens: f64,
}

impl Spec<'_> {
    fn schedule(&self) -> Result<Schedule> {
        let batch = Tokens::new(self.batch_tokens)?;
        let (w, t, peak) = (self.warmup_steps, self.total_steps, self.peak_lr);
        let cooldown_steps = || -> Result<u64> {
            let start = self
                .decay_start_step
                .ok_or_else(|| missing(self.name, "decay start"))?;
            t.checked_sub(start)
                .ok_or_else(|| missing(self.name, "decay start before the end"))
        };
        match self.kind {
            ScheduleKind::Constant => Schedule::new(peak, w, t, Shape::Constant, batch),
            ScheduleKind::Cosine => Schedule::new(
                peak,
                w,
                t,
                Shape::Cosine {
                    final_fraction: self.end_lr / peak,
                },
                batch,
            ),
            ScheduleKind::WsdLinear | ScheduleKind::WsdSqrt => Schedule::new(
                peak,
                w,
                t,
                Shape::Wsd {
                    cooldown_steps: cooldown_steps()?,
                    final_fraction: self.end_lr / peak,
                    cooldown: if self.kind == ScheduleKind::WsdSqrt {
                        Cooldown::OneMinusSqrt
                    } else {
                        Cooldown::Linear
                    },
                },
                batch,
            ),
            ScheduleKind::WsdTwoStage => {
                let (drop, level) = self.stage.ok_or_else(|| missing(self.name, "stage"))?;
                let decay = t - cooldown_steps()?;
                let lrs = (1..=t)
                    .map(|j| {
                        if j <= w {
                            peak * j as f64 / w as f64
                        } else if j <= drop {
                            peak
                        } else if j <= decay {
                            level
                        } else {
                            level * (t - j) as f64 / (t - decay) as f64
                        }
                    })
                    .collect();
                Schedule::explicit(lrs, w, batch)
            }
        }
    }

    fn build(&self, points: &[(u64, f64)]) -> Result<ScheduledRun> {
        let schedule = self.schedule()?;
        let params = Params::new(self.params)?;
        let to_points = |keep: &dyn Fn(u64) -> bool| -> Result<Vec<(Tokens, f64)>> {
            points
                .iter()
                .filter(|p| keep(p.0))
                .map(|&(s, l)| Ok((Tokens::new(s as f64 * self.batch_tokens)?, l)))
                .collect()
        };
        let w = self.warmup_steps;
        let curve = LossCurve::new(self.name, params, to_points(&|s| s > w)?)?;
        let full_curve = LossCurve::new(self.name, params, to_points(&|s| s > 0)?)?;
        Ok(ScheduledRun {
            name: self.name.to_string(),
            run_set: self.run_set,
            params,
            dataset: self.dataset.to_string(),
            kind: self.kind,
            schedule,
            curve,
            full_curve,
        })
    }
}

fn missing(run: &str, what: &str) -> Error {
    Error::NotApplicable {
        what: format!("schedule of run {run:?}"),
        reason: format!("its configuration has no valid {what}"),
    }
}

fn field<'a>(fields: &[&'a str], i: usize, row: usize) -> Result<&'a str> {
    fields.get(i).copied().ok_or_else(|| Error::Parse {
        what: "a bundled schedule-run row",
        input: format!("row {row}"),
        reason: format!("it has {} fields, expected more than {i}", fields.len()),
    })
}

fn number(text: &str, what: &'static str) -> Result<f64> {
    text.parse::<f64>().map_err(|e| Error::Parse {
        what,
        input: text.chars().take(40).collect(),
        reason: e.to_string(),
    })
}

fn parse_bundled() -> Result<Vec<ScheduledRun>> {
    let mut points: Vec<Vec<(u64, f64)>> = Vec::new();
    for (i, line) in CURVES_CSV.lines().enumerate().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let id = number(field(&f, 0, i)?, "run id")? as usize;
        let step = number(field(&f, 1, i)?, "step")? as u64;
        let loss = number(field(&f, 2, i)?, "validation loss")?;
        if points.len() <= id {
            points.resize_with(id + 1, Vec::new);
        }
        points[id].push((step, loss));
    }
    let mut runs = Vec::new();
    for (i, line) in RUNS_CSV.lines().enumerate().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let int = |k: usize| -> Result<u64> { Ok(number(field(&f, k, i)?, "step count")? as u64) };
        let opt = |k: usize| -> Result<Option<u64>> {
            let t = field(&f, k, i)?;
            if t.is_empty() {
                Ok(None)
            } else {
                int(k).map(Some)
            }
        };
        let id = int(0)? as usize;
        let stage = match (opt(10)?, field(&f, 11, i)?) {
            (Some(s), lr) if !lr.is_empty() => Some((s, number(lr, "stage learning rate")?)),
            _ => None,
        };
        let spec = Spec {
            name: field(&f, 2, i)?,
            run_set: RunSet::from_name(field(&f, 1, i)?)?,
            params: number(field(&f, 3, i)?, "parameter count")?,
            dataset: field(&f, 4, i)?,
            kind: ScheduleKind::from_name(field(&f, 5, i)?)?,
            peak_lr: number(field(&f, 6, i)?, "peak learning rate")?,
            end_lr: number(field(&f, 7, i)?, "final learning rate")?,
            warmup_steps: int(8)?,
            decay_start_step: opt(9)?,
            stage,
            total_steps: int(12)?,
            batch_tokens: number(field(&f, 13, i)?, "batch size in tokens")?,
        };
        let pts = points.get(id).map_or(&[][..], Vec::as_slice);
        runs.push(spec.build(pts)?);
    }
    Ok(runs)
}

/// Every bundled run (235: Hägele et al. 2024 and Schaipp et al. 2025), in the order of the
/// upstream export. Parsed once, on first use (a few milliseconds).
///
/// # Examples
/// ```
/// use isoflop::data::schedules::{self, RunSet};
/// let reruns = schedules::runs_in(RunSet::Schaipp124MReruns);
/// assert_eq!(reruns.len(), 30);
/// assert!(reruns.iter().all(|r| r.total_steps() == 50_000));
/// ```
pub fn runs() -> &'static [ScheduledRun] {
    static RUNS: OnceLock<Vec<ScheduledRun>> = OnceLock::new();
    RUNS.get_or_init(|| parse_bundled().expect("the bundled schedule runs are valid (tested)"))
}

/// The bundled runs of one set.
pub fn runs_in(set: RunSet) -> Vec<&'static ScheduledRun> {
    runs().iter().filter(|r| r.run_set() == set).collect()
}

/// Loads runs from the upstream export's `curves.csv` (columns `model_or_run, params,
/// schedule, peak_lr, warmup_steps, total_steps, batch_tokens, step, tokens, loss, lr,
/// loss_kind, end_lr, decay_start_step, run_set`; see `data/schedules/SOURCE.md`), for the
/// full files or your own runs written the same way. A two-stage run's lower level is read
/// from the logged `lr` after step 40,000 (the branch point of Schaipp et al.'s horizon
/// runs) and before the cooldown.
///
/// # Errors
/// [`Error::Csv`] for unreadable CSV, [`Error::Parse`] naming the row and column of a bad
/// number, [`Error::UnknownName`] for an unknown run set or schedule, and the
/// [`Schedule`] and [`LossCurve`] constructors' errors for a run they refuse.
///
/// # Examples
/// ```
/// use isoflop::data::schedules;
/// let csv = "model_or_run,params,schedule,peak_lr,warmup_steps,total_steps,batch_tokens,step,tokens,loss,lr,loss_kind,end_lr,decay_start_step,run_set
/// m,1e8,cosine,0.001,300,1000,102400,400,40960000,4.1,,val,0.0001,300,schaipp_124M_sweep
/// m,1e8,cosine,0.001,300,1000,102400,1000,102400000,3.9,,val,0.0001,300,schaipp_124M_sweep
/// ";
/// let runs = schedules::from_upstream_csv_reader(csv.as_bytes())?;
/// assert_eq!(runs[0].final_loss(), 3.9);
/// assert!(schedules::from_upstream_csv_reader("model_or_run\nx\n".as_bytes()).is_err());
/// # Ok::<(), isoflop::Error>(())
/// ```
#[cfg(feature = "csv")]
#[cfg_attr(docsrs, doc(cfg(feature = "csv")))]
pub fn from_upstream_csv_reader(reader: impl std::io::Read) -> Result<Vec<ScheduledRun>> {
    let mut rdr = csv::Reader::from_reader(reader);
    let headers = rdr.headers()?.clone();
    let col = |name: &'static str| -> Result<usize> {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| Error::Parse {
                what: "a schedule-runs CSV header",
                input: headers.iter().take(20).collect::<Vec<_>>().join(","),
                reason: format!("it has no column {name:?}"),
            })
    };
    let names = [
        "model_or_run",
        "params",
        "schedule",
        "peak_lr",
        "warmup_steps",
        "total_steps",
        "batch_tokens",
        "step",
        "loss",
        "lr",
        "end_lr",
        "decay_start_step",
        "run_set",
    ];
    let idx = names.map(col);
    let mut cols = [0usize; 13];
    for (c, i) in cols.iter_mut().zip(idx) {
        *c = i?;
    }
    // One entry per run, in order of first appearance: its first row and its points.
    type Steps = Vec<(u64, f64)>;
    let mut order: Vec<(csv::StringRecord, Steps, Steps)> = Vec::new();
    let mut index = std::collections::HashMap::new();
    for (row, rec) in rdr.records().enumerate() {
        let rec = rec?;
        let get = |k: usize| rec.get(cols[k]).unwrap_or("");
        let num = |k: usize| -> Result<f64> {
            get(k).parse::<f64>().map_err(|e| Error::Parse {
                what: "a number in a schedule-runs CSV",
                input: get(k).chars().take(40).collect(),
                reason: format!("row {} column {:?}: {e}", row + 2, names[k]),
            })
        };
        let step = num(7)?;
        let loss = num(8)?;
        let lr = get(9).parse::<f64>().ok();
        let name = get(0).to_string();
        let k = *index.entry(name).or_insert_with(|| {
            order.push((rec.clone(), Vec::new(), Vec::new()));
            order.len() - 1
        });
        if !(step.is_finite() && step >= 0.0) {
            return Err(Error::Parse {
                what: "a step in a schedule-runs CSV",
                input: get(7).chars().take(40).collect(),
                reason: format!("row {}: a step must be a whole number >= 0", row + 2),
            });
        }
        order[k].1.push((step as u64, loss));
        if let Some(lr) = lr {
            order[k].2.push((step as u64, lr));
        }
    }
    order
        .iter()
        .map(|(first, points, lrs)| {
            let get = |k: usize| first.get(cols[k]).unwrap_or("");
            let num = |k: usize| number(get(k), names[k]);
            let int = |k: usize| -> Result<u64> { Ok(num(k)? as u64) };
            let kind = ScheduleKind::from_name(get(2))?;
            let decay_start_step = if get(11).is_empty() {
                None
            } else {
                Some(int(11)?)
            };
            let stage = if kind == ScheduleKind::WsdTwoStage {
                let decay = decay_start_step.unwrap_or(0);
                lrs.iter()
                    .find(|&&(s, _)| s > 40_000 && s < decay)
                    .map(|&(_, lr)| (40_000, lr))
            } else {
                None
            };
            Spec {
                name: get(0),
                run_set: RunSet::from_name(get(12))?,
                params: num(1)?,
                dataset: "unstated",
                kind,
                peak_lr: num(3)?,
                end_lr: num(10)?,
                warmup_steps: int(4)?,
                decay_start_step,
                stage,
                total_steps: int(5)?,
                batch_tokens: num(6)?,
            }
            .build(points)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_run_parses() {
        let runs = parse_bundled().unwrap();
        assert_eq!(runs.len(), 235);
        let points: usize = runs.iter().map(|r| r.full_curve().len()).sum();
        // 43,468 logged points upstream, of which the step-0 points are not on a curve.
        let zeros = CURVES_CSV
            .lines()
            .filter(|l| l.split(',').nth(1) == Some("0"))
            .count();
        assert_eq!(points + zeros, 43_468);
    }
}
