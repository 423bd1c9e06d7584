//! The isoFLOP sweep figures (issue 11), in the style of tests/report_figures.rs: the SVG is
//! well-formed and shows what it claims (one parabola per budget, the minima, the N_opt(C)
//! line with its band and the extrapolated value).

use isoflop::data::run_table::RunTable;
use isoflop::data::sweep::SweepTable;
use isoflop::fit::methods::{compare_methods, MethodOptions};
use isoflop::law::ChinchillaLaw;
use isoflop::report::{Figure, IsoFlopSweepFigure, OptimalSizeFigure};
use isoflop::units::{Flops, Params, Tokens};

/// tab10's first four colours (red, green), as in tests/report_figures.rs.
const TAB10_RG: [(u8, u8); 4] = [(31, 119), (255, 127), (44, 160), (214, 39)];

fn parse(svg: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("SVG is not well-formed: {e}"))
}

fn texts(doc: &roxmltree::Document<'_>) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text().map(|t| t.trim().to_string()))
        .collect()
}

fn rgb(hex: &str) -> Option<(u8, u8)> {
    let h = hex.strip_prefix('#')?;
    let p = |i: usize| u8::from_str_radix(h.get(i..i + 2)?, 16).ok();
    Some((p(0)?, p(2)?))
}

/// Polylines of at least 20 points in series colour `i`.
fn long_lines(doc: &roxmltree::Document<'_>, i: usize) -> usize {
    doc.descendants()
        .filter(|n| n.has_tag_name("polyline"))
        .filter(|n| {
            n.attribute("points")
                .unwrap_or("")
                .split_whitespace()
                .count()
                >= 20
        })
        .filter(|n| n.attribute("stroke").and_then(rgb) == Some(TAB10_RG[i]))
        .count()
}

fn comparison() -> isoflop::fit::MethodComparison {
    let law = ChinchillaLaw::new(1.7, 400.0, 900.0, 0.33, 0.3).unwrap();
    let mut rows = Vec::new();
    for c in [1e18, 1e19, 1e20, 1e21] {
        let (n_opt, _) = law.optimal(Flops::new(c).unwrap()).unwrap();
        for k in -3..=3 {
            let n = n_opt.get() * 10f64.powf(0.2 * f64::from(k));
            let d = c / (6.0 * n);
            let l = law
                .loss(Params::new(n).unwrap(), Tokens::new(d).unwrap())
                .unwrap();
            // Deterministic wiggle of +-0.3% so the bootstrap has something to resample.
            rows.push((n, d, l * (1.0 + 0.003 * (f64::from(k) * 1.7).sin())));
        }
    }
    let table = SweepTable::from_table("synthetic", RunTable::from_rows(&rows).unwrap());
    let opts = MethodOptions {
        bootstrap_draws: 50,
        at: Some(Flops::new(3.8e25).unwrap()),
        ..MethodOptions::default()
    };
    compare_methods(&table, &opts).unwrap()
}

#[test]
fn sweep_figure_shows_runs_parabolas_and_minima() {
    let cmp = comparison();
    let fig = IsoFlopSweepFigure::from_comparison(&cmp).unwrap();
    assert_eq!(fig.budgets.len(), 4);
    let svg = fig.render_svg().unwrap();
    let doc = parse(&svg);
    let t = texts(&doc);
    for want in [
        "IsoFLOP profiles: synthetic",
        "C = 1e18",
        "C = 1e21",
        "runs",
        "minimum of the parabola",
        "Loss (nats/token)",
    ] {
        assert!(t.iter().any(|x| x == want), "missing {want:?} in {t:?}");
    }
    for i in 0..4 {
        assert_eq!(long_lines(&doc, i), 1, "parabola of budget {i}");
    }
    // The minima move to larger N with more compute.
    let mins: Vec<f64> = fig.budgets.iter().map(|b| b.minimum.unwrap().0).collect();
    assert!(mins.windows(2).all(|w| w[0] < w[1]), "{mins:?}");
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("figures");
    fig.save_svg(dir.join("isoflop_sweep.svg")).unwrap();
}

#[test]
fn optimal_size_figure_extrapolates_with_a_band() {
    let cmp = comparison();
    let fig = OptimalSizeFigure::from_comparison(&cmp).unwrap();
    assert_eq!(fig.minima.len(), 4);
    let (c, n, band) = *fig.line.last().unwrap();
    assert!((c / 3.8e25 - 1.0).abs() < 1e-9);
    assert!(band.lo < n && n < band.hi, "{band:?} {n}");
    let svg = fig.render_svg().unwrap();
    let doc = parse(&svg);
    let t = texts(&doc);
    assert!(t.iter().any(|x| x.starts_with("N_opt(3.8e25) = ")), "{t:?}");
    assert!(t.iter().any(|x| x == "90% bootstrap band"), "{t:?}");
    assert_eq!(long_lines(&doc, 0), 1);
    let polygons = doc
        .descendants()
        .filter(|n| n.has_tag_name("polygon"))
        .filter(|n| n.attribute("fill").and_then(rgb) == Some(TAB10_RG[0]))
        .count();
    assert_eq!(polygons, 1, "the band");
    // No draws: a clear error, not an empty band.
    let mut no_draws = cmp.clone();
    if let Some(a2) = no_draws.approach2.as_mut() {
        a2.draws.clear();
    }
    let err = OptimalSizeFigure::from_comparison(&no_draws).unwrap_err();
    assert!(err.to_string().contains("no bootstrap draws"), "{err}");
}
