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
    /// A classifier whose weights do not fit its labels and features, refused before saving.
    #[error("{path}: {cause}")]
    Shape {
        /// The model file that was not written.
        path: String,
        /// What does not fit (in the message, not chained, so it is printed once).
        cause: ShapeError,
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

/// How a classifier's weights fail to fit its labels and features.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ShapeError {
    /// Fewer than two labels.
    #[error("the classifier has {0} labels; at least 2 are needed")]
    TooFewLabels(usize),
    /// Weight columns or biases other than one per label.
    #[error("the classifier has {labels} labels but {columns} weight columns and {biases} biases")]
    Columns {
        /// Labels.
        labels: usize,
        /// Weight matrix columns.
        columns: usize,
        /// Bias terms.
        biases: usize,
    },
    /// A known feature index past the weight matrix.
    #[error("known feature {feature} is past the {rows} weight rows")]
    Feature {
        /// The feature index.
        feature: u32,
        /// Weight matrix rows.
        rows: usize,
    },
    /// A weight or bias that is infinite or NaN.
    #[error("the classifier's weights are not finite")]
    NotFinite,
}
