//! Laws say what they are: which N they count, whose id and evidence they carry, and
//! which of them have a compute-optimal split.

use isoflop::data::llama;
use isoflop::law::calibration::{final_points, Calibrated, CalibrationMode};
use isoflop::law::kaplan::non_embedding_params;
use isoflop::law::{
    ChinchillaHypothesis, DataConstrainedHypothesis, DataConstrainedLaw, Evidence,
    KaplanHypothesis, KaplanLaw, LossHypothesis, ParamCount,
};
use isoflop::query::{compare, compute_optimal, compute_overhead, predict, Answer, Question};
use isoflop::units::{Flops, Params, Tokens};
use isoflop::Error;

fn p(x: f64) -> Params {
    Params::new(x).unwrap()
}
fn t(x: f64) -> Tokens {
    Tokens::new(x).unwrap()
}

/// Kaplan et al. 2020, Eq. 1.5 with Table 2's constants, evaluated directly.
fn kaplan_by_hand(n_non_embedding: f64, d: f64) -> f64 {
    let (alpha_n, alpha_d, n_c, d_c) = (0.076_f64, 0.103_f64, 6.4e13_f64, 1.8e13_f64);
    ((n_c / n_non_embedding).powf(alpha_n / alpha_d) + d_c / d).powf(alpha_d)
}

#[test]
fn compare_never_feeds_kaplan_a_total_count() {
    // LLaMA-7B: 6,738,415,616 parameters, of which 2 x 32,000 x 4,096 are its untied
    // input embedding and output projection (Touvron et al. 2023, Table 2; vocabulary 32k).
    let total = p(6_738_415_616.0);
    let q = Question::LossAt {
        params: total,
        tokens: t(1e12),
    };
    let bare = KaplanHypothesis::kaplan2020();
    assert_eq!(bare.param_count(), ParamCount::NonEmbedding);
    let hoffmann = ChinchillaHypothesis::hoffmann2022();
    let told = KaplanHypothesis::kaplan2020().with_embedding_params(p(2.0 * 32_000.0 * 4_096.0));
    let hs: Vec<&dyn LossHypothesis> = vec![&bare, &told, &hoffmann];
    let table = compare(&hs, q, 0.9).unwrap();
    match &table.rows[0].answer {
        Answer::Declined { reason } => assert!(reason.contains("non-embedding"), "{reason}"),
        other => panic!("Kaplan without embeddings must decline, got {other:?}"),
    }
    let n = non_embedding_params(total, 32_000, 4_096, 2).unwrap();
    assert_eq!(n.get(), 6_476_271_616.0);
    match &table.rows[1].answer {
        Answer::Loss(pred) => {
            let want = kaplan_by_hand(6_476_271_616.0, 1e12);
            assert!(
                (pred.loss.median - want).abs() < 1e-12,
                "{} vs {want}",
                pred.loss.median
            );
            // Fed the total instead, the answer would differ measurably.
            assert!((kaplan_by_hand(6_738_415_616.0, 1e12) - want).abs() > 1e-4);
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(table.rows[2].answer, Answer::Loss(_)));
    // The compute question counts FLOPs with the total size: D = C / (6 N_total).
    let c = Flops::new(6.0 * 6_738_415_616.0 * 1e12).unwrap();
    let by_compute = compare(
        &[&told as &dyn LossHypothesis],
        Question::LossAtCompute {
            params: total,
            flops: c,
        },
        0.9,
    )
    .unwrap();
    match &by_compute.rows[0].answer {
        Answer::Loss(pred) => {
            assert!((pred.loss.median - kaplan_by_hand(6_476_271_616.0, 1e12)).abs() < 1e-9)
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_users_laws_carry_the_users_id_and_evidence() {
    let law = KaplanLaw::new(0.07, 0.1, p(5e13), t(2e13)).unwrap();
    let evidence = Evidence {
        max_params: Some(p(1e9)),
        max_tokens: Some(t(2e10)),
        ..Evidence::described("our 30 runs")
    };
    let mine = KaplanHypothesis::new(law)
        .named("kaplan-ours", "fitted to our runs")
        .unwrap()
        .with_evidence(evidence.clone());
    assert_eq!(mine.id(), "kaplan-ours");
    assert!(!mine.source().contains("Kaplan et al."));
    // 4x our largest model, 5x our longest run: the extrapolation is measured from our data.
    let pred = predict(&mine, p(4e9), t(1e11), 0.9).unwrap();
    assert!(
        (pred.extrapolation.factor - 5.0).abs() < 1e-9,
        "{:?}",
        pred.extrapolation
    );
    // Without evidence, nothing pretends to know WebText2's ranges.
    let bare = KaplanHypothesis::new(law);
    assert_ne!(bare.id(), "kaplan2020");
    assert_eq!(bare.evidence().max_params, None);

    let dc = DataConstrainedHypothesis::new(DataConstrainedLaw::muennighoff2023(), t(1e11));
    assert_ne!(dc.id(), "data-constrained-muennighoff2023");
    assert_eq!(dc.evidence().max_tokens, None);
    let dc = dc
        .named("dc-ours", "our refit")
        .unwrap()
        .with_evidence(evidence);
    assert_eq!(dc.id(), "dc-ours");
    assert_eq!(dc.evidence().max_params, Some(p(1e9)));
    assert!(matches!(
        DataConstrainedHypothesis::muennighoff2023(t(1e11)).named(" ", "x"),
        Err(Error::InvalidInput { .. })
    ));
}

#[test]
fn calibrated_laws_answer_the_compute_optimal_questions() {
    let c = Flops::new(5.48e23).unwrap();
    let points = final_points(&llama::curves(), t(10e9));
    for inner in [
        ChinchillaHypothesis::hoffmann2022(),
        ChinchillaHypothesis::besiroglu2024_published(),
    ] {
        let plain = compute_optimal(&inner, c, 0.9).unwrap();
        for mode in [CalibrationMode::Offset, CalibrationMode::OffsetAndScale] {
            let cal = Calibrated::fit(Box::new(inner.clone()), points.clone(), mode).unwrap();
            let s = compute_optimal(&cal, c, 0.9).unwrap();
            // A positive scale and an offset leave argmin_N L(N, C/6N) where it was.
            assert_eq!((s.params, s.tokens), (plain.params, plain.tokens));
            assert_eq!(s.params_band, plain.params_band);
            assert_eq!(s.hypothesis, cal.id());
            // The loss at the optimum is the calibrated law's.
            let want = cal.point(s.params, s.tokens).unwrap();
            assert!((s.loss.point - want).abs() < 1e-12);
            let (o, o_plain) = (
                compute_overhead(&cal, 0.5, 0.9).unwrap(),
                compute_overhead(&inner, 0.5, 0.9).unwrap(),
            );
            assert_eq!(o.overhead, o_plain.overhead);
        }
    }
    // Laws without a Chinchilla form decline, with a reason.
    let k = KaplanHypothesis::kaplan2020();
    assert!(matches!(
        compute_optimal(&k, c, 0.9),
        Err(Error::NotApplicable { .. })
    ));
    assert!(matches!(
        compute_overhead(&k, 0.5, 0.9),
        Err(Error::NotApplicable { .. })
    ));
}
