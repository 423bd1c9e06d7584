//! Rich display of lifetime answers: [`LifetimeOptimum`], [`BreakEven`],
//! [`LifetimeCostOptimum`] and [`LifetimeBudget`].

use super::html::{css, escape, HtmlDisplay};
use crate::lifetime::LifetimeBudget;
use crate::query::{BreakEven, LifetimeCostOptimum, LifetimeOptimum};

/// HTML of a multi-line text: a box, one line per row, escaped.
fn lines_html(text: &str) -> String {
    let mut s = format!("<div style=\"{}\">", css::BOX);
    for (i, line) in text.lines().enumerate() {
        if i == 0 {
            s.push_str(&format!("<div><b>{}</b></div>", escape(line)));
        } else {
            s.push_str(&format!("<div>{}</div>", escape(line.trim_start())));
        }
    }
    s.push_str("</div>");
    s
}

macro_rules! text_display {
    ($($t:ty),*) => {$(
        impl HtmlDisplay for $t {
            fn html(&self) -> String {
                lines_html(&self.to_string())
            }
            fn text(&self) -> String {
                self.to_string()
            }
        }
        impl $t {
            /// Shows it in an evcxr notebook (HTML, with a text fallback).
            pub fn evcxr_display(&self) {
                HtmlDisplay::evcxr_display(self)
            }
        }
    )*};
}

text_display!(
    LifetimeOptimum,
    BreakEven,
    LifetimeCostOptimum,
    LifetimeBudget
);
