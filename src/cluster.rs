//! Clusters: from FLOPs to GPU-hours, wall-clock time, energy, CO2 and money, and back.
//!
//! The core conversion is
//! GPU-hours = FLOPs / (dense peak x MFU x 3600 s/h), with MFU the model
//! FLOPs utilisation: achieved model FLOP/s over the accelerator's dense peak
//! ([`gpu_hours_for`], inverted by [`flops_for`]). A [`Cluster`] fixes the
//! accelerator, how many, the precision and a [`Utilisation`] (an MFU or a
//! measured tokens/s per accelerator) and answers the rest. Energy follows
//! LLaMA's Table 15 (Touvron et al. 2023): GPU-hours x power x PUE; emissions
//! are energy x grid intensity.
//!
//! ```
//! use isoflop::cluster::{Cluster, GridIntensity, Pue, Utilisation, Workload};
//! use isoflop::hardware::{Accelerator, Precision};
//! // LLaMA-65B (Touvron et al. 2023, Sec. 2.4): 2048 A100-80GB at ~380 tokens/s/GPU.
//! let cluster = Cluster::new(
//!     Accelerator::by_name("A100-80GB")?,
//!     2048,
//!     Precision::Bf16,
//!     Utilisation::tokens_per_second(380.0)?,
//! )?;
//! let run = Workload::training("65.2B".parse()?, "1.4T".parse()?);
//! assert_eq!(cluster.gpu_hours(run)?.to_string(), "1,023,392 GPU-h"); // Table 15: 1,022,362
//! assert_eq!(format!("{:.0}", cluster.wall_clock(run)?), "21 days");
//! let co2 = cluster.emissions(run, Pue::new(1.1)?, GridIntensity::new(0.385)?)?;
//! assert_eq!(format!("{:.0}", co2), "173 tCO2eq");
//! # Ok::<(), isoflop::Error>(())
//! ```

use crate::compute::training_flops_6nd;
use crate::error::{check, Error, Result};
use crate::hardware::{Accelerator, Precision};
use crate::units::{
    Emissions, Energy, Flops, FlopsPerSecond, GpuHours, Params, TimeSpan, Tokens, Usd, Watts,
};
use serde::{Deserialize, Serialize};

const SECONDS_PER_HOUR: f64 = 3600.0;

/// How busy each accelerator is. Build it with [`Utilisation::mfu`] or
/// [`Utilisation::tokens_per_second`] (or check a literal with
/// [`Utilisation::validate`]); deserialising validates too.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawUtilisation")]
pub enum Utilisation {
    /// Model FLOPs utilisation, in (0, 1]: achieved model FLOP/s (6N per
    /// token) over the dense peak.
    Mfu(f64),
    /// Measured training throughput per accelerator, tokens/s (> 0), as papers
    /// report it (LLaMA Sec. 2.4: about 380 tokens/s/GPU for the 65B).
    TokensPerSecondPerAccelerator(f64),
}

#[derive(Deserialize)]
enum RawUtilisation {
    Mfu(f64),
    TokensPerSecondPerAccelerator(f64),
}

impl TryFrom<RawUtilisation> for Utilisation {
    type Error = Error;
    fn try_from(raw: RawUtilisation) -> Result<Self> {
        match raw {
            RawUtilisation::Mfu(x) => Utilisation::mfu(x),
            RawUtilisation::TokensPerSecondPerAccelerator(x) => Utilisation::tokens_per_second(x),
        }
    }
}

impl Utilisation {
    /// A validated MFU in (0, 1].
    pub fn mfu(mfu: f64) -> Result<Self> {
        check::unit_interval("MFU", mfu).map(Utilisation::Mfu)
    }

    /// A validated throughput in tokens/s per accelerator (> 0).
    pub fn tokens_per_second(tokens_per_second: f64) -> Result<Self> {
        check::positive("tokens/s per accelerator", tokens_per_second)
            .map(Utilisation::TokensPerSecondPerAccelerator)
    }

