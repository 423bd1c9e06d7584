//! Hostile input to the laws and queries: a typed error or a finite answer, never a
//! panic, never a NaN or infinity in a returned value. Sizes to N = 1e15 and beyond,
//! budgets to C = 1e32 and beyond, and the extremes of f64.
//!
//! | test | cases |
//! |---|---|
//! | law_constructors | 10,000 |
//! | laws_at_extremes | 10,000 |
//! | queries_at_extremes | 3,000 |
//! | queries_with_draws_at_extremes | 1,000 |
//! | total | 24,000 |

mod props_support;

use isoflop::law::{
    ChinchillaHypothesis, ChinchillaLaw, DataConstrainedHypothesis, DataConstrainedLaw, Evidence,
    KaplanHypothesis, KaplanLaw, LossHypothesis, Uncertainty,
};
use isoflop::query::{
    compare, compute_optimal, compute_overhead, predict, predict_at_compute,
    predict_with_compute_of, probability_below, probability_small_beats_large, tokens_to_reach,
    Question,
};
use isoflop::strategies;
use isoflop::units::{Flops, Params, Tokens};
use proptest::prelude::*;

/// Sizes, token counts and budgets: the realistic range up to N = 1e15 and C = 1e32,
/// plus any extreme positive value.
fn size() -> impl Strategy<Value = f64> {
    prop_oneof![3 => (0.0f64..15.0).prop_map(|e| 10f64.powf(e)), 1 => strategies::extreme_positive()]
}
fn budget() -> impl Strategy<Value = f64> {
    prop_oneof![3 => (0.0f64..32.0).prop_map(|e| 10f64.powf(e)), 1 => strategies::extreme_positive()]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(10_000))]

    #[test]
    fn law_constructors(x in proptest::collection::vec(strategies::hostile_f64(), 7)) {
        prop_assert_finite!(ChinchillaLaw::new(x[0], x[1], x[2], x[3], x[4]));
        prop_assert_finite!(ChinchillaLaw::from_logs(x[0], x[1], x[2], x[3], x[4]));
        if let (Ok(nc), Ok(dc)) = (Params::new(x[2]), Tokens::new(x[3])) {
            prop_assert_finite!(KaplanLaw::new(x[0], x[1], nc, dc));
        }
        prop_assert_finite!(DataConstrainedLaw::new(ChinchillaLaw::hoffmann2022(), x[5], x[6]));
    }

    #[test]
    fn laws_at_extremes(
        params in proptest::collection::vec(strategies::extreme_positive(), 5),
        n in size(), d in size(), u in size(), c in budget(),
    ) {
        let (n, d, u, c) = (Params::new(n).unwrap(), Tokens::new(d).unwrap(), Tokens::new(u).unwrap(), Flops::new(c).unwrap());
        // Valid but extreme parameters (any finite > 0 value), and the presets.
        let laws = [
            ChinchillaLaw::new(params[0], params[1], params[2], params[3], params[4]).unwrap(),
            ChinchillaLaw::hoffmann2022(),
            ChinchillaLaw::besiroglu2024(),
        ];
        for law in laws {
            prop_assert_finite!(law.loss(n, d));
            prop_assert_finite!(law.loss_at_compute(n, c));
            prop_assert_finite!(law.optimal(c));
            let h = ChinchillaHypothesis::new("x", "x", law, vec![], Uncertainty::None, Evidence::described("x")).unwrap();
            prop_assert_finite!(h.floor(n));
            prop_assert_finite!(h.point(n, d));
            let dc = DataConstrainedLaw::new(law, params[0], params[1]).unwrap();
            prop_assert_finite!(dc.loss(n, d, u));
            prop_assert_finite!(dc.loss_infinite_repetition(n, u));
            prop_assert_finite!(dc.optimal_params_for(u));
        }
        let k = KaplanLaw::new(params[0], params[1], Params::new(params[2]).unwrap(), Tokens::new(params[3]).unwrap()).unwrap();
        for k in [k, KaplanLaw::kaplan2020()] {
            prop_assert_finite!(k.loss(n, d));
            prop_assert_finite!(k.loss_infinite_data(n));
        }
    }
}

fn hypotheses(
    law: ChinchillaLaw,
    u: Tokens,
) -> (
    ChinchillaHypothesis,
    KaplanHypothesis,
    DataConstrainedHypothesis,
) {
    let h = ChinchillaHypothesis::new(
        "x",
        "x",
        law,
        vec![],
        Uncertainty::None,
        Evidence::described("x"),
    )
    .unwrap();
    let dc = DataConstrainedLaw::new(law, 15.4, 5.3).unwrap();
    (
        h,
        KaplanHypothesis::kaplan2020(),
        DataConstrainedHypothesis::new(dc, u),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3_000))]

    #[test]
    fn queries_at_extremes(
        law in prop_oneof![strategies::chinchilla_law(), Just(ChinchillaLaw::hoffmann2022())],
        n in size(), d in size(), u in size(), c in budget(),
        target in strategies::hostile_f64(),
        level in strategies::hostile_f64(),
        k in strategies::hostile_f64(),
    ) {
        let (n, d, u, c) = (Params::new(n).unwrap(), Tokens::new(d).unwrap(), Tokens::new(u).unwrap(), Flops::new(c).unwrap());
        let (ch, ka, dc) = hypotheses(law, u);
        let all: [&dyn LossHypothesis; 3] = [&ch, &ka, &dc];
        for h in all {
            for level in [level, 0.9] {
                prop_assert_finite!(predict(h, n, d, level));
                prop_assert_finite!(predict_at_compute(h, n, c, level));
                prop_assert_finite!(predict_with_compute_of(h, n, n, d, level));
                prop_assert_finite!(tokens_to_reach(h, n, target, level));
            }
            prop_assert_finite!(probability_below(h, n, d, target));
            prop_assert_finite!(probability_small_beats_large(h, n, Params::new(n.get() * 2.0).unwrap_or(n), d));
        }
        prop_assert_finite!(compute_optimal(&ch, c, level));
        prop_assert_finite!(compute_optimal(&ch, c, 0.9));
        prop_assert_finite!(compute_overhead(&ch, k, 0.9));
        prop_assert_finite!(compute_overhead(&ch, k, level));
        for q in [
            Question::LossAt { params: n, tokens: d },
            Question::LossAtCompute { params: n, flops: c },
            Question::TokensToReach { params: n, target },
        ] {
            prop_assert_finite!(compare(&all, q, 0.9));
            prop_assert_finite!(compare(&all, q, level));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1_000))]

    #[test]
    fn queries_with_draws_at_extremes(
        h in strategies::chinchilla_hypothesis(),
        n in size(), d in size(), c in budget(),
        target in prop_oneof![strategies::hostile_f64(), 1.0f64..4.0],
        k in prop_oneof![strategies::hostile_f64(), 0.1f64..10.0],
    ) {
        let (n, d, c) = (Params::new(n).unwrap(), Tokens::new(d).unwrap(), Flops::new(c).unwrap());
        prop_assert_finite!(predict(&h, n, d, 0.9));
        prop_assert_finite!(predict_at_compute(&h, n, c, 0.9));
        prop_assert_finite!(tokens_to_reach(&h, n, target, 0.9));
        prop_assert_finite!(compute_optimal(&h, c, 0.9));
        prop_assert_finite!(compute_overhead(&h, k, 0.9));
        prop_assert_finite!(probability_below(&h, n, d, target));
    }
}
