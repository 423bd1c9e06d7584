//! Every figure renders to well-formed SVG that contains the series it should,
//! and bad specs are errors, never panics. The realistic figures are also
//! written to `$CARGO_TARGET_TMPDIR/figures/` for looking at.

use isoflop::band::Band;
use isoflop::law::{ChinchillaHypothesis, ChinchillaLaw, Evidence, Uncertainty};
use isoflop::report::{
    BudgetMarker, ComputeFrontierFigure, ExponentDrawsFigure, ExponentPoint, ExtendedCurve, Figure,
    IsoFlopFigure, LlamaCurvesFigure, ObservedCurve, ReferenceLine, Scale,
};
use isoflop::units::{Flops, Params, Tokens};
use std::collections::{BTreeMap, BTreeSet};

/// The tab10 colours the figures use for series 0, 1, 2, 3 (red and green
/// channels; the blue channel's low bits carry the line style).
const TAB10_RG: [(u8, u8); 4] = [(31, 119), (255, 127), (44, 160), (214, 39)];

const MODELS: [(&str, f64, f64); 4] = [
    // (name, parameters, floor of the synthetic curve); loss = floor + 30 D^-0.15
    ("LLaMA-7B", 6.7e9, 1.33),
    ("LLaMA-13B", 13.0e9, 1.26),
    ("LLaMA-33B", 32.5e9, 1.15),
    ("LLaMA-65B", 65.2e9, 1.09),
];

/// A synthetic continuation of a curve: loss at tokens D.
type Continuation = Box<dyn Fn(f64) -> f64>;

fn synthetic_loss(floor: f64, d: f64) -> f64 {
    floor + 30.0 * d.powf(-0.15)
}

fn tokens(d: f64) -> Tokens {
    Tokens::new(d).unwrap()
}

/// LLaMA-like curves (1.0T tokens for 7B/13B, 1.4T for 33B/65B, a little noise
/// so they look observed), the 7B and 13B extended to the 65B's compute under
/// three hypotheses with bands that widen with extrapolation.
fn llama_figure() -> LlamaCurvesFigure {
    let mut fig = LlamaCurvesFigure::new("LLaMA-1 training loss, extended to LLaMA-65B's compute");
    let c65 = 6.0 * 65.2e9 * 1.4e12;
    for (i, (name, n, floor)) in MODELS.iter().enumerate() {
        let end = if i < 2 { 1.0e12 } else { 1.4e12 };
        let points = (1..=200)
            .map(|k| {
                let d = 20e9 + (end - 20e9) * k as f64 / 200.0;
                let wiggle = 0.004 * ((k as f64) * 0.7 + i as f64).sin();
                (tokens(d), synthetic_loss(*floor, d) + wiggle)
            })
            .collect();
        fig.observed.push(ObservedCurve {
            model: name.to_string(),
            points,
        });
        fig.budgets.push(BudgetMarker {
            model: name.to_string(),
            tokens: tokens(c65 / (6.0 * n)),
        });
        if i >= 2 {
            continue;
        }
        let budget = c65 / (6.0 * n);
        let l_end = synthetic_loss(*floor, end);
        let slope_d = -0.15 * 30.0 * end.powf(-1.15); // dL/dD at the end
        let slope_ln = slope_d * end; // dL/dln D at the end
        let hyps: [(&str, Continuation); 3] = [
            (
                "power-law-floor",
                Box::new(move |d: f64| synthetic_loss(*floor, d)),
            ),
            (
                "linear-in-log-tokens",
                Box::new(move |d: f64| l_end + slope_ln * (d / end).ln()),
            ),
            (
                "linear-in-tokens",
                Box::new(move |d: f64| l_end + slope_d * (d - end)),
            ),
        ];
        for (h, f) in hyps {
            let points = (0..=24)
                .map(|k| {
                    let d = end + (budget - end) * k as f64 / 24.0;
                    let m = f(d);
                    let half = 0.004 + 0.012 * (d / end - 1.0);
                    (
                        tokens(d),
                        Band {
                            lo: m - half,
                            median: m,
                            hi: m + half,
                            level: 0.9,
                        },
                    )
                })
                .collect();
            fig.extensions.push(ExtendedCurve {
                model: name.to_string(),
                hypothesis: h.to_string(),
                points,
            });
        }
    }
    fig.reference = Some(ReferenceLine {
        label: "LLaMA-65B final loss".into(),
        loss: synthetic_loss(1.09, 1.4e12),
    });
    fig.budget_label = "LLaMA-65B's compute (per model)".into();
    fig
}

/// A Hoffmann-like hypothesis with synthetic draws around the published point
/// (for testing bands; not a fit).
fn hypothesis_with_draws(n: usize) -> ChinchillaHypothesis {
    let base = ChinchillaLaw::hoffmann2022();
    let draws = (0..n)
        .map(|i| {
            let u = (i as f64 * 0.618_034).fract() - 0.5;
            let v = (i as f64 * 0.414_214).fract() - 0.5;
            ChinchillaLaw::new(
                base.e() + 0.05 * u,
                base.a() * (1.0 + 0.2 * v),
                base.b() * (1.0 + 0.2 * u),
                base.alpha() + 0.02 * v + 0.01 * u,
                base.beta() + 0.02 * u,
            )
            .unwrap()
        })
        .collect();
    ChinchillaHypothesis::new(
        "synthetic-draws",
        "synthetic test draws around Hoffmann et al. 2022",
        base,
        draws,
        Uncertainty::Bootstrap,
        Evidence::described("none (synthetic)"),
    )
    .unwrap()
}

