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
    /// Fraction of draws under which the target is reachable at all (1.0 without draws).
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
                "the loss is already {:.4} at 1e3 tokens: the target is above anything this hypothesis describes",
                f_lo + target
            ),
        });
    }
    if f_hi > 0.0 {
        return Err(Error::Unreachable {
            hypothesis: h.id(),
            target,
            reason: format!(
                "even 1e30 tokens give a loss of {:.4} for this model size",
                f_hi + target
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
/// Errors with [`Error::Unreachable`] when the target is at or below the hypothesis'
/// floor for this size (or beyond 1e30 tokens). The band comes from solving the same
/// equation under each parameter draw (on a fine log-spaced grid around the point
/// answer, interpolated in ln D); draws that cannot reach the target are counted in
/// `reachable_fraction`, not hidden.
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
                    "the hypothesis' floor for {} model is {floor:.4}: no amount of data goes below it",
                    n.with_article()
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
        draw_band(h, n, target, ln_d, level)?
    };
    if reachable_fraction < 1.0 {
        let (lo, hi) = grid_bounds(ln_d);
        warnings.push(Warning::Note(format!(
            "under {:.1}% of the parameter draws the target is not reached within 1e{}..1e{} tokens",
            100.0 * (1.0 - reachable_fraction),
            (lo / std::f64::consts::LN_10).floor(),
            (hi / std::f64::consts::LN_10).ceil()
        )));
    }
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

/// The per-draw search grid's bounds in ln D around `ln_center`, within the search range.
fn grid_bounds(ln_center: f64) -> (f64, f64) {
    (
        (ln_center - GRID_HALF_WIDTH).max(LN_D_MIN),
        (ln_center + GRID_HALF_WIDTH).min(LN_D_MAX),
    )
}

/// Per-draw crossing points on a log grid around the point answer.
fn draw_band(
    h: &dyn LossHypothesis,
    n: Params,
    target: f64,
    ln_center: f64,
    level: f64,
) -> Result<(Option<Band>, f64)> {
    let k = h.draw_count();
    let (lo, hi) = grid_bounds(ln_center);
    let step = (hi - lo) / (GRID_POINTS - 1) as f64;
    // crossing[i]: ln D where draw i first falls to the target (NaN = not yet).
    let mut crossing = vec![f64::NAN; k];
    let mut prev = Vec::with_capacity(k);
    let mut cur = Vec::with_capacity(k);
    h.draws_into(n, Tokens::new(lo.exp())?, &mut prev)?;
    let mut already = vec![false; k];
    for (i, &l) in prev.iter().enumerate() {
        if l <= target {
            already[i] = true;
        }
    }
    for j in 1..GRID_POINTS {
        let x1 = lo + step * j as f64;
        h.draws_into(n, Tokens::new(x1.exp())?, &mut cur)?;
        for i in 0..k.min(cur.len()) {
            if already[i] || !crossing[i].is_nan() {
                continue;
            }
            let (l0, l1) = (prev[i], cur[i]);
            if l0 > target && l1 <= target {
                let x0 = x1 - step;
                crossing[i] = x0 + step * (l0 - target) / (l0 - l1);
            }
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    for (c, &a) in crossing.iter_mut().zip(&already) {
        if a {
            // Reached before the grid starts: the grid's start is an upper bound for it.
            *c = lo;
        }
    }
    let mut tokens: Vec<f64> = crossing
        .iter()
        .filter(|x| x.is_finite())
        .map(|x| x.exp())
        .collect();
    let reachable = tokens.len() as f64 / k as f64;
    if tokens.is_empty() {
        return Ok((None, 0.0));
    }
    Ok((Some(Band::from_draws(&mut tokens, level)?), reachable))
}
