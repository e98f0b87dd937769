//! The training run's HTML report (`stance-train --report`): what
//! [`crate::report::training`] draws, gathered from a [`TrainOutcome`], and the
//! largest-weighted features per class with their names from the training text.

use std::path::Path;

use super::{TrainError, TrainOutcome};
use crate::features::Doc;
use crate::model::file::write_atomic;
use crate::model::{ClassWeight, Classifier, ModelKind};
use crate::report::training::GridRow;
use crate::report::{ClassFeatures, TopFeature, TrainingReport, TrainingSplit};

/// Features per class a report shows.
pub const REPORT_FEATURES: usize = 20;

/// The `n` features with the largest positive weights for each class, named from
/// the training documents `docs` (an index no document produces keeps its number).
pub fn top_features(classifier: &Classifier, docs: &[Doc<'_>], n: usize) -> Vec<ClassFeatures> {
    let model = classifier.model();
    let k = model.n_classes();
    let w = model.weights.as_slice().expect("weights are standard layout");
    let mut per_class: Vec<Vec<(u32, f32)>> = vec![Vec::new(); k];
    for (j, row) in w.chunks_exact(k.max(1)).enumerate() {
        for (c, &v) in row.iter().enumerate() {
            if v > 0.0 {
                per_class[c].push((j as u32, v));
            }
        }
    }
    for list in &mut per_class {
        // Largest first; the lower index among equals, so the same model gives the same report.
        list.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        list.truncate(n);
    }
    let wanted: Vec<u32> = per_class.iter().flatten().map(|&(i, _)| i).collect();
    let names = classifier.featurizer().feature_names(docs, &wanted);
    classifier
        .labels()
        .iter()
        .zip(per_class)
        .map(|(label, list)| ClassFeatures {
            label: label.clone(),
            features: list
                .into_iter()
                .map(|(i, v)| {
                    let (name, others) =
                        names.get(&i).map_or_else(|| (format!("feature #{i}"), 0), |f| (f.name.clone(), f.others));
                    TopFeature { name, weight: f64::from(v), others }
                })
                .collect(),
        })
        .collect()
}

fn class_weight(w: &ClassWeight) -> String {
    match w {
        ClassWeight::Uniform => "uniform".into(),
        ClassWeight::Balanced => "balanced".into(),
        ClassWeight::Given(v) => v.iter().map(|x| format!("{x}")).collect::<Vec<_>>().join(", "),
    }
}

impl TrainOutcome {
    /// The training report as one HTML page, titled `title`.
    pub fn html_report(&self, title: &str) -> String {
        let (s, c) = (&self.selection, &self.classifier);
        let config = c.featurizer().config();
        let kind = match c.info().params.kind {
            ModelKind::LogReg => "logistic regression",
            ModelKind::Svm => "linear SVM",
        };
        let facts = vec![
            (
                "model".to_string(),
                format!("{kind}, C={}, class weight {}", s.chosen.c, class_weight(&s.chosen.class_weight)),
            ),
            (
                "features".into(),
                format!(
                    "{} ({} seen in training; 2^{} hashed dimensions, word n-grams 1–{}{}{})",
                    s.chosen.variant,
                    c.featurizer().known_features(),
                    config.hash_bits,
                    config.word_ngrams,
                    config.char_ngrams.map(|(a, b)| format!(", character n-grams {a}–{b}")).unwrap_or_default(),
                    if config.nb_weighting { ", NB weighting" } else { "" },
                ),
            ),
            (
                "training examples".into(),
                format!(
                    "{}{}",
                    c.info().n_train,
                    if self.refit { " (train + dev, refitted with the chosen settings after selection)" } else { "" }
                ),
            ),
            ("labels".into(), c.labels().join(", ")),
            (
                "selection".into(),
                match s.seconds {
                    None => s.describe(),
                    Some(seconds) => {
                        format!(
                            "{}: {} candidates, {} fits in {seconds:.2} s{}",
                            s.describe(),
                            s.candidates.len(),
                            s.fits,
                            s.budget_note()
                        )
                    }
                },
            ),
            (
                "fit".into(),
                format!(
                    "{:.2} s{}",
                    self.fit_seconds,
                    if self.fit_from_selection { " (the selection's fit of the chosen settings, kept)" } else { "" }
                ),
            ),
        ];
        let mut splits = Vec::new();
        for (name, m, cal) in [("dev", &self.dev, &self.dev_calibration), ("test", &self.test, &self.test_calibration)]
        {
            if let Some(metrics) = m {
                splits.push(TrainingSplit { name, metrics, calibration: cal.as_ref() });
            }
        }
        let grid = s
            .candidates
            .iter()
            .map(|g| GridRow {
                variant: g.variant.clone(),
                c: f64::from(g.c),
                class_weight: class_weight(&g.class_weight),
                score: g.score,
                chosen: g.variant == s.chosen.variant && g.c == s.chosen.c && g.class_weight == s.chosen.class_weight,
            })
            .collect();
        TrainingReport {
            title: title.to_string(),
            facts,
            splits,
            features: self.top_features.clone(),
            selection: (s.method.clone(), s.metric.to_string()),
            grid,
        }
        .to_html()
    }

    /// Writes [`TrainOutcome::html_report`] to `path` atomically (after the model, which `model` names, if one was written).
    pub fn save_report(&self, path: &Path, model: Option<&Path>) -> Result<(), TrainError> {
        let title = match model {
            Some(m) => format!(
                "Training report: {}",
                m.file_name().map_or_else(|| m.display().to_string(), |n| n.to_string_lossy().into_owned())
            ),
            None => "Training report (model not written)".to_string(),
        };
        write_atomic(path, self.html_report(&title).as_bytes()).map_err(|source| TrainError::Unwritten {
            what: "report",
            model: model.map(Path::to_path_buf),
            source,
        })
    }
}
