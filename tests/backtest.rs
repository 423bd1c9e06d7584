//! Backtests: the true hypothesis ranks first on synthetic data; scores are
//! reproducible from a seed; bad input is a typed error.

use isoflop::backtest::{
    across_models, along_curve, bundled, chinchilla_along_compute, default_fit_start,
    holdout_points, kaplan_along_compute, schedule_notes, BacktestOptions, BandKind, CurveSplit,
    Record, Scoreboard, CHINCHILLA_REFIT, KAPLAN_REFIT,
};
use isoflop::data::curve::LossCurve;
use isoflop::data::llama::{self, LlamaModel};
use isoflop::data::run_table::RunTable;
use isoflop::law::calibration::CalibrationMode;
use isoflop::law::continuation::{ContinuationForm, ContinuationOptions};
use isoflop::law::{ChinchillaHypothesis, ChinchillaLaw};
use isoflop::query::Predictor;
use isoflop::units::{Flops, Params, Tokens};
use isoflop::Error;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn t(x: f64) -> Tokens {
    Tokens::new(x).unwrap()
}

/// Approximately standard normal: sum of 12 uniforms − 6.
fn normal(rng: &mut ChaCha8Rng) -> f64 {
    (0..12).map(|_| rng.random::<f64>()).sum::<f64>() - 6.0
}

/// A curve every 5B tokens from 25B to `end`, with AR(1) noise (sd, lag-1 corr 0.5).
fn synthetic_curve(
    name: &str,
    n: f64,
    end: f64,
    sd: f64,
    seed: u64,
    f: impl Fn(f64) -> f64,
) -> LossCurve {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut e = 0.0;
    let points = (5..=(end / 5e9) as usize)
        .map(|i| {
            let d = i as f64 * 5e9;
            e = 0.5 * e + sd * 0.75f64.sqrt() * normal(&mut rng);
            (t(d), f(d) + e)
        })
        .collect();
    LossCurve::new(name, Params::new(n).unwrap(), points).unwrap()
}

/// Scores the three continuations on `curves` at `cut` (200 draws each).
fn curve_board(curves: &[LossCurve], cut: f64) -> Scoreboard {
    let opts = ContinuationOptions {
        draws: 200,
        seed: 11,
        ..Default::default()
    };
    let split = CurveSplit::at(t(cut));
    let mut p = Predictor::new(0.9).unwrap();
    let (mut records, mut failures) = (Vec::new(), Vec::new());
    for form in ContinuationForm::ALL {
        for c in curves {
            match along_curve(c, form, &split, &opts, &mut p) {
                Ok(r) => records.extend(r),
                Err(e) => failures.push(isoflop::backtest::Failure {
                    hypothesis: form.id().into(),
                    split: split.label(),
                    target: c.model().into(),
                    reason: e.to_string(),
                }),
            }
        }
    }
    Scoreboard::new(records, failures).unwrap()
}

fn two_curves(sd: f64, f: impl Fn(f64) -> f64 + Copy) -> Vec<LossCurve> {
    vec![
        synthetic_curve("small", 7e9, 1.0e12, sd, 1, f),
        synthetic_curve("large", 65e9, 1.4e12, sd, 2, move |d| f(d) - 0.2),
    ]
}

#[test]
fn power_law_truth_ranks_power_law_first() {
    // L = 1.5 + 4 (D / 1B)^-0.5: strongly curved in ln D.
    let curves = two_curves(0.001, |d| 1.5 + 4.0 * (d / 1e9).powf(-0.5));
    for cut in [200e9, 400e9] {
        let board = curve_board(&curves, cut);
        let ranked = board.ranking(&format!("along-curve@{}", t(cut)));
        assert_eq!(ranked.len(), 3, "{:?}", board.failures);
        assert_eq!(
            ranked[0].hypothesis, "power-law-floor",
            "cut {cut}: {ranked:?}"
        );
        assert!(ranked[0].mae < 0.5 * ranked[1].mae, "cut {cut}: {ranked:?}");
        // The convex truth makes a straight line in ln D too optimistic.
        let log = board.row("linear-in-log-tokens", &ranked[0].split).unwrap();
        assert!(log.bias < 0.0);
    }
}

