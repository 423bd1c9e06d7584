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

use crate::error::{Error, Result};
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
        let bad = |what: &str, v: f64| Error::InvalidInput {
            what: format!("run {index} (N = {n}, D = {d}, loss = {loss})"),
            reason: format!("its {what} is {v}; it must be finite and > 0"),
        };
        let n_ok = Params::new(n).map_err(|_| bad("model size N", n))?;
        let d_ok = Tokens::new(d).map_err(|_| bad("token count D", d))?;
        if !(loss.is_finite() && loss > 0.0) {
            return Err(bad("loss", loss));
        }
        Ok(Run {
            n: n_ok,
            d: d_ok,
            loss,
        })
    }

    /// Training compute C = 6ND.
    pub fn flops(&self) -> Result<Flops> {
        Flops::new(6.0 * self.n.get() * self.d.get())
    }
}

/// A non-empty, validated table of runs.
///
/// Whether a table is enough for a given fit (enough runs, more than one model
/// size) is checked by [`RunTable::check_fittable`], which the fitters call.
/// Deserialising goes through [`RunTable::new`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawRunTable")]
pub struct RunTable {
    runs: Vec<Run>,
}

/// Serde form of [`RunTable`], checked on the way in.
#[derive(Deserialize)]
struct RawRunTable {
    runs: Vec<Run>,
}

impl TryFrom<RawRunTable> for RunTable {
    type Error = Error;
    fn try_from(r: RawRunTable) -> Result<Self> {
        RunTable::new(r.runs)
    }
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
        Ok(RunTable { runs })
    }

    /// For bundled data known to be valid (crate-internal).
    pub(crate) fn from_trusted(runs: Vec<Run>) -> RunTable {
        RunTable { runs }
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
    /// Reads a CSV file in either supported format (see the module docs).
    pub fn from_csv_path(path: impl AsRef<Path>) -> Result<RunTable> {
        let path = path.as_ref();
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        RunTable::from_csv_reader(file)
    }

    #[cfg(feature = "csv")]
    /// Reads CSV from any reader. The header decides the format: `Model Size`,
    /// `Training FLOP`, `loss` (replication, D = C/6N) or `N`/`params`, `D`/`tokens`, `loss`.
    pub fn from_csv_reader(reader: impl Read) -> Result<RunTable> {
        let mut rdr = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(reader);
        let headers = rdr.headers()?.clone();
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
                    "header {:?} has neither `Model Size`, `Training FLOP`, `loss` nor `N` (or `params`), `D` (or `tokens`), `loss`",
                    headers.iter().collect::<Vec<_>>()
                )))
            }
        };
        let loss_col = loss_col.ok_or_else(|| {
            Error::Csv(format!(
                "header {:?} has no `loss` column",
                headers.iter().collect::<Vec<_>>()
            ))
        })?;
        let mut runs = Vec::new();
        for (i, record) in rdr.records().enumerate() {
            let record = record?;
            let line = i + 2; // 1-based, after the header line
            let field = |col: usize, name: &'static str, kind: Quantity| -> Result<f64> {
                let text = record.get(col).unwrap_or("");
                parse_quantity(text, kind).map_err(|e| Error::Parse {
                    what: "a run-table value",
                    input: text.to_string(),
                    reason: format!("row {i} (line {line}), column `{name}`: {e}"),
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
            runs.push(Run::checked(i, a, d, loss).map_err(|e| Error::Parse {
                what: "a run-table row",
                input: record.iter().collect::<Vec<_>>().join(","),
                reason: format!("row {i} (line {line}): {e}"),
            })?);
        }
        RunTable::new(runs)
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
        let runs = self
            .runs
            .iter()
            .zip(drop)
            .filter(|(_, d)| !d)
            .map(|(r, _)| *r)
            .collect();
        Ok(RunTable { runs })
    }

    /// The runs at `indices` (repeats allowed), e.g. a bootstrap resample.
    /// Errors on an empty list or an index out of range.
    pub fn select(&self, indices: &[usize]) -> Result<RunTable> {
        let runs = indices
            .iter()
            .map(|&i| {
                self.runs
                    .get(i)
                    .copied()
                    .ok_or_else(|| Error::NotApplicable {
                        what: format!("run index {i}"),
                        reason: format!("the table has {} runs", self.runs.len()),
                    })
            })
            .collect::<Result<Vec<_>>>()?;
        RunTable::new(runs)
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
        let runs = (0..n).map(|_| self.runs[rng.random_range(0..n)]).collect();
        RunTable { runs }
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
        if self.runs.len() <= parameters {
            return Err(Error::InsufficientData {
                what: "a scaling-law fit",
                reason: format!(
                    "{} runs for {parameters} free parameters; at least {} are needed",
                    self.runs.len(),
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
        Quantity::Plain => return Err(format!("{text:?} is not a number")),
        Quantity::Params => text.parse::<Params>().map(Params::get),
        Quantity::Tokens => text.parse::<Tokens>().map(Tokens::get),
        Quantity::Flops => text.parse::<Flops>().map(Flops::get),
    };
    parsed.map_err(|e| e.to_string())
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
