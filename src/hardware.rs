//! Accelerators: dense peak FLOP/s by precision, power and memory, with sources.
//!
//! Model FLOPs utilisation (MFU) is achieved model FLOP/s over the *dense*
//! peak. Vendors also print 2:4-structured-sparsity peaks, twice the dense
//! ones (the H100 SXM datasheet's headline 1,979 TFLOP/s BF16 is one); those
//! live only in [`Accelerator::sparse_peak`] and nothing in this crate uses
//! them for utilisation.
//!
//! | accelerator | BF16 dense TFLOP/s | power | source |
//! |---|---|---|---|
//! | V100 SXM | (FP16 125) | 300 W | NVIDIA V100 datasheet |
//! | A100 40GB / 80GB (SXM) | 312 | 400 W | NVIDIA A100 datasheet |
//! | H100 SXM | 989.4 | 700 W | NVIDIA H100 datasheet and architecture whitepaper |
//! | H200 SXM | 989.4 | 700 W | NVIDIA H200 datasheet |
//! | B200 (HGX) | 2,250 | 1,000 W | NVIDIA HGX B200 specifications (dense = half the "with sparsity" figures) |
//! | MI300X | 1,307.4 | 750 W | AMD Instinct MI300X datasheet |
//! | TPU v3 | 123 | 262 W (measured max) | Google Cloud TPU v3 documentation |
//! | TPU v4 | 275 | 192 W (measured max) | Google Cloud TPU v4 documentation |
//! | TPU v5p | 459 | not published | Google Cloud TPU v5p documentation |
//!
//! Any other part is an [`Accelerator::custom`]: your name, your dense peaks, your power.
//!
//! ```
//! use isoflop::hardware::{Accelerator, Precision};
//! let a100 = Accelerator::by_name("a100 80gb")?;
//! assert_eq!(a100.dense_peak(Precision::Bf16)?.tera(), 312.0);
//! assert_eq!(a100.tdp()?.get(), 400.0);
//! let h100 = Accelerator::by_name("H100-SXM")?;
//! assert_eq!(h100.dense_peak(Precision::Bf16)?.tera(), 989.4);
//! assert!(Accelerator::by_name("A100").is_err()); // which one? 40GB or 80GB
//! assert!(Accelerator::by_name("V100")?.dense_peak(Precision::Bf16).is_err());
//! # Ok::<(), isoflop::Error>(())
//! ```

use crate::error::{Error, Result};
use crate::units::{FlopsPerSecond, Watts};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// Arithmetic precision of a peak FLOP/s figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Precision {
    /// IEEE double precision (the tensor-core figure where there is one).
    Fp64,
    /// IEEE single precision, without tensor cores.
    Fp32,
    /// NVIDIA TensorFloat-32 tensor-core math (FP32 range, 10-bit mantissa).
    Tf32,
    /// IEEE half precision (tensor cores).
    Fp16,
    /// bfloat16 (tensor cores / TPU matrix units); the usual LLM training precision.
    Bf16,
    /// 8-bit floating point (E4M3/E5M2), H100 and later.
    Fp8,
}

impl Precision {
    /// Every precision, widest first.
    pub const ALL: [Precision; 6] = [
        Precision::Fp64,
        Precision::Fp32,
        Precision::Tf32,
        Precision::Fp16,
        Precision::Bf16,
        Precision::Fp8,
    ];

    /// The usual upper-case name: "FP64", "FP32", "TF32", "FP16", "BF16", "FP8".
    pub const fn name(self) -> &'static str {
        match self {
            Precision::Fp64 => "FP64",
            Precision::Fp32 => "FP32",
            Precision::Tf32 => "TF32",
            Precision::Fp16 => "FP16",
            Precision::Bf16 => "BF16",
            Precision::Fp8 => "FP8",
        }
    }
}

