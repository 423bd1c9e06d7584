//! Hostile input to data, fits and fitted hypotheses: empty, single-point and
//! degenerate data, malformed CSV and JSON, values at the extremes of f64. A typed
//! error or a finite answer, never a panic, never a NaN or infinity in a result.
//!
//! | test | cases |
//! |---|---|
//! | loss_curves_from_points | 5,000 |
//! | loss_curves_from_csv | 5,000 |
//! | run_tables_from_rows | 5,000 |
//! | run_tables_from_csv | 5,000 |
//! | data_from_json | 3,000 |
//! | continuations_of_hostile_curves | 1,000 |
//! | calibrations_from_hostile_points | 2,000 |
//! | fits_of_tiny_and_degenerate_tables | 60 |
//! | total | 26,060 |

mod props_support;

use isoflop::data::curve::LossCurve;
use isoflop::data::run_table::RunTable;
use isoflop::fit::{bootstrap, fit_chinchilla, fit_kaplan, FitOptions, Strategy as FitStrategy};
use isoflop::law::calibration::{Calibrated, CalibrationMode, CalibrationPoint};
use isoflop::law::{
    ChinchillaHypothesis, ChinchillaLaw, Continuation, ContinuationForm, ContinuationOptions,
    LossHypothesis,
};
use isoflop::query::predict;
use isoflop::strategies;
use isoflop::units::{Params, Tokens};
use proptest::prelude::*;

