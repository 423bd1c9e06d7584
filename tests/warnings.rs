//! Every warning kind is true of what it names: for each kind, a case where it must fire
//! and a case where it must not.

use isoflop::data::chinchilla;
use isoflop::data::llama::{self, LlamaModel};
use isoflop::error::Result;
use isoflop::fit::{bootstrap, fit_chinchilla, FitOptions};
use isoflop::law::continuation::{Continuation, ContinuationForm, ContinuationOptions};
use isoflop::law::{
    Caveat, ChinchillaHypothesis, ChinchillaLaw, Evidence, LossHypothesis, Uncertainty,
};
use isoflop::prediction::{Prediction, Warning};
use isoflop::query::{
    compute_overhead, predict, predict_at_compute, probability_below, tokens_to_reach,
};
use isoflop::units::{Params, Tokens};

fn kinds(p: &Prediction) -> Vec<&'static str> {
    p.warnings.iter().map(kind).collect()
}

fn kind(w: &Warning) -> &'static str {
    match w {
        Warning::BeyondData { .. } => "beyond_data",
        Warning::BelowFloor { .. } => "below_floor",
        Warning::Impossible { .. } => "impossible",
        Warning::NoPublishedUncertainty => "no_published_uncertainty",
        Warning::ScheduleConfound => "schedule_confound",
        Warning::FitNotConverged { .. } => "fit_not_converged",
        Warning::Note(_) => "note",
    }
}

/// The replication refit with bootstrap draws, as a user builds it.
fn refit_with_draws(draws: usize) -> ChinchillaHypothesis {
    let runs = chinchilla::replication_runs();
    let fit = fit_chinchilla(&runs, &FitOptions::default()).unwrap();
    bootstrap(&runs, &fit, draws, 42)
        .unwrap()
        .hypothesis("refit")
        .unwrap()
}

/// A hypothesis whose values are whatever the test says, to build the true case of
/// warnings no well-formed law can trigger.
#[derive(Debug)]
struct Scripted {
    point: f64,
    floor: Option<f64>,
    draws: Vec<f64>,
    evidence: Evidence,
}

impl LossHypothesis for Scripted {
    fn id(&self) -> String {
        "scripted".into()
    }
    fn assumption(&self) -> String {
        "whatever the test says".into()
    }
    fn source(&self) -> String {
        "this test".into()
    }
    fn point(&self, _: Params, _: Tokens) -> Result<f64> {
        Ok(self.point)
    }
    fn floor(&self, _: Params) -> Result<Option<f64>> {
        Ok(self.floor)
    }
    fn uncertainty(&self) -> Uncertainty {
        if self.draws.is_empty() {
            Uncertainty::None
        } else {
            Uncertainty::Bootstrap
        }
    }
    fn draw_count(&self) -> usize {
        self.draws.len()
    }
    fn draws_into(&self, _: Params, _: Tokens, out: &mut Vec<f64>) -> Result<()> {
        out.clear();
        out.extend(&self.draws);
        Ok(())
    }
    fn evidence(&self) -> &Evidence {
        &self.evidence
    }
}

fn scripted(point: f64, floor: Option<f64>, draws: Vec<f64>) -> Scripted {
    Scripted {
        point,
        floor,
        draws,
        evidence: Evidence::described("none"),
    }
}

fn n_d(n: f64, d: f64) -> (Params, Tokens) {
    (Params::new(n).unwrap(), Tokens::new(d).unwrap())
}

