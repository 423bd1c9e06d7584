//! Every way in validates (issue 13): one test per side door that used to let bad input
//! through. Each of these failed on the code before the issue (a door that accepted the
//! value, panicked, or answered silently wrong); each now expects a typed error or a
//! warning.

use isoflop::band::Band;
use isoflop::data::curve::LossCurve;
use isoflop::data::run_table::{Run, RunTable};
use isoflop::law::calibration::CalibrationPoint;
use isoflop::law::ChinchillaHypothesis;
use isoflop::Error;

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
    // Before, the NaN surfaced only as a non-finite offset; now the point is refused by
    // name, as `CalibrationPoint::new` would.
    let e = r.unwrap_err();
    assert!(matches!(e, Error::InvalidValue { .. }), "{e}");
    assert!(e.to_string().contains("observed loss"), "{e}");
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

// ---------------------------------------------------------------- sizes and lengths

#[test]
fn continuation_refuses_usize_max_draws_instead_of_aborting() {
    use isoflop::data::llama::{self, LlamaModel};
    use isoflop::law::{Continuation, ContinuationForm, ContinuationOptions};
    let curve = llama::curve(LlamaModel::Llama7B);
    let opts = ContinuationOptions {
        draws: usize::MAX,
        ..Default::default()
    };
    let e = Continuation::fit(&curve, ContinuationForm::LinearInLogTokens, &opts).unwrap_err();
    assert!(matches!(e, Error::InvalidValue { .. }), "{e}");
    assert!(e.to_string().contains("1,000,000"), "{e}");
}

#[test]
fn bootstrap_refuses_usize_max_replicates_instead_of_aborting() {
    use isoflop::data::chinchilla;
    use isoflop::fit::{bootstrap, fit_chinchilla, FitOptions};
    let runs = chinchilla::replication_runs();
    let fit = fit_chinchilla(&runs, &FitOptions::default()).unwrap();
    let e = bootstrap(&runs, &fit, usize::MAX, 7).unwrap_err();
    assert!(matches!(e, Error::InvalidValue { .. }), "{e}");
}

#[test]
fn fit_refuses_an_lbfgs_memory_that_cannot_be_allocated() {
    use isoflop::data::chinchilla;
    use isoflop::fit::{fit_chinchilla, FitOptions};
    let runs = chinchilla::replication_runs();
    let mut options = FitOptions::default();
    options.solver.memory = usize::MAX;
    let e = fit_chinchilla(&runs, &options).unwrap_err();
    assert!(matches!(e, Error::InvalidValue { .. }), "{e}");
    options.solver.memory = 0;
    assert!(fit_chinchilla(&runs, &options).is_err());
}

#[test]
fn a_table_cell_with_usize_max_decimals_does_not_abort() {
    use isoflop::report::Cell;
    let c = Cell::number(1.5, usize::MAX);
    assert!(matches!(c, Cell::Number(ref s) if s.starts_with("1.5")));
}

// ---------------------------------------------------------------- calibration

#[test]
fn calibration_with_a_scale_refuses_predictions_that_differ_by_rounding() {
    use isoflop::law::calibration::{Calibrated, CalibrationMode};
    use isoflop::units::Params;
    // Two model sizes 1e-12 apart (relative): Hoffmann's law predicts losses ~1e-14
    // apart. Before, the scale came out ~1e13 with a residual RMS of 0, which looks like
    // a perfect fit.
    let n = 7e9_f64;
    let n2 = n * (1.0 + 1e-12);
    let d = "1T".parse().unwrap();
    let points = vec![
        // The larger model has the lower loss, as the law says: a positive scale.
        CalibrationPoint::new(Params::new(n).unwrap(), d, 1.9).unwrap(),
        CalibrationPoint::new(Params::new(n2).unwrap(), d, 1.8).unwrap(),
    ];
    let r = Calibrated::fit(
        Box::new(ChinchillaHypothesis::hoffmann2022()),
        points.clone(),
        CalibrationMode::OffsetAndScale,
    );
    let e = r.map(|c| c.scale()).unwrap_err();
    assert!(matches!(e, Error::NonIdentifiable(_)), "{e}");
    // An offset alone is still well defined.
    assert!(Calibrated::fit(
        Box::new(ChinchillaHypothesis::hoffmann2022()),
        points,
        CalibrationMode::Offset
    )
    .is_ok());
}

// ---------------------------------------------------------------- probabilities and inverse

