//! Figure: observed loss curves, extended under each hypothesis with shaded
//! bands, a reference loss and the budget in tokens (the blog's figure done properly).

use super::axis::{Axis, Scale, TickFormat};
use super::figure::{
    annotation, clip_line, clip_polygon, finite, legend_line, legend_px, legend_swatch, plot_err,
    plot_px, render, Chart, ClippedLine, Figure, Frame, Ink, LegendPlace, Occupancy,
};
use super::html::escape;
use super::style::{
    hex, styled, DASHES, DEFAULT_SIZE, FONT, HYPOTHESIS_STYLES, LEGEND_SIZE, MARKER_STYLE, NEUTRAL,
    PALETTE, REFERENCE, REFERENCE_STYLE, TITLE_SIZE,
};
use crate::band::Band;
use crate::compute::{tokens_for_flops, training_flops_6nd};
use crate::data::curve::LossCurve;
use crate::data::llama::{self, LlamaModel};
use crate::error::{check, Error, Result};
use crate::law::LossHypothesis;
use crate::law::{Continuation, ContinuationForm, ContinuationOptions};
use crate::query::Predictor;
use crate::units::{Params, Tokens};
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

impl ObservedCurve {
    /// The observed curve of a [`LossCurve`] (e.g. [`crate::data::llama::curve`]).
    pub fn from_curve(curve: &LossCurve) -> ObservedCurve {
        ObservedCurve {
            model: curve.model().to_string(),
            points: curve.points().to_vec(),
        }
    }
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

impl ExtendedCurve {
    /// The extension of `model` (`params` parameters) under `hypothesis` from
    /// `from` to `to` tokens, evaluated at `steps` log-spaced token counts, each
    /// with its band at `level` from the hypothesis' parameter draws
    /// ([`Predictor`]; a zero-width band at the point estimate when it has none).
    /// The hypothesis id labels the line (and picks its dash style).
    ///
    /// Errors on fewer than 2 steps, `from >= to`, a level outside (0, 1), or a
    /// hypothesis that cannot answer (e.g. a continuation of another model).
    ///
    /// ```
    /// use isoflop::law::ChinchillaHypothesis;
    /// use isoflop::report::ExtendedCurve;
    /// let h = ChinchillaHypothesis::hoffmann2022();
    /// let c = ExtendedCurve::from_hypothesis("LLaMA-7B", &h, "6.7B".parse()?, "1T".parse()?, "13.6T".parse()?, 40, 0.9)?;
    /// assert_eq!(c.points.len(), 40);
    /// assert_eq!(c.hypothesis, "chinchilla-hoffmann2022");
    /// assert!(c.points[0].1.median > c.points[39].1.median);
    /// # Ok::<(), isoflop::Error>(())
    /// ```
    pub fn from_hypothesis(
        model: impl Into<String>,
        hypothesis: &dyn LossHypothesis,
        params: Params,
        from: Tokens,
        to: Tokens,
        steps: usize,
        level: f64,
    ) -> Result<ExtendedCurve> {
        check::open_unit("band level", level)?;
        if steps < 2 {
            return Err(Error::InvalidValue {
                what: "number of extension steps",
                value: steps as f64,
                allowed: "at least 2",
            });
        }
        if from.get() >= to.get() {
            return Err(Error::InvalidValue {
                what: "extension range",
                value: from.get(),
                allowed: "the first token count must be below the last",
            });
        }
        let mut predictor = Predictor::new(level)?;
        let (a, b) = (from.get().ln(), to.get().ln());
        let mut points = Vec::with_capacity(steps);
        for i in 0..steps {
            let d = Tokens::new((a + (b - a) * i as f64 / (steps - 1) as f64).exp())?;
            points.push((d, predictor.predict(hypothesis, params, d)?.loss));
        }
        Ok(ExtendedCurve {
            model: model.into(),
            hypothesis: hypothesis.id(),
            points,
        })
    }
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
/// The tokens axis is in billions, linear (default) or log. The loss axis is
/// fitted to every series, band and reference so nothing is clipped, unless a
/// [`loss_window`](LlamaCurvesFigure::loss_window) is set: then only the parts
/// inside the window are drawn (so one runaway extension, e.g. a linear one
/// that goes negative, cannot squash the others), each line leaving it ends in
/// a marker, and the legend says so.
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
    /// The loss range to show, (lowest, highest) in nats/token; `None` fits
    /// the axis to everything. Lines and bands are cut at its edges.
    pub loss_window: Option<(f64, f64)>,
    /// All models on one chart, or one panel per model on shared axes.
    pub layout: Layout,
    /// Size in pixels (default 800 x 500). With [`Layout::PanelPerModel`],
    /// each panel is half as wide and 70% as high, two panels a row.
    pub size: (u32, u32),
}

/// How a [`LlamaCurvesFigure`] lays out its models.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Layout {
    /// Every model on one chart (compact; the hypotheses' lines can overlap).
    #[default]
    Overlay,
    /// Small multiples: one panel per model, titled with its name, on shared
    /// axes, so each model's hypotheses can be told apart.
    PanelPerModel,
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
            loss_window: None,
            layout: Layout::Overlay,
            size: DEFAULT_SIZE,
        }
    }

    /// The blog's figure done properly: the four LLaMA-1 curves of Figure 1 as
    /// observed ([`crate::data::llama`]), each extended from its end to the tokens
    /// the 65B's compute would buy it (D = C65 / 6N, C65 = 6 N65 D65) under its
    /// three curve continuations (fitted with `options`) and under each of
    /// `shared` (e.g. a calibrated Chinchilla law), at 40 log-spaced token
    /// counts with bands at `level`; the 65B's final loss (median of its last
    /// 10B tokens) as the reference line; a log tokens axis and a loss window of
    /// 1.3-2.3 nats/token, so the linear-in-tokens continuation, which falls
    /// through zero, is cut where it leaves the window (and the legend says so);
    /// one panel per model ([`Layout::PanelPerModel`]) so that each model's
    /// hypotheses can be told apart.
    ///
    /// Errors when a continuation cannot be fitted or a hypothesis cannot
    /// answer, or on more than 3 `shared` hypotheses (6 line styles in all).
    ///
    /// ```no_run
    /// use isoflop::data::llama;
    /// use isoflop::law::{ContinuationOptions, LossHypothesis};
    /// use isoflop::report::{Figure, LlamaCurvesFigure};
    /// let opts = ContinuationOptions::default().starting_at(llama::CONTINUATION_START);
    /// let fig = LlamaCurvesFigure::llama_at_65b_compute(&[], &opts, 0.9)?;
    /// fig.save_svg("target/llama_curves.svg")?;
    /// # Ok::<(), isoflop::Error>(())
    /// ```
    pub fn llama_at_65b_compute(
        shared: &[&dyn LossHypothesis],
        options: &ContinuationOptions,
        level: f64,
    ) -> Result<LlamaCurvesFigure> {
        let mut fitted: Vec<(LlamaModel, Vec<Continuation>)> = Vec::new();
        for model in LlamaModel::ALL {
            if model == LlamaModel::Llama65B {
                // Its budget is its own run: drawn as observed, nothing to fit.
                fitted.push((model, Vec::new()));
                continue;
            }
            let curve = llama::curve(model);
            let own = ContinuationForm::ALL
                .iter()
                .map(|&form| Continuation::fit(&curve, form, options))
                .collect::<Result<Vec<_>>>()?;
            fitted.push((model, own));
        }
        let per_model: Vec<(LlamaModel, Vec<&dyn LossHypothesis>)> = fitted
            .iter()
            .map(|(m, own)| {
                let hs = own
                    .iter()
                    .map(|c| c as &dyn LossHypothesis)
                    .chain(shared.iter().copied())
                    .collect();
                (*m, hs)
            })
            .collect();
        LlamaCurvesFigure::llama_at_65b_compute_from(&per_model, level)
    }

    /// The same figure from hypotheses you have already fitted: for each model, the
    /// hypotheses to extend its curve with (at most 6, one line style each), e.g. its
    /// own continuations followed by shared laws. Models whose budget is their own run
    /// (the 65B) are drawn as observed only.
    pub fn llama_at_65b_compute_from(
        per_model: &[(LlamaModel, Vec<&dyn LossHypothesis>)],
        level: f64,
    ) -> Result<LlamaCurvesFigure> {
        const STEPS: usize = 40;
        if let Some((_, hs)) = per_model
            .iter()
            .find(|(_, hs)| hs.len() > HYPOTHESIS_STYLES)
        {
            return Err(Error::InvalidValue {
                what: "number of hypotheses per model in the LLaMA figure",
                value: hs.len() as f64,
                allowed: "at most 6 (one line style each)",
            });
        }
        let big = LlamaModel::Llama65B;
        let budget = training_flops_6nd(big.params(), big.trained_tokens())?;
        let mut fig = LlamaCurvesFigure::new(format!(
            "LLaMA-1 training loss, extended to LLaMA-65B's compute ({budget} FLOPs)"
        ))
        .with_loss_window(1.3, 2.3)
        .per_model_panels();
        fig.tokens_scale = Scale::Log;
        fig.budget_label = "LLaMA-65B's compute, per model".into();
        for (model, hypotheses) in per_model {
            let curve = llama::curve(*model);
            let d = tokens_for_flops(model.params(), budget)?;
            fig.observed.push(ObservedCurve::from_curve(&curve));
            fig.budgets.push(BudgetMarker {
                model: curve.model().to_string(),
                tokens: d,
            });
            // The 65B's budget is its own run: nothing to extend.
            if d.get() <= curve.last_tokens().get() * 1.01 {
                continue;
            }
            for h in hypotheses {
                fig.extensions.push(ExtendedCurve::from_hypothesis(
                    curve.model(),
                    *h,
                    model.params(),
                    curve.last_tokens(),
                    d,
                    STEPS,
                    level,
                )?);
            }
        }
        fig.reference = Some(ReferenceLine {
            label: "LLaMA-65B final loss".into(),
            loss: llama::curve(big).final_loss(Tokens::new(10e9)?),
        });
        Ok(fig)
    }

    /// One panel per model on shared axes (see [`Layout::PanelPerModel`]).
    pub fn per_model_panels(mut self) -> Self {
        self.layout = Layout::PanelPerModel;
        self
    }

    /// Shows only losses in `[lo, hi]` nats/token (see [`LlamaCurvesFigure::loss_window`]).
    pub fn with_loss_window(mut self, lo: f64, hi: f64) -> Self {
        self.loss_window = Some((lo, hi));
        self
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
        if let Some((lo, hi)) = self.loss_window {
            finite("loss window", lo)?;
            finite("loss window", hi)?;
            if lo >= hi {
                return Err(Error::InvalidValue {
                    what: "loss window",
                    value: lo,
                    allowed: "the lowest loss shown must be below the highest",
                });
            }
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
        match self.layout {
            Layout::PanelPerModel if models.len() > 1 => self.render_panels(&models),
            _ => Ok(self
                .render_view(None, self.size, &self.title, None, true)?
                .0),
        }
    }

    fn summary(&self) -> String {
        format!(
            "{}: {} observed curves, {} extensions{}{}",
            self.title,
            self.observed.len(),
            self.extensions.len(),
            self.reference
                .as_ref()
                .map(|r| format!(", reference {} at {:.3}", r.label, r.loss))
                .unwrap_or_default(),
            match self.layout {
                Layout::PanelPerModel => ", one panel per model",
                Layout::Overlay => "",
            }
        )
    }
}

