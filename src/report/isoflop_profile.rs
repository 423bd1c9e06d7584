//! Figure: IsoFLOP profiles, loss vs model size at fixed training compute, with
//! bands (Hoffmann et al. 2022, Fig. 3, approach 2), the minimum marked.

use super::axis::{Axis, Scale, TickFormat};
use super::figure::{
    annotation, legend_dot, legend_line, legend_px, legend_swatch, plot_err, plot_px, render,
    shade_beyond, split_at_x, vertical_mark, Chart, Figure, Frame, Ink, Mark, Occupancy,
};
use super::llama_curves::check_band;
use super::style::{styled, DASHES, DEFAULT_SIZE, EMPHASIS, EXTRAPOLATED_STYLE, NEUTRAL, PALETTE};
use crate::band::Band;
use crate::error::{check, Error, Result};
use crate::law::{Evidence, LossHypothesis};
use crate::units::{Flops, Params, Tokens};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// One IsoFLOP profile: the loss band at each model size for one budget.
#[derive(Debug, Clone, PartialEq)]
pub struct IsoFlopProfile {
    /// Legend text, e.g. "C = 1e22 FLOPs".
    pub label: String,
    /// The budget.
    pub compute: Flops,
    /// (model size, loss band) in order of size; D = C / 6N.
    pub points: Vec<(Params, Band)>,
}

impl IsoFlopProfile {
    /// The profile of `hypothesis` at budget `compute` over `steps` log-spaced
    /// sizes from `smallest` to `largest`, each with its band at `level` from the
    /// hypothesis' parameter draws ([`LossHypothesis::draws_into`] then
    /// [`Band::from_draws`]), or a zero-width band at the point estimate when it
    /// has no draws.
    pub fn from_hypothesis(
        hypothesis: &dyn LossHypothesis,
        compute: Flops,
        smallest: Params,
        largest: Params,
        steps: usize,
        level: f64,
    ) -> Result<IsoFlopProfile> {
        check::open_unit("band level", level)?;
        if steps < 3 {
            return Err(Error::InvalidValue {
                what: "number of IsoFLOP steps",
                value: steps as f64,
                allowed: "at least 3",
            });
        }
        if smallest.get() >= largest.get() {
            return Err(Error::InvalidValue {
                what: "IsoFLOP size range",
                value: smallest.get(),
                allowed: "the smallest size must be below the largest",
            });
        }
        let (a, b) = (smallest.get().ln(), largest.get().ln());
        let mut draws = Vec::with_capacity(hypothesis.draw_count());
        let mut points = Vec::with_capacity(steps);
        for i in 0..steps {
            let n = Params::new((a + (b - a) * i as f64 / (steps - 1) as f64).exp())?;
            let d = Tokens::new(compute.get() / (6.0 * n.get()))?;
            let band = if hypothesis.draw_count() == 0 {
                Band::exact(hypothesis.point(n, d)?, level)?
            } else {
                hypothesis.draws_into(n, d, &mut draws)?;
                Band::from_draws(&mut draws, level)?
            };
            points.push((n, band));
        }
        Ok(IsoFlopProfile {
            label: format!("C = {compute} FLOPs"),
            compute,
            points,
        })
    }

    /// The size with the lowest median loss, and its band (`None` when empty).
    pub fn minimum(&self) -> Option<(Params, Band)> {
        self.points
            .iter()
            .copied()
            .min_by(|a, b| a.1.median.total_cmp(&b.1.median))
    }
}

/// IsoFLOP profiles (loss vs N on a log axis, one per budget) with their bands
/// and each profile's minimum marked.
///
/// Where the fitted data ends is shown when the figure knows it
/// ([`evidence`](IsoFlopFigure::evidence), set by [`IsoFlopFigure::from_hypothesis`]):
/// sizes beyond the largest fitted model are shaded, and each profile is dotted
/// where it extrapolates (N above the largest fitted model, D = C / 6N above the
/// longest fitted run, or C above the largest fitted budget). Your own model
/// sizes can be marked ([`IsoFlopFigure::mark_model`]).
///
/// ```
/// use isoflop::law::ChinchillaHypothesis;
/// use isoflop::report::{Figure, IsoFlopFigure};
/// use isoflop::units::Flops;
/// let h = ChinchillaHypothesis::hoffmann2022();
/// let fig = IsoFlopFigure::from_hypothesis(&h, &[Flops::new(1e21)?, Flops::new(1e23)?], 41, 0.9)?;
/// assert_eq!(fig.profiles.len(), 2);
/// assert!(fig.render_svg()?.contains("IsoFLOP"));
///
/// // Your own model, and the data's end (Hoffmann et al.'s largest run is 16.2B).
/// let svg = fig.mark_model("our model", "30B".parse()?).render_svg()?;
/// assert!(svg.contains("our model: 30B") && svg.contains("beyond the largest fitted model"));
/// # Ok::<(), isoflop::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct IsoFlopFigure {
    /// The caption.
    pub title: String,
    /// The profiles (at most 8).
    pub profiles: Vec<IsoFlopProfile>,
    /// The data the profiles were fitted to (its largest model, run and
    /// budget), to show where they extrapolate; `None` shows nothing.
    pub evidence: Option<Evidence>,
    /// Model sizes the user marks (vertical lines with their labels).
    pub marks: Vec<Mark<Params>>,
    /// Size in pixels (default 800 x 500).
    pub size: (u32, u32),
}

