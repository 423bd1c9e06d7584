//! Hostile inputs, round two: the reproductions of the report on sweeps, loaders, draws,
//! duplicated rows and deserialised hypotheses, each with the exact input of the report.
//! Every test failed (panicked, aborted, hung or passed garbage) before its fix.

use isoflop::band::MAX_DRAWS;
use isoflop::data::chinchilla;
#[cfg(feature = "csv")]
use isoflop::data::run_table::Duplicates;
use isoflop::data::run_table::RunTable;
#[cfg(feature = "csv")]
use isoflop::data::sweep::SweepColumns;
use isoflop::data::sweep::{BudgetRule, IsoFlopSweep, SweepTable};
use isoflop::fit::approach1::{fit_approach1, Approach1Options};
use isoflop::fit::approach2::{fit_approach2, Approach2Options};
use isoflop::fit::methods::{compare_methods, MethodOptions, MethodStatus};
#[cfg(feature = "csv")]
use isoflop::fit::{bootstrap, fit_chinchilla, FitOptions};
use isoflop::law::{ChinchillaHypothesis, ChinchillaLaw, LossHypothesis};
use isoflop::units::{Flops, Params, Tokens};
use isoflop::Error;

/// `fit_sweep --draws 18446744073709551615`.
const U64_MAX_DRAWS: usize = 18_446_744_073_709_551_615;

fn bundled_sweep() -> IsoFlopSweep {
    let budgets = chinchilla::ISOFLOP_BUDGETS
        .iter()
        .map(|&c| Flops::new(c).unwrap())
        .collect();
    IsoFlopSweep::from_table(
        "chinchilla",
        &chinchilla::replication_runs(),
        &BudgetRule::Nominal {
            budgets,
            tolerance_decades: 0.1,
        },
    )
    .unwrap()
}

// 1. Panic: Approaches 1 and 2 skipped the MAX_DRAWS check ("capacity overflow").
#[test]
fn huge_draw_counts_are_refused_before_any_work() {
    let sweep = bundled_sweep();
    for draws in [U64_MAX_DRAWS, 2_000_000] {
        let e = fit_approach1(
            &sweep,
            &Approach1Options {
                bootstrap_draws: draws,
                seed: 0,
            },
        )
        .unwrap_err();
        assert!(matches!(e, Error::InvalidValue { .. }), "{e}");
        let e = fit_approach2(
            &sweep,
            &Approach2Options {
                bootstrap_draws: draws,
                ..Approach2Options::default()
            },
        )
        .unwrap_err();
        assert!(matches!(e, Error::InvalidValue { .. }), "{e}");
        let table = SweepTable::from_table("chinchilla", chinchilla::replication_runs());
        let options = MethodOptions {
            bootstrap_draws: draws,
            ..MethodOptions::default()
        };
        let e = compare_methods(&table, &options).unwrap_err();
        assert!(e.to_string().contains("1,000,000"), "{e}");
    }
    assert!(MethodOptions {
        bootstrap_draws: MAX_DRAWS,
        ..MethodOptions::default()
    }
    .check()
    .is_ok());
}

// `backtest --draws 18446744073709551615` exited 0 with every continuation failed.
#[test]
fn backtest_refuses_huge_draws_up_front() {
    let options = isoflop::backtest::BacktestOptions {
        curve_draws: U64_MAX_DRAWS,
        ..Default::default()
    };
    assert!(matches!(options.check(), Err(Error::InvalidValue { .. })));
    assert!(isoflop::backtest::bundled(&options).is_err());
    let options = isoflop::backtest::BacktestOptions {
        bootstrap: U64_MAX_DRAWS,
        ..Default::default()
    };
    assert!(options.check().is_err());
}

// 6. coverage_study's arguments: the checks it applies (the CLI's exit codes are in .ci/run).
#[test]
fn levels_and_draw_counts_are_checked_by_one_public_helper() {
    use isoflop::band::{check_draw_count, check_level};
    for level in [f64::NAN, 0.0, 1.0, -0.5, f64::INFINITY] {
        assert!(check_level("--level", level).is_err(), "{level}");
    }
    assert!(check_draw_count("--draws", U64_MAX_DRAWS).is_err());
    assert_eq!(check_level("--level", 0.95).unwrap(), 0.95);
}

