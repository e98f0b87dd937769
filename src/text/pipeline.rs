//! The text pipeline: tokenise → mark negation → stem, each stage switchable.

use serde::{Deserialize, Serialize};

use super::negation::NegationMarker;
use super::normalize::Normalizer;
use super::stem::{StemCache, StemLanguage, Stemmer};
use super::token::{Token, TokenKind};
use super::tokenize::Tokenizer;

/// Settings for every text stage; stored in the model file so inference
/// repeats training exactly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextConfig {
    /// NFKC normalisation with quote and dash folding.
    pub unicode: bool,
    /// Lowercase tokens.
    pub lowercase: bool,
    /// Social tokens: URLs, @mentions, #hashtags, emoticons.
    pub social: bool,
    /// Mark tokens in negation scope.
    pub negation: bool,
    /// Stem words in this language; `None` disables stemming.
    pub stem: Option<StemLanguage>,
}

impl Default for TextConfig {
    fn default() -> Self {
        Self { unicode: true, lowercase: true, social: true, negation: true, stem: Some(StemLanguage::English) }
    }
}

/// A ready-to-run text pipeline built from a [`TextConfig`].
#[derive(Debug)]
pub struct TextPipeline {
    config: TextConfig,
    tokenizer: Tokenizer,
    stemmer: Option<Stemmer>,
}

impl TextPipeline {
    /// Builds the pipeline for `config`.
    pub fn new(config: TextConfig) -> Self {
        let normalizer = Normalizer { unicode: config.unicode, lowercase: config.lowercase };
        let tokenizer = Tokenizer { social: config.social, normalizer };
        let stemmer = config.stem.map(Stemmer::new);
        Self { config, tokenizer, stemmer }
    }

    /// The configuration this pipeline was built from.
    pub fn config(&self) -> &TextConfig {
        &self.config
    }

    /// Runs every enabled stage on `text`, writing tokens into `out` (whose
    /// buffers are reused) and memoising stems in `cache`.
    pub fn analyze_into(&self, text: &str, out: &mut Vec<Token>, cache: &mut StemCache) {
        self.tokenizer.tokenize_into(text, out);
        if self.config.negation {
            NegationMarker.mark(out);
        }
        if let Some(stemmer) = &self.stemmer {
            for tok in out.iter_mut().filter(|t| t.kind == TokenKind::Word) {
                cache.stem_in_place(stemmer, &mut tok.text);
            }
        }
    }

    /// The first stage only, for callers that run the later stages themselves with a
    /// per-word cache: tokenises `text` into `out` as [`Tokenizer::tokenize_lazy_into`]
    /// does, leaving plain words' text to [`TextPipeline::plain_word`].
    pub fn tokenize_lazy_into(&self, text: &str, out: &mut Vec<Token>) {
        self.tokenizer.tokenize_lazy_into(text, out);
    }

    /// The tokeniser this pipeline's configuration makes.
    pub fn tokenizer(&self) -> &Tokenizer {
        &self.tokenizer
    }

    /// The normal form of a plain word (see [`Tokenizer::plain_word`]).
    pub fn plain_word(&self, word: &str, out: &mut String) {
        self.tokenizer.plain_word(word, out);
    }

    /// The stem of one normalised word, or `None` when stemming is off or leaves it unchanged.
    pub fn stem_word(&self, word: &str) -> Option<String> {
        self.stemmer.as_ref().and_then(|s| s.stem(word))
    }

    /// Runs every enabled stage on `text`.
    pub fn analyze(&self, text: &str) -> Vec<Token> {
        let mut out = Vec::new();
        self.analyze_into(text, &mut out, &mut StemCache::default());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_are_switchable() {
        let text = "Turkey Questioned the deals, not welcoming them";
        let full = TextPipeline::new(TextConfig::default()).analyze(text);
        let words: Vec<_> = full.iter().map(|t| (t.text.as_str(), t.negated)).collect();
        assert_eq!(
            words,
            [
                ("turkey", false),
                ("question", false),
                ("the", false),
                ("deal", false),
                (",", false),
                ("not", false),
                ("welcom", true),
                ("them", true)
            ]
        );
        let plain =
            TextPipeline::new(TextConfig { lowercase: false, negation: false, stem: None, ..TextConfig::default() })
                .analyze(text);
        assert_eq!(plain[1].text, "Questioned");
        assert!(plain.iter().all(|t| !t.negated));
    }
}
