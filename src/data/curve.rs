//! A training-loss curve: (tokens, loss) points of one model, validated, and
//! loaded from a user's CSV.
//!
//! A [`LossCurve`] is what a curve continuation ([`crate::law::continuation`])
//! is fitted to and what a corpus calibration ([`crate::law::calibration`])
//! takes its observed points from. Its points are sorted by tokens, strictly
//! increasing, finite and positive.
//!
//! **Schedule caveat.** A training curve under a cosine learning-rate schedule
//! (LLaMA's ends at 10% of the peak) is not a sequence of final losses: an
//! intermediate point overstates the loss a run *scheduled* to end there would
//! reach (Hoffmann et al. 2022, arXiv:2203.15556, Sec. 2 and App. B, Fig. A1).
//! Only the last point of a curve is a final loss.
//!
//! ```
//! # #[cfg(feature = "csv")] {
//! use isoflop::data::curve::LossCurve;
//! use isoflop::units::{Params, Tokens};
//! let csv = "tokens_billion,loss\n100,2.0\n200,1.9\n300,1.85\n";
//! let curves = LossCurve::from_csv_reader(csv.as_bytes(), Some(Params::new(1e9)?))?;
//! let c = &curves[0];
//! assert_eq!(c.len(), 3);
//! assert_eq!(c.last_tokens(), Tokens::new(300e9)?);
//! assert_eq!(c.tail_from(Tokens::new(150e9)?)?.len(), 2);
//! # }
//! # Ok::<(), isoflop::Error>(())
//! ```

use crate::error::{check, Error, Result};
use crate::units::{Params, Tokens};
use serde::{Deserialize, Serialize};
#[cfg(feature = "csv")]
use std::io::Read;
#[cfg(feature = "csv")]
use std::path::Path;

/// The loss curve of one model: training loss (nats/token) against tokens seen.
///
/// Deserialising goes through [`LossCurve::new`]: a saved curve with no points, a
/// non-positive or non-finite loss, or one token count with two losses is an error, and
/// unsorted points come back sorted.
///
/// ```
/// use isoflop::data::curve::LossCurve;
/// let ok = r#"{"model": "m", "params": 1e9, "points": [[2e9, 2.5], [1e9, 2.9]]}"#;
/// let c: LossCurve = serde_json::from_str(ok)?;
/// assert_eq!(c.last_tokens().get(), 2e9); // the largest, whatever the file's order
/// let bad = r#"{"model": "m", "params": 1e9, "points": [[1e9, -2.9]]}"#;
/// assert!(serde_json::from_str::<LossCurve>(bad).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawLossCurve")]
pub struct LossCurve {
    model: String,
    params: Params,
    points: Vec<(Tokens, f64)>,
}

/// Serde form of [`LossCurve`], checked on the way in by [`LossCurve::new`].
#[derive(Deserialize)]
struct RawLossCurve {
    model: String,
    params: Params,
    points: Vec<(Tokens, f64)>,
}

impl TryFrom<RawLossCurve> for LossCurve {
    type Error = Error;
    fn try_from(r: RawLossCurve) -> Result<Self> {
        LossCurve::new(r.model, r.params, r.points)
    }
}

impl LossCurve {
    /// A curve of model `model` with `params` parameters from (tokens, loss) points.
    ///
    /// Points are sorted by tokens; exact duplicates (same tokens, same loss) are
    /// dropped. Errors: an empty model name, no points, a non-finite or
    /// non-positive loss, or one token count with two different losses.
    pub fn new(
        model: impl Into<String>,
        params: Params,
        mut points: Vec<(Tokens, f64)>,
    ) -> Result<Self> {
        let model = model.into();
        if model.trim().is_empty() {
            return Err(Error::NotApplicable {
                what: "a loss curve's model name".into(),
                reason: "it must not be empty".into(),
            });
        }
        if points.is_empty() {
            return Err(Error::InsufficientData {
                what: "a loss curve",
                reason: format!("curve {model:?} has no points; at least one is required"),
            });
        }
        for &(_, loss) in &points {
            check::positive("loss on a curve (nats/token)", loss)?;
        }
        points.sort_by(|a, b| a.0.get().total_cmp(&b.0.get()));
        points.dedup();
        if let Some(w) = points.windows(2).find(|w| w[0].0 == w[1].0) {
            return Err(Error::InvalidValue {
                what: "token count on a loss curve",
                value: w[0].0.get(),
                allowed: "each token count must appear once (or repeat with the same loss)",
            });
        }
        Ok(LossCurve {
            model,
            params,
            points,
        })
    }

