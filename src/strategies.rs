//! [proptest] strategies for every input type, for property-testing your own
//! budget code (feature `proptest`).
//!
//! Each function returns an `impl Strategy` whose values are valid by
//! construction (every constructor in this crate accepts them), in ranges that
//! are plausible for language-model training, with the anchors named in each
//! function's docs. The `hostile_*` strategies produce the opposite: values and
//! strings built to break parsers and constructors.
//!
//! Enable with `isoflop = { version = "...", features = ["proptest"] }` in
//! `[dev-dependencies]` and depend on `proptest = "1"` yourself.
//!
//! # A downstream property test
//!
//! Your code picks a cluster and a model and must stay within a GPU-hour
//! budget; the property: whatever the cluster and the model, the plan's
//! GPU-hours convert back to the FLOPs of 6ND.
//!
//! ```
//! use isoflop::cluster::flops_for;
//! use isoflop::compute::training_flops_6nd;
//! use isoflop::strategies;
//! use proptest::prelude::*;
//! use proptest::test_runner::{Config, TestRunner};
//!
//! let mut runner = TestRunner::new(Config::with_cases(256));
//! let inputs = (strategies::mfu_cluster(), strategies::params(), strategies::tokens());
//! runner
//!     .run(&inputs, |(cluster, n, d)| {
//!         let Ok(c) = training_flops_6nd(n, d) else { return Ok(()) }; // overflow is an error
//!         let Ok(hours) = cluster.gpu_hours(c) else { return Ok(()) };
//!         let mfu = cluster.mfu(n).unwrap();
//!         let back = flops_for(hours, cluster.peak().unwrap(), mfu).unwrap();
//!         prop_assert!((back.ratio(c) - 1.0).abs() <= 1e-12);
//!         Ok(())
//!     })
//!     .unwrap();
//! ```
//!
//! In a test file the `proptest!` macro is shorter; `tests/downstream_budget.rs`
//! in the repository is a complete example that uses only this public feature.
//!
//! # Invariants
//!
//! isoflop's own property suite (`tests/props_*.rs`, `tests/hostile_*.rs`, run
//! by `cargo test --all-features`) holds these over the strategies below. A
//! relative tolerance `t` means `|x / y - 1| <= t`.
//!
//! | invariant | tolerance |
//! |---|---|
//! | C = 6ND round-trips: `tokens_for_flops(n, training_flops_6nd(n, d)) = d`, likewise `params_for_flops` | 1e-12 relative |
//! | FLOPs <-> GPU-hours at fixed accelerator, precision and MFU: `flops_for(gpu_hours_for(c)) = c`, and a [`Cluster`]'s GPU-hours equal `gpu_hours_for` at its peak and MFU | 1e-12 relative |
//! | wall-clock x accelerator count = GPU-hours | 1e-12 relative |
//! | Chinchilla and Kaplan laws: loss non-increasing in N and in D | exact (no tolerance) |
//! | data-constrained law: loss non-increasing in N, D and the unique-token budget U | 1e-12 relative |
//! | compute-optimal split: its loss is at most that of any other split N, C/6N of the same budget | 1e-12 relative |
//! | compute-optimal split: 6 N_opt D_opt = C | 1e-12 relative |
//! | `query::tokens_to_reach` inverts `query::predict`: the forward loss at the returned D is the target, and D is the D asked | loss 1e-12 relative; D 1e-9 relative plus the conditioning bound 8 ulp(L) / \|dL/d ln D\| |
//! | bands: `lo <= median <= hi`, finite, inside [min, max] of the draws; without draws `lo = median = hi = point` | exact |
//! | bands of a hypothesis whose draws all equal its point law: `lo = median = hi = point` | exact |
//! | curve continuations (`law::continuation`): band width non-decreasing in D beyond the last observed token count, for the forms without a floor (`linear-in-tokens`, `linear-in-log-tokens`) | 1e-9 relative |
//! | every `Serialize + Deserialize` type round-trips through serde JSON to an equal value | exact (`==`) |
//! | data-constrained law equals its Chinchilla base when no data is repeated (D <= U) and N <= N_opt(D) | 1e-12 relative |
//! | data-constrained law is never below its Chinchilla base at the same N, D: repeated epochs never help more than unique data | 1e-12 relative |
//! | hostile input (NaN, ±inf, negatives, zeros, subnormals, huge magnitudes, empty and single-point data, malformed strings, CSV, JSON) to every constructor, parser and query: a typed [`Error`](crate::Error) or a finite answer, never a panic, never a NaN or infinity inside a returned value | - |
//!
//! Two things that are *not* invariants, by design of the published laws:
//! - the data-constrained law (Muennighoff et al. 2023, Eq. 5) discounts
//!   parameters beyond N_opt(U_D) even when no epoch is repeated, so it is
//!   above its Chinchilla base for over-sized models at D <= U;
//! - the `power-law-floor` continuation's band need not widen without end: far
//!   beyond the data its spread tends to the spread of the fitted floors E,
//!   which can be narrower than the spread at the end of the data.
//!
//! [proptest]: https://docs.rs/proptest

