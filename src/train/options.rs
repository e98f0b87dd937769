//! Training options and errors.

use std::path::PathBuf;
use std::time::Duration;

use linfa::ParamGuard;
use thiserror::Error;

use crate::data::{Columns, DataError, Format};
use crate::eval::{Metric, MetricsError};
use crate::features::{FeatureConfig, FeatureError};
use crate::model::{ClassWeight, ModelError, ModelKind, DEFAULT_SEED};
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
    /// The order of the classes in the model and its reports.
    pub label_order: LabelOrder,
    /// Model type.
    pub kind: ModelKind,
    /// Text settings.
    pub text: TextConfig,
    /// Feature settings.
    pub features: FeatureConfig,
    /// Fixed C; when `None` and selecting, [`TrainOptions::c_grid`] is searched (else the model's default C).
    pub c: Option<f32>,
    /// The C values searched when selecting ([`default_c_grid`](super::default_c_grid) when `None`).
    pub c_grid: Option<Vec<f32>>,
    /// Fixed class weighting; when `None` and selecting, both are tried (else balanced).
    pub class_weight: Option<ClassWeightSpec>,
    /// Try feature variants (character n-grams on/off, NB weighting) during selection.
    pub search_features: bool,
    /// K-fold cross-validation on the training set, when there is no dev set.
    pub cv: Option<usize>,
    /// With [`TrainOptions::cv`], the training column whose value groups the rows:
    /// every row of a group lands in the same fold (e.g. an author or a source, so
    /// no fold is scored on rows whose group it was trained on).
    pub group_col: Option<String>,
    /// After selecting on the dev set, fit the chosen settings again on the
    /// training and dev sets together and keep that model (the dev set, then
    /// training data, is not scored).
    pub refit: bool,
    /// Wall-clock bound on selection: once spent, no further fit is started and
    /// the choice is made among the candidates scored so far, on the folds they
    /// all completed (the first fit always runs). A model chosen under a budget
    /// depends on the machine's speed, so it is not reproducible byte for byte.
    pub time_budget: Option<Duration>,
    /// Metric maximised by selection (see [`TrainOptions::metric`] when `None`).
    pub select_metric: Option<Metric>,
    /// Labels averaged by F_avg.
    pub favg_labels: Vec<String>,
    /// Maximum epochs (the model's default when `None`).
    pub epochs: Option<usize>,
    /// Seed for everything random.
    pub seed: u64,
    /// Worker threads.
    pub threads: usize,
    /// Features per class to name for the HTML report (0: none; naming them reads
    /// the training text once more).
    pub report_features: usize,
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
            label_order: LabelOrder::default(),
            kind: ModelKind::LogReg,
            text: TextConfig::default(),
            features: FeatureConfig::default(),
            c: None,
            c_grid: None,
            class_weight: None,
            search_features: true,
            cv: None,
            group_col: None,
            refit: false,
            time_budget: None,
            select_metric: None,
            favg_labels: Vec::new(),
            epochs: None,
            seed: DEFAULT_SEED,
            threads: 1,
            report_features: 0,
        }
    }

    /// The metric selection maximises: the one given, else F_avg when its
    /// labels are given, else macro-F1.
    pub fn metric(&self) -> Metric {
        let default = if self.favg_labels.is_empty() { Metric::MacroF1 } else { Metric::Favg };
        self.select_metric.unwrap_or(default)
    }

    /// Checks the options before any data is read.
    pub fn check(&self) -> Result<(), TrainError> {
        if self.cv.is_some() && self.dev.is_some() {
            return Err(TrainError::Options("give either --dev or --cv, not both".into()));
        }
        if self.refit && self.dev.is_none() {
            return Err(TrainError::Options(
                "--refit fits the settings chosen on --dev again on train + dev: give --dev \
                 (with --cv, or without selection, the model is already fitted on every training row)"
                    .into(),
            ));
        }
        if self.group_col.is_some() && self.cv.is_none() {
            return Err(TrainError::Options("--group-col groups the folds of --cv: give --cv K".into()));
        }
        if self.time_budget.is_some() && self.cv.is_none() && self.dev.is_none() {
            return Err(TrainError::Options("--time-budget bounds selection: give --dev or --cv".into()));
        }
        if self.time_budget.is_some_and(|b| b.is_zero()) {
            return Err(TrainError::Options("--time-budget must be more than 0 seconds".into()));
        }
        self.features.check_ref()?;
        Ok(())
    }
}

