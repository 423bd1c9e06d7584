//! The Chinchilla parametric law, L(N, D) = E + A / N^α + B / D^β
//! (Hoffmann et al. 2022, arXiv:2203.15556, Eq. 2), with its published presets.

use super::{Caveat, ChinchillaLaws, Evidence, LossHypothesis, Uncertainty};
use crate::error::{check, Error, Result};
use crate::units::{Flops, Params, Tokens};
use serde::{Deserialize, Serialize};

/// The five parameters of the Chinchilla law. All must be finite and > 0.
///
/// ```
/// use isoflop::law::ChinchillaLaw;
/// use isoflop::units::{Params, Tokens};
/// let law = ChinchillaLaw::hoffmann2022();
/// let loss = law.loss(Params::new(70e9)?, Tokens::new(1.4e12)?)?;
/// assert!((loss - 1.9367).abs() < 1e-3);
/// # Ok::<(), isoflop::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawChinchilla", into = "RawChinchilla")]
pub struct ChinchillaLaw {
    e: f64,
    a: f64,
    b: f64,
    alpha: f64,
    beta: f64,
}

/// Serde form of [`ChinchillaLaw`]: field names as in the paper.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct RawChinchilla {
    #[serde(rename = "E")]
    e: f64,
    #[serde(rename = "A")]
    a: f64,
    #[serde(rename = "B")]
    b: f64,
    alpha: f64,
    beta: f64,
}

impl TryFrom<RawChinchilla> for ChinchillaLaw {
    type Error = Error;
    fn try_from(r: RawChinchilla) -> Result<Self> {
        ChinchillaLaw::new(r.e, r.a, r.b, r.alpha, r.beta)
    }
}

impl From<ChinchillaLaw> for RawChinchilla {
    fn from(l: ChinchillaLaw) -> Self {
        RawChinchilla {
            e: l.e,
            a: l.a,
            b: l.b,
            alpha: l.alpha,
            beta: l.beta,
        }
    }
}

impl ChinchillaLaw {
    /// A law from E (irreducible loss, nats/token), A, B and the exponents α, β.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] unless E, A, B, α and β are all finite and > 0.
    ///
    /// # Examples
    ///
    /// ```
    /// use isoflop::law::ChinchillaLaw;
    /// let law = ChinchillaLaw::new(1.69, 406.4, 410.7, 0.34, 0.28)?; // Hoffmann et al. 2022, Eq. 10
    /// assert!(ChinchillaLaw::new(1.69, 406.4, 410.7, f64::NAN, 0.28).is_err());
    /// # let _ = law;
    /// # Ok::<(), isoflop::Error>(())
    /// ```
    pub fn new(e: f64, a: f64, b: f64, alpha: f64, beta: f64) -> Result<Self> {
        Ok(ChinchillaLaw {
            e: check::positive("Chinchilla E (irreducible loss)", e)?,
            a: check::positive("Chinchilla A", a)?,
            b: check::positive("Chinchilla B", b)?,
            alpha: check::positive("Chinchilla alpha", alpha)?,
            beta: check::positive("Chinchilla beta", beta)?,
        })
    }

    /// From the log-parameterisation used in fitting: a = ln A, b = ln B, e = ln E.
    ///
    /// # Errors
    ///
    /// As [`ChinchillaLaw::new`] on (e^e, e^a, e^b, α, β).
    pub fn from_logs(ln_a: f64, ln_b: f64, ln_e: f64, alpha: f64, beta: f64) -> Result<Self> {
        ChinchillaLaw::new(ln_e.exp(), ln_a.exp(), ln_b.exp(), alpha, beta)
    }

    /// Hoffmann et al. 2022, Approach 3, as printed (App. D.2): E = 1.69, A = 406.4,
    /// B = 410.7, α = 0.34, β = 0.28.
    pub fn hoffmann2022() -> Self {
        ChinchillaLaw {
            e: 1.69,
            a: 406.4,
            b: 410.7,
            alpha: 0.34,
            beta: 0.28,
        }
    }

    /// Hoffmann et al. 2022, Approach 3, unrounded, from the paper's TeX source as
    /// reported by Besiroglu et al. 2024 (arXiv:2404.10102): ln A = 6.0073404,
    /// ln B = 6.0179186, ln E = 0.5267228, α = 0.33917084, β = 0.2849083.
    pub fn hoffmann2022_unrounded() -> Self {
        ChinchillaLaw {
            e: 0.5267228f64.exp(),
            a: 6.0073404f64.exp(),
            b: 6.0179186f64.exp(),
            alpha: 0.33917084,
            beta: 0.2849083,
        }
    }

