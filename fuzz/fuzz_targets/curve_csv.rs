//! Any bytes as a loss-curve CSV: the loader returns curves whose points are sorted,
//! strictly increasing in tokens, finite and positive, or an error; it never panics.
#![no_main]

use isoflop::data::curve::LossCurve;
use isoflop::units::{Params, Tokens};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let default = if data.first().is_some_and(|b| b % 2 == 0) {
        Params::new(1e9).ok()
    } else {
        None
    };
    if let Ok(curves) = LossCurve::from_csv_reader(data, default) {
        for c in &curves {
            assert!(!c.is_empty());
            assert!(!c.model().trim().is_empty());
            let pts = c.points();
            for w in pts.windows(2) {
                assert!(w[0].0 < w[1].0, "points not strictly increasing");
            }
            for &(t, l) in pts {
                assert!(t.get().is_finite() && t.get() > 0.0);
                assert!(l.is_finite() && l > 0.0);
            }
            let max = pts.iter().map(|p| p.0.get()).fold(0.0, f64::max);
            assert_eq!(c.last_tokens().get(), max);
            let window = Tokens::new(1e9).unwrap();
            assert!(c.final_loss(window).is_finite());
            let _ = c.tail_from(c.first_tokens());
            // Through JSON and back: what the crate writes, it reads.
            let json = serde_json::to_string(c).unwrap();
            let back: LossCurve = serde_json::from_str(&json).unwrap();
            assert_eq!(&back, c);
        }
    }
});