#[test]
fn below_floor_is_not_claimed_for_an_overtrained_model_with_draws() {
    // The flagship case: an 8B model on 2.1e24 FLOPs (and the 7B on 13.6T tokens).
    // Every draw has its own floor E_i + A_i/N^alpha_i, and each draw's loss lies above
    // it; comparing the band's lower edge with the point law's floor said otherwise.
    let h = refit_with_draws(200);
    let p = predict_at_compute(&h, "8B".parse().unwrap(), "2.1e24".parse().unwrap(), 0.9).unwrap();
    assert!(!kinds(&p).contains(&"below_floor"), "{p}");
    let p7 = predict(&h, "6.7B".parse().unwrap(), "13.6T".parse().unwrap(), 0.9).unwrap();
    assert!(!kinds(&p7).contains(&"below_floor"), "{p7}");
    // The situation of the bug is present: the band's lower edge is below the point floor.
    let floor = h.floor("8B".parse().unwrap()).unwrap().unwrap();
    assert!(p.loss.lo < floor, "band {} vs floor {floor}", p.loss);
    // And the draws each lie above their own floors, checked directly:
    let (n, d) = (p.params, p.tokens);
    for law in h.draws() {
        let own_floor = law.e() + law.a() * n.get().powf(-law.alpha());
        assert!(law.loss(n, d).unwrap() > own_floor);
    }
}

#[test]
fn below_floor_fires_when_the_point_estimate_is_below_its_floor() {
    let (n, d) = n_d(1e9, 1e10);
    let p = predict(&scripted(1.5, Some(1.7), vec![]), n, d, 0.9).unwrap();
    assert!(
        p.warnings.contains(&Warning::BelowFloor {
            value: 1.5,
            floor: 1.7
        }),
        "{p}"
    );
    let p = predict(&scripted(1.8, Some(1.7), vec![]), n, d, 0.9).unwrap();
    assert!(!kinds(&p).contains(&"below_floor"), "{p}");
}

#[test]
fn beyond_data_fires_only_beyond_the_data() {
    let h = ChinchillaHypothesis::hoffmann2022(); // data up to 16.2B params, 318B tokens, 1.3e22 FLOPs
    let (n, d) = n_d(1e9, 2e10);
    assert!(!kinds(&predict(&h, n, d, 0.9).unwrap()).contains(&"beyond_data"));
    let (n, d) = n_d(6.7e9, 13.6e12);
    let p = predict(&h, n, d, 0.9).unwrap();
    let w = p
        .warnings
        .iter()
        .find_map(|w| match w {
            Warning::BeyondData { factor, axis } => Some((*factor, axis.clone())),
            _ => None,
        })
        .expect("beyond the data");
    // By hand: tokens 13.6e12 / 3.18e11 = 42.77 beats compute 6 x 6.7e9 x 13.6e12 / 1.3e22
    // = 42.05 and parameters 6.7e9 / 1.62e10 = 0.41.
    assert!(
        (w.0 - 13.6e12 / 3.18e11).abs() < 1e-9 && w.1 == "tokens",
        "{w:?}"
    );
}

#[test]
fn impossible_fires_for_a_negative_loss_and_counts_the_draws() {
    // linear-in-tokens, continued to 13.6T tokens, predicts a negative loss (the README's table).
    let curve = llama::curve(LlamaModel::Llama7B);
    let opts = ContinuationOptions {
        draws: 200,
        ..Default::default()
    };
    let h = Continuation::fit(&curve, ContinuationForm::LinearInTokens, &opts).unwrap();
    let p = predict(&h, curve.params(), "13.6T".parse().unwrap(), 0.9).unwrap();
    assert!(p.point < 0.0);
    let texts: Vec<String> = p
        .warnings
        .iter()
        .filter(|w| kind(w) == "impossible")
        .map(ToString::to_string)
        .collect();
    assert!(
        texts.iter().any(|t| t.contains("point estimate")),
        "{texts:?}"
    );
    assert!(
        texts
            .iter()
            .any(|t| t.contains("200 of 200 parameter draws give a loss at or below zero")),
        "{texts:?}"
    );
    // Within its curve, the same hypothesis gives a positive loss and no such warning.
    let p = predict(&h, curve.params(), "500B".parse().unwrap(), 0.9).unwrap();
    assert!(!kinds(&p).contains(&"impossible"), "{p}");
    // Draws counted one by one: 1 of 4 at or below zero, point estimate positive.
    let (n, d) = n_d(1e9, 1e10);
    let p = predict(&scripted(0.5, None, vec![0.4, 0.6, -0.1, 0.5]), n, d, 0.9).unwrap();
    let t = p
        .warnings
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>();
    assert_eq!(
        t,
        ["physically impossible: 1 of 4 parameter draws give a loss at or below zero nats/token"]
    );
    // Non-finite draws are left out and counted.
    let p = predict(&scripted(0.5, None, vec![0.4, f64::NAN, 0.5]), n, d, 0.9).unwrap();
    assert!(p.warnings[0]
        .to_string()
        .contains("1 of 3 parameter draws gave a non-finite loss"));
}

