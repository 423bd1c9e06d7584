//! IsoFLOP sweeps: runs grouped by experiment and by compute budget.
//!
//! A [`SweepTable`] is a run table whose rows may carry grouping labels (an experiment,
//! a data set, a condition) and an explicit compute budget, so one CSV can hold several
//! sweeps. Fits take one group at a time: [`SweepTable::single_group`] refuses, with
//! [`Error::MixedGroups`] naming the columns, a table that a column says mixes different
//! groups, unless the caller pools them explicitly ([`SweepTable::pooled`]).
//!
//! An [`IsoFlopSweep`] assigns each run to a budget: from a budget column, by snapping to
//! nominal budgets, or by clustering C = 6ND onto its distinct values
//! ([`BudgetRule`]); runs that fit no budget are listed, never silently dropped.
//!
//! ```
//! # #[cfg(feature = "csv")] {
//! use isoflop::data::sweep::{BudgetRule, SweepColumns, SweepTable};
//! let csv = "dataset,N,D,loss\nc4,1e8,1e9,3.1\nc4,2e8,5e8,3.2\npile,1e8,1e9,2.9\n";
//! let t = SweepTable::from_csv_reader(csv.as_bytes(), &SweepColumns::default())?;
//! let err = t.single_group().unwrap_err();
//! assert!(err.to_string().contains("`dataset`"));
//! let groups = t.groups();
//! assert_eq!(groups.len(), 2);
//! assert_eq!(groups[0].name(), "dataset=c4");
//! let sweep = groups[0].isoflop(&BudgetRule::default())?;
//! assert_eq!(sweep.budgets().len(), 1); // both c4 runs spend 6e17 FLOPs
//! # }
//! # Ok::<(), isoflop::Error>(())
//! ```

#[cfg(feature = "csv")]
use super::run_table::{parse_quantity, Quantity};
use super::run_table::{Run, RunTable};
use crate::error::{Error, Result};
use crate::units::{Flops, Params, Tokens};
#[cfg(feature = "csv")]
use std::io::Read;
#[cfg(feature = "csv")]
use std::path::Path;

/// Column names recognised as grouping columns when none are named
/// (case-insensitive): `experiment`, `dataset`, `condition`, `group`.
pub const GROUP_COLUMNS: [&str; 4] = ["experiment", "dataset", "condition", "group"];

/// Column name recognised as the budget column when none is named (case-insensitive).
pub const BUDGET_COLUMN: &str = "budget";

/// Which columns of a sweep CSV group runs and which holds the budget.
///
/// Empty `group` means: the columns named in [`GROUP_COLUMNS`] that the header has.
/// `None` budget means: a column named [`BUDGET_COLUMN`] if the header has one.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SweepColumns {
    /// Grouping columns (experiment, data set, condition...).
    pub group: Vec<String>,
    /// The column holding each run's nominal compute budget (FLOPs).
    pub budget: Option<String>,
}

/// Runs with optional group labels and budgets.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepTable {
    name: String,
    table: RunTable,
    group_columns: Vec<String>,
    /// Per run, the values of `group_columns`.
    labels: Vec<Vec<String>>,
    /// Per run, the budget column's value (all `Some` or the vector is empty).
    budgets: Vec<Flops>,
}

impl SweepTable {
    /// One ungrouped sweep without a budget column, named `name`.
    pub fn from_table(name: impl Into<String>, table: RunTable) -> SweepTable {
        let n = table.len();
        SweepTable {
            name: name.into(),
            table,
            group_columns: Vec::new(),
            labels: vec![Vec::new(); n],
            budgets: Vec::new(),
        }
    }

    /// One ungrouped sweep with an explicit budget per run (`budgets.len() == table.len()`).
    ///
    /// # Errors
    /// [`Error::NotApplicable`] when the lengths differ.
    pub fn with_budgets(
        name: impl Into<String>,
        table: RunTable,
        budgets: Vec<Flops>,
    ) -> Result<SweepTable> {
        if budgets.len() != table.len() {
            return Err(Error::NotApplicable {
                what: "a sweep with budgets".into(),
                reason: format!(
                    "{} budgets for {} runs; give one per run",
                    budgets.len(),
                    table.len()
                ),
            });
        }
        let mut t = SweepTable::from_table(name, table);
        t.budgets = budgets;
        Ok(t)
    }