impl LlamaCurvesFigure {
    /// One panel per model on shared axes, under the figure's title.
    fn render_panels(&self, models: &[&str]) -> Result<String> {
        let (x, y) = self.axes()?;
        let cols = 2usize;
        let rows = models.len().div_ceil(cols);
        let panel = (self.size.0 / 2, self.size.1 * 7 / 10);
        let mut views = Vec::with_capacity(models.len());
        for m in models {
            views.push(self.render_view(Some(m), panel, m, Some((x.clone(), y.clone())), false)?);
        }
        let cut = views.iter().find_map(|v| v.1.clone());
        let legend = self.shared_legend(cut);
        let legend_cols = 3usize;
        let legend_rows = legend.len().div_ceil(legend_cols) as u32;
        let head = 40 + 22 * legend_rows;
        let (w, h) = (panel.0 * cols as u32, head + panel.1 * rows as u32);
        let mut out = format!(
            "<svg width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" xmlns=\"http://www.w3.org/2000/svg\">\n\
             <rect x=\"0\" y=\"0\" width=\"{w}\" height=\"{h}\" opacity=\"1\" fill=\"#FFFFFF\" stroke=\"none\"/>\n\
             <text x=\"{}\" y=\"12\" dy=\"0.76em\" text-anchor=\"middle\" font-family=\"{FONT}\" font-size=\"{:.1}\" opacity=\"1\" fill=\"#000000\">\n{}\n</text>\n",
            w / 2,
            f64::from(TITLE_SIZE) / 1.24,
            escape(&self.title)
        );
        let col_w = f64::from(w - 40) / legend_cols as f64;
        for (k, entry) in legend.iter().enumerate() {
            let lx = 20.0 + col_w * (k % legend_cols) as f64;
            let ly = 46.0 + 22.0 * (k / legend_cols) as f64;
            out.push_str(&entry.svg(lx, ly));
        }
        for (k, (svg, _)) in views.iter().enumerate() {
            let (px, py) = (
                panel.0 * (k % cols) as u32,
                head + panel.1 * (k / cols) as u32,
            );
            let body = svg
                .strip_prefix("<svg ")
                .ok_or_else(|| plot_err("a panel is not an SVG document"))?;
            out.push_str(&format!("<svg x=\"{px}\" y=\"{py}\" {body}"));
            if !out.ends_with('\n') {
                out.push('\n');
            }
        }
        out.push_str("</svg>\n");
        Ok(out)
    }