/// Any f64, hostile or extreme-but-valid.
fn value() -> impl Strategy<Value = f64> {
    prop_oneof![
        strategies::hostile_f64(),
        strategies::extreme_positive(),
        1.0f64..5.0
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(5_000))]

    #[test]
    fn loss_curves_from_points(
        points in proptest::collection::vec((strategies::extreme_positive(), value()), 0..8),
        n in strategies::extreme_positive(),
        window in strategies::extreme_positive(),
        start in strategies::extreme_positive(),
        name in prop_oneof![Just(String::new()), Just(" ".to_string()), "\\PC{0,8}"],
    ) {
        let pts: Vec<(Tokens, f64)> = points.iter().map(|&(d, l)| (Tokens::new(d).unwrap(), l)).collect();
        let curve = LossCurve::new(name, Params::new(n).unwrap(), pts);
        prop_assert_finite!(curve);
        if let Ok(c) = curve {
            let f = c.final_loss(Tokens::new(window).unwrap());
            prop_assert!(f.is_finite() && f > 0.0, "final loss {f}");
            prop_assert_finite!(c.tail_from(Tokens::new(start).unwrap()));
            prop_assert!(!c.is_empty() && c.points().len() == c.len());
        }
    }

    #[test]
    fn loss_curves_from_csv(csv in strategies::hostile_csv(), n in prop_oneof![Just(None), Just(Some(1e9))]) {
        let n = n.map(|x| Params::new(x).unwrap());
        prop_assert_finite!(LossCurve::from_csv_reader(csv.as_bytes(), n));
    }

    #[test]
    fn run_tables_from_rows(
        rows in proptest::collection::vec((value(), value(), value()), 0..8),
        k in 0usize..10,
        indices in proptest::collection::vec(0usize..12, 0..6),
    ) {
        prop_assert_finite!(RunTable::from_rows(&rows).map(|t| t.runs().to_vec()));
        prop_assert_finite!(RunTable::from_compute_rows(&rows).map(|t| t.runs().to_vec()));
        let (n, d, l): (Vec<f64>, Vec<f64>, Vec<f64>) = (
            rows.iter().map(|r| r.0).collect(),
            rows.iter().map(|r| r.1).skip(k % 2).collect(),
            rows.iter().map(|r| r.2).collect(),
        );
        prop_assert_finite!(RunTable::from_vectors(&n, &d, &l).map(|t| t.runs().to_vec()));
        if let Ok(t) = RunTable::from_rows(&rows) {
            prop_assert_finite!(t.drop_highest_losses(k).map(|t| t.runs().to_vec()));
            prop_assert_finite!(t.select(&indices).map(|t| t.runs().to_vec()));
            for r in t.iter() {
                prop_assert_finite!(r.flops());
            }
            let _ = t.check_fittable(5);
        }
    }

    #[test]
    fn run_tables_from_csv(csv in strategies::hostile_csv()) {
        prop_assert_finite!(RunTable::from_csv_reader(csv.as_bytes()).map(|t| t.runs().to_vec()));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3_000))]

    #[test]
    fn data_from_json(s in strategies::hostile_json(), x in value()) {
        prop_assert_finite!(serde_json::from_str::<LossCurve>(&s).map_err(|_| ()));
        prop_assert_finite!(serde_json::from_str::<ChinchillaLaw>(&s).map_err(|_| ()));
        prop_assert_finite!(serde_json::from_str::<ChinchillaHypothesis>(&s).map_err(|_| ()));
        prop_assert_finite!(serde_json::from_str::<CalibrationPoint>(&s).map_err(|_| ()));
        prop_assert_finite!(serde_json::from_str::<ContinuationOptions>(&s).map_err(|_| ()));
        // A curve whose JSON carries a hostile loss must be rejected or finite.
        let doc = format!(r#"{{"model":"m","params":1e9,"points":[[1e9,{x}],[2e9,{x}]]}}"#);
        prop_assert_finite!(serde_json::from_str::<LossCurve>(&doc).map_err(|_| ()));
        let law = format!(r#"{{"E":{x},"A":400,"B":400,"alpha":0.3,"beta":0.3}}"#);
        prop_assert_finite!(serde_json::from_str::<ChinchillaLaw>(&law).map_err(|_| ()));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1_000))]

    #[test]
    fn continuations_of_hostile_curves(
        points in proptest::collection::vec((1e6f64..1e13, prop_oneof![1e-300f64..1e-290, 0.5f64..5.0, 1e290f64..1e300]), 1..8),
        form in proptest::sample::select(ContinuationForm::ALL.to_vec()),
        draws in 0usize..20,
        block in prop_oneof![Just(None), (0usize..10).prop_map(Some)],
        d in strategies::extreme_positive(),
        seed in any::<u64>(),
    ) {
        let pts: Vec<(Tokens, f64)> = points.iter().map(|&(t, l)| (Tokens::new(t).unwrap(), l)).collect();
        let Ok(curve) = LossCurve::new("m", Params::new(1e9).unwrap(), pts) else { return Ok(()) };
        let options = ContinuationOptions { start: curve.first_tokens().into(), draws, block_len: block, seed };
        let fit = Continuation::fit(&curve, form, &options);
        prop_assert_finite!(fit);
        if let Ok(c) = fit {
            let d = Tokens::new(d).unwrap();
            prop_assert_finite!(predict(&c, c.params(), d, 0.9));
            prop_assert_finite!(c.iid_slope_interval(0.9));
            let coefficients = c.coefficients();
            prop_assert_finite!(Ok::<_, ()>(coefficients));
        }
    }

    #[test]
    fn calibrations_from_hostile_points(
        points in proptest::collection::vec((strategies::extreme_positive(), strategies::extreme_positive(), value()), 0..5),
        with_scale in any::<bool>(),
        h in strategies::chinchilla_hypothesis(),
        n in strategies::extreme_positive(),
        d in strategies::extreme_positive(),
    ) {
        let pts: Vec<CalibrationPoint> = points
            .iter()
            .filter_map(|&(n, d, l)| CalibrationPoint::new(Params::new(n).unwrap(), Tokens::new(d).unwrap(), l).ok())
            .collect();
        let mode = if with_scale { CalibrationMode::OffsetAndScale } else { CalibrationMode::Offset };
        let inner: Box<dyn LossHypothesis> = Box::new(h);
        if let Ok(cal) = Calibrated::fit(inner, pts, mode) {
            prop_assert!(cal.offset().is_finite() && cal.scale().is_finite() && cal.residual_rms().is_finite(),
                "offset {} scale {} rms {}", cal.offset(), cal.scale(), cal.residual_rms());
            prop_assert_finite!(Ok::<_, ()>(cal.draw_maps().to_vec()));
            let (n, d) = (Params::new(n).unwrap(), Tokens::new(d).unwrap());
            prop_assert_finite!(predict(&cal, n, d, 0.9));
        }
    }
}