#[test]
fn linear_in_log_truth_ranks_linear_in_log_first() {
    // Steep enough that a power law (convex in ln D, floor >= 0) cannot mimic the line.
    let curves = two_curves(0.001, |d| 2.5 - 0.2 * (d / 1e9).ln());
    let board = curve_board(&curves, 300e9);
    let ranked = board.ranking("along-curve@300B");
    assert!(ranked.len() >= 2, "{ranked:?}");
    assert_eq!(ranked[0].hypothesis, "linear-in-log-tokens", "{ranked:?}");
    assert!(ranked[0].mae < 0.01, "{ranked:?}");
}

#[test]
fn linear_truth_ranks_linear_in_tokens_first() {
    let curves = two_curves(0.002, |d| 2.3 - 0.4 * d / 1e12);
    let board = curve_board(&curves, 400e9);
    let ranked = board.ranking("along-curve@400B");
    assert_eq!(ranked[0].hypothesis, "linear-in-tokens", "{ranked:?}");
}

/// Runs of a known Chinchilla law (Hoffmann et al. 2022, printed) with 1% log-normal scatter.
fn synthetic_runs() -> RunTable {
    let law = ChinchillaLaw::hoffmann2022();
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let mut rows = Vec::new();
    for i in 0..8 {
        let n = 10f64.powf(7.7 + 2.3 * i as f64 / 7.0);
        for r in [2.0, 5.0, 10.0, 20.0, 50.0, 100.0] {
            let d = r * n;
            let loss =
                law.loss(Params::new(n).unwrap(), t(d)).unwrap() * (0.01 * normal(&mut rng)).exp();
            rows.push((n, d, loss));
        }
    }
    RunTable::from_rows(&rows).unwrap()
}

#[test]
fn chinchilla_truth_beats_kaplan_along_compute() {
    let runs = synthetic_runs();
    let cut = Flops::new(1e20).unwrap();
    let chin = chinchilla_along_compute(&runs, cut, &Default::default(), 30, 5, 0.9).unwrap();
    let kap = kaplan_along_compute(&runs, cut).unwrap();
    assert_eq!(chin.len(), kap.len());
    assert!(chin.len() >= 10);
    assert!(chin
        .iter()
        .all(|r| r.band_kind == BandKind::Prediction && r.band.is_some()));
    assert!(chin.iter().all(|r| r.extrapolation >= 1.0));
    let board = Scoreboard::new([chin, kap].concat(), vec![]).unwrap();
    let ranked = board.ranking("along-compute@1e20");
    assert_eq!(ranked[0].hypothesis, CHINCHILLA_REFIT, "{ranked:?}");
    assert_eq!(ranked[1].hypothesis, KAPLAN_REFIT);
    assert!(ranked[0].mae < 0.03, "{ranked:?}");
    assert_eq!(ranked[1].coverage, None);
}

fn small_options(seed: u64) -> BacktestOptions {
    BacktestOptions {
        seed,
        curve_draws: 40,
        bootstrap: 8,
        curve_cuts: vec![t(600e9)],
        compute_cuts: vec![Flops::new(1e21).unwrap()],
        kaplan: false,
        ..Default::default()
    }
}

#[test]
fn scoreboard_is_reproducible_from_a_seed() {
    let a = bundled(&small_options(9)).unwrap();
    let b = bundled(&small_options(9)).unwrap();
    assert_eq!(a, b);
    // Every design is present.
    let splits = a.splits();
    for s in [
        "along-curve@600B",
        "across-models@7B+13B",
        "across-models@7B+13B+33B",
        "along-compute@1e21",
    ] {
        assert!(splits.contains(&s), "{splits:?}");
    }
    // Another seed changes the bands, not the point predictions.
    let c = bundled(&small_options(10)).unwrap();
    assert_ne!(a.records, c.records);
    for (x, y) in a.rows.iter().zip(&c.rows) {
        assert_eq!((x.mae, x.bias), (y.mae, y.bias), "{}", x.hypothesis);
    }
    // Serialisable and back.
    let json = serde_json::to_string(&a).unwrap();
    let back: Scoreboard = serde_json::from_str(&json).unwrap();
    assert_eq!(back.rows.len(), a.rows.len());
    assert_eq!(back.records.len(), a.records.len());
    for (x, y) in back.rows.iter().zip(&a.rows) {
        assert_eq!(
            (&x.hypothesis, &x.split, x.coverage.is_some()),
            (&y.hypothesis, &y.split, y.coverage.is_some())
        );
        assert!((x.mae - y.mae).abs() < 1e-12 && (x.bias - y.bias).abs() < 1e-12);
    }
    // The schedule caveat is stated.
    let notes = schedule_notes(&a);
    assert!(!isoflop::backtest::band_notes(&a).is_empty());
    assert!(notes.iter().any(|n| n.contains("cosine")), "{notes:?}");
}

