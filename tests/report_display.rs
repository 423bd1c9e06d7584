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
    assert!(
        text.contains("\n!2 the point estimate 0.9000 is below"),
        "{text}"
    );
    // Bands are right-aligned in one column: every band ends at the same offset.
    let ends: Vec<usize> = lines[3..5].iter().map(|l| l.find("90%").unwrap()).collect();
    assert_eq!(ends[0], ends[1], "{text}");
}

// ---- query answers, fits, runs and budgets ----

use isoflop::data::chinchilla;
use isoflop::data::llama::{self, LlamaModel};
use isoflop::fit::{bootstrap, fit_chinchilla, FitOptions, FitStatus};
use isoflop::law::{Continuation, ContinuationForm, ContinuationOptions, LossHypothesis};
use isoflop::query::{
    compare, compute_optimal, probability_lower, tokens_to_reach, Answer, Question,
};
use isoflop::report::{bootstrap_table, comparison_table, runs_table, Budget};

/// Hoffmann's law with a few synthetic draws and a hostile id (for escaping).
fn hostile_with_draws() -> ChinchillaHypothesis {
    let base = ChinchillaLaw::hoffmann2022();
    let draws = (0..40)
        .map(|i| {
            let u = (i as f64 * 0.618_034).fract() - 0.5;
            ChinchillaLaw::new(
                base.e() + 0.04 * u,
                base.a(),
                base.b() * (1.0 + 0.1 * u),
                base.alpha(),
                base.beta() + 0.01 * u,
            )
            .unwrap()
        })
        .collect();
    ChinchillaHypothesis::new(
        "<draws & \"co\">",
        "synthetic draws around Hoffmann et al. 2022",
        base,
        draws,
        Uncertainty::Bootstrap,
        Evidence::described("none (synthetic)"),
    )
    .unwrap()
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn comparison_shows_every_row_with_bands_warnings_and_declines() {
    let hoffmann = ChinchillaHypothesis::hoffmann2022();
    let drawn = hostile_with_draws();
    let opts = ContinuationOptions {
        start: llama::CONTINUATION_START.into(),
        draws: 50,
        ..ContinuationOptions::default()
    };
    let cont13 = Continuation::fit(
        &llama::curve(LlamaModel::Llama13B),
        ContinuationForm::LinearInLogTokens,
        &opts,
    )
    .unwrap();
    let hs: Vec<&dyn LossHypothesis> = vec![&hoffmann, &drawn, &cont13];
    let q = Question::LossAt {
        params: Params::new(6.7e9).unwrap(),
        tokens: Tokens::new(13.6e12).unwrap(),
    };
    let c = compare(&hs, q, 0.9).unwrap();
    let Answer::Loss(p_drawn) = &c.rows[1].answer else {
        panic!("{:?}", c.rows[1]);
    };
    let Answer::Loss(p_hoffmann) = &c.rows[0].answer else {
        panic!("{:?}", c.rows[0]);
    };
    let Answer::Declined { reason } = &c.rows[2].answer else {
        panic!("the 13B continuation should decline a 6.7B model");
    };
    let html = c.html();
    well_formed(&html);
    let v = squash(&visible(&html));
    assert!(
        v.contains("loss of a 6.7B model trained on 13.6T tokens (90% bands)"),
        "{v}"
    );
    assert!(v.contains("nats/token"));
    // The drawn band, exactly as a band prints, and the zero-width Hoffmann band.
    assert!(v.contains(&squash(&p_drawn.loss.text())), "{v}");
    assert!(p_drawn.loss.width() > 0.0);
    assert_eq!(p_hoffmann.loss.width(), 0.0);
    assert!(v.contains(&p_hoffmann.loss.text()), "{v}");
    assert!(v.contains("no published uncertainty"));
    assert!(v.contains("declined"));
    assert!(v.contains(&squash(reason)), "{v}");
    assert!(v.contains("1 of 3 hypotheses declined"));
    // The hostile id is escaped in the markup and shown verbatim.
    assert!(html.contains("&lt;draws &amp; &quot;co&quot;&gt;"));
    assert!(v.contains("<draws & \"co\">"));
    // Text: aligned rows, warnings as footnotes referenced by number.
    let text = c.text();
    assert!(text.contains("!1 "), "{text}");
    assert!(
        text.lines().any(
            |l| l.starts_with("chinchilla-hoffmann2022") && l.contains(&p_hoffmann.loss.text())
        ),
        "{text}"
    );
    assert!(text.contains("declined: "), "{text}");
    assert_eq!(comparison_table(&c).rows().len(), 3);
    let content = c.evcxr_content();
    assert!(content.starts_with("EVCXR_BEGIN_CONTENT text/html\n<div"));
    assert!(content.contains("EVCXR_BEGIN_CONTENT text/plain\n"));

    // A tokens question gets token columns.
    let q = Question::TokensToReach {
        params: Params::new(6.7e9).unwrap(),
        target: 1.9,
    };
    let c = compare(&hs[..2], q, 0.9).unwrap();
    let html = c.html();
    well_formed(&html);
    let v = squash(&visible(&html));
    assert!(
        v.contains("tokens band") && v.contains("FLOPs") && v.contains("reachable"),
        "{v}"
    );
    let Answer::Tokens(t) = &c.rows[0].answer else {
        panic!()
    };
    assert!(v.contains(&t.tokens.to_string()) && v.contains(&t.flops.to_string()));
}

#[test]
fn tokens_to_reach_optimal_split_and_probability_show_their_numbers() {
    let h = hostile_with_draws();
    let n = Params::new(6.7e9).unwrap();
    let t = tokens_to_reach(&h, n, 2.0, 0.9).unwrap();
    let html = t.html();
    well_formed(&html);
    let v = squash(&visible(&html));
    let b = t.tokens_band.unwrap();
    for want in [
        t.tokens.to_string(),
        t.flops.to_string(),
        Tokens::new(b.lo).unwrap().to_string(),
        Tokens::new(b.hi).unwrap().to_string(),
        "loss of 2 nats/token".to_string(),
        format!("{:.1}%", 100.0 * t.reachable_fraction),
    ] {
        assert!(v.contains(&want), "missing {want:?} in {v}");
    }
    assert!(t.text().contains(&t.tokens.to_string()));
    // Hoffmann: no draws, so no band, and the warning says why.
    let t0 = tokens_to_reach(&ChinchillaHypothesis::hoffmann2022(), n, 2.0, 0.9).unwrap();
    let v0 = visible(&t0.html());
    assert!(
        v0.contains("no band") && v0.contains("no published uncertainty"),
        "{v0}"
    );

    let s = compute_optimal(&h, Flops::new(5.76e23).unwrap(), 0.9).unwrap();
    let html = s.html();
    well_formed(&html);
    let v = squash(&visible(&html));
    assert!(v.contains("Compute-optimal split of 5.76e23 FLOPs"), "{v}");
    assert!(v.contains(&s.params.to_string()) && v.contains(&s.tokens.to_string()));
    assert!(v.contains(&format!("{:.1}", s.tokens_per_param)));
    let pb = s.params_band.unwrap();
    assert!(v.contains(&Params::new(pb.lo).unwrap().to_string()), "{v}");
    assert!(v.contains(&squash(&s.loss.loss.text())), "{v}");
    assert!(s.text().contains("tokens per parameter"));

    let p = probability_lower(
        &h,
        (n, Tokens::new(13.6e12).unwrap()),
        (Params::new(65.2e9).unwrap(), Tokens::new(1.4e12).unwrap()),
    )
    .unwrap();
    let html = p.html();
    well_formed(&html);
    let v = squash(&visible(&html));
    assert!(v.contains(&format!("P = {:.3}", p.probability)), "{v}");
    assert!(v.contains("share of 40 parameter draws"), "{v}");
    assert!(v.contains(&p.event));
    let t = p.text();
    assert!(t.contains(&format!("P = {:.3}", p.probability)) && t.contains("40"));
    let p0 = probability_lower(
        &ChinchillaHypothesis::hoffmann2022(),
        (n, Tokens::new(13.6e12).unwrap()),
        (Params::new(65.2e9).unwrap(), Tokens::new(1.4e12).unwrap()),
    )
    .unwrap();
    let v0 = visible(&p0.html());
    assert!(v0.contains("point estimate only") && v0.contains("no published uncertainty"));
}

#[test]
fn fit_result_and_bootstrap_show_estimates_errors_intervals_and_status() {
    let runs = chinchilla::replication_runs();
    let fit = fit_chinchilla(&runs, &FitOptions::default()).unwrap();
    let html = fit.html();
    well_formed(&html);
    let v = squash(&visible(&html));
    for want in [
        "converged".to_string(),
        format!("{:.5}", fit.law.alpha())[..6].to_string(),
        format!("{:.5}", fit.law.beta())[..6].to_string(),
        "4500".to_string(),
        "Hessian condition number".to_string(),
    ] {
        assert!(v.contains(&want), "missing {want:?} in {v}");
    }
    assert!(!html.contains("#fff3cd"), "a converged fit has no warning");
    let mut bad = fit.clone();
    bad.status = FitStatus::AtBound;
    let html = bad.html();
    assert!(html.contains("#fff3cd") && visible(&html).contains("at a bound"));
    assert!(bad.text().contains("warning: status: at a bound"));

    let boot = bootstrap(&runs, &fit, 30, 3).unwrap();
    let html = boot.html();
    well_formed(&html);
    let v = squash(&visible(&html));
    let se = boot.std_errors().unwrap();
    let ci = boot.intervals(0.95).unwrap();
    assert!(v.contains("Bootstrap: 30 draws"), "{v}");
    assert!(v.contains("standard error") && v.contains("95% interval"));
    let sig3 = |x: f64| {
        let mag = x.abs().log10().floor() as i32;
        let d = (2 - mag).max(0) as usize;
        let s = format!("{x:.d$}");
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    };
    assert!(v.contains(&sig3(se.alpha)), "{} in {v}", sig3(se.alpha));
    let t = bootstrap_table(&boot).unwrap();
    let alpha_row = &t.rows()[3];
    assert_eq!(alpha_row[0], isoflop::report::Cell::text("α"));
    assert!(matches!(&alpha_row[3], isoflop::report::Cell::Number(s)
        if s.starts_with('[') && s.contains(&format!("{:.3}", ci.alpha.lo)[..4])));
    assert!(v.contains("30 of 30 bootstrap refits kept"));
    assert!(boot.text().contains("α"));
}

#[test]
fn runs_clusters_and_budgets_show_units_and_sources() {
    use isoflop::cluster::{Cluster, GpuHourPrice, GridIntensity, Pue, Utilisation, Workload};
    use isoflop::hardware::{Accelerator, Precision};
    let mut runs = isoflop::runs::llama1().to_vec();
    runs.push(isoflop::runs::by_name("Chinchilla").unwrap());
    let t = runs_table(&runs);
    let html = t.html();
    well_formed(&html);
    let v = squash(&visible(&html));
    for want in [
        "LLaMA-7B",
        "6.74B",
        "1T",
        "4.04e22",
        "82,432 GPU-h",
        "0.437",
        "1,022,362 GPU-h",
        "5.48e23",
        "not published",
        "n/a (no GPU-hours)",
        "Touvron et al. 2023",
        "FLOPs",
    ] {
        assert!(v.contains(want), "missing {want:?} in {v}");
    }
    let text = t.text();
    assert!(
        text.lines()
            .any(|l| l.starts_with("LLaMA-65B") && l.contains("0.478")),
        "{text}"
    );

    let r = &runs[0];
    let html = r.html();
    well_formed(&html);
    let v = squash(&visible(&html));
    assert!(
        v.contains("148.4") || v.contains("148.5"),
        "tokens per parameter: {v}"
    );
    assert!(v.contains("400 W") && v.contains("A100-80GB"), "{v}");

    let cluster = Cluster::new(
        Accelerator::by_name("A100-80GB").unwrap(),
        2048,
        Precision::Bf16,
        Utilisation::tokens_per_second(380.0).unwrap(),
    )
    .unwrap();
    let v = squash(&visible(&cluster.html()));
    assert!(
        v.contains("2048 × A100 80GB") && v.contains("3.12e14 FLOP/s"),
        "{v}"
    );
    assert!(v.contains("380 tokens/s per accelerator"));

    let mut b = Budget::new(
        "LLaMA-65B",
        cluster,
        Workload::training("65.2B".parse().unwrap(), "1.4T".parse().unwrap()),
    );
    let plain = b.text();
    assert!(
        plain.contains("1,023,392 GPU-h") && !plain.contains("energy"),
        "{plain}"
    );
    b.pue = Some(Pue::new(1.1).unwrap());
    b.grid = Some(GridIntensity::new(0.385).unwrap());
    b.price = Some(GpuHourPrice::new(2.0).unwrap());
    let html = b.html();
    well_formed(&html);
    let v = squash(&visible(&html));
    for want in [
        "5.48e23",
        "1,023,392 GPU-h",
        "20.8 days",
        "MWh",
        "173 tCO2eq",
        "$2,046,784",
    ] {
        assert!(v.contains(want), "missing {want:?} in {v}");
    }
    // A tokens/s cluster cannot convert a bare FLOP count: the error is shown, not a panic.
    b.work = Workload::Flops(Flops::new(1e23).unwrap());
    assert!(b.text().starts_with("error: "), "{}", b.text());
    assert!(b.html().contains("#fff3cd"));
}