    #[cfg(feature = "csv")]
    /// Reads a CSV file (see [`SweepTable::from_csv_reader`]).
    ///
    /// # Errors
    /// As [`SweepTable::from_csv_reader`], plus [`Error::Io`].
    pub fn from_csv_path(path: impl AsRef<Path>, columns: &SweepColumns) -> Result<SweepTable> {
        let path = path.as_ref();
        let file =
            std::fs::File::open(path).map_err(|e| Error::io(path.display().to_string(), e))?;
        let mut t = SweepTable::from_csv_reader(file, columns)?;
        if let Some(stem) = path.file_stem() {
            t.name = stem.to_string_lossy().into_owned();
        }
        Ok(t)
    }

    #[cfg(feature = "csv")]
    /// Reads CSV from any reader. Columns (case-insensitive): model size `N` (or `params`,
    /// `Model Size`); tokens `D` (or `tokens`), or else compute `C` (or `compute`, `flops`,
    /// `Training FLOP`) with D = C / 6N; `loss`; the grouping and budget columns of
    /// `columns`. Counts may be written in field notation ("6.7B", "1.4T").
    ///
    /// # Errors
    /// [`Error::Csv`] for a missing column (naming what is accepted), [`Error::Parse`] for a
    /// bad field (naming row, line and column), a run that is not finite and > 0, or a
    /// budget that is not.
    pub fn from_csv_reader(reader: impl Read, columns: &SweepColumns) -> Result<SweepTable> {
        let mut rdr = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(reader);
        let headers = rdr.headers()?.clone();
        let header_list = || format!("{:?}", headers.iter().collect::<Vec<_>>());
        let find = |names: &[&str]| {
            headers
                .iter()
                .position(|h| names.iter().any(|n| h.eq_ignore_ascii_case(n)))
        };
        let n_col = find(&["N", "params", "Model Size"]).ok_or_else(|| {
            Error::Csv(format!(
                "header {} has no model-size column (`N`, `params` or `Model Size`)",
                header_list()
            ))
        })?;
        let d_col = find(&["D", "tokens"]);
        let c_col = find(&["C", "compute", "flops", "Training FLOP"]);
        let loss_col = find(&["loss"])
            .ok_or_else(|| Error::Csv(format!("header {} has no `loss` column", header_list())))?;
        if d_col.is_none() && c_col.is_none() {
            return Err(Error::Csv(format!(
                "header {} has neither tokens (`D`, `tokens`) nor compute (`C`, `compute`, `flops`, `Training FLOP`)",
                header_list()
            )));
        }
        let named = |name: &str| -> Result<usize> {
            find(&[name]).ok_or_else(|| {
                Error::Csv(format!("header {} has no column `{name}`", header_list()))
            })
        };
        let group_cols: Vec<usize> = if columns.group.is_empty() {
            headers
                .iter()
                .enumerate()
                .filter(|(_, h)| GROUP_COLUMNS.iter().any(|g| h.eq_ignore_ascii_case(g)))
                .map(|(i, _)| i)
                .collect()
        } else {
            columns
                .group
                .iter()
                .map(|g| named(g))
                .collect::<Result<_>>()?
        };
        let budget_col = match &columns.budget {
            Some(b) => Some(named(b)?),
            None => find(&[BUDGET_COLUMN]),
        };
        let mut runs = Vec::new();
        let mut labels = Vec::new();
        let mut budgets = Vec::new();
        for (i, record) in rdr.records().enumerate() {
            let record = record?;
            let line = i + 2;
            let field = |col: usize, kind: Quantity| -> Result<f64> {
                let text = record.get(col).unwrap_or("");
                parse_quantity(text, kind).map_err(|e| Error::Parse {
                    what: "a sweep value",
                    input: text.to_string(),
                    reason: format!(
                        "row {i} (line {line}), column `{}`: {e}",
                        headers.get(col).unwrap_or("")
                    ),
                })
            };
            let n = field(n_col, Quantity::Params)?;
            let d = match d_col {
                Some(c) => field(c, Quantity::Tokens)?,
                None => field(c_col.unwrap_or(n_col), Quantity::Flops)? / (6.0 * n),
            };
            let loss = field(loss_col, Quantity::Plain)?;
            let bad_row = |e: Error| Error::Parse {
                what: "a sweep row",
                input: record.iter().collect::<Vec<_>>().join(","),
                reason: format!("row {i} (line {line}): {e}"),
            };
            runs.push(
                RunTable::from_rows(&[(n, d, loss)])
                    .map_err(bad_row)?
                    .runs()[0],
            );
            labels.push(
                group_cols
                    .iter()
                    .map(|&c| record.get(c).unwrap_or("").to_string())
                    .collect(),
            );
            if let Some(c) = budget_col {
                budgets.push(Flops::new(field(c, Quantity::Flops)?).map_err(bad_row)?);
            }
        }
        Ok(SweepTable {
            name: "sweep".into(),
            table: RunTable::new(runs)?,
            group_columns: group_cols
                .iter()
                .map(|&c| headers.get(c).unwrap_or("").to_string())
                .collect(),
            labels,
            budgets,
        })
    }

