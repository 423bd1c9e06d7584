//! Hostile inputs to schedules and the schedule-aware laws (issue 22, items 4, 5, 8 and 10,
//! and the smaller ones): each exact reproduction gives a typed error or a bounded answer,
//! never a hang, an abort on allocation, a wrapped sum or a silent success.

use isoflop::data::curve::LossCurve;
use isoflop::fit::schedule_law::{
    fit_schedule_law, ObservedRun, ScheduleFitOptions, ScheduleLawForm,
};
use isoflop::fit::FitStatus;
use isoflop::law::annealing::AnnealingLaw;
use isoflop::law::{LossHypothesis, ScheduledHypothesis};
use isoflop::schedule::{Cooldown, Resolution, Schedule, Shape};
use isoflop::units::{Params, Tokens};
use isoflop::Error;
use std::time::{Duration, Instant};

fn batch() -> Tokens {
    Tokens::new(4_194_304.0).unwrap()
}

fn wsd_sqrt() -> Schedule {
    Schedule::wsd(
        3e-4,
        1_000,
        50_000,
        10_000,
        0.0,
        Cooldown::OneMinusSqrt,
        batch(),
    )
    .unwrap()
}

/// Item 4: a decay factor one ulp below 1 either is refused or evaluates in bounded time.
#[test]
fn lambda_one_ulp_below_one_is_refused() {
    let lambda = 0.9999999999999999;
    let r = AnnealingLaw::new(1.6, 0.9, 0.45, 8.0, lambda);
    assert!(
        matches!(r, Err(Error::InvalidValue { .. })),
        "lambda = 1 - 1e-16 accepted: {r:?}"
    );
    // The momentum and area of the schedule itself refuse it too (no loop of 4e17 steps).
    let s = wsd_sqrt();
    let t0 = Instant::now();
    assert!(matches!(
        s.annealing_area(50_000, lambda),
        Err(Error::InvalidValue { .. })
    ));
    assert!(t0.elapsed() < Duration::from_secs(1));
}

/// Item 4, through the door a user can reach: a deserialised hypothesis and `predict`.
#[test]
fn lambda_one_ulp_below_one_is_refused_when_deserialised() {
    let law = r#"{"l0":1.6,"a":0.9,"alpha":0.45,"c":8.0,"lambda":0.9999999999999999}"#;
    let r = serde_json::from_str::<AnnealingLaw>(law);
    assert!(r.is_err(), "{r:?}");
    // λ = 1, the no-forgetting limit, is a law with a closed form and evaluates at once.
    let law = AnnealingLaw::new(1.6, 0.9, 0.45, 8.0, 1.0).unwrap();
    let s = wsd_sqrt();
    let t0 = Instant::now();
    let l = law.loss(&s, 50_000).unwrap();
    assert!(l.is_finite());
    assert!(t0.elapsed() < Duration::from_secs(1));
}

/// Item 5: block growth 1e-300 or an exact sum over 1e12 steps: a typed error, not an abort.
#[test]
fn decay_terms_refuse_too_many_terms() {
    let mut out = Vec::new();
    let s = wsd_sqrt();
    let r = s.decay_terms(
        50_000,
        Resolution::Geometric {
            exact_steps: 32,
            growth: 1e-300,
        },
        &mut out,
    );
    // 1e-300 makes every block one step: 49,000 terms, within the cap; fine or refused, it
    // must not allocate without bound. On a 1e12-step schedule it must be refused.
    assert!(r.is_ok() || matches!(r, Err(Error::InvalidValue { .. })));
    let long = Schedule::cosine(3e-4, 2_000, 1_000_000_000_000, 0.1, batch()).unwrap();
    let r = long.decay_terms(
        1_000_000_000_000,
        Resolution::Geometric {
            exact_steps: 32,
            growth: 1e-300,
        },
        &mut out,
    );
    assert!(matches!(r, Err(Error::InvalidValue { .. })), "{r:?}");
    let r = long.decay_terms(1_000_000_000_000, Resolution::Exact, &mut out);
    assert!(matches!(r, Err(Error::InvalidValue { .. })), "{r:?}");
    // The default resolution still works there (about 1,500 blocks).
    long.decay_terms(1_000_000_000_000, Resolution::default(), &mut out)
        .unwrap();
    assert!(out.len() < 3_000, "{}", out.len());
}

