//! What every figure shares: rendering to an SVG string, saving to a file, and
//! showing inline in an evcxr notebook.

use super::axis::Axis;
use super::html::{escape, evcxr_blocks};
use super::style::{
    apply_dashes, hex, AXIS_DESC_SIZE, BEYOND_DATA, BEYOND_EDGE, FONT, LEGEND_SIZE, TICK_SIZE,
    TITLE_SIZE, USER_MARK,
};
use crate::error::{Error, Result};
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::prelude::*;
use std::path::Path;

/// A figure spec that renders to SVG.
///
/// Every figure in [`crate::report`] implements this; each also has an inherent
/// `evcxr_display` so that a notebook cell ending in the figure shows it inline.
pub trait Figure {
    /// Renders the figure as a standalone SVG document.
    ///
    /// Errors (never panics) on an empty spec, a non-finite value, or a value
    /// that a log axis cannot show.
    fn render_svg(&self) -> Result<String>;

    /// One line saying what the figure shows (the notebook's text/plain fallback).
    fn summary(&self) -> String;

    /// Renders the figure and writes it to `path` (creating missing parent folders).
    fn save_svg(&self, path: impl AsRef<Path>) -> Result<()>
    where
        Self: Sized,
    {
        let path = path.as_ref();
        let svg = self.render_svg()?;
        let io = |e: std::io::Error| Error::io(path, e);
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        std::fs::write(path, svg).map_err(io)
    }

    /// The evcxr display blocks: the SVG (`image/svg+xml`) and the summary
    /// (`text/plain`), or the error as text if the figure cannot be drawn.
    fn evcxr_content(&self) -> String {
        match self.render_svg() {
            Ok(svg) => evcxr_blocks(&[("image/svg+xml", &svg), ("text/plain", &self.summary())]),
            Err(e) => {
                let msg = format!("cannot draw {}: {e}", self.summary());
                let html = format!(
                    "<div style=\"color:#8a1c1c;font-family:sans-serif\">{}</div>",
                    escape(&msg)
                );
                evcxr_blocks(&[("text/html", &html), ("text/plain", &msg)])
            }
        }
    }
}

/// One axis of the chart's coordinates: plot-space f64 with the ticks (bold
/// grid lines, labelled) and minor ticks (light grid lines) chosen in [`Axis`].
#[derive(Debug, Clone)]
pub(crate) struct Ticked {
    lo: f64,
    hi: f64,
    ticks: Vec<f64>,
    minor: Vec<f64>,
}

impl Ticked {
    fn new(a: &Axis) -> Ticked {
        Ticked {
            lo: a.lo,
            hi: a.hi,
            ticks: a.ticks.clone(),
            minor: a.minor.clone(),
        }
    }
}

impl Ranged for Ticked {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, v: &f64, limit: (i32, i32)) -> i32 {
        let span = self.hi - self.lo;
        let t = if span > 0.0 {
            (v - self.lo) / span
        } else {
            0.5
        };
        let px = f64::from(limit.0) + t * f64::from(limit.1 - limit.0);
        // Far outside the plot (never for fitted ranges): pin instead of overflowing.
        px.round().clamp(-1e6, 1e6) as i32
    }

    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            self.minor.clone()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.lo..self.hi
    }
}

/// The coordinate system of every figure.
pub(crate) type Coords = Cartesian2d<Ticked, Ticked>;

/// A chart being drawn.
pub(crate) type Chart<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Coords>;

/// Turns a plotters error into an isoflop error.
pub(crate) fn plot_err<E: std::fmt::Display>(e: E) -> Error {
    Error::Drawing {
        what: "a figure".into(),
        reason: e.to_string(),
    }
}

/// What a chart frame needs: size, title, the two axes and their descriptions.
pub(crate) struct Frame<'s> {
    pub size: (u32, u32),
    pub title: &'s str,
    pub x: &'s Axis,
    pub y: &'s Axis,
    pub x_desc: &'s str,
    pub y_desc: &'s str,
    /// Where to draw the legend of the labelled series (`None`: no legend).
    pub legend: Option<SeriesLabelPosition>,
}

