//! A per-thread memo of everything the featurizer derives from one word: its
//! stem, whether it opens a negation scope, its feature hash and its lexicon
//! entry. One look-up per word token replaces four (stem cache, negator list,
//! hash, lexicon), which is most of the cost of featurising short texts.

use std::sync::atomic::{AtomicU64, Ordering};

use super::hash::fnv1a64;
use super::lexicon::LexiconMatcher;
use super::prefetch::prefetch_l1;
use crate::text::{NegationMarker, TextPipeline, Token, TokenKind};

/// Longest word (and stem) kept in the cache, in bytes; longer words are analysed each time.
const INLINE: usize = 15;

/// Up to [`INLINE`] bytes and their length packed in 16 bytes (length in the top byte),
/// so a key compares as one integer and follows no pointer. Zero is no word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Inline(u128);

impl Inline {
    fn new(s: &str) -> Option<Self> {
        let (b, n) = (s.as_bytes(), s.len());
        // Whole-word loads that may overlap (the overlapping bytes are equal), instead
        // of a byte copy into a buffer, which would stall the wide read that follows it.
        let word = |at: usize| u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"));
        let half = |at: usize| u64::from(u32::from_le_bytes(b[at..at + 4].try_into().expect("4 bytes")));
        let (lo, hi) = match n {
            0 => return None,
            1..=3 => (u64::from(b[0]) | u64::from(b[n / 2]) << (n / 2 * 8) | u64::from(b[n - 1]) << ((n - 1) * 8), 0),
            4..=7 => (half(0) | half(n - 4) << ((n - 4) * 8), 0),
            8 => (word(0), 0),
            9..=INLINE => (word(0), word(n - 8) >> ((16 - n) * 8)),
            _ => return None,
        };
        Some(Self(u128::from(lo) | u128::from(hi | (n as u64) << 56) << 64))
    }

    fn len(self) -> usize {
        (self.0 >> 120) as usize
    }

    fn write_to(self, out: &mut String) {
        let bytes = self.0.to_le_bytes();
        out.clear();
        out.push_str(std::str::from_utf8(&bytes[..self.len()]).expect("built from a str"));
    }

    /// Where the key's probe sequence starts in a table of `2^bits` slots.
    fn slot(self, bits: u32) -> usize {
        let (lo, hi) = (self.0 as u64, (self.0 >> 64) as u64);
        ((lo ^ hi.rotate_left(29)).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - bits)) as usize
    }
}

/// What one normalised word becomes, with the word itself: one slot of the
/// cache, aligned to a cache line so that a look-up touches one line.
#[derive(Debug, Clone, Copy, Default)]
#[repr(align(64))]
struct Slot {
    /// The word; zero when the slot is empty.
    word: Inline,
    /// The stem, when it differs from the word; zero otherwise.
    stem: Inline,
    /// Feature hash of the stemmed form.
    hash: u64,
    /// The lexicon terms starting with the stemmed form.
    lexicon: Option<u32>,
    /// The word opens a negation scope.
    negator: bool,
}

/// The stages a cached word's analysis depends on, with an identity for the cache.
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

/// Bounded word → analysis memo for one featurizer at a time: an open-addressing
/// table (linear probing) that empties itself when used with another featurizer
/// or when three quarters full.
#[derive(Default)]
pub(crate) struct WordCache {
    owner: u64,
    slots: Vec<Slot>,
    len: usize,
    /// Per token of the current document: its key, for words the cache can hold.
    keys: Vec<Option<Inline>>,
}

impl std::fmt::Debug for WordCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "WordCache({} words)", self.len)
    }
}

impl WordCache {
    /// The table has `2^BITS` slots.
    const BITS: u32 = 16;
    /// Largest number of cached words.
    pub const CAPACITY: usize = (1 << Self::BITS) / 4 * 3;

    /// Prepares the cache for `stages`.
    fn bind(&mut self, stages: &WordStages<'_>) {
        if self.owner != stages.id || self.slots.is_empty() {
            self.clear();
            self.owner = stages.id;
        }
    }

    fn clear(&mut self) {
        self.slots.clear();
        self.slots.resize(1 << Self::BITS, Slot::default());
        self.len = 0;
    }