use crate::architecture::{swiglu_hidden_size, Architecture, FeedForward, Shape};
use crate::cluster::{Cluster, Utilisation};
use crate::data::curve::LossCurve;
use crate::data::run_table::RunTable;
use crate::hardware::{Accelerator, Precision};
use crate::law::annealing::AnnealingLaw;
use crate::law::multi_power::MultiPowerLaw;
use crate::law::{
    ChinchillaHypothesis, ChinchillaLaw, DataConstrainedLaw, Evidence, KaplanLaw, Uncertainty,
};
use crate::schedule::{Cooldown, Schedule, Shape as ScheduleShape};
use crate::units::{Flops, FlopsPerSecond, GpuHours, Params, Tokens};
use proptest::prelude::*;
use proptest::sample::select;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Log-uniform in `[lo, hi]` (order-insensitive; both finite and > 0).
fn log_uniform(lo: f64, hi: f64) -> impl Strategy<Value = f64> + Clone {
    let (a, b) = (lo.min(hi).ln(), lo.max(hi).ln());
    let (lo, hi) = (lo.min(hi), lo.max(hi));
    (a..=b).prop_map(move |x| x.exp().clamp(lo, hi))
}

/// Parameter counts from 1M to 10T, log-uniform (from the smallest models of
/// Kaplan et al. 2020 to beyond Llama 3.1 405B).
pub fn params() -> impl Strategy<Value = Params> + Clone {
    params_in(Params::raw(1e6), Params::raw(1e13))
}

/// Parameter counts log-uniform in `[lo, hi]`.
pub fn params_in(lo: Params, hi: Params) -> impl Strategy<Value = Params> + Clone {
    log_uniform(lo.get(), hi.get()).prop_map(Params::raw)
}

/// Token counts from 1M to 100T, log-uniform (Llama 3 trained on 15T).
pub fn tokens() -> impl Strategy<Value = Tokens> + Clone {
    tokens_in(Tokens::raw(1e6), Tokens::raw(1e14))
}

/// Token counts log-uniform in `[lo, hi]`.
pub fn tokens_in(lo: Tokens, hi: Tokens) -> impl Strategy<Value = Tokens> + Clone {
    log_uniform(lo.get(), hi.get()).prop_map(Tokens::raw)
}

/// FLOP counts from 1e15 to 1e28, log-uniform.
pub fn flops() -> impl Strategy<Value = Flops> + Clone {
    flops_in(Flops::raw(1e15), Flops::raw(1e28))
}

/// FLOP counts log-uniform in `[lo, hi]`.
pub fn flops_in(lo: Flops, hi: Flops) -> impl Strategy<Value = Flops> + Clone {
    log_uniform(lo.get(), hi.get()).prop_map(Flops::raw)
}

/// Training budgets from 1e18 FLOPs (Chinchilla's smallest IsoFLOP profile was
/// 6e18) to 1e27 (beyond Llama 3.1 405B's 3.8e25), log-uniform.
pub fn budget() -> impl Strategy<Value = Flops> + Clone {
    flops_in(Flops::raw(1e18), Flops::raw(1e27))
}

/// GPU-hour counts from 1 to 1e8, log-uniform (Llama 3.1 405B: 3.08e7).
pub fn gpu_hours() -> impl Strategy<Value = GpuHours> + Clone {
    log_uniform(1.0, 1e8).prop_map(GpuHours::raw)
}

