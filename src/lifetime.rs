//! Lifetime workloads: a model's training run plus the tokens it serves, in FLOPs,
//! GPU-hours, energy, CO2 and dollars, on the clusters of [`crate::cluster`].
//!
//! Sardana et al. 2024 ("Beyond Chinchilla-Optimal", arXiv:2401.00448, Sec. 2 and 4)
//! count training as 6ND and inference as 2N per token, and price the two on
//! different hardware at different utilisation: prompt tokens (prefill) are processed
//! in parallel and reach training-like MFU; generated tokens (decode) come one at a time
//! and are memory-bound, far below it. [`InferenceDemand`] keeps the two apart;
//! [`LifetimeWorkload`] adds the attention term at the requests' context when an
//! [`Architecture`] is given (Kaplan et al. 2020 Table 1, as
//! [`crate::compute::inference_flops_per_token`]); [`Deployment`] runs training on one
//! [`Cluster`] and serving on a [`Serving`] setup, and answers each part's budget.
//!
//! Utilisation defaults cited from Sardana et al.'s code
//! (github.com/nikhilsardana/beyond-chinchilla, `cost_optimal.py`): training 50%,
//! prefill 50%, decode ("generation") 1% MFU ([`TYPICAL_TRAINING_MFU`],
//! [`TYPICAL_PREFILL_MFU`], [`TYPICAL_DECODE_MFU`]). Their README's worked example uses
//! 50% / 40% / 20%: decode MFU depends on batch size, so pass your own.
//!
//! ```
//! use isoflop::cluster::{Cluster, GpuHourPrice, GridIntensity, Pue, Utilisation};
//! use isoflop::hardware::{Accelerator, Precision};
//! use isoflop::lifetime::{Deployment, InferenceDemand, LifetimeWorkload, Serving};
//! let a100 = Accelerator::by_name("A100-80GB")?;
//! let deployment = Deployment::new(
//!     Cluster::new(a100, 2048, Precision::Bf16, Utilisation::mfu(0.5)?)?,
//!     GpuHourPrice::new(1.5)?,
//!     Serving::new(a100, 64, Precision::Bf16, 0.5, 0.01)?,
//!     GpuHourPrice::new(1.5)?,
//!     Pue::new(1.1)?,
//!     GridIntensity::new(0.385)?,
//! )?;
//! // LLaMA-7B, then a billion requests of 500 prompt and 100 generated tokens.
//! let demand = InferenceDemand::new(1e9, 500.0, 100.0)?;
//! let work = LifetimeWorkload::new("6.7B".parse()?, "1T".parse()?, demand);
//! let b = deployment.budget(&work)?;
//! assert!(b.decode.usd > b.prefill.usd); // 1% MFU: decode dominates serving
//! assert!((b.total().flops - (6.0 * 6.7e9 * 1e12 + 2.0 * 6.7e9 * 6e11)).abs() < 1e9);
//! # Ok::<(), isoflop::Error>(())
//! ```

use crate::architecture::Architecture;
use crate::cluster::{Cluster, GpuHourPrice, GridIntensity, Pue, Utilisation, Workload};
use crate::compute::attention_flops_per_token;
use crate::error::{check, Error, Result};
use crate::hardware::{Accelerator, Precision};
use crate::units::{Params, Tokens};
use serde::{Deserialize, Serialize};

/// Training MFU default of Sardana et al.'s code (`--train_mfu`, 0.5).
pub const TYPICAL_TRAINING_MFU: f64 = 0.5;
/// Prefill MFU default of Sardana et al.'s code (`--prefill_mfu`, 0.5).
pub const TYPICAL_PREFILL_MFU: f64 = 0.5;
/// Decode MFU default of Sardana et al.'s code (`--generation_mfu`, 0.01): generating
/// one token at a time is memory-bound, far below training MFU.
pub const TYPICAL_DECODE_MFU: f64 = 0.01;

const SECONDS_PER_HOUR: f64 = 3600.0;

/// Inference demand over a model's life: requests, each with prompt (prefill) and
/// generated (decode) tokens. Deserialising validates as [`InferenceDemand::new`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawInferenceDemand")]
pub struct InferenceDemand {
    requests: f64,
    prompt: f64,
    generated: f64,
}

#[derive(Deserialize)]
struct RawInferenceDemand {
    requests: f64,
    prompt: f64,
    generated: f64,
}