/// The order of the classes (their indices in the model, the rows of the
/// reports). Sorted by default, so the same labels give the same model
/// whatever order the data has.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum LabelOrder {
    /// Sorted by name (byte order).
    #[default]
    Sorted,
    /// In the order of first appearance in the training files.
    FirstSeen,
    /// As given; must name each label of the training data once.
    Given(Vec<String>),
}

impl std::str::FromStr for LabelOrder {
    type Err = std::convert::Infallible;

    /// Parses `sorted`, `first-seen`, or a list `a,b,c`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "sorted" => Ok(Self::Sorted),
            "first-seen" => Ok(Self::FirstSeen),
            _ => Ok(Self::Given(s.split(',').map(|l| l.trim().to_string()).collect())),
        }
    }
}

impl std::fmt::Display for LabelOrder {
    /// The form [`FromStr`](std::str::FromStr) parses.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Sorted => f.write_str("sorted"),
            Self::FirstSeen => f.write_str("first-seen"),
            Self::Given(labels) => f.write_str(&labels.join(",")),
        }
    }
}

impl LabelOrder {
    /// The classes of `seen` (the training labels in file order, repeats
    /// included) in this order; a given list must name each of them once.
    pub fn order<'a>(&self, seen: impl Iterator<Item = &'a str>) -> Result<Vec<String>, ValueError> {
        let mut labels: Vec<String> = Vec::new();
        for l in seen {
            if !labels.iter().any(|k| k == l) {
                labels.push(l.to_string());
            }
        }
        match self {
            Self::FirstSeen => {}
            Self::Sorted => labels.sort(),
            Self::Given(given) => {
                let missing: Vec<String> = labels.iter().filter(|l| !given.contains(l)).cloned().collect();
                let extra: Vec<String> = given.iter().filter(|l| !labels.contains(l)).cloned().collect();
                let twice = given.iter().enumerate().find(|(i, l)| given[..*i].contains(l));
                if !missing.is_empty() || !extra.is_empty() {
                    return Err(ValueError::LabelOrder { missing, extra });
                }
                if let Some((_, l)) = twice {
                    return Err(ValueError::LabelTwice(l.clone()));
                }
                labels = given.clone();
            }
        }
        Ok(labels)
    }
}

/// Class weighting as given: a fixed scheme, or weights per label name,
/// resolved against the data's labels once they are read.
#[derive(Debug, Clone, PartialEq)]
pub enum ClassWeightSpec {
    /// A scheme that needs no label names.
    Fixed(ClassWeight),
    /// `(label, weight)` pairs; unnamed labels weigh 1.
    ByName(Vec<(String, f32)>),
}

impl From<ClassWeight> for ClassWeightSpec {
    fn from(w: ClassWeight) -> Self {
        Self::Fixed(w)
    }
}

impl std::str::FromStr for ClassWeightSpec {
    type Err = ValueError;

    /// Parses `balanced`, `uniform` (or `none`), or `LABEL=W,LABEL=W`.
    fn from_str(s: &str) -> Result<Self, ValueError> {
        match s {
            "balanced" => Ok(ClassWeight::Balanced.into()),
            "uniform" | "none" => Ok(ClassWeight::Uniform.into()),
            _ => parse_label_map(s)?
                .into_iter()
                .map(|(label, weight)| match weight.parse() {
                    Ok(w) => Ok((label, w)),
                    Err(_) => Err(ValueError::ClassWeight { label, weight }),
                })
                .collect::<Result<_, _>>()
                .map(Self::ByName),
        }
    }
}

/// Parses `--time-budget`: seconds, a finite number above 0.
pub fn parse_time_budget(s: &str) -> Result<Duration, ValueError> {
    let bad = || ValueError::Seconds(s.to_string());
    let secs: f64 = s.trim().parse().map_err(|_| bad())?;
    Duration::try_from_secs_f64(secs).ok().filter(|d| !d.is_zero()).ok_or_else(bad)
}

/// Parses `FROM=TO,FROM=TO` pairs (spaces around each name trimmed).
pub fn parse_label_map(s: &str) -> Result<Vec<(String, String)>, ValueError> {
    s.split(',')
        .map(|pair| {
            pair.split_once('=')
                .map(|(a, b)| (a.trim().to_string(), b.trim().to_string()))
                .ok_or_else(|| ValueError::Pair(pair.to_string()))
        })
        .collect()
}

