//! Stemming with `rust-stemmers` (Snowball), language configurable.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

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

/// A stemming language name that is neither `none` nor one of [`StemLanguage::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown language {0:?}: use none or one of {names}", names = StemLanguage::ALL.map(StemLanguage::name).join(", "))]
pub struct UnknownLanguage(pub String);

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
    pub fn name(self) -> &'static str {
        match self {
            Self::Arabic => "arabic",
            Self::Danish => "danish",
            Self::Dutch => "dutch",
            Self::English => "english",
            Self::Finnish => "finnish",
            Self::French => "french",
            Self::German => "german",
            Self::Greek => "greek",
            Self::Hungarian => "hungarian",
            Self::Italian => "italian",
            Self::Norwegian => "norwegian",
            Self::Portuguese => "portuguese",
            Self::Romanian => "romanian",
            Self::Russian => "russian",
            Self::Spanish => "spanish",
            Self::Swedish => "swedish",
            Self::Tamil => "tamil",
            Self::Turkish => "turkish",
        }
    }

    /// The name of a stemming setting: the language's, or `none`, as
    /// [`StemLanguage::parse_or_none`] parses it.
    pub fn name_or_none(stem: Option<Self>) -> &'static str {
        stem.map_or("none", Self::name)
    }

    /// Parses a lowercase language name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.name() == name.to_lowercase())
    }

    /// Parses a language name, or `none` for no stemming.
    pub fn parse_or_none(name: &str) -> Result<Option<Self>, UnknownLanguage> {
        if name == "none" {
            return Ok(None);
        }
        Self::parse(name).map(Some).ok_or_else(|| UnknownLanguage(name.to_string()))
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

/// A fast `Hasher` for short in-memory keys such as words (the stem cache, lexicon
/// look-ups): FxHash's rotate-xor-multiply over 8-byte chunks. Never persisted.
#[derive(Default)]
pub struct WordHasher(u64);

const WORD_HASH_K: u64 = 0x517c_c1b7_2722_0a95;

impl WordHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(WORD_HASH_K);
    }
}

impl Hasher for WordHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("chunks of 8")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut buf = [0u8; 8];
            buf[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(buf));
        }
    }

    #[inline]
    fn write_u8(&mut self, b: u8) {
        self.add(u64::from(b));
    }
}

/// A bounded per-thread memo of word → stem (Snowball is the costliest text
/// stage; words repeat, so most look-ups hit). Cleared when full.
#[derive(Default)]
pub struct StemCache {
    map: HashMap<Box<str>, Option<Box<str>>, BuildHasherDefault<WordHasher>>,
}

impl std::fmt::Debug for StemCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "StemCache({} entries)", self.map.len())
    }
}

impl StemCache {
    /// Largest number of cached words.
    pub const CAPACITY: usize = 1 << 16;

    /// Stems `word` in place through the cache.
    pub fn stem_in_place(&mut self, stemmer: &Stemmer, word: &mut String) {
        if let Some(hit) = self.map.get(word.as_str()) {
            if let Some(stem) = hit {
                word.clear();
                word.push_str(stem);
            }
            return;
        }
        if self.map.len() >= Self::CAPACITY {
            self.map.clear();
        }
        let stem = stemmer.stem(word);
        self.map.insert(word.as_str().into(), stem.as_deref().map(Into::into));
        if let Some(stem) = stem {
            *word = stem;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_names_parse() {
        assert_eq!(StemLanguage::parse_or_none("none"), Ok(None));
        assert_eq!(StemLanguage::parse_or_none("German"), Ok(Some(StemLanguage::German)));
        let err = StemLanguage::parse_or_none("klingon").unwrap_err();
        assert_eq!(err, UnknownLanguage("klingon".into()));
        assert!(
            err.to_string().starts_with("unknown language \"klingon\": use none or one of arabic, danish"),
            "{err}"
        );
    }

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
    fn cache_gives_the_same_stems() {
        let en = Stemmer::new(StemLanguage::English);
        let mut cache = StemCache::default();
        for _ in 0..2 {
            for w in ["questioned", "against", "running"] {
                let mut s = w.to_string();
                cache.stem_in_place(&en, &mut s);
                assert_eq!(Some(s.clone()), en.stem(w).or(Some(w.to_string())));
            }
        }
    }

    #[test]
    fn language_names_round_trip() {
        for l in StemLanguage::ALL {
            assert_eq!(StemLanguage::parse(l.name()), Some(l));
            assert_eq!(l.name(), format!("{l:?}").to_lowercase());
            assert_eq!(StemLanguage::parse_or_none(StemLanguage::name_or_none(Some(l))), Ok(Some(l)));
        }
        assert_eq!(StemLanguage::parse_or_none(StemLanguage::name_or_none(None)), Ok(None));
        assert_eq!(StemLanguage::parse("klingon"), None);
    }
}
