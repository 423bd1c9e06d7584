//! Forward queries: the loss of a model of N parameters trained on D tokens.

use crate::band::Band;
use crate::error::{check, Error, Result};
use crate::law::{Caveat, Evidence, LossHypothesis};
use crate::prediction::{Extrapolation, Prediction, Warning};
use crate::units::{Flops, Params, Tokens};

/// How far (`n`, `d`) reaches beyond `evidence`, in either direction: the largest ratio
/// over tokens, compute (6ND), parameters and tokens per parameter (D/N), of the query
/// to the data's maximum or of the data's minimum to the query, and a sentence that says
/// it. A query below the data (a shorter run, a smaller model) or in a corner of the
/// (N, D) plane the runs never covered (a D/N outside theirs) extrapolates too.
///
/// ```
/// use isoflop::law::Evidence;
/// use isoflop::query::extrapolation;
/// use isoflop::units::{Params, Tokens};
/// let mut ev = Evidence::described("one curve");
/// ev.max_tokens = Some(Tokens::new(1e12)?);
/// let x = extrapolation(&ev, Params::new(6.7e9)?, Tokens::new(13.6e12)?);
/// assert!((x.factor - 13.6).abs() < 1e-9);
/// assert_eq!(x.description, "13.6x the longest observed run (1T tokens)");
/// // Below the data:
/// ev.min_tokens = Some(Tokens::new(1e11)?);
/// let y = extrapolation(&ev, Params::new(6.7e9)?, Tokens::new(1e10)?);
/// assert!((y.factor - 10.0).abs() < 1e-9);
/// assert_eq!(y.axis, "tokens (below the data)");
/// # Ok::<(), isoflop::Error>(())
/// ```
pub fn extrapolation(evidence: &Evidence, n: Params, d: Tokens) -> Extrapolation {
    let c = 6.0 * n.get() * d.get();
    let mut best: Option<(f64, &str, String)> = None;
    let mut consider = |factor: f64, axis: &'static str, text: String| {
        if factor.is_finite() && best.as_ref().is_none_or(|b| factor > b.0) {
            best = Some((factor, axis, text));
        }
    };
    if let Some(m) = evidence.max_tokens {
        consider(
            d.get() / m.get(),
            "tokens",
            format!("the longest observed run ({m} tokens)"),
        );
    }
    if let Some(m) = evidence.max_flops {
        consider(
            c / m.get(),
            "compute",
            format!("the largest observed compute ({m} FLOPs)"),
        );
    }
    if let Some(m) = evidence.max_params {
        consider(
            n.get() / m.get(),
            "parameters",
            format!("the largest observed model ({m} params)"),
        );
    }
    if let Some(m) = evidence.min_tokens {
        consider(
            m.get() / d.get(),
            "tokens (below the data)",
            format!("below the shortest observed run ({m} tokens)"),
        );
    }
    if let Some(m) = evidence.min_flops {
        consider(
            m.get() / c,
            "compute (below the data)",
            format!("below the smallest observed compute ({m} FLOPs)"),
        );
    }
    if let Some(m) = evidence.min_params {
        consider(
            m.get() / n.get(),
            "parameters (below the data)",
            format!("below the smallest observed model ({m} params)"),
        );
    }
    let ratio = d.get() / n.get();
    if let Some(m) = evidence.max_tokens_per_param {
        consider(
            ratio / m,
            "tokens per parameter",
            format!("the highest tokens per parameter of the data ({m:.3})"),
        );
    }
    if let Some(m) = evidence.min_tokens_per_param {
        consider(
            m / ratio,
            "tokens per parameter (below the data)",
            format!("below the lowest tokens per parameter of the data ({m:.3})"),
        );
    }
    match best {
        Some((factor, axis, text)) => Extrapolation {
            factor,
            axis: axis.to_string(),
            description: format!("{}x {text}", round_factor(factor)),
        },
        None => Extrapolation {
            factor: 1.0,
            axis: "none".into(),
            description: format!(
                "unknown: the evidence ({}) gives no ranges",
                evidence.description
            ),
        },
    }
}

fn round_factor(f: f64) -> String {
    if f >= 100.0 {
        format!("{f:.0}")
    } else if f >= 0.995 {
        let s = format!("{f:.1}");
        s.trim_end_matches(".0").to_string()
    } else {
        format!("{f:.2}")
    }
}