/// Parses the SVG (panics with the parser's message if it is not well-formed XML).
fn parse(svg: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("SVG is not well-formed: {e}"))
}

fn texts(doc: &roxmltree::Document<'_>) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text().map(|t| t.trim().to_string()))
        .collect()
}

fn rgb(hex: &str) -> Option<(u8, u8, u8)> {
    let h = hex.strip_prefix('#')?;
    let p = |i: usize| u8::from_str_radix(h.get(i..i + 2)?, 16).ok();
    Some((p(0)?, p(2)?, p(4)?))
}

/// Polylines with at least `min_points` vertices (series, not legend glyphs or
/// markers), as (series colour index, dash pattern) -> count.
fn series_lines(
    doc: &roxmltree::Document<'_>,
    min_points: usize,
) -> BTreeMap<(usize, String), usize> {
    let mut out = BTreeMap::new();
    for n in doc.descendants().filter(|n| n.has_tag_name("polyline")) {
        let pts = n
            .attribute("points")
            .unwrap_or("")
            .split_whitespace()
            .count();
        if pts < min_points {
            continue;
        }
        let Some((r, g, _)) = n.attribute("stroke").and_then(rgb) else {
            continue;
        };
        let Some(i) = TAB10_RG.iter().position(|c| *c == (r, g)) else {
            continue;
        };
        let dash = n
            .attribute("stroke-dasharray")
            .unwrap_or("solid")
            .to_string();
        *out.entry((i, dash)).or_insert(0) += 1;
    }
    out
}

fn fill_count(doc: &roxmltree::Document<'_>, tag: &str, series: usize) -> usize {
    doc.descendants()
        .filter(|n| n.has_tag_name(tag))
        .filter(|n| {
            n.attribute("fill")
                .and_then(rgb)
                .is_some_and(|(r, g, _)| (r, g) == TAB10_RG[series])
        })
        .count()
}

fn save_for_viewing(name: &str, fig: &impl Figure) {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("figures");
    fig.save_svg(dir.join(name)).unwrap();
}

#[test]
fn llama_curves_have_one_line_per_model_and_hypothesis() {
    let fig = llama_figure();
    let svg = fig.render_svg().unwrap();
    let doc = parse(&svg);
    let t = texts(&doc);
    for want in [
        "LLaMA-1 training loss, extended to LLaMA-65B's compute",
        "Tokens seen (billions)",
        "Training loss (nats/token)",
        "LLaMA-7B",
        "LLaMA-65B",
        "power-law-floor",
        "linear-in-log-tokens",
        "linear-in-tokens",
        "90% band",
        "LLaMA-65B's compute (per model)",
    ] {
        assert!(
            t.iter().any(|x| x == want),
            "missing text {want:?} in {t:?}"
        );
    }
    assert!(
        t.iter().any(|x| x.starts_with("LLaMA-65B final loss: 1.5")),
        "{t:?}"
    );

    let lines = series_lines(&doc, 3);
    for model in 0..4 {
        assert_eq!(
            lines.get(&(model, "solid".into())),
            Some(&1),
            "observed {model}: {lines:?}"
        );
    }
    // 7B and 13B: three dashed medians each, in three distinct dash patterns,
    // the same three for both models; 33B and 65B have no extensions.
    let dashes = |m: usize| -> BTreeSet<String> {
        lines
            .iter()
            .filter(|((i, d), _)| *i == m && d != "solid")
            .map(|((_, d), n)| {
                assert_eq!(*n, 1);
                d.clone()
            })
            .collect()
    };
    assert_eq!(dashes(0).len(), 3, "{lines:?}");
    assert_eq!(dashes(0), dashes(1));
    assert!(dashes(2).is_empty() && dashes(3).is_empty());
    // One shaded band per extension.
    assert_eq!(fill_count(&doc, "polygon", 0), 3);
    assert_eq!(fill_count(&doc, "polygon", 1), 3);
    assert_eq!(fill_count(&doc, "polygon", 2), 0);
    save_for_viewing("llama_curves.svg", &fig);

    let mut log = fig.clone();
    log.tokens_scale = Scale::Log;
    let svg = log.render_svg().unwrap();
    let doc = parse(&svg);
    assert!(texts(&doc)
        .iter()
        .any(|x| x == "Tokens seen (billions, log scale)"));
    assert!(
        texts(&doc).iter().any(|x| x == "1,000"),
        "{:?}",
        texts(&doc)
    );
    save_for_viewing("llama_curves_log.svg", &log);
}

