//! Model files: `stance::model::file::from_bytes` on hostile bytes must return
//! `Ok` or `Err`, never panic and never allocate hugely (libFuzzer's default
//! `-malloc_limit_mb`, 2 GiB, turns a huge allocation into a crash). A model it
//! accepts must classify without panicking and re-serialise stably.
//!
//! Input layout: byte 0 picks the mode, byte 1 the base model (two tiny valid
//! models built once), the rest is the mutation:
//! - 0: the rest is the whole file;
//! - 1: the rest overwrites a prefix of the base model's file (header included);
//! - 2: the rest overwrites a prefix of the base payload, and the header's
//!   length and checksum are fixed up so decoding is reached;
//! - 3: the rest is the whole payload, with a valid header;
//! - 4: a little-endian `u16` offset, then bytes overwriting the base payload
//!   there (fixed-up header);
//! - 5: as 4, and the payload is cut after the overwritten bytes;
//! - 6: structured: the rest describes a consistent model (hash bits, label
//!   count, model kind, lexicon classes, known feature indices), built through
//!   the public API and serialised with `to_bytes`, so the loader's checks all
//!   pass and only its resource use and internal consistency are tested.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use linfa::traits::Fit;
use linfa::{DatasetBase, ParamGuard};
use ndarray::Array1;
use ndarray::Array2;
use stance::features::{
    fnv1a64, Doc, FeatureConfig, Featurizer, FeaturizerState, Lexicon, LexiconEntry, TargetMode, TargetRef,
};
use stance::model::file::{from_bytes, to_bytes};
use stance::model::{Classifier, LinearModel, LinearParams, ModelInfo, ModelKind, FORMAT_VERSION, MAGIC};
use stance::text::TextConfig;

const HEADER: usize = 8 + 4 + 8 + 8;

fn tiny(kind: ModelKind, rich: bool) -> Classifier {
    let texts = ["great deal for Turkey", "bad deal for Russia", "great plan, Turkey", "not a good plan, Russia"];
    let targets = ["Turkey", "Russia", "Turkey", "Russia"];
    let docs: Vec<Doc<'_>> = texts
        .iter()
        .zip(targets)
        .map(|(t, name)| Doc { target: rich.then_some(TargetRef { name, span: None }), ..Doc::plain(t) })
        .collect();
    let y = vec![0usize, 1, 0, 1];
    let config = if rich {
        FeatureConfig {
            hash_bits: 10,
            char_ngrams: Some((2, 4)),
            nb_weighting: true,
            target: TargetMode::Mask,
            lexicon: Some(Lexicon::parse_tsv("lex", "term\tclass\tstrength\ngreat\tpos\t1\nbad\tneg\t0.5\n").unwrap()),
            ..FeatureConfig::default()
        }
    } else {
        FeatureConfig { hash_bits: 8, word_ngrams: 1, ..FeatureConfig::default() }
    };
    let (featurizer, x) = Featurizer::fit(TextConfig::default(), config.check().unwrap(), &docs, &y, 2, 1);
    let params = LinearParams::new(kind).max_epochs(3).check().unwrap();
    let model = params.fit(&DatasetBase::new(x, Array1::from(y))).unwrap();
    let info = ModelInfo {
        crate_version: "fuzz".into(),
        training_data_hash: "0".into(),
        n_train: 4,
        params,
        metrics_json: "{}".into(),
    };
    Classifier::new(featurizer, vec!["pos".into(), "neg".into()], model, info)
}

fn bases() -> &'static [Vec<u8>; 2] {
    static BASES: OnceLock<[Vec<u8>; 2]> = OnceLock::new();
    BASES.get_or_init(|| [to_bytes(&tiny(ModelKind::LogReg, true)), to_bytes(&tiny(ModelKind::Svm, false))])
}

fn wrap(payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER + payload.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(&fnv1a64(0, payload).to_le_bytes());
    out.extend_from_slice(payload);
    out
}

fn overwrite(base: &[u8], at: usize, patch: &[u8], cut: bool) -> Vec<u8> {
    let at = at.min(base.len());
    let mut out = base[..at].to_vec();
    out.extend_from_slice(patch);
    if !cut && out.len() < base.len() {
        out.extend_from_slice(&base[out.len()..]);
    }
    out
}