/// GPU-hour budgets from 1e3 to 1e8, log-uniform.
pub fn gpu_hour_budget() -> impl Strategy<Value = GpuHours> + Clone {
    log_uniform(1e3, 1e8).prop_map(GpuHours::raw)
}

/// FLOP/s rates from 1 TFLOP/s to 10 PFLOP/s, log-uniform.
pub fn flops_per_second() -> impl Strategy<Value = FlopsPerSecond> + Clone {
    log_uniform(1e12, 1e16).prop_map(FlopsPerSecond::raw)
}

/// A model size and a token count with D/N between 1 and 1,000 tokens per
/// parameter (Chinchilla-optimal is about 20; Llama 3 8B trained at about 1,900).
pub fn params_and_tokens() -> impl Strategy<Value = (Params, Tokens)> + Clone {
    (
        params_in(Params::raw(1e7), Params::raw(1e12)),
        log_uniform(1.0, 1e3),
    )
        .prop_map(|(n, ratio)| (n, Tokens::raw(n.get() * ratio)))
}

/// Any arithmetic precision.
pub fn precision() -> impl Strategy<Value = Precision> + Clone {
    select(Precision::ALL.to_vec())
}

/// Any accelerator of the catalog ([`Accelerator::all`]).
pub fn accelerator() -> impl Strategy<Value = Accelerator> + Clone {
    select(Accelerator::all().to_vec())
}

/// An accelerator with one of the precisions it has a dense peak for.
pub fn accelerator_and_precision() -> impl Strategy<Value = (Accelerator, Precision)> + Clone {
    let pairs: Vec<(Accelerator, Precision)> = Accelerator::all()
        .iter()
        .flat_map(|a| a.precisions().map(move |p| (*a, p)))
        .collect();
    select(pairs)
}

/// Model FLOP utilisation from 0.05 to 0.75 (LLaMA-7B's implied MFU is 0.44;
/// PaLM reported 0.46).
pub fn mfu() -> impl Strategy<Value = f64> + Clone {
    0.05f64..=0.75
}

/// A utilisation: an MFU ([`mfu`]) or a throughput of 100 to 100,000 tokens/s
/// per accelerator (LLaMA-65B: about 380).
pub fn utilisation() -> impl Strategy<Value = Utilisation> + Clone {
    prop_oneof![
        mfu().prop_map(Utilisation::Mfu),
        log_uniform(100.0, 1e5).prop_map(Utilisation::TokensPerSecondPerAccelerator),
    ]
}

/// A valid cluster: 1 to 65,536 accelerators of one kind, a precision it
/// supports, and any [`utilisation`].
pub fn cluster() -> impl Strategy<Value = Cluster> + Clone {
    (accelerator_and_precision(), 1u32..=65_536, utilisation())
        .prop_filter_map("valid cluster", |((a, p), count, u)| {
            Cluster::new(a, count, p, u).ok()
        })
}

/// A valid cluster whose utilisation is an MFU, so it converts FLOPs to GPU-hours.
pub fn mfu_cluster() -> impl Strategy<Value = Cluster> + Clone {
    (accelerator_and_precision(), 1u32..=65_536, mfu())
        .prop_filter_map("valid cluster", |((a, p), count, m)| {
            Cluster::new(a, count, p, Utilisation::Mfu(m)).ok()
        })
}

/// A valid decoder-only transformer shape (1 to 128 layers, 1 to 128 heads of
/// 64 or 128, d_model = heads x head size, SwiGLU with LLaMA's 8/3 rounding or
/// a 4 x d_model MLP, vocabulary 1,000 to 256,000, context 512 to 32,768) with
/// the LLaMA-style parameter count of that shape
/// ([`Architecture::llama_style_params`]).
pub fn architecture() -> impl Strategy<Value = Architecture> + Clone {
    (
        1u32..=128,
        1u32..=128,
        select(vec![64u32, 128]),
        any::<bool>(),
        1_000u32..=256_000,
        select(vec![512u32, 1024, 2048, 4096, 8192, 32_768]),
    )
        .prop_filter_map(
            "valid architecture",
            |(n_layers, n_heads, head_dim, swiglu, vocab, context)| {
                let d_model = n_heads * head_dim;
                let (feed_forward, d_ff) = if swiglu {
                    (FeedForward::SwiGlu, swiglu_hidden_size(d_model, 256).ok()?)
                } else {
                    (FeedForward::Mlp, 4 * d_model)
                };
                let shape = Shape {
                    n_layers,
                    d_model,
                    n_heads,
                    head_dim,
                    d_ff,
                    vocab,
                    context,
                    feed_forward,
                };
                let provisional = Architecture::new(shape, Params::raw(1.0)).ok()?;
                Architecture::new(shape, provisional.llama_style_params().ok()?).ok()
            },
        )
}

