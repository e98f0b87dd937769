//! Syntax errors: bad CoNLL-U input, unusable training data, bad model files.

use thiserror::Error;

/// Errors from reading treebanks, training, and loading or saving syntax models.
#[derive(Debug, Error)]
pub enum SyntaxError {
    /// A malformed CoNLL-U line or sentence.
    #[error("{path}:{line}: {reason}")]
    Conllu {
        /// The file (`-` for stdin).
        path: String,
        /// 1-based line number.
        line: u64,
        /// What is wrong.
        reason: String,
    },
    /// Reading or writing a file failed.
    #[error("{path}: {cause}")]
    Io {
        /// The file.
        path: String,
        /// The I/O error (in the message, not chained, so it is printed once).
        cause: std::io::Error,
    },
    /// The file is not a valid syntax model of a version this build reads.
    #[error("{path}: {reason}")]
    Format {
        /// The model file.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// Training data or options that cannot train a model.
    #[error("cannot train: {0}")]
    Train(String),
}
