//! Lifetime-optimal model size: the (N, D_train) that reaches a target loss with the
//! fewest FLOPs over training *and* inference (Sardana et al. 2024, "Beyond
//! Chinchilla-Optimal", arXiv:2401.00448).
//!
//! Training N parameters on D tokens costs 6ND FLOPs and serving T tokens costs 2NT
//! (Sardana et al. Sec. 2; attention left out, as there). For a target loss ℓ,
//!
//! > minimise 6 N D + 2 N T subject to L(N, D) = ℓ.
//!
//! D is solved from the constraint for each N (D(N), a root in ln D), which leaves a
//! one-dimensional problem in ln N: minimise ln N + ln(6 D(N) + 2T). The search scans
//! 1e3 to 1e18 parameters a quarter-decade apart, then solves the first-order condition
//! 1 = (6D / (6D + 2T)) · (∂L/∂ln N) / (∂L/∂ln D) around the best scan point (partial
//! derivatives by a five-point stencil, roots by Brent's method), so the answer is
//! exact to ~1e-10 relative and global over the scanned range. At T = 0 it is the
//! compute-optimal split of the loss: ∂L/∂ln N = ∂L/∂ln D (Hoffmann et al. 2022, Eq. 4).
//!
//! Works under any [`LossHypothesis`], including the calibrated laws. Bands come from
//! the hypothesis' parameter draws: each draw's own optimum, found on a grid around the
//! point answer (0.1 decade in N, interpolated; D per draw by inverse quadratic
//! interpolation). With [`LossTarget::AsTrained`] each draw aims at its own prediction
//! of the reference run ("the 65B's quality" under that draw).
//!
//! Under [`crate::law::KaplanHypothesis`] N is the non-embedding count (as in its law),
//! so the FLOPs are those of the non-embedding parameters.
//!
//! ```
//! use isoflop::law::ChinchillaHypothesis;
//! use isoflop::query::{lifetime_optimal, LossTarget};
//! let h = ChinchillaHypothesis::hoffmann2022();
//! // Reach Chinchilla-70B-on-1.4T quality, then serve 2T tokens.
//! let target = LossTarget::AsTrained { params: "70B".parse()?, tokens: "1.4T".parse()? };
//! let none = lifetime_optimal(&h, target, 0.0, 0.9)?;
//! let busy = lifetime_optimal(&h, target, 2e12, 0.9)?;
//! assert!(busy.params < none.params && busy.tokens > none.tokens);
//! assert!(busy.flops <= busy.training_optimal.lifetime_flops);
//! # Ok::<(), isoflop::Error>(())
//! ```

use crate::band::Band;
use crate::error::{check, Error, Result};
use crate::law::LossHypothesis;
use crate::lifetime::{Deployment, InferenceDemand, LifetimeBudget, LifetimeWorkload};
use crate::prediction::{Extrapolation, Warning};
use crate::units::{Flops, Params, Tokens, Usd};
use serde::{Deserialize, Serialize};
use std::f64::consts::LN_10;

use super::predict::extrapolation;

/// Token counts the search considers: 1e3 to 1e30 (as [`super::tokens_to_reach`]).
const LN_D_MIN: f64 = 6.907_755_278_982_137; // ln 1e3
const LN_D_MAX: f64 = 69.077_552_789_821_37; // ln 1e30
/// Model sizes the search considers: 1e3 to 1e18 parameters.
const LN_N_MIN: f64 = 6.907_755_278_982_137; // ln 1e3
const LN_N_MAX: f64 = 41.446_531_673_892_82; // ln 1e18
/// Scan step in ln N: a quarter decade.
const SCAN_STEP: f64 = 0.25 * LN_10;
/// Step of the five-point derivative stencil, in ln N and ln D.
const STENCIL: f64 = 1e-2;
/// Grid of the per-draw search in ln N: 0.1 decade, half a decade beyond the point optima.
const DRAW_N_STEP: f64 = 0.1 * LN_10;
const DRAW_N_MARGIN: f64 = 0.5 * LN_10;
/// Grid of the per-draw token search in ln D: a quarter decade, up to 4 decades away.
const DRAW_D_STEP: f64 = 0.25 * LN_10;
const DRAW_D_REACH: usize = 16;

/// The loss a model must reach.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawLossTarget")]
pub enum LossTarget {
    /// A loss in nats/token (finite, > 0), the same for every parameter draw.
    Loss(f64),
    /// The loss of `params` trained on `tokens` under the hypothesis itself: each
    /// parameter draw aims at its own prediction ("LLaMA-65B's quality as trained").
    AsTrained {
        /// Reference model size.
        params: Params,
        /// Reference training tokens.
        tokens: Tokens,
    },
}

#[derive(Deserialize)]
enum RawLossTarget {
    Loss(f64),
    AsTrained { params: Params, tokens: Tokens },
}

impl TryFrom<RawLossTarget> for LossTarget {
    type Error = Error;
    fn try_from(raw: RawLossTarget) -> Result<Self> {
        match raw {
            RawLossTarget::Loss(x) => LossTarget::loss(x),
            RawLossTarget::AsTrained { params, tokens } => {
                Ok(LossTarget::AsTrained { params, tokens })
            }
        }
    }
}

impl LossTarget {
    /// A fixed target loss; must be finite and > 0 (nats/token).
    ///
    /// # Errors
    /// [`Error::InvalidValue`] for a NaN, infinite, zero or negative loss.
    pub fn loss(nats: f64) -> Result<Self> {
        check::positive("target loss (nats/token)", nats).map(LossTarget::Loss)
    }

    /// The point target under `h`.
    ///
    /// # Errors
    /// An invalid [`LossTarget::Loss`] literal, or the hypothesis' own error.
    pub fn point(&self, h: &dyn LossHypothesis) -> Result<f64> {
        match *self {
            LossTarget::Loss(x) => check::positive("target loss (nats/token)", x),
            LossTarget::AsTrained { params, tokens } => h.point(params, tokens),
        }
    }

    /// One target per parameter draw of `h` (the same loss for [`LossTarget::Loss`]).
    fn draws_into(&self, h: &dyn LossHypothesis, out: &mut Vec<f64>) -> Result<()> {
        match *self {
            LossTarget::Loss(x) => {
                out.clear();
                out.resize(h.draw_count(), x);
                Ok(())
            }
            LossTarget::AsTrained { params, tokens } => h.draws_into(params, tokens, out),
        }
    }
}

