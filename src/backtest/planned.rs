//! Backtests on runs that were actually planned longer: the rant's question at small
//! scale, with the answer measured (Hägele et al. 2024, arXiv:2405.18392; Schaipp et al.
//! 2025, arXiv:2501.18965; the runs are [`crate::data::schedules`]).
//!
//! | split | fitted on | predicts | hypotheses |
//! |---|---|---|---|
//! | `planned-longer:DATASET` | the shortest cosine run of a size, with its schedule | the final loss of that size's longer cosine runs (1.4-3.3x the tokens) | the three continuations; the annealing law planned on the longer run's cosine |
//! | `across-sizes:DATASET` | final losses of every cosine and WSD run of the smaller half of the sizes | the final losses of the larger half's runs | Chinchilla's law calibrated by an offset, or an offset and a scale |
//!
//! [`matched_compute`] then asks the rant's own question of the planned-longer records:
//! a smaller size trained longer against a larger size's observed run at about the same
//! compute: which ends lower?

use super::score::{BandKind, Failure, Record};
use super::{across_models, calibrated_id};
use crate::band::Band;
use crate::data::schedules::{ScheduleKind, ScheduledRun};
use crate::error::{check, Result};
use crate::fit::schedule_law::{
    fit_schedule_law, ObservedRun, ScheduleFitOptions, ScheduleLawForm,
};
use crate::law::calibration::CalibrationMode;
use crate::law::continuation::{Continuation, ContinuationForm, ContinuationOptions};
use crate::law::{ChinchillaHypothesis, LossHypothesis};
use crate::query::Predictor;
use crate::units::Tokens;
use serde::{Deserialize, Serialize};

/// The label of the planned-longer split of one dataset, e.g. `planned-longer:slimpajama`.
pub fn planned_longer_label(dataset: &str) -> String {
    format!("planned-longer:{dataset}")
}

/// The label of the across-sizes split of one dataset, e.g. `across-sizes:slimpajama`.
pub fn across_sizes_label(dataset: &str) -> String {
    format!("across-sizes:{dataset}")
}

/// Settings of the planned-longer and across-sizes backtests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlannedOptions {
    /// Seed of every bootstrap (default 42).
    pub seed: u64,
    /// Continuation bootstrap draws (default 1,000).
    pub curve_draws: usize,
    /// Bootstrap refits of the annealing law (default 50; 0 for no band).
    pub annealing_draws: usize,
    /// The continuations' fit window starts at this fraction of the fitted run's tokens
    /// (default 0.5: the later half, as the along-curve splits).
    pub fit_start_fraction: f64,
}

impl Default for PlannedOptions {
    fn default() -> Self {
        PlannedOptions {
            seed: 42,
            curve_draws: 1000,
            annealing_draws: 50,
            fit_start_fraction: 0.5,
        }
    }
}

/// Groups `runs` by (dataset, size): each size's cosine runs, shortest first.
fn cosine_families<'a>(runs: &[&'a ScheduledRun]) -> Vec<Vec<&'a ScheduledRun>> {
    let mut fams: Vec<Vec<&ScheduledRun>> = Vec::new();
    for r in runs.iter().filter(|r| r.kind() == ScheduleKind::Cosine) {
        match fams.iter_mut().find(|f| {
            f[0].dataset() == r.dataset()
                && f[0].params() == r.params()
                && f[0].peak_lr() == r.peak_lr()
        }) {
            Some(f) => f.push(r),
            None => fams.push(vec![r]),
        }
    }
    for f in &mut fams {
        f.sort_by_key(|r| r.total_steps());
    }
    fams.retain(|f| f.len() >= 2);
    fams
}

fn record(
    hypothesis: &str,
    split: &str,
    target: &ScheduledRun,
    predicted: f64,
    band: Option<Band>,
    band_kind: BandKind,
    extrapolation: f64,
) -> Result<Record> {
    Ok(Record {
        hypothesis: hypothesis.to_string(),
        split: split.to_string(),
        target: format!("{} final loss", target.name()),
        params: target.params(),
        tokens: target.planned_tokens(),
        observed: target.final_loss(),
        predicted,
        band,
        band_kind,
        extrapolation: check::result("extrapolation factor", extrapolation)?,
    })
}

