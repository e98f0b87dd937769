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

/// Longest word (and stem) kept in the cache, in bytes; longer words are analysed each time.
const INLINE: usize = 15;

/// Up to [`INLINE`] bytes stored in place, so a look-up follows no pointer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Inline {
    len: u8,
    bytes: [u8; INLINE],
}

impl Inline {
    fn new(s: &str) -> Option<Self> {
        let mut bytes = [0u8; INLINE];
        bytes.get_mut(..s.len())?.copy_from_slice(s.as_bytes());
        Some(Self { len: s.len() as u8, bytes })
    }

    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).expect("built from a str")
    }
}

/// What one normalised word becomes.
#[derive(Debug, Clone, Copy)]
struct WordInfo {
    /// The stem, when it differs from the word.
    stem: Option<Inline>,
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

    /// Stems `word` in place and returns whether it opens a negation scope, its
    /// feature hash and its lexicon entry (uncached).
    fn analyze(&self, word: &mut String) -> (bool, u64, Option<u32>) {
        let negator = NegationMarker::is_negator(word);
        if let Some(stem) = self.pipeline.stem_word(word) {
            *word = stem;
        }
        let (hash, lexicon) = self.plain(word);
        (negator, hash, lexicon)
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
    map: HashMap<Inline, WordInfo, BuildHasherDefault<WordHasher>>,
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
        let Some(key) = Inline::new(word) else {
            return stages.analyze(word);
        };
        if let Some(info) = self.map.get(&key) {
            if let Some(stem) = &info.stem {
                word.clear();
                word.push_str(stem.as_str());
            }
            return (info.negator, info.hash, info.lexicon);
        }
        let (negator, hash, lexicon) = stages.analyze(word);
        let stem = if word.as_str() == key.as_str() { None } else { Inline::new(word) };
        if stem.is_some() || word.as_str() == key.as_str() {
            if self.map.len() >= Self::CAPACITY {
                self.map.clear();
            }
            self.map.insert(key, WordInfo { stem, negator, hash, lexicon });
        }
        (negator, hash, lexicon)
    }
}