    /// The tokens (x) and loss (y) axes fitted to every model's data.
    fn axes(&self) -> Result<(Axis, Axis)> {
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
        let y = match self.loss_window {
            Some((lo, hi)) => Axis::from_range(lo, hi, Scale::Linear, TickFormat::Plain, 0.0),
            None => {
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
                Axis::fit("loss", ys, Scale::Linear, TickFormat::Plain, 0.06)?
            }
        };
        Ok((x, y))
    }

    /// The figure, or the panel of model `only`, at `size` with `title`, on
    /// `axes` (fitted to what is drawn when `None`), with its legend or none;
    /// and the cut note (its label, and whether every cut is below), if any line
    /// leaves the loss window.
    fn render_view(
        &self,
        only: Option<&str>,
        size: (u32, u32),
        title: &str,
        axes: Option<(Axis, Axis)>,
        with_legend: bool,
    ) -> Result<(String, Option<(String, bool)>)> {
        let keep = |m: &str| only.is_none_or(|o| o == m);
        let observed_in: Vec<&ObservedCurve> =
            self.observed.iter().filter(|c| keep(&c.model)).collect();
        let extensions_in: Vec<&ExtendedCurve> =
            self.extensions.iter().filter(|c| keep(&c.model)).collect();
        let budgets_in: Vec<&BudgetMarker> =
            self.budgets.iter().filter(|b| keep(&b.model)).collect();
        let models = self.models()?;
        let hyps = self.hypotheses()?;
        let colour = |m: &str| {
            let i = models.iter().position(|x| *x == m).unwrap_or(0);
            PALETTE[i % PALETTE.len()]
        };
        let style_of = |h: &str| hyps.iter().position(|x| *x == h).unwrap_or(0) + 1;
        let scale = self.tokens_scale;
        let billions = |t: Tokens| t.get() / 1e9;

        let (x, y) = match axes {
            Some(a) => a,
            None => self.axes()?,
        };
        let (win_lo, win_hi) = self
            .loss_window
            .unwrap_or((f64::NEG_INFINITY, f64::INFINITY));
        let px = |t: Tokens| Axis::map(scale, billions(t));

        // Geometry in plot space, cut to the loss window.
        let observed: Vec<(RGBColor, ClippedLine)> = observed_in
            .iter()
            .copied()
            .map(|c| {
                let pts: Vec<(f64, f64)> = c.points.iter().map(|p| (px(p.0), p.1)).collect();
                (styled(colour(&c.model), 0), clip_line(&pts, win_lo, win_hi))
            })
            .collect();
        let medians: Vec<(RGBColor, ClippedLine)> = extensions_in
            .iter()
            .copied()
            .map(|c| {
                let pts: Vec<(f64, f64)> = c.points.iter().map(|p| (px(p.0), p.1.median)).collect();
                (
                    styled(colour(&c.model), style_of(&c.hypothesis)),
                    clip_line(&pts, win_lo, win_hi),
                )
            })
            .collect();
        let bands: Vec<(RGBColor, Vec<(f64, f64)>)> = extensions_in
            .iter()
            .copied()
            .filter(|c| c.points.iter().any(|p| p.1.hi > p.1.lo))
            .map(|c| {
                let mut poly: Vec<(f64, f64)> =
                    c.points.iter().map(|p| (px(p.0), p.1.hi)).collect();
                poly.extend(c.points.iter().rev().map(|p| (px(p.0), p.1.lo)));
                (colour(&c.model), clip_polygon(&poly, win_lo, win_hi))
            })
            .filter(|(_, p)| p.len() >= 3)
            .collect();
        let reference = self
            .reference
            .as_ref()
            .filter(|r| r.loss >= win_lo && r.loss <= win_hi);
        let exits: Vec<(RGBColor, (f64, f64), bool)> = observed
            .iter()
            .chain(medians.iter())
            .flat_map(|(c, l)| l.exits.iter().map(move |(p, below)| (*c, *p, *below)))
            .collect();
        let cut_label = self.loss_window.map(|(lo, hi)| {
            let below = exits.iter().any(|e| e.2);
            let above = exits.iter().any(|e| !e.2);
            match (below, above) {
                (true, false) => format!("cut where it falls below {}", trim(lo)),
                (false, true) => format!("cut where it rises above {}", trim(hi)),
                _ => format!("cut where it leaves {}–{}", trim(lo), trim(hi)),
            }
        });
        let cut_label = cut_label.filter(|_| !exits.is_empty());

        // Legend entries.
        let band_levels: Vec<f64> = extensions_in
            .iter()
            .copied()
            .flat_map(|c| c.points.iter().map(|p| p.1.level))
            .collect();
        let band_label = match band_levels.first() {
            Some(l) if band_levels.iter().all(|m| (m - l).abs() < 1e-9) => {
                format!("{:.0}% band", l * 100.0)
            }
            Some(_) => "band".to_string(),
            None => String::new(),
        };
        // In a panel, the model is its title and only its hypotheses are listed.
        let models_in: Vec<&str> = if only.is_some() {
            Vec::new()
        } else {
            models.clone()
        };
        let hyps_in: Vec<&str> = hyps
            .iter()
            .copied()
            .filter(|h| extensions_in.iter().any(|c| c.hypothesis == *h))
            .collect();
        let mut labels: Vec<String> = models_in.iter().map(|m| m.to_string()).collect();
        labels.extend(hyps_in.iter().map(|h| h.to_string()));
        if !extensions_in.is_empty() {
            labels.push(band_label.clone());
        }
        if !budgets_in.is_empty() {
            labels.push(self.budget_label.clone());
        }
        if let Some(l) = &cut_label {
            labels.push(l.clone());
        }

        // Where things are, to place the reference label and the legend.
        let mut occ = Occupancy::new();
        for (_, l) in observed.iter().chain(medians.iter()) {
            for r in &l.runs {
                occ.line(r);
            }
        }
        for c in extensions_in.iter().copied() {
            for (t, b) in &c.points {
                for k in 0..=4 {
                    let v = b.lo + (b.hi - b.lo) * f64::from(k) / 4.0;
                    if v >= win_lo && v <= win_hi {
                        occ.point((px(*t), v));
                    }
                }
            }
        }
        let plot = plot_px(size);
        let ref_label = reference.map(|r| format!("{}: {:.3}", r.label, r.loss));
        // The label goes at the left or right end, above or below the line,
        // wherever it covers the least data.
        let mut ref_anchor = (HPos::Left, VPos::Bottom);
        let mut ref_rect = ((0.0, 0.0), (0.0, 0.0));
        if let (Some(r), Some(text)) = (reference, &ref_label) {
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
        let legend = legend_px(labels.iter().map(String::as_str));
        let place = if !with_legend {
            LegendPlace {
                corner: SeriesLabelPosition::UpperRight,
                y: y.clone(),
            }
        } else if self.loss_window.is_some() {
            occ.place_legend_up(&x, &y, legend, plot)
        } else {
            occ.place_legend(&x, &y, legend, plot)
        };
        let y = place.y;
        let cut_note = cut_label.clone().map(|l| (l, exits.iter().all(|e| e.2)));

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
            size,
            title,
            x: &x,
            y: &y,
            x_desc,
            y_desc: "Training loss (nats/token)",
            legend: with_legend.then_some(place.corner),
        };
        let svg = render(
            &frame,
            &dashed,
            |chart: &mut Chart<'_, '_>, ink: &mut Ink| {
                // Bands first, under every line.
                for (c, poly) in &bands {
                    ink.polygon(chart, poly, *c, 0.16)?;
                }
                // Budget markers, within the window.
                let (b_lo, b_hi) = (y.lo.max(win_lo), y.hi.min(win_hi));
                for b in budgets_in.iter().copied() {
                    let xb = px(b.tokens);
                    let c = styled(colour(&b.model), MARKER_STYLE);
                    chart
                        .draw_series(LineSeries::new(
                            vec![(xb, b_lo), (xb, b_hi)],
                            c.stroke_width(2),
                        ))
                        .map_err(plot_err)?;
                }
                // Reference line with its label where it hides the least.
                if let (Some(r), Some(text)) = (reference, &ref_label) {
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
                // Extension medians, dashed by hypothesis; observed curves, solid, on top.
                for (col, l) in medians.iter().chain(observed.iter()) {
                    for run in &l.runs {
                        ink.line(chart, run, *col, 2)?;
                    }
                }
                // Where a line leaves the window: an arrowhead pointing the way it goes.
                for (c, at, below) in &exits {
                    let base = RGBColor(c.0, c.1, c.2 & !7);
                    chart
                        .draw_series(std::iter::once(
                            EmptyElement::at(*at) + Polygon::new(arrowhead(*below), base.filled()),
                        ))
                        .map_err(plot_err)?;
                }
                // Legend: models, hypotheses, band, budget, cuts.
                for m in &models_in {
                    legend_line(chart, m, styled(colour(m), 0), 3)?;
                }
                for h in &hyps_in {
                    legend_line(chart, h, styled(NEUTRAL, style_of(h)), 2)?;
                }
                if !extensions_in.is_empty() {
                    legend_swatch(chart, &band_label, NEUTRAL, 0.3)?;
                }
                if !budgets_in.is_empty() {
                    legend_line(chart, &self.budget_label, styled(NEUTRAL, MARKER_STYLE), 2)?;
                }
                if let Some(l) = &cut_label {
                    legend_arrow(chart, l, exits.iter().all(|e| e.2))?;
                }
                Ok(())
            },
        )?;
        Ok((svg, cut_note))
    }
}

/// One entry of the legend shared by the panels (raw SVG: plotters draws a
/// legend only inside a chart).
enum LegendEntry {
    /// A line in a colour with an optional dash pattern.
    Line(String, RGBColor, Option<&'static str>),
    /// A filled swatch.
    Swatch(String, RGBColor, f64),
    /// The arrowhead that marks a cut (pointing down when below).
    Arrow(String, bool),
}

impl LegendEntry {
    /// The entry with its glyph's left end at (x, y) (its vertical centre).
    fn svg(&self, x: f64, y: f64) -> String {
        let text = |label: &str| {
            format!(
                "<text x=\"{}\" y=\"{y}\" dy=\"0.35em\" font-family=\"{FONT}\" font-size=\"{:.1}\" fill=\"#000000\">{}</text>\n",
                x + 36.0,
                f64::from(LEGEND_SIZE) / 1.24,
                escape(label)
            )
        };
        match self {
            LegendEntry::Line(label, c, dash) => format!(
                "<line x1=\"{x}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"{}\" stroke-width=\"2\"{}/>\n{}",
                x + 28.0,
                hex(*c),
                dash.map(|d| format!(" stroke-dasharray=\"{d}\" stroke-linecap=\"butt\""))
                    .unwrap_or_default(),
                text(label)
            ),
            LegendEntry::Swatch(label, c, opacity) => format!(
                "<rect x=\"{x}\" y=\"{}\" width=\"28\" height=\"12\" fill=\"{}\" opacity=\"{opacity}\"/>\n{}",
                y - 6.0,
                hex(*c),
                text(label)
            ),
            LegendEntry::Arrow(label, below) => {
                let pts: Vec<String> = arrowhead(*below)
                    .iter()
                    .map(|(dx, dy)| format!("{},{}", x + 14.0 + f64::from(*dx), y + f64::from(*dy)))
                    .collect();
                format!(
                    "<polygon points=\"{}\" fill=\"{}\"/>\n{}",
                    pts.join(" "),
                    hex(NEUTRAL),
                    text(label)
                )
            }
        }
    }
}

impl LlamaCurvesFigure {
    /// The legend the panels share: hypotheses, band, budget marker and cut note.
    fn shared_legend(&self, cut: Option<(String, bool)>) -> Vec<LegendEntry> {
        let hyps = self.hypotheses().unwrap_or_default();
        let mut out: Vec<LegendEntry> = hyps
            .iter()
            .enumerate()
            .map(|(i, h)| LegendEntry::Line(h.to_string(), NEUTRAL, DASHES[i + 1]))
            .collect();
        if !self.extensions.is_empty() {
            out.push(LegendEntry::Swatch(self.band_label(), NEUTRAL, 0.3));
        }
        if !self.budgets.is_empty() {
            out.push(LegendEntry::Line(
                self.budget_label.clone(),
                NEUTRAL,
                DASHES[MARKER_STYLE],
            ));
        }
        if let Some((label, below)) = cut {
            out.push(LegendEntry::Arrow(label, below));
        }
        out
    }