#[test]
fn no_published_uncertainty_fires_only_without_draws() {
    let (n, d) = n_d(6.7e9, 1e12);
    let without = ChinchillaHypothesis::hoffmann2022();
    let p = predict(&without, n, d, 0.9).unwrap();
    assert!(p.warnings.contains(&Warning::NoPublishedUncertainty));
    let with = refit_with_draws(20);
    let p = predict(&with, n, d, 0.9).unwrap();
    assert!(
        !p.warnings.contains(&Warning::NoPublishedUncertainty),
        "{p}"
    );
    assert!(p.loss.width() > 0.0);
    // The same for probabilities and the inverse query.
    assert!(probability_below(&without, n, d, 2.0)
        .unwrap()
        .warnings
        .contains(&Warning::NoPublishedUncertainty));
    assert!(!probability_below(&with, n, d, 2.0)
        .unwrap()
        .warnings
        .contains(&Warning::NoPublishedUncertainty));
    assert!(tokens_to_reach(&without, n, 2.0, 0.9)
        .unwrap()
        .warnings
        .contains(&Warning::NoPublishedUncertainty));
    assert!(!tokens_to_reach(&with, n, 2.2, 0.9)
        .unwrap()
        .warnings
        .contains(&Warning::NoPublishedUncertainty));
}

#[test]
fn schedule_confound_fires_for_curves_read_off_a_training_run_and_nowhere_else() {
    let curve = llama::curve(LlamaModel::Llama7B);
    let opts = ContinuationOptions {
        draws: 50,
        ..Default::default()
    };
    let h = Continuation::fit(&curve, ContinuationForm::LinearInLogTokens, &opts).unwrap();
    let d: Tokens = "2T".parse().unwrap();
    assert!(predict(&h, curve.params(), d, 0.9)
        .unwrap()
        .warnings
        .contains(&Warning::ScheduleConfound));
    // Every answer from the continuation carries it, the inverse query too.
    assert!(tokens_to_reach(&h, curve.params(), 1.7, 0.9)
        .unwrap()
        .warnings
        .contains(&Warning::ScheduleConfound));
    let c = ChinchillaHypothesis::hoffmann2022();
    assert!(!predict(&c, curve.params(), d, 0.9)
        .unwrap()
        .warnings
        .contains(&Warning::ScheduleConfound));
}

