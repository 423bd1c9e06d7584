//! Any bytes as JSON for every deserialisable type of the crate (the first byte picks the
//! type): deserialising returns a valid value or an error, never a panic; what the crate
//! writes back, it reads again; a deserialised value of a validated type passes its own
//! public constructor again with the same fields (deserialising is no way around it); and a
//! deserialised hypothesis answers queries (or errs) without panicking.
#![no_main]

use isoflop::architecture::{Architecture, FeedForward, Shape};
use isoflop::backtest::{BacktestOptions, BandKind, CurveSplit, Failure, Record, ScoreRow, Scoreboard};
use isoflop::band::Band;
use isoflop::cluster::{Cluster, GpuHourPrice, GridIntensity, Pue, Utilisation, Workload};
use isoflop::compute::{FlopCounts, ForwardBreakdown};
use isoflop::data::curve::LossCurve;
use isoflop::data::llama::LlamaModel;
use isoflop::data::run_table::{Run, RunTable};
use isoflop::fit::bootstrap::Intervals;
use isoflop::fit::protocol::Diagnostics;
use isoflop::fit::{Estimates, FitStatus, Strategy};
use isoflop::hardware::{Accelerator, Precision};
use isoflop::law::continuation::Coefficients;
use isoflop::law::{
    Caveat, CalibrationMode, CalibrationPoint, ChinchillaHypothesis, ChinchillaLaw, Continuation,
    ContinuationForm, ContinuationOptions, DataConstrainedHypothesis, DataConstrainedLaw, Evidence,
    KaplanHypothesis, KaplanLaw, LossHypothesis, Uncertainty,
};
use isoflop::prediction::{Extrapolation, Prediction, Warning};
use isoflop::query::{
    Answer, Comparison, ComparisonRow, OptimalSplit, Overhead, Probability, Question,
    TokensToReach,
};
use isoflop::runs::PublishedRun;
use isoflop::units::{
    Emissions, Energy, Flops, FlopsPerSecond, GpuHours, Params, TimeSpan, Tokens, Usd, Watts,
};
use libfuzzer_sys::fuzz_target;
use serde::{de::DeserializeOwned, Serialize};

/// Reads `T`; if it is valid, writes it and reads it back (which must succeed).
fn read<T: Serialize + DeserializeOwned>(bytes: &[u8]) -> Option<T> {
    let v: T = serde_json::from_slice(bytes).ok()?;
    let json = serde_json::to_string(&v).expect("a valid value serialises");
    let back: T = serde_json::from_str(&json)
        .unwrap_or_else(|e| panic!("cannot read back what was written: {e}: {json}"));
    drop(back);
    Some(v)
}