// 5. `fit_chinchilla --csv /dev/zero` and `fit_sweep --csv /dev/zero` aborted on allocation.
#[test]
#[cfg(all(feature = "csv", unix))]
fn endless_input_is_refused_at_the_line_cap() {
    let e = RunTable::from_csv_path("/dev/zero").unwrap_err();
    assert!(matches!(e, Error::Csv(_)), "{e}");
    assert!(e.to_string().contains("line 1"), "{e}");
    assert!(e.to_string().len() < 400, "{} bytes", e.to_string().len());
    let e = SweepTable::from_csv_path("/dev/zero", &SweepColumns::default()).unwrap_err();
    assert!(matches!(e, Error::Csv(_)), "{e}");
    let e = isoflop::data::curve::LossCurve::from_csv_path("/dev/zero", None).unwrap_err();
    assert!(matches!(e, Error::Csv(_)), "{e}");
}

// 5. A huge field was echoed whole into the error message.
#[test]
#[cfg(feature = "csv")]
fn a_huge_field_is_not_echoed_whole() {
    let long_line = format!("N,D,loss\n1e8,1e9,{}\n", "9".repeat(2_000_000));
    let e = RunTable::from_csv_reader(long_line.as_bytes()).unwrap_err();
    assert!(e.to_string().len() < 400, "{} bytes", e.to_string().len());
    // Under the line cap, still far too long to print.
    let field = "x".repeat(50_000);
    for csv in [
        format!("N,D,loss\n1e8,{field},3.0\n"),
        format!("N,D,loss\n1e8,1e9,{field}\n"),
    ] {
        let e = RunTable::from_csv_reader(csv.as_bytes()).unwrap_err();
        let msg = e.to_string();
        assert!(msg.len() < 600, "{} bytes: {}", msg.len(), &msg[..200]);
        assert!(msg.contains("row 0 (line 2)"), "{msg}");
        let e = SweepTable::from_csv_reader(csv.as_bytes(), &SweepColumns::default()).unwrap_err();
        assert!(e.to_string().len() < 600, "{}", e.to_string().len());
    }
}

// 9. Loaders disagreed: RunTable accepted N = 1e308 (6ND = inf); SweepTable refused it
// without naming the row, and called the row "run 0".
#[test]
#[cfg(feature = "csv")]
fn both_loaders_refuse_infinite_compute_naming_the_row() {
    let csv = "N,D,loss\n1e8,1e9,3.0\n2e8,1e9,2.9\n4e8,1e9,2.8\n8e8,1e9,2.7\n1e9,1e9,2.6\n1e308,1e9,3.0\n";
    let e = RunTable::from_csv_reader(csv.as_bytes()).unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains("row 5 (line 7)"), "{msg}");
    assert!(msg.contains("6ND"), "{msg}");
    assert!(!msg.contains("run 0"), "{msg}");
    assert!(
        msg.len() < 400,
        "the value is not printed with 309 digits: {msg}"
    );
    let e = SweepTable::from_csv_reader(csv.as_bytes(), &SweepColumns::default()).unwrap_err();
    let msg2 = e.to_string();
    assert!(msg2.contains("row 5 (line 7)"), "{msg2}");
    assert!(!msg2.contains("run 0"), "{msg2}");
    assert!(msg2.contains("6ND"), "{msg2}");
    // A plain constructor says the same.
    assert!(RunTable::from_rows(&[(1e308, 1e9, 3.0)]).is_err());
}

// The sweep loader said "row 5 ... invalid run 0".
#[test]
#[cfg(feature = "csv")]
fn sweep_loader_names_the_row_not_run_zero() {
    let csv = "N,D,loss\n1e8,1e9,3\n1e8,2e9,3\n1e8,3e9,3\n1e8,4e9,3\n1e8,5e9,3\n1e8,6e9,-3\n";
    let e = SweepTable::from_csv_reader(csv.as_bytes(), &SweepColumns::default()).unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains("row 5 (line 7)"), "{msg}");
    assert!(!msg.contains("run 0"), "{msg}");
}

