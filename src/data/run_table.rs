//! A validated table of training runs: model size N, training tokens D, final loss.
//!
//! Every row is checked on the way in (N and D finite and > 0, loss finite and > 0,
//! nats/token); a bad row is an error that names the row. Loaders read two CSV
//! formats, from a path or any reader:
//!
//! - the Epoch AI replication's format (Besiroglu et al. 2024, arXiv:2404.10102,
//!   `data/svg_extracted_data.csv`): columns `Model Size` (N), `Training FLOP` (C) and
//!   `loss`, with D = C / (6N) as in their analysis notebook; other columns are ignored;
//! - a plain format: `N` (or `params`), `D` (or `tokens`), `loss`.
//!
//! Model sizes, token counts and compute may be written in field notation ("6.7B",
//! "1.4T"), as their units parse it ([`Params`], [`Tokens`], [`Flops`]).
//!
//! ```
//! # #[cfg(feature = "csv")] {
//! use isoflop::data::run_table::RunTable;
//! let csv = "N,D,loss\n1e8,2e9,3.1\n4e8,8e9,2.7\n";
//! let table = RunTable::from_csv_reader(csv.as_bytes())?;
//! assert_eq!(table.len(), 2);
//! assert!(RunTable::from_csv_reader("N,D,loss\n1e8,2e9,NaN\n".as_bytes()).is_err());
//! # }
//! # Ok::<(), isoflop::Error>(())
//! ```

use crate::error::{compact, Error, Result};
use crate::units::{Flops, Params, Tokens};
use rand::Rng;
use serde::{Deserialize, Serialize};
#[cfg(feature = "csv")]
use std::io::Read;
#[cfg(feature = "csv")]
use std::path::Path;

/// One training run: N parameters trained on D tokens reached `loss` (nats/token).
///
/// The fields are public to read. [`Run::new`], deserialising and [`RunTable::new`]
/// check the loss (finite and > 0), so a NaN written into a literal stops at the table.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawRun")]
pub struct Run {
    /// Model size N (all parameters, as in Hoffmann et al. 2022).
    pub n: Params,
    /// Training tokens D.
    pub d: Tokens,
    /// Final training loss, nats/token (finite, > 0).
    pub loss: f64,
}

/// Serde form of [`Run`], checked on the way in.
#[derive(Deserialize)]
struct RawRun {
    n: Params,
    d: Tokens,
    loss: f64,
}

impl TryFrom<RawRun> for Run {
    type Error = Error;
    fn try_from(r: RawRun) -> Result<Self> {
        Run::new(r.n, r.d, r.loss)
    }
}

impl Run {
    /// A run of `n` parameters on `d` tokens that reached `loss` (nats/token).
    ///
    /// # Errors
    /// [`Error::InvalidValue`] if the loss is not finite and > 0.
    ///
    /// # Examples
    /// ```
    /// use isoflop::data::run_table::Run;
    /// let run = Run::new("1B".parse()?, "20B".parse()?, 2.6)?;
    /// assert_eq!(run.loss, 2.6);
    /// assert!(Run::new("1B".parse()?, "20B".parse()?, f64::NAN).is_err());
    /// # Ok::<(), isoflop::Error>(())
    /// ```
    pub fn new(n: Params, d: Tokens, loss: f64) -> Result<Run> {
        crate::error::check::positive("final loss of a run (nats/token)", loss)?;
        Ok(Run { n, d, loss })
    }

    /// A run from raw numbers, validated. `index` only labels the error message.
    fn checked(index: usize, n: f64, d: f64, loss: f64) -> Result<Run> {
        Run::from_parts(n, d, loss).map_err(|reason| Error::InvalidInput {
            what: format!(
                "run {index} (N = {}, D = {}, loss = {})",
                compact(n),
                compact(d),
                compact(loss)
            ),
            reason,
        })
    }