impl TryFrom<RawInferenceDemand> for InferenceDemand {
    type Error = Error;
    fn try_from(raw: RawInferenceDemand) -> Result<Self> {
        InferenceDemand::new(raw.requests, raw.prompt, raw.generated)
    }
}

impl InferenceDemand {
    /// `requests` requests of `prompt` prompt tokens and `generated` generated tokens
    /// each (averages); every number finite and >= 0.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] naming the offending number.
    pub fn new(requests: f64, prompt: f64, generated: f64) -> Result<Self> {
        Ok(InferenceDemand {
            requests: check::non_negative("inference requests", requests)?,
            prompt: check::non_negative("prompt tokens per request", prompt)?,
            generated: check::non_negative("generated tokens per request", generated)?,
        })
    }

    /// No inference at all.
    pub const fn none() -> Self {
        InferenceDemand {
            requests: 0.0,
            prompt: 0.0,
            generated: 0.0,
        }
    }

    /// Number of requests.
    pub const fn requests(&self) -> f64 {
        self.requests
    }
    /// Prompt tokens per request.
    pub const fn prompt_per_request(&self) -> f64 {
        self.prompt
    }
    /// Generated tokens per request.
    pub const fn generated_per_request(&self) -> f64 {
        self.generated
    }
    /// Total prompt (prefill) tokens.
    pub fn prompt_tokens(&self) -> f64 {
        self.requests * self.prompt
    }
    /// Total generated (decode) tokens.
    pub fn generated_tokens(&self) -> f64 {
        self.requests * self.generated
    }
    /// All tokens served, prompt plus generated.
    pub fn served_tokens(&self) -> f64 {
        self.prompt_tokens() + self.generated_tokens()
    }
}

/// A model's life: training N parameters on D tokens, then serving a demand.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawLifetimeWorkload")]
pub struct LifetimeWorkload {
    params: Params,
    training_tokens: Tokens,
    demand: InferenceDemand,
    architecture: Option<Architecture>,
}

#[derive(Deserialize)]
struct RawLifetimeWorkload {
    params: Params,
    training_tokens: Tokens,
    demand: InferenceDemand,
    architecture: Option<Architecture>,
}

impl TryFrom<RawLifetimeWorkload> for LifetimeWorkload {
    type Error = Error;
    fn try_from(raw: RawLifetimeWorkload) -> Result<Self> {
        let w = LifetimeWorkload::new(raw.params, raw.training_tokens, raw.demand);
        match raw.architecture {
            Some(a) => w.with_architecture(a),
            None => Ok(w),
        }
    }
}

/// FLOPs of each part of a model's life.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LifetimeFlops {
    /// Training, 6ND.
    pub training: f64,
    /// Prompt tokens, 2N per token (+ attention with an architecture).
    pub prefill: f64,
    /// Generated tokens, 2N per token (+ attention with an architecture).
    pub decode: f64,
}

impl LifetimeFlops {
    /// Training + prefill + decode.
    pub fn total(&self) -> f64 {
        self.training + self.prefill + self.decode
    }
}

impl LifetimeWorkload {
    /// Training `params` on `training_tokens`, then serving `demand` at 2N FLOPs per
    /// token (Sardana et al.; no attention term).
    pub const fn new(params: Params, training_tokens: Tokens, demand: InferenceDemand) -> Self {
        LifetimeWorkload {
            params,
            training_tokens,
            demand,
            architecture: None,
        }
    }

    /// Counts serving with the architecture's attention term (its parameter count
    /// replaces N): prompt tokens attend to half the prompt on average, generated
    /// tokens to the prompt plus half the generation.
    ///
    /// # Errors
    /// [`Error::NotApplicable`] when a request (prompt + generated) exceeds the
    /// architecture's context length.
    pub fn with_architecture(self, architecture: Architecture) -> Result<Self> {
        let length = self.demand.prompt + self.demand.generated;
        if length > f64::from(architecture.context()) {
            return Err(Error::NotApplicable {
                what: format!("requests of {length} tokens"),
                reason: format!(
                    "the architecture's context length is {} tokens",
                    architecture.context()
                ),
            });
        }
        Ok(LifetimeWorkload {
            params: architecture.params(),
            architecture: Some(architecture),
            ..self
        })
    }

