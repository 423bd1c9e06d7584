//! Backtests: fit each hypothesis on part of the data, predict the part it has not
//! seen, and score point error and band coverage.
//!
//! Three designs of split:
//!
//! | split | training part | held out | hypotheses | function |
//! |---|---|---|---|---|
//! | `along-curve@CUT` | one LLaMA-1 curve on [start, CUT] | the same curve every 50B tokens after CUT, and its end | the three continuations | [`along_curve`] |
//! | `across-models@7B+13B` | final losses of the small models (calibration) | final losses of the large ones | a Chinchilla law, corpus-calibrated | [`across_models`] |
//! | `along-compute@CUT` | Chinchilla runs with 6ND < CUT | the runs at or above CUT | Chinchilla and Kaplan refits | [`chinchilla_along_compute`], [`kaplan_along_compute`] |
//! | `along-curve@half` | one LLaMA-1 curve up to half its tokens, with its full planned schedule | the rest of the curve and its end | continuations and the schedule-aware laws | [`half_schedule`] |
//!
//! Each prediction is a [`Record`] (hypothesis, split, target, observed, predicted
//! point, band, extrapolation factor); a [`Scoreboard`] scores them per hypothesis and
//! split: mean absolute error, worst error, RMSE, bias (mean of predicted − observed,
//! nats/token), coverage of the band at its nominal level, and the median and largest
//! extrapolation factor. [`bundled`] runs every split on the data shipped with the
//! crate; `cargo run --release --example backtest` prints it.
//!
//! ## Which band is scored
//! - Continuations: the moving-block bootstrap band of the curve
//!   ([`crate::law::continuation`]): parameter uncertainty given the fitted points'
//!   autocorrelated noise. Held-out observations are medians over ±10B tokens, whose
//!   own noise is small next to the extrapolation error.
//! - Chinchilla refits along compute: the bootstrap **prediction** band (parameter
//!   draws times one resampled run residual), because each held-out run is one noisy
//!   run, not the mean law ([`mod@crate::fit::bootstrap`]).
//! - Calibrated laws across models: the parameter draws of the Besiroglu et al. 2024
//!   refit, with the calibration offset refitted per draw (a confidence band; it does
//!   not include how far one model's loss sits off the law). Hoffmann et al.'s printed
//!   constants and the Kaplan refit have no draws, hence no band and no coverage.
//!
//! ## The cosine-schedule confound (Hoffmann et al. 2022, App. B)
//! The LLaMA-1 curves are single runs whose learning rate decays on a cosine schedule
//! to 10% of the peak at the run's own end (1.0T or 1.4T tokens). An intermediate point
//! is not the final loss of a run scheduled to end there (Hoffmann et al. 2022,
//! arXiv:2203.15556, App. B). In an along-curve split, the continuation is fitted to
//! the early, high-learning-rate part and scored against the later part, whose shape
//! is driven by the continuing decay (the loss falls faster as the learning rate
//! anneals). So an along-curve backtest measures how well a form extrapolates *this
//! schedule's* curve, not how the final loss of longer runs scales with tokens, which
//! is what the "7B with 65B's compute" question asks. [`schedule_notes`] turns the
//! scoreboard's biases into that statement for the output.

mod compute;
mod curve;
mod models;
mod planned;
mod schedule;
mod score;

pub use compute::{
    along_compute_label, chinchilla_along_compute, kaplan_along_compute, split_by_compute,
    CHINCHILLA_REFIT, KAPLAN_REFIT,
};
pub use curve::{along_curve, default_fit_start, holdout_points, truncate, CurveSplit};
pub use models::{across_models, across_models_label, calibrated_id};
pub use planned::{
    across_sizes, across_sizes_label, matched_pairs, planned_bundled, planned_longer,
    planned_longer_label, MatchedPair, PlannedOptions,
};
pub use schedule::{
    half_schedule, schedule_transfer, HalfScheduleOptions, NoiseFloor, TransferCurve, TransferFit,
    TransferReport, TransferSummary, TransferTraining, HALF_SPLIT, TRANSFER_LAWS,
};
pub use score::{BandKind, Failure, Record, ScoreRow, Scoreboard};

