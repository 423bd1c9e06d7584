//! Typed quantities: parameters, tokens, FLOPs, FLOP/s, GPU-hours, time, power,
//! energy, emissions and money.
//!
//! Every quantity is a distinct type wrapping one `f64` in a fixed base unit.
//! Constructors validate (finite and > 0) and say their unit where the type does not
//! (`Energy::from_mwh`, `TimeSpan::from_days`, `Emissions::from_tonnes`); parsing
//! accepts the way the field writes numbers, magnitude letters in either case
//! ("6.7b" and "6.7B", "1.4t" and "1.4T"); and whatever `Display` prints parses back
//! to the same value within the printed precision ("449 MWh", "21.3 days",
//! "173 tCO2eq", "$1,234,567"):
//!
//! ```
//! use isoflop::units::{Params, Tokens, Flops, GpuHours};
//! let n: Params = "6.7B".parse()?;
//! let d: Tokens = "1.4T".parse()?;
//! let c: Flops = "5.48e23".parse()?;
//! let h: GpuHours = "82,432 GPU-h".parse()?;
//! assert_eq!(n.get(), 6.7e9);
//! assert_eq!(d.to_string(), "1.4T");
//! assert_eq!(c.to_string(), "5.48e23");
//! assert_eq!(h.to_string(), "82,432 GPU-h");
//! assert!("six billion".parse::<Params>().is_err());
//! # Ok::<(), isoflop::Error>(())
//! ```
//!
//! Conversions between quantities are explicit, named functions (for example
//! [`crate::compute::training_flops_6nd`] or [`crate::cluster::Cluster::gpu_hours`]);
//! there is no arithmetic between unrelated units.
//!
//! Serde writes each quantity as a plain number in its base unit and validates
//! on the way back in.

use crate::error::{check, Error, Result};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Magnitude suffixes the field uses, in either case: k (thousand), m (million),
/// b or g (billion), t (trillion), p (quadrillion). "6.7b" and "1.4t" read as "6.7B"
/// and "1.4T".
fn magnitude(c: char) -> Option<f64> {
    match c.to_ascii_lowercase() {
        'k' => Some(1e3),
        'm' => Some(1e6),
        'b' | 'g' => Some(1e9),
        't' => Some(1e12),
        'p' => Some(1e15),
        _ => None,
    }
}

/// Removes thousands separators if they are well placed ("82,432", "1,022,362").
fn strip_commas(s: &str) -> std::result::Result<String, String> {
    if !s.contains(',') {
        return Ok(s.to_string());
    }
    let (int, rest) = match s.find('.') {
        Some(i) => (&s[..i], &s[i..]),
        None => (s, ""),
    };
    let groups: Vec<&str> = int.split(',').collect();
    let ok_first = !groups[0].is_empty()
        && groups[0].len() <= 3
        && groups[0].chars().all(|c| c.is_ascii_digit());
    let ok_rest = groups[1..]
        .iter()
        .all(|g| g.len() == 3 && g.chars().all(|c| c.is_ascii_digit()));
    if ok_first && ok_rest && !rest.contains(',') {
        Ok(format!("{}{}", groups.concat(), rest))
    } else {
        Err("misplaced thousands separator ',' (write 82,432 or 82432)".to_string())
    }
}