/// Draws a frame (background, title, mesh, axis labels), lets `draw` add the
/// series (smooth ones through the [`Ink`]), writes the smooth series at their
/// exact positions, then applies the dash patterns in `dashed` and returns the SVG.
pub(crate) fn render<F>(frame: &Frame<'_>, dashed: &[(RGBColor, &str)], draw: F) -> Result<String>
where
    F: FnOnce(&mut Chart<'_, '_>, &mut Ink) -> Result<()>,
{
    let (w, h) = frame.size;
    if w < 200 || h < 150 {
        return Err(Error::InvalidValue {
            what: "figure size",
            value: f64::from(w.min(h)),
            allowed: "must be at least 200 x 150 pixels",
        });
    }
    let mut buf = String::new();
    let mut ink = Ink::default();
    {
        let root = SVGBackend::with_string(&mut buf, frame.size).into_drawing_area();
        root.fill(&WHITE).map_err(plot_err)?;
        let x = frame.x;
        let y = frame.y;
        let mut chart = ChartBuilder::on(&root)
            .caption(frame.title, (FONT, TITLE_SIZE))
            .margin(14)
            .margin_right(30)
            .x_label_area_size(48)
            .y_label_area_size(64)
            .build_cartesian_2d(Ticked::new(x), Ticked::new(y))
            .map_err(plot_err)?;
        let x_fmt = |v: &f64| x.label(*v);
        let y_fmt = |v: &f64| y.label(*v);
        chart
            .configure_mesh()
            .x_desc(frame.x_desc)
            .y_desc(frame.y_desc)
            .axis_desc_style((FONT, AXIS_DESC_SIZE))
            .label_style((FONT, TICK_SIZE))
            .x_label_formatter(&x_fmt)
            .y_label_formatter(&y_fmt)
            .bold_line_style(RGBColor(215, 215, 215))
            .light_line_style(RGBColor(240, 240, 240))
            .draw()
            .map_err(plot_err)?;
        draw(&mut chart, &mut ink)?;
        if let Some(pos) = &frame.legend {
            legend(&mut chart, clone_pos(pos))?;
        }
        root.present().map_err(plot_err)?;
    }
    Ok(apply_dashes(&ink.splice(&buf)?, dashed))
}

/// Colour of the placeholders that [`Ink`] draws through plotters (used by no series).
const PLACEHOLDER: RGBColor = RGBColor(1, 2, 3);

/// Smooth series drawn at exact, sub-pixel positions.
///
/// plotters' SVG backend writes integer pixel coordinates, which turns a smooth
/// curve into a staircase of 1-px steps (visible when the figure is zoomed or
/// printed). Curves and bands are therefore drawn here: each is mapped to the
/// figure's pixel space in `f64` (the same mapping as the axes), recorded with
/// two decimals (1/100 px), and drawn through plotters as a one-point placeholder
/// that keeps its place in the drawing order; [`render`] writes the recorded
/// element in its place. The figure's displayed size does not change.
#[derive(Debug, Default)]
pub(crate) struct Ink {
    pending: Vec<String>,
}

impl Ink {
    /// A polyline through `pts` (plot space) in `color`, `width` px wide.
    pub fn line(
        &mut self,
        chart: &mut Chart<'_, '_>,
        pts: &[(f64, f64)],
        color: RGBColor,
        width: u32,
    ) -> Result<()> {
        if pts.len() < 2 {
            return Ok(());
        }
        let points = exact_points(chart, pts);
        self.pending.push(format!(
            "<polyline fill=\"none\" opacity=\"1\" stroke=\"{}\" stroke-width=\"{width}\" stroke-linejoin=\"round\" points=\"{points}\"/>\n",
            hex(color)
        ));
        placeholder(chart, pts[0])
    }

    /// A filled polygon through `pts` (plot space) in `color` at `opacity`.
    pub fn polygon(
        &mut self,
        chart: &mut Chart<'_, '_>,
        pts: &[(f64, f64)],
        color: RGBColor,
        opacity: f64,
    ) -> Result<()> {
        if pts.len() < 3 {
            return Ok(());
        }
        let points = exact_points(chart, pts);
        self.pending.push(format!(
            "<polygon opacity=\"{opacity}\" fill=\"{}\" points=\"{points}\"/>\n",
            hex(color)
        ));
        placeholder(chart, pts[0])
    }

    /// A band between `lo` and `hi` over the same `xs` (plot space), as one polygon.
    pub fn band(
        &mut self,
        chart: &mut Chart<'_, '_>,
        xs: &[f64],
        lo: &[f64],
        hi: &[f64],
        color: RGBColor,
        opacity: f64,
    ) -> Result<()> {
        let mut pts: Vec<(f64, f64)> = xs.iter().copied().zip(hi.iter().copied()).collect();
        pts.extend(xs.iter().copied().zip(lo.iter().copied()).rev());
        self.polygon(chart, &pts, color, opacity)
    }

    /// `svg` with each placeholder replaced by its recorded element, in order.
    fn splice(&self, svg: &str) -> Result<String> {
        let tag = format!("stroke=\"{}\"", hex(PLACEHOLDER));
        let mut out =
            String::with_capacity(svg.len() + self.pending.iter().map(String::len).sum::<usize>());
        let mut next = self.pending.iter();
        for line in svg.split_inclusive('\n') {
            if line.starts_with("<polyline ") && line.contains(&tag) {
                let el = next
                    .next()
                    .ok_or_else(|| plot_err("more placeholders than smooth series"))?;
                out.push_str(el);
            } else {
                out.push_str(line);
            }
        }
        if next.next().is_some() {
            return Err(plot_err("a smooth series lost its placeholder"));
        }
        Ok(out)
    }
}

/// Draws the one-point placeholder of a smooth series at `at`.
fn placeholder(chart: &mut Chart<'_, '_>, at: (f64, f64)) -> Result<()> {
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![at, at],
            PLACEHOLDER.stroke_width(1),
        )))
        .map_err(plot_err)?;
    Ok(())
}

