//! Terminal (`Display`) and notebook (`evcxr_display`) forms of the schedule-aware laws
//! (Tissue et al. 2024, arXiv:2408.11029; Luo et al. 2025, arXiv:2503.12811), their
//! hypotheses, planned predictions and fits.

use super::html::{css, escape, warning_html, HtmlDisplay};
use super::hypothesis_display::{hypothesis_html, hypothesis_text};
use crate::fit::schedule_law::{ScheduleFit, SharedTerms};
use crate::law::annealing::AnnealingLaw;
use crate::law::multi_power::MultiPowerLaw;
use crate::law::{ScheduleLaw, ScheduledHypothesis};
use crate::query::PlannedPrediction;
use std::fmt;

/// A titled box of lines and warnings, as HTML.
fn card_html(title: &str, lines: &[String], warnings: &[String]) -> String {
    let mut s = format!(
        "<div style=\"{}\"><div><b>{}</b></div>",
        css::BOX,
        escape(title)
    );
    for l in lines {
        s.push_str(&format!(
            "<div style=\"{}\">{}</div>",
            css::BAND_RANGE,
            escape(l)
        ));
    }
    for w in warnings {
        s.push_str(&warning_html(w));
    }
    s.push_str("</div>");
    s
}

/// The same as text.
fn card_text(title: &str, lines: &[String], warnings: &[String]) -> String {
    let mut s = title.to_string();
    for l in lines {
        s.push_str(&format!("\n  {l}"));
    }
    for w in warnings {
        s.push_str(&format!("\n  warning: {w}"));
    }
    s
}

fn annealing_line(l: &AnnealingLaw) -> String {
    format!(
        "L = {:.4} + {:.4}*S1^-{:.4} - {:.4}*S2, lambda = {}",
        l.l0(),
        l.a(),
        l.alpha(),
        l.c(),
        if l.lambda() == 1.0 {
            "1 (no forgetting)".to_string()
        } else {
            format!("{:.6}", l.lambda())
        }
    )
}

fn multi_power_line(l: &MultiPowerLaw) -> String {
    let [l0, a, alpha, b, c, beta, gamma] = l.params();
    format!(
        "L = {l0:.4} + {a:.4}*(S1+SW)^-{alpha:.4} - {b:.4e}*sum dEta*(1 - ({c:.4e}*eta^-{gamma:.4}*S_k + 1)^-{beta:.4})"
    )
}

fn law_line(l: &ScheduleLaw) -> String {
    match l {
        ScheduleLaw::Annealing(a) => annealing_line(a),
        ScheduleLaw::MultiPower(m) => multi_power_line(m),
    }
}

fn law_title(l: &ScheduleLaw) -> &'static str {
    match l {
        ScheduleLaw::Annealing(_) => "annealing law (Tissue et al. 2024)",
        ScheduleLaw::MultiPower(_) => "multi-power law (Luo et al. 2025)",
    }
}

macro_rules! law_display {
    ($t:ty, $wrap:expr) => {
        impl HtmlDisplay for $t {
            fn html(&self) -> String {
                let l = $wrap(*self);
                card_html(law_title(&l), &[law_line(&l)], &[])
            }
            fn text(&self) -> String {
                let l = $wrap(*self);
                card_text(law_title(&l), &[law_line(&l)], &[])
            }
        }

        impl $t {
            /// Shows the law in an evcxr notebook: its name and fitted form.
            pub fn evcxr_display(&self) {
                HtmlDisplay::evcxr_display(self)
            }
        }

        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&HtmlDisplay::text(self))
            }
        }
    };
}

law_display!(AnnealingLaw, ScheduleLaw::Annealing);
law_display!(MultiPowerLaw, ScheduleLaw::MultiPower);
law_display!(ScheduleLaw, |l| l);

impl HtmlDisplay for ScheduledHypothesis {
    fn html(&self) -> String {
        let card = hypothesis_html(self);
        format!(
            "{}<div style=\"{}\">{}</div>",
            card,
            css::NOTE,
            escape(&format!("fitted: {}", law_line(self.law())))
        )
    }
    fn text(&self) -> String {
        format!(
            "{}\n  fitted: {}",
            hypothesis_text(self),
            law_line(self.law())
        )
    }
}

