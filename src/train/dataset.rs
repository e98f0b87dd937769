//! Labelled splits: reading, label mapping, and label indices shared by all splits.

use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use super::options::{TrainError, TrainOptions};
use crate::data::{read_all, Columns, DataError, DataErrorKind, Example, Format, RecordReader};
use crate::features::{fnv1a64, fnv1a64_step, Doc};

/// Examples of one split with label indices.
#[derive(Debug, Clone)]
pub struct LabeledSet {
    /// The examples.
    pub examples: Vec<Example>,
    /// Label index of each example.
    pub y: Vec<usize>,
}

impl LabeledSet {
    /// Number of examples.
    pub fn len(&self) -> usize {
        self.y.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.y.is_empty()
    }

    /// The examples as feature-stage documents.
    pub fn docs(&self) -> Vec<Doc<'_>> {
        self.examples.iter().map(Example::doc).collect()
    }

    /// These examples followed by `other`'s.
    pub fn chain(&self, other: &LabeledSet) -> Self {
        Self {
            examples: self.examples.iter().chain(&other.examples).cloned().collect(),
            y: self.y.iter().chain(&other.y).copied().collect(),
        }
    }

    /// The examples at `idx`.
    pub fn subset(&self, idx: &[usize]) -> Self {
        Self {
            examples: idx.iter().map(|&i| self.examples[i].clone()).collect(),
            y: idx.iter().map(|&i| self.y[i]).collect(),
        }
    }
}

/// Train, dev and test splits with a common label set.
#[derive(Debug, Clone)]
pub struct Splits {
    /// Label names in [`TrainOptions::label_order`] (sorted by default); indices into this list are class indices.
    pub labels: Vec<String>,
    /// Training split.
    pub train: LabeledSet,
    /// Development split.
    pub dev: Option<LabeledSet>,
    /// Test split.
    pub test: Option<LabeledSet>,
    /// FNV-1a 64 of each training file's bytes, hex, joined by `+` (with
    /// [`TrainOptions::refit`], the dev file's last).
    pub train_hash: String,
    /// The group of each training example, in `train` order, with
    /// [`TrainOptions::group_col`].
    pub groups: Option<Vec<String>>,
}

fn mapped(opts: &TrainOptions, label: &str) -> String {
    opts.label_map.iter().find(|(from, _)| from == label).map_or_else(|| label.to_string(), |(_, to)| to.clone())
}

/// A reader that hashes (FNV-1a 64) every byte read through it, so a FIFO or
/// stdin is read once and still hashed.
struct Hashing<R> {
    inner: R,
    hash: Arc<AtomicU64>,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let h = buf[..n].iter().fold(self.hash.load(Ordering::Relaxed), |h, &b| fnv1a64_step(h, b));
        self.hash.store(h, Ordering::Relaxed);
        Ok(n)
    }
}

/// Reads every example of `path` (`-` for stdin) with `columns` once, failing on the first
/// bad record; returns them with the hex FNV-1a 64 of the bytes read (the
/// whole file, as [`file_hash`] gives).
fn read_hashed(opts: &TrainOptions, columns: &Columns, path: &Path) -> Result<(Vec<Example>, String), DataError> {
    let io = |e: std::io::Error| DataError::new(path, DataErrorKind::Io(e.into()));
    let input: Box<dyn Read + Send> = if path == Path::new("-") {
        Box::new(std::io::stdin())
    } else {
        let file = File::open(path).map_err(io)?;
        if file.metadata().is_ok_and(|m| m.is_dir()) {
            return Err(DataError::new(path, DataErrorKind::is_a_directory()));
        }
        Box::new(file)
    };
    let hash = Arc::new(AtomicU64::new(fnv1a64(0, b"")));
    let hashing = Hashing { inner: input, hash: Arc::clone(&hash) };
    let format = opts.format.unwrap_or_else(|| Format::from_path(path));
    let reader = RecordReader::from_reader(path, Box::new(hashing), format, columns, RecordReader::DEFAULT_MAX_BYTES)?;
    let examples = reader.collect::<Result<Vec<_>, _>>()?;
    Ok((examples, format!("{:016x}", hash.load(Ordering::Relaxed))))
}

fn read(opts: &TrainOptions, path: &Path) -> Result<Vec<Example>, DataError> {
    read_labelled(opts, path, read_all(path, opts.format, &opts.columns)?)
}

fn read_labelled(opts: &TrainOptions, path: &Path, mut examples: Vec<Example>) -> Result<Vec<Example>, DataError> {
    for e in &mut examples {
        e.label = e.label.as_deref().map(|l| mapped(opts, l));
    }
    if examples.is_empty() {
        return Err(DataError::new(path, DataErrorKind::Invalid("no examples".into())));
    }
    Ok(examples)
}

fn index(path: &Path, examples: Vec<Example>, labels: &[String]) -> Result<LabeledSet, DataError> {
    let mut y = Vec::with_capacity(examples.len());
    for e in &examples {
        let label = e.label.as_deref().unwrap_or_default();
        let i = labels.iter().position(|l| l == label).ok_or_else(|| {
            DataError::new(path, DataErrorKind::UnseenLabel { label: label.to_string(), known: labels.to_vec() })
                .at_line(e.line)
        })?;
        y.push(i);
    }
    Ok(LabeledSet { examples, y })
}