    /// Model size.
    pub const fn params(&self) -> Params {
        self.params
    }
    /// Training tokens.
    pub const fn training_tokens(&self) -> Tokens {
        self.training_tokens
    }
    /// The inference demand.
    pub const fn demand(&self) -> InferenceDemand {
        self.demand
    }
    /// The architecture, if attention is counted.
    pub const fn architecture(&self) -> Option<Architecture> {
        self.architecture
    }

    /// FLOPs per prompt token and per generated token.
    fn per_token(&self) -> Result<(f64, f64)> {
        let two_n = 2.0 * self.params.get();
        let Some(arch) = &self.architecture else {
            return Ok((two_n, two_n));
        };
        let (p, g) = (self.demand.prompt, self.demand.generated);
        // Kaplan's 2 n_layer n_ctx d_attn averages over a causal sequence of n_ctx
        // tokens (n_ctx/2 attended positions); a generated token attends to p + g/2 on
        // average, a context of 2p + g in that formula.
        let attention = |ctx: f64| -> Result<f64> {
            if ctx > 0.0 {
                Ok(attention_flops_per_token(arch, Tokens::new(ctx)?)?.get())
            } else {
                Ok(0.0)
            }
        };
        Ok((two_n + attention(p)?, two_n + attention(2.0 * p + g)?))
    }

    /// FLOPs of training, prefill and decode.
    ///
    /// # Errors
    /// [`Error::NonFinite`] on overflow.
    pub fn flops(&self) -> Result<LifetimeFlops> {
        let (pre, dec) = self.per_token()?;
        Ok(LifetimeFlops {
            training: check::result(
                "training FLOPs 6ND",
                6.0 * self.params.get() * self.training_tokens.get(),
            )?,
            prefill: check::result("prefill FLOPs", pre * self.demand.prompt_tokens())?,
            decode: check::result("decode FLOPs", dec * self.demand.generated_tokens())?,
        })
    }
}

/// Serving hardware: accelerators of one kind at one precision, with the MFU reached on
/// prompt tokens (prefill) and on generated tokens (decode). Deserialising validates.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawServing")]
pub struct Serving {
    accelerator: Accelerator,
    count: u32,
    precision: Precision,
    prefill_mfu: f64,
    decode_mfu: f64,
}

#[derive(Deserialize)]
struct RawServing {
    accelerator: Accelerator,
    count: u32,
    precision: Precision,
    prefill_mfu: f64,
    decode_mfu: f64,
}

impl TryFrom<RawServing> for Serving {
    type Error = Error;
    fn try_from(raw: RawServing) -> Result<Self> {
        Serving::new(
            raw.accelerator,
            raw.count,
            raw.precision,
            raw.prefill_mfu,
            raw.decode_mfu,
        )
    }
}

impl Serving {
    /// Validates as [`Cluster::new`] does, with both MFUs in (0, 1]
    /// (typical values: [`TYPICAL_PREFILL_MFU`], [`TYPICAL_DECODE_MFU`]).
    ///
    /// # Errors
    /// [`Error::InvalidValue`] for a count of 0 or an MFU outside (0, 1];
    /// [`Error::NotApplicable`] when the accelerator has no such precision.
    pub fn new(
        accelerator: Accelerator,
        count: u32,
        precision: Precision,
        prefill_mfu: f64,
        decode_mfu: f64,
    ) -> Result<Self> {
        check::unit_interval("prefill MFU", prefill_mfu)?;
        check::unit_interval("decode MFU", decode_mfu)?;
        Cluster::new(accelerator, count, precision, Utilisation::Mfu(prefill_mfu))?;
        Ok(Serving {
            accelerator,
            count,
            precision,
            prefill_mfu,
            decode_mfu,
        })
    }

    /// The serving cluster at the prefill MFU.
    pub fn prefill_cluster(&self) -> Result<Cluster> {
        Cluster::new(
            self.accelerator,
            self.count,
            self.precision,
            Utilisation::Mfu(self.prefill_mfu),
        )
    }

    /// The serving cluster at the decode MFU.
    pub fn decode_cluster(&self) -> Result<Cluster> {
        Cluster::new(
            self.accelerator,
            self.count,
            self.precision,
            Utilisation::Mfu(self.decode_mfu),
        )
    }

    /// Prefill MFU.
    pub const fn prefill_mfu(&self) -> f64 {
        self.prefill_mfu
    }
    /// Decode MFU.
    pub const fn decode_mfu(&self) -> f64 {
        self.decode_mfu
    }
}