/// L = 1 + B / sqrt(D), with one draw per B; a NaN B is a draw with a non-finite loss.
/// Analytically, L = target at D = (B / (target - 1))².
#[derive(Debug)]
struct Synthetic {
    bs: Vec<f64>,
    evidence: isoflop::law::Evidence,
}

impl Synthetic {
    fn new(bs: &[f64]) -> Self {
        Synthetic {
            bs: bs.to_vec(),
            evidence: isoflop::law::Evidence::described("synthetic"),
        }
    }
}

impl isoflop::law::LossHypothesis for Synthetic {
    fn id(&self) -> String {
        "synthetic".into()
    }
    fn assumption(&self) -> String {
        "L = 1 + B / sqrt(D)".into()
    }
    fn source(&self) -> String {
        "tests/every_door.rs".into()
    }
    fn point(&self, _n: isoflop::units::Params, d: isoflop::units::Tokens) -> isoflop::Result<f64> {
        Ok(1.0 + 1e6 / d.get().sqrt())
    }
    fn floor(&self, _n: isoflop::units::Params) -> isoflop::Result<Option<f64>> {
        Ok(Some(1.0))
    }
    fn uncertainty(&self) -> isoflop::law::Uncertainty {
        isoflop::law::Uncertainty::Bootstrap
    }
    fn draw_count(&self) -> usize {
        self.bs.len()
    }
    fn draws_into(
        &self,
        _n: isoflop::units::Params,
        d: isoflop::units::Tokens,
        out: &mut Vec<f64>,
    ) -> isoflop::Result<()> {
        out.clear();
        out.extend(self.bs.iter().map(|b| 1.0 + b / d.get().sqrt()));
        Ok(())
    }
    fn evidence(&self) -> &isoflop::law::Evidence {
        &self.evidence
    }
}

fn is_impossible(w: &isoflop::prediction::Warning) -> bool {
    matches!(w, isoflop::prediction::Warning::Impossible { .. })
}

#[test]
fn probability_leaves_non_finite_draws_out_instead_of_counting_them_false() {
    use isoflop::query::{probability_below, probability_lower};
    let h = Synthetic::new(&[1e5, 2e5, 3e5, f64::NAN]);
    let (n, d) = ("1B".parse().unwrap(), "1T".parse().unwrap());
    // Every finite draw gives 1 + B/1e6 <= 1.3 < 1.5.
    let p = probability_below(&h, n, d, 1.5).unwrap();
    assert_eq!(
        p.probability, 1.0,
        "before: 0.75, the NaN draw counted as 'not below'"
    );
    assert_eq!(p.draws, 3);
    assert!(p.warnings.iter().any(is_impossible), "{:?}", p.warnings);
    let q = probability_lower(&h, (n, "2T".parse().unwrap()), (n, d)).unwrap();
    assert_eq!(q.probability, 1.0);
    assert!(q.warnings.iter().any(is_impossible));
    // Every draw non-finite: an error, not a probability of 0.
    let all_bad = Synthetic::new(&[f64::NAN, f64::INFINITY]);
    assert!(matches!(
        probability_below(&all_bad, n, d, 1.5),
        Err(Error::NonFinite(_))
    ));
}

#[test]
fn inverse_finds_crossings_outside_the_fine_grid_instead_of_clamping() {
    use isoflop::query::tokens_to_reach;
    // Point answer: (1e6 / 1)² = 1e12 tokens; the fine grid spans 1e8..1e16.
    // Draw B = 1e3 crosses at 1e6 tokens (below the grid: clamped to 1e8 before);
    // B = 1e9 crosses at 1e18 (above the grid: counted "unreachable" before);
    // the NaN draw was counted unreachable too, with no warning.
    let h = Synthetic::new(&[1e3, 1e6, 1e6, 1e9, f64::NAN]);
    let r = tokens_to_reach(&h, "1B".parse().unwrap(), 2.0, 0.9).unwrap();
    assert!((r.tokens.get() / 1e12 - 1.0).abs() < 1e-6);
    assert_eq!(r.reachable_fraction, 1.0, "{:?}", r.warnings);
    assert!(r.warnings.iter().any(is_impossible), "{:?}", r.warnings);
    let band = r.tokens_band.unwrap();
    // Type-7 quantiles (numpy's default) of the analytic crossings [1e6, 1e12, 1e12, 1e18],
    // by hand: position h = 3q, so q = 0.05 gives 1e6 + 0.15 (1e12 - 1e6) = 1.5e11,
    // q = 0.5 gives 1e12, q = 0.95 gives 1e12 + 0.85 (1e18 - 1e12) = 8.5e17. The grid's
    // interpolation in ln D is within 1%.
    assert!((band.median / 1e12 - 1.0).abs() < 1e-2, "{band:?}");
    assert!((band.hi / 8.5e17 - 1.0).abs() < 1e-2, "{band:?}");
    assert!((band.lo / 1.5e11 - 1.0).abs() < 1e-2, "{band:?}");
}

