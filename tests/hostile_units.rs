//! Hostile input to units, compute, hardware and clusters: a typed error or a finite
//! answer, never a panic, never a NaN or infinity in a returned value.
//!
//! | test | cases |
//! |---|---|
//! | quantity_constructors | 20,000 |
//! | quantity_parsers | 20,000 |
//! | quantity_json | 5,000 |
//! | conversions_at_extremes | 10,000 |
//! | architectures_from_any_shape | 10,000 |
//! | clusters_from_any_input | 10,000 |
//! | names_and_precisions | 5,000 |
//! | total | 80,000 |

mod props_support;

use isoflop::architecture::{swiglu_hidden_size, Architecture, FeedForward, Shape};
use isoflop::cluster::{
    cost_for, emissions_for, energy_for, flops_for, gpu_hours_for, implied_mfu,
    implied_tokens_per_second, Cluster, GpuHourPrice, GridIntensity, Pue, Utilisation, Workload,
};
use isoflop::compute::*;
use isoflop::hardware::{Accelerator, Precision};
use isoflop::law::kaplan::non_embedding_params;
use isoflop::strategies;
use isoflop::units::{
    Emissions, Energy, Flops, FlopsPerSecond, GpuHours, Params, TimeSpan, Tokens, Usd, Watts,
};
use proptest::prelude::*;

macro_rules! each_quantity {
    ($mac:ident, $($arg:expr),*) => {{
        $mac!(Params, $($arg),*);
        $mac!(Tokens, $($arg),*);
        $mac!(Flops, $($arg),*);
        $mac!(FlopsPerSecond, $($arg),*);
        $mac!(GpuHours, $($arg),*);
        $mac!(TimeSpan, $($arg),*);
        $mac!(Watts, $($arg),*);
        $mac!(Energy, $($arg),*);
        $mac!(Emissions, $($arg),*);
        $mac!(Usd, $($arg),*);
    }};
}

/// A constructed quantity is finite and > 0, or an error.
macro_rules! valid_or_error {
    ($t:ident, $r:expr) => {{
        let r: isoflop::Result<$t> = $r;
        if let Ok(q) = r {
            prop_assert!(
                q.get().is_finite() && q.get() > 0.0,
                "{} {:?}",
                stringify!($t),
                q
            );
            // Display never panics and parses back to a valid value of the same order.
            let shown = q.to_string();
            prop_assert!(!shown.is_empty());
        }
    }};
}

macro_rules! construct {
    ($t:ident, $x:expr, $k:expr) => {{
        valid_or_error!($t, $t::new($x));
        if let Ok(q) = $t::new($x.abs()) {
            valid_or_error!($t, q.scale($k));
            prop_assert!(q.ratio(q) == 1.0);
        }
    }};
}

macro_rules! parse {
    ($t:ident, $s:expr) => {{
        valid_or_error!($t, $s.parse::<$t>());
    }};
}