    /// The one check of a run's numbers, shared by every constructor and loader: N, D and
    /// the loss finite and > 0, and the training compute 6ND finite. The error is the
    /// reason, for the caller to say which run or row it was.
    pub(crate) fn from_parts(n: f64, d: f64, loss: f64) -> std::result::Result<Run, String> {
        let bad =
            |what: &str, v: f64| format!("its {what} is {}; it must be finite and > 0", compact(v));
        let n_ok = Params::new(n).map_err(|_| bad("model size N", n))?;
        let d_ok = Tokens::new(d).map_err(|_| bad("token count D", d))?;
        if !(loss.is_finite() && loss > 0.0) {
            return Err(bad("loss", loss));
        }
        if !(6.0 * n * d).is_finite() {
            return Err(format!(
                "its training compute 6ND = 6 x {} x {} is not a finite number of FLOPs; N and D must be smaller",
                compact(n),
                compact(d)
            ));
        }
        Ok(Run {
            n: n_ok,
            d: d_ok,
            loss,
        })
    }

    #[cfg(feature = "csv")]
    /// A run from a CSV row's numbers: the check of [`Run::from_parts`], the error naming
    /// the row (0-based), its line and the record (clipped).
    pub(crate) fn from_csv_row(
        row: usize,
        record: &csv::StringRecord,
        n: f64,
        d: f64,
        loss: f64,
    ) -> Result<Run> {
        Run::from_parts(n, d, loss)
            .map_err(|e| super::csv_input::row_error("a run-table row", row, record, &e))
    }

    /// Training compute C = 6ND.
    pub fn flops(&self) -> Result<Flops> {
        Flops::new(6.0 * self.n.get() * self.d.get())
    }
}

/// A non-empty, validated table of runs.
///
/// Whether a table is enough for a given fit (enough distinct runs, more than one model
/// size) is checked by [`RunTable::check_fittable`], which the fitters call.
/// Deserialising goes through [`RunTable::new`] (and [`RunTable::with_counts`]).
///
/// A run may stand for several rows: [`RunTable::merge_duplicates`] (what the CSV loaders
/// do by default, [`Duplicates::Merge`]) keeps one run per distinct (N, D) with the mean
/// loss and the number of rows it stands for ([`RunTable::counts`]). The fits weight each
/// run by its count, and their bootstraps resample runs, so copies of a row are never
/// independent evidence. A table that keeps its copies ([`Duplicates::Keep`]) says so:
/// [`RunTable::duplicate_rows`], and the bootstrap's [`copies`](crate::fit::Bootstrap::copies).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawRunTable")]
pub struct RunTable {
    runs: Vec<Run>,
    /// Rows each run stands for (all 1 unless merged); not written when all 1.
    #[serde(skip_serializing_if = "all_ones")]
    counts: Vec<u32>,
}

fn all_ones(counts: &[u32]) -> bool {
    counts.iter().all(|&c| c == 1)
}

/// Serde form of [`RunTable`], checked on the way in.
#[derive(Deserialize)]
struct RawRunTable {
    runs: Vec<Run>,
    #[serde(default)]
    counts: Vec<u32>,
}

impl TryFrom<RawRunTable> for RunTable {
    type Error = Error;
    fn try_from(r: RawRunTable) -> Result<Self> {
        if r.counts.is_empty() {
            RunTable::new(r.runs)
        } else {
            RunTable::with_counts(r.runs, r.counts)
        }
    }
}

/// What a loader does with rows that repeat an earlier row's (N, D) exactly (after
/// parsing, so "6.7B" and "6700000000" are the same N).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Duplicates {
    /// One run per distinct (N, D): the mean loss of its rows, weighted by count in the
    /// fits and resampled as one unit ([`RunTable::merge_duplicates`]). The default; the
    /// table reports how many rows were merged ([`RunTable::merged_rows`]).
    #[default]
    Merge,
    /// Keep every row as given: the fits count each copy, and the bootstrap reports how
    /// many rows repeat another ([`RunTable::duplicate_rows`]).
    Keep,
}

fn empty() -> Error {
    Error::InsufficientData {
        what: "a run table",
        reason: "no runs given".into(),
    }
}

