//! The schedule figure: an observed loss curve with the learning-rate schedule beneath it,
//! and a schedule-aware law's predicted curves (with bands) for other, longer schedules.
//!
//! Top panel: loss against tokens (the observed curve as a line, each plan's predicted curve
//! as a line with its bootstrap band shaded). Bottom panel: learning rate against tokens for
//! the observed schedule and each plan, in the same colours.

use super::figure::Figure;
use super::style::{AXIS_DESC_SIZE, FONT, LEGEND_SIZE, PALETTE, TICK_SIZE, TITLE_SIZE};
use crate::band::Band;
use crate::data::curve::LossCurve;
use crate::error::{Error, Result};
use crate::law::ScheduledHypothesis;
use crate::schedule::Schedule;
use crate::units::Tokens;
use plotters::prelude::*;

/// One predicted curve: a label, the plan it follows, and (tokens, band) along it.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedCurve {
    /// Legend label, e.g. "cosine planned for 13.6T".
    pub label: String,
    /// The plan (drawn in the learning-rate panel).
    pub schedule: Schedule,
    /// Predicted loss band at each token count.
    pub points: Vec<(Tokens, Band)>,
}

/// Observed curve, its schedule and predicted curves for other plans.
#[derive(Debug, Clone, PartialEq)]
pub struct ScheduleFigure {
    /// Title.
    pub title: String,
    /// Legend label of the observed curve.
    pub observed_label: String,
    /// The observed (tokens, loss) points.
    pub observed: Vec<(Tokens, f64)>,
    /// The schedule the observed curve was trained under.
    pub observed_schedule: Schedule,
    /// Predicted curves.
    pub predicted: Vec<PlannedCurve>,
    /// Size in pixels (default 800 x 700).
    pub size: (u32, u32),
}

impl ScheduleFigure {
    /// The figure for a fitted hypothesis: `curve` under `h`'s fitted schedule
    /// (`observed_schedule`), and `h`'s predicted curve along each plan in `plans`
    /// (`samples` points each, bands at `level` from the bootstrap draws).
    ///
    /// # Errors
    /// Fewer than 2 samples, a level outside (0, 1), no draws to make a band from, or a
    /// law evaluation error.
    pub fn from_hypothesis(
        h: &ScheduledHypothesis,
        curve: &LossCurve,
        observed_schedule: &Schedule,
        plans: &[(String, Schedule)],
        samples: usize,
        level: f64,
    ) -> Result<ScheduleFigure> {
        if samples < 2 {
            return Err(Error::InvalidValue {
                what: "samples per predicted curve",
                value: samples as f64,
                allowed: "must be at least 2",
            });
        }
        let mut predicted = Vec::with_capacity(plans.len());
        let mut draws = Vec::with_capacity(h.draws().len());
        for (label, plan) in plans {
            let t = plan.total_steps();
            let first = plan.warmup_steps() + 1;
            let mut points = Vec::with_capacity(samples);
            for i in 0..samples {
                let step = first + (t - first) * i as u64 / (samples - 1) as u64;
                let point = h.law().loss(plan, step)?;
                draws.clear();
                for d in h.draws() {
                    draws.push(d.loss(plan, step)?);
                }
                let band = if draws.len() >= 2 {
                    Band::from_draws(&mut draws, level)?
                } else {
                    Band::exact(point, level)?
                };
                points.push((plan.tokens_at(step)?, band));
            }
            predicted.push(PlannedCurve {
                label: label.clone(),
                schedule: plan.clone(),
                points,
            });
        }
        Ok(ScheduleFigure {
            title: format!(
                "{}: observed curve and {} predictions for other schedules",
                curve.model(),
                h.law().id()
            ),
            observed_label: format!("{} (observed)", curve.model()),
            observed: curve.points().to_vec(),
            observed_schedule: observed_schedule.clone(),
            predicted,
            size: (800, 700),
        })
    }
}

/// (tokens, lr) samples of a schedule (about 400 points).
fn lr_series(s: &Schedule) -> Result<Vec<(f64, f64)>> {
    let t = s.total_steps();
    let n = 400u64.min(t);
    (0..=n)
        .map(|i| {
            let step = (t * i / n).max(1);
            Ok((s.tokens_at(step)?.get() / 1e9, s.lr(step)?))
        })
        .collect()
}

fn plot_err<E: std::fmt::Debug>(e: E) -> Error {
    Error::NotApplicable {
        what: "drawing the schedule figure".into(),
        reason: format!("{e:?}"),
    }
}