/// `pts` (plot space) as SVG points in the chart's pixel space, unrounded:
/// the axes' own linear map between the pixels plotters gives the range ends.
fn exact_points(chart: &Chart<'_, '_>, pts: &[(f64, f64)]) -> String {
    let (xr, yr) = (chart.x_range(), chart.y_range());
    let (x0, y0) = chart.backend_coord(&(xr.start, yr.start));
    let (x1, y1) = chart.backend_coord(&(xr.end, yr.end));
    let map = |v: f64, lo: f64, hi: f64, a: i32, b: i32| {
        let t = if hi > lo { (v - lo) / (hi - lo) } else { 0.5 };
        (f64::from(a) + t * f64::from(b - a)).clamp(-1e6, 1e6)
    };
    let mut s = String::with_capacity(pts.len() * 16);
    for &(x, y) in pts {
        let px = map(x, xr.start, xr.end, x0, x1);
        let py = map(y, yr.start, yr.end, y0, y1);
        s.push_str(&format!("{},{} ", hundredths(px), hundredths(py)));
    }
    s
}

/// `v` rounded to 1/100, without trailing zeros ("12.5", "12").
fn hundredths(v: f64) -> String {
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

/// `SeriesLabelPosition` is not `Clone`.
fn clone_pos(p: &SeriesLabelPosition) -> SeriesLabelPosition {
    use SeriesLabelPosition::*;
    match p {
        UpperLeft => UpperLeft,
        MiddleLeft => MiddleLeft,
        LowerLeft => LowerLeft,
        UpperMiddle => UpperMiddle,
        MiddleMiddle => MiddleMiddle,
        LowerMiddle => LowerMiddle,
        UpperRight => UpperRight,
        MiddleRight => MiddleRight,
        LowerRight => LowerRight,
        Coordinate(x, y) => Coordinate(*x, *y),
    }
}

/// Draws the legend of every labelled series in the corner `pos`.
fn legend<'a, 'b: 'a>(chart: &mut Chart<'a, 'b>, pos: SeriesLabelPosition) -> Result<()> {
    chart
        .configure_series_labels()
        .position(pos)
        .margin(10)
        .legend_area_size(34)
        .label_font((FONT, LEGEND_SIZE))
        .background_style(WHITE.mix(0.88))
        .border_style(RGBColor(180, 180, 180))
        .draw()
        .map_err(plot_err)
}

