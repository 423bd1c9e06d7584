//! The lifetime figure renders to well-formed SVG with every size, the optimum and its
//! annotations; bad specs are errors. Lifetime results display as well-formed HTML and
//! as text carrying their numbers. The figure is also written to
//! `$CARGO_TARGET_TMPDIR/figures/lifetime.svg` for looking at.

use isoflop::band::Band;
use isoflop::cluster::{Cluster, GpuHourPrice, GridIntensity, Pue, Utilisation};
use isoflop::hardware::{Accelerator, Precision};
use isoflop::law::{ChinchillaHypothesis, ChinchillaLaw, Evidence, Uncertainty};
use isoflop::lifetime::{Deployment, InferenceDemand, LifetimeWorkload, Serving};
use isoflop::query::{break_even_demand, lifetime_optimal, LossTarget};
use isoflop::report::{Figure, HtmlDisplay, LifetimeFigure};
use isoflop::units::{Params, Tokens};

fn with_draws() -> ChinchillaHypothesis {
    let base = ChinchillaLaw::hoffmann2022();
    let draws = (0..50)
        .map(|i| {
            let u = i as f64 / 49.0 - 0.5;
            ChinchillaLaw::new(
                base.e() + 0.02 * u,
                base.a(),
                base.b(),
                base.alpha(),
                base.beta() - 0.01 * u,
            )
            .unwrap()
        })
        .collect();
    ChinchillaHypothesis::new(
        "synthetic",
        "test",
        base,
        draws,
        Uncertainty::Bootstrap,
        Evidence::described("s"),
    )
    .unwrap()
}

fn target() -> LossTarget {
    LossTarget::AsTrained {
        params: Params::new(65.2e9).unwrap(),
        tokens: Tokens::new(1.4e12).unwrap(),
    }
}

fn sizes(names: &[&str]) -> Vec<Params> {
    names.iter().map(|s| s.parse().unwrap()).collect()
}

#[test]
fn lifetime_figure_renders_every_series() {
    let h = with_draws();
    let fig = LifetimeFigure::compute(
        &h,
        target(),
        &sizes(&["1B", "7B", "13B", "33B", "65.2B"]),
        (1e10, 1e15),
        0.9,
    )
    .unwrap();
    // 1B never reaches the 65B's loss under Hoffmann et al.: named, not drawn.
    assert_eq!(fig.unreachable, sizes(&["1B"]));
    assert_eq!(fig.sizes.len(), 4);
    assert!(fig.sizes.iter().all(|s| s.tokens_band.is_some()));
    let svg = fig.render_svg().unwrap();
    roxmltree::Document::parse(&svg).expect("well-formed SVG");
    for label in [
        "N = 7B",
        "N = 13B",
        "N = 33B",
        "N = 65.2B",
        "lifetime optimum",
        "never reaches",
        "band over the draws",
    ] {
        assert!(svg.contains(label), "{label}");
    }
    // The optimum's size is written at five demands; the first is the zero-ish-demand
    // optimum, the last the smallest model.
    let first = fig.optimum[0].params.to_string();
    let last = fig.optimum[fig.optimum.len() - 1].params.to_string();
    assert!(svg.contains(&first) && svg.contains(&last));
    assert!(fig.optimum[fig.optimum.len() - 1].params < fig.optimum[0].params);
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("figures");
    std::fs::create_dir_all(&dir).unwrap();
    fig.save_svg(dir.join("lifetime.svg")).unwrap();
}

#[test]
fn lifetime_figure_rejects_bad_specs() {
    let h = ChinchillaHypothesis::hoffmann2022();
    for range in [
        (0.0, 1e12),
        (1e12, 1e10),
        (f64::NAN, 1e12),
        (1e10, f64::INFINITY),
    ] {
        assert!(
            LifetimeFigure::compute(&h, target(), &sizes(&["7B"]), range, 0.9).is_err(),
            "{range:?}"
        );
    }
    let nine = sizes(&["1B", "2B", "3B", "4B", "5B", "6B", "7B", "8B", "9B"]);
    assert!(LifetimeFigure::compute(&h, target(), &nine, (1e10, 1e12), 0.9).is_err());
    assert!(LifetimeFigure::compute(
        &h,
        LossTarget::Loss(1.5),
        &sizes(&["7B"]),
        (1e10, 1e12),
        0.9
    )
    .is_err());
    let mut fig =
        LifetimeFigure::compute(&h, target(), &sizes(&["7B"]), (1e10, 1e12), 0.9).unwrap();
    fig.optimum.truncate(1);
    assert!(fig.render_svg().is_err());
}

#[test]
fn lifetime_results_display() {
    let h = with_draws();
    let o = lifetime_optimal(&h, target(), 1e13, 0.9).unwrap();
    let text = o.text();
    assert!(text.contains(&o.params.to_string()) && text.contains("tokens served"));
    let band: Band = o.params_band.unwrap();
    assert!(text.contains(&Params::new(band.lo).unwrap().to_string()));
    roxmltree::Document::parse(&o.html()).expect("well-formed HTML");
    let b = break_even_demand(
        &h,
        Params::new(6.7e9).unwrap(),
        (Params::new(65.2e9).unwrap(), Tokens::new(1.4e12).unwrap()),
        0.9,
    )
    .unwrap();
    assert!(b.text().contains("cheaper over its life above"));
    roxmltree::Document::parse(&b.html()).unwrap();
    let never = break_even_demand(
        &ChinchillaHypothesis::hoffmann2022(),
        Params::new(1e9).unwrap(),
        (Params::new(65.2e9).unwrap(), Tokens::new(1.4e12).unwrap()),
        0.9,
    )
    .unwrap();
    assert!(never.text().contains("no break-even"));
    let a100 = Accelerator::by_name("A100-80GB").unwrap();
    let dep = Deployment::new(
        Cluster::new(a100, 1024, Precision::Bf16, Utilisation::mfu(0.5).unwrap()).unwrap(),
        GpuHourPrice::new(1.5).unwrap(),
        Serving::new(a100, 64, Precision::Bf16, 0.5, 0.01).unwrap(),
        GpuHourPrice::new(1.5).unwrap(),
        Pue::new(1.1).unwrap(),
        GridIntensity::new(0.385).unwrap(),
    )
    .unwrap();
    let w = LifetimeWorkload::new(
        Params::new(7e9).unwrap(),
        Tokens::new(1e12).unwrap(),
        InferenceDemand::new(1e9, 500.0, 100.0).unwrap(),
    );
    let budget = dep.budget(&w).unwrap();
    let t = budget.text();
    for part in ["training", "prefill", "decode", "total"] {
        assert!(t.contains(part));
    }
    assert!(t.contains(&format!("{:.4e}", budget.total().usd)));
    roxmltree::Document::parse(&budget.html()).unwrap();
}
