//! The parsing run behind `stance-tag parse`: inputs to CoNLL-U on stdout or
//! in a file (written through `FILE.partial`), with the scores as JSON.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::destination::{Destination, OutputSpec};
use super::error::BatchError;
use super::expand_inputs;
use super::parse::{parse_stream, ParseOptions, ParseSummary};
use crate::outputs::{check_writable, write_atomic};
use crate::syntax::{shipped_model_path, SyntaxModel};

/// Where a parsing run writes.
#[derive(Debug, Clone, Copy, Default)]
pub struct ParseOutputs<'a> {
    /// The CoNLL-U output; stdout when `None`.
    pub conllu: Option<&'a Path>,
    /// The scores as JSON (`{"parse": …}`), when scoring.
    pub metrics_json: Option<&'a Path>,
}

/// Parses `inputs` (files, directories expanded, `-` or none for stdin) with
/// the syntax model at `model_path` (the shipped one when `None`) into
/// `outputs`, reporting skipped inputs and sentences to `on_error`. The outputs
/// are checked before any work: writable, and none of them an input.
pub fn parse_to(
    model_path: Option<&Path>,
    inputs: &[PathBuf],
    options: &ParseOptions,
    outputs: ParseOutputs<'_>,
    on_error: &mut dyn FnMut(&str),
) -> Result<ParseSummary, BatchError> {
    let model_path = model_path.map_or_else(shipped_model_path, Path::to_path_buf);
    let model = SyntaxModel::load(&model_path)?;
    let inputs = expand_inputs(inputs).map_err(|e| BatchError::io("listing inputs", e))?;
    if let Some(p) = outputs.metrics_json {
        check_writable(p).map_err(|e| BatchError::io(format!("cannot write --metrics-json {}", p.display()), e))?;
    }
    let mut all: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    all.push(&model_path);
    let others: Vec<&Path> = outputs.metrics_json.into_iter().collect();
    let spec = OutputSpec { path: outputs.conllu, resume: false, inputs: &all, others: &others };
    let (dest, mut writer) = Destination::open(&spec, || Ok(Vec::new()))?;
    let summary = parse_stream(&model, &inputs, options, &mut writer, on_error)?;
    writer.flush().map_err(|e| dest.writing(e))?;
    drop(writer);
    dest.commit()?;
    if let (Some(scores), Some(p)) = (&summary.scores, outputs.metrics_json) {
        let json = serde_json::json!({ "parse": scores.to_json() });
        write_atomic(p, format!("{json:#}\n").as_bytes())
            .map_err(|e| BatchError::io(format!("writing {}", p.display()), e))?;
    }
    Ok(summary)
}
