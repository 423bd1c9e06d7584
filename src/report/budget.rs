//! Notebook and terminal display of compute: published runs ([`runs_table`],
//! [`PublishedRun`]), clusters ([`Cluster`]) and a training budget in GPU-hours,
//! time, energy, emissions and money ([`Budget`]).

use super::display::{table_html, table_text};
use super::html::HtmlDisplay;
use super::table::{Cell, Column, Table};
use crate::cluster::{Cluster, GpuHourPrice, GridIntensity, Pue, Utilisation, Workload};
use crate::error::Result;
use crate::hardware::Precision;
use crate::runs::PublishedRun;

/// The MFU implied by a run's 6ND and GPU-hours at its accelerator's BF16 dense
/// peak, or why there is none.
fn implied_mfu_cell(r: &PublishedRun) -> Cell {
    match r.implied_mfu(Precision::Bf16) {
        Ok(m) => Cell::number(m, 3),
        Err(_) if r.gpu_hours.is_none() => Cell::text("n/a (no GPU-hours)"),
        Err(_) => Cell::text("n/a (accelerator)"),
    }
}

/// Published runs as a table: size, tokens, 6ND compute, accelerator, reported
/// GPU-hours, the MFU they imply at the BF16 dense peak, and the source.
///
/// ```
/// use isoflop::report::{runs_table, HtmlDisplay};
/// let t = runs_table(&isoflop::runs::llama1());
/// assert_eq!(t.rows().len(), 4);
/// assert!(t.text().contains("1,022,362 GPU-h"));
/// ```
pub fn runs_table(runs: &[PublishedRun]) -> Table {
    let mut t = Table::fixed(
        "Published training runs",
        vec![
            Column::new("run"),
            Column::with_unit("N", "parameters"),
            Column::with_unit("D", "tokens"),
            Column::with_unit("C = 6ND", "FLOPs"),
            Column::new("accelerator"),
            Column::with_unit("reported", "GPU-hours"),
            Column::with_unit("implied MFU", "BF16 dense peak"),
            Column::new("source"),
        ],
    );
    let mut sources: Vec<&str> = Vec::new();
    for r in runs {
        let k = match sources.iter().position(|s| *s == r.source) {
            Some(k) => k,
            None => {
                sources.push(&r.source);
                sources.len() - 1
            }
        };
        t.push_fitted(vec![
            Cell::text(&r.name),
            Cell::quantity(r.params),
            Cell::quantity(r.tokens),
            r.flops_6nd()
                .map_or_else(|e| Cell::warning_texts([e.to_string()]), Cell::quantity),
            Cell::text(&r.accelerator_name),
            r.gpu_hours
                .map_or_else(|| Cell::text("not published"), Cell::quantity),
            implied_mfu_cell(r),
            Cell::text(format!("[{}]", k + 1)),
        ]);
    }
    for (k, s) in sources.iter().enumerate() {
        t.push_note(format!("[{}] {s}", k + 1));
    }
    t.push_note(
        "MFU = 6ND / (GPU-hours × 3600 s × dense BF16 peak); totals that include overheads \
         (restarts, evaluation) understate it.",
    );
    t
}

fn run_table(r: &PublishedRun) -> Table {
    let mut t = Table::fixed(
        r.name.clone(),
        vec![Column::new("quantity"), Column::new("value")],
    );
    let mut row = |k: &str, v: Cell| t.push_fitted(vec![Cell::text(k), v]);
    row("parameters N", Cell::quantity(r.params));
    row("training tokens D", Cell::quantity(r.tokens));
    row(
        "tokens per parameter",
        Cell::number(r.tokens.per_param(r.params), 1),
    );
    row(
        "compute 6ND (FLOPs)",
        r.flops_6nd()
            .map_or_else(|e| Cell::warning_texts([e.to_string()]), Cell::quantity),
    );
    if let Some(c) = r.reported_flops {
        row("reported compute (FLOPs)", Cell::quantity(c));
    }
    row("accelerator", Cell::text(&r.accelerator_name));
    row(
        "reported accelerator-hours",
        r.gpu_hours
            .map_or_else(|| Cell::text("not published"), Cell::quantity),
    );
    row("implied MFU (BF16 dense peak)", implied_mfu_cell(r));
    if let Some(p) = r.power {
        row("power per accelerator", Cell::quantity(p));
    }
    row("source", Cell::text(&r.source));
    if !r.note.is_empty() {
        t.push_note(r.note.clone());
    }
    t
}

