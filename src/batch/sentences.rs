//! Sentence (row) classification over a stream of inputs.

use std::path::PathBuf;

use serde_json::{json, Value};

use crate::data::{Columns, DataError, Example, Format, RecordReader};
use crate::features::{map_chunks, Doc, TargetRef};
use crate::model::{Classifier, PredictScratch};
use crate::output::{Record, Sink};

/// Output columns of sentence classification, in order.
pub const SENTENCE_COLUMNS: [&str; 8] = ["source", "line", "id", "label", "score", "top", "text", "error"];

/// What to classify and how.
#[derive(Debug, Clone)]
pub struct BatchOptions {
    /// Input files (`-` for stdin), already expanded.
    pub inputs: Vec<PathBuf>,
    /// Input format (from each file's extension when `None`).
    pub format: Option<Format>,
    /// Columns to read.
    pub columns: Columns,
    /// Labels (with probabilities) to report per record.
    pub top_k: usize,
    /// Copy the text into each output record.
    pub with_text: bool,
    /// Worker threads.
    pub threads: usize,
    /// Records per parallel batch.
    pub batch_size: usize,
    /// Largest record accepted, in bytes.
    pub max_record_bytes: usize,
}

/// Counts from a batch run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BatchSummary {
    /// Records written (predictions and errors).
    pub records: u64,
    /// Error records among them.
    pub errors: u64,
    /// Records skipped because a resumed output already had them.
    pub skipped: u64,
    /// Bytes of text classified.
    pub bytes: u64,
}

enum Item {
    Example(usize, Example),
    Error(DataError),
}

fn error_record(source: &str, line: Option<u64>, message: String) -> Record {
    Record {
        fields: vec![
            ("source", json!(source)),
            ("line", line.map_or(Value::Null, |l| json!(l))),
            ("id", Value::Null),
            ("label", Value::Null),
            ("score", Value::Null),
            ("top", Value::Null),
            ("text", Value::Null),
            ("error", json!(message)),
        ],
    }
}

/// Classifies every record of `opts.inputs`, writing one record per input
/// record to `sink`; the first `skip` records are read but not written (resume).
/// `progress` is called after each batch with the running summary.
pub fn classify(
    classifier: &Classifier,
    opts: &BatchOptions,
    sink: &mut dyn Sink,
    skip: u64,
    progress: &mut dyn FnMut(&BatchSummary),
) -> std::io::Result<BatchSummary> {
    let names: Vec<String> = opts.inputs.iter().map(|p| p.display().to_string()).collect();
    let mut summary = BatchSummary::default();
    let mut seen = 0u64;
    let mut batch: Vec<Item> = Vec::with_capacity(opts.batch_size);
    for (source, path) in opts.inputs.iter().enumerate() {
        let reader = RecordReader::open_with_limit(path, opts.format, &opts.columns, opts.max_record_bytes);
        let items: Box<dyn Iterator<Item = Item>> = match reader {
            Ok(r) => Box::new(r.map(move |res| match res {
                Ok(e) => Item::Example(source, e),
                Err(e) => Item::Error(e),
            })),
            Err(e) => Box::new(std::iter::once(Item::Error(e))),
        };
        for item in items {
            seen += 1;
            if seen <= skip {
                summary.skipped += 1;
                continue;
            }
            batch.push(item);
            if batch.len() >= opts.batch_size {
                run_batch(classifier, opts, &names, &mut batch, sink, &mut summary)?;
                progress(&summary);
            }
        }
    }
    run_batch(classifier, opts, &names, &mut batch, sink, &mut summary)?;
    progress(&summary);
    Ok(summary)
}

fn run_batch(
    classifier: &Classifier,
    opts: &BatchOptions,
    names: &[String],
    batch: &mut Vec<Item>,
    sink: &mut dyn Sink,
    summary: &mut BatchSummary,
) -> std::io::Result<()> {
    if batch.is_empty() {
        return Ok(());
    }
    let k = classifier.labels.len();
    let top_k = opts.top_k.clamp(1, k);
    let records = map_chunks(batch, opts.threads, PredictScratch::default, |scratch, item| match item {
        Item::Error(e) => (error_record(&e.path.display().to_string(), e.line, e.to_string()), true, 0),
        Item::Example(source, e) => {
            let doc = Doc {
                text: &e.text,
                target: e.target.as_ref().map(|t| TargetRef { name: &t.name, span: t.span }),
                holder: e.holder.as_ref().map(|t| TargetRef { name: &t.name, span: t.span }),
            };
            let mut probs = vec![0f32; k];
            let best = classifier.predict_into(doc, scratch, &mut probs);
            let mut order: Vec<usize> = (0..k).collect();
            order.sort_by(|&a, &b| probs[b].total_cmp(&probs[a]).then(a.cmp(&b)));
            let top: Vec<Value> =
                order[..top_k].iter().map(|&i| json!({"label": classifier.labels[i], "p": round(probs[i])})).collect();
            let record = Record {
                fields: vec![
                    ("source", json!(names[*source])),
                    ("line", json!(e.line)),
                    ("id", e.id.as_ref().map_or(Value::Null, |id| json!(id))),
                    ("label", json!(classifier.labels[best])),
                    ("score", json!(round(probs[best]))),
                    ("top", Value::Array(top)),
                    ("text", if opts.with_text { json!(e.text) } else { Value::Null }),
                    ("error", Value::Null),
                ],
            };
            (record, false, e.text.len() as u64)
        }
    });
    for (record, is_error, bytes) in &records {
        sink.write(record)?;
        summary.records += 1;
        summary.errors += u64::from(*is_error);
        summary.bytes += bytes;
    }
    sink.flush()?;
    batch.clear();
    Ok(())
}

fn round(p: f32) -> f64 {
    (f64::from(p) * 10_000.0).round() / 10_000.0
}
