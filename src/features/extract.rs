//! Raw feature extraction: tokens → hashed word n-grams, character n-grams,
//! target context and conjunctions → sorted `(index, count)` pairs.
//!
//! Over 400 lines with its unit tests (the code is under 300).

use super::config::TargetMode;
use super::target::Doc;
use super::words::{WordCache, WordStages};
use crate::hash::{combine, fnv1a64, fnv1a64_step, mix64};
use crate::text::{NegationMarker, Normalizer, Token, TokenKind};

pub(super) const NS_WORD: u64 = 0x5752_4400;
pub(super) const NS_CHAR: u64 = 0x4348_4152;
pub(super) const NS_LEFT: u64 = 0x4c45_4654;
pub(super) const NS_RIGHT: u64 = 0x5249_4748;
pub(super) const NS_TARGET: u64 = 0x5441_5247;
pub(super) const NS_HOLDER_LEFT: u64 = 0x484c_4654;
pub(super) const NS_HOLDER_RIGHT: u64 = 0x4852_4754;
/// Hash of the placeholder that replaces a masked holder mention.
pub(super) const HOLDER_TOKEN: u64 = 0x3c48_4f4c_4445_523e;
pub(super) const NEGATED: u64 = 0x4e45_4700_0000_0001;
/// Hash of the placeholder that replaces a masked target mention.
pub(super) const TARGET_TOKEN: u64 = 0x3c54_4152_4745_543e;

/// Reusable buffers for extraction, one per thread.
#[derive(Debug, Default)]
pub struct Scratch {
    tokens: Vec<Token>,
    token_hashes: Vec<u64>,
    hashes: Vec<u64>,
    indices: Vec<u32>,
    sort_buf: Vec<u32>,
    surface: String,
    bounds: Vec<usize>,
    words: WordCache,
    /// Per token of the last document: opens a negation scope, feature hash, lexicon entry.
    word_info: Vec<(bool, u64, Option<u32>)>,
    /// Extra (lexicon) features of the last document.
    extra: Vec<(u32, f32)>,
    /// The conjoined targets seen most recently: hash seed, name, hash.
    target_hashes: Vec<(u64, String, u64)>,
}

impl Scratch {
    /// The tokens of the last document extracted, each with its feature hash (of the
    /// stem, for a word). Spans, kinds and negation are the text pipeline's; a word's
    /// text is not kept (it may be empty, normalised or stemmed).
    pub fn analysis(&self) -> impl Iterator<Item = (&Token, u64)> {
        self.tokens.iter().zip(&self.word_info).map(|(t, w)| (t, w.1))
    }

    /// The extra (lexicon) features of the last document extracted, which are final values.
    pub fn extra(&self) -> &[(u32, f32)] {
        &self.extra
    }
}

/// Runs the text stages on `text` into `s.tokens` through the per-word cache: the
/// tokens of [`crate::text::TextPipeline::analyze_into`] (spans, kinds, negation; a
/// word's text is not kept), with each one's negation role, feature hash and lexicon
/// entry in `s.word_info`.
fn analyze(stages: &WordStages<'_>, text: &str, s: &mut Scratch) {
    stages.pipeline.tokenize_lazy_into(text, &mut s.tokens);
    s.words.analyze_tokens(stages, text, &mut s.tokens, &mut s.word_info);
    if stages.pipeline.config().negation {
        let info = &s.word_info;
        NegationMarker.mark_by(&mut s.tokens, |i, _| info[i].0);
    }
}

/// A byte span `[start, end)`.
pub(super) type Span = (usize, usize);

/// The byte spans of the target and holder mentions that `mode` masks: none unless
/// masking; a holder that overlaps the target is not masked.
pub(super) fn masked_spans(mode: TargetMode, doc: &Doc<'_>) -> (Option<Span>, Option<Span>) {
    if mode != TargetMode::Mask {
        return (None, None);
    }
    let span = doc.target.and_then(|t| t.locate(doc.text));
    let holder = doc.holder.and_then(|h| h.locate(doc.text)).filter(|h| span.is_none_or(|t| h.1 <= t.0 || h.0 >= t.1));
    (span, holder)
}

