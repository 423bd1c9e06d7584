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
use crate::error::{check, Result};
use crate::fit::schedule_law::{
    fit_schedule_law, ObservedRun, ScheduleFitOptions, ScheduleLawForm,
};
use crate::law::continuation::{ContinuationForm, ContinuationOptions};
use crate::query::Predictor;
use crate::schedule::Schedule;
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
