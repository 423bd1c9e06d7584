//! Which assumption actually predicts? Every hypothesis fitted on part of the bundled
//! data and scored on the part it has not seen (see `isoflop::backtest`).
//!
//! ```text
//! cargo run --release --example backtest                 # scoreboard + target/backtest.svg
//! cargo run --release --example backtest -- --json       # one JSON object {"scoreboard": [...], ...}
//! cargo run --release --example backtest -- --seed 7 --draws 2000 --bootstrap 400 --svg out.svg
//! cargo run --release --example backtest -- --consensus-table > src/consensus/table_data.rs
//! ```
//!
//! After the per-hypothesis scoreboard it prints the consensus (`isoflop::consensus`) scored
//! leave one group out: each model size of each corpus predicted by error models and
//! stacking weights fitted without it, with coverage at 50/80/90%, MAE beside the best
//! single hypothesis chosen in hindsight, and band width. `--consensus-table` prints the
//! calibration fitted on every outcome instead, as the source of the table the crate ships.
//!
//! The schedule-transfer section (one model under several learning-rate schedules: fit on
//! the constant, one cosine and one WSD run, predict every other schedule; Luo et al. 2025's
//! PredE and WorstE, with the run-to-run floor of Schaipp et al. 2025's reruns) follows the
//! scoreboard; `--json` has it under `schedule_transfer`.
//!
//! The SVG has two panels of predicted against observed loss (the diagonal is a
//! perfect prediction; bars are the bands): the LLaMA-1 curves (along-curve and
//! across-models splits) and the Chinchilla runs (along-compute splits).

use isoflop::backtest::{
    self, BacktestOptions, Record, ScoreRow, Scoreboard, TransferReport, TransferTraining,
    TRANSFER_LAWS,
};
use isoflop::consensus::{self, Calibration, CoverageRow, HeldOut, TargetKind};
use isoflop::data::schedules::{self, RunSet};
use plotters::prelude::*;
use serde_json::json;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

struct Args {
    json: bool,
    consensus_table: bool,
    svg: PathBuf,
    /// Include the multi-power law in the half-schedule split (slow: seconds per curve).
    multi_power: bool,
    options: BacktestOptions,
}

