//! Notebook and terminal display of query answers: [`Comparison`],
//! [`TokensToReach`], [`OptimalSplit`], [`Overhead`] and [`Probability`].

use super::html::{band_html, band_text, css, escape, sig_digits, warning_html, HtmlDisplay};
use super::table::{Cell, Column, Table};
use crate::band::Band;
use crate::prediction::Warning;
use crate::query::{Answer, Comparison, OptimalSplit, Overhead, Probability, TokensToReach};
use crate::units::{Params, Tokens};

/// A band of a quantity in its own display style: "13.6T [9.12T, 20.3T] 90%".
pub(crate) fn quantity_band(b: &Band, show: impl Fn(f64) -> String) -> String {
    format!(
        "{} [{}, {}] {:.0}%",
        show(b.median),
        show(b.lo),
        show(b.hi),
        b.level * 100.0
    )
}

fn tokens_text(v: f64) -> String {
    Tokens::new(v).map_or_else(|_| sig_digits(v, 3), |t| t.to_string())
}

fn params_text(v: f64) -> String {
    Params::new(v).map_or_else(|_| sig_digits(v, 3), |n| n.to_string())
}

fn warning_texts(ws: &[Warning]) -> Vec<String> {
    ws.iter().map(ToString::to_string).collect()
}

fn warnings_html(ws: &[String]) -> String {
    ws.iter().map(|w| warning_html(w)).collect()
}

fn warnings_text(ws: &[String]) -> String {
    ws.iter().map(|w| format!("\n  warning: {w}")).collect()
}

/// The comparison as a table: one row per hypothesis with its band, point
/// estimate, extrapolation and warnings; a hypothesis that declined shows
/// "declined" and why. Loss questions get loss columns, token questions token
/// columns.
///
/// ```
/// use isoflop::law::{ChinchillaHypothesis, LossHypothesis};
/// use isoflop::query::{compare, Question};
/// use isoflop::report::{comparison_table, HtmlDisplay};
/// let hs: Vec<Box<dyn LossHypothesis>> = vec![Box::new(ChinchillaHypothesis::hoffmann2022())];
/// let q = Question::LossAt { params: "6.7B".parse()?, tokens: "13.6T".parse()? };
/// let t = comparison_table(&compare(&hs, q, 0.9)?);
/// assert!(t.text().contains("chinchilla-hoffmann2022"));
/// # Ok::<(), isoflop::Error>(())
/// ```
pub fn comparison_table(c: &Comparison) -> Table {
    let tokens_question = c.rows.iter().any(|r| matches!(r.answer, Answer::Tokens(_)));
    let title = format!("{} ({:.0}% bands)", c.question, c.level * 100.0);
    let mut t = if tokens_question {
        Table::fixed(
            title,
            vec![
                Column::new("hypothesis"),
                Column::new("corpus"),
                Column::with_unit("tokens", "point estimate"),
                Column::with_unit("tokens band", "over the draws"),
                Column::with_unit("compute", "FLOPs"),
                Column::new("reachable"),
                Column::new("warnings"),
            ],
        )
    } else {
        Table::fixed(
            title,
            vec![
                Column::new("hypothesis"),
                Column::with_unit("corpus", "loss scale"),
                Column::with_unit("loss", "nats/token"),
                Column::with_unit("point estimate", "nats/token"),
                Column::new("extrapolation"),
                Column::new("warnings"),
            ],
        )
    };
    for r in &c.rows {
        let name = Cell::text(&r.hypothesis);
        let corpus = Cell::text(&r.corpus);
        let row = match &r.answer {
            Answer::Loss(p) => vec![
                name,
                corpus,
                Cell::band(p.loss),
                Cell::number(p.point, 4),
                Cell::text(&p.extrapolation.description),
                Cell::warnings(&p.warnings),
            ],
            Answer::Tokens(x) => vec![
                name,
                corpus,
                Cell::quantity(x.tokens),
                x.tokens_band.map_or(Cell::Empty, |b| {
                    Cell::Number(quantity_band(&b, tokens_text))
                }),
                Cell::quantity(x.flops),
                if x.draws == 0 {
                    Cell::text("no draws")
                } else {
                    Cell::Number(format!("{:.0}%", 100.0 * x.reachable_fraction))
                },
                Cell::warnings(&x.warnings),
            ],
            Answer::Declined { reason } => {
                let mut row = vec![name, corpus, Cell::text("declined")];
                row.resize(t.columns().len() - 1, Cell::Empty);
                row.push(Cell::warning_texts([format!("declined: {reason}")]));
                row
            }
        };
        t.push_fitted(row);
    }
    let declined = c
        .rows
        .iter()
        .filter(|r| matches!(r.answer, Answer::Declined { .. }))
        .count();
    let mut corpora: Vec<&str> = c.rows.iter().map(|r| r.corpus.as_str()).collect();
    corpora.sort_unstable();
    corpora.dedup();
    if corpora.len() > 1 {
        t.push_note(format!(
            "The rows are on {} different corpora ({}): losses on different corpora are not comparable number for number.",
            corpora.len(),
            corpora.join(", ")
        ));
    }
    if declined > 0 {
        t.push_note(format!(
            "{declined} of {} hypotheses declined to answer (reason in the warnings column).",
            c.rows.len()
        ));
    }
    t
}