/// Makes predictions, reusing one scratch buffer for the draws (use it in loops).
///
/// # What a band promises
///
/// The band is the central percentile interval of the losses under the hypothesis'
/// parameter draws, at the predictor's level; `lo <= median <= hi` always holds, and
/// the median is the draws' median, not the point estimate. For bootstrap draws centred
/// on the fit (the Chinchilla refits), the point estimate lies inside the band across
/// the range users ask about, from 70M-parameter runs to 1T parameters on 200T tokens
/// (`tests/query.rs`); a strongly skewed draw distribution could in principle exclude
/// it, so check [`Band::contains`](crate::band::Band::contains) if you rely on it. A
/// hypothesis without draws gives `lo = median = hi = point` and a
/// [`Warning::NoPublishedUncertainty`].
///
/// ```
/// use isoflop::law::ChinchillaHypothesis;
/// use isoflop::query::Predictor;
/// use isoflop::units::{Params, Tokens};
/// let h = ChinchillaHypothesis::hoffmann2022();
/// let mut p = Predictor::new(0.9)?;
/// for n in [1e9, 7e9, 70e9] {
///     let pred = p.predict(&h, Params::new(n)?, Tokens::new(1.4e12)?)?;
///     assert!(pred.loss.lo <= pred.loss.hi);
/// }
/// # Ok::<(), isoflop::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Predictor {
    level: f64,
    scratch: Vec<f64>,
}

impl Predictor {
    /// A predictor whose bands cover `level` (in (0, 1), e.g. 0.9).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`](crate::Error::InvalidValue) for a level outside (0, 1).
    pub fn new(level: f64) -> Result<Self> {
        check::open_unit("band level", level)?;
        Ok(Predictor {
            level,
            scratch: Vec::new(),
        })
    }

    /// The band level.
    pub fn level(&self) -> f64 {
        self.level
    }

    /// The loss of `n` parameters trained on `d` tokens under `h`, with band and warnings.
    ///
    /// # Errors
    ///
    /// The hypothesis' own errors at (`n`, `d`) (e.g. [`Error::NotApplicable`](crate::Error::NotApplicable)
    /// for a curve continuation asked about another size), and
    /// [`Error::NonFinite`](crate::Error::NonFinite) when 6ND or every draw's loss overflows.
    pub fn predict(&mut self, h: &dyn LossHypothesis, n: Params, d: Tokens) -> Result<Prediction> {
        let flops = Flops::new(check::result(
            "training compute 6ND",
            6.0 * n.get() * d.get(),
        )?)?;
        let point = h.point(n, d)?;
        let mut warnings = Vec::new();
        let extrapolation = extrapolation(h.evidence(), n, d);
        if extrapolation.factor > 1.0 {
            warnings.push(Warning::BeyondData {
                factor: extrapolation.factor,
                axis: extrapolation.axis.clone(),
            });
        }
        let mut draws_at_or_below_zero = (0, 0);
        let loss = if h.draw_count() == 0 {
            warnings.push(Warning::NoPublishedUncertainty);
            Band::exact(point, self.level)?
        } else {
            h.draws_into(n, d, &mut self.scratch)?;
            let before = self.scratch.len();
            self.scratch.retain(|x| x.is_finite());
            let dropped = before - self.scratch.len();
            if dropped > 0 {
                warnings.push(Warning::Impossible {
                    reason: format!("{dropped} of {before} parameter draws gave a non-finite loss and were left out"),
                });
            }
            if self.scratch.is_empty() {
                return Err(Error::NonFinite("every parameter draw's loss"));
            }
            draws_at_or_below_zero = (
                self.scratch.iter().filter(|&&x| x <= 0.0).count(),
                self.scratch.len(),
            );
            Band::from_draws(&mut self.scratch, self.level)?
        };
        // Each value is compared with its own floor: the point estimate with the point
        // estimate's floor. (A draw's band edge is not compared with the point law's
        // floor: every draw has a floor of its own.)
        if let Some(floor) = h.floor(n)? {
            if point < floor {
                warnings.push(Warning::BelowFloor {
                    value: point,
                    floor,
                });
            }
        }
        if point <= 0.0 {
            warnings.push(Warning::Impossible {
                reason: format!(
                    "the point estimate, a loss of {point:.4} nats/token, is at or below zero"
                ),
            });
        }
        if draws_at_or_below_zero.0 > 0 {
            warnings.push(Warning::Impossible {
                reason: format!(
                    "{} of {} parameter draws give a loss at or below zero nats/token",
                    draws_at_or_below_zero.0, draws_at_or_below_zero.1
                ),
            });
        }
        warnings.extend(caveat_warnings(h));
        Ok(Prediction {
            hypothesis: h.id(),
            params: n,
            tokens: d,
            flops,
            point,
            loss,
            extrapolation,
            warnings,
        })
    }
}

