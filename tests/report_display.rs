//! HTML and text display: content (numbers, bands, units, warnings), escaping,
//! well-formedness, and the evcxr protocol.

use isoflop::band::Band;
use isoflop::law::{ChinchillaHypothesis, ChinchillaLaw, Evidence, Uncertainty};
use isoflop::prediction::{Extrapolation, Prediction, Warning};
use isoflop::report::{Cell, Column, HtmlDisplay, Table};
use isoflop::units::{Flops, Params, Tokens};

/// The HTML must parse as XML (we emit XHTML), so it is well-formed.
fn well_formed(html: &str) {
    let wrapped = format!("<root>{html}</root>");
    roxmltree::Document::parse(&wrapped)
        .unwrap_or_else(|e| panic!("not well-formed ({e}): {html}"));
}

/// The visible text of an HTML fragment, entities decoded.
fn visible(html: &str) -> String {
    let wrapped = format!("<root>{html}</root>");
    let doc = roxmltree::Document::parse(&wrapped).unwrap();
    doc.descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect::<Vec<_>>()
        .join(" ")
}

fn band() -> Band {
    Band {
        lo: 1.951,
        median: 1.962,
        hi: 1.973,
        level: 0.9,
    }
}

fn prediction() -> Prediction {
    Prediction {
        hypothesis: "power-law-floor <fit>".into(),
        params: Params::new(6.7e9).unwrap(),
        tokens: Tokens::new(13.6e12).unwrap(),
        flops: Flops::new(6.0 * 6.7e9 * 13.6e12).unwrap(),
        point: 1.9618,
        loss: band(),
        extrapolation: Extrapolation {
            factor: 13.6,
            axis: "tokens".into(),
            description: "13.6x the longest observed run (1.0T tokens)".into(),
        },
        warnings: vec![
            Warning::BeyondData {
                factor: 13.6,
                axis: "tokens".into(),
            },
            Warning::Note("fit & \"extrapolate\" <carefully>".into()),
        ],
    }
}

#[test]
fn band_shows_median_interval_and_level() {
    let b = band();
    assert_eq!(b.text(), "1.962 [1.951, 1.973] 90%");
    let html = b.html();
    well_formed(&html);
    assert_eq!(
        visible(&html)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
        "1.962 [1.951, 1.973] 90%"
    );
    // A narrow band gets enough decimals to show its width.
    let narrow = Band {
        lo: 1.96001,
        median: 1.96012,
        hi: 1.96025,
        level: 0.95,
    };
    assert_eq!(narrow.text(), "1.96012 [1.96001, 1.96025] 95%");
    let c = b.evcxr_content();
    assert!(c.starts_with("EVCXR_BEGIN_CONTENT text/html\n"));
    assert!(c.contains("\nEVCXR_END_CONTENT\nEVCXR_BEGIN_CONTENT text/plain\n1.962 [1.951, 1.973] 90%\nEVCXR_END_CONTENT"));
}

#[test]
fn prediction_shows_value_band_budget_and_warnings_escaped() {
    let p = prediction();
    let html = p.html();
    well_formed(&html);
    let v = visible(&html);
    for want in [
        "power-law-floor <fit>",
        "1.962",
        "[1.951, 1.973] 90%",
        "nats/token",
        "6.7B",
        "13.6T",
        "5.47e23",
        "2029.9 tokens/parameter",
        "13.6x the longest observed run (1.0T tokens)",
        "extrapolates 13.6x beyond the data in tokens",
        "fit & \"extrapolate\" <carefully>",
    ] {
        assert!(v.contains(want), "missing {want:?} in {v:?}");
    }
    // Raw markup from user strings never reaches the HTML unescaped.
    assert!(!html.contains("<fit>") && !html.contains("<carefully>"));
    assert!(html.contains("&lt;fit&gt;"));
    // Warnings are highlighted: one highlighted element per warning.
    assert_eq!(html.matches("background:#fff3cd").count(), 2);

    let t = p.text();
    assert!(
        t.starts_with("power-law-floor <fit>: loss 1.962 [1.951, 1.973] 90% nats/token"),
        "{t}"
    );
    assert_eq!(t.matches("\n  warning: ").count(), 2, "{t}");
}

#[test]
fn chinchilla_law_lists_parameters_and_derived_exponents() {
    let law = ChinchillaLaw::hoffmann2022();
    let html = law.html();
    well_formed(&html);
    let v = visible(&html);
    for want in [
        "E",
        "1.69",
        "406.4",
        "410.7",
        "0.34",
        "0.28",
        "irreducible loss, nats/token",
        "a = β/(α+β)",
    ] {
        assert!(v.contains(want), "missing {want:?} in {v:?}");
    }
    // a = β/(α+β) = 0.28/0.62 = 0.45161
    assert!(v.contains("0.45161"), "{v}");
    let t = law.text();
    assert!(t.contains("L(N, D) = E + A/N^α + B/D^β"));
    // Aligned: every data row of the text table has its value column at the same offset.
    let rows: Vec<&str> = t
        .lines()
        .filter(|l| l.starts_with("E ") || l.starts_with("A ") || l.starts_with("B "))
        .collect();
    assert_eq!(rows.len(), 3, "{t}");
    let ends: Vec<usize> = rows
        .iter()
        .map(|r| {
            let value_end = r.find(|c: char| c.is_ascii_digit()).unwrap();
            value_end + r[value_end..].find(' ').unwrap()
        })
        .collect();
    assert!(
        ends.windows(2).all(|w| w[0] == w[1]),
        "numbers right-aligned: {rows:?}"
    );
}

