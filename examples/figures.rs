//! Writes the figures the guide shows (`docs/figures/*.svg`), so every picture in
//! the docs is reproducible by one command:
//!
//! ```text
//! cargo run --release --example figures            # writes docs/figures/*.svg
//! cargo run --release --example figures -- OUT_DIR # ... or into OUT_DIR
//! ```
//!
//! | file | figure | hypotheses |
//! |---|---|---|
//! | `llama_curves.svg` | the LLaMA-1 curves extended to LLaMA-65B's compute | the 3 curve continuations (seed 42) and `chinchilla-besiroglu2024-calibrated` (4,000 bootstrap refits, seed 42), as in `llama_rant` |
//! | `compute_frontier.svg` | loss vs compute for the LLaMA-1 sizes, compute-optimal frontier, beyond the fitted data shaded, LLaMA-65B's budget marked | `chinchilla-hoffmann2022` |
//! | `isoflop_profile.svg` | IsoFLOP profiles at 1e21 ... 5.48e23 FLOPs, 90% bands, extrapolation dotted, LLaMA-7B's size marked | `chinchilla-besiroglu2024` (4,000 refits, seed 42) |
//! | `exponent_draws.svg` | bootstrap draws of (α, β) | `chinchilla-besiroglu2024`, with Hoffmann et al.'s published point |

use isoflop::data::llama;
use isoflop::fit::replication;
use isoflop::law::calibration::{final_points, Calibrated, CalibrationMode};
use isoflop::law::{ChinchillaHypothesis, ChinchillaLaw, ContinuationOptions, LossHypothesis};
use isoflop::report::{
    ComputeFrontierFigure, ExponentDrawsFigure, ExponentPoint, Figure, IsoFlopFigure,
    LlamaCurvesFigure,
};
use isoflop::units::{Flops, Params, Tokens};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// As in `llama_rant`: band level, bootstrap refits and seed.
const LEVEL: f64 = 0.9;
const BOOTSTRAP: usize = 4000;
const SEED: u64 = 42;

fn save(dir: &Path, name: &str, fig: &impl Figure) -> isoflop::Result<()> {
    let path = dir.join(name);
    fig.save_svg(&path)?;
    println!("wrote {}", path.display());
    Ok(())
}

fn run(dir: &Path) -> isoflop::Result<()> {
    let besiroglu = replication::besiroglu2024(BOOTSTRAP, SEED)?;

    // 1. The LLaMA curves, extended (the llama_rant figure).
    let points = final_points(&llama::curves(), Tokens::new(10e9)?);
    let calibrated = Calibrated::fit(Box::new(besiroglu.clone()), points, CalibrationMode::Offset)?;
    let opts = ContinuationOptions {
        start: llama::CONTINUATION_START.into(),
        seed: SEED,
        ..ContinuationOptions::default()
    };
    let shared: [&dyn LossHypothesis; 1] = [&calibrated];
    let fig = LlamaCurvesFigure::llama_at_65b_compute(&shared, &opts, LEVEL)?;
    save(dir, "llama_curves.svg", &fig)?;

    // 2. Loss vs compute with the compute-optimal frontier.
    let sizes = ["1B", "6.7B", "13B", "32.5B", "65.2B"]
        .iter()
        .map(|s| s.parse::<Params>())
        .collect::<isoflop::Result<Vec<_>>>()?;
    // Its evidence shades where the fitted runs end; LLaMA-65B's budget is marked.
    let mut fig =
        ComputeFrontierFigure::from_hypothesis(&ChinchillaHypothesis::hoffmann2022(), sizes)
            .mark_budget("LLaMA-65B's budget", Flops::new(6.0 * 65.2e9 * 1.4e12)?);
    fig.law_label = "Hoffmann et al. 2022 (Approach 3)".into();
    fig.title = format!("Loss vs compute: {}", fig.law_label);
    save(dir, "compute_frontier.svg", &fig)?;

    // 3. IsoFLOP profiles with bands from the bootstrap draws.
    let budgets = [1e21, 1e22, 1e23, 5.48e23]
        .into_iter()
        .map(Flops::new)
        .collect::<isoflop::Result<Vec<_>>>()?;
    let fig = IsoFlopFigure::from_hypothesis(&besiroglu, &budgets, 41, LEVEL)?
        .mark_model("LLaMA-7B", Params::new(6.7e9)?);
    save(dir, "isoflop_profile.svg", &fig)?;

    // 4. The exponents' bootstrap draws, with Hoffmann et al.'s published point.
    let mut fig = ExponentDrawsFigure::from_hypothesis(&besiroglu)?;
    let h = ChinchillaLaw::hoffmann2022();
    fig.references.push(ExponentPoint {
        label: "Hoffmann et al. 2022 (published)".into(),
        alpha: h.alpha(),
        beta: h.beta(),
    });
    save(dir, "exponent_draws.svg", &fig)?;
    Ok(())
}

fn main() -> ExitCode {
    let dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/figures"));
    match run(&dir) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("figures: {e}");
            ExitCode::FAILURE
        }
    }
}