    /// The sweep's name (a group's values, or the file stem).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The runs.
    pub fn table(&self) -> &RunTable {
        &self.table
    }

    /// The grouping columns in use.
    pub fn group_columns(&self) -> &[String] {
        &self.group_columns
    }

    /// Whether each run carries an explicit budget.
    pub fn has_budgets(&self) -> bool {
        !self.budgets.is_empty()
    }

    /// The sub-tables of each distinct combination of group values, in order of first
    /// appearance, named `column=value` (joined by `, `). One table (itself) when ungrouped.
    pub fn groups(&self) -> Vec<SweepTable> {
        let mut keys: Vec<&Vec<String>> = Vec::new();
        for l in &self.labels {
            if !keys.contains(&l) {
                keys.push(l);
            }
        }
        if keys.len() <= 1 {
            let mut me = self.clone();
            if let Some(k) = keys.first() {
                if !k.is_empty() {
                    me.name = self.key_name(k);
                }
            }
            return vec![me];
        }
        keys.iter()
            .map(|k| {
                let idx: Vec<usize> = (0..self.labels.len())
                    .filter(|&i| &self.labels[i] == *k)
                    .collect();
                self.subset(&idx, self.key_name(k))
            })
            .collect()
    }

    fn key_name(&self, key: &[String]) -> String {
        self.group_columns
            .iter()
            .zip(key)
            .map(|(c, v)| format!("{c}={v}"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn subset(&self, idx: &[usize], name: String) -> SweepTable {
        let runs: Vec<Run> = idx.iter().map(|&i| self.table.runs()[i]).collect();
        SweepTable {
            name,
            table: RunTable::from_trusted(runs),
            group_columns: self.group_columns.clone(),
            labels: idx.iter().map(|&i| self.labels[i].clone()).collect(),
            budgets: if self.budgets.is_empty() {
                Vec::new()
            } else {
                idx.iter().map(|&i| self.budgets[i]).collect()
            },
        }
    }

    /// Checks the runs form one group (every grouping column holds one value).
    ///
    /// # Errors
    /// [`Error::MixedGroups`] naming the columns and the groups.
    pub fn single_group(&self) -> Result<()> {
        let groups = self.groups();
        if groups.len() <= 1 {
            return Ok(());
        }
        let names: Vec<String> = groups.iter().take(6).map(|g| g.name.clone()).collect();
        Err(Error::MixedGroups {
            columns: self
                .group_columns
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", "),
            count: groups.len(),
            groups: names.join("; ") + if groups.len() > 6 { "; ..." } else { "" },
        })
    }

    /// The same runs with the grouping columns dropped: one law across groups, asked for
    /// explicitly.
    pub fn pooled(&self) -> SweepTable {
        SweepTable {
            name: format!("{} (pooled)", self.name),
            group_columns: Vec::new(),
            labels: vec![Vec::new(); self.table.len()],
            ..self.clone()
        }
    }

    /// Assigns the runs to budgets by `rule`.
    ///
    /// # Errors
    /// [`Error::MixedGroups`] if the table mixes groups; [`Error::NotApplicable`] for
    /// [`BudgetRule::Column`] without a budget column or an invalid tolerance.
    pub fn isoflop(&self, rule: &BudgetRule) -> Result<IsoFlopSweep> {
        self.single_group()?;
        let log_c: Vec<f64> = self
            .table
            .iter()
            .map(|r| (6.0 * r.n.get() * r.d.get()).log10())
            .collect();
        let rule = match rule {
            BudgetRule::Auto if self.has_budgets() => BudgetRule::Column,
            BudgetRule::Auto => BudgetRule::Cluster {
                tolerance_decades: DEFAULT_TOLERANCE_DECADES,
            },
            other => other.clone(),
        };
        let check_tol = |t: f64| {
            if t.is_finite() && t > 0.0 && t < 1.0 {
                Ok(t)
            } else {
                Err(Error::InvalidValue {
                    what: "budget tolerance (decades of compute)",
                    value: t,
                    allowed: "must be in (0, 1)",
                })
            }
        };
        let (budgets, assignment) = match &rule {
            BudgetRule::Column => {
                if !self.has_budgets() {
                    return Err(Error::NotApplicable {
                        what: "budgets from a column".into(),
                        reason: "the table has no budget column; name one, or cluster 6ND".into(),
                    });
                }
                let mut distinct: Vec<f64> = self.budgets.iter().map(|b| b.get()).collect();
                distinct.sort_by(f64::total_cmp);
                distinct.dedup();
                let assignment = self
                    .budgets
                    .iter()
                    .map(|b| distinct.iter().position(|&d| d == b.get()))
                    .collect();
                (distinct, assignment)
            }
            BudgetRule::Nominal {
                budgets,
                tolerance_decades,
            } => {
                let tol = check_tol(*tolerance_decades)?;
                let mut nominal: Vec<f64> = budgets.iter().map(|b| b.get()).collect();
                nominal.sort_by(f64::total_cmp);
                nominal.dedup();
                let assignment = log_c
                    .iter()
                    .map(|&lc| {
                        nominal
                            .iter()
                            .enumerate()
                            .map(|(k, b)| (k, (b.log10() - lc).abs()))
                            .filter(|&(_, dist)| dist <= tol)
                            .min_by(|x, y| x.1.total_cmp(&y.1))
                            .map(|(k, _)| k)
                    })
                    .collect();
                (nominal, assignment)
            }
            BudgetRule::Cluster { tolerance_decades } => {
                cluster(&log_c, check_tol(*tolerance_decades)?)
            }
            // Resolved to `Column` or `Cluster` above.
            BudgetRule::Auto => (Vec::new(), vec![None; log_c.len()]),
        };
        // Keep only budgets that received runs, renumbered in increasing compute.
        let used: Vec<usize> = (0..budgets.len())
            .filter(|k| assignment.contains(&Some(*k)))
            .collect();
        let assignment: Vec<Option<usize>> = assignment
            .iter()
            .map(|a| a.and_then(|k| used.iter().position(|&u| u == k)))
            .collect();
        let budgets = used
            .iter()
            .map(|&k| Flops::new(budgets[k]))
            .collect::<Result<Vec<_>>>()?;
        let unassigned = (0..assignment.len())
            .filter(|&i| assignment[i].is_none())
            .collect();
        Ok(IsoFlopSweep {
            name: self.name.clone(),
            table: self.table.clone(),
            assignment,
            budgets,
            unassigned,
            rule,
        })
    }
}

/// Default half-width of a budget cluster: 0.1 decades (C within a factor 1.26).
pub const DEFAULT_TOLERANCE_DECADES: f64 = 0.1;

/// How runs are assigned to compute budgets.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum BudgetRule {
    /// The budget column if the table has one, else [`BudgetRule::Cluster`] with
    /// [`DEFAULT_TOLERANCE_DECADES`].
    #[default]
    Auto,
    /// The budget column, as given.
    Column,
    /// Snap each run's C = 6ND to the nearest of these budgets within `tolerance_decades`
    /// (in log10 C); farther runs fit no budget.
    Nominal {
        /// The nominal budgets.
        budgets: Vec<Flops>,
        /// Largest |log10 C − log10 budget| accepted.
        tolerance_decades: f64,
    },
    /// Cluster log10 C by mean shift (flat kernel of half-width `tolerance_decades`): each
    /// run climbs to the densest point near it; each such mode holding at least 2 runs is a
    /// budget, at the geometric mean of the runs within `tolerance_decades` of it. Runs near
    /// no budget fit none.
    Cluster {
        /// Half-width of a budget in decades of compute.
        tolerance_decades: f64,
    },
}

/// Mean-shift clustering of log10 C with a flat kernel of half-width `tol` (see
/// [`BudgetRule::Cluster`]).
fn cluster(log_c: &[f64], tol: f64) -> (Vec<f64>, Vec<Option<usize>>) {
    let mean_within = |x: f64| {
        let (sum, count) = log_c
            .iter()
            .filter(|&&v| (v - x).abs() <= tol)
            .fold((0.0, 0usize), |(s, c), &v| (s + v, c + 1));
        (sum / count.max(1) as f64, count)
    };
    // Every run climbs to its mode.
    let mut modes: Vec<f64> = Vec::new();
    for &start in log_c {
        let mut x = start;
        for _ in 0..100 {
            let (m, _) = mean_within(x);
            if (m - x).abs() < 1e-9 {
                break;
            }
            x = m;
        }
        if mean_within(x).1 >= 2 && !modes.iter().any(|&m| (m - x).abs() < 0.5 * tol) {
            modes.push(x);
        }
    }
    modes.sort_by(f64::total_cmp);
    // Each run joins its nearest mode within `tol`.
    let assignment = log_c
        .iter()
        .map(|&v| {
            modes
                .iter()
                .enumerate()
                .map(|(k, &m)| (k, (m - v).abs()))
                .filter(|&(_, d)| d <= tol)
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .map(|(k, _)| k)
        })
        .collect::<Vec<_>>();
    // A budget is the geometric mean of its runs' C; modes with fewer than 2 runs are not budgets.
    let mut centres = Vec::new();
    let mut renumber = vec![None; modes.len()];
    for (k, slot) in renumber.iter_mut().enumerate() {
        let members: Vec<f64> = log_c
            .iter()
            .zip(&assignment)
            .filter(|(_, a)| **a == Some(k))
            .map(|(v, _)| *v)
            .collect();
        if members.len() >= 2 {
            *slot = Some(centres.len());
            centres.push(10f64.powf(members.iter().sum::<f64>() / members.len() as f64));
        }
    }
    let assignment = assignment
        .iter()
        .map(|a| a.and_then(|k| renumber[k]))
        .collect();
    (centres, assignment)
}

/// One group's runs assigned to compute budgets.
#[derive(Debug, Clone, PartialEq)]
pub struct IsoFlopSweep {
    name: String,
    table: RunTable,
    assignment: Vec<Option<usize>>,
    budgets: Vec<Flops>,
    unassigned: Vec<usize>,
    rule: BudgetRule,
}

impl IsoFlopSweep {
    /// A sweep from a plain run table, budgets by `rule` (no groups).
    ///
    /// # Errors
    /// As [`SweepTable::isoflop`].
    pub fn from_table(
        name: impl Into<String>,
        table: &RunTable,
        rule: &BudgetRule,
    ) -> Result<IsoFlopSweep> {
        SweepTable::from_table(name, table.clone()).isoflop(rule)
    }