impl HtmlDisplay for Comparison {
    fn html(&self) -> String {
        comparison_table(self).html()
    }

    fn text(&self) -> String {
        comparison_table(self).to_string()
    }
}

impl Comparison {
    /// Shows the comparison in an evcxr notebook: one row per hypothesis, with
    /// bands, warnings and the rows that declined.
    pub fn evcxr_display(&self) {
        HtmlDisplay::evcxr_display(self)
    }
}

impl HtmlDisplay for TokensToReach {
    fn html(&self) -> String {
        format!(
            "<div style=\"{}\"><div><b>{}</b>: {} model reaches a loss of {} nats/token after</div>\
             <div><b>{}</b> tokens <span style=\"{}\">({})</span>, C = 6ND = {} FLOPs</div>\
             <div style=\"{}\">{}extrapolation: {}</div>{}</div>",
            css::BOX,
            escape(&self.hypothesis),
            escape(&self.params.with_article()),
            sig_digits(self.target, 4),
            escape(&self.tokens.to_string()),
            css::BAND_RANGE,
            escape(&tokens_band_text(self)),
            escape(&self.flops.to_string()),
            css::BAND_RANGE,
            escape(&reachable_text(self)),
            escape(&self.extrapolation.description),
            warnings_html(&warning_texts(&self.warnings)),
        )
    }

    fn text(&self) -> String {
        format!(
            "{}: {} model reaches a loss of {} nats/token after {} tokens ({}), C = {} FLOPs\n  {}extrapolation: {}{}",
            self.hypothesis,
            self.params.with_article(),
            sig_digits(self.target, 4),
            self.tokens,
            tokens_band_text(self),
            self.flops,
            reachable_text(self),
            self.extrapolation.description,
            warnings_text(&warning_texts(&self.warnings)),
        )
    }
}

/// "band 13.6T [9.12T, 20.3T] 90%", or why there is none.
fn tokens_band_text(t: &TokensToReach) -> String {
    match (&t.tokens_band, t.draws) {
        (Some(b), _) => format!("band {}", quantity_band(b, tokens_text)),
        (None, 0) => "no band: point estimate only, no parameter draws".to_string(),
        (None, k) => format!("no band: none of the {k} parameter draws reaches the target"),
    }
}

/// "target reachable under 97.5% of 200 parameter draws; " (nothing without draws).
fn reachable_text(t: &TokensToReach) -> String {
    if t.draws == 0 {
        String::new()
    } else {
        format!(
            "target reachable under {:.1}% of {} parameter draws; ",
            100.0 * t.reachable_fraction,
            t.draws
        )
    }
}

impl TokensToReach {
    /// Shows the answer in an evcxr notebook: tokens, band, compute, warnings.
    pub fn evcxr_display(&self) {
        HtmlDisplay::evcxr_display(self)
    }
}

fn optimal_table(s: &OptimalSplit) -> Table {
    let mut t = Table::fixed(
        format!(
            "Compute-optimal split of {} FLOPs under {}",
            s.flops, s.hypothesis
        ),
        vec![
            Column::new("quantity"),
            Column::new("point estimate"),
            Column::new("band over the draws"),
        ],
    );
    let none = || Cell::text("none (no draws)");
    t.push_fitted(vec![
        Cell::text("model size N (parameters)"),
        Cell::quantity(s.params),
        s.params_band
            .map_or_else(none, |b| Cell::Number(quantity_band(&b, params_text))),
    ]);
    t.push_fitted(vec![
        Cell::text("training tokens D"),
        Cell::quantity(s.tokens),
        s.tokens_band
            .map_or_else(none, |b| Cell::Number(quantity_band(&b, tokens_text))),
    ]);
    t.push_fitted(vec![
        Cell::text("tokens per parameter"),
        Cell::number(s.tokens_per_param, 1),
        Cell::Empty,
    ]);
    t.push_fitted(vec![
        Cell::text("loss at the optimum (nats/token)"),
        Cell::number(s.loss.point, 4),
        Cell::band(s.loss.loss),
    ]);
    t.push_note("Hoffmann et al. 2022, Eq. 4: N_opt = G (C/6)^(β/(α+β)), D_opt = C / 6N_opt.");
    t
}

impl HtmlDisplay for OptimalSplit {
    fn html(&self) -> String {
        format!(
            "<div style=\"{}\">{}{}</div>",
            css::BOX,
            optimal_table(self).html(),
            warnings_html(&warning_texts(&self.loss.warnings))
        )
    }

