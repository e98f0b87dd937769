//! A per-thread memo of everything the featurizer derives from one word: whether
//! it opens a negation scope, and the feature hash and lexicon entry of its stem.
//! One look-up per word token replaces four (stem cache, negator list, hash,
//! lexicon), which is most of the cost of featurising short texts. Plain words
//! are looked up by their source bytes, so their text is only written (and
//! stemmed) when the cache does not hold them.

use std::sync::atomic::{AtomicU64, Ordering};

use super::config::FeatureConfig;
use super::lexicon::LexiconMatcher;
use crate::hash::fnv1a64;
use crate::prefetch::prefetch_l1;
use crate::text::{NegationMarker, TextPipeline, Token, TokenKind};

/// Longest word kept in the cache, in bytes; longer words are analysed each time.
const INLINE: usize = 15;

/// Up to [`INLINE`] bytes and their length packed in 16 bytes (length in the top byte),
/// so a key compares as one integer and follows no pointer. Zero is no word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Inline(u128);

impl Inline {
    fn new(s: &str) -> Option<Self> {
        Self::from_bytes(s.as_bytes())
    }

    #[inline]
    fn from_bytes(b: &[u8]) -> Option<Self> {
        let n = b.len();
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

    /// The key of a plain word (ASCII letters) from its source bytes, lowercased when
    /// `lower`: what [`TextPipeline::plain_word`] would write. `None` when the word is
    /// too long or has a run of four equal letters to shorten (rare: use the text).
    fn plain(src: &[u8], lower: bool) -> Option<Self> {
        const BYTES: u128 = u128::from_le_bytes([1; 16]);
        const LOW7: u128 = 0x7f * BYTES;
        const HIGH: u128 = 0x80 * BYTES;
        const CASE: u128 = 0x20 * BYTES;
        let key = Self::from_bytes(src)?;
        let n = src.len();
        let letters = (1u128 << (8 * n)) - 1;
        let v = if lower { key.0 | (CASE & letters) } else { key.0 };
        // Byte i of `e` is zero when letters i and i+1 are equal; three zero bytes in a
        // row are a run of four. (`(e & 0x7f..) + 0x7f..` carries into no other byte.)
        let e = (v ^ (v >> 8)) & (letters >> 8);
        let nonzero = ((e & LOW7) + LOW7) | e;
        let zero = !nonzero & HIGH & (letters >> 8);
        (zero & (zero >> 8) & (zero >> 16) == 0).then_some(Self(v))
    }

    /// Where the key's probe sequence starts in a table of `2^bits` slots.
    fn slot(self, bits: u32) -> usize {
        let (lo, hi) = (self.0 as u64, (self.0 >> 64) as u64);
        ((lo ^ hi.rotate_left(29)).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - bits)) as usize
    }
}

/// What one normalised word becomes, with the word itself: one slot of the cache.
#[derive(Debug, Clone, Copy, Default)]
#[repr(align(32))]
struct Slot {
    /// The word; zero when the slot is empty.
    word: Inline,
    /// Feature hash of the stemmed form.
    hash: u64,
    /// The lexicon terms starting with the stemmed form, or `u32::MAX`.
    lexicon: u32,
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
    /// The feature settings (their hash seed names words).
    pub config: &'a FeatureConfig,
}