impl fmt::Display for Precision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Precision {
    type Err = Error;
    /// Accepts "bf16", "BF16", "bfloat16", "fp16", "float16", "half", "fp32",
    /// "float32", "tf32", "fp8", "fp64", "float64", "double".
    fn from_str(s: &str) -> Result<Self> {
        match normalise(s).as_str() {
            "fp64" | "float64" | "double" => Ok(Precision::Fp64),
            "fp32" | "float32" | "single" => Ok(Precision::Fp32),
            "tf32" | "tensorfloat32" => Ok(Precision::Tf32),
            "fp16" | "float16" | "half" => Ok(Precision::Fp16),
            "bf16" | "bfloat16" => Ok(Precision::Bf16),
            "fp8" | "float8" => Ok(Precision::Fp8),
            _ => Err(Error::Parse {
                what: "a precision",
                input: s.to_string(),
                reason: "expected one of FP64, FP32, TF32, FP16, BF16, FP8".to_string(),
            }),
        }
    }
}

/// Lower-case, letters and digits only: "A100-80GB" and "a100 80gb" both become "a10080gb".
fn normalise(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// One accelerator: dense peaks by precision, power, memory and where the numbers
/// come from. Either a catalog part ([`Accelerator::by_name`], [`Accelerator::all`])
/// or your own ([`Accelerator::custom`]).
///
/// Serde writes a catalog part as its name and reads it back through
/// [`Accelerator::by_name`]; a custom part is written as an object (`name`, `dense`
/// peaks in TFLOP/s by precision, `watts`, `memory_gb`) and read back through
/// [`Accelerator::custom`], so it is validated on the way in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Accelerator {
    name: Name,
    aliases: &'static [&'static str],
    memory_gb: u32,
    /// Board power in watts; `None` where the vendor publishes none.
    power_watts: Option<f64>,
    /// Dense peaks in TFLOP/s, indexed by precision.
    dense: Peaks,
    /// 2:4-sparse peaks in TFLOP/s, never used for utilisation.
    sparse: Peaks,
    source: &'static str,
    custom: bool,
}

/// The longest accelerator name, in bytes.
const NAME_CAP: usize = 47;

/// An accelerator's name, stored inline so [`Accelerator`] stays `Copy`.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Name {
    len: u8,
    bytes: [u8; NAME_CAP],
}

impl Name {
    /// From a catalog constant (checked at compile time).
    const fn new(s: &str) -> Name {
        let b = s.as_bytes();
        assert!(b.len() <= NAME_CAP, "accelerator name too long");
        let mut bytes = [0u8; NAME_CAP];
        let mut i = 0;
        while i < b.len() {
            bytes[i] = b[i];
            i += 1;
        }
        Name {
            len: b.len() as u8,
            bytes,
        }
    }