#[test]
fn nothing_is_drawn_outside_the_plot_area() {
    // Every series vertex lies inside the mesh's bounding box (bands and lines
    // are not clipped because the ranges cover them).
    let fig = llama_figure();
    let svg = fig.render_svg().unwrap();
    let doc = parse(&svg);
    let (w, h) = (800.0, 500.0);
    for n in doc
        .descendants()
        .filter(|n| n.has_tag_name("polyline") || n.has_tag_name("polygon"))
    {
        for p in n.attribute("points").unwrap_or("").split_whitespace() {
            let (x, y) = p.split_once(',').unwrap();
            let (x, y): (f64, f64) = (x.parse().unwrap(), y.parse().unwrap());
            assert!((0.0..=w).contains(&x) && (0.0..=h).contains(&y), "{p}");
        }
    }
}

#[test]
fn compute_frontier_has_a_curve_per_size_and_the_frontier() {
    let sizes: Vec<Params> = [1e9, 7e9, 70e9, 175e9]
        .iter()
        .map(|n| Params::new(*n).unwrap())
        .collect();
    let fig =
        ComputeFrontierFigure::new(ChinchillaLaw::hoffmann2022(), "Hoffmann et al. 2022", sizes);
    let svg = fig.render_svg().unwrap();
    let doc = parse(&svg);
    let t = texts(&doc);
    for want in [
        "Loss vs compute: Hoffmann et al. 2022",
        "Training compute C = 6ND (FLOPs, log scale)",
        "Loss (nats/token)",
        "N = 1B",
        "N = 70B",
        "compute-optimal frontier",
        "1e22",
    ] {
        assert!(t.iter().any(|x| x == want), "missing {want:?} in {t:?}");
    }
    let lines = series_lines(&doc, 3);
    for s in 0..4 {
        assert_eq!(lines.get(&(s, "solid".into())), Some(&1), "{lines:?}");
    }
    // The frontier: one long black polyline.
    let frontier = doc
        .descendants()
        .filter(|n| n.has_tag_name("polyline") && n.attribute("stroke") == Some("#141414"))
        .filter(|n| {
            n.attribute("points")
                .unwrap_or("")
                .split_whitespace()
                .count()
                > 100
        })
        .count();
    assert_eq!(frontier, 1);
    // Each size's optimum is marked (filled dot in the series colour).
    for s in 0..4 {
        assert!(
            fill_count(&doc, "circle", s) >= 1,
            "no optimum marker for size {s}"
        );
    }
    save_for_viewing("compute_frontier.svg", &fig);
}

#[test]
fn isoflop_profiles_have_bands_and_minima() {
    let h = hypothesis_with_draws(400);
    let budgets = [1e21, 1e22, 1e23].map(|c| Flops::new(c).unwrap());
    let fig = IsoFlopFigure::from_hypothesis(&h, &budgets, 41, 0.9).unwrap();
    let svg = fig.render_svg().unwrap();
    let doc = parse(&svg);
    let t = texts(&doc);
    for want in [
        "IsoFLOP profiles: synthetic-draws",
        "Loss (nats/token)",
        "C = 1e21 FLOPs",
        "90% band",
        "minimum (median)",
    ] {
        assert!(t.iter().any(|x| x == want), "missing {want:?} in {t:?}");
    }
    assert_eq!(
        t.iter().filter(|x| x.starts_with("N* = ")).count(),
        3,
        "{t:?}"
    );
    assert!(t
        .iter()
        .any(|x| x.starts_with("Model size N (parameters, log scale)")));
    let lines = series_lines(&doc, 3);
    for s in 0..3 {
        assert_eq!(lines.get(&(s, "solid".into())), Some(&1), "{lines:?}");
        assert_eq!(fill_count(&doc, "polygon", s), 1, "band of profile {s}");
    }
    // Minima move to larger N with more compute.
    let mins: Vec<f64> = fig
        .profiles
        .iter()
        .map(|p| p.minimum().unwrap().0.get())
        .collect();
    assert!(mins[0] < mins[1] && mins[1] < mins[2], "{mins:?}");
    save_for_viewing("isoflop.svg", &fig);

    // Without draws: zero-width bands, said so in the legend, no polygons.
    let exact =
        IsoFlopFigure::from_hypothesis(&ChinchillaHypothesis::hoffmann2022(), &budgets, 41, 0.9)
            .unwrap();
    let svg = exact.render_svg().unwrap();
    let doc = parse(&svg);
    assert!(texts(&doc)
        .iter()
        .any(|x| x == "90% band: zero width (no draws)"));
    assert_eq!(fill_count(&doc, "polygon", 0), 0);
    save_for_viewing("isoflop_hoffmann.svg", &exact);
}

#[test]
fn exponent_draws_scatter_every_draw() {
    let h = hypothesis_with_draws(300);
    let mut fig = ExponentDrawsFigure::from_hypothesis(&h).unwrap();
    fig.references.push(ExponentPoint {
        label: "Hoffmann et al. 2022 (unrounded)".into(),
        alpha: 0.33917084,
        beta: 0.2849083,
    });
    let svg = fig.render_svg().unwrap();
    let doc = parse(&svg);
    let t = texts(&doc);
    for want in [
        "Exponent draws: synthetic-draws",
        "α (size exponent)",
        "β (data exponent)",
        "draws (n = 300)",
        "Hoffmann et al. 2022 (unrounded)",
    ] {
        assert!(t.iter().any(|x| x == want), "missing {want:?} in {t:?}");
    }
    // 300 draws + the legend's dot, in series colour 0.
    assert_eq!(fill_count(&doc, "circle", 0), 301);
    save_for_viewing("exponent_draws.svg", &fig);
}

