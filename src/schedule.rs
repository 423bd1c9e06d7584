//! Learning-rate schedules as values, and the cumulative sums schedule-aware loss laws need.
//!
//! A [`Schedule`] is a peak learning rate, a linear warmup, a decay [`Shape`] and the batch
//! size in tokens (so steps convert to tokens and back). Shapes: constant, cosine to a final
//! fraction of the peak, linear decay, warmup-stable-decay (WSD) with a linear or 1-sqrt
//! cooldown (Hägele et al. 2024, arXiv:2405.18392, Sec. 3), and an explicit per-step list.
//!
//! **Step convention.** Steps are numbered 1..=T; η_j is the learning rate of step j. The
//! warmup is η_j = η_peak · j / w for j = 1..=w (so η_w = η_peak); after it the shape runs
//! from η_peak at step w to its final value at step T (a cosine reaches
//! `final_fraction · η_peak` exactly at T, as in LLaMA-1, Touvron et al. 2023, Sec. 2.2).
//!
//! **Sums.** With Δ_j = η_(j−1) − η_j the per-step decrease after warmup (j > w):
//! - S1(s) = Σ_(j=1..s) η_j, the *forward area* ([`Schedule::lr_sum`]), warmup included:
//!   the multi-power law writes it as S1 + S_W with S_W the warmup sum (Luo et al. 2025,
//!   arXiv:2503.12811, Eq. 1), and we use the same total for Tissue et al.'s law.
//! - m_s = Σ_(j=w+1..s) λ^(s−j) Δ_j, the *annealing momentum*, and
//!   S2(s) = Σ_(i=w+1..s) m_i ([`Schedule::annealing_area`]; Tissue et al. 2024,
//!   arXiv:2408.11029, Eq. 2-3, with decay factor λ, 0.999 in the paper). The momentum starts
//!   at zero at the end of warmup: a warmup *raises* the rate and is not annealing. Summing
//!   the geometric weights gives the identity S2(s) = ((η_w − η_s) − λ m_s) / (1 − λ).
//! - The multi-power law's loss-drop sum Σ_(k=w+1..t) Δ_k G(η_k^(−γ) S_k(t)),
//!   S_k(t) = Σ_(τ=k..t) η_τ, as weighted terms ([`Schedule::decay_terms`]).
//!
//! **Exact and fast.** S1 and m_s are closed forms on every analytic segment (arithmetic and
//! geometric series, Dirichlet's cosine sum, a complex geometric series for the momentum
//! of a cosine, the Euler–Maclaurin expansion of Σ √i for the 1-sqrt cooldown), so they cost
//! O(number of segments) whatever the length; explicit lists use prefix sums. Only the
//! momentum over a 1-sqrt cooldown or an explicit list loops, over at most the last
//! ⌈40 / (1 − λ)⌉ steps (older terms carry weight below e⁻⁴⁰). `tests` check every sum
//! against a direct per-step loop to 10⁻⁹ relative.
//!
//! The multi-power law's sum has no closed form (its summand depends on the step it is
//! evaluated at). [`Resolution::Exact`] sums every step (O(t) per step asked);
//! [`Resolution::Geometric`] groups steps into blocks that grow geometrically with the
//! distance from t (a block starting d steps back holds max(1, ⌊d·growth⌋) steps), keeps
//! each block's total decrease exact and evaluates the summand at the block's middle step.
//! Measured on LLaMA-7B's cosine (240,000 steps, multi-power parameters of Luo et al.'s
//! fits): the default `growth` 0.02 (≈ 500 blocks) is within 10⁻⁶ relative of the exact sum,
//! and 0.1 within 10⁻⁴ (`tests::coarse_grid_accuracy`).
//!
//! ```
//! use isoflop::schedule::Schedule;
//! use isoflop::units::Tokens;
//! // LLaMA-7B (Touvron et al. 2023, Sec. 2.2): peak 3e-4, 2,000 warmup steps, cosine to 10%.
//! let s = Schedule::cosine(3e-4, 2_000, 240_000, 0.1, Tokens::new(4_194_304.0)?)?;
//! assert!((s.lr(240_000)? - 3e-5).abs() < 1e-15);
//! assert_eq!(s.step_at(Tokens::new(1e12)?)?, 238_419);
//! let s1 = s.lr_sum(240_000)?;              // area under the whole schedule
//! assert!(s1 > 0.55 * 3e-4 * 238_000.0 && s1 < 0.56 * 3e-4 * 240_000.0);
//! # Ok::<(), isoflop::Error>(())
//! ```

use crate::error::{check, Error, Result};
use crate::units::Tokens;
use serde::{Deserialize, Serialize};
use std::f64::consts::PI;
use std::fmt;

/// The shape of a WSD schedule's cooldown (Hägele et al. 2024, arXiv:2405.18392, Sec. 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Cooldown {
    /// Linear from the peak to the final value.
    Linear,
    /// η = η_final + (η_peak − η_final)(1 − √(i / n)) at step i of an n-step cooldown;
    /// Hägele et al. report it beats the linear cooldown (their Fig. 5).
    OneMinusSqrt,
}

/// What the learning rate does after warmup.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Shape {
    /// Constant at the peak until the end.
    Constant,
    /// Half a cosine from the peak (end of warmup) to `final_fraction` × peak at the last step.
    Cosine {
        /// Final rate over peak, in [0, 1] (LLaMA-1: 0.1).
        final_fraction: f64,
    },
    /// Linear from the peak to `final_fraction` × peak at the last step.
    Linear {
        /// Final rate over peak, in [0, 1].
        final_fraction: f64,
    },
    /// Warmup-stable-decay: constant at the peak, then a cooldown over the last
    /// `cooldown_steps` steps to `final_fraction` × peak.
    Wsd {
        /// Steps of the cooldown (>= 1, at most the steps after warmup).
        cooldown_steps: u64,
        /// Final rate over peak, in [0, 1] (Hägele et al.: 0).
        final_fraction: f64,
        /// Linear or 1-sqrt.
        cooldown: Cooldown,
    },
    /// The learning rate of every step, warmup included (`lrs[j − 1]` is η_j); the
    /// schedule's `total_steps` is the list's length and its peak the list's maximum.
    Explicit {
        /// Per-step learning rates, finite and >= 0.
        lrs: Vec<f64>,
    },
}

impl Shape {
    fn name(&self) -> &'static str {
        match self {
            Shape::Constant => "constant",
            Shape::Cosine { .. } => "cosine",
            Shape::Linear { .. } => "linear decay",
            Shape::Wsd {
                cooldown: Cooldown::Linear,
                ..
            } => "WSD (linear cooldown)",
            Shape::Wsd {
                cooldown: Cooldown::OneMinusSqrt,
                ..
            } => "WSD (1-sqrt cooldown)",
            Shape::Explicit { .. } => "explicit",
        }
    }
}

