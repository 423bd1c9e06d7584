//! The consensus figure draws, for each question, the consensus band where the mixture
//! puts it (pixel extent read back through the x axis' tick labels), its median inside it,
//! one faint band per member in the colour its legend entry names (with its weight), and
//! the observed outcome only where one is given. The figure is also written to
//! `$CARGO_TARGET_TMPDIR/figures/consensus.svg` for looking at.

use isoflop::consensus::{table, Consensus};
use isoflop::data::llama::{self, LlamaModel};
use isoflop::law::calibration::final_points;
use isoflop::law::{
    Calibrated, CalibrationMode, ChinchillaHypothesis, Continuation, ContinuationForm,
    ContinuationOptions, LossHypothesis,
};
use isoflop::report::{ConsensusFigure, Figure};
use isoflop::units::{Params, Tokens};
use std::sync::Arc;

/// The 7B's own power-law-floor continuation, Hoffmann et al.'s law calibrated (offset and
/// scale) to the four LLaMA final losses, and Hoffmann et al.'s law on MassiveText (no
/// backtest evidence: it drops out).
fn llama7b_consensus() -> Consensus {
    let curve = llama::curve(LlamaModel::Llama7B);
    let opts = ContinuationOptions {
        draws: 100,
        seed: 42,
        ..Default::default()
    }
    .starting_at(llama::CONTINUATION_START);
    let floor = Continuation::fit(&curve, ContinuationForm::PowerLawFloor, &opts).unwrap();
    let finals = final_points(&llama::curves(), Tokens::new(10e9).unwrap());
    let scaled = Calibrated::fit(
        Box::new(ChinchillaHypothesis::hoffmann2022()),
        finals,
        CalibrationMode::OffsetAndScale,
    )
    .unwrap();
    let members: Vec<Arc<dyn LossHypothesis>> = vec![
        Arc::new(floor),
        Arc::new(scaled),
        Arc::new(ChinchillaHypothesis::hoffmann2022()),
    ];
    Consensus::new(members, table::final_loss().unwrap()).unwrap()
}

/// (label, params, tokens, observed) of the three rows.
fn questions() -> Vec<(&'static str, Params, Tokens, Option<f64>)> {
    let m = LlamaModel::Llama7B;
    let curve = llama::curve(m);
    let observed = curve.final_loss(Tokens::new(10e9).unwrap());
    vec![
        (
            "7B on 2T tokens",
            m.params(),
            Tokens::new(2e12).unwrap(),
            None,
        ),
        (
            "7B as trained",
            m.params(),
            m.trained_tokens(),
            Some(observed),
        ),
        (
            "7B on 13.6T tokens",
            m.params(),
            Tokens::new(13.6e12).unwrap(),
            None,
        ),
    ]
}

fn figure(c: &Consensus) -> ConsensusFigure {
    let mut fig = ConsensusFigure::new("LLaMA-7B: the consensus");
    for (label, n, d, y) in questions() {
        fig = fig.question(label, c, n, d, y).unwrap();
    }
    fig
}

fn attr(n: &roxmltree::Node<'_, '_>, a: &str) -> String {
    n.attribute(a).unwrap_or_default().to_string()
}

fn num(n: &roxmltree::Node<'_, '_>, a: &str) -> f64 {
    n.attribute(a)
        .and_then(|v| v.parse().ok())
        .unwrap_or(f64::NAN)
}

/// The vertices of a `polyline`/`polygon` in px.
fn vertices(n: &roxmltree::Node<'_, '_>) -> Vec<(f64, f64)> {
    attr(n, "points")
        .split_whitespace()
        .filter_map(|p| {
            let (x, y) = p.split_once(',')?;
            Some((x.parse().ok()?, y.parse().ok()?))
        })
        .collect()
}

fn text_of(n: &roxmltree::Node<'_, '_>) -> String {
    n.text().unwrap_or_default().trim().to_string()
}

/// The data-to-pixel map of the x axis, fitted (least squares) to its tick labels: the
/// numeric, centred texts of the bottom label row.
fn x_map(doc: &roxmltree::Document<'_>) -> impl Fn(f64) -> f64 {
    let ticks: Vec<(f64, f64, f64)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text") && attr(n, "text-anchor") == "middle")
        .filter_map(|n| Some((text_of(&n).parse::<f64>().ok()?, num(&n, "x"), num(&n, "y"))))
        .collect();
    let row = ticks.iter().map(|t| t.2).fold(f64::MIN, f64::max);
    let ticks: Vec<(f64, f64)> = ticks
        .iter()
        .filter(|t| t.2 == row)
        .map(|t| (t.0, t.1))
        .collect();
    assert!(ticks.len() >= 3, "x tick labels: {ticks:?}");
    let k = ticks.len() as f64;
    let (mv, mp) = (
        ticks.iter().map(|t| t.0).sum::<f64>() / k,
        ticks.iter().map(|t| t.1).sum::<f64>() / k,
    );
    let slope = ticks.iter().map(|t| (t.0 - mv) * (t.1 - mp)).sum::<f64>()
        / ticks.iter().map(|t| (t.0 - mv).powi(2)).sum::<f64>();
    // Ticks are placed on whole pixels: the fit is within a pixel of every one.
    for t in &ticks {
        assert!((mp + slope * (t.0 - mv) - t.1).abs() <= 1.0, "{ticks:?}");
    }
    move |v| mp + slope * (v - mv)
}