use crate::data::llama::{self, LlamaModel};
use crate::data::{chinchilla, curve::LossCurve};
use crate::error::{check, Error, Result};
use crate::fit::{replication, FitOptions};
use crate::law::continuation::{ContinuationForm, ContinuationOptions};
use crate::law::{calibration::CalibrationMode, ChinchillaHypothesis, LossHypothesis};
use crate::query::Predictor;
use crate::units::{Flops, Tokens};
use serde::{Deserialize, Serialize};

/// Settings of the backtest on the bundled data ([`bundled`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BacktestOptions {
    /// Seed of every bootstrap (continuations use it; Chinchilla bootstraps use it + 1).
    pub seed: u64,
    /// Band level, in (0, 1) (default 0.9).
    pub level: f64,
    /// Moving-block bootstrap draws per continuation fit (default 1,000; at least 2).
    pub curve_draws: usize,
    /// Bootstrap refits per Chinchilla fit (default 200; 0 for no bands).
    pub bootstrap: usize,
    /// Cuts of the along-curve splits (default 200B, 400B, 600B tokens).
    pub curve_cuts: Vec<Tokens>,
    /// Spacing of the held-out curve points (default 50B tokens).
    pub step: Tokens,
    /// Half-width of the window whose median loss is a held-out observation, and of the
    /// final-loss window (default 10B tokens).
    pub halfwidth: Tokens,
    /// Cuts of the along-compute splits (default 1e20 and 1e21 FLOPs).
    pub compute_cuts: Vec<Flops>,
    /// Also refit Kaplan's law along compute (default true).
    pub kaplan: bool,
}

impl Default for BacktestOptions {
    fn default() -> Self {
        BacktestOptions {
            seed: 42,
            level: crate::band::DEFAULT_LEVEL,
            curve_draws: 1000,
            bootstrap: 200,
            curve_cuts: vec![Tokens::raw(200e9), Tokens::raw(400e9), Tokens::raw(600e9)],
            step: Tokens::raw(50e9),
            halfwidth: Tokens::raw(10e9),
            compute_cuts: vec![Flops::raw(1e20), Flops::raw(1e21)],
            kaplan: true,
        }
    }
}

impl BacktestOptions {
    /// Checks the settings before any work: band level in (0, 1), 2 to
    /// [`MAX_DRAWS`](crate::band::MAX_DRAWS) curve draws, at most `MAX_DRAWS` bootstrap
    /// refits, a half-width at most half the step.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] naming the setting.
    ///
    /// # Examples
    /// ```
    /// use isoflop::backtest::BacktestOptions;
    /// assert!(BacktestOptions::default().check().is_ok());
    /// let huge = BacktestOptions { curve_draws: usize::MAX, ..BacktestOptions::default() };
    /// assert!(huge.check().is_err());
    /// ```
    pub fn check(&self) -> Result<()> {
        check::open_unit("band level", self.level)?;
        crate::band::check_band_draws("continuation bootstrap draws", self.curve_draws)?;
        crate::band::check_draw_count("Chinchilla bootstrap refits", self.bootstrap)?;
        if self.halfwidth.get() > self.step.get() / 2.0 {
            return Err(Error::InvalidValue {
                what: "held-out half-width (tokens)",
                value: self.halfwidth.get(),
                allowed: "must be at most half the step",
            });
        }
        Ok(())
    }
}

fn failure(hypothesis: &str, split: &str, target: &str, e: &Error) -> Failure {
    Failure {
        hypothesis: hypothesis.to_string(),
        split: split.to_string(),
        target: target.to_string(),
        reason: e.to_string(),
    }
}