    /// The group's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// All runs of the group (including those that fit no budget).
    pub fn table(&self) -> &RunTable {
        &self.table
    }

    /// The budgets, in increasing compute.
    pub fn budgets(&self) -> &[Flops] {
        &self.budgets
    }

    /// Per run, the index of its budget in [`IsoFlopSweep::budgets`] (`None`: no budget).
    pub fn assignment(&self) -> &[Option<usize>] {
        &self.assignment
    }

    /// Indices of the runs that fit no budget.
    pub fn unassigned(&self) -> &[usize] {
        &self.unassigned
    }

    /// The rule that assigned the budgets (with `Auto` resolved).
    pub fn rule(&self) -> &BudgetRule {
        &self.rule
    }

    /// The runs of budget `k` (empty if out of range).
    pub fn runs_of(&self, k: usize) -> Vec<Run> {
        self.table
            .iter()
            .zip(&self.assignment)
            .filter(|(_, a)| **a == Some(k))
            .map(|(r, _)| *r)
            .collect()
    }

    /// The smallest and largest model size and token count over all runs.
    pub fn ranges(&self) -> ((Params, Params), (Tokens, Tokens)) {
        let first = self.table.runs()[0];
        self.table.iter().fold(
            ((first.n, first.n), (first.d, first.d)),
            |((nl, nh), (dl, dh)), r| {
                (
                    (min_of(nl, r.n), max_of(nh, r.n)),
                    (min_of(dl, r.d), max_of(dh, r.d)),
                )
            },
        )
    }
}

fn min_of<T: PartialOrd>(a: T, b: T) -> T {
    if b < a {
        b
    } else {
        a
    }
}

fn max_of<T: PartialOrd>(a: T, b: T) -> T {
    if b > a {
        b
    } else {
        a
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clusters_budgets_and_reports_strays() {
        // Three runs near 1e19, three near 1e20, one stray at 3e21.
        let rows = [
            (1e8, 1e19 / 6e8, 3.0),
            (2e8, 1.05e19 / 12e8, 3.0),
            (4e8, 0.97e19 / 24e8, 3.0),
            (1e8, 1e20 / 6e8, 2.8),
            (2e8, 1.02e20 / 12e8, 2.7),
            (4e8, 1e20 / 24e8, 2.75),
            (1e9, 3e21 / 6e9, 2.4),
        ];
        let t = RunTable::from_rows(&rows).unwrap();
        let s = IsoFlopSweep::from_table("x", &t, &BudgetRule::default()).unwrap();
        assert_eq!(s.budgets().len(), 2);
        assert_eq!(s.unassigned(), &[6]);
        assert!((s.budgets()[0].get() / 1e19 - 1.0).abs() < 0.03);
        assert_eq!(s.runs_of(1).len(), 3);
        let nominal = BudgetRule::Nominal {
            budgets: vec![Flops::new(1e20).unwrap(), Flops::new(1e19).unwrap()],
            tolerance_decades: 0.05,
        };
        let s = IsoFlopSweep::from_table("x", &t, &nominal).unwrap();
        assert_eq!(s.budgets()[0].get(), 1e19);
        assert_eq!(s.unassigned(), &[6]);
    }

    #[test]
    #[cfg(feature = "csv")]
    fn budget_column_and_field_notation() {
        let csv = "N,D,budget,loss\n100M,1B,6e17,3.0\n200M,500M,6e17,3.1\n";
        let t = SweepTable::from_csv_reader(csv.as_bytes(), &SweepColumns::default()).unwrap();
        assert!(t.has_budgets());
        assert_eq!(t.table().runs()[0].n.get(), 1e8);
        let s = t.isoflop(&BudgetRule::Auto).unwrap();
        assert_eq!(s.rule(), &BudgetRule::Column);
        assert_eq!(s.budgets().len(), 1);
        let bad = "N,D,budget,loss\n100M,1B,-1,3.0\n";
        let e = SweepTable::from_csv_reader(bad.as_bytes(), &SweepColumns::default());
        assert!(e.unwrap_err().to_string().contains("row 0"));
        let missing = SweepColumns {
            budget: Some("C_nominal".into()),
            ..Default::default()
        };
        let e = SweepTable::from_csv_reader(csv.as_bytes(), &missing).unwrap_err();
        assert!(e.to_string().contains("C_nominal"), "{e}");
    }

    #[test]
    #[cfg(feature = "csv")]
    fn mixed_groups_are_refused_unless_pooled() {
        let csv = "experiment,N,D,loss\na,1e8,1e9,3\nb,1e8,1e9,3\n";
        let t = SweepTable::from_csv_reader(csv.as_bytes(), &SweepColumns::default()).unwrap();
        let e = t.isoflop(&BudgetRule::Auto).unwrap_err();
        assert!(matches!(e, Error::MixedGroups { count: 2, .. }), "{e}");
        assert!(e.to_string().contains("`experiment`"), "{e}");
        assert!(t.pooled().isoflop(&BudgetRule::Auto).is_ok());
        let nan = "N,D,loss\n1e8,NaN,3\n";
        let e = SweepTable::from_csv_reader(nan.as_bytes(), &SweepColumns::default());
        assert!(e.unwrap_err().to_string().contains("NaN"));
    }
}