const USAGE: &str =
    "usage: backtest [--json] [--seed S] [--draws N] [--bootstrap N] [--level L] [--svg PATH] [--no-multi-power] [--consensus-table]";

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        json: false,
        consensus_table: false,
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
            "--consensus-table" => args.consensus_table = true,
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
    let cov = match (r.coverage, r.level, r.coverage_50_80) {
        (Some(c), Some(l), Some((c50, c80))) => format!(
            "{:>3.0}/{:>3.0}/{:>3.0}% of 50/80/{:.0}",
            100.0 * c50,
            100.0 * c80,
            100.0 * c,
            100.0 * l
        ),
        _ => "no band".to_string(),
    };
    println!(
        "  {:<44} {:>3} {:>7.4} {:>7.4} {:>+8.4} {:>24} {:<15} {:>6} {:>6.2} {:>6.2}{}",
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
            "  {:<44} {:>3} {:>7} {:>7} {:>8} {:>24} {:<15} {:>6} {:>6} {:>6}",
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

/// The schedule-transfer table: per set and training design, each law's mean PredE and
/// WorstE (percent), the curves where it does worse than the schedule-blind predictor, and
/// the fit statuses; then the noise floor.
fn print_transfer(t: &TransferReport) {
    println!(
        "\nSchedule transfer: one model under several learning-rate schedules (Hägele et al. 2024;"
    );
    println!(
        "Schaipp et al. 2025). Fit on the constant, one cosine and one WSD run (every parameter"
    );
    println!(
        "shared, Luo et al. 2025's protocol), or on the cosine run alone; predict every other"
    );
    println!(
        "schedule's curve (steps > 300). PredE / WorstE = mean / largest |L - L^|/L per curve,"
    );
    println!("averaged over curves (Luo et al. 2025, Table 1), in percent.\n");
    println!(
        "{:<20} {:<16} {:<20} {:>6} {:>8} {:>8} {:>12} {:>22}",
        "set",
        "trained on",
        "law",
        "curves",
        "PredE%",
        "WorstE%",
        "worse/blind",
        "fits converged/total"
    );
    for training in [
        TransferTraining::ThreeSchedules,
        TransferTraining::OneCosine,
    ] {
        for row in t.summary.iter().filter(|r| r.training == training) {
            let fits: Vec<_> = t
                .fits
                .iter()
                .filter(|f| {
                    f.law == row.law
                        && f.training == training
                        && (row.set == "all" || f.model.starts_with(&row.set))
                })
                .collect();
            let ok = fits.iter().filter(|f| f.status == "Converged").count();
            println!(
                "{:<20} {:<16} {:<20} {:>6} {:>8.3} {:>8.3} {:>12} {:>22}",
                row.set,
                training.name(),
                row.law,
                row.curves,
                100.0 * row.pred_e,
                100.0 * row.worst_e,
                if row.law == "schedule-blind" {
                    "-".to_string()
                } else {
                    format!("{}/{}", row.worse_than_blind, row.curves)
                },
                format!("{ok}/{}", fits.len())
            );
        }
    }
    let f = &t.noise_floor;
    println!(
        "\nRun-to-run floor ({} reruns of the 124M sweep's runs): PredE {:.3}%, WorstE {:.3}%, final-loss RMS {:.4} nats.",
        f.pairs,
        100.0 * f.pred_e,
        100.0 * f.worst_e,
        f.final_rms
    );
    let three: Vec<_> = t
        .fits
        .iter()
        .filter(|x| x.law == TRANSFER_LAWS[0] && x.training == TransferTraining::ThreeSchedules)
        .collect();
    if !three.is_empty() {
        let total: f64 = three.iter().map(|x| x.seconds).sum();
        let max = three.iter().map(|x| x.seconds).fold(0.0, f64::max);
        println!(
            "Multi-power fits on three curves: {} fits, {:.3} s each on average, {:.3} s at most (no bootstrap; fits run two at a time).",
            three.len(),
            total / three.len() as f64,
            max
        );
    }
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
        // Runs actually planned longer, and larger sizes (Hägele et al. 2024; Schaipp et al. 2025).
        let planned = backtest::PlannedOptions {
            seed: args.options.seed,
            curve_draws: args.options.curve_draws,
            ..Default::default()
        };
        let (records, failures) =
            backtest::planned_bundled(&planned, args.options.bootstrap, &mut predictor)?;
        all.extend(records);
        fails.extend(failures);
        Scoreboard::new(all, fails)
    }) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("backtest failed: {e}");
            return ExitCode::FAILURE;
        }
    };
    let consensus = match consensus_scores(&board) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("consensus failed: {e}");
            return ExitCode::FAILURE;
        }
    };
    if args.consensus_table {
        print!(
            "{}",
            consensus::table::render(&consensus.final_loss, &consensus.curve_point)
        );
        return ExitCode::SUCCESS;
    }
    let transfer = match backtest::schedule_transfer() {
        Ok(t) => t,
        Err(e) => {
            eprintln!("schedule-transfer backtest failed: {e}");
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
            "consensus": {
                "coverage": consensus.rows,
                "held_out": consensus.held,
                "matched_compute": {"pairs": consensus.pairs, "scores": consensus.pair_scores},
                "weights": {
                    "final_loss": weights_json(&consensus.final_loss),
                    "curve_point": weights_json(&consensus.curve_point),
                },
            },
            "options": args.options,
            "svg": args.svg.display().to_string(),
            "schedule_transfer": transfer,
        });
        println!("{out}");
    } else {
        print_board(&board, &notes, &args.options);
        print_consensus(&consensus);
        print_transfer(&transfer);
        println!(
            "\nPredicted vs observed: {} (computed in {:.1} s)",
            args.svg.display(),
            elapsed.as_secs_f64()
        );
    }
    ExitCode::SUCCESS
}

struct ConsensusScores {
    rows: Vec<CoverageRow>,
    pairs: Vec<backtest::MatchedPair>,
    pair_scores: Vec<consensus::PairScore>,
    held: Vec<HeldOut>,
    final_loss: Calibration,
    curve_point: Calibration,
}

/// The consensus scored leave one group out, and calibrated on every outcome.
/// Two runs count as matched in compute when their 6ND agree within this factor.
const MATCH_TOLERANCE: f64 = 1.3;