/// The lifetime cost of the equal-quality model that is optimal for training alone
/// (zero demand: the compute-optimal, "Chinchilla-style" model of Sardana et al.).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TrainingOptimal {
    /// Its size.
    pub params: Params,
    /// Its training tokens.
    pub tokens: Tokens,
    /// Its lifetime FLOPs at the same demand: 6ND + 2N·demand.
    pub lifetime_flops: Flops,
}

/// The lifetime-optimal model for a target loss and an inference demand, with bands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LifetimeOptimum {
    /// The hypothesis' stable id.
    pub hypothesis: String,
    /// The target loss under the point estimate, nats/token.
    pub target_loss: f64,
    /// Inference demand: tokens served over the model's life (for the dollar
    /// objective, the training-equivalent demand; see
    /// [`crate::lifetime::Deployment::equivalent_demand`]).
    pub demand: f64,
    /// Optimal size (point estimate).
    pub params: Params,
    /// Optimal training tokens (point estimate).
    pub tokens: Tokens,
    /// Training tokens per parameter at the optimum.
    pub tokens_per_param: f64,
    /// Training FLOPs 6ND.
    pub training_flops: Flops,
    /// Inference FLOPs 2N·demand (0 at zero demand).
    pub inference_flops: f64,
    /// Lifetime FLOPs: training + inference.
    pub flops: Flops,
    /// The training-optimal model of the same quality, at the same demand.
    pub training_optimal: TrainingOptimal,
    /// Band of the optimal size over the draws, if the hypothesis has draws.
    pub params_band: Option<Band>,
    /// Band of the optimal training tokens over the draws, if any.
    pub tokens_band: Option<Band>,
    /// Share of draws under which the target is reachable (1.0 without draws).
    pub reachable_fraction: f64,
    /// How far the optimum reaches beyond the hypothesis' data.
    pub extrapolation: Extrapolation,
    /// Everything a user must know.
    pub warnings: Vec<Warning>,
}

impl LifetimeOptimum {
    /// Lifetime FLOPs of the optimum over those of the training-optimal model of equal
    /// quality at the same demand (≤ 1; Sardana et al.'s "should require x% of the FLOPs").
    pub fn flops_ratio(&self) -> f64 {
        self.flops.ratio(self.training_optimal.lifetime_flops)
    }
}

/// Where the constraint L(N, D) = target puts D for one N.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Reach {
    /// ln D.
    At(f64),
    /// Not reached within 1e30 tokens.
    Never,
    /// Reached with fewer than 1e3 tokens.
    Below,
}

/// Brent's root finder (Brent 1973; the zbrent form of Numerical Recipes) on
/// [a, b] with f(a), f(b) of opposite signs (or zero).
fn brent_root(
    mut f: impl FnMut(f64) -> Result<f64>,
    a: f64,
    b: f64,
    fa: f64,
    fb: f64,
    xtol: f64,
) -> Result<f64> {
    let (mut a, mut b, mut fa, mut fb) = (a, b, fa, fb);
    let (mut c, mut fc) = (b, fb);
    let (mut d, mut e) = (b - a, b - a);
    for _ in 0..300 {
        if (fb > 0.0 && fc > 0.0) || (fb < 0.0 && fc < 0.0) {
            c = a;
            fc = fa;
            d = b - a;
            e = d;
        }
        if fc.abs() < fb.abs() {
            a = b;
            b = c;
            c = a;
            fa = fb;
            fb = fc;
            fc = fa;
        }
        let tol = 2.0 * f64::EPSILON * b.abs() + 0.5 * xtol;
        let xm = 0.5 * (c - b);
        if xm.abs() <= tol || fb == 0.0 {
            return Ok(b);
        }
        if e.abs() >= tol && fa.abs() > fb.abs() {
            let s = fb / fa;
            let (mut p, mut q);
            if a == c {
                p = 2.0 * xm * s;
                q = 1.0 - s;
            } else {
                let qq = fa / fc;
                let r = fb / fc;
                p = s * (2.0 * xm * qq * (qq - r) - (b - a) * (r - 1.0));
                q = (qq - 1.0) * (r - 1.0) * (s - 1.0);
            }
            if p > 0.0 {
                q = -q;
            }
            p = p.abs();
            let min1 = 3.0 * xm * q - (tol * q).abs();
            let min2 = (e * q).abs();
            if 2.0 * p < min1.min(min2) {
                e = d;
                d = p / q;
            } else {
                d = xm;
                e = d;
            }
        } else {
            d = xm;
            e = d;
        }
        a = b;
        fa = fb;
        b += if d.abs() > tol { d } else { tol.copysign(xm) };
        fb = f(b)?;
        if !fb.is_finite() {
            return Err(Error::NonFinite("lifetime optimum root search"));
        }
    }
    Ok(b)
}

/// ln D with point(e^x, D) = target.
fn solve_ln_d(h: &dyn LossHypothesis, x: f64, target: f64) -> Result<Reach> {
    let n = Params::new(x.exp())?;
    let g = |y: f64| -> Result<f64> { Ok(h.point(n, Tokens::new(y.exp())?)? - target) };
    let lo = g(LN_D_MIN)?;
    if lo <= 0.0 {
        return Ok(Reach::Below);
    }
    let hi = g(LN_D_MAX)?;
    if hi > 0.0 {
        return Ok(Reach::Never);
    }
    brent_root(g, LN_D_MIN, LN_D_MAX, lo, hi, 1e-13).map(Reach::At)
}

/// d f / d s at 0 by the five-point stencil.
fn derivative(mut f: impl FnMut(f64) -> Result<f64>) -> Result<f64> {
    let s = STENCIL;
    Ok((f(-2.0 * s)? - 8.0 * f(-s)? + 8.0 * f(s)? - f(2.0 * s)?) / (12.0 * s))
}

/// ln of lifetime FLOPs 6ND + 2N·w at (ln N, ln D).
fn ln_lifetime(x: f64, y: f64, w: f64) -> f64 {
    x + (6.0 * y.exp() + 2.0 * w).ln()
}

/// The iso-loss curve D(N) of the point estimate, scanned once per target and shared
/// by every demand.
struct Frontier<'a> {
    h: &'a dyn LossHypothesis,
    target: f64,
    xs: Vec<f64>,
    reach: Vec<Reach>,
}