/// Parses "6.7B", "65.2e9", "5.48e23", "82,432", "1.4 T", "449 MWh" into a number in the
/// base unit. `units` are case-insensitive unit words that may follow, each with the
/// factor to the base unit; the first that matches wins (list longer words first).
/// A leading `$` is accepted when `$` is one of the units.
pub(crate) fn parse_number(what: &'static str, input: &str, units: &[(&str, f64)]) -> Result<f64> {
    let err = |reason: String| Error::Parse {
        what,
        input: input.to_string(),
        reason,
    };
    let mut s = input.trim().to_string();
    if units.iter().any(|u| u.0 == "$") {
        if let Some(rest) = s.strip_prefix('$') {
            s = rest.trim_start().to_string();
        }
    }
    if s.is_empty() {
        return Err(err("empty string".into()));
    }
    let lower = s.to_ascii_lowercase();
    let mut unit_factor = 1.0;
    for &(u, factor) in units {
        if lower.ends_with(u) && lower.len() > u.len() {
            s.truncate(s.len() - u.len());
            s = s.trim_end().to_string();
            unit_factor = factor;
            break;
        }
    }
    let mut scale = 1.0;
    if let Some(last) = s.chars().last() {
        if let Some(m) = magnitude(last) {
            scale = m;
            s.pop();
            s = s.trim_end().to_string();
        }
    }
    let s = strip_commas(&s).map_err(err)?;
    if s.is_empty()
        || !s
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
    {
        return Err(err(format!(
            "expected a number such as 6.7B, 1.4T, 65.2e9 or 5.48e23{}",
            match units.first() {
                None => String::new(),
                Some(u) => format!(", optionally followed by {:?}", u.0),
            }
        )));
    }
    let v: f64 = s
        .parse()
        .map_err(|_| err("not a valid decimal number".into()))?;
    // "6.7B" is read as the decimal 6.7e9 (correctly rounded, the same f64 as
    // "6700000000"), not as 6.7 x 1e9, which can differ in the last bit.
    let exact = (unit_factor == 1.0 && scale > 1.0 && !s.contains(['e', 'E']))
        .then(|| format!("{s}e{}", scale.log10().round()).parse::<f64>().ok())
        .flatten();
    let v = exact.unwrap_or(v * scale * unit_factor);
    if !v.is_finite() || v <= 0.0 {
        return Err(err(format!(
            "the value must be finite and > 0, got {}",
            crate::error::compact(v)
        )));
    }
    Ok(v)
}

/// "1.23e-5": scientific notation with 3 significant digits, trailing zeros trimmed.
fn sci3(x: f64) -> String {
    let s = format!("{x:.2e}");
    match s.split_once('e') {
        Some((m, e)) => format!("{}e{e}", trim_zeros(m.to_string())),
        None => s,
    }
}

/// Formats with 3 significant digits, trailing zeros trimmed: 6.74, 1.4, 65.2, 312;
/// below 0.01 or from 10⁶ on, in scientific notation ("1.2e-5", "3.4e7"), so that
/// every positive value prints as a positive number.
fn sig3(x: f64) -> String {
    if !(0.01..1e6).contains(&x) {
        return sci3(x);
    }
    let decimals = if x >= 100.0 {
        0
    } else if x >= 10.0 {
        1
    } else if x >= 1.0 {
        2
    } else if x >= 0.1 {
        3
    } else {
        4
    };
    let s = trim_zeros(format!("{x:.decimals$}"));
    // Rounding may carry to the next decade ("9.999" -> "10"): still 3 significant digits.
    if s == "1000000" {
        sci3(x)
    } else {
        s
    }
}

fn trim_zeros(s: String) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// "6.74B", "1.4T", "350M", "82.4K", "512", "0.5"; from 10¹⁸ on "1.2e20". Precision
/// overrides the mantissa's decimals.
fn fmt_count(x: f64, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    if x >= 1e18 {
        return match f.precision() {
            Some(p) => write!(f, "{x:.p$e}"),
            None => f.write_str(&sci3(x)),
        };
    }
    let (div, suffix) = if x >= 1e15 {
        (1e15, "P")
    } else if x >= 1e12 {
        (1e12, "T")
    } else if x >= 1e9 {
        (1e9, "B")
    } else if x >= 1e6 {
        (1e6, "M")
    } else if x >= 1e3 {
        (1e3, "K")
    } else {
        (1.0, "")
    };
    let m = x / div;
    match f.precision() {
        Some(p) => write!(f, "{m:.p$}{suffix}"),
        None => {
            // Rounding may carry into the next magnitude (999.6B -> 1T).
            let s = sig3(m);
            if s == "1000" && !suffix.is_empty() && div < 1e15 {
                let next = match suffix {
                    "K" => "M",
                    "M" => "B",
                    "B" => "T",
                    _ => "P",
                };
                write!(f, "1{next}")
            } else {
                write!(f, "{s}{suffix}")
            }
        }
    }
}

