//! Training: load labelled splits, select hyper-parameters on a dev set or by
//! cross-validation, fit the final classifier, and evaluate it.

mod dataset;
mod options;
mod report;
mod select;

pub use dataset::{LabeledSet, Splits};
pub use options::{parse_label_map, ClassWeightSpec, TrainError, TrainOptions, DEFAULT_SEED};
pub use report::{top_features, REPORT_FEATURES};
pub use select::{Candidate, Fitted, Selection};

use std::path::Path;
use std::time::Instant;

use linfa::traits::Fit;
use linfa::{DatasetBase, ParamGuard};
use ndarray::Array1;

use crate::eval::{format_table, Calibration, Metrics, SplitReport};
use crate::features::Featurizer;
use crate::model::file::write_atomic;
use crate::model::{save, Classifier, ModelInfo, ModelKind};
use crate::report::ClassFeatures;

/// Confidence bins of the reliability diagrams.
const CALIBRATION_BINS: usize = 10;

/// Reports progress of long stages (a progress bar in the CLI).
pub trait Progress: Sync {
    /// A new stage begins; `total` steps when known.
    fn stage(&self, name: &str, total: Option<u64>);
    /// One step of the current stage is done.
    fn step(&self);
}

/// A [`Progress`] that shows nothing.
pub struct Quiet;

impl Progress for Quiet {
    fn stage(&self, _: &str, _: Option<u64>) {}
    fn step(&self) {}
}

/// Everything a training run produced.
#[derive(Debug)]
pub struct TrainOutcome {
    /// The trained classifier.
    pub classifier: Classifier,
    /// How the hyper-parameters were chosen.
    pub selection: Selection,
    /// Metrics on the dev set, if one was given.
    pub dev: Option<Metrics>,
    /// Metrics on the test set, if one was given.
    pub test: Option<Metrics>,
    /// Seconds spent fitting the final model (featurising included).
    pub fit_seconds: f64,
    /// Calibration on the dev set, if one was given.
    pub dev_calibration: Option<Calibration>,
    /// Calibration on the test set, if one was given.
    pub test_calibration: Option<Calibration>,
    /// The features with the largest weights per class, named (when
    /// [`TrainOptions::report_features`] asked for them).
    pub top_features: Vec<ClassFeatures>,
}

impl TrainOutcome {
    /// The JSON report: `{"dev": …, "test": …, "selection": …, "train": …}`.
    pub fn report_json(&self) -> serde_json::Value {
        let mut report = self.stored_report();
        report["train"]["fit_seconds"] = serde_json::json!(self.fit_seconds);
        report
    }

    /// The report stored in the model file: [`TrainOutcome::report_json`]
    /// without timings, so the same data gives the same bytes.
    fn stored_report(&self) -> serde_json::Value {
        serde_json::json!({
            "dev": self.dev.as_ref().map(SplitReport::from),
            "test": self.test.as_ref().map(SplitReport::from),
            "selection": self.selection,
            "train": {
                "examples": self.classifier.info().n_train,
                "labels": self.classifier.labels(),
                "features_seen": self.classifier.featurizer().known_features(),
            },
        })
    }
}

impl TrainOutcome {
    /// The report for people: how the model was chosen and trained, and its
    /// scores on the dev and test sets as tables.
    pub fn summary(&self) -> String {
        let (s, c) = (&self.selection, &self.classifier);
        let score = s.chosen.score.map(|v| format!(" (score {v:.4})")).unwrap_or_default();
        let how = if s.method == "none" {
            "none (fixed settings)".to_string()
        } else {
            format!("{} by {}", s.method, s.metric)
        };
        let mut text = format!(
            "selection: {how} → {} features, C={}, class weight {:?}{score}\n",
            s.chosen.variant, s.chosen.c, s.chosen.class_weight
        );
        text += &format!(
            "trained {} on {} examples, {} labels ({}), {} features seen, fit in {:.2}s\n",
            match c.info().params.kind {
                ModelKind::LogReg => "logistic regression",
                ModelKind::Svm => "linear SVM",
            },
            c.info().n_train,
            c.labels().len(),
            c.labels().join(", "),
            c.featurizer().known_features(),
            self.fit_seconds
        );
        for (name, metrics) in [("dev", &self.dev), ("test", &self.test)] {
            if let Some(m) = metrics {
                text += &format!("\n{}\n", format_table(name, m));
            }
        }
        text
    }

    /// Writes the model to `model`, then the metrics report as JSON to
    /// `metrics_json`, each atomically: a failed write leaves any earlier file
    /// as it was, and nothing is removed. Returns the model file's size.
    pub fn save(&self, model: &Path, metrics_json: Option<&Path>) -> Result<u64, TrainError> {
        let size = save(&self.classifier, model)?;
        if let Some(path) = metrics_json {
            let json = serde_json::to_string_pretty(&self.report_json()).expect("a JSON value serialises");
            write_atomic(path, json.as_bytes())
                .map_err(|source| TrainError::Metrics { model: model.to_path_buf(), source })?;
        }
        Ok(size)
    }
}