/// One part's budget (all >= 0; zero when the part has no work).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct PartBudget {
    /// Model FLOPs.
    pub flops: f64,
    /// Accelerator-hours.
    pub gpu_hours: f64,
    /// Wall-clock hours with every accelerator of its cluster busy.
    pub wall_clock_hours: f64,
    /// Energy, kWh (GPU-hours x power x PUE).
    pub energy_kwh: f64,
    /// Emissions, kg CO2eq.
    pub emissions_kg: f64,
    /// Rental cost, US dollars.
    pub usd: f64,
}

impl PartBudget {
    fn add(self, o: PartBudget) -> PartBudget {
        PartBudget {
            flops: self.flops + o.flops,
            gpu_hours: self.gpu_hours + o.gpu_hours,
            wall_clock_hours: self.wall_clock_hours + o.wall_clock_hours,
            energy_kwh: self.energy_kwh + o.energy_kwh,
            emissions_kg: self.emissions_kg + o.emissions_kg,
            usd: self.usd + o.usd,
        }
    }
}

/// A lifetime's budget, part by part.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LifetimeBudget {
    /// The training run.
    pub training: PartBudget,
    /// Prompt tokens.
    pub prefill: PartBudget,
    /// Generated tokens.
    pub decode: PartBudget,
}

impl LifetimeBudget {
    /// The three parts summed (wall-clock hours summed too: training then serving).
    pub fn total(&self) -> PartBudget {
        self.training.add(self.prefill).add(self.decode)
    }
}

/// Where a model is trained and served, at what price and on what grid.
/// Deserialising validates as [`Deployment::new`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawDeployment")]
pub struct Deployment {
    training: Cluster,
    training_price: GpuHourPrice,
    serving: Serving,
    serving_price: GpuHourPrice,
    pue: Pue,
    grid: GridIntensity,
}

#[derive(Deserialize)]
struct RawDeployment {
    training: Cluster,
    training_price: GpuHourPrice,
    serving: Serving,
    serving_price: GpuHourPrice,
    pue: Pue,
    grid: GridIntensity,
}

impl TryFrom<RawDeployment> for Deployment {
    type Error = Error;
    fn try_from(r: RawDeployment) -> Result<Self> {
        Deployment::new(
            r.training,
            r.training_price,
            r.serving,
            r.serving_price,
            r.pue,
            r.grid,
        )
    }
}

impl Deployment {
    /// Training on `training` at `training_price` per GPU-hour, serving on `serving` at
    /// `serving_price`, one PUE and grid intensity for both.
    ///
    /// # Errors
    /// Whatever [`Cluster::new`] / [`Serving::new`] reject (the parts are re-validated).
    pub fn new(
        training: Cluster,
        training_price: GpuHourPrice,
        serving: Serving,
        serving_price: GpuHourPrice,
        pue: Pue,
        grid: GridIntensity,
    ) -> Result<Self> {
        let training = Cluster::new(
            training.accelerator(),
            training.count(),
            training.precision(),
            training.utilisation(),
        )?;
        let s = serving;
        let serving = Serving::new(
            s.accelerator,
            s.count,
            s.precision,
            s.prefill_mfu,
            s.decode_mfu,
        )?;
        Ok(Deployment {
            training,
            training_price,
            serving,
            serving_price,
            pue,
            grid,
        })
    }

    /// The training cluster.
    pub const fn training(&self) -> Cluster {
        self.training
    }
    /// The serving setup.
    pub const fn serving(&self) -> Serving {
        self.serving
    }

    fn part(
        &self,
        cluster: &Cluster,
        work: Workload,
        flops: f64,
        price: GpuHourPrice,
    ) -> Result<PartBudget> {
        if flops == 0.0 {
            return Ok(PartBudget::default());
        }
        let gpu_hours = cluster.gpu_hours(work)?;
        let energy = cluster.energy(work, self.pue)?;
        let emissions = cluster.emissions(work, self.pue, self.grid)?;
        Ok(PartBudget {
            flops,
            gpu_hours: gpu_hours.get(),
            wall_clock_hours: cluster.wall_clock(work)?.hours(),
            energy_kwh: energy.kwh(),
            emissions_kg: emissions.get(),
            usd: cluster.cost(work, price)?.get(),
        })
    }