/// "5.48e23" (3 significant digits by default; precision sets the mantissa's decimals).
fn fmt_sci(x: f64, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match f.precision() {
        Some(p) => write!(f, "{x:.p$e}"),
        None => f.write_str(&sci3(x)),
    }
}

/// "82,432", "1,022,362", "3.5" below 100 (3 significant digits), "1.23e15" from 10¹⁵ on.
fn fmt_grouped(x: f64, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    if let Some(p) = f.precision() {
        return write!(f, "{x:.p$}");
    }
    if x < 100.0 {
        return f.write_str(&sig3(x));
    }
    let r = x.round();
    if r >= 1e15 {
        return f.write_str(&sci3(r));
    }
    let digits = format!("{r:.0}");
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    f.write_str(&out)
}

macro_rules! quantity {
    (
        $(#[$doc:meta])*
        $name:ident, what: $what:literal, base: $base:literal, units: [$($unit:expr),*],
        debug_unit: $debug_unit:literal,
        display: |$x:ident, $f:ident| $display:expr
    ) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
        #[serde(try_from = "f64", into = "f64")]
        pub struct $name(f64);

        impl $name {
            #[doc = concat!("A ", $what, " in ", $base, "; must be finite and > 0.")]
            pub fn new(value: f64) -> Result<Self> {
                check::positive($what, value).map($name)
            }

            /// Internal constructor for values known to be valid (catalog constants).
            #[allow(dead_code)]
            pub(crate) const fn raw(value: f64) -> Self {
                $name(value)
            }

            #[doc = concat!("The value in ", $base, ".")]
            pub const fn get(self) -> f64 {
                self.0
            }

            /// `self / other` as a plain ratio ("65B's compute is 13.6x 7B's").
            pub fn ratio(self, other: Self) -> f64 {
                self.0 / other.0
            }

            /// Multiplies by a positive factor, validating the result.
            pub fn scale(self, factor: f64) -> Result<Self> {
                check::positive("scale factor", factor)?;
                check::result($what, self.0 * factor)
                    .and_then(|v| check::positive($what, v))
                    .map($name)
            }
        }

        impl TryFrom<f64> for $name {
            type Error = Error;
            fn try_from(v: f64) -> Result<Self> {
                $name::new(v)
            }
        }

        impl From<$name> for f64 {
            fn from(q: $name) -> f64 {
                q.0
            }
        }

        impl FromStr for $name {
            type Err = Error;
            fn from_str(s: &str) -> Result<Self> {
                parse_number(concat!("a ", $what), s, &[$($unit),*]).map($name)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, $f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let $x = self.0;
                $display
            }
        }

        /// As the field writes it, with its unit, and the exact value when the short
        /// form rounds it: `6.74B params (= 6738415616.0)`. Tuples of quantities (which
        /// a notebook shows with `Debug`) read the same way.
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let shown = self.to_string();
                write!(f, "{shown}{}", $debug_unit)?;
                if shown.parse::<$name>().map_or(true, |q| q.0 != self.0) {
                    write!(f, " (= {:?})", self.0)?;
                }
                Ok(())
            }
        }

        impl $name {
            /// Shows the quantity in an evcxr notebook as the field writes it, with its
            /// unit (plain text, and an HTML span whose tooltip has the exact value).
            pub fn evcxr_display(&self) {
                println!("{}", notebook_blocks(&format!("{}{}", self, $debug_unit), self.0, $base));
            }
        }
    };
}