    /// Checks a value built directly from the variants.
    pub fn validate(self) -> Result<Self> {
        match self {
            Utilisation::Mfu(x) => Self::mfu(x),
            Utilisation::TokensPerSecondPerAccelerator(x) => Self::tokens_per_second(x),
        }
    }
}

/// Power usage effectiveness of a data centre: total facility power over IT
/// power, >= 1 (LLaMA Table 15 uses 1.1).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct Pue(f64);

impl Pue {
    /// A PUE; must be finite and >= 1.
    pub fn new(pue: f64) -> Result<Self> {
        if pue.is_finite() && pue >= 1.0 {
            Ok(Pue(pue))
        } else {
            Err(Error::InvalidValue {
                what: "PUE",
                value: pue,
                allowed: "must be finite and >= 1 (facility power over IT power)",
            })
        }
    }
    /// The ratio.
    pub const fn get(self) -> f64 {
        self.0
    }
}

impl TryFrom<f64> for Pue {
    type Error = Error;
    fn try_from(v: f64) -> Result<Self> {
        Pue::new(v)
    }
}
impl From<Pue> for f64 {
    fn from(p: Pue) -> f64 {
        p.0
    }
}

/// Carbon intensity of the electricity, kg CO2eq per kWh (> 0). LLaMA Table 15
/// uses the US national average, 0.385.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct GridIntensity(f64);

impl GridIntensity {
    /// An intensity in kg CO2eq per kWh; must be finite and > 0.
    pub fn new(kg_per_kwh: f64) -> Result<Self> {
        check::positive("grid carbon intensity (kg CO2eq/kWh)", kg_per_kwh).map(GridIntensity)
    }
    /// In kg CO2eq per kWh.
    pub const fn kg_per_kwh(self) -> f64 {
        self.0
    }
}

impl TryFrom<f64> for GridIntensity {
    type Error = Error;
    fn try_from(v: f64) -> Result<Self> {
        GridIntensity::new(v)
    }
}
impl From<GridIntensity> for f64 {
    fn from(g: GridIntensity) -> f64 {
        g.0
    }
}

/// A rental price in US dollars per GPU-hour (> 0).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct GpuHourPrice(f64);

impl GpuHourPrice {
    /// A price in USD per GPU-hour; must be finite and > 0.
    pub fn new(usd_per_gpu_hour: f64) -> Result<Self> {
        check::positive("price per GPU-hour (USD)", usd_per_gpu_hour).map(GpuHourPrice)
    }
    /// In USD per GPU-hour.
    pub const fn usd(self) -> f64 {
        self.0
    }
}

impl TryFrom<f64> for GpuHourPrice {
    type Error = Error;
    fn try_from(v: f64) -> Result<Self> {
        GpuHourPrice::new(v)
    }
}
impl From<GpuHourPrice> for f64 {
    fn from(p: GpuHourPrice) -> f64 {
        p.0
    }
}

/// What a cluster is asked to run: a FLOP count, or a training run of N
/// parameters on D tokens (6ND FLOPs; needed when utilisation is given in
/// tokens/s).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Workload {
    /// A number of model FLOPs.
    Flops(Flops),
    /// Training N parameters on D tokens.
    Training {
        /// N.
        params: Params,
        /// D.
        tokens: Tokens,
    },
}

impl Workload {
    /// Training N parameters on D tokens.
    pub const fn training(params: Params, tokens: Tokens) -> Self {
        Workload::Training { params, tokens }
    }

    /// The workload's model FLOPs (6ND for a training run).
    pub fn flops(&self) -> Result<Flops> {
        match *self {
            Workload::Flops(c) => Ok(c),
            Workload::Training { params, tokens } => training_flops_6nd(params, tokens),
        }
    }
}

impl From<Flops> for Workload {
    fn from(c: Flops) -> Self {
        Workload::Flops(c)
    }
}

