//! Training: load labelled splits, select hyper-parameters on a dev set or by
//! cross-validation, fit the final classifier, and evaluate it.

mod dataset;
mod evaluate;
mod options;
mod report;
mod select;

pub use crate::model::DEFAULT_SEED;
pub use dataset::{LabeledSet, Splits};
pub use evaluate::{evaluate, Evaluation};
pub use options::{
    parse_label_map, parse_time_budget, ClassWeightSpec, LabelOrder, TrainError, TrainOptions, ValueError,
};
pub use report::{top_features, REPORT_FEATURES};
pub use select::{default_c_grid, Candidate, Fitted, Grid, Selection};

use std::path::Path;
use std::time::Instant;

use linfa::traits::Fit;
use linfa::{DatasetBase, ParamGuard};
use ndarray::Array1;

use crate::eval::{Calibration, Metrics, SplitReport};
use crate::features::Featurizer;
use crate::model::file::write_atomic;
use crate::model::{save, ClassWeight, Classifier, ModelInfo};
use crate::report::ClassFeatures;
use evaluate::{kind_name, score, tables};

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
    /// Metrics on the dev set, if one was given (and not refitted on: see
    /// [`TrainOptions::refit`]).
    pub dev: Option<Metrics>,
    /// Metrics on the test set, if one was given.
    pub test: Option<Metrics>,
    /// Seconds spent fitting the final model (featurising included); the
    /// selection's time is [`Selection::seconds`].
    pub fit_seconds: f64,
    /// Whether the final model is the selection's fit of the chosen settings
    /// (dev selection fits every candidate on the whole training set), so
    /// `fit_seconds` is part of the selection's time rather than after it.
    pub fit_from_selection: bool,
    /// Whether the final model was fitted on train + dev after selection
    /// ([`TrainOptions::refit`]).
    pub refit: bool,
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
    /// When a grid was searched, `selection` also has its `seconds`, `fits`
    /// and `grid` (the axes); `train` has `fit_seconds` and `fit_from_selection`,
    /// and `refit: true` after a refit on train + dev.
    pub fn report_json(&self) -> serde_json::Value {
        let mut report = self.stored_report();
        report["train"]["fit_seconds"] = serde_json::json!(self.fit_seconds);
        report["train"]["fit_from_selection"] = serde_json::json!(self.fit_from_selection);
        if !self.selection.fold_scores.is_empty() {
            report["selection"]["fold_scores"] = serde_json::json!(self.selection.fold_scores);
        }
        if let Some(seconds) = self.selection.seconds {
            report["selection"]["seconds"] = serde_json::json!(seconds);
            report["selection"]["fits"] = serde_json::json!(self.selection.fits);
            report["selection"]["planned_fits"] = serde_json::json!(self.selection.planned_fits);
            report["selection"]["budget_reached"] = serde_json::json!(self.selection.budget_reached);
            report["selection"]["grid"] = serde_json::json!(self.selection.grid());
        }
        report
    }

    /// The report stored in the model file: [`TrainOutcome::report_json`]
    /// without timings, so the same data gives the same bytes.
    fn stored_report(&self) -> serde_json::Value {
        let mut report = serde_json::json!({
            "dev": self.dev.as_ref().map(SplitReport::from),
            "test": self.test.as_ref().map(SplitReport::from),
            "selection": self.selection,
            "train": {
                "examples": self.classifier.info().n_train,
                "labels": self.classifier.labels(),
                "features_seen": self.classifier.featurizer().known_features(),
            },
        });
        // Only when set, so models trained without it keep their bytes.
        if self.refit {
            report["train"]["refit"] = serde_json::json!(true);
        }
        report
    }
}

/// A class weighting for people: a scheme by name, given weights by label.
fn weight_text(w: &ClassWeight, labels: &[String]) -> String {
    match w {
        ClassWeight::Given(w) => {
            let pairs: Vec<String> = labels.iter().zip(w).map(|(l, w)| format!("{l}={w}")).collect();
            pairs.join(",")
        }
        scheme => format!("{scheme:?}"),
    }
}

