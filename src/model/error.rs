//! Model errors.

use thiserror::Error;

/// Errors from fitting, loading or saving models.
#[derive(Debug, Error)]
pub enum ModelError {
    /// An invalid hyper-parameter.
    #[error("invalid hyper-parameter: {0}")]
    Params(String),
    /// Training data unusable for fitting.
    #[error("cannot fit: {0}")]
    Data(String),
    /// An error reported by linfa.
    #[error(transparent)]
    Linfa(#[from] linfa::Error),
    /// Reading or writing a model file failed.
    #[error("{path}: {cause}")]
    Io {
        /// The model file.
        path: String,
        /// The I/O error (in the message, not chained, so it is printed once).
        cause: std::io::Error,
    },
    /// The file is not a valid model file of a version this build reads.
    #[error("{path}: {reason}")]
    Format {
        /// The model file.
        path: String,
        /// What is wrong.
        reason: String,
    },
}
