//! A trained classifier: the fitted featurizer, the label names and the linear
//! model, predicting labels and probabilities for raw texts.

use ndarray::Array1;
use serde::{Deserialize, Serialize};

use std::sync::OnceLock;

use super::linear::{argmax, softmax, LinearModel};
use super::params::LinearValidParams;
use super::table::PredictTable;
use crate::features::{map_chunks, map_chunks_with, Doc, Featurizer, Scratch};

/// Provenance stored with a model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelInfo {
    /// Version of the `stance` crate that trained the model.
    pub crate_version: String,
    /// FNV-1a 64 hash of the training data file(s), hex.
    pub training_data_hash: String,
    /// Number of training examples.
    pub n_train: u64,
    /// The hyper-parameters used.
    pub params: LinearValidParams,
    /// Selection and evaluation report as JSON.
    pub metrics_json: String,
}

/// A prediction for one text.
#[derive(Debug, Clone, PartialEq)]
pub struct Prediction {
    /// Index of the predicted label.
    pub label: usize,
    /// Probability (logistic regression) or softmax-normalised score (SVM) per label.
    pub probs: Vec<f32>,
}

/// Featurizer, labels and weights: everything needed to classify text.
///
/// The first prediction builds a table that interleaves the feature weighting
/// with the class weights (see `table`); the parts are read-only behind
/// methods, so the table cannot go stale.
#[derive(Debug)]
pub struct Classifier {
    featurizer: Featurizer,
    labels: Vec<String>,
    model: LinearModel,
    info: ModelInfo,
    table: OnceLock<Option<PredictTable>>,
}

/// Per-thread buffers for [`Classifier::predict_into`].
#[derive(Debug, Default)]
pub struct PredictScratch {
    features: Scratch,
    row: Vec<(u32, f32)>,
    scored: Vec<(usize, f32)>,
}

impl Classifier {
    /// A classifier from its parts.
    pub fn new(featurizer: Featurizer, labels: Vec<String>, model: LinearModel, info: ModelInfo) -> Self {
        Self { featurizer, labels, model, info, table: OnceLock::new() }
    }

    /// Text and feature stages, with fitted weights.
    pub fn featurizer(&self) -> &Featurizer {
        &self.featurizer
    }

    /// Label names, by class index.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// The linear model.
    pub fn model(&self) -> &LinearModel {
        &self.model
    }

    /// Provenance.
    pub fn info(&self) -> &ModelInfo {
        &self.info
    }

    /// The parts, to build another classifier from.
    pub fn into_parts(self) -> (Featurizer, Vec<String>, LinearModel, ModelInfo) {
        (self.featurizer, self.labels, self.model, self.info)
    }

    /// Stores the selection and evaluation report (JSON) with the model.
    pub fn set_metrics_json(&mut self, json: String) {
        self.info.metrics_json = json;
    }

    /// Classifies one document, writing per-label probabilities into `probs`.
    pub fn predict_into(&self, doc: Doc<'_>, s: &mut PredictScratch, probs: &mut [f32]) -> usize {
        let bias = self.model.bias.as_slice().expect("bias is contiguous");
        match self.table.get_or_init(|| PredictTable::build(&self.featurizer, &self.model)) {
            Some(table) => {
                self.featurizer.raw_one_with(doc, &mut s.features, &mut s.row, |idx| table.keep_seen(idx));
                table.scores(&s.row, s.features.extra(), bias, &mut s.scored, probs);
            }
            None => {
                self.featurizer.transform_one(doc, &mut s.features, &mut s.row);
                self.model.scores_of(s.row.iter().copied(), probs);
            }
        }
        softmax(probs);
        argmax(probs)
    }

    /// Classifies many documents on up to `threads` threads, in input order.
    pub fn predict(&self, docs: &[Doc<'_>], threads: usize) -> Vec<Prediction> {
        map_chunks(docs, threads, PredictScratch::default, |s, d| self.prediction(*d, s))
    }

    /// Like [`Classifier::predict`], on one thread per scratch state in `scratches` (at least one),
    /// which the caller keeps from one call to the next so that their caches stay warm: for a
    /// program that classifies a stream in many small calls (the Python `Model.predict`).
    ///
    /// ```
    /// use stance::features::Doc;
    /// use stance::model::{load, PredictScratch};
    ///
    /// let model = load("models/sentiment-news.stance".as_ref())?;
    /// let mut scratches: Vec<PredictScratch> = (0..2).map(|_| PredictScratch::default()).collect();
    /// let docs = [Doc::plain("The talks collapsed."), Doc::plain("Both sides welcomed the deal.")];
    /// assert_eq!(model.predict_with(&docs, &mut scratches), model.predict(&docs, 2));
    /// # Ok::<(), stance::model::ModelError>(())
    /// ```
    pub fn predict_with(&self, docs: &[Doc<'_>], scratches: &mut [PredictScratch]) -> Vec<Prediction> {
        map_chunks_with(docs, scratches, |s, d| self.prediction(*d, s))
    }

    fn prediction(&self, doc: Doc<'_>, s: &mut PredictScratch) -> Prediction {
        let mut probs = vec![0f32; self.labels.len()];
        let label = self.predict_into(doc, s, &mut probs);
        Prediction { label, probs }
    }

    /// Predicted label indices, as linfa-style targets.
    pub fn predict_labels(&self, docs: &[Doc<'_>], threads: usize) -> Array1<usize> {
        self.predict(docs, threads).into_iter().map(|p| p.label).collect()
    }
}