/// Every along-curve split of `curves` at `options.curve_cuts`, for the three
/// continuation forms. A fit that fails (e.g. a power law the window cannot pin down)
/// is recorded as a [`Failure`], not an error.
pub fn curve_records(
    curves: &[LossCurve],
    options: &BacktestOptions,
    predictor: &mut Predictor,
) -> Result<(Vec<Record>, Vec<Failure>)> {
    let fit_opts = ContinuationOptions {
        draws: options.curve_draws,
        seed: options.seed,
        ..Default::default()
    };
    let (mut records, mut failures) = (Vec::new(), Vec::new());
    for &cut in &options.curve_cuts {
        let split = CurveSplit {
            cut,
            start: None,
            step: options.step,
            halfwidth: options.halfwidth,
        };
        for form in ContinuationForm::ALL {
            for c in curves {
                match along_curve(c, form, &split, &fit_opts, predictor) {
                    Ok(r) => records.extend(r),
                    Err(e) => failures.push(failure(form.id(), &split.label(), c.model(), &e)),
                }
            }
        }
    }
    Ok((records, failures))
}

/// Runs every split on the bundled data: the LLaMA-1 curves along each curve, the
/// calibrated Chinchilla laws across the LLaMA-1 models (calibrated on 7B+13B, and on
/// 7B+13B+33B), and the Chinchilla runs (Epoch AI digitisation, 240 runs of the
/// replication) along compute. Reproducible from `options.seed`.
///
/// Errors on invalid options (level outside (0, 1), fewer than 2 curve draws, a
/// half-width above half the step); individual fits that fail are listed in
/// [`Scoreboard::failures`].
pub fn bundled(options: &BacktestOptions) -> Result<Scoreboard> {
    options.check()?;
    let mut predictor = Predictor::new(options.level)?;
    let curves = llama::curves();
    let (mut records, mut failures) = curve_records(&curves, options, &mut predictor)?;

    // Across models: a Chinchilla law calibrated on the small models' final losses.
    let refit = replication::besiroglu2024(options.bootstrap, options.seed.wrapping_add(1))?;
    let inners = [refit, ChinchillaHypothesis::hoffmann2022()];
    let pick =
        |ms: &[LlamaModel]| -> Vec<LossCurve> { ms.iter().map(|&m| llama::curve(m)).collect() };
    use LlamaModel::*;
    let designs = [
        (pick(&[Llama7B, Llama13B]), pick(&[Llama33B, Llama65B])),
        (pick(&[Llama7B, Llama13B, Llama33B]), pick(&[Llama65B])),
    ];
    for inner in &inners {
        for mode in [CalibrationMode::Offset, CalibrationMode::OffsetAndScale] {
            for (cal, targets) in &designs {
                match across_models(
                    cal,
                    targets,
                    Box::new(inner.clone()),
                    mode,
                    options.halfwidth,
                    &mut predictor,
                ) {
                    Ok(r) => records.extend(r),
                    Err(e) => failures.push(failure(
                        &calibrated_id(&inner.id(), mode),
                        &across_models_label(cal),
                        "final losses",
                        &e,
                    )),
                }
            }
        }
    }

    // Along compute: the Chinchilla runs.
    let runs = chinchilla::replication_runs();
    for &cut in &options.compute_cuts {
        let label = along_compute_label(cut);
        match chinchilla_along_compute(
            &runs,
            cut,
            &FitOptions::default(),
            options.bootstrap,
            options.seed.wrapping_add(1),
            options.level,
        ) {
            Ok(r) => records.extend(r),
            Err(e) => failures.push(failure(CHINCHILLA_REFIT, &label, "runs above the cut", &e)),
        }
        if options.kaplan {
            match kaplan_along_compute(&runs, cut) {
                Ok(r) => records.extend(r),
                Err(e) => failures.push(failure(KAPLAN_REFIT, &label, "runs above the cut", &e)),
            }
        }
    }
    Scoreboard::new(records, failures)
}

