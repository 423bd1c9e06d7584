//! Published training runs: sizes, tokens, hardware and reported GPU-hours, each with its source.
//!
//! | run | N | D | hardware | GPU-hours | source |
//! |---|---|---|---|---|---|
//! | LLaMA-7B, -13B, -33B, -65B | 6.74B, 13.0B, 32.5B, 65.3B | 1T, 1T, 1.4T, 1.4T | A100-80GB | 82,432; 135,168; 530,432; 1,022,362 | Touvron et al. 2023, Tables 2 and 15 |
//! | Llama-2-7B, -13B, -34B, -70B | 7B, 13B, 34B, 70B | 2T | A100-80GB | 184,320; 368,640; 1,038,336; 1,720,320 | Touvron et al. 2023b, Table 2 |
//! | Llama-3-8B, -70B | 8B, 70B | 15T+ | H100-80GB | 1.3M; 6.4M | Llama 3 model card |
//! | Llama-3.1-8B, -70B, -405B | 8B, 70B, 405B | ~15T, ~15T, 15.6T | H100-80GB | 1.46M; 7.0M; 30.84M | Llama 3.1 model card; Dubey et al. 2024 |
//! | Chinchilla | 70B | 1.4T | TPUv3/TPUv4 | not published | Hoffmann et al. 2022 |
//! | Gopher | 280B | 300B | TPUv3 | not published | Hoffmann et al. 2022; Rae et al. 2021 |
//!
//! LLaMA-1 parameter counts are those of the released checkpoints
//! (6,738,415,616; 13,015,864,320; 32,528,943,616; 65,285,660,672), so the
//! names are the paper's: "LLaMA-7B" has 6.74B parameters and "LLaMA-33B" is
//! the paper's 32.5B. The other runs carry the nominal size in their name.
//! Reported GPU-hours of the Llama 3 family include overheads (the model cards
//! count total GPU time): treat them as totals, not as a measure of MFU.
//!
//! ```
//! use isoflop::runs;
//! let r = runs::by_name("llama-65b")?;
//! assert_eq!(r.name, "LLaMA-65B");
//! assert_eq!(r.gpu_hours.unwrap().to_string(), "1,022,362 GPU-h");
//! assert_eq!(r.flops_6nd()?.to_string(), "5.48e23");
//! assert!(runs::by_name("GPT-5").is_err());
//! # Ok::<(), isoflop::Error>(())
//! ```

use crate::architecture::Architecture;
use crate::cluster::{implied_mfu, implied_tokens_per_second};
use crate::compute::training_flops_6nd;
use crate::error::{Error, Result};
use crate::hardware::{Accelerator, Precision};
use crate::units::{Flops, GpuHours, Params, Tokens, Watts};
use serde::{Deserialize, Serialize};

/// One published training run, values exactly as its source prints them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PublishedRun {
    /// Name, e.g. "LLaMA-7B" (see the module docs for the naming).
    pub name: String,
    /// Parameter count N.
    pub params: Params,
    /// Training tokens D.
    pub tokens: Tokens,
    /// The accelerator as the source names it, e.g. "A100-80GB"; resolve it
    /// with [`PublishedRun::accelerator`].
    pub accelerator_name: String,
    /// Reported accelerator-hours, if published.
    pub gpu_hours: Option<GpuHours>,
    /// Reported training FLOPs, if published.
    pub reported_flops: Option<Flops>,
    /// Per-accelerator power used for the source's energy accounting, if published.
    pub power: Option<Watts>,
    /// Where the numbers come from: paper and table.
    pub source: String,
    /// The transformer shape, where a preset exists.
    pub architecture: Option<Architecture>,
    /// Caveats.
    pub note: String,
}

impl PublishedRun {
    /// Training compute by 6ND.
    pub fn flops_6nd(&self) -> Result<Flops> {
        training_flops_6nd(self.params, self.tokens)
    }

    /// The catalog accelerator, if the source's name resolves to one
    /// ("TPUv3/TPUv4" for Chinchilla does not).
    pub fn accelerator(&self) -> Result<Accelerator> {
        Accelerator::by_name(&self.accelerator_name)
    }

    /// The reported GPU-hours, or an error saying they were not published.
    pub fn reported_gpu_hours(&self) -> Result<GpuHours> {
        self.gpu_hours.ok_or_else(|| Error::InsufficientData {
            what: "GPU-hours of a published run",
            reason: format!("{} did not publish GPU-hours", self.name),
        })
    }

