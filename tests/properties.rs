//! Property tests: text offsets, normalisation, model-file round trips and the
//! order of batch output. Each property runs a modest number of cases so the
//! whole file takes a few seconds.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use linfa::traits::Fit;
use linfa::{DatasetBase, ParamGuard};
use ndarray::Array1;
use proptest::prelude::*;
use stance::batch::{run, BatchOptions, SentenceProcessor};
use stance::data::{Columns, Format, RecordReader};
use stance::features::{fnv1a64, Doc, FeatureConfig, Featurizer, Scratch, TargetMode, TargetRef};
use stance::model::file::{from_bytes, to_bytes};
use stance::model::{Classifier, LinearParams, ModelInfo, ModelKind};
use stance::output::{JsonlSink, Sink};
use stance::text::{normalize, split_sentences, StemLanguage, TextConfig, TextPipeline, Token};

// ---------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------

/// Pieces that stress the tokeniser and sentence splitter: emoji (with skin
/// tones and joiners), combining marks, CRLF, abbreviations, quotes, social
/// tokens, numbers, compatibility characters.
const PIECES: &[&str] = &[
    " ",
    "  ",
    "\t",
    "\n",
    "\r\n",
    "\n\n",
    "\u{a0}",
    "\u{2028}",
    "\u{3000}",
    ".",
    ". ",
    "!",
    "?",
    "...",
    "\u{2026}",
    ",",
    ";",
    ":",
    "\"",
    "'",
    "(",
    ")",
    "\u{201c}",
    "\u{201d}",
    "\u{2019}",
    "\u{2014}",
    "-",
    "Mr.",
    "U.S.",
    "e.g.",
    "Jan.",
    "A.",
    "The",
    "said",
    "not",
    "don't",
    "isn\u{2019}t",
    "soooo",
    "Turkey",
    "caf\u{e9}",
    "cafe\u{301}",
    "e\u{301}\u{302}",
    "\u{301}",
    "\u{308}",
    "\u{30a}",
    "\u{30c}",
    "\u{331}",
    "\u{20dd}",
    "\u{1ab0}",
    "\u{130}",
    "\u{df}",
    "\u{1e9e}",
    "\u{fb01}",
    "\u{216b}",
    "\u{ff21}",
    "\u{1f600}",
    "\u{1f44d}\u{1f3fd}",
    "\u{1f468}\u{200d}\u{1f469}\u{200d}\u{1f467}",
    "\u{1f1f9}\u{1f1f7}",
    "\u{200d}",
    "\u{fe0f}",
    "\u{feff}",
    "@bob",
    "#tag",
    "https://x.co/a?b=1",
    "www.x",
    ":)",
    ":-(",
    "<3",
    "^_^",
    "1,000.50",
    "3.5",
    "42",
    "\u{661}\u{662}",
    "\u{5d0}\u{5d1}",
    "\u{645}\u{631}\u{62d}\u{628}\u{627}",
    "\u{4e2d}\u{6587}",
    "\u{e01}\u{e34}\u{e19}",
];

/// Text made of stress pieces and arbitrary characters.
fn text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        3 => prop::sample::select(PIECES).prop_map(str::to_string),
        1 => any::<char>().prop_map(String::from),
        1 => "[a-zA-Z]{1,8}".prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

fn text_config() -> impl Strategy<Value = TextConfig> {
    let stem = prop_oneof![Just(None), prop::sample::select(StemLanguage::ALL.to_vec()).prop_map(Some)];
    (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>(), stem).prop_map(
        |(unicode, lowercase, social, negation, stem)| TextConfig { unicode, lowercase, social, negation, stem },
    )
}

// ---------------------------------------------------------------------------
// Offsets and normalisation
// ---------------------------------------------------------------------------

