//! Every way in validates (issue 13): one test per side door that used to let bad input
//! through. Each of these failed on the code before the issue (a door that accepted the
//! value, panicked, or answered silently wrong); each now expects a typed error or a
//! warning.

use isoflop::band::Band;
use isoflop::data::curve::LossCurve;
use isoflop::data::run_table::{Run, RunTable};
use isoflop::law::calibration::CalibrationPoint;
use isoflop::law::ChinchillaHypothesis;

// ---------------------------------------------------------------- deserialising

fn curve_json(points: &str) -> String {
    format!(r#"{{"model": "m", "params": 1e9, "points": {points}}}"#)
}

#[test]
fn loss_curve_json_goes_through_the_constructor() {
    for bad in [
        "[]",                        // no points
        "[[1e9, 0.0]]",              // zero loss
        "[[1e9, -2.0]]",             // negative loss
        "[[1e9, 2.0], [1e9, 2.5]]",  // one token count, two losses
        "[[1e9, 2.0], [0.0, 2.5]]",  // zero tokens
        "[[1e9, 2.0], [-1e9, 2.5]]", // negative tokens
    ] {
        let json = curve_json(bad);
        assert!(
            serde_json::from_str::<LossCurve>(&json).is_err(),
            "accepted {json}"
        );
    }
    let empty_name = r#"{"model": " ", "params": 1e9, "points": [[1e9, 2.0]]}"#;
    assert!(serde_json::from_str::<LossCurve>(empty_name).is_err());
}

#[test]
fn loss_curve_json_unsorted_comes_back_sorted_with_the_largest_last() {
    // Before: the points were kept in file order and `last_tokens` returned 1e9, not 3e9.
    let c: LossCurve =
        serde_json::from_str(&curve_json("[[3e9, 2.0], [1e9, 2.6], [2e9, 2.2]]")).unwrap();
    assert_eq!(c.last_tokens().get(), 3e9);
    assert_eq!(c.first_tokens().get(), 1e9);
    let tokens: Vec<f64> = c.tokens().map(|t| t.get()).collect();
    assert_eq!(tokens, vec![1e9, 2e9, 3e9]);
    // Exact duplicates collapse, as in `LossCurve::new`.
    let d: LossCurve = serde_json::from_str(&curve_json("[[1e9, 2.0], [1e9, 2.0]]")).unwrap();
    assert_eq!(d.len(), 1);
}

fn hypothesis_json() -> serde_json::Value {
    serde_json::to_value(ChinchillaHypothesis::hoffmann2022()).unwrap()
}

#[test]
fn chinchilla_hypothesis_json_checks_id_and_draws() {
    let good = hypothesis_json();
    assert!(serde_json::from_value::<ChinchillaHypothesis>(good.clone()).is_ok());

    let mut empty_id = good.clone();
    empty_id["id"] = "  ".into();
    assert!(serde_json::from_value::<ChinchillaHypothesis>(empty_id).is_err());

    // Bootstrap uncertainty claimed, no draws given.
    let mut no_draws = good.clone();
    no_draws["uncertainty"] = "Bootstrap".into();
    assert!(serde_json::from_value::<ChinchillaHypothesis>(no_draws).is_err());

    // Draws given, uncertainty None.
    let mut stray = good.clone();
    stray["draws"] = serde_json::json!([good["law"].clone()]);
    assert!(serde_json::from_value::<ChinchillaHypothesis>(stray).is_err());
}

#[test]
fn calibration_point_json_checks_the_loss() {
    for loss in ["0.0", "-1.5", "1e999"] {
        let json = format!(r#"{{"params": 1e9, "tokens": 2e10, "loss": {loss}}}"#);
        assert!(
            serde_json::from_str::<CalibrationPoint>(&json).is_err(),
            "accepted {json}"
        );
    }
    let ok = r#"{"params": 1e9, "tokens": 2e10, "loss": 2.5}"#;
    assert_eq!(
        serde_json::from_str::<CalibrationPoint>(ok).unwrap().loss,
        2.5
    );
}

#[test]
fn calibration_refuses_a_literal_point_with_a_nan_loss() {
    use isoflop::law::calibration::{Calibrated, CalibrationMode};
    let good = CalibrationPoint::new("7B".parse().unwrap(), "1T".parse().unwrap(), 1.8).unwrap();
    let bad = CalibrationPoint {
        loss: f64::NAN,
        ..good
    };
    let r = Calibrated::fit(
        Box::new(ChinchillaHypothesis::hoffmann2022()),
        vec![good, bad],
        CalibrationMode::Offset,
    );
    assert!(r.is_err(), "a NaN observed loss was accepted");
}

#[test]
fn band_json_checks_order_and_level() {
    for bad in [
        r#"{"lo": 2.0, "median": 1.9, "hi": 2.1, "level": 0.9}"#, // lo above median
        r#"{"lo": 1.8, "median": 2.2, "hi": 2.1, "level": 0.9}"#, // median above hi
        r#"{"lo": 1.8, "median": 1.9, "hi": 2.1, "level": 1.5}"#, // level outside (0, 1)
        r#"{"lo": 1.8, "median": 1.9, "hi": 2.1, "level": 0.0}"#,
        r#"{"lo": -1e999, "median": 1.9, "hi": 2.1, "level": 0.9}"#,
    ] {
        assert!(serde_json::from_str::<Band>(bad).is_err(), "accepted {bad}");
    }
    let b: Band =
        serde_json::from_str(r#"{"lo": 1.8, "median": 1.9, "hi": 2.1, "level": 0.9}"#).unwrap();
    assert_eq!((b.lo, b.median, b.hi, b.level), (1.8, 1.9, 2.1, 0.9));
}

#[test]
fn run_table_refuses_a_literal_run_with_a_nan_loss() {
    // Before: `RunTable::new` trusted its runs, and the fit reported the NaN as
    // "not identifiable".
    let good = Run::new("1B".parse().unwrap(), "20B".parse().unwrap(), 2.6).unwrap();
    let bad = Run {
        loss: f64::NAN,
        ..good
    };
    let e = RunTable::new(vec![good, bad]).unwrap_err();
    assert!(e.to_string().contains("run 1"), "{e}");
    assert!(Run::new(good.n, good.d, -1.0).is_err());
}

#[test]
fn runs_and_tables_deserialise_through_their_constructors() {
    let t = RunTable::from_rows(&[(1e8, 2e9, 3.1), (4e8, 8e9, 2.7)]).unwrap();
    let json = serde_json::to_string(&t).unwrap();
    assert_eq!(serde_json::from_str::<RunTable>(&json).unwrap(), t);
    assert!(serde_json::from_str::<RunTable>(r#"{"runs": []}"#).is_err());
    let nan_loss = r#"{"runs": [{"n": 1e8, "d": 2e9, "loss": -3.0}]}"#;
    assert!(serde_json::from_str::<RunTable>(nan_loss).is_err());
    assert!(serde_json::from_str::<Run>(r#"{"n": 1e8, "d": 2e9, "loss": 0.0}"#).is_err());
}
