//! Readable names of hashed features, for reports: the word n-grams, character
//! n-grams, target context and conjunctions behind feature indices, found by
//! running the documents through the same hashing as `extract::raw_counts`
//! (kept in step with it by a test that every index it gives is named here).
//! Slower than extraction (it keeps strings); meant for one pass over the
//! training data, naming only the indices asked for.

use std::collections::HashMap;

use super::config::{FeatureConfig, TargetMode};
use super::extract::{
    masked_spans, HOLDER_TOKEN, NEGATED, NS_CHAR, NS_HOLDER_LEFT, NS_HOLDER_RIGHT, NS_LEFT, NS_RIGHT, NS_TARGET,
    NS_WORD, TARGET_TOKEN,
};
use super::lexicon::FEATURES_PER_CLASS;
use super::target::Doc;
use crate::hash::{combine, fnv1a64, mix64};
use crate::text::{Normalizer, TextPipeline, TokenKind};

/// Distinct strings counted per index: past this, further colliding strings are only counted.
const KEPT_NAMES: usize = 4;

/// The name of one feature index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeatureName {
    /// The most frequent string seen for the index (first seen among equals).
    pub name: String,
    /// How many other distinct strings hash to the same index (collisions seen).
    pub others: usize,
}

/// Counts of the strings seen per wanted index.
#[derive(Debug, Default)]
pub(crate) struct NameCounts {
    /// Per index: distinct strings with their counts, in first-seen order, and how many more were dropped.
    seen: HashMap<u32, (Vec<(String, u64)>, usize)>,
}

impl NameCounts {
    fn add(&mut self, index: u32, name: impl FnOnce() -> String) {
        let (names, dropped) = self.seen.entry(index).or_default();
        let name = name();
        if let Some(e) = names.iter_mut().find(|(n, _)| *n == name) {
            e.1 += 1;
        } else if names.len() < KEPT_NAMES {
            names.push((name, 1));
        } else {
            *dropped += 1;
        }
    }

    /// The name of each index seen.
    pub(crate) fn finish(self) -> HashMap<u32, FeatureName> {
        self.seen
            .into_iter()
            .map(|(i, (names, dropped))| {
                let best = names.iter().enumerate().max_by(|a, b| a.1 .1.cmp(&b.1 .1).then(b.0.cmp(&a.0)));
                let name = best.map(|(_, (n, _))| n.clone()).unwrap_or_default();
                (i, FeatureName { name, others: names.len().saturating_sub(1) + dropped.min(1) })
            })
            .collect()
    }
}

/// The name of a lexicon feature (an index past the hashed space).
pub(crate) fn lexicon_feature_name(config: &FeatureConfig, index: u32) -> Option<String> {
    let lexicon = config.lexicon.as_ref()?;
    let at = (index as usize).checked_sub(config.hash_dim())?;
    let class = lexicon.classes.get(at / FEATURES_PER_CLASS)?;
    let what = ["strength", "negated strength", "any match", "last match"][at % FEATURES_PER_CLASS];
    Some(format!("lexicon {class}: {what}"))
}

