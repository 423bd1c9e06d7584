//! Notebook and terminal display of the crate's own types: [`Band`],
//! [`Prediction`], [`ChinchillaLaw`] and [`ChinchillaHypothesis`].
//!
//! The inherent `evcxr_display` methods live here, not beside the types: an
//! inherent `impl` may appear in any module of the defining crate, and keeping
//! them here means no lower layer imports display code.

use super::html::{band_html, band_text, css, escape, sig_digits, warning_html, HtmlDisplay};
use super::table::{Cell, Column, Table};
use crate::band::{Band, DEFAULT_LEVEL};
use crate::error::Result;
use crate::law::{ChinchillaHypothesis, ChinchillaLaw, LossHypothesis, Uncertainty};
use crate::prediction::Prediction;

impl HtmlDisplay for Band {
    fn html(&self) -> String {
        format!("<span style=\"{}\">{}</span>", css::BOX, band_html(self))
    }

    fn text(&self) -> String {
        band_text(self)
    }
}

impl Band {
    /// Shows the band in an evcxr notebook: "1.962 [1.951, 1.973] 90%".
    pub fn evcxr_display(&self) {
        HtmlDisplay::evcxr_display(self)
    }
}

impl HtmlDisplay for Prediction {
    fn html(&self) -> String {
        let mut s = format!(
            "<div style=\"{}\"><div><b>{}</b></div><div>loss {} nats/token <span style=\"{}\">(point estimate {:.4})</span></div>",
            css::BOX,
            escape(&self.hypothesis),
            band_html(&self.loss),
            css::BAND_RANGE,
            self.point
        );
        s.push_str(&format!(
            "<div>N = {} parameters, D = {} tokens ({:.1} tokens/parameter), C = {} FLOPs</div>",
            escape(&self.params.to_string()),
            escape(&self.tokens.to_string()),
            self.tokens.per_param(self.params),
            escape(&self.flops.to_string())
        ));
        s.push_str(&format!(
            "<div style=\"{}\">extrapolation: {}</div>",
            css::BAND_RANGE,
            escape(&self.extrapolation.description)
        ));
        for w in &self.warnings {
            s.push_str(&warning_html(&w.to_string()));
        }
        s.push_str("</div>");
        s
    }

    fn text(&self) -> String {
        let mut s = format!(
            "{}: loss {} nats/token (point estimate {:.4})\n  N = {}, D = {} ({:.1} tokens/parameter), C = {} FLOPs\n  extrapolation: {}",
            self.hypothesis,
            band_text(&self.loss),
            self.point,
            self.params,
            self.tokens,
            self.tokens.per_param(self.params),
            self.flops,
            self.extrapolation.description
        );
        for w in &self.warnings {
            s.push_str(&format!("\n  warning: {w}"));
        }
        s
    }
}

impl Prediction {
    /// Shows the prediction in an evcxr notebook: value, band, budget, warnings.
    pub fn evcxr_display(&self) {
        HtmlDisplay::evcxr_display(self)
    }
}

/// The law's parameters (and derived exponents) as a table; with `draws`, each
/// parameter also gets its band over the draws.
pub(crate) fn law_table(
    title: &str,
    law: &ChinchillaLaw,
    draws: &[ChinchillaLaw],
) -> Result<Table> {
    let with_bands = !draws.is_empty();
    let mut columns = vec![Column::new("parameter"), Column::new("value")];
    if with_bands {
        columns.push(Column::new(format!("band over {} draws", draws.len())));
    }
    columns.push(Column::new("meaning"));
    let mut t = Table::new(title, columns)?;
    type Getter = fn(&ChinchillaLaw) -> f64;
    let rows: [(&str, Getter, &str); 7] = [
        ("E", |l| l.e(), "irreducible loss, nats/token"),
        ("A", |l| l.a(), "coefficient of the size term"),
        ("B", |l| l.b(), "coefficient of the data term"),
        ("α", |l| l.alpha(), "size exponent"),
        ("β", |l| l.beta(), "data exponent"),
        (
            "a = β/(α+β)",
            |l| l.beta() / (l.alpha() + l.beta()),
            "N_opt ∝ C^a (Eq. 4)",
        ),
        (
            "b = α/(α+β)",
            |l| l.alpha() / (l.alpha() + l.beta()),
            "D_opt ∝ C^b (Eq. 4)",
        ),
    ];
    let mut buf = Vec::with_capacity(draws.len());
    for (name, get, meaning) in rows {
        let mut cells = vec![Cell::text(name), Cell::Number(sig_digits(get(law), 5))];
        if with_bands {
            buf.clear();
            buf.extend(draws.iter().map(get));
            cells.push(match Band::from_draws(&mut buf, DEFAULT_LEVEL) {
                Ok(b) => Cell::band(b),
                Err(e) => Cell::warning_texts([e.to_string()]),
            });
        }
        cells.push(Cell::text(meaning));
        t.push_row(cells)?;
    }
    Ok(t)
}

