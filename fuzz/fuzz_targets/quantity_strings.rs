//! Any string as every quantity (and the other `FromStr` types): parsing returns a finite,
//! positive value or an error, never a panic; and what `Display` prints parses back to the
//! same value within the printed precision.
#![no_main]

use isoflop::data::llama::LlamaModel;
use isoflop::hardware::{Accelerator, Precision};
use isoflop::units::{
    Emissions, Energy, Flops, FlopsPerSecond, GpuHours, Params, TimeSpan, Tokens, Usd, Watts,
};
use libfuzzer_sys::fuzz_target;
use std::fmt::Display;
use std::str::FromStr;

fn check<T>(s: &str, get: fn(&T) -> f64)
where
    T: FromStr + Display,
{
    let Ok(q) = s.parse::<T>() else { return };
    let v = get(&q);
    assert!(v.is_finite() && v > 0.0, "{s:?} parsed to {v}");
    // Display round trip, away from the ends of f64's range where printing three
    // significant digits may round past f64::MAX.
    if (1e-300..=1e300).contains(&v) {
        let shown = q.to_string();
        let back = shown
            .parse::<T>()
            .unwrap_or_else(|_| panic!("{s:?} printed as {shown:?}, which does not parse"));
        let w = get(&back);
        assert!(
            ((w - v) / v).abs() <= 0.06,
            "{s:?} = {v} printed as {shown:?} parsed back as {w}"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    check::<Params>(s, |q| q.get());
    check::<Tokens>(s, |q| q.get());
    check::<Flops>(s, |q| q.get());
    check::<FlopsPerSecond>(s, |q| q.get());
    check::<GpuHours>(s, |q| q.get());
    check::<TimeSpan>(s, |q| q.get());
    check::<Watts>(s, |q| q.get());
    check::<Energy>(s, |q| q.get());
    check::<Emissions>(s, |q| q.get());
    check::<Usd>(s, |q| q.get());
    let _ = s.parse::<Precision>();
    let _ = s.parse::<Accelerator>();
    let _ = s.parse::<LlamaModel>();
});
