//! Property suite: C = 6ND and FLOPs <-> GPU-hours round-trip through every
//! conversion (invariants in `isoflop::strategies`, section "Invariants").
//!
//! | test | cases |
//! |---|---|
//! | six_nd_round_trips | 20,000 |
//! | gpu_hours_round_trip | 20,000 |
//! | tokens_per_second_clusters | 5,000 |
//! | workload_and_flops_agree | 5,000 |
//! | total | 50,000 |

mod props_support;

use isoflop::cluster::{flops_for, gpu_hours_for, implied_mfu, Utilisation, Workload};
use isoflop::compute::{params_for_flops, tokens_for_flops, training_flops_6nd};
use isoflop::strategies;
use props_support::rel;
use proptest::prelude::*;

const TOL: f64 = 1e-12;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20_000))]

    #[test]
    fn six_nd_round_trips(n in strategies::params(), d in strategies::tokens()) {
        let c = training_flops_6nd(n, d).unwrap();
        prop_assert!(rel(c.get(), 6.0 * n.get() * d.get()) <= TOL);
        let d2 = tokens_for_flops(n, c).unwrap();
        let n2 = params_for_flops(d, c).unwrap();
        prop_assert!(rel(d2.get(), d.get()) <= TOL, "D {} -> {}", d.get(), d2.get());
        prop_assert!(rel(n2.get(), n.get()) <= TOL, "N {} -> {}", n.get(), n2.get());
    }

    #[test]
    fn gpu_hours_round_trip(cluster in strategies::mfu_cluster(), c in strategies::flops()) {
        let Utilisation::Mfu(mfu) = cluster.utilisation() else {
            return Err(TestCaseError::fail("mfu_cluster gave a tokens/s cluster"));
        };
        let peak = cluster.peak().unwrap();
        let h = cluster.gpu_hours(c).unwrap();
        prop_assert!(rel(h.get(), gpu_hours_for(c, peak, mfu).unwrap().get()) <= TOL);
        let back = flops_for(h, peak, mfu).unwrap();
        prop_assert!(rel(back.get(), c.get()) <= TOL, "C {} -> {}", c.get(), back.get());
        let implied = implied_mfu(c, h, peak).unwrap();
        prop_assert!(rel(implied, mfu) <= TOL);
        let wall = cluster.wall_clock(c).unwrap();
        prop_assert!(rel(wall.hours() * f64::from(cluster.count()), h.get()) <= TOL);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(5_000))]

    #[test]
    fn tokens_per_second_clusters(
        cluster in strategies::cluster(),
        (n, d) in strategies::params_and_tokens(),
    ) {
        let work = Workload::training(n, d);
        let h = cluster.gpu_hours(work).unwrap();
        match cluster.utilisation() {
            Utilisation::TokensPerSecondPerAccelerator(rate) => {
                prop_assert!(rel(h.get(), d.get() / (rate * 3600.0)) <= TOL);
                // A FLOP count alone is not enough for a throughput cluster.
                prop_assert!(cluster.gpu_hours(work.flops().unwrap()).is_err());
            }
            Utilisation::Mfu(mfu) => {
                let c = training_flops_6nd(n, d).unwrap();
                prop_assert!(rel(h.get(), gpu_hours_for(c, cluster.peak().unwrap(), mfu).unwrap().get()) <= TOL);
            }
        }
    }

    #[test]
    fn workload_and_flops_agree(n in strategies::params(), d in strategies::tokens()) {
        let w = Workload::training(n, d);
        prop_assert_eq!(w.flops().unwrap(), training_flops_6nd(n, d).unwrap());
        let c = training_flops_6nd(n, d).unwrap();
        prop_assert_eq!(Workload::from(c).flops().unwrap(), c);
    }
}
