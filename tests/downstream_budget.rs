//! A downstream property test, written exactly as a user of isoflop would: only the
//! public API and the `proptest` feature (`isoflop = { features = ["proptest"] }`).
//!
//! The user's code: given a GPU-hour budget on a cluster, pick the compute-optimal
//! model under a Chinchilla law, and report its loss. The properties: the plan never
//! exceeds the budget, spends it (6ND = C), and no other size does better on it.

use isoflop::cluster::{flops_for, Cluster, Utilisation};
use isoflop::law::{ChinchillaHypothesis, ChinchillaLaw};
use isoflop::query::compute_optimal;
use isoflop::strategies;
use isoflop::units::{GpuHours, Params, Tokens};
use proptest::prelude::*;

/// The user's planner: the compute-optimal (N, D) and loss for a GPU-hour budget.
fn plan(
    cluster: &Cluster,
    budget: GpuHours,
    law: ChinchillaLaw,
) -> isoflop::Result<(Params, Tokens, f64)> {
    let Utilisation::Mfu(mfu) = cluster.utilisation() else {
        return Err(isoflop::Error::NonIdentifiable("needs an MFU".into()));
    };
    let c = flops_for(budget, cluster.peak()?, mfu)?;
    let h = ChinchillaHypothesis::new(
        "mine",
        "my fit",
        law,
        Vec::new(),
        isoflop::law::Uncertainty::None,
        isoflop::law::Evidence::described("my runs"),
    )?;
    let split = compute_optimal(&h, c, 0.9)?;
    Ok((split.params, split.tokens, split.loss.point))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn plans_fit_the_budget_and_are_optimal(
        cluster in strategies::mfu_cluster(),
        budget in strategies::gpu_hour_budget(),
        law in strategies::chinchilla_law(),
        k in 0.1f64..10.0,
    ) {
        let (n, d, loss) = plan(&cluster, budget, law).unwrap();
        let used = cluster.gpu_hours(isoflop::cluster::Workload::training(n, d)).unwrap();
        prop_assert!(used.get() <= budget.get() * (1.0 + 1e-12));
        prop_assert!(used.get() >= budget.get() * (1.0 - 1e-12));
        // Any other size on the same budget does no better.
        let other = Params::new(n.get() * k).unwrap();
        let other_d = Tokens::new(d.get() / k).unwrap();
        prop_assert!(loss <= law.loss(other, other_d).unwrap() * (1.0 + 1e-12));
    }

    #[test]
    fn the_planner_rejects_bad_budgets_without_panicking(
        cluster in strategies::cluster(),
        hours in strategies::hostile_f64(),
        law in strategies::chinchilla_law(),
    ) {
        if let Ok(budget) = GpuHours::new(hours) {
            if let Ok((n, d, loss)) = plan(&cluster, budget, law) {
                prop_assert!(n.get().is_finite() && d.get().is_finite() && loss.is_finite());
            }
        }
    }
}