/// Nine budgets 1e18 .. 1e22 (half-decade steps), five sizes each, the budget column
/// written as 6ND computed in floating point.
#[cfg(feature = "csv")]
fn nine_budget_csv(scale_budget: f64) -> String {
    let mut csv = String::from("N,D,budget,loss\n");
    for k in 0..9 {
        let c = 1e18 * 10f64.powf(0.5 * k as f64);
        for j in 0..5 {
            let n = 1e7 * 10f64.powf(0.5 * k as f64 / 2.0) * 2f64.powi(j);
            let d = c / (6.0 * n);
            let loss = 1.7 + 400.0 / n.powf(0.34) + 400.0 / d.powf(0.28);
            csv.push_str(&format!("{n},{d},{},{loss}\n", 6.0 * n * d * scale_budget));
        }
    }
    csv
}

// The budget column was compared exactly: 6ND in floating point split 9 budgets into 16.
#[test]
#[cfg(feature = "csv")]
fn budget_column_values_are_compared_with_a_relative_tolerance() {
    let csv = nine_budget_csv(1.0);
    let t = SweepTable::from_csv_reader(csv.as_bytes(), &SweepColumns::default()).unwrap();
    let s = t.isoflop(&BudgetRule::Auto).unwrap();
    assert_eq!(s.rule(), &BudgetRule::Column);
    assert_eq!(s.budgets().len(), 9);
    assert!(s.unassigned().is_empty());
    for (k, b) in s.budgets().iter().enumerate() {
        let want = 1e18 * 10f64.powf(0.5 * k as f64);
        assert!((b.get() / want - 1.0).abs() < 1e-9, "{b} vs {want}");
        assert_eq!(s.runs_of(k).len(), 5);
    }
}

// A budget column 1000x off from 6ND was accepted silently.
#[test]
#[cfg(feature = "csv")]
fn a_budget_column_far_from_6nd_is_refused_naming_the_row() {
    let csv = nine_budget_csv(1000.0);
    let e = SweepTable::from_csv_reader(csv.as_bytes(), &SweepColumns::default()).unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains("row 0 (line 2)"), "{msg}");
    assert!(msg.contains("6ND"), "{msg}");
}

// 3. Four distinct (N, D) points written twice in two notations passed the 6-run minimum.
#[test]
#[cfg(feature = "csv")]
fn copies_in_two_notations_are_one_point() {
    let csv = "N,D,loss\n\
               6.7B,140B,2.30\n6700000000,140000000000,2.30\n\
               13B,260B,2.20\n13000000000,260000000000,2.20\n\
               33B,660B,2.10\n33000000000,660000000000,2.10\n\
               65.2B,1.4T,2.00\n65200000000,1400000000000,2.00\n";
    // Default: merged, and the table says how many rows were copies.
    let t = RunTable::from_csv_reader(csv.as_bytes()).unwrap();
    assert_eq!(t.len(), 4);
    assert_eq!(t.merged_rows(), 4);
    assert_eq!(t.counts(), &[2, 2, 2, 2]);
    let e = fit_chinchilla(&t, &FitOptions::default()).unwrap_err();
    assert!(matches!(e, Error::InsufficientData { .. }), "{e}");
    // Kept: the rows stay, but the 6-run minimum counts distinct points.
    let kept = RunTable::from_csv_reader_with(csv.as_bytes(), Duplicates::Keep).unwrap();
    assert_eq!(kept.len(), 8);
    assert_eq!(kept.distinct_points(), 4);
    assert_eq!(kept.duplicate_rows(), 4);
    let e = fit_chinchilla(&kept, &FitOptions::default()).unwrap_err();
    assert!(matches!(e, Error::InsufficientData { .. }), "{e}");
    assert!(e.to_string().contains("distinct"), "{e}");
    // The sweep loader agrees; variable projection no longer reports "ok".
    let s = SweepTable::from_csv_reader(csv.as_bytes(), &SweepColumns::default()).unwrap();
    assert_eq!(s.table().len(), 4);
    let cmp = compare_methods(
        &s,
        &MethodOptions {
            bootstrap_draws: 0,
            ..MethodOptions::default()
        },
    )
    .unwrap();
    for m in &cmp.methods {
        assert!(
            matches!(m.status, MethodStatus::Failed(_)),
            "{}: {}",
            m.method,
            m.status
        );
    }
}

