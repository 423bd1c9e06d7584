//! Curve continuations: recovery of known parameters, bands, typed errors.

use isoflop::band::Band;
use isoflop::data::curve::LossCurve;
use isoflop::data::llama::{self, LlamaModel};
use isoflop::law::continuation::{
    Coefficients, Continuation, ContinuationForm, ContinuationOptions,
};
use isoflop::law::{LossHypothesis, Uncertainty};
use isoflop::units::{Params, Tokens};
use isoflop::Error;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const N: f64 = 7e9;

/// A true loss curve, D -> L.
type Truth = fn(f64) -> f64;

fn t(x: f64) -> Tokens {
    Tokens::new(x).unwrap()
}

/// Points every 5B tokens from 100B to 1T, with optional AR(1) noise (sd, phi).
fn synthetic(f: impl Fn(f64) -> f64, noise: Option<(f64, f64)>) -> LossCurve {
    synthetic_seeded(f, noise, 7)
}

fn synthetic_seeded(f: impl Fn(f64) -> f64, noise: Option<(f64, f64)>, seed: u64) -> LossCurve {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut e = 0.0;
    let points = (20..=200)
        .map(|i| {
            let d = i as f64 * 5e9;
            let eps = match noise {
                Some((sd, phi)) => {
                    // Approximately normal shocks: sum of 12 uniforms - 6.
                    let z: f64 = (0..12).map(|_| rng.random::<f64>()).sum::<f64>() - 6.0;
                    e = phi * e + sd * (1.0 - phi * phi).sqrt() * z;
                    e
                }
                None => 0.0,
            };
            (t(d), f(d) + eps)
        })
        .collect();
    LossCurve::new("synthetic-7B", Params::new(N).unwrap(), points).unwrap()
}

fn opts(draws: usize) -> ContinuationOptions {
    // The LLaMA-1 window start, as in the examples.
    ContinuationOptions {
        start: llama::CONTINUATION_START.into(),
        draws,
        ..Default::default()
    }
}

fn rel(a: f64, b: f64) -> f64 {
    ((a - b) / b).abs()
}

#[test]
fn noise_free_curves_are_recovered() {
    let n = Params::new(N).unwrap();
    let lin = synthetic(|d| 2.0 - 1.5e-13 * d, None);
    let fit = Continuation::fit(&lin, ContinuationForm::LinearInTokens, &opts(20)).unwrap();
    let Coefficients::LinearInTokens { a, b } = fit.coefficients() else {
        panic!("wrong form")
    };
    assert!(rel(a, 2.0) < 1e-9 && rel(b, -1.5e-13) < 1e-9, "{a} {b}");
    assert!((fit.point(n, t(1e13)).unwrap() - (2.0 - 1.5)).abs() < 1e-9);

    let log = synthetic(|d| 5.0 - 0.11 * d.ln(), None);
    let fit = Continuation::fit(&log, ContinuationForm::LinearInLogTokens, &opts(20)).unwrap();
    let Coefficients::LinearInLogTokens { a, b } = fit.coefficients() else {
        panic!("wrong form")
    };
    assert!(rel(a, 5.0) < 1e-9 && rel(b, -0.11) < 1e-9, "{a} {b}");

    let pow = synthetic(|d| 1.6 + 450.0 * d.powf(-0.3), None);
    let fit = Continuation::fit(&pow, ContinuationForm::PowerLawFloor, &opts(20)).unwrap();
    let Coefficients::PowerLawFloor { e, b, beta } = fit.coefficients() else {
        panic!("wrong form")
    };
    assert!(
        rel(e, 1.6) < 1e-9 && rel(b, 450.0) < 1e-9 && rel(beta, 0.3) < 1e-9,
        "{e} {b} {beta}"
    );
    assert_eq!(fit.floor(n).unwrap(), Some(e));
    assert!(fit.residual_rms() < 1e-9);
}

/// Whether the true value at `d` lies within the `level` band of the draws, and the band.
fn covers(fit: &Continuation, truth: impl Fn(f64) -> f64, d: f64, level: f64) -> (bool, Band) {
    let mut v = Vec::new();
    fit.draws_into(fit.params(), t(d), &mut v).unwrap();
    let band = Band::from_draws(&mut v, level).unwrap();
    (band.lo <= truth(d) && truth(d) <= band.hi, band)
}

