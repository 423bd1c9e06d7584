//! Figure: loss vs training compute for several model sizes under a Chinchilla
//! law, with the compute-optimal frontier (Hoffmann et al. 2022, Eq. 4).

use super::axis::{Axis, Scale, TickFormat};
use super::figure::{
    annotation, legend_dot, legend_line, legend_px, plot_err, plot_px, render, shade_beyond,
    split_at_x, vertical_mark, Chart, Figure, Frame, Ink, Mark, Occupancy,
};
use super::isoflop_profile::DataLimits;
use super::style::{
    styled, DASHES, DEFAULT_SIZE, EMPHASIS, EXTRAPOLATED_STYLE, NEUTRAL, PALETTE, USER_MARK,
};
use crate::error::{check, Error, Result};
use crate::law::{ChinchillaHypothesis, ChinchillaLaw, Evidence, LossHypothesis};
use crate::units::{Flops, Params};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// Points per curve (log-spaced in compute).
const SAMPLES: usize = 160;

/// Loss vs compute (log scale) for several model sizes, D = C / 6N, under one
/// Chinchilla law, with the compute-optimal frontier L(N_opt(C), D_opt(C))
/// overlaid and each size's compute-optimal point marked.
///
/// Where the fitted data ends is shown when the figure knows it
/// ([`evidence`](ComputeFrontierFigure::evidence), set by
/// [`ComputeFrontierFigure::from_hypothesis`] or
/// [`with_evidence`](ComputeFrontierFigure::with_evidence)): budgets above the
/// largest fitted one are shaded, and every curve is dotted where it
/// extrapolates (C above the largest fitted budget, N above the largest fitted
/// model, or D above the longest fitted run). Mark your own budget
/// ([`mark_budget`](ComputeFrontierFigure::mark_budget)) or model
/// ([`mark_model`](ComputeFrontierFigure::mark_model)).
///
/// ```
/// use isoflop::law::ChinchillaLaw;
/// use isoflop::report::{ComputeFrontierFigure, Figure};
/// use isoflop::units::Params;
/// let sizes = ["1B", "7B", "70B"].iter().map(|s| s.parse()).collect::<Result<Vec<Params>, _>>()?;
/// let fig = ComputeFrontierFigure::new(ChinchillaLaw::hoffmann2022(), "Hoffmann et al. 2022", sizes);
/// assert!(fig.render_svg()?.contains("compute-optimal frontier"));
///
/// // From a hypothesis (its evidence shows where the data ends), with your budget and model.
/// use isoflop::law::ChinchillaHypothesis;
/// let h = ChinchillaHypothesis::hoffmann2022();
/// let sizes = vec!["1B".parse()?, "10B".parse()?];
/// let fig = ComputeFrontierFigure::from_hypothesis(&h, sizes)
///     .mark_budget("our budget", "3e23".parse()?)
///     .mark_model("our model", "13B".parse()?);
/// let svg = fig.render_svg()?;
/// assert!(svg.contains("our budget: 3e23 FLOPs") && svg.contains("beyond the largest fitted budget"));
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
    /// The compute range; `None` picks one around the sizes' compute-optimal
    /// budgets and the marks.
    pub compute: Option<(Flops, Flops)>,
    /// The data the law was fitted to (its largest model, run and budget), to
    /// show where the curves extrapolate; `None` shows nothing.
    pub evidence: Option<Evidence>,
    /// Budgets the user marks (vertical lines, with the compute-optimal size there).
    pub budget_marks: Vec<Mark<Flops>>,
    /// Model sizes the user marks (their curve, drawn in the mark colour).
    pub model_marks: Vec<Mark<Params>>,
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
            evidence: None,
            budget_marks: Vec::new(),
            model_marks: Vec::new(),
            size: DEFAULT_SIZE,
        }
    }

    /// The figure of a Chinchilla hypothesis' central law, labelled with its id,
    /// with its evidence showing where the data ends.
    pub fn from_hypothesis(hypothesis: &ChinchillaHypothesis, sizes: Vec<Params>) -> Self {
        ComputeFrontierFigure::new(*hypothesis.law(), hypothesis.id(), sizes)
            .with_evidence(hypothesis.evidence().clone())
    }

    /// The figure with the fitted data's extent, to show where it extrapolates.
    pub fn with_evidence(mut self, evidence: Evidence) -> Self {
        self.evidence = Some(evidence);
        self
    }

    /// The figure with your budget marked: a vertical line labelled
    /// "`label`: `c` FLOPs" and a dot where it meets the frontier.
    pub fn mark_budget(mut self, label: impl Into<String>, c: Flops) -> Self {
        self.budget_marks.push(Mark {
            label: label.into(),
            at: c,
        });
        self
    }

    /// The figure with your model size marked: its loss-vs-compute curve in the
    /// mark colour, labelled "`label`: `n`" at its compute-optimal point.
    pub fn mark_model(mut self, label: impl Into<String>, n: Params) -> Self {
        self.model_marks.push(Mark {
            label: label.into(),
            at: n,
        });
        self
    }

    /// The compute at which the compute-optimal run uses `d` tokens:
    /// D_opt = (C/6)^b / G with b = α/(α+β), so C = 6 (D G)^(1/b).
    fn compute_for_optimal_tokens(&self, d: f64) -> Result<f64> {
        let l = &self.law;
        let b = l.alpha() / (l.alpha() + l.beta());
        check::result(
            "compute at the longest fitted run",
            6.0 * (d * l.g()).powf(1.0 / b),
        )
    }

    /// The budgets inside the data for size `n` (`None`: the frontier), as an
    /// interval of log10 C.
    fn data_interval(&self, limits: &DataLimits, n: Option<Params>) -> Result<(f64, f64)> {
        let mut hi = limits.max_flops.map_or(f64::INFINITY, f64::log10);
        match n {
            Some(n) => {
                if limits.max_params.is_some_and(|m| n.get() > m) {
                    return Ok((f64::INFINITY, f64::NEG_INFINITY));
                }
                if let Some(d) = limits.max_tokens {
                    hi = hi.min((6.0 * n.get() * d).log10());
                }
            }
            None => {
                if let Some(m) = limits.max_params {
                    hi = hi.min(self.optimal_compute(Params::new(m)?)?.log10());
                }
                if let Some(d) = limits.max_tokens {
                    hi = hi.min(self.compute_for_optimal_tokens(d)?.log10());
                }
            }
        }
        Ok((f64::NEG_INFINITY, hi))
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
        for n in self
            .sizes
            .iter()
            .chain(self.model_marks.iter().map(|m| &m.at))
        {
            let c = self.optimal_compute(*n)?;
            lo = lo.min(c);
            hi = hi.max(c);
        }
        for m in &self.budget_marks {
            lo = lo.min(m.at.get() * 30.0);
            hi = hi.max(m.at.get() / 30.0);
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
        for m in &self.budget_marks {
            if m.at.get() < c_lo || m.at.get() > c_hi {
                return Err(Error::InvalidValue {
                    what: "marked budget",
                    value: m.at.get(),
                    allowed: "a marked budget must lie inside the figure's compute range",
                });
            }
        }
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
        let mut marked_curves = Vec::with_capacity(self.model_marks.len());
        for m in &self.model_marks {
            let mut pts = Vec::with_capacity(SAMPLES);
            for &c in &grid {
                pts.push((c.log10(), law.loss_at_compute(m.at, Flops::new(c)?)?));
            }
            let c_opt = self.optimal_compute(m.at)?;
            let opt = (
                c_opt.log10(),
                law.loss_at_compute(m.at, Flops::new(c_opt)?)?,
            );
            marked_curves.push((pts, opt, format!("{}: {}", m.label, m.at)));
        }
        let mut budget_points = Vec::with_capacity(self.budget_marks.len());
        for m in &self.budget_marks {
            let (n, d) = law.optimal(m.at)?;
            budget_points.push((
                (m.at.get().log10(), law.loss(n, d)?),
                format!("{}: {} FLOPs", m.label, m.at),
                format!("N* = {n}"),
            ));
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
        let limits = self.evidence.as_ref().map(DataLimits::of);
        let everything = (f64::NEG_INFINITY, f64::INFINITY);
        // Each run split where it leaves the data: (in-data runs, extrapolated runs).
        let mut split_curves = Vec::with_capacity(clipped.len());
        for (runs, n) in clipped.iter().zip(&self.sizes) {
            let (a, b) = match &limits {
                Some(l) => self.data_interval(l, Some(*n))?,
                None => everything,
            };
            let (mut ins, mut outs) = (Vec::new(), Vec::new());
            for r in runs {
                let (i, o) = split_at_x(r, a, b);
                ins.extend(i);
                outs.extend(o);
            }
            split_curves.push((ins, outs));
        }
        let (fa, fb) = match &limits {
            Some(l) => self.data_interval(l, None)?,
            None => everything,
        };
        let split_frontier = split_at_x(&frontier, fa, fb);
        let marked_runs: Vec<Vec<Vec<(f64, f64)>>> = marked_curves
            .iter()
            .map(|(c, _, _)| clip_above(c, y.hi))
            .collect();
        let beyond_label = limits.as_ref().map(|l| l.legend());
        let shade = limits
            .as_ref()
            .and_then(|l| l.max_flops)
            .map(|c| (c.log10(), "beyond the largest fitted budget".to_string()));

        let labels: Vec<String> = self
            .sizes
            .iter()
            .map(|n| format!("N = {n}"))
            .chain([
                "compute-optimal frontier".to_string(),
                "optimum for each size".to_string(),
            ])
            .chain(beyond_label.clone())
            .collect();
        let mut occ = Occupancy::new();
        occ.line(&frontier);
        for runs in &clipped {
            for r in runs {
                occ.line(r);
            }
        }
        let plot = plot_px(self.size);
        let (ux, uy) = ((x.hi - x.lo) / plot.0, (y.hi - y.lo) / plot.1);
        for (runs, (_, opt, text)) in marked_runs.iter().zip(&marked_curves) {
            for r in runs {
                occ.line(r);
            }
            let w = text.chars().count() as f64 * 7.5 * ux;
            occ.rect((opt.0, opt.1), (opt.0 + w, opt.1 + 24.0 * uy));
        }
        for ((at, text, _), _) in budget_points.iter().zip(&self.budget_marks) {
            let w = text.chars().count() as f64 * 7.5 * ux;
            occ.rect((at.0 - w, y.lo), (at.0 + w, y.lo + 30.0 * uy));
            occ.point(*at);
        }
        if let Some((from, text)) = &shade {
            let w = text.chars().count() as f64 * 7.5 * ux;
            occ.rect((*from, y.hi - 24.0 * uy), (from + w, y.hi));
        }
        let place = occ.place_legend(&x, &y, legend_px(labels.iter().map(String::as_str)), plot);
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
        let mut dashed: Vec<(RGBColor, &str)> = Vec::new();
        if let Some(d) = DASHES[EXTRAPOLATED_STYLE] {
            for c in PALETTE.iter().chain([&NEUTRAL, &EMPHASIS]) {
                dashed.push((styled(*c, EXTRAPOLATED_STYLE), d));
            }
        }
        render(
            &frame,
            &dashed,
            |chart: &mut Chart<'_, '_>, ink: &mut Ink| {
                if let Some((from, text)) = &shade {
                    shade_beyond(chart, *from, &x, &y, text)?;
                }
                for (i, (ins, outs)) in split_curves.iter().enumerate() {
                    for r in ins {
                        ink.line(chart, r, styled(PALETTE[i], 0), 2)?;
                    }
                    for r in outs {
                        ink.line(chart, r, styled(PALETTE[i], EXTRAPOLATED_STYLE), 2)?;
                    }
                }
                for r in &split_frontier.0 {
                    ink.line(chart, r, EMPHASIS, 3)?;
                }
                for r in &split_frontier.1 {
                    ink.line(chart, r, styled(EMPHASIS, EXTRAPOLATED_STYLE), 3)?;
                }
                for (runs, (_, opt, text)) in marked_runs.iter().zip(&marked_curves) {
                    for r in runs {
                        ink.line(chart, r, USER_MARK, 2)?;
                    }
                    if opt.0 >= x.lo && opt.0 <= x.hi && opt.1 >= y.lo && opt.1 <= y.hi {
                        chart
                            .draw_series(std::iter::once(Circle::new(*opt, 5, USER_MARK.filled())))
                            .map_err(plot_err)?;
                        chart
                            .draw_series(std::iter::once(annotation(
                                text,
                                (opt.0 + 0.01 * (x.hi - x.lo), opt.1),
                                USER_MARK,
                                (HPos::Left, VPos::Bottom),
                            )))
                            .map_err(plot_err)?;
                    }
                }
                for (at, text, n_text) in &budget_points {
                    vertical_mark(chart, at.0, &y, &x, text)?;
                    if at.1 >= y.lo && at.1 <= y.hi {
                        chart
                            .draw_series(std::iter::once(Circle::new(*at, 5, USER_MARK.filled())))
                            .map_err(plot_err)?;
                        chart
                            .draw_series(std::iter::once(annotation(
                                n_text,
                                (at.0 + 0.012 * (x.hi - x.lo), at.1 - 0.035 * (y.hi - y.lo)),
                                USER_MARK,
                                (HPos::Left, VPos::Top),
                            )))
                            .map_err(plot_err)?;
                    }
                }
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
                if let Some(l) = &beyond_label {
                    legend_line(chart, l, styled(NEUTRAL, EXTRAPOLATED_STYLE), 2)?;
                }
                Ok(())
            },
        )
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
    fn compute_for_optimal_tokens_inverts_the_frontier() {
        let fig = ComputeFrontierFigure::new(ChinchillaLaw::hoffmann2022(), "H", vec![]);
        let c = fig.compute_for_optimal_tokens(3.18e11).unwrap();
        let (_, d_opt) = fig.law.optimal(Flops::new(c).unwrap()).unwrap();
        assert!((d_opt.get() / 3.18e11 - 1.0).abs() < 1e-9, "{d_opt}");
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
