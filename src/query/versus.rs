//! Probabilities from the parameter draws: does the small model beat the large one?

use crate::error::{check, Error, Result};
use crate::law::LossHypothesis;
use crate::prediction::Warning;
use crate::units::{Params, Tokens};
use serde::{Deserialize, Serialize};

/// A probability computed as the fraction of parameter draws for which an event holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Probability {
    /// The hypothesis' stable id.
    pub hypothesis: String,
    /// What the event is, in words.
    pub event: String,
    /// Fraction of draws in which the event holds (0 or 1 without draws).
    pub probability: f64,
    /// Number of draws it was computed from (0 = point estimate only); draws with a
    /// non-finite loss are left out of it, with a warning.
    pub draws: usize,
    /// Whether the event holds under the point estimate.
    pub point_verdict: bool,
    /// Everything a user must know.
    pub warnings: Vec<Warning>,
}

/// The probability, over `h`'s parameter draws, that a model of `n` parameters trained on
/// `d` tokens reaches a loss below `threshold` (e.g. the 65B's observed final loss).
///
/// ```
/// use isoflop::law::ChinchillaHypothesis;
/// use isoflop::query::probability_below;
/// let h = ChinchillaHypothesis::hoffmann2022();
/// let p = probability_below(&h, "6.7B".parse()?, "13.6T".parse()?, 1.9)?;
/// assert_eq!(p.draws, 0); // no published uncertainty: a point verdict, flagged
/// assert!(!p.warnings.is_empty());
/// # Ok::<(), isoflop::Error>(())
/// ```
pub fn probability_below(
    h: &dyn LossHypothesis,
    n: Params,
    d: Tokens,
    threshold: f64,
) -> Result<Probability> {
    check::finite("loss threshold", threshold)?;
    let point_verdict = h.point(n, d)? < threshold;
    let event = format!(
        "{} model on {d} tokens reaches a loss below {threshold:.4}",
        n.with_article()
    );
    let mut draws = Vec::new();
    h.draws_into(n, d, &mut draws)?;
    from_indicator(
        h,
        event,
        point_verdict,
        draws
            .iter()
            .map(|&l| l.is_finite().then_some(l < threshold)),
    )
}

/// The probability, over `h`'s parameter draws, that a model of `small` parameters given
/// the compute of a `large` model trained on `large_tokens` (C = 6 N_large D_large)
/// reaches a lower loss than the large model. Each draw is one parameter set applied to
/// both models, so their errors are correlated as they should be.
///
/// # Errors
///
/// As [`probability_lower`], and [`crate::Error::NonFinite`] when the budget overflows.
pub fn probability_small_beats_large(
    h: &dyn LossHypothesis,
    small: Params,
    large: Params,
    large_tokens: Tokens,
) -> Result<Probability> {
    let c = crate::compute::training_flops_6nd(large, large_tokens)?;
    let small_tokens = crate::compute::tokens_for_flops(small, c)?;
    probability_lower(h, (small, small_tokens), (large, large_tokens))
}

/// The probability, over `h`'s parameter draws, that model `a` (parameters, tokens)
/// reaches a lower loss than model `b`. Draw `i` is the same parameter set for both.
///
/// # Errors
///
/// The hypothesis' own errors at either model. A hypothesis without draws is not an
/// error: the answer is its point verdict, with a warning that no uncertainty exists.
///
/// # Examples
///
/// ```
/// use isoflop::law::ChinchillaHypothesis;
/// use isoflop::query::probability_lower;
/// let h = ChinchillaHypothesis::besiroglu2024_published();
/// let (small, big) = (("6.7B".parse()?, "1T".parse()?), ("65.2B".parse()?, "1.4T".parse()?));
/// let p = probability_lower(&h, small, big)?;
/// assert_eq!(p.probability, 0.0); // a 10x smaller model on fewer tokens never wins
/// # Ok::<(), isoflop::Error>(())
/// ```
pub fn probability_lower(
    h: &dyn LossHypothesis,
    a: (Params, Tokens),
    b: (Params, Tokens),
) -> Result<Probability> {
    let point_verdict = h.point(a.0, a.1)? < h.point(b.0, b.1)?;
    let event = format!(
        "{} model on {} tokens beats {} model on {} tokens",
        a.0.with_article(),
        a.1,
        b.0.with_article(),
        b.1
    );
    let (mut la, mut lb) = (Vec::new(), Vec::new());
    h.draws_into(a.0, a.1, &mut la)?;
    h.draws_into(b.0, b.1, &mut lb)?;
    from_indicator(
        h,
        event,
        point_verdict,
        la.iter()
            .zip(&lb)
            .map(|(x, y)| (x.is_finite() && y.is_finite()).then_some(x < y)),
    )
}

/// The fraction of `hits` that are true. A `None` is a draw with a non-finite loss: left
/// out and reported, as [`Predictor`](super::Predictor) does, never counted as false.
fn from_indicator(
    h: &dyn LossHypothesis,
    event: String,
    point_verdict: bool,
    hits: impl Iterator<Item = Option<bool>>,
) -> Result<Probability> {
    let (mut yes, mut total, mut dropped) = (0usize, 0usize, 0usize);
    for hit in hits {
        match hit {
            Some(hit) => {
                total += 1;
                yes += usize::from(hit);
            }
            None => dropped += 1,
        }
    }
    let mut warnings = Vec::new();
    if dropped > 0 {
        if total == 0 {
            return Err(Error::NonFinite("every parameter draw's loss"));
        }
        warnings.push(Warning::Impossible {
            reason: format!(
                "{dropped} of {} parameter draws gave a non-finite loss and were left out",
                dropped + total
            ),
        });
    }
    let probability = if total == 0 {
        warnings.push(Warning::NoPublishedUncertainty);
        f64::from(u8::from(point_verdict))
    } else {
        yes as f64 / total as f64
    };
    warnings.extend(super::predict::caveat_warnings(h));
    Ok(Probability {
        hypothesis: h.id(),
        event,
        probability,
        draws: total,
        point_verdict,
        warnings,
    })
}