    /// For bundled tables known to be valid (sorted, strictly increasing, positive).
    pub(crate) fn from_table(model: &str, params: Params, billions: &[(f64, f64)]) -> Self {
        LossCurve {
            model: model.to_string(),
            params,
            points: billions
                .iter()
                .map(|&(t, l)| (Tokens::raw(t * 1e9), l))
                .collect(),
        }
    }

    /// The model's name, e.g. "LLaMA-7B".
    pub fn model(&self) -> &str {
        &self.model
    }

    /// The model's parameter count.
    pub fn params(&self) -> Params {
        self.params
    }

    /// The points, sorted by tokens (strictly increasing).
    pub fn points(&self) -> &[(Tokens, f64)] {
        &self.points
    }

    /// Number of points (always >= 1).
    pub fn len(&self) -> usize {
        self.points.len()
    }

    /// Always false: a curve has at least one point. Present for API symmetry.
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// The token counts, in order.
    pub fn tokens(&self) -> impl ExactSizeIterator<Item = Tokens> + '_ {
        self.points.iter().map(|p| p.0)
    }

    /// The losses (nats/token), in token order.
    pub fn losses(&self) -> impl ExactSizeIterator<Item = f64> + '_ {
        self.points.iter().map(|p| p.1)
    }

    /// The first (smallest) token count.
    pub fn first_tokens(&self) -> Tokens {
        self.points.first().map_or(Tokens::raw(1.0), |p| p.0)
    }

    /// The last (largest) token count: the end of the observed run.
    pub fn last_tokens(&self) -> Tokens {
        self.points.last().map_or(Tokens::raw(1.0), |p| p.0)
    }

    /// The curve from `start` on: every point with tokens >= `start`.
    ///
    /// Errors with [`Error::InsufficientData`] if `start` lies beyond the last point.
    pub fn tail_from(&self, start: Tokens) -> Result<LossCurve> {
        let points: Vec<_> = self
            .points
            .iter()
            .copied()
            .filter(|p| p.0 >= start)
            .collect();
        if points.is_empty() {
            return Err(Error::InsufficientData {
                what: "a loss-curve tail",
                reason: format!(
                    "start {start} tokens lies beyond the last point of {} ({} tokens)",
                    self.model,
                    self.last_tokens()
                ),
            });
        }
        Ok(LossCurve {
            model: self.model.clone(),
            params: self.params,
            points,
        })
    }

    /// The final loss: the median loss of the points within `window` tokens of the
    /// last point (tokens >= last - window; always includes the last point).
    /// Medians are robust to loss spikes.
    pub fn final_loss(&self, window: Tokens) -> f64 {
        let from = self.last_tokens().get() - window.get();
        let mut tail: Vec<f64> = self
            .points
            .iter()
            .filter(|p| p.0.get() >= from)
            .map(|p| p.1)
            .collect();
        median(&mut tail)
    }

    #[cfg(feature = "csv")]
    /// Curves from CSV text with a header row.
    ///
    /// Columns (case-insensitive, any order, other columns ignored):
    /// - `tokens` (raw count, e.g. `1.4e12` or `1.4T`) or `tokens_billion` (billions);
    /// - `loss` (or `train_loss`), nats/token;
    /// - optional `model`: one curve per distinct value, in order of first appearance
    ///   (without it, all rows are one curve named `"curve"`);
    /// - optional `params` (e.g. `6.7B` or `6.7e9`): must be constant within a model.
    ///
    /// The parameter count of a curve comes from the `params` column, else from
    /// `default_params`; if neither is present, it is an error. When both are
    /// present the column wins.
    pub fn from_csv_reader<R: Read>(
        reader: R,
        default_params: Option<Params>,
    ) -> Result<Vec<LossCurve>> {
        Self::parse_csv(reader, default_params, "curve")
    }

    #[cfg(feature = "csv")]
    /// [`LossCurve::from_csv_reader`] on a file. Without a `model` column the curve
    /// is named after the file stem.
    pub fn from_csv_path(
        path: impl AsRef<Path>,
        default_params: Option<Params>,
    ) -> Result<Vec<LossCurve>> {
        let path = path.as_ref();
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "curve".to_string());
        Self::parse_csv(file, default_params, &stem)
    }

    #[cfg(feature = "csv")]
    fn parse_csv<R: Read>(
        reader: R,
        default_params: Option<Params>,
        default_model: &str,
    ) -> Result<Vec<LossCurve>> {
        let mut rdr = super::csv_input::reader(reader);
        let headers: Vec<String> = rdr
            .headers()?
            .iter()
            .map(|h| h.to_ascii_lowercase())
            .collect();
        let col = |names: &[&str]| headers.iter().position(|h| names.contains(&h.as_str()));
        let (tok_col, tok_scale) = match (col(&["tokens"]), col(&["tokens_billion"])) {
            (Some(i), _) => (i, 1.0),
            (None, Some(i)) => (i, 1e9),
            (None, None) => {
                return Err(Error::Csv(format!(
                    "no token column: expected `tokens` (raw count) or `tokens_billion`; found {headers:?}"
                )))
            }
        };
        let loss_col = col(&["loss", "train_loss"]).ok_or_else(|| {
            Error::Csv(format!(
                "no loss column: expected `loss` or `train_loss`; found {headers:?}"
            ))
        })?;
        let model_col = col(&["model"]);
        let params_col = col(&["params"]);

        // (model, params, points) in order of first appearance.
        let mut groups: Vec<CsvGroup> = Vec::new();
        let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        for (i, rec) in rdr.records().enumerate() {
            let rec = rec?;
            let line = i + 2;
            let field = |c: usize, what: &str| {
                rec.get(c)
                    .ok_or_else(|| Error::Csv(format!("line {line}: missing {what} field")))
            };
            let tokens_text = field(tok_col, "tokens")?;
            let tokens = if tok_scale == 1.0 {
                tokens_text.parse::<Tokens>()?
            } else {
                let b: f64 = tokens_text.parse().map_err(|_| {
                    Error::Csv(format!(
                        "line {line}: tokens_billion {:?} is not a number",
                        crate::error::clip(tokens_text)
                    ))
                })?;
                Tokens::new(b * tok_scale)?
            };
            let loss_text = field(loss_col, "loss")?;
            let loss: f64 = loss_text.parse().map_err(|_| {
                Error::Csv(format!(
                    "line {line}: loss {:?} is not a number",
                    crate::error::clip(loss_text)
                ))
            })?;
            let model = match model_col {
                Some(c) => field(c, "model")?.to_string(),
                None => default_model.to_string(),
            };
            let params = match params_col {
                Some(c) => Some(field(c, "params")?.parse::<Params>()?),
                None => None,
            };
            match index.get(&model) {
                Some(&k) => {
                    let g = &mut groups[k];
                    if g.1 != params {
                        return Err(Error::Csv(format!(
                            "line {line}: model {:?} has two parameter counts; a curve has one",
                            crate::error::clip(&model)
                        )));
                    }
                    g.2.push((tokens, loss));
                }
                None => {
                    index.insert(model.clone(), groups.len());
                    groups.push((model, params, vec![(tokens, loss)]));
                }
            }
        }
        if groups.is_empty() {
            return Err(Error::InsufficientData {
                what: "loss curves from CSV",
                reason: "the CSV has a header but no rows".into(),
            });
        }
        groups
            .into_iter()
            .map(|(model, params, points)| {
                let params = params
                    .or(default_params)
                    .ok_or_else(|| Error::InsufficientData {
                        what: "a loss curve from CSV",
                        reason: format!(
                            "no parameter count for model {:?}: add a `params` column or pass one",
                            crate::error::clip(&model)
                        ),
                    })?;
                LossCurve::new(model, params, points)
            })
            .collect()
    }
}

