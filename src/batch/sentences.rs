//! Sentence (row) classification with a model from `stance-train`.

use std::sync::Arc;

use serde_json::{json, Value};

use super::engine::Processor;
use crate::data::{DataError, Example};
use crate::model::{Classifier, PredictScratch};
use crate::output::{column_name, round_score, Field, Record};

/// Output columns of sentence classification, in order.
pub const SENTENCE_COLUMNS: [&str; 8] = ["source", "line", "id", "label", "score", "top", "text", "error"];

/// Classifies each item with a classifier.
#[derive(Debug)]
pub struct SentenceProcessor<'a> {
    classifier: &'a Classifier,
    labels: Vec<Arc<str>>,
    top_k: usize,
    with_text: bool,
    /// The output columns: [`SENTENCE_COLUMNS`], with the kept input columns
    /// after `id`, and `p_LABEL` columns instead of `top` when `per_label`.
    columns: Vec<&'static str>,
    per_label: bool,
}

impl<'a> SentenceProcessor<'a> {
    /// Classifies with `classifier`, reporting the `top_k` best labels (0: all) with their
    /// probabilities, and copying each text into its record when `with_text`.
    pub fn new(classifier: &'a Classifier, top_k: usize, with_text: bool) -> Self {
        let labels = classifier.labels().iter().map(|l| Arc::from(l.as_str())).collect();
        Self { classifier, labels, top_k, with_text, columns: SENTENCE_COLUMNS.to_vec(), per_label: false }
    }

    /// Writes the probabilities of the reported labels as one `p_LABEL`
    /// column per label of the model (empty for labels outside the top k)
    /// instead of one `top` ranking: the shape for CSV.
    pub fn probability_columns(mut self) -> Self {
        self.per_label = true;
        let at = self.columns.iter().position(|&c| c == "top").expect("a top column");
        let names: Vec<&'static str> = self.labels.iter().map(|l| column_name(&format!("p_{l}"))).collect();
        self.columns.splice(at..=at, names);
        self
    }

    /// Carries the input columns `keep` (read into [`Example::kept`]) into
    /// each record, after `id`, under their own names, or `input_NAME` where
    /// the name is already an output column.
    pub fn keep(mut self, keep: &[String]) -> Self {
        let names: Vec<&'static str> = keep
            .iter()
            .map(|k| {
                let taken = self.columns.contains(&k.as_str()) || keep.iter().any(|o| format!("input_{o}") == *k);
                column_name(&if taken { format!("input_{k}") } else { k.clone() })
            })
            .collect();
        let at = 1 + self.columns.iter().position(|&c| c == "id").expect("an id column");
        self.columns.splice(at..at, names);
        self
    }

    /// The output columns, in order.
    pub fn columns(&self) -> &[&'static str] {
        &self.columns
    }
}

/// Decimals of class probabilities in the output.
const PLACES: i32 = 4;

/// The record reporting a bad input item, with every column present.
pub fn error_record(columns: &[&'static str], error: &DataError) -> Record {
    let fields = columns
        .iter()
        .map(|&c| {
            let v = match c {
                "source" | "article" => json!(error.path.display().to_string()),
                "line" => error.line.map_or(Value::Null, |l| json!(l)),
                "error" => json!(error.to_string()),
                _ => Value::Null,
            };
            (c, v.into())
        })
        .collect();
    Record { fields }
}

impl Processor for SentenceProcessor<'_> {
    type Scratch = PredictScratch;

    fn scratch(&self) -> PredictScratch {
        PredictScratch::default()
    }

    fn process(
        &self,
        scratch: &mut PredictScratch,
        source: &Arc<str>,
        e: &Example,
        _warnings: &mut Vec<String>,
    ) -> Vec<Record> {
        let k = self.labels.len();
        let doc = e.doc();
        let mut probs = [0f32; 16];
        let probs = if k <= probs.len() { &mut probs[..k] } else { &mut vec![0f32; k][..] };
        let best = self.classifier.predict_into(doc, scratch, probs);
        let top_k = if self.top_k == 0 { k } else { self.top_k.min(k) };
        let top: Vec<(Arc<str>, f64)> = if top_k == 1 {
            vec![(Arc::clone(&self.labels[best]), round_score(probs[best], PLACES))]
        } else {
            let mut order: Vec<usize> = (0..k).collect();
            order.sort_by(|&a, &b| probs[b].total_cmp(&probs[a]).then(a.cmp(&b)));
            order[..top_k].iter().map(|&i| (Arc::clone(&self.labels[i]), round_score(probs[i], PLACES))).collect()
        };
        let mut fields = Vec::with_capacity(self.columns.len());
        fields.extend([
            ("source", Field::Str(Arc::clone(source))),
            ("line", json!(e.line).into()),
            ("id", e.id.as_ref().map_or(Value::Null, |id| json!(id)).into()),
        ]);
        let kept = &self.columns[3..3 + e.kept.len()];
        fields.extend(
            kept.iter().zip(&e.kept).map(|(&name, v)| (name, v.as_ref().map_or(Value::Null, |v| json!(v)).into())),
        );
        fields.extend([
            ("label", Field::Str(Arc::clone(&self.labels[best]))),
            ("score", json!(round_score(probs[best], PLACES)).into()),
        ]);
        if self.per_label {
            let at = 5 + e.kept.len();
            let p_columns = &self.columns[at..at + k];
            fields.extend(p_columns.iter().zip(&self.labels).map(|(&name, label)| {
                let p = top.iter().find(|(l, _)| l == label).map_or(Value::Null, |&(_, p)| json!(p));
                (name, p.into())
            }));
        } else {
            fields.push(("top", Field::Ranking(top)));
        }
        fields.extend([
            ("text", if self.with_text { json!(&*e.text) } else { Value::Null }.into()),
            ("error", Field::NULL),
        ]);
        vec![Record { fields }]
    }

    fn error(&self, error: &DataError) -> Record {
        error_record(&self.columns, error)
    }
}