/// The standing caveats of `h` (schedule confound, a fit that did not converge, notes)
/// as the warnings every answer from it carries.
pub(crate) fn caveat_warnings(h: &dyn LossHypothesis) -> impl Iterator<Item = Warning> {
    h.caveats().into_iter().map(|c| match c {
        Caveat::ScheduleConfound => Warning::ScheduleConfound,
        Caveat::Note(s) => Warning::Note(s),
        Caveat::FitNotConverged { status, reason } => Warning::FitNotConverged { status, reason },
    })
}

/// The loss of a model with `n` parameters trained on `d` tokens under `h`, with a
/// band at `level` (e.g. [`crate::band::DEFAULT_LEVEL`]) and warnings.
///
/// ```
/// use isoflop::law::ChinchillaHypothesis;
/// use isoflop::prediction::Warning;
/// use isoflop::query::predict;
/// use isoflop::units::{Params, Tokens};
/// let h = ChinchillaHypothesis::hoffmann2022();
/// let p = predict(&h, "70B".parse()?, "1.4T".parse()?, 0.9)?;
/// assert!((p.point - 1.9367).abs() < 1e-3);
/// // Hoffmann et al. published no uncertainty: the band has zero width, and says so.
/// assert_eq!(p.loss.width(), 0.0);
/// assert!(p.warnings.contains(&Warning::NoPublishedUncertainty));
/// # Ok::<(), isoflop::Error>(())
/// ```
///
/// # Errors
///
/// As [`Predictor::new`] and [`Predictor::predict`].
pub fn predict(h: &dyn LossHypothesis, n: Params, d: Tokens, level: f64) -> Result<Prediction> {
    Predictor::new(level)?.predict(h, n, d)
}

/// The loss of a model with `n` parameters given a training budget `c` (D = C / 6N).
///
/// # Errors
///
/// As [`predict`], and [`Error::NonFinite`](crate::Error::NonFinite) when C / 6N overflows.
///
/// # Examples
///
/// ```
/// use isoflop::law::ChinchillaHypothesis;
/// use isoflop::query::predict_at_compute;
/// let p = predict_at_compute(&ChinchillaHypothesis::hoffmann2022(), "6.7B".parse()?, "5.48e23".parse()?, 0.9)?;
/// assert!(p.extrapolation.factor > 1.0);
/// # Ok::<(), isoflop::Error>(())
/// ```
pub fn predict_at_compute(
    h: &dyn LossHypothesis,
    n: Params,
    c: Flops,
    level: f64,
) -> Result<Prediction> {
    let d = crate::compute::tokens_for_flops(n, c)?;
    predict(h, n, d, level)
}

/// The loss of a model with `n` parameters given the compute (6ND) of another run of
/// `other_n` parameters on `other_d` tokens: "7B with 65B's compute".
///
/// # Errors
///
/// As [`predict_at_compute`].
///
/// # Examples
///
/// ```
/// use isoflop::law::ChinchillaHypothesis;
/// use isoflop::query::predict_with_compute_of;
/// let h = ChinchillaHypothesis::hoffmann2022();
/// let p = predict_with_compute_of(&h, "6.7B".parse()?, "65.2B".parse()?, "1.4T".parse()?, 0.9)?;
/// assert!((p.tokens.get() / 13.6e12 - 1.0).abs() < 0.01);
/// # Ok::<(), isoflop::Error>(())
/// ```
pub fn predict_with_compute_of(
    h: &dyn LossHypothesis,
    n: Params,
    other_n: Params,
    other_d: Tokens,
    level: f64,
) -> Result<Prediction> {
    let c = crate::compute::training_flops_6nd(other_n, other_d)?;
    predict_at_compute(h, n, c, level)
}

/// The loss of a model with `n` parameters given the compute (6ND) of a published run.
///
/// ```
/// use isoflop::law::ChinchillaHypothesis;
/// use isoflop::query::predict_with_compute_of_run;
/// let llama65 = isoflop::runs::by_name("LLaMA-65B")?;
/// let h = ChinchillaHypothesis::hoffmann2022();
/// let p = predict_with_compute_of_run(&h, "6.7B".parse()?, &llama65, 0.9)?;
/// assert_eq!(p.flops.to_string(), "5.48e23");
/// # Ok::<(), isoflop::Error>(())
/// ```
///
/// # Errors
///
/// As [`predict_at_compute`].
pub fn predict_with_compute_of_run(
    h: &dyn LossHypothesis,
    n: Params,
    run: &crate::runs::PublishedRun,
    level: f64,
) -> Result<Prediction> {
    predict_with_compute_of(h, n, run.params, run.tokens, level)
}