impl HtmlDisplay for PublishedRun {
    fn html(&self) -> String {
        run_table(self).html()
    }

    fn text(&self) -> String {
        run_table(self).to_string()
    }
}

impl PublishedRun {
    /// Shows the run in an evcxr notebook: size, tokens, compute, hardware, source.
    pub fn evcxr_display(&self) {
        HtmlDisplay::evcxr_display(self)
    }
}

fn utilisation_text(u: Utilisation) -> String {
    match u {
        Utilisation::Mfu(m) => format!("MFU {:.1}%", 100.0 * m),
        Utilisation::TokensPerSecondPerAccelerator(r) => {
            format!("{r} tokens/s per accelerator")
        }
    }
}

fn cluster_table(c: &Cluster) -> Result<Table> {
    let peak = c.peak()?;
    let total = crate::units::FlopsPerSecond::new(peak.get() * f64::from(c.count()))?;
    let mut t = Table::fixed(
        format!("{} × {}", c.count(), c.accelerator()),
        vec![Column::new("quantity"), Column::new("value")],
    );
    let mut row = |k: &str, v: Cell| t.push_fitted(vec![Cell::text(k), v]);
    row("accelerator", Cell::text(c.accelerator().to_string()));
    row("count", Cell::Number(c.count().to_string()));
    row("precision", Cell::text(c.precision().to_string()));
    row("dense peak per accelerator", Cell::quantity(peak));
    row("dense peak, whole cluster", Cell::quantity(total));
    row(
        "power per accelerator (TDP)",
        match c.accelerator().tdp() {
            Ok(w) => Cell::quantity(w),
            Err(_) => Cell::text("not published"),
        },
    );
    row("utilisation", Cell::text(utilisation_text(c.utilisation())));
    t.push_note(format!("accelerator data: {}", c.accelerator().source()));
    Ok(t)
}

impl HtmlDisplay for Cluster {
    fn html(&self) -> String {
        table_html(cluster_table(self))
    }

    fn text(&self) -> String {
        table_text(cluster_table(self))
    }
}

impl Cluster {
    /// Shows the cluster in an evcxr notebook: accelerators, peak, utilisation.
    pub fn evcxr_display(&self) {
        HtmlDisplay::evcxr_display(self)
    }
}

/// A training budget: a workload on a cluster, with the optional factors that
/// turn its GPU-hours into energy (PUE), emissions (grid intensity) and money
/// (price per GPU-hour). [`Budget::table`] computes the summary.
///
/// ```
/// use isoflop::cluster::{Cluster, GpuHourPrice, GridIntensity, Pue, Utilisation, Workload};
/// use isoflop::hardware::{Accelerator, Precision};
/// use isoflop::report::{Budget, HtmlDisplay};
/// // LLaMA-65B: 2048 A100-80GB at ~380 tokens/s/GPU (Touvron et al. 2023, Sec. 2.4).
/// let cluster = Cluster::new(
///     Accelerator::by_name("A100-80GB")?,
///     2048,
///     Precision::Bf16,
///     Utilisation::tokens_per_second(380.0)?,
/// )?;
/// let mut b = Budget::new("LLaMA-65B", cluster, Workload::training("65.2B".parse()?, "1.4T".parse()?));
/// b.pue = Some(Pue::new(1.1)?);
/// b.grid = Some(GridIntensity::new(0.385)?);
/// b.price = Some(GpuHourPrice::new(2.0)?);
/// let text = b.text();
/// assert!(text.contains("1,023,392 GPU-h"));
/// assert!(text.contains("173 tCO2eq"));
/// # Ok::<(), isoflop::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Budget {
    /// What the budget is for, e.g. "LLaMA-65B".
    pub name: String,
    /// The cluster.
    pub cluster: Cluster,
    /// The work (a training run of N on D, or a FLOP count).
    pub work: Workload,
    /// Power usage effectiveness, for energy.
    pub pue: Option<Pue>,
    /// Grid carbon intensity, for emissions (needs `pue`).
    pub grid: Option<GridIntensity>,
    /// Rental price per GPU-hour, for cost.
    pub price: Option<GpuHourPrice>,
}