    fn as_str(&self) -> &str {
        // Built from a `&str` cut at its own length, so always valid UTF-8.
        std::str::from_utf8(&self.bytes[..self.len as usize]).unwrap_or("")
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

/// Peaks in TFLOP/s, one slot per [`Precision`] (in [`Precision::ALL`] order).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Peaks([Option<f64>; 6]);

impl Peaks {
    const fn new(list: &[(Precision, f64)]) -> Peaks {
        let mut out = [None; 6];
        let mut i = 0;
        while i < list.len() {
            out[list[i].0 as usize] = Some(list[i].1);
            i += 1;
        }
        Peaks(out)
    }

    fn get(&self, p: Precision) -> Option<f64> {
        self.0[p as usize]
    }

    fn iter(&self) -> impl Iterator<Item = (Precision, f64)> + '_ {
        Precision::ALL
            .into_iter()
            .filter_map(|p| self.get(p).map(|t| (p, t)))
    }
}

/// What [`Accelerator::source`] says of a custom accelerator.
const CUSTOM_SOURCE: &str = "user-supplied (Accelerator::custom)";

const A100_DENSE: &[(Precision, f64)] = &[
    (Precision::Fp64, 19.5),
    (Precision::Fp32, 19.5),
    (Precision::Tf32, 156.0),
    (Precision::Fp16, 312.0),
    (Precision::Bf16, 312.0),
];
const A100_SPARSE: &[(Precision, f64)] = &[
    (Precision::Tf32, 312.0),
    (Precision::Fp16, 624.0),
    (Precision::Bf16, 624.0),
];
const HOPPER_SXM_DENSE: &[(Precision, f64)] = &[
    (Precision::Fp64, 66.9),
    (Precision::Fp32, 66.9),
    (Precision::Tf32, 494.7),
    (Precision::Fp16, 989.4),
    (Precision::Bf16, 989.4),
    (Precision::Fp8, 1978.9),
];
const HOPPER_SXM_SPARSE: &[(Precision, f64)] = &[
    (Precision::Tf32, 989.4),
    (Precision::Fp16, 1978.9),
    (Precision::Bf16, 1978.9),
    (Precision::Fp8, 3957.8),
];

static CATALOG: [Accelerator; 10] = [
    Accelerator {
        name: Name::new("V100 SXM"),
        aliases: &["v100", "v100sxm2", "v10032gb", "v100sxm232gb", "teslav100"],
        memory_gb: 32,
        power_watts: Some(300.0),
        dense: Peaks::new(&[
            (Precision::Fp64, 7.8),
            (Precision::Fp32, 15.7),
            (Precision::Fp16, 125.0),
        ]),
        sparse: Peaks::new(&[]),
        source: "NVIDIA Tesla V100 datasheet (SXM2): FP64 7.8, FP32 15.7, \
                 tensor (FP16) 125 TFLOP/s; 300 W; 32 GB HBM2",
        custom: false,
    },
    Accelerator {
        name: Name::new("A100 40GB"),
        aliases: &["a100sxm40gb", "a10040gbsxm", "a100sxm440gb"],
        memory_gb: 40,
        power_watts: Some(400.0),
        dense: Peaks::new(A100_DENSE),
        sparse: Peaks::new(A100_SPARSE),
        source: "NVIDIA A100 Tensor Core GPU datasheet (SXM): FP64 tensor 19.5, FP32 19.5, \
                 TF32 156, BF16/FP16 312 TFLOP/s dense (624 with sparsity); 400 W; 40 GB HBM2",
        custom: false,
    },
    Accelerator {
        name: Name::new("A100 80GB"),
        aliases: &["a100sxm80gb", "a10080gbsxm", "a100sxm480gb"],
        memory_gb: 80,
        power_watts: Some(400.0),
        dense: Peaks::new(A100_DENSE),
        sparse: Peaks::new(A100_SPARSE),
        source: "NVIDIA A100 Tensor Core GPU datasheet (SXM): FP64 tensor 19.5, FP32 19.5, \
                 TF32 156, BF16/FP16 312 TFLOP/s dense (624 with sparsity); 400 W; 80 GB HBM2e",
        custom: false,
    },
    Accelerator {
        name: Name::new("H100 SXM"),
        aliases: &["h100", "h100sxm5", "h10080gb", "h100sxm80gb", "h10080gbsxm"],
        memory_gb: 80,
        power_watts: Some(700.0),
        dense: Peaks::new(HOPPER_SXM_DENSE),
        sparse: Peaks::new(HOPPER_SXM_SPARSE),
        source: "NVIDIA H100 Tensor Core GPU datasheet (SXM) and H100 architecture whitepaper: \
                 dense FP64 tensor 66.9, FP32 66.9, TF32 494.7, BF16/FP16 989.4, FP8 1978.9 \
                 TFLOP/s (the datasheet's 989/1,979/3,958 are with sparsity); up to 700 W; 80 GB HBM3",
        custom: false,
    },
    Accelerator {
        name: Name::new("H200 SXM"),
        aliases: &["h200", "h200141gb", "h200sxm141gb"],
        memory_gb: 141,
        power_watts: Some(700.0),
        dense: Peaks::new(HOPPER_SXM_DENSE),
        sparse: Peaks::new(HOPPER_SXM_SPARSE),
        source: "NVIDIA H200 Tensor Core GPU datasheet (SXM): the H100 SXM's compute \
                 (BF16 989.4 TFLOP/s dense, 1,979 with sparsity); up to 700 W; 141 GB HBM3e",
        custom: false,
    },
    Accelerator {
        name: Name::new("TPU v3"),
        aliases: &["tpuv3", "tpu3", "googletpuv3"],
        memory_gb: 32,
        power_watts: Some(262.0),
        dense: Peaks::new(&[(Precision::Bf16, 123.0)]),
        sparse: Peaks::new(&[]),
        source: "Google Cloud TPU v3 documentation (system architecture): 123 TFLOP/s BF16 \
                 per chip, 32 GiB HBM2, measured min/mean/max power 123/220/262 W \
                 (no TDP is published; the maximum is used as power)",
        custom: false,
    },
    Accelerator {
        name: Name::new("TPU v4"),
        aliases: &["tpuv4", "tpu4", "googletpuv4"],
        memory_gb: 32,
        power_watts: Some(192.0),
        dense: Peaks::new(&[(Precision::Bf16, 275.0)]),
        sparse: Peaks::new(&[]),
        source: "Google Cloud TPU v4 documentation (system architecture): 275 TFLOP/s BF16 \
                 per chip, 32 GiB HBM2, measured min/mean/max power 90/170/192 W \
                 (no TDP is published; the maximum is used as power)",
        custom: false,
    },
    Accelerator {
        name: Name::new("B200"),
        aliases: &["b200sxm", "hgxb200", "b200180gb", "b200sxm6", "nvidiab200"],
        memory_gb: 180,
        power_watts: Some(1000.0),
        dense: Peaks::new(&[
            (Precision::Fp64, 37.0),
            (Precision::Fp32, 75.0),
            (Precision::Tf32, 1100.0),
            (Precision::Fp16, 2250.0),
            (Precision::Bf16, 2250.0),
            (Precision::Fp8, 4500.0),
        ]),
        sparse: Peaks::new(&[
            (Precision::Tf32, 2200.0),
            (Precision::Fp16, 4500.0),
            (Precision::Bf16, 4500.0),
            (Precision::Fp8, 9000.0),
        ]),
        source: "NVIDIA HGX B200 specifications, individual Blackwell GPU: FP64/FP64 tensor \
                 37, FP32 75 TFLOP/s; TF32 2.2, FP16/BF16 4.5, FP8 9 PFLOP/s with sparsity, \
                 so dense TF32 1,100, BF16/FP16 2,250, FP8 4,500 TFLOP/s; configurable up \
                 to 1,000 W (the figure used as power); 180 GB HBM3e",
        custom: false,
    },
    Accelerator {
        name: Name::new("MI300X"),
        aliases: &["amdmi300x", "instinctmi300x", "amdinstinctmi300x", "mi300x192gb"],
        memory_gb: 192,
        power_watts: Some(750.0),
        dense: Peaks::new(&[
            (Precision::Fp64, 163.4),
            (Precision::Fp32, 163.4),
            (Precision::Tf32, 653.7),
            (Precision::Fp16, 1307.4),
            (Precision::Bf16, 1307.4),
            (Precision::Fp8, 2614.9),
        ]),
        sparse: Peaks::new(&[
            (Precision::Tf32, 1307.4),
            (Precision::Fp16, 2614.9),
            (Precision::Bf16, 2614.9),
            (Precision::Fp8, 5229.8),
        ]),
        source: "AMD Instinct MI300X accelerator datasheet (OAM): peak dense matrix FP64 \
                 163.4, FP32 163.4, TF32 653.7, FP16/BF16 1,307.4, FP8 2,614.9 TFLOP/s \
                 (2,614.9 / 5,229.8 with structured sparsity); 750 W TBP; 192 GB HBM3",
        custom: false,
    },
    Accelerator {
        name: Name::new("TPU v5p"),
        aliases: &["tpuv5p", "tpu5p", "googletpuv5p", "v5p"],
        memory_gb: 95,
        power_watts: None,
        dense: Peaks::new(&[(Precision::Bf16, 459.0)]),
        sparse: Peaks::new(&[]),
        source: "Google Cloud TPU v5p documentation (system architecture): peak compute \
                 459 TFLOP/s BF16 per chip, 95 GB HBM2e at 2,765 GB/s; Google publishes no \
                 power figure for v5p, so energy needs a custom accelerator with your own",
        custom: false,
    },
];

impl Accelerator {
    /// The whole catalog.
    pub fn all() -> &'static [Accelerator] {
        &CATALOG
    }

