//! The one door every CSV loader of the crate reads through ([`RunTable`],
//! [`SweepTable`], [`LossCurve`]): a file larger than [`MAX_CSV_BYTES`] or a line longer
//! than [`MAX_LINE_BYTES`] is refused with [`Error::Csv`] naming the line, before it is
//! held in memory, so `/dev/zero` or a 100 MB field is an error and not an abort. Fields
//! echoed into errors are clipped ([`crate::error::ECHO_LIMIT`]).
//!
//! ```
//! # #[cfg(feature = "csv")] {
//! use isoflop::data::run_table::RunTable;
//! let endless = std::io::repeat(b'0'); // one line that never ends
//! let err = RunTable::from_csv_reader(endless).unwrap_err();
//! assert!(err.to_string().contains("line 1 is longer than"));
//! # }
//! ```
//!
//! [`RunTable`]: crate::data::run_table::RunTable
//! [`SweepTable`]: crate::data::sweep::SweepTable
//! [`LossCurve`]: crate::data::curve::LossCurve

#[cfg(feature = "csv")]
use crate::error::Error;
#[cfg(feature = "csv")]
use std::io::Read;

/// Largest CSV input accepted: 256 MiB (about five million runs).
pub const MAX_CSV_BYTES: u64 = 256 << 20;

/// Longest line accepted: 64 KiB (a run is a few dozen bytes).
pub const MAX_LINE_BYTES: usize = 64 << 10;

/// A reader that refuses more than `max_total` bytes or a line longer than `max_line`.
#[cfg(feature = "csv")]
pub(crate) struct Capped<R> {
    inner: R,
    total: u64,
    line: usize,
    line_len: usize,
    max_total: u64,
    max_line: usize,
}

#[cfg(feature = "csv")]
impl<R: Read> Capped<R> {
    fn new(inner: R, max_total: u64, max_line: usize) -> Capped<R> {
        Capped {
            inner,
            total: 0,
            line: 1,
            line_len: 0,
            max_total,
            max_line,
        }
    }
}

#[cfg(feature = "csv")]
impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.total += n as u64;
        if self.total > self.max_total {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!(
                    "the input is larger than {} bytes (isoflop::data::csv_input::MAX_CSV_BYTES); split it",
                    self.max_total
                ),
            ));
        }
        for &b in &buf[..n] {
            if b == b'\n' {
                self.line += 1;
                self.line_len = 0;
            } else {
                self.line_len += 1;
                if self.line_len > self.max_line {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        format!(
                            "line {} is longer than {} bytes (isoflop::data::csv_input::MAX_LINE_BYTES): not a table of runs",
                            self.line, self.max_line
                        ),
                    ));
                }
            }
        }
        Ok(n)
    }
}

/// A CSV reader (fields trimmed, first line the header) over `reader`, capped.
#[cfg(feature = "csv")]
pub(crate) fn reader<R: Read>(reader: R) -> csv::Reader<Capped<R>> {
    capped_reader(reader, MAX_CSV_BYTES, MAX_LINE_BYTES)
}

#[cfg(feature = "csv")]
fn capped_reader<R: Read>(reader: R, max_total: u64, max_line: usize) -> csv::Reader<Capped<R>> {
    csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(Capped::new(reader, max_total, max_line))
}

/// A field-level parse error: `what` at row `row` (0-based, line `row + 2`) in column
/// `column`, the field clipped when shown.
#[cfg(feature = "csv")]
pub(crate) fn field_error(
    what: &'static str,
    text: &str,
    row: usize,
    column: &str,
    e: String,
) -> Error {
    Error::Parse {
        what,
        input: crate::error::clip(text).into_owned(),
        reason: format!("row {row} (line {}), column `{column}`: {e}", row + 2),
    }
}

/// A row-level error: the row (0-based, line `row + 2`) is not valid for `reason`; the
/// record is echoed clipped.
#[cfg(feature = "csv")]
pub(crate) fn row_error(
    what: &'static str,
    row: usize,
    record: &csv::StringRecord,
    reason: &str,
) -> Error {
    Error::Parse {
        what,
        input: crate::error::clip(&record.iter().collect::<Vec<_>>().join(",")).into_owned(),
        reason: format!("row {row} (line {}): {reason}", row + 2),
    }
}

#[cfg(all(test, feature = "csv"))]
mod tests {
    use super::*;

    #[test]
    fn caps_total_size_and_line_length() {
        let rows = "1,2\n".repeat(100);
        let mut r = capped_reader(rows.as_bytes(), 50, 1000);
        let e: Error = r.records().find_map(|r| r.err()).unwrap().into();
        assert!(e.to_string().contains("larger than 50 bytes"), "{e}");
        let mut r = capped_reader("a,b\n1,2\n1,222222\n".as_bytes(), 1000, 5);
        let e: Error = r.records().find_map(|r| r.err()).unwrap().into();
        assert!(
            e.to_string().contains("line 3 is longer than 5 bytes"),
            "{e}"
        );
        let mut r = capped_reader("a,b\n1,2\n".as_bytes(), 1000, 5);
        assert_eq!(r.records().count(), 1);
    }
}
