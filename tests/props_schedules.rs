//! Properties of schedules and the schedule-aware laws over `isoflop::strategies`
//! (`schedule`, `annealing_law`, `multi_power_law`): finite sums and losses at every step,
//! a forward area that never decreases, serde round trips, and displays that name the law.

use isoflop::law::{Evidence, LossHypothesis, ScheduleLaw, ScheduledHypothesis};
use isoflop::schedule::{Resolution, Schedule};
use isoflop::strategies;
use isoflop::units::Params;
use proptest::prelude::*;

fn probes(s: &Schedule) -> Vec<u64> {
    let t = s.total_steps();
    (0..=16).map(|i| (t * i / 16).max(1)).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn schedule_sums_are_finite_and_the_area_grows(s in strategies::schedule()) {
        let mut prev = 0.0;
        for step in probes(&s) {
            let s1 = s.lr_sum(step).unwrap();
            prop_assert!(s1.is_finite() && s1 >= prev, "{s}: S1({step}) = {s1} after {prev}");
            prev = s1;
            for lambda in [0.999, 1.0] {
                prop_assert!(s.annealing_area(step, lambda).unwrap().is_finite());
            }
        }
        let back: Schedule = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
        prop_assert_eq!(back, s);
    }

    #[test]
    fn laws_are_finite_on_any_schedule(
        s in strategies::schedule(),
        a in strategies::annealing_law(),
        m in strategies::multi_power_law(),
    ) {
        let mut terms = Vec::new();
        for step in probes(&s) {
            prop_assert!(a.loss(&s, step).unwrap().is_finite());
            s.decay_terms(step, Resolution::default(), &mut terms).unwrap();
            prop_assert!(m.loss_from_terms(s.lr_sum(step).unwrap(), &terms).is_finite());
        }
        // The decay never raises the loss of a monotone schedule.
        let t = s.total_steps();
        prop_assert!(a.annealing_bonus(&s, t).unwrap() >= -1e-12);
        prop_assert!(m.loss_drop(&s, t).unwrap() >= -1e-12);
        prop_assert!(a.to_string().contains("annealing law"));
        prop_assert!(m.to_string().contains("multi-power law"));
        for law in [ScheduleLaw::Annealing(a), ScheduleLaw::MultiPower(m)] {
            let h = ScheduledHypothesis::new(
                "m", Params::new(1e8).unwrap(), law, vec![law], vec![], s.clone(),
                Evidence::described("generated"), vec![],
            ).unwrap();
            let back: ScheduledHypothesis =
                serde_json::from_str(&serde_json::to_string(&h).unwrap()).unwrap();
            prop_assert_eq!(&back, &h);
            prop_assert!(h.to_string().contains(&h.id()));
        }
    }
}