impl<'a> Frontier<'a> {
    fn scan(h: &'a dyn LossHypothesis, target: f64) -> Result<Self> {
        let count = ((LN_N_MAX - LN_N_MIN) / SCAN_STEP).round() as usize + 1;
        let xs: Vec<f64> = (0..count)
            .map(|i| LN_N_MIN + SCAN_STEP * i as f64)
            .collect();
        let reach = xs
            .iter()
            .map(|&x| solve_ln_d(h, x, target))
            .collect::<Result<Vec<_>>>()?;
        if !reach.iter().any(|r| matches!(r, Reach::At(_))) {
            let reason = if reach.iter().all(|r| *r == Reach::Below) {
                "every model from 1e3 to 1e18 parameters is already below it after 1e3 tokens: \
                 the target is above anything this hypothesis describes"
                    .to_string()
            } else {
                format!(
                    "no model from 1e3 to 1e18 parameters reaches it within 1e30 tokens{}",
                    match h.floor(Params::new(LN_N_MAX.exp())?)? {
                        Some(f) => format!(
                            " (the floor of a 1e18-parameter model is {})",
                            crate::error::compact4(f)
                        ),
                        None => String::new(),
                    }
                )
            };
            return Err(Error::Unreachable {
                hypothesis: h.id(),
                target,
                reason,
            });
        }
        Ok(Frontier {
            h,
            target,
            xs,
            reach,
        })
    }

    fn ln_d(&self, x: f64) -> Result<Reach> {
        solve_ln_d(self.h, x, self.target)
    }

    /// ln D at x, which must be reachable.
    fn ln_d_at(&self, x: f64) -> Result<f64> {
        match self.ln_d(x)? {
            Reach::At(y) => Ok(y),
            _ => Err(Error::NotApplicable {
                what: format!("the lifetime optimum under {}", self.h.id()),
                reason: format!(
                    "the target {:.4} became unreachable at {:.4e} parameters during refinement",
                    self.target,
                    x.exp()
                ),
            }),
        }
    }

    /// The first-order condition 1 − (6D/(6D+2w))·L_n/L_d at ln N = x (NaN when the
    /// loss does not fall with D there).
    fn foc(&self, x: f64, w: f64) -> Result<f64> {
        let y = self.ln_d_at(x)?;
        let (n, d) = (Params::new(x.exp())?, Tokens::new(y.exp())?);
        let l_n = derivative(|s| self.h.point(Params::new((x + s).exp())?, d))?;
        let l_d = derivative(|s| self.h.point(n, Tokens::new((y + s).exp())?))?;
        let six_d = 6.0 * y.exp();
        let g = 1.0 - six_d / (six_d + 2.0 * w) * l_n / l_d;
        Ok(if l_d < 0.0 && g.is_finite() {
            g
        } else {
            f64::NAN
        })
    }

    /// The edge of the reachable region between xs `inside` (reachable) and `outside`.
    fn edge(&self, inside: f64, outside: f64) -> Result<f64> {
        let (mut a, mut b) = (inside, outside);
        for _ in 0..60 {
            let m = 0.5 * (a + b);
            if matches!(self.ln_d(m)?, Reach::At(_)) {
                a = m;
            } else {
                b = m;
            }
        }
        Ok(a)
    }

    /// (ln N, ln D) minimising lifetime FLOPs at demand w.
    fn optimum(&self, w: f64) -> Result<(f64, f64)> {
        let objective = |i: usize| match self.reach[i] {
            Reach::At(y) => ln_lifetime(self.xs[i], y, w),
            _ => f64::INFINITY,
        };
        let k = (0..self.xs.len())
            .min_by(|&i, &j| objective(i).total_cmp(&objective(j)))
            .unwrap_or(0);
        if k == 0 || k + 1 == self.xs.len() {
            return Err(Error::NotApplicable {
                what: format!("the lifetime optimum under {}", self.h.id()),
                reason: format!(
                    "the cheapest size is at the edge of the searched range (1e3 to 1e18 parameters): {:.3e}",
                    self.xs[k].exp()
                ),
            });
        }
        let a = match self.reach[k - 1] {
            Reach::At(_) => self.xs[k - 1],
            _ => self.edge(self.xs[k], self.xs[k - 1])?,
        };
        let b = match self.reach[k + 1] {
            Reach::At(_) => self.xs[k + 1],
            _ => self.edge(self.xs[k], self.xs[k + 1])?,
        };
        let (ga, gb) = (self.foc(a, w)?, self.foc(b, w)?);
        let x = if ga < 0.0 && gb > 0.0 {
            brent_root(|x| self.foc(x, w), a, b, ga, gb, 1e-12)?
        } else {
            self.golden(a, b, w)?
        };
        Ok((x, self.ln_d_at(x)?))
    }

    /// Golden-section minimum of ln lifetime FLOPs on [a, b] (fallback when the
    /// first-order condition has no sign change there).
    fn golden(&self, mut a: f64, mut b: f64, w: f64) -> Result<f64> {
        let r = 0.5 * (5f64.sqrt() - 1.0);
        let f = |x: f64| -> Result<f64> { Ok(ln_lifetime(x, self.ln_d_at(x)?, w)) };
        let (mut c, mut d) = (b - r * (b - a), a + r * (b - a));
        let (mut fc, mut fd) = (f(c)?, f(d)?);
        while b - a > 1e-10 * (1.0 + a.abs()) {
            if fc < fd {
                b = d;
                d = c;
                fd = fc;
                c = b - r * (b - a);
                fc = f(c)?;
            } else {
                a = c;
                c = d;
                fc = fd;
                d = a + r * (b - a);
                fd = f(d)?;
            }
        }
        Ok(0.5 * (a + b))
    }
}

fn check_demand(demand: f64) -> Result<f64> {
    check::non_negative("inference demand (tokens served)", demand)
}

/// The lifetime-optimal model for one demand (tokens served over the model's life).
/// See [`lifetime_optima`] for several demands at once (faster: the search is shared).
///
/// # Errors
/// [`Error::InvalidValue`] for a negative or non-finite demand, an invalid target or
/// level; [`Error::Unreachable`] when no size reaches the target; the hypothesis' own
/// errors (e.g. a curve continuation asked about another model size).
pub fn lifetime_optimal(
    h: &dyn LossHypothesis,
    target: LossTarget,
    demand: f64,
    level: f64,
) -> Result<LifetimeOptimum> {
    let mut all = lifetime_optima(h, target, &[demand], level)?;
    all.pop()
        .ok_or(Error::NonFinite("lifetime optimum (no demand)"))
}

