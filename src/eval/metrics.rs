//! Classification metrics computed from a confusion matrix. (linfa 0.8.1's
//! `ConfusionMatrix` swaps precision and recall; these are computed directly
//! and tested against hand-computed values and against linfa.)

use std::collections::BTreeMap;

use serde::Serialize;

/// Counts of (true label, predicted label) pairs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConfusionMatrix {
    /// Label names, by index.
    pub labels: Vec<String>,
    /// `matrix[true][predicted]`.
    pub matrix: Vec<Vec<u64>>,
}

impl ConfusionMatrix {
    /// Counts `truth` against `predicted` (label indices into `labels`).
    pub fn new(labels: &[String], truth: &[usize], predicted: &[usize]) -> Self {
        assert_eq!(truth.len(), predicted.len(), "one prediction per example");
        let k = labels.len();
        let mut matrix = vec![vec![0u64; k]; k];
        for (&t, &p) in truth.iter().zip(predicted) {
            matrix[t][p] += 1;
        }
        Self { labels: labels.to_vec(), matrix }
    }

    fn total(&self) -> u64 {
        self.matrix.iter().flatten().sum()
    }
}

/// Precision, recall, F1 and support of one label.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LabelMetrics {
    /// TP / (TP + FP); 0 when nothing was predicted as the label.
    pub precision: f64,
    /// TP / (TP + FN); 0 when the label has no examples.
    pub recall: f64,
    /// Harmonic mean of precision and recall; 0 when both are 0.
    pub f1: f64,
    /// Number of true examples of the label.
    pub support: u64,
}

/// All metrics of one evaluation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metrics {
    /// Number of examples.
    pub n: u64,
    /// Fraction predicted correctly.
    pub accuracy: f64,
    /// Mean precision over labels.
    pub macro_precision: f64,
    /// Mean recall over labels (TweetEval sentiment's score).
    pub macro_recall: f64,
    /// Mean F1 over labels.
    pub macro_f1: f64,
    /// Support-weighted mean precision.
    pub weighted_precision: f64,
    /// Support-weighted mean recall.
    pub weighted_recall: f64,
    /// Support-weighted mean F1.
    pub weighted_f1: f64,
    /// Mean F1 over the `favg_labels` (SemEval-2016 stance's score), if any were named.
    pub favg: Option<f64>,
    /// The labels averaged in `favg`.
    pub favg_labels: Vec<String>,
    /// Per-label metrics, by label name.
    pub per_label: BTreeMap<String, LabelMetrics>,
    /// The confusion matrix.
    pub confusion: ConfusionMatrix,
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Why metrics cannot be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MetricsError {
    /// An F_avg label the data does not have.
    #[error("F_avg label {label:?} is not a label of the data (labels: {labels})")]
    FavgLabel {
        /// The label asked for.
        label: String,
        /// The data's labels, comma-separated.
        labels: String,
    },
    /// A metric name that is not one of [`Metric::ALL`].
    #[error("unknown selection metric {0:?}: use {names}", names = Metric::ALL.map(Metric::name).join(", "))]
    UnknownMetric(String),
}

/// A metric that model selection can maximise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    /// Accuracy.
    Accuracy,
    /// Macro-averaged F1.
    MacroF1,
    /// Macro-averaged recall.
    MacroRecall,
    /// Support-weighted F1.
    WeightedF1,
    /// F_avg: mean F1 over the chosen labels (e.g. favor and against).
    Favg,
}

impl Metric {
    /// Every metric, in the order their names are listed.
    pub const ALL: [Metric; 5] = [Self::Accuracy, Self::MacroF1, Self::MacroRecall, Self::WeightedF1, Self::Favg];

    /// The metric's name, as in reports and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Self::Accuracy => "accuracy",
            Self::MacroF1 => "macro_f1",
            Self::MacroRecall => "macro_recall",
            Self::WeightedF1 => "weighted_f1",
            Self::Favg => "favg",
        }
    }
}

impl std::fmt::Display for Metric {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Metric {
    type Err = MetricsError;

