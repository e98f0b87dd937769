//! Lexicon features: per lexicon class, the summed strength of matching tokens
//! outside and inside negation scope, whether any matched, and whether the last
//! match (outside negation) has the class. They occupy dimensions reserved after
//! the hashed space, so they never collide with n-grams.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::text::{TextPipeline, Token, WordHasher};

type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<WordHasher>>;

/// Features per lexicon class.
pub const FEATURES_PER_CLASS: usize = 4;

/// Why a lexicon cannot be read or used.
#[derive(Debug, Error)]
pub enum LexiconError {
    /// The lexicon file cannot be read.
    #[error("reading {path}")]
    Io {
        /// The file.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A malformed row of a lexicon file.
    #[error("{name}:{line}: {reason}")]
    Row {
        /// The lexicon's name (its file).
        name: String,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// Not 1 to 32 classes.
    #[error("a lexicon needs 1 to 32 classes, found {0}")]
    Classes(usize),
    /// An entry with an unknown class or a strength outside (0, 1].
    #[error("invalid lexicon entry {0:?}")]
    Entry(String),
    /// An inconsistent lexicon read from `name`.
    #[error("{name}: {reason}")]
    Invalid {
        /// The lexicon's name (its file).
        name: String,
        /// What is wrong (in the message, not chained, so it is printed once).
        reason: Box<LexiconError>,
    },
}

/// One lexicon term.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LexiconEntry {
    /// The term as written (one token after the text pipeline).
    pub term: String,
    /// Index into [`Lexicon::classes`].
    pub class: u16,
    /// Strength in (0, 1].
    pub strength: f32,
}

/// A term → class lexicon (for example positive/negative, or supportive/skeptical cues).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lexicon {
    /// Class names.
    pub classes: Vec<String>,
    /// Entries.
    pub entries: Vec<LexiconEntry>,
}

impl Lexicon {
    /// Parses TSV. A header row names the columns: the term (`term` or `cue`),
    /// the class (`polarity`, `class` or `stance`) and the strength (`strength` or
    /// `weight`); without one they are the first three columns. `#` lines are
    /// comments. `name` labels errors.
    pub fn parse_tsv(name: &str, text: &str) -> Result<Self, LexiconError> {
        let mut classes: Vec<String> = Vec::new();
        let mut entries = Vec::new();
        let mut cols = [0usize, 1, 2];
        let mut first = true;
        let row = |i: usize, reason: String| LexiconError::Row { name: name.to_string(), line: i + 1, reason };
        for (i, line) in text.lines().enumerate() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = line.split('\t').map(str::trim).collect();
            if std::mem::take(&mut first) {
                let find = |names: &[&str]| fields.iter().position(|f| names.contains(&f.to_lowercase().as_str()));
                if let Some(term) = find(&["term", "cue"]) {
                    let class = find(&["polarity", "class", "stance"]);
                    let strength = find(&["strength", "weight"]);
                    match (class, strength) {
                        (Some(c), Some(s)) => cols = [term, c, s],
                        _ => return Err(row(i, "header needs class and strength columns".into())),
                    }
                    continue;
                }
            }
            let at = |field: &str, msg: String| row(i, format!("field `{field}`: {msg}"));
            if fields.len() <= cols.into_iter().max().unwrap_or(2) {
                return Err(row(i, format!("expected at least 3 tab-separated fields, found {}", fields.len())));
            }
            let term = fields[cols[0]];
            if term.is_empty() {
                return Err(at("term", "empty".into()));
            }
            let class = fields[cols[1]];
            let strength: f32 =
                fields[cols[2]].parse().map_err(|_| at("strength", format!("not a number: {:?}", fields[cols[2]])))?;
            if !(strength > 0.0 && strength <= 1.0) {
                return Err(at("strength", format!("must be in (0, 1], got {strength}")));
            }
            let idx = match classes.iter().position(|c| c == class) {
                Some(i) => i,
                None => {
                    classes.push(class.to_string());
                    classes.len() - 1
                }
            };
            entries.push(LexiconEntry { term: term.to_string(), class: idx as u16, strength });
        }
        let lexicon = Self { classes, entries };
        lexicon.check().map_err(|e| LexiconError::Invalid { name: name.to_string(), reason: Box::new(e) })?;
        Ok(lexicon)
    }

    /// Reads a TSV lexicon file (see [`Lexicon::parse_tsv`]).
    pub fn read_tsv(path: &std::path::Path) -> Result<Self, LexiconError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| LexiconError::Io { path: name.clone(), source })?;
        Self::parse_tsv(&name, &text)
    }

    /// Checks internal consistency.
    pub fn check(&self) -> Result<(), LexiconError> {
        if self.classes.is_empty() || self.classes.len() > 32 {
            return Err(LexiconError::Classes(self.classes.len()));
        }
        for e in &self.entries {
            if usize::from(e.class) >= self.classes.len() || !(e.strength > 0.0 && e.strength <= 1.0) {
                return Err(LexiconError::Entry(e.term.clone()));
            }
        }
        Ok(())
    }

    /// Number of feature dimensions this lexicon adds.
    pub fn n_features(&self) -> usize {
        FEATURES_PER_CLASS * self.classes.len()
    }
}

