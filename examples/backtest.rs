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
    /// Include the multi-power law in the half-schedule split (slow: seconds per curve).
    multi_power: bool,
    options: BacktestOptions,
}

const USAGE: &str =
    "usage: backtest [--json] [--seed S] [--draws N] [--bootstrap N] [--level L] [--svg PATH] [--no-multi-power]";

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        json: false,
        multi_power: true,
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
            "--no-multi-power" => args.multi_power = false,
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
    args.options.check().map_err(|e| format!("{e}\n{USAGE}"))?;
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
        "chinchilla-besiroglu2024-calibrated-scaled" => RGBColor(227, 119, 194),
        "chinchilla-hoffmann2022-calibrated" => RGBColor(140, 86, 75),
        "chinchilla-hoffmann2022-calibrated-scaled" => RGBColor(188, 189, 34),
        "chinchilla-refit" => RGBColor(148, 103, 189),
        "kaplan-refit" => RGBColor(255, 127, 14),
        _ => RGBColor(90, 90, 90),
    }
}

/// Lowest and highest of `xs`.
fn span(xs: impl Iterator<Item = f64>) -> (f64, f64) {
    xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
        (lo.min(x), hi.max(x))
    })
}

fn pad((lo, hi): (f64, f64), k: f64) -> (f64, f64) {
    let p = k * (hi - lo).max(1e-3);
    (lo - p, hi + p)
}

/// One panel of predicted against observed loss, on equal axes. Colour is the
/// hypothesis; the marker is the split (filled circle, hollow circle, cross, in order of
/// appearance). Predictions below `floor` (if any) are drawn as triangles on the bottom
/// edge and counted in the caption, so one wild hypothesis does not squash the rest.
fn panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    title: &str,
    records: &[&Record],
    floor: Option<f64>,
    legend_at: SeriesLabelPosition,
) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let band_lo = |r: &Record| r.band.map_or(r.predicted, |b| b.lo.min(r.predicted));
    let band_hi = |r: &Record| r.band.map_or(r.predicted, |b| b.hi.max(r.predicted));
    let (obs_lo, obs_hi) = span(records.iter().map(|r| r.observed));
    let pred_lo = span(records.iter().map(|r| band_lo(r))).0;
    let pred_hi = span(records.iter().map(|r| band_hi(r))).1;
    let lo = floor.map_or(pred_lo, |f| pred_lo.max(f)).min(obs_lo);
    let (lo, hi) = pad((lo, pred_hi.max(obs_hi)), 0.03);
    let clipped: Vec<&&Record> = records.iter().filter(|r| r.predicted < lo).collect();
    let caption = if clipped.is_empty() {
        title.to_string()
    } else {
        let min = span(clipped.iter().map(|r| r.predicted)).0;
        format!(
            "{title}: {} predictions below the axis, down to {min:.2} (triangles)",
            clipped.len()
        )
    };
    let mut chart = ChartBuilder::on(area)
        .caption(caption, ("sans-serif", 14))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(55)
        .build_cartesian_2d(lo..hi, lo..hi)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("observed loss (nats/token)")
        .y_desc("predicted loss (nats/token)")
        .x_labels(7)
        .y_labels(7)
        .label_style(("sans-serif", 12))
        .axis_desc_style(("sans-serif", 13))
        .x_label_formatter(&|v| format!("{v:.2}"))
        .y_label_formatter(&|v| format!("{v:.2}"))
        .light_line_style(WHITE)
        .draw()
        .map_err(err)?;
    chart
        .draw_series(LineSeries::new(vec![(lo, lo), (hi, hi)], BLACK.mix(0.5)))
        .map_err(err)?
        .label("predicted = observed")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], BLACK.mix(0.5)));
    let mut hyps: Vec<&str> = Vec::new();
    let mut splits: Vec<&str> = Vec::new();
    for r in records {
        if !hyps.contains(&r.hypothesis.as_str()) {
            hyps.push(&r.hypothesis);
        }
        if !splits.contains(&r.split.as_str()) {
            splits.push(&r.split);
        }
    }
    for &h in &hyps {
        let c = colour(h);
        for (k, &split) in splits.iter().enumerate() {
            let mine: Vec<&&Record> = records
                .iter()
                .filter(|r| r.hypothesis == h && r.split == split)
                .collect();
            chart
                .draw_series(mine.iter().filter_map(|r| {
                    r.band.map(|b| {
                        PathElement::new(
                            vec![(r.observed, b.lo.max(lo)), (r.observed, b.hi.min(hi))],
                            c.mix(0.3).stroke_width(1),
                        )
                    })
                }))
                .map_err(err)?;
            let shown = mine
                .iter()
                .filter(|r| r.predicted >= lo)
                .map(|r| (r.observed, r.predicted));
            match k {
                0 => chart.draw_series(shown.map(|p| Circle::new(p, 3, c.mix(0.85).filled()))),
                1 => chart.draw_series(shown.map(|p| Circle::new(p, 3, c.stroke_width(1)))),
                _ => chart.draw_series(shown.map(|p| Cross::new(p, 3, c.stroke_width(1)))),
            }
            .map_err(err)?;
            chart
                .draw_series(
                    mine.iter()
                        .filter(|r| r.predicted < lo)
                        .map(|r| TriangleMarker::new((r.observed, lo), 4, c.filled())),
                )
                .map_err(err)?;
        }
        // Legend entry per hypothesis (colour).
        chart
            .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())
            .map_err(err)?
            .label(h)
            .legend(move |(x, y)| Rectangle::new([(x + 2, y - 4), (x + 14, y + 4)], c.filled()));
    }
    // Legend entry per split (marker), when there is more than one.
    if splits.len() > 1 {
        for (k, &split) in splits.iter().enumerate() {
            let entry = chart
                .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())
                .map_err(err)?
                .label(split);
            let grey = RGBColor(60, 60, 60);
            match k {
                0 => entry.legend(move |(x, y)| {
                    EmptyElement::at((x + 8, y)) + Circle::new((0, 0), 3, grey.filled())
                }),
                1 => entry.legend(move |(x, y)| {
                    EmptyElement::at((x + 8, y)) + Circle::new((0, 0), 3, grey.stroke_width(1))
                }),
                _ => entry.legend(move |(x, y)| {
                    EmptyElement::at((x + 8, y)) + Cross::new((0, 0), 3, grey.stroke_width(1))
                }),
            };
        }
    }
    chart
        .configure_series_labels()
        .position(legend_at)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK.mix(0.3))
        .label_font(("sans-serif", 11))
        .draw()
        .map_err(err)?;
    Ok(())
}