/// A Chinchilla law with parameters in the range of the published fits:
/// E in [1, 2.5] nats/token, A and B log-uniform in [10^2, 10^4], α and β in
/// [0.2, 0.6].
///
/// Anchors: Hoffmann et al. 2022 App. D.2 (E 1.69, A 406.4, B 410.7, α 0.34,
/// β 0.28); Besiroglu et al. 2024 Table 1 (E 1.82, A 482, B 2085, α 0.348,
/// β 0.366); Muennighoff et al. 2023 (E 1.87, A 521, B 1488, α = β = 0.353).
pub fn chinchilla_law() -> impl Strategy<Value = ChinchillaLaw> + Clone {
    (
        1.0f64..=2.5,
        log_uniform(1e2, 1e4),
        log_uniform(1e2, 1e4),
        0.2f64..=0.6,
        0.2f64..=0.6,
    )
        .prop_filter_map("valid Chinchilla law", |(e, a, b, alpha, beta)| {
            ChinchillaLaw::new(e, a, b, alpha, beta).ok()
        })
}

/// A Chinchilla hypothesis with 8 to 64 parameter draws around a
/// [`chinchilla_law`], as a bootstrap would give: each parameter jittered by up
/// to ±`spread` relative (E, A, B) or absolute (α, β), `spread` up to 5%.
pub fn chinchilla_hypothesis() -> impl Strategy<Value = ChinchillaHypothesis> + Clone {
    (chinchilla_law(), 8usize..=64, 0.0f64..=0.05, any::<u64>()).prop_filter_map(
        "valid hypothesis",
        |(law, count, spread, seed)| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let mut jitter = |x: f64| x * (1.0 + spread * (2.0 * rng.random::<f64>() - 1.0));
            let draws: Vec<ChinchillaLaw> = (0..count)
                .filter_map(|_| {
                    let (e, a, b) = (jitter(law.e()), jitter(law.a()), jitter(law.b()));
                    let (alpha, beta) = (jitter(law.alpha()), jitter(law.beta()));
                    ChinchillaLaw::new(e, a, b, alpha, beta).ok()
                })
                .collect();
            ChinchillaHypothesis::new(
                "proptest-chinchilla",
                "isoflop::strategies::chinchilla_hypothesis",
                law,
                draws,
                Uncertainty::Bootstrap,
                Evidence::described("generated by proptest"),
            )
            .ok()
        },
    )
}

/// A Kaplan law with α_N in [0.05, 0.1], α_D in [0.07, 0.14], N_c in
/// [10^13, 10^14] and D_c in [10^12, 10^14] (log-uniform); anchored on Kaplan
/// et al. 2020 Table 2: α_N 0.076, α_D 0.103, N_c 6.4e13, D_c 1.8e13.
pub fn kaplan_law() -> impl Strategy<Value = KaplanLaw> + Clone {
    (
        0.05f64..=0.1,
        0.07f64..=0.14,
        log_uniform(1e13, 1e14),
        log_uniform(1e12, 1e14),
    )
        .prop_filter_map("valid Kaplan law", |(an, ad, nc, dc)| {
            KaplanLaw::new(an, ad, Params::raw(nc), Tokens::raw(dc)).ok()
        })
}

/// A data-constrained law: a [`chinchilla_law`] with R_D* in [5, 30] and R_N* in
/// [2, 10]; anchored on Muennighoff et al. 2023 (R_D* 15.4, R_N* 5.3).
pub fn data_constrained_law() -> impl Strategy<Value = DataConstrainedLaw> + Clone {
    (chinchilla_law(), 5.0f64..=30.0, 2.0f64..=10.0)
        .prop_filter_map("valid data-constrained law", |(base, rd, rn)| {
            DataConstrainedLaw::new(base, rd, rn).ok()
        })
}

