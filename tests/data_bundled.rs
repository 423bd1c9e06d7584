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

/// The bundled schedule runs match what their source describes (Hägele et al. 2024,
/// arXiv:2405.18392; Schaipp et al. 2025, arXiv:2501.18965): the size of each set, the
/// 33M model's three cosine lengths, and each run's schedule ending where its log says.
#[test]
fn schedule_runs_are_the_published_design() {
    use isoflop::data::schedules::{self, RunSet, ScheduleKind};
    let counts: Vec<usize> = RunSet::ALL
        .iter()
        .map(|&s| schedules::runs_in(s).len())
        .collect();
    assert_eq!(counts, [48, 21, 117, 30, 7, 6, 6]);
    // Hägele et al.'s SlimPajama design: per size, 3 cosine, 2 WSD, 1 constant run.
    let hagele = schedules::runs_in(RunSet::HageleSlimPajama);
    let mut sizes: Vec<u64> = hagele.iter().map(|r| r.params().get() as u64).collect();
    sizes.sort_unstable();
    sizes.dedup();
    assert_eq!(sizes.len(), 8, "{sizes:?}");
    for &n in &sizes {
        let of = |k: ScheduleKind| {
            hagele
                .iter()
                .filter(|r| r.params().get() as u64 == n && r.kind() == k)
                .count()
        };
        assert_eq!(
            (
                of(ScheduleKind::Cosine),
                of(ScheduleKind::WsdLinear),
                of(ScheduleKind::Constant)
            ),
            (3, 2, 1),
            "size {n}"
        );
    }
    for r in schedules::runs() {
        let s = r.schedule();
        let last = r.full_curve().last_tokens().get();
        // Logged every 200 steps up to the planned end (horizon runs may stop early).
        assert!(last <= s.total_tokens().get(), "{}", r.name());
        assert!(r.curve().first_tokens().get() > 300.0 * s.batch_tokens().get());
        let end = s.lr(s.total_steps()).unwrap();
        match r.kind() {
            ScheduleKind::Constant => assert_eq!(end, s.peak_lr()),
            ScheduleKind::Cosine => assert!(
                end <= 0.1 * s.peak_lr() * (1.0 + 1e-5),
                "{}: {end}",
                r.name()
            ),
            _ => assert!(end.abs() < 1e-12, "{}: {end}", r.name()),
        }
    }
    // The reruns repeat runs of the sweep with another seed: where both exist, final
    // losses agree to a few thousandths of a nat (Schaipp et al. 2025 report 0.001-0.0025).
    let sweep = schedules::runs_in(RunSet::Schaipp124MSweep);
    let tail = |name: &str| name.rsplitn(3, '/').take(2).collect::<Vec<_>>().join("/");
    let mut pairs = 0;
    for r in schedules::runs_in(RunSet::Schaipp124MReruns) {
        if let Some(twin) = sweep.iter().find(|s| tail(s.name()) == tail(r.name())) {
            pairs += 1;
            let gap = (twin.final_loss() - r.final_loss()).abs();
            assert!(gap < 0.01, "{}: {gap}", r.name());
        }
    }
    assert_eq!(pairs, 16);
}