/// Adds the names of `doc`'s hashed features whose index `wanted` accepts to `out`.
pub(crate) fn name_features(
    pipeline: &TextPipeline,
    config: &FeatureConfig,
    doc: &Doc<'_>,
    wanted: &dyn Fn(u32) -> bool,
    out: &mut NameCounts,
) {
    let (text, target) = (doc.text, doc.target);
    let seed = config.hash_seed;
    let shift = 64 - u32::from(config.hash_bits);
    let index = |h: u64| (mix64(h) >> shift) as u32;
    let tokens = pipeline.analyze(text);
    let (span, holder_span) = masked_spans(config.target, doc);
    let overlaps = |start: usize, end: usize, sp: Option<(usize, usize)>| sp.is_some_and(|(a, b)| start < b && end > a);
    // Token hashes and names, the mentions collapsed to placeholders.
    let mut toks: Vec<(u64, String)> = Vec::new();
    let (mut target_pos, mut holder_pos) = (None, None);
    for tok in &tokens {
        if overlaps(tok.start, tok.end, span) {
            if target_pos.is_none() {
                target_pos = Some(toks.len());
                toks.push((TARGET_TOKEN, "<target>".into()));
            }
            continue;
        }
        if overlaps(tok.start, tok.end, holder_span) {
            if holder_pos.is_none() {
                holder_pos = Some(toks.len());
                toks.push((HOLDER_TOKEN, "<holder>".into()));
            }
            continue;
        }
        let h = fnv1a64(seed, tok.text.as_bytes());
        if tok.negated {
            toks.push((h ^ NEGATED, format!("not:{}", tok.text)));
        } else {
            toks.push((h, tok.text.clone()));
        }
    }
    // Every hash with a way to name it, in raw_counts' order (conjunctions need them all).
    let mut hashes: Vec<(u64, Box<dyn Fn() -> String + '_>)> = Vec::new();
    for n in 1..=config.word_ngrams {
        for w in toks.windows(n) {
            let h = w[1..].iter().fold(combine(NS_WORD + n as u64, w[0].0), |h, t| combine(h, t.0));
            hashes.push((h, Box::new(move || w.iter().map(|t| t.1.as_str()).collect::<Vec<_>>().join(" "))));
        }
    }
    if let Some((lo, hi)) = config.char_ngrams {
        let normalizer = Normalizer { unicode: pipeline.config().unicode, lowercase: pipeline.config().lowercase };
        let mut surface = String::new();
        for tok in &tokens {
            if overlaps(tok.start, tok.end, span)
                || overlaps(tok.start, tok.end, holder_span)
                || !matches!(tok.kind, TokenKind::Word | TokenKind::Hashtag | TokenKind::Number)
            {
                continue;
            }
            normalizer.normalize_into(&text[tok.start..tok.end], &mut surface);
            let padded: Vec<char> = std::iter::once(' ').chain(surface.chars()).chain(std::iter::once(' ')).collect();
            for start in 0..padded.len() {
                for len in lo.max(1)..=hi.min(padded.len() - start) {
                    let gram: String = padded[start..start + len].iter().collect();
                    let h = fnv1a64(seed ^ NS_CHAR, gram.as_bytes());
                    hashes.push((h, Box::new(move || format!("chars '{}'", gram.replace(' ', "_")))));
                }
            }
        }
    }
    for (pos, left, right, what) in
        [(target_pos, NS_LEFT, NS_RIGHT, "target"), (holder_pos, NS_HOLDER_LEFT, NS_HOLDER_RIGHT, "holder")]
    {
        let Some(pos) = pos else { continue };
        for d in 1..=config.context_window {
            if let Some(t) = pos.checked_sub(d).and_then(|i| toks.get(i)) {
                hashes.push((combine(left + d as u64, t.0), Box::new(move || format!("{what}-{d}: {}", t.1))));
            }
            if let Some(t) = toks.get(pos + d) {
                hashes.push((combine(right + d as u64, t.0), Box::new(move || format!("{what}+{d}: {}", t.1))));
            }
        }
    }
    if let (Some(h), Some(t)) = (holder_pos, target_pos) {
        let (a, b) = if h < t { (h, t) } else { (t, h) };
        let order: u64 = if h < t { 1 } else { 2 };
        let first = if h < t { "holder" } else { "target" };
        let gap = (b - a).min(12);
        hashes.push((
            combine(NS_HOLDER_LEFT ^ NS_LEFT, order * 16 + gap as u64),
            Box::new(move || format!("{first} first, {gap} apart")),
        ));
        if b - a <= 8 {
            for t in &toks[a + 1..b] {
                hashes.push((combine(NS_HOLDER_RIGHT ^ order, t.0), Box::new(move || format!("between: {}", t.1))));
            }
        }
    }
    if let (TargetMode::Conjoin, Some(t)) = (config.target, target) {
        let name = t.name.trim().to_lowercase();
        let th = combine(NS_TARGET, fnv1a64(seed, name.as_bytes()));
        for (inner, inner_name) in &hashes {
            let h = combine(th, *inner);
            if wanted(index(h)) {
                let inner = inner_name();
                out.add(index(h), || format!("[{name}] {inner}"));
            }
        }
        hashes.push((th, Box::new(move || format!("target = {name}"))));
    }
    for (h, name) in &hashes {
        let i = index(*h);
        if wanted(i) {
            out.add(i, name);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::extract::{raw_counts, Scratch};
    use crate::features::words::{next_id, WordStages};
    use crate::features::TargetRef;
    use crate::text::TextConfig;

    const TEXTS: [&str; 4] = [
        "Turkey questioned the viability of the ceasefire, not welcoming it at all!",
        "Russia praised the ceasefire agreement: an important step #peace @un https://x.y :)",
        "I don't like Hillary's plan... 2016 was LOOOONG; naïve café owners disagree",
        "The ceasefire praised Russia, said Egypt.",
    ];

    fn configs() -> Vec<FeatureConfig> {
        let base = FeatureConfig { hash_bits: 16, ..FeatureConfig::default() };
        vec![
            FeatureConfig { char_ngrams: Some((2, 4)), ..base.clone() },
            FeatureConfig { target: TargetMode::Mask, context_window: 2, ..base.clone() },
            FeatureConfig { target: TargetMode::Conjoin, word_ngrams: 2, ..base.clone() },
            FeatureConfig { target: TargetMode::None, word_ngrams: 3, hash_seed: 9, ..base },
        ]
    }

    #[test]
    fn every_extracted_index_has_a_name() {
        for config in configs() {
            let pipeline = TextPipeline::new(TextConfig::default());
            let stages = WordStages { id: next_id(), pipeline: &pipeline, lexicon: None, config: &config };
            for text in TEXTS {
                let target = Some(TargetRef { name: "the ceasefire", span: None });
                let holder = Some(TargetRef { name: "Russia", span: None });
                let doc = Doc { text, target, holder };
                let mut counts = Vec::new();
                raw_counts(&stages, &doc, &mut Scratch::default(), &mut counts, |_| {});
                let mut names = NameCounts::default();
                name_features(&pipeline, &config, &doc, &|_| true, &mut names);
                let names = names.finish();
                for (i, _) in &counts {
                    assert!(names.contains_key(i), "{config:?}: index {i} of {text:?} has no name");
                }
                assert_eq!(names.len(), counts.len(), "{config:?} {text:?}: no names for indices not extracted");
            }
        }
    }

    #[test]
    fn names_read_as_the_text_after_the_pipeline() {
        let config = FeatureConfig { word_ngrams: 2, char_ngrams: Some((3, 3)), ..FeatureConfig::default() };
        let pipeline = TextPipeline::new(TextConfig::default());
        let doc = Doc { text: "They did not like cats", target: None, holder: None };
        let mut names = NameCounts::default();
        name_features(&pipeline, &config, &doc, &|_| true, &mut names);
        let all: Vec<String> = names.finish().into_values().map(|n| n.name).collect();
        for expect in ["they", "not:like", "not:like not:cat", "chars '_ca'", "chars 'ts_'"] {
            assert!(all.iter().any(|n| n == expect), "{expect} in {all:?}");
        }
    }

    #[test]
    fn the_most_frequent_of_colliding_strings_names_an_index() {
        let mut n = NameCounts::default();
        for s in ["b", "a", "a", "c", "d", "e", "f"] {
            n.add(1, || s.to_string());
        }
        let f = n.finish().remove(&1).unwrap();
        assert_eq!(f.name, "a");
        // b, c, d kept beside a; e and f dropped (counted as one more).
        assert_eq!(f.others, 4);
        let lex = crate::features::Lexicon::parse_tsv("l", "good\tpos\t1\nbad\tneg\t1\n").unwrap();
        let config = FeatureConfig { hash_bits: 8, lexicon: Some(lex), ..FeatureConfig::default() };
        assert_eq!(lexicon_feature_name(&config, 256 + 5).as_deref(), Some("lexicon neg: negated strength"));
        assert_eq!(lexicon_feature_name(&config, 3), None);
    }
}