impl IsoFlopFigure {
    /// An empty figure with a title.
    pub fn new(title: impl Into<String>) -> Self {
        IsoFlopFigure {
            title: title.into(),
            profiles: Vec::new(),
            evidence: None,
            marks: Vec::new(),
            size: DEFAULT_SIZE,
        }
    }

    /// The figure with the fitted data's extent, to show where it extrapolates.
    pub fn with_evidence(mut self, evidence: Evidence) -> Self {
        self.evidence = Some(evidence);
        self
    }

    /// The figure with your model size marked (a vertical line labelled
    /// "`label`: `n`"); the size axis is widened to include it.
    pub fn mark_model(mut self, label: impl Into<String>, n: Params) -> Self {
        self.marks.push(Mark {
            label: label.into(),
            at: n,
        });
        self
    }

    /// Profiles of `hypothesis` at each budget, over sizes from 1/30 to 30x the
    /// budget's point-estimate optimum (found on a coarse grid of the point
    /// estimate), `steps` sizes each, bands at `level`. The hypothesis'
    /// [`Evidence`] marks where the profiles extrapolate.
    ///
    /// # Errors
    ///
    /// No budgets, fewer than 3 steps, a level outside (0, 1), or a hypothesis
    /// that cannot answer at some size.
    pub fn from_hypothesis(
        hypothesis: &dyn LossHypothesis,
        budgets: &[Flops],
        steps: usize,
        level: f64,
    ) -> Result<IsoFlopFigure> {
        if budgets.is_empty() {
            return Err(Error::InsufficientData {
                what: "an IsoFLOP figure",
                reason: "no budgets".into(),
            });
        }
        let mut fig = IsoFlopFigure::new(format!("IsoFLOP profiles: {}", hypothesis.id()))
            .with_evidence(hypothesis.evidence().clone());
        for c in budgets {
            let centre = point_optimum(hypothesis, *c)?;
            let lo = Params::new(centre / 30.0)?;
            let hi = Params::new(centre * 30.0)?;
            fig.profiles.push(IsoFlopProfile::from_hypothesis(
                hypothesis, *c, lo, hi, steps, level,
            )?);
        }
        Ok(fig)
    }
}

/// The point-estimate optimum over N at budget `c`, on a log grid from 1e6 to
/// 1e14 parameters refined once (no closed form is assumed: any hypothesis works).
fn point_optimum(h: &dyn LossHypothesis, c: Flops) -> Result<f64> {
    let eval = |n: f64| -> Result<f64> {
        let d = c.get() / (6.0 * n);
        h.point(Params::new(n)?, Tokens::new(d)?)
    };
    let (mut lo, mut hi) = (6.0f64, 14.0f64);
    for _ in 0..3 {
        let mut best = (f64::INFINITY, lo);
        for i in 0..=40 {
            let ln = lo + (hi - lo) * i as f64 / 40.0;
            let v = eval(10f64.powf(ln))?;
            if v < best.0 {
                best = (v, ln);
            }
        }
        let step = (hi - lo) / 40.0;
        lo = best.1 - step;
        hi = best.1 + step;
    }
    Ok(10f64.powf((lo + hi) / 2.0))
}