impl RunTable {
    /// A table of runs.
    ///
    /// # Errors
    /// [`Error::InsufficientData`] if `runs` is empty; [`Error::NotApplicable`] naming
    /// the run if one has a loss that is not finite and > 0 (the fields of [`Run`] are
    /// public, so a literal can hold one).
    pub fn new(runs: Vec<Run>) -> Result<RunTable> {
        if runs.is_empty() {
            return Err(empty());
        }
        for (i, r) in runs.iter().enumerate() {
            Run::checked(i, r.n.get(), r.d.get(), r.loss)?;
        }
        let counts = vec![1; runs.len()];
        Ok(RunTable { runs, counts })
    }

    /// A table whose run `i` stands for `counts[i]` rows (e.g. a merged table written out
    /// and read back).
    ///
    /// # Errors
    /// As [`RunTable::new`]; [`Error::InvalidInput`] when the lengths differ or a count is 0.
    ///
    /// # Examples
    /// ```
    /// use isoflop::data::run_table::RunTable;
    /// let runs = RunTable::from_rows(&[(1e8, 2e9, 3.1), (4e8, 8e9, 2.7)])?;
    /// let t = RunTable::with_counts(runs.runs().to_vec(), vec![3, 1])?;
    /// assert_eq!(t.merged_rows(), 2);
    /// assert!(RunTable::with_counts(runs.runs().to_vec(), vec![0, 1]).is_err());
    /// # Ok::<(), isoflop::Error>(())
    /// ```
    pub fn with_counts(runs: Vec<Run>, counts: Vec<u32>) -> Result<RunTable> {
        let t = RunTable::new(runs)?;
        if counts.len() != t.runs.len() || counts.contains(&0) {
            return Err(Error::InvalidInput {
                what: format!("counts of a run table of {} runs", t.runs.len()),
                reason: format!(
                    "{} counts given{}; give one count >= 1 per run",
                    counts.len(),
                    if counts.contains(&0) {
                        ", one of them 0"
                    } else {
                        ""
                    }
                ),
            });
        }
        Ok(RunTable { counts, ..t })
    }

    /// For bundled data known to be valid (crate-internal).
    pub(crate) fn from_trusted(runs: Vec<Run>) -> RunTable {
        let counts = vec![1; runs.len()];
        RunTable { runs, counts }
    }

    /// The runs at `idx` with their counts (crate-internal; indices in range).
    pub(crate) fn subset_trusted(&self, idx: &[usize]) -> RunTable {
        RunTable {
            runs: idx.iter().map(|&i| self.runs[i]).collect(),
            counts: idx.iter().map(|&i| self.counts[i]).collect(),
        }
    }

    /// How many rows each run stands for (1 unless merged), in run order.
    pub fn counts(&self) -> &[u32] {
        &self.counts
    }

    /// Rows merged into other runs: the sum of [`RunTable::counts`] minus the runs.
    pub fn merged_rows(&self) -> usize {
        self.counts.iter().map(|&c| c as usize).sum::<usize>() - self.runs.len()
    }

    /// Number of distinct (N, D) points (exactly equal N and D).
    pub fn distinct_points(&self) -> usize {
        let mut v: Vec<(u64, u64)> = self
            .runs
            .iter()
            .map(|r| (r.n.get().to_bits(), r.d.get().to_bits()))
            .collect();
        v.sort_unstable();
        v.dedup();
        v.len()
    }

    /// Runs that repeat an earlier run's (N, D): `len() − distinct_points()`. Zero for a
    /// merged table.
    pub fn duplicate_rows(&self) -> usize {
        self.runs.len() - self.distinct_points()
    }

    /// One run per distinct (N, D), in order of first appearance: the loss is the mean of
    /// the rows' losses weighted by their counts, the count their sum. The identity on a
    /// table without copies.
    ///
    /// ```
    /// use isoflop::data::run_table::RunTable;
    /// let t = RunTable::from_rows(&[(1e8, 2e9, 3.0), (4e8, 8e9, 2.7), (1e8, 2e9, 3.2)])?;
    /// assert_eq!(t.duplicate_rows(), 1);
    /// let m = t.merge_duplicates();
    /// assert_eq!(m.len(), 2);
    /// assert_eq!(m.counts(), &[2, 1]);
    /// assert!((m.runs()[0].loss - 3.1).abs() < 1e-12);
    /// # Ok::<(), isoflop::Error>(())
    /// ```
    pub fn merge_duplicates(&self) -> RunTable {
        let (runs, counts, _) = merge_rows(
            self.runs
                .iter()
                .zip(&self.counts)
                .map(|(r, &c)| ((r.n.get().to_bits(), r.d.get().to_bits()), *r, c)),
        );
        RunTable { runs, counts }
    }