    /// The MFU implied by 6ND and the reported GPU-hours at the accelerator's
    /// dense peak in `precision` ([`implied_mfu`]).
    ///
    /// ```
    /// use isoflop::hardware::Precision;
    /// let r = isoflop::runs::by_name("LLaMA-7B")?;
    /// assert_eq!(format!("{:.3}", r.implied_mfu(Precision::Bf16)?), "0.437");
    /// # Ok::<(), isoflop::Error>(())
    /// ```
    pub fn implied_mfu(&self, precision: Precision) -> Result<f64> {
        implied_mfu(
            self.flops_6nd()?,
            self.reported_gpu_hours()?,
            self.accelerator()?.dense_peak(precision)?,
        )
    }

    /// Tokens/s per accelerator implied by the reported GPU-hours.
    pub fn implied_tokens_per_second(&self) -> Result<f64> {
        implied_tokens_per_second(self.tokens, self.reported_gpu_hours()?)
    }
}

struct Row {
    name: &'static str,
    params: f64,
    tokens: f64,
    accelerator: &'static str,
    gpu_hours: Option<f64>,
    reported_flops: Option<f64>,
    power_watts: Option<f64>,
    source: &'static str,
    architecture: Option<fn() -> Architecture>,
    note: &'static str,
}

const LLAMA1_SOURCE: &str = "Touvron et al. 2023, LLaMA (arXiv:2302.13971): Table 2 (size, \
    tokens), Table 15 (A100-80GB GPU-hours, 400 W); parameter count of the released checkpoint";
const LLAMA1_NOTE: &str = "exact released parameter count; the paper's size label differs";
const LLAMA2_SOURCE: &str = "Touvron et al. 2023b, Llama 2 (arXiv:2307.09288): Table 2 \
    (A100-80GB GPU-hours and peak power per GPU during pretraining), 2.0T tokens";
const LLAMA2_NOTE: &str = "nominal parameter count (the paper's label)";
const LLAMA3_SOURCE: &str = "Meta Llama 3 model card: 15T+ tokens; H100-80GB GPU-hours (700 W)";
const LLAMA31_SOURCE: &str = "Meta Llama 3.1 model card (H100-80GB GPU-hours, 700 W, ~15T \
    tokens); Dubey et al. 2024, The Llama 3 Herd of Models (arXiv:2407.21783), for the 405B's \
    15.6T tokens and 3.8e25 FLOPs";
const LLAMA3_NOTE: &str = "nominal parameter count; GPU-hours are totals including overheads \
    (implied MFU of the small models is low)";