    /// "90% band" when every band has one level, else "band".
    fn band_label(&self) -> String {
        let levels: Vec<f64> = self
            .extensions
            .iter()
            .flat_map(|c| c.points.iter().map(|p| p.1.level))
            .collect();
        match levels.first() {
            Some(l) if levels.iter().all(|m| (m - l).abs() < 1e-9) => {
                format!("{:.0}% band", l * 100.0)
            }
            _ => "band".to_string(),
        }
    }
}

/// "1.30" -> "1.3".
fn trim(v: f64) -> String {
    let s = format!("{v:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Registers a legend entry with no data: an arrowhead.
fn legend_arrow(chart: &mut Chart<'_, '_>, label: &str, below: bool) -> Result<()> {
    chart
        .draw_series(std::iter::empty::<PathElement<(f64, f64)>>())
        .map_err(plot_err)?
        .label(label)
        .legend(move |(x, y)| {
            let pts = arrowhead(below)
                .into_iter()
                .map(|(dx, dy)| (x + 14 + dx, y + dy))
                .collect::<Vec<_>>();
            Polygon::new(pts, NEUTRAL.filled())
        });
    Ok(())
}

/// A small triangle (pixel offsets from its tip's base) pointing down when
/// `below`, else up: marks where a line leaves the loss window.
fn arrowhead(below: bool) -> Vec<(i32, i32)> {
    let s = if below { 1 } else { -1 };
    vec![(-5, -3 * s), (5, -3 * s), (0, 6 * s)]
}

impl LlamaCurvesFigure {
    /// Shows the figure inline in an evcxr notebook (SVG), or the error as text.
    pub fn evcxr_display(&self) {
        println!("{}", Figure::evcxr_content(self));
    }
}
