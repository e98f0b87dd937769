//! Scoring a trained classifier on labelled files: the dev and test scores of
//! a training run, and the evaluate-only run (`stance-train --evaluate`), which
//! gives the same report text and JSON without training.

use std::path::{Path, PathBuf};

use super::dataset::{load_labelled, LabeledSet};
use super::options::{TrainError, TrainOptions};
use crate::eval::{format_table, Calibration, Metrics, SplitReport};
use crate::model::file::write_atomic;
use crate::model::{load, Classifier, ModelKind};

/// Confidence bins of the reliability diagrams.
const CALIBRATION_BINS: usize = 10;

/// Scores and reliability of a classifier on the labelled `set` (class indices of `classifier`).
pub(crate) fn score(
    classifier: &Classifier,
    set: &LabeledSet,
    opts: &TrainOptions,
) -> Result<(Metrics, Calibration), TrainError> {
    let predictions = classifier.predict(&set.docs(), opts.threads);
    let predicted: Vec<usize> = predictions.iter().map(|p| p.label).collect();
    let confidence: Vec<f64> = predictions.iter().map(|p| f64::from(p.probs[p.label])).collect();
    let correct: Vec<bool> = predicted.iter().zip(&set.y).map(|(p, y)| p == y).collect();
    let metrics = Metrics::compute(classifier.labels(), &set.y, &predicted, &opts.favg_labels)?;
    Ok((metrics, Calibration::compute(&confidence, &correct, CALIBRATION_BINS)))
}

/// The dev and test tables of a report, each after a blank line.
pub(crate) fn tables(dev: Option<&Metrics>, test: Option<&Metrics>) -> String {
    let mut text = String::new();
    for (name, metrics) in [("dev", dev), ("test", test)] {
        if let Some(m) = metrics {
            text += &format!("\n{}\n", format_table(name, m));
        }
    }
    text
}

/// A model's name for people.
pub(crate) fn kind_name(kind: ModelKind) -> &'static str {
    match kind {
        ModelKind::LogReg => "logistic regression",
        ModelKind::Svm => "linear SVM",
    }
}

/// What an evaluate-only run produced: a saved model's scores on labelled
/// dev and test files.
#[derive(Debug)]
pub struct Evaluation {
    /// The model file scored.
    pub model: PathBuf,
    /// The classifier read from it.
    pub classifier: Classifier,
    /// Metrics on the dev file, if one was given.
    pub dev: Option<Metrics>,
    /// Metrics on the test file, if one was given.
    pub test: Option<Metrics>,
}

impl Evaluation {
    /// The report for people: the model, then the dev and test tables as a
    /// training run prints them.
    pub fn summary(&self) -> String {
        let c = &self.classifier;
        let mut text = format!(
            "evaluated {}: {} trained on {} examples, {} labels ({})\n",
            self.model.display(),
            kind_name(c.info().params.kind),
            c.info().n_train,
            c.labels().len(),
            c.labels().join(", ")
        );
        text += &tables(self.dev.as_ref(), self.test.as_ref());
        text
    }

    /// The JSON report: `{"dev": …, "test": …, "model": {"path", "labels"}}`,
    /// whose splits have the shape of a training run's.
    pub fn report_json(&self) -> serde_json::Value {
        serde_json::json!({
            "dev": self.dev.as_ref().map(SplitReport::from),
            "test": self.test.as_ref().map(SplitReport::from),
            "model": { "path": self.model.display().to_string(), "labels": self.classifier.labels() },
        })
    }

    /// Writes [`Evaluation::report_json`] to `path`, atomically.
    pub fn save_metrics(&self, path: &Path) -> Result<(), TrainError> {
        let json = serde_json::to_string_pretty(&self.report_json()).expect("a JSON value serialises");
        write_atomic(path, json.as_bytes()).map_err(|source| TrainError::Unwritten {
            what: "metrics",
            model: None,
            source,
        })
    }
}

/// Scores the model file `model` on `opts.dev` and `opts.test` without
/// training, reading them with `opts`' format, columns and label map; their
/// labels must be the model's.
///
/// ```
/// use stance::train::{evaluate, train, Quiet, TrainOptions};
///
/// let mut opts = TrainOptions::new(vec!["tests/fixtures/reviews_train.csv".into()], "sentence", "verdict");
/// opts.features.hash_bits = 12;
/// let dir = tempfile::tempdir().unwrap();
/// let model = dir.path().join("m.stance");
/// train(&opts, &Quiet)?.save(Some(&model), None)?;
/// opts.test = Some("tests/fixtures/reviews_test.csv".into());
/// let scores = evaluate(&model, &opts)?;
/// assert_eq!(scores.test.unwrap().n, 12);
/// # Ok::<(), stance::train::TrainError>(())
/// ```
pub fn evaluate(model: &Path, opts: &TrainOptions) -> Result<Evaluation, TrainError> {
    if opts.dev.is_none() && opts.test.is_none() {
        return Err(TrainError::Options("evaluating a model needs a labelled --test or --dev file".into()));
    }
    let classifier = load(model)?;
    let scored = |path: &Option<PathBuf>| -> Result<Option<Metrics>, TrainError> {
        let Some(path) = path else { return Ok(None) };
        Ok(Some(score(&classifier, &load_labelled(opts, path, classifier.labels())?, opts)?.0))
    };
    let (dev, test) = (scored(&opts.dev)?, scored(&opts.test)?);
    Ok(Evaluation { model: model.to_path_buf(), classifier, dev, test })
}