    /// The catalog's names, comma-separated (for error messages).
    pub fn known_names() -> String {
        CATALOG
            .iter()
            .map(|a| a.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Looks an accelerator up by a common spelling, ignoring case, spaces,
    /// dashes and underscores: "A100-80GB", "a100 80gb", "A100_SXM_80GB",
    /// "H100", "H100-SXM", "H100-80GB", "TPUv4". "A100" alone is refused as
    /// ambiguous (40GB or 80GB). "H100" means the SXM part (the PCIe card's
    /// peaks are lower and not in the catalog).
    ///
    /// ```
    /// use isoflop::hardware::Accelerator;
    /// use isoflop::Error;
    /// assert_eq!(Accelerator::by_name("h100")?.name(), "H100 SXM");
    /// match Accelerator::by_name("TPU v9") {
    ///     Err(Error::UnknownName { known, .. }) => assert!(known.contains("A100 80GB")),
    ///     other => panic!("{other:?}"),
    /// }
    /// # Ok::<(), isoflop::Error>(())
    /// ```
    pub fn by_name(name: &str) -> Result<Accelerator> {
        let key = normalise(name);
        CATALOG
            .iter()
            .find(|a| normalise(a.name()) == key || a.aliases.contains(&key.as_str()))
            .copied()
            .ok_or_else(|| Error::UnknownName {
                what: "accelerator",
                name: name.to_string(),
                known: Self::known_names(),
            })
    }

    /// An accelerator that is not in the catalog: its name, its dense (no sparsity)
    /// peaks by precision, and its board power.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for an empty name, a name longer than 47 bytes or one
    /// that spells a catalog part (use [`Accelerator::by_name`] for those), no peak at
    /// all, or a precision given twice. Peaks and power are typed, so they are already
    /// finite and positive.
    ///
    /// # Examples
    ///
    /// ```
    /// use isoflop::hardware::{Accelerator, Precision};
    /// use isoflop::units::{FlopsPerSecond, Watts};
    /// let peak = FlopsPerSecond::from_tera(667.0)?;
    /// let mine = Accelerator::custom("Lab ASIC v2", &[(Precision::Bf16, peak)], Watts::new(500.0)?)?
    ///     .with_memory_gb(96);
    /// assert_eq!(mine.dense_peak(Precision::Bf16)?, peak);
    /// assert!(mine.dense_peak(Precision::Fp8).is_err());
    /// assert_eq!(mine.tdp()?.get(), 500.0);
    /// assert!(Accelerator::custom("", &[(Precision::Bf16, peak)], Watts::new(500.0)?).is_err());
    /// # Ok::<(), isoflop::Error>(())
    /// ```
    pub fn custom(
        name: &str,
        dense_peaks: &[(Precision, FlopsPerSecond)],
        power: Watts,
    ) -> Result<Accelerator> {
        let name = name.trim();
        let invalid = |reason: String| Error::InvalidInput {
            what: format!("custom accelerator {name:?}"),
            reason,
        };
        if name.is_empty() || name.len() > NAME_CAP {
            return Err(invalid(format!(
                "its name must be 1 to {NAME_CAP} bytes long (got {})",
                name.len()
            )));
        }
        if Accelerator::by_name(name).is_ok() {
            return Err(invalid(
                "the name is a catalog part; use Accelerator::by_name, or another name".into(),
            ));
        }
        if dense_peaks.is_empty() {
            return Err(invalid("give at least one dense peak".into()));
        }
        let mut dense = Peaks([None; 6]);
        for &(p, peak) in dense_peaks {
            if dense.get(p).is_some() {
                return Err(invalid(format!("{p} is given twice")));
            }
            dense.0[p as usize] = Some(peak.tera());
        }
        Ok(Accelerator {
            name: Name::new(name),
            aliases: &[],
            memory_gb: 0,
            power_watts: Some(power.get()),
            dense,
            sparse: Peaks([None; 6]),
            source: CUSTOM_SOURCE,
            custom: true,
        })
    }

    /// The same accelerator with its memory in GB (custom parts start at 0: not given).
    pub fn with_memory_gb(mut self, gb: u32) -> Accelerator {
        self.memory_gb = gb;
        self
    }

    /// Whether this accelerator came from [`Accelerator::custom`].
    pub const fn is_custom(&self) -> bool {
        self.custom
    }

    /// The name, e.g. "A100 80GB".
    pub fn name(&self) -> &str {
        self.name.as_str()
    }

    /// Memory in GB as the vendor writes it (GiB for TPU v3/v4); 0 for a custom
    /// accelerator whose memory was not given.
    pub const fn memory_gb(&self) -> u32 {
        self.memory_gb
    }

    /// Board power: the TDP for GPUs (A100 SXM 400 W, the figure LLaMA's Table 15
    /// uses); for TPU v3/v4, Google's measured maximum per chip.
    ///
    /// # Errors
    ///
    /// [`Error::NotApplicable`] where the vendor publishes no power figure (TPU v5p);
    /// build an [`Accelerator::custom`] with your own figure to compute energy.
    ///
    /// # Examples
    ///
    /// ```
    /// use isoflop::hardware::Accelerator;
    /// assert_eq!(Accelerator::by_name("A100 80GB")?.tdp()?.get(), 400.0);
    /// assert!(Accelerator::by_name("TPU v5p")?.tdp().is_err());
    /// # Ok::<(), isoflop::Error>(())
    /// ```
    pub fn tdp(&self) -> Result<Watts> {
        self.power_watts
            .map(Watts::raw)
            .ok_or_else(|| Error::NotApplicable {
                what: format!("the power of {}", self.name()),
                reason: "the vendor publishes no power figure; use Accelerator::custom with \
                         your own"
                    .into(),
            })
    }

    /// The dense (no sparsity) peak at a precision: the denominator of MFU.
    ///
    /// # Errors
    ///
    /// [`Error::NotApplicable`] if the accelerator has no such mode (BF16 on V100,
    /// FP8 on A100).
    ///
    /// # Examples
    ///
    /// ```
    /// use isoflop::hardware::{Accelerator, Precision};
    /// let mi300x = Accelerator::by_name("MI300X")?;
    /// assert_eq!(mi300x.dense_peak(Precision::Bf16)?.tera(), 1307.4);
    /// # Ok::<(), isoflop::Error>(())
    /// ```
    pub fn dense_peak(&self, precision: Precision) -> Result<FlopsPerSecond> {
        self.dense
            .get(precision)
            .map(|tflops| FlopsPerSecond::raw(tflops * 1e12))
            .ok_or_else(|| Error::NotApplicable {
                what: format!("{precision} on {}", self.name()),
                reason: format!(
                    "it has no {precision} mode; dense peaks exist for {}",
                    self.precisions()
                        .map(Precision::name)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            })
    }

    /// The precisions with a dense peak, widest first.
    pub fn precisions(&self) -> impl Iterator<Item = Precision> + '_ {
        self.dense.iter().map(|(p, _)| p)
    }

    /// The vendor's 2:4-structured-sparsity peak, if one is printed. For
    /// reference only: never the denominator of utilisation.
    pub fn sparse_peak(&self, precision: Precision) -> Option<FlopsPerSecond> {
        self.sparse
            .get(precision)
            .map(|tflops| FlopsPerSecond::raw(tflops * 1e12))
    }

    /// Where the numbers come from.
    pub const fn source(&self) -> &'static str {
        self.source
    }
}

impl fmt::Display for Accelerator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Accelerator {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Accelerator::by_name(s)
    }
}