/// Registers a legend entry with no data: a short line in `color`, `width` px.
pub(crate) fn legend_line(
    chart: &mut Chart<'_, '_>,
    label: &str,
    color: RGBColor,
    width: u32,
) -> Result<()> {
    chart
        .draw_series(std::iter::empty::<PathElement<(f64, f64)>>())
        .map_err(plot_err)?
        .label(label)
        .legend(move |(x, y)| {
            PathElement::new(vec![(x, y), (x + 28, y)], color.stroke_width(width))
        });
    Ok(())
}

/// Registers a legend entry with no data: a filled swatch in `color` at `opacity`.
pub(crate) fn legend_swatch(
    chart: &mut Chart<'_, '_>,
    label: &str,
    color: RGBColor,
    opacity: f64,
) -> Result<()> {
    chart
        .draw_series(std::iter::empty::<PathElement<(f64, f64)>>())
        .map_err(plot_err)?
        .label(label)
        .legend(move |(x, y)| {
            Rectangle::new([(x, y - 6), (x + 28, y + 6)], color.mix(opacity).filled())
        });
    Ok(())
}

/// Registers a legend entry with no data: a dot in `color`.
pub(crate) fn legend_dot(
    chart: &mut Chart<'_, '_>,
    label: &str,
    color: RGBColor,
    r: u32,
) -> Result<()> {
    chart
        .draw_series(std::iter::empty::<PathElement<(f64, f64)>>())
        .map_err(plot_err)?
        .label(label)
        .legend(move |(x, y)| Circle::new((x + 14, y), r, color.filled()));
    Ok(())
}

/// A value the user marks on a figure: their own model size or budget, with a
/// label (e.g. "our 13B" or "our budget").
#[derive(Debug, Clone, PartialEq)]
pub struct Mark<T> {
    /// What the mark is, shown beside it.
    pub label: String,
    /// Where it is (a [`Params`](crate::units::Params) or [`Flops`](crate::units::Flops)).
    pub at: T,
}

/// Pieces of a polyline (plot space).
pub(crate) type Runs = Vec<Vec<(f64, f64)>>;

/// A polyline split at the x interval `[a, b]` (plot space): the runs inside it
/// and the runs outside, each cut exactly where the line crosses `a` or `b`.
pub(crate) fn split_at_x(pts: &[(f64, f64)], a: f64, b: f64) -> (Runs, Runs) {
    // The line with its crossings of a and b inserted as vertices.
    let mut fine: Vec<(f64, f64)> = Vec::with_capacity(pts.len() + 4);
    for (i, &(x, y)) in pts.iter().enumerate() {
        if let Some(&(px, py)) = i.checked_sub(1).and_then(|j| pts.get(j)) {
            let mut cuts: Vec<f64> = [a, b]
                .iter()
                .filter(|&&c| c.is_finite() && (px - c) * (x - c) < 0.0)
                .map(|&c| (c - px) / (x - px))
                .collect();
            cuts.sort_by(f64::total_cmp);
            fine.extend(cuts.iter().map(|t| (px + t * (x - px), py + t * (y - py))));
        }
        fine.push((x, y));
    }
    // Consecutive segments on the same side (by their midpoint) form one run.
    let (mut ins, mut outs) = (Vec::new(), Vec::new());
    let mut cur: Vec<(f64, f64)> = Vec::new();
    let mut cur_in = false;
    for w in fine.windows(2) {
        let mid = (w[0].0 + w[1].0) / 2.0;
        let seg_in = mid >= a && mid <= b;
        if cur.is_empty() {
            cur = vec![w[0]];
            cur_in = seg_in;
        } else if seg_in != cur_in {
            let run = std::mem::replace(&mut cur, vec![w[0]]);
            if cur_in {
                ins.push(run);
            } else {
                outs.push(run);
            }
            cur_in = seg_in;
        }
        cur.push(w[1]);
    }
    if cur.len() > 1 {
        if cur_in {
            ins.push(cur);
        } else {
            outs.push(cur);
        }
    }
    (ins, outs)
}