#[test]
fn fit_not_converged_fires_for_a_law_from_a_fit_that_did_not_converge() {
    let law = ChinchillaLaw::new(1.0, 100.0, 100.0, 1.0, 1.0).unwrap();
    let base = ChinchillaHypothesis::new(
        "stalled",
        "a test",
        law,
        vec![],
        Uncertainty::None,
        Evidence::described("none"),
    )
    .unwrap();
    let (n, d) = n_d(1e9, 1e10);
    assert!(!kinds(&predict(&base, n, d, 0.9).unwrap()).contains(&"fit_not_converged"));
    let flagged = base.with_caveat(Caveat::FitNotConverged {
        status: "FlatDirection".into(),
        reason: "test".into(),
    });
    let p = predict(&flagged, n, d, 0.9).unwrap();
    assert!(kinds(&p).contains(&"fit_not_converged"), "{p}");
    assert!(p.to_string().contains("did not converge (FlatDirection)"));
    // Every kind of answer carries it.
    assert!(tokens_to_reach(&flagged, n, 1.05, 0.9)
        .unwrap()
        .warnings
        .iter()
        .any(|w| kind(w) == "fit_not_converged"));
    assert!(probability_below(&flagged, n, d, 1.5)
        .unwrap()
        .warnings
        .iter()
        .any(|w| kind(w) == "fit_not_converged"));
    assert!(compute_overhead(&flagged, 0.8, 0.9)
        .unwrap()
        .warnings
        .iter()
        .any(|w| kind(w) == "fit_not_converged"));
}

#[test]
fn unreachable_draws_note_fires_only_when_some_draws_cannot_reach_the_target() {
    // Two draws with floors E = 1.5 and one with E = 2.1: the target 2.0 is out of reach
    // under one draw of three.
    let law = |e: f64| ChinchillaLaw::new(e, 400.0, 400.0, 0.34, 0.28).unwrap();
    let make = |es: &[f64]| {
        ChinchillaHypothesis::new(
            "three-draws",
            "a test",
            law(1.5),
            es.iter().map(|&e| law(e)).collect(),
            Uncertainty::Bootstrap,
            Evidence::described("none"),
        )
        .unwrap()
    };
    let n: Params = "7B".parse().unwrap();
    let r = tokens_to_reach(&make(&[1.5, 1.5, 2.1]), n, 2.0, 0.9).unwrap();
    assert!((r.reachable_fraction - 2.0 / 3.0).abs() < 1e-12);
    assert!(
        r.warnings.iter().any(
            |w| matches!(w, Warning::Note(t) if t.starts_with("under 33.3% of the parameter draws"))
        ),
        "{:?}",
        r.warnings
    );
    let r = tokens_to_reach(&make(&[1.5, 1.5, 1.5]), n, 2.0, 0.9).unwrap();
    assert_eq!(r.reachable_fraction, 1.0);
    assert!(
        !r.warnings.iter().any(|w| kind(w) == "note"),
        "{:?}",
        r.warnings
    );
}

#[test]
fn overhead_note_fires_only_for_draws_that_never_reach_the_optimal_loss() {
    // de Vries: a model k_N times the optimal size reaches the optimal loss only if
    // k_N > (1 + alpha/beta)^(-1/alpha). With beta = 0.28: alpha = 0.34 needs
    // k_N > (1 + 0.34/0.28)^(-1/0.34) = 0.0965 (hand computation); alpha = 0.1 needs
    // k_N > (1 + 0.1/0.28)^(-10) = 0.0472. So k_N = 0.07 is reachable under the second only.
    let law = |alpha: f64| ChinchillaLaw::new(1.7, 400.0, 400.0, alpha, 0.28).unwrap();
    assert!(((1.0_f64 + 0.34 / 0.28).powf(-1.0 / 0.34) - 0.0965).abs() < 1e-4);
    let make = |alphas: &[f64]| {
        ChinchillaHypothesis::new(
            "draws",
            "a test",
            law(0.1),
            alphas.iter().map(|&a| law(a)).collect(),
            Uncertainty::Bootstrap,
            Evidence::described("none"),
        )
        .unwrap()
    };
    let o = compute_overhead(&make(&[0.1, 0.34]), 0.07, 0.9).unwrap();
    assert!(
        o.warnings.iter().any(|w| w.to_string()
            == "under 1 of 2 parameter draws this model size never reaches the optimal loss"),
        "{:?}",
        o.warnings
    );
    let o = compute_overhead(&make(&[0.1, 0.1]), 0.07, 0.9).unwrap();
    assert!(o.warnings.is_empty(), "{:?}", o.warnings);
}
