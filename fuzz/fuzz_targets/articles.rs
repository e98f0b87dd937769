//! The article tagger end to end: arbitrary text through sentence splitting,
//! actor and event finding, parsing (with a small model trained on the test
//! fixture, so that trees are arbitrary), linking on word patterns and on the
//! tree, scoring and aggregation. It must never
//! panic, every evidence sentence must come from the text, every confidence and
//! probability must lie in [0, 1], and every link must name a known event.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use stance::model::file::from_bytes;
use stance::news::{ArticleScratch, ArticleTagger, Gazetteer, TaggerConfig, SHIPPED_STANCE_MODEL};
use stance::syntax::{train, ConlluReader, ReadLimits, Sentence, SyntaxParams};

const FIXTURE: &str = include_str!("../../tests/fixtures/tiny.conllu");

fn tagger(per_sentence: bool) -> &'static ArticleTagger {
    static TAGGERS: OnceLock<[ArticleTagger; 2]> = OnceLock::new();
    let build = |fallback| {
        let model = from_bytes(Path::new("news-stance"), SHIPPED_STANCE_MODEL).expect("shipped model");
        let config = TaggerConfig { sentence_fallback: fallback, ..TaggerConfig::default() };
        let gold: Vec<Sentence> =
            ConlluReader::new(FIXTURE.as_bytes(), "fixture", ReadLimits::default()).collect::<Result<_, _>>().unwrap();
        let syntax = train(&gold, "0", SyntaxParams::default(), |_| {}).expect("syntax model");
        ArticleTagger::new(Gazetteer::new(Vec::new()).expect("gazetteer"), model, config).expect("tagger").with_syntax(syntax)
    };
    &TAGGERS.get_or_init(|| [build(false), build(true)])[usize::from(per_sentence)]
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, body)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(body) else { return };
    let mut scratch = ArticleScratch::default();
    let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let t = tagger(mode & 1 == 1);
    let analysis = t.analyze(text, &mut scratch);
    for l in &analysis.links {
        assert!(l.event < analysis.events.len() && l.sentence < analysis.sentences.len());
        for p in [l.supportive, l.skeptical, l.neutral, l.link] {
            assert!((0.0..=1.0).contains(&p), "probability {p}");
        }
    }
    for row in t.tag(text, &mut scratch) {
        assert!((0.0..=1.0).contains(&row.confidence), "confidence {}", row.confidence);
        for e in &row.evidence {
            assert!(folded.contains(e.sentence.as_str()), "evidence not from the text");
        }
    }
});