impl TrainOutcome {
    /// The report for people: how the model was chosen and trained, and its
    /// scores on the dev and test sets as tables.
    pub fn summary(&self) -> String {
        let (s, c) = (&self.selection, &self.classifier);
        let score = s.chosen.score.map(|v| format!(" (score {v:.4})")).unwrap_or_default();
        let how = s.describe();
        let mut text = format!(
            "selection: {how} → {} features, C={}, class weight {}{score}\n",
            s.chosen.variant,
            s.chosen.c,
            weight_text(&s.chosen.class_weight, c.labels())
        );
        if let Some(seconds) = s.seconds {
            let grid = s.grid();
            let list = |items: Vec<String>| format!("[{}]", items.join(", "));
            text += &format!(
                "grid: features {} × C {} × class weight {} = {} candidates; {} fits in {seconds:.2}s{}\n",
                list(grid.variants),
                list(grid.c.iter().map(f32::to_string).collect()),
                list(grid.class_weight.iter().map(|w| weight_text(w, c.labels())).collect()),
                s.candidates.len(),
                s.fits,
                s.budget_note(),
            );
        }
        if !s.fold_scores.is_empty() {
            let folds: Vec<String> = s.fold_scores.iter().map(|f| format!("{f:.4}")).collect();
            text += &format!("folds: {}\n", folds.join(" "));
        }
        text += &format!(
            "trained {} on {} examples{}, {} labels ({}), {} features seen, fit in {:.2}s{}\n",
            kind_name(c.info().params.kind),
            c.info().n_train,
            if self.refit { " (train + dev, refitted with the chosen settings)" } else { "" },
            c.labels().len(),
            c.labels().join(", "),
            c.featurizer().known_features(),
            self.fit_seconds,
            if self.fit_from_selection { " (the selection's fit of the chosen settings, kept)" } else { "" },
        );
        text + &tables(self.dev.as_ref(), self.test.as_ref())
    }

    /// Writes the model to `model` (when given), then the metrics report as
    /// JSON to `metrics_json` (when given), each atomically: a failed write
    /// leaves any earlier file as it was, and nothing is removed. Returns the
    /// model file's size.
    pub fn save(&self, model: Option<&Path>, metrics_json: Option<&Path>) -> Result<Option<u64>, TrainError> {
        let size = model.map(|model| save(&self.classifier, model)).transpose()?;
        if let Some(path) = metrics_json {
            let json = serde_json::to_string_pretty(&self.report_json()).expect("a JSON value serialises");
            write_atomic(path, json.as_bytes()).map_err(|source| TrainError::Unwritten {
                what: "metrics",
                model: model.map(Path::to_path_buf),
                source,
            })?;
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
    let refit = splits.dev.as_ref().filter(|_| opts.refit).map(|dev| splits.train.chain(dev));
    let train = refit.as_ref().unwrap_or(&splits.train);
    let params = selection.chosen.params(opts, train.len()).check()?;
    // Dev selection already fitted the chosen candidate on the whole training set (not on train + dev).
    let fitted = fitted.filter(|_| refit.is_none());
    let fit_from_selection = fitted.is_some();
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
    // A refit model has trained on the dev set: scoring it there would say nothing.
    let dev_set = splits.dev.as_ref().filter(|_| refit.is_none());
    let (dev, dev_calibration) = dev_set.map(|set| score(&classifier, set, opts)).transpose()?.unzip();
    let (test, test_calibration) = splits.test.as_ref().map(|set| score(&classifier, set, opts)).transpose()?.unzip();
    let top_features = if opts.report_features > 0 {
        progress.stage("naming features", None);
        top_features(&classifier, &train.docs(), opts.report_features)
    } else {
        Vec::new()
    };
    let mut outcome = TrainOutcome {
        classifier,
        selection,
        dev,
        test,
        fit_seconds,
        fit_from_selection,
        refit: refit.is_some(),
        dev_calibration,
        test_calibration,
        top_features,
    };
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

    #[test]
    fn refit_fits_the_chosen_settings_on_train_and_dev() {
        let mut opts = TrainOptions::new(vec![fixture("reviews_train.csv")], "sentence", "verdict");
        opts.dev = Some(fixture("reviews_dev.csv"));
        opts.test = Some(fixture("reviews_test.csv"));
        opts.refit = true;
        let refit = train(&opts, &Quiet).unwrap();
        assert!(refit.refit && !refit.fit_from_selection);
        assert!(refit.dev.is_none(), "the dev set is training data after a refit");
        let chosen = &refit.selection.chosen;
        // The same settings fitted on both files as training data, without selection.
        let mut fixed =
            TrainOptions::new(vec![fixture("reviews_train.csv"), fixture("reviews_dev.csv")], "sentence", "verdict");
        fixed.test = opts.test.clone();
        fixed.features = chosen.features.0.clone();
        fixed.c = Some(chosen.c);
        fixed.class_weight = Some(chosen.class_weight.clone().into());
        fixed.search_features = false;
        let fresh = train(&fixed, &Quiet).unwrap();
        let (a, b) = (&refit.classifier, &fresh.classifier);
        assert_eq!(a.model(), b.model(), "same weights and biases");
        assert_eq!(a.featurizer().state(), b.featurizer().state(), "same features and weighting");
        assert_eq!(a.info().n_train, 54);
        assert_eq!(a.info().training_data_hash, b.info().training_data_hash, "both files' hashes");
        assert_eq!(
            refit.test.as_ref().unwrap().confusion,
            fresh.test.as_ref().unwrap().confusion,
            "test scores the refit"
        );
        assert_eq!(refit.report_json()["train"]["refit"], true);
        // Without --dev there is nothing to refit on.
        opts.dev = None;
        opts.cv = Some(3);
        assert!(matches!(train(&opts, &Quiet), Err(TrainError::Options(m)) if m.contains("--refit")));
    }
}
