//! Corpus calibration: exact recovery of known offsets and scales, residuals, draws.

use isoflop::data::llama::{self, LlamaModel};
use isoflop::law::calibration::{final_points, tail_points, CalibrationPoint};
use isoflop::law::continuation::{Continuation, ContinuationForm, ContinuationOptions};
use isoflop::law::{
    Calibrated, CalibrationMode, ChinchillaHypothesis, ChinchillaLaw, Evidence, LossHypothesis,
    Uncertainty,
};
use isoflop::units::{Params, Tokens};
use isoflop::Error;

fn p(x: f64) -> Params {
    Params::new(x).unwrap()
}
fn t(x: f64) -> Tokens {
    Tokens::new(x).unwrap()
}

/// Observations generated from Hoffmann's law through a known map s*L + c.
fn observed(s: f64, c: f64) -> Vec<CalibrationPoint> {
    let law = ChinchillaLaw::hoffmann2022();
    [
        (7e9, 1e12),
        (13e9, 1e12),
        (33e9, 1.4e12),
        (65e9, 1.4e12),
        (1e9, 2e10),
    ]
    .iter()
    .map(|&(n, d)| {
        let l = law.loss(p(n), t(d)).unwrap();
        CalibrationPoint::new(p(n), t(d), s * l + c).unwrap()
    })
    .collect()
}

#[test]
fn a_known_offset_is_recovered_exactly() {
    let h = ChinchillaHypothesis::hoffmann2022();
    let cal = Calibrated::fit(
        Box::new(h.clone()),
        observed(1.0, -0.3),
        CalibrationMode::Offset,
    )
    .unwrap();
    assert!((cal.offset() + 0.3).abs() < 1e-12);
    assert_eq!(cal.scale(), 1.0);
    assert_eq!(cal.residuals().len(), 5);
    assert!(cal.residual_rms() < 1e-12);
    assert_eq!(cal.id(), "chinchilla-hoffmann2022-calibrated");
    assert_eq!(cal.uncertainty(), Uncertainty::None);
    let (n, d) = (p(7e9), t(9e12));
    assert!((cal.point(n, d).unwrap() - (h.point(n, d).unwrap() - 0.3)).abs() < 1e-12);
    let floor = cal.floor(n).unwrap().unwrap();
    assert!((floor - (h.floor(n).unwrap().unwrap() - 0.3)).abs() < 1e-12);
    assert!(cal.source().contains("calibrated"));
}

#[test]
fn a_known_scale_and_offset_are_recovered_exactly() {
    let h = ChinchillaHypothesis::hoffmann2022();
    let cal = Calibrated::fit(
        Box::new(h),
        observed(0.8, 0.1),
        CalibrationMode::OffsetAndScale,
    )
    .unwrap();
    assert!((cal.scale() - 0.8).abs() < 1e-10, "{}", cal.scale());
    assert!((cal.offset() - 0.1).abs() < 1e-10, "{}", cal.offset());
    assert!(cal.residual_rms() < 1e-12);
}

#[test]
fn residuals_are_observed_minus_calibrated() {
    let mut pts = observed(1.0, -0.3);
    pts[0].loss += 0.02;
    pts[1].loss -= 0.01;
    let h = ChinchillaHypothesis::hoffmann2022();
    let cal = Calibrated::fit(Box::new(h), pts.clone(), CalibrationMode::Offset).unwrap();
    // The offset absorbs the mean of the perturbations (+0.01 / 5).
    assert!((cal.offset() - (-0.3 + 0.002)).abs() < 1e-12);
    for (pt, r) in pts.iter().zip(cal.residuals()) {
        let want = pt.loss - cal.point(pt.params, pt.tokens).unwrap();
        assert!((r - want).abs() < 1e-12);
    }
    assert!((cal.residuals()[0] - 0.018).abs() < 1e-12);
    let rms = (cal.residuals().iter().map(|r| r * r).sum::<f64>() / 5.0).sqrt();
    assert!((cal.residual_rms() - rms).abs() < 1e-15 && rms > 0.005);
}

