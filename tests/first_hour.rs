//! A researcher's first hour: owned hypothesis sets, every value displays (terminal and
//! evcxr), answers say their corpus, and captions read as English.

use isoflop::cluster::{Cluster, Utilisation};
use isoflop::data::chinchilla;
use isoflop::fit::{bootstrap, fit_chinchilla, FitOptions};
use isoflop::hardware::{Accelerator, Precision};
use isoflop::law::{ChinchillaHypothesis, KaplanHypothesis, LossHypothesis};
use isoflop::query::{
    compare, compute_optimal, predict, probability_below, tokens_to_reach, Question,
};
use isoflop::report::{comparison_table, HtmlDisplay};
use isoflop::units::{Flops, GpuHours, Params, TimeSpan, Tokens};

use std::sync::Arc;

fn loss_question() -> Question {
    Question::LossAtCompute {
        params: "8B".parse().unwrap(),
        flops: "2.1e24".parse().unwrap(),
    }
}

#[test]
fn compare_takes_owned_shared_and_borrowed_sets_alike() {
    let boxed: Vec<Box<dyn LossHypothesis>> = vec![
        Box::new(ChinchillaHypothesis::hoffmann2022()),
        Box::new(KaplanHypothesis::kaplan2020()),
    ];
    let arced: Vec<Arc<dyn LossHypothesis>> = vec![
        Arc::new(ChinchillaHypothesis::hoffmann2022()),
        Arc::new(KaplanHypothesis::kaplan2020()),
    ];
    let (a, b) = (
        ChinchillaHypothesis::hoffmann2022(),
        KaplanHypothesis::kaplan2020(),
    );
    let borrowed: Vec<&dyn LossHypothesis> = vec![&a, &b];
    let plain = vec![
        ChinchillaHypothesis::hoffmann2022(),
        ChinchillaHypothesis::besiroglu2024_published(),
    ];
    let q = loss_question();
    let c = compare(&boxed, q, 0.9).unwrap();
    assert_eq!(c, compare(&arced, q, 0.9).unwrap());
    // Every query takes a boxed or shared hypothesis as it takes the hypothesis itself.
    let (n, d) = ("7B".parse().unwrap(), "2T".parse().unwrap());
    let direct = predict(&ChinchillaHypothesis::hoffmann2022(), n, d, 0.9).unwrap();
    assert_eq!(predict(&boxed[0], n, d, 0.9).unwrap(), direct);
    assert_eq!(predict(&arced[0], n, d, 0.9).unwrap(), direct);
    assert_eq!(predict(&&boxed[0], n, d, 0.9).unwrap(), direct);
    assert_eq!(c, compare(&borrowed, q, 0.9).unwrap());
    assert_eq!(compare(&plain, q, 0.9).unwrap().rows.len(), 2);
    // A 'static value: what evcxr can keep between cells.
    fn keep<T: 'static>(t: T) -> T {
        t
    }
    let kept = keep(boxed);
    assert_eq!(compare(&kept, q, 0.9).unwrap().rows.len(), 2);
}

#[test]
fn compare_says_each_rows_corpus() {
    let hs: Vec<Box<dyn LossHypothesis>> = vec![
        Box::new(ChinchillaHypothesis::hoffmann2022()),
        Box::new(KaplanHypothesis::kaplan2020()),
    ];
    let c = compare(&hs, loss_question(), 0.9).unwrap();
    assert_eq!(c.rows[0].corpus, "MassiveText");
    assert!(c.rows[1].corpus.starts_with("WebText2"));
    let text = c.to_string();
    assert!(
        text.contains("MassiveText") && text.contains("WebText2"),
        "{text}"
    );
    let table = comparison_table(&c);
    let t = table.text();
    assert!(
        t.contains("corpus") && t.contains("2 different corpora"),
        "{t}"
    );
    // A fitted law says its losses are on the corpus of the runs it was fitted to.
    let runs = chinchilla::replication_runs();
    let fit = fit_chinchilla(&runs, &FitOptions::default()).unwrap();
    assert_eq!(
        fit.hypothesis("mine").unwrap().corpus(),
        "the fitted runs' corpus"
    );
}

#[test]
fn captions_use_the_right_article() {
    let q = Question::LossAt {
        params: "8B".parse().unwrap(),
        tokens: "1T".parse().unwrap(),
    };
    assert_eq!(q.to_string(), "loss of an 8B model trained on 1T tokens");
    let q = Question::TokensToReach {
        params: "6.7B".parse().unwrap(),
        target: 2.0,
    };
    assert_eq!(
        q.to_string(),
        "tokens for a 6.7B model to reach a loss of 2"
    );
    let h = ChinchillaHypothesis::hoffmann2022();
    let p = probability_below(&h, "80B".parse().unwrap(), "1T".parse().unwrap(), 2.0).unwrap();
    assert!(p.event.starts_with("an 80B model"), "{}", p.event);
    let r = tokens_to_reach(&h, "11B".parse().unwrap(), 2.0, 0.9).unwrap();
    assert!(r.to_string().contains("an 11B model reaches"), "{r}");
    for (n, want) in [
        ("8B", "an 8B"),
        ("18B", "an 18B"),
        ("1.1T", "a 1.1T"),
        ("110B", "a 110B"),
        ("800M", "an 800M"),
        ("7B", "a 7B"),
    ] {
        assert_eq!(n.parse::<Params>().unwrap().with_article(), want);
    }
}