/// Serde form of a custom accelerator.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCustom {
    name: String,
    /// Dense peaks in TFLOP/s.
    dense: Vec<(Precision, f64)>,
    watts: f64,
    #[serde(default)]
    memory_gb: u32,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawAccelerator {
    Name(String),
    Custom(RawCustom),
}

impl Serialize for Accelerator {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        if self.custom {
            RawCustom {
                name: self.name().to_string(),
                dense: self.dense.iter().collect(),
                watts: self.power_watts.unwrap_or(f64::NAN),
                memory_gb: self.memory_gb,
            }
            .serialize(s)
        } else {
            s.serialize_str(self.name())
        }
    }
}

impl<'de> Deserialize<'de> for Accelerator {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let built = match RawAccelerator::deserialize(d)? {
            RawAccelerator::Name(name) => Accelerator::by_name(&name),
            RawAccelerator::Custom(c) => c
                .dense
                .iter()
                .map(|&(p, t)| FlopsPerSecond::from_tera(t).map(|f| (p, f)))
                .collect::<Result<Vec<_>>>()
                .and_then(|peaks| Accelerator::custom(&c.name, &peaks, Watts::new(c.watts)?))
                .map(|a| a.with_memory_gb(c.memory_gb)),
        };
        built.map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_resolve() {
        for (input, name) in [
            ("A100-80GB", "A100 80GB"),
            ("a100 80gb", "A100 80GB"),
            ("A100_SXM_80GB", "A100 80GB"),
            ("A100 40GB", "A100 40GB"),
            ("H100", "H100 SXM"),
            ("H100-SXM", "H100 SXM"),
            ("h100-80gb", "H100 SXM"),
            ("H200", "H200 SXM"),
            ("V100", "V100 SXM"),
            ("TPUv4", "TPU v4"),
            ("tpu-v3", "TPU v3"),
            ("B200", "B200"),
            ("HGX-B200", "B200"),
            ("mi300x", "MI300X"),
            ("AMD Instinct MI300X", "MI300X"),
            ("TPU v5p", "TPU v5p"),
            ("tpuv5p", "TPU v5p"),
        ] {
            assert_eq!(Accelerator::by_name(input).unwrap().name(), name, "{input}");
        }
        for bad in ["A100", "", "H100 PCIe", "B300"] {
            assert!(matches!(
                Accelerator::by_name(bad),
                Err(Error::UnknownName {
                    what: "accelerator",
                    ..
                })
            ));
        }
    }

