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
//! | `consensus.svg` | the consensus (`isoflop::consensus`, the precomputed backtest calibration) for LLaMA-7B, 13B and 33B at LLaMA-65B's compute and the 65B as trained, with its observed final loss | each model's members as in `llama_rant`: its 3 curve continuations, the annealing law fitted to its curve (20 draws), Hoffmann et al.'s and the replication's laws calibrated to LLaMA (offset; offset and scale), the uncalibrated laws (no backtest evidence: they drop out) |

use isoflop::compute::{tokens_for_flops, training_flops_6nd};
use isoflop::consensus::{table, Consensus};
use isoflop::data::llama::{self, LlamaModel};
use isoflop::fit::replication;
use isoflop::fit::schedule_law::{
    fit_schedule_law, ObservedRun, ScheduleFitOptions, ScheduleLawForm,
};
use isoflop::law::calibration::{final_points, Calibrated, CalibrationMode};
use isoflop::law::{
    ChinchillaHypothesis, ChinchillaLaw, Continuation, ContinuationForm, ContinuationOptions,
    KaplanHypothesis, LossHypothesis,
};
use isoflop::report::{
    ComputeFrontierFigure, ConsensusFigure, ExponentDrawsFigure, ExponentPoint, Figure,
    IsoFlopFigure, LlamaCurvesFigure,
};
use isoflop::units::{Flops, Params, Tokens};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

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

    // 5. The consensus: each LLaMA model at the 65B's compute, and the 65B as trained.
    save(dir, "consensus.svg", &consensus_figure(&besiroglu)?)?;
    Ok(())
}

/// Each model's consensus, with the members `llama_rant` gives it.
fn consensus_figure(besiroglu: &ChinchillaHypothesis) -> isoflop::Result<ConsensusFigure> {
    let hoffmann = ChinchillaHypothesis::hoffmann2022();
    let window = Tokens::new(10e9)?;
    let points = final_points(&llama::curves(), window);
    let mut shared: Vec<Arc<dyn LossHypothesis>> = Vec::new();
    for h in [&hoffmann, besiroglu] {
        for mode in [CalibrationMode::Offset, CalibrationMode::OffsetAndScale] {
            shared.push(Arc::new(Calibrated::fit(
                Box::new(h.clone()),
                points.clone(),
                mode,
            )?));
        }
    }
    shared.push(Arc::new(hoffmann));
    shared.push(Arc::new(besiroglu.clone()));
    shared.push(Arc::new(KaplanHypothesis::kaplan2020()));
    let opts = ContinuationOptions {
        start: llama::CONTINUATION_START.into(),
        seed: SEED,
        ..ContinuationOptions::default()
    };
    let big = LlamaModel::Llama65B;
    let c65 = training_flops_6nd(big.params(), big.trained_tokens())?;
    let mut fig = ConsensusFigure::new(
        "The consensus: LLaMA-1 at LLaMA-65B's compute (the 65B's row is in-sample)",
    );
    for m in LlamaModel::ALL {
        let curve = llama::curve(m);
        let mut members = shared.clone();
        for form in ContinuationForm::ALL {
            members.push(Arc::new(Continuation::fit(&curve, form, &opts)?));
        }
        let run = ObservedRun::new(curve.clone(), llama::schedule(m))?;
        let fit = fit_schedule_law(
            &[run],
            ScheduleLawForm::Annealing,
            &ScheduleFitOptions {
                draws: 20,
                seed: SEED,
                ..ScheduleFitOptions::default()
            },
        )?;
        members.push(Arc::new(fit.hypothesis(0, None)?));
        let c = Consensus::new(members, table::final_loss()?)?;
        fig = if m == big {
            let observed = curve.final_loss(window);
            fig.question(
                format!("{} as trained", m.name()),
                &c,
                m.params(),
                m.trained_tokens(),
                Some(observed),
            )?
        } else {
            let d = tokens_for_flops(m.params(), c65)?;
            fig.question(
                format!("{} at the 65B's compute ({d} tokens)", m.name()),
                &c,
                m.params(),
                d,
                None,
            )?
        };
    }
    Ok(fig)
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