#[cfg(feature = "csv")]
/// Rows of one model while reading a CSV: (model, params column, points).
type CsvGroup = (String, Option<Params>, Vec<(Tokens, f64)>);

/// Median of a non-empty slice (reorders it); NaN-free input assumed (validated curves).
pub(crate) fn median(xs: &mut [f64]) -> f64 {
    let n = xs.len();
    if n == 0 {
        return f64::NAN;
    }
    xs.sort_by(f64::total_cmp);
    if n % 2 == 1 {
        xs[n / 2]
    } else {
        // Midpoint without overflow (huge losses) or underflow (subnormal ones): the
        // values are sorted and positive, so the difference is finite.
        let (a, b) = (xs[n / 2 - 1], xs[n / 2]);
        a + 0.5 * (b - a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_huge_values_does_not_overflow() {
        // Found by tests/hostile_data.rs: the final loss of a two-point curve with losses
        // 1e300 and f64::MAX came out infinite.
        let t = |x: f64| Tokens::new(x).unwrap();
        let c = LossCurve::new(
            "m",
            Params::new(1e9).unwrap(),
            vec![(t(1.0), 1e300), (t(2.0), f64::MAX)],
        )
        .unwrap();
        assert!(c.final_loss(t(10.0)).is_finite());
        // ... and of two subnormal losses, zero.
        let tiny = 5e-324;
        let c = LossCurve::new(
            "m",
            Params::new(1e9).unwrap(),
            vec![(t(1.0), tiny), (t(2.0), tiny)],
        )
        .unwrap();
        assert_eq!(c.final_loss(t(10.0)), tiny);
    }

    fn t(x: f64) -> Tokens {
        Tokens::new(x).unwrap()
    }

    #[test]
    fn sorts_dedups_and_validates() {
        let p = Params::new(1e9).unwrap();
        let c = LossCurve::new("m", p, vec![(t(3.0), 1.0), (t(1.0), 3.0), (t(3.0), 1.0)]).unwrap();
        assert_eq!(c.points(), &[(t(1.0), 3.0), (t(3.0), 1.0)]);
        assert!(LossCurve::new("m", p, vec![]).is_err());
        assert!(LossCurve::new("m", p, vec![(t(1.0), f64::NAN)]).is_err());
        assert!(LossCurve::new("m", p, vec![(t(1.0), -1.0)]).is_err());
        assert!(LossCurve::new("m", p, vec![(t(1.0), 2.0), (t(1.0), 2.5)]).is_err());
        assert!(LossCurve::new(" ", p, vec![(t(1.0), 2.0)]).is_err());
    }

    #[test]
    fn final_loss_is_the_median_of_the_window() {
        let p = Params::new(1e9).unwrap();
        let pts = (1..=10)
            .map(|i| (t(i as f64), 10.0 - i as f64 + 0.5))
            .collect();
        let c = LossCurve::new("m", p, pts).unwrap();
        // Window 2 covers tokens 8, 9, 10: losses 2.5, 1.5, 0.5.
        assert_eq!(c.final_loss(t(2.0)), 1.5);
        assert_eq!(c.final_loss(t(1e-3)), 0.5);
        assert!(c.tail_from(t(11.0)).is_err());
        assert_eq!(c.tail_from(t(9.0)).unwrap().len(), 2);
    }
}