/// One analytic piece of a schedule, over steps `first..=last`.
#[derive(Debug, Clone, PartialEq)]
struct Segment {
    first: u64,
    last: u64,
    piece: Piece,
}

/// η_j on a segment; `origin` is the step where the piece starts from `hi` / `from`.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Piece {
    /// η_j = peak · j / steps.
    Warmup { peak: f64, steps: u64 },
    /// η_j = lr.
    Constant { lr: f64 },
    /// η_j = hi + (lo − hi)(j − origin)/len.
    Linear {
        hi: f64,
        lo: f64,
        origin: u64,
        len: u64,
    },
    /// η_j = lo + (hi − lo)(1 + cos(π (j − origin)/len))/2.
    Cosine {
        hi: f64,
        lo: f64,
        origin: u64,
        len: u64,
    },
    /// η_j = lo + (hi − lo)(1 − √((j − origin)/len)).
    OneMinusSqrt {
        hi: f64,
        lo: f64,
        origin: u64,
        len: u64,
    },
    /// η_j = lrs[j − 1].
    Explicit,
}

/// A learning-rate schedule: peak rate, linear warmup, decay shape, tokens per step.
///
/// Build one with [`Schedule::new`] or a shorthand ([`Schedule::cosine`], [`Schedule::wsd`],
/// ...); deserialising validates the same way.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawSchedule")]
pub struct Schedule {
    peak_lr: f64,
    warmup_steps: u64,
    total_steps: u64,
    shape: Shape,
    batch_tokens: Tokens,
    #[serde(skip_serializing)]
    segments: Vec<Segment>,
    /// Prefix sums of an explicit list (`prefix[j]` = Σ_(i ≤ j) η_i), else empty.
    #[serde(skip_serializing)]
    prefix: Vec<f64>,
}

#[derive(Deserialize)]
struct RawSchedule {
    peak_lr: f64,
    warmup_steps: u64,
    total_steps: u64,
    shape: Shape,
    batch_tokens: Tokens,
}

impl TryFrom<RawSchedule> for Schedule {
    type Error = Error;
    fn try_from(r: RawSchedule) -> Result<Self> {
        Schedule::new(
            r.peak_lr,
            r.warmup_steps,
            r.total_steps,
            r.shape,
            r.batch_tokens,
        )
    }
}

/// How finely [`Schedule::decay_terms`] resolves the multi-power law's sum.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Resolution {
    /// One term per step: exact, O(t) per step asked.
    Exact,
    /// Blocks growing with the distance d from the step asked: the first `exact_steps`
    /// steps back are single terms, then a block starting d steps back holds
    /// max(1, ⌊d · growth⌋) steps (about ln(t)/growth blocks).
    Geometric {
        /// Steps resolved one by one next to the step asked.
        exact_steps: u64,
        /// Relative block growth, in (0, 1].
        growth: f64,
    },
}

impl Default for Resolution {
    /// `Geometric { exact_steps: 32, growth: 0.02 }`: within 10⁻⁶ relative of exact on a
    /// 240,000-step cosine (see the module docs).
    fn default() -> Self {
        Resolution::Geometric {
            exact_steps: 32,
            growth: 0.02,
        }
    }
}

/// One term of the multi-power law's loss-drop sum: the decrease of the learning rate over
/// a block of steps, and ln η and ln S_k(t) at the block's representative step k.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DecayTerm {
    /// η_(a−1) − η_b for the block a..=b (exact).
    pub weight: f64,
    /// ln η_k (−∞ for a zero rate).
    pub ln_lr: f64,
    /// ln S_k(t) = ln Σ_(τ=k..t) η_τ (−∞ if the rates from k on are all zero).
    pub ln_area: f64,
}

fn bad(what: &'static str, value: f64, allowed: &'static str) -> Error {
    Error::InvalidValue {
        what,
        value,
        allowed,
    }
}

fn fraction(what: &'static str, f: f64) -> Result<f64> {
    if f.is_finite() && (0.0..=1.0).contains(&f) {
        Ok(f)
    } else {
        Err(bad(
            what,
            f,
            "must be in [0, 1] (a fraction of the peak rate)",
        ))
    }
}

fn too_many_terms(steps: u64) -> Error {
    bad(
        "resolution of the multi-power decay sum",
        steps as f64,
        "must make at most 1,000,000 terms (Schedule::MAX_DECAY_TERMS) for the steps after warmup given here; use a coarser Resolution::Geometric (e.g. the default)",
    )
}

/// Σ_(i=1..n) √i: a loop below 32, else Euler–Maclaurin with ζ(−1/2) (error < 10⁻¹⁴ relative).
fn sqrt_sum(n: u64) -> f64 {
    if n < 32 {
        return (1..=n).map(|i| (i as f64).sqrt()).sum();
    }
    const ZETA_MINUS_HALF: f64 = -0.207_886_224_977_354_57;
    let x = n as f64;
    let r = x.sqrt();
    ZETA_MINUS_HALF + 2.0 / 3.0 * x * r + 0.5 * r + 1.0 / (24.0 * r) - 1.0 / (1920.0 * x * x * r)
        + 1.0 / (9216.0 * x.powi(4) * r)
}

impl Piece {
    #[inline]
    fn lr(&self, j: u64, lrs: &[f64]) -> f64 {
        match *self {
            Piece::Warmup { peak, steps } => peak * j as f64 / steps as f64,
            Piece::Constant { lr } => lr,
            Piece::Linear {
                hi,
                lo,
                origin,
                len,
            } => hi + (lo - hi) * (j - origin) as f64 / len as f64,
            Piece::Cosine {
                hi,
                lo,
                origin,
                len,
            } => lo + (hi - lo) * 0.5 * (1.0 + (PI * (j - origin) as f64 / len as f64).cos()),
            Piece::OneMinusSqrt {
                hi,
                lo,
                origin,
                len,
            } => lo + (hi - lo) * (1.0 - ((j - origin) as f64 / len as f64).sqrt()),
            Piece::Explicit => lrs[(j - 1) as usize],
        }
    }

    /// Σ_(j=a..=b) η_j within this piece (not for explicit lists).
    fn sum(&self, a: u64, b: u64) -> f64 {
        let n = (b - a + 1) as f64;
        match *self {
            Piece::Warmup { peak, steps } => peak / steps as f64 * (a + b) as f64 * n * 0.5,
            Piece::Constant { lr } => lr * n,
            Piece::Linear {
                hi,
                lo,
                origin,
                len,
            } => {
                let mean_i = ((a - origin) + (b - origin)) as f64 * 0.5;
                n * (hi + (lo - hi) * mean_i / len as f64)
            }
            Piece::Cosine {
                hi,
                lo,
                origin,
                len,
            } => {
                // Dirichlet: Σ_(i=ia..ib) cos(ωi) = sin(nω/2)/sin(ω/2) · cos(ω(ia+ib)/2).
                let w = PI / len as f64;
                let mid = ((a - origin) + (b - origin)) as f64 * 0.5;
                let cos_sum = (n * w * 0.5).sin() / (w * 0.5).sin() * (w * mid).cos();
                n * lo + (hi - lo) * 0.5 * (n + cos_sum)
            }
            Piece::OneMinusSqrt {
                hi,
                lo,
                origin,
                len,
            } => {
                let roots = sqrt_sum(b - origin) - sqrt_sum(a - 1 - origin);
                n * hi - (hi - lo) * roots / (len as f64).sqrt()
            }
            Piece::Explicit => f64::NAN,
        }
    }
}

