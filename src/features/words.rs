//! A per-thread memo of everything the featurizer derives from one word: its
//! stem, whether it opens a negation scope, its feature hash and its lexicon
//! entry. One look-up per word token replaces four (stem cache, negator list,
//! hash, lexicon), which is most of the cost of featurising short texts.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::atomic::{AtomicU64, Ordering};

use super::hash::fnv1a64;
use super::lexicon::LexiconMatcher;
use crate::text::{NegationMarker, TextPipeline, WordHasher};

/// What one normalised word becomes.
#[derive(Debug, Clone)]
struct WordInfo {
    /// The stem, when it differs from the word.
    stem: Option<Box<str>>,
    /// The word opens a negation scope.
    negator: bool,
    /// Feature hash of the stemmed form.
    hash: u64,
    /// The lexicon terms starting with the stemmed form.
    lexicon: Option<u32>,
}

/// The stages a [`WordInfo`] depends on, with an identity for the cache.
#[derive(Debug, Clone, Copy)]
pub(crate) struct WordStages<'a> {
    /// Identity of the featurizer these stages belong to (see [`next_id`]).
    pub id: u64,
    /// The text stages (stemming).
    pub pipeline: &'a TextPipeline,
    /// The lexicon, if the features use one.
    pub lexicon: Option<&'a LexiconMatcher>,
    /// The feature hash seed.
    pub seed: u64,
}

impl WordStages<'_> {
    /// Hash and lexicon entry of a token the cache does not hold (any kind).
    pub fn plain(&self, text: &str) -> (u64, Option<u32>) {
        (fnv1a64(self.seed, text.as_bytes()), self.lexicon.and_then(|m| m.lookup(text)))
    }

    fn info(&self, word: &str) -> WordInfo {
        let stem = self.pipeline.stem_word(word);
        let (hash, lexicon) = self.plain(stem.as_deref().unwrap_or(word));
        WordInfo { stem: stem.map(Into::into), negator: NegationMarker::is_negator(word), hash, lexicon }
    }
}

/// A fresh identity for a featurizer's [`WordStages`].
pub(crate) fn next_id() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// Bounded word → [`WordInfo`] memo for one featurizer at a time: it empties
/// itself when used with another featurizer or when full.
#[derive(Default)]
pub(crate) struct WordCache {
    owner: u64,
    map: HashMap<Box<str>, WordInfo, BuildHasherDefault<WordHasher>>,
}

impl std::fmt::Debug for WordCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "WordCache({} words)", self.map.len())
    }
}

impl WordCache {
    /// Largest number of cached words.
    pub const CAPACITY: usize = 1 << 16;

    /// Prepares the cache for `stages`.
    pub fn bind(&mut self, stages: &WordStages<'_>) {
        if self.owner != stages.id {
            self.map.clear();
            self.owner = stages.id;
        }
    }

    /// Replaces the normalised word in `word` by its stem and returns whether it
    /// opens a negation scope, its feature hash and its lexicon entry.
    pub fn apply(&mut self, stages: &WordStages<'_>, word: &mut String) -> (bool, u64, Option<u32>) {
        if let Some(info) = self.map.get(word.as_str()) {
            return Self::use_info(info, word);
        }
        if self.map.len() >= Self::CAPACITY {
            self.map.clear();
        }
        let info = stages.info(word);
        let key: Box<str> = word.as_str().into();
        let out = Self::use_info(&info, word);
        self.map.insert(key, info);
        out
    }

    fn use_info(info: &WordInfo, word: &mut String) -> (bool, u64, Option<u32>) {
        if let Some(stem) = &info.stem {
            word.clear();
            word.push_str(stem);
        }
        (info.negator, info.hash, info.lexicon)
    }
}
