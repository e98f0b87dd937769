//! Text stage: normalise, tokenise, mark negation scope, stem, split sentences.
//!
//! Each stage is a small type in its own file; [`TextPipeline`] chains the enabled
//! ones, configured by a validated, serialisable [`TextConfig`].

mod negation;
mod normalize;
mod pipeline;
mod sentences;
mod stem;
mod token;
mod tokenize;

pub use negation::NegationMarker;
pub use normalize::{normalize, Normalizer};
pub use pipeline::{TextConfig, TextPipeline};
#[cfg(test)]
pub(crate) use sentences::tests::wrap;
pub use sentences::{is_abbreviation, split_sentences, SentenceSpan};
pub use stem::{StemCache, StemLanguage, Stemmer, UnknownLanguage, WordHasher};
pub use token::{Token, TokenKind};
pub use tokenize::Tokenizer;