/// The lifetime-optimal model for each demand (tokens served), sharing one search.
///
/// ```
/// use isoflop::law::ChinchillaHypothesis;
/// use isoflop::query::{lifetime_optima, LossTarget};
/// let h = ChinchillaHypothesis::hoffmann2022();
/// let o = lifetime_optima(&h, LossTarget::loss(2.0)?, &[0.0, 1e12, 1e13, 1e14], 0.9)?;
/// assert!(o.windows(2).all(|w| w[1].params <= w[0].params)); // more demand, smaller model
/// assert!(lifetime_optima(&h, LossTarget::loss(1.6)?, &[0.0], 0.9).is_err()); // below E
/// assert!(lifetime_optima(&h, LossTarget::loss(2.0)?, &[-1.0], 0.9).is_err());
/// # Ok::<(), isoflop::Error>(())
/// ```
///
/// # Errors
/// As [`lifetime_optimal`].
pub fn lifetime_optima(
    h: &dyn LossHypothesis,
    target: LossTarget,
    demands: &[f64],
    level: f64,
) -> Result<Vec<LifetimeOptimum>> {
    check::open_unit("band level", level)?;
    for &d in demands {
        check_demand(d)?;
    }
    let t = target.point(h)?;
    let frontier = Frontier::scan(h, t)?;
    let (x0, y0) = frontier.optimum(0.0)?;
    let points = demands
        .iter()
        .map(|&w| {
            if w == 0.0 {
                Ok((x0, y0))
            } else {
                frontier.optimum(w)
            }
        })
        .collect::<Result<Vec<_>>>()?;
    let bands = if h.draw_count() > 0 {
        Some(draw_optima(h, &target, &frontier, &points, demands, level)?)
    } else {
        None
    };
    demands
        .iter()
        .zip(&points)
        .enumerate()
        .map(|(i, (&w, &(x, y)))| {
            let (n, d) = (x.exp(), y.exp());
            let params = Params::new(n)?;
            let tokens = Tokens::new(d)?;
            let training = crate::compute::training_flops_6nd(params, tokens)?;
            let inference = check::result("inference FLOPs 2N x demand", 2.0 * n * w)?;
            let (n0, d0) = (x0.exp(), y0.exp());
            let mut warnings = Vec::new();
            let extrapolation = extrapolation(h.evidence(), params, tokens);
            if extrapolation.factor > 1.0 {
                warnings.push(Warning::BeyondData {
                    factor: extrapolation.factor,
                    axis: extrapolation.axis.clone(),
                });
            }
            let (params_band, tokens_band, reachable_fraction) = match &bands {
                None => {
                    warnings.push(Warning::NoPublishedUncertainty);
                    (None, None, 1.0)
                }
                Some(b) => {
                    let b = &b[i];
                    if b.edge > 0 {
                        warnings.push(Warning::Note(format!(
                            "under {} of {} parameter draws the cheapest size lies at the edge of \
                             the band's search window and is placed there (the window is widened \
                             until fewer than (1 - level)/4 of the draws are, up to half a decade \
                             beyond the point optima)",
                            b.edge, b.draws
                        )));
                    }
                    b.note_unreachable(&mut warnings);
                    (b.params, b.tokens, b.reachable_fraction())
                }
            };
            Ok(LifetimeOptimum {
                hypothesis: h.id(),
                target_loss: t,
                demand: w,
                params,
                tokens,
                tokens_per_param: d / n,
                training_flops: training,
                inference_flops: inference,
                flops: Flops::new(check::result("lifetime FLOPs", training.get() + inference)?)?,
                training_optimal: TrainingOptimal {
                    params: Params::new(n0)?,
                    tokens: Tokens::new(d0)?,
                    lifetime_flops: Flops::new(check::result(
                        "lifetime FLOPs of the training-optimal model",
                        6.0 * n0 * d0 + 2.0 * n0 * w,
                    )?)?,
                },
                params_band,
                tokens_band,
                reachable_fraction,
                extrapolation,
                warnings,
            })
        })
        .collect()
}

/// Per-demand bands over the draws.
struct DrawBands {
    params: Option<Band>,
    tokens: Option<Band>,
    valid: usize,
    draws: usize,
    edge: usize,
}

impl DrawBands {
    fn reachable_fraction(&self) -> f64 {
        self.valid as f64 / self.draws as f64
    }
    fn note_unreachable(&self, warnings: &mut Vec<Warning>) {
        if self.valid < self.draws {
            warnings.push(Warning::Note(format!(
                "under {} of {} parameter draws the target is not reached near the point \
                 optimum (within 4 decades of its tokens): left out of the bands",
                self.draws - self.valid,
                self.draws
            )));
        }
    }
}

/// Each draw's ln D where its loss falls to its target at size `n`, on a grid of ln D
/// a quarter decade apart around `center`, widened (up to 4 decades) until every draw
/// that can cross does. NaN where a draw does not cross within the window.
fn draw_crossings(
    h: &dyn LossHypothesis,
    n: Params,
    targets: &[f64],
    center: f64,
    out: &mut Vec<f64>,
) -> Result<()> {
    let k = targets.len();
    // rows[j] = (ln D, residuals L_i − t_i), kept sorted by ln D.
    let mut rows: std::collections::VecDeque<(f64, Vec<f64>)> = std::collections::VecDeque::new();
    let eval = |y: f64| -> Result<(f64, Vec<f64>)> {
        let mut v = Vec::with_capacity(k);
        h.draws_into(n, Tokens::new(y.exp())?, &mut v)?;
        for (r, t) in v.iter_mut().zip(targets) {
            *r -= t;
        }
        Ok((y, v))
    };
    for j in -1i32..=1 {
        let y = center + DRAW_D_STEP * f64::from(j);
        if (LN_D_MIN..=LN_D_MAX).contains(&y) {
            rows.push_back(eval(y)?);
        }
    }
    if rows.is_empty() {
        out.clear();
        out.resize(k, f64::NAN);
        return Ok(());
    }
    // Widen only towards draws whose secant (through the two outermost rows) says they
    // cross within reach; a draw with a floor above its target never does.
    let (y_lo_limit, y_hi_limit) = (
        (center - DRAW_D_STEP * DRAW_D_REACH as f64).max(LN_D_MIN),
        (center + DRAW_D_STEP * DRAW_D_REACH as f64).min(LN_D_MAX),
    );
    loop {
        let m = rows.len();
        let grow_high = m >= 2
            && {
                let (y1, r1) = (&rows[m - 1].0, &rows[m - 1].1);
                let (y0, r0) = (&rows[m - 2].0, &rows[m - 2].1);
                r1.iter().zip(r0).any(|(&b, &a)| {
                    let slope = (b - a) / (y1 - y0);
                    b > 0.0 && slope < 0.0 && y1 - b / slope <= y_hi_limit
                })
            }
            && rows[m - 1].0 + DRAW_D_STEP <= y_hi_limit + 1e-9;
        let grow_low = m >= 2
            && {
                let (y0, r0) = (&rows[0].0, &rows[0].1);
                let (y1, r1) = (&rows[1].0, &rows[1].1);
                r0.iter().zip(r1).any(|(&a, &b)| {
                    let slope = (b - a) / (y1 - y0);
                    a <= 0.0 && (slope >= 0.0 || y0 - a / slope >= y_lo_limit)
                })
            }
            && rows[0].0 - DRAW_D_STEP >= y_lo_limit - 1e-9;
        if !grow_low && !grow_high {
            break;
        }
        if grow_high {
            let y = rows[m - 1].0 + DRAW_D_STEP;
            rows.push_back(eval(y)?);
        }
        if grow_low {
            let y = rows[0].0 - DRAW_D_STEP;
            rows.push_front(eval(y)?);
        }
    }
    out.clear();
    let m = rows.len();
    for i in 0..k {
        let mut crossing = f64::NAN;
        for j in 0..m.saturating_sub(1) {
            let (r0, r1) = (rows[j].1[i], rows[j + 1].1[i]);
            if r0 > 0.0 && r1 <= 0.0 {
                // Inverse quadratic interpolation through three neighbours (y as a
                // function of the residual), linear when there are only two.
                let lin = rows[j].0 + (rows[j + 1].0 - rows[j].0) * r0 / (r0 - r1);
                let third = if j + 2 < m {
                    Some(j + 2)
                } else if j > 0 {
                    Some(j - 1)
                } else {
                    None
                };
                crossing = match third {
                    Some(l) => {
                        let pts = [
                            (rows[j].0, r0),
                            (rows[j + 1].0, r1),
                            (rows[l].0, rows[l].1[i]),
                        ];
                        let q = inverse_quadratic(pts);
                        // Keep it only inside the bracket (monotone data).
                        if q.is_finite() && q >= rows[j].0 && q <= rows[j + 1].0 {
                            q
                        } else {
                            lin
                        }
                    }
                    None => lin,
                };
                break;
            }
        }
        out.push(crossing);
    }
    Ok(())
}

