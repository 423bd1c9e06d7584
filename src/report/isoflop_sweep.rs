//! Figures of an isoFLOP sweep fitted by Approach 2 (the figure every lab paper shows):
//! [`IsoFlopSweepFigure`], per budget the runs, the fitted parabola and its minimum; and
//! [`OptimalSizeFigure`], the budgets' minima against compute with the fitted N_opt(C) line
//! extrapolated to the asked compute, with its bootstrap band.

use super::axis::{Axis, Scale, TickFormat};
use super::figure::{
    annotation, legend_dot, legend_line, legend_px, legend_swatch, plot_err, plot_px, render,
    Chart, Figure, Frame, Ink, Occupancy,
};
use super::style::{styled, DEFAULT_SIZE, EMPHASIS, NEUTRAL, PALETTE};
use crate::band::Band;
use crate::error::{Error, Result};
use crate::fit::methods::MethodComparison;
use crate::units::{Flops, Params};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// One budget of an [`IsoFlopSweepFigure`].
#[derive(Debug, Clone, PartialEq)]
pub struct SweepBudget {
    /// Legend text, e.g. "C = 1e20 (dropped: ...)".
    pub label: String,
    /// The runs as (N, loss).
    pub runs: Vec<(f64, f64)>,
    /// The fitted parabola sampled over the budget's sizes, as (N, loss); empty if none.
    pub parabola: Vec<(f64, f64)>,
    /// The parabola's minimum (N_opt, loss), if it has one and the budget was kept.
    pub minimum: Option<(f64, f64)>,
}

/// Per budget: runs, fitted parabola (loss vs ln N) and its minimum.
///
/// ```
/// use isoflop::data::{chinchilla, sweep::SweepTable};
/// use isoflop::fit::methods::{compare_methods, MethodOptions};
/// use isoflop::report::{Figure, IsoFlopSweepFigure};
/// let t = SweepTable::from_table("chinchilla", chinchilla::replication_runs());
/// let cmp = compare_methods(&t, &MethodOptions { bootstrap_draws: 10, ..Default::default() })?;
/// let fig = IsoFlopSweepFigure::from_comparison(&cmp)?;
/// assert!(fig.render_svg()?.contains("parabola"));
/// # Ok::<(), isoflop::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct IsoFlopSweepFigure {
    /// The caption.
    pub title: String,
    /// The budgets, in increasing compute.
    pub budgets: Vec<SweepBudget>,
    /// Size in pixels.
    pub size: (u32, u32),
}

