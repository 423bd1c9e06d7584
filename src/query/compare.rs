//! One question, several hypotheses, one table.

use crate::error::{check, Result};
use crate::law::LossHypothesis;
use crate::prediction::Prediction;
use crate::units::{Flops, Params, Tokens};
use serde::{Deserialize, Serialize};
use std::fmt;

use super::inverse::{tokens_to_reach, TokensToReach};
use super::predict::Predictor;

/// A question to put to every hypothesis.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Question {
    /// Loss of `params` trained on `tokens`.
    LossAt {
        /// Model size (total parameters).
        params: Params,
        /// Training tokens.
        tokens: Tokens,
    },
    /// Loss of `params` given a compute budget (D = C / 6N).
    LossAtCompute {
        /// Model size (total parameters).
        params: Params,
        /// Training compute.
        flops: Flops,
    },
    /// Tokens for `params` to reach a target loss.
    TokensToReach {
        /// Model size (total parameters).
        params: Params,
        /// Target loss, nats/token.
        target: f64,
    },
}

impl fmt::Display for Question {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Question::LossAt { params, tokens } => {
                write!(
                    f,
                    "loss of {} model trained on {tokens} tokens",
                    params.with_article()
                )
            }
            Question::LossAtCompute { params, flops } => {
                write!(
                    f,
                    "loss of {} model given {flops} FLOPs",
                    params.with_article()
                )
            }
            Question::TokensToReach { params, target } => {
                write!(
                    f,
                    "tokens for {} model to reach a loss of {target}",
                    params.with_article()
                )
            }
        }
    }
}

/// What one hypothesis answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Answer {
    /// A loss prediction.
    Loss(Prediction),
    /// A token count to reach a target.
    Tokens(TokensToReach),
    /// The hypothesis could not answer (e.g. a curve continuation of another model, or
    /// a target below its floor); the reason in words.
    Declined {
        /// Why.
        reason: String,
    },
}

/// One row of a comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ComparisonRow {
    /// The hypothesis' stable id.
    pub hypothesis: String,
    /// Its assumption in one sentence.
    pub assumption: String,
    /// The corpus its losses are on ([`LossHypothesis::corpus`](crate::law::LossHypothesis::corpus)):
    /// rows on different corpora are not comparable loss for loss.
    #[serde(default)]
    pub corpus: String,
    /// Its answer.
    pub answer: Answer,
}

/// Several hypotheses' answers to one question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Comparison {
    /// The question, in words.
    pub question: String,
    /// Band level.
    pub level: f64,
    /// One row per hypothesis, in the order given.
    pub rows: Vec<ComparisonRow>,
}

/// Puts `question` to every hypothesis in `hypotheses`. A hypothesis that cannot
/// answer gets a [`Answer::Declined`] row saying why.
///
/// `hypotheses` may hold owned hypotheses (`Vec<Box<dyn LossHypothesis>>`,
/// `Vec<Arc<dyn LossHypothesis>>`, `Vec<ChinchillaHypothesis>`), which an evcxr notebook
/// can keep between cells, or borrowed ones (`Vec<&dyn LossHypothesis>`): a pointer to a
/// hypothesis is a hypothesis.
///
/// # Errors
///
/// Only an invalid `level` (not in (0, 1)) fails the call.
///
/// The question's model size is a total parameter count (embeddings included, as
/// models are published). Each hypothesis gets it through
/// [`LossHypothesis::params_from_total`](crate::law::LossHypothesis::params_from_total): a law that counts non-embedding parameters
/// (Kaplan's) converts when it knows the model's embeddings and declines otherwise.
/// Token counts for a budget are always D = C / (6 N_total).
///
/// # Errors
///
/// [`crate::Error::InvalidValue`] for a level outside (0, 1).
///
/// # Examples
///
/// ```
/// use isoflop::law::{ChinchillaHypothesis, LossHypothesis};
/// use isoflop::query::{compare, Question};
/// let hs: Vec<Box<dyn LossHypothesis>> = vec![
///     Box::new(ChinchillaHypothesis::hoffmann2022()),
///     Box::new(ChinchillaHypothesis::hoffmann2022_unrounded()),
/// ];
/// let q = Question::LossAt { params: "6.7B".parse()?, tokens: "13.6T".parse()? };
/// let table = compare(&hs, q, 0.9)?;
/// assert_eq!(table.rows.len(), 2);
/// println!("{table}");
/// # Ok::<(), isoflop::Error>(())
/// ```
pub fn compare<H: LossHypothesis>(
    hypotheses: &[H],
    question: Question,
    level: f64,
) -> Result<Comparison> {
    check::open_unit("band level", level)?;
    let mut predictor = Predictor::new(level)?;
    let rows = hypotheses
        .iter()
        .map(|h| {
            let h: &dyn LossHypothesis = h;
            // The question's sizes are total counts; each law gets the N it counts
            // (a non-embedding law converts or declines). The compute stays 6·N_total·D.
            let own = |total: Params| h.params_from_total(total);
            let answer = match question {
                Question::LossAt { params, tokens } => own(params)
                    .and_then(|n| predictor.predict(h, n, tokens))
                    .map(Answer::Loss),
                Question::LossAtCompute { params, flops } => {
                    crate::compute::tokens_for_flops(params, flops)
                        .and_then(|d| predictor.predict(h, own(params)?, d))
                        .map(Answer::Loss)
                }
                Question::TokensToReach { params, target } => own(params)
                    .and_then(|n| tokens_to_reach(h, n, target, level))
                    .map(Answer::Tokens),
            };
            ComparisonRow {
                hypothesis: h.id(),
                assumption: h.assumption(),
                corpus: h.corpus(),
                answer: answer.unwrap_or_else(|e| Answer::Declined {
                    reason: e.to_string(),
                }),
            }
        })
        .collect();
    Ok(Comparison {
        question: question.to_string(),
        level,
        rows,
    })
}

impl fmt::Display for Comparison {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} ({:.0}% bands; each row's loss is on its own corpus)",
            self.question,
            self.level * 100.0
        )?;
        let width = self
            .rows
            .iter()
            .map(|r| r.hypothesis.len())
            .max()
            .unwrap_or(10);
        let corpus_width = self
            .rows
            .iter()
            .map(|r| r.corpus.chars().count())
            .max()
            .unwrap_or(6);
        for r in &self.rows {
            write!(f, "  {:width$}  {:corpus_width$}  ", r.hypothesis, r.corpus)?;
            match &r.answer {
                Answer::Loss(p) => {
                    write!(f, "{:.3}  ({})", p.loss, p.extrapolation.description)?;
                    for w in &p.warnings {
                        write!(f, "\n  {:width$}  {:corpus_width$}    ! {w}", "", "")?;
                    }
                }
                Answer::Tokens(t) => {
                    write!(f, "{} tokens, {} FLOPs", t.tokens, t.flops)?;
                    if let Some(b) = &t.tokens_band {
                        write!(f, "  [{:.3e}, {:.3e}]", b.lo, b.hi)?;
                    }
                }
                Answer::Declined { reason } => write!(f, "n/a: {reason}")?,
            }
            writeln!(f)?;
        }
        Ok(())
    }
}