/// The first 40 replication runs, each written `copies` times, as CSV.
#[cfg(feature = "csv")]
fn repeated_csv(copies: usize) -> (RunTable, String) {
    let runs: Vec<_> = chinchilla::replication_runs().runs()[..240]
        .iter()
        .step_by(6)
        .copied()
        .collect();
    let table = RunTable::new(runs).unwrap();
    let mut csv = String::from("N,D,loss\n");
    for r in table.iter() {
        for _ in 0..copies {
            csv.push_str(&format!("{:e},{:e},{:e}\n", r.n.get(), r.d.get(), r.loss));
        }
    }
    (table, csv)
}

// 3. Each row written 20 times shrank the bootstrap standard errors 3-5x, reported Converged.
#[test]
#[cfg(feature = "csv")]
fn copies_are_not_independent_evidence_in_the_bootstrap() {
    let (table, csv) = repeated_csv(20);
    let merged = RunTable::from_csv_reader(csv.as_bytes()).unwrap();
    assert_eq!(merged.len(), table.len());
    assert_eq!(merged.merged_rows(), 19 * table.len());
    let width = |t: &RunTable| {
        let fit = fit_chinchilla(t, &FitOptions::default()).unwrap();
        let b = bootstrap(t, &fit, 60, 3).unwrap();
        (b.intervals(0.9).unwrap().alpha.width(), b.copies())
    };
    let (w_once, copies_once) = width(&table);
    let (w_merged, copies_merged) = width(&merged);
    assert_eq!((copies_once, copies_merged), (0, 0));
    // Weighted by count, resampled as units: the same band as the table written once
    // (same seed, same units; the weights scale the objective by 20).
    assert!(
        (w_merged / w_once - 1.0).abs() < 0.25,
        "merged {w_merged} vs once {w_once}"
    );
    // Kept as copies: the bootstrap says how many rows repeat another.
    let kept = RunTable::from_csv_reader_with(csv.as_bytes(), Duplicates::Keep).unwrap();
    let fit = fit_chinchilla(&kept, &FitOptions::default()).unwrap();
    let b = bootstrap(&kept, &fit, 10, 3).unwrap();
    assert_eq!(b.copies(), 19 * table.len());
}

// 8. ChinchillaHypothesis accepted draws unrelated to its point.
#[test]
fn hypothesis_draws_must_surround_the_point() {
    let point = ChinchillaLaw::hoffmann2022();
    let far = ChinchillaLaw::new(1.0, 50.0, 50.0, 0.9, 0.9).unwrap();
    let e = ChinchillaHypothesis::new(
        "mixed",
        "test",
        point,
        vec![far; 10],
        isoflop::law::Uncertainty::Bootstrap,
        ChinchillaHypothesis::hoffmann2022().evidence().clone(),
    )
    .unwrap_err();
    assert!(
        e.to_string().contains("draws must belong to the point"),
        "{e}"
    );
    // The same through JSON.
    let good = isoflop::fit::replication::besiroglu2024(20, 1).unwrap();
    let mut v: serde_json::Value = serde_json::to_value(&good).unwrap();
    v["draws"] = serde_json::to_value(vec![far; 20]).unwrap();
    let e = serde_json::from_value::<ChinchillaHypothesis>(v).unwrap_err();
    assert!(e.to_string().contains("draws"), "{e}");
    // A real bootstrap passes.
    let json = serde_json::to_string(&good).unwrap();
    assert!(serde_json::from_str::<ChinchillaHypothesis>(&json).is_ok());
}