/// The evcxr display blocks of a quantity: `text/html` (a span with the exact value
/// as its tooltip) and `text/plain`. Units own this tiny form so that they need no
/// display code from the report layer.
fn notebook_blocks(shown: &str, exact: f64, base: &str) -> String {
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    format!(
        "EVCXR_BEGIN_CONTENT text/html\n<span title=\"{} {}\" style=\"font-family:sans-serif;font-variant-numeric:tabular-nums\">{}</span>\nEVCXR_END_CONTENT\nEVCXR_BEGIN_CONTENT text/plain\n{}\nEVCXR_END_CONTENT",
        exact,
        escape(base),
        escape(shown),
        shown
    )
}

quantity!(
    /// A parameter count N (all parameters, embeddings included, unless a law says otherwise).
    /// Prints as "6.74B".
    Params, what: "parameter count", base: "parameters",
    units: [("parameters", 1.0), ("params", 1.0), ("param", 1.0)],
    debug_unit: " params",
    display: |x, f| fmt_count(x, f)
);

quantity!(
    /// A number of training tokens D. Prints as "1.4T".
    Tokens, what: "token count", base: "tokens",
    units: [("tokens", 1.0), ("token", 1.0), ("tok", 1.0)],
    debug_unit: " tokens",
    display: |x, f| fmt_count(x, f)
);

quantity!(
    /// An amount of floating-point operations C (training or inference). Prints as "5.48e23".
    Flops, what: "FLOP count", base: "FLOPs",
    units: [("flops", 1.0), ("flop", 1.0)],
    debug_unit: " FLOPs",
    display: |x, f| fmt_sci(x, f)
);

quantity!(
    /// A rate of floating-point operations, e.g. an accelerator's dense peak.
    /// Prints as "3.12e14 FLOP/s"; parses "312T", "312 TFLOP/s" or "3.12e14".
    FlopsPerSecond, what: "FLOP/s rate", base: "FLOP/s",
    units: [("flop/s", 1.0), ("flops/s", 1.0), ("flops", 1.0), ("flop", 1.0)],
    debug_unit: "",
    display: |x, f| { fmt_sci(x, f)?; f.write_str(" FLOP/s") }
);

quantity!(
    /// Accelerator-hours (one GPU busy for one hour is 1 GPU-h). Prints as "82,432 GPU-h".
    GpuHours, what: "GPU-hour count", base: "GPU-hours",
    units: [
        ("gpu-hours", 1.0), ("gpu hours", 1.0), ("gpu-hour", 1.0), ("gpu-h", 1.0), ("gpuh", 1.0),
        ("h", 1.0)
    ],
    debug_unit: "",
    display: |x, f| { fmt_grouped(x, f)?; f.write_str(" GPU-h") }
);

quantity!(
    /// A span of wall-clock time. Prints in days ("21.3 days"), in hours below a day
    /// ("5.0 hours") and in seconds below an hour ("90 seconds"); parses all three back,
    /// and "21 d", "5 h", "30 min", "90 s". Build it with [`TimeSpan::from_days`],
    /// [`TimeSpan::from_hours`] or [`TimeSpan::from_seconds`].
    TimeSpan, what: "time span", base: "seconds",
    units: [
        ("seconds", 1.0), ("second", 1.0), ("minutes", 60.0), ("minute", 60.0),
        ("hours", 3600.0), ("hour", 3600.0), ("days", 86_400.0), ("day", 86_400.0),
        ("secs", 1.0), ("mins", 60.0), ("hrs", 3600.0), ("sec", 1.0), ("min", 60.0), ("hr", 3600.0),
        ("s", 1.0), ("h", 3600.0), ("d", 86_400.0)
    ],
    debug_unit: "",
    display: |x, f| {
        let (value, unit) = if x >= 86_400.0 {
            (x / 86_400.0, "days")
        } else if x >= 3600.0 {
            (x / 3600.0, "hours")
        } else {
            (x, "seconds")
        };
        match f.precision() {
            Some(p) => write!(f, "{value:.p$} {unit}"),
            None if unit == "seconds" || value >= 1e6 => write!(f, "{} {unit}", sig3(value)),
            None => write!(f, "{value:.1} {unit}"),
        }
    }
);