/// Extracts raw counts for one document into `out` (sorted by index), and its
/// extra (lexicon) features into `s.extra`.
pub(crate) fn raw_counts(
    stages: &WordStages<'_>,
    doc: &Doc<'_>,
    s: &mut Scratch,
    out: &mut Vec<(u32, f32)>,
    on_indices: impl Fn(&mut Vec<u32>),
) {
    let (text, target) = (doc.text, doc.target);
    let (config, mode) = (stages.config, stages.config.target);
    analyze(stages, text, s);
    let pipeline = stages.pipeline;
    let (span, holder_span) = masked_spans(mode, doc);
    let seed = config.hash_seed;
    // Token hashes, with the target and holder mentions collapsed to placeholders.
    s.token_hashes.clear();
    s.hashes.clear();
    let mut target_pos = None;
    let mut holder_pos = None;
    let overlaps = |tok: &Token, sp: Option<(usize, usize)>| sp.is_some_and(|(a, b)| tok.start < b && tok.end > a);
    for (tok, &(_, h, _)) in s.tokens.iter().zip(&s.word_info) {
        if overlaps(tok, span) {
            if target_pos.is_none() {
                target_pos = Some(s.token_hashes.len());
                s.token_hashes.push(TARGET_TOKEN);
            }
            continue;
        }
        if overlaps(tok, holder_span) {
            if holder_pos.is_none() {
                holder_pos = Some(s.token_hashes.len());
                s.token_hashes.push(HOLDER_TOKEN);
            }
            continue;
        }
        s.token_hashes.push(if tok.negated { h ^ NEGATED } else { h });
    }
    for n in 1..=config.word_ngrams {
        for w in s.token_hashes.windows(n) {
            let h = w[1..].iter().fold(combine(NS_WORD + n as u64, w[0]), |h, &t| combine(h, t));
            s.hashes.push(h);
        }
    }
    if let Some((lo, hi)) = config.char_ngrams {
        let normalizer = Normalizer { unicode: pipeline.config().unicode, lowercase: pipeline.config().lowercase };
        for tok in &s.tokens {
            if overlaps(tok, span)
                || overlaps(tok, holder_span)
                || !matches!(tok.kind, TokenKind::Word | TokenKind::Hashtag | TokenKind::Number)
            {
                continue;
            }
            normalizer.normalize_into(&text[tok.start..tok.end], &mut s.surface);
            char_ngrams(seed ^ NS_CHAR, &s.surface, lo, hi, &mut s.bounds, &mut s.hashes);
        }
    }
    for (pos, left, right) in [(target_pos, NS_LEFT, NS_RIGHT), (holder_pos, NS_HOLDER_LEFT, NS_HOLDER_RIGHT)] {
        let Some(pos) = pos else { continue };
        for d in 1..=config.context_window {
            if let Some(&h) = pos.checked_sub(d).and_then(|i| s.token_hashes.get(i)) {
                s.hashes.push(combine(left + d as u64, h));
            }
            if let Some(&h) = s.token_hashes.get(pos + d) {
                s.hashes.push(combine(right + d as u64, h));
            }
        }
    }
    if let (Some(h), Some(t)) = (holder_pos, target_pos) {
        // Which comes first and how far apart, with the words between when close.
        let (a, b) = if h < t { (h, t) } else { (t, h) };
        let order: u64 = if h < t { 1 } else { 2 };
        s.hashes.push(combine(NS_HOLDER_LEFT ^ NS_LEFT, order * 16 + (b - a).min(12) as u64));
        if b - a <= 8 {
            for i in a + 1..b {
                let w = s.token_hashes[i];
                s.hashes.push(combine(NS_HOLDER_RIGHT ^ order, w));
            }
        }
    }
    if let (TargetMode::Conjoin, Some(t)) = (mode, target) {
        // Rows share a few targets: keep their hashes instead of lowercasing per row.
        const KEPT: usize = 16;
        let known = s.target_hashes.iter().find(|(sd, name, _)| *sd == seed && name == t.name);
        let th = match known {
            Some(&(_, _, h)) => h,
            None => {
                let h = combine(NS_TARGET, fnv1a64(seed, t.name.trim().to_lowercase().as_bytes()));
                if s.target_hashes.len() == KEPT {
                    s.target_hashes.remove(0);
                }
                s.target_hashes.push((seed, t.name.to_string(), h));
                h
            }
        };
        let n = s.hashes.len();
        for i in 0..n {
            let h = combine(th, s.hashes[i]);
            s.hashes.push(h);
        }
        s.hashes.push(th);
    }
    let shift = 64 - u32::from(config.hash_bits);
    s.indices.clear();
    s.indices.extend(s.hashes.iter().map(|&h| (mix64(h) >> shift) as u32));
    on_indices(&mut s.indices);
    radix_sort(&mut s.indices, &mut s.sort_buf, config.hash_bits);
    out.clear();
    out.reserve(s.indices.len());
    for &i in &s.indices {
        match out.last_mut() {
            Some((last, c)) if *last == i => *c += 1.0,
            _ => out.push((i, 1.0)),
        }
    }
    s.extra.clear();
    if let Some(m) = stages.lexicon {
        let info = &s.word_info;
        // Word texts are not kept stemmed: a phrase's tokens are recognised by their hashes.
        let is = |i: usize, term: &str| info[i].1 == fnv1a64(seed, term.as_bytes());
        m.features(&s.tokens, |i| info[i].2, is, config.hash_dim() as u32, &mut s.extra);
    }
}