fn consensus_scores(board: &Scoreboard) -> Result<ConsensusScores, isoflop::Error> {
    let outcomes = consensus::outcomes(&board.records)?;
    let held = consensus::leave_one_group_out(&outcomes)?;
    let rows = consensus::coverage_table(&held, &outcomes);
    // The rant's question at small scale: pairs of sizes at matched compute (within 1.3x).
    let mut pairs = Vec::new();
    for set in [RunSet::HageleSlimPajama, RunSet::HageleOpenWebText2] {
        pairs.extend(backtest::matched_pairs(
            &schedules::runs_in(set),
            MATCH_TOLERANCE,
        )?);
    }
    let pair_scores = consensus::score_pairs(&pairs, &outcomes, &held);
    let of = |k: TargetKind| -> Vec<consensus::Outcome> {
        outcomes.iter().filter(|o| o.kind() == k).cloned().collect()
    };
    Ok(ConsensusScores {
        rows,
        pairs,
        pair_scores,
        held,
        final_loss: consensus::calibrate(&of(TargetKind::FinalLoss))?,
        curve_point: consensus::calibrate(&of(TargetKind::CurvePoint))?,
    })
}

fn weights_json(c: &Calibration) -> serde_json::Value {
    c.models()
        .iter()
        .zip(c.weights())
        .map(|(m, w)| {
            json!({"hypothesis": m.hypothesis(), "weight": w, "scale": m.scale(),
                   "bias": m.bias(), "outcomes": m.outcomes(), "groups": m.groups()})
        })
        .collect()
}

fn print_consensus(c: &ConsensusScores) {
    println!("\nConsensus (stacking on the log score, error models growing with extrapolation),");
    println!("scored leave one group out: each model size of each corpus predicted without it.");
    println!(
        "  {:<28} {:>4} {:>6} {:>6} {:>6} {:>6} {:>7} {:>7}  best single in hindsight (MAE)",
        "split", "n", "groups", "50%", "80%", "90%", "MAE", "width90"
    );
    for r in &c.rows {
        let best = r
            .best_single
            .as_ref()
            .map_or("-".to_string(), |(h, m)| format!("{h} ({m:.4})"));
        println!(
            "  {:<28} {:>4} {:>6} {:>5.0}% {:>5.0}% {:>5.0}% {:>7.4} {:>7.3}  {best}",
            r.split,
            r.outcomes,
            r.groups,
            100.0 * r.coverage[0],
            100.0 * r.coverage[1],
            100.0 * r.coverage[2],
            r.mae,
            r.width90
        );
    }
    if let Some(all) = c.rows.last() {
        let covered = (all.coverage[2] * all.outcomes as f64).round() as usize;
        let (lo, hi) =
            isoflop::band::wilson_interval(covered, all.outcomes.max(1), 0.9).unwrap_or((0.0, 1.0));
        println!(
            "  90% band overall: {:.0}% of {} outcomes (Wilson 90% interval {:.0}-{:.0}%; {} independent groups, so read it as resting on far fewer)",
            100.0 * all.coverage[2],
            all.outcomes,
            100.0 * lo,
            100.0 * hi,
            all.groups
        );
    }
    let won = c.pairs.iter().filter(|p| p.small_won()).count();
    println!(
        "\nMatched compute (the rant's question at small scale): {} pairs of a smaller size trained longer",
        c.pairs.len()
    );
    println!(
        "against a larger size's run within {MATCH_TOLERANCE}x its compute; the smaller one ended lower in {won}."
    );
    println!(
        "P = probability the smaller ends lower (consensus: held out, never saw the smaller size)."
    );
    println!(
        "  {:<44} {:>5} {:>8} {:>7}",
        "predictor", "pairs", "hit rate", "Brier"
    );
    for r in &c.pair_scores {
        println!(
            "  {:<44} {:>5} {:>7.0}% {:>7.3}",
            r.hypothesis,
            r.pairs,
            100.0 * r.hit_rate,
            r.brier
        );
    }
    println!(
        "\nStacking weights for final losses (before renormalising over the members that apply):"
    );
    for (m, w) in c.final_loss.models().iter().zip(c.final_loss.weights()) {
        println!(
            "  {:<44} {:>6.3}  error scale {:.4} over {} outcomes, {} groups",
            m.hypothesis(),
            w,
            m.scale(),
            m.outcomes(),
            m.groups()
        );
    }
}
