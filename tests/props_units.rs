//! Property suite: every quantity's `Display` parses back to the same value within the
//! printed precision, across 600 decades (10⁻³⁰⁰ to 10³⁰⁰; near f64's ends, printing
//! three significant digits may round past the largest f64), and magnitude letters read
//! the same in either case.
//!
//! | test | cases |
//! |---|---|
//! | every_unit_display_parses_back | 10,000 |
//! | magnitude_letters_are_case_insensitive | 2,000 |

use isoflop::units::{
    Emissions, Energy, Flops, FlopsPerSecond, GpuHours, Params, TimeSpan, Tokens, Usd, Watts,
};
use proptest::prelude::*;
use std::fmt::Display;
use std::str::FromStr;

/// Positive values spread evenly over the decades 10⁻³⁰⁰..10³⁰⁰.
fn wide() -> impl Strategy<Value = f64> {
    (-300.0f64..300.0, 1.0f64..10.0).prop_map(|(e, m)| m * 10f64.powf(e.floor()))
}

fn back<T: FromStr + Display>(
    q: T,
    x: f64,
    get: fn(&T) -> f64,
    tol: f64,
) -> Result<(), TestCaseError>
where
    T::Err: Display,
{
    let shown = q.to_string();
    let parsed = shown
        .parse::<T>()
        .map_err(|e| TestCaseError::fail(format!("{x:e} printed as {shown:?}: {e}")))?;
    let y = get(&parsed);
    prop_assert!(
        ((y - x) / x).abs() <= tol,
        "{:e} printed as {:?} parsed back as {:e}",
        x,
        shown,
        y
    );
    Ok(())
}

/// Three significant digits: relative error at most 0.5% (plus rounding slack).
const SIG3: f64 = 0.0051;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(10_000))]
    #[test]
    fn every_unit_display_parses_back(x in wide()) {
        back(Params::new(x).unwrap(), x, |q| q.get(), SIG3)?;
        back(Tokens::new(x).unwrap(), x, |q| q.get(), SIG3)?;
        back(Flops::new(x).unwrap(), x, |q| q.get(), SIG3)?;
        back(FlopsPerSecond::new(x).unwrap(), x, |q| q.get(), SIG3)?;
        back(GpuHours::new(x).unwrap(), x, |q| q.get(), SIG3)?;
        back(Watts::new(x).unwrap(), x, |q| q.get(), SIG3)?;
        back(Usd::new(x).unwrap(), x, |q| q.get(), SIG3)?;
        back(Energy::from_joules(x).unwrap(), x, |q| q.joules(), SIG3)?;
        back(Emissions::from_kg(x).unwrap(), x, |q| q.kg(), SIG3)?;
        // Days and hours print one decimal ("1.0 days"): at most 5% off at 1.05 days.
        back(TimeSpan::from_seconds(x).unwrap(), x, |q| q.seconds(), 0.051)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]
    #[test]
    fn magnitude_letters_are_case_insensitive(m in 0.001f64..1000.0, k in 0usize..5) {
        let (lower, upper) = [('k', 'K'), ('m', 'M'), ('b', 'B'), ('t', 'T'), ('p', 'P')][k];
        let a: Params = format!("{m}{lower}").parse().unwrap();
        let b: Params = format!("{m}{upper}").parse().unwrap();
        prop_assert_eq!(a, b);
        let c: Tokens = format!("{m} {lower} tokens").parse().unwrap();
        let d: Tokens = format!("{m} {upper} tokens").parse().unwrap();
        prop_assert_eq!(c, d);
    }
}

#[test]
fn the_issue_s_examples_parse_back() {
    // Issue 13: "449 MWh", "21 days", "6.7b" and "1.4t".
    assert_eq!(
        "449 MWh".parse::<Energy>().unwrap(),
        Energy::from_mwh(449.0).unwrap()
    );
    assert_eq!(
        "21 days".parse::<TimeSpan>().unwrap(),
        TimeSpan::from_days(21.0).unwrap()
    );
    assert_eq!("6.7b".parse::<Params>().unwrap().get(), 6.7e9);
    assert_eq!("1.4t".parse::<Tokens>().unwrap().get(), 1.4e12);
    assert_eq!(
        "173 tCO2eq".parse::<Emissions>().unwrap(),
        Emissions::from_tonnes(173.0).unwrap()
    );
    assert_eq!("$1,234,567".parse::<Usd>().unwrap().get(), 1_234_567.0);
    assert_eq!(
        "5.0 hours".parse::<TimeSpan>().unwrap(),
        TimeSpan::from_hours(5.0).unwrap()
    );
    // Golden conversions: 1 MWh = 3.6e9 J, 1 kWh = 3.6e6 J, 1 day = 86,400 s (SI).
    assert_eq!("12 kWh".parse::<Energy>().unwrap().joules(), 12.0 * 3.6e6);
    assert_eq!("3.6e9 J".parse::<Energy>().unwrap().mwh(), 1.0);
    assert_eq!("90 s".parse::<TimeSpan>().unwrap().seconds(), 90.0);
    assert_eq!("30 min".parse::<TimeSpan>().unwrap().seconds(), 1800.0);
    // GPU-hours above 10^15 printed "1.000e2" before (trailing zeros trimmed off the exponent).
    let big = GpuHours::new(1e20).unwrap();
    assert_eq!(big.to_string().parse::<GpuHours>().unwrap(), big);
    // A positive value never prints as zero.
    assert_ne!(Params::new(1e-5).unwrap().to_string(), "0");
    assert!(GpuHours::new(0.04)
        .unwrap()
        .to_string()
        .parse::<GpuHours>()
        .is_ok());
}