/// Tiny or degenerate run tables: 0 to 12 runs, extreme values, repeated sizes and token
/// counts, losses that rise with size.
fn tiny_table() -> impl Strategy<Value = Vec<(f64, f64, f64)>> {
    let row = (
        prop_oneof![
            Just(1e8),
            Just(1e9),
            1e6f64..1e15,
            strategies::extreme_positive()
        ],
        prop_oneof![Just(1e10), 1e6f64..1e15, strategies::extreme_positive()],
        prop_oneof![Just(2.5), 0.5f64..10.0, strategies::extreme_positive()],
    );
    proptest::collection::vec(row, 0..12)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(60))]

    #[test]
    fn fits_of_tiny_and_degenerate_tables(rows in tiny_table(), n in strategies::extreme_positive(), d in strategies::extreme_positive()) {
        let Ok(table) = RunTable::from_rows(&rows) else { return Ok(()) };
        let options = FitOptions { strategy: FitStrategy::Screened { refine: 4 }, ..FitOptions::default() };
        let fit = fit_chinchilla(&table, &options);
        prop_assert_finite!(fit.as_ref().map(|f| (f.law, f.params, f.objective, f.status)));
        if let Ok(f) = fit {
            let b = bootstrap(&table, &f, 8, 1);
            if let Ok(b) = b {
                prop_assert_finite!(Ok::<_, ()>(b.draws().to_vec()));
                prop_assert_finite!(b.intervals(0.9));
                let (n, d) = (Params::new(n).unwrap(), Tokens::new(d).unwrap());
                let _ = b.confidence_band(n, d, 0.9); // may be an error (non-finite draws), never a panic
                let _ = b.prediction_band(n, d, 0.9);
            }
        }
        prop_assert_finite!(fit_kaplan(&table));
    }
}

/// Found by this suite (fixed): `fit_kaplan` never returned on this table; argmin's
/// More-Thuente line search looped without an iteration limit on the Kaplan objective.
/// The solver now has a budget of objective passes per run.
#[test]
fn kaplan_fit_of_extreme_table_terminates() {
    let rows = [
        (100000000.0, 1.0, 2.5),
        (249318841871176.06, 797306812213752.6, 9.550615476810782),
        (100000000.0, 737045847333724.4, 7.407426219311412),
        (83686923819982.58, 8.382014903498019e250, 2.5),
        (544660998557489.7, 4.605104742110243e200, 2.5),
        (100000000.0, 3.0554305776169114e157, 5.739562365769028),
    ];
    let table = RunTable::from_rows(&rows).unwrap();
    let _ = fit_kaplan(&table);
}

/// Found by this suite (fixed): losses near 1e290 made a continuation's bootstrap
/// coefficients and a calibration's residual RMS infinite inside an `Ok` value.
#[test]
fn overflowing_curves_are_errors() {
    let t = |x: f64| Tokens::new(x).unwrap();
    let pts = vec![
        (t(1e6), 1e290),
        (t(1e9), 1e300),
        (t(2e9), 3.0),
        (t(6e12), 1e295),
    ];
    let curve = LossCurve::new("m", Params::new(1e9).unwrap(), pts).unwrap();
    let options = ContinuationOptions {
        start: curve.first_tokens().into(),
        draws: 10,
        block_len: None,
        seed: 1,
    };
    assert!(Continuation::fit(&curve, ContinuationForm::LinearInTokens, &options).is_err());
    let p = |l: f64| CalibrationPoint::new(Params::new(1e9).unwrap(), t(1e10), l).unwrap();
    let inner: Box<dyn LossHypothesis> = Box::new(ChinchillaHypothesis::hoffmann2022());
    assert!(Calibrated::fit(inner, vec![p(1e300), p(1.0)], CalibrationMode::Offset).is_err());
}
