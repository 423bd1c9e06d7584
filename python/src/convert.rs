//! Python values in, isoflop values out: units from numbers or strings, errors as
//! Python exceptions, results as (kind, JSON, text, HTML) records.

use isoflop::prediction::Warning;
use isoflop::report::HtmlDisplay;
use isoflop::units::{Flops, Params, Tokens};
use isoflop::Error;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyString};
use serde::Serialize;

/// The Python exception class for a crate error: one per `isoflop::Error` variant,
/// defined in `isoflop/_errors.py`, all subclasses of `isoflop.IsoflopError`.
fn class_name(e: &Error) -> &'static str {
    match e {
        Error::InvalidValue { .. } => "InvalidValueError",
        Error::Parse { .. } => "ParseError",
        Error::UnknownName { .. } => "UnknownNameError",
        Error::InsufficientData { .. } => "InsufficientDataError",
        Error::NonIdentifiable(_) => "NonIdentifiableError",
        Error::Unreachable { .. } => "UnreachableError",
        Error::NotApplicable { .. } => "NotApplicableError",
        Error::NonFinite(_) => "NonFiniteError",
        Error::Io { .. } => "FileAccessError",
        Error::InvalidInput { .. } => "InvalidInputError",
        Error::Numerical { .. } => "NumericalError",
        Error::Drawing { .. } => "DrawingError",
        Error::Csv(_) => "CsvError",
        Error::Json(_) => "JsonError",
        Error::MixedGroups { .. } => "MixedGroupsError",
        _ => "IsoflopError",
    }
}

/// An exception of class `name` from `isoflop._errors` with `message`.
pub fn raise(name: &str, message: String) -> PyErr {
    Python::attach(|py| {
        let made = py
            .import("isoflop._errors")
            .and_then(|m| m.getattr(name))
            .and_then(|cls| cls.call1((message.clone(),)));
        match made {
            Ok(exc) => PyErr::from_value(exc),
            Err(e) => e,
        }
    })
}

/// The crate's error as its Python exception, with the crate's message as the text.
pub fn err(e: Error) -> PyErr {
    raise(class_name(&e), e.to_string())
}

/// Shorthand: a crate `Result` as a `PyResult`.
pub trait Py<T> {
    /// Converts the error.
    fn py(self) -> PyResult<T>;
}

impl<T> Py<T> for isoflop::Result<T> {
    fn py(self) -> PyResult<T> {
        self.map_err(err)
    }
}

/// A wrong argument (type or shape), raised as `InvalidInputError`.
pub fn invalid(what: &str, reason: impl Into<String>) -> PyErr {
    err(Error::InvalidInput {
        what: what.to_string(),
        reason: reason.into(),
    })
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".into())
}

