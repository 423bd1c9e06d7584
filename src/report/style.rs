//! The look shared by every figure: size, fonts, colours and line styles.
//!
//! plotters 0.3 cannot dash a line with an SVG `stroke-dasharray`, and its
//! `DashedLineSeries` breaks a line into hundreds of segments (which look
//! ragged on curves and bloat the file). isoflop instead draws each series as
//! one solid polyline in a colour that identifies its line style (the model's
//! colour with the low bits of its blue channel set to the style's index, an
//! invisible change), then [`apply_dashes`] adds the dash pattern to exactly
//! those polylines. The legend's glyphs are polylines of the same colour, so
//! they are dashed the same way.

use plotters::style::RGBColor;

/// Default figure size in pixels: readable at a notebook's width.
pub const DEFAULT_SIZE: (u32, u32) = (800, 500);

/// Font family for all text (generic, so no system font is needed).
pub(crate) const FONT: &str = "sans-serif";
/// Caption (title) font size, in plotters' units (the SVG gets size / 1.24 px).
pub(crate) const TITLE_SIZE: u32 = 22;
/// Axis description font size.
pub(crate) const AXIS_DESC_SIZE: u32 = 17;
/// Tick-label font size.
pub(crate) const TICK_SIZE: u32 = 14;
/// Legend and annotation font size.
pub(crate) const LEGEND_SIZE: u32 = 14;

/// Colours for up to eight series (the tab10 palette, which LLaMA's Figure 1
/// also uses, so 7B is blue and 65B red as in the paper). Every pair differs in
/// its red or green channel, which keeps the style-tagged colours unique.
pub(crate) const PALETTE: [RGBColor; 8] = [
    RGBColor(31, 119, 180),  // blue
    RGBColor(255, 127, 14),  // orange
    RGBColor(44, 160, 44),   // green
    RGBColor(214, 39, 40),   // red
    RGBColor(148, 103, 189), // purple
    RGBColor(140, 86, 75),   // brown
    RGBColor(227, 119, 194), // pink
    RGBColor(23, 190, 207),  // cyan
];

/// Neutral colour for legend glyphs that stand for a line style, not a series.
pub(crate) const NEUTRAL: RGBColor = RGBColor(90, 90, 90);
/// Colour of reference lines (e.g. the 65B's final loss).
pub(crate) const REFERENCE: RGBColor = RGBColor(60, 60, 60);
/// Colour of the compute-optimal frontier and of highlighted points.
pub(crate) const EMPHASIS: RGBColor = RGBColor(20, 20, 20);

/// Fill of the region beyond the fitted data (extrapolation).
pub(crate) const BEYOND_DATA: RGBColor = RGBColor(236, 236, 236);
/// Edge and label colour of the region beyond the fitted data.
pub(crate) const BEYOND_EDGE: RGBColor = RGBColor(110, 110, 110);
/// Colour of the marks a user puts on a figure (their own model or budget).
pub(crate) const USER_MARK: RGBColor = RGBColor(120, 30, 130);
/// The style index of extrapolated parts of a curve (dotted).
pub(crate) const EXTRAPOLATED_STYLE: usize = 2;

/// Dash patterns (SVG `stroke-dasharray`) by style index; index 0 is solid.
/// Indices 1..=6 are for hypotheses, 7 is for markers (budget lines).
pub(crate) const DASHES: [Option<&str>; 8] = [
    None,
    Some("10 5"),
    Some("2 4"),
    Some("12 4 3 4"),
    Some("6 3"),
    Some("18 5"),
    Some("3 3 10 3"),
    Some("1 4"),
];

/// Number of distinct hypothesis line styles (indices 1..=6 of [`DASHES`]).
pub(crate) const HYPOTHESIS_STYLES: usize = 6;
/// The style index used for marker lines (budgets, references).
pub(crate) const MARKER_STYLE: usize = 7;
/// The style index used for reference lines.
pub(crate) const REFERENCE_STYLE: usize = 1;

/// `base` tagged with line style `style` (0..8): the blue channel's low three
/// bits are replaced, which changes the colour by at most 7/255.
pub(crate) fn styled(base: RGBColor, style: usize) -> RGBColor {
    let RGBColor(r, g, b) = base;
    RGBColor(r, g, (b & !7) | (style as u8 & 7))
}

/// `#RRGGBB` as the SVG backend writes it.
pub(crate) fn hex(c: RGBColor) -> String {
    format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

/// Adds `stroke-dasharray` to every `<polyline>`/`<line>` whose stroke is one of
/// `dashed` (colour, pattern). The SVG backend writes one element per line.
pub(crate) fn apply_dashes(svg: &str, dashed: &[(RGBColor, &str)]) -> String {
    let keys: Vec<(String, &str)> = dashed.iter().map(|(c, p)| (hex(*c), *p)).collect();
    let mut out = String::with_capacity(svg.len() + 64 * keys.len());
    for line in svg.split_inclusive('\n') {
        let tag = if line.starts_with("<polyline ") {
            Some("<polyline ")
        } else if line.starts_with("<line ") {
            Some("<line ")
        } else {
            None
        };
        let pattern = tag.and_then(|_| {
            keys.iter()
                .find(|(h, _)| line.contains(&format!("stroke=\"{h}\"")))
                .map(|(_, p)| *p)
        });
        match (tag, pattern) {
            (Some(t), Some(p)) => {
                out.push_str(t);
                out.push_str(&format!(
                    "stroke-dasharray=\"{p}\" stroke-linecap=\"butt\" "
                ));
                out.push_str(&line[t.len()..]);
            }
            _ => out.push_str(line),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn styled_colours_are_unique_across_palette_and_styles() {
        let mut seen = std::collections::HashSet::new();
        for base in
            PALETTE
                .iter()
                .chain([&NEUTRAL, &REFERENCE, &EMPHASIS, &BEYOND_EDGE, &USER_MARK])
        {
            for s in 0..8 {
                assert!(seen.insert(hex(styled(*base, s))), "{base:?} {s}");
            }
        }
    }

    #[test]
    fn dashes_only_the_tagged_polylines() {
        let c = styled(PALETTE[0], 2);
        let svg = format!(
            "<svg>\n<polyline fill=\"none\" stroke=\"{}\" points=\"0,0 1,1\"/>\n<polyline stroke=\"#000000\"/>\n</svg>\n",
            hex(c)
        );
        let out = apply_dashes(&svg, &[(c, "2 4")]);
        assert_eq!(out.matches("stroke-dasharray=\"2 4\"").count(), 1);
        assert!(out.contains("<polyline stroke=\"#000000\"/>"));
    }
}
