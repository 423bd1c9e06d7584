//! Rich display in notebooks: HTML with plain-text fallback, via evcxr's protocol.
//!
//! evcxr shows a cell's last expression by calling an inherent method
//! `evcxr_display(&self)` on it if one exists (it compiles `(expr).evcxr_display();`
//! and falls back to `Debug` when that does not compile). The method prints
//! blocks of the form
//!
//! ```text
//! EVCXR_BEGIN_CONTENT text/html
//! <table>...</table>
//! EVCXR_END_CONTENT
//! ```
//!
//! one per MIME type. No evcxr dependency is needed. isoflop's displayable types
//! implement [`HtmlDisplay`] and also have an inherent `evcxr_display`, so a
//! notebook needs no `use` line for display to work. The HTML is well-formed
//! XHTML with light inline CSS (notebooks strip `<style>` blocks in some viewers).

/// A type that can show itself as HTML (notebooks) and as aligned text (terminals).
///
/// ```
/// use isoflop::band::Band;
/// use isoflop::report::HtmlDisplay;
/// let b = Band { lo: 1.951, median: 1.962, hi: 1.973, level: 0.9 };
/// assert_eq!(b.text(), "1.962 [1.951, 1.973] 90%");
/// assert!(b.html().contains("1.962"));
/// ```
pub trait HtmlDisplay {
    /// An HTML fragment (well-formed XHTML, all text escaped).
    fn html(&self) -> String;

    /// Plain text that reads well in a terminal (aligned columns where tabular).
    fn text(&self) -> String;

    /// Both, as evcxr display blocks (`text/html` then `text/plain`).
    fn evcxr_content(&self) -> String {
        evcxr_blocks(&[("text/html", &self.html()), ("text/plain", &self.text())])
    }

    /// Prints [`HtmlDisplay::evcxr_content`]: what evcxr calls on a cell's last
    /// expression (the inherent methods of isoflop's types forward here).
    fn evcxr_display(&self) {
        println!("{}", self.evcxr_content());
    }
}

/// evcxr display blocks, one per (MIME type, content).
pub(crate) fn evcxr_blocks(blocks: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (i, (mime, content)) in blocks.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str("EVCXR_BEGIN_CONTENT ");
        out.push_str(mime);
        out.push('\n');
        out.push_str(content.trim_end_matches('\n'));
        out.push_str("\nEVCXR_END_CONTENT");
    }
    out
}

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Inline CSS shared by the HTML fragments.
pub(crate) mod css {
    /// The outer container.
    pub const BOX: &str = "font-family:sans-serif;font-size:13px;line-height:1.4;margin:4px 0";
    /// Tables.
    pub const TABLE: &str = "border-collapse:collapse;margin:4px 0";
    /// Table captions.
    pub const CAPTION: &str =
        "caption-side:top;text-align:left;font-weight:bold;padding:2px 0 6px 0";
    /// Header cells.
    pub const TH: &str =
        "border-bottom:2px solid #888;padding:3px 10px;text-align:left;vertical-align:bottom";
    /// The unit under a header.
    pub const UNIT: &str = "font-weight:normal;color:#666;font-size:11px";
    /// Text cells.
    pub const TD: &str = "border-bottom:1px solid #ddd;padding:3px 10px;text-align:left";
    /// Number cells.
    pub const TD_NUM: &str = "border-bottom:1px solid #ddd;padding:3px 10px;text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap";
    /// Warnings.
    pub const WARN: &str = "background:#fff3cd;color:#6b4400;border-left:3px solid #e0a800;padding:1px 6px;margin:1px 0;display:block";
    /// The band's interval and level, after the median.
    pub const BAND_RANGE: &str = "color:#555";
    /// Notes under a table.
    pub const NOTE: &str = "color:#555;font-size:12px;margin:2px 0";
}

/// Decimals that show a band's width (2 significant digits of it) and at least
/// 4 significant digits of its median, at most 6.
pub(crate) fn band_decimals(lo: f64, median: f64, hi: f64) -> usize {
    let sig = |x: f64, digits: i32| -> i32 {
        if x == 0.0 || !x.is_finite() {
            0
        } else {
            digits - 1 - x.abs().log10().floor() as i32
        }
    };
    let width = hi - lo;
    let from_median = sig(median, 4);
    let from_width = if width > 0.0 { sig(width, 2) } else { 0 };
    from_median.max(from_width).clamp(0, 6) as usize
}

/// "1.962 [1.951, 1.973] 90%" with [`band_decimals`].
pub(crate) fn band_text(b: &crate::band::Band) -> String {
    let p = band_decimals(b.lo, b.median, b.hi);
    format!("{:.p$}", b)
}

/// The band as HTML: the median in bold, then the interval and level.
pub(crate) fn band_html(b: &crate::band::Band) -> String {
    let p = band_decimals(b.lo, b.median, b.hi);
    format!(
        "<b>{:.p$}</b> <span style=\"{}\">[{:.p$}, {:.p$}] {:.0}%</span>",
        b.median,
        css::BAND_RANGE,
        b.lo,
        b.hi,
        b.level * 100.0
    )
}

/// A warning line in HTML.
pub(crate) fn warning_html(text: &str) -> String {
    format!(
        "<span style=\"{}\">&#9888; {}</span>",
        css::WARN,
        escape(text)
    )
}

/// Formats `x` with at most `sig` significant digits (trailing zeros dropped),
/// without exponent for ordinary magnitudes.
pub(crate) fn sig_digits(x: f64, sig: usize) -> String {
    if !x.is_finite() {
        return format!("{x}");
    }
    if x == 0.0 {
        return "0".into();
    }
    let mag = x.abs().log10().floor() as i32;
    if !(-4..=6).contains(&mag) {
        return format!("{:.*e}", sig.saturating_sub(1), x);
    }
    let decimals = (sig as i32 - 1 - mag).max(0) as usize;
    let s = format!("{x:.decimals$}");
    // Trailing zeros would claim precision the value does not have (1.69, not 1.6900).
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn blocks_follow_the_protocol() {
        let s = evcxr_blocks(&[("text/html", "<b>x</b>\n"), ("text/plain", "x")]);
        assert_eq!(
            s,
            "EVCXR_BEGIN_CONTENT text/html\n<b>x</b>\nEVCXR_END_CONTENT\nEVCXR_BEGIN_CONTENT text/plain\nx\nEVCXR_END_CONTENT"
        );
    }

    #[test]
    fn band_decimals_show_the_width() {
        assert_eq!(band_decimals(1.951, 1.962, 1.973), 3);
        assert_eq!(band_decimals(1.9367, 1.9367, 1.9367), 3);
        assert_eq!(band_decimals(1.9600, 1.9612, 1.9625), 4);
        assert_eq!(band_decimals(380.0, 406.4, 430.0), 1);
    }

    #[test]
    fn significant_digits() {
        assert_eq!(sig_digits(406.4, 4), "406.4");
        assert_eq!(sig_digits(0.33917084, 4), "0.3392");
        assert_eq!(sig_digits(5.76e23, 3), "5.76e23");
        assert_eq!(sig_digits(1.69, 5), "1.69");
        assert_eq!(sig_digits(400.0, 5), "400");
    }
}