#[test]
fn tokens_to_reach_without_draws_does_not_contradict_itself() {
    let h = ChinchillaHypothesis::hoffmann2022();
    let r = tokens_to_reach(&h, "7B".parse().unwrap(), 2.0, 0.9).unwrap();
    assert_eq!(r.draws, 0);
    for shown in [r.to_string(), r.html()] {
        assert!(shown.contains("point estimate only"), "{shown}");
        assert!(!shown.contains("% of"), "{shown}");
    }
    // With draws it says how many reach the target.
    let runs = chinchilla::replication_runs();
    let fit = fit_chinchilla(&runs, &FitOptions::default()).unwrap();
    let h = bootstrap(&runs, &fit, 40, 1)
        .unwrap()
        .hypothesis("refit")
        .unwrap();
    let r = tokens_to_reach(&h, "7B".parse().unwrap(), 2.2, 0.9).unwrap();
    assert_eq!(r.draws, 40);
    assert!(
        r.to_string()
            .contains("target reachable under 100.0% of 40 parameter draws"),
        "{r}"
    );
}

/// The evcxr protocol: a text/html and a text/plain block.
fn assert_evcxr_blocks(content: &str) {
    assert!(
        content.contains("EVCXR_BEGIN_CONTENT text/html"),
        "{content}"
    );
    assert!(
        content.contains("EVCXR_BEGIN_CONTENT text/plain"),
        "{content}"
    );
}

#[test]
fn every_result_type_displays_in_a_terminal_and_a_notebook() {
    let runs = chinchilla::replication_runs();
    let fit = fit_chinchilla(&runs, &FitOptions::default()).unwrap();
    let boot = bootstrap(&runs, &fit, 20, 1).unwrap();
    let h = boot.hypothesis("refit").unwrap();
    let split = compute_optimal(&h, "5.76e23".parse().unwrap(), 0.9).unwrap();
    let reach = tokens_to_reach(&h, "7B".parse().unwrap(), 2.2, 0.9).unwrap();
    let texts = [
        (fit.to_string(), fit.evcxr_content()),
        (boot.to_string(), boot.evcxr_content()),
        (h.to_string(), h.evcxr_content()),
        (fit.law.to_string(), fit.law.evcxr_content()),
        (split.to_string(), split.evcxr_content()),
        (reach.to_string(), reach.evcxr_content()),
        (
            KaplanHypothesis::kaplan2020().to_string(),
            KaplanHypothesis::kaplan2020().evcxr_content(),
        ),
    ];
    for (text, notebook) in &texts {
        assert!(!text.is_empty());
        assert!(!text.contains("ChinchillaLaw {"), "Debug leaked: {text}");
        assert_evcxr_blocks(notebook);
    }
    assert!(texts[0].0.contains("Estimates") && texts[0].0.contains("Converged"));
    assert!(texts[1].0.contains("20 of 20 bootstrap refits kept"));
    assert!(texts[4]
        .0
        .contains("Compute-optimal split of 5.76e23 FLOPs"));
    let cluster = Cluster::new(
        Accelerator::by_name("H100").unwrap(),
        2048,
        Precision::Bf16,
        Utilisation::mfu(0.4).unwrap(),
    )
    .unwrap();
    assert!(cluster.to_string().contains("2048"), "{cluster}");
}

#[test]
fn units_and_tuples_of_units_read_as_the_field_writes_them() {
    let c = Flops::new(2.100_858_716_16e24).unwrap();
    // Debug (what a notebook shows for a tuple) has the unit, and the exact value when
    // the short form rounds it.
    assert_eq!(format!("{c:?}"), "2.1e24 FLOPs (= 2.10085871616e24)");
    let exact = Flops::new(5.48e23).unwrap();
    assert_eq!(format!("{exact:?}"), "5.48e23 FLOPs");
    let pair: (Params, Tokens) = ("8B".parse().unwrap(), "2T".parse().unwrap());
    assert_eq!(format!("{pair:?}"), "(8B params, 2T tokens)");
    let h = GpuHours::new(82_432.0).unwrap();
    assert_eq!(format!("{h:?}"), "82,432 GPU-h");
    let t = TimeSpan::from_days(30.0).unwrap();
    assert!(format!("{t:?}").starts_with("30.0 days"));
}