/// Shades the x range from `from` to the plot's right edge (plot space) as
/// beyond the data, with `label` at its top.
pub(crate) fn shade_beyond(
    chart: &mut Chart<'_, '_>,
    from: f64,
    x: &Axis,
    y: &Axis,
    label: &str,
) -> Result<()> {
    if from >= x.hi {
        return Ok(());
    }
    let from = from.max(x.lo);
    chart
        .draw_series(std::iter::once(Rectangle::new(
            [(from, y.lo), (x.hi, y.hi)],
            BEYOND_DATA.filled(),
        )))
        .map_err(plot_err)?;
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(from, y.lo), (from, y.hi)],
            BEYOND_EDGE.stroke_width(1),
        )))
        .map_err(plot_err)?;
    let right = from + 0.01 * (x.hi - x.lo);
    chart
        .draw_series(std::iter::once(annotation(
            label,
            (right, y.hi - 0.01 * (y.hi - y.lo)),
            BEYOND_EDGE,
            (
                plotters::style::text_anchor::HPos::Left,
                plotters::style::text_anchor::VPos::Top,
            ),
        )))
        .map_err(plot_err)?;
    Ok(())
}

/// A user's vertical mark at `at` (plot space) with its label near the bottom.
pub(crate) fn vertical_mark(
    chart: &mut Chart<'_, '_>,
    at: f64,
    y: &Axis,
    x: &Axis,
    label: &str,
) -> Result<()> {
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(at, y.lo), (at, y.hi)],
            USER_MARK.stroke_width(2),
        )))
        .map_err(plot_err)?;
    // Left of the line when it is in the right half, so the label stays inside.
    let right_half = at > x.lo + 0.6 * (x.hi - x.lo);
    let dx = 0.008 * (x.hi - x.lo);
    let (tx, h) = if right_half {
        (at - dx, plotters::style::text_anchor::HPos::Right)
    } else {
        (at + dx, plotters::style::text_anchor::HPos::Left)
    };
    chart
        .draw_series(std::iter::once(annotation(
            label,
            (tx, y.lo + 0.03 * (y.hi - y.lo)),
            USER_MARK,
            (h, plotters::style::text_anchor::VPos::Bottom),
        )))
        .map_err(plot_err)?;
    Ok(())
}

/// Text at a plot-space position with an anchor.
pub(crate) fn annotation(
    text: &str,
    at: (f64, f64),
    color: RGBColor,
    anchor: (
        plotters::style::text_anchor::HPos,
        plotters::style::text_anchor::VPos,
    ),
) -> Text<'static, (f64, f64), String> {
    let mut style = TextStyle::from((FONT, LEGEND_SIZE).into_font())
        .pos(plotters::style::text_anchor::Pos::new(anchor.0, anchor.1));
    style.color = color.to_backend_color();
    Text::new(text.to_string(), at, style)
}

/// Errors unless `v` is finite; `what` names it.
pub(crate) fn finite(what: &'static str, v: f64) -> Result<f64> {
    if v.is_finite() {
        Ok(v)
    } else {
        Err(Error::InvalidValue {
            what,
            value: v,
            allowed: "plotted values must be finite",
        })
    }
}

/// Where the plotted data lies (plot space), to put the legend where it hides nothing.
pub(crate) struct Occupancy {
    pts: Vec<(f64, f64)>,
}

/// The legend's corner, and the y axis (possibly extended to make room for it).
pub(crate) struct LegendPlace {
    pub corner: SeriesLabelPosition,
    pub y: Axis,
}

impl Occupancy {
    pub fn new() -> Self {
        Occupancy { pts: Vec::new() }
    }

    /// A point in plot space.
    pub fn point(&mut self, p: (f64, f64)) {
        self.pts.push(p);
    }

