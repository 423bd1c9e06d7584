//! Figure: observed loss curves, extended under each hypothesis with shaded
//! bands, a reference loss and the budget in tokens (the blog's figure done properly).

use super::axis::{Axis, Scale, TickFormat};
use super::figure::{
    annotation, band_polygon, finite, legend_line, legend_px, legend_swatch, plot_err, plot_px,
    render, Chart, Figure, Frame, Occupancy,
};
use super::style::{
    styled, DASHES, DEFAULT_SIZE, HYPOTHESIS_STYLES, MARKER_STYLE, NEUTRAL, PALETTE, REFERENCE,
    REFERENCE_STYLE,
};
use crate::band::Band;
use crate::error::{Error, Result};
use crate::units::Tokens;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// A loss curve as observed: (tokens seen, training loss in nats/token).
#[derive(Debug, Clone, PartialEq)]
pub struct ObservedCurve {
    /// Model name, e.g. "LLaMA-7B"; it picks the colour.
    pub model: String,
    /// (tokens, loss) in training order.
    pub points: Vec<(Tokens, f64)>,
}

/// A curve extended beyond the data under one hypothesis: a median line with a
/// shaded band.
#[derive(Debug, Clone, PartialEq)]
pub struct ExtendedCurve {
    /// Model name; matches an [`ObservedCurve`] to share its colour.
    pub model: String,
    /// Hypothesis id, e.g. "linear-in-log-tokens"; it picks the dash style.
    pub hypothesis: String,
    /// (tokens, loss band) in order of tokens.
    pub points: Vec<(Tokens, Band)>,
}

/// A horizontal reference loss, e.g. the 65B's final loss.
#[derive(Debug, Clone, PartialEq)]
pub struct ReferenceLine {
    /// What it is, e.g. "LLaMA-65B final loss"; the value is appended.
    pub label: String,
    /// The loss, nats/token.
    pub loss: f64,
}

/// A vertical marker at a model's budget in tokens (e.g. the 65B's compute spent on 7B).
#[derive(Debug, Clone, PartialEq)]
pub struct BudgetMarker {
    /// Model name (its colour).
    pub model: String,
    /// The budget in tokens for that model.
    pub tokens: Tokens,
}

/// Observed curves, their extensions under each hypothesis, a reference loss and
/// the budget markers: one colour per model, one dash style per hypothesis.
///
/// The tokens axis is in billions, linear (default) or log; the loss axis is
/// fitted to every series, band and reference so nothing is clipped.
///
/// ```
/// use isoflop::report::{Figure, LlamaCurvesFigure, ObservedCurve};
/// use isoflop::units::Tokens;
/// let mut fig = LlamaCurvesFigure::new("Training loss");
/// fig.observed.push(ObservedCurve {
///     model: "LLaMA-7B".into(),
///     points: (1..=10).map(|i| {
///         let d = i as f64 * 1e11;
///         (Tokens::new(d).unwrap(), 1.5 + 30.0 * d.powf(-0.15))
///     }).collect(),
/// });
/// let svg = fig.render_svg()?;
/// assert!(svg.contains("Training loss"));
/// # Ok::<(), isoflop::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct LlamaCurvesFigure {
    /// The caption.
    pub title: String,
    /// Observed curves (solid lines).
    pub observed: Vec<ObservedCurve>,
    /// Extensions (dashed median lines with shaded bands).
    pub extensions: Vec<ExtendedCurve>,
    /// An optional horizontal reference line.
    pub reference: Option<ReferenceLine>,
    /// Vertical budget markers (dotted, in the model's colour).
    pub budgets: Vec<BudgetMarker>,
    /// The legend text for the budget markers, e.g. "LLaMA-65B's compute".
    pub budget_label: String,
    /// Linear or log tokens axis.
    pub tokens_scale: Scale,
    /// Size in pixels (default 800 x 500).
    pub size: (u32, u32),
}

impl LlamaCurvesFigure {
    /// An empty figure with a title, a linear tokens axis and the default size.
    pub fn new(title: impl Into<String>) -> Self {
        LlamaCurvesFigure {
            title: title.into(),
            observed: Vec::new(),
            extensions: Vec::new(),
            reference: None,
            budgets: Vec::new(),
            budget_label: "budget".into(),
            tokens_scale: Scale::Linear,
            size: DEFAULT_SIZE,
        }
    }