/// A lexicon keyed by each term's form after the text pipeline (so "loved"
/// matches the stemmed token "love").
#[derive(Debug, Clone, Default)]
pub struct LexiconMatcher {
    /// Every term's first token → its entry in `starts`: one look-up per token finds both kinds of match.
    map: FastMap<String, u32>,
    /// The first bytes of the terms' first tokens, one bit each: most tokens start with
    /// none of them and need no hashing.
    first_bytes: [u64; 4],
    starts: Vec<Starts>,
    n_classes: usize,
}

/// The lexicon terms that start with one token.
#[derive(Debug, Clone, Default)]
struct Starts {
    /// The one-token term, if any: class and strength.
    word: Option<(u16, f32)>,
    /// Multi-token terms (all tokens, class, strength), longest first.
    phrases: Vec<(Vec<String>, u16, f32)>,
}

/// One lexicon match: token span `[start, end)`, class and strength.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LexiconHit {
    /// First token.
    pub start: usize,
    /// One past the last token.
    pub end: usize,
    /// Lexicon class index.
    pub class: u16,
    /// Strength.
    pub strength: f32,
}

impl LexiconMatcher {
    /// Analyses every term with `pipeline` (negation marking off, so phrases
    /// such as "not credible" keep their words); later entries win.
    pub fn new(lexicon: &Lexicon, pipeline: &TextPipeline) -> Self {
        let plain = TextPipeline::new(crate::text::TextConfig { negation: false, ..pipeline.config().clone() });
        let mut map: FastMap<String, u32> = FastMap::default();
        let mut starts: Vec<Starts> = Vec::new();
        for e in &lexicon.entries {
            let toks: Vec<String> = plain.analyze(&e.term).into_iter().map(|t| t.text).collect();
            let Some(first) = toks.first() else { continue };
            let at = *map.entry(first.clone()).or_insert_with(|| {
                starts.push(Starts::default());
                starts.len() as u32 - 1
            }) as usize;
            match toks.len() {
                1 => starts[at].word = Some((e.class, e.strength)),
                _ => starts[at].phrases.push((toks, e.class, e.strength)),
            }
        }
        for s in &mut starts {
            s.phrases.sort_by_key(|p| std::cmp::Reverse(p.0.len()));
        }
        let mut first_bytes = [0u64; 4];
        for b in map.keys().filter_map(|k| k.bytes().next()) {
            first_bytes[usize::from(b / 64)] |= 1 << (b % 64);
        }
        Self { map, first_bytes, starts, n_classes: lexicon.classes.len() }
    }

    /// Every match in `tokens`, longest phrase first at each position, without overlaps.
    pub fn hits(&self, tokens: &[Token]) -> Vec<LexiconHit> {
        let mut out = Vec::new();
        self.for_each_hit(tokens, |h| out.push(h));
        out
    }

    /// The terms that start with `word`, as an index for [`LexiconMatcher::for_each_hit_by`]
    /// (stable for this matcher, so callers may cache it per word).
    pub fn lookup(&self, word: &str) -> Option<u32> {
        let b = *word.as_bytes().first()?;
        if self.first_bytes[usize::from(b / 64)] >> (b % 64) & 1 == 0 {
            return None;
        }
        self.map.get(word).copied()
    }

    /// Calls `f` with every match, as [`LexiconMatcher::hits`] lists them, without allocating.
    pub fn for_each_hit(&self, tokens: &[Token], f: impl FnMut(LexiconHit)) {
        self.for_each_hit_by(tokens.len(), |i| self.lookup(&tokens[i].text), |i, w| tokens[i].text == w, f);
    }