impl Schedule {
    /// The longest schedule accepted: 2^53 steps (9.0e15), below which every step number
    /// and every sum of two step numbers is exact in `f64` and in `u64` (no wrap).
    pub const MAX_STEPS: u64 = 1 << 53;

    /// The most terms [`Schedule::decay_terms`] builds for one step (10⁶, 24 MB): an exact
    /// sum over more steps, or a block growth so small that the blocks stay single steps over
    /// more than that, is refused rather than allocated.
    pub const MAX_DECAY_TERMS: usize = 1_000_000;

    /// Decay factors λ with 1 − λ below this (and λ ≠ 1) are refused: the annealing area
    /// divides by 1 − λ and a momentum that forgets this slowly is λ = 1, the no-forgetting
    /// limit, to within rounding. Use λ = 1 for it.
    pub const MIN_ONE_MINUS_LAMBDA: f64 = 1e-9;

    /// Checks a decay factor λ of the annealing momentum: in (0, 1], and either 1 or at
    /// least [`Schedule::MIN_ONE_MINUS_LAMBDA`] below it.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] naming λ and what is allowed.
    ///
    /// # Examples
    /// ```
    /// use isoflop::schedule::Schedule;
    /// assert!(Schedule::check_lambda(0.999).is_ok());
    /// assert!(Schedule::check_lambda(1.0).is_ok()); // the no-forgetting limit
    /// assert!(Schedule::check_lambda(0.9999999999999999).is_err());
    /// assert!(Schedule::check_lambda(1.5).is_err());
    /// ```
    pub fn check_lambda(lambda: f64) -> Result<f64> {
        if lambda.is_finite()
            && lambda > 0.0
            && (lambda == 1.0 || 1.0 - lambda >= Schedule::MIN_ONE_MINUS_LAMBDA)
        {
            Ok(lambda)
        } else {
            Err(bad(
                "annealing decay factor lambda",
                lambda,
                "must be in (0, 1 - 1e-9] or exactly 1 (the no-forgetting limit)",
            ))
        }
    }

    /// A schedule of `total_steps` steps with peak rate `peak_lr`, `warmup_steps` of linear
    /// warmup, then `shape`; each step consumes `batch_tokens` tokens.
    ///
    /// For [`Shape::Explicit`] the list is the whole schedule: `total_steps` must equal its
    /// length and `peak_lr` its maximum ([`Schedule::explicit`] fills both in).
    ///
    /// # Errors
    /// [`Error::InvalidValue`] for a peak rate that is not finite and > 0, zero steps or more
    /// than [`Schedule::MAX_STEPS`], a peak times steps that overflows, a warmup as long as or longer than the run, a final fraction outside [0, 1], a cooldown
    /// of zero steps or longer than the steps after warmup, a negative or non-finite rate
    /// in an explicit list, or an explicit list whose length or maximum disagrees.
    ///
    /// # Examples
    /// ```
    /// use isoflop::schedule::{Schedule, Shape};
    /// let b = "4M".parse()?;
    /// assert!(Schedule::new(3e-4, 2_000, 1_000, Shape::Constant, b).is_err()); // warmup > run
    /// assert!(Schedule::new(-3e-4, 0, 1_000, Shape::Constant, b).is_err());
    /// assert!(Schedule::new(3e-4, 0, 1_000, Shape::Cosine { final_fraction: 1.5 }, b).is_err());
    /// # Ok::<(), isoflop::Error>(())
    /// ```
    pub fn new(
        peak_lr: f64,
        warmup_steps: u64,
        total_steps: u64,
        shape: Shape,
        batch_tokens: Tokens,
    ) -> Result<Schedule> {
        check::positive("peak learning rate", peak_lr)?;
        if total_steps == 0 {
            return Err(bad("number of training steps", 0.0, "must be at least 1"));
        }
        if total_steps > Schedule::MAX_STEPS {
            return Err(bad(
                "number of training steps",
                total_steps as f64,
                "must be at most 2^53 (9.0e15), so every step number is exact in f64",
            ));
        }
        if !(peak_lr * total_steps as f64).is_finite() {
            return Err(bad(
                "peak learning rate",
                peak_lr,
                "must keep the schedule's area (peak x steps) finite",
            ));
        }
        if warmup_steps >= total_steps && !matches!(shape, Shape::Explicit { .. }) {
            return Err(bad(
                "number of warmup steps",
                warmup_steps as f64,
                "must be shorter than the run (fewer than its total steps)",
            ));
        }
        let w = warmup_steps;
        let t = total_steps;
        let mut segments = Vec::with_capacity(3);
        let mut prefix = Vec::new();
        if w > 0 && !matches!(shape, Shape::Explicit { .. }) {
            segments.push(Segment {
                first: 1,
                last: w,
                piece: Piece::Warmup {
                    peak: peak_lr,
                    steps: w,
                },
            });
        }
        let after = t.saturating_sub(w);
        match &shape {
            Shape::Constant => segments.push(Segment {
                first: w + 1,
                last: t,
                piece: Piece::Constant { lr: peak_lr },
            }),
            Shape::Cosine { final_fraction } => {
                let f = fraction("final learning-rate fraction of a cosine", *final_fraction)?;
                segments.push(Segment {
                    first: w + 1,
                    last: t,
                    piece: Piece::Cosine {
                        hi: peak_lr,
                        lo: f * peak_lr,
                        origin: w,
                        len: after,
                    },
                });
            }
            Shape::Linear { final_fraction } => {
                let f = fraction(
                    "final learning-rate fraction of a linear decay",
                    *final_fraction,
                )?;
                segments.push(Segment {
                    first: w + 1,
                    last: t,
                    piece: Piece::Linear {
                        hi: peak_lr,
                        lo: f * peak_lr,
                        origin: w,
                        len: after,
                    },
                });
            }
            Shape::Wsd {
                cooldown_steps,
                final_fraction,
                cooldown,
            } => {
                let f = fraction(
                    "final learning-rate fraction of a WSD cooldown",
                    *final_fraction,
                )?;
                let cd = *cooldown_steps;
                if cd == 0 || cd > after {
                    return Err(bad(
                        "number of WSD cooldown steps",
                        cd as f64,
                        "must be at least 1 and at most the steps after warmup",
                    ));
                }
                if cd < after {
                    segments.push(Segment {
                        first: w + 1,
                        last: t - cd,
                        piece: Piece::Constant { lr: peak_lr },
                    });
                }
                let (hi, lo, origin, len) = (peak_lr, f * peak_lr, t - cd, cd);
                let piece = match cooldown {
                    Cooldown::Linear => Piece::Linear {
                        hi,
                        lo,
                        origin,
                        len,
                    },
                    Cooldown::OneMinusSqrt => Piece::OneMinusSqrt {
                        hi,
                        lo,
                        origin,
                        len,
                    },
                };
                segments.push(Segment {
                    first: t - cd + 1,
                    last: t,
                    piece,
                });
            }
            Shape::Explicit { lrs } => {
                if lrs.len() as u64 != t {
                    return Err(bad(
                        "number of steps of an explicit schedule",
                        t as f64,
                        "must equal the length of its list of rates",
                    ));
                }
                if w > t {
                    return Err(bad(
                        "number of warmup steps",
                        w as f64,
                        "must not exceed the length of the explicit list",
                    ));
                }
                prefix.reserve(lrs.len() + 1);
                prefix.push(0.0);
                let mut acc = 0.0;
                let mut max = 0.0f64;
                for &lr in lrs {
                    check::non_negative("learning rate in an explicit schedule", lr)?;
                    acc += lr;
                    max = max.max(lr);
                    prefix.push(acc);
                }
                if max != peak_lr {
                    return Err(bad(
                        "peak learning rate of an explicit schedule",
                        peak_lr,
                        "must equal the largest rate in the list",
                    ));
                }
                segments.push(Segment {
                    first: 1,
                    last: t,
                    piece: Piece::Explicit,
                });
            }
        }
        Ok(Schedule {
            peak_lr,
            warmup_steps,
            total_steps,
            shape,
            batch_tokens,
            segments,
            prefix,
        })
    }