    #[test]
    fn sparse_is_twice_dense_and_separate() {
        for a in Accelerator::all() {
            for p in Precision::ALL {
                if let Some(sparse) = a.sparse_peak(p) {
                    let dense = a.dense_peak(p).unwrap();
                    assert!((sparse.ratio(dense) - 2.0).abs() < 1e-3, "{a} {p}");
                }
            }
            assert!(a.dense_peak(Precision::Bf16).is_ok() || a.name() == "V100 SXM");
        }
    }

    #[test]
    fn reference_peaks() {
        // Vendor datasheets (see each entry's source).
        let bf16 = |n: &str| {
            Accelerator::by_name(n)
                .unwrap()
                .dense_peak(Precision::Bf16)
                .unwrap()
                .tera()
        };
        assert_eq!(bf16("A100 80GB"), 312.0);
        assert_eq!(bf16("A100 40GB"), 312.0);
        assert_eq!(bf16("H100 SXM"), 989.4);
        assert_eq!(bf16("H200 SXM"), 989.4);
        assert_eq!(bf16("TPU v4"), 275.0);
        // HGX B200 specifications: 4.5 PFLOP/s BF16 and 9 FP8 with sparsity, per GPU.
        assert_eq!(bf16("B200"), 2250.0);
        let b200 = Accelerator::by_name("B200").unwrap();
        assert_eq!(b200.dense_peak(Precision::Fp8).unwrap().tera(), 4500.0);
        assert_eq!(b200.tdp().unwrap().get(), 1000.0);
        // AMD MI300X datasheet: 1,307.4 TFLOP/s FP16/BF16 dense, 750 W.
        assert_eq!(bf16("MI300X"), 1307.4);
        let mi = Accelerator::by_name("MI300X").unwrap();
        assert_eq!(mi.tdp().unwrap().get(), 750.0);
        assert_eq!(mi.memory_gb(), 192);
        // Google Cloud TPU v5p documentation: 459 TFLOP/s BF16, no power figure.
        assert_eq!(bf16("TPU v5p"), 459.0);
        assert!(matches!(
            Accelerator::by_name("TPU v5p").unwrap().tdp(),
            Err(Error::NotApplicable { .. })
        ));
        let v100 = Accelerator::by_name("V100").unwrap();
        assert_eq!(v100.dense_peak(Precision::Fp16).unwrap().tera(), 125.0);
        assert_eq!(v100.tdp().unwrap().get(), 300.0);
        assert!(matches!(
            v100.dense_peak(Precision::Fp8),
            Err(Error::NotApplicable { .. })
        ));
    }

