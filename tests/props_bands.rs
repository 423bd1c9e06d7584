//! Property suite: bands (invariants in `isoflop::strategies`, section "Invariants").
//!
//! | test | cases |
//! |---|---|
//! | bands_from_draws_are_ordered | 10,000 |
//! | predictions_have_ordered_finite_bands | 3,000 |
//! | point_draws_give_the_point | 2,000 |
//! | continuation_bands_widen_beyond_the_data | 300 |
//! | power_law_floor_bands_are_ordered | 100 |
//! | total | 15,400 |

mod props_support;

use isoflop::band::Band;
use isoflop::law::{
    ChinchillaHypothesis, Continuation, ContinuationForm, ContinuationOptions, Evidence,
    LossHypothesis, Uncertainty,
};
use isoflop::prediction::Warning;
use isoflop::query::predict;
use isoflop::strategies;
use isoflop::units::Tokens;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(10_000))]

    #[test]
    fn bands_from_draws_are_ordered(
        mut draws in proptest::collection::vec(-1e6f64..1e6, 1..200),
        level in 0.01f64..0.99,
    ) {
        let (min, max) = draws.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| (a.min(x), b.max(x)));
        let b = Band::from_draws(&mut draws, level).unwrap();
        prop_assert!(min <= b.lo && b.lo <= b.median && b.median <= b.hi && b.hi <= max, "{b:?}");
        prop_assert_eq!(b.level, level);
        prop_assert!(b.width() >= 0.0);
        prop_assert!(b.contains(b.median));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3_000))]

    #[test]
    fn predictions_have_ordered_finite_bands(
        h in strategies::chinchilla_hypothesis(),
        (n, d) in strategies::params_and_tokens(),
        level in 0.5f64..0.99,
    ) {
        let p = predict(&h, n, d, level).unwrap();
        prop_assert!(p.loss.lo <= p.loss.median && p.loss.median <= p.loss.hi);
        prop_assert!(p.loss.lo.is_finite() && p.loss.hi.is_finite() && p.point.is_finite());
        // The band is the percentile band of the draws' losses, within their range.
        let mut losses = Vec::new();
        h.draws_into(n, d, &mut losses).unwrap();
        let (min, max) = losses.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| (a.min(x), b.max(x)));
        prop_assert!(min <= p.loss.lo && p.loss.hi <= max);
        // Without draws the band is the point, with zero width, and says so.
        let bare = ChinchillaHypothesis::new("bare", "generated", *h.law(), Vec::new(), Uncertainty::None, Evidence::described("generated")).unwrap();
        let q = predict(&bare, n, d, level).unwrap();
        prop_assert_eq!((q.loss.lo, q.loss.median, q.loss.hi), (q.point, q.point, q.point));
        prop_assert!(q.warnings.contains(&Warning::NoPublishedUncertainty));
        prop_assert_eq!(q.point, p.point);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn point_draws_give_the_point(
        law in strategies::chinchilla_law(),
        copies in 1usize..50,
        (n, d) in strategies::params_and_tokens(),
    ) {
        let h = ChinchillaHypothesis::new("copies", "generated", law, vec![law; copies], Uncertainty::Bootstrap, Evidence::described("generated")).unwrap();
        let p = predict(&h, n, d, 0.9).unwrap();
        prop_assert_eq!((p.loss.lo, p.loss.median, p.loss.hi), (p.point, p.point, p.point));
    }
}

/// Band widths at the end of the data and at 1.5x to 100x beyond it.
fn widths(c: &Continuation) -> Vec<(f64, f64)> {
    let end = c.evidence().max_tokens.unwrap().get();
    [1.0, 1.5, 2.0, 3.0, 5.0, 10.0, 30.0, 100.0]
        .iter()
        .map(|k| {
            let d = Tokens::new(end * k).unwrap();
            let p = predict(c, c.params(), d, 0.9).unwrap();
            (*k, p.loss.width())
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn continuation_bands_widen_beyond_the_data(
        curve in strategies::loss_curve(),
        log_form in any::<bool>(),
        seed in any::<u64>(),
    ) {
        let form = if log_form { ContinuationForm::LinearInLogTokens } else { ContinuationForm::LinearInTokens };
        let options = ContinuationOptions { start: curve.first_tokens().into(), draws: 200, block_len: None, seed };
        let c = Continuation::fit(&curve, form, &options).unwrap();
        let w = widths(&c);
        for pair in w.windows(2) {
            prop_assert!(pair[1].1 >= pair[0].1 * (1.0 - 1e-9),
                "{} band narrows from {}x to {}x the data: {:?}", form.id(), pair[0].0, pair[1].0, w);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(100))]

    #[test]
    fn power_law_floor_bands_are_ordered(curve in strategies::loss_curve(), seed in any::<u64>()) {
        let options = ContinuationOptions { start: curve.first_tokens().into(), draws: 100, block_len: None, seed };
        // A noisy curve may not pin down the exponent: that is a typed error, not a band.
        if let Ok(c) = Continuation::fit(&curve, ContinuationForm::PowerLawFloor, &options) {
            let end = c.evidence().max_tokens.unwrap().get();
            for k in [1.0, 10.0, 1000.0] {
                let p = predict(&c, c.params(), Tokens::new(end * k).unwrap(), 0.9).unwrap();
                prop_assert!(p.loss.lo <= p.loss.median && p.loss.median <= p.loss.hi);
                prop_assert!(p.loss.lo.is_finite() && p.loss.hi.is_finite());
            }
        }
    }
}
