//! The model file: one file holding the whole pipeline and its provenance.
//!
//! Layout (little-endian): the 8-byte magic `STANCE\x00M`, a `u32` format
//! version, a `u64` payload length, a `u64` FNV-1a 64 checksum of the payload,
//! then the payload in `postcard`. Loading checks each field before decoding and
//! the decoded model's internal consistency before use. Saving writes a
//! temporary file beside the target and renames it into place.

use std::path::Path;

use linfa::ParamGuard;
use ndarray::{Array1, Array2};
use serde::{Deserialize, Serialize};

use super::classifier::{Classifier, ModelInfo};
use super::error::{ModelError, ShapeError};
use super::linear::LinearModel;
use super::params::ModelKind;
use crate::container::{self, ContainerError};
use crate::features::{Featurizer, FeaturizerState};

/// First bytes of every model file.
pub const MAGIC: &[u8; 8] = b"STANCE\x00M";
/// The format version this build writes and the newest it reads.
pub const FORMAT_VERSION: u32 = 1;
/// Largest model file this build will read (1 GiB).
pub const MAX_FILE_BYTES: u64 = 1 << 30;
/// Largest dense weight matrix (features × labels) a model may need: 2^28 values (1 GiB).
pub const MAX_WEIGHTS: usize = 1 << 28;

/// The serialised payload (format version 1).
#[derive(Debug, Serialize, Deserialize)]
struct Payload {
    info: ModelInfo,
    featurizer: FeaturizerState,
    labels: Vec<String>,
    kind: ModelKind,
    /// Weights of the known features only, row-major `known.len() × labels.len()`.
    weights: Vec<f32>,
    bias: Vec<f32>,
}

fn format_err(path: &Path, reason: impl Into<String>) -> ModelError {
    ModelError::Format { path: path.display().to_string(), reason: reason.into() }
}

fn io_err(path: &Path, source: std::io::Error) -> ModelError {
    ModelError::Io { path: path.display().to_string(), cause: source }
}

/// Checks that `model`'s weights and bias match its labels and features, as
/// [`from_bytes`] will require.
pub fn check(model: &Classifier) -> Result<(), ShapeError> {
    let k = model.labels().len();
    let w = &model.model().weights;
    if k < 2 {
        return Err(ShapeError::TooFewLabels(k));
    }
    if w.ncols() != k || model.model().bias.len() != k {
        return Err(ShapeError::Columns { labels: k, columns: w.ncols(), biases: model.model().bias.len() });
    }
    if let Some(&j) = model.featurizer().state().known.iter().find(|&&j| j as usize >= w.nrows()) {
        return Err(ShapeError::Feature { feature: j, rows: w.nrows() });
    }
    if w.iter().chain(model.model().bias.iter()).any(|v| !v.is_finite()) {
        return Err(ShapeError::NotFinite);
    }
    Ok(())
}

/// Serialises `model` to bytes. Never panics: a hand-built classifier whose
/// weights do not match its labels gives bytes that [`from_bytes`] refuses
/// (use [`check`] or [`save`] to be told instead).
pub fn to_bytes(model: &Classifier) -> Vec<u8> {
    let state = model.featurizer().state();
    let w = &model.model().weights;
    let weights =
        state.known.iter().filter(|&&j| (j as usize) < w.nrows()).flat_map(|&j| w.row(j as usize).to_vec()).collect();
    let payload = Payload {
        info: model.info().clone(),
        featurizer: state,
        labels: model.labels().to_vec(),
        kind: model.model().kind,
        weights,
        bias: model.model().bias.to_vec(),
    };
    let body = postcard::to_stdvec(&payload).expect("in-memory serialisation cannot fail");
    container::frame(MAGIC, FORMAT_VERSION, &body)
}

/// Parses a model from bytes; `path` names the source in errors.
pub fn from_bytes(path: &Path, bytes: &[u8]) -> Result<Classifier, ModelError> {
    let (_, body) = container::unframe(bytes, MAGIC, FORMAT_VERSION, "stance model").map_err(|e| match e {
        ContainerError::Format(reason) => format_err(path, reason),
        ContainerError::Io(e) => io_err(path, e),
    })?;
    let payload: Payload =
        postcard::from_bytes(body).map_err(|e| format_err(path, format!("corrupt model payload: {e}")))?;
    build(path, payload)
}