/// A consistent model described by `spec`, serialised (see mode 6). Hash bits
/// stay in 8..=18 so that most inputs run fast; modes 2 to 5 reach larger ones.
fn structured(spec: &[u8]) -> Option<Vec<u8>> {
    let [bits, k_lo, k_hi, flags, lex, known_bytes @ ..] = spec else {
        return None;
    };
    let hash_bits = 8 + bits % 11;
    let k = 2 + usize::from(u16::from_le_bytes([*k_lo, *k_hi]) % 4095);
    let kind = if flags & 1 == 0 { ModelKind::LogReg } else { ModelKind::Svm };
    let lexicon = (lex % 33 != 0).then(|| Lexicon {
        classes: (0..lex % 33).map(|c| format!("c{c}")).collect(),
        entries: vec![LexiconEntry { term: "great".into(), class: 0, strength: 1.0 }],
    });
    let features = FeatureConfig {
        hash_bits,
        word_ngrams: 1 + usize::from(flags >> 1 & 1),
        char_ngrams: (flags & 4 != 0).then_some((2, 4)),
        nb_weighting: flags & 8 != 0,
        target: if flags & 16 == 0 { TargetMode::None } else { TargetMode::Mask },
        lexicon,
        ..FeatureConfig::default()
    };
    let dim = features.dim();
    // Known indices below 64 keep the weight matrix built here small.
    let mut known: Vec<u32> =
        known_bytes.chunks_exact(2).map(|c| u32::from(u16::from_le_bytes([c[0], c[1]])) % dim.min(64) as u32).collect();
    known.sort_unstable();
    known.dedup();
    let n = known.len();
    let state = FeaturizerState {
        text: TextConfig::default(),
        features,
        idf: vec![1.5; n],
        nb: (flags & 8 != 0).then(|| vec![0.5; n]),
        known: known.clone(),
    };
    let featurizer = Featurizer::from_state(state).ok()?;
    let rows = known.last().map_or(0, |&j| j as usize + 1);
    let weights = Array2::from_shape_fn((rows, k), |(i, c)| ((i * 7 + c * 3) % 11) as f32 / 10.0 - 0.5);
    let bias = Array1::from_shape_fn(k, |c| c as f32 / 100.0);
    let params = LinearParams::new(kind).check().ok()?;
    let info = ModelInfo {
        crate_version: "fuzz".into(),
        training_data_hash: "0".into(),
        n_train: 0,
        params,
        metrics_json: String::new(),
    };
    let labels = (0..k).map(|i| format!("l{i}")).collect();
    Some(to_bytes(&Classifier::new(featurizer, labels, LinearModel { kind, weights, bias }, info)))
}

fuzz_target!(|data: &[u8]| {
    let [mode, which, rest @ ..] = data else {
        return;
    };
    let base = &bases()[usize::from(which & 1)];
    let payload = &base[HEADER..];
    let bytes = match mode % 7 {
        0 => rest.to_vec(),
        1 => overwrite(base, 0, rest, false),
        2 => wrap(&overwrite(payload, 0, rest, false)),
        3 => wrap(rest),
        6 => match structured(rest) {
            Some(bytes) => bytes,
            None => return,
        },
        m => {
            let [lo, hi, patch @ ..] = rest else {
                return;
            };
            let at = usize::from(u16::from_le_bytes([*lo, *hi])) % (payload.len() + 1);
            wrap(&overwrite(payload, at, patch, m == 5))
        }
    };
    let Ok(model) = from_bytes(Path::new("fuzz"), &bytes) else {
        return;
    };
    // An accepted model classifies without panicking.
    let docs = [
        Doc {
            text: "Russia praised a great plan for Turkey",
            target: Some(TargetRef { name: "Turkey", span: None }),
            holder: Some(TargetRef { name: "Russia", span: None }),
        },
        Doc { target: Some(TargetRef { name: "x", span: Some((4, 6)) }), ..Doc::plain("not so bad :) #deal") },
        Doc::plain(""),
    ];
    let k = model.labels().len();
    for p in model.predict(&docs, 1) {
        assert!(p.label < k && p.probs.len() == k, "prediction {p:?} does not fit {k} labels");
    }
    // And re-serialises to bytes that load back to the same bytes (skipped for
    // feature spaces over 2^20 or weight matrices over 2^22 values: serialising
    // scans every dimension, loading allocates the dense matrix again, and such
    // slow inputs would take over the fuzzer's time).
    if model.featurizer().dim() > 1 << 20 || model.featurizer().dim() * k > 1 << 22 {
        return;
    }
    let again = to_bytes(&model);
    let back = from_bytes(Path::new("again"), &again).expect("a re-serialised model loads");
    assert_eq!(to_bytes(&back), again, "re-serialisation is not stable");
});
