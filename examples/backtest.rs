//! Which assumption actually predicts? Every hypothesis fitted on part of the bundled
//! data and scored on the part it has not seen (see `isoflop::backtest`).
//!
//! ```text
//! cargo run --release --example backtest                 # scoreboard + target/backtest.svg
//! cargo run --release --example backtest -- --json       # one JSON object {"scoreboard": [...], ...}
//! cargo run --release --example backtest -- --seed 7 --draws 2000 --bootstrap 400 --svg out.svg
//! ```
//!
//! The SVG has two panels of predicted against observed loss (the diagonal is a
//! perfect prediction; bars are the bands): the LLaMA-1 curves (along-curve and
//! across-models splits) and the Chinchilla runs (along-compute splits).

use isoflop::backtest::{self, BacktestOptions, Record, ScoreRow, Scoreboard};
use plotters::prelude::*;
use serde_json::json;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

struct Args {
    json: bool,
    svg: PathBuf,
    options: BacktestOptions,
}

const USAGE: &str =
    "usage: backtest [--json] [--seed S] [--draws N] [--bootstrap N] [--level L] [--svg PATH]";

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        json: false,
        svg: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/backtest.svg"),
        options: BacktestOptions::default(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .ok_or_else(|| format!("{name} needs a value\n{USAGE}"))
        };
        let whole = |name: &str, v: String| {
            v.parse::<u64>()
                .map_err(|_| format!("{name} takes a whole number >= 0, got {v:?}\n{USAGE}"))
        };
        match flag.as_str() {
            "--json" => args.json = true,
            "--seed" => args.options.seed = whole("--seed", value("--seed")?)?,
            "--draws" => args.options.curve_draws = whole("--draws", value("--draws")?)? as usize,
            "--bootstrap" => {
                args.options.bootstrap = whole("--bootstrap", value("--bootstrap")?)? as usize
            }
            "--level" => {
                let v = value("--level")?;
                args.options.level = v
                    .parse()
                    .map_err(|_| format!("--level takes a number in (0, 1), got {v:?}\n{USAGE}"))?;
            }
            "--svg" => args.svg = PathBuf::from(value("--svg")?),
            "-h" | "--help" => return Err(USAGE.to_string()),
            other => return Err(format!("unknown flag {other:?}\n{USAGE}")),
        }
    }
    Ok(args)
}

fn opt(x: Option<f64>, f: impl Fn(f64) -> String) -> String {
    x.map(f).unwrap_or_else(|| "-".to_string())
}

fn print_row(r: &ScoreRow) {
    let cov = match (r.coverage, r.level) {
        (Some(c), Some(l)) => format!("{:>3.0}% of {:.0}%", 100.0 * c, 100.0 * l),
        _ => "no band".to_string(),
    };
    println!(
        "  {:<44} {:>3} {:>7.4} {:>7.4} {:>+8.4} {:>12} {:<15} {:>6} {:>6.2} {:>6.2}{}",
        r.hypothesis,
        r.predictions,
        r.mae,
        r.max_error,
        r.bias,
        cov,
        r.band_kind.name(),
        opt(r.mean_band_width, |w| format!("{w:.4}")),
        r.median_extrapolation,
        r.max_extrapolation,
        if r.failures > 0 {
            format!("  ({} fit(s) failed)", r.failures)
        } else {
            String::new()
        }
    );
}

fn print_board(board: &Scoreboard, notes: &[String], options: &BacktestOptions) {
    println!(
        "Backtest: fit on part of the data, predict the rest (seed {}, {} curve draws, {} Chinchilla bootstrap refits).",
        options.seed, options.curve_draws, options.bootstrap
    );
    println!(
        "Errors are predicted - observed loss in nats/token; ranked by mean absolute error.\n"
    );
    for split in board.splits() {
        println!("{split}");
        println!(
            "  {:<44} {:>3} {:>7} {:>7} {:>8} {:>12} {:<15} {:>6} {:>6} {:>6}",
            "hypothesis", "n", "MAE", "max", "bias", "coverage", "band", "width", "x med", "x max"
        );
        for r in board.ranking(split) {
            print_row(r);
        }
        println!();
    }
    if !board.failures.is_empty() {
        println!("Fits that failed (not scored):");
        for f in &board.failures {
            println!(
                "  {} on {} ({}): {}",
                f.hypothesis, f.split, f.target, f.reason
            );
        }
        println!();
    }
    println!("Notes:");
    for n in notes {
        println!("  - {n}");
    }
}