    /// A polyline in plot space, densified so segments count where they pass.
    pub fn line(&mut self, pts: &[(f64, f64)]) {
        for w in pts.windows(2) {
            let (a, b) = (w[0], w[1]);
            for k in 0..8 {
                let t = k as f64 / 8.0;
                self.pts
                    .push((a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1)));
            }
        }
        if let Some(last) = pts.last() {
            self.point(*last);
        }
    }

    /// A rectangle in plot space (e.g. a text label), filled with sample points.
    pub fn rect(&mut self, (x0, y0): (f64, f64), (x1, y1): (f64, f64)) {
        for i in 0..=8 {
            for j in 0..=3 {
                self.pts.push((
                    x0 + (x1 - x0) * i as f64 / 8.0,
                    y0 + (y1 - y0) * j as f64 / 3.0,
                ));
            }
        }
    }

    /// Number of points inside the plot-space rectangle from `a` to `b`.
    pub fn count_in(&self, a: (f64, f64), b: (f64, f64)) -> usize {
        let (x0, x1) = (a.0.min(b.0), a.0.max(b.0));
        let (y0, y1) = (a.1.min(b.1), a.1.max(b.1));
        self.pts
            .iter()
            .filter(|(px, py)| *px >= x0 && *px <= x1 && *py >= y0 && *py <= y1)
            .count()
    }

    /// Number of points inside the box `xs` x `ys` (axis fractions).
    fn count(&self, x: &Axis, y: &Axis, xs: (f64, f64), ys: (f64, f64)) -> usize {
        self.pts
            .iter()
            .filter(|(px, py)| {
                let fx = (px - x.lo) / (x.hi - x.lo);
                let fy = (py - y.lo) / (y.hi - y.lo);
                fx >= xs.0 && fx <= xs.1 && fy >= ys.0 && fy <= ys.1
            })
            .count()
    }

    /// The corner whose legend-sized box covers the fewest points, and how many.
    fn best_corner(
        &self,
        x: &Axis,
        y: &Axis,
        legend: (f64, f64),
        plot: (f64, f64),
    ) -> (SeriesLabelPosition, usize) {
        let w = ((legend.0 + 14.0) / plot.0).min(1.0);
        let h = ((legend.1 + 14.0) / plot.1).min(1.0);
        let corners = [
            (
                SeriesLabelPosition::UpperRight,
                (1.0 - w, 1.0),
                (1.0 - h, 1.0),
            ),
            (SeriesLabelPosition::UpperLeft, (0.0, w), (1.0 - h, 1.0)),
            (SeriesLabelPosition::LowerLeft, (0.0, w), (0.0, h)),
            (SeriesLabelPosition::LowerRight, (1.0 - w, 1.0), (0.0, h)),
            (
                SeriesLabelPosition::UpperMiddle,
                (0.5 - w / 2.0, 0.5 + w / 2.0),
                (1.0 - h, 1.0),
            ),
        ];
        let mut best = (SeriesLabelPosition::UpperRight, usize::MAX);
        for (pos, xs, ys) in corners {
            let n = self.count(x, y, xs, ys);
            if n < best.1 {
                best = (pos, n);
            }
        }
        best
    }

    /// Places the legend: the emptiest corner; if every corner hides data, the
    /// y axis is extended (down or up, by up to 80% of its span) until one is
    /// empty, so the legend never covers a series.
    pub fn place_legend(
        &self,
        x: &Axis,
        y: &Axis,
        legend: (f64, f64),
        plot: (f64, f64),
    ) -> LegendPlace {
        self.place_legend_extending(x, y, legend, plot, true)
    }

    /// [`Occupancy::place_legend`], extending the y axis upwards only (when its
    /// lower end is a cut that must stay the plot's edge).
    pub fn place_legend_up(
        &self,
        x: &Axis,
        y: &Axis,
        legend: (f64, f64),
        plot: (f64, f64),
    ) -> LegendPlace {
        self.place_legend_extending(x, y, legend, plot, false)
    }

    fn place_legend_extending(
        &self,
        x: &Axis,
        y: &Axis,
        legend: (f64, f64),
        plot: (f64, f64),
        down: bool,
    ) -> LegendPlace {
        let (corner, n) = self.best_corner(x, y, legend, plot);
        if n == 0 {
            return LegendPlace {
                corner,
                y: y.clone(),
            };
        }
        let span = y.hi - y.lo;
        for k in 1..=8 {
            let extra = span * 0.1 * k as f64;
            let options = [(y.lo - extra, y.hi), (y.lo, y.hi + extra)];
            for &(lo, hi) in options.iter().skip(usize::from(!down)) {
                let y2 = Axis::from_range(lo, hi, y.scale, y.format, 0.0);
                let (corner, n) = self.best_corner(x, &y2, legend, plot);
                if n == 0 {
                    return LegendPlace { corner, y: y2 };
                }
            }
        }
        LegendPlace {
            corner,
            y: y.clone(),
        }
    }
}

