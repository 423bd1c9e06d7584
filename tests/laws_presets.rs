//! Golden tests for the Kaplan and data-constrained presets.

use isoflop::law::data_constrained::{DataConstrainedHypothesis, DataConstrainedLaw};
use isoflop::law::kaplan::{non_embedding_params, KaplanHypothesis, KaplanLaw};
use isoflop::law::{ChinchillaLaw, LossHypothesis, Uncertainty};
use isoflop::units::{Params, Tokens};
use isoflop::Error;

fn p(x: f64) -> Params {
    Params::new(x).unwrap()
}
fn t(x: f64) -> Tokens {
    Tokens::new(x).unwrap()
}

#[test]
fn kaplan2020_matches_hand_computation() {
    // Kaplan et al. 2020, Eq. 1.5 with Table 2 constants, computed by hand:
    // N_c/N = 6.4e13 / 1.5e9 = 42666.67; alpha_N/alpha_D = 0.076/0.103 = 0.737864;
    // 42666.67^0.737864 = 2608.4117; D_c/D = 1.8e13 / 2.3e10 = 782.6087;
    // (2608.4117 + 782.6087)^0.103 = 3391.0204^0.103 = 2.310064.
    let law = KaplanLaw::kaplan2020();
    let got = law.loss(p(1.5e9), t(2.3e10)).unwrap();
    assert!((got - 2.310064102326748).abs() < 1e-12, "{got}");
    let by_formula = ((6.4e13f64 / 1.5e9).powf(0.076 / 0.103) + 1.8e13 / 2.3e10).powf(0.103);
    assert!((got - by_formula).abs() < 1e-12);

    // LLaMA-7B's non-embedding count (untied 32k x 4096 embeddings) at 1T tokens:
    // 9882.229^0.737864 = 886.4616; + 18.0; ^0.103 = 2.016082.
    let n = non_embedding_params(p(6_738_415_616.0), 32_000, 4_096, 2).unwrap();
    assert_eq!(n.get(), 6_476_271_616.0);
    let h = KaplanHypothesis::kaplan2020();
    assert_eq!(h.id(), "kaplan2020");
    assert_eq!(h.uncertainty(), Uncertainty::None);
    assert_eq!(h.draw_count(), 0);
    let got = h.point(n, t(1e12)).unwrap();
    assert!((got - 2.0160819667574392).abs() < 1e-12, "{got}");
    // Floor: (N_c/N)^alpha_N = 9882.229^0.076 = 2.011912 (Eq. 1.1).
    let floor = h.floor(n).unwrap().unwrap();
    assert!((floor - 2.01191196698257).abs() < 1e-12, "{floor}");
    assert!(!h.assumption().is_empty() && h.source().contains("2001.08361"));
}

#[test]
fn kaplan_rejects_bad_input() {
    assert!(matches!(
        KaplanLaw::new(f64::NAN, 0.103, p(6.4e13), t(1.8e13)),
        Err(Error::InvalidValue { .. })
    ));
    assert!(KaplanLaw::new(0.076, f64::INFINITY, p(6.4e13), t(1.8e13)).is_err());
    assert!(non_embedding_params(p(1e6), 32_000, 4_096, 2).is_err());
}

#[test]
fn muennighoff2023_matches_published_check_value() {
    // Published check (Muennighoff et al. 2023, arXiv:2305.16264, their code's README):
    // L(N = 6.34e9, D = 242e9, U_D = 25e9) = 2.2256440889984477.
    let law = DataConstrainedLaw::muennighoff2023();
    let got = law.loss(p(6.34e9), t(242e9), t(25e9)).unwrap();
    assert!((got - 2.2256440889984477).abs() < 1e-12, "{got}");
    let h = DataConstrainedHypothesis::muennighoff2023(t(25e9));
    assert_eq!(h.id(), "data-constrained-muennighoff2023");
    assert_eq!(h.point(p(6.34e9), t(242e9)).unwrap(), got);
}

#[test]
fn no_repetition_is_the_plain_chinchilla_law() {
    let law = DataConstrainedLaw::muennighoff2023();
    let base =
        ChinchillaLaw::from_logs(6.255414, 7.3049974, 0.6254804, 0.3526596, 0.3526596).unwrap();
    assert_eq!(law.base().unwrap(), base);
    let unique = t(1e12);
    for &d in &[1e9, 5e10, 3e11, 1e12] {
        // D <= unique: no repeated epochs, and U_D (unique tokens seen) = D;
        // N <= N_opt(U_D): no excess parameters.
        let n_opt = law.optimal_params_for(t(d)).unwrap();
        for &frac in &[1e-3, 0.1, 0.5, 1.0] {
            let n = p(n_opt.get() * frac);
            let dc = law.loss(n, t(d), unique).unwrap();
            let ch = base.loss(n, t(d)).unwrap();
            assert!((dc - ch).abs() < 1e-12, "N={} D={d}: {dc} vs {ch}", n.get());
        }
    }
}

#[test]
fn repeated_epochs_never_beat_unique_data() {
    let law = DataConstrainedLaw::muennighoff2023();
    for &n in &[1e8, 1e9, 6.34e9, 7e10] {
        for &d in &[1e10, 1e11, 1e12, 1e13] {
            let all_unique = law.loss(p(n), t(d), t(d)).unwrap();
            let mut previous = f64::INFINITY;
            for &epochs in &[1.5, 2.0, 4.0, 16.0, 100.0, 1000.0] {
                let repeated = law.loss(p(n), t(d), t(d / epochs)).unwrap();
                assert!(
                    repeated >= all_unique - 1e-12,
                    "N={n} D={d} epochs={epochs}"
                );
                // Fewer unique tokens (more epochs) never helps either.
                assert!(repeated >= previous - 1e-12 || previous.is_infinite());
                previous = repeated;
            }
            // More training on a fixed unique budget still (weakly) helps.
            let u = t(d / 4.0);
            assert!(law.loss(p(n), t(2.0 * d), u).unwrap() <= law.loss(p(n), t(d), u).unwrap());
        }
    }
}

#[test]
fn data_constrained_floor_and_validation() {
    let h = DataConstrainedHypothesis::muennighoff2023(t(25e9));
    let n = p(6.34e9);
    let floor = h.floor(n).unwrap().unwrap();
    assert!(h.point(n, t(1e12)).unwrap() > floor + 1e-6);
    assert!((h.point(n, t(1e22)).unwrap() - floor).abs() < 1e-9);
    assert!(DataConstrainedLaw::new(ChinchillaLaw::hoffmann2022(), -1.0, 5.0).is_err());
}