/// A plain number (int, float, numpy scalar, or anything with `__float__`), refusing
/// None, bools and strings with a typed error. Range checks are the crate's.
pub fn number(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<f64> {
    if obj.is_none() || obj.is_instance_of::<PyBool>() || obj.is_instance_of::<PyString>() {
        return Err(invalid(
            what,
            format!("expected a number, got {}", type_name(obj)),
        ));
    }
    obj.extract::<f64>()
        .map_err(|_| invalid(what, format!("expected a number, got {}", type_name(obj))))
}

/// A unit from a string in field notation ("6.7B", "5.48e23") or a number.
fn unit<T>(obj: &Bound<'_, PyAny>, what: &str, make: fn(f64) -> isoflop::Result<T>) -> PyResult<T>
where
    T: std::str::FromStr<Err = Error>,
{
    if obj.is_instance_of::<PyString>() {
        return obj.extract::<String>()?.parse::<T>().py();
    }
    if obj.is_none() || obj.is_instance_of::<PyBool>() {
        return Err(invalid(
            what,
            format!(
                "expected a number or a string like \"6.7B\", got {}",
                type_name(obj)
            ),
        ));
    }
    let v = obj.extract::<f64>().map_err(|_| {
        invalid(
            what,
            format!(
                "expected a number or a string like \"6.7B\", got {}",
                type_name(obj)
            ),
        )
    })?;
    make(v).py()
}

/// A parameter count.
pub fn params(obj: &Bound<'_, PyAny>) -> PyResult<Params> {
    unit(obj, "parameter count", Params::new)
}

/// A token count.
pub fn tokens(obj: &Bound<'_, PyAny>) -> PyResult<Tokens> {
    unit(obj, "token count", Tokens::new)
}

/// A FLOP count.
pub fn flops(obj: &Bound<'_, PyAny>) -> PyResult<Flops> {
    unit(obj, "FLOP count", Flops::new)
}

/// A result as Python sees it before wrapping: kind, JSON, text, HTML.
pub type Rec = (String, String, String, String);

/// A serialisable, displayable result with the crate's HTML.
pub fn rec<T: Serialize + HtmlDisplay>(kind: &str, v: &T) -> PyResult<Rec> {
    Ok((kind.to_string(), json(v)?, v.text(), v.html()))
}

/// Text as an HTML `<pre>` block.
pub fn pre(text: &str) -> String {
    format!("<pre>{}</pre>", isoflop::report::escape(text))
}

/// JSON of a result (floats round-trip exactly). Every `warnings` list becomes the
/// warnings' texts as the crate writes them; the structured form stays beside it as
/// `warning_details`.
pub fn json<T: Serialize + ?Sized>(v: &T) -> PyResult<String> {
    let mut value = serde_json::to_value(v).map_err(|e| err(Error::Json(e.to_string())))?;
    warning_texts(&mut value);
    serde_json::to_string(&value).map_err(|e| err(Error::Json(e.to_string())))
}

fn warning_texts(v: &mut serde_json::Value) {
    use serde_json::Value;
    match v {
        Value::Object(map) => {
            let mut details = None;
            if let Some(Value::Array(ws)) = map.get_mut("warnings") {
                if ws.iter().any(|w| w.is_object()) {
                    let texts: Vec<Value> = ws
                        .iter()
                        .map(|w| match serde_json::from_value::<Warning>(w.clone()) {
                            Ok(w) => Value::String(w.to_string()),
                            Err(_) => w.clone(),
                        })
                        .collect();
                    details = Some(std::mem::replace(ws, texts));
                }
            }
            if let Some(d) = details {
                map.insert("warning_details".into(), Value::Array(d));
            }
            for (k, x) in map.iter_mut() {
                if k != "warning_details" {
                    warning_texts(x);
                }
            }
        }
        Value::Array(xs) => xs.iter_mut().for_each(warning_texts),
        _ => {}
    }
}

/// A whole number >= 0 (a count, a step, a seed), refusing None, bools, floats with a
/// fraction and negative numbers with a typed error.
pub fn count(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<u64> {
    let bad = || {
        invalid(
            what,
            format!(
                "expected a whole number >= 0, got {}",
                obj.repr()
                    .map(|r| r.to_string())
                    .unwrap_or_else(|_| type_name(obj))
            ),
        )
    };
    if obj.is_none() || obj.is_instance_of::<PyBool>() || obj.is_instance_of::<PyString>() {
        return Err(bad());
    }
    if let Ok(v) = obj.extract::<u64>() {
        return Ok(v);
    }
    match obj.extract::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v < 1.8e19 => Ok(v as u64),
        _ => Err(bad()),
    }
}

/// A name (a string).
pub fn name(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<String> {
    if obj.is_instance_of::<PyString>() {
        return obj.extract::<String>();
    }
    Err(invalid(
        what,
        format!("expected a string, got {}", type_name(obj)),
    ))
}

/// A sequence of numbers (list, tuple, 1-D array).
pub fn vector(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<f64>> {
    if obj.is_instance_of::<PyString>() || obj.is_none() {
        return Err(invalid(
            what,
            format!("expected a sequence of numbers, got {}", type_name(obj)),
        ));
    }
    obj.try_iter()
        .map_err(|_| {
            invalid(
                what,
                format!("expected a sequence of numbers, got {}", type_name(obj)),
            )
        })?
        .map(|x| x.and_then(|x| number(&x, what)))
        .collect()
}

/// An optional count with its default.
pub fn opt_count(obj: Option<&Bound<'_, PyAny>>, what: &str, default: u64) -> PyResult<u64> {
    match obj {
        Some(o) if !o.is_none() => count(o, what),
        _ => Ok(default),
    }
}

/// Chinchilla laws as an (n, 5) array of (E, A, B, alpha, beta).
pub fn law_rows<'py>(
    py: Python<'py>,
    laws: &[isoflop::law::ChinchillaLaw],
) -> PyResult<Bound<'py, numpy::PyArray2<f64>>> {
    if laws.is_empty() {
        return Ok(numpy::PyArray2::zeros(py, [0, 5], false));
    }
    let rows: Vec<Vec<f64>> = laws
        .iter()
        .map(|l| vec![l.e(), l.a(), l.b(), l.alpha(), l.beta()])
        .collect();
    numpy::PyArray2::from_vec2(py, &rows).map_err(|e| invalid("draws", e.to_string()))
}