/// Standard normal deviates by Box-Muller (no extra dependency).
fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1: f64 = 1.0 - rng.random::<f64>(); // (0, 1]
    let u2: f64 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// A training-loss curve that falls like a power law toward a floor, with
/// noise: L = E + B (D/D_end)^-β (1 + ε), E in [1.4, 2.2], B in [0.1, 0.6],
/// β in [0.2, 1.5], ε normal with standard deviation up to 0.5%; 4 to 60
/// points log-spaced from 1e9 to 1e11 to 2e12 tokens (the span of the LLaMA
/// curves). The model size is 1e8 to 1e11.
pub fn loss_curve() -> impl Strategy<Value = LossCurve> + Clone {
    (
        params_in(Params::raw(1e8), Params::raw(1e11)),
        4usize..=60,
        log_uniform(1e11, 2e12),
        1.4f64..=2.2,
        0.1f64..=0.6,
        0.2f64..=1.5,
        0.0f64..=0.005,
        any::<u64>(),
    )
        .prop_filter_map(
            "valid loss curve",
            |(n, points, end, e, b, beta, sd, seed)| {
                let mut rng = ChaCha8Rng::seed_from_u64(seed);
                let start: f64 = 1e9;
                let step = (end / start).ln() / (points - 1) as f64;
                let pts: Vec<(Tokens, f64)> = (0..points)
                    .map(|i| {
                        let d = start * (step * i as f64).exp();
                        let clean = e + b * (d / end).powf(-beta);
                        (Tokens::raw(d), clean * (1.0 + sd * normal(&mut rng)))
                    })
                    .collect();
                LossCurve::new("proptest-curve", n, pts).ok()
            },
        )
}

/// A Chinchilla-like run table drawn from `law`: `runs` runs with N log-uniform
/// in [5e7, 1.6e10] and C log-uniform in [1e18, 1e22] (the span of Hoffmann et
/// al. 2022 Fig. 4), D = C/6N, and log-normal loss noise of standard deviation
/// `log_sd` (the bundled Chinchilla runs scatter with a standard deviation of
/// 0.0076 in ln L around the Besiroglu et al. 2024 fit, 0.0049 robustly; see
/// `examples/coverage_study.rs`).
///
/// Tables are generated from one seed (deterministic, but shrinking only
/// shrinks the seed). Rows with D < 1 token are redrawn.
pub fn run_table_from(
    law: ChinchillaLaw,
    runs: std::ops::RangeInclusive<usize>,
    log_sd: f64,
) -> impl Strategy<Value = RunTable> + Clone {
    (runs, any::<u64>()).prop_filter_map("valid run table", move |(count, seed)| {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        synthetic_runs(&law, count.max(1), log_sd.abs(), &mut rng).ok()
    })
}

/// A run table of 20 to 240 runs from a random [`chinchilla_law`], with
/// log-normal noise of standard deviation 0 to 0.03 ([`run_table_from`]).
pub fn run_table() -> impl Strategy<Value = RunTable> + Clone {
    (chinchilla_law(), 20usize..=240, 0.0f64..=0.03, any::<u64>()).prop_filter_map(
        "valid run table",
        |(law, count, sd, seed)| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            synthetic_runs(&law, count, sd, &mut rng).ok()
        },
    )
}

fn synthetic_runs(
    law: &ChinchillaLaw,
    count: usize,
    log_sd: f64,
    rng: &mut ChaCha8Rng,
) -> crate::Result<RunTable> {
    let (ln_n0, ln_n1) = (5e7f64.ln(), 1.6e10f64.ln());
    let (ln_c0, ln_c1) = (1e18f64.ln(), 1e22f64.ln());
    let mut rows = Vec::with_capacity(count);
    while rows.len() < count {
        let n = (ln_n0 + (ln_n1 - ln_n0) * rng.random::<f64>()).exp();
        let c = (ln_c0 + (ln_c1 - ln_c0) * rng.random::<f64>()).exp();
        let d = c / (6.0 * n);
        if d < 1.0 {
            continue;
        }
        let loss = law.loss(Params::new(n)?, Tokens::new(d)?)? * (log_sd * normal(rng)).exp();
        rows.push((n, d, loss));
    }
    RunTable::from_rows(&rows)
}