fn write_svg(board: &Scoreboard, path: &PathBuf) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let kind = |prefix: &str| -> Vec<&Record> {
        board
            .records
            .iter()
            .filter(|r| r.split.starts_with(prefix))
            .collect()
    };
    let panels = [
        (
            "LLaMA-1 curves, along each curve",
            kind("along-curve@"),
            Some(1.4),
            SeriesLabelPosition::UpperLeft,
        ),
        (
            "LLaMA-1 final losses, across models",
            kind("across-models@"),
            None,
            SeriesLabelPosition::LowerRight,
        ),
        (
            "Chinchilla runs, along compute",
            kind("along-compute@"),
            None,
            SeriesLabelPosition::UpperLeft,
        ),
    ];
    let root = SVGBackend::new(path, (1650, 580)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let areas = root.split_evenly((1, 3));
    for ((title, records, floor, legend), area) in panels.iter().zip(&areas) {
        if !records.is_empty() {
            panel(area, title, records, *floor, legend.clone())?;
        }
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
    let board = match backtest::bundled(&args.options).and_then(|b| {
        // The half-schedule split: continuations and schedule-aware laws, same points.
        let half = backtest::HalfScheduleOptions {
            seed: args.options.seed,
            curve_draws: args.options.curve_draws,
            multi_power: args.multi_power,
            step: args.options.step,
            halfwidth: args.options.halfwidth,
            ..Default::default()
        };
        let mut predictor = isoflop::query::Predictor::new(args.options.level)?;
        let (records, failures) = backtest::half_schedule(&half, &mut predictor)?;
        let mut all = b.records;
        all.extend(records);
        let mut fails = b.failures;
        fails.extend(failures);
        Scoreboard::new(all, fails)
    }) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("backtest failed: {e}");
            return ExitCode::FAILURE;
        }
    };
    let elapsed = start.elapsed();
    if board.records.is_empty() {
        eprintln!(
            "backtest: nothing could be scored: every one of {} fits failed",
            board.failures.len()
        );
        return ExitCode::from(3);
    }
    let mut notes = backtest::schedule_notes(&board);
    notes.extend(backtest::band_notes(&board));
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