    /// [`LexiconMatcher::for_each_hit`] over `n` tokens, with token `i`'s
    /// [`LexiconMatcher::lookup`] given by `start_of(i)`, and `is(i, term)` saying whether
    /// token `i`'s analysed text is the term's token `term` (for phrases).
    pub fn for_each_hit_by(
        &self,
        n: usize,
        start_of: impl Fn(usize) -> Option<u32>,
        is: impl Fn(usize, &str) -> bool,
        mut f: impl FnMut(LexiconHit),
    ) {
        let mut i = 0;
        while i < n {
            let Some(starts) = start_of(i).and_then(|at| self.starts.get(at as usize)) else {
                i += 1;
                continue;
            };
            let phrase = starts
                .phrases
                .iter()
                .find(|(p, _, _)| p.len() <= n - i && p.iter().enumerate().all(|(k, w)| is(i + k, w)));
            if let Some((p, class, strength)) = phrase {
                f(LexiconHit { start: i, end: i + p.len(), class: *class, strength: *strength });
                i += p.len();
            } else {
                if let Some((class, strength)) = starts.word {
                    f(LexiconHit { start: i, end: i + 1, class, strength });
                }
                i += 1;
            }
        }
    }

    /// Appends the lexicon features of `tokens` at indices `base..`; `start_of` and `is`
    /// are as for [`LexiconMatcher::for_each_hit_by`].
    pub fn features(
        &self,
        tokens: &[Token],
        start_of: impl Fn(usize) -> Option<u32>,
        is: impl Fn(usize, &str) -> bool,
        base: u32,
        out: &mut Vec<(u32, f32)>,
    ) {
        if self.n_classes == 0 {
            return;
        }
        let mut plain = [0f32; 32];
        let mut negated = [0f32; 32];
        let mut last = None;
        self.for_each_hit_by(tokens.len(), start_of, is, |hit| {
            let c = usize::from(hit.class);
            if tokens[hit.start].negated {
                negated[c] += hit.strength;
            } else {
                plain[c] += hit.strength;
                last = Some(c);
            }
        });
        for c in 0..self.n_classes {
            let at = base + (c * FEATURES_PER_CLASS) as u32;
            let values = [
                (plain[c] + 1.0).ln(),
                (negated[c] + 1.0).ln(),
                if plain[c] + negated[c] > 0.0 { 1.0 } else { 0.0 },
                if last == Some(c) { 1.0 } else { 0.0 },
            ];
            for (j, v) in values.into_iter().enumerate() {
                if v != 0.0 {
                    out.push((at + j as u32, v));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::TextConfig;

    #[test]
    fn parses_and_matches_stemmed_negated_terms() {
        let lex = Lexicon::parse_tsv(
            "lex",
            "term\tpolarity\tstrength\nloved\tpositive\t1\nawful\tnegative\t0.5\n:)\tpositive\t0.5\n",
        )
        .unwrap();
        assert_eq!(lex.classes, ["positive", "negative"]);
        let pipeline = TextPipeline::new(TextConfig::default());
        let m = LexiconMatcher::new(&lex, &pipeline);
        let mut out = Vec::new();
        let toks = pipeline.analyze("I love it :) but not the awful end");
        m.features(&toks, |i| m.lookup(&toks[i].text), |i, w| toks[i].text == w, 100, &mut out);
        let positive_sum = (1.0f32 + 0.5 + 1.0).ln();
        assert_eq!(out[0], (100, positive_sum));
        // "awful" is inside the negation scope of "not".
        assert!(out.contains(&(105, 1.5f32.ln())));
        assert!(out.contains(&(103, 1.0)), "last plain match is positive");
    }

    #[test]
    fn header_names_columns_and_phrases_match() {
        let text =
            "cue\tpolarity\tkind\tweight\ncast doubt on\tskeptical\tphrase\t0.8\npraised\tsupportive\tverb\t0.9\n";
        let lex = Lexicon::parse_tsv("cues", text).unwrap();
        assert_eq!(lex.classes, ["skeptical", "supportive"]);
        let pipeline = TextPipeline::new(TextConfig::default());
        let m = LexiconMatcher::new(&lex, &pipeline);
        let hits = m.hits(&pipeline.analyze("Ankara cast doubts on the deal that Moscow praised"));
        assert_eq!(hits.len(), 2, "{hits:?}");
        assert_eq!((hits[0].start, hits[0].end, hits[0].class), (1, 4, 0));
        assert_eq!(hits[1].class, 1);
    }

    #[test]
    fn bad_rows_name_the_line_and_field() {
        let err = Lexicon::parse_tsv("lex.tsv", "term\tpolarity\tstrength\ngood\tpos\tx\n").unwrap_err().to_string();
        assert_eq!(err, "lex.tsv:2: field `strength`: not a number: \"x\"");
        let err = Lexicon::parse_tsv("lex.tsv", "good\tpos\n").unwrap_err().to_string();
        assert!(err.contains("lex.tsv:1: expected at least 3"), "{err}");
    }
}