/// Hostile floats: NaN, ±inf, ±0, negatives, subnormals, the extremes of f64,
/// huge and tiny magnitudes, and any bit pattern.
pub fn hostile_f64() -> impl Strategy<Value = f64> + Clone {
    prop_oneof![
        select(vec![
            f64::NAN,
            -f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            0.0,
            -0.0,
            -1.0,
            f64::MIN_POSITIVE,
            f64::MIN_POSITIVE / 2.0, // subnormal
            5e-324,                  // the smallest subnormal
            -5e-324,
            f64::EPSILON,
            f64::MAX,
            f64::MIN,
            1e300,
            1e32,
            1e15,
            1e-300,
        ]),
        proptest::num::f64::ANY,
        (-1e30f64..1e30),
    ]
}

/// Positive magnitudes that are valid inputs but extreme: from the smallest
/// subnormal to `f64::MAX`, log-uniform in the exponent, with the edges included.
pub fn extreme_positive() -> impl Strategy<Value = f64> + Clone {
    prop_oneof![
        select(vec![
            5e-324,
            f64::MIN_POSITIVE,
            1e-300,
            1.0,
            1e15,
            1e32,
            1e300,
            f64::MAX
        ]),
        (-744.0f64..709.0)
            .prop_map(f64::exp)
            .prop_filter("> 0", |x| *x > 0.0),
    ]
}

/// Hostile strings for the number parsers: empty, whitespace, words, misplaced
/// separators, unknown suffixes, "NaN", "inf", negative and zero values,
/// overflowing exponents, unicode, and arbitrary text.
pub fn hostile_str() -> impl Strategy<Value = String> + Clone {
    prop_oneof![
        select(vec![
            "", " ", "\t\n", "NaN", "nan", "inf", "-inf", "infinity", "+inf", "-1", "0", "-0",
            "0.0", "1e400", "1e-400", "-1B", "0T", "1,2,3", "1,,000", ",100", "100,", "1..5", "1e",
            "e5", "--1", "+-1", "1B2", "BB", "1 B B", "6.7BB", "1.4 TT", "GPU-h", "h", "1e308K",
            "1e300P", "١٢٣", "6.7Б", "💥", "0x10", "1_000", "1/2", "½", "12%",
        ])
        .prop_map(str::to_string),
        "\\PC{0,12}",
        "[0-9eE+\\-.,kKMBGTP ]{0,10}",
    ]
}

/// Hostile CSV text: headers and rows with missing, extra, non-numeric,
/// non-finite, negative or zero fields, unbalanced quotes and arbitrary bytes.
pub fn hostile_csv() -> impl Strategy<Value = String> + Clone {
    let header = select(vec![
        "N,D,loss",
        "params,tokens,loss",
        "Model Size,Training FLOP,loss",
        "tokens,loss",
        "tokens_billion,loss,model,params",
        "model,params,tokens,train_loss",
        "loss",
        "",
        "N,N,D,loss",
        "\"N,D\",loss",
    ]);
    let field = prop_oneof![
        hostile_str(),
        hostile_f64().prop_map(|x| x.to_string()),
        (1e6f64..1e12).prop_map(|x| x.to_string()),
        Just("\"unbalanced".to_string()),
    ];
    let row = proptest::collection::vec(field, 0..6).prop_map(|f| f.join(","));
    (header, proptest::collection::vec(row, 0..6)).prop_map(|(h, rows)| {
        let mut s = h.to_string();
        for r in rows {
            s.push('\n');
            s.push_str(&r);
        }
        s
    })
}

/// Hostile JSON: numbers out of range or written as strings, `null`, wrong
/// shapes, truncated documents and arbitrary text.
pub fn hostile_json() -> impl Strategy<Value = String> + Clone {
    prop_oneof![
        select(vec![
            "",
            "null",
            "0",
            "-1",
            "1e400",
            "-1e400",
            "\"NaN\"",
            "NaN",
            "[]",
            "{}",
            "[1,2]",
            "{\"E\":1.0}",
            "\"6.7B\"",
            "true",
            "{",
            "[",
            "\"",
            "1e-400",
            "{\"E\":-1,\"A\":1,\"B\":1,\"alpha\":0.3,\"beta\":0.3}",
            "{\"E\":1,\"A\":1,\"B\":1,\"alpha\":0,\"beta\":0.3}",
            "{\"Mfu\":0}",
            "{\"Mfu\":1.5}",
            "{\"TokensPerSecondPerAccelerator\":-5}",
        ])
        .prop_map(str::to_string),
        hostile_f64().prop_map(|x| x.to_string()),
        "\\PC{0,16}",
    ]
}

