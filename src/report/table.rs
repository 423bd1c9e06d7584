//! A generic table for comparisons, fit results, bootstrap summaries, published
//! runs and budgets: a title, columns with units, rows of cells, notes.
//!
//! It renders as an HTML table in notebooks and as aligned columns in a
//! terminal; warnings are highlighted in HTML and become numbered footnotes in
//! text (one footnote per distinct warning, however many rows carry it).

use super::html::{band_html, band_text, css, escape, warning_html, HtmlDisplay};
use crate::band::Band;
use crate::error::{Error, Result};
use crate::prediction::Warning;
use std::fmt;

/// A column: a name and an optional unit shown under (HTML) or after (text) it.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// The column's name, e.g. "loss".
    pub name: String,
    /// Its unit, e.g. "nats/token" (`None` for text or ratios).
    pub unit: Option<String>,
}

impl Column {
    /// A column without a unit.
    pub fn new(name: impl Into<String>) -> Column {
        Column {
            name: name.into(),
            unit: None,
        }
    }

    /// A column with a unit.
    pub fn with_unit(name: impl Into<String>, unit: impl Into<String>) -> Column {
        Column {
            name: name.into(),
            unit: Some(unit.into()),
        }
    }

    fn header_text(&self) -> String {
        match &self.unit {
            Some(u) => format!("{} ({u})", self.name),
            None => self.name.clone(),
        }
    }
}

/// One cell of a [`Table`].
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Left-aligned text (names, descriptions).
    Text(String),
    /// A right-aligned, already formatted number or quantity ("6.74B", "1.962").
    Number(String),
    /// A band, shown as "1.962 [1.951, 1.973] 90%" with enough decimals for its width.
    Band(Band),
    /// Warnings, highlighted (HTML) or footnoted (text). Empty means none.
    Warnings(Vec<String>),
    /// Nothing.
    Empty,
}

impl Cell {
    /// Left-aligned text.
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    /// A number with `decimals` decimals (at most [`Cell::MAX_DECIMALS`]; an f64 has no
    /// more to show). Non-finite values print as they are ("NaN", "inf"): a table never
    /// hides an impossible value.
    pub fn number(x: f64, decimals: usize) -> Cell {
        let decimals = decimals.min(Cell::MAX_DECIMALS);
        Cell::Number(format!("{x:.decimals$}"))
    }

    /// The most decimals [`Cell::number`] prints: 20.
    pub const MAX_DECIMALS: usize = 20;

    /// A quantity in its own display style (e.g. `Params` as "6.74B", `Flops` as "5.48e23").
    pub fn quantity(q: impl fmt::Display) -> Cell {
        Cell::Number(q.to_string())
    }

    /// A band.
    pub fn band(b: Band) -> Cell {
        Cell::Band(b)
    }

    /// The warnings of a prediction.
    pub fn warnings(ws: &[Warning]) -> Cell {
        Cell::Warnings(ws.iter().map(|w| w.to_string()).collect())
    }

    /// Free-text warnings.
    pub fn warning_texts(ws: impl IntoIterator<Item = impl Into<String>>) -> Cell {
        Cell::Warnings(ws.into_iter().map(Into::into).collect())
    }

    fn right_aligned(&self) -> bool {
        matches!(self, Cell::Number(_) | Cell::Band(_))
    }

    fn html(&self) -> String {
        let style = if self.right_aligned() {
            css::TD_NUM
        } else {
            css::TD
        };
        let body = match self {
            Cell::Text(s) | Cell::Number(s) => escape(s),
            Cell::Band(b) => band_html(b),
            Cell::Warnings(ws) => ws.iter().map(|w| warning_html(w)).collect::<String>(),
            Cell::Empty => String::new(),
        };
        format!("<td style=\"{style}\">{body}</td>")
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

impl From<Band> for Cell {
    fn from(b: Band) -> Cell {
        Cell::Band(b)
    }
}

/// A titled table with unit-labelled columns.
///
/// ```
/// use isoflop::band::Band;
/// use isoflop::report::{Cell, Column, HtmlDisplay, Table};
/// let mut t = Table::new(
///     "LLaMA-7B at LLaMA-65B's compute",
///     vec![Column::new("hypothesis"), Column::with_unit("loss", "nats/token"), Column::new("warnings")],
/// )?;
/// t.push_row(vec![
///     "chinchilla-hoffmann2022".into(),
///     Cell::band(Band::exact(1.7987, 0.9)?),
///     Cell::warning_texts(["no published uncertainty"]),
/// ])?;
/// assert!(t.html().contains("nats/token"));
/// assert!(t.text().contains("1.799 [1.799, 1.799] 90%"));
/// # Ok::<(), isoflop::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    title: String,
    columns: Vec<Column>,
    rows: Vec<Vec<Cell>>,
    notes: Vec<String>,
}

impl Table {
    /// An empty table. Errors when `columns` is empty.
    pub fn new(title: impl Into<String>, columns: Vec<Column>) -> Result<Table> {
        if columns.is_empty() {
            return Err(Error::InsufficientData {
                what: "a table",
                reason: "it needs at least one column".into(),
            });
        }
        Ok(Table {
            title: title.into(),
            columns,
            rows: Vec::new(),
            notes: Vec::new(),
        })
    }