/// The planned-longer split: per (dataset, size, peak rate), fit every hypothesis to the
/// shortest cosine run (with its schedule) and predict the final loss of each longer
/// cosine run of that size. The continuations continue the short run's curve; the
/// annealing law (Tissue et al. 2024) is re-planned on the longer run's own cosine.
///
/// # Errors
/// An invalid level of `predictor`'s band is caught earlier; fits that fail are
/// [`Failure`]s, not errors. Errors only for a non-finite extrapolation factor.
///
/// # Examples
/// ```
/// use isoflop::backtest::{planned_longer, PlannedOptions};
/// use isoflop::data::schedules::{self, RunSet};
/// use isoflop::query::Predictor;
/// let runs = schedules::runs_in(RunSet::HageleSlimPajama);
/// let opts = PlannedOptions { curve_draws: 50, annealing_draws: 0, ..Default::default() };
/// let (records, _) = planned_longer(&runs[..12], &opts, &mut Predictor::new(0.9)?)?;
/// assert!(records.iter().all(|r| r.extrapolation > 1.0));
/// # Ok::<(), isoflop::Error>(())
/// ```
pub fn planned_longer(
    runs: &[&ScheduledRun],
    options: &PlannedOptions,
    predictor: &mut Predictor,
) -> Result<(Vec<Record>, Vec<Failure>)> {
    check::open_unit("fit window start fraction", options.fit_start_fraction)?;
    let (mut records, mut failures) = (Vec::new(), Vec::new());
    let cont_opts = ContinuationOptions {
        draws: options.curve_draws.max(2),
        seed: options.seed,
        ..Default::default()
    };
    for fam in cosine_families(runs) {
        let short = fam[0];
        let split = planned_longer_label(short.dataset());
        let fit_until = short.curve().last_tokens();
        let start = fit_until.scale(options.fit_start_fraction)?;
        let fail = |h: &str, e: &crate::Error| Failure {
            hypothesis: h.to_string(),
            split: split.clone(),
            target: short.name().to_string(),
            reason: e.to_string(),
        };
        for form in ContinuationForm::ALL {
            let fit = Continuation::fit(short.curve(), form, &cont_opts.clone().starting_at(start));
            let fit = match fit {
                Ok(f) => f,
                Err(e) => {
                    failures.push(fail(form.id(), &e));
                    continue;
                }
            };
            for target in &fam[1..] {
                let d = target.planned_tokens();
                match predictor.predict(&fit, target.params(), d) {
                    Ok(p) => records.push(record(
                        form.id(),
                        &split,
                        target,
                        p.point,
                        Some(p.loss),
                        BandKind::CurveBootstrap,
                        d.get() / fit_until.get(),
                    )?),
                    Err(e) => failures.push(fail(form.id(), &e)),
                }
            }
        }
        let observed = ObservedRun::new(short.curve().clone(), short.schedule().clone())?;
        let opts = ScheduleFitOptions {
            draws: options.annealing_draws,
            seed: options.seed,
            ..Default::default()
        };
        let form = ScheduleLawForm::Annealing;
        match fit_schedule_law(std::slice::from_ref(&observed), form, &opts) {
            Ok(fit) => {
                for target in &fam[1..] {
                    let d = target.planned_tokens();
                    let h = fit.hypothesis(0, Some(target.schedule().clone()))?;
                    match predictor.predict(&h, target.params(), d) {
                        Ok(p) => {
                            let has_band = h.draw_count() > 0;
                            records.push(record(
                                form.id(),
                                &split,
                                target,
                                p.point,
                                has_band.then_some(p.loss),
                                if has_band {
                                    BandKind::CurveBootstrap
                                } else {
                                    BandKind::None
                                },
                                d.get() / fit_until.get(),
                            )?)
                        }
                        Err(e) => failures.push(fail(form.id(), &e)),
                    }
                }
            }
            Err(e) => failures.push(fail(form.id(), &e)),
        }
    }
    Ok((records, failures))
}

/// The across-sizes split of one dataset: Chinchilla-form laws (`inners`) calibrated by
/// an offset, and by an offset and a scale, to the final losses of every cosine and WSD run
/// of the smaller half of the sizes, predicting the final losses of the larger half's
/// runs.
///
/// # Errors
/// Fewer than two sizes ([`crate::Error::InsufficientData`]); calibrations that fail are
/// [`Failure`]s.
pub fn across_sizes(
    runs: &[&ScheduledRun],
    inners: &[ChinchillaHypothesis],
    predictor: &mut Predictor,
) -> Result<(Vec<Record>, Vec<Failure>)> {
    let finals: Vec<&ScheduledRun> = runs
        .iter()
        .copied()
        .filter(|r| matches!(r.kind(), ScheduleKind::Cosine | ScheduleKind::WsdLinear))
        .collect();
    let mut sizes: Vec<f64> = finals.iter().map(|r| r.params().get()).collect();
    sizes.sort_by(f64::total_cmp);
    sizes.dedup();
    if sizes.len() < 2 {
        return Err(crate::Error::InsufficientData {
            what: "an across-sizes backtest",
            reason: format!("{} model size(s); at least 2 are needed", sizes.len()),
        });
    }
    let cut = sizes[sizes.len().div_ceil(2) - 1];
    let dataset = finals.first().map_or("", |r| r.dataset());
    let split = across_sizes_label(dataset);
    // One point per run: the last logged loss (a window of one eval interval).
    let window = Tokens::new(100.0 * finals[0].schedule().batch_tokens().get())?;
    let (cal, targets): (Vec<&ScheduledRun>, Vec<&ScheduledRun>) =
        finals.iter().partition(|r| r.params().get() <= cut);
    let cal: Vec<_> = cal.iter().map(|r| r.curve().clone()).collect();
    let targets: Vec<_> = targets.iter().map(|r| r.curve().clone()).collect();
    let (mut records, mut failures) = (Vec::new(), Vec::new());
    for inner in inners {
        for mode in [CalibrationMode::Offset, CalibrationMode::OffsetAndScale] {
            match across_models(
                &cal,
                &targets,
                Box::new(inner.clone()),
                mode,
                window,
                predictor,
            ) {
                Ok(rs) => records.extend(rs.into_iter().map(|mut r| {
                    r.split = split.clone();
                    r
                })),
                Err(e) => failures.push(Failure {
                    hypothesis: calibrated_id(&inner.id(), mode),
                    split: split.clone(),
                    target: format!("{} runs", targets.len()),
                    reason: e.to_string(),
                }),
            }
        }
    }
    Ok((records, failures))
}

