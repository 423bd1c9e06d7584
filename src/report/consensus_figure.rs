//! The consensus figure: for one or several questions, each member's predictive band
//! (faint), the consensus band (bold) with its median, and the observed outcome where
//! there is one.
//!
//! Loss runs along the x axis; each question is a row: its label and the consensus's
//! numbers, the consensus band as a bold bar with its median as a white line, then one
//! faint bar per member (its point as a dot and its band at the same level, the point ±
//! z·sd of its component in the mixture), in the member's colour. The legend names every
//! member with its weight. A member whose band leaves the loss window (a member with a
//! negligible weight far from the rest) is cut at the window's edge, with an arrowhead and
//! its point written there.

use super::axis::{Axis, Scale, TickFormat};
use super::figure::{
    annotation, finite, legend_line, legend_px, legend_swatch, plot_err, plot_px, render, Chart,
    Figure, Frame, Ink,
};
use super::style::{DEFAULT_SIZE, EMPHASIS, NEUTRAL, PALETTE, USER_MARK};
use crate::consensus::{Consensus, Dropped, Mixture};
use crate::error::{check, Error, Result};
use crate::units::{Params, Tokens};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use statrs::distribution::{ContinuousCDF, Normal};

/// Colour of the consensus band (bold).
const CONSENSUS: RGBColor = EMPHASIS;
/// Opacity of the consensus band.
const CONSENSUS_OPACITY: f64 = 0.85;
/// Opacity of a member's band (faint).
const MEMBER_OPACITY: f64 = 0.3;
/// Colour of the observed outcome.
const OBSERVED: RGBColor = USER_MARK;
/// Members with a weight below this are left out of the loss window's range.
const WINDOW_WEIGHT: f64 = 0.01;

/// Pixels of a question's row: its label line, the consensus bar, then the members.
const LABEL_PX: f64 = 20.0;
const BAR_PX: f64 = 12.0;
const MEMBERS_TOP_PX: f64 = 42.0;
const MEMBER_PX: f64 = 10.0;
const ROW_GAP_PX: f64 = 10.0;

/// One question of a [`ConsensusFigure`]: the consensus mixture there, the members that
/// dropped out of it, and the observed outcome if there is one.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsensusQuestion {
    /// The row's label, e.g. "LLaMA-7B at LLaMA-65B's compute".
    pub label: String,
    /// The model size asked about.
    pub params: Params,
    /// The training tokens asked about.
    pub tokens: Tokens,
    /// The consensus mixture at that point (one component per member that applies).
    pub mixture: Mixture,
    /// Members that dropped out of this question, and why.
    pub dropped: Vec<Dropped>,
    /// The observed loss (nats/token), where there is one.
    pub observed: Option<f64>,
}

/// The consensus of the hypotheses on one or several questions: every member's band
/// faint, the consensus band bold with its median, the observed outcome where given.
///
/// ```
/// use isoflop::consensus::{table, Consensus};
/// use isoflop::data::llama::{self, LlamaModel};
/// use isoflop::law::{Calibrated, CalibrationMode, Continuation, ContinuationForm, ContinuationOptions};
/// use isoflop::law::{ChinchillaHypothesis, LossHypothesis};
/// use isoflop::report::{ConsensusFigure, Figure};
/// use isoflop::units::Tokens;
/// use std::sync::Arc;
/// let curve = llama::curve(LlamaModel::Llama7B);
/// let opts = ContinuationOptions { draws: 50, ..Default::default() }
///     .starting_at(llama::CONTINUATION_START);
/// let floor = Continuation::fit(&curve, ContinuationForm::PowerLawFloor, &opts)?;
/// let finals = isoflop::law::calibration::final_points(&llama::curves(), Tokens::new(10e9)?);
/// let scaled = Calibrated::fit(
///     Box::new(ChinchillaHypothesis::hoffmann2022()), finals, CalibrationMode::OffsetAndScale)?;
/// let members: Vec<Arc<dyn LossHypothesis>> = vec![Arc::new(floor), Arc::new(scaled)];
/// let c = Consensus::new(members, table::final_loss()?)?;
/// let fig = ConsensusFigure::new("LLaMA-7B, longer")
///     .question("7B on 2T tokens", &c, curve.params(), Tokens::new(2e12)?, None)?;
/// assert!(fig.render_svg()?.contains("power-law-floor"));
/// # Ok::<(), isoflop::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ConsensusFigure {
    /// The caption.
    pub title: String,
    /// The level of every band drawn (default 0.9).
    pub level: f64,
    /// The questions, one row each, top to bottom.
    pub questions: Vec<ConsensusQuestion>,
    /// Size in pixels (800 wide; [`ConsensusFigure::question`] grows the height to fit
    /// the rows: set it after adding the questions to override).
    pub size: (u32, u32),
}