// break_even_demand returned no small-model tokens, a demand of 0 and a reachable
// fraction of 0 together.
#[test]
fn break_even_below_the_window_is_consistent() {
    let h = isoflop::fit::replication::besiroglu2024(20, 1).unwrap();
    let b = isoflop::query::break_even_demand(
        &h,
        Params::new(1e11).unwrap(),
        (Params::new(1e12).unwrap(), Tokens::new(1.0).unwrap()),
        0.9,
    )
    .unwrap();
    // Reached within the first 1e3 tokens: tokens, demand and the draws agree.
    let tokens = b.small_tokens.expect("reached").get();
    assert!(tokens <= 1e3 * (1.0 + 1e-9), "{b:?}");
    let demand = b.demand.expect("a break-even exists");
    assert!(
        demand >= 0.0 && demand <= 3.0 * (1e11 * tokens - 1e12) / 9e11 + 1e-6,
        "{b:?}"
    );
    assert_eq!(b.reachable_fraction, 1.0, "{b:?}");
}

// An unreachable-loss error printed a 1e308 floor as 309 digits.
#[test]
fn huge_numbers_in_errors_are_compact() {
    let law = ChinchillaLaw::new(1e308, 1.0, 1.0, 0.3, 0.3).unwrap();
    let h = ChinchillaHypothesis::new(
        "huge-floor",
        "test",
        law,
        Vec::new(),
        isoflop::law::Uncertainty::None,
        ChinchillaHypothesis::hoffmann2022().evidence().clone(),
    )
    .unwrap();
    let e = isoflop::query::tokens_to_reach(&h, Params::new(1e9).unwrap(), 2.0, 0.9).unwrap_err();
    let msg = e.to_string();
    assert!(msg.len() < 300, "{} bytes: {msg}", msg.len());
    assert!(msg.contains("1e308") || msg.contains("1.0000e308"), "{msg}");
    let e = Error::InvalidValue {
        what: "x",
        value: f64::MAX,
        allowed: "small",
    };
    assert!(e.to_string().len() < 100, "{e}");
}

// 7. `--at 1` reported N_opt of 0.01-0.7 parameters with status "ok"; a table whose loss
// rises with compute (every method fails) was a success.
#[test]
fn absurd_answers_are_not_ok() {
    let table = SweepTable::from_table("chinchilla", chinchilla::replication_runs());
    let options = MethodOptions {
        at: Some(Flops::new(1.0).unwrap()),
        bootstrap_draws: 0,
        budgets: BudgetRule::Nominal {
            budgets: chinchilla::ISOFLOP_BUDGETS
                .iter()
                .map(|&c| Flops::new(c).unwrap())
                .collect(),
            tolerance_decades: 0.1,
        },
        ..MethodOptions::default()
    };
    let cmp = compare_methods(&table, &options).unwrap();
    for m in &cmp.methods {
        assert!(
            !matches!(m.status, MethodStatus::Ok),
            "{}: {}",
            m.method,
            m.status
        );
    }
    assert!(!cmp.problems().is_empty());
    // Loss rising with compute.
    let rows: Vec<(f64, f64, f64)> = chinchilla::replication_runs()
        .iter()
        .map(|r| {
            (
                r.n.get(),
                r.d.get(),
                1.0 + 1e-12 * 6.0 * r.n.get() * r.d.get() / 1e10,
            )
        })
        .collect();
    let rising = SweepTable::from_table("rising", RunTable::from_rows(&rows).unwrap());
    let cmp = compare_methods(
        &rising,
        &MethodOptions {
            at: None,
            ..options
        },
    )
    .unwrap();
    assert!(!cmp.problems().is_empty(), "{:?}", cmp.methods);
    // The bundled sweep at its own largest budget is trustworthy.
    let cmp = compare_methods(
        &table,
        &MethodOptions {
            at: None,
            bootstrap_draws: 0,
            ..MethodOptions::default()
        },
    )
    .unwrap();
    assert!(
        cmp.methods
            .iter()
            .all(|m| !matches!(m.status, MethodStatus::Failed(_))),
        "{:?}",
        cmp.problems()
    );
}

/// Budgets (FLOPs) and each run's budget.
type Clustering = (Vec<f64>, Vec<Option<usize>>);