quantity!(
    /// Electrical power. Prints as "400 W".
    Watts, what: "power", base: "watts",
    units: [("watts", 1.0), ("watt", 1.0), ("w", 1.0)],
    debug_unit: "",
    display: |x, f| { fmt_grouped(x, f)?; f.write_str(" W") }
);

quantity!(
    /// Energy. Base unit joules; prints in MWh ("449 MWh") and parses it back, as well as
    /// "12 kWh", "1.2 GWh" and "3.6e9 J". Build it with [`Energy::from_mwh`],
    /// [`Energy::from_kwh`] or [`Energy::from_joules`].
    Energy, what: "energy", base: "joules",
    units: [("joules", 1.0), ("joule", 1.0), ("wh", 3600.0), ("j", 1.0)],
    debug_unit: "",
    display: |x, f| {
        let mwh = x / 3.6e9;
        match f.precision() {
            Some(p) => write!(f, "{mwh:.p$} MWh"),
            None => write!(f, "{} MWh", sig3(mwh)),
        }
    }
);

quantity!(
    /// Greenhouse-gas emissions in kilograms of CO2-equivalent; prints in tonnes ("173 tCO2eq")
    /// and parses it back, as well as "500 kg" or "2 tonnes". Build it with
    /// [`Emissions::from_tonnes`] or [`Emissions::from_kg`].
    Emissions, what: "emissions amount", base: "kg CO2eq",
    units: [
        ("kgco2eq", 1.0), ("kgco2e", 1.0), ("tco2eq", 1000.0), ("tco2e", 1000.0),
        ("tonnes", 1000.0), ("tonne", 1000.0), ("kg", 1.0)
    ],
    debug_unit: "",
    display: |x, f| {
        let t = x / 1000.0;
        match f.precision() {
            Some(p) => write!(f, "{t:.p$} tCO2eq"),
            None => write!(f, "{} tCO2eq", sig3(t)),
        }
    }
);

quantity!(
    /// Money in US dollars. Prints as "$1,234,567"; parses that back, and "1.2M USD".
    Usd, what: "amount of money", base: "US dollars",
    units: [("usd", 1.0), ("$", 1.0)],
    debug_unit: "",
    display: |x, f| { f.write_str("$")?; fmt_grouped(x, f) }
);

impl TimeSpan {
    /// From seconds (the base unit; the same as [`TimeSpan::new`]).
    pub fn from_seconds(seconds: f64) -> Result<Self> {
        check::positive("time span (seconds)", seconds).map(TimeSpan)
    }
    /// In seconds.
    pub fn seconds(self) -> f64 {
        self.0
    }
    /// From hours.
    pub fn from_hours(hours: f64) -> Result<Self> {
        check::positive("time span (hours)", hours)?;
        TimeSpan::new(hours * 3600.0)
    }
    /// From days.
    pub fn from_days(days: f64) -> Result<Self> {
        check::positive("time span (days)", days)?;
        TimeSpan::new(days * 86_400.0)
    }
    /// In hours.
    pub fn hours(self) -> f64 {
        self.0 / 3600.0
    }
    /// In days.
    pub fn days(self) -> f64 {
        self.0 / 86_400.0
    }
}

impl Energy {
    /// From joules (the base unit; the same as [`Energy::new`]).
    pub fn from_joules(joules: f64) -> Result<Self> {
        check::positive("energy (joules)", joules).map(Energy)
    }
    /// In joules.
    pub fn joules(self) -> f64 {
        self.0
    }
    /// From kilowatt-hours.
    pub fn from_kwh(kwh: f64) -> Result<Self> {
        check::positive("energy (kWh)", kwh)?;
        Energy::new(kwh * 3.6e6)
    }
    /// From megawatt-hours.
    pub fn from_mwh(mwh: f64) -> Result<Self> {
        check::positive("energy (MWh)", mwh)?;
        Energy::new(mwh * 3.6e9)
    }
    /// In kilowatt-hours.
    pub fn kwh(self) -> f64 {
        self.0 / 3.6e6
    }
    /// In megawatt-hours.
    pub fn mwh(self) -> f64 {
        self.0 / 3.6e9
    }
}