/// Sorts `v` (values below `2^bits`, `bits >= 8`). A document has tens to hundreds
/// of indices, spread evenly by the hash: a counting pass on the top bits leaves
/// them nearly sorted, and an insertion sort finishes with few mispredicted branches;
/// long documents take a least-significant-digit radix sort on bytes.
fn radix_sort(v: &mut Vec<u32>, tmp: &mut Vec<u32>, bits: u8) {
    if v.len() < 16 {
        v.sort_unstable();
        return;
    }
    tmp.clear();
    tmp.resize(v.len(), 0);
    if v.len() < 256 {
        const TOP: u32 = 8;
        let shift = u32::from(bits) - TOP;
        let mut counts = [0u16; (1 << TOP) + 1];
        for &x in v.iter() {
            counts[(x >> shift) as usize + 1] += 1;
        }
        for i in 1..counts.len() {
            counts[i] += counts[i - 1];
        }
        for &x in v.iter() {
            let d = (x >> shift) as usize;
            tmp[usize::from(counts[d])] = x;
            counts[d] += 1;
        }
        for i in 1..tmp.len() {
            let x = tmp[i];
            let mut j = i;
            while j > 0 && tmp[j - 1] > x {
                tmp[j] = tmp[j - 1];
                j -= 1;
            }
            tmp[j] = x;
        }
        std::mem::swap(v, tmp);
        return;
    }
    for shift in (0..u32::from(bits)).step_by(8) {
        let mut counts = [0usize; 257];
        for &x in v.iter() {
            counts[((x >> shift) & 0xff) as usize + 1] += 1;
        }
        for i in 1..257 {
            counts[i] += counts[i - 1];
        }
        for &x in v.iter() {
            let d = ((x >> shift) & 0xff) as usize;
            tmp[counts[d]] = x;
            counts[d] += 1;
        }
        std::mem::swap(v, tmp);
    }
}