/// Accelerator-hours to execute `flops` at `mfu` of a dense `peak`:
/// FLOPs / (peak x MFU x 3600). MFU must be in (0, 1].
///
/// ```
/// use isoflop::cluster::{flops_for, gpu_hours_for};
/// use isoflop::units::FlopsPerSecond;
/// let peak = FlopsPerSecond::from_tera(312.0)?;
/// let h = gpu_hours_for("5.48e23".parse()?, peak, 0.45)?;
/// let back = flops_for(h, peak, 0.45)?;
/// assert!((back.get() / 5.48e23 - 1.0).abs() < 1e-12);
/// assert!(gpu_hours_for("5.48e23".parse()?, peak, 1.5).is_err());
/// # Ok::<(), isoflop::Error>(())
/// ```
pub fn gpu_hours_for(flops: Flops, peak: FlopsPerSecond, mfu: f64) -> Result<GpuHours> {
    check::unit_interval("MFU", mfu)?;
    GpuHours::new(check::result(
        "GPU-hours",
        flops.get() / (peak.get() * mfu * SECONDS_PER_HOUR),
    )?)
}

/// Model FLOPs executed in `gpu_hours` at `mfu` of a dense `peak`:
/// GPU-hours x 3600 x peak x MFU. The inverse of [`gpu_hours_for`].
pub fn flops_for(gpu_hours: GpuHours, peak: FlopsPerSecond, mfu: f64) -> Result<Flops> {
    check::unit_interval("MFU", mfu)?;
    Flops::new(check::result(
        "FLOPs",
        gpu_hours.get() * SECONDS_PER_HOUR * peak.get() * mfu,
    )?)
}

/// The MFU implied by reported GPU-hours for a known amount of model FLOPs:
/// FLOPs / (GPU-hours x 3600 x dense peak). An error if it exceeds 1 (the
/// figures are inconsistent: check the peak and precision).
///
/// ```
/// use isoflop::cluster::implied_mfu;
/// use isoflop::compute::training_flops_6nd;
/// use isoflop::units::FlopsPerSecond;
/// // LLaMA-65B: 6ND with the released 65,285,660,672 parameters on 1.4T tokens,
/// // 1,022,362 A100 GPU-hours (Touvron et al. 2023, Table 15), BF16 dense 312 TFLOP/s.
/// let c = training_flops_6nd("65285660672".parse()?, "1.4T".parse()?)?;
/// let mfu = implied_mfu(c, "1,022,362 GPU-h".parse()?, FlopsPerSecond::from_tera(312.0)?)?;
/// assert_eq!(format!("{mfu:.3}"), "0.478");
/// # Ok::<(), isoflop::Error>(())
/// ```
pub fn implied_mfu(flops: Flops, gpu_hours: GpuHours, peak: FlopsPerSecond) -> Result<f64> {
    let mfu = check::result(
        "implied MFU",
        flops.get() / (gpu_hours.get() * SECONDS_PER_HOUR * peak.get()),
    )?;
    if mfu > 1.0 {
        return Err(Error::InvalidValue {
            what: "implied MFU",
            value: mfu,
            allowed: "must be at most 1: the FLOPs cannot be done in those GPU-hours at that \
                      dense peak (check the precision and accelerator)",
        });
    }
    Ok(mfu)
}

/// The training throughput implied by reported GPU-hours: tokens / (GPU-hours
/// x 3600), in tokens/s per accelerator.
///
/// ```
/// use isoflop::cluster::implied_tokens_per_second;
/// // LLaMA-65B: 1.4T tokens in 1,022,362 GPU-hours: about 380 tokens/s/GPU (Sec. 2.4).
/// let tps = implied_tokens_per_second("1.4T".parse()?, "1,022,362".parse()?)?;
/// assert_eq!(format!("{tps:.0}"), "380");
/// # Ok::<(), isoflop::Error>(())
/// ```
pub fn implied_tokens_per_second(tokens: Tokens, gpu_hours: GpuHours) -> Result<f64> {
    check::result(
        "implied tokens/s per accelerator",
        tokens.get() / (gpu_hours.get() * SECONDS_PER_HOUR),
    )
}

