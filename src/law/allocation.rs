//! Allocation rules: compute-optimal model size and token count as power laws of compute,
//! N_opt = k_N C^a and D_opt = k_D C^b (Hoffmann et al. 2022, Sec. 3.1-3.2, Approaches 1
//! and 2), with parameter draws.
//!
//! A rule answers "what N and D are optimal at C", not "what loss": it implements
//! [`LossHypothesis`] so it can travel with the other hypotheses, but its loss queries
//! return [`Error::NotApplicable`] saying so.
//!
//! ```
//! use isoflop::law::{AllocationRule, Evidence, LossHypothesis};
//! let rule = AllocationRule::new("approach2", "example", 0.5, -2.0, 0.5, -0.5, vec![],
//!     Evidence::described("example"))?;
//! let (n, d) = rule.optimal("1e21".parse()?)?;
//! assert!((n.get() - (-2.0f64).exp() * 1e21f64.sqrt()).abs() < 1e-3 * n.get());
//! assert!(d.get() > 0.0);
//! let err = rule.point("1B".parse()?, "20B".parse()?).unwrap_err();
//! assert!(err.to_string().contains("allocation rule"));
//! // Deserialize validates: an exponent above 1 is refused.
//! let json = serde_json::to_string(&rule)?.replace("\"a\":0.5", "\"a\":1.5");
//! assert!(serde_json::from_str::<AllocationRule>(&json).is_err());
//! # Ok::<(), isoflop::Error>(())
//! ```

use super::{Evidence, LossHypothesis};
use crate::band::Band;
use crate::error::{check, Error, Result};
use crate::units::{Flops, Params, Tokens};
use serde::{Deserialize, Serialize};

/// ln N_opt = a ln C + ln k_N and ln D_opt = b ln C + ln k_D, with optional draws of
/// `[a, ln k_N, b, ln k_D]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawAllocationRule", into = "RawAllocationRule")]
pub struct AllocationRule {
    id: String,
    source: String,
    a: f64,
    ln_k_n: f64,
    b: f64,
    ln_k_d: f64,
    draws: Vec<[f64; 4]>,
    evidence: Evidence,
}

/// Serde form of [`AllocationRule`], validated by [`AllocationRule::new`] on the way in.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct RawAllocationRule {
    id: String,
    source: String,
    a: f64,
    ln_k_n: f64,
    b: f64,
    ln_k_d: f64,
    draws: Vec<[f64; 4]>,
    evidence: Evidence,
}

impl TryFrom<RawAllocationRule> for AllocationRule {
    type Error = Error;
    fn try_from(r: RawAllocationRule) -> Result<Self> {
        AllocationRule::new(
            r.id, r.source, r.a, r.ln_k_n, r.b, r.ln_k_d, r.draws, r.evidence,
        )
    }
}

impl From<AllocationRule> for RawAllocationRule {
    fn from(r: AllocationRule) -> Self {
        RawAllocationRule {
            id: r.id,
            source: r.source,
            a: r.a,
            ln_k_n: r.ln_k_n,
            b: r.b,
            ln_k_d: r.ln_k_d,
            draws: r.draws,
            evidence: r.evidence,
        }
    }
}