/// The legend's approximate size in px for `labels` (plotters' own text estimate:
/// about 0.57 x font size per character).
pub(crate) fn legend_px<'l>(labels: impl IntoIterator<Item = &'l str>) -> (f64, f64) {
    let mut n = 0usize;
    let mut longest = 0usize;
    for l in labels {
        n += 1;
        longest = longest.max(l.chars().count());
    }
    // Measured on rendered legends: about 0.5 x font size per character and
    // 1.15 x font size per entry, plus the glyph and padding.
    let char_w = LEGEND_SIZE as f64 * 0.5;
    (
        longest as f64 * char_w + 34.0 + 24.0,
        n as f64 * (LEGEND_SIZE as f64 * 1.15) + 20.0,
    )
}

/// The plot area's approximate size in px for a figure of `size` (minus margins,
/// label areas and caption).
pub(crate) fn plot_px(size: (u32, u32)) -> (f64, f64) {
    (
        (f64::from(size.0) - 64.0 - 28.0).max(1.0),
        (f64::from(size.1) - 48.0 - 28.0 - 36.0).max(1.0),
    )
}

/// A polyline clipped to a horizontal window: the runs inside it, and the
/// points where it leaves the window (plot space).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct ClippedLine {
    /// The parts inside `[lo, hi]`, each with at least two points.
    pub runs: Vec<Vec<(f64, f64)>>,
    /// Where the line crosses out of the window (and whether it leaves below).
    pub exits: Vec<((f64, f64), bool)>,
}

/// Clips a polyline to `lo <= y <= hi`, splitting it where it leaves the window
/// and interpolating the crossing points.
pub(crate) fn clip_line(pts: &[(f64, f64)], lo: f64, hi: f64) -> ClippedLine {
    let inside = |y: f64| y >= lo && y <= hi;
    let mut out = ClippedLine::default();
    let mut cur: Vec<(f64, f64)> = Vec::new();
    for (i, &(x, y)) in pts.iter().enumerate() {
        if let Some(&(px, py)) = i.checked_sub(1).and_then(|j| pts.get(j)) {
            // Every boundary the segment crosses, in order along it.
            let mut cuts: Vec<(f64, f64)> = [lo, hi]
                .iter()
                .filter(|&&b| (py - b) * (y - b) < 0.0)
                .map(|&b| {
                    let t = (b - py) / (y - py);
                    (t, b)
                })
                .collect();
            cuts.sort_by(|a, b| a.0.total_cmp(&b.0));
            let mut was_in = inside(py);
            for (t, b) in cuts {
                let at = (px + t * (x - px), b);
                if was_in {
                    cur.push(at);
                    out.exits.push((at, b == lo));
                    out.runs.push(std::mem::take(&mut cur));
                } else {
                    cur.push(at);
                }
                was_in = !was_in;
            }
        }
        if inside(y) {
            cur.push((x, y));
        }
    }
    out.runs.push(cur);
    out.runs.retain(|r| r.len() > 1);
    out
}

