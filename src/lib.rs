//! `stance`: stance and sentiment classification.
//!
//! The modules follow the pipeline: [`text`] → [`features`] → [`model`] → [`eval`],
//! with [`data`] reading labelled datasets and [`train`] tying the stages together.

pub mod batch;
pub mod data;
pub mod eval;
pub mod features;
pub mod model;
pub mod output;
pub mod text;
pub mod train;
