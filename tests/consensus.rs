//! The consensus (isoflop::consensus): held-out honesty, typed errors, and the shipped
//! calibration matching what the backtests give.

use isoflop::consensus::{
    self, calibrate, leave_one_group_out, table, Component, Consensus, MemberForecast, Mixture,
    Outcome, TargetKind,
};
use isoflop::data::llama::{self, LlamaModel};
use isoflop::law::calibration::{CalibrationMode, CalibrationPoint};
use isoflop::law::continuation::{Continuation, ContinuationForm, ContinuationOptions};
use isoflop::law::{Calibrated, ChinchillaHypothesis, LossHypothesis};
use isoflop::query::{predict, probability_below};
use isoflop::units::Tokens;
use std::sync::Arc;

fn outcome(q: usize, group: &str, y: f64, preds: &[(&str, f64)]) -> Outcome {
    let ms = preds
        .iter()
        .map(|&(h, p)| MemberForecast::new(h, p, 0.0, 1.5).unwrap())
        .collect();
    Outcome::new(format!("q{q}"), "s", group, TargetKind::FinalLoss, y, ms).unwrap()
}

/// Synthetic outcomes in 6 groups: member "a" errs by ±0.02, "b" by ±0.05 with a bias.
fn synthetic() -> Vec<Outcome> {
    (0..24)
        .map(|i| {
            let y = 2.0 + 0.01 * i as f64;
            let s = if i % 2 == 0 { 1.0 } else { -1.0 };
            outcome(
                i,
                &format!("g{}", i % 6),
                y,
                &[("a", y + 0.02 * s), ("b", y + 0.03 + 0.05 * s)],
            )
        })
        .collect()
}

#[test]
fn a_held_out_outcome_never_moves_its_own_prediction() {
    let mut os = synthetic();
    let before = leave_one_group_out(&os).unwrap();
    // Change the outcome of q0 (group g0) by a lot: its held-out prediction is the same,
    // while predictions of other groups (calibrated with it) move.
    let members = os[0].members().to_vec();
    os[0] = Outcome::new("q0", "s", "g0", TargetKind::FinalLoss, 9.0, members).unwrap();
    let after = leave_one_group_out(&os).unwrap();
    let find =
        |hs: &[consensus::HeldOut], q: &str| hs.iter().find(|h| h.question == q).cloned().unwrap();
    assert_eq!(find(&before, "q0").bands, find(&after, "q0").bands);
    assert_ne!(find(&before, "q1").bands, find(&after, "q1").bands);
}

#[test]
fn stacking_prefers_the_member_that_predicts_better() {
    let cal = calibrate(&synthetic()).unwrap();
    assert!(cal.weight("a").unwrap() > cal.weight("b").unwrap());
    // Error scale = RMS of (observed - predicted) / (1 + ln 1.5): 0.02 / 1.405 for "a".
    let s = cal.model("a").unwrap().scale();
    assert!((s - 0.02 / (1.0 + 1.5f64.ln())).abs() < 1e-9, "{s}");
}

#[test]
fn mixture_quantiles_match_an_independent_computation() {
    // One component: the 90% band of N(2, 0.1) is 2 ± 1.6449 * 0.1.
    let m = Mixture::new(vec![Component {
        hypothesis: "x".into(),
        weight: 3.0,
        mean: 2.0,
        sd: 0.1,
    }])
    .unwrap();
    let b = m.band(0.9).unwrap();
    assert!((b.hi - 2.164485).abs() < 1e-5 && (b.lo - 1.835515).abs() < 1e-5);
    // Two equal, well-separated components: the median lies between them.
    let m = Mixture::new(vec![
        Component {
            hypothesis: "a".into(),
            weight: 1.0,
            mean: 1.0,
            sd: 0.01,
        },
        Component {
            hypothesis: "b".into(),
            weight: 1.0,
            mean: 2.0,
            sd: 0.01,
        },
    ])
    .unwrap();
    assert!((m.cdf(1.5) - 0.5).abs() < 1e-12);
}

