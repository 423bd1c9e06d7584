//! Bad input to the compute layer gives a typed error, never a panic or a NaN.

use isoflop::architecture::{Architecture, Shape};
use isoflop::cluster::{
    flops_for, gpu_hours_for, implied_mfu, Cluster, GpuHourPrice, GridIntensity, Pue, Utilisation,
    Workload,
};
use isoflop::compute::{
    inference_flops_per_token, params_for_flops, tokens_for_flops, training_flops_6nd,
};
use isoflop::hardware::{Accelerator, Precision};
use isoflop::runs;
use isoflop::units::{Flops, FlopsPerSecond, GpuHours, Params, Tokens};
use isoflop::Error;

const NON_POSITIVE: [f64; 6] = [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -1.0, 0.0, -0.0];

#[test]
fn quantities_reject_nan_infinite_negative_zero() {
    for bad in NON_POSITIVE {
        assert!(matches!(Params::new(bad), Err(Error::InvalidValue { .. })));
        assert!(matches!(Tokens::new(bad), Err(Error::InvalidValue { .. })));
        assert!(matches!(Flops::new(bad), Err(Error::InvalidValue { .. })));
        assert!(matches!(
            GpuHours::new(bad),
            Err(Error::InvalidValue { .. })
        ));
    }
}

#[test]
fn six_nd_overflow_is_non_finite_error() {
    let n = Params::new(1e160).unwrap();
    let d = Tokens::new(1e160).unwrap();
    assert!(matches!(training_flops_6nd(n, d), Err(Error::NonFinite(_))));
    // Inverses that underflow to zero are errors too, not a zero quantity.
    let tiny = Flops::new(f64::MIN_POSITIVE).unwrap();
    assert!(tokens_for_flops(n, tiny).is_err());
    assert!(params_for_flops(d, tiny).is_err());
}

#[test]
fn mfu_outside_unit_interval() {
    let peak = FlopsPerSecond::from_tera(312.0).unwrap();
    let c = Flops::new(1e23).unwrap();
    let h = GpuHours::new(1e5).unwrap();
    for bad in [0.0, -0.5, 1.01, f64::NAN, f64::INFINITY] {
        assert!(matches!(
            gpu_hours_for(c, peak, bad),
            Err(Error::InvalidValue { what: "MFU", .. })
        ));
        assert!(matches!(
            flops_for(h, peak, bad),
            Err(Error::InvalidValue { what: "MFU", .. })
        ));
        assert!(matches!(
            Utilisation::mfu(bad),
            Err(Error::InvalidValue { what: "MFU", .. })
        ));
        let a100 = Accelerator::by_name("A100 80GB").unwrap();
        assert!(Cluster::new(a100, 8, Precision::Bf16, Utilisation::Mfu(bad)).is_err());
    }
    // An MFU above 1 implied by reported figures is an error, not a number.
    assert!(matches!(
        implied_mfu(Flops::new(1e24).unwrap(), GpuHours::new(1.0).unwrap(), peak),
        Err(Error::InvalidValue {
            what: "implied MFU",
            ..
        })
    ));
}

#[test]
fn pue_grid_and_price_validate() {
    for bad in [0.99, 0.0, -1.0, f64::NAN, f64::INFINITY] {
        assert!(matches!(
            Pue::new(bad),
            Err(Error::InvalidValue { what: "PUE", .. })
        ));
    }
    for bad in NON_POSITIVE {
        assert!(matches!(
            GridIntensity::new(bad),
            Err(Error::InvalidValue { .. })
        ));
        assert!(matches!(
            GpuHourPrice::new(bad),
            Err(Error::InvalidValue { .. })
        ));
        assert!(matches!(
            Utilisation::tokens_per_second(bad),
            Err(Error::InvalidValue { .. })
        ));
    }
}

#[test]
fn unknown_names_list_the_known_ones() {
    match Accelerator::by_name("TPU v9") {
        Err(Error::UnknownName { what, name, known }) => {
            assert_eq!(what, "accelerator");
            assert_eq!(name, "TPU v9");
            assert!(known.contains("H100 SXM"));
        }
        other => panic!("expected UnknownName, got {other:?}"),
    }
    match runs::by_name("GPT-4") {
        Err(Error::UnknownName { what, known, .. }) => {
            assert_eq!(what, "published run");
            assert!(known.contains("LLaMA-7B"));
        }
        other => panic!("expected UnknownName, got {other:?}"),
    }
    assert!(matches!(
        "int3".parse::<Precision>(),
        Err(Error::Parse { .. })
    ));
}

#[test]
fn unsupported_precision_and_mismatched_workload() {
    let v100 = Accelerator::by_name("V100 SXM").unwrap();
    assert!(matches!(
        v100.dense_peak(Precision::Bf16),
        Err(Error::NotApplicable { .. })
    ));
    assert!(Cluster::new(v100, 8, Precision::Fp8, Utilisation::Mfu(0.3)).is_err());
    assert!(matches!(
        Cluster::new(v100, 0, Precision::Fp16, Utilisation::Mfu(0.3)),
        Err(Error::InvalidValue { .. })
    ));
    let tps = Cluster::new(
        v100,
        8,
        Precision::Fp16,
        Utilisation::tokens_per_second(100.0).unwrap(),
    )
    .unwrap();
    assert!(matches!(
        tps.gpu_hours(Workload::Flops(Flops::new(1e20).unwrap())),
        Err(Error::NotApplicable { .. })
    ));
}

#[test]
fn architectures_validate() {
    let good = Architecture::llama_7b().shape();
    let n = Params::new(7e9).unwrap();
    let fields: [fn(&mut Shape); 7] = [
        |s| s.n_layers = 0,
        |s| s.d_model = 0,
        |s| s.n_heads = 0,
        |s| s.head_dim = 0,
        |s| s.d_ff = 0,
        |s| s.vocab = 0,
        |s| s.context = 0,
    ];
    for zero in fields {
        let mut s = good;
        zero(&mut s);
        assert!(matches!(
            Architecture::new(s, n),
            Err(Error::InvalidValue { .. })
        ));
    }
    // A context longer than the model's is not applicable.
    let a = Architecture::llama_7b();
    assert!(matches!(
        inference_flops_per_token(&a, Tokens::new(2049.0).unwrap()),
        Err(Error::NotApplicable { .. })
    ));
}

#[test]
fn no_nan_from_extreme_but_valid_inputs() {
    let peak = FlopsPerSecond::new(f64::MIN_POSITIVE).unwrap();
    // Huge FLOPs on a tiny peak overflow: an error, not inf.
    assert!(gpu_hours_for(Flops::new(1e300).unwrap(), peak, 1e-10).is_err());
    let huge = Params::new(1e300).unwrap();
    let a100 = Accelerator::by_name("A100 80GB").unwrap();
    let c = Cluster::new(a100, 1, Precision::Bf16, Utilisation::Mfu(1.0)).unwrap();
    assert!(c
        .gpu_hours(Workload::training(huge, Tokens::new(1e300).unwrap()))
        .is_err());
}