    /// A table from parallel vectors of N, D and loss (nats/token).
    ///
    /// ```
    /// use isoflop::data::run_table::RunTable;
    /// let t = RunTable::from_vectors(&[1e8, 1e9], &[2e9, 2e10], &[3.0, 2.5])?;
    /// assert_eq!(t.len(), 2);
    /// let err = RunTable::from_vectors(&[1e8, 1e9], &[2e9, 2e10], &[3.0, -1.0]).unwrap_err();
    /// assert!(err.to_string().contains("run 1"));
    /// # Ok::<(), isoflop::Error>(())
    /// ```
    pub fn from_vectors(n: &[f64], d: &[f64], loss: &[f64]) -> Result<RunTable> {
        if n.len() != d.len() || n.len() != loss.len() {
            return Err(Error::NotApplicable {
                what: "a run table from vectors".into(),
                reason: format!(
                    "the vectors differ in length: N {}, D {}, loss {}",
                    n.len(),
                    d.len(),
                    loss.len()
                ),
            });
        }
        let rows: Vec<(f64, f64, f64)> = n
            .iter()
            .zip(d)
            .zip(loss)
            .map(|((&n, &d), &l)| (n, d, l))
            .collect();
        RunTable::from_rows(&rows)
    }

    /// A table from rows of (N, D, loss).
    pub fn from_rows(rows: &[(f64, f64, f64)]) -> Result<RunTable> {
        let runs = rows
            .iter()
            .enumerate()
            .map(|(i, &(n, d, l))| Run::checked(i, n, d, l))
            .collect::<Result<Vec<_>>>()?;
        RunTable::new(runs)
    }

    /// A table from rows of (N, C, loss) with D = C / (6N), as in the replication's analysis.
    pub fn from_compute_rows(rows: &[(f64, f64, f64)]) -> Result<RunTable> {
        let nd: Vec<(f64, f64, f64)> = rows
            .iter()
            .map(|&(n, c, l)| (n, c / (6.0 * n), l))
            .collect();
        RunTable::from_rows(&nd)
    }

    #[cfg(feature = "csv")]
    /// Reads a CSV file in either supported format (see the module docs), merging rows
    /// that repeat an (N, D) ([`Duplicates::Merge`]).
    ///
    /// # Errors
    /// As [`RunTable::from_csv_reader`], plus [`Error::Io`].
    pub fn from_csv_path(path: impl AsRef<Path>) -> Result<RunTable> {
        RunTable::from_csv_path_with(path, Duplicates::Merge)
    }

    #[cfg(feature = "csv")]
    /// [`RunTable::from_csv_path`] with an explicit choice for repeated (N, D) rows.
    ///
    /// # Errors
    /// As [`RunTable::from_csv_reader`], plus [`Error::Io`].
    pub fn from_csv_path_with(path: impl AsRef<Path>, duplicates: Duplicates) -> Result<RunTable> {
        let path = path.as_ref();
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        RunTable::from_csv_reader_with(file, duplicates)
    }

    #[cfg(feature = "csv")]
    /// Reads CSV from any reader. The header decides the format: `Model Size`,
    /// `Training FLOP`, `loss` (replication, D = C/6N) or `N`/`params`, `D`/`tokens`, `loss`.
    /// Rows that repeat an (N, D) are merged ([`Duplicates::Merge`]; see
    /// [`RunTable::merged_rows`]).
    ///
    /// # Errors
    /// [`Error::Csv`] for a missing column, an input over the caps of
    /// [`csv_input`](super::csv_input) or malformed CSV; [`Error::Parse`] naming the row
    /// and line for a bad field or a run that is not valid ([`RunTable::new`]; also 6ND
    /// finite); [`Error::InsufficientData`] without rows.
    pub fn from_csv_reader(reader: impl Read) -> Result<RunTable> {
        RunTable::from_csv_reader_with(reader, Duplicates::Merge)
    }