/// What the along-curve scores mean under the cosine-schedule confound, from the
/// board's own biases: one sentence per continuation form scored (its bias per cut and
/// what the sign says), then the caveat for the continuations (see the module docs).
/// Empty if the board has no along-curve rows.
pub fn schedule_notes(board: &Scoreboard) -> Vec<String> {
    let mut notes = Vec::new();
    for form in ContinuationForm::ALL {
        let rows: Vec<&ScoreRow> = board
            .rows
            .iter()
            .filter(|r| r.hypothesis == form.id() && r.split.starts_with("along-curve@"))
            .collect();
        if rows.is_empty() {
            continue;
        }
        let per_cut: Vec<String> = rows
            .iter()
            .map(|r| {
                format!(
                    "{} {:+.3}",
                    r.split.trim_start_matches("along-curve@"),
                    r.bias
                )
            })
            .collect();
        let n: usize = rows.iter().map(|r| r.predictions).sum();
        let bias = rows
            .iter()
            .map(|r| r.bias * r.predictions as f64)
            .sum::<f64>()
            / n as f64;
        let dir = if bias > 0.0 {
            "over-predicts the later loss: the held-out part fell faster than the early shape implies, as the learning rate kept decaying"
        } else {
            "under-predicts the later loss: the early slope promises more than the curve delivered, despite the decaying learning rate helping the held-out part"
        };
        notes.push(format!(
            "{}: fitted before the cut it {dir} (bias by cut: {}; nats).",
            form.id(),
            per_cut.join(", ")
        ));
    }
    if !notes.is_empty() {
        // "7B with 65B's compute": the tokens multiple the question asks a 7B curve to reach.
        let (small, large) = (LlamaModel::Llama7B, LlamaModel::Llama65B);
        let reach = large.params().get() * large.trained_tokens().get()
            / (small.params().get() * small.trained_tokens().get());
        let longest = board
            .rows
            .iter()
            .filter(|r| r.split.starts_with("along-curve@"))
            .map(|r| r.max_extrapolation)
            .fold(0.0_f64, f64::max);
        notes.push(format!("Schedule confound (Hoffmann et al. 2022, App. B): each LLaMA-1 curve is one cosine-scheduled run, so the held-out points are intermediate points of the same run, whose learning rate keeps decaying to 10% of the peak at its end. These scores measure how a form extrapolates this schedule's curve, up to {longest:.1}x the fitted tokens; they do not test how the final losses of longer-scheduled runs scale. A continuation of the whole 1T curve of LLaMA-7B to the 65B's compute ({reach:.1}x its tokens) carries that run's mix of data gains and annealing gains into a run that would anneal on its own schedule; nothing here can check that."));
    }
    notes
}

/// How the bands' coverage compares with their nominal level, one sentence per band
/// kind on the board (bands that cover far less than their level are too narrow for
/// the error the backtest saw). Empty if no row has a band.
pub fn band_notes(board: &Scoreboard) -> Vec<String> {
    let kinds = [
        (
            BandKind::CurveBootstrap,
            "curve continuations' block-bootstrap bands",
        ),
        (
            BandKind::Confidence,
            "calibrated laws' parameter (confidence) bands",
        ),
        (BandKind::Prediction, "Chinchilla refits' prediction bands"),
    ];
    let mut notes = Vec::new();
    for (kind, what) in kinds {
        let rows: Vec<&ScoreRow> = board.rows.iter().filter(|r| r.band_kind == kind).collect();
        let (Some(lo), Some(hi), Some(level)) = (
            rows.iter().filter_map(|r| r.coverage).reduce(f64::min),
            rows.iter().filter_map(|r| r.coverage).reduce(f64::max),
            rows.iter().filter_map(|r| r.level).reduce(f64::max),
        ) else {
            continue;
        };
        let verdict = if hi < level - 0.1 {
            "too narrow; widen them by the backtest's errors before trusting them"
        } else {
            "roughly calibrated"
        };
        let covered = if (hi - lo).abs() < 5e-3 {
            format!("{:.0}%", 100.0 * lo)
        } else {
            format!("{:.0}-{:.0}%", 100.0 * lo, 100.0 * hi)
        };
        notes.push(format!(
            "The {what} covered {covered} of held-out values against a nominal {:.0}%: {verdict}.",
            100.0 * level
        ));
    }
    notes
}