    /// Irreducible loss E.
    pub fn e(&self) -> f64 {
        self.e
    }
    /// Coefficient A of the size term.
    pub fn a(&self) -> f64 {
        self.a
    }
    /// Coefficient B of the data term.
    pub fn b(&self) -> f64 {
        self.b
    }
    /// Size exponent α.
    pub fn alpha(&self) -> f64 {
        self.alpha
    }
    /// Data exponent β.
    pub fn beta(&self) -> f64 {
        self.beta
    }

    /// Loss on raw numbers, for inner loops (no validation).
    #[inline]
    pub(crate) fn eval(&self, n: f64, d: f64) -> f64 {
        self.e + self.a * (-self.alpha * n.ln()).exp() + self.b * (-self.beta * d.ln()).exp()
    }

    /// Loss (nats/token) of a model with `n` parameters trained on `d` tokens.
    ///
    /// # Errors
    ///
    /// [`Error::NonFinite`] if the loss overflows (sizes or tokens near f64's limits).
    pub fn loss(&self, n: Params, d: Tokens) -> Result<f64> {
        check::result("Chinchilla loss", self.eval(n.get(), d.get()))
    }

    /// Loss at a training budget `c`, with D = C / 6N.
    ///
    /// # Errors
    ///
    /// [`Error::NonFinite`] if C / 6N or the loss overflows.
    pub fn loss_at_compute(&self, n: Params, c: Flops) -> Result<f64> {
        let d = Tokens::new(c.get() / (6.0 * n.get()))?;
        self.loss(n, d)
    }

    /// G = (αA / (βB))^(1/(α+β)) of Eq. 4.
    pub(crate) fn g(&self) -> f64 {
        ((self.alpha * self.a) / (self.beta * self.b)).powf(1.0 / (self.alpha + self.beta))
    }

    /// The compute-optimal split of budget `c` (Eq. 4, with C = 6ND):
    /// N_opt = G (C/6)^(β/(α+β)), D_opt = G⁻¹ (C/6)^(α/(α+β)).
    ///
    /// # Errors
    ///
    /// [`Error::NonFinite`] if the split overflows f64 (budgets near its limits).
    ///
    /// # Examples
    ///
    /// ```
    /// use isoflop::law::ChinchillaLaw;
    /// let (n, d) = ChinchillaLaw::hoffmann2022().optimal("5.76e23".parse()?)?;
    /// assert!((6.0 * n.get() * d.get() / 5.76e23 - 1.0).abs() < 1e-12);
    /// # Ok::<(), isoflop::Error>(())
    /// ```
    pub fn optimal(&self, c: Flops) -> Result<(Params, Tokens)> {
        let g = self.g();
        let s = self.alpha + self.beta;
        let c6 = c.get() / 6.0;
        let n = g * c6.powf(self.beta / s);
        let d = c6.powf(self.alpha / s) / g;
        Ok((
            Params::new(check::result("optimal N", n)?)?,
            Tokens::new(check::result("optimal D", d)?)?,
        ))
    }
}

/// A Chinchilla law as a named hypothesis, with optional parameter draws.
///
/// Deserialising goes through [`ChinchillaHypothesis::new`]: an empty id, or draws
/// that contradict the stated uncertainty, are errors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawChinchillaHypothesis")]
pub struct ChinchillaHypothesis {
    id: String,
    source: String,
    law: ChinchillaLaw,
    draws: Vec<ChinchillaLaw>,
    uncertainty: Uncertainty,
    evidence: Evidence,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    caveats: Vec<Caveat>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    corpus: Option<String>,
}

/// The corpus of the Chinchilla runs (Hoffmann et al. 2022, Sec. 3 and App. A).
const MASSIVE_TEXT: &str = "MassiveText";

/// Serde form of [`ChinchillaHypothesis`], checked on the way in.
#[derive(Deserialize)]
struct RawChinchillaHypothesis {
    id: String,
    source: String,
    law: ChinchillaLaw,
    draws: Vec<ChinchillaLaw>,
    uncertainty: Uncertainty,
    evidence: Evidence,
    #[serde(default)]
    caveats: Vec<Caveat>,
    #[serde(default)]
    corpus: Option<String>,
}