    /// Stems every word token in place and lists, per token, whether it opens a
    /// negation scope, its feature hash and its lexicon entry. The slots of all the
    /// words are requested first, so that their cache misses overlap.
    pub fn analyze_tokens(
        &mut self,
        stages: &WordStages<'_>,
        tokens: &mut [Token],
        out: &mut Vec<(bool, u64, Option<u32>)>,
    ) {
        self.bind(stages);
        self.keys.clear();
        for tok in tokens.iter() {
            let key = if tok.kind == TokenKind::Word { Inline::new(&tok.text) } else { None };
            if let Some(key) = key {
                prefetch_l1(&self.slots[key.slot(Self::BITS)]);
            }
            self.keys.push(key);
        }
        out.clear();
        for (i, tok) in tokens.iter_mut().enumerate() {
            out.push(match self.keys[i] {
                Some(key) => self.apply(stages, key, &mut tok.text),
                None if tok.kind == TokenKind::Word => stages.analyze(&mut tok.text),
                None => {
                    let (hash, lexicon) = stages.plain(&tok.text);
                    (false, hash, lexicon)
                }
            });
        }
    }

    /// Replaces the normalised word in `word` (whose key is `key`) by its stem and
    /// returns whether it opens a negation scope, its feature hash and its lexicon entry.
    fn apply(&mut self, stages: &WordStages<'_>, key: Inline, word: &mut String) -> (bool, u64, Option<u32>) {
        let mask = self.slots.len() - 1;
        let mut at = key.slot(Self::BITS);
        loop {
            let slot = &self.slots[at];
            if slot.word == key {
                if slot.stem != Inline::default() {
                    slot.stem.write_to(word);
                }
                return (slot.negator, slot.hash, slot.lexicon);
            }
            if slot.word == Inline::default() {
                break;
            }
            at = (at + 1) & mask;
        }
        let (negator, hash, lexicon) = stages.analyze(word);
        // A stem equal to the word is stored as zero (nothing to rewrite); an uncacheable one not at all.
        let stem = match Inline::new(word) {
            Some(stem) if stem == key => Some(Inline::default()),
            stem => stem,
        };
        if let Some(stem) = stem {
            if self.len >= Self::CAPACITY {
                self.clear();
                at = key.slot(Self::BITS);
            }
            self.slots[at] = Slot { word: key, stem, hash, lexicon, negator };
            self.len += 1;
        }
        (negator, hash, lexicon)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::TextConfig;

    #[test]
    fn keys_hold_the_bytes_and_the_length() {
        let text = "abcdefghijklmnopq";
        for n in 0..=text.len() {
            let key = Inline::new(&text[..n]);
            let mut expect = [0u8; 16];
            expect[..n.min(16)].copy_from_slice(&text.as_bytes()[..n.min(16)]);
            expect[INLINE] = n as u8;
            let fits = (1..=INLINE).contains(&n);
            assert_eq!(key, fits.then(|| Inline(u128::from_le_bytes(expect))), "length {n}");
            if let Some(key) = key {
                let mut out = String::from("x");
                key.write_to(&mut out);
                assert_eq!(out, &text[..n]);
            }
        }
    }

    /// Every answer equals the uncached analysis, through collisions, a full table
    /// (which empties it), words too long to cache and a change of featurizer.
    #[test]
    fn cached_answers_equal_fresh_analysis() {
        let pipeline = TextPipeline::new(TextConfig::default());
        let words: Vec<String> = (0..WordCache::CAPACITY + 5000)
            .map(|i| {
                let stem: String = (0..4).map(|d| char::from(b'a' + (i / 26usize.pow(d) % 26) as u8)).collect();
                format!("{stem}{}", ["ing", "ed", "s", "", "ationally", "nesses"][i % 6])
            })
            .chain(["not".into(), "internationalizations".into()])
            .collect();
        let mut cache = WordCache::default();
        for seed in [1, 2] {
            let stages = WordStages { id: next_id(), pipeline: &pipeline, lexicon: None, seed };
            for round in 0..2 {
                // Every 7th word again soon after, so both hits and misses are checked.
                for (i, w) in words.iter().enumerate() {
                    for w in [w, &words[i / 7 * 7]] {
                        let mut tokens = vec![Token {
                            text: w.clone(),
                            start: 0,
                            end: w.len(),
                            kind: TokenKind::Word,
                            negated: false,
                        }];
                        let mut got = Vec::new();
                        cache.analyze_tokens(&stages, &mut tokens, &mut got);
                        let mut expect = w.clone();
                        let info = stages.analyze(&mut expect);
                        assert_eq!((got[0], &tokens[0].text), (info, &expect), "{w} in round {round}");
                    }
                }
            }
            assert!(cache.len <= WordCache::CAPACITY && cache.len > 0);
        }
    }
}