/// y at residual 0 by Lagrange interpolation of y on the residuals.
fn inverse_quadratic(p: [(f64, f64); 3]) -> f64 {
    let [(y0, r0), (y1, r1), (y2, r2)] = p;
    y0 * r1 * r2 / ((r0 - r1) * (r0 - r2))
        + y1 * r0 * r2 / ((r1 - r0) * (r1 - r2))
        + y2 * r0 * r1 / ((r2 - r0) * (r2 - r1))
}

/// Coefficients (c0, c1, c2, c3) of the cubic through f(−1), f(0), f(1), f(2).
fn cubic(f: [f64; 4]) -> [f64; 4] {
    let [a, b, c, d] = f;
    [
        b,
        -a / 3.0 - b / 2.0 + c - d / 6.0,
        a / 2.0 - b + c / 2.0,
        -a / 6.0 + b / 2.0 - c / 2.0 + d / 6.0,
    ]
}

fn eval_cubic(c: [f64; 4], t: f64) -> f64 {
    c[0] + t * (c[1] + t * (c[2] + t * c[3]))
}

/// The local minimum of the cubic through f(−1), f(0), f(1), f(2) in [−1, 2] (f(0) the
/// least of the grid values), as an offset from 0 in grid steps.
fn cubic_minimum(f: [f64; 4]) -> f64 {
    let [_, c1, c2, c3] = cubic(f);
    let t = if c3.abs() < 1e-12 * (c2.abs() + c1.abs() + 1e-300) {
        if c2 > 0.0 {
            -c1 / (2.0 * c2)
        } else {
            0.0
        }
    } else {
        let disc = c2 * c2 - 3.0 * c1 * c3;
        if disc < 0.0 {
            0.0
        } else {
            (-c2 + disc.sqrt()) / (3.0 * c3)
        }
    };
    if t.is_finite() {
        t.clamp(-1.0, 2.0)
    } else {
        0.0
    }
}

