//! Predictions: a value with its band, how far it extrapolates, and warnings.
//!
//! Every answer isoflop gives about loss is a [`Prediction`]. It never hides an
//! impossible value: a loss below the hypothesis' own floor, below zero, or far
//! beyond the data is reported as is, with a [`Warning`] that says so.

use crate::band::Band;
use crate::units::{Flops, Params, Tokens};
use serde::{Deserialize, Serialize};
use std::fmt;

/// How far a prediction reaches beyond the data behind its hypothesis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Extrapolation {
    /// The largest ratio of the query to the data's maximum, or of the data's minimum
    /// to the query, over the axes the data describes (tokens, compute, parameters,
    /// tokens per parameter); <= 1 means within the data.
    pub factor: f64,
    /// The axis that gave `factor`: "tokens", "compute", "parameters" or "tokens per
    /// parameter", with " (below the data)" when the query lies below the data's
    /// minimum ("none" when the evidence has no ranges).
    pub axis: String,
    /// E.g. "13.6x the longest observed run (1.0T tokens)".
    pub description: String,
}

impl Extrapolation {
    /// Whether the query lies within the data on every known axis.
    pub fn within_data(&self) -> bool {
        self.factor <= 1.0
    }
}

/// Something a user must know about a prediction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Warning {
    /// The query lies beyond the data (factor > 1 on some axis).
    BeyondData {
        /// How far, as in [`Extrapolation::factor`].
        factor: f64,
        /// Which axis.
        axis: String,
    },
    /// The point estimate is below the hypothesis' own floor (its irreducible loss at
    /// this size under the point-estimate parameters). Only the point estimate is
    /// compared with the point estimate's floor: each parameter draw has a floor of its
    /// own, so a band edge below the point floor is no contradiction.
    BelowFloor {
        /// The point estimate.
        value: f64,
        /// The point estimate's floor.
        floor: f64,
    },
    /// The value is physically impossible (a loss below zero, or non-finite draws).
    Impossible {
        /// What is impossible.
        reason: String,
    },
    /// The hypothesis has no published uncertainty; the band has zero width.
    NoPublishedUncertainty,
    /// The loss curves behind the hypothesis are intermediate points of a cosine
    /// schedule (Hoffmann et al. 2022, App. B): they overstate the loss of a run
    /// scheduled to end there.
    ScheduleConfound,
    /// The fit behind the hypothesis did not converge: its parameters are not
    /// estimates, and neither is anything predicted from them.
    FitNotConverged {
        /// The fit's status (`Stalled`, `AtBound`, `FlatDirection`, `IterationLimit`).
        status: String,
        /// What the status means and what to do about it.
        reason: String,
    },
    /// Any other caveat. Serialised as `{"kind": "note", "text": "..."}` (an
    /// internally tagged variant cannot hold a bare string).
    #[serde(with = "note_text")]
    Note(String),
}

/// Serde form of [`Warning::Note`]'s text: a map `{"text": ...}`.
mod note_text {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    struct Note<T> {
        text: T,
    }

    pub fn serialize<S: Serializer>(text: &str, s: S) -> Result<S::Ok, S::Error> {
        Note { text }.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        Note::<String>::deserialize(d).map(|n| n.text)
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::BeyondData { factor, axis } => {
                write!(f, "extrapolates {factor:.1}x beyond the data in {axis}")
            }
            Warning::BelowFloor { value, floor } => write!(
                f,
                "the point estimate {value:.4} is below this hypothesis' own floor {floor:.4}"
            ),
            Warning::FitNotConverged { status, reason } => write!(
                f,
                "the fit behind this hypothesis did not converge ({status}): {reason}; its numbers are not estimates"
            ),
            Warning::Impossible { reason } => write!(f, "physically impossible: {reason}"),
            Warning::NoPublishedUncertainty => f.write_str(
                "no published uncertainty for these parameters (no parameter draws): the band has zero width, not zero error",
            ),
            Warning::ScheduleConfound => f.write_str(
                "fitted to intermediate points of a cosine schedule, which overstate the loss of a run scheduled to end there",
            ),
            Warning::Note(s) => f.write_str(s),
        }
    }
}

/// A loss prediction for a model of `params` trained on `tokens`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prediction {
    /// The hypothesis' stable id.
    pub hypothesis: String,
    /// Model size asked about.
    pub params: Params,
    /// Training tokens asked about.
    pub tokens: Tokens,
    /// Training compute, 6ND.
    pub flops: Flops,
    /// The point estimate (from the point-estimate parameters), nats/token.
    pub point: f64,
    /// The band from the parameter draws (zero width when there are none).
    pub loss: Band,
    /// How far this reaches beyond the data.
    pub extrapolation: Extrapolation,
    /// Everything a user must know.
    pub warnings: Vec<Warning>,
}

impl fmt::Display for Prediction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: N={} D={} C={} loss {:.3}",
            self.hypothesis, self.params, self.tokens, self.flops, self.loss
        )?;
        for w in &self.warnings {
            write!(f, "\n  warning: {w}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_warning_round_trips_through_json() {
        // Found by the property suite: `Note(String)` in an internally tagged enum
        // could not be serialised at all ("cannot serialize tagged newtype variant").
        for w in [
            Warning::Note("under 3 of 40 draws ...".into()),
            Warning::BeyondData {
                factor: 2.5,
                axis: "tokens".into(),
            },
            Warning::NoPublishedUncertainty,
        ] {
            let json = serde_json::to_string(&w).unwrap();
            assert_eq!(serde_json::from_str::<Warning>(&json).unwrap(), w, "{json}");
        }
        let json = serde_json::to_string(&Warning::Note("x".into())).unwrap();
        assert_eq!(json, r#"{"kind":"note","text":"x"}"#);
    }
}