/// A learning-rate schedule: peak 1e-4 to 3e-3 (log-uniform; LLaMA-1's 1.5e-4 and 3e-4,
/// Touvron et al. 2023; the 124M sweep's 1e-4 to 2e-3, Schaipp et al. 2025), 1,000 to
/// 500,000 steps, a warmup of 0 to 5% of them, batches of 0.1M to 4M tokens, and a shape
/// among constant, cosine and linear to 0-10% of the peak, and WSD with a linear or 1-sqrt
/// cooldown of 5-50% of the steps after warmup (Hägele et al. 2024, arXiv:2405.18392).
pub fn schedule() -> impl Strategy<Value = Schedule> + Clone {
    (
        log_uniform(1e-4, 3e-3),
        log_uniform(1e3, 5e5),
        0.0f64..=0.05,
        log_uniform(1e5, 4.2e6),
        0usize..5,
        0.0f64..=0.1,
        0.05f64..=0.5,
    )
        .prop_filter_map(
            "valid schedule",
            |(peak, steps, warm, batch, shape, fin, cooldown)| {
                let t = steps.round() as u64;
                let w = (warm * t as f64).round() as u64;
                let shape = match shape {
                    0 => ScheduleShape::Constant,
                    1 => ScheduleShape::Cosine {
                        final_fraction: fin,
                    },
                    2 => ScheduleShape::Linear {
                        final_fraction: fin,
                    },
                    k => ScheduleShape::Wsd {
                        cooldown_steps: ((cooldown * t.saturating_sub(w) as f64).round() as u64)
                            .max(1),
                        final_fraction: fin,
                        cooldown: if k == 3 {
                            Cooldown::Linear
                        } else {
                            Cooldown::OneMinusSqrt
                        },
                    },
                };
                Schedule::new(peak, w, t, shape, Tokens::new(batch).ok()?).ok()
            },
        )
}

/// An annealing law (Tissue et al. 2024, arXiv:2408.11029) with L0 in [1.5, 3.5], A in
/// [0.2, 1.5], α in [0.2, 0.8], C in [0.05, 5] (log-uniform) and λ in {0.99, 0.999, 0.9999,
/// 1}: the paper's 0.999, its neighbours, and the no-forgetting limit.
pub fn annealing_law() -> impl Strategy<Value = AnnealingLaw> + Clone {
    (
        1.5f64..=3.5,
        0.2f64..=1.5,
        0.2f64..=0.8,
        log_uniform(0.05, 5.0),
        select(vec![0.99, 0.999, 0.9999, 1.0]),
    )
        .prop_filter_map("valid annealing law", |(l0, a, alpha, c, lambda)| {
            AnnealingLaw::new(l0, a, alpha, c, lambda).ok()
        })
}

/// A multi-power law (Luo et al. 2025, arXiv:2503.12811) around the scale of their fits:
/// L0 in [1.5, 3.5], A in [0.2, 1.5], α in [0.2, 0.8], B in [50, 2,000], C in [0.1, 10],
/// β in [0.2, 1.5] (log-uniform) and γ in [0.2, 1].
pub fn multi_power_law() -> impl Strategy<Value = MultiPowerLaw> + Clone {
    (
        1.5f64..=3.5,
        0.2f64..=1.5,
        0.2f64..=0.8,
        log_uniform(50.0, 2e3),
        log_uniform(0.1, 10.0),
        log_uniform(0.2, 1.5),
        0.2f64..=1.0,
    )
        .prop_filter_map(
            "valid multi-power law",
            |(l0, a, alpha, b, c, beta, gamma)| {
                MultiPowerLaw::new(l0, a, alpha, b, c, beta, gamma).ok()
            },
        )
}