    fn text(&self) -> String {
        format!(
            "{}{}",
            optimal_table(self),
            warnings_text(&warning_texts(&self.loss.warnings)).trim_start_matches('\n')
        )
    }
}

impl OptimalSplit {
    /// Shows the split in an evcxr notebook: N and D with bands, the loss there.
    pub fn evcxr_display(&self) {
        HtmlDisplay::evcxr_display(self)
    }
}

impl HtmlDisplay for Overhead {
    fn html(&self) -> String {
        let band = self.overhead_band.map_or_else(
            || "no band".to_string(),
            |b| {
                let pct = Band {
                    lo: 100.0 * b.lo,
                    median: 100.0 * b.median,
                    hi: 100.0 * b.hi,
                    level: b.level,
                };
                band_html(&pct)
            },
        );
        format!(
            "<div style=\"{}\"><div><b>{}</b>: a model {} x the compute-optimal size needs {:.3} x the data</div>\
             <div>compute overhead <b>{:.2}%</b> <span style=\"{}\">(band, %: </span>{}<span style=\"{}\">)</span> (de Vries 2023)</div>{}</div>",
            css::BOX,
            escape(&self.hypothesis),
            sig_digits(self.k_n, 3),
            self.k_d,
            100.0 * self.overhead,
            css::BAND_RANGE,
            band,
            css::BAND_RANGE,
            warnings_html(&warning_texts(&self.warnings)),
        )
    }

    fn text(&self) -> String {
        let band = self.overhead_band.map_or_else(
            || "none".to_string(),
            |b| {
                band_text(&Band {
                    lo: 100.0 * b.lo,
                    median: 100.0 * b.median,
                    hi: 100.0 * b.hi,
                    level: b.level,
                })
            },
        );
        format!(
            "{}: a model {} x the compute-optimal size needs {:.3} x the data; compute overhead {:.2}% (band, %: {band}) (de Vries 2023){}",
            self.hypothesis,
            sig_digits(self.k_n, 3),
            self.k_d,
            100.0 * self.overhead,
            warnings_text(&warning_texts(&self.warnings)),
        )
    }
}

impl Overhead {
    /// Shows the overhead in an evcxr notebook.
    pub fn evcxr_display(&self) {
        HtmlDisplay::evcxr_display(self)
    }
}

fn basis(p: &Probability) -> String {
    if p.draws == 0 {
        "point estimate only (no parameter draws)".to_string()
    } else {
        format!("share of {} parameter draws", p.draws)
    }
}

impl HtmlDisplay for Probability {
    fn html(&self) -> String {
        format!(
            "<div style=\"{}\"><div><b>{}</b>: P = <b>{:.3}</b> <span style=\"{}\">({})</span></div>\
             <div>event: {}</div><div style=\"{}\">under the point estimate: {}</div>{}</div>",
            css::BOX,
            escape(&self.hypothesis),
            self.probability,
            css::BAND_RANGE,
            escape(&basis(self)),
            escape(&self.event),
            css::BAND_RANGE,
            if self.point_verdict { "yes" } else { "no" },
            warnings_html(&warning_texts(&self.warnings)),
        )
    }

    fn text(&self) -> String {
        format!(
            "{}: P = {:.3} ({})\n  event: {}\n  under the point estimate: {}{}",
            self.hypothesis,
            self.probability,
            basis(self),
            self.event,
            if self.point_verdict { "yes" } else { "no" },
            warnings_text(&warning_texts(&self.warnings)),
        )
    }
}

impl Probability {
    /// Shows the probability in an evcxr notebook: P, its basis, the event, warnings.
    pub fn evcxr_display(&self) {
        HtmlDisplay::evcxr_display(self)
    }
}

/// Several probabilities (e.g. one per hypothesis) as one table.
///
/// ```
/// use isoflop::law::ChinchillaHypothesis;
/// use isoflop::query::probability_below;
/// use isoflop::report::probabilities_table;
/// let h = ChinchillaHypothesis::hoffmann2022();
/// let p = probability_below(&h, "6.7B".parse()?, "13.6T".parse()?, 1.9)?;
/// let t = probabilities_table("Does 7B beat 1.9?", &[p]);
/// assert_eq!(t.rows().len(), 1);
/// # Ok::<(), isoflop::Error>(())
/// ```
pub fn probabilities_table(title: impl Into<String>, ps: &[Probability]) -> Table {
    let mut t = Table::fixed(
        title,
        vec![
            Column::new("hypothesis"),
            Column::new("P"),
            Column::new("draws"),
            Column::new("point estimate"),
            Column::new("event"),
            Column::new("warnings"),
        ],
    );
    for p in ps {
        t.push_fitted(vec![
            Cell::text(&p.hypothesis),
            Cell::number(p.probability, 3),
            Cell::Number(p.draws.to_string()),
            Cell::text(if p.point_verdict { "yes" } else { "no" }),
            Cell::text(&p.event),
            Cell::warnings(&p.warnings),
        ]);
    }
    t
}