    fn from_str(s: &str) -> Result<Self, MetricsError> {
        Self::ALL.into_iter().find(|m| m.name() == s).ok_or_else(|| MetricsError::UnknownMetric(s.to_string()))
    }
}

impl clap::ValueEnum for Metric {
    fn value_variants<'a>() -> &'a [Self] {
        &Self::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.name()))
    }
}

impl Serialize for Metric {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl Metrics {
    /// Computes every metric. Averages run over the labels that occur in the
    /// truth or the predictions (as scikit-learn does). `favg_labels` must be
    /// label names in the matrix.
    pub fn from_confusion(confusion: ConfusionMatrix, favg_labels: &[String]) -> Result<Self, MetricsError> {
        let k = confusion.labels.len();
        let m = &confusion.matrix;
        let n = confusion.total();
        let mut per = Vec::with_capacity(k);
        for (c, row) in m.iter().enumerate() {
            let tp = row[c];
            let support: u64 = row.iter().sum();
            let predicted: u64 = (0..k).map(|t| m[t][c]).sum();
            let precision = ratio(tp, predicted);
            let recall = ratio(tp, support);
            let f1 = if precision + recall > 0.0 { 2.0 * precision * recall / (precision + recall) } else { 0.0 };
            per.push((LabelMetrics { precision, recall, f1, support }, support + predicted > 0));
        }
        let active: Vec<&LabelMetrics> = per.iter().filter(|(_, a)| *a).map(|(l, _)| l).collect();
        let mean = |f: &dyn Fn(&LabelMetrics) -> f64| {
            if active.is_empty() {
                0.0
            } else {
                active.iter().map(|l| f(l)).sum::<f64>() / active.len() as f64
            }
        };
        let weighted = |f: &dyn Fn(&LabelMetrics) -> f64| {
            if n == 0 {
                0.0
            } else {
                per.iter().map(|(l, _)| f(l) * l.support as f64).sum::<f64>() / n as f64
            }
        };
        let favg = if favg_labels.is_empty() {
            None
        } else {
            let mut sum = 0.0;
            for name in favg_labels {
                let i = confusion.labels.iter().position(|l| l == name).ok_or_else(|| MetricsError::FavgLabel {
                    label: name.clone(),
                    labels: confusion.labels.join(", "),
                })?;
                sum += per[i].0.f1;
            }
            Some(sum / favg_labels.len() as f64)
        };
        Ok(Self {
            n,
            accuracy: ratio((0..k).map(|c| m[c][c]).sum(), n),
            macro_precision: mean(&|l| l.precision),
            macro_recall: mean(&|l| l.recall),
            macro_f1: mean(&|l| l.f1),
            weighted_precision: weighted(&|l| l.precision),
            weighted_recall: weighted(&|l| l.recall),
            weighted_f1: weighted(&|l| l.f1),
            favg,
            favg_labels: favg_labels.to_vec(),
            per_label: confusion.labels.iter().cloned().zip(per.iter().map(|(l, _)| *l)).collect(),
            confusion,
        })
    }

    /// Computes metrics for label indices.
    pub fn compute(
        labels: &[String],
        truth: &[usize],
        predicted: &[usize],
        favg: &[String],
    ) -> Result<Self, MetricsError> {
        Self::from_confusion(ConfusionMatrix::new(labels, truth, predicted), favg)
    }