const ROWS: [Row; 15] = [
    Row {
        name: "LLaMA-7B",
        params: 6_738_415_616.0,
        tokens: 1.0e12,
        accelerator: "A100-80GB",
        gpu_hours: Some(82_432.0),
        reported_flops: None,
        power_watts: Some(400.0),
        source: LLAMA1_SOURCE,
        architecture: Some(Architecture::llama_7b),
        note: LLAMA1_NOTE,
    },
    Row {
        name: "LLaMA-13B",
        params: 13_015_864_320.0,
        tokens: 1.0e12,
        accelerator: "A100-80GB",
        gpu_hours: Some(135_168.0),
        reported_flops: None,
        power_watts: Some(400.0),
        source: LLAMA1_SOURCE,
        architecture: Some(Architecture::llama_13b),
        note: LLAMA1_NOTE,
    },
    Row {
        name: "LLaMA-33B",
        params: 32_528_943_616.0,
        tokens: 1.4e12,
        accelerator: "A100-80GB",
        gpu_hours: Some(530_432.0),
        reported_flops: None,
        power_watts: Some(400.0),
        source: LLAMA1_SOURCE,
        architecture: Some(Architecture::llama_33b),
        note: "exact released parameter count; the paper's 32.5B (Table 2), 33B (Table 15)",
    },
    Row {
        name: "LLaMA-65B",
        params: 65_285_660_672.0,
        tokens: 1.4e12,
        accelerator: "A100-80GB",
        gpu_hours: Some(1_022_362.0),
        reported_flops: None,
        power_watts: Some(400.0),
        source: LLAMA1_SOURCE,
        architecture: Some(Architecture::llama_65b),
        note: "exact released parameter count; the paper's 65.2B; about 380 tokens/s/GPU on \
               2048 GPUs, about 21 days (Sec. 2.4)",
    },
    Row {
        name: "Llama-2-7B",
        params: 7e9,
        tokens: 2.0e12,
        accelerator: "A100-80GB",
        gpu_hours: Some(184_320.0),
        reported_flops: None,
        power_watts: Some(400.0),
        source: LLAMA2_SOURCE,
        architecture: None,
        note: LLAMA2_NOTE,
    },
    Row {
        name: "Llama-2-13B",
        params: 13e9,
        tokens: 2.0e12,
        accelerator: "A100-80GB",
        gpu_hours: Some(368_640.0),
        reported_flops: None,
        power_watts: Some(400.0),
        source: LLAMA2_SOURCE,
        architecture: None,
        note: LLAMA2_NOTE,
    },
    Row {
        name: "Llama-2-34B",
        params: 34e9,
        tokens: 2.0e12,
        accelerator: "A100-80GB",
        gpu_hours: Some(1_038_336.0),
        reported_flops: None,
        power_watts: Some(350.0),
        source: LLAMA2_SOURCE,
        architecture: None,
        note: "nominal parameter count; not released; 350 W per GPU",
    },
    Row {
        name: "Llama-2-70B",
        params: 70e9,
        tokens: 2.0e12,
        accelerator: "A100-80GB",
        gpu_hours: Some(1_720_320.0),
        reported_flops: None,
        power_watts: Some(400.0),
        source: LLAMA2_SOURCE,
        architecture: None,
        note: LLAMA2_NOTE,
    },
    Row {
        name: "Llama-3-8B",
        params: 8e9,
        tokens: 15e12,
        accelerator: "H100-80GB",
        gpu_hours: Some(1.3e6),
        reported_flops: None,
        power_watts: Some(700.0),
        source: LLAMA3_SOURCE,
        architecture: None,
        note: LLAMA3_NOTE,
    },
    Row {
        name: "Llama-3-70B",
        params: 70e9,
        tokens: 15e12,
        accelerator: "H100-80GB",
        gpu_hours: Some(6.4e6),
        reported_flops: None,
        power_watts: Some(700.0),
        source: LLAMA3_SOURCE,
        architecture: None,
        note: LLAMA3_NOTE,
    },
    Row {
        name: "Llama-3.1-8B",
        params: 8e9,
        tokens: 15e12,
        accelerator: "H100-80GB",
        gpu_hours: Some(1.46e6),
        reported_flops: None,
        power_watts: Some(700.0),
        source: LLAMA31_SOURCE,
        architecture: None,
        note: LLAMA3_NOTE,
    },
    Row {
        name: "Llama-3.1-70B",
        params: 70e9,
        tokens: 15e12,
        accelerator: "H100-80GB",
        gpu_hours: Some(7.0e6),
        reported_flops: None,
        power_watts: Some(700.0),
        source: LLAMA31_SOURCE,
        architecture: None,
        note: LLAMA3_NOTE,
    },
    Row {
        name: "Llama-3.1-405B",
        params: 405e9,
        tokens: 15.6e12,
        accelerator: "H100-80GB",
        gpu_hours: Some(30.84e6),
        reported_flops: Some(3.8e25),
        power_watts: Some(700.0),
        source: LLAMA31_SOURCE,
        architecture: None,
        note: "nominal parameter count; GPU-hours are totals including overheads",
    },
    Row {
        name: "Chinchilla",
        params: 70e9,
        tokens: 1.4e12,
        accelerator: "TPUv3/TPUv4",
        gpu_hours: None,
        reported_flops: None,
        power_watts: None,
        source: "Hoffmann et al. 2022 (arXiv:2203.15556): Table 1 (70B, 1.4T tokens), Table 4 \
                 (shape); trained on TPUv3/TPUv4",
        architecture: Some(Architecture::chinchilla_70b),
        note: "nominal parameter count; same compute budget as Gopher; accelerator-hours not \
               published",
    },
    Row {
        name: "Gopher",
        params: 280e9,
        tokens: 300e9,
        accelerator: "TPUv3",
        gpu_hours: None,
        reported_flops: None,
        power_watts: None,
        source: "Hoffmann et al. 2022 (arXiv:2203.15556), Table 1 (280B, 300B tokens); Rae et \
                 al. 2021, Gopher (arXiv:2112.11446), trained on TPUv3",
        architecture: None,
        note: "nominal parameter count; accelerator-hours not published",
    },
];

#[cfg(test)]
fn build(row: &Row) -> Result<PublishedRun> {
    Ok(PublishedRun {
        name: row.name.to_string(),
        params: Params::new(row.params)?,
        tokens: Tokens::new(row.tokens)?,
        accelerator_name: row.accelerator.to_string(),
        gpu_hours: row.gpu_hours.map(GpuHours::new).transpose()?,
        reported_flops: row.reported_flops.map(Flops::new).transpose()?,
        power: row.power_watts.map(Watts::new).transpose()?,
        source: row.source.to_string(),
        architecture: row.architecture.map(|f| f()),
        note: row.note.to_string(),
    })
}