impl TryFrom<RawChinchillaHypothesis> for ChinchillaHypothesis {
    type Error = Error;
    fn try_from(r: RawChinchillaHypothesis) -> Result<Self> {
        let mut h =
            ChinchillaHypothesis::new(r.id, r.source, r.law, r.draws, r.uncertainty, r.evidence)?;
        h.caveats = r.caveats;
        h.corpus = r.corpus;
        Ok(h)
    }
}

fn chinchilla_evidence() -> Evidence {
    Evidence {
        description: "Chinchilla training runs (Hoffmann et al. 2022, Fig. 4): up to 16B params, 1.3e22 FLOPs"
            .to_string(),
        max_params: Some(Params::raw(1.62e10)),
        max_tokens: Some(Tokens::raw(3.18e11)),
        max_flops: Some(Flops::raw(1.30e22)),
        // The smallest values and the D/N range of the same 245 digitised runs
        // (`data::chinchilla::runs()`; computed from the bundled table by hand).
        min_params: Some(Params::raw(5.73e7)),
        min_tokens: Some(Tokens::raw(2.45e8)),
        min_flops: Some(Flops::raw(1.40e18)),
        min_tokens_per_param: Some(0.036),
        max_tokens_per_param: Some(341.0),
    }
}

/// The rule of [`ChinchillaHypothesis::new`]: each parameter of the point within its
/// draws' range widened on each side by the range (at least 10% of the value).
fn check_draws_surround(id: &str, law: &ChinchillaLaw, draws: &[ChinchillaLaw]) -> Result<()> {
    if draws.is_empty() {
        return Ok(());
    }
    let params = |l: &ChinchillaLaw| [l.e.ln(), l.a.ln(), l.b.ln(), l.alpha, l.beta];
    let names = ["ln E", "ln A", "ln B", "alpha", "beta"];
    let point = params(law);
    for k in 0..5 {
        let (lo, hi) = draws
            .iter()
            .map(|d| params(d)[k])
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
                (lo.min(v), hi.max(v))
            });
        let margin = (hi - lo).max(0.1 * point[k].abs());
        if !(point[k] >= lo - margin && point[k] <= hi + margin) {
            return Err(Error::NotApplicable {
                what: format!("the draws of hypothesis {}", crate::error::clip(id)),
                reason: format!(
                    "its point has {} = {} but its {} draws range from {} to {}: draws must belong to the point (within their range widened by the range on each side)",
                    names[k],
                    crate::error::compact(point[k]),
                    draws.len(),
                    crate::error::compact(lo),
                    crate::error::compact(hi)
                ),
            });
        }
    }
    Ok(())
}

impl ChinchillaHypothesis {
    /// Hoffmann et al. 2022 as printed; no published uncertainty.
    pub fn hoffmann2022() -> Self {
        ChinchillaHypothesis {
            id: "chinchilla-hoffmann2022".into(),
            source: "Hoffmann et al. 2022, arXiv:2203.15556, App. D.2 (Approach 3, as printed)"
                .into(),
            law: ChinchillaLaw::hoffmann2022(),
            draws: Vec::new(),
            uncertainty: Uncertainty::None,
            evidence: chinchilla_evidence(),
            caveats: Vec::new(),
            corpus: Some(MASSIVE_TEXT.into()),
        }
    }

    /// Hoffmann et al. 2022 unrounded; no published uncertainty.
    pub fn hoffmann2022_unrounded() -> Self {
        ChinchillaHypothesis {
            id: "chinchilla-hoffmann2022-unrounded".into(),
            source: "Hoffmann et al. 2022 TeX source, via Besiroglu et al. 2024 (arXiv:2404.10102)"
                .into(),
            law: ChinchillaLaw::hoffmann2022_unrounded(),
            ..ChinchillaHypothesis::hoffmann2022()
        }
    }

