//! The tables compiled into the crate against the source CSVs shipped beside them in
//! `data/` (provenance in `data/*/SOURCE.md`). Parsed with the standard library only, so
//! these run in every feature combination, from a clone and from the published package.

use isoflop::data::chinchilla;
use isoflop::data::llama::{self, LlamaModel};
use std::path::PathBuf;

fn data_file(rel: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("data")
        .join(rel);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{} must ship with the crate: {e}", path.display()))
}

/// Header-indexed rows of a CSV without quoted fields (both source files are such).
fn rows(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .expect("a header line")
        .split(',')
        .map(str::to_string)
        .collect();
    let body = lines
        .filter(|l| !l.is_empty())
        .map(|l| l.split(',').map(str::to_string).collect::<Vec<_>>())
        .collect();
    (header, body)
}

fn col(header: &[String], name: &str) -> usize {
    header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("column {name} in {header:?}"))
}

#[test]
fn chinchilla_table_is_the_csv_bit_for_bit() {
    let (header, body) = rows(&data_file("chinchilla/svg_extracted_data.csv"));
    let (n, c, l) = (
        col(&header, "Model Size"),
        col(&header, "Training FLOP"),
        col(&header, "loss"),
    );
    let bundled = chinchilla::raw_rows();
    assert_eq!(body.len(), 245); // SOURCE.md: 1 header line + 245 data rows
    assert_eq!(body.len(), bundled.len());
    for (i, (row, b)) in body.iter().zip(bundled).enumerate() {
        let parse = |k: usize| row[k].parse::<f64>().unwrap().to_bits();
        assert_eq!(parse(n), b.0.to_bits(), "row {i} N");
        assert_eq!(parse(c), b.1.to_bits(), "row {i} C");
        assert_eq!(parse(l), b.2.to_bits(), "row {i} loss");
    }
}

/// Python's `statistics.median`: the middle value, or the mean of the two middle ones.
fn median(xs: &mut [f64]) -> f64 {
    xs.sort_by(f64::total_cmp);
    let m = xs.len() / 2;
    if xs.len() % 2 == 1 {
        xs[m]
    } else {
        (xs[m - 1] + xs[m]) / 2.0
    }
}

/// Re-derives every 5B-token bin of Figure 1 from the digitised vertices, independently
/// of `scripts/llama_fig1_bins.py` (same recipe: drop `in_axes = 0`, median per bin
/// `[5k, 5k + 5)` at the midpoint of the part the curve covers), and compares the
/// printed digits of the bundled table (4 decimals of tokens, 5 of loss).
#[test]
fn llama_bins_are_rederived_from_the_digitised_figure() {
    let (header, body) = rows(&data_file("llama/llama1_fig1_training_loss_digitized.csv"));
    let (m, t, l, a) = (
        col(&header, "model"),
        col(&header, "tokens_billion"),
        col(&header, "train_loss"),
        col(&header, "in_axes"),
    );
    assert_eq!(body.len(), 26_794); // SOURCE.md
    let mut vertices = 0;
    for model in LlamaModel::ALL {
        let pts: Vec<(f64, f64)> = body
            .iter()
            .filter(|r| r[m] == model.name() && r[a] == "1")
            .map(|r| (r[t].parse().unwrap(), r[l].parse().unwrap()))
            .collect();
        vertices += pts.len();
        let first = pts.iter().map(|p| p.0).fold(f64::INFINITY, f64::min);
        let last = pts.iter().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max);
        let mut bins: std::collections::BTreeMap<i64, Vec<f64>> = Default::default();
        for &(tok, loss) in &pts {
            bins.entry((tok / 5.0).floor() as i64)
                .or_default()
                .push(loss);
        }
        let expected: Vec<(String, String)> = bins
            .into_iter()
            .map(|(k, mut ls)| {
                let lo = (k as f64 * 5.0).max(first);
                let hi = ((k + 1) as f64 * 5.0).min(last);
                (
                    format!("{:.4}", (lo + hi) / 2.0),
                    format!("{:.5}", median(&mut ls)),
                )
            })
            .collect();
        let curve = llama::curve(model);
        let got: Vec<(String, String)> = curve
            .points()
            .iter()
            .map(|(tok, loss)| (format!("{:.4}", tok.get() / 1e9), format!("{loss:.5}")))
            .collect();
        assert_eq!(got, expected, "{model}");
    }
    assert_eq!(vertices, 26_794 - 82); // SOURCE.md: 82 vertices outside the axes
}
