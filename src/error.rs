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
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
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
    #[error("cannot parse {input:?} as {what}: {reason}")]
    Parse {
        /// What was being parsed, e.g. "a token count".
        what: &'static str,
        /// The input as given.
        input: String,
        /// Why it failed and what is accepted.
        reason: String,
    },
    /// A name (accelerator, preset, run, model) is not in the catalog.
    #[error("unknown {what} {name:?}; known: {known}")]
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
    #[error("target loss {target} is unreachable under {hypothesis}: {reason}")]
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
    /// Reading a file failed.
    #[error("cannot read {path}: {message}")]
    Io {
        /// The path.
        path: String,
        /// The operating system's message.
        message: String,
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

fn show(v: f64) -> String {
    if v.is_nan() {
        "NaN".to_string()
    } else {
        format!("{v}")
    }
}

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
