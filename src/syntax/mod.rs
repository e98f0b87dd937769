//! Syntax stage: part-of-speech tags, lemmas and labelled dependency trees in
//! Universal Dependencies, from models trained on a treebank in CoNLL-U.
//!
//! [`SyntaxModel::annotate`] fills a [`Sentence`]'s columns; [`train()`] makes a
//! model from a treebank; [`SyntaxScores`] scores one against gold trees.

pub mod conllu;
mod error;
mod eval;
mod lemma;
mod model;
mod parser;
pub mod perceptron;
mod tagger;
mod train;
mod words;

pub use conllu::{read_treebank, ConlluProblem, ConlluReader, MultiwordToken, ReadLimits, Sentence, Word};
pub use error::SyntaxError;
pub use eval::{score_raw, treebank_text, DifferentWords, RawScores, SyntaxScores};
pub use lemma::Lemmatizer;
pub use model::{
    shipped_model_path, SyntaxInfo, SyntaxModel, SyntaxScratch, FORMAT_VERSION, MAGIC, SHIPPED_SYNTAX_MODEL,
};
pub use parser::{projectivize, Parse, ParseExample, ParseInput, ParseScratch, Parser, ParserParams};
pub use tagger::{TagScratch, Tagger, TaggerParams};
pub use train::{score, score_text, train, train_treebank, SyntaxParams, TreebankReport};
pub use words::{sentence_words, sentences, RawSentence, MAX_SENTENCE_WORDS};
