//! Stemming with `rust-stemmers` (Snowball), language configurable.

use rust_stemmers::Algorithm;
use serde::{Deserialize, Serialize};

/// A Snowball stemming language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StemLanguage {
    /// Arabic.
    Arabic,
    /// Danish.
    Danish,
    /// Dutch.
    Dutch,
    /// English (Porter2).
    English,
    /// Finnish.
    Finnish,
    /// French.
    French,
    /// German.
    German,
    /// Greek.
    Greek,
    /// Hungarian.
    Hungarian,
    /// Italian.
    Italian,
    /// Norwegian.
    Norwegian,
    /// Portuguese.
    Portuguese,
    /// Romanian.
    Romanian,
    /// Russian.
    Russian,
    /// Spanish.
    Spanish,
    /// Swedish.
    Swedish,
    /// Tamil.
    Tamil,
    /// Turkish.
    Turkish,
}

impl StemLanguage {
    /// Every language, for parsing and help text.
    pub const ALL: [StemLanguage; 18] = [
        Self::Arabic,
        Self::Danish,
        Self::Dutch,
        Self::English,
        Self::Finnish,
        Self::French,
        Self::German,
        Self::Greek,
        Self::Hungarian,
        Self::Italian,
        Self::Norwegian,
        Self::Portuguese,
        Self::Romanian,
        Self::Russian,
        Self::Spanish,
        Self::Swedish,
        Self::Tamil,
        Self::Turkish,
    ];

    /// The lowercase name, as accepted by [`StemLanguage::parse`].
    pub fn name(self) -> String {
        format!("{self:?}").to_lowercase()
    }

    /// Parses a lowercase language name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.name() == name.to_lowercase())
    }

    fn algorithm(self) -> Algorithm {
        match self {
            Self::Arabic => Algorithm::Arabic,
            Self::Danish => Algorithm::Danish,
            Self::Dutch => Algorithm::Dutch,
            Self::English => Algorithm::English,
            Self::Finnish => Algorithm::Finnish,
            Self::French => Algorithm::French,
            Self::German => Algorithm::German,
            Self::Greek => Algorithm::Greek,
            Self::Hungarian => Algorithm::Hungarian,
            Self::Italian => Algorithm::Italian,
            Self::Norwegian => Algorithm::Norwegian,
            Self::Portuguese => Algorithm::Portuguese,
            Self::Romanian => Algorithm::Romanian,
            Self::Russian => Algorithm::Russian,
            Self::Spanish => Algorithm::Spanish,
            Self::Swedish => Algorithm::Swedish,
            Self::Tamil => Algorithm::Tamil,
            Self::Turkish => Algorithm::Turkish,
        }
    }
}

/// Stems word tokens in place.
pub struct Stemmer {
    inner: rust_stemmers::Stemmer,
}

impl std::fmt::Debug for Stemmer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Stemmer")
    }
}

impl Stemmer {
    /// A stemmer for `language`.
    pub fn new(language: StemLanguage) -> Self {
        Self { inner: rust_stemmers::Stemmer::create(language.algorithm()) }
    }

    /// The stem of one lowercase word; `None` when it is unchanged.
    pub fn stem(&self, word: &str) -> Option<String> {
        match self.inner.stem(word) {
            std::borrow::Cow::Borrowed(b) if b.len() == word.len() => None,
            stem => Some(stem.into_owned()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_and_german_stems() {
        let en = Stemmer::new(StemLanguage::English);
        assert_eq!(en.stem("questioned").as_deref(), Some("question"));
        assert_eq!(en.stem("running").as_deref(), Some("run"));
        assert_eq!(en.stem("against"), None);
        let de = Stemmer::new(StemLanguage::German);
        assert_eq!(de.stem("häuser").as_deref(), Some("haus"));
    }

    #[test]
    fn language_names_round_trip() {
        for l in StemLanguage::ALL {
            assert_eq!(StemLanguage::parse(&l.name()), Some(l));
        }
        assert_eq!(StemLanguage::parse("klingon"), None);
    }
}
