//! The one error type of the crate.
//!
//! Every public constructor, parser and query returns [`Result<T>`]: bad input
//! becomes an [`Error`] value that says what was wrong and what is allowed,
//! never a panic and never a silent NaN.

/// Shorthand for `std::result::Result<T, isoflop::Error>`.
pub type Result<T> = std::result::Result<T, Error>;

/// Everything that can go wrong in isoflop, with enough context to fix it.
///
/// ```
/// use isoflop::units::Params;
/// let err = Params::new(f64::NAN).unwrap_err();
/// assert!(err.to_string().contains("parameter count"));
/// assert!(err.to_string().contains("NaN"));
/// ```
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A number was out of its allowed range (NaN, infinite, negative, zero, ...).
    #[error("invalid {what}: got {}; {allowed}", show(*.value))]
    InvalidValue {
        /// What the number was meant to be, e.g. "parameter count".
        what: &'static str,
        /// The offending value.
        value: f64,
        /// What is allowed, e.g. "must be finite and > 0".
        allowed: &'static str,
    },
    /// A string could not be parsed.
    #[error("cannot parse {:?} as {what}: {}", clip(input), clip_to(reason, 4 * ECHO_LIMIT))]
    Parse {
        /// What was being parsed, e.g. "a token count".
        what: &'static str,
        /// The input as given.
        input: String,
        /// Why it failed and what is accepted.
        reason: String,
    },
    /// A name (accelerator, preset, run, model) is not in the catalog.
    #[error("unknown {what} {:?}; known: {known}", clip(name))]
    UnknownName {
        /// The kind of thing named, e.g. "accelerator".
        what: &'static str,
        /// The name as given.
        name: String,
        /// The names that are known, comma-separated.
        known: String,
    },
    /// Too little (or too degenerate) data for the requested operation.
    #[error("not enough data for {what}: {reason}")]
    InsufficientData {
        /// The operation, e.g. "a Chinchilla fit".
        what: &'static str,
        /// What was missing.
        reason: String,
    },
    /// A fit cannot determine its parameters from the data given.
    #[error("the fit is not identifiable: {0}")]
    NonIdentifiable(String),
    /// A target cannot be reached under a hypothesis (e.g. a loss at or below its floor).
    #[error("target loss {} is unreachable under {hypothesis}: {reason}", show(*.target))]
    Unreachable {
        /// The hypothesis' stable id.
        hypothesis: String,
        /// The target loss, nats/token.
        target: f64,
        /// Why, e.g. "the irreducible loss is 1.69".
        reason: String,
    },
    /// The operation does not apply to this input (e.g. a curve fitted to 7B asked about 65B).
    #[error("{what} does not apply: {reason}")]
    NotApplicable {
        /// What was asked.
        what: String,
        /// Why it does not apply.
        reason: String,
    },
    /// A computation overflowed or produced a non-finite number.
    #[error("{0} is not finite (overflow or invalid arithmetic); use smaller inputs")]
    NonFinite(&'static str),
    /// Reading or writing a file failed; the operating system's error is kept as the
    /// [`source`](std::error::Error::source).
    #[error("cannot access {path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The operating system's error (shared, so `Error` stays `Clone`).
        source: std::sync::Arc<std::io::Error>,
    },
    /// An input that is not a single out-of-range number: a record, a name, a set of
    /// options that do not fit together.
    #[error("invalid {what}: {reason}")]
    InvalidInput {
        /// What was given, e.g. "run 3 (N = 1e8, D = NaN, loss = 3)".
        what: String,
        /// What is wrong and what is allowed.
        reason: String,
    },
    /// A numerical method failed (did not converge, lost precision) on valid input.
    #[error("numerical failure in {what}: {reason}")]
    Numerical {
        /// The computation, e.g. "a calibration with a scale".
        what: String,
        /// What happened and what to try.
        reason: String,
    },
    /// Drawing a figure failed.
    #[error("cannot draw {what}: {reason}")]
    Drawing {
        /// The figure.
        what: String,
        /// The drawing backend's message.
        reason: String,
    },
    /// Malformed CSV.
    #[error("malformed CSV: {0}")]
    Csv(String),
    /// Malformed JSON.
    #[error("malformed JSON: {0}")]
    Json(String),
    /// A table holds several groups (experiments, data sets, conditions) that a column says
    /// are different, and one law was asked of all of them together.
    #[error("the runs form {count} groups by column(s) {columns} ({groups}); fit each group separately (group by {columns}) or pool them explicitly")]
    MixedGroups {
        /// The grouping columns, comma-separated, e.g. "`dataset`".
        columns: String,
        /// How many distinct groups.
        count: usize,
        /// The groups' names, comma-separated (the first few).
        groups: String,
    },
}