/// The colour of the legend glyph beside the legend text that starts with `label`.
fn legend_colour(doc: &roxmltree::Document<'_>, label: &str) -> String {
    let text = doc
        .descendants()
        .find(|n| n.has_tag_name("text") && text_of(n).starts_with(label))
        .unwrap_or_else(|| panic!("no legend entry {label:?}"));
    let (tx, ty) = (num(&text, "x"), num(&text, "y"));
    let glyph = doc
        .descendants()
        .find(|n| {
            // Legend glyphs are 28 px wide: a swatch, or a horizontal line.
            let centre = match n.tag_name().name() {
                "rect" if num(n, "width") == 28.0 => (
                    num(n, "x") + num(n, "width") / 2.0,
                    num(n, "y") + num(n, "height") / 2.0,
                ),
                "polyline" => match vertices(n)[..] {
                    [a, b] if a.1 == b.1 && b.0 - a.0 == 28.0 => ((a.0 + b.0) / 2.0, a.1),
                    _ => return false,
                },
                _ => return false,
            };
            centre.0 < tx && tx - centre.0 < 40.0 && (centre.1 - ty - 5.0).abs() < 4.0
        })
        .unwrap_or_else(|| panic!("no legend glyph for {label:?}"));
    match glyph.tag_name().name() {
        "rect" => attr(&glyph, "fill"),
        _ => attr(&glyph, "stroke"),
    }
}

/// Elements named `tag` whose `paint` attribute is `colour`.
fn painted<'a>(
    doc: &'a roxmltree::Document<'_>,
    tag: &str,
    paint: &str,
    colour: &str,
) -> Vec<roxmltree::Node<'a, 'a>> {
    doc.descendants()
        .filter(|n| n.has_tag_name(tag) && attr(n, paint) == colour)
        .collect()
}

fn x_extent(pts: &[(f64, f64)]) -> (f64, f64) {
    pts.iter().fold((f64::MAX, f64::MIN), |(lo, hi), p| {
        (lo.min(p.0), hi.max(p.0))
    })
}

fn y_extent(pts: &[(f64, f64)]) -> (f64, f64) {
    pts.iter().fold((f64::MAX, f64::MIN), |(lo, hi), p| {
        (lo.min(p.1), hi.max(p.1))
    })
}