#[test]
fn holdout_points_and_fit_window() {
    assert_eq!(default_fit_start(t(200e9)), t(100e9));
    assert_eq!(default_fit_start(t(400e9)), t(200e9));
    assert_eq!(default_fit_start(t(600e9)), t(300e9));
    let c = llama::curve(LlamaModel::Llama7B);
    let pts = holdout_points(&c, &CurveSplit::at(t(600e9))).unwrap();
    let tokens: Vec<f64> = pts.iter().map(|p| p.0.get() / 1e9).collect();
    assert_eq!(
        &tokens[..7],
        &[650.0, 700.0, 750.0, 800.0, 850.0, 900.0, 950.0]
    );
    // The end is the final loss: 1.804 (median of the last 10B, data/llama/SOURCE.md), at
    // the last bin's midpoint (the last vertex is at 1006.63B).
    let (end, last) = pts[7];
    assert!((end.get() / 1e9 - 1006.63).abs() < 2.5);
    assert!((last - 1.804).abs() < 0.003);
}

#[test]
fn bad_input_is_a_typed_error() {
    let c = llama::curve(LlamaModel::Llama7B);
    let opts = ContinuationOptions {
        draws: 10,
        ..Default::default()
    };
    let mut p = Predictor::new(0.9).unwrap();
    let form = ContinuationForm::LinearInLogTokens;
    // A cut with nothing after it.
    let late = CurveSplit::at(t(1.0e12));
    assert!(matches!(
        along_curve(&c, form, &late, &opts, &mut p),
        Err(Error::InsufficientData { .. })
    ));
    // A cut before the curve starts (its first point is at ~24.6B).
    assert!(along_curve(&c, form, &CurveSplit::at(t(10e9)), &opts, &mut p).is_err());
    // Overlapping held-out windows.
    let wide = CurveSplit {
        halfwidth: t(30e9),
        ..CurveSplit::at(t(400e9))
    };
    assert!(matches!(
        holdout_points(&c, &wide),
        Err(Error::InvalidValue { .. })
    ));
    // A window start at or after the cut.
    let inverted = CurveSplit {
        start: Some(t(500e9)),
        ..CurveSplit::at(t(400e9))
    };
    assert!(matches!(
        along_curve(&c, form, &inverted, &opts, &mut p),
        Err(Error::InvalidValue { .. })
    ));
    // Across models: a target that is also calibrated on, or nothing to do.
    let h = || Box::new(ChinchillaHypothesis::hoffmann2022());
    let w = t(10e9);
    assert!(matches!(
        across_models(
            std::slice::from_ref(&c),
            std::slice::from_ref(&c),
            h(),
            CalibrationMode::Offset,
            w,
            &mut p
        ),
        Err(Error::NotApplicable { .. })
    ));
    assert!(matches!(
        across_models(
            &[],
            std::slice::from_ref(&c),
            h(),
            CalibrationMode::Offset,
            w,
            &mut p
        ),
        Err(Error::InsufficientData { .. })
    ));
    // Along compute: a cut above every run.
    let runs = synthetic_runs();
    assert!(matches!(
        kaplan_along_compute(&runs, Flops::new(1e30).unwrap()),
        Err(Error::InsufficientData { .. })
    ));
    assert!(chinchilla_along_compute(
        &runs,
        Flops::new(1e20).unwrap(),
        &Default::default(),
        0,
        1,
        1.5
    )
    .is_err());
    // Options.
    let bad_level = BacktestOptions {
        level: 1.0,
        ..small_options(1)
    };
    assert!(bundled(&bad_level).is_err());
    let one_draw = BacktestOptions {
        curve_draws: 1,
        ..small_options(1)
    };
    assert!(matches!(
        bundled(&one_draw),
        Err(Error::InvalidValue { .. })
    ));
    // A record with a NaN is refused by the scoreboard.
    let nan = Record {
        hypothesis: "h".into(),
        split: "s".into(),
        target: "x".into(),
        params: Params::new(1e9).unwrap(),
        tokens: t(1e9),
        observed: f64::NAN,
        predicted: 2.0,
        band: None,
        band_kind: BandKind::None,
        extrapolation: 1.0,
    };
    assert!(matches!(
        Scoreboard::new(vec![nan], vec![]),
        Err(Error::InvalidValue { .. })
    ));
}