impl Emissions {
    /// From kilograms of CO2-equivalent (the base unit; the same as [`Emissions::new`]).
    pub fn from_kg(kg: f64) -> Result<Self> {
        check::positive("emissions (kg CO2eq)", kg).map(Emissions)
    }
    /// In kilograms of CO2-equivalent.
    pub fn kg(self) -> f64 {
        self.0
    }
    /// From tonnes of CO2-equivalent.
    pub fn from_tonnes(t: f64) -> Result<Self> {
        check::positive("emissions (tonnes)", t)?;
        Emissions::new(t * 1000.0)
    }
    /// In tonnes of CO2-equivalent.
    pub fn tonnes(self) -> f64 {
        self.0 / 1000.0
    }
}

impl FlopsPerSecond {
    /// From teraFLOP/s (1e12 FLOP/s), the unit of datasheets.
    pub fn from_tera(tflops: f64) -> Result<Self> {
        check::positive("FLOP/s rate (TFLOP/s)", tflops)?;
        FlopsPerSecond::new(tflops * 1e12)
    }
    /// In teraFLOP/s.
    pub fn tera(self) -> f64 {
        self.0 / 1e12
    }
}

impl Params {
    /// In billions, the unit model names use ("6.7" for LLaMA-7B).
    pub fn billions(self) -> f64 {
        self.0 / 1e9
    }

    /// The size as written with its indefinite article, read the way the field says it:
    /// "a 6.7B", "an 8B" ("eight"), "an 11B" ("eleven"), "an 80B", "a 1.4T".
    ///
    /// ```
    /// use isoflop::units::Params;
    /// assert_eq!("8B".parse::<Params>()?.with_article(), "an 8B");
    /// assert_eq!("6.7B".parse::<Params>()?.with_article(), "a 6.7B");
    /// assert_eq!("18B".parse::<Params>()?.with_article(), "an 18B");
    /// assert_eq!("110B".parse::<Params>()?.with_article(), "a 110B");
    /// # Ok::<(), isoflop::Error>(())
    /// ```
    pub fn with_article(self) -> String {
        let text = self.to_string();
        format!("{} {text}", indefinite_article(&text))
    }
}

/// "a" or "an" before a number as spoken: "an" for eight, eleven, eighteen, eighty,
/// eight hundred (the integer part starts with 8, or is 11 or 18).
fn indefinite_article(number: &str) -> &'static str {
    let int: String = number.chars().take_while(char::is_ascii_digit).collect();
    if int.starts_with('8') || int == "11" || int == "18" {
        "an"
    } else {
        "a"
    }
}