/// Every planned-longer and across-sizes split on the bundled runs: planned-longer on
/// Hägele et al.'s SlimPajama and OpenWebText2 sizes and Schaipp et al.'s 210M runs;
/// across-sizes on both Hägele sets, for Hoffmann et al.'s law and the Besiroglu et al.
/// 2024 refit with `refit_draws` bootstrap draws (seed `options.seed + 1`).
///
/// # Errors
/// As [`planned_longer`] and [`across_sizes`], and the refit's errors.
pub fn planned_bundled(
    options: &PlannedOptions,
    refit_draws: usize,
    predictor: &mut Predictor,
) -> Result<(Vec<Record>, Vec<Failure>)> {
    use crate::data::schedules::{self, RunSet};
    let refit = crate::fit::replication::besiroglu2024(refit_draws, options.seed.wrapping_add(1))?;
    let inners = [refit, ChinchillaHypothesis::hoffmann2022()];
    let (mut records, mut failures) = (Vec::new(), Vec::new());
    for set in [
        RunSet::HageleSlimPajama,
        RunSet::HageleOpenWebText2,
        RunSet::Schaipp210MFig1,
    ] {
        let runs = schedules::runs_in(set);
        let (r, f) = planned_longer(&runs, options, predictor)?;
        records.extend(r);
        failures.extend(f);
        if set != RunSet::Schaipp210MFig1 {
            let (r, f) = across_sizes(&runs, &inners, predictor)?;
            records.extend(r);
            failures.extend(f);
        }
    }
    Ok((records, failures))
}

/// The rant's question at small scale: a smaller size trained longer against a larger
/// size's run of about the same compute. `small` is a planned-longer target (the
/// record's `target`), `large` a run of a larger size.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchedPair {
    /// The planned-longer split the small run's predictions are in.
    pub split: String,
    /// The small run, as named in its records' `target`.
    pub small: String,
    /// Its observed final loss.
    pub small_observed: f64,
    /// The larger size's run, by name.
    pub large: String,
    /// Its observed final loss.
    pub large_observed: f64,
    /// 6ND of the large run over the small one's.
    pub compute_ratio: f64,
}

impl MatchedPair {
    /// Whether the smaller model ended lower.
    pub fn small_won(&self) -> bool {
        self.small_observed < self.large_observed
    }
}

/// Every (planned-longer target, larger size) pair of cosine runs whose 6ND compute agree
/// within a factor `tolerance` (the closest larger run per size).
///
/// # Errors
/// A tolerance that is not finite and >= 1 ([`crate::Error::InvalidValue`]).
pub fn matched_pairs(runs: &[&ScheduledRun], tolerance: f64) -> Result<Vec<MatchedPair>> {
    if !(tolerance.is_finite() && tolerance >= 1.0) {
        return Err(crate::Error::InvalidValue {
            what: "matched-compute tolerance",
            value: tolerance,
            allowed: "must be finite and >= 1 (a factor)",
        });
    }
    let flops = |r: &ScheduledRun| 6.0 * r.params().get() * r.planned_tokens().get();
    let fams = cosine_families(runs);
    let mut out = Vec::new();
    for fam in &fams {
        for small in &fam[1..] {
            let mut larger: Vec<f64> = fams
                .iter()
                .map(|f| f[0].params().get())
                .filter(|&n| n > small.params().get())
                .collect();
            larger.sort_by(f64::total_cmp);
            larger.dedup();
            for n in larger {
                let best = fams
                    .iter()
                    .filter(|f| f[0].params().get() == n && f[0].dataset() == small.dataset())
                    .flat_map(|f| f.iter())
                    .map(|r| (r, flops(r) / flops(small)))
                    .filter(|(_, ratio)| ratio.max(1.0 / ratio) <= tolerance)
                    .min_by(|a, b| a.1.ln().abs().total_cmp(&b.1.ln().abs()));
                if let Some((large, ratio)) = best {
                    out.push(MatchedPair {
                        split: planned_longer_label(small.dataset()),
                        small: format!("{} final loss", small.name()),
                        small_observed: small.final_loss(),
                        large: large.name().to_string(),
                        large_observed: large.final_loss(),
                        compute_ratio: ratio,
                    });
                }
            }
        }
    }
    Ok(out)
}