/// Energy of running accelerators of a given power for GPU-hours in a data
/// centre with a PUE: GPU-hours x power x PUE (Touvron et al. 2023, Table 15).
///
/// ```
/// use isoflop::cluster::{energy_for, Pue};
/// use isoflop::units::Watts;
/// let e = energy_for("82,432 GPU-h".parse()?, Watts::new(400.0)?, Pue::new(1.1)?)?;
/// assert_eq!(format!("{:.0}", e), "36 MWh"); // LLaMA-7B, Table 15
/// # Ok::<(), isoflop::Error>(())
/// ```
pub fn energy_for(gpu_hours: GpuHours, power: Watts, pue: Pue) -> Result<Energy> {
    Energy::new(check::result(
        "energy",
        gpu_hours.get() * SECONDS_PER_HOUR * power.get() * pue.get(),
    )?)
}

/// Emissions of consuming `energy` at a grid intensity: kWh x kg CO2eq/kWh
/// (Touvron et al. 2023, Table 15).
pub fn emissions_for(energy: Energy, grid: GridIntensity) -> Result<Emissions> {
    Emissions::new(check::result(
        "emissions",
        energy.kwh() * grid.kg_per_kwh(),
    )?)
}

/// Rental cost of GPU-hours at a price per GPU-hour.
pub fn cost_for(gpu_hours: GpuHours, price: GpuHourPrice) -> Result<Usd> {
    Usd::new(check::result("cost", gpu_hours.get() * price.usd())?)
}

/// A homogeneous cluster: `count` accelerators of one kind, computing at one
/// precision, at a given utilisation. Deserialising validates as [`Cluster::new`] does.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawCluster")]
pub struct Cluster {
    accelerator: Accelerator,
    count: u32,
    precision: Precision,
    utilisation: Utilisation,
}

#[derive(Deserialize)]
struct RawCluster {
    accelerator: Accelerator,
    count: u32,
    precision: Precision,
    utilisation: Utilisation,
}

impl TryFrom<RawCluster> for Cluster {
    type Error = Error;
    fn try_from(raw: RawCluster) -> Result<Self> {
        Cluster::new(raw.accelerator, raw.count, raw.precision, raw.utilisation)
    }
}

impl Cluster {
    /// Validates: count >= 1, the accelerator has a dense peak at `precision`,
    /// and the utilisation is in range (MFU in (0, 1], tokens/s > 0).
    ///
    /// ```
    /// use isoflop::cluster::{Cluster, Utilisation};
    /// use isoflop::hardware::{Accelerator, Precision};
    /// let v100 = Accelerator::by_name("V100")?;
    /// assert!(Cluster::new(v100, 8, Precision::Bf16, Utilisation::Mfu(0.4)).is_err());
    /// assert!(Cluster::new(v100, 8, Precision::Fp16, Utilisation::Mfu(1.2)).is_err());
    /// assert!(Cluster::new(v100, 0, Precision::Fp16, Utilisation::Mfu(0.4)).is_err());
    /// # Ok::<(), isoflop::Error>(())
    /// ```
    pub fn new(
        accelerator: Accelerator,
        count: u32,
        precision: Precision,
        utilisation: Utilisation,
    ) -> Result<Self> {
        if count == 0 {
            return Err(Error::InvalidValue {
                what: "accelerator count",
                value: 0.0,
                allowed: "must be an integer >= 1",
            });
        }
        accelerator.dense_peak(precision)?;
        Ok(Cluster {
            accelerator,
            count,
            precision,
            utilisation: utilisation.validate()?,
        })
    }

    /// The accelerator.
    pub const fn accelerator(&self) -> Accelerator {
        self.accelerator
    }
    /// How many accelerators.
    pub const fn count(&self) -> u32 {
        self.count
    }
    /// The precision.
    pub const fn precision(&self) -> Precision {
        self.precision
    }
    /// The utilisation.
    pub const fn utilisation(&self) -> Utilisation {
        self.utilisation
    }

    /// One accelerator's dense peak at the cluster's precision.
    pub fn peak(&self) -> Result<FlopsPerSecond> {
        self.accelerator.dense_peak(self.precision)
    }