    /// The value of `metric` (`None` for F_avg without its labels).
    pub fn get(&self, metric: Metric) -> Option<f64> {
        match metric {
            Metric::Accuracy => Some(self.accuracy),
            Metric::MacroF1 => Some(self.macro_f1),
            Metric::MacroRecall => Some(self.macro_recall),
            Metric::WeightedF1 => Some(self.weighted_f1),
            Metric::Favg => self.favg,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels() -> Vec<String> {
        ["against", "favor", "none"].map(String::from).to_vec()
    }

    // truth:     a a a a f f f n n n
    // predicted: a a f n f f a n n f
    const TRUTH: [usize; 10] = [0, 0, 0, 0, 1, 1, 1, 2, 2, 2];
    const PRED: [usize; 10] = [0, 0, 1, 2, 1, 1, 0, 2, 2, 1];

    #[test]
    fn matches_hand_computed_values() {
        let favg = ["favor".to_string(), "against".to_string()];
        let m = Metrics::compute(&labels(), &TRUTH, &PRED, &favg).unwrap();
        // against: TP 2, predicted 3, support 4 → P 2/3, R 1/2, F1 4/7.
        // favor:   TP 2, predicted 4, support 3 → P 1/2, R 2/3, F1 4/7.
        // none:    TP 2, predicted 3, support 3 → P 2/3, R 2/3, F1 2/3.
        let a = m.per_label["against"];
        assert!((a.precision - 2.0 / 3.0).abs() < 1e-12 && (a.recall - 0.5).abs() < 1e-12);
        assert!((a.f1 - 4.0 / 7.0).abs() < 1e-12 && a.support == 4);
        let f = m.per_label["favor"];
        assert!((f.precision - 0.5).abs() < 1e-12 && (f.recall - 2.0 / 3.0).abs() < 1e-12);
        assert!((m.accuracy - 0.6).abs() < 1e-12);
        assert!((m.macro_recall - (0.5 + 2.0 / 3.0 + 2.0 / 3.0) / 3.0).abs() < 1e-12);
        assert!((m.macro_f1 - (4.0 / 7.0 + 4.0 / 7.0 + 2.0 / 3.0) / 3.0).abs() < 1e-12);
        assert!((m.favg.unwrap() - 4.0 / 7.0).abs() < 1e-12);
        let wf1 = (4.0 * 4.0 / 7.0 + 3.0 * 4.0 / 7.0 + 3.0 * 2.0 / 3.0) / 10.0;
        assert!((m.weighted_f1 - wf1).abs() < 1e-12);
        assert_eq!(m.confusion.matrix[0], [2, 1, 1]);
        assert_eq!(m.get(Metric::Favg), m.favg);
        assert_eq!("macro_recall".parse::<Metric>().map(|m| m.to_string()).ok().as_deref(), Some("macro_recall"));
        let err = "f1".parse::<Metric>().unwrap_err().to_string();
        assert_eq!(err, "unknown selection metric \"f1\": use accuracy, macro_f1, macro_recall, weighted_f1, favg");
    }

    #[test]
    fn linfa_0_8_1_swaps_precision_and_recall() {
        use linfa::prelude::ToConfusionMatrix;
        // Macro precision (1 + 1/3 + 1/2) / 3 differs from macro recall (1/4 + 1 + 1) / 3.
        let (truth, pred) = ([0usize, 0, 0, 0, 1, 2], [0usize, 1, 1, 2, 1, 2]);
        let cm = ndarray::Array1::from(pred.to_vec()).confusion_matrix(ndarray::Array1::from(truth.to_vec())).unwrap();
        let ours = Metrics::compute(&labels(), &truth, &pred, &[]).unwrap();
        assert!((ours.macro_precision - 11.0 / 18.0).abs() < 1e-12 && (ours.macro_recall - 0.75).abs() < 1e-12);
        // linfa's macro "precision" is the macro recall, and vice versa.
        assert!((f64::from(cm.precision()) - ours.macro_recall).abs() < 1e-6);
        assert!((f64::from(cm.recall()) - ours.macro_precision).abs() < 1e-6);
    }

    #[test]
    fn zero_division_and_unknown_favg_label() {
        let m = Metrics::compute(&labels(), &[0, 0], &[0, 0], &[]).unwrap();
        assert_eq!(m.per_label["favor"].precision, 0.0);
        assert_eq!(m.macro_f1, 1.0, "labels absent from truth and predictions are not averaged");
        let err = Metrics::compute(&labels(), &[0], &[0], &["pro".to_string()]).unwrap_err().to_string();
        assert!(err.contains("\"pro\""), "{err}");
    }
}
