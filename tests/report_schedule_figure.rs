//! The schedule figure renders to well-formed SVG holding the observed curve, each predicted
//! curve with its band, and a learning-rate line per schedule; a bad spec is an error.

use isoflop::data::llama::{self, LlamaModel};
use isoflop::fit::schedule_law::{
    fit_schedule_law, ObservedRun, ScheduleFitOptions, ScheduleLawForm,
};
use isoflop::report::{Figure, ScheduleFigure};
use isoflop::schedule::Cooldown;
use isoflop::units::Tokens;

#[test]
fn schedule_figure_is_well_formed_with_its_series() {
    let m = LlamaModel::Llama7B;
    let schedule = llama::schedule(m);
    let run = ObservedRun::new(llama::curve(m), schedule.clone()).unwrap();
    let opts = ScheduleFitOptions {
        draws: 10,
        ..Default::default()
    };
    let fit = fit_schedule_law(&[run], ScheduleLawForm::Annealing, &opts).unwrap();
    let h = fit.hypothesis(0, None).unwrap();
    let long = schedule
        .with_total_tokens(Tokens::new(3e12).unwrap())
        .unwrap();
    let wsd = isoflop::schedule::Schedule::wsd(
        3e-4,
        2_000,
        long.total_steps(),
        long.total_steps() / 5,
        0.0,
        Cooldown::OneMinusSqrt,
        schedule.batch_tokens(),
    )
    .unwrap();
    let plans = vec![
        ("cosine planned for 3T".to_string(), long),
        ("WSD, 1-sqrt cooldown, 3T".to_string(), wsd),
    ];
    let fig =
        ScheduleFigure::from_hypothesis(&h, &llama::curve(m), &schedule, &plans, 60, 0.9).unwrap();
    let svg = fig.render_svg().unwrap();
    let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    let texts: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text().map(str::to_string))
        .collect();
    for label in [
        "LLaMA-7B (observed)",
        "cosine planned for 3T",
        "WSD, 1-sqrt cooldown, 3T",
        "learning rate",
        "training loss (nats/token)",
    ] {
        assert!(texts.iter().any(|t| t.contains(label)), "missing {label:?}");
    }
    // Lines: observed + 2 predicted in the loss panel, 3 schedules beneath (plus legend
    // swatches and the mesh, so at least 6 polylines); two shaded bands.
    let polylines = doc
        .descendants()
        .filter(|n| n.has_tag_name("polyline"))
        .count();
    assert!(polylines >= 6, "{polylines} polylines");
    let bands = doc
        .descendants()
        .filter(|n| n.has_tag_name("polygon"))
        .count();
    assert!(bands >= 2, "{bands} polygons");
    // A bad spec: an empty observed curve is an error, not a panic.
    let mut empty = fig.clone();
    empty.observed.clear();
    assert!(empty.render_svg().is_err());
    assert!(
        ScheduleFigure::from_hypothesis(&h, &llama::curve(m), &schedule, &plans, 1, 0.9).is_err()
    );
}