    /// Accelerator-hours for a workload. With an MFU, from its FLOPs
    /// ([`gpu_hours_for`]); with tokens/s per accelerator, tokens / (rate x
    /// 3600), which needs a [`Workload::Training`] (a bare FLOP count is
    /// [`Error::NotApplicable`]).
    pub fn gpu_hours(&self, work: impl Into<Workload>) -> Result<GpuHours> {
        let work = work.into();
        match (self.utilisation, work) {
            (Utilisation::Mfu(mfu), _) => gpu_hours_for(work.flops()?, self.peak()?, mfu),
            (
                Utilisation::TokensPerSecondPerAccelerator(rate),
                Workload::Training { tokens, .. },
            ) => GpuHours::new(check::result(
                "GPU-hours",
                tokens.get() / (rate * SECONDS_PER_HOUR),
            )?),
            (Utilisation::TokensPerSecondPerAccelerator(_), Workload::Flops(_)) => {
                Err(Error::NotApplicable {
                    what: "GPU-hours from a FLOP count at a tokens/s utilisation".to_string(),
                    reason: "a throughput in tokens/s needs the token count: pass \
                             Workload::training(params, tokens), or give the cluster an MFU"
                        .to_string(),
                })
            }
        }
    }

    /// Model FLOPs the cluster executes in `time` with every accelerator busy:
    /// count x seconds x dense peak x MFU. The forward question of a planner ("2,048 H100s
    /// at 40% MFU for 30 days: how many FLOPs?"); [`Cluster::gpu_hours`] and
    /// [`Cluster::wall_clock`] answer the other direction.
    ///
    /// # Errors
    ///
    /// [`Error::NotApplicable`] for a tokens/s utilisation (FLOPs then depend on the
    /// model size: use [`Cluster::tokens_in`] and 6ND); [`Error::NonFinite`] on overflow.
    ///
    /// ```
    /// use isoflop::cluster::{Cluster, Utilisation};
    /// use isoflop::hardware::{Accelerator, Precision};
    /// use isoflop::units::TimeSpan;
    /// let cluster = Cluster::new(Accelerator::by_name("H100")?, 2048, Precision::Bf16, Utilisation::mfu(0.4)?)?;
    /// let c = cluster.flops_in(TimeSpan::from_days(30.0)?)?;
    /// // 2048 x 30 x 86,400 s x 989.4e12 FLOP/s x 0.4
    /// assert_eq!(c.to_string(), "2.1e24");
    /// # Ok::<(), isoflop::Error>(())
    /// ```
    pub fn flops_in(&self, time: TimeSpan) -> Result<Flops> {
        match self.utilisation {
            Utilisation::Mfu(mfu) => Flops::new(check::result(
                "FLOPs",
                f64::from(self.count) * time.get() * self.peak()?.get() * mfu,
            )?),
            Utilisation::TokensPerSecondPerAccelerator(_) => Err(Error::NotApplicable {
                what: "FLOPs in a time span at a tokens/s utilisation".to_string(),
                reason: "a throughput in tokens/s gives FLOPs only with the model size: \
                         use Cluster::tokens_in(params, time) and 6ND, or give the cluster an MFU"
                    .to_string(),
            }),
        }
    }

    /// Training tokens a model of `params` parameters sees in `time` with every
    /// accelerator busy: count x seconds x tokens/s per accelerator, or with an MFU,
    /// [`Cluster::flops_in`] / 6N.
    ///
    /// # Errors
    ///
    /// [`Error::NonFinite`] on overflow.
    ///
    /// ```
    /// use isoflop::cluster::{Cluster, Utilisation};
    /// use isoflop::hardware::{Accelerator, Precision};
    /// use isoflop::units::TimeSpan;
    /// // LLaMA-65B: 2048 A100s at about 380 tokens/s each for 21 days: about 1.4T tokens.
    /// let cluster = Cluster::new(Accelerator::by_name("A100-80GB")?, 2048, Precision::Bf16, Utilisation::tokens_per_second(380.0)?)?;
    /// let d = cluster.tokens_in("65.2B".parse()?, TimeSpan::from_days(21.0)?)?;
    /// assert_eq!(d.to_string(), "1.41T");
    /// # Ok::<(), isoflop::Error>(())
    /// ```
    pub fn tokens_in(&self, params: Params, time: TimeSpan) -> Result<Tokens> {
        match self.utilisation {
            Utilisation::Mfu(_) => crate::compute::tokens_for_flops(params, self.flops_in(time)?),
            Utilisation::TokensPerSecondPerAccelerator(rate) => Tokens::new(check::result(
                "tokens",
                f64::from(self.count) * time.get() * rate,
            )?),
        }
    }