    /// Warmup then half a cosine to `final_fraction` × peak at `total_steps`.
    ///
    /// # Errors
    /// As [`Schedule::new`].
    pub fn cosine(
        peak_lr: f64,
        warmup_steps: u64,
        total_steps: u64,
        final_fraction: f64,
        batch_tokens: Tokens,
    ) -> Result<Schedule> {
        Schedule::new(
            peak_lr,
            warmup_steps,
            total_steps,
            Shape::Cosine { final_fraction },
            batch_tokens,
        )
    }

    /// Warmup then a constant rate.
    ///
    /// # Errors
    /// As [`Schedule::new`].
    pub fn constant(
        peak_lr: f64,
        warmup_steps: u64,
        total_steps: u64,
        batch_tokens: Tokens,
    ) -> Result<Schedule> {
        Schedule::new(
            peak_lr,
            warmup_steps,
            total_steps,
            Shape::Constant,
            batch_tokens,
        )
    }

    /// Warmup, constant, then a cooldown of `cooldown_steps` to `final_fraction` × peak.
    ///
    /// # Errors
    /// As [`Schedule::new`].
    pub fn wsd(
        peak_lr: f64,
        warmup_steps: u64,
        total_steps: u64,
        cooldown_steps: u64,
        final_fraction: f64,
        cooldown: Cooldown,
        batch_tokens: Tokens,
    ) -> Result<Schedule> {
        Schedule::new(
            peak_lr,
            warmup_steps,
            total_steps,
            Shape::Wsd {
                cooldown_steps,
                final_fraction,
                cooldown,
            },
            batch_tokens,
        )
    }

    /// An explicit list of per-step rates (warmup included; `warmup_steps` marks where the
    /// annealing sums start).
    ///
    /// # Errors
    /// An empty list, a negative or non-finite rate, an all-zero list, or a warmup longer
    /// than the list ([`Error::InvalidValue`]).
    ///
    /// # Examples
    /// ```
    /// use isoflop::schedule::Schedule;
    /// let s = Schedule::explicit(vec![1e-4, 2e-4, 2e-4, 1e-4], 2, "1M".parse()?)?;
    /// assert!((s.lr_sum(4)? - 6e-4).abs() < 1e-18);
    /// assert!(Schedule::explicit(vec![1e-4, -1e-4], 0, "1M".parse()?).is_err());
    /// # Ok::<(), isoflop::Error>(())
    /// ```
    pub fn explicit(lrs: Vec<f64>, warmup_steps: u64, batch_tokens: Tokens) -> Result<Schedule> {
        let peak = lrs.iter().copied().fold(0.0f64, f64::max);
        if let Some(&bad_lr) = lrs.iter().find(|l| !(l.is_finite() && **l >= 0.0)) {
            return Err(bad(
                "learning rate in an explicit schedule",
                bad_lr,
                "must be finite and >= 0",
            ));
        }
        let t = lrs.len() as u64;
        Schedule::new(peak, warmup_steps, t, Shape::Explicit { lrs }, batch_tokens)
    }

    /// The same schedule planned for `total_steps` instead: same peak, warmup and shape; a
    /// WSD cooldown keeps its fraction of the steps after warmup (at least one step). Not
    /// defined for explicit lists.
    ///
    /// # Errors
    /// As [`Schedule::new`], and [`Error::NotApplicable`] for an explicit list.
    pub fn with_total_steps(&self, total_steps: u64) -> Result<Schedule> {
        let shape = match &self.shape {
            Shape::Explicit { .. } => {
                return Err(Error::NotApplicable {
                    what: "stretching an explicit schedule".into(),
                    reason: "an explicit list has no rule for a different length; build a new one"
                        .into(),
                })
            }
            Shape::Wsd {
                cooldown_steps,
                final_fraction,
                cooldown,
            } => {
                let frac = *cooldown_steps as f64 / (self.total_steps - self.warmup_steps) as f64;
                let after = total_steps.saturating_sub(self.warmup_steps) as f64;
                Shape::Wsd {
                    cooldown_steps: ((frac * after).round() as u64).max(1),
                    final_fraction: *final_fraction,
                    cooldown: *cooldown,
                }
            }
            s => s.clone(),
        };
        Schedule::new(
            self.peak_lr,
            self.warmup_steps,
            total_steps,
            shape,
            self.batch_tokens,
        )
    }

    /// The same schedule planned for `tokens` (rounded to whole steps).
    ///
    /// # Errors
    /// As [`Schedule::with_total_steps`]; fewer tokens than one batch is an error.
    pub fn with_total_tokens(&self, tokens: Tokens) -> Result<Schedule> {
        let steps = (tokens.get() / self.batch_tokens.get()).round();
        if !(1.0..=9.0e15).contains(&steps) {
            return Err(bad(
                "planned tokens of a schedule, in batches",
                steps,
                "must be at least one batch and below 9e15 steps",
            ));
        }
        self.with_total_steps(steps as u64)
    }

    /// The peak learning rate.
    pub fn peak_lr(&self) -> f64 {
        self.peak_lr
    }

    /// Warmup steps.
    pub fn warmup_steps(&self) -> u64 {
        self.warmup_steps
    }

    /// Total steps T.
    pub fn total_steps(&self) -> u64 {
        self.total_steps
    }