    /// A table for the crate's own displays, whose columns are fixed lists
    /// (never empty): no error path.
    pub(crate) fn fixed(title: impl Into<String>, columns: Vec<Column>) -> Table {
        Table {
            title: title.into(),
            columns,
            rows: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// Appends a row, padded with empty cells (or cut) to the column count.
    pub(crate) fn push_fitted(&mut self, mut cells: Vec<Cell>) {
        cells.resize(self.columns.len(), Cell::Empty);
        self.rows.push(cells);
    }

    /// Appends a row. Errors unless it has one cell per column.
    pub fn push_row(&mut self, cells: Vec<Cell>) -> Result<()> {
        if cells.len() != self.columns.len() {
            return Err(Error::InvalidValue {
                what: "table row length",
                value: cells.len() as f64,
                allowed: "a row must have exactly one cell per column",
            });
        }
        self.rows.push(cells);
        Ok(())
    }

    /// Appends a note shown under the table (sources, caveats, the command that reproduces it).
    pub fn push_note(&mut self, note: impl Into<String>) {
        self.notes.push(note.into());
    }

    /// The title.
    pub fn title(&self) -> &str {
        &self.title
    }

    /// The columns.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// The rows.
    pub fn rows(&self) -> &[Vec<Cell>] {
        &self.rows
    }

    /// The notes.
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// The distinct warnings, in order of first appearance (the text footnotes).
    fn footnotes(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for row in &self.rows {
            for cell in row {
                if let Cell::Warnings(ws) = cell {
                    for w in ws {
                        if !out.contains(&w.as_str()) {
                            out.push(w);
                        }
                    }
                }
            }
        }
        out
    }

    fn cell_text(&self, cell: &Cell, footnotes: &[&str]) -> String {
        match cell {
            Cell::Text(s) | Cell::Number(s) => s.clone(),
            Cell::Band(b) => band_text(b),
            Cell::Warnings(ws) => ws
                .iter()
                .filter_map(|w| footnotes.iter().position(|f| f == w))
                .map(|i| format!("!{}", i + 1))
                .collect::<Vec<_>>()
                .join(" "),
            Cell::Empty => String::new(),
        }
    }
}

impl HtmlDisplay for Table {
    fn html(&self) -> String {
        let mut s = format!(
            "<div style=\"{}\"><table style=\"{}\"><caption style=\"{}\">{}</caption><thead><tr>",
            css::BOX,
            css::TABLE,
            css::CAPTION,
            escape(&self.title)
        );
        for c in &self.columns {
            s.push_str(&format!("<th style=\"{}\">{}", css::TH, escape(&c.name)));
            if let Some(u) = &c.unit {
                s.push_str(&format!(
                    "<br/><span style=\"{}\">{}</span>",
                    css::UNIT,
                    escape(u)
                ));
            }
            s.push_str("</th>");
        }
        s.push_str("</tr></thead><tbody>");
        for row in &self.rows {
            s.push_str("<tr>");
            for cell in row {
                s.push_str(&cell.html());
            }
            s.push_str("</tr>");
        }
        s.push_str("</tbody></table>");
        for n in &self.notes {
            s.push_str(&format!("<p style=\"{}\">{}</p>", css::NOTE, escape(n)));
        }
        s.push_str("</div>");
        s
    }

    fn text(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Table {
    /// Aligned columns: text left, numbers and bands right; warnings as footnotes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let footnotes = self.footnotes();
        let header: Vec<String> = self.columns.iter().map(Column::header_text).collect();
        let body: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|r| r.iter().map(|c| self.cell_text(c, &footnotes)).collect())
            .collect();
        let width = |i: usize| {
            body.iter()
                .map(|r| r[i].chars().count())
                .chain(std::iter::once(header[i].chars().count()))
                .max()
                .unwrap_or(0)
        };
        let widths: Vec<usize> = (0..header.len()).map(width).collect();
        let right: Vec<bool> = (0..header.len())
            .map(|i| {
                !self.rows.is_empty()
                    && self
                        .rows
                        .iter()
                        .all(|r| r[i].right_aligned() || r[i] == Cell::Empty)
            })
            .collect();
        let line = |cells: &[String]| -> String {
            let parts: Vec<String> = cells
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let pad = widths[i].saturating_sub(c.chars().count());
                    if right[i] {
                        format!("{}{c}", " ".repeat(pad))
                    } else {
                        format!("{c}{}", " ".repeat(pad))
                    }
                })
                .collect();
            parts.join("  ").trim_end().to_string()
        };
        writeln!(f, "{}", self.title)?;
        writeln!(f, "{}", line(&header))?;
        let total: usize = widths.iter().sum::<usize>() + 2 * widths.len().saturating_sub(1);
        writeln!(f, "{}", "-".repeat(total))?;
        for r in &body {
            writeln!(f, "{}", line(r))?;
        }
        for (i, w) in footnotes.iter().enumerate() {
            writeln!(f, "!{} {w}", i + 1)?;
        }
        for n in &self.notes {
            writeln!(f, "{n}")?;
        }
        Ok(())
    }
}

impl Table {
    /// Shows the table in an evcxr notebook (HTML, with a text fallback).
    pub fn evcxr_display(&self) {
        HtmlDisplay::evcxr_display(self)
    }
}