fn build(path: &Path, p: Payload) -> Result<Classifier, ModelError> {
    let k = p.labels.len();
    if k < 2 {
        return Err(format_err(path, format!("model has {k} labels; at least 2 are needed")));
    }
    let known = p.featurizer.known.clone();
    if p.bias.len() != k || p.weights.len() != known.len() * k {
        return Err(format_err(path, "weight matrix does not match the labels and features"));
    }
    if p.weights.iter().chain(&p.bias).any(|w| !w.is_finite()) {
        return Err(format_err(path, "model weights are not finite"));
    }
    let dim = p.featurizer.features.check_ref().map_err(|e| format_err(path, e.to_string()))?.dim();
    if dim.saturating_mul(k) > MAX_WEIGHTS {
        return Err(format_err(
            path,
            format!("model needs {dim} × {k} weights, more than this build allows ({MAX_WEIGHTS})"),
        ));
    }
    let featurizer = Featurizer::from_state(p.featurizer).map_err(|e| format_err(path, e.to_string()))?;
    let mut dense = vec![0f32; featurizer.dim() * k];
    for (r, &j) in known.iter().enumerate() {
        dense[j as usize * k..j as usize * k + k].copy_from_slice(&p.weights[r * k..r * k + k]);
    }
    let weights = Array2::from_shape_vec((featurizer.dim(), k), dense).expect("shape matches");
    let model = LinearModel { kind: p.kind, weights, bias: Array1::from(p.bias) };
    Ok(Classifier::new(featurizer, p.labels, model, p.info))
}

/// Loads and validates a model file.
///
/// ```
/// use stance::features::Doc;
/// use stance::model::load;
///
/// let classifier = load("models/sentiment-news.stance".as_ref())?;
/// let docs = [Doc::plain("The talks ended in a welcome agreement."), Doc::plain("A disastrous decision.")];
/// for prediction in classifier.predict(&docs, 1) {
///     println!("{} ({:.2})", classifier.labels()[prediction.label], prediction.probs[prediction.label]);
/// }
/// # Ok::<(), stance::model::ModelError>(())
/// ```
pub fn load(path: &Path) -> Result<Classifier, ModelError> {
    let bytes = container::read_container(path, MAX_FILE_BYTES, MAGIC, "stance model").map_err(|e| match e {
        ContainerError::Format(reason) => format_err(path, reason),
        ContainerError::Io(e) => io_err(path, e),
    })?;
    from_bytes(path, &bytes)
}

/// Writes `model` to `path` atomically; returns the file size in bytes.
pub fn save(model: &Classifier, path: &Path) -> Result<u64, ModelError> {
    check(model).map_err(|cause| ModelError::Shape { path: path.display().to_string(), cause })?;
    let bytes = to_bytes(model);
    write_atomic(path, &bytes)?;
    Ok(bytes.len() as u64)
}