    /// The budget of each part of a model's life.
    ///
    /// # Errors
    /// [`Error::NonFinite`] on overflow; the cluster's own errors.
    pub fn budget(&self, work: &LifetimeWorkload) -> Result<LifetimeBudget> {
        let f = work.flops()?;
        let flops_work = |x: f64| -> Result<Workload> {
            Ok(Workload::Flops(crate::units::Flops::new(
                x.max(f64::MIN_POSITIVE),
            )?))
        };
        Ok(LifetimeBudget {
            training: self.part(
                &self.training,
                Workload::training(work.params, work.training_tokens),
                f.training,
                self.training_price,
            )?,
            prefill: self.part(
                &self.serving.prefill_cluster()?,
                flops_work(f.prefill)?,
                f.prefill,
                self.serving_price,
            )?,
            decode: self.part(
                &self.serving.decode_cluster()?,
                flops_work(f.decode)?,
                f.decode,
                self.serving_price,
            )?,
        })
    }

    /// Dollars per model FLOP actually executed: price / (dense peak x MFU x 3600).
    fn usd_per_flop(cluster: &Cluster, price: GpuHourPrice, mfu: f64) -> Result<f64> {
        check::result(
            "dollars per FLOP",
            price.usd() / (cluster.peak()?.get() * mfu * SECONDS_PER_HOUR),
        )
    }

    /// The demand, in training-equivalent served tokens, that makes lifetime FLOPs
    /// proportional to lifetime dollars: with c = price / (peak x MFU) per FLOP,
    /// (c_prefill T_prompt + c_decode T_generated) / c_training. Minimising
    /// 6ND + 2N x this is minimising dollars (Sardana et al. Sec. 4; their
    /// `cost_optimal_train_tokens`).
    ///
    /// # Errors
    /// [`Error::NotApplicable`] when the training cluster's utilisation is a throughput
    /// in tokens/s (its dollars per FLOP then depend on N).
    pub fn equivalent_demand(&self, demand: &InferenceDemand) -> Result<f64> {
        let Utilisation::Mfu(train_mfu) = self.training.utilisation() else {
            return Err(Error::NotApplicable {
                what: "a training-equivalent inference demand".into(),
                reason: "the training cluster's utilisation is a throughput in tokens/s: \
                         give it an MFU so dollars per FLOP do not depend on the model size"
                    .into(),
            });
        };
        let c_tr = Self::usd_per_flop(&self.training, self.training_price, train_mfu)?;
        let pre = self.serving.prefill_cluster()?;
        let c_pre = Self::usd_per_flop(&pre, self.serving_price, self.serving.prefill_mfu)?;
        let c_dec = Self::usd_per_flop(&pre, self.serving_price, self.serving.decode_mfu)?;
        check::result(
            "training-equivalent demand",
            (c_pre * demand.prompt_tokens() + c_dec * demand.generated_tokens()) / c_tr,
        )
    }
}

