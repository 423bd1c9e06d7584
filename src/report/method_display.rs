//! Notebook and terminal display of [`MethodComparison`]: every fitting method on one
//! sweep, with bands, status and the spread between methods.

use super::display::{table_html, table_text};
use super::html::{css, sig_digits, HtmlDisplay};
use super::table::{Cell, Column, Table};
use crate::band::Band;
use crate::fit::methods::{Estimate, MethodComparison, MethodStatus, Range};
use crate::units::{Params, Tokens};
use std::fmt;

fn with_band(e: &Option<Estimate>, show: &dyn Fn(f64) -> String) -> Cell {
    match e {
        None => Cell::text("-"),
        Some(Estimate { value, band: None }) => Cell::Number(show(*value)),
        Some(Estimate {
            value,
            band: Some(Band { lo, hi, .. }),
        }) => Cell::Number(format!("{} [{}, {}]", show(*value), show(*lo), show(*hi))),
    }
}

fn exponent(x: f64) -> String {
    format!("{x:.3}")
}

fn params(x: f64) -> String {
    Params::raw(x).to_string()
}

fn tokens(x: f64) -> String {
    Tokens::raw(x).to_string()
}

fn range(r: Option<Range>, show: &dyn Fn(f64) -> String) -> String {
    r.map_or("-".into(), |r| format!("{} to {}", show(r.lo), show(r.hi)))
}

/// The comparison as a table: one row per method with a, b, N_opt and D_opt at the asked
/// compute (each with its bootstrap band), the method's condition number and status; notes
/// give the spread between methods and how far the compute extrapolates.
///
/// ```
/// use isoflop::data::{chinchilla, sweep::SweepTable};
/// use isoflop::fit::methods::{compare_methods, MethodOptions};
/// use isoflop::report::{method_comparison_table, HtmlDisplay};
/// let table = SweepTable::from_table("chinchilla", chinchilla::replication_runs());
/// let cmp = compare_methods(&table, &MethodOptions { bootstrap_draws: 10, ..Default::default() })?;
/// let t = method_comparison_table(&cmp);
/// assert_eq!(t.rows().len(), 4);
/// assert!(t.text().contains("spread between methods"));
/// # Ok::<(), isoflop::Error>(())
/// ```
pub fn method_comparison_table(c: &MethodComparison) -> Table {
    let pct = format!("{:.0}%", 100.0 * c.level);
    let mut t = Table::fixed(
        format!(
            "{}: every method, N_opt and D_opt at C = {} FLOPs ({pct} bootstrap bands)",
            c.name, c.at
        ),
        vec![
            Column::new("method"),
            Column::new("a (N_opt ∝ C^a)"),
            Column::new("b (D_opt ∝ C^b)"),
            Column::new("N_opt"),
            Column::new("D_opt"),
            Column::new("condition number"),
            Column::new("status"),
        ],
    );
    for m in &c.methods {
        t.push_fitted(vec![
            Cell::text(m.method.to_string()),
            with_band(&m.a, &exponent),
            with_band(&m.b, &exponent),
            with_band(&m.n_opt, &params),
            with_band(&m.d_opt, &tokens),
            m.condition_number
                .map_or(Cell::text("-"), |k| Cell::Number(format!("{k:.2e}"))),
            match &m.status {
                MethodStatus::Ok => Cell::text("ok"),
                other => Cell::warning_texts([other.to_string()]),
            },
        ]);
    }
    let s = c.spread();
    t.push_note(format!(
        "spread between methods: a {}, b {}, N_opt {}, D_opt {}.",
        range(s.a, &exponent),
        range(s.b, &exponent),
        range(s.n_opt, &params),
        range(s.d_opt, &tokens)
    ));
    t.push_note(format!(
        "{} runs, {} budgets ({} runs fit no budget: used by approach3 and varpro only); data span C = {} to {} FLOPs, so C = {} is {}x the largest.",
        c.runs,
        c.budgets,
        c.unassigned,
        c.data_compute.0,
        c.data_compute.1,
        c.at,
        sig_digits(c.extrapolation(), 3)
    ));
    t.push_note(
        "approach1/2 assume N_opt and D_opt are power laws of C; approach3/varpro assume L = E + A/N^α + B/D^β with C = 6ND. Condition numbers: approach3, the 5-D Hessian of its objective; varpro, the 2-D profile Hessian.",
    );
    t
}

impl HtmlDisplay for MethodComparison {
    fn html(&self) -> String {
        format!(
            "<div style=\"{}\">{}</div>",
            css::BOX,
            table_html(Ok(method_comparison_table(self)))
        )
    }

    fn text(&self) -> String {
        table_text(Ok(method_comparison_table(self)))
    }
}

impl fmt::Display for MethodComparison {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&HtmlDisplay::text(self))
    }
}

impl MethodComparison {
    /// Shows the comparison in an evcxr notebook.
    pub fn evcxr_display(&self) {
        HtmlDisplay::evcxr_display(self)
    }
}