impl ScheduledHypothesis {
    /// Shows the hypothesis in an evcxr notebook: id, assumption, source, evidence,
    /// uncertainty, caveats and the fitted law.
    pub fn evcxr_display(&self) {
        HtmlDisplay::evcxr_display(self)
    }
}

impl fmt::Display for ScheduledHypothesis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&HtmlDisplay::text(self))
    }
}

fn planned_lines(p: &PlannedPrediction) -> (String, Vec<String>, Vec<String>) {
    let q = &p.prediction;
    let title = format!(
        "{}: loss {:.4} [{:.4}, {:.4}] ({:.0}% band) at the end of the planned run",
        q.hypothesis,
        q.point,
        q.loss.lo,
        q.loss.hi,
        q.loss.level * 100.0
    );
    let mut lines = vec![
        format!("plan: {}", p.plan),
        format!(
            "annealing bonus {:.4} nats; advantage over a constant rate {:.4} nats",
            p.annealing_bonus, p.gain_over_constant
        ),
    ];
    if let Some((lo, hi)) = p.profile {
        lines.push(format!("near-optimal fits span {lo:.4}-{hi:.4}"));
    }
    lines.push(format!(
        "extrapolation x{:.1} beyond the fitted tokens",
        q.extrapolation.factor
    ));
    let warnings = q.warnings.iter().map(|w| w.to_string()).collect();
    (title, lines, warnings)
}

fn fit_lines(fit: &ScheduleFit) -> (String, Vec<String>, Vec<String>) {
    let title = format!(
        "{} fit to {} run(s), {}: {}",
        fit.form.id(),
        fit.runs().len(),
        match fit.shared {
            SharedTerms::All => "every parameter shared",
            SharedTerms::AllButLevel => "L0 and A per run, the rest shared",
        },
        fit.status.name()
    );
    let mut lines = Vec::new();
    let mut seen = Vec::new();
    for (i, run) in fit.runs().iter().enumerate() {
        lines.push(format!(
            "{}: {} points, residual RMS {:.4} nats",
            run.curve().model(),
            fit.diagnostics.points[i],
            fit.diagnostics.residual_rms[i]
        ));
        if !seen.contains(&fit.laws[i]) {
            seen.push(fit.laws[i]);
            lines.push(format!("  {}", law_line(&fit.laws[i])));
        }
    }
    lines.push(format!(
        "{} bootstrap draws ({} failed), {} near-optimal fits in the profile",
        fit.draws.len(),
        fit.diagnostics.draws_failed,
        fit.profile.len()
    ));
    let mut warnings = fit.diagnostics.at_bound.clone();
    if !fit.status.is_converged() {
        warnings.push(fit.status.advice().to_string());
    }
    (title, lines, warnings)
}

/// `HtmlDisplay`, `evcxr_display` and `Display` for a type shown as one card built by
/// `$lines` (title, lines, warnings).
macro_rules! card_display {
    ($t:ty, $lines:ident, $doc:literal) => {
        impl HtmlDisplay for $t {
            fn html(&self) -> String {
                let (t, l, w) = $lines(self);
                card_html(&t, &l, &w)
            }
            fn text(&self) -> String {
                let (t, l, w) = $lines(self);
                card_text(&t, &l, &w)
            }
        }

        impl $t {
            #[doc = $doc]
            pub fn evcxr_display(&self) {
                HtmlDisplay::evcxr_display(self)
            }
        }

        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&HtmlDisplay::text(self))
            }
        }
    };
}

card_display!(
    PlannedPrediction,
    planned_lines,
    "Shows the planned prediction in an evcxr notebook: point and band, plan, annealing bonus, profile range and warnings."
);
card_display!(
    ScheduleFit,
    fit_lines,
    "Shows the fit in an evcxr notebook: law, sharing, status, each run's points and residual RMS, the fitted laws, and what ended at a bound."
);