#[test]
fn bad_input_gives_typed_errors() {
    assert!(MemberForecast::new("a", f64::NAN, 0.0, 1.0).is_err());
    assert!(MemberForecast::new("a", 2.0, -1.0, 1.0).is_err());
    assert!(Outcome::new("q", "s", "g", TargetKind::FinalLoss, 2.0, vec![]).is_err());
    assert!(calibrate(&[]).is_err());
    let cal = table::final_loss().unwrap();
    // Weights that do not sum to one, or a count mismatch.
    assert!(consensus::Calibration::new(
        cal.models().to_vec(),
        vec![0.5; cal.models().len()],
        1,
        1
    )
    .is_err());
    assert!(consensus::Calibration::new(cal.models().to_vec(), vec![1.0], 1, 1).is_err());
    // An empty member list; members without evidence.
    assert!(Consensus::new(vec![], cal.clone()).is_err());
    let hoffmann: Arc<dyn LossHypothesis> = Arc::new(ChinchillaHypothesis::hoffmann2022());
    assert!(Consensus::new(vec![hoffmann], cal.clone()).is_err());
    // A level outside (0, 1).
    let m = cal
        .mixture(&[MemberForecast::new("chinchilla-refit", 2.0, 0.0, 1.0).unwrap()])
        .unwrap()
        .0;
    assert!(m.band(1.0).is_err() && m.band(0.0).is_err() && m.band(f64::NAN).is_err());
    // A point where no member applies: a continuation of the 7B asked about the 65B.
    let c7 = llama::curve(LlamaModel::Llama7B);
    let opts = ContinuationOptions {
        draws: 50,
        ..Default::default()
    }
    .starting_at(llama::CONTINUATION_START);
    let h: Arc<dyn LossHypothesis> =
        Arc::new(Continuation::fit(&c7, ContinuationForm::PowerLawFloor, &opts).unwrap());
    let c = Consensus::new(vec![h], cal).unwrap();
    assert!(c
        .point(LlamaModel::Llama65B.params(), Tokens::new(1.4e12).unwrap())
        .is_err());
    assert!(c.point(c7.params(), Tokens::new(2e12).unwrap()).is_ok());
}

#[test]
fn every_query_works_on_the_consensus_and_members_are_inspectable() {
    let cal = table::final_loss().unwrap();
    let c7 = llama::curve(LlamaModel::Llama7B);
    let opts = ContinuationOptions {
        draws: 100,
        ..Default::default()
    }
    .starting_at(llama::CONTINUATION_START);
    let plf = Continuation::fit(&c7, ContinuationForm::PowerLawFloor, &opts).unwrap();
    let points: Vec<CalibrationPoint> = calibration_points();
    let scaled = Calibrated::fit(
        Box::new(ChinchillaHypothesis::hoffmann2022()),
        points,
        CalibrationMode::OffsetAndScale,
    )
    .unwrap();
    let members: Vec<Arc<dyn LossHypothesis>> = vec![
        Arc::new(plf),
        Arc::new(scaled),
        Arc::new(ChinchillaHypothesis::hoffmann2022()),
    ];
    let c = Consensus::new(members, cal).unwrap();
    let w = c.weights();
    assert_eq!(w.len(), 3);
    assert!(
        w[2].1.is_none(),
        "Hoffmann on MassiveText has no backtest evidence"
    );
    let (n, d) = (c7.params(), Tokens::new(5e12).unwrap());
    let p = predict(&c, n, d, 0.9).unwrap();
    assert!(p.loss.lo < p.loss.median && p.loss.median < p.loss.hi);
    // The band is wider than either member's own parameter band.
    let (mix, dropped) = c.mixture(n, d).unwrap();
    assert_eq!(mix.components().len(), 2);
    assert!(dropped
        .iter()
        .any(|x| x.hypothesis == "chinchilla-hoffmann2022"));
    let pr = probability_below(&c, n, d, p.loss.median).unwrap();
    assert!((pr.probability - 0.5).abs() < 0.05, "{pr:?}");
    // Through Box and & too.
    let boxed: Box<dyn LossHypothesis> = Box::new(c.clone());
    assert_eq!(boxed.point(n, d).unwrap(), c.point(n, d).unwrap());
}

fn calibration_points() -> Vec<CalibrationPoint> {
    [
        LlamaModel::Llama7B,
        LlamaModel::Llama13B,
        LlamaModel::Llama33B,
    ]
    .iter()
    .map(|&m| CalibrationPoint::final_of(&llama::curve(m), Tokens::new(10e9).unwrap()))
    .collect()
}