/// Writes `bytes` to a temporary file beside `path`, syncs it, and renames it over `path`.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), ModelError> {
    crate::outputs::write_atomic(path, bytes).map_err(|e| io_err(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::container::fnv1a64;
    use crate::features::{Doc, FeatureConfig};
    use crate::model::{LinearParams, LinearValidParams};
    use crate::text::TextConfig;
    use linfa::traits::Fit;
    use linfa::{DatasetBase, ParamGuard};
    use std::fs;

    fn tiny() -> Classifier {
        let texts = ["great deal", "bad deal", "great plan", "bad plan"];
        let docs: Vec<Doc<'_>> = texts.iter().map(|t| Doc::plain(t)).collect();
        let y = vec![0usize, 1, 0, 1];
        let config = FeatureConfig { hash_bits: 12, ..FeatureConfig::default() };
        let (featurizer, x) = Featurizer::fit(TextConfig::default(), config.check().unwrap(), &docs, &y, 2, 1);
        let params: LinearValidParams = LinearParams::new(ModelKind::LogReg).check().unwrap();
        let model = params.fit(&DatasetBase::new(x, Array1::from(y))).unwrap();
        let info = ModelInfo {
            crate_version: "test".into(),
            training_data_hash: "0".into(),
            n_train: 4,
            params,
            metrics_json: "{}".into(),
        };
        Classifier::new(featurizer, vec!["pos".into(), "neg".into()], model, info)
    }

    #[test]
    fn save_load_predicts_identically() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.stance");
        let model = tiny();
        let size = save(&model, &path).unwrap();
        assert_eq!(size, fs::metadata(&path).unwrap().len());
        let back = load(&path).unwrap();
        let docs = [Doc::plain("a great plan"), Doc::plain("so bad")];
        assert_eq!(model.predict(&docs, 1), back.predict(&docs, 1));
        assert_eq!(back.labels(), ["pos", "neg"]);
        assert_eq!(to_bytes(&back), to_bytes(&model), "re-serialising gives the same bytes");
        let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary file is left behind");
    }

    #[test]
    fn bad_files_give_clear_errors() {
        let good = to_bytes(&tiny());
        let p = Path::new("m");
        let msg = |b: &[u8]| from_bytes(p, b).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(msg(b"text,label\n").contains("not a stance model file"));
        assert!(msg(&good[..20]).contains("truncated stance model file"));
        assert!(msg(&good[..good.len() - 5]).contains("truncated or padded"));
        let mut newer = good.clone();
        newer[8..12].copy_from_slice(&99u32.to_le_bytes());
        assert!(msg(&newer).contains("version 99 is newer"));
        let mut flipped = good.clone();
        let last = flipped.len() - 3;
        flipped[last] ^= 0xff;
        assert!(msg(&flipped).contains("checksum mismatch"));
        // A hostile payload with a valid checksum and a huge declared length inside.
        let mut body = vec![0xffu8; 9];
        body.extend_from_slice(&[1; 16]);
        let mut hostile = good[..8].to_vec();
        hostile.extend_from_slice(&1u32.to_le_bytes());
        hostile.extend_from_slice(&(body.len() as u64).to_le_bytes());
        hostile.extend_from_slice(&fnv1a64(0, &body).to_le_bytes());
        hostile.extend_from_slice(&body);
        assert!(msg(&hostile).contains("corrupt model payload"));
    }

    #[test]
    fn mismatched_hand_built_classifiers_are_refused_not_panicked_on() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.stance");
        for labels in [vec!["a".to_string()], (0..5).map(|i| format!("l{i}")).collect()] {
            let (featurizer, _, model, info) = tiny().into_parts();
            let bad = Classifier::new(featurizer, labels, model, info);
            let bytes = to_bytes(&bad);
            assert!(from_bytes(&path, &bytes).is_err(), "the loader refuses what to_bytes wrote");
            let err = save(&bad, &path).unwrap_err().to_string();
            assert!(err.contains("label"), "{err}");
            assert!(!path.exists());
        }
    }

    #[test]
    fn huge_finite_weights_give_finite_probabilities() {
        let (featurizer, labels, mut model, info) = tiny().into_parts();
        model.weights.iter_mut().enumerate().for_each(|(i, w)| *w = if i % 2 == 0 { f32::MAX } else { -f32::MAX });
        let model = Classifier::new(featurizer, labels, model, info);
        let bytes = to_bytes(&model);
        let back = from_bytes(Path::new("m"), &bytes).unwrap();
        for text in ["great deal great plan great", "bad bad deal", "unseen words"] {
            let probs = &back.predict(&[Doc::plain(text)], 1)[0].probs;
            assert!(probs.iter().all(|p| p.is_finite() && (0.0..=1.0).contains(p)), "{text}: {probs:?}");
        }
    }

    #[test]
    fn a_large_file_of_another_kind_is_refused_by_its_first_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.stance");
        let f = fs::File::create(&path).unwrap();
        f.set_len(MAX_FILE_BYTES).unwrap(); // sparse: no disk, and never read
        let err = load(&path).unwrap_err().to_string();
        assert!(err.contains("not a stance model file (bad magic number)"), "{err}");
        fs::write(&path, &MAGIC[..5]).unwrap();
        assert!(load(&path).unwrap_err().to_string().contains("bad magic"));
        let good = dir.path().join("good.stance");
        save(&tiny(), &good).unwrap();
        assert!(load(&good).is_ok());
    }

    #[test]
    fn failed_write_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("missing-dir").join("m.stance");
        assert!(save(&tiny(), &target).is_err());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
