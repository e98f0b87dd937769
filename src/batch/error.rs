//! Errors of a batch run.

use std::io;

use thiserror::Error;

use crate::data::DataError;
use crate::model::ModelError;
use crate::news::NewsError;
use crate::syntax::SyntaxError;

/// Why a batch run (tagging, classification or parsing) failed.
#[derive(Debug, Error)]
pub enum BatchError {
    /// Reading or writing failed; `context` says what was being done.
    #[error("{context}")]
    Io {
        /// What was being read or written, e.g. `writing out.jsonl.partial`.
        context: String,
        /// The I/O error.
        #[source]
        source: io::Error,
    },
    /// Writing to stdout (or an unnamed output) failed.
    #[error(transparent)]
    Write(#[from] io::Error),
    /// Settings that cannot work together, e.g. `--resume` with a device as output.
    #[error("{0}")]
    Settings(String),
    /// A thread count or batch size out of range.
    #[error(transparent)]
    Setting(#[from] SettingError),
    /// Unreadable input data.
    #[error(transparent)]
    Data(#[from] DataError),
    /// A model could not be loaded.
    #[error(transparent)]
    Model(#[from] ModelError),
    /// The article tagger could not be built.
    #[error(transparent)]
    News(#[from] NewsError),
    /// Parsing failed.
    #[error(transparent)]
    Syntax(#[from] SyntaxError),
}

/// A worker thread count or batch size that a run cannot use.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SettingError {
    /// Zero worker threads.
    #[error("--threads must be at least 1")]
    ZeroThreads,
    /// A batch size outside `1..=MAX_BATCH_SIZE`.
    #[error("--batch-size {0} is out of range: use 1 to {max}", max = super::MAX_BATCH_SIZE)]
    BatchSize(usize),
}

impl BatchError {
    /// An I/O error with what was being done.
    pub(crate) fn io(context: impl Into<String>, source: io::Error) -> Self {
        Self::Io { context: context.into(), source }
    }
}

/// True when `error` or any error it was caused by is a broken pipe: the
/// reader of the output went away (`| head`), which is a quiet exit.
pub fn is_broken_pipe(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut next = Some(error);
    while let Some(e) = next {
        let io = e
            .downcast_ref::<io::Error>()
            .or(match e.downcast_ref::<BatchError>() {
                Some(BatchError::Write(io)) => Some(io),
                _ => None,
            })
            .or(match e.downcast_ref::<SyntaxError>() {
                Some(SyntaxError::Io { cause, .. }) => Some(cause),
                _ => None,
            });
        if io.is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe) {
            return true;
        }
        next = e.source();
    }
    false
}
