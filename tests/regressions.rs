//! Regression tests for crashes found by fuzzing (`fuzz/`), one per bug, each
//! with the minimised input. They state the intended behaviour, so they fail
//! until the bug they name is fixed.

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use linfa::ParamGuard;
use ndarray::{Array1, Array2};
use stance::batch::{run, BatchOptions, Processor};
use stance::data::{Columns, DataError, Example, Format, RecordReader};
use stance::features::{fnv1a64, FeatureConfig, Featurizer, FeaturizerState, TargetMode};
use stance::model::file::{from_bytes, to_bytes};
use stance::model::{Classifier, LinearModel, LinearParams, ModelInfo, ModelKind};
use stance::output::{JsonlSink, Record, Sink};
use stance::text::{normalize, TextConfig};

/// Records the largest single allocation request, so a test can bound what an
/// operation asks for without the process running out of memory.
struct LargestAlloc;

static LARGEST: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for LargestAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LARGEST.fetch_max(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        LARGEST.fetch_max(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LARGEST.fetch_max(new_size, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOC: LargestAlloc = LargestAlloc;

/// fuzz target `text`, input `T\u{308}` (bytes `54 cc 88`).
///
/// `Normalizer::normalize_into` (src/text/normalize.rs) lowercases each char
/// *after* NFKC, and a lowercase letter can compose with a following combining
/// mark where the uppercase one cannot: NFKC leaves "T\u{308}" alone (there is
/// no precomposed T with diaeresis), lowercasing gives "t\u{308}", and a second
/// `normalize` composes that into "\u{1e97}". The same holds for J\u{30c} (ǰ),
/// H\u{331} (ẖ), W\u{30a} (ẘ) and Y\u{30a} (ẙ).
#[test]
fn normalize_is_idempotent_after_lowercasing() {
    for text in ["T\u{308}", "J\u{30c}", "H\u{331}", "W\u{30a}", "Y\u{30a}", "caf\u{e9} T\u{308}xt"] {
        let once = normalize(text);
        assert_eq!(normalize(&once), once, "normalize({text:?}) is not a fixed point");
    }
}

fn read(data: &[u8], format: Format, max_bytes: usize) -> Vec<Result<Example, String>> {
    let columns = Columns { text: "text".into(), ..Columns::default() };
    let input = Box::new(std::io::Cursor::new(data.to_vec()));
    match RecordReader::from_reader(Path::new("in"), input, format, &columns, max_bytes) {
        Ok(r) => r.map(|r| r.map_err(|e| e.to_string())).collect(),
        Err(e) => vec![Err(e.to_string())],
    }
}

/// fuzz target `readers`, input `03 4f 25` (format Lines, limit `usize::MAX`, file `%`).
///
/// `read_line_limited` (src/data/jsonl.rs, `let room = (limit + 1)...`)
/// overflows when the record-size limit is `usize::MAX` (as
/// `stance-tag --max-record-bytes 18446744073709551615` passes it): debug builds
/// panic with "attempt to add with overflow"; release builds wrap `room` to 0,
/// read every line as empty and silently skip every record of a Lines or JSONL
/// input. A limit larger than any record must read the same as the default.
#[test]
fn unlimited_record_size_reads_like_the_default() {
    for (format, data) in [(Format::Lines, &b"%"[..]), (Format::Jsonl, &b"{\"text\": \"hello\"}\n"[..])] {
        let default = read(data, format, RecordReader::DEFAULT_MAX_BYTES);
        assert_eq!(default.len(), 1, "{format:?}: {default:?}");
        for limit in [usize::MAX, usize::MAX - 1] {
            let got = std::panic::catch_unwind(|| read(data, format, limit))
                .unwrap_or_else(|_| panic!("{format:?} reader panicked with a record-size limit of {limit}"));
            assert_eq!(got, default, "{format:?} with a record-size limit of {limit}");
        }
    }
}

/// Echoes each item's text, or the kind of error.
struct Echo;

impl Processor for Echo {
    type Scratch = ();

    fn scratch(&self) {}

    fn process(&self, _: &mut (), _: &std::sync::Arc<str>, item: &Example, _: &mut Vec<String>) -> Vec<Record> {
        vec![Record { fields: vec![("text", serde_json::json!(&*item.text).into())] }]
    }

    fn error(&self, error: &DataError) -> Record {
        Record { fields: vec![("error", serde_json::json!(format!("{:?}", error.kind)).into())] }
    }
}

fn run_documents(path: &Path, max_record_bytes: usize) -> String {
    let opts = BatchOptions {
        inputs: vec![path.to_path_buf()],
        format: Some(Format::Lines),
        columns: Columns { text: "text".into(), ..Columns::default() },
        documents: true,
        threads: 1,
        batch_size: 8,
        max_record_bytes,
    };
    let mut out = Vec::new();
    {
        let mut sink = JsonlSink::new(Box::new(&mut out));
        run(&Echo, &opts, &mut sink, 0, &mut |_| Ok(()), &mut |_| {}).expect("batch run");
        sink.finish().expect("flush");
    }
    String::from_utf8(out).expect("UTF-8 output")
}

/// Found by review next to the bug above (the fuzz targets do not reach the
/// batch engine): `read_document` (src/batch/engine.rs,
/// `take(limit as u64 + 1)`) overflows for a limit of `usize::MAX` in document
/// mode (article tagging: `stance-tag --max-record-bytes 18446744073709551615
/// article.txt` without `--model`):
/// debug builds panic; release builds wrap to `take(0)`, read nothing and
/// report every document as empty text.
#[test]
fn unlimited_record_size_reads_documents_like_the_default() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("doc.txt");
    std::fs::write(&path, "Ankara welcomed the deal.\nMoscow did not.\n").expect("write");
    let default = run_documents(&path, RecordReader::DEFAULT_MAX_BYTES);
    assert!(default.contains("Ankara welcomed"), "{default}");
    let got = std::panic::catch_unwind(|| run_documents(&path, usize::MAX))
        .unwrap_or_else(|_| panic!("document mode panicked with a record-size limit of usize::MAX"));
    assert_eq!(got, default);
}

/// A consistent model file of a few hundred bytes: 2^`hash_bits` hashed
/// features, `k` labels, two known features.
fn model_bytes(hash_bits: u8, k: usize) -> Vec<u8> {
    let features = FeatureConfig { hash_bits, word_ngrams: 1, target: TargetMode::None, ..FeatureConfig::default() };
    let state =
        FeaturizerState { text: TextConfig::default(), features, known: vec![5, 9], idf: vec![1.5, 1.5], nb: None };
    let featurizer = Featurizer::from_state(state).expect("valid state");
    let kind = ModelKind::LogReg;
    let params = LinearParams::new(kind).check().expect("default params");
    let info = ModelInfo {
        crate_version: "fuzz".into(),
        training_data_hash: "0".into(),
        n_train: 0,
        params,
        metrics_json: String::new(),
    };
    // `to_bytes` only reads the rows of known features, so 10 rows suffice here.
    let model = LinearModel { kind, weights: Array2::from_elem((10, k), 0.25), bias: Array1::zeros(k) };
    to_bytes(&Classifier::new(featurizer, (0..k).map(|i| format!("l{i}")).collect(), model, info))
}

/// fuzz target `model_file`, mode 6 (structured), input
/// `06 00 0a fe 0f 00 00 05 00 09 00`: 2^18 hashed features, 4096 labels, known
/// features {5, 9}; libFuzzer: "out-of-memory (malloc(4294967296))".
///
/// `build` (src/model/file.rs, `let mut dense = vec![0f32; featurizer.dim() * k]`)
/// allocates a dense `dim × labels` matrix whatever the file holds. Below, a
/// consistent file of under 1 KB (2^26 features, the largest `hash_bits`
/// allowed, and 32 labels) made the loader ask for 8 GiB; with a few thousand
/// labels the request exceeds any machine and `stance-tag --model` aborts.
/// Loading must stay proportionate to the file (sparse rows for the known
/// features, or a cap on `dim × labels` with an error).
#[test]
fn model_file_with_many_labels_does_not_allocate_hugely() {
    let bytes = model_bytes(26, 32);
    assert!(bytes.len() < 1024, "the hostile file is small ({} bytes)", bytes.len());
    LARGEST.store(0, Ordering::Relaxed);
    let loaded = from_bytes(Path::new("hostile.stance"), &bytes);
    let largest = LARGEST.load(Ordering::Relaxed);
    drop(loaded);
    assert!(
        largest <= 1 << 30,
        "loading a {}-byte model file asked for one allocation of {largest} bytes",
        bytes.len()
    );
}

/// fuzz target `model_file`, mode 4, input `04 40 20 00 05 df 0a`: a valid
/// model's payload with `hash_bits` set to 223, under a valid checksum.
///
/// The `dim × labels` cap added to `build` for the bug above (src/model/file.rs,
/// `let dim = p.featurizer.features.dim();`) runs before `Featurizer::from_state`
/// has checked the feature settings, and `FeatureConfig::hash_dim`
/// (src/features/config.rs, `1 << self.hash_bits`) overflows for `hash_bits` of
/// 64 or more: debug builds panic with "attempt to shift left with overflow";
/// release builds shift by `hash_bits % 64` and the later check rejects the
/// file. Loading must return an error without panicking.
#[test]
fn model_file_with_out_of_range_hash_bits_is_an_error() {
    let (bits8, bits9) = (model_bytes(8, 2), model_bytes(9, 2));
    assert_eq!(bits8.len(), bits9.len());
    // The payload starts after the 28-byte header; `hash_bits` is one byte of it.
    let at: Vec<usize> = (28..bits8.len()).filter(|&i| bits8[i] != bits9[i]).collect();
    assert_eq!(at.len(), 1, "the two payloads differ in the hash_bits byte only");
    for bits in [0u8, 7, 27, 63, 64, 200, 223, 255] {
        let mut bytes = bits8.clone();
        bytes[at[0]] = bits;
        let checksum = fnv1a64(0, &bytes[28..]);
        bytes[20..28].copy_from_slice(&checksum.to_le_bytes());
        let loaded = std::panic::catch_unwind(|| from_bytes(Path::new("hostile.stance"), &bytes))
            .unwrap_or_else(|_| panic!("loading a model with hash_bits {bits} panicked"));
        assert!(loaded.is_err(), "a model with hash_bits {bits} was accepted");
    }
}