    #[cfg(feature = "csv")]
    /// [`RunTable::from_csv_reader`] with an explicit choice for repeated (N, D) rows.
    ///
    /// # Errors
    /// As [`RunTable::from_csv_reader`].
    ///
    /// # Examples
    /// ```
    /// use isoflop::data::run_table::{Duplicates, RunTable};
    /// let csv = "N,D,loss\n6.7B,140B,2.31\n6700000000,140000000000,2.29\n";
    /// let merged = RunTable::from_csv_reader(csv.as_bytes())?;
    /// assert_eq!((merged.len(), merged.merged_rows()), (1, 1));
    /// let kept = RunTable::from_csv_reader_with(csv.as_bytes(), Duplicates::Keep)?;
    /// assert_eq!((kept.len(), kept.duplicate_rows()), (2, 1));
    /// # Ok::<(), isoflop::Error>(())
    /// ```
    pub fn from_csv_reader_with(reader: impl Read, duplicates: Duplicates) -> Result<RunTable> {
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
        let loss_col = find(&["loss"]);
        let (first, second, compute) = match (
            find(&["Model Size"]),
            find(&["Training FLOP"]),
            find(&["N", "params"]),
            find(&["D", "tokens"]),
        ) {
            (Some(n), Some(c), _, _) => (n, c, true),
            (_, _, Some(n), Some(d)) => (n, d, false),
            _ => {
                return Err(Error::Csv(format!(
                    "header {} has neither `Model Size`, `Training FLOP`, `loss` nor `N` (or `params`), `D` (or `tokens`), `loss`",
                    header_list()
                )))
            }
        };
        let loss_col = loss_col
            .ok_or_else(|| Error::Csv(format!("header {} has no `loss` column", header_list())))?;
        let mut runs = Vec::new();
        for (i, record) in rdr.records().enumerate() {
            let record = record?;
            let field = |col: usize, name: &'static str, kind: Quantity| -> Result<f64> {
                let text = record.get(col).unwrap_or("");
                parse_quantity(text, kind).map_err(|e| {
                    super::csv_input::field_error("a run-table value", text, i, name, e)
                })
            };
            let (first_kind, second_kind) = if compute {
                (Quantity::Params, Quantity::Flops)
            } else {
                (Quantity::Params, Quantity::Tokens)
            };
            let a = field(first, if compute { "Model Size" } else { "N" }, first_kind)?;
            let b = field(
                second,
                if compute { "Training FLOP" } else { "D" },
                second_kind,
            )?;
            let loss = field(loss_col, "loss", Quantity::Plain)?;
            let d = if compute { b / (6.0 * a) } else { b };
            runs.push(Run::from_csv_row(i, &record, a, d, loss)?);
        }
        let table = RunTable::new(runs)?;
        Ok(match duplicates {
            Duplicates::Merge => table.merge_duplicates(),
            Duplicates::Keep => table,
        })
    }

    /// Number of runs.
    pub fn len(&self) -> usize {
        self.runs.len()
    }

    /// Always false: a table is never empty (kept for the `len` convention).
    pub fn is_empty(&self) -> bool {
        self.runs.is_empty()
    }

    /// The runs, in order.
    pub fn runs(&self) -> &[Run] {
        &self.runs
    }

    /// Iterates over the runs.
    pub fn iter(&self) -> std::slice::Iter<'_, Run> {
        self.runs.iter()
    }

    /// A fingerprint of the table's contents: FNV-1a (64-bit) over the bits of every
    /// run's N, D and loss, in order. Two tables with the same runs in the same order
    /// share it; a fit remembers its table's fingerprint so that a bootstrap can refuse
    /// a table the fit was not made on.
    ///
    /// ```
    /// use isoflop::data::run_table::RunTable;
    /// let a = RunTable::from_rows(&[(1e8, 2e9, 3.1), (4e8, 8e9, 2.7)])?;
    /// let b = RunTable::from_rows(&[(1e8, 2e9, 3.1), (4e8, 8e9, 2.6)])?;
    /// assert_eq!(a.fingerprint(), a.clone().fingerprint());
    /// assert_ne!(a.fingerprint(), b.fingerprint());
    /// # Ok::<(), isoflop::Error>(())
    /// ```
    pub fn fingerprint(&self) -> u64 {
        const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
        const PRIME: u64 = 0x0000_0100_0000_01b3;
        let mut h = OFFSET;
        for r in &self.runs {
            for v in [r.n.get(), r.d.get(), r.loss] {
                for byte in v.to_bits().to_le_bytes() {
                    h ^= u64::from(byte);
                    h = h.wrapping_mul(PRIME);
                }
            }
        }
        // Counts only when some run stands for several rows, so a plain table's
        // fingerprint is what it always was.
        if !all_ones(&self.counts) {
            for &c in &self.counts {
                for byte in c.to_le_bytes() {
                    h ^= u64::from(byte);
                    h = h.wrapping_mul(PRIME);
                }
            }
        }
        h
    }

    /// Number of distinct model sizes (exactly equal N).
    pub fn distinct_sizes(&self) -> usize {
        distinct(self.runs.iter().map(|r| r.n.get()))
    }

    /// Number of distinct token counts (exactly equal D).
    pub fn distinct_tokens(&self) -> usize {
        distinct(self.runs.iter().map(|r| r.d.get()))
    }

    /// The table without its `k` highest-loss runs (order otherwise kept).
    ///
    /// This is the outlier rule of the Epoch AI replication (Besiroglu et al. 2024:
    /// drop the 5 highest losses, all at D/N < 0.41 in the Chinchilla data). Ties at the
    /// cut are broken by row order. Errors if it would leave no runs.
    pub fn drop_highest_losses(&self, k: usize) -> Result<RunTable> {
        if k >= self.runs.len() {
            return Err(Error::InsufficientData {
                what: "dropping the highest losses",
                reason: format!("dropping {k} of {} runs leaves none", self.runs.len()),
            });
        }
        let mut order: Vec<usize> = (0..self.runs.len()).collect();
        order.sort_by(|&i, &j| {
            self.runs[j]
                .loss
                .total_cmp(&self.runs[i].loss)
                .then(i.cmp(&j))
        });
        let mut drop = vec![false; self.runs.len()];
        for &i in order.iter().take(k) {
            drop[i] = true;
        }
        let keep: Vec<usize> = (0..self.runs.len()).filter(|&i| !drop[i]).collect();
        Ok(self.subset_trusted(&keep))
    }

    /// The runs at `indices` (repeats allowed), e.g. a bootstrap resample.
    /// Errors on an empty list or an index out of range.
    pub fn select(&self, indices: &[usize]) -> Result<RunTable> {
        if let Some(&i) = indices.iter().find(|&&i| i >= self.runs.len()) {
            return Err(Error::NotApplicable {
                what: format!("run index {i}"),
                reason: format!("the table has {} runs", self.runs.len()),
            });
        }
        if indices.is_empty() {
            return Err(empty());
        }
        Ok(self.subset_trusted(indices))
    }

    /// A bootstrap resample: `len()` runs drawn uniformly with replacement.
    ///
    /// ```
    /// use isoflop::data::run_table::RunTable;
    /// use rand::SeedableRng;
    /// let t = RunTable::from_rows(&[(1e8, 2e9, 3.0), (1e9, 2e10, 2.5), (1e10, 2e11, 2.1)])?;
    /// let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    /// assert_eq!(t.resample(&mut rng).len(), 3);
    /// # Ok::<(), isoflop::Error>(())
    /// ```
    pub fn resample<R: Rng + ?Sized>(&self, rng: &mut R) -> RunTable {
        let n = self.runs.len();
        let idx: Vec<usize> = (0..n).map(|_| rng.random_range(0..n)).collect();
        self.subset_trusted(&idx)
    }

    /// Checks the table can determine a law with `parameters` free parameters:
    /// more runs than parameters, at least two model sizes and two token counts.
    ///
    /// ```
    /// use isoflop::data::run_table::RunTable;
    /// let one_size = RunTable::from_rows(&[(1e8, 1e9, 3.0), (1e8, 2e9, 2.9), (1e8, 4e9, 2.8),
    ///     (1e8, 8e9, 2.7), (1e8, 16e9, 2.65), (1e8, 32e9, 2.6)])?;
    /// assert!(one_size.check_fittable(5).is_err());
    /// # Ok::<(), isoflop::Error>(())
    /// ```
    pub fn check_fittable(&self, parameters: usize) -> Result<()> {
        let points = self.distinct_points();
        if points <= parameters {
            return Err(Error::InsufficientData {
                what: "a scaling-law fit",
                reason: format!(
                    "{points} runs at distinct (N, D){} for {parameters} free parameters; at least {} are needed",
                    if points < self.runs.len() {
                        format!(" ({} rows, the others copies)", self.runs.len())
                    } else {
                        String::new()
                    },
                    parameters + 1
                ),
            });
        }
        if self.distinct_sizes() < 2 {
            return Err(Error::NonIdentifiable(
                "every run has the same model size N, so the size term A/N^alpha cannot be separated from E; runs at two or more sizes are needed".into(),
            ));
        }
        if self.distinct_tokens() < 2 {
            return Err(Error::NonIdentifiable(
                "every run has the same token count D, so the data term B/D^beta cannot be separated from E; runs at two or more token counts are needed".into(),
            ));
        }
        Ok(())
    }
}