#[test]
fn hypothesis_without_draws_warns_and_with_draws_shows_parameter_bands() {
    let h = ChinchillaHypothesis::hoffmann2022();
    let html = h.html();
    well_formed(&html);
    let v = visible(&html);
    assert!(v.contains("chinchilla-hoffmann2022"));
    assert!(v.contains("Hoffmann et al. 2022"));
    assert!(v.contains("zero width, not zero error"), "{v}");
    assert!(html.contains("background:#fff3cd"));

    let base = ChinchillaLaw::hoffmann2022();
    let draws: Vec<ChinchillaLaw> = (0..=100)
        .map(|i| {
            let alpha = 0.30 + 0.08 * f64::from(i) / 100.0; // 0.30 .. 0.38
            ChinchillaLaw::new(base.e(), base.a(), base.b(), alpha, base.beta()).unwrap()
        })
        .collect();
    let h = ChinchillaHypothesis::new(
        "refit",
        "test",
        base,
        draws,
        Uncertainty::Bootstrap,
        Evidence::described("test data"),
    )
    .unwrap();
    let html = h.html();
    well_formed(&html);
    let v = visible(&html);
    assert!(v.contains("band over 101 draws"), "{v}");
    assert!(v.contains("101 bootstrap refits"), "{v}");
    // α's 90% band over the draws: 5th..95th percentile of 0.30..0.38 = 0.304..0.376.
    assert!(v.contains("[0.3040, 0.3760] 90%"), "{v}");
    assert!(!v.contains("zero width"));
    assert!(h.text().contains("[0.3040, 0.3760] 90%"));
}

#[test]
fn table_has_units_bands_warning_footnotes_and_alignment() {
    let mut t = Table::new(
        "7B at 65B's compute <draft>",
        vec![
            Column::new("hypothesis"),
            Column::with_unit("tokens", "tokens"),
            Column::with_unit("loss", "nats/token"),
            Column::new("warnings"),
        ],
    )
    .unwrap();
    t.push_row(vec![
        "chinchilla-hoffmann2022".into(),
        Cell::quantity(Tokens::new(13.6e12).unwrap()),
        Cell::band(Band::exact(1.7987, 0.9).unwrap()),
        Cell::warnings(&[Warning::NoPublishedUncertainty]),
    ])
    .unwrap();
    t.push_row(vec![
        "linear-in-tokens".into(),
        Cell::quantity(Tokens::new(13.6e12).unwrap()),
        Cell::band(band()),
        Cell::warnings(&[
            Warning::NoPublishedUncertainty,
            Warning::BelowFloor {
                value: 0.9,
                floor: 1.1,
            },
        ]),
    ])
    .unwrap();
    t.push_row(vec![
        "impossible".into(),
        Cell::Empty,
        Cell::number(f64::NAN, 3),
        Cell::warnings(&[]),
    ])
    .unwrap();
    t.push_note("reproduce: cargo run --release --example llama_rant");
    assert!(t.push_row(vec!["too short".into()]).is_err());
    assert!(Table::new("no columns", vec![]).is_err());

    let html = t.html();
    well_formed(&html);
    let v = visible(&html);
    for want in [
        "7B at 65B's compute <draft>",
        "nats/token",
        "13.6T",
        "1.799",
        "[1.799, 1.799] 90%",
        "[1.951, 1.973] 90%",
        "NaN",
        "below this hypothesis' own floor",
        "reproduce: cargo run --release --example llama_rant",
    ] {
        assert!(v.contains(want), "missing {want:?} in {v:?}");
    }
    assert!(html.contains("&lt;draft&gt;"));
    // Units sit in the header cells.
    assert_eq!(html.matches("<th style").count(), 4);
    assert!(html.contains("loss<br/><span"));
    // Three highlighted warnings (one, then two).
    assert_eq!(html.matches("background:#fff3cd").count(), 3);

    let text = t.to_string();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "7B at 65B's compute <draft>");
    assert!(lines[1].starts_with("hypothesis"), "{text}");
    assert!(lines[1].contains("loss (nats/token)"), "{text}");
    // The distinct warnings become two footnotes, referenced from the rows.
    assert!(lines[3].ends_with("!1"), "{text}");
    assert!(lines[4].ends_with("!1 !2"), "{text}");
    assert!(text.contains("\n!1 no published uncertainty"), "{text}");
    assert!(text.contains("\n!2 value 0.9000 is below"), "{text}");
    // Bands are right-aligned in one column: every band ends at the same offset.
    let ends: Vec<usize> = lines[3..5].iter().map(|l| l.find("90%").unwrap()).collect();
    assert_eq!(ends[0], ends[1], "{text}");
}