/// Queries a hypothesis at a few sizes; errors are fine, panics are not.
fn exercise(h: &dyn LossHypothesis) {
    let _ = (h.id(), h.assumption(), h.source(), h.uncertainty(), h.caveats());
    for (n, d) in [(1e6, 1e8), (6.7e9, 1.4e12), (7e10, 1.4e12), (1e15, 1e20)] {
        let (n, d) = (Params::new(n).unwrap(), Tokens::new(d).unwrap());
        let _ = h.point(n, d);
        let _ = h.floor(n);
        let mut out = Vec::new();
        let _ = h.draws_into(n, d, &mut out);
        if let Ok(p) = isoflop::query::predict(h, n, d, 0.9) {
            assert!(p.loss.lo <= p.loss.median && p.loss.median <= p.loss.hi);
            let _ = p.to_string();
        }
    }
    let _ = isoflop::query::tokens_to_reach(h, Params::new(6.7e9).unwrap(), 2.0, 0.9);
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, json)) = data.split_first() else { return };
    match which % 100 {
        0 => {
            if let Some(p) = read::<Params>(json) {
                assert_eq!(Params::new(p.get()).expect("its constructor accepts it"), p);
            }
        }
        1 => {
            if let Some(t) = read::<Tokens>(json) {
                assert_eq!(Tokens::new(t.get()).expect("its constructor accepts it"), t);
            }
        }
        2 => {
            if let Some(f) = read::<Flops>(json) {
                assert_eq!(Flops::new(f.get()).expect("its constructor accepts it"), f);
            }
        }
        3 => drop(read::<FlopsPerSecond>(json)),
        4 => drop(read::<GpuHours>(json)),
        5 => drop(read::<TimeSpan>(json)),
        6 => drop(read::<Watts>(json)),
        7 => drop(read::<Energy>(json)),
        8 => drop(read::<Emissions>(json)),
        9 => drop(read::<Usd>(json)),
        10 => {
            if let Some(b) = read::<Band>(json) {
                assert!(b.lo <= b.median && b.median <= b.hi);
                assert_eq!(Band::new(b.lo, b.median, b.hi, b.level).expect("constructor"), b);
                let _ = b.to_string();
            }
        }
        11 => drop(read::<Shape>(json)),
        12 => drop(read::<FeedForward>(json)),
        13 => {
            if let Some(a) = read::<Architecture>(json) {
                let d = Tokens::new(1e12).unwrap();
                let _ = isoflop::compute::training_flop_counts(&a, d);
                let _ = isoflop::compute::chinchilla_forward_breakdown(&a);
            }
        }
        14 => {
            if let Some(c) = read::<LossCurve>(json) {
                let pts = c.points();
                assert!(!pts.is_empty());
                assert!(pts.windows(2).all(|w| w[0].0 < w[1].0));
                let max = pts.iter().map(|p| p.0.get()).fold(0.0, f64::max);
                assert_eq!(c.last_tokens().get(), max);
                assert!(c.final_loss(Tokens::new(1e9).unwrap()).is_finite());
                let opts = ContinuationOptions {
                    start: c.first_tokens().into(),
                    draws: 20,
                    ..Default::default()
                };
                for form in [
                    ContinuationForm::LinearInTokens,
                    ContinuationForm::LinearInLogTokens,
                    ContinuationForm::PowerLawFloor,
                ] {
                    if let Ok(h) = Continuation::fit(&c, form, &opts) {
                        exercise(&h);
                    }
                }
            }
        }
        15 => drop(read::<LlamaModel>(json)),
        16 => {
            if let Some(r) = read::<Run>(json) {
                assert_eq!(Run::new(r.n, r.d, r.loss).expect("constructor"), r);
                assert!(r.flops().is_ok(), "6ND of a valid run is finite");
            }
        }
        17 => {
            if let Some(t) = read::<RunTable>(json) {
                assert!(!t.is_empty());
                assert!(t.iter().all(|r| r.loss.is_finite() && r.loss > 0.0));
                assert_eq!(
                    RunTable::with_counts(t.runs().to_vec(), t.counts().to_vec())
                        .expect("constructor"),
                    t
                );
                let _ = t.check_fittable(5);
                let m = t.merge_duplicates();
                assert_eq!(m.duplicate_rows(), 0);
                assert_eq!(
                    m.counts().iter().map(|&c| u64::from(c)).sum::<u64>(),
                    t.counts().iter().map(|&c| u64::from(c)).sum::<u64>()
                );
            }
        }
        18 => drop(read::<ContinuationForm>(json)),
        19 => drop(read::<ContinuationOptions>(json)),
        20 => drop(read::<Coefficients>(json)),
        21 => {
            if let Some(h) = read::<Continuation>(json) {
                exercise(&h);
            }
        }
        22 => drop(read::<KaplanLaw>(json)),
        23 => {
            if let Some(h) = read::<KaplanHypothesis>(json) {
                exercise(&h);
            }
        }
        24 => drop(read::<DataConstrainedLaw>(json)),
        25 => {
            if let Some(h) = read::<DataConstrainedHypothesis>(json) {
                exercise(&h);
            }
        }
        26 => drop(read::<Uncertainty>(json)),
        27 => drop(read::<Evidence>(json)),
        28 => drop(read::<Caveat>(json)),
        29 => drop(read::<CalibrationPoint>(json)),
        30 => drop(read::<CalibrationMode>(json)),
        31 => {
            if let Some(l) = read::<ChinchillaLaw>(json) {
                let again = ChinchillaLaw::new(l.e(), l.a(), l.b(), l.alpha(), l.beta());
                assert_eq!(again.expect("constructor"), l);
            }
        }
        32 => {
            if let Some(h) = read::<ChinchillaHypothesis>(json) {
                let again = ChinchillaHypothesis::new(
                    h.id(),
                    h.source(),
                    *h.law(),
                    h.draws().to_vec(),
                    h.uncertainty(),
                    h.evidence().clone(),
                );
                assert!(again.is_ok(), "a deserialised hypothesis passes its constructor");
                exercise(&h);
            }
        }
        33 => drop(read::<CurveSplit>(json)),
        34 => drop(read::<BacktestOptions>(json)),
        35 => drop(read::<BandKind>(json)),
        36 => drop(read::<Record>(json)),
        37 => drop(read::<Failure>(json)),
        38 => drop(read::<ScoreRow>(json)),
        39 => {
            if let Some(board) = read::<Scoreboard>(json) {
                for split in board.splits() {
                    let _ = board.ranking(split);
                }
            }
        }
        40 => drop(read::<ForwardBreakdown>(json)),
        41 => drop(read::<FlopCounts>(json)),
        42 => drop(read::<Precision>(json)),
        43 => drop(read::<Accelerator>(json)),
        44 => drop(read::<Utilisation>(json)),
        45 => drop(read::<Pue>(json)),
        46 => drop(read::<GridIntensity>(json)),
        47 => drop(read::<GpuHourPrice>(json)),
        48 => drop(read::<Workload>(json)),
        49 => {
            if let Some(c) = read::<Cluster>(json) {
                let f = Flops::new(1e23).unwrap();
                let _ = c.gpu_hours(f);
                let _ = c.wall_clock(f);
            }
        }
        50 => drop(read::<Estimates>(json)),
        51 => drop(read::<Intervals>(json)),
        52 => drop(read::<Strategy>(json)),
        53 => drop(read::<FitStatus>(json)),
        54 => drop(read::<Diagnostics>(json)),
        55 => drop(read::<Extrapolation>(json)),
        56 => {
            if let Some(w) = read::<Warning>(json) {
                let _ = w.to_string();
            }
        }
        57 => {
            if let Some(p) = read::<Prediction>(json) {
                let _ = p.to_string();
            }
        }
        58 => drop(read::<Probability>(json)),
        59 => drop(read::<OptimalSplit>(json)),
        60 => drop(read::<Overhead>(json)),
        61 => {
            if let Some(q) = read::<Question>(json) {
                let _ = q.to_string();
                let h = ChinchillaHypothesis::hoffmann2022();
                let hs: Vec<&dyn LossHypothesis> = vec![&h];
                if let Ok(c) = isoflop::query::compare(&hs, q, 0.9) {
                    let _ = c.to_string();
                }
            }
        }
        62 => {
            drop(read::<Answer>(json));
            drop(read::<ComparisonRow>(json));
            drop(read::<TokensToReach>(json));
        }
        63 => {
            if let Some(s) = read::<isoflop::schedule::Schedule>(json) {
                let end = s.total_steps();
                let _ = (s.lr(end), s.lr_sum(end), s.tokens_at(end));
                let _ = s.annealing_area(end, 0.999);
            }
        }
        64 => drop(read::<isoflop::schedule::Shape>(json)),
        65 => drop(read::<isoflop::schedule::Cooldown>(json)),
        66 => drop(read::<isoflop::schedule::Resolution>(json)),
        67 => drop(read::<isoflop::lifetime::InferenceDemand>(json)),
        68 => drop(read::<isoflop::lifetime::LifetimeWorkload>(json)),
        69 => drop(read::<isoflop::lifetime::Serving>(json)),
        70 => drop(read::<isoflop::lifetime::Deployment>(json)),
        71 => {
            if let Some(t) = read::<isoflop::query::LossTarget>(json) {
                let h = ChinchillaHypothesis::hoffmann2022();
                let _ = isoflop::query::lifetime_optimal(&h, t, 1e12, 0.9);
            }
        }
        72 => {
            if let Some(r) = read::<isoflop::law::AllocationRule>(json) {
                exercise(&r);
            }
        }
        73 => drop(read::<isoflop::law::ScheduleLaw>(json)),
        74 => {
            if let Some(h) = read::<isoflop::law::ScheduledHypothesis>(json) {
                exercise(&h);
            }
        }
        75 => drop(read::<isoflop::law::annealing::AnnealingLaw>(json)),
        76 => drop(read::<isoflop::law::multi_power::MultiPowerLaw>(json)),
        77 => drop(read::<isoflop::fit::approach2::Approach2Options>(json)),
        78 => drop(read::<isoflop::fit::varpro::ExponentGrid>(json)),
        80 => drop(read::<isoflop::lifetime::LifetimeFlops>(json)),
        81 => drop(read::<isoflop::lifetime::PartBudget>(json)),
        82 => drop(read::<isoflop::lifetime::LifetimeBudget>(json)),
        83 => drop(read::<isoflop::backtest::HalfScheduleOptions>(json)),
        84 => drop(read::<isoflop::fit::schedule_law::ScheduleLawForm>(json)),
        85 => drop(read::<isoflop::fit::schedule_law::ObservedRun>(json)),
        86 => drop(read::<isoflop::fit::schedule_law::ScheduleFitOptions>(json)),
        87 => drop(read::<isoflop::fit::schedule_law::ScheduleFitDiagnostics>(json)),
        88 => drop(read::<isoflop::fit::schedule_law::ScheduleFit>(json)),
        89 => drop(read::<isoflop::fit::schedule_law::FinalMiss>(json)),
        90 => drop(read::<isoflop::fit::approach1::Approach1Options>(json)),
        91 => drop(read::<isoflop::fit::varpro::VarproObjective>(json)),
        92 => drop(read::<isoflop::query::TrainingOptimal>(json)),
        93 => drop(read::<isoflop::query::LifetimeOptimum>(json)),
        94 => drop(read::<isoflop::query::LifetimeCostOptimum>(json)),
        95 => drop(read::<isoflop::query::BreakEven>(json)),
        96 => drop(read::<isoflop::query::PlannedPrediction>(json)),
        97 => drop(read::<isoflop::data::run_table::Duplicates>(json)),
        98 => drop(read::<isoflop::law::FitStart>(json)),
        99 => drop(read::<isoflop::law::ParamCount>(json)),
        _ => {
            let _ = read::<isoflop::fit::methods::Method>(json);
            if let Some(c) = read::<Comparison>(json) {
                let _ = c.to_string();
            }
            if let Some(r) = read::<PublishedRun>(json) {
                let _ = r.flops_6nd();
                let _ = r.implied_mfu(Precision::Bf16);
            }
        }
    }
});
