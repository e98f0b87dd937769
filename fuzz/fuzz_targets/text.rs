//! Text stage: normalisation, the text pipeline and the sentence splitter on
//! arbitrary UTF-8. Checks offsets (inside the text, on char boundaries,
//! non-empty, increasing, non-overlapping) and that normalisation is idempotent.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stance::text::{normalize, split_sentences, StemCache, StemLanguage, TextConfig, TextPipeline, Token};

fn check_tokens(text: &str, tokens: &[Token], what: &str) {
    let mut prev_end = 0;
    for (n, t) in tokens.iter().enumerate() {
        assert!(t.start < t.end, "{what}: token {n} {t:?} is empty or reversed in {text:?}");
        assert!(t.end <= text.len(), "{what}: token {n} {t:?} ends past the text ({}) in {text:?}", text.len());
        assert!(
            text.is_char_boundary(t.start) && text.is_char_boundary(t.end),
            "{what}: token {n} {t:?} is not on char boundaries in {text:?}"
        );
        assert!(t.start >= prev_end, "{what}: token {n} {t:?} overlaps the previous one (ends {prev_end}) in {text:?}");
        prev_end = t.end;
    }
}

/// A configuration from the input's first byte (stage switches) and last byte
/// (stemming language, or none).
fn config_from(first: u8, last: u8) -> TextConfig {
    let n = StemLanguage::ALL.len();
    TextConfig {
        unicode: first & 1 != 0,
        lowercase: first & 2 != 0,
        social: first & 4 != 0,
        negation: first & 8 != 0,
        stem: (usize::from(last) % (n + 1)).checked_sub(1).map(|i| StemLanguage::ALL[i]),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };

    // Normalisation is idempotent.
    let once = normalize(text);
    let twice = normalize(&once);
    assert_eq!(twice, once, "normalize is not idempotent on {text:?}");

    // The default pipeline.
    let pipeline = TextPipeline::new(TextConfig::default());
    let tokens = pipeline.analyze(text);
    check_tokens(text, &tokens, "default pipeline");

    // Reusing buffers (as the featurizer does) gives the same tokens.
    let mut reused =
        vec![Token { text: "stale".into(), start: 7, end: 9, kind: stance::text::TokenKind::Symbol, negated: true }];
    let mut cache = StemCache::default();
    pipeline.analyze_into(text, &mut reused, &mut cache);
    pipeline.analyze_into(text, &mut reused, &mut cache);
    assert_eq!(reused, tokens, "analyze_into with reused buffers differs on {text:?}");

    // Another configuration picked by the first and last bytes (any stemming language).
    if let (Some(&first), Some(&last)) = (data.first(), data.last()) {
        let other = TextPipeline::new(config_from(first, last));
        let tokenizer = other.tokenizer();
        check_tokens(text, &other.analyze(text), "configured pipeline");

        // The lazy tokenisation (the featurizer's) gives the same tokens, except that plain
        // words leave their text empty; their normal form is then `plain_word` of the span.
        let (eager, mut lazy) = (tokenizer.tokenize(text), Vec::new());
        tokenizer.tokenize_lazy_into(text, &mut lazy);
        assert_eq!(lazy.len(), eager.len(), "lazy tokenisation differs on {text:?}");
        let mut normal = String::new();
        for (l, e) in lazy.iter().zip(&eager) {
            assert_eq!((l.start, l.end, l.kind), (e.start, e.end, e.kind), "lazy token differs on {text:?}");
            if l.text.is_empty() {
                tokenizer.plain_word(&text[l.start..l.end], &mut normal);
                assert_eq!(normal, e.text, "plain word differs on {text:?}");
            } else {
                assert_eq!(l.text, e.text, "lazy token text differs on {text:?}");
            }
        }
    }

    // Sentences: trimmed, non-empty, increasing, non-overlapping byte spans.
    let mut prev_end = 0;
    for (n, s) in split_sentences(text).iter().enumerate() {
        assert!(s.start < s.end, "sentence {n} {s:?} is empty or reversed in {text:?}");
        assert!(s.end <= text.len(), "sentence {n} {s:?} ends past the text in {text:?}");
        assert!(
            text.is_char_boundary(s.start) && text.is_char_boundary(s.end),
            "sentence {n} {s:?} is not on char boundaries in {text:?}"
        );
        assert!(s.start >= prev_end, "sentence {n} {s:?} overlaps the previous one in {text:?}");
        let piece = &text[s.start..s.end];
        assert_eq!(piece.trim(), piece, "sentence {n} {s:?} is not trimmed in {text:?}");
        prev_end = s.end;
    }
});
