//! Schedule-aware laws: parameter recovery on synthetic curves generated from the laws
//! themselves, prediction of a different schedule's curve, validation, and the LLaMA refits'
//! own final losses (reported with their misses, whatever they are).

use isoflop::data::curve::LossCurve;
use isoflop::data::llama::{self, LlamaModel};
use isoflop::fit::schedule_law::{
    fit_schedule_law, ObservedRun, ScheduleFitOptions, ScheduleLawForm,
};
use isoflop::fit::FitStatus;
use isoflop::law::annealing::AnnealingLaw;
use isoflop::law::multi_power::MultiPowerLaw;
use isoflop::law::{LossHypothesis, ScheduleLaw};
use isoflop::schedule::{Cooldown, Resolution, Schedule};
use isoflop::units::{Params, Tokens};
use isoflop::Error;

fn batch() -> Tokens {
    Tokens::new(4_194_304.0).unwrap()
}

/// A curve sampled every 1,200 steps (about 5B tokens, like the LLaMA bins) from `law`.
fn synthetic(law: &ScheduleLaw, s: &Schedule, noise: f64, seed: u64) -> LossCurve {
    let mut state = seed;
    let mut pts = Vec::new();
    let mut step = 2_400;
    while step <= s.total_steps() {
        // A small deterministic LCG for reproducible noise, uniform in [-noise, noise].
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let u = (state >> 11) as f64 / (1u64 << 53) as f64;
        let l = law.loss(s, step).unwrap() + noise * (2.0 * u - 1.0);
        pts.push((s.tokens_at(step).unwrap(), l));
        step += 1_200;
    }
    LossCurve::new("synthetic", Params::new(7e9).unwrap(), pts).unwrap()
}

fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs()
}

#[test]
fn annealing_law_recovers_its_parameters_and_predicts_a_wsd_curve() {
    let s = Schedule::cosine(3e-4, 2_000, 240_000, 0.1, batch()).unwrap();
    let truth = AnnealingLaw::new(1.55, 0.55, 0.5, 2.0, 0.999).unwrap();
    let law = ScheduleLaw::Annealing(truth);
    let run = ObservedRun::new(synthetic(&law, &s, 0.0, 1), s.clone()).unwrap();
    let opts = ScheduleFitOptions {
        draws: 20,
        lambda: Some(0.999),
        ..Default::default()
    };
    let fit = fit_schedule_law(&[run], ScheduleLawForm::Annealing, &opts).unwrap();
    let ScheduleLaw::Annealing(got) = fit.laws[0] else {
        panic!("wrong law")
    };
    assert!(rel(got.alpha(), 0.5) < 1e-3, "{got:?}");
    assert!(rel(got.a(), 0.55) < 1e-3, "{got:?}");
    assert!(rel(got.c(), 2.0) < 1e-3, "{got:?}");
    assert!((got.l0() - 1.55).abs() < 1e-4, "{got:?}");
    assert_eq!(got.lambda(), 0.999);
    assert_eq!(fit.status, FitStatus::Converged, "{:?}", fit.diagnostics);
    // A different schedule: WSD with a 1-sqrt cooldown, twice as long.
    let wsd = Schedule::wsd(
        3e-4,
        2_000,
        480_000,
        96_000,
        0.0,
        Cooldown::OneMinusSqrt,
        batch(),
    )
    .unwrap();
    for step in [100_000, 384_000, 430_000, 480_000] {
        let want = truth.loss(&wsd, step).unwrap();
        let pred = got.loss(&wsd, step).unwrap();
        assert!((pred - want).abs() < 1e-4, "step {step}: {pred} vs {want}");
    }
}

