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
use super::run_table::{Duplicates, Run, RunTable};
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
    /// Rows that repeat an earlier row's (N, D), group values and budget: merged (the
    /// default) or kept ([`Duplicates`]).
    pub duplicates: Duplicates,
}

/// Largest accepted distance between a budget-column value and the run's C = 6ND, in
/// decades: 0.5 (a factor of 3.2). The runs of an isoFLOP budget spend that budget; FLOP
/// counts that include attention differ from 6ND by well under 2x at the sizes of
/// published sweeps, while a column in other units (1000x) or of another quantity is
/// refused, naming the row, instead of silently moving every optimum.
pub const MAX_BUDGET_MISMATCH_DECADES: f64 = 0.5;

/// Budget-column values within this relative distance are one budget (a column written
/// as 6ND in floating point differs in its last digits from run to run).
pub const BUDGET_RELATIVE_TOLERANCE: f64 = 1e-6;

/// Why `budget` does not fit a run of `n` parameters on `d` tokens (`None` when it does).
fn budget_mismatch(budget: f64, n: f64, d: f64) -> Option<String> {
    let c = 6.0 * n * d;
    let off = (budget / c).log10();
    (off.abs() > MAX_BUDGET_MISMATCH_DECADES).then(|| {
        format!(
            "its budget {} FLOPs is {} times the run's 6ND = {} FLOPs; a run spends its budget (within a factor 10^{MAX_BUDGET_MISMATCH_DECADES}): check the column's units, or cluster 6ND instead",
            crate::error::compact(budget),
            crate::error::compact(budget / c),
            crate::error::compact(c)
        )
    })
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
    /// [`Error::NotApplicable`] when the lengths differ; [`Error::InvalidInput`] naming the
    /// run when a budget is more than [`MAX_BUDGET_MISMATCH_DECADES`] from its 6ND.
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
        for (i, (r, b)) in table.iter().zip(&budgets).enumerate() {
            if let Some(reason) = budget_mismatch(b.get(), r.n.get(), r.d.get()) {
                return Err(Error::InvalidInput {
                    what: format!("the budget of run {i}"),
                    reason,
                });
            }
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
    /// `columns`. Counts may be written in field notation ("6.7B", "1.4T"). Rows checked
    /// as [`RunTable`]'s loader checks them; repeated rows merged unless
    /// [`SweepColumns::duplicates`] says keep.
    ///
    /// # Errors
    /// [`Error::Csv`] for a missing column (naming what is accepted) or an input over the
    /// caps of [`csv_input`](super::csv_input); [`Error::Parse`] naming row, line and column
    /// for a bad field, a run that is not valid (N, D, loss finite and > 0, 6ND finite), a
    /// budget that is not finite and > 0 or lies more than [`MAX_BUDGET_MISMATCH_DECADES`]
    /// from the run's 6ND.
    pub fn from_csv_reader(reader: impl Read, columns: &SweepColumns) -> Result<SweepTable> {
        let mut rdr = super::csv_input::reader(reader);
        let headers = rdr.headers()?.clone();
        let header_list = || {
            format!(
                "{:?}",
                headers.iter().map(crate::error::clip).collect::<Vec<_>>()
            )
        };
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
            let field = |col: usize, kind: Quantity| -> Result<f64> {
                let text = record.get(col).unwrap_or("");
                parse_quantity(text, kind).map_err(|e| {
                    super::csv_input::field_error(
                        "a sweep value",
                        text,
                        i,
                        &crate::error::clip(headers.get(col).unwrap_or("")),
                        e,
                    )
                })
            };
            let n = field(n_col, Quantity::Params)?;
            let d = match d_col {
                Some(c) => field(c, Quantity::Tokens)?,
                None => field(c_col.unwrap_or(n_col), Quantity::Flops)? / (6.0 * n),
            };
            let loss = field(loss_col, Quantity::Plain)?;
            let run = Run::from_csv_row(i, &record, n, d, loss)?;
            runs.push(run);
            labels.push(
                group_cols
                    .iter()
                    .map(|&c| record.get(c).unwrap_or("").to_string())
                    .collect(),
            );
            if let Some(c) = budget_col {
                let b = field(c, Quantity::Flops)?;
                let problem = Flops::new(b)
                    .err()
                    .map(|_| {
                        format!(
                            "its budget is {}; it must be finite and > 0",
                            crate::error::compact(b)
                        )
                    })
                    .or_else(|| budget_mismatch(b, n, d));
                if let Some(reason) = problem {
                    return Err(super::csv_input::row_error(
                        "a sweep row",
                        i,
                        &record,
                        &reason,
                    ));
                }
                budgets.push(Flops::new(b)?);
            }
        }
        let table = SweepTable {
            name: "sweep".into(),
            table: RunTable::new(runs)?,
            group_columns: group_cols
                .iter()
                .map(|&c| headers.get(c).unwrap_or("").to_string())
                .collect(),
            labels,
            budgets,
        };
        Ok(match columns.duplicates {
            Duplicates::Merge => table.merge_duplicates(),
            Duplicates::Keep => table,
        })
    }

    /// One run per distinct (N, D), group values and budget: the mean loss, weighted by
    /// count, as [`RunTable::merge_duplicates`] does within each group and budget. The
    /// merged table reports the rows it merged ([`RunTable::merged_rows`]).
    pub fn merge_duplicates(&self) -> SweepTable {
        let (runs, counts, firsts) = super::run_table::merge_rows((0..self.table.len()).map(|i| {
            let r = self.table.runs()[i];
            (
                (
                    r.n.get().to_bits(),
                    r.d.get().to_bits(),
                    self.budgets.get(i).map(|b| b.get().to_bits()),
                    &self.labels[i],
                ),
                r,
                self.table.counts()[i],
            )
        }));
        if runs.len() == self.table.len() {
            return self.clone();
        }
        SweepTable {
            name: self.name.clone(),
            // Every run comes from this validated table; the counts are sums of counts >= 1.
            table: RunTable::with_counts(runs, counts).unwrap_or_else(|_| self.table.clone()),
            group_columns: self.group_columns.clone(),
            labels: firsts.iter().map(|&i| self.labels[i].clone()).collect(),
            budgets: if self.budgets.is_empty() {
                Vec::new()
            } else {
                firsts.iter().map(|&i| self.budgets[i]).collect()
            },
        }
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
        // Rows of each distinct key, keys in order of first appearance: one pass.
        let mut index: std::collections::HashMap<&Vec<String>, usize> =
            std::collections::HashMap::new();
        let mut keys: Vec<&Vec<String>> = Vec::new();
        let mut rows: Vec<Vec<usize>> = Vec::new();
        for (i, l) in self.labels.iter().enumerate() {
            let k = *index.entry(l).or_insert_with(|| {
                keys.push(l);
                rows.push(Vec::new());
                keys.len() - 1
            });
            rows[k].push(i);
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
            .zip(&rows)
            .map(|(k, idx)| self.subset(idx, self.key_name(k)))
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
        SweepTable {
            name,
            table: self.table.subset_trusted(idx),
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
                column_budgets(&self.budgets)
            }
            BudgetRule::Nominal {
                budgets,
                tolerance_decades,
            } => {
                let tol = check_tol(*tolerance_decades)?;
                let mut nominal: Vec<f64> = budgets.iter().map(|b| b.get()).collect();
                nominal.sort_by(f64::total_cmp);
                nominal.dedup();
                let logs: Vec<f64> = nominal.iter().map(|b| b.log10()).collect();
                let assignment = log_c
                    .iter()
                    .map(|&lc| nearest_within(&logs, lc, tol))
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
        let mut received = vec![false; budgets.len()];
        for k in assignment.iter().flatten() {
            received[*k] = true;
        }
        let used: Vec<usize> = (0..budgets.len()).filter(|&k| received[k]).collect();
        let mut renumber = vec![None; budgets.len()];
        for (new, &old) in used.iter().enumerate() {
            renumber[old] = Some(new);
        }
        let assignment: Vec<Option<usize>> = assignment
            .iter()
            .map(|a| a.and_then(|k| renumber[k]))
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
/// [`BudgetRule::Cluster`]), in O(n log n): the values are sorted once, so the mean of the
/// values within `tol` of any point is two binary searches and a difference of prefix
/// sums; runs with equal C climb once; modes are kept in a sorted set, so checking a new
/// mode against the others and assigning a run to its nearest mode are binary searches too.
/// Every comparison is the one the direct method makes, so the budgets and assignment are
/// the same.
fn cluster(log_c: &[f64], tol: f64) -> (Vec<f64>, Vec<Option<usize>>) {
    let window = Window::new(log_c, tol);
    // Every run climbs to its mode (runs with the same C share the climb).
    let mut climbed: std::collections::HashMap<u64, f64> = std::collections::HashMap::new();
    let mut modes: std::collections::BTreeMap<u64, f64> = std::collections::BTreeMap::new();
    for &start in log_c {
        if climbed.contains_key(&start.to_bits()) {
            // Its mode was considered when the first run at this C climbed.
            continue;
        }
        let mut x = start;
        for _ in 0..100 {
            let (m, _) = window.mean_within(x);
            if (m - x).abs() < 1e-9 {
                break;
            }
            x = m;
        }
        climbed.insert(start.to_bits(), x);
        let near = |m: Option<(&u64, &f64)>| m.is_some_and(|(_, &m)| (m - x).abs() < 0.5 * tol);
        let key = order_key(x);
        if window.mean_within(x).1 >= 2
            && !near(modes.range(..=key).next_back())
            && !near(modes.range(key..).next())
        {
            modes.insert(key, x);
        }
    }
    let modes: Vec<f64> = modes.into_values().collect();
    // Each run joins its nearest mode within `tol` (the lower on a tie).
    let assignment: Vec<Option<usize>> = log_c
        .iter()
        .map(|&v| nearest_within(&modes, v, tol))
        .collect();
    // A budget is the geometric mean of its runs' C; modes with fewer than 2 runs are not budgets.
    let mut sums = vec![(-0.0f64, 0usize); modes.len()];
    for (v, a) in log_c.iter().zip(&assignment) {
        if let Some(k) = *a {
            sums[k].0 += v;
            sums[k].1 += 1;
        }
    }
    let mut centres = Vec::new();
    let renumber: Vec<Option<usize>> = sums
        .iter()
        .map(|&(sum, count)| {
            (count >= 2).then(|| {
                centres.push(10f64.powf(sum / count as f64));
                centres.len() - 1
            })
        })
        .collect();
    let assignment = assignment
        .iter()
        .map(|a| a.and_then(|k| renumber[k]))
        .collect();
    (centres, assignment)
}

/// The index of the value of `sorted` nearest to `x` within `tol` (the lower on a tie),
/// by binary search: the same answer as scanning every value for the first minimum.
fn nearest_within(sorted: &[f64], x: f64, tol: f64) -> Option<usize> {
    let above = sorted.partition_point(|&m| m.total_cmp(&x).is_le());
    [
        above.checked_sub(1),
        (above < sorted.len()).then_some(above),
    ]
    .into_iter()
    .flatten()
    .map(|k| (k, (sorted[k] - x).abs()))
    .filter(|&(_, d)| d <= tol)
    .min_by(|a, b| a.1.total_cmp(&b.1))
    .map(|(k, _)| k)
}

/// Budgets from a budget column: values within [`BUDGET_RELATIVE_TOLERANCE`] of their
/// sorted neighbour are one budget, at the median of its values (the value itself when
/// they are equal); each run's index among them.
fn column_budgets(column: &[Flops]) -> (Vec<f64>, Vec<Option<usize>>) {
    let mut sorted: Vec<f64> = column.iter().map(|b| b.get()).collect();
    sorted.sort_by(f64::total_cmp);
    // Split the sorted values where the relative gap exceeds the tolerance.
    let mut starts = vec![0usize];
    for i in 1..sorted.len() {
        if sorted[i] - sorted[i - 1] > BUDGET_RELATIVE_TOLERANCE * sorted[i] {
            starts.push(i);
        }
    }
    let ends: Vec<usize> = starts
        .iter()
        .skip(1)
        .copied()
        .chain([sorted.len()])
        .collect();
    let budgets: Vec<f64> = starts
        .iter()
        .zip(&ends)
        .map(|(&a, &b)| sorted[a + (b - a - 1) / 2])
        .collect();
    // Each value's budget: the last start at or before its position in `sorted`.
    let firsts: Vec<f64> = starts.iter().map(|&i| sorted[i]).collect();
    let assignment = column
        .iter()
        .map(|b| {
            let k = firsts.partition_point(|&f| f <= b.get());
            k.checked_sub(1)
        })
        .collect();
    (budgets, assignment)
}

/// A u64 whose order is `f64::total_cmp`'s.
fn order_key(x: f64) -> u64 {
    let b = x.to_bits();
    if b >> 63 == 1 {
        !b
    } else {
        b | (1 << 63)
    }
}

/// Sorted values with exact prefix sums (fixed point, 2⁻⁴⁰), for the mean of the values
/// within `tol` of a point.
struct Window {
    sorted: Vec<f64>,
    prefix: Vec<i128>,
    tol: f64,
}

/// Fixed-point scale of [`Window`]'s sums: log10 C to 9e-13.
const FIXED: f64 = (1u64 << 40) as f64;

impl Window {
    fn new(values: &[f64], tol: f64) -> Window {
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        let mut prefix = Vec::with_capacity(sorted.len() + 1);
        let mut s: i128 = 0;
        prefix.push(s);
        for v in &sorted {
            s += (v * FIXED).round() as i128;
            prefix.push(s);
        }
        Window {
            sorted,
            prefix,
            tol,
        }
    }

    /// The mean of the values v with |v − x| <= tol, and their count.
    fn mean_within(&self, x: f64) -> (f64, usize) {
        let tol = self.tol;
        let lo = self.sorted.partition_point(|&v| x - v > tol);
        let hi = self.sorted.partition_point(|&v| v - x <= tol);
        let count = hi.saturating_sub(lo);
        if count == 0 {
            return (0.0, 0);
        }
        let sum = (self.prefix[hi] - self.prefix[lo]) as f64 / FIXED;
        (sum / count as f64, count)
    }
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

    /// The runs of every budget, in one pass: `[k]` is [`IsoFlopSweep::runs_of`]`(k)`,
    /// with each run's count ([`RunTable::counts`]).
    pub fn runs_by_budget(&self) -> Vec<Vec<(Run, u32)>> {
        let mut out = vec![Vec::new(); self.budgets.len()];
        for ((r, &c), a) in self
            .table
            .iter()
            .zip(self.table.counts())
            .zip(&self.assignment)
        {
            if let Some(k) = a {
                out[*k].push((*r, c));
            }
        }
        out
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