/// Character n-grams of ` word ` (padded with spaces), orders `lo..=hi` in chars.
fn char_ngrams(seed: u64, word: &str, lo: usize, hi: usize, bounds: &mut Vec<usize>, out: &mut Vec<u64>) {
    let padded_len = word.len() + 2;
    let byte = |i: usize| -> u8 {
        if i == 0 || i == padded_len - 1 {
            b' '
        } else {
            word.as_bytes()[i - 1]
        }
    };
    bounds.clear();
    bounds.push(0);
    bounds.extend(word.char_indices().map(|(i, _)| i + 1));
    bounds.push(word.len() + 1);
    bounds.push(padded_len);
    // bounds[k] is the byte offset of char k in the padded word; the last entry is the end.
    let chars = bounds.len() - 1;
    for start in 0..chars {
        let mut h = fnv1a64(seed, b"");
        let mut pos = bounds[start];
        for len in 1..=hi.min(chars - start) {
            let end = bounds[start + len];
            while pos < end {
                h = fnv1a64_step(h, byte(pos));
                pos += 1;
            }
            if len >= lo {
                out.push(h);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::words::next_id;
    use crate::features::{FeatureConfig, TargetRef};
    use crate::text::{TextConfig, TextPipeline};

    fn count(config: &FeatureConfig, mode: TargetMode, text: &str, target: Option<TargetRef<'_>>) -> Vec<(u32, f32)> {
        let pipeline = TextPipeline::new(TextConfig::default());
        let config = FeatureConfig { target: mode, ..config.clone() };
        let stages = WordStages { id: next_id(), pipeline: &pipeline, lexicon: None, config: &config };
        let mut out = Vec::new();
        raw_counts(&stages, &Doc { text, target, holder: None }, &mut Scratch::default(), &mut out, |_| {});
        out
    }

    #[test]
    fn cached_analysis_matches_the_text_pipeline() {
        let pipeline = TextPipeline::new(TextConfig::default());
        let lexicon =
            crate::features::Lexicon::parse_tsv("l", "love\tpos\t1\ncast doubt on\tneg\t1\n:)\tpos\t1\n").unwrap();
        let matcher = crate::features::LexiconMatcher::new(&lexicon, &pipeline);
        let config = FeatureConfig { hash_seed: 7, ..FeatureConfig::default() };
        let stages = WordStages { id: next_id(), pipeline: &pipeline, lexicon: Some(&matcher), config: &config };
        let mut s = Scratch::default();
        let text = "They LOVED it :) but didn't love the plan; Ankara cast doubts on it. #Great @bob https://x.y";
        for _ in 0..2 {
            analyze(&stages, text, &mut s);
            let expect = pipeline.analyze(text);
            let shape = |t: &[Token]| t.iter().map(|t| (t.start, t.end, t.kind, t.negated)).collect::<Vec<_>>();
            assert_eq!(shape(&s.tokens), shape(&expect), "cold and warm cache");
            // Word texts are not kept; their hashes and lexicon entries are those of the stems.
            for (tok, &(_, hash, start)) in expect.iter().zip(&s.word_info) {
                assert_eq!(hash, fnv1a64(7, tok.text.as_bytes()), "{}", tok.text);
                assert_eq!(start, matcher.lookup(&tok.text), "{}", tok.text);
            }
            assert!(s.tokens.iter().any(|t| t.negated) && s.word_info.iter().filter(|w| w.2.is_some()).count() >= 3);
        }
    }

    #[test]
    fn radix_sort_matches_sort() {
        let mut state = 12345u64;
        for n in [0, 5, 15, 16, 63, 64, 255, 256, 500] {
            for bits in [8u8, 12, 20, 26] {
                let mut v: Vec<u32> = (0..n)
                    .map(|_| {
                        state = mix64(state + 1);
                        (state >> (64 - u32::from(bits))) as u32
                    })
                    .collect();
                let mut expect = v.clone();
                expect.sort_unstable();
                radix_sort(&mut v, &mut Vec::new(), bits);
                assert_eq!(v, expect);
            }
        }
    }

    #[test]
    fn holder_and_target_are_both_masked() {
        let config =
            FeatureConfig { char_ngrams: None, word_ngrams: 1, target: TargetMode::Mask, ..FeatureConfig::default() };
        let pipeline = TextPipeline::new(TextConfig::default());
        let run = |text: &str, holder: &str, target: &str| {
            let doc = Doc {
                text,
                target: Some(TargetRef { name: target, span: None }),
                holder: Some(TargetRef { name: holder, span: None }),
            };
            let mut out = Vec::new();
            let stages = WordStages { id: next_id(), pipeline: &pipeline, lexicon: None, config: &config };
            raw_counts(&stages, &doc, &mut Scratch::default(), &mut out, |_| {});
            out
        };
        let a = run("Russia praised the truce", "Russia", "the truce");
        assert_eq!(a, run("Egypt praised the deal", "Egypt", "the deal"));
        assert_ne!(a, run("the truce praised Russia", "Russia", "the truce"), "order matters");
    }

    #[test]
    fn char_ngrams_count_characters_not_bytes() {
        let mut bounds = Vec::new();
        let mut out = Vec::new();
        char_ngrams(0, "ab", 2, 3, &mut bounds, &mut out);
        // " ab " has 3 bigrams and 2 trigrams.
        assert_eq!(out.len(), 5);
        out.clear();
        char_ngrams(0, "éa", 1, 1, &mut bounds, &mut out);
        assert_eq!(out.len(), 4);
        assert_eq!(out[1], fnv1a64(0, "é".as_bytes()));
    }

    #[test]
    fn word_ngram_counts_and_sorting() {
        let config = FeatureConfig { char_ngrams: None, ..FeatureConfig::default() };
        let out = count(&config, TargetMode::None, "good good good", None);
        // unigram "good" x3 and bigram "good good" x2.
        let mut counts: Vec<f32> = out.iter().map(|p| p.1).collect();
        counts.sort_by(f32::total_cmp);
        assert_eq!(counts, [2.0, 3.0]);
        assert!(out.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn negation_changes_features() {
        let config = FeatureConfig { char_ngrams: None, word_ngrams: 1, ..FeatureConfig::default() };
        let a = count(&config, TargetMode::None, "I like it", None);
        let b = count(&config, TargetMode::None, "I don't like it", None);
        let shared = a.iter().filter(|x| b.iter().any(|y| y.0 == x.0)).count();
        assert_eq!(shared, 1, "only `i` is shared; `like` and `it` are negated in b");
    }

    #[test]
    fn masking_hides_the_target_and_conjoining_doubles() {
        let config = FeatureConfig { char_ngrams: None, word_ngrams: 1, ..FeatureConfig::default() };
        let erdogan = TargetRef { name: "Erdogan", span: None };
        let putin = TargetRef { name: "Putin", span: None };
        let a = count(&config, TargetMode::Mask, "Erdogan rejected the plan", Some(erdogan));
        let b = count(&config, TargetMode::Mask, "Putin rejected the plan", Some(putin));
        assert_eq!(a, b, "the mention is replaced by a placeholder");
        let plain = count(&config, TargetMode::None, "we reject it", None);
        let conj = count(&config, TargetMode::Conjoin, "we reject it", Some(putin));
        assert_eq!(conj.iter().map(|p| p.1).sum::<f32>(), 2.0 * plain.len() as f32 + 1.0);
    }
}
