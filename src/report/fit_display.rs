//! Notebook and terminal display of fits: [`FitResult`] (estimates, objective,
//! status, diagnostics) and [`Bootstrap`] (estimates, standard errors, 95%
//! intervals, number of draws).

use super::display::{law_table, table_html, table_text, FORMULA};
use super::html::{css, escape, sig_digits, warning_html, HtmlDisplay};
use super::table::{Cell, Column, Table};
use crate::error::Result;
use crate::fit::{Bootstrap, Estimates, FitResult, FitStatus};

/// What a fit status means, in words.
fn status_text(s: FitStatus) -> &'static str {
    match s {
        FitStatus::Converged => "converged",
        FitStatus::IterationLimit => {
            "iteration limit: the best start stopped before converging; the optimum may not be reached"
        }
        FitStatus::Stalled => {
            "stalled: the line search could not lower the objective although the gradient is not small"
        }
        FitStatus::AtBound => {
            "at a bound: a parameter ran to the edge of what the data determine (a term vanished or exploded)"
        }
        FitStatus::FlatDirection => {
            "flat direction: the curvature at the optimum is singular; some combination of parameters is not determined"
        }
    }
}

/// The fit's diagnostics as a table.
pub fn fit_diagnostics_table(f: &FitResult) -> Table {
    let d = &f.diagnostics;
    let mut t = Table::fixed(
        "Fit diagnostics",
        vec![Column::new("diagnostic"), Column::new("value")],
    );
    let rows: [(&str, String); 8] = [
        ("status", format!("{:?}", f.status)),
        (
            "objective (summed Huber loss on log loss)",
            sig_digits(f.objective, 6),
        ),
        (
            "L-BFGS iterations (winning start)",
            d.iterations.to_string(),
        ),
        (
            "gradient norm at the optimum",
            format!("{:.2e}", d.grad_norm),
        ),
        ("grid points screened", d.starts_screened.to_string()),
        (
            "starts refined / failed / at the best optimum",
            format!(
                "{} / {} / {}",
                d.starts_tried, d.starts_failed, d.starts_at_best
            ),
        ),
        (
            "Hessian condition number (largest / smallest |eigenvalue|)",
            if d.hessian_rcond.is_nan() {
                "not computed".to_string()
            } else if d.hessian_rcond == 0.0 {
                "infinite (singular)".to_string()
            } else {
                format!(
                    "{:.2e}{}",
                    d.condition_number(),
                    if d.hessian_indefinite {
                        " (a negative eigenvalue: not a minimum)"
                    } else {
                        ""
                    }
                )
            },
        ),
        (
            "winning grid start [a, b, e, α, β]",
            if d.best_start.is_empty() {
                "not from the full grid".to_string()
            } else {
                format!(
                    "[{}]",
                    d.best_start
                        .iter()
                        .map(|v| sig_digits(*v, 3))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            },
        ),
    ];
    for (k, v) in rows {
        t.push_fitted(vec![Cell::text(k), Cell::Number(v)]);
    }
    t
}

/// The estimates table's title: a fit that did not converge has no estimates.
fn estimates_title(f: &FitResult) -> String {
    if f.status.is_converged() {
        "Estimates".to_string()
    } else {
        format!("Where the optimiser stopped ({}): not estimates", f.status)
    }
}

/// The status line: what the status means and, unless converged, what to do.
fn status_line(f: &FitResult) -> String {
    if f.status.is_converged() {
        format!("status: {}", status_text(f.status))
    } else {
        format!(
            "status: {} ({}); the fit did not converge, so the values below are not estimates; {}",
            status_text(f.status),
            f.status,
            f.status.advice()
        )
    }
}

impl HtmlDisplay for FitResult {
    fn html(&self) -> String {
        let status = if self.status.is_converged() {
            format!("<div>status: <b>{}</b></div>", status_text(self.status))
        } else {
            warning_html(&status_line(self))
        };
        format!(
            "<div style=\"{}\"><div><b>Chinchilla fit</b>: {}</div>{}<div>objective {}</div><div>data: {}</div>{}{}</div>",
            css::BOX,
            escape(FORMULA),
            status,
            escape(&sig_digits(self.objective, 6)),
            escape(&self.evidence.description),
            table_html(law_table(&estimates_title(self), &self.law, &[])),
            fit_diagnostics_table(self).html(),
        )
    }

    fn text(&self) -> String {
        let warn = if self.status.is_converged() {
            ""
        } else {
            "warning: "
        };
        format!(
            "Chinchilla fit: {FORMULA}\n  {warn}{}\n  objective {}\n  data: {}\n{}{}",
            status_line(self),
            sig_digits(self.objective, 6),
            self.evidence.description,
            table_text(law_table(&estimates_title(self), &self.law, &[])),
            fit_diagnostics_table(self),
        )
    }
}

impl FitResult {
    /// Shows the fit in an evcxr notebook: estimates, objective, status, diagnostics.
    pub fn evcxr_display(&self) {
        HtmlDisplay::evcxr_display(self)
    }
}

/// The bootstrap summary as a table: per parameter, the point estimate, the
/// standard error and the 95% percentile interval over the draws (the
/// quantities Besiroglu et al. 2024 report in their Table 1).
///
/// Errors with fewer than 2 draws (no standard error).
///
/// ```
/// use isoflop::data::chinchilla;
/// use isoflop::fit::{bootstrap, fit_chinchilla, FitOptions};
/// use isoflop::report::{bootstrap_table, HtmlDisplay};
/// let runs = chinchilla::replication_runs();
/// let fit = fit_chinchilla(&runs, &FitOptions::default())?;
/// let boot = bootstrap(&runs, &fit, 20, 1)?;
/// let t = bootstrap_table(&boot)?;
/// assert_eq!(t.rows().len(), 5);
/// assert!(t.text().contains("20 of 20"));
/// # Ok::<(), isoflop::Error>(())
/// ```
pub fn bootstrap_table(b: &Bootstrap) -> Result<Table> {
    let se = b.std_errors()?;
    let ci = b.intervals(0.95)?;
    let point = Estimates::from(b.point());
    let kept = b.draws().len();
    let requested = kept + b.failed();
    let mut t = Table::fixed(
        format!("Bootstrap: {kept} draws"),
        vec![
            Column::new("parameter"),
            Column::new("estimate"),
            Column::new("standard error"),
            Column::new("95% interval"),
        ],
    );
    let rows = [
        ("E", point.e, se.e, ci.e),
        ("A", point.a, se.a, ci.a),
        ("B", point.b, se.b, ci.b),
        ("α", point.alpha, se.alpha, ci.alpha),
        ("β", point.beta, se.beta, ci.beta),
    ];
    for (name, p, s, i) in rows {
        t.push_fitted(vec![
            Cell::text(name),
            Cell::Number(sig_digits(p, 5)),
            Cell::Number(sig_digits(s, 3)),
            Cell::Number(format!(
                "[{}, {}]",
                sig_digits(i.lo, 4),
                sig_digits(i.hi, 4)
            )),
        ]);
    }
    if !b.fit_status().is_converged() {
        t.push_note(format!(
            "warning: the full-data fit did not converge ({}): these are not estimates; {}",
            b.fit_status(),
            b.fit_status().advice()
        ));
    }
    t.push_note(format!(
        "{kept} of {requested} bootstrap refits kept ({} failed, {} kept short of convergence); \
         resamples of the runs with replacement, refitted (Besiroglu et al. 2024, Sec. 4).",
        b.failed(),
        b.not_converged()
    ));
    Ok(t)
}

impl HtmlDisplay for Bootstrap {
    fn html(&self) -> String {
        table_html(bootstrap_table(self))
    }

    fn text(&self) -> String {
        table_text(bootstrap_table(self))
    }
}

impl Bootstrap {
    /// Shows the bootstrap summary in an evcxr notebook: estimates, standard
    /// errors, 95% intervals and the number of draws.
    pub fn evcxr_display(&self) {
        HtmlDisplay::evcxr_display(self)
    }
}