    /// A user-supplied (or fitted) law with parameter draws.
    ///
    /// `id` must be non-empty; `draws` may be empty only with [`Uncertainty::None`]; and
    /// the draws must belong to the point: each parameter of `law` (ln E, ln A, ln B, α,
    /// β) must lie within the draws' range of that parameter widened on each side by the
    /// range itself (by at least 10% of the point's value). Draws of a law fitted to the
    /// same data surround its point; draws of another law (another data set, a typo, a
    /// file edited by hand) would give bands that do not contain their own answer.
    ///
    /// # Errors
    /// [`Error::NotApplicable`] naming what is wrong: an empty id, draws that contradict
    /// `uncertainty`, or a parameter of the point outside its draws' widened range.
    ///
    /// # Examples
    /// ```
    /// use isoflop::law::{ChinchillaHypothesis, ChinchillaLaw, LossHypothesis, Uncertainty};
    /// let point = ChinchillaLaw::hoffmann2022();
    /// let evidence = ChinchillaHypothesis::hoffmann2022().evidence().clone();
    /// let near = ChinchillaLaw::new(1.70, 400.0, 410.0, 0.33, 0.28)?;
    /// let far = ChinchillaLaw::new(1.0, 50.0, 50.0, 0.9, 0.9)?;
    /// assert!(ChinchillaHypothesis::new("h", "s", point, vec![near, point], Uncertainty::Bootstrap, evidence.clone()).is_ok());
    /// assert!(ChinchillaHypothesis::new("h", "s", point, vec![far; 3], Uncertainty::Bootstrap, evidence).is_err());
    /// # Ok::<(), isoflop::Error>(())
    /// ```
    pub fn new(
        id: impl Into<String>,
        source: impl Into<String>,
        law: ChinchillaLaw,
        draws: Vec<ChinchillaLaw>,
        uncertainty: Uncertainty,
        evidence: Evidence,
    ) -> Result<Self> {
        let id = id.into();
        if id.trim().is_empty() {
            return Err(Error::NotApplicable {
                what: "a hypothesis id".into(),
                reason: "it must not be empty".into(),
            });
        }
        if draws.is_empty() != (uncertainty == Uncertainty::None) {
            return Err(Error::NotApplicable {
                what: format!("hypothesis {id}"),
                reason: "draws must be present exactly when the uncertainty is not None".into(),
            });
        }
        check_draws_surround(&id, &law, &draws)?;
        Ok(ChinchillaHypothesis {
            id,
            source: source.into(),
            law,
            draws,
            uncertainty,
            evidence,
            caveats: Vec::new(),
            corpus: None,
        })
    }

    /// The hypothesis with the corpus its losses are on ([`LossHypothesis::corpus`]),
    /// e.g. "MassiveText" or the name of your own data.
    pub fn with_corpus(mut self, corpus: impl Into<String>) -> Self {
        self.corpus = Some(corpus.into());
        self
    }

    /// The hypothesis with a standing caveat that every prediction from it carries as a
    /// warning (e.g. [`Caveat::FitNotConverged`] for a law from a fit that did not converge).
    pub fn with_caveat(mut self, caveat: Caveat) -> Self {
        self.caveats.push(caveat);
        self
    }

    /// The point-estimate law.
    pub fn law(&self) -> &ChinchillaLaw {
        &self.law
    }

    /// The parameter draws (empty when there is no uncertainty).
    pub fn draws(&self) -> &[ChinchillaLaw] {
        &self.draws
    }
}

impl LossHypothesis for ChinchillaHypothesis {
    fn id(&self) -> String {
        self.id.clone()
    }
    fn assumption(&self) -> String {
        "Loss falls as a sum of power laws in model size and tokens toward an irreducible floor E, fitted across many runs.".into()
    }
    fn source(&self) -> String {
        self.source.clone()
    }
    fn point(&self, n: Params, d: Tokens) -> Result<f64> {
        self.law.loss(n, d)
    }
    fn floor(&self, n: Params) -> Result<Option<f64>> {
        check::result(
            "Chinchilla floor E + A/N^alpha",
            self.law.e + self.law.a * n.get().powf(-self.law.alpha),
        )
        .map(Some)
    }
    fn uncertainty(&self) -> Uncertainty {
        self.uncertainty
    }
    fn draw_count(&self) -> usize {
        self.draws.len()
    }
    fn draws_into(&self, n: Params, d: Tokens, out: &mut Vec<f64>) -> Result<()> {
        out.clear();
        let (ln_n, ln_d) = (n.get().ln(), d.get().ln());
        out.extend(
            self.draws
                .iter()
                .map(|l| l.e + l.a * (-l.alpha * ln_n).exp() + l.b * (-l.beta * ln_d).exp()),
        );
        Ok(())
    }
    fn evidence(&self) -> &Evidence {
        &self.evidence
    }
    fn chinchilla_laws(&self) -> Option<ChinchillaLaws<'_>> {
        Some(ChinchillaLaws {
            point: self.law,
            draws: &self.draws,
        })
    }
    fn caveats(&self) -> Vec<Caveat> {
        self.caveats.clone()
    }
    fn corpus(&self) -> String {
        self.corpus.clone().unwrap_or_else(|| "unstated".into())
    }
}