/// Clips a polygon to `lo <= y <= hi` (Sutherland-Hodgman against both
/// boundaries); empty when nothing is inside.
pub(crate) fn clip_polygon(pts: &[(f64, f64)], lo: f64, hi: f64) -> Vec<(f64, f64)> {
    let clip = |poly: Vec<(f64, f64)>, keep: &dyn Fn(f64) -> bool, b: f64| {
        let mut out = Vec::with_capacity(poly.len() + 4);
        for (i, &cur) in poly.iter().enumerate() {
            let prev = poly[(i + poly.len() - 1) % poly.len()];
            let (cin, pin) = (keep(cur.1), keep(prev.1));
            if cin != pin {
                let t = (b - prev.1) / (cur.1 - prev.1);
                out.push((prev.0 + t * (cur.0 - prev.0), b));
            }
            if cin {
                out.push(cur);
            }
        }
        out
    };
    if pts.is_empty() {
        return Vec::new();
    }
    let above_lo = clip(pts.to_vec(), &|y| y >= lo, lo);
    if above_lo.is_empty() {
        return above_lo;
    }
    clip(above_lo, &|y| y <= hi, hi)
}

#[cfg(test)]
mod clip_tests {
    use super::*;

    #[test]
    fn split_at_x_cuts_exactly_at_the_interval() {
        let pts = [(0.0, 0.0), (2.0, 2.0), (4.0, 4.0), (6.0, 0.0)];
        let (ins, outs) = split_at_x(&pts, 1.0, 5.0);
        assert_eq!(
            ins,
            vec![vec![(1.0, 1.0), (2.0, 2.0), (4.0, 4.0), (5.0, 2.0)]]
        );
        assert_eq!(
            outs,
            vec![vec![(0.0, 0.0), (1.0, 1.0)], vec![(5.0, 2.0), (6.0, 0.0)]]
        );
        // An unbounded side, and a vertex exactly on the boundary.
        let (ins, outs) = split_at_x(&pts, f64::NEG_INFINITY, 4.0);
        assert_eq!(ins, vec![pts[..3].to_vec()]);
        assert_eq!(outs, vec![pts[2..].to_vec()]);
        // Entirely outside.
        let (ins, outs) = split_at_x(&pts, 7.0, 8.0);
        assert!(ins.is_empty());
        assert_eq!(outs, vec![pts.to_vec()]);
    }

    #[test]
    fn lines_are_cut_at_the_window_and_exits_recorded() {
        // In, down through lo, back up, up through hi.
        let pts = [(0.0, 1.0), (1.0, -1.0), (2.0, 1.0), (3.0, 3.0)];
        let c = clip_line(&pts, 0.0, 2.0);
        assert_eq!(c.runs.len(), 2);
        assert_eq!(c.runs[0], vec![(0.0, 1.0), (0.5, 0.0)]);
        assert_eq!(c.runs[1], vec![(1.5, 0.0), (2.0, 1.0), (2.5, 2.0)]);
        assert_eq!(c.exits, vec![((0.5, 0.0), true), ((2.5, 2.0), false)]);
        // A segment crossing the whole window enters and leaves.
        let c = clip_line(&[(0.0, 3.0), (1.0, -1.0)], 0.0, 2.0);
        assert_eq!(c.runs, vec![vec![(0.25, 2.0), (0.75, 0.0)]]);
        assert_eq!(c.exits, vec![((0.75, 0.0), true)]);
        // Entirely outside: nothing.
        assert!(clip_line(&[(0.0, 5.0), (1.0, 6.0)], 0.0, 2.0)
            .runs
            .is_empty());
    }

    #[test]
    fn polygons_are_cut_to_the_slab() {
        // A band from y 1..3 over x 0..1, clipped to 0..2: a 1 x 1 square.
        let poly = [(0.0, 3.0), (1.0, 3.0), (1.0, 1.0), (0.0, 1.0)];
        let c = clip_polygon(&poly, 0.0, 2.0);
        assert!(c.iter().all(|p| p.1 >= 0.0 && p.1 <= 2.0));
        let area = c
            .iter()
            .zip(c.iter().cycle().skip(1))
            .map(|(a, b)| a.0 * b.1 - b.0 * a.1)
            .sum::<f64>()
            .abs()
            / 2.0;
        assert!((area - 1.0).abs() < 1e-12, "{c:?}");
        assert!(clip_polygon(&poly, 5.0, 6.0).is_empty());
    }
}
