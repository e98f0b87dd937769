//! Errors of the news stage.

use thiserror::Error;

/// Errors of the news stage.
#[derive(Debug, Error)]
pub enum NewsError {
    /// A bad gazetteer file or row.
    #[error("gazetteer: {0}")]
    Gazetteer(String),
    /// A stance model without the labels the tagger needs.
    #[error("stance model: {0}")]
    Model(String),
    /// A declared target without a name.
    #[error("target {0:?}: expected NAME=ALIAS,ALIAS")]
    Target(String),
}