    /// The shape after warmup.
    pub fn shape(&self) -> &Shape {
        &self.shape
    }

    /// Tokens per step (the batch size in tokens).
    pub fn batch_tokens(&self) -> Tokens {
        self.batch_tokens
    }

    /// Tokens seen after `step` steps.
    ///
    /// # Errors
    /// Step 0 ([`Error::InvalidValue`]: a token count must be > 0).
    pub fn tokens_at(&self, step: u64) -> Result<Tokens> {
        Tokens::new(step as f64 * self.batch_tokens.get())
    }

    /// Total tokens of the run.
    pub fn total_tokens(&self) -> Tokens {
        Tokens::raw(self.total_steps as f64 * self.batch_tokens.get())
    }

    /// The step at which `tokens` have been seen, rounded to the nearest step.
    ///
    /// # Errors
    /// [`Error::NotApplicable`] before the first step or beyond the schedule's end (by
    /// more than half a step).
    pub fn step_at(&self, tokens: Tokens) -> Result<u64> {
        let s = (tokens.get() / self.batch_tokens.get()).round();
        if s < 1.0 || s > self.total_steps as f64 {
            return Err(Error::NotApplicable {
                what: format!("{tokens} tokens on this schedule"),
                reason: format!(
                    "the schedule runs from 1 to {} steps of {} tokens ({} tokens); plan a longer one with with_total_tokens",
                    self.total_steps,
                    self.batch_tokens,
                    self.total_tokens()
                ),
            });
        }
        Ok(s as u64)
    }

    fn check_step(&self, step: u64, allow_zero: bool) -> Result<()> {
        if (step == 0 && !allow_zero) || step > self.total_steps {
            return Err(Error::NotApplicable {
                what: format!("step {step} of a schedule"),
                reason: format!("the schedule has steps 1 to {}", self.total_steps),
            });
        }
        Ok(())
    }

    #[inline]
    fn lr_unchecked(&self, j: u64) -> f64 {
        for seg in &self.segments {
            if j <= seg.last {
                return seg.piece.lr(j, self.lrs());
            }
        }
        f64::NAN
    }

    fn lrs(&self) -> &[f64] {
        match &self.shape {
            Shape::Explicit { lrs } => lrs,
            _ => &[],
        }
    }

    /// η_j, the learning rate of step `step` (1-based).
    ///
    /// # Errors
    /// [`Error::NotApplicable`] for step 0 or beyond the last step.
    pub fn lr(&self, step: u64) -> Result<f64> {
        self.check_step(step, false)?;
        Ok(self.lr_unchecked(step))
    }

    #[inline]
    fn prefix_unchecked(&self, s: u64) -> f64 {
        if !self.prefix.is_empty() {
            return self.prefix[s as usize];
        }
        let mut acc = 0.0;
        for seg in &self.segments {
            if s < seg.first {
                break;
            }
            acc += seg.piece.sum(seg.first, s.min(seg.last));
        }
        acc
    }

    /// S1(s) = Σ_(j=1..s) η_j, the forward area up to step `s` (0 at step 0), warmup included.
    ///
    /// # Errors
    /// [`Error::NotApplicable`] beyond the last step.
    pub fn lr_sum(&self, step: u64) -> Result<f64> {
        self.check_step(step, true)?;
        Ok(self.prefix_unchecked(step))
    }

    /// S_W = Σ_(j=1..w) η_j, the warmup's area.
    pub fn warmup_sum(&self) -> f64 {
        self.prefix_unchecked(self.warmup_steps)
    }

    /// m_s = Σ_(j=w+1..s) λ^(s−j) Δ_j with Δ_j = η_(j−1) − η_j: Tissue et al.'s annealing
    /// momentum at step `s` (0 during warmup).
    ///
    /// # Errors
    /// [`Error::NotApplicable`] beyond the last step; [`Error::InvalidValue`] for λ that
    /// [`Schedule::check_lambda`] refuses.
    pub fn momentum(&self, step: u64, lambda: f64) -> Result<f64> {
        self.check_step(step, true)?;
        Schedule::check_lambda(lambda)?;
        Ok(self.momentum_unchecked(step, lambda))
    }

    fn momentum_unchecked(&self, s: u64, lambda: f64) -> f64 {
        let w = self.warmup_steps;
        if s <= w {
            return 0.0;
        }
        if lambda == 1.0 {
            // No forgetting: the momentum is every decrease since warmup.
            return self.lr_start_of_decay() - self.lr_unchecked(s);
        }
        let ln_l = lambda.ln();
        let horizon = (40.0 / (1.0 - lambda)).ceil() as u64;
        let mut m = 0.0;
        for seg in &self.segments {
            let a = seg.first.max(w + 1);
            if a > s {
                break;
            }
            let b = seg.last.min(s);
            if a > b {
                continue;
            }
            let n = b - a + 1;
            let lag = ((s - b) as f64 * ln_l).exp(); // λ^(s−b)
            match seg.piece {
                Piece::Warmup { .. } | Piece::Constant { .. } => {}
                Piece::Linear { hi, lo, len, .. } => {
                    let d = (hi - lo) / len as f64;
                    // Σ_(k=0..n−1) λ^k = (1 − λ^n)/(1 − λ), with expm1 for accuracy.
                    let geo = -(n as f64 * ln_l).exp_m1() / -(ln_l.exp_m1());
                    m += lag * d * geo;
                }
                Piece::Cosine {
                    hi,
                    lo,
                    origin,
                    len,
                } => {
                    // Δ_j = h [cos(ω(i−1)) − cos(ωi)] = H sin(ω(i − 1/2)), i = j − origin,
                    // h = (hi − lo)/2, H = 2h sin(ω/2). With q = λ e^(−iω):
                    // Σ_(k=0..n−1) λ^k Δ_(b−k) = H Im[e^(iω(i_b − 1/2)) (1 − q^n)/(1 − q)].
                    // 1 − q^n = (1 − λ^n) + 2λ^n sin²(nω/2) + i λ^n sin(nω): no cancellation.
                    let om = PI / len as f64;
                    let big_h = (hi - lo) * (0.5 * om).sin();
                    let ib = (b - origin) as f64;
                    let one_m_q = one_minus_q(1.0, ln_l, om);
                    let one_m_qn = one_minus_q(n as f64, ln_l, om);
                    let ratio = cdiv(one_m_qn, one_m_q);
                    let (sb, cb) = (om * (ib - 0.5)).sin_cos();
                    let z = cmul((cb, sb), ratio);
                    m += lag * big_h * z.1;
                }
                Piece::OneMinusSqrt { .. } | Piece::Explicit => {
                    if s - b > horizon {
                        continue;
                    }
                    let from = a.max(s.saturating_sub(horizon));
                    let lrs = self.lrs();
                    let mut prev = if from == 1 {
                        self.lr_start_of_decay()
                    } else {
                        self.lr_unchecked(from - 1)
                    };
                    let mut acc = 0.0;
                    for j in from..=b {
                        let cur = seg.piece.lr(j, lrs);
                        acc = acc * lambda + (prev - cur);
                        prev = cur;
                    }
                    m += lag * acc;
                }
            }
        }
        m
    }