/// Trains a classifier as `opts` say.
///
/// ```
/// use stance::train::{train, Quiet, TrainOptions};
///
/// // A CSV with columns `sentence` and `verdict`; fixed settings, no selection.
/// let mut opts = TrainOptions::new(vec!["tests/fixtures/reviews_train.csv".into()], "sentence", "verdict");
/// opts.features.hash_bits = 12;
/// let outcome = train(&opts, &Quiet)?;
/// assert_eq!(outcome.classifier.labels(), ["neg", "neu", "pos"]);
/// # Ok::<(), stance::train::TrainError>(())
/// ```
pub fn train(opts: &TrainOptions, progress: &dyn Progress) -> Result<TrainOutcome, TrainError> {
    opts.check()?;
    progress.stage("reading data", None);
    let splits = Splits::load(opts)?;
    let (selection, fitted) = select::select(opts, &splits, progress)?;
    let train = &splits.train;
    let params = selection.chosen.params(opts, splits.train.len()).check()?;
    // Dev selection already fitted the chosen candidate on the whole training set.
    let Fitted { featurizer, model, seconds: fit_seconds } = match fitted {
        Some(f) => f,
        None => {
            progress.stage("fitting final model", None);
            let start = Instant::now();
            let (featurizer, x) = Featurizer::fit(
                opts.text.clone(),
                selection.chosen.features.clone(),
                &train.docs(),
                &train.y,
                splits.labels.len(),
                opts.threads,
            );
            let model = params.fit(&DatasetBase::new(x, Array1::from(train.y.clone())))?;
            Fitted { featurizer, model, seconds: start.elapsed().as_secs_f64() }
        }
    };
    let info = ModelInfo {
        crate_version: env!("CARGO_PKG_VERSION").to_string(),
        training_data_hash: splits.train_hash.clone(),
        n_train: train.len() as u64,
        params,
        metrics_json: String::new(),
    };
    let classifier = Classifier::new(featurizer, splits.labels.clone(), model, info);
    progress.stage("evaluating", None);
    let evaluate = |set: &LabeledSet| -> Result<(Metrics, Calibration), TrainError> {
        let predictions = classifier.predict(&set.docs(), opts.threads);
        let pred: Vec<usize> = predictions.iter().map(|p| p.label).collect();
        let confidence: Vec<f64> = predictions.iter().map(|p| f64::from(p.probs[p.label])).collect();
        let correct: Vec<bool> = pred.iter().zip(&set.y).map(|(p, y)| p == y).collect();
        let metrics = Metrics::compute(&splits.labels, &set.y, &pred, &opts.favg_labels)?;
        Ok((metrics, Calibration::compute(&confidence, &correct, CALIBRATION_BINS)))
    };
    let (dev, dev_calibration) = splits.dev.as_ref().map(evaluate).transpose()?.unzip();
    let (test, test_calibration) = splits.test.as_ref().map(evaluate).transpose()?.unzip();
    let top_features = if opts.report_features > 0 {
        progress.stage("naming features", None);
        top_features(&classifier, &train.docs(), opts.report_features)
    } else {
        Vec::new()
    };
    let mut outcome =
        TrainOutcome { classifier, selection, dev, test, fit_seconds, dev_calibration, test_calibration, top_features };
    let report = outcome.stored_report().to_string();
    outcome.classifier.set_metrics_json(report);
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn fixture(name: &str) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
    }

    #[test]
    fn dev_selection_keeps_the_fit_a_fresh_training_would_make() {
        let mut opts = TrainOptions::new(vec![fixture("reviews_train.csv")], "sentence", "verdict");
        opts.dev = Some(fixture("reviews_dev.csv"));
        let selected = train(&opts, &Quiet).unwrap();
        assert!(selected.selection.candidates.len() > 1, "a real grid was searched");
        let chosen = &selected.selection.chosen;
        // The same settings, fitted from scratch without any selection.
        let mut fixed = TrainOptions::new(vec![fixture("reviews_train.csv")], "sentence", "verdict");
        fixed.features = chosen.features.0.clone();
        fixed.c = Some(chosen.c);
        fixed.class_weight = Some(chosen.class_weight.clone().into());
        fixed.search_features = false;
        let fresh = train(&fixed, &Quiet).unwrap();
        assert_eq!(fresh.selection.method, "none");
        let (a, b) = (&selected.classifier, &fresh.classifier);
        assert_eq!(a.model(), b.model(), "same weights and biases");
        assert_eq!(a.featurizer().state(), b.featurizer().state(), "same features and weighting");
    }
}