impl Error {
    /// An I/O failure on `path`, keeping the operating system's error as the source.
    ///
    /// ```
    /// use std::error::Error as _;
    /// let os = std::io::Error::new(std::io::ErrorKind::NotFound, "no such file");
    /// let e = isoflop::Error::io("runs.csv", os);
    /// assert!(e.to_string().contains("runs.csv"));
    /// assert!(e.source().is_some());
    /// ```
    pub fn io(path: impl AsRef<std::path::Path>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.as_ref().display().to_string(),
            source: std::sync::Arc::new(source),
        }
    }
}

/// Equality compares every field; two I/O errors are equal when their paths, kinds
/// and messages are (the operating system's error has no equality of its own).
impl PartialEq for Error {
    fn eq(&self, other: &Error) -> bool {
        use Error::*;
        match (self, other) {
            (Io { path: p, source: a }, Io { path: q, source: b }) => {
                p == q && a.kind() == b.kind() && a.to_string() == b.to_string()
            }
            (
                InvalidValue {
                    what: w1,
                    value: v1,
                    allowed: a1,
                },
                InvalidValue {
                    what: w2,
                    value: v2,
                    allowed: a2,
                },
            ) => w1 == w2 && v1 == v2 && a1 == a2,
            (
                Parse {
                    what: w1,
                    input: i1,
                    reason: r1,
                },
                Parse {
                    what: w2,
                    input: i2,
                    reason: r2,
                },
            ) => w1 == w2 && i1 == i2 && r1 == r2,
            (
                UnknownName {
                    what: w1,
                    name: n1,
                    known: k1,
                },
                UnknownName {
                    what: w2,
                    name: n2,
                    known: k2,
                },
            ) => w1 == w2 && n1 == n2 && k1 == k2,
            (
                InsufficientData {
                    what: w1,
                    reason: r1,
                },
                InsufficientData {
                    what: w2,
                    reason: r2,
                },
            ) => w1 == w2 && r1 == r2,
            (NonIdentifiable(a), NonIdentifiable(b)) => a == b,
            (
                Unreachable {
                    hypothesis: h1,
                    target: t1,
                    reason: r1,
                },
                Unreachable {
                    hypothesis: h2,
                    target: t2,
                    reason: r2,
                },
            ) => h1 == h2 && t1 == t2 && r1 == r2,
            (
                NotApplicable {
                    what: w1,
                    reason: r1,
                },
                NotApplicable {
                    what: w2,
                    reason: r2,
                },
            )
            | (
                InvalidInput {
                    what: w1,
                    reason: r1,
                },
                InvalidInput {
                    what: w2,
                    reason: r2,
                },
            )
            | (
                Numerical {
                    what: w1,
                    reason: r1,
                },
                Numerical {
                    what: w2,
                    reason: r2,
                },
            )
            | (
                Drawing {
                    what: w1,
                    reason: r1,
                },
                Drawing {
                    what: w2,
                    reason: r2,
                },
            ) => w1 == w2 && r1 == r2,
            (NonFinite(a), NonFinite(b)) => a == b,
            (Csv(a), Csv(b)) | (Json(a), Json(b)) => a == b,
            _ => false,
        }
    }
}

