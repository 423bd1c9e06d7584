//! Property suite: every `Serialize + Deserialize` type round-trips through serde
//! JSON to an equal value (invariants in `isoflop::strategies`, section "Invariants").
//!
//! | test | cases |
//! |---|---|
//! | quantities_round_trip | 10,000 |
//! | extreme_quantities_round_trip | 10,000 |
//! | hardware_round_trips | 3,000 |
//! | laws_and_hypotheses_round_trip | 2,000 |
//! | kaplan_and_data_constrained_round_trip | 2,000 |
//! | query_answers_round_trip | 1,000 |
//! | curves_round_trip | 500 |
//! | total | 28,500 |

mod props_support;

use isoflop::cluster::{GpuHourPrice, GridIntensity, Pue, Workload};
use isoflop::compute::{chinchilla_forward_breakdown, training_flop_counts};
use isoflop::law::calibration::CalibrationPoint;
use isoflop::law::{Caveat, Continuation, ContinuationForm, ContinuationOptions, LossHypothesis};
use isoflop::query::{
    compare, compute_optimal, compute_overhead, predict, probability_below, tokens_to_reach,
    Question,
};
use isoflop::strategies;
use isoflop::units::{
    Emissions, Energy, Flops, FlopsPerSecond, GpuHours, Params, TimeSpan, Tokens, Usd, Watts,
};
use proptest::prelude::*;
use serde::{de::DeserializeOwned, Serialize};
use std::fmt::Debug;

fn round_trip<T: Serialize + DeserializeOwned + PartialEq + Debug>(
    value: &T,
) -> Result<(), TestCaseError> {
    let json = serde_json::to_string(value).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let back: T = serde_json::from_str(&json)
        .map_err(|e| TestCaseError::fail(format!("{e} reading back {json}")))?;
    prop_assert_eq!(&back, value, "through {}", json);
    Ok(())
}

fn all_quantities(x: f64) -> Result<(), TestCaseError> {
    round_trip(&Params::new(x).unwrap())?;
    round_trip(&Tokens::new(x).unwrap())?;
    round_trip(&Flops::new(x).unwrap())?;
    round_trip(&FlopsPerSecond::new(x).unwrap())?;
    round_trip(&GpuHours::new(x).unwrap())?;
    round_trip(&TimeSpan::new(x).unwrap())?;
    round_trip(&Watts::new(x).unwrap())?;
    round_trip(&Energy::new(x).unwrap())?;
    round_trip(&Emissions::new(x).unwrap())?;
    round_trip(&Usd::new(x).unwrap())?;
    round_trip(&GridIntensity::new(x).unwrap())?;
    round_trip(&GpuHourPrice::new(x).unwrap())?;
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(10_000))]

    #[test]
    fn quantities_round_trip(x in 1e-3f64..1e30) {
        all_quantities(x)?;
        round_trip(&Pue::new(1.0 + x).unwrap())?;
    }

    #[test]
    fn extreme_quantities_round_trip(x in strategies::extreme_positive()) {
        all_quantities(x)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3_000))]

    #[test]
    fn hardware_round_trips(
        cluster in strategies::cluster(),
        arch in strategies::architecture(),
        (n, d) in strategies::params_and_tokens(),
        p in strategies::precision(),
        a in strategies::accelerator(),
    ) {
        round_trip(&cluster)?;
        round_trip(&cluster.utilisation())?;
        round_trip(&arch)?;
        round_trip(&arch.shape())?;
        round_trip(&p)?;
        round_trip(&a)?;
        round_trip(&Workload::training(n, d))?;
        if let Ok(c) = training_flop_counts(&arch, d) {
            round_trip(&c)?;
        }
        if let Ok(b) = chinchilla_forward_breakdown(&arch) {
            round_trip(&b)?;
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn laws_and_hypotheses_round_trip(
        h in strategies::chinchilla_hypothesis(),
        (n, d) in strategies::params_and_tokens(),
        loss in 1.0f64..5.0,
    ) {
        round_trip(h.law())?;
        round_trip(&h)?;
        round_trip(h.evidence())?;
        round_trip(&h.uncertainty())?;
        round_trip(&CalibrationPoint::new(n, d, loss).unwrap())?;
        round_trip(&Caveat::Note(format!("{loss}")))?;
        let e = isoflop::fit::Estimates::from(h.law());
        round_trip(&e)?;
    }

    #[test]
    fn kaplan_and_data_constrained_round_trip(
        k in strategies::kaplan_law(),
        m in strategies::data_constrained_law(),
        u in strategies::tokens(),
    ) {
        round_trip(&k)?;
        round_trip(&isoflop::law::kaplan::KaplanHypothesis::new(k))?;
        round_trip(&m)?;
        round_trip(&isoflop::law::data_constrained::DataConstrainedHypothesis::new(m, u))?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1_000))]

    #[test]
    fn query_answers_round_trip(
        h in strategies::chinchilla_hypothesis(),
        (n, d) in strategies::params_and_tokens(),
        c in strategies::budget(),
        k in 0.3f64..3.0,
    ) {
        let p = predict(&h, n, d, 0.9).unwrap();
        round_trip(&p)?;
        round_trip(&p.loss)?;
        round_trip(&p.extrapolation)?;
        for w in &p.warnings {
            round_trip(w)?;
        }
        round_trip(&compute_optimal(&h, c, 0.9).unwrap())?;
        if let Ok(o) = compute_overhead(&h, k, 0.9) {
            round_trip(&o)?;
        }
        round_trip(&probability_below(&h, n, d, p.point).unwrap())?;
        if let Ok(t) = tokens_to_reach(&h, n, p.point, 0.9) {
            round_trip(&t)?;
        }
        let q = Question::LossAt { params: n, tokens: d };
        round_trip(&q)?;
        let hs: Vec<&dyn LossHypothesis> = vec![&h];
        round_trip(&compare(&hs, q, 0.9).unwrap())?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn curves_round_trip(curve in strategies::loss_curve(), seed in any::<u64>()) {
        round_trip(&curve)?;
        let options = ContinuationOptions { start: curve.first_tokens().into(), draws: 20, block_len: None, seed };
        round_trip(&options)?;
        let c = Continuation::fit(&curve, ContinuationForm::LinearInLogTokens, &options).unwrap();
        round_trip(&c.coefficients())?;
        round_trip(&c.form())?;
        round_trip(&c)?;
    }
}

#[test]
fn invalid_laws_are_rejected_on_the_way_in() {
    let bad_kaplan = r#"{"alpha_n":-0.076,"alpha_d":0.103,"n_c":6.4e13,"d_c":1.8e13}"#;
    assert!(serde_json::from_str::<isoflop::law::kaplan::KaplanLaw>(bad_kaplan).is_err());
    let bad_dc =
        r#"{"e":1.8,"a":520.0,"b":1480.0,"alpha":0.35,"beta":0.35,"r_d_star":0.0,"r_n_star":5.3}"#;
    assert!(
        serde_json::from_str::<isoflop::law::data_constrained::DataConstrainedLaw>(bad_dc).is_err()
    );
}