impl Figure for IsoFlopFigure {
    fn render_svg(&self) -> Result<String> {
        if self.profiles.is_empty() {
            return Err(Error::InsufficientData {
                what: "an IsoFLOP figure",
                reason: "no profiles".into(),
            });
        }
        if self.profiles.len() > PALETTE.len() {
            return Err(Error::InvalidValue {
                what: "number of IsoFLOP profiles",
                value: self.profiles.len() as f64,
                allowed: "at most 8 profiles (one colour each)",
            });
        }
        for p in &self.profiles {
            if p.points.is_empty() {
                return Err(Error::InsufficientData {
                    what: "an IsoFLOP figure",
                    reason: format!("the profile {} has no points", p.label),
                });
            }
            for (_, b) in &p.points {
                check_band(b)?;
            }
        }
        let x = Axis::fit(
            "model size",
            self.profiles
                .iter()
                .flat_map(|p| p.points.iter().map(|q| q.0.get()))
                .chain(self.marks.iter().map(|m| m.at.get())),
            Scale::Log,
            TickFormat::Count,
            0.03,
        )?;
        let y = Axis::fit(
            "loss",
            self.profiles
                .iter()
                .flat_map(|p| p.points.iter().flat_map(|q| [q.1.lo, q.1.hi])),
            Scale::Linear,
            TickFormat::Plain,
            0.1,
        )?;
        let minima: Vec<(Params, Band)> = self
            .profiles
            .iter()
            .filter_map(IsoFlopProfile::minimum)
            .collect();
        let all_exact = self
            .profiles
            .iter()
            .all(|p| p.points.iter().all(|q| q.1.width() == 0.0));
        let level = self.profiles[0].points[0].1.level;
        let band_label = if all_exact {
            format!("{:.0}% band: zero width (no draws)", level * 100.0)
        } else {
            format!("{:.0}% band", level * 100.0)
        };
        let min_label = "minimum (median)";
        let limits = self.evidence.as_ref().map(DataLimits::of);
        let beyond_label = limits.as_ref().map(|l| l.legend());
        let mut labels: Vec<&str> = self
            .profiles
            .iter()
            .map(|p| p.label.as_str())
            .chain([band_label.as_str(), min_label])
            .collect();
        labels.extend(beyond_label.as_deref());
        // Each profile split where it leaves the data: (in-data runs, extrapolated runs).
        let split: Vec<_> = self
            .profiles
            .iter()
            .map(|p| {
                let med: Vec<(f64, f64)> = p
                    .points
                    .iter()
                    .map(|(n, b)| (n.get().log10(), b.median))
                    .collect();
                let (a, b) = limits
                    .as_ref()
                    .map_or((f64::NEG_INFINITY, f64::INFINITY), |l| {
                        l.sizes_at(p.compute)
                    });
                split_at_x(&med, a, b)
            })
            .collect();
        let shade_from = limits.as_ref().and_then(|l| l.max_params).map(f64::log10);
        let shade_label = self
            .evidence
            .as_ref()
            .and_then(|e| e.max_params)
            .map(|n| format!("beyond the largest fitted model ({n})"));
        let mut occ = Occupancy::new();
        for p in &self.profiles {
            for (n, b) in &p.points {
                for k in 0..=4 {
                    occ.point((n.get().log10(), b.lo + (b.hi - b.lo) * f64::from(k) / 4.0));
                }
            }
            let med: Vec<(f64, f64)> = p
                .points
                .iter()
                .map(|(n, b)| (n.get().log10(), b.median))
                .collect();
            occ.line(&med);
        }
        let plot = plot_px(self.size);
        let (ux, uy) = ((x.hi - x.lo) / plot.0, (y.hi - y.lo) / plot.1);
        for (n, b) in &minima {
            let lx = n.get().log10();
            occ.rect(
                (lx - 45.0 * ux, b.median - 30.0 * uy),
                (lx + 45.0 * ux, b.median),
            );
        }
        for m in &self.marks {
            let lx = m.at.get().log10();
            occ.rect((lx, y.lo), (lx + 140.0 * ux, y.lo + 30.0 * uy));
        }
        if let (Some(from), Some(text)) = (shade_from, &shade_label) {
            let w = text.chars().count() as f64 * 7.5 * ux;
            occ.rect((from, y.hi - 24.0 * uy), (from + w, y.hi));
        }
        let place = occ.place_legend(&x, &y, legend_px(labels), plot);
        let y = place.y;
        let frame = Frame {
            size: self.size,
            title: &self.title,
            x: &x,
            y: &y,
            x_desc: "Model size N (parameters, log scale); D = C / 6N",
            y_desc: "Loss (nats/token)",
            legend: Some(place.corner),
        };
        let dy = 0.025 * (y.hi - y.lo);
        let mut dashed: Vec<(RGBColor, &str)> = Vec::new();
        if let Some(d) = DASHES[EXTRAPOLATED_STYLE] {
            for c in PALETTE.iter().chain([&NEUTRAL]) {
                dashed.push((styled(*c, EXTRAPOLATED_STYLE), d));
            }
        }
        render(
            &frame,
            &dashed,
            |chart: &mut Chart<'_, '_>, ink: &mut Ink| {
                if let (Some(from), Some(text)) = (shade_from, &shade_label) {
                    shade_beyond(chart, from, &x, &y, text)?;
                }
                for (i, p) in self.profiles.iter().enumerate() {
                    let xs: Vec<f64> = p.points.iter().map(|q| q.0.get().log10()).collect();
                    let lo: Vec<f64> = p.points.iter().map(|q| q.1.lo).collect();
                    let hi: Vec<f64> = p.points.iter().map(|q| q.1.hi).collect();
                    if hi.iter().zip(&lo).any(|(h, l)| h > l) {
                        ink.band(chart, &xs, &lo, &hi, PALETTE[i], 0.2)?;
                    }
                }
                for (i, (inside, outside)) in split.iter().enumerate() {
                    for run in inside {
                        ink.line(chart, run, styled(PALETTE[i], 0), 2)?;
                    }
                    for run in outside {
                        ink.line(chart, run, styled(PALETTE[i], EXTRAPOLATED_STYLE), 2)?;
                    }
                }
                for m in &self.marks {
                    let text = format!("{}: {}", m.label, m.at);
                    vertical_mark(chart, m.at.get().log10(), &y, &x, &text)?;
                }
                for (i, (n, b)) in minima.iter().enumerate() {
                    let at = (n.get().log10(), b.median);
                    chart
                        .draw_series(std::iter::once(Circle::new(at, 5, PALETTE[i].filled())))
                        .map_err(plot_err)?;
                    chart
                        .draw_series(std::iter::once(Circle::new(
                            at,
                            5,
                            EMPHASIS.stroke_width(1),
                        )))
                        .map_err(plot_err)?;
                    let text = format!("N* = {n}");
                    chart
                        .draw_series(std::iter::once(annotation(
                            &text,
                            (at.0, at.1 - dy),
                            EMPHASIS,
                            (HPos::Center, VPos::Top),
                        )))
                        .map_err(plot_err)?;
                }
                for (i, p) in self.profiles.iter().enumerate() {
                    legend_line(chart, &p.label, styled(PALETTE[i], 0), 3)?;
                }
                legend_swatch(chart, &band_label, NEUTRAL, 0.3)?;
                legend_dot(chart, min_label, RGBColor(120, 120, 120), 5)?;
                if let Some(l) = &beyond_label {
                    legend_line(chart, l, styled(NEUTRAL, EXTRAPOLATED_STYLE), 2)?;
                }
                Ok(())
            },
        )
    }

