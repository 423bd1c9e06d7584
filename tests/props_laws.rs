//! Property suite: the Chinchilla family (invariants in `isoflop::strategies`,
//! section "Invariants").
//!
//! | test | cases |
//! |---|---|
//! | chinchilla_loss_is_non_increasing | 20,000 |
//! | kaplan_loss_is_non_increasing | 10,000 |
//! | optimal_split_is_optimal_and_spends_the_budget | 10,000 |
//! | compute_optimal_query_matches_the_law | 2,000 |
//! | inverse_and_forward_queries_agree | 3,000 |
//! | inverse_with_draws_is_ordered | 300 |
//! | data_constrained_equals_chinchilla_without_repetition | 10,000 |
//! | repetition_never_beats_unique_data | 10,000 |
//! | data_constrained_is_non_increasing | 10,000 |
//! | total | 75,300 |

mod props_support;

use isoflop::law::{ChinchillaHypothesis, ChinchillaLaw, Evidence, LossHypothesis, Uncertainty};
use isoflop::query::{compute_optimal, predict, tokens_to_reach};
use isoflop::strategies;
use isoflop::units::{Flops, Params, Tokens};
use props_support::rel;
use proptest::prelude::*;

const TOL: f64 = 1e-12;

fn point_hypothesis(law: ChinchillaLaw) -> ChinchillaHypothesis {
    ChinchillaHypothesis::new(
        "proptest-point",
        "generated",
        law,
        Vec::new(),
        Uncertainty::None,
        Evidence::described("generated"),
    )
    .unwrap()
}

