//! Feature settings, checked once before use (linfa's checked-params style).

use std::ops::Deref;

use linfa::ParamGuard;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::lexicon::{Lexicon, LexiconError};

/// How a target (the "toward what" of stance) shapes the features.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum TargetMode {
    /// Ignore targets.
    None,
    /// Decide from the training data: `Mask` when most targets occur in their
    /// texts, else `Conjoin`.
    Auto,
    /// Replace the target's mention with a placeholder and add features for the
    /// words around it.
    Mask,
    /// Add a copy of every feature conjoined with the target, and a per-target
    /// bias feature (for topics a text need not name).
    Conjoin,
}

/// Feature extraction and weighting settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureConfig {
    /// Word n-grams of orders 1..=`word_ngrams` (0 disables words).
    pub word_ngrams: usize,
    /// Character n-grams within word boundaries, orders `min..=max`.
    pub char_ngrams: Option<(usize, usize)>,
    /// The feature space has `2^hash_bits` dimensions.
    pub hash_bits: u8,
    /// Seed of the feature hash.
    pub hash_seed: u64,
    /// Use `1 + ln(tf)` instead of raw counts.
    pub sublinear_tf: bool,
    /// Multiply by inverse document frequency computed at training time.
    pub idf: bool,
    /// Scale each example to unit L2 norm.
    pub l2_normalize: bool,
    /// Scale features by their naive Bayes log-count ratio (NBSVM).
    pub nb_weighting: bool,
    /// Target handling.
    pub target: TargetMode,
    /// Words on each side of a masked target that get positional features.
    pub context_window: usize,
    /// Lexicon features (stored whole in the model file).
    pub lexicon: Option<Lexicon>,
}

impl Default for FeatureConfig {
    fn default() -> Self {
        Self {
            word_ngrams: 2,
            char_ngrams: None,
            hash_bits: 20,
            hash_seed: 0,
            sublinear_tf: true,
            idf: true,
            l2_normalize: true,
            nb_weighting: false,
            target: TargetMode::Auto,
            context_window: 3,
            lexicon: None,
        }
    }
}

/// Parses character n-gram orders `MIN-MAX` (or one order `N`), or `none`.
pub fn parse_char_ngrams(s: &str) -> Result<Option<(usize, usize)>, FeatureError> {
    if s == "none" {
        return Ok(None);
    }
    let (a, b) = s.split_once('-').unwrap_or((s, s));
    let bad = |_| FeatureError::CharNgramsSyntax(s.to_string());
    Ok(Some((a.parse().map_err(bad)?, b.parse().map_err(bad)?)))
}

/// Character n-gram orders as [`parse_char_ngrams`] parses them: `MIN-MAX`, or `none`.
pub fn char_ngrams_name(orders: Option<(usize, usize)>) -> String {
    orders.map_or_else(|| "none".to_string(), |(lo, hi)| format!("{lo}-{hi}"))
}

/// An invalid feature setting.
#[derive(Debug, Error)]
pub enum FeatureError {
    /// Hash bits outside 8..=26.
    #[error("hash_bits must be in 8..=26, got {0}")]
    HashBits(u8),
    /// Word n-gram order too large.
    #[error("word n-gram order must be at most 5, got {0}")]
    WordNgrams(usize),
    /// Character n-gram range empty or out of bounds.
    #[error("character n-gram range must satisfy 1 <= min <= max <= 8, got {0}..={1}")]
    CharNgrams(usize, usize),
    /// Character n-gram orders that are not `MIN-MAX`, `N` or `none`.
    #[error("expected MIN-MAX, got {0:?}")]
    CharNgramsSyntax(String),
    /// Neither words nor characters.
    #[error("no features: enable word or character n-grams")]
    Empty,
    /// Context window too large.
    #[error("context window must be at most 10, got {0}")]
    ContextWindow(usize),
    /// A stored featurizer state that breaks an invariant.
    #[error("{0}")]
    State(&'static str),
    /// An invalid lexicon (in the message, not chained, so it is printed once).
    #[error("lexicon: {0}")]
    Lexicon(LexiconError),
}

/// Feature settings that passed [`ParamGuard::check`]: the only form
/// [`Featurizer::fit`](super::Featurizer::fit) accepts. Reads as a
/// [`FeatureConfig`] through `Deref`.
#[derive(Debug, Clone, PartialEq)]
#[repr(transparent)]
pub struct ValidFeatureConfig(pub(crate) FeatureConfig);

impl Deref for ValidFeatureConfig {
    type Target = FeatureConfig;