/// The Epoch AI replication's published fit.
impl ChinchillaLaw {
    /// Besiroglu, Erdil, Barnett, You 2024, "Chinchilla Scaling: A replication attempt"
    /// (arXiv:2404.10102), Table 1 point estimates: A = 482.01, B = 2085.43, E = 1.82,
    /// α = 0.3478, β = 0.3658. The unrounded values are the printed output of the
    /// replication's notebook (github.com/epoch-research/analyzing-chinchilla, commit 9225883,
    /// `data_analysis.ipynb`): ln A = 6.17795598, ln B = 7.64273236, ln E = 0.59711196,
    /// α = 0.34781303, β = 0.36585412, i.e. A = 482.006, B = 2085.434, E = 1.81686.
    ///
    /// ```
    /// use isoflop::law::ChinchillaLaw;
    /// let l = ChinchillaLaw::besiroglu2024();
    /// assert!((l.a() - 482.01).abs() < 0.01 && (l.b() - 2085.43).abs() < 0.01);
    /// ```
    pub fn besiroglu2024() -> Self {
        ChinchillaLaw {
            e: 0.59711196f64.exp(),
            a: 6.17795598f64.exp(),
            b: 7.64273236f64.exp(),
            alpha: 0.34781303,
            beta: 0.36585412,
        }
    }
}

impl ChinchillaHypothesis {
    /// Besiroglu et al. 2024 as published ([`ChinchillaLaw::besiroglu2024`]), without draws
    /// ([`Uncertainty::None`]); `isoflop::fit::replication::besiroglu2024` refits the bundled
    /// data with bootstrap draws instead.
    pub fn besiroglu2024_published() -> Self {
        ChinchillaHypothesis {
            id: "chinchilla-besiroglu2024-published".into(),
            source: "Besiroglu et al. 2024, arXiv:2404.10102, Table 1 (unrounded from the replication notebook, epoch-research/analyzing-chinchilla@9225883)".into(),
            law: ChinchillaLaw::besiroglu2024(),
            ..ChinchillaHypothesis::hoffmann2022()
        }
    }
}

/// Batch evaluation: many (N, D) pairs at once, with the crate's branch-free `exp` and `ln`
/// compiled for the CPU's best instruction set (what the Python binding's vectorised
/// `loss` calls).
impl ChinchillaLaw {
    /// The loss of each (`n[i]`, `d[i]`) into `out[i]`, nats/token: the same law as
    /// [`ChinchillaLaw::loss`], evaluated in vectorised batches. Each value agrees with
    /// `loss` to a few units in the last place (the batch `exp` and `ln` are within 2 ulp
    /// of the platform's), and is the same on every x86_64 CPU.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for slices of different lengths; [`Error::InvalidValue`] for
    /// a size or token count that is not finite and > 0 (as [`Params::new`] and
    /// [`Tokens::new`]); [`Error::NonFinite`] if a loss overflows.
    ///
    /// # Examples
    ///
    /// ```
    /// use isoflop::law::ChinchillaLaw;
    /// let law = ChinchillaLaw::hoffmann2022();
    /// let (n, d) = ([7e9, 70e9], [1e12, 1.4e12]);
    /// let mut out = [0.0; 2];
    /// law.losses_into(&n, &d, &mut out)?;
    /// let one = law.loss("70B".parse()?, "1.4T".parse()?)?;
    /// assert!((out[1] - one).abs() < 1e-14);
    /// assert!(law.losses_into(&[f64::NAN], &[1e12], &mut out[..1]).is_err());
    /// # Ok::<(), isoflop::Error>(())
    /// ```
    pub fn losses_into(&self, n: &[f64], d: &[f64], out: &mut [f64]) -> Result<()> {
        if n.len() != d.len() || n.len() != out.len() {
            return Err(Error::InvalidInput {
                what: "a batch of Chinchilla losses".into(),
                reason: format!(
                    "{} sizes, {} token counts and {} outputs; give one of each per point",
                    n.len(),
                    d.len(),
                    out.len()
                ),
            });
        }
        pulp::Arch::new().dispatch(BatchLoss {
            law: self,
            n,
            d,
            out,
        })
    }
}

/// Points per block of [`ChinchillaLaw::losses_into`]: its inputs and outputs stay in cache
/// between the checks and the arithmetic.
const BATCH_BLOCK: usize = 1024;

