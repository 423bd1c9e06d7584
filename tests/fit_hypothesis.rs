//! From data to answer: fit -> bootstrap -> hypothesis, a bootstrap that belongs to its
//! fit, and fits that did not converge never turning silently into answers.

use isoflop::data::chinchilla;
use isoflop::data::run_table::RunTable;
use isoflop::fit::{bootstrap, fit_chinchilla, fit_hypothesis, FitOptions, FitStatus};
use isoflop::law::{LossHypothesis, Uncertainty};
use isoflop::prediction::Warning;
use isoflop::query::predict;
use isoflop::Error;

/// The replication's 240 runs in nats, plus the same runs' losses in bits (x 1/ln 2):
/// a CSV that mixes two kinds of loss.
fn mixed_nats_and_bits() -> RunTable {
    let runs = chinchilla::replication_runs();
    let mut rows: Vec<(f64, f64, f64)> = runs
        .iter()
        .map(|r| (r.n.get(), r.d.get(), r.loss))
        .collect();
    rows.extend(
        runs.iter()
            .map(|r| (r.n.get(), r.d.get(), r.loss / std::f64::consts::LN_2)),
    );
    RunTable::from_rows(&rows).unwrap()
}

#[test]
fn a_bootstrap_refuses_a_table_its_fit_was_not_made_on() {
    let runs = chinchilla::replication_runs();
    let fit = fit_chinchilla(&runs, &FitOptions::default()).unwrap();
    let other = runs.drop_highest_losses(20).unwrap();
    let err = bootstrap(&other, &fit, 10, 1).unwrap_err();
    assert!(matches!(err, Error::NotApplicable { .. }), "{err}");
    assert!(
        err.to_string().contains("not the one the fit was made on"),
        "{err}"
    );
    // The same runs in a fresh table (same contents) are the same table.
    let again = RunTable::from_rows(
        &runs
            .iter()
            .map(|r| (r.n.get(), r.d.get(), r.loss))
            .collect::<Vec<_>>(),
    )
    .unwrap();
    assert_eq!(bootstrap(&again, &fit, 10, 1).unwrap().draws().len(), 10);
}

#[test]
fn fit_bootstrap_hypothesis_in_one_step_with_the_tables_evidence() {
    let runs = chinchilla::replication_runs();
    let h = fit_hypothesis(&runs, "my-law", &FitOptions::default(), 50, 3).unwrap();
    assert_eq!(h.id(), "my-law");
    assert_eq!(h.uncertainty(), Uncertainty::Bootstrap);
    assert_eq!(h.draw_count(), 50);
    // The evidence is the table's own maxima, computed here by a direct loop.
    let (mut n, mut d, mut c) = (0.0_f64, 0.0_f64, 0.0_f64);
    for r in runs.iter() {
        n = n.max(r.n.get());
        d = d.max(r.d.get());
        c = c.max(6.0 * r.n.get() * r.d.get());
    }
    let ev = h.evidence();
    assert_eq!(ev.max_params.unwrap().get(), n);
    assert_eq!(ev.max_tokens.unwrap().get(), d);
    assert_eq!(ev.max_flops.unwrap().get(), c);
    // The same as the three-step path.
    let fit = fit_chinchilla(&runs, &FitOptions::default()).unwrap();
    let boot = bootstrap(&runs, &fit, 50, 3).unwrap();
    let three = boot.hypothesis("my-law").unwrap();
    assert_eq!(three.law(), h.law());
    assert_eq!(three.draws(), h.draws());
    // A converged fit's predictions carry no fit warning, and have a band.
    let p = predict(&h, "7B".parse().unwrap(), "1.4T".parse().unwrap(), 0.9).unwrap();
    assert!(p.loss.width() > 0.0);
    assert!(!p
        .warnings
        .iter()
        .any(|w| matches!(w, Warning::FitNotConverged { .. })));
    // Without a bootstrap: a point hypothesis that says it has no uncertainty.
    let point = fit_hypothesis(&runs, "my-point", &FitOptions::default(), 0, 3).unwrap();
    assert_eq!(point.draw_count(), 0);
    assert_eq!(point.law(), &fit.law);
}

#[test]
fn a_fit_of_mixed_losses_is_not_converged_and_says_so_everywhere() {
    let table = mixed_nats_and_bits();
    let fit = fit_chinchilla(&table, &FitOptions::default()).unwrap();
    assert_ne!(fit.status, FitStatus::Converged, "{:?}", fit.status);
    // The condition number is reported in a form that cannot be negative.
    assert!(fit.diagnostics.hessian_rcond >= 0.0 && fit.diagnostics.hessian_rcond <= 1.0);
    assert!(fit.diagnostics.condition_number() >= 1.0);
    // Its text does not present the optimiser's resting point as estimates.
    let text = fit.to_string();
    assert!(text.contains("not estimates"), "{text}");
    assert!(text.contains(fit.status.name()), "{text}");
    // Every prediction from it carries the status.
    let h = bootstrap(&table, &fit, 20, 1)
        .unwrap()
        .hypothesis("mixed")
        .unwrap();
    let p = predict(&h, "1B".parse().unwrap(), "20B".parse().unwrap(), 0.9).unwrap();
    let w = p
        .warnings
        .iter()
        .find_map(|w| match w {
            Warning::FitNotConverged { status, .. } => Some(status.clone()),
            _ => None,
        })
        .expect("a fit-status warning");
    assert_eq!(w, fit.status.name());
    let point = fit.hypothesis("mixed-point").unwrap();
    let p = predict(&point, "1B".parse().unwrap(), "20B".parse().unwrap(), 0.9).unwrap();
    assert!(p
        .warnings
        .iter()
        .any(|w| matches!(w, Warning::FitNotConverged { .. })));
}

#[test]
fn flat_direction_says_what_to_do() {
    let advice = FitStatus::FlatDirection.advice();
    for needle in ["model sizes", "token ratios", "bootstrap"] {
        assert!(advice.contains(needle), "{advice}");
    }
    assert!(FitStatus::Converged.is_converged());
    for s in [
        FitStatus::Stalled,
        FitStatus::AtBound,
        FitStatus::FlatDirection,
        FitStatus::IterationLimit,
    ] {
        assert!(!s.is_converged());
    }
}