/// The direct mean shift the O(n log n) clustering replaced (quadratic: every step scans
/// every run), kept here as the reference it must agree with.
fn mean_shift_reference(log_c: &[f64], tol: f64) -> Clustering {
    let mean_within = |x: f64| {
        let (sum, count) = log_c
            .iter()
            .filter(|&&v| (v - x).abs() <= tol)
            .fold((0.0, 0usize), |(s, c), &v| (s + v, c + 1));
        (sum / count.max(1) as f64, count)
    };
    let mut modes: Vec<f64> = Vec::new();
    for &start in log_c {
        let mut x = start;
        for _ in 0..100 {
            let (m, _) = mean_within(x);
            if (m - x).abs() < 1e-9 {
                break;
            }
            x = m;
        }
        if mean_within(x).1 >= 2 && !modes.iter().any(|&m| (m - x).abs() < 0.5 * tol) {
            modes.push(x);
        }
    }
    modes.sort_by(f64::total_cmp);
    let assignment: Vec<Option<usize>> = log_c
        .iter()
        .map(|&v| {
            modes
                .iter()
                .enumerate()
                .map(|(k, &m)| (k, (m - v).abs()))
                .filter(|&(_, d)| d <= tol)
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .map(|(k, _)| k)
        })
        .collect();
    let mut centres = Vec::new();
    let mut renumber = vec![None; modes.len()];
    for (k, slot) in renumber.iter_mut().enumerate() {
        let members: Vec<f64> = log_c
            .iter()
            .zip(&assignment)
            .filter(|(_, a)| **a == Some(k))
            .map(|(v, _)| *v)
            .collect();
        if members.len() >= 2 {
            *slot = Some(centres.len());
            centres.push(10f64.powf(members.iter().sum::<f64>() / members.len() as f64));
        }
    }
    let assignment = assignment
        .iter()
        .map(|a| a.and_then(|k| renumber[k]))
        .collect();
    (centres, assignment)
}

/// Budgets and assignment of `table` by clustering, and by the reference.
fn both_clusterings(table: &RunTable, tol: f64) -> (Clustering, Clustering) {
    let s = IsoFlopSweep::from_table(
        "t",
        table,
        &BudgetRule::Cluster {
            tolerance_decades: tol,
        },
    )
    .unwrap();
    let log_c: Vec<f64> = table
        .iter()
        .map(|r| (6.0 * r.n.get() * r.d.get()).log10())
        .collect();
    (
        (
            s.budgets().iter().map(|b| b.get()).collect(),
            s.assignment().to_vec(),
        ),
        mean_shift_reference(&log_c, tol),
    )
}

// 2. The O(n log n) clustering gives the mean shift's budgets on the bundled runs and on
// random sweeps, clustered and scattered.
#[test]
fn fast_clustering_agrees_with_the_direct_mean_shift() {
    use rand::{Rng, SeedableRng};
    for tol in [0.05, 0.1, 0.2] {
        let (fast, slow) = both_clusterings(&chinchilla::replication_runs(), tol);
        assert_eq!(fast, slow, "bundled runs, tolerance {tol}");
        let (fast, slow) = both_clusterings(&chinchilla::runs(), tol);
        assert_eq!(fast, slow, "all 245 runs, tolerance {tol}");
    }
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(22);
    for case in 0..200 {
        let budgets = rng.random_range(1..12);
        let runs = rng.random_range(2..300);
        let scatter = if case % 3 == 0 { 1.5 } else { 0.03 };
        let rows: Vec<(f64, f64, f64)> = (0..runs)
            .map(|_| {
                let c = 1e17
                    * 10f64.powf(0.5 * rng.random_range(0..budgets) as f64)
                    * 10f64.powf(scatter * (rng.random::<f64>() - 0.5));
                let n = 1e7 * 10f64.powf(3.0 * rng.random::<f64>());
                (n, c / (6.0 * n), 2.0 + rng.random::<f64>())
            })
            .collect();
        let table = RunTable::from_rows(&rows).unwrap();
        let tol = [0.05, 0.1, 0.2][case % 3];
        let (fast, slow) = both_clusterings(&table, tol);
        assert_eq!(fast.1, slow.1, "case {case}: assignment");
        assert_eq!(fast.0.len(), slow.0.len(), "case {case}");
        for (a, b) in fast.0.iter().zip(&slow.0) {
            assert!((a / b - 1.0).abs() < 1e-12, "case {case}: {a} vs {b}");
        }
    }
}
