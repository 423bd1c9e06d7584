//! Shared checks of the property and hostile-input suites.
#![allow(dead_code)]

use std::fmt::Debug;

/// Relative difference |x/y - 1| (0 when both are 0).
pub fn rel(x: f64, y: f64) -> f64 {
    if x == y {
        0.0
    } else {
        (x / y - 1.0).abs()
    }
}

/// The first NaN or infinity in a value's `Debug` output, outside string
/// literals, if any. `Debug` prints every `f64` field (`NaN`, `inf`, `-inf`),
/// so this walks any result type without knowing its fields.
pub fn non_finite_in<T: Debug>(value: &T) -> Option<String> {
    let text = format!("{value:?}");
    let mut outside = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '"' {
            // Skip a string literal, honouring escapes.
            while let Some(s) = chars.next() {
                match s {
                    '\\' => {
                        chars.next();
                    }
                    '"' => break,
                    _ => {}
                }
            }
            outside.push(' ');
        } else {
            outside.push(c);
        }
    }
    outside
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .find(|tok| *tok == "NaN" || *tok == "inf")
        .map(|tok| format!("{tok} in {text}"))
}

/// Fails the property if an `Ok` value holds a NaN or an infinity. Errors are
/// fine (they are typed); panics are caught by proptest and fail the test.
#[macro_export]
macro_rules! prop_assert_finite {
    ($result:expr) => {{
        if let Ok(v) = &$result {
            if let Some(bad) = $crate::props_support::non_finite_in(v) {
                proptest::prop_assert!(false, "non-finite value in a result: {}", bad);
            }
        }
    }};
}

#[test]
fn the_checker_sees_nan_and_infinity_but_not_words() {
    #[derive(Debug)]
    struct S {
        _x: f64,
        _s: String,
    }
    let ok = S {
        _x: 1e300,
        _s: "NaN inf \"quoted\" info".into(),
    };
    assert!(non_finite_in(&ok).is_none());
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let s = S {
            _x: bad,
            _s: "x".into(),
        };
        assert!(non_finite_in(&s).is_some(), "{bad}");
    }
    assert!(non_finite_in(&Some(vec![1.0, f64::NAN])).is_some());
}