impl WordStages<'_> {
    /// Hash and lexicon entry of a token the cache does not hold (any kind).
    pub fn plain(&self, text: &str) -> (u64, Option<u32>) {
        (fnv1a64(self.config.hash_seed, text.as_bytes()), self.lexicon.and_then(|m| m.lookup(text)))
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

    /// Lists, per token of `text` (as [`TextPipeline::tokenize_lazy_into`] gives them),
    /// whether it opens a negation scope, its feature hash (of the stem, for a word) and
    /// its lexicon entry. A word's text is left as it is, or its normal form, or its stem.
    /// The slots of all the words are requested first, so that their cache misses overlap.
    pub fn analyze_tokens(
        &mut self,
        stages: &WordStages<'_>,
        text: &str,
        tokens: &mut [Token],
        out: &mut Vec<(bool, u64, Option<u32>)>,
    ) {
        self.bind(stages);
        let lower = stages.pipeline.config().lowercase;
        self.keys.clear();
        for tok in tokens.iter_mut() {
            let key = match tok.kind {
                TokenKind::Word if tok.text.is_empty() => {
                    let src = &text[tok.start..tok.end];
                    Inline::plain(src.as_bytes(), lower).or_else(|| {
                        stages.pipeline.plain_word(src, &mut tok.text);
                        Inline::new(&tok.text)
                    })
                }
                TokenKind::Word => Inline::new(&tok.text),
                _ => None,
            };
            if let Some(key) = key {
                prefetch_l1(&self.slots[key.slot(Self::BITS)]);
            }
            self.keys.push(key);
        }
        out.clear();
        for (i, tok) in tokens.iter_mut().enumerate() {
            out.push(match self.keys[i] {
                Some(key) => self.apply(stages, key, &text[tok.start..tok.end], &mut tok.text),
                None if tok.kind == TokenKind::Word => stages.analyze(&mut tok.text),
                None => {
                    let (hash, lexicon) = stages.plain(&tok.text);
                    (false, hash, lexicon)
                }
            });
        }
    }

    /// Whether the word with key `key` opens a negation scope, and its stem's feature hash
    /// and lexicon entry. On a miss the word is analysed from `word`, its normal form, which
    /// is first written from `src` when empty (a plain word), and becomes its stem.
    fn apply(
        &mut self,
        stages: &WordStages<'_>,
        key: Inline,
        src: &str,
        word: &mut String,
    ) -> (bool, u64, Option<u32>) {
        let mask = self.slots.len() - 1;
        let mut at = key.slot(Self::BITS);
        loop {
            let slot = &self.slots[at];
            if slot.word == key {
                return (slot.negator, slot.hash, (slot.lexicon != u32::MAX).then_some(slot.lexicon));
            }
            if slot.word == Inline::default() {
                break;
            }
            at = (at + 1) & mask;
        }
        if word.is_empty() {
            stages.pipeline.plain_word(src, word);
        }
        let (negator, hash, lexicon) = stages.analyze(word);
        if self.len >= Self::CAPACITY {
            self.clear();
            at = key.slot(Self::BITS);
        }
        self.slots[at] = Slot { word: key, hash, lexicon: lexicon.unwrap_or(u32::MAX), negator };
        self.len += 1;
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
        }
    }

    /// A plain word's key from its source bytes is the key of its normal form, unless
    /// the word is too long or has a run to shorten.
    #[test]
    fn plain_keys_are_the_keys_of_normal_forms() {
        let mut state = 5u64;
        let mut checked = [0; 2];
        for lowercase in [true, false] {
            let pipeline = TextPipeline::new(TextConfig { lowercase, ..TextConfig::default() });
            let mut normal = String::new();
            for _ in 0..20_000 {
                let len = 1 + (state % 17) as usize;
                let word: String = (0..len)
                    .map(|_| {
                        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                        char::from(b"aAbBcz"[(state >> 33) as usize % 6])
                    })
                    .collect();
                pipeline.plain_word(&word, &mut normal);
                let form = if lowercase { word.to_lowercase() } else { word.clone() };
                let run = form.as_bytes().windows(4).any(|w| w.iter().all(|&b| b == w[0]));
                let expect = if run || word.len() > INLINE { None } else { Inline::new(&normal) };
                assert_eq!(Inline::plain(word.as_bytes(), lowercase), expect, "{word:?} -> {normal:?}");
                checked[usize::from(expect.is_some())] += 1;
            }
        }
        assert!(checked.iter().all(|&c| c > 1000), "{checked:?}");
    }

    /// Every answer equals the uncached analysis, through collisions, a full table
    /// (which empties it), words too long to cache, plain words read from their
    /// source and a change of featurizer.
    #[test]
    fn cached_answers_equal_fresh_analysis() {
        let pipeline = TextPipeline::new(TextConfig::default());
        let words: Vec<String> = (0..WordCache::CAPACITY + 5000)
            .map(|i| {
                let stem: String = (0..4).map(|d| char::from(b'a' + (i / 26usize.pow(d) % 26) as u8)).collect();
                format!("{stem}{}", ["ing", "ed", "s", "", "ationally", "nesses", "ooooh"][i % 7])
            })
            .chain(["not".into(), "Internationalizations".into(), "NOT".into()])
            .collect();
        let mut cache = WordCache::default();
        for hash_seed in [1, 2] {
            let config = FeatureConfig { hash_seed, ..FeatureConfig::default() };
            let stages = WordStages { id: next_id(), pipeline: &pipeline, lexicon: None, config: &config };
            for round in 0..2 {
                // Every 7th word again soon after, so both hits and misses are checked.
                for (i, w) in words.iter().enumerate() {
                    for w in [w, &words[i / 7 * 7]] {
                        // The same word given as a normal form and as a plain word's span.
                        let mut normal = String::new();
                        pipeline.plain_word(w, &mut normal);
                        let token = |text: &str| Token {
                            text: text.to_string(),
                            start: 0,
                            end: w.len(),
                            kind: TokenKind::Word,
                            negated: false,
                        };
                        let mut tokens = vec![token(&normal), token("")];
                        let mut got = Vec::new();
                        cache.analyze_tokens(&stages, w, &mut tokens, &mut got);
                        let info = stages.analyze(&mut normal);
                        assert_eq!(got, [info, info], "{w} in round {round}");
                    }
                }
            }
            assert!(cache.len <= WordCache::CAPACITY && cache.len > 0);
        }
    }
}