#[test]
fn inverse_says_beyond_the_window_not_never() {
    use isoflop::query::tokens_to_reach;
    // B = 1e20 crosses at 1e40 tokens, beyond the 1e30 window; B = 1e-2 at 1e-4 tokens,
    // before it.
    let h = Synthetic::new(&[1e-2, 1e6, 1e6, 1e20]);
    let r = tokens_to_reach(&h, "1B".parse().unwrap(), 2.0, 0.9).unwrap();
    assert_eq!(r.reachable_fraction, 0.5);
    let notes: Vec<String> = r.warnings.iter().map(|w| w.to_string()).collect();
    assert!(
        notes
            .iter()
            .any(|w| w.contains("1e30") && w.contains("not necessarily never")),
        "{notes:?}"
    );
    assert!(
        notes.iter().any(|w| w.contains("before 1e3 tokens")),
        "{notes:?}"
    );
    // A point answer beyond the window (1e42 tokens; the floor 1.0 lies below the
    // target) is not "unreachable" either.
    let e = tokens_to_reach(&h, "1B".parse().unwrap(), 1.0 + 1e-15, 0.9).unwrap_err();
    assert!(!matches!(e, Error::Unreachable { .. }), "{e}");
}

// ---------------------------------------------------------------- extrapolation, both ways

fn beyond(p: &isoflop::prediction::Prediction) -> Option<(f64, String)> {
    p.warnings.iter().find_map(|w| match w {
        isoflop::prediction::Warning::BeyondData { factor, axis } => Some((*factor, axis.clone())),
        _ => None,
    })
}

#[test]
fn a_query_below_the_data_warns() {
    use isoflop::query::predict;
    let h = ChinchillaHypothesis::hoffmann2022();
    // Chinchilla's smallest digitised run has 5.73e7 parameters and 2.45e8 tokens
    // (data::chinchilla::runs()): a 5M model on 100M tokens lies below both.
    let p = predict(&h, "5M".parse().unwrap(), "100M".parse().unwrap(), 0.9).unwrap();
    let (factor, axis) = beyond(&p).expect("no BeyondData warning below the data");
    assert!(axis.contains("below"), "{axis}");
    // 5.73e7 / 5e6 = 11.5 on parameters; 2.45e8 / 1e8 = 2.45 on tokens; compute:
    // 1.40e18 / (6 * 5e6 * 1e8) = 467.
    assert!((factor / (1.40e18 / 3e15) - 1.0).abs() < 1e-9, "{factor}");
    assert!(!p.extrapolation.within_data());
}

#[test]
fn a_corner_of_n_d_the_data_never_covered_warns() {
    use isoflop::query::predict;
    let h = ChinchillaHypothesis::hoffmann2022();
    // 16B parameters on 300M tokens: N, D and C are each inside the runs' ranges, but
    // D/N = 0.019 lies below every run's (lowest 0.036).
    let p = predict(&h, "16B".parse().unwrap(), "300M".parse().unwrap(), 0.9).unwrap();
    let (factor, axis) = beyond(&p).expect("no warning for an uncovered (N, D) corner");
    assert_eq!(axis, "tokens per parameter (below the data)");
    assert!((factor - 0.036 / (3e8 / 16e9)).abs() < 1e-9, "{factor}");
}

#[test]
fn evidence_json_checks_its_ranges_and_reads_old_files() {
    use isoflop::law::Evidence;
    let old = r#"{"description": "d", "max_params": 1e9, "max_tokens": null, "max_flops": null}"#;
    let ev: Evidence = serde_json::from_str(old).unwrap();
    assert_eq!(ev.min_params, None);
    let crossed = r#"{"description": "d", "max_params": 1e9, "max_tokens": null,
        "max_flops": null, "min_params": 2e9}"#;
    assert!(serde_json::from_str::<Evidence>(crossed).is_err());
    let bad_ratio = r#"{"description": "d", "max_params": null, "max_tokens": null,
        "max_flops": null, "min_tokens_per_param": -1.0}"#;
    assert!(serde_json::from_str::<Evidence>(bad_ratio).is_err());
}