impl Budget {
    /// A budget without energy, emissions or cost factors.
    pub fn new(name: impl Into<String>, cluster: Cluster, work: Workload) -> Self {
        Budget {
            name: name.into(),
            cluster,
            work,
            pue: None,
            grid: None,
            price: None,
        }
    }

    /// The summary: FLOPs, GPU-hours, wall-clock time, MFU and, where their
    /// factors are given, energy, emissions and cost. Errors as the cluster's
    /// conversions do (e.g. a tokens/s utilisation with a bare FLOP count).
    pub fn table(&self) -> Result<Table> {
        let c = &self.cluster;
        let hours = c.gpu_hours(self.work)?;
        let mut t = Table::fixed(
            format!(
                "{}: training budget on {} × {}",
                self.name,
                c.count(),
                c.accelerator()
            ),
            vec![
                Column::new("quantity"),
                Column::new("value"),
                Column::new("how"),
            ],
        );
        t.push_fitted(vec![
            Cell::text("compute (FLOPs)"),
            Cell::quantity(self.work.flops()?),
            Cell::text(match self.work {
                Workload::Training { .. } => "6ND",
                Workload::Flops(_) => "given",
            }),
        ]);
        t.push_fitted(vec![
            Cell::text("accelerator-hours"),
            Cell::quantity(hours),
            Cell::text(utilisation_text(c.utilisation())),
        ]);
        t.push_fitted(vec![
            Cell::text("wall-clock time"),
            Cell::Number(format!("{:.1}", c.wall_clock(self.work)?)),
            Cell::text(format!("{} accelerators busy", c.count())),
        ]);
        if let Workload::Training { params, .. } = self.work {
            t.push_fitted(vec![
                Cell::text("MFU"),
                Cell::number(c.mfu(params)?, 3),
                Cell::text(format!("at the {} dense peak", c.precision())),
            ]);
        }
        if let Some(pue) = self.pue {
            t.push_fitted(vec![
                Cell::text("energy"),
                Cell::quantity(c.energy(self.work, pue)?),
                Cell::text(format!(
                    "GPU-hours × {} × PUE {}",
                    c.accelerator().tdp()?,
                    pue.get()
                )),
            ]);
            if let Some(grid) = self.grid {
                t.push_fitted(vec![
                    Cell::text("emissions"),
                    Cell::quantity(c.emissions(self.work, pue, grid)?),
                    Cell::text(format!("energy × {} kgCO2eq/kWh", grid.kg_per_kwh())),
                ]);
            }
        }
        if let Some(price) = self.price {
            t.push_fitted(vec![
                Cell::text("cost"),
                Cell::quantity(c.cost(self.work, price)?),
                Cell::text(format!("GPU-hours × ${}/GPU-h", price.usd())),
            ]);
        }
        Ok(t)
    }
}

impl HtmlDisplay for Budget {
    fn html(&self) -> String {
        table_html(self.table())
    }

    fn text(&self) -> String {
        table_text(self.table())
    }
}

impl Budget {
    /// Shows the budget in an evcxr notebook.
    pub fn evcxr_display(&self) {
        HtmlDisplay::evcxr_display(self)
    }
}