fn build_const(row: &Row) -> PublishedRun {
    // Every constant in ROWS is finite and > 0 (checked by a unit test that
    // builds each row through the validating constructors).
    PublishedRun {
        name: row.name.to_string(),
        params: Params::raw(row.params),
        tokens: Tokens::raw(row.tokens),
        accelerator_name: row.accelerator.to_string(),
        gpu_hours: row.gpu_hours.map(GpuHours::raw),
        reported_flops: row.reported_flops.map(Flops::raw),
        power: row.power_watts.map(Watts::raw),
        source: row.source.to_string(),
        architecture: row.architecture.map(|f| f()),
        note: row.note.to_string(),
    }
}

/// Every published run in the catalog, in the order of the module table.
pub fn catalog() -> Vec<PublishedRun> {
    ROWS.iter().map(build_const).collect()
}

/// The catalog's names, comma-separated.
pub fn known_names() -> String {
    ROWS.iter().map(|r| r.name).collect::<Vec<_>>().join(", ")
}

/// Lower-case, spaces, dashes and underscores removed ("Llama-3.1-8B" -> "llama3.18b").
fn normalise(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, ' ' | '-' | '_'))
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Looks a run up by name, ignoring case, spaces, dashes and underscores:
/// "LLaMA-7B", "llama-7b", "llama 2 70b", "Llama-3.1-405B", "chinchilla".
/// Also "Chinchilla 70B", "Gopher 280B" and the LLaMA paper's size labels
/// ("LLaMA-6.7B", "LLaMA-32.5B", "LLaMA-65.2B").
pub fn by_name(name: &str) -> Result<PublishedRun> {
    let key = normalise(name);
    let alias = match key.as_str() {
        "chinchilla70b" => "chinchilla",
        "gopher280b" => "gopher",
        "llama6.7b" => "llama7b",
        "llama13.0b" => "llama13b",
        "llama32.5b" => "llama33b",
        "llama65.2b" => "llama65b",
        other => other,
    };
    ROWS.iter()
        .find(|r| normalise(r.name) == alias)
        .map(build_const)
        .ok_or_else(|| Error::UnknownName {
            what: "published run",
            name: name.to_string(),
            known: known_names(),
        })
}

/// The four LLaMA-1 runs, smallest first.
pub fn llama1() -> [PublishedRun; 4] {
    [
        build_const(&ROWS[0]),
        build_const(&ROWS[1]),
        build_const(&ROWS[2]),
        build_const(&ROWS[3]),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_is_valid() {
        for row in &ROWS {
            let checked = build(row).unwrap();
            assert_eq!(checked, build_const(row), "{}", row.name);
        }
        let names: std::collections::HashSet<_> = ROWS.iter().map(|r| normalise(r.name)).collect();
        assert_eq!(
            names.len(),
            ROWS.len(),
            "names must be unique after normalising"
        );
    }

    #[test]
    fn llama1_is_the_first_four_with_architectures() {
        let runs = llama1();
        let names: Vec<_> = runs.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["LLaMA-7B", "LLaMA-13B", "LLaMA-33B", "LLaMA-65B"]);
        for r in &runs {
            let a = r.architecture.unwrap();
            assert_eq!(a.params(), r.params);
            assert_eq!(r.accelerator().unwrap().name(), "A100 80GB");
        }
    }

    #[test]
    fn lookups() {
        assert_eq!(by_name("llama-7b").unwrap().name, "LLaMA-7B");
        assert_eq!(by_name("LLaMA 32.5B").unwrap().name, "LLaMA-33B");
        assert_eq!(by_name("llama 2 70b").unwrap().name, "Llama-2-70B");
        assert_eq!(by_name("LLAMA-3.1-405B").unwrap().name, "Llama-3.1-405B");
        assert_eq!(by_name("Chinchilla 70B").unwrap().name, "Chinchilla");
        match by_name("llama-4-8b") {
            Err(Error::UnknownName { what, known, .. }) => {
                assert_eq!(what, "published run");
                assert!(known.contains("Gopher"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn runs_without_gpu_hours_say_so() {
        let g = by_name("gopher").unwrap();
        assert!(matches!(
            g.implied_mfu(Precision::Bf16),
            Err(Error::InsufficientData { .. })
        ));
        assert_eq!(g.accelerator().unwrap().name(), "TPU v3");
        assert!(by_name("chinchilla").unwrap().accelerator().is_err());
    }

    #[test]
    fn serde_round_trips() {
        for r in catalog() {
            let json = serde_json::to_string(&r).unwrap();
            assert_eq!(serde_json::from_str::<PublishedRun>(&json).unwrap(), r);
        }
    }
}