impl AllocationRule {
    /// A rule from its exponents and log-coefficients (C in FLOPs), and draws of
    /// `[a, ln k_N, b, ln k_D]` (may be empty).
    ///
    /// # Errors
    /// [`Error::InvalidValue`] for a non-finite number or an exponent outside (0, 1];
    /// [`Error::NotApplicable`] for an empty id.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        id: impl Into<String>,
        source: impl Into<String>,
        a: f64,
        ln_k_n: f64,
        b: f64,
        ln_k_d: f64,
        draws: Vec<[f64; 4]>,
        evidence: Evidence,
    ) -> Result<AllocationRule> {
        let id = id.into();
        if id.trim().is_empty() {
            return Err(Error::NotApplicable {
                what: "an allocation rule id".into(),
                reason: "it must not be empty".into(),
            });
        }
        for d in draws.iter().flatten() {
            check::finite("allocation rule draw", *d)?;
        }
        Ok(AllocationRule {
            id,
            source: source.into(),
            a: check::unit_interval("allocation exponent a (N_opt ~ C^a)", a)?,
            ln_k_n: check::finite("allocation ln k_N", ln_k_n)?,
            b: check::unit_interval("allocation exponent b (D_opt ~ C^b)", b)?,
            ln_k_d: check::finite("allocation ln k_D", ln_k_d)?,
            draws,
            evidence,
        })
    }

    /// Exponent a of N_opt ∝ C^a.
    pub fn a(&self) -> f64 {
        self.a
    }

    /// Exponent b of D_opt ∝ C^b.
    pub fn b(&self) -> f64 {
        self.b
    }

    /// The draws `[a, ln k_N, b, ln k_D]`.
    pub fn draws(&self) -> &[[f64; 4]] {
        &self.draws
    }

    /// The optimal (N, D) at compute `c` (point estimate). N and D come from separate
    /// regressions, so 6 N D need not equal C exactly.
    ///
    /// # Errors
    /// [`Error::NonFinite`] on overflow.
    pub fn optimal(&self, c: Flops) -> Result<(Params, Tokens)> {
        let lc = c.get().ln();
        let n = check::result("optimal N", (self.a * lc + self.ln_k_n).exp())?;
        let d = check::result("optimal D", (self.b * lc + self.ln_k_d).exp())?;
        Ok((Params::new(n)?, Tokens::new(d)?))
    }

    /// Bands of the optimal N and D at `c` over the draws (`None` without draws).
    ///
    /// # Errors
    /// An invalid `level`, or a non-finite draw.
    pub fn optimal_bands(&self, c: Flops, level: f64) -> Result<Option<(Band, Band)>> {
        check::open_unit("band level", level)?;
        if self.draws.is_empty() {
            return Ok(None);
        }
        let lc = c.get().ln();
        let mut ns: Vec<f64> = self
            .draws
            .iter()
            .map(|d| (d[0] * lc + d[1]).exp())
            .collect();
        let mut ds: Vec<f64> = self
            .draws
            .iter()
            .map(|d| (d[2] * lc + d[3]).exp())
            .collect();
        Ok(Some((
            Band::from_draws(&mut ns, level)?,
            Band::from_draws(&mut ds, level)?,
        )))
    }

    fn no_loss(&self) -> Error {
        Error::NotApplicable {
            what: format!("a loss query on {}", self.id),
            reason: "it is an allocation rule (optimal N and D as power laws of compute, Approach 1 or 2), not a loss law: ask it for the optimal N and D at a compute (`optimal`, `optimal_bands`), or fit Approach 3 for losses".into(),
        }
    }
}

impl LossHypothesis for AllocationRule {
    fn id(&self) -> String {
        self.id.clone()
    }
    fn assumption(&self) -> String {
        "The compute-optimal model size and token count each follow a power law of compute, as measured at the fitted budgets.".into()
    }
    fn source(&self) -> String {
        self.source.clone()
    }
    /// Always [`Error::NotApplicable`]: an allocation rule predicts no loss.
    fn point(&self, _n: Params, _d: Tokens) -> Result<f64> {
        Err(self.no_loss())
    }
    /// Always [`Error::NotApplicable`]: an allocation rule predicts no loss.
    fn floor(&self, _n: Params) -> Result<Option<f64>> {
        Err(self.no_loss())
    }
    /// 0: the draws are of the allocation, not of a loss (so the uncertainty of its loss is
    /// [`super::Uncertainty::None`]); see [`AllocationRule::draws`].
    fn draw_count(&self) -> usize {
        0
    }
    fn draws_into(&self, _n: Params, _d: Tokens, out: &mut Vec<f64>) -> Result<()> {
        out.clear();
        Err(self.no_loss())
    }
    fn evidence(&self) -> &Evidence {
        &self.evidence
    }
}