    /// Models in order of first appearance (observed first), each with its colour.
    fn models(&self) -> Result<Vec<&str>> {
        let mut models: Vec<&str> = Vec::new();
        let names = self
            .observed
            .iter()
            .map(|c| c.model.as_str())
            .chain(self.extensions.iter().map(|c| c.model.as_str()))
            .chain(self.budgets.iter().map(|b| b.model.as_str()));
        for m in names {
            if !models.contains(&m) {
                models.push(m);
            }
        }
        if models.len() > PALETTE.len() {
            return Err(Error::InvalidValue {
                what: "number of models in a figure",
                value: models.len() as f64,
                allowed: "at most 8 models (one colour each)",
            });
        }
        Ok(models)
    }

    /// Hypotheses in order of first appearance.
    fn hypotheses(&self) -> Result<Vec<&str>> {
        let mut hs: Vec<&str> = Vec::new();
        for c in &self.extensions {
            if !hs.contains(&c.hypothesis.as_str()) {
                hs.push(&c.hypothesis);
            }
        }
        if hs.len() > HYPOTHESIS_STYLES {
            return Err(Error::InvalidValue {
                what: "number of hypotheses in a figure",
                value: hs.len() as f64,
                allowed: "at most 6 hypotheses (one dash style each)",
            });
        }
        Ok(hs)
    }

    fn validate(&self) -> Result<()> {
        if self.observed.is_empty() && self.extensions.is_empty() {
            return Err(Error::InsufficientData {
                what: "a loss-curve figure",
                reason: "no observed curves and no extensions".into(),
            });
        }
        for c in &self.observed {
            if c.points.is_empty() {
                return Err(Error::InsufficientData {
                    what: "a loss-curve figure",
                    reason: format!("the observed curve of {} has no points", c.model),
                });
            }
            for (_, l) in &c.points {
                finite("observed loss", *l)?;
            }
        }
        for c in &self.extensions {
            if c.points.is_empty() {
                return Err(Error::InsufficientData {
                    what: "a loss-curve figure",
                    reason: format!(
                        "the extension of {} under {} has no points",
                        c.model, c.hypothesis
                    ),
                });
            }
            for (_, b) in &c.points {
                check_band(b)?;
            }
        }
        if let Some(r) = &self.reference {
            finite("reference loss", r.loss)?;
        }
        Ok(())
    }
}

/// A band to plot must be finite and ordered.
pub(crate) fn check_band(b: &Band) -> Result<()> {
    for v in [b.lo, b.median, b.hi] {
        finite("band value", v)?;
    }
    if !(b.lo <= b.median && b.median <= b.hi) {
        return Err(Error::InvalidValue {
            what: "band",
            value: b.median,
            allowed: "a band must satisfy lo <= median <= hi",
        });
    }
    Ok(())
}