/// Colour of a hypothesis in the plot.
fn colour(h: &str) -> RGBColor {
    match h {
        "linear-in-tokens" => RGBColor(214, 39, 40),
        "linear-in-log-tokens" => RGBColor(31, 119, 180),
        "power-law-floor" => RGBColor(44, 160, 44),
        "chinchilla-besiroglu2024-calibrated" => RGBColor(148, 103, 189),
        "chinchilla-hoffmann2022-calibrated" => RGBColor(140, 86, 75),
        "chinchilla-refit" => RGBColor(148, 103, 189),
        "kaplan-refit" => RGBColor(255, 127, 14),
        _ => RGBColor(90, 90, 90),
    }
}

/// The axis range of a panel: observed and predicted (and bands), padded.
fn range(records: &[&Record]) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for r in records {
        let band = r.band.map_or((r.predicted, r.predicted), |b| (b.lo, b.hi));
        lo = lo.min(r.observed).min(r.predicted).min(band.0);
        hi = hi.max(r.observed).max(r.predicted).max(band.1);
    }
    let pad = 0.04 * (hi - lo);
    (lo - pad, hi + pad)
}

fn panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    title: &str,
    records: &[&Record],
) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let (lo, hi) = range(records);
    let mut chart = ChartBuilder::on(area)
        .caption(title, ("sans-serif", 17))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(55)
        .build_cartesian_2d(lo..hi, lo..hi)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("observed loss (nats/token)")
        .y_desc("predicted loss (nats/token)")
        .x_labels(6)
        .y_labels(6)
        .label_style(("sans-serif", 12))
        .axis_desc_style(("sans-serif", 13))
        .x_label_formatter(&|v| format!("{v:.2}"))
        .y_label_formatter(&|v| format!("{v:.2}"))
        .light_line_style(WHITE)
        .draw()
        .map_err(err)?;
    chart
        .draw_series(LineSeries::new(vec![(lo, lo), (hi, hi)], BLACK.mix(0.5)))
        .map_err(err)?;
    let mut hyps: Vec<&str> = Vec::new();
    for r in records {
        if !hyps.contains(&r.hypothesis.as_str()) {
            hyps.push(&r.hypothesis);
        }
    }
    for h in hyps {
        let c = colour(h);
        let mine: Vec<&&Record> = records.iter().filter(|r| r.hypothesis == h).collect();
        chart
            .draw_series(mine.iter().filter_map(|r| {
                r.band.map(|b| {
                    PathElement::new(
                        vec![(r.observed, b.lo), (r.observed, b.hi)],
                        c.mix(0.25).stroke_width(1),
                    )
                })
            }))
            .map_err(err)?;
        chart
            .draw_series(
                mine.iter()
                    .map(|r| Circle::new((r.observed, r.predicted), 3, c.mix(0.8).filled())),
            )
            .map_err(err)?
            .label(h)
            .legend(move |(x, y)| Circle::new((x + 8, y), 4, c.filled()));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK.mix(0.3))
        .label_font(("sans-serif", 12))
        .draw()
        .map_err(err)?;
    Ok(())
}

fn write_svg(board: &Scoreboard, path: &PathBuf) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let curves: Vec<&Record> = board
        .records
        .iter()
        .filter(|r| !r.split.starts_with("along-compute@"))
        .collect();
    let runs: Vec<&Record> = board
        .records
        .iter()
        .filter(|r| r.split.starts_with("along-compute@"))
        .collect();
    let root = SVGBackend::new(path, (1200, 560)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let (left, right) = root.split_horizontally(600);
    if !curves.is_empty() {
        panel(
            &left,
            "LLaMA-1 curves: along-curve and across-models",
            &curves,
        )?;
    }
    if !runs.is_empty() {
        panel(&right, "Chinchilla runs: along compute", &runs)?;
    }
    root.present().map_err(|e| e.to_string())?;
    Ok(())
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(msg) => {
            eprintln!("{msg}");
            return ExitCode::from(2);
        }
    };
    let start = Instant::now();
    let board = match backtest::bundled(&args.options) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("backtest failed: {e}");
            return ExitCode::FAILURE;
        }
    };
    let elapsed = start.elapsed();
    let notes = backtest::schedule_notes(&board);
    if let Err(e) = write_svg(&board, &args.svg) {
        eprintln!("cannot write {}: {e}", args.svg.display());
        return ExitCode::FAILURE;
    }
    if args.json {
        let out = json!({
            "scoreboard": board.rows,
            "records": board.records,
            "failures": board.failures,
            "notes": notes,
            "options": args.options,
            "svg": args.svg.display().to_string(),
        });
        println!("{out}");
    } else {
        print_board(&board, &notes, &args.options);
        println!(
            "\nPredicted vs observed: {} (computed in {:.1} s)",
            args.svg.display(),
            elapsed.as_secs_f64()
        );
    }
    ExitCode::SUCCESS
}