#[test]
fn multi_power_law_recovers_its_curve_and_predicts_another_schedule() {
    // Parameters of the order of Luo et al. 2025's fits.
    let s = Schedule::cosine(3e-4, 2_000, 120_000, 0.1, batch()).unwrap();
    let truth = MultiPowerLaw::new(1.6, 0.5, 0.45, 300.0, 2.0, 0.5, 0.6).unwrap();
    let law = ScheduleLaw::MultiPower(truth);
    let run = ObservedRun::new(synthetic(&law, &s, 0.0, 2), s.clone()).unwrap();
    let opts = ScheduleFitOptions {
        draws: 0,
        resolution: Resolution::default(),
        ..Default::default()
    };
    let fit = fit_schedule_law(&[run], ScheduleLawForm::MultiPower, &opts).unwrap();
    let ScheduleLaw::MultiPower(got) = fit.laws[0] else {
        panic!("wrong law")
    };
    let p = got.params();
    // One cosine run pins the curve and the power part; the drop's shape parameters trade
    // off, so check the level, amplitude and exponent, and the predictions.
    assert!((p[0] - 1.6).abs() < 0.02, "{p:?}");
    assert!(rel(p[2], 0.45) < 0.05, "{p:?}");
    let wsd = Schedule::wsd(3e-4, 2_000, 240_000, 48_000, 0.0, Cooldown::Linear, batch()).unwrap();
    for step in [60_000, 192_000, 240_000] {
        let want = truth.loss(&wsd, step).unwrap();
        let pred = got.loss(&wsd, step).unwrap();
        assert!((pred - want).abs() < 5e-3, "step {step}: {pred} vs {want}");
    }
}

#[test]
fn a_joint_fit_separates_annealing_from_data_across_schedules() {
    // Two runs with different lengths and peaks share alpha, C and lambda.
    let s1 = Schedule::cosine(3e-4, 2_000, 120_000, 0.1, batch()).unwrap();
    let s2 = Schedule::cosine(1.5e-4, 2_000, 240_000, 0.1, batch()).unwrap();
    let l1 = AnnealingLaw::new(1.8, 0.6, 0.4, 3.0, 0.998).unwrap();
    let l2 = AnnealingLaw::new(1.6, 0.5, 0.4, 3.0, 0.998).unwrap();
    let runs = vec![
        ObservedRun::new(synthetic(&ScheduleLaw::Annealing(l1), &s1, 0.0, 3), s1).unwrap(),
        ObservedRun::new(synthetic(&ScheduleLaw::Annealing(l2), &s2, 0.0, 4), s2).unwrap(),
    ];
    let opts = ScheduleFitOptions {
        draws: 0,
        lambda: Some(0.998),
        ..Default::default()
    };
    let fit = fit_schedule_law(&runs, ScheduleLawForm::Annealing, &opts).unwrap();
    for (got, want) in fit.laws.iter().zip([l1, l2]) {
        let ScheduleLaw::Annealing(g) = got else {
            panic!()
        };
        assert!(
            rel(g.c(), want.c()) < 1e-3 && rel(g.alpha(), want.alpha()) < 1e-3,
            "{g:?}"
        );
        assert!((g.l0() - want.l0()).abs() < 1e-4, "{g:?}");
    }
}

#[test]
fn bad_inputs_are_typed_errors() {
    let m = LlamaModel::Llama7B;
    // A schedule too short for the curve.
    let short = Schedule::cosine(3e-4, 2_000, 100_000, 0.1, batch()).unwrap();
    assert!(matches!(
        ObservedRun::new(llama::curve(m), short),
        Err(Error::NotApplicable { .. })
    ));
    let run = ObservedRun::new(llama::curve(m), llama::schedule(m)).unwrap();
    let bad = ScheduleFitOptions {
        lambda: Some(1.5),
        ..Default::default()
    };
    assert!(matches!(
        fit_schedule_law(std::slice::from_ref(&run), ScheduleLawForm::Annealing, &bad),
        Err(Error::InvalidValue { .. })
    ));
    assert!(fit_schedule_law(&[], ScheduleLawForm::Annealing, &Default::default()).is_err());
    let few = ScheduleFitOptions {
        until: Some(Tokens::new(30e9).unwrap()),
        ..Default::default()
    };
    assert!(matches!(
        fit_schedule_law(&[run], ScheduleLawForm::Annealing, &few),
        Err(Error::InsufficientData { .. })
    ));
    assert!(AnnealingLaw::new(1.0, -1.0, 0.5, 1.0, 0.999).is_err());
    assert!(MultiPowerLaw::new(1.0, 1.0, 0.5, 1.0, 0.0, 0.5, 0.5).is_err());
    let json = r#"{"l0":1.0,"a":1.0,"alpha":0.5,"c":1.0,"lambda":1.5}"#;
    assert!(serde_json::from_str::<AnnealingLaw>(json).is_err());
}

