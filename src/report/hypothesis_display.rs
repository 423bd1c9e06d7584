//! Notebook and terminal display of every hypothesis (curve continuations,
//! calibrated laws, Kaplan's and the data-constrained law), and `Display` for the
//! result types whose terminal form is their [`HtmlDisplay::text`].

use super::display::{caveat_texts, uncertainty_text};
use super::html::{css, escape, warning_html, HtmlDisplay};
use crate::fit::{Bootstrap, FitResult};
use crate::law::{
    Calibrated, ChinchillaHypothesis, ChinchillaLaw, Continuation, DataConstrainedHypothesis,
    KaplanHypothesis, LossHypothesis,
};
use crate::query::{OptimalSplit, Overhead, Probability, TokensToReach};
use crate::runs::PublishedRun;
use std::fmt;

/// The facts every hypothesis states: id, assumption, source, evidence, uncertainty
/// and standing caveats.
fn card_lines(h: &dyn LossHypothesis) -> (Vec<(&'static str, String)>, Vec<String>) {
    let lines = vec![
        ("assumption", h.assumption()),
        ("source", h.source()),
        ("evidence", h.evidence().description.clone()),
        ("uncertainty", uncertainty_text(h)),
    ];
    (lines, caveat_texts(h))
}

/// A hypothesis as an HTML card.
pub(crate) fn hypothesis_html(h: &dyn LossHypothesis) -> String {
    let (lines, warnings) = card_lines(h);
    let mut s = format!(
        "<div style=\"{}\"><div><b>{}</b></div>",
        css::BOX,
        escape(&h.id())
    );
    for (k, v) in lines {
        s.push_str(&format!(
            "<div><span style=\"{}\">{k}:</span> {}</div>",
            css::BAND_RANGE,
            escape(&v)
        ));
    }
    for w in warnings {
        s.push_str(&warning_html(&w));
    }
    s.push_str("</div>");
    s
}

/// A hypothesis as text.
pub(crate) fn hypothesis_text(h: &dyn LossHypothesis) -> String {
    let (lines, warnings) = card_lines(h);
    let mut s = h.id();
    for (k, v) in lines {
        s.push_str(&format!("\n  {k}: {v}"));
    }
    for w in warnings {
        s.push_str(&format!("\n  warning: {w}"));
    }
    s
}

macro_rules! hypothesis_display {
    ($($t:ty),*) => {$(
        impl HtmlDisplay for $t {
            fn html(&self) -> String {
                hypothesis_html(self)
            }
            fn text(&self) -> String {
                hypothesis_text(self)
            }
        }

        impl $t {
            /// Shows the hypothesis in an evcxr notebook: id, assumption, source,
            /// evidence, uncertainty and standing caveats.
            pub fn evcxr_display(&self) {
                HtmlDisplay::evcxr_display(self)
            }
        }

        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&hypothesis_text(self))
            }
        }
    )*};
}

hypothesis_display!(Continuation, KaplanHypothesis, DataConstrainedHypothesis);

impl<H: ?Sized + LossHypothesis> HtmlDisplay for Calibrated<H> {
    fn html(&self) -> String {
        hypothesis_html(self)
    }
    fn text(&self) -> String {
        hypothesis_text(self)
    }
}

impl<H: ?Sized + LossHypothesis> Calibrated<H> {
    /// Shows the calibrated hypothesis in an evcxr notebook: id, assumption, source,
    /// evidence, uncertainty and standing caveats.
    pub fn evcxr_display(&self) {
        HtmlDisplay::evcxr_display(self)
    }
}

impl<H: ?Sized + LossHypothesis> fmt::Display for Calibrated<H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hypothesis_text(self))
    }
}

/// `Display` as the type's aligned terminal text ([`HtmlDisplay::text`]).
macro_rules! display_as_text {
    ($($t:ty),*) => {$(
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(HtmlDisplay::text(self).trim_end_matches('\n'))
            }
        }
    )*};
}

display_as_text!(
    ChinchillaLaw,
    ChinchillaHypothesis,
    FitResult,
    Bootstrap,
    OptimalSplit,
    TokensToReach,
    Overhead,
    Probability,
    PublishedRun,
    crate::cluster::Cluster,
    super::Budget
);