/// Each draw's optimum for each demand, on a grid shared by all demands.
fn draw_optima(
    h: &dyn LossHypothesis,
    target: &LossTarget,
    frontier: &Frontier<'_>,
    points: &[(f64, f64)],
    demands: &[f64],
    level: f64,
) -> Result<Vec<DrawBands>> {
    let k = h.draw_count();
    let mut targets = Vec::with_capacity(k);
    target.draws_into(h, &mut targets)?;
    let lo = points.iter().map(|p| p.0).fold(f64::INFINITY, f64::min) - DRAW_N_MARGIN;
    let hi = points.iter().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max) + DRAW_N_MARGIN;
    let lo = lo.max(LN_N_MIN);
    let hi = hi.min(LN_N_MAX);
    let m = ((hi - lo) / DRAW_N_STEP).ceil() as usize + 1;
    let xs: Vec<f64> = (0..m).map(|j| lo + DRAW_N_STEP * j as f64).collect();
    // The point estimate's tokens at each size: the centre of each draw's search.
    // Sizes the point estimate cannot bring to the target are centred on the nearest
    // reachable size's tokens (the frontier rises steeply there).
    let centers = xs
        .iter()
        .map(|&x| {
            Ok(match frontier.ln_d(x)? {
                Reach::At(y) => Some(y),
                _ => None,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let nval: Vec<f64> = xs.iter().map(|x| x.exp()).collect();
    // crossings[j * k + i]: ln D of draw i at xs[j]; dval the same as D. Rows are
    // computed lazily: first the sizes within 0.2 decade of the point optima, widened
    // two steps at a time while more than (1 − level)/4 of the draws (for some demand)
    // have their cheapest size at the window's edge or reach no target in it: the
    // draws left at the edge then lie outside the band's quantiles.
    let mut crossings = vec![f64::NAN; m * k];
    let mut dval = vec![f64::NAN; m * k];
    let mut done = vec![false; m];
    let mut row = Vec::with_capacity(k);
    let limit = ((1.0 - level) / 4.0 * k as f64).floor() as usize;
    let index = |x: f64| (((x - lo) / DRAW_N_STEP).round().max(0.0) as usize).min(m - 1);
    let inner = 0.2 * LN_10;
    let first = points.iter().map(|p| p.0).fold(f64::INFINITY, f64::min) - inner;
    let last = points.iter().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max) + inner;
    let (mut j_lo, mut j_hi) = (index(first), index(last));
    // The cheapest computed size of draw i at demand w (by N (6D + 2w), no logarithms).
    let best_of = |dval: &[f64], j_lo: usize, j_hi: usize, i: usize, w: f64| {
        let mut best: Option<(usize, f64)> = None;
        for j in j_lo..=j_hi {
            let c = nval[j] * (6.0 * dval[j * k + i] + 2.0 * w);
            if c.is_finite() && best.is_none_or(|b| c < b.1) {
                best = Some((j, c));
            }
        }
        best.map(|b| b.0)
    };
    loop {
        for j in j_lo..=j_hi {
            if done[j] {
                continue;
            }
            done[j] = true;
            let nearest = (0..m)
                .filter(|&l| centers[l].is_some())
                .min_by_key(|&l| l.abs_diff(j));
            let Some(c) = nearest.and_then(|l| centers[l]) else {
                continue;
            };
            draw_crossings(h, Params::new(nval[j])?, &targets, c, &mut row)?;
            crossings[j * k..(j + 1) * k].copy_from_slice(&row);
            for (d, y) in dval[j * k..(j + 1) * k].iter_mut().zip(&row) {
                *d = y.exp();
            }
        }
        let (mut low, mut high) = (false, false);
        for &w in demands {
            let (mut at_lo, mut at_hi, mut none) = (0, 0, 0);
            for i in 0..k {
                match best_of(&dval, j_lo, j_hi, i, w) {
                    Some(b) if b == j_lo && j_lo > 0 => at_lo += 1,
                    Some(b) if b == j_hi && j_hi + 1 < m => at_hi += 1,
                    Some(_) => {}
                    None => none += 1,
                }
            }
            low |= at_lo > limit;
            high |= at_hi > limit || (none > limit && j_hi + 1 < m);
        }
        let new_lo = if low { j_lo.saturating_sub(2) } else { j_lo };
        let new_hi = if high { (j_hi + 2).min(m - 1) } else { j_hi };
        if (new_lo, new_hi) == (j_lo, j_hi) {
            break;
        }
        (j_lo, j_hi) = (new_lo, new_hi);
    }
    let mut out = Vec::with_capacity(demands.len());
    let mut ns = Vec::with_capacity(k);
    let mut ds = Vec::with_capacity(k);
    for &w in demands {
        ns.clear();
        ds.clear();
        let mut edge = 0;
        for i in 0..k {
            let Some(best) = best_of(&dval, j_lo, j_hi, i, w) else {
                continue;
            };
            let f = |j: usize| ln_lifetime(xs[j], crossings[j * k + i], w);
            let finite = |j: usize| (j_lo..=j_hi).contains(&j) && crossings[j * k + i].is_finite();
            // Four grid points around the least, on the side of the lower neighbour;
            // the cubic through them gives the minimum and ln D there.
            let lower_left =
                best > j_lo && (best + 1 > j_hi || !finite(best + 1) || f(best - 1) < f(best + 1));
            let (preferred, other) = if lower_left {
                (best.checked_sub(2), best.checked_sub(1))
            } else {
                (best.checked_sub(1), best.checked_sub(2))
            };
            let window = preferred
                .filter(|&s| (s..s + 4).all(finite))
                .or(other.filter(|&s| (s..s + 4).all(finite)));
            let (x, y) = match window {
                Some(s) => {
                    let fs = [f(s), f(s + 1), f(s + 2), f(s + 3)];
                    let t = cubic_minimum(fs);
                    let ys = [
                        crossings[s * k + i],
                        crossings[(s + 1) * k + i],
                        crossings[(s + 2) * k + i],
                        crossings[(s + 3) * k + i],
                    ];
                    (xs[s + 1] + t * DRAW_N_STEP, eval_cubic(cubic(ys), t))
                }
                None => {
                    edge += 1;
                    (xs[best], crossings[best * k + i])
                }
            };
            ns.push(x.exp());
            ds.push(y.exp());
        }
        out.push(DrawBands {
            params: None,
            tokens: None,
            valid: ns.len(),
            draws: k,
            edge,
        });
        let last = out.last_mut().ok_or(Error::NonFinite("draw bands"))?;
        if !ns.is_empty() {
            last.params = Some(Band::from_draws(&mut ns, level)?);
            last.tokens = Some(Band::from_draws(&mut ds, level)?);
        }
    }
    Ok(out)
}

/// The lifetime-dollar optimum: [`LifetimeOptimum`] at the training-equivalent demand
/// of a [`Deployment`], with both models' budgets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LifetimeCostOptimum {
    /// The optimum (its `demand` is the training-equivalent demand).
    pub optimum: LifetimeOptimum,
    /// The demand as given.
    pub demand: InferenceDemand,
    /// The optimum's budget, part by part.
    pub budget: LifetimeBudget,
    /// The budget of the training-optimal model of equal quality, same demand.
    pub training_optimal_budget: LifetimeBudget,
}

impl LifetimeCostOptimum {
    /// Lifetime dollars of the optimum over those of the training-optimal model (≤ 1;
    /// Sardana et al.'s "should cost x% of an equal-quality Chinchilla-style model").
    pub fn cost_ratio(&self) -> f64 {
        self.budget.total().usd / self.training_optimal_budget.total().usd
    }
}

/// The (N, D_train) minimising lifetime *dollars* when training and serving run on
/// different hardware, prices or utilisation (Sardana et al. 2024, Sec. 4): lifetime
/// FLOPs at [`Deployment::equivalent_demand`], then priced part by part.
///
/// # Errors
/// As [`lifetime_optimal`], and [`Deployment::equivalent_demand`]'s.
pub fn lifetime_cost_optimal(
    h: &dyn LossHypothesis,
    target: LossTarget,
    demand: &InferenceDemand,
    deployment: &Deployment,
    level: f64,
) -> Result<LifetimeCostOptimum> {
    let w = deployment.equivalent_demand(demand)?;
    let optimum = lifetime_optimal(h, target, w, level)?;
    let budget = deployment.budget(&LifetimeWorkload::new(
        optimum.params,
        optimum.tokens,
        *demand,
    ))?;
    let t = optimum.training_optimal;
    let training_optimal_budget =
        deployment.budget(&LifetimeWorkload::new(t.params, t.tokens, *demand))?;
    Ok(LifetimeCostOptimum {
        optimum,
        demand: *demand,
        budget,
        training_optimal_budget,
    })
}

/// When a smaller model trained to a reference run's quality becomes cheaper over its
/// life than the reference as trained ("a 7B trained to 65B quality" vs "the 65B").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BreakEven {
    /// The hypothesis' stable id.
    pub hypothesis: String,
    /// The smaller model's size.
    pub small: Params,
    /// The reference run's size.
    pub reference_params: Params,
    /// The reference run's training tokens.
    pub reference_tokens: Tokens,
    /// The reference run's loss under the point estimate (the target), nats/token.
    pub target_loss: f64,
    /// Tokens the smaller model needs to reach the target (point estimate); `None`
    /// when it cannot.
    pub small_tokens: Option<Tokens>,
    /// Tokens served at which the two cost the same lifetime FLOPs,
    /// 3 (N_s D_s − N_r D_r) / (N_r − N_s); 0 when the smaller model is cheaper even to
    /// train; `None` when it never reaches the target (no break-even exists).
    pub demand: Option<f64>,
    /// Band of the break-even demand over the draws that reach their own target.
    pub demand_band: Option<Band>,
    /// Share of draws under which the smaller model reaches the target (1.0 or 0.0
    /// without draws).
    pub reachable_fraction: f64,
    /// Why there is no break-even, when there is none.
    pub reason: Option<String>,
    /// Everything a user must know (extrapolation of the smaller model's run, ...).
    pub warnings: Vec<Warning>,
}