/// Reads the labelled file `path` as `opts` say (format, columns, label map),
/// with class indices into `labels`; a label outside them is an error naming its line.
pub(crate) fn load_labelled(opts: &TrainOptions, path: &Path, labels: &[String]) -> Result<LabeledSet, TrainError> {
    if opts.columns.label.is_none() {
        return Err(TrainError::Options("scoring needs a label column".into()));
    }
    Ok(index(path, read(opts, path)?, labels)?)
}

/// Hex FNV-1a 64 of a file's bytes.
#[cfg(test)]
fn file_hash(path: &Path) -> Result<String, DataError> {
    let io = |e: std::io::Error| DataError::new(path, DataErrorKind::Io(e.into()));
    let mut reader = std::io::BufReader::new(File::open(path).map_err(io)?);
    let mut h = fnv1a64(0, b"");
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = reader.read(&mut buf).map_err(io)?;
        if n == 0 {
            break;
        }
        h = buf[..n].iter().fold(h, |h, &b| fnv1a64_step(h, b));
    }
    Ok(format!("{h:016x}"))
}

impl Splits {
    /// Reads the splits named in `opts`.
    pub fn load(opts: &TrainOptions) -> Result<Self, TrainError> {
        if opts.columns.label.is_none() {
            return Err(TrainError::Options("training needs a label column".into()));
        }
        let first = opts.train.first().ok_or_else(|| TrainError::Options("no training file".into()))?;
        let mut hashes = Vec::with_capacity(opts.train.len());
        let mut parts: Vec<Vec<Example>> = Vec::with_capacity(opts.train.len());
        // The group column is read as one more kept column, taken off again below.
        let mut columns = opts.columns.clone();
        columns.keep.extend(opts.group_col.clone());
        let mut groups = opts.group_col.as_ref().map(|_| Vec::new());
        for p in &opts.train {
            let (mut examples, hash) = read_hashed(opts, &columns, p)?;
            if let (Some(groups), Some(col)) = (&mut groups, &opts.group_col) {
                for e in &mut examples {
                    let group =
                        e.kept.pop().flatten().ok_or_else(|| {
                            DataError::new(p, DataErrorKind::MissingField).at_line(e.line).in_field(col)
                        })?;
                    groups.push(group);
                }
            }
            parts.push(read_labelled(opts, p, examples)?);
            hashes.push(hash);
        }
        let seen = parts.iter().flatten().filter_map(|e| e.label.as_deref());
        let labels = opts.label_order.order(seen)?;
        if labels.len() < 2 {
            let only = labels.first().cloned().unwrap_or_default();
            let kind =
                DataErrorKind::Invalid(format!("the training data has one class ({only:?}); at least two are needed"));
            return Err(DataError::new(first, kind).in_field(opts.columns.label.as_deref().unwrap_or("label")).into());
        }
        // Labels that differ only in case are almost always a data error: report the
        // first row that spells a label differently from an earlier row.
        let mut spelling: std::collections::HashMap<String, &str> = std::collections::HashMap::new();
        for (path, part) in opts.train.iter().zip(&parts) {
            for e in part {
                let Some(label) = e.label.as_deref() else { continue };
                let first = *spelling.entry(label.to_lowercase()).or_insert(label);
                if first != label {
                    let kind = DataErrorKind::Invalid(format!(
                        "labels {first:?} and {label:?} differ only in case; merge them with --label-map {label}={first}"
                    ));
                    let field = opts.columns.label.as_deref().unwrap_or("label");
                    return Err(DataError::new(path, kind).at_line(e.line).in_field(field).into());
                }
            }
        }
        let mut train_hash = hashes.join("+");
        let mut train = LabeledSet { examples: Vec::new(), y: Vec::new() };
        for (path, part) in opts.train.iter().zip(parts) {
            let set = index(path, part, &labels)?;
            train.examples.extend(set.examples);
            train.y.extend(set.y);
        }
        let load_other = |p: &Option<std::path::PathBuf>| -> Result<Option<LabeledSet>, TrainError> {
            p.as_deref().map(|p| load_labelled(opts, p, &labels)).transpose()
        };
        let dev = match (&opts.dev, opts.refit) {
            // The dev set becomes training data: hashed like the training files.
            (Some(path), true) => {
                let (examples, hash) = read_hashed(opts, &opts.columns, path)?;
                train_hash = format!("{train_hash}+{hash}");
                Some(index(path, read_labelled(opts, path, examples)?, &labels)?)
            }
            _ => load_other(&opts.dev)?,
        };
        let test = load_other(&opts.test)?;
        Ok(Self { labels, train, dev, test, train_hash, groups })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashing_while_reading_gives_the_file_hash() {
        let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/reviews_train.csv");
        let opts = TrainOptions::new(vec![path.clone()], "sentence", "verdict");
        let (examples, hash) = read_hashed(&opts, &opts.columns, &path).unwrap();
        assert!(!examples.is_empty());
        assert_eq!(hash, file_hash(&path).unwrap());
    }
}
