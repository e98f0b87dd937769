//! Sentence (row) classification with a model from `stance-train`.

use std::sync::Arc;

use serde_json::{json, Value};

use super::engine::Processor;
use crate::data::{DataError, Example};
use crate::model::{Classifier, PredictScratch};
use crate::output::{round_score, Field, Record};

/// Output columns of sentence classification, in order.
pub const SENTENCE_COLUMNS: [&str; 8] = ["source", "line", "id", "label", "score", "top", "text", "error"];

/// Classifies each item with a classifier.
#[derive(Debug)]
pub struct SentenceProcessor<'a> {
    classifier: &'a Classifier,
    labels: Vec<Arc<str>>,
    top_k: usize,
    with_text: bool,
}

impl<'a> SentenceProcessor<'a> {
    /// Classifies with `classifier`, reporting the `top_k` best labels (0: all) with their
    /// probabilities, and copying each text into its record when `with_text`.
    pub fn new(classifier: &'a Classifier, top_k: usize, with_text: bool) -> Self {
        let labels = classifier.labels().iter().map(|l| Arc::from(l.as_str())).collect();
        Self { classifier, labels, top_k, with_text }
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
        let top = if top_k == 1 {
            vec![(Arc::clone(&self.labels[best]), round_score(probs[best], PLACES))]
        } else {
            let mut order: Vec<usize> = (0..k).collect();
            order.sort_by(|&a, &b| probs[b].total_cmp(&probs[a]).then(a.cmp(&b)));
            order[..top_k].iter().map(|&i| (Arc::clone(&self.labels[i]), round_score(probs[i], PLACES))).collect()
        };
        vec![Record {
            fields: vec![
                ("source", Field::Str(Arc::clone(source))),
                ("line", json!(e.line).into()),
                ("id", e.id.as_ref().map_or(Value::Null, |id| json!(id)).into()),
                ("label", Field::Str(Arc::clone(&self.labels[best]))),
                ("score", json!(round_score(probs[best], PLACES)).into()),
                ("top", Field::Ranking(top)),
                ("text", if self.with_text { json!(&*e.text) } else { Value::Null }.into()),
                ("error", Field::NULL),
            ],
        }]
    }

    fn error(&self, error: &DataError) -> Record {
        error_record(&SENTENCE_COLUMNS, error)
    }
}