#[test]
fn each_draw_is_recalibrated() {
    let base = ChinchillaLaw::hoffmann2022();
    let draws: Vec<ChinchillaLaw> = [1.6, 1.69, 1.8]
        .iter()
        .map(|&e| ChinchillaLaw::new(e, base.a(), base.b(), base.alpha(), base.beta()).unwrap())
        .collect();
    let h = ChinchillaHypothesis::new(
        "chinchilla-test",
        "three draws differing in E",
        base,
        draws,
        Uncertainty::Bootstrap,
        Evidence::described("test"),
    )
    .unwrap();
    // One observed point: every calibrated draw must pass through it exactly.
    let pt = CalibrationPoint::new(p(7e9), t(1e12), 1.8).unwrap();
    let cal: Calibrated<dyn LossHypothesis> = Calibrated::fit(
        Box::new(h) as Box<dyn LossHypothesis>,
        vec![pt],
        CalibrationMode::Offset,
    )
    .unwrap();
    assert_eq!(cal.draw_count(), 3);
    assert_eq!(cal.uncertainty(), Uncertainty::Bootstrap);
    let mut v = Vec::new();
    cal.draws_into(pt.params, pt.tokens, &mut v).unwrap();
    assert!(v.iter().all(|x| (x - 1.8).abs() < 1e-12), "{v:?}");
    // Since the draws differ only in E, recalibration makes them identical everywhere.
    cal.draws_into(p(70e9), t(1e13), &mut v).unwrap();
    assert!((v[0] - v[2]).abs() < 1e-12);
    let offsets: Vec<f64> = cal.draw_maps().iter().map(|m| m.1).collect();
    assert!((offsets[0] - offsets[2] - 0.2).abs() < 1e-12, "{offsets:?}");
}

#[test]
fn calibration_on_llama_curves() {
    let curves = llama::curves();
    let pts = final_points(&curves, t(10e9));
    assert_eq!(pts.len(), 4);
    assert_eq!(pts[3].tokens, curves[3].last_tokens());
    let h = ChinchillaHypothesis::hoffmann2022();
    let cal = Calibrated::fit(Box::new(h.clone()), pts.clone(), CalibrationMode::Offset).unwrap();
    println!(
        "offset {:+.4}, residuals {:?}, rms {:.4}",
        cal.offset(),
        cal.residuals(),
        cal.residual_rms()
    );
    let affine = Calibrated::fit(Box::new(h), pts, CalibrationMode::OffsetAndScale).unwrap();
    println!(
        "scale {:.4}, offset {:+.4}, residuals {:?}, rms {:.4}",
        affine.scale(),
        affine.offset(),
        affine.residuals(),
        affine.residual_rms()
    );
    assert!(affine.residual_rms() < cal.residual_rms());
    // LLaMA's corpus sits about 0.3 nats below Chinchilla's law (Touvron et al. 2023, Fig. 1, against Hoffmann et al. 2022's law).
    assert!(
        cal.offset() < -0.25 && cal.offset() > -0.35,
        "{}",
        cal.offset()
    );
    // Calibrating a continuation on its own curve's tail.
    let curve = llama::curve(LlamaModel::Llama7B);
    let opts = ContinuationOptions {
        start: llama::CONTINUATION_START.into(),
        draws: 50,
        ..Default::default()
    };
    let fit = Continuation::fit(&curve, ContinuationForm::LinearInLogTokens, &opts).unwrap();
    let tail = tail_points(&curve, t(900e9)).unwrap();
    assert!(tail.len() > 10);
    let cal = Calibrated::fit(Box::new(fit), tail, CalibrationMode::Offset).unwrap();
    assert_eq!(cal.id(), "linear-in-log-tokens-calibrated");
    assert_eq!(cal.draw_count(), 50);
}

#[test]
fn bad_input_is_a_typed_error() {
    let h = || Box::new(ChinchillaHypothesis::hoffmann2022());
    assert!(matches!(
        Calibrated::fit(h(), vec![], CalibrationMode::Offset),
        Err(Error::InsufficientData { .. })
    ));
    let one = observed(1.0, 0.0)[..1].to_vec();
    assert!(matches!(
        Calibrated::fit(h(), one.clone(), CalibrationMode::OffsetAndScale),
        Err(Error::InsufficientData { .. })
    ));
    // Two identical points: the scale is not identifiable.
    let same = vec![one[0], one[0]];
    assert!(matches!(
        Calibrated::fit(h(), same, CalibrationMode::OffsetAndScale),
        Err(Error::NonIdentifiable(_))
    ));
    // Observations that fall where the law rises: a negative scale is refused.
    assert!(matches!(
        Calibrated::fit(h(), observed(-1.0, 5.0), CalibrationMode::OffsetAndScale),
        Err(Error::NonIdentifiable(_))
    ));
    assert!(CalibrationPoint::new(p(1e9), t(1e9), f64::NAN).is_err());
    // A continuation of 7B cannot be calibrated on 65B's point.
    let curve = llama::curve(LlamaModel::Llama7B);
    let opts = ContinuationOptions {
        start: llama::CONTINUATION_START.into(),
        draws: 10,
        ..Default::default()
    };
    let fit = Continuation::fit(&curve, ContinuationForm::LinearInTokens, &opts).unwrap();
    let far = final_points(&[llama::curve(LlamaModel::Llama65B)], t(10e9));
    assert!(matches!(
        Calibrated::fit(Box::new(fit), far, CalibrationMode::Offset),
        Err(Error::NotApplicable { .. })
    ));
}