#[test]
fn bad_specs_are_errors_not_panics() {
    assert!(LlamaCurvesFigure::new("empty").render_svg().is_err());
    let mut fig = llama_figure();
    fig.observed[0].points[3].1 = f64::NAN;
    assert!(fig.render_svg().is_err());
    let mut fig = llama_figure();
    fig.extensions[0].points[2].1.lo = fig.extensions[0].points[2].1.hi + 1.0;
    assert!(fig.render_svg().is_err(), "misordered band");
    let mut fig = llama_figure();
    for i in 0..6 {
        let mut e = fig.extensions[0].clone();
        e.hypothesis = format!("h{i}");
        fig.extensions.push(e);
    }
    assert!(
        fig.render_svg().is_err(),
        "more hypotheses than dash styles"
    );
    let mut fig = llama_figure();
    fig.observed[0].points.clear();
    assert!(fig.render_svg().is_err());
    let mut fig = llama_figure();
    fig.size = (10, 10);
    assert!(fig.render_svg().is_err());

    assert!(
        ComputeFrontierFigure::new(ChinchillaLaw::hoffmann2022(), "x", vec![])
            .render_svg()
            .is_err()
    );
    let mut cf = ComputeFrontierFigure::new(
        ChinchillaLaw::hoffmann2022(),
        "x",
        vec![Params::new(1e9).unwrap()],
    );
    cf.compute = Some((Flops::new(1e22).unwrap(), Flops::new(1e20).unwrap()));
    assert!(cf.render_svg().is_err());

    assert!(IsoFlopFigure::new("empty").render_svg().is_err());
    let h = ChinchillaHypothesis::hoffmann2022();
    assert!(IsoFlopFigure::from_hypothesis(&h, &[], 41, 0.9).is_err());
    assert!(IsoFlopFigure::from_hypothesis(&h, &[Flops::new(1e21).unwrap()], 2, 0.9).is_err());
    assert!(IsoFlopFigure::from_hypothesis(&h, &[Flops::new(1e21).unwrap()], 41, 1.5).is_err());

    assert!(ExponentDrawsFigure::new("empty", vec![], (0.3, 0.3))
        .render_svg()
        .is_err());
    assert!(
        ExponentDrawsFigure::new("nan", vec![(f64::NAN, 0.3)], (0.3, 0.3))
            .render_svg()
            .is_err()
    );
    assert!(
        ExponentDrawsFigure::from_hypothesis(&h).is_err(),
        "no draws"
    );
}

#[test]
fn degenerate_ranges_render() {
    // All-equal values on every axis: padded ranges, a valid SVG, no panic.
    let mut fig = LlamaCurvesFigure::new("flat");
    fig.observed.push(ObservedCurve {
        model: "m".into(),
        points: vec![(tokens(1e12), 2.0), (tokens(1e12), 2.0)],
    });
    for scale in [Scale::Linear, Scale::Log] {
        fig.tokens_scale = scale;
        parse(&fig.render_svg().unwrap());
    }
    let one = ExponentDrawsFigure::new("one", vec![(0.3, 0.3)], (0.3, 0.3));
    parse(&one.render_svg().unwrap());
    let mut iso = IsoFlopFigure::new("one point");
    iso.profiles.push(isoflop::report::IsoFlopProfile {
        label: "C".into(),
        compute: Flops::new(1e21).unwrap(),
        points: vec![(Params::new(1e9).unwrap(), Band::exact(2.5, 0.9).unwrap())],
    });
    parse(&iso.render_svg().unwrap());
}

#[test]
fn save_svg_writes_the_rendered_file_and_reports_bad_paths() {
    let fig = llama_figure();
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("save_test");
    let path = dir.join("nested").join("fig.svg");
    fig.save_svg(&path).unwrap();
    let written = std::fs::read_to_string(&path).unwrap();
    assert_eq!(written, fig.render_svg().unwrap());
    // A path below a regular file cannot be created.
    let err = fig.save_svg(path.join("below_a_file.svg")).unwrap_err();
    assert!(matches!(err, isoflop::Error::Io { .. }), "{err}");
}

#[test]
fn evcxr_content_carries_svg_and_text() {
    let fig = llama_figure();
    let c = fig.evcxr_content();
    assert!(c.starts_with("EVCXR_BEGIN_CONTENT image/svg+xml\n<svg"));
    assert!(c.contains("EVCXR_BEGIN_CONTENT text/plain\n"));
    assert_eq!(c.matches("EVCXR_END_CONTENT").count(), 2);
    // A figure that cannot be drawn shows the error instead of panicking.
    let c = LlamaCurvesFigure::new("empty").evcxr_content();
    assert!(c.contains("cannot draw") && c.contains("text/html"));
}