#[cfg(feature = "csv")]
/// What a CSV field holds, for [`parse_quantity`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Quantity {
    /// A plain number (e.g. a loss).
    Plain,
    /// A parameter count: a number or field notation ("6.7B").
    Params,
    /// A token count: a number or field notation ("1.4T").
    Tokens,
    /// Training compute: a number ("5.76e23") or what [`Flops`] parses.
    Flops,
}

#[cfg(feature = "csv")]
/// Parses a CSV field: a plain number, or for counts the field notation their units'
/// `FromStr` accepts ("6.7B" parameters, "1.4T" tokens). Range checks happen later.
pub(crate) fn parse_quantity(text: &str, kind: Quantity) -> std::result::Result<f64, String> {
    if let Ok(v) = text.parse::<f64>() {
        return Ok(v);
    }
    let parsed = match kind {
        Quantity::Plain => return Err(format!("{:?} is not a number", crate::error::clip(text))),
        Quantity::Params => text.parse::<Params>().map(Params::get),
        Quantity::Tokens => text.parse::<Tokens>().map(Tokens::get),
        Quantity::Flops => text.parse::<Flops>().map(Flops::get),
    };
    parsed.map_err(|e| e.to_string())
}

/// Merges rows `(key, run, count)` with equal keys in order of first appearance: the loss
/// is the mean of the losses weighted by count, the count their sum. Also returns, per
/// merged run, the position of its first row (crate-internal; the sweep loader merges
/// with its group labels and budget in the key).
pub(crate) fn merge_rows<K: std::hash::Hash + Eq>(
    rows: impl Iterator<Item = (K, Run, u32)>,
) -> (Vec<Run>, Vec<u32>, Vec<usize>) {
    let mut index: std::collections::HashMap<K, usize> = std::collections::HashMap::new();
    let mut firsts: Vec<usize> = Vec::new();
    let mut runs: Vec<Run> = Vec::new();
    // Per run: rows so far (as f64, for the running mean) and the count.
    let mut rows_so_far: Vec<f64> = Vec::new();
    let mut counts: Vec<u32> = Vec::new();
    for (position, (key, r, c)) in rows.enumerate() {
        match index.get(&key) {
            Some(&k) => {
                // Running weighted mean: stays finite for any finite losses.
                let total = rows_so_far[k] + f64::from(c);
                runs[k].loss += (r.loss - runs[k].loss) * (f64::from(c) / total);
                rows_so_far[k] = total;
                counts[k] = counts[k].saturating_add(c);
            }
            None => {
                index.insert(key, runs.len());
                firsts.push(position);
                runs.push(r);
                rows_so_far.push(f64::from(c));
                counts.push(c);
            }
        }
    }
    (runs, counts, firsts)
}