impl IsoFlopSweepFigure {
    /// The figure of a comparison's Approach 2 fit.
    ///
    /// # Errors
    /// [`Error::NotApplicable`] when Approach 2 failed on that sweep.
    pub fn from_comparison(c: &MethodComparison) -> Result<IsoFlopSweepFigure> {
        let a2 = c.approach2.as_ref().ok_or_else(|| Error::NotApplicable {
            what: "an isoFLOP sweep figure".into(),
            reason: format!("Approach 2 could not be fitted to {}", c.name),
        })?;
        let budgets = a2
            .budgets
            .iter()
            .map(|b| {
                let parabola = b
                    .in_params
                    .map(|p| {
                        (0..=40)
                            .map(|i| {
                                let x =
                                    p.x_range.0 + (p.x_range.1 - p.x_range.0) * f64::from(i) / 40.0;
                                (x.exp(), p.at(x))
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                let minimum = b
                    .in_params
                    .filter(|p| b.verdict.is_kept() && p.coefficients[2] > 0.0)
                    .map(|p| (p.vertex().exp(), p.at(p.vertex())));
                SweepBudget {
                    label: if b.verdict.is_kept() {
                        format!("C = {}", b.budget)
                    } else {
                        format!("C = {} (dropped)", b.budget)
                    },
                    runs: b.points.clone(),
                    parabola,
                    minimum,
                }
            })
            .collect();
        Ok(IsoFlopSweepFigure {
            title: format!("IsoFLOP profiles: {}", c.name),
            budgets,
            size: DEFAULT_SIZE,
        })
    }
}

impl Figure for IsoFlopSweepFigure {
    fn render_svg(&self) -> Result<String> {
        if self.budgets.is_empty() {
            return Err(Error::InsufficientData {
                what: "an isoFLOP sweep figure",
                reason: "no budgets".into(),
            });
        }
        let all = || {
            self.budgets
                .iter()
                .flat_map(|b| b.runs.iter().chain(&b.parabola).copied())
        };
        let x = Axis::fit(
            "model size",
            all().map(|p| p.0),
            Scale::Log,
            TickFormat::Count,
            0.03,
        )?;
        let y = Axis::fit(
            "loss",
            all().map(|p| p.1),
            Scale::Linear,
            TickFormat::Plain,
            0.1,
        )?;
        let labels: Vec<&str> = self
            .budgets
            .iter()
            .map(|b| b.label.as_str())
            .chain(["runs", "minimum of the parabola"])
            .collect();
        let mut occ = Occupancy::new();
        for b in &self.budgets {
            for &(n, l) in &b.runs {
                occ.point((n.log10(), l));
            }
            let line: Vec<(f64, f64)> = b.parabola.iter().map(|&(n, l)| (n.log10(), l)).collect();
            occ.line(&line);
        }
        let place = occ.place_legend(&x, &y, legend_px(labels), plot_px(self.size));
        let y = place.y;
        let frame = Frame {
            size: self.size,
            title: &self.title,
            x: &x,
            y: &y,
            x_desc: "Model size N (parameters, log scale); each colour one compute budget",
            y_desc: "Loss (nats/token)",
            legend: Some(place.corner),
        };
        render(&frame, &[], |chart: &mut Chart<'_, '_>, ink: &mut Ink| {
            for (i, b) in self.budgets.iter().enumerate() {
                let colour = PALETTE[i % PALETTE.len()];
                chart
                    .draw_series(
                        b.runs.iter().map(|&(n, l)| {
                            Circle::new((n.log10(), l), 3, colour.mix(0.6).filled())
                        }),
                    )
                    .map_err(plot_err)?;
                if !b.parabola.is_empty() {
                    let pts: Vec<(f64, f64)> =
                        b.parabola.iter().map(|&(n, l)| (n.log10(), l)).collect();
                    ink.line(chart, &pts, styled(colour, 0), 2)?;
                }
                if let Some((n, l)) = b.minimum {
                    chart
                        .draw_series(std::iter::once(Circle::new(
                            (n.log10(), l),
                            6,
                            EMPHASIS.stroke_width(2),
                        )))
                        .map_err(plot_err)?;
                }
            }
            for (i, b) in self.budgets.iter().enumerate() {
                legend_line(chart, &b.label, styled(PALETTE[i % PALETTE.len()], 0), 3)?;
            }
            legend_dot(chart, "runs", NEUTRAL, 3)?;
            legend_dot(chart, "minimum of the parabola", EMPHASIS, 6)?;
            Ok(())
        })
    }

    fn summary(&self) -> String {
        let kept = self.budgets.iter().filter(|b| b.minimum.is_some()).count();
        format!(
            "{}: {} budgets, {kept} with a parabola minimum (parabola fits of loss in ln N)",
            self.title,
            self.budgets.len()
        )
    }
}

impl IsoFlopSweepFigure {
    /// Shows the figure inline in an evcxr notebook (SVG), or the error as text.
    pub fn evcxr_display(&self) {
        println!("{}", Figure::evcxr_content(self));
    }
}

/// The budgets' N_opt against compute, the fitted N_opt(C) line extrapolated to a target
/// compute, and its bootstrap band.
///
/// ```
/// use isoflop::data::{chinchilla, sweep::SweepTable};
/// use isoflop::fit::methods::{compare_methods, MethodOptions};
/// use isoflop::report::{Figure, OptimalSizeFigure};
/// let t = SweepTable::from_table("chinchilla", chinchilla::replication_runs());
/// let opts = MethodOptions { bootstrap_draws: 20, at: Some("3.8e25".parse()?), ..Default::default() };
/// let fig = OptimalSizeFigure::from_comparison(&compare_methods(&t, &opts)?)?;
/// assert!(fig.render_svg()?.contains("N_opt"));
/// # Ok::<(), isoflop::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct OptimalSizeFigure {
    /// The caption.
    pub title: String,
    /// Each kept budget's (C, N_opt).
    pub minima: Vec<(f64, f64)>,
    /// The fitted line as (C, point-estimate N_opt, bootstrap band of N_opt) from the
    /// smallest budget to `at`.
    pub line: Vec<(f64, f64, Band)>,
    /// The compute the line is extrapolated to.
    pub at: Flops,
    /// Size in pixels.
    pub size: (u32, u32),
}

impl OptimalSizeFigure {
    /// The figure of a comparison's Approach 2 fit, extrapolated to the comparison's compute.
    ///
    /// # Errors
    /// [`Error::NotApplicable`] when Approach 2 failed; [`Error::InsufficientData`] when
    /// it has no bootstrap draws (no band to draw).
    pub fn from_comparison(c: &MethodComparison) -> Result<OptimalSizeFigure> {
        let a2 = c.approach2.as_ref().ok_or_else(|| Error::NotApplicable {
            what: "an N_opt(C) figure".into(),
            reason: format!("Approach 2 could not be fitted to {}", c.name),
        })?;
        if a2.draws.is_empty() {
            return Err(Error::InsufficientData {
                what: "an N_opt(C) figure",
                reason: "Approach 2 has no bootstrap draws; ask for some".into(),
            });
        }
        let minima: Vec<(f64, f64)> = a2
            .budgets
            .iter()
            .filter(|b| b.verdict.is_kept())
            .filter_map(|b| b.n_opt().map(|n| (b.budget.get(), n.get())))
            .collect();
        let lo = minima.iter().map(|m| m.0).fold(c.at.get(), f64::min).ln();
        let hi = minima.iter().map(|m| m.0).fold(c.at.get(), f64::max).ln();
        let mut line = Vec::with_capacity(41);
        let mut ns = Vec::with_capacity(a2.draws.len());
        for i in 0..=40 {
            let lc = lo + (hi - lo) * f64::from(i) / 40.0;
            ns.clear();
            ns.extend(a2.draws.iter().map(|d| (d[0] * lc + d[1]).exp()));
            let band = Band::from_draws(&mut ns, c.level)?;
            let point = (a2.params.exponent * lc + a2.params.ln_coefficient).exp();
            line.push((lc.exp(), point, band));
        }
        Ok(OptimalSizeFigure {
            title: format!("Compute-optimal model size (Approach 2): {}", c.name),
            minima,
            line,
            at: c.at,
            size: DEFAULT_SIZE,
        })
    }
}

impl Figure for OptimalSizeFigure {
    fn render_svg(&self) -> Result<String> {
        if self.line.is_empty() {
            return Err(Error::InsufficientData {
                what: "an N_opt(C) figure",
                reason: "no line".into(),
            });
        }
        let x = Axis::fit(
            "compute",
            self.line
                .iter()
                .map(|p| p.0)
                .chain(self.minima.iter().map(|m| m.0)),
            Scale::Log,
            TickFormat::Sci,
            0.03,
        )?;
        let y = Axis::fit(
            "model size",
            self.line
                .iter()
                .flat_map(|p| [p.1, p.2.lo, p.2.hi])
                .chain(self.minima.iter().map(|m| m.1)),
            Scale::Log,
            TickFormat::Count,
            0.05,
        )?;
        let band_label = format!("{:.0}% bootstrap band", 100.0 * self.line[0].2.level);
        let labels = [
            "N_opt(C) fitted, extrapolated",
            band_label.as_str(),
            "parabola minima",
        ];
        let mut occ = Occupancy::new();
        let med: Vec<(f64, f64)> = self
            .line
            .iter()
            .map(|(c, n, _)| (c.log10(), n.log10()))
            .collect();
        occ.line(&med);
        for &(c, n) in &self.minima {
            occ.point((c.log10(), n.log10()));
        }
        let place = occ.place_legend(&x, &y, legend_px(labels), plot_px(self.size));
        let y = place.y;
        let frame = Frame {
            size: self.size,
            title: &self.title,
            x: &x,
            y: &y,
            x_desc: "Training compute C (FLOPs, log scale)",
            y_desc: "Compute-optimal N (parameters, log scale)",
            legend: Some(place.corner),
        };
        let last = self.line[self.line.len() - 1];
        render(&frame, &[], |chart: &mut Chart<'_, '_>, ink: &mut Ink| {
            let xs: Vec<f64> = self.line.iter().map(|p| p.0.log10()).collect();
            let lo: Vec<f64> = self.line.iter().map(|p| p.2.lo.log10()).collect();
            let hi: Vec<f64> = self.line.iter().map(|p| p.2.hi.log10()).collect();
            ink.band(chart, &xs, &lo, &hi, PALETTE[0], 0.2)?;
            ink.line(chart, &med, styled(PALETTE[0], 0), 2)?;
            chart
                .draw_series(
                    self.minima
                        .iter()
                        .map(|&(c, n)| Circle::new((c.log10(), n.log10()), 5, EMPHASIS.filled())),
                )
                .map_err(plot_err)?;
            let text = format!(
                "N_opt({}) = {} [{}, {}]",
                self.at,
                Params::raw(last.1),
                Params::raw(last.2.lo),
                Params::raw(last.2.hi)
            );
            chart
                .draw_series(std::iter::once(annotation(
                    &text,
                    (last.0.log10(), last.2.lo.log10()),
                    EMPHASIS,
                    (HPos::Right, VPos::Top),
                )))
                .map_err(plot_err)?;
            legend_line(chart, labels[0], styled(PALETTE[0], 0), 3)?;
            legend_swatch(chart, &band_label, PALETTE[0], 0.3)?;
            legend_dot(chart, labels[2], EMPHASIS, 5)?;
            Ok(())
        })
    }

    fn summary(&self) -> String {
        match self.line.last() {
            Some((_, n, b)) => format!(
                "{}: N_opt at C = {} is {} [{}, {}] ({} budgets' minima)",
                self.title,
                self.at,
                Params::raw(*n),
                Params::raw(b.lo),
                Params::raw(b.hi),
                self.minima.len()
            ),
            None => self.title.clone(),
        }
    }
}

impl OptimalSizeFigure {
    /// Shows the figure inline in an evcxr notebook (SVG), or the error as text.
    pub fn evcxr_display(&self) {
        println!("{}", Figure::evcxr_content(self));
    }
}
