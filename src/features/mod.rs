//! Features stage: word and character n-grams hashed with a stable hash,
//! target-aware features, TF-IDF with stored IDF, NB log-count ratios, L2
//! normalisation, and a sparse matrix type that implements linfa's `Records`.

mod config;
mod extract;
mod featurizer;
mod lexicon;
mod names;
mod parallel;
mod sparse;
mod target;
mod weighting;
mod words;

pub use crate::hash::{fnv1a64, fnv1a64_step, mix64};
pub(crate) use crate::prefetch::{prefetch_l1, prefetch_l2};
pub use config::{char_ngrams_name, parse_char_ngrams, FeatureConfig, FeatureError, TargetMode, ValidFeatureConfig};
pub use extract::Scratch;
pub use featurizer::{Featurizer, FeaturizerState};
pub use lexicon::{Lexicon, LexiconEntry, LexiconError, LexiconHit, LexiconMatcher};
pub use names::FeatureName;
pub use parallel::{map_chunks, map_chunks_with, with_pool, Pool};
pub use sparse::{SparseBuilder, SparseRecords, SparseRow};
pub use target::{Doc, TargetRef};
pub use weighting::Weights;