/// The real LLaMA-7B and 13B curves extended under the three continuations:
/// linear-in-tokens falls through zero, and the loss window keeps the figure
/// readable by cutting it (with an arrowhead and a legend note) instead of
/// stretching the axis down to negative losses.
#[test]
fn loss_window_cuts_runaway_extensions_instead_of_squashing_the_figure() {
    use isoflop::data::llama::{self, LlamaModel};
    use isoflop::law::{Continuation, ContinuationForm, ContinuationOptions};
    let opts = ContinuationOptions {
        start: llama::CONTINUATION_START.into(),
        draws: 200,
        ..ContinuationOptions::default()
    };
    let c65 = 6.0 * LlamaModel::Llama65B.params().get() * 1.4e12;
    let mut fig = LlamaCurvesFigure::new("LLaMA curves, cut to a window");
    fig.tokens_scale = Scale::Log;
    for model in [LlamaModel::Llama7B, LlamaModel::Llama13B] {
        let curve = llama::curve(model);
        fig.observed.push(ObservedCurve::from_curve(&curve));
        let budget = tokens(c65 / (6.0 * model.params().get()));
        for form in ContinuationForm::ALL {
            let h = Continuation::fit(&curve, form, &opts).unwrap();
            let ext = ExtendedCurve::from_hypothesis(
                curve.model(),
                &h,
                model.params(),
                curve.last_tokens(),
                budget,
                40,
                0.9,
            )
            .unwrap();
            assert_eq!(ext.points.len(), 40);
            assert_eq!(ext.hypothesis, form.id());
            fig.extensions.push(ext);
        }
    }
    // Without a window the axis must reach the negative losses of linear-in-tokens.
    let numbers = |svg: &str| -> Vec<f64> {
        texts(&parse(svg))
            .iter()
            .filter_map(|t| t.replace(',', "").parse::<f64>().ok())
            .collect()
    };
    let unwindowed = fig.render_svg().unwrap();
    assert!(
        numbers(&unwindowed).iter().any(|v| *v <= 0.0),
        "the unwindowed axis should show the negative losses"
    );

    let fig = fig.with_loss_window(1.3, 2.3);
    let svg = fig.render_svg().unwrap();
    let doc = parse(&svg);
    let t = texts(&doc);
    assert!(
        t.iter().any(|x| x == "cut where it falls below 1.3"),
        "{t:?}"
    );
    let ticks = numbers(&svg);
    assert!(ticks.iter().all(|v| *v >= 1.3 - 1e-9), "{ticks:?}");
    // Every model x hypothesis still has its (cut) median line, and one band each.
    let lines = series_lines(&doc, 3);
    for model in 0..2 {
        assert_eq!(lines.get(&(model, "solid".into())), Some(&1), "{lines:?}");
        let dashed: usize = lines
            .iter()
            .filter(|((i, d), _)| *i == model && d != "solid")
            .map(|(_, n)| n)
            .sum();
        assert_eq!(dashed, 3, "{lines:?}");
    }
    // Bands (many vertices) and arrowheads (triangles) per model.
    let polygons = |series: usize, triangle: bool| {
        doc.descendants()
            .filter(|n| n.has_tag_name("polygon"))
            .filter(|n| {
                n.attribute("fill")
                    .and_then(rgb)
                    .is_some_and(|(r, g, _)| (r, g) == TAB10_RG[series])
            })
            .filter(|n| {
                let k = n
                    .attribute("points")
                    .unwrap_or("")
                    .split_whitespace()
                    .count();
                (k == 3) == triangle
            })
            .count()
    };
    for model in 0..2 {
        assert_eq!(polygons(model, false), 3, "bands of model {model}");
        assert!(polygons(model, true) >= 1, "arrowhead of model {model}");
    }
    // Nothing leaves the canvas, and nothing goes below the window's edge: the
    // lowest vertex of any series is the same pixel row as the arrowheads' base.
    let mut lowest = 0.0f64;
    for n in doc
        .descendants()
        .filter(|n| n.has_tag_name("polyline") || n.has_tag_name("polygon"))
    {
        for p in n.attribute("points").unwrap_or("").split_whitespace() {
            let (x, y) = p.split_once(',').unwrap();
            let (x, y): (f64, f64) = (x.parse().unwrap(), y.parse().unwrap());
            assert!(
                (0.0..=800.0).contains(&x) && (0.0..=500.0).contains(&y),
                "{p}"
            );
            if n.has_tag_name("polyline")
                && n.attribute("stroke-dasharray") == Some("10 5")
                && n.attribute("points").unwrap().split_whitespace().count() > 2
            {
                lowest = lowest.max(y);
            }
        }
    }
    assert!(lowest > 380.0 && lowest < 460.0, "{lowest}");
    save_for_viewing("llama_curves_window.svg", &fig);

    // Bad windows and extension ranges are errors.
    assert!(fig.clone().with_loss_window(2.0, 1.0).render_svg().is_err());
    assert!(fig
        .clone()
        .with_loss_window(f64::NAN, 2.0)
        .render_svg()
        .is_err());
    let curve = llama::curve(LlamaModel::Llama7B);
    let h = Continuation::fit(&curve, ContinuationForm::LinearInLogTokens, &opts).unwrap();
    let n = LlamaModel::Llama7B.params();
    let (a, b) = (tokens(1e12), tokens(2e12));
    assert!(ExtendedCurve::from_hypothesis("7B", &h, n, a, b, 1, 0.9).is_err());
    assert!(ExtendedCurve::from_hypothesis("7B", &h, n, b, a, 10, 0.9).is_err());
    assert!(ExtendedCurve::from_hypothesis("7B", &h, n, a, b, 10, 1.5).is_err());
    // A continuation of the 7B knows nothing about the 65B.
    let n65 = LlamaModel::Llama65B.params();
    assert!(ExtendedCurve::from_hypothesis("65B", &h, n65, a, b, 10, 0.9).is_err());
}