/// The break-even demand, in tokens served, above which a model of `small` parameters
/// trained to the quality of `reference` (N, D as trained) costs fewer lifetime FLOPs
/// (6ND + 2N·demand) than the reference itself. Each parameter draw compares with its
/// own prediction of the reference. No break-even exists when the smaller model cannot
/// reach the reference's loss (`demand` is `None` and `reason` says why).
///
/// ```
/// use isoflop::law::ChinchillaHypothesis;
/// use isoflop::query::break_even_demand;
/// let h = ChinchillaHypothesis::hoffmann2022();
/// let b = break_even_demand(&h, "6.7B".parse()?, ("65.2B".parse()?, "1.4T".parse()?), 0.9)?;
/// let t = b.demand.expect("reachable under Hoffmann et al.");
/// assert!(t > 1e12 && t < 1e14);
/// let never = break_even_demand(&h, "1B".parse()?, ("65.2B".parse()?, "1.4T".parse()?), 0.9)?;
/// assert!(never.demand.is_none() && never.reason.is_some());
/// # Ok::<(), isoflop::Error>(())
/// ```
///
/// # Errors
/// [`Error::NotApplicable`] when `small` is not smaller than the reference; an invalid
/// level; the hypothesis' own errors.
pub fn break_even_demand(
    h: &dyn LossHypothesis,
    small: Params,
    reference: (Params, Tokens),
    level: f64,
) -> Result<BreakEven> {
    check::open_unit("band level", level)?;
    let (n_r, d_r) = reference;
    if small >= n_r {
        return Err(Error::NotApplicable {
            what: format!("a break-even demand of a {small} model against a {n_r} model"),
            reason: "the smaller model must have fewer parameters than the reference".into(),
        });
    }
    let target = LossTarget::AsTrained {
        params: n_r,
        tokens: d_r,
    };
    let t = target.point(h)?;
    let (n_s, n_rf, d_rf) = (small.get(), n_r.get(), d_r.get());
    let demand_for = |d_s: f64| (3.0 * (n_s * d_s - n_rf * d_rf) / (n_rf - n_s)).max(0.0);
    let x = small.get().ln();
    let reach = solve_ln_d(h, x, t)?;
    let mut warnings = Vec::new();
    let (small_tokens, demand, reason) = match reach {
        Reach::At(y) => {
            let d = Tokens::new(y.exp())?;
            let e = extrapolation(h.evidence(), small, d);
            if e.factor > 1.0 {
                warnings.push(Warning::BeyondData {
                    factor: e.factor,
                    axis: e.axis,
                });
            }
            (Some(d), Some(demand_for(y.exp())), None)
        }
        Reach::Below => {
            // Already below the target at the least the search considers: that many
            // tokens suffice, and the smaller model is cheaper even to train.
            warnings.push(Warning::Note(format!(
                "a {small} model is already below the reference's loss {} after 1e3 tokens, the least the search considers: its tokens and the demand are upper bounds",
                crate::error::compact4(t)
            )));
            (
                Some(Tokens::new(LN_D_MIN.exp())?),
                Some(demand_for(LN_D_MIN.exp())),
                None,
            )
        }
        Reach::Never => {
            let floor = h
                .floor(small)?
                .map(|f| format!(": its floor is {}", crate::error::compact4(f)))
                .unwrap_or_default();
            (
                None,
                None,
                Some(format!(
                    "a {small} model never reaches the reference's loss {} (not within 1e30 tokens{floor})",
                    crate::error::compact4(t)
                )),
            )
        }
    };
    let k = h.draw_count();
    let (demand_band, reachable_fraction) = if k == 0 {
        warnings.push(Warning::NoPublishedUncertainty);
        (None, if demand.is_some() { 1.0 } else { 0.0 })
    } else {
        let mut targets = Vec::with_capacity(k);
        target.draws_into(h, &mut targets)?;
        let center = match reach {
            Reach::At(y) => y,
            Reach::Below => LN_D_MIN,
            Reach::Never => LN_D_MAX,
        };
        let mut crossings = Vec::with_capacity(k);
        draw_crossings(h, small, &targets, center, &mut crossings)?;
        // A draw already below its target at the bottom of the window reaches it there.
        let mut at_min = Vec::with_capacity(k);
        h.draws_into(small, Tokens::new(LN_D_MIN.exp())?, &mut at_min)?;
        let mut ts: Vec<f64> = crossings
            .iter()
            .zip(at_min.iter().zip(&targets))
            .filter_map(|(y, (l, t))| {
                if y.is_finite() {
                    Some(demand_for(y.exp()))
                } else if l <= t {
                    Some(demand_for(LN_D_MIN.exp()))
                } else {
                    None
                }
            })
            .collect();
        let fraction = ts.len() as f64 / k as f64;
        if ts.len() < k {
            warnings.push(Warning::Note(format!(
                "under {} of {k} parameter draws the {small} model does not reach its target \
                 within 4 decades of tokens of the point answer",
                k - ts.len()
            )));
        }
        let band = if ts.is_empty() {
            None
        } else {
            Some(Band::from_draws(&mut ts, level)?)
        };
        (band, fraction)
    };
    Ok(BreakEven {
        hypothesis: h.id(),
        small,
        reference_params: n_r,
        reference_tokens: d_r,
        target_loss: t,
        small_tokens,
        demand,
        demand_band,
        reachable_fraction,
        reason,
        warnings,
    })
}

fn band_params(b: &Option<Band>) -> String {
    match b {
        Some(b) => match (Params::new(b.lo), Params::new(b.hi)) {
            (Ok(lo), Ok(hi)) => format!(" [{lo}, {hi}] {:.0}%", 100.0 * b.level),
            _ => String::new(),
        },
        None => String::new(),
    }
}