/// An option value that does not parse, or a label order that does not fit the data.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ValueError {
    /// A `FROM=TO` or `LABEL=W` item without `=`.
    #[error("expected FROM=TO, got {0:?}")]
    Pair(String),
    /// A class weight that is not a number.
    #[error("--class-weight {label}={weight}: not a number")]
    ClassWeight {
        /// The label weighted.
        label: String,
        /// The weight as given.
        weight: String,
    },
    /// A given label order that leaves out labels of the data or names others.
    #[error(
        "--labels must name every label of the training data once: missing {missing:?}, not in the data {extra:?}"
    )]
    LabelOrder {
        /// The data's labels the order leaves out.
        missing: Vec<String>,
        /// The order's labels the data does not have.
        extra: Vec<String>,
    },
    /// A given label order that names a label twice.
    #[error("--labels names {0:?} twice")]
    LabelTwice(String),
    /// A time budget that is not a number of seconds above 0.
    #[error("--time-budget {0:?}: not a number of seconds above 0")]
    Seconds(String),
}

impl ClassWeightSpec {
    /// The class weighting for the data's `labels` (class index order).
    pub fn resolve(&self, labels: &[String]) -> Result<ClassWeight, TrainError> {
        let pairs = match self {
            Self::Fixed(w) => return Ok(w.clone()),
            Self::ByName(pairs) => pairs,
        };
        let mut w = vec![1.0f32; labels.len()];
        for (label, weight) in pairs {
            let i = labels.iter().position(|l| l == label).ok_or_else(|| {
                TrainError::Options(format!(
                    "--class-weight names {label:?}, not a label of the data ({})",
                    labels.join(", ")
                ))
            })?;
            w[i] = *weight;
        }
        Ok(ClassWeight::Given(w))
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
    /// Metrics could not be computed.
    #[error(transparent)]
    Scoring(#[from] MetricsError),
    /// Model fitting failed.
    #[error(transparent)]
    Model(#[from] ModelError),
    /// The metrics JSON or the HTML report could not be written (after the model, if one was).
    #[error("{}", match model {
        Some(model) => format!("the model was written to {}, but the {what} could not be", model.display()),
        None => format!("the {what} could not be written"),
    })]
    Unwritten {
        /// What was not written: `metrics` or `report`.
        what: &'static str,
        /// The model file written, if any.
        model: Option<PathBuf>,
        /// Why it could not be written.
        #[source]
        source: ModelError,
    },
    /// Inconsistent options.
    #[error("{0}")]
    Options(String),
    /// An option value that does not parse or does not fit the data.
    #[error(transparent)]
    Value(#[from] ValueError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_orders() {
        let seen = || ["pos", "neg", "pos", "neu"].into_iter();
        let order = |o: &str| o.parse::<LabelOrder>().unwrap().order(seen());
        assert_eq!(order("sorted").unwrap(), ["neg", "neu", "pos"]);
        assert_eq!(order("first-seen").unwrap(), ["pos", "neg", "neu"]);
        assert_eq!(order("neu, pos,neg").unwrap(), ["neu", "pos", "neg"]);
        for o in ["sorted", "first-seen", "neu,pos,neg"] {
            assert_eq!(o.parse::<LabelOrder>().unwrap().to_string(), o);
        }
        assert_eq!(LabelOrder::default(), LabelOrder::Sorted);
        assert_eq!(
            order("neg,pos,meh").unwrap_err().to_string(),
            "--labels must name every label of the training data once: missing [\"neu\"], not in the data [\"meh\"]"
        );
        assert_eq!(order("neg,pos,neu,pos").unwrap_err(), ValueError::LabelTwice("pos".into()));
    }

    #[test]
    fn class_weights_and_label_maps_parse() {
        assert_eq!("balanced".parse(), Ok(ClassWeightSpec::Fixed(ClassWeight::Balanced)));
        assert_eq!("a=2, b=0.5".parse(), Ok(ClassWeightSpec::ByName(vec![("a".into(), 2.0), ("b".into(), 0.5)])));
        let err = "a=x".parse::<ClassWeightSpec>().unwrap_err();
        assert_eq!(err.to_string(), "--class-weight a=x: not a number");
        assert_eq!(
            parse_label_map("2.0=neg, 4.0 = pos").unwrap(),
            [("2.0".into(), "neg".into()), ("4.0".into(), "pos".into())]
        );
        assert_eq!(parse_label_map("2.0=neg,pos"), Err(ValueError::Pair("pos".into())));
    }
}