    fn deref(&self) -> &FeatureConfig {
        &self.0
    }
}

impl ParamGuard for FeatureConfig {
    type Checked = ValidFeatureConfig;
    type Error = FeatureError;

    fn check_ref(&self) -> Result<&ValidFeatureConfig, FeatureError> {
        self.validate()?;
        let checked: *const ValidFeatureConfig = (self as *const FeatureConfig).cast();
        // SAFETY: `ValidFeatureConfig` is a `repr(transparent)` wrapper of `FeatureConfig`,
        // so both have the same layout; the reference keeps `self`'s lifetime.
        Ok(unsafe { &*checked })
    }

    fn check(self) -> Result<ValidFeatureConfig, FeatureError> {
        self.validate()?;
        Ok(ValidFeatureConfig(self))
    }
}

impl FeatureConfig {
    /// Every setting's check, shared by `check_ref` and `check`.
    fn validate(&self) -> Result<(), FeatureError> {
        if !(8..=26).contains(&self.hash_bits) {
            return Err(FeatureError::HashBits(self.hash_bits));
        }
        if self.word_ngrams > 5 {
            return Err(FeatureError::WordNgrams(self.word_ngrams));
        }
        if let Some((lo, hi)) = self.char_ngrams {
            if lo == 0 || lo > hi || hi > 8 {
                return Err(FeatureError::CharNgrams(lo, hi));
            }
        }
        if self.word_ngrams == 0 && self.char_ngrams.is_none() {
            return Err(FeatureError::Empty);
        }
        if self.context_window > 10 {
            return Err(FeatureError::ContextWindow(self.context_window));
        }
        if let Some(lexicon) = &self.lexicon {
            lexicon.check().map_err(FeatureError::Lexicon)?;
        }
        Ok(())
    }

    /// Dimensions of the hashed n-gram space.
    pub fn hash_dim(&self) -> usize {
        1usize.checked_shl(u32::from(self.hash_bits)).unwrap_or(usize::MAX)
    }

    /// All dimensions: the hashed space, then the lexicon features.
    pub fn dim(&self) -> usize {
        self.hash_dim() + self.lexicon.as_ref().map_or(0, Lexicon::n_features)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_ngram_orders_parse() {
        assert_eq!(parse_char_ngrams("none").unwrap(), None);
        assert_eq!(parse_char_ngrams("2-5").unwrap(), Some((2, 5)));
        assert_eq!(parse_char_ngrams("3").unwrap(), Some((3, 3)));
        for orders in [None, Some((2, 5)), Some((3, 3))] {
            assert_eq!(parse_char_ngrams(&char_ngrams_name(orders)).unwrap(), orders);
        }
        let err = parse_char_ngrams("2-x").unwrap_err();
        assert!(matches!(&err, FeatureError::CharNgramsSyntax(s) if s == "2-x"));
        assert_eq!(err.to_string(), "expected MIN-MAX, got \"2-x\"");
    }

    #[test]
    fn rejects_bad_settings() {
        let ok = FeatureConfig::default();
        assert!(ok.clone().check().is_ok());
        assert!(ok.check_ref().is_ok());
        assert!(matches!(FeatureConfig { hash_bits: 40, ..ok.clone() }.check(), Err(FeatureError::HashBits(40))));
        assert!(matches!(
            FeatureConfig { char_ngrams: Some((4, 2)), ..ok.clone() }.check(),
            Err(FeatureError::CharNgrams(4, 2))
        ));
        assert!(matches!(FeatureConfig { word_ngrams: 0, char_ngrams: None, ..ok }.check(), Err(FeatureError::Empty)));
    }
}