fn ordered<T: PartialOrd>(a: T, b: T) -> (T, T) {
    if a <= b {
        (a, b)
    } else {
        (b, a)
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20_000))]

    #[test]
    fn chinchilla_loss_is_non_increasing(
        law in strategies::chinchilla_law(),
        n1 in strategies::params(), n2 in strategies::params(),
        d1 in strategies::tokens(), d2 in strategies::tokens(),
    ) {
        let (small, large) = ordered(n1, n2);
        let (short, long) = ordered(d1, d2);
        prop_assert!(law.loss(large, short).unwrap() <= law.loss(small, short).unwrap());
        prop_assert!(law.loss(small, long).unwrap() <= law.loss(small, short).unwrap());
        prop_assert!(law.loss(large, long).unwrap() >= law.e());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(10_000))]

    #[test]
    fn kaplan_loss_is_non_increasing(
        law in strategies::kaplan_law(),
        n1 in strategies::params(), n2 in strategies::params(),
        d1 in strategies::tokens(), d2 in strategies::tokens(),
    ) {
        let (small, large) = ordered(n1, n2);
        let (short, long) = ordered(d1, d2);
        prop_assert!(law.loss(large, short).unwrap() <= law.loss(small, short).unwrap());
        prop_assert!(law.loss(small, long).unwrap() <= law.loss(small, short).unwrap());
        prop_assert!(law.loss(small, long).unwrap() >= law.loss_infinite_data(small).unwrap() * (1.0 - TOL));
    }

    #[test]
    fn optimal_split_is_optimal_and_spends_the_budget(
        law in strategies::chinchilla_law(),
        c in strategies::budget(),
        k in 0.01f64..100.0,
    ) {
        let (n, d) = law.optimal(c).unwrap();
        prop_assert!(rel(6.0 * n.get() * d.get(), c.get()) <= TOL);
        let best = law.loss(n, d).unwrap();
        let other_n = Params::new(n.get() * k).unwrap();
        let other = law.loss_at_compute(other_n, c).unwrap();
        prop_assert!(best <= other * (1.0 + TOL), "optimum {best} > split x{k}: {other}");
    }

    #[test]
    fn data_constrained_equals_chinchilla_without_repetition(
        law in strategies::data_constrained_law(),
        d in strategies::tokens(),
        extra in 1.0f64..1e3,
        shrink in 1e-3f64..=1.0,
    ) {
        let base = law.base().unwrap();
        let unique = Tokens::new(d.get() * extra).unwrap();
        let n = Params::new(law.optimal_params_for(d).unwrap().get() * shrink).unwrap();
        let dc = law.loss(n, d, unique).unwrap();
        let ch = base.loss(n, d).unwrap();
        prop_assert!(rel(dc, ch) <= TOL, "data-constrained {dc} vs Chinchilla {ch}");
    }

    #[test]
    fn repetition_never_beats_unique_data(
        law in strategies::data_constrained_law(),
        n in strategies::params(),
        d in strategies::tokens(),
        unique_fraction in 1e-4f64..=10.0,
    ) {
        let base = law.base().unwrap();
        let unique = Tokens::new(d.get() * unique_fraction).unwrap();
        let dc = law.loss(n, d, unique).unwrap();
        prop_assert!(dc >= base.loss(n, d).unwrap() * (1.0 - TOL));
        // The floor of infinite repetition is above the loss at D = U unique tokens... and
        // below the loss now.
        prop_assert!(law.loss_infinite_repetition(n, unique).unwrap() <= dc * (1.0 + TOL));
    }

    #[test]
    fn data_constrained_is_non_increasing(
        law in strategies::data_constrained_law(),
        n1 in strategies::params(), n2 in strategies::params(),
        d1 in strategies::tokens(), d2 in strategies::tokens(),
        u1 in strategies::tokens(), u2 in strategies::tokens(),
    ) {
        let (small, large) = ordered(n1, n2);
        let (short, long) = ordered(d1, d2);
        let (few, many) = ordered(u1, u2);
        let at = |n, d, u| law.loss(n, d, u).unwrap();
        prop_assert!(at(large, short, few) <= at(small, short, few) * (1.0 + TOL));
        prop_assert!(at(small, long, few) <= at(small, short, few) * (1.0 + TOL));
        prop_assert!(at(small, short, many) <= at(small, short, few) * (1.0 + TOL));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn compute_optimal_query_matches_the_law(
        h in strategies::chinchilla_hypothesis(),
        c in strategies::budget(),
    ) {
        let s = compute_optimal(&h, c, 0.9).unwrap();
        let (n, d) = h.law().optimal(c).unwrap();
        prop_assert_eq!((s.params, s.tokens), (n, d));
        prop_assert!(rel(6.0 * s.params.get() * s.tokens.get(), c.get()) <= TOL);
        prop_assert!(rel(s.loss.point, h.law().loss(n, d).unwrap()) <= TOL);
        let pb = s.params_band.unwrap();
        let tb = s.tokens_band.unwrap();
        prop_assert!(pb.lo <= pb.median && pb.median <= pb.hi);
        prop_assert!(tb.lo <= tb.median && tb.median <= tb.hi);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3_000))]

    #[test]
    fn inverse_and_forward_queries_agree(
        law in strategies::chinchilla_law(),
        n in strategies::params_in(Params::new(1e7).unwrap(), Params::new(1e13).unwrap()),
        d in strategies::tokens_in(Tokens::new(1e6).unwrap(), Tokens::new(1e15).unwrap()),
    ) {
        let h = point_hypothesis(law);
        let target = predict(&h, n, d, 0.9).unwrap().point;
        let inv = tokens_to_reach(&h, n, target, 0.9).unwrap();
        let forward = predict(&h, n, inv.tokens, 0.9).unwrap().point;
        prop_assert!(rel(forward, target) <= TOL, "L(D_inv) = {forward}, target {target}");
        // D itself is determined up to the loss's rounding over its slope in ln D.
        let slope = law.beta() * law.b() * d.get().powf(-law.beta());
        let bound = 1e-9 + 8.0 * f64::EPSILON * target / slope;
        let err = (inv.tokens.get().ln() - d.get().ln()).abs();
        prop_assert!(err <= bound, "ln D error {err} > {bound} (D {} vs {})", inv.tokens.get(), d.get());
        prop_assert!(rel(inv.flops.get(), 6.0 * n.get() * inv.tokens.get()) <= TOL);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn inverse_with_draws_is_ordered(
        h in strategies::chinchilla_hypothesis(),
        (n, d) in strategies::params_and_tokens(),
    ) {
        let target = h.point(n, d).unwrap();
        let inv = tokens_to_reach(&h, n, target, 0.9).unwrap();
        prop_assert!(rel(inv.tokens.get(), d.get()) <= 1e-6);
        prop_assert!((0.0..=1.0).contains(&inv.reachable_fraction));
        if let Some(b) = inv.tokens_band {
            prop_assert!(b.lo > 0.0 && b.lo <= b.median && b.median <= b.hi && b.hi.is_finite());
        }
    }
}

#[test]
fn presets_satisfy_the_optimal_split() {
    // The published laws themselves (Hoffmann 2022, Besiroglu 2024) at Chinchilla's budget.
    for law in [
        ChinchillaLaw::hoffmann2022(),
        ChinchillaLaw::besiroglu2024(),
    ] {
        let c = Flops::new(5.76e23).unwrap();
        let (n, d) = law.optimal(c).unwrap();
        assert!(rel(6.0 * n.get() * d.get(), c.get()) <= TOL);
    }
}