/// [`ChinchillaLaw::losses_into`]'s loop as a [`pulp::WithSimd`] operation.
struct BatchLoss<'a> {
    law: &'a ChinchillaLaw,
    n: &'a [f64],
    d: &'a [f64],
    out: &'a mut [f64],
}

impl pulp::WithSimd for BatchLoss<'_> {
    type Output = Result<()>;
    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _simd: S) -> Result<()> {
        use crate::fast_math::{exp, ln, EXP_DOMAIN};
        let l = self.law;
        // Outside the batch functions' domain (subnormal inputs, |exponent| > 708), libm:
        // |alpha ln x| <= 708 is x in [e^(-708/alpha), e^(708/alpha)] (a bit inside it).
        let span = |k: f64| {
            let r = 0.999 * EXP_DOMAIN / k;
            ((-r).exp().max(f64::MIN_POSITIVE), r.exp())
        };
        let ((n_lo, n_hi), (d_lo, d_hi)) = (span(l.alpha), span(l.beta));
        let blocks = self
            .out
            .chunks_mut(BATCH_BLOCK)
            .zip(self.n.chunks(BATCH_BLOCK))
            .zip(self.d.chunks(BATCH_BLOCK));
        for ((out, n), d) in blocks {
            for (&x, &y) in n.iter().zip(d) {
                Params::new(x)?;
                Tokens::new(y)?;
            }
            for ((o, &x), &y) in out.iter_mut().zip(n).zip(d) {
                *o = l.e + l.a * exp(-l.alpha * ln(x)) + l.b * exp(-l.beta * ln(y));
            }
            for ((o, &x), &y) in out.iter_mut().zip(n).zip(d) {
                if !(x >= n_lo && x <= n_hi && y >= d_lo && y <= d_hi) {
                    *o = l.eval(x, y);
                }
                check::result("Chinchilla loss", *o)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_computed_chinchilla_70b() {
        // 1.69 + 406.4 / 70e9^0.34 + 410.7 / 1.4e12^0.28, computed by hand:
        // 70e9^0.34 = exp(0.34 * 24.97178) = 4856.99...; 1.4e12^0.28 = exp(0.28 * 27.96751)
        let n: f64 = 70e9;
        let d: f64 = 1.4e12;
        let by_hand = 1.69 + 406.4 / n.powf(0.34) + 410.7 / d.powf(0.28);
        let law = ChinchillaLaw::hoffmann2022();
        let got = law
            .loss(Params::new(n).unwrap(), Tokens::new(d).unwrap())
            .unwrap();
        assert!((got - by_hand).abs() < 1e-12);
        assert!((got - 1.9367).abs() < 1e-3, "{got}");
    }

    #[test]
    fn rejects_bad_parameters() {
        assert!(ChinchillaLaw::new(f64::NAN, 1.0, 1.0, 0.3, 0.3).is_err());
        assert!(ChinchillaLaw::new(1.0, -1.0, 1.0, 0.3, 0.3).is_err());
        assert!(ChinchillaLaw::new(1.0, 1.0, 1.0, 0.0, 0.3).is_err());
        assert!(serde_json::from_str::<ChinchillaLaw>(
            r#"{"E":1.0,"A":1.0,"B":1.0,"alpha":-1.0,"beta":0.3}"#
        )
        .is_err());
    }

    #[test]
    fn floor_overflow_is_an_error() {
        // Found by the property suite: the floor was Some(inf) for N = 2.8e-192 under a law
        // with alpha = 1e15 (valid, if absurd, parameters).
        let law = ChinchillaLaw::new(5e-324, 5e-324, 5e-324, 1e15, 5e-324).unwrap();
        let h = ChinchillaHypothesis::new(
            "x",
            "x",
            law,
            vec![],
            Uncertainty::None,
            Evidence::described("x"),
        )
        .unwrap();
        assert!(matches!(
            h.floor(Params::new(2.8197064245136684e-192).unwrap()),
            Err(Error::NonFinite(_))
        ));
    }

    #[test]
    fn optimal_split_spends_the_budget() {
        let law = ChinchillaLaw::hoffmann2022();
        let c = Flops::new(5.76e23).unwrap();
        let (n, d) = law.optimal(c).unwrap();
        assert!((6.0 * n.get() * d.get() / c.get() - 1.0).abs() < 1e-12);
    }
}