#[test]
fn noisy_curves_are_recovered_within_their_band() {
    // AR(1) noise, sd 0.004 nats, lag-1 correlation 0.8: like a digitised training
    // curve (141 points, but only ~16 effectively independent ones). Over 40
    // independent noisy curves per form, count how often the 90% band covers the
    // truth at the end of the data (1T) and at 2x beyond it. Coverage is measured,
    // not assumed: the block bootstrap undercovers at this small effective sample
    // size (about 70-80% at nominal 90%, see the module docs); this guards against
    // anything worse than 60%.
    let noise = Some((0.004, 0.8));
    let cases: [(ContinuationForm, Truth); 3] = [
        (ContinuationForm::LinearInTokens, |d| 2.0 - 1.5e-13 * d),
        (ContinuationForm::LinearInLogTokens, |d| 5.0 - 0.11 * d.ln()),
        (ContinuationForm::PowerLawFloor, |d| {
            1.6 + 450.0 * d.powf(-0.3)
        }),
    ];
    for (form, f) in cases {
        let mut covered = [0usize; 2];
        let trials = 40;
        for seed in 0..trials {
            let curve = synthetic_seeded(f, noise, 100 + seed);
            let fit = Continuation::fit(&curve, form, &opts(200)).unwrap();
            for (k, d) in [1e12, 2e12].into_iter().enumerate() {
                let (ok, band) = covers(&fit, f, d, 0.9);
                covered[k] += usize::from(ok);
                assert!(
                    band.hi - band.lo < 0.1,
                    "{form:?}: band too wide to be useful: {band}"
                );
            }
        }
        println!("{form:?}: 90% band coverage {covered:?} of {trials}");
        for c in covered {
            assert!(
                c as f64 >= 0.6 * trials as f64,
                "{form:?}: coverage {covered:?} of {trials}"
            );
        }
    }
}

#[test]
fn bands_widen_with_extrapolation_distance() {
    let curve = llama::curve(LlamaModel::Llama7B);
    for form in ContinuationForm::ALL {
        let fit = Continuation::fit(&curve, form, &opts(500)).unwrap();
        assert_eq!(fit.uncertainty(), Uncertainty::BlockBootstrap);
        assert_eq!(fit.draw_count(), 500);
        let mut widths = Vec::new();
        for d in [1.5e12, 3e12, 1e13] {
            let mut v = Vec::new();
            fit.draws_into(curve.params(), t(d), &mut v).unwrap();
            let b = Band::from_draws(&mut v, 0.9).unwrap();
            assert!(b.lo <= b.median && b.median <= b.hi);
            widths.push(b.hi - b.lo);
        }
        assert!(
            widths[0] < widths[1] && widths[1] < widths[2],
            "{form:?}: {widths:?}"
        );
    }
}

#[test]
fn block_bootstrap_is_wider_than_iid_ols_on_llama() {
    // The reason for the block bootstrap: on an autocorrelated curve the i.i.d.
    // Student-t interval of the slope is much narrower than the block-bootstrap spread.
    let curve = llama::curve(LlamaModel::Llama7B);
    let fit = Continuation::fit(&curve, ContinuationForm::LinearInLogTokens, &opts(1000)).unwrap();
    let (lo, hi) = fit.iid_slope_interval(0.9).unwrap().unwrap();
    let mut slopes: Vec<f64> = fit
        .draw_coefficients()
        .map(|c| match c {
            Coefficients::LinearInLogTokens { b, .. } => b,
            _ => f64::NAN,
        })
        .collect();
    let band = Band::from_draws(&mut slopes, 0.9).unwrap();
    assert!(lo < hi);
    assert!(
        band.hi - band.lo > 2.0 * (hi - lo),
        "bootstrap {band} vs iid [{lo}, {hi}]"
    );
    let power = Continuation::fit(&curve, ContinuationForm::PowerLawFloor, &opts(10)).unwrap();
    assert_eq!(power.iid_slope_interval(0.9).unwrap(), None);
}

#[test]
fn draws_are_reproducible_and_seeded() {
    let curve = llama::curve(LlamaModel::Llama13B);
    let a = Continuation::fit(&curve, ContinuationForm::PowerLawFloor, &opts(50)).unwrap();
    let b = Continuation::fit(&curve, ContinuationForm::PowerLawFloor, &opts(50)).unwrap();
    assert_eq!(a, b);
    let other = ContinuationOptions {
        seed: 1,
        ..opts(50)
    };
    let c = Continuation::fit(&curve, ContinuationForm::PowerLawFloor, &other).unwrap();
    assert_ne!(a, c);
    assert_eq!(a.coefficients(), c.coefficients());
}

