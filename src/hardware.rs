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
//! | TPU v3 | 123 | 262 W (measured max) | Google Cloud TPU v3 documentation |
//! | TPU v4 | 275 | 192 W (measured max) | Google Cloud TPU v4 documentation |
//!
//! ```
//! use isoflop::hardware::{Accelerator, Precision};
//! let a100 = Accelerator::by_name("a100 80gb")?;
//! assert_eq!(a100.dense_peak(Precision::Bf16)?.tera(), 312.0);
//! assert_eq!(a100.tdp().get(), 400.0);
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

/// One accelerator model from the catalog: dense peaks by precision, power,
/// memory and where the numbers come from.
///
/// Values are copied from vendor documents; serde writes an accelerator as its
/// name and reads it back through [`Accelerator::by_name`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Accelerator {
    name: &'static str,
    aliases: &'static [&'static str],
    memory_gb: u32,
    power_watts: f64,
    /// Dense peaks in TFLOP/s.
    dense: &'static [(Precision, f64)],
    /// 2:4-sparse peaks in TFLOP/s, never used for utilisation.
    sparse: &'static [(Precision, f64)],
    source: &'static str,
}

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

static CATALOG: [Accelerator; 7] = [
    Accelerator {
        name: "V100 SXM",
        aliases: &["v100", "v100sxm2", "v10032gb", "v100sxm232gb", "teslav100"],
        memory_gb: 32,
        power_watts: 300.0,
        dense: &[
            (Precision::Fp64, 7.8),
            (Precision::Fp32, 15.7),
            (Precision::Fp16, 125.0),
        ],
        sparse: &[],
        source: "NVIDIA Tesla V100 datasheet (SXM2): FP64 7.8, FP32 15.7, \
                 tensor (FP16) 125 TFLOP/s; 300 W; 32 GB HBM2",
    },
    Accelerator {
        name: "A100 40GB",
        aliases: &["a100sxm40gb", "a10040gbsxm", "a100sxm440gb"],
        memory_gb: 40,
        power_watts: 400.0,
        dense: A100_DENSE,
        sparse: A100_SPARSE,
        source: "NVIDIA A100 Tensor Core GPU datasheet (SXM): FP64 tensor 19.5, FP32 19.5, \
                 TF32 156, BF16/FP16 312 TFLOP/s dense (624 with sparsity); 400 W; 40 GB HBM2",
    },
    Accelerator {
        name: "A100 80GB",
        aliases: &["a100sxm80gb", "a10080gbsxm", "a100sxm480gb"],
        memory_gb: 80,
        power_watts: 400.0,
        dense: A100_DENSE,
        sparse: A100_SPARSE,
        source: "NVIDIA A100 Tensor Core GPU datasheet (SXM): FP64 tensor 19.5, FP32 19.5, \
                 TF32 156, BF16/FP16 312 TFLOP/s dense (624 with sparsity); 400 W; 80 GB HBM2e",
    },
    Accelerator {
        name: "H100 SXM",
        aliases: &["h100", "h100sxm5", "h10080gb", "h100sxm80gb", "h10080gbsxm"],
        memory_gb: 80,
        power_watts: 700.0,
        dense: HOPPER_SXM_DENSE,
        sparse: HOPPER_SXM_SPARSE,
        source: "NVIDIA H100 Tensor Core GPU datasheet (SXM) and H100 architecture whitepaper: \
                 dense FP64 tensor 66.9, FP32 66.9, TF32 494.7, BF16/FP16 989.4, FP8 1978.9 \
                 TFLOP/s (the datasheet's 989/1,979/3,958 are with sparsity); up to 700 W; 80 GB HBM3",
    },
    Accelerator {
        name: "H200 SXM",
        aliases: &["h200", "h200141gb", "h200sxm141gb"],
        memory_gb: 141,
        power_watts: 700.0,
        dense: HOPPER_SXM_DENSE,
        sparse: HOPPER_SXM_SPARSE,
        source: "NVIDIA H200 Tensor Core GPU datasheet (SXM): the H100 SXM's compute \
                 (BF16 989.4 TFLOP/s dense, 1,979 with sparsity); up to 700 W; 141 GB HBM3e",
    },
    Accelerator {
        name: "TPU v3",
        aliases: &["tpuv3", "tpu3", "googletpuv3"],
        memory_gb: 32,
        power_watts: 262.0,
        dense: &[(Precision::Bf16, 123.0)],
        sparse: &[],
        source: "Google Cloud TPU v3 documentation (system architecture): 123 TFLOP/s BF16 \
                 per chip, 32 GiB HBM2, measured min/mean/max power 123/220/262 W \
                 (no TDP is published; the maximum is used as power)",
    },
    Accelerator {
        name: "TPU v4",
        aliases: &["tpuv4", "tpu4", "googletpuv4"],
        memory_gb: 32,
        power_watts: 192.0,
        dense: &[(Precision::Bf16, 275.0)],
        sparse: &[],
        source: "Google Cloud TPU v4 documentation (system architecture): 275 TFLOP/s BF16 \
                 per chip, 32 GiB HBM2, measured min/mean/max power 90/170/192 W \
                 (no TDP is published; the maximum is used as power)",
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
            .map(|a| a.name)
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
            .find(|a| normalise(a.name) == key || a.aliases.contains(&key.as_str()))
            .copied()
            .ok_or_else(|| Error::UnknownName {
                what: "accelerator",
                name: name.to_string(),
                known: Self::known_names(),
            })
    }

    /// The catalog name, e.g. "A100 80GB".
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// Memory in GB as the vendor writes it (GiB for TPUs).
    pub const fn memory_gb(&self) -> u32 {
        self.memory_gb
    }

    /// Board power: the TDP for GPUs (A100 SXM 400 W, the figure LLaMA's
    /// Table 15 uses); for TPUs, Google's measured maximum per chip.
    pub fn tdp(&self) -> Watts {
        Watts::raw(self.power_watts)
    }

    /// The dense (no sparsity) peak at a precision: the denominator of MFU.
    /// An error if the accelerator has no such mode (BF16 on V100, FP8 on A100).
    pub fn dense_peak(&self, precision: Precision) -> Result<FlopsPerSecond> {
        self.dense
            .iter()
            .find(|(p, _)| *p == precision)
            .map(|(_, tflops)| FlopsPerSecond::raw(tflops * 1e12))
            .ok_or_else(|| Error::NotApplicable {
                what: format!("{precision} on {}", self.name),
                reason: format!(
                    "it has no {precision} mode; dense peaks exist for {}",
                    self.precisions()
                        .map(Precision::name)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            })
    }

    /// The precisions with a dense peak.
    pub fn precisions(&self) -> impl Iterator<Item = Precision> + '_ {
        self.dense.iter().map(|(p, _)| *p)
    }

    /// The vendor's 2:4-structured-sparsity peak, if one is printed. For
    /// reference only: never the denominator of utilisation.
    pub fn sparse_peak(&self, precision: Precision) -> Option<FlopsPerSecond> {
        self.sparse
            .iter()
            .find(|(p, _)| *p == precision)
            .map(|(_, tflops)| FlopsPerSecond::raw(tflops * 1e12))
    }

    /// Where the numbers come from.
    pub const fn source(&self) -> &'static str {
        self.source
    }
}

impl fmt::Display for Accelerator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

impl FromStr for Accelerator {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Accelerator::by_name(s)
    }
}

impl Serialize for Accelerator {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.name)
    }
}

impl<'de> Deserialize<'de> for Accelerator {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        Accelerator::by_name(&name).map_err(serde::de::Error::custom)
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
        ] {
            assert_eq!(Accelerator::by_name(input).unwrap().name(), name, "{input}");
        }
        for bad in ["A100", "", "H100 PCIe", "B200"] {
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
        // REFERENCE.md section 7 (vendor datasheets).
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
        let v100 = Accelerator::by_name("V100").unwrap();
        assert_eq!(v100.dense_peak(Precision::Fp16).unwrap().tera(), 125.0);
        assert_eq!(v100.tdp().get(), 300.0);
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
}