macro_rules! json {
    ($t:ident, $s:expr) => {{
        if let Ok(q) = serde_json::from_str::<$t>($s) {
            prop_assert!(q.get().is_finite() && q.get() > 0.0);
        }
    }};
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20_000))]

    #[test]
    fn quantity_constructors(x in strategies::hostile_f64(), k in strategies::hostile_f64()) {
        each_quantity!(construct, x, k);
        valid_or_error!(TimeSpan, TimeSpan::from_hours(x));
        valid_or_error!(TimeSpan, TimeSpan::from_days(x));
        valid_or_error!(Energy, Energy::from_kwh(x));
        valid_or_error!(Energy, Energy::from_mwh(x));
        valid_or_error!(Emissions, Emissions::from_tonnes(x));
        valid_or_error!(FlopsPerSecond, FlopsPerSecond::from_tera(x));
        prop_assert_finite!(Pue::new(x).map(|p| p.get()));
        prop_assert_finite!(GridIntensity::new(x).map(|p| p.kg_per_kwh()));
        prop_assert_finite!(GpuHourPrice::new(x).map(|p| p.usd()));
        prop_assert_finite!(Utilisation::mfu(x));
        prop_assert_finite!(Utilisation::tokens_per_second(x));
    }

    #[test]
    fn quantity_parsers(s in strategies::hostile_str()) {
        each_quantity!(parse, s);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(5_000))]

    #[test]
    fn quantity_json(s in strategies::hostile_json()) {
        each_quantity!(json, s.as_str());
        prop_assert_finite!(serde_json::from_str::<Utilisation>(&s).map_err(|_| ()));
        prop_assert_finite!(serde_json::from_str::<Pue>(&s).map_err(|_| ()));
        prop_assert_finite!(serde_json::from_str::<Cluster>(&s).map_err(|_| ()));
        prop_assert_finite!(serde_json::from_str::<Architecture>(&s).map_err(|_| ()));
        prop_assert_finite!(serde_json::from_str::<Workload>(&s).map_err(|_| ()));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(10_000))]

    #[test]
    fn conversions_at_extremes(
        n in strategies::extreme_positive(),
        d in strategies::extreme_positive(),
        c in strategies::extreme_positive(),
        h in strategies::extreme_positive(),
        rate in strategies::extreme_positive(),
        mfu in strategies::hostile_f64(),
    ) {
        let (n, d, c, h, rate) = (
            Params::new(n).unwrap(), Tokens::new(d).unwrap(), Flops::new(c).unwrap(),
            GpuHours::new(h).unwrap(), FlopsPerSecond::new(rate).unwrap(),
        );
        prop_assert_finite!(training_flops_6nd(n, d));
        prop_assert_finite!(tokens_for_flops(n, c));
        prop_assert_finite!(params_for_flops(d, c));
        prop_assert_finite!(inference_flops_2n(n, d));
        prop_assert_finite!(gpu_hours_for(c, rate, mfu));
        prop_assert_finite!(flops_for(h, rate, mfu));
        prop_assert_finite!(implied_mfu(c, h, rate));
        prop_assert_finite!(implied_tokens_per_second(d, h));
        prop_assert_finite!(cost_for(h, GpuHourPrice::new(rate.get()).unwrap()));
        let pue = Pue::new(1.0 + d.get()).unwrap();
        let e = energy_for(h, Watts::new(n.get()).unwrap(), pue);
        prop_assert_finite!(e);
        if let Ok(e) = e {
            prop_assert_finite!(emissions_for(e, GridIntensity::new(c.get()).unwrap()));
        }
        prop_assert_finite!(non_embedding_params(n, (d.get() % 1e6) as u32, 4096, 2));
    }

    #[test]
    fn architectures_from_any_shape(
        dims in proptest::collection::vec(prop_oneof![Just(0u32), 1u32..100_000, any::<u32>()], 7),
        swiglu in any::<bool>(),
        params in strategies::extreme_positive(),
        ctx in strategies::extreme_positive(),
        d in strategies::extreme_positive(),
    ) {
        let shape = Shape {
            n_layers: dims[0], d_model: dims[1], n_heads: dims[2], head_dim: dims[3],
            d_ff: dims[4], vocab: dims[5], context: dims[6],
            feed_forward: if swiglu { FeedForward::SwiGlu } else { FeedForward::Mlp },
        };
        prop_assert_finite!(swiglu_hidden_size(dims[1], dims[2]));
        let arch = Architecture::new(shape, Params::new(params).unwrap());
        prop_assert_finite!(arch);
        if let Ok(a) = arch {
            let d = Tokens::new(d).unwrap();
            prop_assert_finite!(a.non_embedding_params());
            prop_assert_finite!(a.llama_style_params());
            prop_assert_finite!(training_flop_counts(&a, d));
            prop_assert_finite!(kaplan_training_flops(&a, d));
            prop_assert_finite!(chinchilla_training_flops(&a, d));
            prop_assert_finite!(chinchilla_forward_breakdown(&a));
            prop_assert_finite!(chinchilla_forward_flops_per_token(&a));
            prop_assert_finite!(kaplan_forward_flops_per_token(&a));
            prop_assert_finite!(attention_flops_per_token(&a, Tokens::new(ctx).unwrap()));
            prop_assert_finite!(inference_flops_per_token(&a, Tokens::new(ctx).unwrap()));
            let overhead = kaplan_attention_overhead(&a);
            prop_assert!(overhead.is_finite(), "overhead {overhead}");
        }
    }

    #[test]
    fn clusters_from_any_input(
        a in strategies::accelerator(),
        p in strategies::precision(),
        count in prop_oneof![Just(0u32), any::<u32>()],
        u in strategies::hostile_f64(),
        by_rate in any::<bool>(),
        n in strategies::extreme_positive(),
        d in strategies::extreme_positive(),
        pue in strategies::hostile_f64(),
    ) {
        let u = if by_rate { Utilisation::TokensPerSecondPerAccelerator(u) } else { Utilisation::Mfu(u) };
        let cluster = Cluster::new(a, count, p, u);
        prop_assert_finite!(cluster);
        if let Ok(c) = cluster {
            let (n, d) = (Params::new(n).unwrap(), Tokens::new(d).unwrap());
            let work = Workload::training(n, d);
            prop_assert_finite!(c.peak());
            prop_assert_finite!(c.gpu_hours(work));
            prop_assert_finite!(c.wall_clock(work));
            prop_assert_finite!(c.mfu(n));
            if let Ok(pue) = Pue::new(pue) {
                prop_assert_finite!(c.energy(work, pue));
                prop_assert_finite!(c.emissions(work, pue, GridIntensity::new(0.4).unwrap()));
            }
            prop_assert_finite!(c.cost(work, GpuHourPrice::new(2.0).unwrap()));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(5_000))]

    #[test]
    fn names_and_precisions(s in strategies::hostile_str()) {
        let _ = Accelerator::by_name(&s);
        let _ = s.parse::<Precision>();
        let _ = isoflop::runs::by_name(&s);
        let _ = isoflop::data::llama::curve_named(&s);
        prop_assert_finite!(serde_json::from_str::<Accelerator>(&format!("{s:?}")).map_err(|_| ()));
    }
}