impl std::fmt::Display for LifetimeOptimum {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "{}: lifetime optimum for loss {:.4} and {:.3e} tokens served",
            self.hypothesis, self.target_loss, self.demand
        )?;
        writeln!(
            f,
            "  N = {}{}, D = {} ({:.0} tokens/parameter)",
            self.params,
            band_params(&self.params_band),
            self.tokens,
            self.tokens_per_param
        )?;
        writeln!(
            f,
            "  lifetime {} FLOPs = training {} + inference {:.3e}",
            self.flops, self.training_flops, self.inference_flops
        )?;
        write!(
            f,
            "  the training-optimal model of equal quality ({} on {}) would need {} FLOPs ({:.1}% more)\n  extrapolation: {}",
            self.training_optimal.params,
            self.training_optimal.tokens,
            self.training_optimal.lifetime_flops,
            100.0 * (1.0 / self.flops_ratio() - 1.0),
            self.extrapolation.description
        )?;
        for w in &self.warnings {
            write!(f, "\n  warning: {w}")?;
        }
        Ok(())
    }
}

impl std::fmt::Display for BreakEven {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "{}: a {} model trained to the loss of {} on {} ({:.4})",
            self.hypothesis,
            self.small,
            self.reference_params,
            self.reference_tokens,
            self.target_loss
        )?;
        match (self.demand, &self.reason) {
            (Some(t), _) => {
                let tokens = self
                    .small_tokens
                    .map(|d| format!(" (needs {d} training tokens)"))
                    .unwrap_or_default();
                let band = self
                    .demand_band
                    .map(|b| format!(" [{:.2e}, {:.2e}] {:.0}%", b.lo, b.hi, 100.0 * b.level))
                    .unwrap_or_default();
                write!(
                    f,
                    "  is cheaper over its life above {t:.3e} tokens served{band}{tokens}"
                )?;
            }
            (None, reason) => write!(
                f,
                "  has no break-even demand: {}",
                reason.as_deref().unwrap_or("it never reaches the target")
            )?,
        }
        for w in &self.warnings {
            write!(f, "\n  warning: {w}")?;
        }
        Ok(())
    }
}

impl std::fmt::Display for LifetimeCostOptimum {
    /// What was asked (the demand as given, in tokens served) and what it costs: the
    /// optimum's size, its lifetime FLOPs and dollars from its own budget. The
    /// training-equivalent demand the optimum was sized at is named as such.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let o = &self.optimum;
        let b = self.budget.total();
        let t = self.training_optimal_budget.total();
        let money =
            |usd: f64| Usd::new(usd).map_or_else(|_| format!("${usd:.3e}"), |u| u.to_string());
        let flops = |x: f64| Flops::new(x).map_or_else(|_| format!("{x:.3e}"), |v| v.to_string());
        writeln!(
            f,
            "{}: lifetime cost optimum for loss {:.4}, serving {:.3e} prompt + {:.3e} generated tokens",
            o.hypothesis,
            o.target_loss,
            self.demand.prompt_tokens(),
            self.demand.generated_tokens()
        )?;
        writeln!(
            f,
            "  N = {}{}, D = {} ({:.0} tokens/parameter)",
            o.params,
            band_params(&o.params_band),
            o.tokens,
            o.tokens_per_param
        )?;
        writeln!(
            f,
            "  lifetime {} FLOPs = training {} + prefill {} + decode {}",
            flops(b.flops),
            flops(self.budget.training.flops),
            flops(self.budget.prefill.flops),
            flops(self.budget.decode.flops)
        )?;
        writeln!(
            f,
            "  lifetime cost {} ({:.1}% of the training-optimal model's {})",
            money(b.usd),
            100.0 * self.cost_ratio(),
            money(t.usd)
        )?;
        write!(
            f,
            "  sized at a training-equivalent demand of {:.3e} tokens (serving FLOPs weighted by their cost relative to training)",
            o.demand
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::law::{ChinchillaHypothesis, ChinchillaLaw};

    #[test]
    fn brent_finds_a_cubic_root() {
        let f = |x: f64| Ok(x * x * x - 2.0);
        let r = brent_root(f, 0.0, 2.0, -2.0, 6.0, 1e-14).unwrap();
        assert!((r - 2f64.cbrt()).abs() < 1e-13);
    }

    #[test]
    fn zero_demand_is_the_closed_form() {
        // Hoffmann et al. 2022 Eq. 4 at fixed loss: at the optimum α A/N^α = β B/D^β,
        // so L − E = (A/N^α)(1 + α/β) (arXiv:2203.15556, Sec. 3.3).
        let h = ChinchillaHypothesis::hoffmann2022();
        let l = ChinchillaLaw::hoffmann2022();
        for target in [1.9, 2.0, 2.3, 3.0] {
            let o = lifetime_optimal(&h, LossTarget::Loss(target), 0.0, 0.9).unwrap();
            let n = (l.a() * (1.0 + l.alpha() / l.beta()) / (target - l.e())).powf(1.0 / l.alpha());
            let d = (l.b() * (1.0 + l.beta() / l.alpha()) / (target - l.e())).powf(1.0 / l.beta());
            assert!(
                (o.params.get() / n - 1.0).abs() < 1e-9,
                "{target}: {} vs {n}",
                o.params
            );
            assert!(
                (o.tokens.get() / d - 1.0).abs() < 1e-9,
                "{target}: {} vs {d}",
                o.tokens
            );
        }
    }

    #[test]
    fn invalid_inputs_are_typed_errors() {
        let h = ChinchillaHypothesis::hoffmann2022();
        for bad in [-1.0, f64::NAN, f64::INFINITY] {
            assert!(matches!(
                lifetime_optimal(&h, LossTarget::Loss(2.0), bad, 0.9),
                Err(Error::InvalidValue { .. })
            ));
        }
        assert!(LossTarget::loss(f64::NAN).is_err());
        assert!(LossTarget::loss(-2.0).is_err());
        assert!(serde_json::from_str::<LossTarget>(r#"{"Loss":-1.0}"#).is_err());
        assert!(matches!(
            lifetime_optimal(&h, LossTarget::Loss(1.5), 0.0, 0.9),
            Err(Error::Unreachable { .. })
        ));
        assert!(matches!(
            break_even_demand(
                &h,
                Params::new(7e10).unwrap(),
                (Params::new(7e9).unwrap(), Tokens::new(1e12).unwrap()),
                0.9
            ),
            Err(Error::NotApplicable { .. })
        ));
    }
}