    #[test]
    fn precision_parses() {
        assert_eq!("bfloat16".parse::<Precision>().unwrap(), Precision::Bf16);
        assert_eq!("FP8".parse::<Precision>().unwrap(), Precision::Fp8);
        assert!(matches!(
            "int4".parse::<Precision>(),
            Err(Error::Parse { .. })
        ));
    }

    #[test]
    fn serde_by_name() {
        let a = Accelerator::by_name("h100").unwrap();
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(json, "\"H100 SXM\"");
        assert_eq!(serde_json::from_str::<Accelerator>(&json).unwrap(), a);
        assert!(serde_json::from_str::<Accelerator>("\"Z80\"").is_err());
    }

    #[test]
    fn custom_accelerators_validate_and_round_trip() {
        let peak = FlopsPerSecond::from_tera(100.0).unwrap();
        let w = Watts::new(300.0).unwrap();
        let a = Accelerator::custom(
            " My NPU ",
            &[(Precision::Fp8, peak), (Precision::Bf16, peak)],
            w,
        )
        .unwrap()
        .with_memory_gb(64);
        assert_eq!(a.name(), "My NPU");
        assert!(a.is_custom() && a.sparse_peak(Precision::Bf16).is_none());
        assert_eq!(
            a.precisions().collect::<Vec<_>>(),
            [Precision::Bf16, Precision::Fp8]
        );
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(serde_json::from_str::<Accelerator>(&json).unwrap(), a);
        for bad in [
            Accelerator::custom("", &[(Precision::Bf16, peak)], w),
            Accelerator::custom(&"x".repeat(48), &[(Precision::Bf16, peak)], w),
            Accelerator::custom("h100", &[(Precision::Bf16, peak)], w),
            Accelerator::custom("mine", &[], w),
            Accelerator::custom(
                "mine",
                &[(Precision::Bf16, peak), (Precision::Bf16, peak)],
                w,
            ),
        ] {
            assert!(matches!(bad, Err(Error::InvalidInput { .. })), "{bad:?}");
        }
        for bad in [
            r#"{"name":"x","dense":[["Bf16",-1.0]],"watts":300}"#,
            r#"{"name":"x","dense":[["Bf16",100.0]],"watts":0}"#,
            r#"{"name":"x","dense":[],"watts":300}"#,
            r#"{"name":"x","dense":[["Bf16",100.0]],"watts":300,"extra":1}"#,
        ] {
            assert!(serde_json::from_str::<Accelerator>(bad).is_err(), "{bad}");
        }
    }
}
