//! The inverse query: how many tokens (and how much compute) a model of N
//! parameters needs to reach a target loss.

use crate::band::Band;
use crate::error::{check, Error, Result};
use crate::law::LossHypothesis;
use crate::prediction::{Extrapolation, Warning};
use crate::units::{Flops, Params, Tokens};
use serde::{Deserialize, Serialize};

use super::predict::extrapolation;

/// Tokens and compute for N to reach a target loss, with bands over the draws.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TokensToReach {
    /// The hypothesis' stable id.
    pub hypothesis: String,
    /// Model size.
    pub params: Params,
    /// Target loss, nats/token.
    pub target: f64,
    /// Tokens needed under the point estimate.
    pub tokens: Tokens,
    /// Training compute 6ND for those tokens.
    pub flops: Flops,
    /// Band of the tokens needed (in tokens) over the draws that can reach the target;
    /// `None` when the hypothesis has no draws or no draw reaches it.
    pub tokens_band: Option<Band>,
    /// Fraction of the draws with a finite loss whose crossing of the target lies in the
    /// search window, 1e3 to 1e30 tokens (1.0 without draws). A draw that crosses before
    /// or after the window is counted out with a warning that says which; beyond the
    /// window is not the same as never.
    pub reachable_fraction: f64,
    /// Number of parameter draws the band and `reachable_fraction` come from (0: the
    /// point estimate only).
    #[serde(default)]
    pub draws: usize,
    /// How far the answer reaches beyond the data.
    pub extrapolation: Extrapolation,
    /// Everything a user must know.
    pub warnings: Vec<Warning>,
}

/// Lowest and highest token counts the search considers: 1e3 to 1e30 tokens.
const LN_D_MIN: f64 = 6.907_755_278_982_137; // ln 1e3
const LN_D_MAX: f64 = 69.077_552_789_821_37; // ln 1e30

