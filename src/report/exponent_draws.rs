//! Figure: bootstrap draws of the fitted exponents (α, β) as a scatter, with the
//! point estimate and optional published reference points.

use super::axis::{Axis, Scale, TickFormat};
use super::figure::{
    finite, legend_dot, legend_px, plot_err, plot_px, render, Chart, Figure, Frame, Ink, Occupancy,
};
use super::style::{DEFAULT_SIZE, EMPHASIS, PALETTE};
use crate::error::{Error, Result};
use crate::law::ChinchillaHypothesis;
use plotters::prelude::*;

/// A labelled (α, β) pair drawn as a cross, e.g. Hoffmann et al.'s published exponents.
#[derive(Debug, Clone, PartialEq)]
pub struct ExponentPoint {
    /// Legend text.
    pub label: String,
    /// Size exponent α.
    pub alpha: f64,
    /// Data exponent β.
    pub beta: f64,
}

/// A scatter of (α, β) draws with the point estimate highlighted.
///
/// ```
/// use isoflop::report::{ExponentDrawsFigure, Figure};
/// let draws = vec![(0.33, 0.28), (0.35, 0.29), (0.34, 0.27)];
/// let fig = ExponentDrawsFigure::new("Bootstrap exponents", draws, (0.34, 0.28));
/// assert!(fig.render_svg()?.contains("Bootstrap exponents"));
/// # Ok::<(), isoflop::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ExponentDrawsFigure {
    /// The caption.
    pub title: String,
    /// The draws, (α, β) each.
    pub draws: Vec<(f64, f64)>,
    /// The point estimate (α, β).
    pub point: (f64, f64),
    /// Legend text for the point estimate.
    pub point_label: String,
    /// Extra reference points (at most 7).
    pub references: Vec<ExponentPoint>,
    /// Size in pixels (default 800 x 500).
    pub size: (u32, u32),
}

impl ExponentDrawsFigure {
    /// A figure of `draws` around `point`.
    pub fn new(title: impl Into<String>, draws: Vec<(f64, f64)>, point: (f64, f64)) -> Self {
        ExponentDrawsFigure {
            title: title.into(),
            draws,
            point,
            point_label: "point estimate".into(),
            references: Vec::new(),
            size: DEFAULT_SIZE,
        }
    }

    /// The draws and point estimate of a Chinchilla hypothesis. Errors when it has no draws.
    pub fn from_hypothesis(h: &ChinchillaHypothesis) -> Result<Self> {
        use crate::law::LossHypothesis;
        if h.draws().is_empty() {
            return Err(Error::InsufficientData {
                what: "an exponent-draws figure",
                reason: format!("{} has no parameter draws", h.id()),
            });
        }
        let draws = h.draws().iter().map(|l| (l.alpha(), l.beta())).collect();
        let mut fig = ExponentDrawsFigure::new(
            format!("Exponent draws: {}", h.id()),
            draws,
            (h.law().alpha(), h.law().beta()),
        );
        fig.point_label = format!("point estimate ({})", h.id());
        Ok(fig)
    }
}

impl Figure for ExponentDrawsFigure {
    fn render_svg(&self) -> Result<String> {
        if self.draws.is_empty() {
            return Err(Error::InsufficientData {
                what: "an exponent-draws figure",
                reason: "no draws".into(),
            });
        }
        if self.references.len() >= PALETTE.len() {
            return Err(Error::InvalidValue {
                what: "number of reference points",
                value: self.references.len() as f64,
                allowed: "at most 7",
            });
        }
        for (a, b) in self.draws.iter().chain(std::iter::once(&self.point)) {
            finite("exponent", *a)?;
            finite("exponent", *b)?;
        }
        for r in &self.references {
            finite("reference exponent", r.alpha)?;
            finite("reference exponent", r.beta)?;
        }
        let pts = self
            .draws
            .iter()
            .copied()
            .chain(std::iter::once(self.point))
            .chain(self.references.iter().map(|r| (r.alpha, r.beta)));
        let (xs, ys): (Vec<f64>, Vec<f64>) = pts.unzip();
        let x = Axis::fit("alpha", xs, Scale::Linear, TickFormat::Plain, 0.08)?;
        let y = Axis::fit("beta", ys, Scale::Linear, TickFormat::Plain, 0.08)?;

        let draws_label = format!("draws (n = {})", self.draws.len());
        let labels: Vec<&str> = [draws_label.as_str(), self.point_label.as_str()]
            .into_iter()
            .chain(self.references.iter().map(|r| r.label.as_str()))
            .collect();
        let mut occ = Occupancy::new();
        for p in self.draws.iter().chain(std::iter::once(&self.point)) {
            occ.point(*p);
        }
        for r in &self.references {
            occ.point((r.alpha, r.beta));
        }
        let place = occ.place_legend(&x, &y, legend_px(labels), plot_px(self.size));
        let y = place.y;
        let frame = Frame {
            size: self.size,
            title: &self.title,
            x: &x,
            y: &y,
            x_desc: "α (size exponent)",
            y_desc: "β (data exponent)",
            legend: Some(place.corner),
        };
        // Many draws: smaller, fainter dots.
        let (r, alpha) = if self.draws.len() > 1000 {
            (2, 0.25)
        } else {
            (3, 0.45)
        };
        render(&frame, &[], |chart: &mut Chart<'_, '_>, _: &mut Ink| {
            legend_dot(chart, &draws_label, PALETTE[0], 3)?;
            legend_dot(chart, &self.point_label, PALETTE[3], 6)?;
            chart
                .draw_series(
                    self.draws
                        .iter()
                        .map(|p| Circle::new(*p, r, PALETTE[0].mix(alpha).filled())),
                )
                .map_err(plot_err)?;
            for (i, rp) in self.references.iter().enumerate() {
                let c = PALETTE[(i + 2) % PALETTE.len()];
                chart
                    .draw_series(std::iter::once(Cross::new(
                        (rp.alpha, rp.beta),
                        7,
                        c.stroke_width(3),
                    )))
                    .map_err(plot_err)?
                    .label(rp.label.as_str())
                    .legend(move |(lx, ly)| Cross::new((lx + 14, ly), 6, c.stroke_width(3)));
            }
            chart
                .draw_series(std::iter::once(Circle::new(
                    self.point,
                    7,
                    PALETTE[3].filled(),
                )))
                .map_err(plot_err)?;
            chart
                .draw_series(std::iter::once(Circle::new(
                    self.point,
                    7,
                    EMPHASIS.stroke_width(2),
                )))
                .map_err(plot_err)?;
            Ok(())
        })
    }

    fn summary(&self) -> String {
        format!(
            "{}: {} draws of (α, β), point estimate ({:.4}, {:.4})",
            self.title,
            self.draws.len(),
            self.point.0,
            self.point.1
        )
    }
}

impl ExponentDrawsFigure {
    /// Shows the figure inline in an evcxr notebook (SVG), or the error as text.
    pub fn evcxr_display(&self) {
        println!("{}", Figure::evcxr_content(self));
    }
}