#[test]
fn a_continuation_knows_one_model_and_never_clamps() {
    let curve = llama::curve(LlamaModel::Llama7B);
    let fit = Continuation::fit(&curve, ContinuationForm::LinearInTokens, &opts(20)).unwrap();
    assert_eq!(fit.id(), "linear-in-tokens");
    assert_eq!(fit.floor(curve.params()).unwrap(), None);
    let ev = fit.evidence();
    assert_eq!(ev.max_tokens, Some(curve.last_tokens()));
    assert_eq!(ev.max_params, Some(curve.params()));
    // 0.5% off the model size is the same model; 65B is not.
    let near = Params::new(curve.params().get() * 1.005).unwrap();
    assert!(fit.point(near, t(1e12)).is_ok());
    let big = LlamaModel::Llama65B.params();
    assert!(matches!(
        fit.point(big, t(1e12)),
        Err(Error::NotApplicable { .. })
    ));
    assert!(matches!(fit.floor(big), Err(Error::NotApplicable { .. })));
    let mut v = Vec::new();
    assert!(fit.draws_into(big, t(1e12), &mut v).is_err());
    // At 65B's compute (13.6T tokens) the straight line has crossed zero: returned as is.
    let d = t(6.0 * big.get() * 1.4e12 / (6.0 * curve.params().get()));
    assert!(fit.point(curve.params(), d).unwrap() < 0.0);

    let log = Continuation::fit(&curve, ContinuationForm::LinearInLogTokens, &opts(20)).unwrap();
    assert_eq!(log.id(), "linear-in-log-tokens");
    assert_eq!(log.floor(curve.params()).unwrap(), None);
    let pow = Continuation::fit(&curve, ContinuationForm::PowerLawFloor, &opts(20)).unwrap();
    assert_eq!(pow.id(), "power-law-floor");
    assert!(pow.floor(curve.params()).unwrap().is_some());
    for h in [&fit, &log, &pow] {
        assert!(h.source().contains("LLaMA-7B") && !h.assumption().is_empty());
    }
}

#[test]
fn bad_input_is_a_typed_error() {
    let curve = llama::curve(LlamaModel::Llama7B);
    let beyond = ContinuationOptions {
        start: t(2e12).into(),
        ..opts(20)
    };
    for form in ContinuationForm::ALL {
        assert!(matches!(
            Continuation::fit(&curve, form, &beyond),
            Err(Error::InsufficientData { .. })
        ));
    }
    // Two points left after the start: too few for any form.
    let two = ContinuationOptions {
        start: t(1.0e12).into(),
        ..opts(20)
    };
    assert_eq!(curve.tail_from(t(1.0e12)).unwrap().len(), 2);
    assert!(matches!(
        Continuation::fit(&curve, ContinuationForm::LinearInTokens, &two),
        Err(Error::InsufficientData { .. })
    ));
    // Three points: enough for a line, not for the power law.
    let three = ContinuationOptions {
        start: t(0.997e12).into(),
        ..opts(20)
    };
    assert!(Continuation::fit(&curve, ContinuationForm::LinearInTokens, &three).is_ok());
    assert!(matches!(
        Continuation::fit(&curve, ContinuationForm::PowerLawFloor, &three),
        Err(Error::InsufficientData { .. })
    ));
    assert!(matches!(
        Continuation::fit(&curve, ContinuationForm::LinearInTokens, &opts(1)),
        Err(Error::InvalidValue { .. })
    ));
    let block0 = ContinuationOptions {
        block_len: Some(0),
        ..opts(20)
    };
    assert!(Continuation::fit(&curve, ContinuationForm::LinearInTokens, &block0).is_err());
    // NaN never gets into a curve.
    let n = Params::new(N).unwrap();
    assert!(LossCurve::new("x", n, vec![(t(1e9), f64::NAN), (t(2e9), 2.0)]).is_err());
    // A flat curve cannot pin the power law's exponent.
    let flat = synthetic(|_| 1.8, None);
    assert!(matches!(
        Continuation::fit(&flat, ContinuationForm::PowerLawFloor, &opts(20)),
        Err(Error::NonIdentifiable(_))
    ));
}

#[test]
fn llama_continuations_at_65b_compute() {
    // Prints the table behind the README numbers:
    // cargo test --test laws_continuation llama_continuations -- --nocapture
    let c65 = 6.0
        * LlamaModel::Llama65B.params().get()
        * llama::curve(LlamaModel::Llama65B).last_tokens().get();
    for model in [LlamaModel::Llama7B, LlamaModel::Llama13B] {
        let curve = llama::curve(model);
        let d = t(c65 / (6.0 * curve.params().get()));
        for form in ContinuationForm::ALL {
            let fit = Continuation::fit(&curve, form, &opts(2000)).unwrap();
            let mut v = Vec::new();
            fit.draws_into(curve.params(), d, &mut v).unwrap();
            let band = Band::from_draws(&mut v, 0.9).unwrap();
            let point = fit.point(curve.params(), d).unwrap();
            println!(
                "{} at {d} tokens, {}: point {point:.3}, band {band}, block {} pts, rms {:.4}, {:?}",
                model.name(),
                form.id(),
                fit.block_len(),
                fit.residual_rms(),
                fit.coefficients()
            );
            assert!(band.lo <= band.median && band.median <= band.hi);
            assert!(
                point < curve.final_loss(t(10e9)),
                "continuations keep falling"
            );
        }
    }
}