/// The vertices of a `polyline`/`polygon` in px.
fn vertices(n: &roxmltree::Node<'_, '_>) -> Vec<(f64, f64)> {
    n.attribute("points")
        .unwrap_or("")
        .split_whitespace()
        .map(|p| {
            let (x, y) = p.split_once(',').unwrap();
            (x.parse().unwrap(), y.parse().unwrap())
        })
        .collect()
}

/// How much a polyline looks like a smooth curve rounded to integer pixels:
/// the longest run of consecutive segments that are exactly horizontal or
/// vertical (the flat treads and risers of a pixel staircase), and the share of
/// vertices lying on the integer pixel grid.
fn staircase(pts: &[(f64, f64)]) -> (usize, f64) {
    let (mut run, mut longest) = (0usize, 0usize);
    for w in pts.windows(2) {
        let (dx, dy) = (w[1].0 - w[0].0, w[1].1 - w[0].1);
        if dx == 0.0 || dy == 0.0 {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let on_grid = pts
        .iter()
        .filter(|(x, y)| x.fract() == 0.0 && y.fract() == 0.0)
        .count();
    (longest, on_grid as f64 / pts.len().max(1) as f64)
}

/// Asserts that every series curve (a polyline or band of at least 10 vertices
/// in a series colour or the frontier's black) is drawn smooth.
fn assert_smooth(svg: &str, what: &str) {
    let doc = parse(svg);
    let mut checked = 0;
    for n in doc
        .descendants()
        .filter(|n| n.has_tag_name("polyline") || n.has_tag_name("polygon"))
    {
        let colour = n.attribute("stroke").or(n.attribute("fill")).and_then(rgb);
        let series = colour.is_some_and(|(r, g, _)| {
            TAB10_RG.contains(&(r, g)) || (r, g) == (0x14, 0x14) || (r, g) == (120, 30)
        });
        let pts = vertices(&n);
        if !series || pts.len() < 10 {
            continue;
        }
        let (run, on_grid) = staircase(&pts);
        assert!(
            run <= 1 && on_grid < 0.2,
            "{what}: a pixel staircase ({run} aligned segments in a row, {:.0}% of vertices on the pixel grid): {:?}",
            on_grid * 100.0,
            n.attribute("points")
        );
        checked += 1;
    }
    assert!(checked >= 3, "{what}: only {checked} curves checked");
}

#[test]
fn the_staircase_checker_recognises_integer_pixel_curves() {
    // The tail of the compute frontier as plotters drew it before exact
    // coordinates (docs/figures/compute_frontier.svg at commit bda8abd).
    let old = "686,341 691,341 695,341 699,341 704,341 708,342 713,342 717,342 721,342 \
               726,342 730,342 734,342 739,343 743,343 747,343";
    let pts: Vec<(f64, f64)> = old
        .split_whitespace()
        .map(|p| {
            let (x, y) = p.split_once(',').unwrap();
            (x.parse().unwrap(), y.parse().unwrap())
        })
        .collect();
    let (run, on_grid) = staircase(&pts);
    assert!(run >= 4 && on_grid == 1.0, "{run} {on_grid}");
    // The same curve at exact coordinates: no aligned segment, nothing on the grid.
    let smooth: Vec<(f64, f64)> = (0..15)
        .map(|i| {
            let x = 686.0 + 4.37 * i as f64;
            (x, 343.5 - 2.1 * (-(x - 686.0) / 40.0f64).exp())
        })
        .collect();
    assert_eq!(staircase(&smooth), (0, 0.0));
}

#[test]
fn curves_and_bands_are_drawn_at_exact_coordinates() {
    assert_smooth(&llama_figure().render_svg().unwrap(), "llama curves");
    let h = hypothesis_with_draws(200);
    let budgets = [1e21, 1e22, 1e23].map(|c| Flops::new(c).unwrap());
    let iso = IsoFlopFigure::from_hypothesis(&h, &budgets, 41, 0.9).unwrap();
    assert_smooth(&iso.render_svg().unwrap(), "isoflop profiles");
    let sizes = [1e9, 7e9, 70e9].map(|n| Params::new(n).unwrap()).to_vec();
    let cf = ComputeFrontierFigure::from_hypothesis(&ChinchillaHypothesis::hoffmann2022(), sizes)
        .mark_model("ours", Params::new(13e9).unwrap());
    assert_smooth(&cf.render_svg().unwrap(), "compute frontier");
}

/// Polylines of at least 3 vertices in tab10 colour `series`: (solid, dotted) counts.
fn solid_and_dotted(doc: &roxmltree::Document<'_>, series: usize) -> (usize, usize) {
    let lines = series_lines(doc, 3);
    let solid = lines.get(&(series, "solid".into())).copied().unwrap_or(0);
    let dotted = lines.get(&(series, "2 4".into())).copied().unwrap_or(0);
    (solid, dotted)
}

/// The rectangles shading the region beyond the data (fill #ECECEC).
fn shaded(doc: &roxmltree::Document<'_>) -> Vec<(f64, f64)> {
    doc.descendants()
        .filter(|n| n.has_tag_name("rect") && n.attribute("fill") == Some("#ECECEC"))
        .map(|n| {
            let x: f64 = n.attribute("x").unwrap().parse().unwrap();
            let w: f64 = n.attribute("width").unwrap().parse().unwrap();
            (x, x + w)
        })
        .collect()
}

#[test]
fn isoflop_profiles_show_where_the_data_ends_and_the_users_model() {
    // Hoffmann et al.'s evidence: largest model 16.2B, longest run 318B tokens,
    // largest budget 1.3e22 FLOPs (Chinchilla Table A9 / Figure 4 runs).
    let h = ChinchillaHypothesis::hoffmann2022();
    let budgets = [1e21, 1e23].map(|c| Flops::new(c).unwrap());
    let fig = IsoFlopFigure::from_hypothesis(&h, &budgets, 41, 0.9)
        .unwrap()
        .mark_model("our model", Params::new(30e9).unwrap());
    let svg = fig.render_svg().unwrap();
    let doc = parse(&svg);
    let t = texts(&doc);
    for want in [
        "beyond the largest fitted model (16.2B)",
        "beyond the fitted data (dotted)",
        "our model: 30B",
    ] {
        assert!(t.iter().any(|x| x == want), "missing {want:?} in {t:?}");
    }
    // 1e21: inside the data between N = 1e21 / (6 x 318e9) = 524M and 16.2B, so
    // one solid run with a dotted run on each side; 1e23 is above the largest
    // fitted budget, so all dotted.
    assert_eq!(solid_and_dotted(&doc, 0), (1, 2));
    assert_eq!(solid_and_dotted(&doc, 1), (0, 1));
    // The solid run ends where the shading starts (both at N = 16.2B).
    let shade = shaded(&doc);
    assert_eq!(shade.len(), 1, "{shade:?}");
    let solid = doc
        .descendants()
        .filter(|n| n.has_tag_name("polyline") && n.attribute("stroke-dasharray").is_none())
        .find(|n| {
            n.attribute("stroke")
                .and_then(rgb)
                .is_some_and(|(r, g, _)| (r, g) == TAB10_RG[0])
                && vertices(n).len() > 3
        })
        .unwrap();
    let end = vertices(&solid).last().unwrap().0;
    assert!((end - shade[0].0).abs() < 1.0, "{end} vs {}", shade[0].0);
    // The user's mark: a vertical line in the mark colour inside the shaded region.
    let marks: Vec<Vec<(f64, f64)>> = doc
        .descendants()
        .filter(|n| n.has_tag_name("polyline") && n.attribute("stroke") == Some("#781E82"))
        .map(|n| vertices(&n))
        .collect();
    assert_eq!(marks.len(), 1);
    assert_eq!(marks[0][0].0, marks[0][1].0);
    assert!(marks[0][0].0 > shade[0].0 && marks[0][0].0 < shade[0].1);
    save_for_viewing("isoflop_marked.svg", &fig);

    // Evidence without ranges: said so, nothing shaded or dotted.
    let described = hypothesis_with_draws(50);
    let fig = IsoFlopFigure::from_hypothesis(&described, &budgets, 41, 0.9).unwrap();
    let doc_svg = fig.render_svg().unwrap();
    let doc = parse(&doc_svg);
    assert!(texts(&doc)
        .iter()
        .any(|x| x == "extent of the fitted data unknown"));
    assert!(shaded(&doc).is_empty());
    assert_eq!(solid_and_dotted(&doc, 0), (1, 0));
}

#[test]
fn compute_frontier_shows_where_the_data_ends_and_the_users_budget() {
    let h = ChinchillaHypothesis::hoffmann2022();
    let sizes = [1e9, 7e9, 70e9].map(|n| Params::new(n).unwrap()).to_vec();
    let fig = ComputeFrontierFigure::from_hypothesis(&h, sizes.clone())
        .mark_budget("our budget", Flops::new(3e23).unwrap())
        .mark_model("our model", Params::new(13e9).unwrap());
    let svg = fig.render_svg().unwrap();
    let doc = parse(&svg);
    let t = texts(&doc);
    // N* at 3e23 under Hoffmann et al.'s law: G (C/6)^(β/(α+β)) with
    // E=1.69, A=406.4, B=410.7, α=0.34, β=0.28 (Approach 3):
    // G = (αA/βB)^(1/(α+β)) = 1.34471..., N* = G x (5e22)^(0.28/0.62) = 23.976B,
    // shown as 24B (python3: (0.34*406.4/(0.28*410.7))**(1/0.62) * (3e23/6)**(0.28/0.62)).
    for want in [
        "beyond the largest fitted budget",
        "beyond the fitted data (dotted)",
        "our budget: 3e23 FLOPs",
        "N* = 24B",
        "our model: 13B",
    ] {
        assert!(t.iter().any(|x| x == want), "missing {want:?} in {t:?}");
    }
    assert_eq!(shaded(&doc).len(), 1);
    // 1B and 7B run inside the data up to a point, then dotted; 70B (above the
    // largest fitted model, 16.2B) is dotted throughout.
    assert_eq!(solid_and_dotted(&doc, 0), (1, 1));
    assert_eq!(solid_and_dotted(&doc, 1), (1, 1));
    assert_eq!(solid_and_dotted(&doc, 2), (0, 1));
    // The frontier: solid black then dotted black (the style-tagged #141412).
    let frontier = |stroke: &str| {
        doc.descendants()
            .filter(|n| n.has_tag_name("polyline") && n.attribute("stroke") == Some(stroke))
            .filter(|n| vertices(n).len() > 3)
            .count()
    };
    assert_eq!((frontier("#141414"), frontier("#141412")), (1, 1));
    // The user's model curve and budget line, in the mark colour.
    let marked = doc
        .descendants()
        .filter(|n| n.has_tag_name("polyline") && n.attribute("stroke") == Some("#781E82"))
        .count();
    assert_eq!(marked, 2, "one curve and one budget line");
    save_for_viewing("compute_frontier_marked.svg", &fig);

    // A marked budget outside a fixed compute range is an error.
    let mut bad = ComputeFrontierFigure::from_hypothesis(&h, sizes)
        .mark_budget("far", Flops::new(1e30).unwrap());
    bad.compute = Some((Flops::new(1e20).unwrap(), Flops::new(1e24).unwrap()));
    assert!(bad.render_svg().is_err());
}

#[test]
fn llama_curves_in_panels_one_per_model() {
    use isoflop::report::Layout;
    let fig = llama_figure().per_model_panels();
    assert_eq!(fig.layout, Layout::PanelPerModel);
    let svg = fig.render_svg().unwrap();
    let doc = parse(&svg);
    let root = doc.root_element();
    assert_eq!(root.attribute("width"), Some("800"));
    // A 40 px title, the shared legend (3 hypotheses, band, budget: 2 rows of
    // 22 px), then 2 rows of 350 px panels.
    assert_eq!(root.attribute("height"), Some("784"));
    let panels: Vec<roxmltree::Node<'_, '_>> =
        root.children().filter(|n| n.has_tag_name("svg")).collect();
    assert_eq!(panels.len(), 4);
    let mut origins = BTreeSet::new();
    for (k, (panel, (name, _, _))) in panels.iter().zip(MODELS).enumerate() {
        origins.insert((
            panel.attribute("x").unwrap().to_string(),
            panel.attribute("y").unwrap().to_string(),
        ));
        let t: Vec<String> = panel
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| n.text().map(|s| s.trim().to_string()))
            .collect();
        assert!(
            t.iter().any(|x| x == name),
            "panel {k} titled {name}: {t:?}"
        );
        // Only its own model's lines: one solid observed curve in its colour,
        // and for the 7B and 13B one line per hypothesis in three dash styles.
        let mut lines: BTreeMap<(usize, String), usize> = BTreeMap::new();
        for n in panel.descendants().filter(|n| n.has_tag_name("polyline")) {
            if vertices(&n).len() < 3 {
                continue;
            }
            let Some((r, g, _)) = n.attribute("stroke").and_then(rgb) else {
                continue;
            };
            if let Some(i) = TAB10_RG.iter().position(|c| *c == (r, g)) {
                let dash = n.attribute("stroke-dasharray").unwrap_or("solid");
                *lines.entry((i, dash.to_string())).or_insert(0) += 1;
            }
        }
        assert!(lines.keys().all(|(i, _)| *i == k), "panel {k}: {lines:?}");
        assert_eq!(lines.get(&(k, "solid".into())), Some(&1), "{lines:?}");
        let dashed = lines.keys().filter(|(_, d)| d != "solid").count();
        assert_eq!(dashed, if k < 2 { 3 } else { 0 }, "panel {k}: {lines:?}");
        // No legend of its own: the panels share one.
        assert!(!t.iter().any(|x| x == "power-law-floor"), "{t:?}");
    }
    // The shared legend names each hypothesis once, in its own dash pattern.
    let all = texts(&doc);
    for h in [
        "power-law-floor",
        "linear-in-log-tokens",
        "linear-in-tokens",
    ] {
        assert_eq!(all.iter().filter(|x| *x == h).count(), 1, "{h} in {all:?}");
    }
    let glyphs: BTreeSet<&str> = root
        .children()
        .filter(|n| n.has_tag_name("line"))
        .filter_map(|n| n.attribute("stroke-dasharray"))
        .collect();
    assert_eq!(
        glyphs.len(),
        4,
        "3 hypotheses and the budget marker: {glyphs:?}"
    );
    assert_eq!(origins.len(), 4, "panels do not overlap: {origins:?}");
    assert!(texts(&doc)
        .iter()
        .any(|x| x == "LLaMA-1 training loss, extended to LLaMA-65B's compute"));
    assert!(fig.summary().ends_with("one panel per model"));
    assert_smooth(&svg, "llama panels");
    save_for_viewing("llama_curves_panels.svg", &fig);
}