impl ConsensusFigure {
    /// An empty figure with a title, bands at 90%.
    pub fn new(title: impl Into<String>) -> Self {
        ConsensusFigure {
            title: title.into(),
            level: 0.9,
            questions: Vec::new(),
            size: DEFAULT_SIZE,
        }
    }

    /// The same figure with bands at `level`.
    ///
    /// # Errors
    /// A level outside (0, 1) ([`Error::InvalidValue`]).
    pub fn with_level(mut self, level: f64) -> Result<Self> {
        self.level = check::open_unit("band level of a consensus figure", level)?;
        Ok(self)
    }

    /// Adds a row: `consensus` asked about a model of `params` (total) trained on
    /// `tokens`, with the `observed` loss (nats/token) where there is one.
    ///
    /// # Errors
    /// A non-finite observed loss ([`Error::InvalidValue`]); [`Error::NotApplicable`] when
    /// no member with backtest evidence applies to the question.
    pub fn question(
        mut self,
        label: impl Into<String>,
        consensus: &Consensus,
        params: Params,
        tokens: Tokens,
        observed: Option<f64>,
    ) -> Result<Self> {
        if let Some(y) = observed {
            check::finite("observed loss in a consensus figure", y)?;
        }
        let (mixture, dropped) = consensus.mixture(params, tokens)?;
        self.questions.push(ConsensusQuestion {
            label: label.into(),
            params,
            tokens,
            mixture,
            dropped,
            observed,
        });
        let (_, legend_h) = self.legend_size();
        let needed = self.rows_px() + legend_h + 10.0 + CHROME_PX;
        self.size.1 = self.size.1.max(needed.ceil() as u32);
        Ok(self)
    }

    /// Pixels every row needs, summed.
    fn rows_px(&self) -> f64 {
        self.questions
            .iter()
            .map(|q| row_px(q.mixture.components().len()))
            .sum()
    }

