//! Syntax: arbitrary bytes through the CoNLL-U reader (small limits), and every
//! sentence it accepts, plus the raw text's own sentences, through a small
//! model trained once on the test fixture. Reading must never panic and must
//! end; every parse must be one tree over exactly the input words.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use stance::syntax::conllu::check_tree;
use stance::syntax::{sentences, train, ConlluReader, ReadLimits, Sentence, SyntaxModel, SyntaxParams, SyntaxScratch};

const FIXTURE: &str = include_str!("../../tests/fixtures/tiny.conllu");

fn model() -> &'static SyntaxModel {
    static MODEL: OnceLock<SyntaxModel> = OnceLock::new();
    MODEL.get_or_init(|| {
        let gold: Vec<Sentence> =
            ConlluReader::new(FIXTURE.as_bytes(), "fixture", ReadLimits::default()).collect::<Result<_, _>>().unwrap();
        train(&gold, "0", SyntaxParams::default(), |_| {}).unwrap()
    })
}

fn check(mut s: Sentence, scratch: &mut SyntaxScratch) {
    let forms: Vec<String> = s.words.iter().map(|w| w.form.clone()).collect();
    model().annotate(&mut s, scratch);
    assert!(s.words.iter().map(|w| &w.form).eq(forms.iter()));
    assert!(s.has_heads() && check_tree(&s).is_ok());
    let mut out = String::new();
    s.write_to(&mut out);
}

fuzz_target!(|data: &[u8]| {
    let limits = ReadLimits { max_line_bytes: 4096, max_words: 300 };
    let mut scratch = SyntaxScratch::default();
    for s in ConlluReader::new(data, "fuzz", limits).flatten() {
        check(s, &mut scratch);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        for raw in sentences(text) {
            check(raw.sentence, &mut scratch);
        }
    }
});