impl Tokens {
    /// In billions.
    pub fn billions(self) -> f64 {
        self.0 / 1e9
    }
    /// Tokens per parameter, D / N (Chinchilla-optimal is about 20).
    pub fn per_param(self, n: Params) -> f64 {
        self.0 / n.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_way_the_field_writes() {
        assert_eq!("6.7B".parse::<Params>().unwrap().get(), 6.7e9);
        assert_eq!("13B".parse::<Params>().unwrap().get(), 13e9);
        assert_eq!("65.2e9".parse::<Params>().unwrap().get(), 65.2e9);
        assert_eq!("1.4T".parse::<Tokens>().unwrap().get(), 1.4e12);
        assert_eq!("1.4T tokens".parse::<Tokens>().unwrap().get(), 1.4e12);
        assert_eq!("5.48e23".parse::<Flops>().unwrap().get(), 5.48e23);
        assert_eq!("5.48e23 FLOPs".parse::<Flops>().unwrap().get(), 5.48e23);
        assert_eq!("82,432 GPU-h".parse::<GpuHours>().unwrap().get(), 82_432.0);
        assert_eq!("1,022,362".parse::<GpuHours>().unwrap().get(), 1_022_362.0);
        assert_eq!(
            "312 TFLOP/s".parse::<FlopsPerSecond>().unwrap().get(),
            312e12
        );
        assert_eq!("350M".parse::<Params>().unwrap().get(), 350e6);
    }

    #[test]
    fn rejects_garbage_naming_the_input() {
        for bad in [
            "", "six", "1.4X", "NaN", "inf", "-3B", "0", "1,2,3", "12,34", "1e400", "B", "1..2",
        ] {
            let e = bad.parse::<Params>().unwrap_err();
            assert!(
                matches!(&e, Error::Parse { input, .. } if input == bad),
                "{bad:?} gave {e}"
            );
        }
    }

    #[test]
    fn prints_the_way_the_field_writes() {
        assert_eq!(Params::new(6.7e9).unwrap().to_string(), "6.7B");
        assert_eq!(Params::new(6_738_415_616.0).unwrap().to_string(), "6.74B");
        assert_eq!(Params::new(65.2e9).unwrap().to_string(), "65.2B");
        assert_eq!(Params::new(13e9).unwrap().to_string(), "13B");
        assert_eq!(Params::new(999.7e9).unwrap().to_string(), "1T");
        assert_eq!(Tokens::new(1.4e12).unwrap().to_string(), "1.4T");
        assert_eq!(Flops::new(5.48e23).unwrap().to_string(), "5.48e23");
        assert_eq!(Flops::new(6e23).unwrap().to_string(), "6e23");
        assert_eq!(GpuHours::new(82_432.0).unwrap().to_string(), "82,432 GPU-h");
        assert_eq!(
            GpuHours::new(1_022_362.0).unwrap().to_string(),
            "1,022,362 GPU-h"
        );
        assert_eq!(Energy::from_mwh(449.0).unwrap().to_string(), "449 MWh");
        assert_eq!(
            Emissions::from_tonnes(173.0).unwrap().to_string(),
            "173 tCO2eq"
        );
        assert_eq!(format!("{:.1}", Params::new(6.738e9).unwrap()), "6.7B");
    }

    #[test]
    fn constructors_validate() {
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -1.0, 0.0, -0.0] {
            assert!(Params::new(bad).is_err());
            assert!(Tokens::new(bad).is_err());
            assert!(Flops::new(bad).is_err());
            assert!(GpuHours::new(bad).is_err());
        }
        assert!(Flops::new(1e308).unwrap().scale(10.0).is_err());
    }

    #[test]
    fn notebook_blocks_are_evcxr_html_and_text() {
        let n = Params::new(6_738_415_616.0).unwrap();
        let blocks = notebook_blocks(&format!("{n} params"), n.get(), "parameters");
        assert_eq!(
            blocks,
            "EVCXR_BEGIN_CONTENT text/html\n<span title=\"6738415616 parameters\" style=\"font-family:sans-serif;font-variant-numeric:tabular-nums\">6.74B params</span>\nEVCXR_END_CONTENT\nEVCXR_BEGIN_CONTENT text/plain\n6.74B params\nEVCXR_END_CONTENT"
        );
        assert_eq!(format!("{n:?}"), "6.74B params (= 6738415616.0)");
    }

    #[test]
    fn serde_round_trips_and_validates() {
        let n = Params::new(6_738_415_616.0).unwrap();
        let s = serde_json::to_string(&n).unwrap();
        assert_eq!(s, "6738415616.0");
        assert_eq!(serde_json::from_str::<Params>(&s).unwrap(), n);
        assert!(serde_json::from_str::<Params>("-1.0").is_err());
    }
}