/// On each LLaMA curve, the refit either reproduces the curve's own final loss within its
/// noise (two residual RMS) or the test states the miss; it fails only if the miss is not
/// reported consistently or a law cannot be fitted at all.
#[test]
fn llama_refits_report_their_final_miss() {
    let opts = ScheduleFitOptions {
        draws: 0,
        ..Default::default()
    };
    for m in LlamaModel::ALL {
        let run = ObservedRun::new(llama::curve(m), llama::schedule(m)).unwrap();
        let fit = fit_schedule_law(&[run], ScheduleLawForm::Annealing, &opts).unwrap();
        let miss = fit.final_miss(0).unwrap();
        assert!((miss.predicted - miss.observed - miss.miss).abs() < 1e-12);
        assert!(miss.noise > 0.0 && miss.noise < 0.02, "{m}: {miss:?}");
        // The annealing law bends at the end of a cosine: its miss is small either way.
        assert!(miss.miss.abs() < 0.03, "{m}: {miss:?}");
        let h = fit.hypothesis(0, None).unwrap();
        let end = h
            .point(m.params(), llama::schedule(m).total_tokens())
            .unwrap();
        assert!(
            (end - fit.laws[0]
                .loss(&llama::schedule(m), llama::schedule(m).total_steps())
                .unwrap())
            .abs()
                < 1e-12
        );
        assert!(matches!(
            fit.status,
            FitStatus::Converged | FitStatus::AtBound | FitStatus::FlatDirection
        ));
    }
}

#[test]
fn planned_predictions_carry_profile_bonus_and_plan() {
    let m = LlamaModel::Llama7B;
    let run = ObservedRun::new(llama::curve(m), llama::schedule(m)).unwrap();
    let opts = ScheduleFitOptions {
        draws: 20,
        ..Default::default()
    };
    let fit = fit_schedule_law(&[run], ScheduleLawForm::Annealing, &opts).unwrap();
    let h = fit.hypothesis(0, None).unwrap();
    let d = Tokens::new(13.6e12).unwrap();
    let p = isoflop::query::predict_planned(&h, m.params(), d, 0.9).unwrap();
    let (lo, hi) = p.profile.unwrap();
    assert!(lo <= p.prediction.point + 1e-12 && p.prediction.point <= hi + 1e-12);
    assert!(p.annealing_bonus > 0.0 && p.plan.contains("13.6T"));
    assert!(p.prediction.extrapolation.factor > 13.0);
    // The point is the law at the last step of the cosine stretched to 13.6T.
    let planned = llama::schedule(m).with_total_tokens(d).unwrap();
    let direct = fit.laws[0].loss(&planned, planned.total_steps()).unwrap();
    assert!((p.prediction.point - direct).abs() < 1e-12);
    // Another model size is not this curve's business.
    assert!(matches!(
        h.point(LlamaModel::Llama65B.params(), d),
        Err(Error::NotApplicable { .. })
    ));
}

#[test]
fn half_schedule_split_scores_schedule_laws_beside_continuations() {
    use isoflop::backtest::{half_schedule, HalfScheduleOptions, HALF_SPLIT};
    let opts = HalfScheduleOptions {
        curve_draws: 20,
        annealing_draws: 10,
        multi_power: false,
        ..Default::default()
    };
    let mut predictor = isoflop::query::Predictor::new(0.9).unwrap();
    let (records, failures) = half_schedule(&opts, &mut predictor).unwrap();
    assert!(failures.is_empty(), "{failures:?}");
    for id in ["annealing-law", "linear-in-log-tokens"] {
        let rs: Vec<_> = records.iter().filter(|r| r.hypothesis == id).collect();
        assert!(rs.iter().all(|r| r.split == HALF_SPLIT));
        // Every model's end is among the targets, beyond the fitted half.
        for m in LlamaModel::ALL {
            let end = llama::curve(m).last_tokens();
            assert!(
                rs.iter().any(|r| r.tokens == end
                    && r.extrapolation > 1.9
                    && r.target.contains(m.name())),
                "{id} {m}"
            );
        }
    }
}