    /// S2(s) = Σ_(i=w+1..s) m_i, Tissue et al.'s annealing area with decay factor λ,
    /// computed as ((η_w − η_s) − λ m_s)/(1 − λ); at λ = 1 (no forgetting, the limit of
    /// λ → 1) it is Σ_(i=w+1..s) (η_w − η_i), the area between the start of the decay
    /// and the schedule.
    ///
    /// # Errors
    /// As [`Schedule::momentum`].
    ///
    /// # Examples
    /// ```
    /// use isoflop::schedule::Schedule;
    /// // A constant schedule never anneals.
    /// let s = Schedule::constant(3e-4, 100, 1_000, "4M".parse()?)?;
    /// assert_eq!(s.annealing_area(1_000, 0.999)?, 0.0);
    /// # Ok::<(), isoflop::Error>(())
    /// ```
    pub fn annealing_area(&self, step: u64, lambda: f64) -> Result<f64> {
        let m = self.momentum(step, lambda)?;
        if step <= self.warmup_steps {
            return Ok(0.0);
        }
        let eta_w = self.lr_start_of_decay();
        let eta_s = self.lr_unchecked(step);
        if lambda == 1.0 {
            // S2 = Σ_(i=w+1..s) (η_w − η_i) = (s − w) η_w − (S1(s) − S1(w)).
            let w = self.warmup_steps;
            let below = (step - w) as f64 * eta_w
                - (self.prefix_unchecked(step) - self.prefix_unchecked(w));
            return Ok(below);
        }
        Ok(((eta_w - eta_s) - lambda * m) / (1.0 - lambda))
    }

    /// η_w, the rate the decay starts from (η_0 in the multi-power law): the rate at the
    /// last warmup step; without warmup, the peak (an analytic shape starts from it at
    /// step 0) or, for an explicit list, its first rate.
    pub fn lr_start_of_decay(&self) -> f64 {
        match (self.warmup_steps, &self.shape) {
            (0, Shape::Explicit { lrs }) => lrs[0],
            (0, _) => self.peak_lr,
            (w, _) => self.lr_unchecked(w),
        }
    }

    /// The terms of the multi-power law's loss-drop sum at step `t`: for each block a..=b of
    /// steps after warmup (b ≤ t), the decrease η_(a−1) − η_b and ln η_k, ln S_k(t) at its
    /// representative step k. Σ weight · G(e^(ln_area − γ ln_lr)) is then
    /// Σ_k Δ_k G(η_k^(−γ) S_k(t)) exactly ([`Resolution::Exact`]) or by block quadrature.
    /// `out` is cleared first.
    ///
    /// # Errors
    /// [`Error::NotApplicable`] beyond the last step; [`Error::InvalidValue`] for a growth
    /// outside (0, 1], or a resolution that would make more than
    /// [`Schedule::MAX_DECAY_TERMS`] terms.
    pub fn decay_terms(
        &self,
        t: u64,
        resolution: Resolution,
        out: &mut Vec<DecayTerm>,
    ) -> Result<()> {
        self.check_step(t, true)?;
        out.clear();
        let (exact_steps, growth) = match resolution {
            Resolution::Exact => (u64::MAX, 1.0),
            Resolution::Geometric {
                exact_steps,
                growth,
            } => {
                check::unit_interval("block growth of the decay sum", growth)?;
                (exact_steps, growth)
            }
        };
        let w = self.warmup_steps;
        if t <= w {
            return Ok(());
        }
        if matches!(resolution, Resolution::Exact) && t - w > Schedule::MAX_DECAY_TERMS as u64 {
            return Err(too_many_terms(t - w));
        }
        let p_t = self.prefix_unchecked(t);
        let eta0 = self.lr_start_of_decay();
        // Walk backwards from t: block b..=a (b the later step).
        let mut b = t;
        let mut eta_b = self.lr_unchecked(b);
        while b > w {
            let d = t - b;
            let len = if d < exact_steps {
                1
            } else {
                ((d as f64 * growth) as u64).max(1)
            };
            let a = b.saturating_sub(len - 1).max(w + 1);
            let eta_before = if a == 1 {
                eta0
            } else {
                self.lr_unchecked(a - 1)
            };
            let weight = eta_before - eta_b;
            let (lr_k, area) = if a == b {
                (eta_b, p_t - self.prefix_unchecked(a - 1))
            } else {
                // The weight's centroid k* = Σ k Δ_k / Σ Δ_k (summation by parts:
                // Σ k Δ_k = a η_(a−1) − b η_b + Σ_(k=a..b−1) η_k) cancels the quadrature's
                // first-order error; η and the prefix sum are interpolated between steps.
                let (pa, pb) = (self.prefix_unchecked(a - 1), self.prefix_unchecked(b - 1));
                let num = a as f64 * eta_before - b as f64 * eta_b + (pb - pa);
                let mid = 0.5 * (a + b) as f64;
                let centroid = if weight != 0.0 { num / weight } else { mid };
                let kc = if centroid >= a as f64 && centroid <= b as f64 {
                    centroid
                } else {
                    mid
                };
                let kf = (kc.floor() as u64).clamp(a, b);
                let frac = kc - kf as f64;
                let eta_f = self.lr_unchecked(kf);
                let eta_next = if kf < b {
                    self.lr_unchecked(kf + 1)
                } else {
                    eta_f
                };
                (
                    eta_f + frac * (eta_next - eta_f),
                    p_t - self.prefix_unchecked(kf - 1) - frac * eta_f,
                )
            };
            if out.len() == Schedule::MAX_DECAY_TERMS {
                out.clear();
                return Err(too_many_terms(t - w));
            }
            out.push(DecayTerm {
                weight,
                ln_lr: lr_k.ln(),
                ln_area: if area > 0.0 {
                    area.ln()
                } else {
                    f64::NEG_INFINITY
                },
            });
            b = a - 1;
            eta_b = eta_before;
        }
        Ok(())
    }
}

/// 1 − λ^n e^(−inω) without cancellation, from ln λ.
#[inline]
fn one_minus_q(n: f64, ln_l: f64, om: f64) -> (f64, f64) {
    let ln_ln = n * ln_l;
    let ln_pow = ln_ln.exp();
    let half = (0.5 * n * om).sin();
    (
        -ln_ln.exp_m1() + 2.0 * ln_pow * half * half,
        ln_pow * (n * om).sin(),
    )
}

#[inline]
fn cmul(a: (f64, f64), b: (f64, f64)) -> (f64, f64) {
    (a.0 * b.0 - a.1 * b.1, a.0 * b.1 + a.1 * b.0)
}