impl Figure for ScheduleFigure {
    fn render_svg(&self) -> Result<String> {
        if self.observed.is_empty() {
            return Err(Error::InsufficientData {
                what: "a schedule figure",
                reason: "the observed curve has no points".into(),
            });
        }
        let mut losses: Vec<f64> = self.observed.iter().map(|p| p.1).collect();
        let mut max_tokens = self.observed_schedule.total_tokens().get();
        for p in &self.predicted {
            max_tokens = max_tokens.max(p.schedule.total_tokens().get());
            for (_, b) in &p.points {
                losses.extend([b.lo, b.hi]);
            }
        }
        if losses.iter().any(|l| !l.is_finite()) {
            return Err(Error::NonFinite("a loss in the schedule figure"));
        }
        let lo = losses.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = losses.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let pad = 0.05 * (hi - lo).max(1e-3);
        let x_hi = max_tokens / 1e9 * 1.02;
        let mut lr_max = self.observed_schedule.peak_lr();
        for p in &self.predicted {
            lr_max = lr_max.max(p.schedule.peak_lr());
        }
        let mut buf = String::new();
        {
            let root = SVGBackend::with_string(&mut buf, self.size).into_drawing_area();
            root.fill(&WHITE).map_err(plot_err)?;
            let root = root
                .titled(&self.title, (FONT, TITLE_SIZE))
                .map_err(plot_err)?;
            let (top, bottom) = root.split_vertically((self.size.1 as f64 * 0.62) as u32);
            let mut chart = ChartBuilder::on(&top)
                .margin(10)
                .x_label_area_size(35)
                .y_label_area_size(60)
                .build_cartesian_2d(0.0..x_hi, (lo - pad)..(hi + pad))
                .map_err(plot_err)?;
            chart
                .configure_mesh()
                .x_desc("tokens (billions)")
                .y_desc("training loss (nats/token)")
                .axis_desc_style((FONT, AXIS_DESC_SIZE))
                .label_style((FONT, TICK_SIZE))
                .draw()
                .map_err(plot_err)?;
            let black = RGBColor(20, 20, 20);
            chart
                .draw_series(LineSeries::new(
                    self.observed.iter().map(|(d, l)| (d.get() / 1e9, *l)),
                    black.stroke_width(2),
                ))
                .map_err(plot_err)?
                .label(&self.observed_label)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], black));
            for (i, p) in self.predicted.iter().enumerate() {
                let c = PALETTE[i % PALETTE.len()];
                let upper: Vec<(f64, f64)> = p
                    .points
                    .iter()
                    .map(|(d, b)| (d.get() / 1e9, b.hi))
                    .collect();
                let lower: Vec<(f64, f64)> = p
                    .points
                    .iter()
                    .rev()
                    .map(|(d, b)| (d.get() / 1e9, b.lo))
                    .collect();
                let poly: Vec<(f64, f64)> = upper.into_iter().chain(lower).collect();
                chart
                    .draw_series(std::iter::once(Polygon::new(poly, c.mix(0.2).filled())))
                    .map_err(plot_err)?;
                chart
                    .draw_series(LineSeries::new(
                        p.points.iter().map(|(d, b)| (d.get() / 1e9, b.median)),
                        c.stroke_width(2),
                    ))
                    .map_err(plot_err)?
                    .label(&p.label)
                    .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], c));
            }
            chart
                .configure_series_labels()
                .label_font((FONT, LEGEND_SIZE))
                .background_style(WHITE.mix(0.8))
                .border_style(BLACK)
                .draw()
                .map_err(plot_err)?;

            let mut lr = ChartBuilder::on(&bottom)
                .margin(10)
                .x_label_area_size(35)
                .y_label_area_size(60)
                .build_cartesian_2d(0.0..x_hi, 0.0..lr_max * 1.05)
                .map_err(plot_err)?;
            lr.configure_mesh()
                .x_desc("tokens (billions)")
                .y_desc("learning rate")
                .y_label_formatter(&|v| format!("{v:.1e}"))
                .axis_desc_style((FONT, AXIS_DESC_SIZE))
                .label_style((FONT, TICK_SIZE))
                .draw()
                .map_err(plot_err)?;
            lr.draw_series(LineSeries::new(
                lr_series(&self.observed_schedule)?,
                black.stroke_width(2),
            ))
            .map_err(plot_err)?;
            for (i, p) in self.predicted.iter().enumerate() {
                let c = PALETTE[i % PALETTE.len()];
                lr.draw_series(LineSeries::new(lr_series(&p.schedule)?, c.stroke_width(2)))
                    .map_err(plot_err)?;
            }
            root.present().map_err(plot_err)?;
        }
        Ok(buf)
    }

    fn summary(&self) -> String {
        format!(
            "{} ({} predicted curve(s), learning rate beneath)",
            self.title,
            self.predicted.len()
        )
    }
}

impl ScheduleFigure {
    /// The evcxr display hook: the figure inline in a notebook.
    pub fn evcxr_display(&self) {
        println!("{}", self.evcxr_content());
    }
}
