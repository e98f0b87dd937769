//! Training options and errors.

use std::path::PathBuf;

use thiserror::Error;

use crate::data::{Columns, DataError, Format};
use crate::features::{FeatureConfig, FeatureError};
use crate::model::{ClassWeight, ModelError, ModelKind};
use crate::text::TextConfig;

/// What to train on and how.
#[derive(Debug, Clone)]
pub struct TrainOptions {
    /// Training files, concatenated.
    pub train: Vec<PathBuf>,
    /// Development file for model selection.
    pub dev: Option<PathBuf>,
    /// Test file, scored once with the chosen model.
    pub test: Option<PathBuf>,
    /// Input format (from the extension when `None`).
    pub format: Option<Format>,
    /// Column names.
    pub columns: Columns,
    /// Label renames applied on reading, e.g. `2.0 → negative`.
    pub label_map: Vec<(String, String)>,
    /// Model type.
    pub kind: ModelKind,
    /// Text settings.
    pub text: TextConfig,
    /// Feature settings.
    pub features: FeatureConfig,
    /// Fixed C; when `None` and selecting, a grid is searched (else 1).
    pub c: Option<f32>,
    /// Fixed class weighting; when `None` and selecting, both are tried (else balanced).
    pub class_weight: Option<ClassWeight>,
    /// Try feature variants (character n-grams on/off, NB weighting) during selection.
    pub search_features: bool,
    /// K-fold cross-validation on the training set, when there is no dev set.
    pub cv: Option<usize>,
    /// Metric maximised by selection: `macro_f1`, `macro_recall`, `accuracy`, `weighted_f1` or `favg`.
    pub select_metric: String,
    /// Labels averaged by F_avg.
    pub favg_labels: Vec<String>,
    /// Maximum epochs (the model's default when `None`).
    pub epochs: Option<usize>,
    /// Seed for everything random.
    pub seed: u64,
    /// Worker threads.
    pub threads: usize,
}

impl TrainOptions {
    /// Options with defaults for everything but the file and columns.
    pub fn new(train: Vec<PathBuf>, text_col: &str, label_col: &str) -> Self {
        Self {
            train,
            dev: None,
            test: None,
            format: None,
            columns: Columns { text: text_col.into(), label: Some(label_col.into()), ..Columns::default() },
            label_map: Vec::new(),
            kind: ModelKind::LogReg,
            text: TextConfig::default(),
            features: FeatureConfig::default(),
            c: None,
            class_weight: None,
            search_features: true,
            cv: None,
            select_metric: "macro_f1".into(),
            favg_labels: Vec::new(),
            epochs: None,
            seed: 42,
            threads: 1,
        }
    }
}

/// Why training failed.
#[derive(Debug, Error)]
pub enum TrainError {
    /// Bad input data.
    #[error(transparent)]
    Data(#[from] DataError),
    /// Bad feature settings.
    #[error("invalid feature settings: {0}")]
    Features(#[from] FeatureError),
    /// Model fitting failed.
    #[error(transparent)]
    Model(#[from] ModelError),
    /// Inconsistent options.
    #[error("{0}")]
    Options(String),
}