    /// Every distinct member, ordered by its largest weight (then name), with its
    /// smallest and largest weight over the questions.
    fn members(&self) -> Vec<(String, f64, f64)> {
        let mut out: Vec<(String, f64, f64)> = Vec::new();
        for q in &self.questions {
            for c in q.mixture.components() {
                match out.iter_mut().find(|m| m.0 == c.hypothesis) {
                    Some(m) => {
                        m.1 = m.1.min(c.weight);
                        m.2 = m.2.max(c.weight);
                    }
                    None => out.push((c.hypothesis.clone(), c.weight, c.weight)),
                }
            }
        }
        out.sort_by(|a, b| b.2.total_cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
        out
    }

    /// The legend's labels.
    fn legend_labels(&self) -> Vec<String> {
        let pct = 100.0 * self.level;
        let mut labels = vec![
            format!("consensus {pct:.0}% band and median"),
            format!(
                "members: point and {pct:.0}% band (±{:.3} sd)",
                z_of(self.level)
            ),
        ];
        if self.questions.iter().any(|q| q.observed.is_some()) {
            labels.push("observed outcome".into());
        }
        for (h, lo, hi) in self.members() {
            labels.push(member_label(&h, lo, hi));
        }
        labels
    }

    fn legend_size(&self) -> (f64, f64) {
        let labels = self.legend_labels();
        legend_px(labels.iter().map(String::as_str))
    }
}

/// Pixels above and below the plot area (title, margins, x labels).
const CHROME_PX: f64 = 48.0 + 28.0 + 36.0;

/// The height of a row with `m` members, in px.
fn row_px(m: usize) -> f64 {
    MEMBERS_TOP_PX + MEMBER_PX * m as f64 + ROW_GAP_PX
}

/// "annealing-law: weight 0.35" (or a range "0.30–0.41" when it differs between rows).
fn member_label(h: &str, lo: f64, hi: f64) -> String {
    let w = |x: f64| {
        if x < 0.005 {
            "< 0.005".to_string()
        } else {
            format!("{x:.2}")
        }
    };
    if (hi - lo).abs() < 0.005 {
        format!("{h}: weight {}", w(hi))
    } else {
        format!("{h}: weight {}–{}", w(lo), w(hi))
    }
}

/// The normal quantile of a central band at `level`.
fn z_of(level: f64) -> f64 {
    Normal::standard().inverse_cdf(0.5 + level / 2.0)
}

/// The colour of the `i`-th member in weight order (grey beyond the palette).
fn member_colour(i: usize) -> RGBColor {
    PALETTE.get(i).copied().unwrap_or(NEUTRAL)
}

/// A horizontal bar from `lo` to `hi` (plot space) centred on `y`, `h` high.
fn bar(lo: f64, hi: f64, y: f64, h: f64) -> Vec<(f64, f64)> {
    vec![
        (lo, y + h / 2.0),
        (hi, y + h / 2.0),
        (hi, y - h / 2.0),
        (lo, y - h / 2.0),
    ]
}

impl Figure for ConsensusFigure {
    fn render_svg(&self) -> Result<String> {
        check::open_unit("band level of a consensus figure", self.level)?;
        if self.questions.is_empty() {
            return Err(Error::InsufficientData {
                what: "a consensus figure",
                reason: "no questions; add one with `question`".into(),
            });
        }
        let z = z_of(self.level);
        let members = self.members();
        let colour_of =
            |h: &str| member_colour(members.iter().position(|m| m.0 == h).unwrap_or(usize::MAX));
        // The loss window: consensus bands, observed outcomes, and members that count.
        let mut bands = Vec::with_capacity(self.questions.len());
        let mut xs = Vec::new();
        for q in &self.questions {
            let b = q.mixture.band(self.level)?;
            xs.extend([b.lo, b.hi]);
            if let Some(y) = q.observed {
                xs.push(finite("observed loss in a consensus figure", y)?);
            }
            for c in q.mixture.components() {
                finite("member point in a consensus figure", c.mean)?;
                if c.weight >= WINDOW_WEIGHT {
                    xs.extend([c.mean - z * c.sd, c.mean + z * c.sd]);
                }
            }
            bands.push(b);
        }
        let x = Axis::fit("loss", xs, Scale::Linear, TickFormat::Plain, 0.05)?;
        // Rows in px, then in plot units of px (y grows upwards, the first row on top).
        let (_, plot_h) = plot_px(self.size);
        let (_, legend_h) = self.legend_size();
        let needed = self.rows_px() + legend_h + 10.0;
        if plot_h < needed {
            return Err(Error::InvalidValue {
                what: "height of a consensus figure",
                value: f64::from(self.size.1),
                allowed: "too small for its rows and legend; leave the height `question` sets",
            });
        }
        let mut y = Axis::from_range(0.0, plot_h, Scale::Linear, TickFormat::Plain, 0.0);
        y.ticks.clear();
        y.minor.clear();
        let frame = Frame {
            size: self.size,
            title: &self.title,
            x: &x,
            y: &y,
            x_desc: "loss (nats/token)",
            y_desc: "",
            legend: Some(SeriesLabelPosition::LowerLeft),
        };
        let (lo_edge, hi_edge) = (x.lo, x.hi);
        let pct = 100.0 * self.level;
        render(&frame, &[], |chart: &mut Chart<'_, '_>, ink: &mut Ink| {
            let mut top = plot_h;
            for (q, b) in self.questions.iter().zip(&bands) {
                let comps = q.mixture.components();
                let mut text = format!(
                    "{}: {:.3} [{:.3}, {:.3}] ({pct:.0}%)",
                    q.label, b.median, b.lo, b.hi
                );
                if let Some(o) = q.observed {
                    text.push_str(&format!("; observed {o:.3}"));
                }
                if !q.dropped.is_empty() {
                    text.push_str(&format!("; {} member(s) dropped out", q.dropped.len()));
                }
                let left = lo_edge + 0.005 * (hi_edge - lo_edge);
                chart
                    .draw_series(std::iter::once(annotation(
                        &text,
                        (left, top - 3.0),
                        RGBColor(0, 0, 0),
                        (HPos::Left, VPos::Top),
                    )))
                    .map_err(plot_err)?;
                // The consensus: a bold bar and its median.
                let yc = top - LABEL_PX - BAR_PX / 2.0;
                ink.polygon(
                    chart,
                    &bar(b.lo, b.hi, yc, BAR_PX),
                    CONSENSUS,
                    CONSENSUS_OPACITY,
                )?;
                ink.line(
                    chart,
                    &[
                        (b.median, yc + BAR_PX / 2.0 - 1.0),
                        (b.median, yc - BAR_PX / 2.0 + 1.0),
                    ],
                    WHITE,
                    3,
                )?;
                // The members, heaviest first.
                let mut order: Vec<usize> = (0..comps.len()).collect();
                order.sort_by(|&i, &j| {
                    comps[j]
                        .weight
                        .total_cmp(&comps[i].weight)
                        .then_with(|| comps[i].hypothesis.cmp(&comps[j].hypothesis))
                });
                for (k, &i) in order.iter().enumerate() {
                    let c = &comps[i];
                    let colour = colour_of(&c.hypothesis);
                    let ym = top - MEMBERS_TOP_PX - MEMBER_PX * (k as f64 + 0.5);
                    let (lo, hi) = (c.mean - z * c.sd, c.mean + z * c.sd);
                    let (clo, chi) = (lo.max(lo_edge), hi.min(hi_edge));
                    if clo < chi {
                        ink.polygon(
                            chart,
                            &bar(clo, chi, ym, 0.6 * MEMBER_PX),
                            colour,
                            MEMBER_OPACITY,
                        )?;
                    }
                    if c.mean >= lo_edge && c.mean <= hi_edge {
                        chart
                            .draw_series(std::iter::once(Circle::new(
                                (c.mean, ym),
                                3,
                                colour.filled(),
                            )))
                            .map_err(plot_err)?;
                    } else {
                        // Beyond the window: an arrowhead at the edge and the point written.
                        let (edge, dir, anchor) = if c.mean < lo_edge {
                            (lo_edge, -1.0, HPos::Left)
                        } else {
                            (hi_edge, 1.0, HPos::Right)
                        };
                        let dx = 0.012 * (hi_edge - lo_edge);
                        let tip = edge - dir * 0.002 * (hi_edge - lo_edge);
                        ink.line(
                            chart,
                            &[
                                (tip - dir * dx, ym + 4.0),
                                (tip, ym),
                                (tip - dir * dx, ym - 4.0),
                            ],
                            colour,
                            2,
                        )?;
                        chart
                            .draw_series(std::iter::once(annotation(
                                &format!("{:.2}", c.mean),
                                (tip - dir * 1.5 * dx, ym),
                                colour,
                                (anchor, VPos::Center),
                            )))
                            .map_err(plot_err)?;
                    }
                }
                if let Some(o) = q.observed {
                    let bottom = top - MEMBERS_TOP_PX - MEMBER_PX * comps.len() as f64;
                    ink.line(
                        chart,
                        &[(o, top - LABEL_PX + 2.0), (o, bottom)],
                        OBSERVED,
                        3,
                    )?;
                }
                top -= row_px(comps.len());
            }
            legend_swatch(
                chart,
                &format!("consensus {pct:.0}% band and median"),
                CONSENSUS,
                CONSENSUS_OPACITY,
            )?;
            legend_swatch(
                chart,
                &format!("members: point and {pct:.0}% band (±{z:.3} sd)"),
                NEUTRAL,
                MEMBER_OPACITY,
            )?;
            if self.questions.iter().any(|q| q.observed.is_some()) {
                legend_line(chart, "observed outcome", OBSERVED, 3)?;
            }
            for (i, (h, lo, hi)) in members.iter().enumerate() {
                legend_swatch(chart, &member_label(h, *lo, *hi), member_colour(i), 0.6)?;
            }
            Ok(())
        })
    }

    fn summary(&self) -> String {
        format!(
            "{}: the consensus {:.0}% band of {} question(s) over {} member(s)",
            self.title,
            100.0 * self.level,
            self.questions.len(),
            self.members().len()
        )
    }
}

impl ConsensusFigure {
    /// Shows the figure inline in an evcxr notebook (SVG), or the error as text.
    pub fn evcxr_display(&self) {
        println!("{}", Figure::evcxr_content(self));
    }
}