impl std::fmt::Display for LifetimeBudget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "{:<9} {:>10} {:>12} {:>12} {:>12} {:>12}",
            "part", "FLOPs", "GPU-hours", "energy kWh", "CO2 kg", "USD"
        )?;
        let total = self.total();
        for (name, p) in [
            ("training", &self.training),
            ("prefill", &self.prefill),
            ("decode", &self.decode),
            ("total", &total),
        ] {
            writeln!(
                f,
                "{:<9} {:>10.3e} {:>12.4e} {:>12.4e} {:>12.4e} {:>12.4e}",
                name, p.flops, p.gpu_hours, p.energy_kwh, p.emissions_kg, p.usd
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a100() -> Accelerator {
        Accelerator::by_name("A100 80GB").unwrap()
    }

    #[test]
    fn validation() {
        for bad in [-1.0, f64::NAN, f64::INFINITY] {
            assert!(InferenceDemand::new(bad, 1.0, 1.0).is_err());
            assert!(InferenceDemand::new(1.0, bad, 1.0).is_err());
            assert!(InferenceDemand::new(1.0, 1.0, bad).is_err());
        }
        for bad in [0.0, 1.5, f64::NAN] {
            assert!(Serving::new(a100(), 8, Precision::Bf16, bad, 0.1).is_err());
            assert!(Serving::new(a100(), 8, Precision::Bf16, 0.5, bad).is_err());
        }
        assert!(Serving::new(a100(), 0, Precision::Bf16, 0.5, 0.1).is_err());
        assert!(Serving::new(a100(), 8, Precision::Fp8, 0.5, 0.1).is_err());
        assert!(serde_json::from_str::<InferenceDemand>(
            r#"{"requests":-1.0,"prompt":1.0,"generated":1.0}"#
        )
        .is_err());
        let s = Serving::new(a100(), 8, Precision::Bf16, 0.5, 0.1).unwrap();
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(serde_json::from_str::<Serving>(&json).unwrap(), s);
        assert!(serde_json::from_str::<Serving>(&json.replace("0.1", "2.0")).is_err());
        let arch = Architecture::llama_7b();
        let long = InferenceDemand::new(1.0, 2000.0, 100.0).unwrap();
        let w = LifetimeWorkload::new(arch.params(), Tokens::new(1e12).unwrap(), long);
        assert!(matches!(
            w.with_architecture(arch),
            Err(Error::NotApplicable { .. })
        ));
    }

    #[test]
    fn attention_by_hand() {
        // LLaMA-7B (32 layers, d_attn 4096): prompt 512, generated 256.
        // Prefill per token: 2N + 2*32*512*4096; decode: 2N + 2*32*(2*512+256)*4096.
        let arch = Architecture::llama_7b();
        let n = arch.params().get();
        let d = InferenceDemand::new(10.0, 512.0, 256.0).unwrap();
        let w = LifetimeWorkload::new(arch.params(), Tokens::new(1e9).unwrap(), d)
            .with_architecture(arch)
            .unwrap();
        let f = w.flops().unwrap();
        let pre = (2.0 * n + 2.0 * 32.0 * 512.0 * 4096.0) * 5120.0;
        let dec = (2.0 * n + 2.0 * 32.0 * 1280.0 * 4096.0) * 2560.0;
        assert!((f.prefill / pre - 1.0).abs() < 1e-12);
        assert!((f.decode / dec - 1.0).abs() < 1e-12);
        assert_eq!(f.training, 6.0 * n * 1e9);
    }

    #[test]
    fn budget_by_hand() {
        let train = Cluster::new(a100(), 1000, Precision::Bf16, Utilisation::Mfu(0.5)).unwrap();
        let serving = Serving::new(a100(), 10, Precision::Bf16, 0.5, 0.01).unwrap();
        let dep = Deployment::new(
            train,
            GpuHourPrice::new(2.0).unwrap(),
            serving,
            GpuHourPrice::new(1.0).unwrap(),
            Pue::new(1.1).unwrap(),
            GridIntensity::new(0.4).unwrap(),
        )
        .unwrap();
        let demand = InferenceDemand::new(1e6, 100.0, 50.0).unwrap();
        let w = LifetimeWorkload::new(
            Params::new(1e9).unwrap(),
            Tokens::new(2e10).unwrap(),
            demand,
        );
        let b = dep.budget(&w).unwrap();
        let peak = 312e12;
        let h_tr = 6.0 * 1e9 * 2e10 / (peak * 0.5 * 3600.0);
        let h_dec = 2.0 * 1e9 * 5e7 / (peak * 0.01 * 3600.0);
        assert!((b.training.gpu_hours / h_tr - 1.0).abs() < 1e-12);
        assert!((b.decode.gpu_hours / h_dec - 1.0).abs() < 1e-12);
        assert!((b.training.usd / (2.0 * h_tr) - 1.0).abs() < 1e-12);
        // kWh = h x 0.4 kW x 1.1; kg = kWh x 0.4
        assert!((b.decode.energy_kwh / (h_dec * 0.4 * 1.1) - 1.0).abs() < 1e-12);
        assert!((b.decode.emissions_kg / (h_dec * 0.44 * 0.4) - 1.0).abs() < 1e-12);
        assert!((b.training.wall_clock_hours / (h_tr / 1000.0) - 1.0).abs() < 1e-12);
        // Zero demand: zero serving.
        let idle = LifetimeWorkload::new(w.params(), w.training_tokens(), InferenceDemand::none());
        assert_eq!(dep.budget(&idle).unwrap().decode, PartBudget::default());
        // Equivalent demand: (c_pre T_in + c_dec T_out)/c_tr, c = price/(peak mfu).
        let c_tr = 2.0 / (peak * 0.5);
        let expect = (1.0 / (peak * 0.5) * 1e8 + 1.0 / (peak * 0.01) * 5e7) / c_tr;
        assert!((dep.equivalent_demand(&demand).unwrap() / expect - 1.0).abs() < 1e-12);
    }
}
