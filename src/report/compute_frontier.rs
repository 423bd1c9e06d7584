//! Figure: loss vs training compute for several model sizes under a Chinchilla
//! law, with the compute-optimal frontier (Hoffmann et al. 2022, Eq. 4).

use super::axis::{Axis, Scale, TickFormat};
use super::figure::{
    legend_dot, legend_line, legend_px, plot_err, plot_px, render, Chart, Figure, Frame, Occupancy,
};
use super::style::{styled, DEFAULT_SIZE, EMPHASIS, PALETTE};
use crate::error::{check, Error, Result};
use crate::law::ChinchillaLaw;
use crate::units::{Flops, Params};
use plotters::prelude::*;

/// Points per curve (log-spaced in compute).
const SAMPLES: usize = 160;

/// Loss vs compute (log scale) for several model sizes, D = C / 6N, under one
/// Chinchilla law, with the compute-optimal frontier L(N_opt(C), D_opt(C))
/// overlaid and each size's compute-optimal point marked.
///
/// ```
/// use isoflop::law::ChinchillaLaw;
/// use isoflop::report::{ComputeFrontierFigure, Figure};
/// use isoflop::units::Params;
/// let sizes = ["1B", "7B", "70B"].iter().map(|s| s.parse()).collect::<Result<Vec<Params>, _>>()?;
/// let fig = ComputeFrontierFigure::new(ChinchillaLaw::hoffmann2022(), "Hoffmann et al. 2022", sizes);
/// assert!(fig.render_svg()?.contains("compute-optimal frontier"));
/// # Ok::<(), isoflop::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ComputeFrontierFigure {
    /// The caption.
    pub title: String,
    /// The law evaluated.
    pub law: ChinchillaLaw,
    /// Where the law comes from, shown in the title's second part.
    pub law_label: String,
    /// Model sizes, one curve each (at most 8).
    pub sizes: Vec<Params>,
    /// The compute range; `None` picks one around the sizes' compute-optimal budgets.
    pub compute: Option<(Flops, Flops)>,
    /// Size in pixels (default 800 x 500).
    pub size: (u32, u32),
}

impl ComputeFrontierFigure {
    /// A figure with a default title and compute range.
    pub fn new(law: ChinchillaLaw, law_label: impl Into<String>, sizes: Vec<Params>) -> Self {
        let law_label = law_label.into();
        ComputeFrontierFigure {
            title: format!("Loss vs compute: {law_label}"),
            law,
            law_label,
            sizes,
            compute: None,
            size: DEFAULT_SIZE,
        }
    }

    /// The compute at which `n` is the compute-optimal size: C = 6 (N/G)^((α+β)/β).
    fn optimal_compute(&self, n: Params) -> Result<f64> {
        let l = &self.law;
        let c = 6.0 * (n.get() / l.g()).powf((l.alpha() + l.beta()) / l.beta());
        check::result("compute-optimal budget", c)
    }

    fn compute_range(&self) -> Result<(f64, f64)> {
        if let Some((lo, hi)) = self.compute {
            if lo.get() >= hi.get() {
                return Err(Error::InvalidValue {
                    what: "compute range",
                    value: lo.get(),
                    allowed: "the lower end must be below the upper end",
                });
            }
            return Ok((lo.get(), hi.get()));
        }
        let mut lo = f64::INFINITY;
        let mut hi = f64::NEG_INFINITY;
        for n in &self.sizes {
            let c = self.optimal_compute(*n)?;
            lo = lo.min(c);
            hi = hi.max(c);
        }
        Ok((lo / 30.0, hi * 30.0))
    }
}

/// The part of a polyline with y <= `top`, split where it crosses (plot space).
fn clip_above(pts: &[(f64, f64)], top: f64) -> Vec<Vec<(f64, f64)>> {
    let mut runs: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut cur: Vec<(f64, f64)> = Vec::new();
    for (i, &(x, y)) in pts.iter().enumerate() {
        let inside = y <= top;
        if i > 0 {
            let (px, py) = pts[i - 1];
            let was_inside = py <= top;
            if inside != was_inside {
                let t = (top - py) / (y - py);
                cur.push((px + t * (x - px), top));
                if was_inside {
                    runs.push(std::mem::take(&mut cur));
                }
            }
        }
        if inside {
            cur.push((x, y));
        }
    }
    if cur.len() > 1 {
        runs.push(cur);
    }
    runs.retain(|r| r.len() > 1);
    runs
}

