//! Lexicon features: per lexicon class, the summed strength of matching tokens
//! outside and inside negation scope, whether any matched, and whether the last
//! match (outside negation) has the class. They occupy dimensions reserved after
//! the hashed space, so they never collide with n-grams.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::text::{TextPipeline, Token};

/// Features per lexicon class.
pub const FEATURES_PER_CLASS: usize = 4;

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
    /// Parses TSV with a header `term<TAB>class<TAB>strength` (the class column may
    /// have any name; `#` lines are comments). `name` labels errors.
    pub fn parse_tsv(name: &str, text: &str) -> Result<Self, String> {
        let mut classes: Vec<String> = Vec::new();
        let mut entries = Vec::new();
        let mut header = true;
        for (i, line) in text.lines().enumerate() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            if header {
                header = false;
                if line.split('\t').next() == Some("term") {
                    continue;
                }
            }
            let fields: Vec<&str> = line.split('\t').collect();
            let at = |field: &str, msg: String| format!("{name}:{}: field `{field}`: {msg}", i + 1);
            if fields.len() < 3 {
                return Err(format!("{name}:{}: expected 3 tab-separated fields, found {}", i + 1, fields.len()));
            }
            let term = fields[0].trim();
            if term.is_empty() {
                return Err(at("term", "empty".into()));
            }
            let class = fields[1].trim();
            let strength: f32 =
                fields[2].trim().parse().map_err(|_| at("strength", format!("not a number: {:?}", fields[2])))?;
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
        lexicon.check().map_err(|e| format!("{name}: {e}"))?;
        Ok(lexicon)
    }

    /// Checks internal consistency.
    pub fn check(&self) -> Result<(), String> {
        if self.classes.is_empty() || self.classes.len() > 32 {
            return Err(format!("a lexicon needs 1 to 32 classes, found {}", self.classes.len()));
        }
        for e in &self.entries {
            if usize::from(e.class) >= self.classes.len() || !(e.strength > 0.0 && e.strength <= 1.0) {
                return Err(format!("invalid lexicon entry {:?}", e.term));
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
    map: HashMap<String, (u16, f32)>,
    n_classes: usize,
}

impl LexiconMatcher {
    /// Analyses every single-token term with `pipeline`; later entries win.
    pub fn new(lexicon: &Lexicon, pipeline: &TextPipeline) -> Self {
        let mut map = HashMap::with_capacity(lexicon.entries.len());
        for e in &lexicon.entries {
            if let [tok] = pipeline.analyze(&e.term).as_slice() {
                map.insert(tok.text.clone(), (e.class, e.strength));
            }
        }
        Self { map, n_classes: lexicon.classes.len() }
    }

    /// Appends the lexicon features of `tokens` at indices `base..`.
    pub fn features(&self, tokens: &[Token], base: u32, out: &mut Vec<(u32, f32)>) {
        if self.n_classes == 0 {
            return;
        }
        let mut plain = [0f32; 32];
        let mut negated = [0f32; 32];
        let mut last = None;
        for tok in tokens {
            if let Some(&(class, strength)) = self.map.get(&tok.text) {
                let c = usize::from(class);
                if tok.negated {
                    negated[c] += strength;
                } else {
                    plain[c] += strength;
                    last = Some(c);
                }
            }
        }
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
        m.features(&pipeline.analyze("I love it :) but not the awful end"), 100, &mut out);
        let positive_sum = (1.0f32 + 0.5 + 1.0).ln();
        assert_eq!(out[0], (100, positive_sum));
        // "awful" is inside the negation scope of "not".
        assert!(out.contains(&(105, 1.5f32.ln())));
        assert!(out.contains(&(103, 1.0)), "last plain match is positive");
    }

    #[test]
    fn bad_rows_name_the_line_and_field() {
        let err = Lexicon::parse_tsv("lex.tsv", "term\tp\ts\ngood\tpos\tx\n").unwrap_err();
        assert_eq!(err, "lex.tsv:2: field `strength`: not a number: \"x\"");
        let err = Lexicon::parse_tsv("lex.tsv", "good\tpos\n").unwrap_err();
        assert!(err.contains("lex.tsv:1: expected 3"), "{err}");
    }
}