impl Figure for LlamaCurvesFigure {
    fn render_svg(&self) -> Result<String> {
        self.validate()?;
        let models = self.models()?;
        let hyps = self.hypotheses()?;
        let colour = |m: &str| {
            let i = models.iter().position(|x| *x == m).unwrap_or(0);
            PALETTE[i % PALETTE.len()]
        };
        let style_of = |h: &str| hyps.iter().position(|x| *x == h).unwrap_or(0) + 1;
        let scale = self.tokens_scale;
        let billions = |t: Tokens| t.get() / 1e9;

        let xs = self
            .observed
            .iter()
            .flat_map(|c| c.points.iter().map(|p| billions(p.0)))
            .chain(
                self.extensions
                    .iter()
                    .flat_map(|c| c.points.iter().map(|p| billions(p.0))),
            )
            .chain(self.budgets.iter().map(|b| billions(b.tokens)));
        let mut x = Axis::fit("tokens", xs, scale, TickFormat::Plain, 0.03)?;
        if scale == Scale::Linear {
            x = x.with_lo(0.0);
        }
        let ys = self
            .observed
            .iter()
            .flat_map(|c| c.points.iter().map(|p| p.1))
            .chain(
                self.extensions
                    .iter()
                    .flat_map(|c| c.points.iter().flat_map(|p| [p.1.lo, p.1.hi])),
            )
            .chain(self.reference.iter().map(|r| r.loss));
        let y = Axis::fit("loss", ys, Scale::Linear, TickFormat::Plain, 0.06)?;
        let px = |t: Tokens| Axis::map(scale, billions(t));

        // Legend entries.
        let band_levels: Vec<f64> = self
            .extensions
            .iter()
            .flat_map(|c| c.points.iter().map(|p| p.1.level))
            .collect();
        let band_label = match band_levels.first() {
            Some(l) if band_levels.iter().all(|m| (m - l).abs() < 1e-9) => {
                format!("{:.0}% band", l * 100.0)
            }
            Some(_) => "band".to_string(),
            None => String::new(),
        };
        let mut labels: Vec<String> = models.iter().map(|m| m.to_string()).collect();
        labels.extend(hyps.iter().map(|h| h.to_string()));
        if !self.extensions.is_empty() {
            labels.push(band_label.clone());
        }
        if !self.budgets.is_empty() {
            labels.push(self.budget_label.clone());
        }

        // Where things are, to place the reference label and the legend.
        let mut occ = Occupancy::new();
        for c in &self.observed {
            let pts: Vec<(f64, f64)> = c.points.iter().map(|p| (px(p.0), p.1)).collect();
            occ.line(&pts);
        }
        for c in &self.extensions {
            for (t, b) in &c.points {
                for k in 0..=4 {
                    occ.point((px(*t), b.lo + (b.hi - b.lo) * f64::from(k) / 4.0));
                }
            }
            let pts: Vec<(f64, f64)> = c.points.iter().map(|p| (px(p.0), p.1.median)).collect();
            occ.line(&pts);
        }
        let plot = plot_px(self.size);
        let ref_label = self
            .reference
            .as_ref()
            .map(|r| format!("{}: {:.3}", r.label, r.loss));
        // The label goes at the left or right end, above or below the line,
        // wherever it covers the least data.
        let mut ref_anchor = (HPos::Left, VPos::Bottom);
        let mut ref_rect = ((0.0, 0.0), (0.0, 0.0));
        if let (Some(r), Some(text)) = (&self.reference, &ref_label) {
            let w = (text.chars().count() as f64 * 7.0 + 8.0) * (x.hi - x.lo) / plot.0;
            let h = 18.0 * (y.hi - y.lo) / plot.1;
            let (l, rt) = (x.lo, x.hi);
            let candidates = [
                ((HPos::Left, VPos::Bottom), (l, r.loss), (l + w, r.loss + h)),
                ((HPos::Left, VPos::Top), (l, r.loss - h), (l + w, r.loss)),
                (
                    (HPos::Right, VPos::Bottom),
                    (rt - w, r.loss),
                    (rt, r.loss + h),
                ),
                ((HPos::Right, VPos::Top), (rt - w, r.loss - h), (rt, r.loss)),
            ];
            let mut best = (usize::MAX, candidates[0]);
            for c in candidates {
                let n = occ.count_in(c.1, c.2);
                if n < best.0 {
                    best = (n, c);
                }
            }
            ref_anchor = best.1 .0;
            ref_rect = (best.1 .1, best.1 .2);
            occ.rect(best.1 .1, best.1 .2);
        }
        let place = occ.place_legend(&x, &y, legend_px(labels.iter().map(String::as_str)), plot);
        let y = place.y;

        let mut dashed: Vec<(RGBColor, &str)> = Vec::new();
        for (i, _) in models.iter().enumerate() {
            for (j, d) in DASHES.iter().enumerate().skip(1) {
                if let Some(p) = d {
                    dashed.push((styled(PALETTE[i], j), p));
                }
            }
        }
        for (j, d) in DASHES.iter().enumerate().skip(1) {
            if let Some(p) = d {
                dashed.push((styled(NEUTRAL, j), p));
            }
        }
        if let Some(p) = DASHES[REFERENCE_STYLE] {
            dashed.push((styled(REFERENCE, REFERENCE_STYLE), p));
        }

        let x_desc = match scale {
            Scale::Linear => "Tokens seen (billions)",
            Scale::Log => "Tokens seen (billions, log scale)",
        };
        let frame = Frame {
            size: self.size,
            title: &self.title,
            x: &x,
            y: &y,
            x_desc,
            y_desc: "Training loss (nats/token)",
            legend: Some(place.corner),
        };
        render(&frame, &dashed, |chart: &mut Chart<'_, '_>| {
            // Bands first, under every line.
            for c in &self.extensions {
                let xs: Vec<f64> = c.points.iter().map(|p| px(p.0)).collect();
                let lo: Vec<f64> = c.points.iter().map(|p| p.1.lo).collect();
                let hi: Vec<f64> = c.points.iter().map(|p| p.1.hi).collect();
                if hi.iter().zip(&lo).any(|(h, l)| h > l) {
                    chart
                        .draw_series(std::iter::once(band_polygon(
                            &xs,
                            &lo,
                            &hi,
                            colour(&c.model),
                            0.16,
                        )))
                        .map_err(plot_err)?;
                }
            }
            // Budget markers.
            for b in &self.budgets {
                let xb = px(b.tokens);
                let c = styled(colour(&b.model), MARKER_STYLE);
                chart
                    .draw_series(LineSeries::new(
                        vec![(xb, y.lo), (xb, y.hi)],
                        c.stroke_width(2),
                    ))
                    .map_err(plot_err)?;
            }
            // Reference line with its label at the left, just above it.
            if let (Some(r), Some(text)) = (&self.reference, &ref_label) {
                let c = styled(REFERENCE, REFERENCE_STYLE);
                chart
                    .draw_series(LineSeries::new(
                        vec![(x.lo, r.loss), (x.hi, r.loss)],
                        c.stroke_width(2),
                    ))
                    .map_err(plot_err)?;
                let dx = 0.01 * (x.hi - x.lo);
                let dy = 0.008 * (y.hi - y.lo);
                let at = match ref_anchor {
                    (HPos::Left, VPos::Bottom) => (x.lo + dx, r.loss + dy),
                    (HPos::Left, _) => (x.lo + dx, r.loss - dy),
                    (_, VPos::Bottom) => (x.hi - dx, r.loss + dy),
                    _ => (x.hi - dx, r.loss - dy),
                };
                // A light backdrop keeps the label readable over a band.
                let (a, b) = ref_rect;
                let pad = if matches!(ref_anchor.1, VPos::Bottom) {
                    dy
                } else {
                    -dy
                };
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(a.0, a.1 + pad), (b.0, b.1 + pad)],
                        WHITE.mix(0.7).filled(),
                    )))
                    .map_err(plot_err)?;
                chart
                    .draw_series(std::iter::once(annotation(text, at, REFERENCE, ref_anchor)))
                    .map_err(plot_err)?;
            }
            // Extension medians, dashed by hypothesis.
            for c in &self.extensions {
                let col = styled(colour(&c.model), style_of(&c.hypothesis));
                let pts: Vec<(f64, f64)> = c.points.iter().map(|p| (px(p.0), p.1.median)).collect();
                chart
                    .draw_series(LineSeries::new(pts, col.stroke_width(2)))
                    .map_err(plot_err)?;
            }
            // Observed curves, solid, on top.
            for c in &self.observed {
                let col = styled(colour(&c.model), 0);
                let pts: Vec<(f64, f64)> = c.points.iter().map(|p| (px(p.0), p.1)).collect();
                chart
                    .draw_series(LineSeries::new(pts, col.stroke_width(2)))
                    .map_err(plot_err)?;
            }
            // Legend: models, hypotheses, band, budget.
            for m in &models {
                legend_line(chart, m, styled(colour(m), 0), 3)?;
            }
            for h in &hyps {
                legend_line(chart, h, styled(NEUTRAL, style_of(h)), 2)?;
            }
            if !self.extensions.is_empty() {
                legend_swatch(chart, &band_label, NEUTRAL, 0.3)?;
            }
            if !self.budgets.is_empty() {
                legend_line(chart, &self.budget_label, styled(NEUTRAL, MARKER_STYLE), 2)?;
            }
            Ok(())
        })
    }

    fn summary(&self) -> String {
        format!(
            "{}: {} observed curves, {} extensions{}",
            self.title,
            self.observed.len(),
            self.extensions.len(),
            self.reference
                .as_ref()
                .map(|r| format!(", reference {} at {:.3}", r.label, r.loss))
                .unwrap_or_default()
        )
    }
}

impl LlamaCurvesFigure {
    /// Shows the figure inline in an evcxr notebook (SVG), or the error as text.
    pub fn evcxr_display(&self) {
        println!("{}", Figure::evcxr_content(self));
    }
}