impl Figure for ComputeFrontierFigure {
    fn render_svg(&self) -> Result<String> {
        if self.sizes.is_empty() {
            return Err(Error::InsufficientData {
                what: "a compute-frontier figure",
                reason: "no model sizes".into(),
            });
        }
        if self.sizes.len() > PALETTE.len() {
            return Err(Error::InvalidValue {
                what: "number of model sizes in a figure",
                value: self.sizes.len() as f64,
                allowed: "at most 8 sizes (one colour each)",
            });
        }
        let (c_lo, c_hi) = self.compute_range()?;
        let (l_lo, l_hi) = (c_lo.log10(), c_hi.log10());
        let grid: Vec<f64> = (0..SAMPLES)
            .map(|i| 10f64.powf(l_lo + (l_hi - l_lo) * i as f64 / (SAMPLES - 1) as f64))
            .collect();

        let law = &self.law;
        let mut frontier = Vec::with_capacity(SAMPLES);
        for &c in &grid {
            let (n, d) = law.optimal(Flops::new(c)?)?;
            frontier.push((c.log10(), law.loss(n, d)?));
        }
        let mut curves = Vec::with_capacity(self.sizes.len());
        let mut optima = Vec::with_capacity(self.sizes.len());
        for n in &self.sizes {
            let mut pts = Vec::with_capacity(SAMPLES);
            for &c in &grid {
                pts.push((c.log10(), law.loss_at_compute(*n, Flops::new(c)?)?));
            }
            curves.push(pts);
            let c_opt = self.optimal_compute(*n)?;
            optima.push((c_opt.log10(), law.loss_at_compute(*n, Flops::new(c_opt)?)?));
        }

        // Loss range: the frontier's, a little beyond; curves above it are cut.
        let f_max = frontier
            .iter()
            .map(|p| p.1)
            .fold(f64::NEG_INFINITY, f64::max);
        let f_min = frontier.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
        let curve_min = curves
            .iter()
            .flat_map(|c| c.iter().map(|p| p.1))
            .fold(f64::INFINITY, f64::min);
        let lo = f_min.min(curve_min);
        let y = Axis::from_range(lo, f_max, Scale::Linear, TickFormat::Plain, 0.05);
        let x = Axis::from_range(l_lo, l_hi, Scale::Log, TickFormat::Sci, 0.0);
        let clipped: Vec<Vec<Vec<(f64, f64)>>> =
            curves.iter().map(|c| clip_above(c, y.hi)).collect();

        let labels: Vec<String> = self
            .sizes
            .iter()
            .map(|n| format!("N = {n}"))
            .chain([
                "compute-optimal frontier".to_string(),
                "optimum for each size".to_string(),
            ])
            .collect();
        let mut occ = Occupancy::new();
        occ.line(&frontier);
        for runs in &clipped {
            for r in runs {
                occ.line(r);
            }
        }
        let place = occ.place_legend(
            &x,
            &y,
            legend_px(labels.iter().map(String::as_str)),
            plot_px(self.size),
        );
        let y = place.y;

        let frame = Frame {
            size: self.size,
            title: &self.title,
            x: &x,
            y: &y,
            x_desc: "Training compute C = 6ND (FLOPs, log scale)",
            y_desc: "Loss (nats/token)",
            legend: Some(place.corner),
        };
        render(&frame, &[], |chart: &mut Chart<'_, '_>| {
            for (i, runs) in clipped.iter().enumerate() {
                let col = styled(PALETTE[i], 0);
                for r in runs {
                    chart
                        .draw_series(LineSeries::new(r.iter().copied(), col.stroke_width(2)))
                        .map_err(plot_err)?;
                }
            }
            chart
                .draw_series(LineSeries::new(
                    frontier.iter().copied(),
                    EMPHASIS.stroke_width(3),
                ))
                .map_err(plot_err)?;
            for (i, p) in optima.iter().enumerate() {
                if p.0 >= x.lo && p.0 <= x.hi && p.1 <= y.hi && p.1 >= y.lo {
                    chart
                        .draw_series(std::iter::once(Circle::new(*p, 5, PALETTE[i].filled())))
                        .map_err(plot_err)?;
                    chart
                        .draw_series(std::iter::once(Circle::new(
                            *p,
                            5,
                            EMPHASIS.stroke_width(1),
                        )))
                        .map_err(plot_err)?;
                }
            }
            for (i, n) in self.sizes.iter().enumerate() {
                legend_line(chart, &format!("N = {n}"), styled(PALETTE[i], 0), 3)?;
            }
            legend_line(chart, "compute-optimal frontier", EMPHASIS, 3)?;
            legend_dot(chart, "optimum for each size", RGBColor(120, 120, 120), 5)?;
            Ok(())
        })
    }

    fn summary(&self) -> String {
        let sizes: Vec<String> = self.sizes.iter().map(|n| n.to_string()).collect();
        format!(
            "{}: loss vs compute for N = {} under {}, with the compute-optimal frontier",
            self.title,
            sizes.join(", "),
            self.law_label
        )
    }
}

impl ComputeFrontierFigure {
    /// Shows the figure inline in an evcxr notebook (SVG), or the error as text.
    pub fn evcxr_display(&self) {
        println!("{}", Figure::evcxr_content(self));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clipping_cuts_at_the_top_and_interpolates() {
        let pts = [(0.0, 3.0), (1.0, 1.0), (2.0, 0.5), (3.0, 3.0)];
        let runs = clip_above(&pts, 2.0);
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].first(), Some(&(0.5, 2.0)));
        assert_eq!(runs[0].last(), Some(&(2.6, 2.0)));
    }

    #[test]
    fn optimal_compute_inverts_the_frontier() {
        let fig = ComputeFrontierFigure::new(ChinchillaLaw::hoffmann2022(), "H", vec![]);
        let n = Params::new(70e9).unwrap();
        let c = fig.optimal_compute(n).unwrap();
        let (n_opt, _) = fig.law.optimal(Flops::new(c).unwrap()).unwrap();
        assert!((n_opt.get() / n.get() - 1.0).abs() < 1e-9);
    }
}