/// The table's HTML, or the error that prevented it (highlighted).
pub(crate) fn table_html(t: Result<Table>) -> String {
    match t {
        Ok(t) => t.html(),
        Err(e) => warning_html(&e.to_string()),
    }
}

/// The table's text, or the error that prevented it.
pub(crate) fn table_text(t: Result<Table>) -> String {
    match t {
        Ok(t) => t.to_string(),
        Err(e) => format!("error: {e}\n"),
    }
}

pub(crate) const FORMULA: &str = "L(N, D) = E + A/N^α + B/D^β (Hoffmann et al. 2022, Eq. 2)";

impl HtmlDisplay for ChinchillaLaw {
    fn html(&self) -> String {
        format!(
            "<div style=\"{}\"><div>{}</div>{}</div>",
            css::BOX,
            escape(FORMULA),
            table_html(law_table("Chinchilla law", self, &[]))
        )
    }

    fn text(&self) -> String {
        format!(
            "{FORMULA}\n{}",
            table_text(law_table("Chinchilla law", self, &[]))
        )
    }
}

impl ChinchillaLaw {
    /// Shows the law's parameters in an evcxr notebook.
    pub fn evcxr_display(&self) {
        HtmlDisplay::evcxr_display(self)
    }
}

/// The hypothesis' standing caveats, as the warnings its predictions carry.
pub(crate) fn caveat_texts(h: &dyn LossHypothesis) -> Vec<String> {
    crate::query::caveat_warnings(h)
        .map(|w| w.to_string())
        .collect()
}

pub(crate) fn uncertainty_text(h: &dyn LossHypothesis) -> String {
    match h.uncertainty() {
        Uncertainty::None => {
            "none published: predictions get a zero-width band and a warning".into()
        }
        Uncertainty::Bootstrap => format!("{} bootstrap refits", h.draw_count()),
        Uncertainty::Covariance => {
            format!("{} draws from the parameter covariance", h.draw_count())
        }
        Uncertainty::BlockBootstrap => format!("{} block-bootstrap draws", h.draw_count()),
        Uncertainty::Backtest => format!("{} draws calibrated on backtests", h.draw_count()),
    }
}

impl HtmlDisplay for ChinchillaHypothesis {
    fn html(&self) -> String {
        let mut s = format!(
            "<div style=\"{}\"><div><b>{}</b>: {}</div><div style=\"{}\">{}</div><div>source: {}</div><div>evidence: {}</div><div>uncertainty: {}</div>",
            css::BOX,
            escape(&self.id()),
            escape(FORMULA),
            css::BAND_RANGE,
            escape(&self.assumption()),
            escape(&self.source()),
            escape(&self.evidence().description),
            escape(&uncertainty_text(self)),
        );
        if self.uncertainty() == Uncertainty::None {
            s.push_str(&warning_html(
                "no published uncertainty: bands from this hypothesis have zero width, not zero error",
            ));
        }
        for w in caveat_texts(self) {
            s.push_str(&warning_html(&w));
        }
        s.push_str(&table_html(law_table(&self.id(), self.law(), self.draws())));
        s.push_str("</div>");
        s
    }

    fn text(&self) -> String {
        let mut s = format!(
            "{}: {FORMULA}\n  {}\n  source: {}\n  evidence: {}\n  uncertainty: {}\n",
            self.id(),
            self.assumption(),
            self.source(),
            self.evidence().description,
            uncertainty_text(self)
        );
        if self.uncertainty() == Uncertainty::None {
            s.push_str("  warning: no published uncertainty: bands from this hypothesis have zero width, not zero error\n");
        }
        for w in caveat_texts(self) {
            s.push_str(&format!("  warning: {w}\n"));
        }
        s.push_str(&table_text(law_table(&self.id(), self.law(), self.draws())));
        s
    }
}

impl ChinchillaHypothesis {
    /// Shows the hypothesis (source, assumption, parameters and their bands) in an evcxr notebook.
    pub fn evcxr_display(&self) {
        HtmlDisplay::evcxr_display(self)
    }
}