    /// Wall-clock time with every accelerator busy: GPU-hours / count.
    pub fn wall_clock(&self, work: impl Into<Workload>) -> Result<TimeSpan> {
        TimeSpan::from_hours(self.gpu_hours(work)?.get() / f64::from(self.count))
    }

    /// Energy: GPU-hours x the accelerator's power x PUE ([`energy_for`]).
    pub fn energy(&self, work: impl Into<Workload>, pue: Pue) -> Result<Energy> {
        energy_for(self.gpu_hours(work)?, self.accelerator.tdp()?, pue)
    }

    /// Emissions: [`Cluster::energy`] x grid intensity ([`emissions_for`]).
    pub fn emissions(
        &self,
        work: impl Into<Workload>,
        pue: Pue,
        grid: GridIntensity,
    ) -> Result<Emissions> {
        emissions_for(self.energy(work, pue)?, grid)
    }

    /// Rental cost: GPU-hours x price ([`cost_for`]).
    pub fn cost(&self, work: impl Into<Workload>, price: GpuHourPrice) -> Result<Usd> {
        cost_for(self.gpu_hours(work)?, price)
    }

    /// The MFU of training N parameters on this cluster: the given MFU, or for
    /// a tokens/s utilisation 6N x rate / peak (an error above 1).
    pub fn mfu(&self, params: Params) -> Result<f64> {
        match self.utilisation {
            Utilisation::Mfu(mfu) => Ok(mfu),
            Utilisation::TokensPerSecondPerAccelerator(rate) => {
                let tokens = Tokens::new(rate * SECONDS_PER_HOUR)?;
                let gpu_hours = GpuHours::new(1.0)?;
                implied_mfu(training_flops_6nd(params, tokens)?, gpu_hours, self.peak()?)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a100() -> Accelerator {
        Accelerator::by_name("A100 80GB").unwrap()
    }

    #[test]
    fn mfu_cluster_round_trips() {
        let c = Cluster::new(a100(), 1024, Precision::Bf16, Utilisation::Mfu(0.5)).unwrap();
        let flops = Flops::new(1e23).unwrap();
        let h = c.gpu_hours(flops).unwrap();
        assert!((h.get() - 1e23 / (312e12 * 0.5 * 3600.0)).abs() < 1e-6 * h.get());
        let back = flops_for(h, c.peak().unwrap(), 0.5).unwrap();
        assert!((back.ratio(flops) - 1.0).abs() < 1e-12);
        assert!((c.wall_clock(flops).unwrap().hours() - h.get() / 1024.0).abs() < 1e-6);
    }

    #[test]
    fn tokens_per_second_needs_tokens() {
        let c = Cluster::new(
            a100(),
            8,
            Precision::Bf16,
            Utilisation::tokens_per_second(1000.0).unwrap(),
        )
        .unwrap();
        assert!(matches!(
            c.gpu_hours(Flops::new(1e20).unwrap()),
            Err(Error::NotApplicable { .. })
        ));
        // 6 x 7e9 x 1000 / 312e12 = 0.1346
        let mfu = c.mfu(Params::new(7e9).unwrap()).unwrap();
        assert!((mfu - 6.0 * 7e9 * 1000.0 / 312e12).abs() < 1e-12);
        // Implausibly high throughput for a huge model: implied MFU > 1 is an error.
        assert!(c.mfu(Params::new(1e12).unwrap()).is_err());
    }

    #[test]
    fn validation() {
        for bad in [0.0, -0.1, 1.0001, f64::NAN, f64::INFINITY] {
            assert!(Utilisation::mfu(bad).is_err(), "{bad}");
            assert!(Utilisation::Mfu(bad).validate().is_err(), "{bad}");
        }
        assert!(Utilisation::mfu(1.0).is_ok());
        for bad in [0.99, 0.0, -1.0, f64::NAN] {
            assert!(matches!(
                Pue::new(bad),
                Err(Error::InvalidValue { what: "PUE", .. })
            ));
        }
        assert!(GridIntensity::new(0.0).is_err());
        assert!(GpuHourPrice::new(f64::NAN).is_err());
        assert!(serde_json::from_str::<Pue>("0.5").is_err());
        assert!(serde_json::from_str::<Utilisation>(r#"{"Mfu":1.5}"#).is_err());
        let c = Cluster::new(a100(), 8, Precision::Bf16, Utilisation::Mfu(0.4)).unwrap();
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(serde_json::from_str::<Cluster>(&json).unwrap(), c);
        let zero = json.replace("\"count\":8", "\"count\":0");
        assert!(serde_json::from_str::<Cluster>(&zero).is_err());
        let v100 = json.replace("A100 80GB", "V100 SXM");
        assert!(serde_json::from_str::<Cluster>(&v100).is_err()); // no BF16 on V100
    }

    #[test]
    fn flops_in_thirty_days_of_2048_h100s() {
        // By hand: 2048 GPUs x (30 x 86,400 s) x 989.4e12 FLOP/s (H100 SXM BF16 dense peak,
        // NVIDIA datasheet) x 0.4 MFU = 5.308416e9 GPU-s x 3.9576e14 = 2.10085871616e24.
        let by_hand = 2048.0 * (30.0 * 86_400.0) * 989.4e12 * 0.4;
        assert_eq!(by_hand, 2.100_858_716_16e24);
        let h100 = Accelerator::by_name("H100").unwrap();
        let c = Cluster::new(h100, 2048, Precision::Bf16, Utilisation::mfu(0.4).unwrap()).unwrap();
        let thirty_days = TimeSpan::from_days(30.0).unwrap();
        let flops = c.flops_in(thirty_days).unwrap();
        assert!((flops.get() / by_hand - 1.0).abs() < 1e-12, "{flops:?}");
        // And back: those FLOPs take 30 days on the same cluster.
        assert!((c.wall_clock(flops).unwrap().days() - 30.0).abs() < 1e-9);
        // Tokens for an 8B model: C / 6N.
        let n = Params::new(8e9).unwrap();
        let d = c.tokens_in(n, thirty_days).unwrap();
        assert!((d.get() - by_hand / (6.0 * 8e9)).abs() < 1e-3 * d.get());
        // A tokens/s cluster needs the model size for FLOPs.
        let tps = Cluster::new(
            a100(),
            2048,
            Precision::Bf16,
            Utilisation::tokens_per_second(380.0).unwrap(),
        )
        .unwrap();
        assert!(matches!(
            tps.flops_in(thirty_days),
            Err(Error::NotApplicable { .. })
        ));
        // 2048 x 380 tokens/s x 21 days = 1.412e12 tokens, by hand.
        let d = tps
            .tokens_in(n, TimeSpan::from_days(21.0).unwrap())
            .unwrap();
        assert!((d.get() - 2048.0 * 380.0 * 21.0 * 86_400.0).abs() < 1.0);
    }

    #[test]
    fn cost_scales_with_price() {
        let c = Cluster::new(a100(), 64, Precision::Bf16, Utilisation::Mfu(0.4)).unwrap();
        let f = Flops::new(1e22).unwrap();
        let h = c.gpu_hours(f).unwrap();
        let usd = c.cost(f, GpuHourPrice::new(2.0).unwrap()).unwrap();
        assert!((usd.get() - 2.0 * h.get()).abs() < 1e-6 * usd.get());
    }
}