#[test]
fn consensus_bands_members_and_observed_are_where_the_mixture_puts_them() {
    let c = llama7b_consensus();
    let fig = figure(&c);
    let svg = fig.render_svg().unwrap();
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("figures");
    std::fs::create_dir_all(&dir).unwrap();
    fig.save_svg(dir.join("consensus.svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    let px = x_map(&doc);
    let z = 1.6448536269514722; // the standard normal's 95th percentile
    let cal = table::final_loss().unwrap();

    // The consensus bands: one bold bar per question, top to bottom in order.
    let bold = legend_colour(&doc, "consensus 90% band and median");
    let mut bars: Vec<Vec<(f64, f64)>> = painted(&doc, "polygon", "fill", &bold)
        .iter()
        .map(vertices)
        .collect();
    assert_eq!(bars.len(), 3, "one consensus band per question");
    bars.sort_by(|a, b| y_extent(a).0.total_cmp(&y_extent(b).0));
    let medians: Vec<Vec<(f64, f64)>> = painted(&doc, "polyline", "stroke", "#FFFFFF")
        .iter()
        .map(vertices)
        .collect();
    let mut member_bands = 0;
    for ((label, n, d, observed), bar) in questions().into_iter().zip(&bars) {
        let (mix, dropped) = c.mixture(n, d).unwrap();
        assert_eq!(
            dropped.len(),
            1,
            "{label}: Hoffmann on MassiveText drops out"
        );
        let band = mix.band(0.9).unwrap();
        let (lo, hi) = x_extent(bar);
        assert!(
            (lo - px(band.lo)).abs() < 1.0 && (hi - px(band.hi)).abs() < 1.0,
            "{label}: consensus band drawn over [{lo}, {hi}] px, the mixture's 90% band \
             [{}, {}] maps to [{}, {}] px",
            band.lo,
            band.hi,
            px(band.lo),
            px(band.hi)
        );
        // The test tells the consensus band from every member's: each member's band is
        // several pixels off at one end at least (a figure drawing a member's band in
        // the bold style would fail the check above).
        for m in mix.components() {
            let (mlo, mhi) = (px(m.mean - z * m.sd), px(m.mean + z * m.sd));
            assert!(
                (mlo - lo).abs().max((mhi - hi).abs()) > 3.0,
                "{label}: {} has the consensus's extent",
                m.hypothesis
            );
        }
        // Its median: a vertical line inside the bar, at the mixture's median.
        let (top, bottom) = y_extent(bar);
        let median = medians
            .iter()
            .find(|m| {
                let (a, b) = y_extent(m);
                a >= top && b <= bottom
            })
            .unwrap_or_else(|| panic!("{label}: no median line in the consensus band"));
        let (mx, mx2) = x_extent(median);
        assert!((mx - mx2).abs() < 0.02, "{label}: median line not vertical");
        assert!(lo < mx && mx < hi, "{label}: median outside its band");
        assert!(
            (mx - px(band.median)).abs() < 1.0,
            "{label}: median at {mx} px"
        );

        // The members: a faint band each, in the colour their legend entry names with
        // the weight renormalised over the members that apply here.
        let present: f64 = mix
            .components()
            .iter()
            .map(|m| cal.weight(&m.hypothesis).unwrap())
            .sum();
        for m in mix.components() {
            let w = cal.weight(&m.hypothesis).unwrap() / present;
            let colour = legend_colour(&doc, &format!("{}: weight {w:.2}", m.hypothesis));
            let want = (px(m.mean - z * m.sd), px(m.mean + z * m.sd));
            let drawn = painted(&doc, "polygon", "fill", &colour)
                .iter()
                .map(vertices)
                .filter(|v| {
                    let (a, b) = x_extent(v);
                    (a - want.0).abs() < 1.0 && (b - want.1).abs() < 1.0
                })
                .count();
            assert_eq!(drawn, 1, "{label}: {}'s band", m.hypothesis);
            member_bands += 1;
        }

        // The observed outcome: a line in this question's row only where one is given.
        let mark = legend_colour(&doc, "observed outcome");
        let in_row: Vec<Vec<(f64, f64)>> = painted(&doc, "polyline", "stroke", &mark)
            .iter()
            .map(vertices)
            .filter(|v| {
                let (a, b) = y_extent(v);
                a < bottom + 4.0 && b > top && b - a > 20.0
            })
            .collect();
        match observed {
            Some(y) => {
                assert_eq!(in_row.len(), 1, "{label}: the observed outcome");
                assert!((x_extent(&in_row[0]).0 - px(y)).abs() < 1.0);
            }
            None => assert!(in_row.is_empty(), "{label}: an observed mark without one"),
        }
    }
    // Two members in each of the three questions, nothing else drawn faint.
    assert_eq!(member_bands, 6);
    let faint = doc
        .descendants()
        .filter(|n| n.has_tag_name("polygon") && attr(n, "opacity") == "0.3")
        .count();
    assert_eq!(faint, member_bands);
    // Only one question has an observed outcome: one mark in the plot plus the legend's.
    let mark = legend_colour(&doc, "observed outcome");
    assert_eq!(painted(&doc, "polyline", "stroke", &mark).len(), 2);
}

#[test]
fn no_observed_outcome_means_no_observed_mark_nor_legend_entry() {
    let c = llama7b_consensus();
    let n = LlamaModel::Llama7B.params();
    let fig = ConsensusFigure::new("no outcome")
        .question("7B on 2T tokens", &c, n, Tokens::new(2e12).unwrap(), None)
        .unwrap();
    let svg = fig.render_svg().unwrap();
    roxmltree::Document::parse(&svg).unwrap();
    assert!(!svg.contains("observed"));
    assert!(fig.summary().contains("1 question"));
}

#[test]
fn bad_questions_and_specs_are_errors() {
    let c = llama7b_consensus();
    let n = LlamaModel::Llama7B.params();
    let d = Tokens::new(2e12).unwrap();
    let fig = ConsensusFigure::new("bad");
    assert!(fig.render_svg().is_err(), "no questions");
    assert!(fig
        .clone()
        .question("nan", &c, n, d, Some(f64::NAN))
        .is_err());
    assert!(fig.clone().with_level(1.0).is_err());
    assert!(fig.clone().with_level(0.0).is_err());
    // A consensus of the 7B's continuation alone does not apply to the 65B.
    let opts = ContinuationOptions {
        draws: 20,
        ..Default::default()
    }
    .starting_at(llama::CONTINUATION_START);
    let floor = Continuation::fit(
        &llama::curve(LlamaModel::Llama7B),
        ContinuationForm::PowerLawFloor,
        &opts,
    )
    .unwrap();
    let only: Vec<Arc<dyn LossHypothesis>> = vec![Arc::new(floor)];
    let alone = Consensus::new(only, table::final_loss().unwrap()).unwrap();
    let big = LlamaModel::Llama65B;
    assert!(fig
        .clone()
        .question("65B", &alone, big.params(), big.trained_tokens(), None)
        .is_err());
    // A height set too small for the rows is an error, not a squashed figure.
    let mut small = fig.question("ok", &c, n, d, None).unwrap();
    small.size = (800, 200);
    assert!(small.render_svg().is_err());
    small.size = (800, 600);
    small.level = 1.5;
    assert!(small.render_svg().is_err());
}