    fn summary(&self) -> String {
        let mins: Vec<String> = self
            .profiles
            .iter()
            .filter_map(|p| {
                p.minimum()
                    .map(|(n, b)| format!("{}: N* = {n}, loss {:.3}", p.label, b.median))
            })
            .collect();
        format!("{} ({})", self.title, mins.join("; "))
    }
}

impl IsoFlopFigure {
    /// Shows the figure inline in an evcxr notebook (SVG), or the error as text.
    pub fn evcxr_display(&self) {
        println!("{}", Figure::evcxr_content(self));
    }
}

/// Where the fitted data ends, in the figures' terms.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct DataLimits {
    /// The largest fitted model.
    pub max_params: Option<f64>,
    /// The longest fitted run, in tokens.
    pub max_tokens: Option<f64>,
    /// The largest fitted budget, in FLOPs.
    pub max_flops: Option<f64>,
}

impl DataLimits {
    /// The limits recorded in `e`.
    pub fn of(e: &Evidence) -> DataLimits {
        DataLimits {
            max_params: e.max_params.map(Params::get),
            max_tokens: e.max_tokens.map(Tokens::get),
            max_flops: e.max_flops.map(Flops::get),
        }
    }

    /// Whether any limit is known.
    pub fn known(&self) -> bool {
        self.max_params.is_some() || self.max_tokens.is_some() || self.max_flops.is_some()
    }

    /// The legend entry for the extrapolated parts (or for an unknown extent).
    pub fn legend(&self) -> String {
        if self.known() {
            "beyond the fitted data (dotted)".into()
        } else {
            "extent of the fitted data unknown".into()
        }
    }

    /// The sizes at budget `c` inside the data, as an interval of log10 N: at
    /// most the largest fitted model, at least C / (6 x the longest fitted
    /// run), and empty when C is above the largest fitted budget.
    pub fn sizes_at(&self, c: Flops) -> (f64, f64) {
        if self.max_flops.is_some_and(|m| c.get() > m) {
            return (f64::INFINITY, f64::NEG_INFINITY);
        }
        let lo = self
            .max_tokens
            .map_or(f64::NEG_INFINITY, |d| (c.get() / (6.0 * d)).log10());
        let hi = self.max_params.map_or(f64::INFINITY, f64::log10);
        (lo, hi)
    }
}