#[inline]
fn cdiv(a: (f64, f64), b: (f64, f64)) -> (f64, f64) {
    let den = b.0 * b.0 + b.1 * b.1;
    ((a.0 * b.0 + a.1 * b.1) / den, (a.1 * b.0 - a.0 * b.1) / den)
}

impl fmt::Display for Schedule {
    /// E.g. "cosine to 10% of peak 3.0e-4, 2000 warmup steps, 240000 steps of 4.19M tokens (1.01T)".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.shape {
            Shape::Cosine { final_fraction } | Shape::Linear { final_fraction } => {
                write!(f, "{} to {}% of", self.shape.name(), final_fraction * 100.0)?
            }
            Shape::Wsd {
                cooldown_steps,
                final_fraction,
                ..
            } => write!(
                f,
                "{} over the last {cooldown_steps} steps to {}% of",
                self.shape.name(),
                final_fraction * 100.0
            )?,
            s => write!(f, "{} at", s.name())?,
        }
        write!(
            f,
            " peak {:.1e}, {} warmup steps, {} steps of {} tokens ({} tokens)",
            self.peak_lr,
            self.warmup_steps,
            self.total_steps,
            self.batch_tokens,
            self.total_tokens()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch() -> Tokens {
        Tokens::new(4_194_304.0).unwrap()
    }

    /// Every rate by the textbook formula, one step at a time (the independent reference).
    fn direct_lrs(s: &Schedule) -> Vec<f64> {
        let (p, w, t) = (s.peak_lr, s.warmup_steps, s.total_steps);
        (1..=t)
            .map(|j| {
                if j <= w && !matches!(s.shape, Shape::Explicit { .. }) {
                    return p * j as f64 / w as f64;
                }
                let x = j.saturating_sub(w) as f64 / t.saturating_sub(w).max(1) as f64;
                match &s.shape {
                    Shape::Constant => p,
                    Shape::Cosine { final_fraction: f } => {
                        f * p + (1.0 - f) * p * 0.5 * (1.0 + (PI * x).cos())
                    }
                    Shape::Linear { final_fraction: f } => p - (1.0 - f) * p * x,
                    Shape::Wsd {
                        cooldown_steps: cd,
                        final_fraction: f,
                        cooldown,
                    } => {
                        if j <= t - cd {
                            p
                        } else {
                            let y = (j - (t - cd)) as f64 / *cd as f64;
                            match cooldown {
                                Cooldown::Linear => p - (1.0 - f) * p * y,
                                Cooldown::OneMinusSqrt => f * p + (1.0 - f) * p * (1.0 - y.sqrt()),
                            }
                        }
                    }
                    Shape::Explicit { lrs } => lrs[(j - 1) as usize],
                }
            })
            .collect()
    }

    /// S1, m and S2 by the recursions of Tissue et al. 2024 (Eq. 2-3), step by step.
    fn direct_sums(s: &Schedule, lambda: f64) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
        let lrs = direct_lrs(s);
        let w = s.warmup_steps as usize;
        let eta0 = match &s.shape {
            Shape::Explicit { lrs } if w == 0 => lrs[0],
            _ if w == 0 => s.peak_lr,
            _ => lrs[w - 1],
        };
        let (mut s1, mut m, mut s2) = (vec![0.0], vec![0.0], vec![0.0]);
        let (mut acc1, mut mom, mut acc2) = (0.0, 0.0, 0.0);
        for j in 1..=lrs.len() {
            acc1 += lrs[j - 1];
            if j > w {
                let prev = if j >= 2 { lrs[j - 2] } else { eta0 };
                mom = lambda * mom + (prev - lrs[j - 1]);
                acc2 += mom;
            }
            s1.push(acc1);
            m.push(mom);
            s2.push(acc2);
        }
        (s1, m, s2)
    }

    fn rel(a: f64, b: f64) -> f64 {
        if a == b {
            0.0
        } else {
            (a - b).abs() / b.abs().max(1e-300)
        }
    }

    fn shapes() -> Vec<Schedule> {
        let b = batch();
        vec![
            Schedule::cosine(3e-4, 2_000, 240_000, 0.1, b).unwrap(),
            Schedule::cosine(1.5e-4, 0, 5_001, 0.0, b).unwrap(),
            Schedule::constant(3e-4, 500, 20_000, b).unwrap(),
            Schedule::new(
                3e-4,
                300,
                30_000,
                Shape::Linear {
                    final_fraction: 0.05,
                },
                b,
            )
            .unwrap(),
            Schedule::wsd(3e-4, 1_000, 50_000, 10_000, 0.0, Cooldown::Linear, b).unwrap(),
            Schedule::wsd(3e-4, 1_000, 50_000, 9_000, 0.1, Cooldown::OneMinusSqrt, b).unwrap(),
            Schedule::explicit(
                (1..=3_000)
                    .map(|j| 1e-4 * (1.0 + 0.5 * ((j as f64) / 150.0).sin()))
                    .collect(),
                100,
                b,
            )
            .unwrap(),
        ]
    }

    #[test]
    fn sums_match_a_direct_loop() {
        for s in shapes() {
            for lambda in [0.99, 0.999, 1.0] {
                let lrs = direct_lrs(&s);
                let (s1, m, s2) = direct_sums(&s, lambda);
                let t = s.total_steps;
                let probe: Vec<u64> = (0..=40)
                    .map(|i| (t * i / 40).max(1))
                    .chain([1, s.warmup_steps.max(1), s.warmup_steps + 1, t - 1, t])
                    .collect();
                for &j in &probe {
                    let ju = j as usize;
                    assert!(rel(s.lr(j).unwrap(), lrs[ju - 1]) < 1e-12, "{s} lr at {j}");
                    assert!(rel(s.lr_sum(j).unwrap(), s1[ju]) < 1e-9, "{s} S1 at {j}");
                    // The reference itself differences nearly equal rates (Δ_j = η_(j−1) − η_j
                    // loses ~2 ulp of the peak per step); its rounding floor is
                    // 4 ε η_peak / (1 − λ), far below any rate that matters.
                    let floor = 4.0 * f64::EPSILON * s.peak_lr / (1.0 - lambda).max(1e-3);
                    let mm = s.momentum(j, lambda).unwrap();
                    assert!(
                        (mm - m[ju]).abs() <= 1e-9 * m[ju].abs() + floor,
                        "{s} m at {j}: {mm} vs {}",
                        m[ju]
                    );
                    let a2 = s.annealing_area(j, lambda).unwrap();
                    assert!(
                        (a2 - s2[ju]).abs() <= 1e-9 * s2[ju].abs() + floor,
                        "{s} S2 at {j} (lambda {lambda}): {a2} vs {}",
                        s2[ju]
                    );
                }
            }
        }
    }

    /// Σ_k Δ_k G(η_k^−γ S_k(t)) by a direct loop, for G(x) = 1 − (Cx + 1)^−β.
    fn direct_ld(s: &Schedule, t: u64, c: f64, beta: f64, gamma: f64) -> f64 {
        let lrs = direct_lrs(s);
        let w = s.warmup_steps as usize;
        let eta0 = if w == 0 { s.peak_lr } else { lrs[w - 1] };
        let t = t as usize;
        let mut ld = 0.0;
        let mut tail = 0.0; // S_k(t), built from t backwards
        for k in (w + 1..=t).rev() {
            tail += lrs[k - 1];
            let prev = if k >= 2 { lrs[k - 2] } else { eta0 };
            let x = if tail == 0.0 {
                0.0
            } else {
                lrs[k - 1].powf(-gamma) * tail
            };
            ld += (prev - lrs[k - 1]) * (1.0 - (c * x + 1.0).powf(-beta));
        }
        ld
    }

    fn ld_from_terms(terms: &[DecayTerm], c: f64, beta: f64, gamma: f64) -> f64 {
        terms
            .iter()
            .map(|d| {
                let x = if d.ln_area == f64::NEG_INFINITY {
                    0.0
                } else {
                    (d.ln_area - gamma * d.ln_lr).exp()
                };
                d.weight * (1.0 - (c * x + 1.0).powf(-beta))
            })
            .sum()
    }

    #[test]
    fn exact_decay_terms_match_a_direct_loop() {
        // Parameters of the order of Luo et al. 2025's fits (C ~ 2, beta ~ 0.5, gamma ~ 0.6).
        let (c, beta, gamma) = (2.0, 0.5, 0.6);
        let mut out = Vec::new();
        for s in shapes() {
            for t in [s.warmup_steps + 1, s.total_steps / 2 + 7, s.total_steps] {
                s.decay_terms(t, Resolution::Exact, &mut out).unwrap();
                let got = ld_from_terms(&out, c, beta, gamma);
                let want = direct_ld(&s, t, c, beta, gamma);
                assert!(
                    (got - want).abs() <= 1e-9 * want.abs() + 1e-18,
                    "{s} at {t}: {got} vs {want}"
                );
            }
        }
    }

    #[test]
    fn coarse_grid_accuracy() {
        let s = Schedule::cosine(3e-4, 2_000, 240_000, 0.1, batch()).unwrap();
        let (c, beta, gamma) = (2.0, 0.5, 0.6);
        let mut out = Vec::new();
        for (growth, tol) in [(0.02, 2e-6), (0.1, 5e-5)] {
            let res = Resolution::Geometric {
                exact_steps: 32,
                growth,
            };
            for t in [10_000, 120_000, 240_000] {
                s.decay_terms(t, res, &mut out).unwrap();
                let got = ld_from_terms(&out, c, beta, gamma);
                let want = direct_ld(&s, t, c, beta, gamma);
                assert!(
                    rel(got, want) < tol,
                    "growth {growth} at {t}: {got} vs {want} ({} blocks)",
                    out.len()
                );
            }
        }
        s.decay_terms(240_000, Resolution::default(), &mut out)
            .unwrap();
        assert!(out.len() < 700, "{} blocks", out.len());
    }

    #[test]
    fn bad_schedules_are_typed_errors() {
        let b = batch();
        let inv = |r: Result<Schedule>| matches!(r, Err(Error::InvalidValue { .. }));
        assert!(inv(Schedule::constant(-1e-4, 0, 10, b)));
        assert!(inv(Schedule::constant(0.0, 0, 10, b)));
        assert!(inv(Schedule::constant(f64::NAN, 0, 10, b)));
        assert!(inv(Schedule::constant(1e-4, 0, 0, b)));
        assert!(inv(Schedule::constant(1e-4, 10, 10, b)));
        assert!(inv(Schedule::cosine(1e-4, 20, 10, 0.1, b)));
        assert!(inv(Schedule::cosine(1e-4, 0, 10, 1.5, b)));
        assert!(inv(Schedule::cosine(1e-4, 0, 10, -0.1, b)));
        assert!(inv(Schedule::wsd(1e-4, 5, 10, 6, 0.0, Cooldown::Linear, b)));
        assert!(inv(Schedule::wsd(1e-4, 5, 10, 0, 0.0, Cooldown::Linear, b)));
        assert!(inv(Schedule::explicit(vec![], 0, b)));
        assert!(inv(Schedule::explicit(vec![1e-4, f64::INFINITY], 0, b)));
        assert!(inv(Schedule::explicit(vec![1e-4, 2e-4], 3, b)));
        assert!(inv(Schedule::explicit(vec![0.0, 0.0], 0, b)));
        let s = Schedule::cosine(1e-4, 0, 10, 0.1, b).unwrap();
        assert!(matches!(s.lr(11), Err(Error::NotApplicable { .. })));
        assert!(matches!(s.lr(0), Err(Error::NotApplicable { .. })));
        assert!(matches!(
            s.momentum(5, 1.5),
            Err(Error::InvalidValue { .. })
        ));
        assert!(matches!(
            s.momentum(5, 1.0 - 1e-12),
            Err(Error::InvalidValue { .. })
        ));
        // λ = 1 is the no-forgetting limit: every decrease since the start of the decay.
        let m = s.momentum(5, 1.0).unwrap();
        assert!((m - (s.lr_start_of_decay() - s.lr(5).unwrap())).abs() < 1e-18);
        assert!(s.step_at(Tokens::new(1e12).unwrap()).is_err());
    }

    #[test]
    fn serde_round_trips_and_validates() {
        for s in shapes() {
            let json = serde_json::to_string(&s).unwrap();
            let back: Schedule = serde_json::from_str(&json).unwrap();
            assert_eq!(back, s);
        }
        let bad = r#"{"peak_lr":3e-4,"warmup_steps":10,"total_steps":100,"shape":{"Cosine":{"final_fraction":2.0}},"batch_tokens":4e6}"#;
        let err = serde_json::from_str::<Schedule>(bad).unwrap_err();
        assert!(
            err.to_string().contains("final learning-rate fraction"),
            "{err}"
        );
        let neg = r#"{"peak_lr":-3e-4,"warmup_steps":10,"total_steps":100,"shape":"Constant","batch_tokens":4e6}"#;
        assert!(serde_json::from_str::<Schedule>(neg).is_err());
    }

    #[test]
    fn longer_plans_keep_the_shape() {
        let s = Schedule::cosine(3e-4, 2_000, 240_000, 0.1, batch()).unwrap();
        let long = s.with_total_tokens(Tokens::new(13.6e12).unwrap()).unwrap();
        assert_eq!(long.total_steps(), 3_242_493);
        assert!(rel(long.lr(long.total_steps()).unwrap(), 3e-5) < 1e-12);
        let w = Schedule::wsd(
            3e-4,
            1_000,
            51_000,
            10_000,
            0.0,
            Cooldown::OneMinusSqrt,
            batch(),
        )
        .unwrap();
        match w.with_total_steps(101_000).unwrap().shape() {
            Shape::Wsd { cooldown_steps, .. } => assert_eq!(*cooldown_steps, 20_000),
            other => panic!("{other:?}"),
        }
    }
}