fn assert_tokens_in_text(text: &str, tokens: &[Token]) -> Result<(), TestCaseError> {
    let mut prev_end = 0;
    for t in tokens {
        prop_assert!(t.start < t.end, "empty or reversed token {:?}", t);
        prop_assert!(t.end <= text.len(), "token {:?} past the end ({})", t, text.len());
        prop_assert!(text.is_char_boundary(t.start) && text.is_char_boundary(t.end), "token {:?} splits a char", t);
        prop_assert!(t.start >= prev_end, "token {:?} overlaps the previous one (ends {})", t, prev_end);
        prop_assert!(!text[t.start..t.end].starts_with(char::is_whitespace), "token {:?} starts with whitespace", t);
        prev_end = t.end;
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn token_offsets_stay_in_the_text(text in text(), config in text_config()) {
        assert_tokens_in_text(&text, &TextPipeline::new(TextConfig::default()).analyze(&text))?;
        assert_tokens_in_text(&text, &TextPipeline::new(config).analyze(&text))?;
    }

    #[test]
    fn sentence_offsets_stay_in_the_text(text in text()) {
        let mut prev_end = 0;
        for s in split_sentences(&text) {
            prop_assert!(s.start < s.end, "empty sentence {:?}", s);
            prop_assert!(s.end <= text.len(), "sentence {:?} past the end ({})", s, text.len());
            prop_assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end), "sentence {:?} splits a char", s);
            prop_assert!(s.start >= prev_end, "sentence {:?} overlaps the previous one", s);
            let piece = &text[s.start..s.end];
            prop_assert_eq!(piece.trim(), piece, "sentence {:?} is not trimmed", s);
            prev_end = s.end;
        }
        // Nothing but whitespace is left out.
        let spans = split_sentences(&text);
        for (i, c) in text.char_indices().filter(|(_, c)| !c.is_whitespace()) {
            prop_assert!(spans.iter().any(|s| s.start <= i && i < s.end), "{:?} at byte {} is in no sentence", c, i);
        }
    }

    #[test]
    fn normalize_is_idempotent(text in text()) {
        let once = normalize(&text);
        prop_assert_eq!(normalize(&once), once);
    }

    /// The featurizer analyses words through its per-thread cache; the tokens it
    /// ends with must be the text pipeline's, and their hashes those of the pipeline's
    /// (stemmed) texts, for cold and warm caches alike.
    #[test]
    fn featurizer_tokens_match_the_text_pipeline(texts in proptest::collection::vec(text(), 1..6), config in text_config()) {
        let docs: Vec<Doc<'_>> = texts.iter().map(|t| Doc::plain(t)).collect();
        let labels: Vec<usize> = (0..docs.len()).map(|i| i % 2).collect();
        let features = FeatureConfig { hash_bits: 12, ..FeatureConfig::default() };
        let (f, _) = Featurizer::fit(config.clone(), features.check().unwrap(), &docs, &labels, 2, 1);
        let pipeline = TextPipeline::new(config);
        let mut scratch = Scratch::default();
        let mut out = Vec::new();
        for pass in 0..2 {
            for (i, d) in docs.iter().enumerate() {
                f.transform_one(*d, &mut scratch, &mut out);
                let got: Vec<_> = scratch.analysis().map(|(t, h)| (t.start, t.end, t.kind, t.negated, h)).collect();
                let expect: Vec<_> = pipeline
                    .analyze(d.text)
                    .into_iter()
                    .map(|t| (t.start, t.end, t.kind, t.negated, fnv1a64(0, t.text.as_bytes())))
                    .collect();
                prop_assert_eq!(got, expect, "text {} on pass {}", i, pass);
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Model files
// ---------------------------------------------------------------------------

const WORDS: &[&str] = &[
    "great",
    "bad",
    "deal",
    "plan",
    "not",
    "praised",
    "rejected",
    "Turkey",
    "Russia",
    "talks",
    "ceasefire",
    "\u{e9}lan",
    "\u{1f600}",
    ":)",
    "never",
    "welcome",
    "doubt",
    "strong",
    "weak",
    "U.S.",
];

fn sentence() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(WORDS), 1..8).prop_map(|w| w.join(" "))
}

/// Labelled sentences with at least two classes among `k`.
fn labelled() -> impl Strategy<Value = (Vec<(String, usize)>, usize)> {
    (2usize..=3).prop_flat_map(|k| {
        (prop::collection::vec((sentence(), 0..k), 2..16), Just(k)).prop_map(|(mut rows, k)| {
            rows[0].1 = 0;
            rows[1].1 = 1;
            (rows, k)
        })
    })
}

/// Trains a classifier; its labels are `label-0..` up to the largest class in `rows`
/// (the linear model has one column per class index up to the largest seen).
fn train(rows: &[(String, usize)], kind: ModelKind, features: FeatureConfig, target: bool) -> Classifier {
    let docs: Vec<Doc<'_>> = rows
        .iter()
        .map(|(t, _)| Doc { target: target.then_some(TargetRef { name: "Turkey", span: None }), ..Doc::plain(t) })
        .collect();
    let y: Vec<usize> = rows.iter().map(|r| r.1).collect();
    let k = y.iter().max().map_or(0, |m| m + 1);
    let (featurizer, x) = Featurizer::fit(TextConfig::default(), features.check().unwrap(), &docs, &y, k, 1);
    let params = LinearParams::new(kind).max_epochs(5).check().unwrap();
    let model = params.fit(&DatasetBase::new(x, Array1::from(y))).unwrap();
    let info = ModelInfo {
        crate_version: "proptest".into(),
        training_data_hash: "0".into(),
        n_train: rows.len() as u64,
        params,
        metrics_json: "{}".into(),
    };
    Classifier::new(featurizer, (0..k).map(|i| format!("label-{i}")).collect(), model, info)
}

fn feature_config() -> impl Strategy<Value = FeatureConfig> {
    (
        1usize..=3,
        prop_oneof![Just(None), Just(Some((2, 4))), Just(Some((1, 1)))],
        8u8..=12,
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        prop_oneof![Just(TargetMode::None), Just(TargetMode::Mask), Just(TargetMode::Conjoin)],
    )
        .prop_map(|(word_ngrams, char_ngrams, hash_bits, sublinear_tf, idf, nb_weighting, target)| FeatureConfig {
            word_ngrams,
            char_ngrams,
            hash_bits,
            sublinear_tf,
            idf,
            nb_weighting,
            target,
            ..FeatureConfig::default()
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn save_load_predicts_identically(
        (rows, k) in labelled(),
        kind in prop_oneof![Just(ModelKind::LogReg), Just(ModelKind::Svm)],
        features in feature_config(),
        with_target in any::<bool>(),
        queries in prop::collection::vec(prop_oneof![sentence(), text()], 1..8),
    ) {
        let model = train(&rows, kind, features, with_target);
        prop_assert!(model.labels().len() <= k);
        let bytes = to_bytes(&model);
        let back = from_bytes(Path::new("m"), &bytes).expect("a saved model loads");
        prop_assert_eq!(&back.labels(), &model.labels());
        let docs: Vec<Doc<'_>> = queries
            .iter()
            .map(|q| Doc { target: with_target.then_some(TargetRef { name: "Turkey", span: None }), ..Doc::plain(q) })
            .collect();
        let before = model.predict(&docs, 1);
        let after = back.predict(&docs, 2);
        // Bit-identical, not merely close.
        let bits = |p: &[stance::model::Prediction]| -> Vec<(usize, Vec<u32>)> {
            p.iter().map(|p| (p.label, p.probs.iter().map(|x| x.to_bits()).collect())).collect()
        };
        prop_assert_eq!(bits(&before), bits(&after));
        prop_assert_eq!(to_bytes(&back), bytes, "re-serialising gives the same bytes");
    }
}

// ---------------------------------------------------------------------------
// Batch output order
// ---------------------------------------------------------------------------

fn batch_model() -> &'static Classifier {
    static MODEL: OnceLock<Classifier> = OnceLock::new();
    MODEL.get_or_init(|| {
        let rows: Vec<(String, usize)> = [
            ("great deal", 0),
            ("bad deal", 1),
            ("they praised the plan", 0),
            ("they rejected the plan", 1),
            ("talks welcome", 2),
            ("talks doubt", 2),
        ]
        .iter()
        .map(|(t, y)| (t.to_string(), *y))
        .collect();
        let features = FeatureConfig { hash_bits: 10, char_ngrams: Some((2, 3)), ..FeatureConfig::default() };
        train(&rows, ModelKind::LogReg, features, false)
    })
}

/// One JSONL input line: a record to classify, or one that becomes an error record.
#[derive(Debug, Clone)]
enum Line {
    Record(String),
    NotJson,
    EmptyText,
    Blank,
}

fn line() -> impl Strategy<Value = Line> {
    prop_oneof![
        8 => prop_oneof![sentence(), text()].prop_map(Line::Record),
        1 => Just(Line::NotJson),
        1 => Just(Line::EmptyText),
        1 => Just(Line::Blank),
    ]
}

/// Runs batch classification over `paths` (JSONL), returning the output lines.
fn run_batch(paths: &[PathBuf], threads: usize, batch_size: usize) -> Vec<String> {
    let opts = BatchOptions {
        inputs: paths.to_vec(),
        format: Some(Format::Jsonl),
        columns: Columns { text: "text".into(), id: Some("id".into()), ..Columns::default() },
        documents: false,
        threads,
        batch_size,
        max_record_bytes: RecordReader::DEFAULT_MAX_BYTES,
    };
    let processor = SentenceProcessor::new(batch_model(), 2, true);
    let mut out = Vec::new();
    {
        let mut sink = JsonlSink::new(Box::new(&mut out));
        run(&processor, &opts, &mut sink, 0, &mut |_| Ok(()), &mut |_| {}).expect("batch run");
        sink.finish().unwrap();
    }
    String::from_utf8(out).unwrap().lines().map(str::to_string).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn batch_output_keeps_input_order(
        files in prop::collection::vec(prop::collection::vec(line(), 0..30), 1..4),
        threads in 2usize..=8,
        batch_size in 1usize..=50,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut paths = Vec::new();
        let mut expected_ids = Vec::new();
        let mut n = 0;
        for (f, lines) in files.iter().enumerate() {
            let path = dir.path().join(format!("in-{f}.jsonl"));
            let mut file = std::fs::File::create(&path).unwrap();
            for l in lines {
                match l {
                    Line::Record(t) => {
                        let id = format!("r{n}");
                        n += 1;
                        writeln!(file, "{}", serde_json::json!({"text": t, "id": id})).unwrap();
                        // Whitespace-only texts become error records.
                        expected_ids.push(if t.trim().is_empty() { None } else { Some(id) });
                    }
                    Line::NotJson => {
                        writeln!(file, "not json").unwrap();
                        expected_ids.push(None);
                    }
                    Line::EmptyText => {
                        writeln!(file, "{{\"text\": \"  \", \"id\": \"x\"}}").unwrap();
                        expected_ids.push(None);
                    }
                    Line::Blank => writeln!(file).unwrap(),
                }
            }
            paths.push(path);
        }
        let reference = run_batch(&paths, 1, 1 << 20);
        let ids: Vec<Option<String>> = reference
            .iter()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                v["id"].as_str().map(str::to_string)
            })
            .collect();
        prop_assert_eq!(ids, expected_ids, "one output record per input record, in input order");
        prop_assert_eq!(run_batch(&paths, 1, batch_size), reference.clone());
        prop_assert_eq!(run_batch(&paths, threads, batch_size), reference);
    }
}