/// The planned-longer split on Hägele et al.'s 33M model (cosine runs of 3,000, 7,000 and
/// 10,000 steps): every hypothesis fitted on the 3,000-step run predicts the two longer
/// runs' final losses, observed as their last logged points.
#[test]
fn planned_longer_predicts_the_longer_runs_of_a_size() {
    use isoflop::backtest::{planned_longer, PlannedOptions};
    use isoflop::data::schedules::{self, RunSet, ScheduleKind};
    use isoflop::query::Predictor;
    let runs: Vec<_> = schedules::runs_in(RunSet::HageleSlimPajama)
        .into_iter()
        .filter(|r| r.params().get() < 4e7)
        .collect();
    let opts = PlannedOptions {
        curve_draws: 50,
        annealing_draws: 0,
        ..Default::default()
    };
    let (records, failures) =
        planned_longer(&runs, &opts, &mut Predictor::new(0.9).unwrap()).unwrap();
    assert!(failures.is_empty(), "{failures:?}");
    assert_eq!(
        records.len(),
        2 * 4,
        "two longer runs, three continuations and the annealing law"
    );
    let short = runs
        .iter()
        .find(|r| r.kind() == ScheduleKind::Cosine && r.total_steps() == 3_000)
        .unwrap();
    for r in &records {
        let target = runs
            .iter()
            .find(|x| r.target == format!("{} final loss", x.name()))
            .unwrap();
        assert!(target.total_steps() == 7_000 || target.total_steps() == 10_000);
        assert_eq!(r.observed, target.final_loss());
        let ratio = target.planned_tokens().get() / short.curve().last_tokens().get();
        assert!((r.extrapolation - ratio).abs() < 1e-12);
    }
}

#[test]
fn matched_pairs_are_within_their_tolerance_and_score_as_probabilities() {
    use isoflop::backtest::matched_pairs;
    use isoflop::data::schedules::{self, RunSet};
    let runs = schedules::runs_in(RunSet::HageleSlimPajama);
    assert!(matched_pairs(&runs, 0.5).is_err());
    let pairs = matched_pairs(&runs, 1.3).unwrap();
    assert!(!pairs.is_empty());
    for p in &pairs {
        assert!(
            p.compute_ratio <= 1.3 && p.compute_ratio >= 1.0 / 1.3,
            "{p:?}"
        );
        assert_eq!(p.small_won(), p.small_observed < p.large_observed);
    }
    // A hypothesis that predicts the small run exactly, with a tight band, scores a
    // perfect hit rate and a Brier score near zero.
    let outcomes: Vec<Outcome> = pairs
        .iter()
        .map(|p| {
            let m = MemberForecast::new("oracle", p.small_observed, 1e-6, 1.0).unwrap();
            Outcome::new(
                &p.small,
                &p.split,
                "g",
                TargetKind::FinalLoss,
                p.small_observed,
                vec![m],
            )
            .unwrap()
        })
        .collect();
    let s = consensus::score_pairs(&pairs, &outcomes, &[]);
    assert_eq!(s[0].hypothesis, "oracle");
    assert_eq!(s[0].hit_rate, 1.0);
    assert!(s[0].brier < 1e-6);
}

/// The inverse and lifetime queries on a consensus of the calibrated Hoffmann law and the
/// 7B's power-law continuation: they answer (or refuse with a typed error), and the
/// inverse answer is consistent with the forward one.
#[test]
fn inverse_and_lifetime_queries_work_on_the_consensus() {
    use isoflop::query::{lifetime_optimal, predict_at_compute, tokens_to_reach, LossTarget};
    let cal = table::final_loss().unwrap();
    let scaled = Calibrated::fit(
        Box::new(ChinchillaHypothesis::hoffmann2022()),
        calibration_points(),
        CalibrationMode::OffsetAndScale,
    )
    .unwrap();
    let members: Vec<Arc<dyn LossHypothesis>> = vec![Arc::new(scaled)];
    let c = Consensus::new(members, cal).unwrap();
    let n = LlamaModel::Llama7B.params();
    let p = predict_at_compute(&c, n, "5.48e23".parse().unwrap(), 0.9).unwrap();
    assert!(p.loss.lo < p.point && p.point < p.loss.hi);
    // Tokens to reach the consensus median at 2T tokens: about 2T back.
    let at_2t = c.point(n, Tokens::new(2e12).unwrap()).unwrap();
    let t = tokens_to_reach(&c, n, at_2t, 0.9).unwrap();
    assert!((t.tokens.get() / 2e12 - 1.0).abs() < 0.02, "{t:?}");
    // Lifetime sizing: the cheapest (N, D) over training and 1T served tokens reaching that
    // loss is no more expensive than the 7B trained on 2T tokens, which reaches it.
    let o = lifetime_optimal(&c, LossTarget::Loss(at_2t), 1e12, 0.9).unwrap();
    let seven_b = 6.0 * n.get() * 2e12 + 2.0 * n.get() * 1e12;
    assert!(o.flops.get() <= seven_b * (1.0 + 1e-6), "{o}");
}