/// Item 8: a hypothesis whose draws are another law does not deserialise.
#[test]
fn scheduled_hypothesis_deserialises_through_its_constructor() {
    let s = Schedule::cosine(3e-4, 2_000, 240_000, 0.1, batch()).unwrap();
    let ann = isoflop::law::ScheduleLaw::Annealing(
        AnnealingLaw::new(1.6, 0.9, 0.45, 8.0, 0.999).unwrap(),
    );
    let mpl = isoflop::law::ScheduleLaw::MultiPower(
        isoflop::law::multi_power::MultiPowerLaw::new(1.6, 0.9, 0.45, 400.0, 2.0, 0.5, 0.6)
            .unwrap(),
    );
    let h = ScheduledHypothesis::new(
        "m",
        Params::new(7e9).unwrap(),
        ann,
        vec![ann],
        vec![],
        s,
        isoflop::law::Evidence::described("x"),
        vec![],
    )
    .unwrap();
    let mut v = serde_json::to_value(&h).unwrap();
    let good: ScheduledHypothesis = serde_json::from_value(v.clone()).unwrap();
    assert_eq!(good, h);
    let p = good
        .point(Params::new(7e9).unwrap(), Tokens::new(1e12).unwrap())
        .unwrap();
    assert!(p.is_finite());
    // Item 4 through this door: a law with λ one ulp below 1 inside a hypothesis.
    let mut hostile = v.clone();
    hostile["law"]["Annealing"]["lambda"] = serde_json::json!(0.9999999999999999);
    let r = serde_json::from_value::<ScheduledHypothesis>(hostile);
    assert!(r.is_err(), "{r:?}");
    v["draws"] = serde_json::to_value(vec![mpl]).unwrap();
    let r = serde_json::from_value::<ScheduledHypothesis>(v);
    assert!(r.is_err(), "draws of another law accepted: {r:?}");
}

/// Item 10: a schedule of u64::MAX steps: sums do not wrap.
#[test]
fn sums_over_u64_max_steps_do_not_wrap() {
    let t = u64::MAX;
    for shape in [
        Shape::Linear {
            final_fraction: 0.0,
        },
        Shape::Cosine {
            final_fraction: 0.0,
        },
    ] {
        match Schedule::new(1e-4, 0, t, shape.clone(), batch()) {
            // Refused with a typed error naming the cap, or summed correctly: linear and
            // cosine from the peak to 0 average half the peak.
            Err(e) => assert!(matches!(e, Error::InvalidValue { .. }), "{e}"),
            Ok(s) => {
                let sum = s.lr_sum(t).unwrap();
                let want = 0.5 * 1e-4 * t as f64;
                assert!(
                    (sum / want - 1.0).abs() < 1e-6,
                    "{shape:?}: {sum} vs {want}"
                );
            }
        }
    }
    // A cap that is documented: the longest schedule accepted still sums correctly.
    let cap = Schedule::MAX_STEPS;
    let s = Schedule::new(
        1e-4,
        0,
        cap,
        Shape::Linear {
            final_fraction: 0.0,
        },
        batch(),
    )
    .unwrap();
    let sum = s.lr_sum(cap).unwrap();
    assert!(
        (sum / (0.5 * 1e-4 * cap as f64) - 1.0).abs() < 1e-6,
        "{sum}"
    );
    let c = Schedule::cosine(1e-4, 0, cap, 0.0, batch()).unwrap();
    let sum = c.lr_sum(cap).unwrap();
    assert!(
        (sum / (0.5 * 1e-4 * cap as f64) - 1.0).abs() < 1e-6,
        "{sum}"
    );
    let mut out = Vec::new();
    c.decay_terms(cap, Resolution::default(), &mut out).unwrap();
    let total: f64 = out.iter().map(|d| d.weight).sum();
    assert!((total / 1e-4 - 1.0).abs() < 1e-6, "{total}");
}

/// Smaller: a peak of 1e308 makes the area infinite: a typed error, not Ok(inf).
#[test]
fn an_infinite_area_is_an_error() {
    // Refused where the schedule is built (its area, peak x steps, is not finite), so no
    // sum of it can be infinite.
    let r = Schedule::constant(1e308, 0, 1_000, batch());
    assert!(matches!(r, Err(Error::InvalidValue { .. })), "{r:?}");
    let r = Schedule::cosine(1e306, 0, 1_000, 0.1, batch());
    assert!(matches!(r, Err(Error::InvalidValue { .. })), "{r:?}");
}

/// Smaller: a multi-power fit to a constant loss does not report `Converged`.
#[test]
fn a_multi_power_fit_to_a_constant_loss_is_not_converged() {
    let s = Schedule::cosine(3e-4, 2_000, 120_000, 0.1, batch()).unwrap();
    let pts: Vec<(Tokens, f64)> = (1..=90)
        .map(|i| (s.tokens_at(2_000 + i * 1_300).unwrap(), 2.5))
        .collect();
    let curve = LossCurve::new("flat", Params::new(7e9).unwrap(), pts).unwrap();
    let run = ObservedRun::new(curve, s).unwrap();
    let opts = ScheduleFitOptions {
        draws: 0,
        ..Default::default()
    };
    match fit_schedule_law(&[run], ScheduleLawForm::MultiPower, &opts) {
        Ok(fit) => assert_ne!(fit.status, FitStatus::Converged, "{:?}", fit.laws),
        Err(e) => assert!(matches!(e, Error::NonIdentifiable(_)), "{e}"),
    }
}
