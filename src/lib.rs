//! `stance`: stance and sentiment classification.
//!
//! The modules follow the pipeline: [`text`] → [`features`] → [`model`] →
//! [`eval`], with [`data`] reading labelled datasets, [`train`] tying the
//! training stages together, [`news`] tagging actors' stances toward events in
//! articles, [`batch`] streaming large inputs, [`output`] writing records,
//! [`report`] drawing HTML reports, and [`benchmark`] measuring speed.

#![warn(missing_docs)]

pub mod arenas;
pub mod batch;
pub mod benchmark;
pub mod container;
pub mod data;
pub mod eval;
pub mod features;
pub mod hash;
pub mod model;
pub mod news;
pub mod output;
pub mod outputs;
pub(crate) mod prefetch;
pub mod report;
pub mod rounding;
pub mod syntax;
pub mod text;
pub mod train;