fn distinct(values: impl Iterator<Item = f64>) -> usize {
    let mut v: Vec<f64> = values.collect();
    v.sort_by(f64::total_cmp);
    v.dedup();
    v.len()
}

impl<'a> IntoIterator for &'a RunTable {
    type Item = &'a Run;
    type IntoIter = std::slice::Iter<'a, Run>;
    fn into_iter(self) -> Self::IntoIter {
        self.runs.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_bad_rows_naming_them() {
        let e = RunTable::from_rows(&[(1e8, 1e9, 3.0), (f64::NAN, 1e9, 3.0)]).unwrap_err();
        assert!(e.to_string().contains("run 1"), "{e}");
        assert!(RunTable::from_rows(&[]).is_err());
        assert!(RunTable::from_vectors(&[1.0], &[1.0, 2.0], &[3.0]).is_err());
        assert!(RunTable::from_rows(&[(1e8, 0.0, 3.0)]).is_err());
        assert!(RunTable::from_rows(&[(1e8, 1e9, f64::INFINITY)]).is_err());
    }

    #[cfg(feature = "csv")]
    #[test]
    fn reads_both_csv_formats() {
        let rep = "x,Model Size,Training FLOP,loss\n0,1e8,6e17,3.0\n0,2e8,2.4e18,2.9\n";
        let t = RunTable::from_csv_reader(rep.as_bytes()).unwrap();
        assert!((t.runs()[0].d.get() - 1e9).abs() < 1e-3);
        assert!((t.runs()[1].d.get() - 2e9).abs() < 1e-3);
        let noted = RunTable::from_csv_reader("N,D,loss\n6.7B,1.4T,2.0\n".as_bytes()).unwrap();
        assert_eq!(noted.runs()[0].n.get(), 6.7e9);
        assert_eq!(noted.runs()[0].d.get(), 1.4e12);
        let plain = "params,tokens,loss\n1e8,1e9,3.0\n";
        assert_eq!(
            RunTable::from_csv_reader(plain.as_bytes()).unwrap().len(),
            1
        );
    }

    #[cfg(feature = "csv")]
    #[test]
    fn malformed_csv_names_the_row() {
        let e = RunTable::from_csv_reader("N,D,loss\n1e8,1e9,3.0\n1e8,abc,3.0\n".as_bytes())
            .unwrap_err();
        assert!(e.to_string().contains("row 1 (line 3)"), "{e}");
        let e = RunTable::from_csv_reader("N,D,loss\n1e8,1e9,NaN\n".as_bytes()).unwrap_err();
        assert!(e.to_string().contains("row 0"), "{e}");
        assert!(RunTable::from_csv_reader("a,b\n1,2\n".as_bytes()).is_err());
        assert!(RunTable::from_csv_reader("N,D\n1,2\n".as_bytes()).is_err());
        assert!(RunTable::from_csv_reader("N,D,loss\n".as_bytes()).is_err());
        assert!(RunTable::from_csv_path("/nonexistent/file.csv").is_err());
    }

    #[test]
    fn drops_exactly_the_highest() {
        let t = RunTable::from_rows(&[(1e8, 1e9, 3.0), (1e8, 1e9, 5.0), (1e8, 1e9, 4.0)]).unwrap();
        let d = t.drop_highest_losses(2).unwrap();
        assert_eq!(d.len(), 1);
        assert_eq!(d.runs()[0].loss, 3.0);
        assert!(t.drop_highest_losses(3).is_err());
    }

    #[test]
    fn fittability() {
        let t = RunTable::from_rows(&[(1e8, 1e9, 3.0), (2e8, 1e9, 2.9)]).unwrap();
        assert!(matches!(
            t.check_fittable(5),
            Err(Error::InsufficientData { .. })
        ));
        let rows: Vec<_> = (0..8).map(|i| (1e8 * (i + 1) as f64, 1e9, 3.0)).collect();
        let same_d = RunTable::from_rows(&rows).unwrap();
        assert!(matches!(
            same_d.check_fittable(5),
            Err(Error::NonIdentifiable(_))
        ));
    }
}