fn show(v: f64) -> String {
    compact(v)
}

/// A number for a message: as Rust writes it (shortest round-trip) when that is short,
/// else in scientific notation, so 1e308 is "1e308" and not 309 digits; "NaN", "inf".
pub(crate) fn compact(v: f64) -> String {
    if v.is_nan() {
        "NaN".to_string()
    } else if v == 0.0 || !v.is_finite() || (1e-4..1e16).contains(&v.abs()) {
        format!("{v}")
    } else {
        format!("{v:e}")
    }
}

/// [`compact`] with 4 decimals (`{:.4}`) for magnitudes up to 10⁹, else 4 decimals of
/// scientific notation.
pub(crate) fn compact4(v: f64) -> String {
    if v.is_finite() && v != 0.0 && !(1e-4..1e9).contains(&v.abs()) {
        format!("{v:.4e}")
    } else {
        format!("{v:.4}")
    }
}

/// Longest text an error message echoes from its input, in bytes.
pub const ECHO_LIMIT: usize = 120;

/// Text echoed into a message: whole up to [`ECHO_LIMIT`] bytes, else its start and its
/// length, so a 100 MB field never becomes a 100 MB message.
pub(crate) fn clip(text: &str) -> std::borrow::Cow<'_, str> {
    clip_to(text, ECHO_LIMIT)
}

/// [`clip`] to `limit` bytes (at least 60).
pub(crate) fn clip_to(text: &str, limit: usize) -> std::borrow::Cow<'_, str> {
    let limit = limit.max(60);
    if text.len() <= limit {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut end = limit - 40;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    std::borrow::Cow::Owned(format!("{}... ({} bytes in all)", &text[..end], text.len()))
}

#[cfg(feature = "csv")]
impl From<csv::Error> for Error {
    fn from(e: csv::Error) -> Self {
        Error::Csv(e.to_string())
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::Json(e.to_string())
    }
}

/// Validation helpers shared by every constructor.
#[allow(dead_code)] // some checks are used only by later layers
pub(crate) mod check {
    use super::{Error, Result};

    /// Finite and strictly positive.
    pub fn positive(what: &'static str, value: f64) -> Result<f64> {
        if value.is_finite() && value > 0.0 {
            Ok(value)
        } else {
            Err(Error::InvalidValue {
                what,
                value,
                allowed: "must be finite and > 0",
            })
        }
    }

    /// Finite and >= 0.
    pub fn non_negative(what: &'static str, value: f64) -> Result<f64> {
        if value.is_finite() && value >= 0.0 {
            Ok(value)
        } else {
            Err(Error::InvalidValue {
                what,
                value,
                allowed: "must be finite and >= 0",
            })
        }
    }

    /// Finite (any sign).
    pub fn finite(what: &'static str, value: f64) -> Result<f64> {
        if value.is_finite() {
            Ok(value)
        } else {
            Err(Error::InvalidValue {
                what,
                value,
                allowed: "must be finite",
            })
        }
    }

    /// In the half-open unit interval (0, 1].
    pub fn unit_interval(what: &'static str, value: f64) -> Result<f64> {
        if value.is_finite() && value > 0.0 && value <= 1.0 {
            Ok(value)
        } else {
            Err(Error::InvalidValue {
                what,
                value,
                allowed: "must be in (0, 1]",
            })
        }
    }

    /// In the open interval (0, 1), e.g. a band level.
    pub fn open_unit(what: &'static str, value: f64) -> Result<f64> {
        if value.is_finite() && value > 0.0 && value < 1.0 {
            Ok(value)
        } else {
            Err(Error::InvalidValue {
                what,
                value,
                allowed: "must be in (0, 1)",
            })
        }
    }

    /// A computed result must be finite.
    pub fn result(what: &'static str, value: f64) -> Result<f64> {
        if value.is_finite() {
            Ok(value)
        } else {
            Err(Error::NonFinite(what))
        }
    }
}