/// Solves point(n, D) = target for D by bisection in ln D (loss must fall with D).
fn solve_point(h: &dyn LossHypothesis, n: Params, target: f64) -> Result<f64> {
    let loss = |ln_d: f64| -> Result<f64> { h.point(n, Tokens::new(ln_d.exp())?) };
    let (mut lo, mut hi) = (LN_D_MIN, LN_D_MAX);
    let (f_lo, f_hi) = (loss(lo)? - target, loss(hi)? - target);
    if f_lo <= 0.0 {
        return Err(Error::Unreachable {
            hypothesis: h.id(),
            target,
            reason: format!(
                "the loss is already {} at 1e3 tokens: the target is above anything this hypothesis describes",
                crate::error::compact4(f_lo + target)
            ),
        });
    }
    if f_hi > 0.0 {
        // The floor (if any) was checked by the caller: the target lies beyond the window,
        // which is not the same as never.
        return Err(Error::NotApplicable {
            what: format!("tokens for a {n} model to reach a loss of {target} under {}", h.id()),
            reason: format!(
                "1e30 tokens, the end of the search window, still give a loss of {}: the target lies beyond it",
                crate::error::compact4(f_hi + target)
            ),
        });
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if loss(mid)? > target {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo < 1e-12 {
            break;
        }
    }
    Ok(0.5 * (lo + hi))
}

/// Tokens and compute for a model of `n` parameters to reach `target` loss under `h`.
///
/// The band comes from solving the same equation under each parameter draw (on a fine
/// log-spaced grid around the point answer, then on the rest of the window 1e3..1e30
/// tokens, interpolated in ln D). As in [`Predictor`](super::Predictor), draws with a
/// non-finite loss are left out with a [`Warning::Impossible`]; draws that cross outside
/// the window are counted out of `reachable_fraction` with a note, never clamped to it.
///
/// # Errors
/// [`Error::Unreachable`] when the target is at or below the hypothesis' floor for this
/// size, or already reached at 1e3 tokens; [`Error::NotApplicable`] when the point
/// estimate reaches it only beyond 1e30 tokens; [`Error::NonFinite`] when every draw's
/// loss is non-finite.
///
/// ```
/// use isoflop::law::ChinchillaHypothesis;
/// use isoflop::query::tokens_to_reach;
/// let h = ChinchillaHypothesis::hoffmann2022();
/// let r = tokens_to_reach(&h, "6.7B".parse()?, 2.0, 0.9)?;
/// assert!(r.tokens.get() > 1e12);
/// // Below the irreducible loss E = 1.69 nothing helps:
/// assert!(tokens_to_reach(&h, "6.7B".parse()?, 1.6, 0.9).is_err());
/// # Ok::<(), isoflop::Error>(())
/// ```
pub fn tokens_to_reach(
    h: &dyn LossHypothesis,
    n: Params,
    target: f64,
    level: f64,
) -> Result<TokensToReach> {
    check::positive("target loss", target)?;
    check::open_unit("band level", level)?;
    if let Some(floor) = h.floor(n)? {
        if target <= floor {
            return Err(Error::Unreachable {
                hypothesis: h.id(),
                target,
                reason: format!(
                    "the hypothesis' floor for {} model is {}: no amount of data goes below it",
                    n.with_article(),
                    crate::error::compact4(floor)
                ),
            });
        }
    }
    let ln_d = solve_point(h, n, target)?;
    let tokens = Tokens::new(ln_d.exp())?;
    let flops = crate::compute::training_flops_6nd(n, tokens)?;
    let mut warnings = Vec::new();
    let extrapolation = extrapolation(h.evidence(), n, tokens);
    if extrapolation.factor > 1.0 {
        warnings.push(Warning::BeyondData {
            factor: extrapolation.factor,
            axis: extrapolation.axis.clone(),
        });
    }
    let (tokens_band, reachable_fraction) = if h.draw_count() == 0 {
        warnings.push(Warning::NoPublishedUncertainty);
        (None, 1.0)
    } else {
        let k = h.draw_count();
        let found = draw_crossings(h, n, target, ln_d)?;
        let usable = k - found.non_finite;
        if found.non_finite > 0 {
            warnings.push(Warning::Impossible {
                reason: format!(
                    "{} of {k} parameter draws gave a non-finite loss and were left out",
                    found.non_finite
                ),
            });
        }
        if usable == 0 {
            return Err(Error::NonFinite("every parameter draw's loss"));
        }
        let pct = |m: usize| 100.0 * m as f64 / usable as f64;
        if found.before_window > 0 {
            warnings.push(Warning::Note(format!(
                "under {:.1}% of the parameter draws the target is reached before 1e3 tokens, the start of the search window; they are left out of the band",
                pct(found.before_window)
            )));
        }
        if found.after_window > 0 {
            warnings.push(Warning::Note(format!(
                "under {:.1}% of the parameter draws the target is not reached by 1e30 tokens, the end of the search window (beyond it, not necessarily never); they are left out of the band",
                pct(found.after_window)
            )));
        }
        let reachable = found.ln_d.len() as f64 / usable as f64;
        let mut tokens: Vec<f64> = found.ln_d.iter().map(|x| x.exp()).collect();
        if tokens.is_empty() {
            (None, 0.0)
        } else {
            (Some(Band::from_draws(&mut tokens, level)?), reachable)
        }
    };
    warnings.extend(super::predict::caveat_warnings(h));
    Ok(TokensToReach {
        hypothesis: h.id(),
        params: n,
        target,
        tokens,
        flops,
        tokens_band,
        reachable_fraction,
        draws: h.draw_count(),
        extrapolation,
        warnings,
    })
}

/// Half-width of the per-draw search grid in ln D (four decades either side).
const GRID_HALF_WIDTH: f64 = 4.0 * std::f64::consts::LN_10;
const GRID_POINTS: usize = 241;

/// What the per-draw search found.
struct DrawCrossings {
    /// ln D of each draw's crossing that lies inside the search window.
    ln_d: Vec<f64>,
    /// Draws already at or below the target at the window's start (1e3 tokens).
    before_window: usize,
    /// Draws still above the target at the window's end (1e30 tokens).
    after_window: usize,
    /// Draws whose loss was not finite somewhere on the way (left out).
    non_finite: usize,
}

/// Per-draw state of the search.
struct Search {
    /// Still looking for this draw's crossing.
    pending: Vec<bool>,
    /// At or below the target at the first point of the last scan (crosses before it).
    below_start: Vec<bool>,
    /// A non-finite loss somewhere: left out.
    bad: Vec<bool>,
    /// ln D of the crossing (NaN until found).
    crossing: Vec<f64>,
    prev: Vec<f64>,
    cur: Vec<f64>,
}

/// Scans ascending `ln_ds`, recording for each pending draw the first crossing of
/// `target` (linear interpolation in ln D). A draw already at or below the target at the
/// first point is marked `below_start`; a non-finite loss marks it `bad`.
fn scan(
    h: &dyn LossHypothesis,
    n: Params,
    target: f64,
    ln_ds: impl Iterator<Item = f64>,
    s: &mut Search,
) -> Result<()> {
    let Search {
        pending,
        below_start,
        bad,
        crossing,
        prev,
        cur,
    } = s;
    let mut x_prev = f64::NAN;
    for x in ln_ds {
        h.draws_into(n, Tokens::new(x.exp())?, cur)?;
        for i in 0..pending.len() {
            if !pending[i] {
                continue;
            }
            let l1 = cur.get(i).copied().unwrap_or(f64::NAN);
            if !l1.is_finite() {
                pending[i] = false;
                bad[i] = true;
                continue;
            }
            if x_prev.is_nan() {
                if l1 <= target {
                    pending[i] = false;
                    below_start[i] = true;
                }
            } else {
                let l0 = prev[i];
                if l0 > target && l1 <= target {
                    crossing[i] = x_prev + (x - x_prev) * (l0 - target) / (l0 - l1);
                    pending[i] = false;
                }
            }
        }
        std::mem::swap(prev, cur);
        x_prev = x;
    }
    Ok(())
}

/// Evenly spaced points from `lo` to `hi` (both included).
fn grid(lo: f64, hi: f64, points: usize) -> impl Iterator<Item = f64> {
    let step = (hi - lo) / (points - 1) as f64;
    (0..points).map(move |j| {
        if j + 1 == points {
            hi
        } else {
            lo + step * j as f64
        }
    })
}

/// Per-draw crossing points: first on a fine log grid around the point answer, then,
/// for draws that cross outside it, on the rest of the search window 1e3..1e30 tokens.
/// Nothing is clamped: a crossing is found where it is, or the draw is counted as
/// before or after the window, or as non-finite.
fn draw_crossings(
    h: &dyn LossHypothesis,
    n: Params,
    target: f64,
    ln_center: f64,
) -> Result<DrawCrossings> {
    let k = h.draw_count();
    let lo = (ln_center - GRID_HALF_WIDTH).max(LN_D_MIN);
    let hi = (ln_center + GRID_HALF_WIDTH).min(LN_D_MAX);
    let mut s = Search {
        pending: vec![true; k],
        below_start: vec![false; k],
        bad: vec![false; k],
        crossing: vec![f64::NAN; k],
        prev: Vec::with_capacity(k),
        cur: Vec::with_capacity(k),
    };
    // The fine grid around the point answer finds most crossings.
    scan(h, n, target, grid(lo, hi, GRID_POINTS), &mut s)?;
    // Still pending: finite, above the target all along the fine grid.
    let above = s.pending.clone();
    // Draws already at or below the target at the fine grid's start cross earlier:
    // search the window below it (a draw below the target at 1e3 tokens crosses before
    // the window).
    let mut before_window = 0;
    if s.below_start.iter().any(|&b| b) {
        s.pending.clone_from(&s.below_start);
        s.below_start.iter_mut().for_each(|b| *b = false);
        if lo > LN_D_MIN {
            scan(h, n, target, grid(LN_D_MIN, lo, GRID_POINTS), &mut s)?;
        } else {
            s.below_start.clone_from(&s.pending);
        }
        before_window = s.below_start.iter().filter(|&&b| b).count();
    }
    // Draws still above the target at the fine grid's end: search the window above it.
    let mut after_window = 0;
    if above.iter().any(|&a| a) {
        s.pending.clone_from(&above);
        if hi < LN_D_MAX {
            scan(h, n, target, grid(hi, LN_D_MAX, GRID_POINTS), &mut s)?;
        }
        after_window = s.pending.iter().filter(|&&p| p).count();
    }
    Ok(DrawCrossings {
        ln_d: s.crossing.into_iter().filter(|x| x.is_finite()).collect(),
        before_window,
        after_window,
        non_finite: s.bad.iter().filter(|&&b| b).count(),
    })
}
