//! The syntax model: tagger, lemmatiser and parser in one file (the crate's
//! container: magic `STANCE\0S`, version, length, checksum, then `postcard`),
//! and [`SyntaxModel::annotate`], which fills a sentence's tags, lemmas and tree.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::conllu::Sentence;
use super::error::SyntaxError;
use super::lemma::Lemmatizer;
use super::parser::{ParseInput, ParseScratch, Parser};
use super::tagger::{TagScratch, Tagger};
use crate::container::{self, ContainerError};
use crate::hash::fnv1a64;

/// First bytes of every syntax model file.
pub const MAGIC: &[u8; 8] = b"STANCE\x00S";
/// The format version this build writes and the newest it reads.
pub const FORMAT_VERSION: u32 = 1;
/// Largest syntax model file this build reads (512 MiB).
pub const MAX_FILE_BYTES: u64 = 1 << 29;
/// The shipped English model (trained on UD English EWT), relative to the project.
pub const SHIPPED_SYNTAX_MODEL: &str = "models/syntax-en-ewt.syntax";

/// Where the shipped model is: under the working directory when it is there,
/// else in the source tree this build came from.
pub fn shipped_model_path() -> std::path::PathBuf {
    let local = Path::new(SHIPPED_SYNTAX_MODEL);
    if local.exists() {
        local.to_path_buf()
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join(SHIPPED_SYNTAX_MODEL)
    }
}

/// Where a model came from.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct SyntaxInfo {
    /// The crate version that trained it.
    pub crate_version: String,
    /// FNV-1a 64 of the training treebank's bytes, in hex.
    pub training_data_hash: String,
    /// Training sentences.
    pub n_sentences: usize,
    /// The training settings, as `key=value` pairs.
    pub settings: String,
}

/// A trained syntax pipeline.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SyntaxModel {
    /// Provenance.
    pub info: SyntaxInfo,
    pub(crate) tagger: Tagger,
    pub(crate) lemmatizer: Lemmatizer,
    pub(crate) parser: Parser,
    #[serde(skip)]
    tag_keys: Vec<(u64, u64)>,
}

/// Per-thread buffers for [`SyntaxModel::annotate`].
#[derive(Debug, Default, Clone)]
pub struct SyntaxScratch {
    tag: TagScratch,
    parse: ParseScratch,
    tags: Vec<u16>,
    input: ParseInput,
}

/// The hashes the parser sees for each of `tagger`'s tags: (XPOS, UPOS).
pub(crate) fn tag_keys(tagger: &Tagger) -> Vec<(u64, u64)> {
    (0..tagger.n_tags())
        .map(|c| {
            let (u, x) = tagger.tag_name(c);
            (fnv1a64(22, x.as_bytes()), fnv1a64(21, u.as_bytes()))
        })
        .collect()
}

/// Fills `x` with what the parser reads of a sentence the tagger just tagged
/// `tags`: the tagger's word hashes and each tag's keys.
pub(crate) fn fill_input(tag_keys: &[(u64, u64)], tags: &[u16], scratch: &TagScratch, x: &mut ParseInput) {
    x.words.clear();
    x.words.extend_from_slice(scratch.word_hashes());
    x.tags.clear();
    x.tags.extend(tags.iter().map(|&t| tag_keys[t as usize].0));
    x.coarse.clear();
    x.coarse.extend(tags.iter().map(|&t| tag_keys[t as usize].1));
}

impl SyntaxModel {
    /// Assembles a model from trained parts.
    pub(crate) fn new(info: SyntaxInfo, tagger: Tagger, lemmatizer: Lemmatizer, parser: Parser) -> Self {
        let mut m = SyntaxModel { info, tagger, lemmatizer, parser, tag_keys: Vec::new() };
        m.build();
        m
    }

    fn build(&mut self) {
        self.tag_keys = tag_keys(&self.tagger);
        self.lemmatizer.build();
    }

    /// The dependency labels the parser predicts.
    pub fn labels(&self) -> &[String] {
        self.parser.labels()
    }

    /// Tags, lemmatises and parses `sentence` in place (its words' forms are kept;
    /// UPOS, XPOS, LEMMA, HEAD and DEPREL are replaced; FEATS and DEPS are cleared).
    pub fn annotate(&self, sentence: &mut Sentence, scratch: &mut SyntaxScratch) {
        let forms: Vec<&str> = sentence.words.iter().map(|w| w.form.as_str()).collect();
        self.tagger.tag(&forms, &mut scratch.tag, &mut scratch.tags);
        fill_input(&self.tag_keys, &scratch.tags, &scratch.tag, &mut scratch.input);
        let parse = self.parser.parse(&scratch.input, &mut scratch.parse);
        for (i, w) in sentence.words.iter_mut().enumerate() {
            let (u, xp) = self.tagger.tag_name(scratch.tags[i] as usize);
            w.lemma = self.lemmatizer.lemma(&w.form, xp);
            w.upos = u.to_string();
            w.xpos = xp.to_string();
            w.feats = "_".into();
            w.head = Some(parse.heads[i]);
            w.deprel = self.parser.labels()[parse.labels[i] as usize].clone();
            w.deps = "_".into();
        }
    }

    /// Serialises the model.
    pub fn to_bytes(&self) -> Vec<u8> {
        let body = postcard::to_stdvec(self).expect("in-memory serialisation cannot fail");
        container::frame(MAGIC, FORMAT_VERSION, &body)
    }

    /// Parses and validates a model; `path` names the source in errors.
    pub fn from_bytes(path: &Path, bytes: &[u8]) -> Result<Self, SyntaxError> {
        Self::decode(path, bytes)?.finish(path)
    }

    /// Parses a model without checking it or building its indexes.
    fn decode(path: &Path, bytes: &[u8]) -> Result<Self, SyntaxError> {
        let err = |reason: String| SyntaxError::Format { path: path.display().to_string(), reason };
        let (_, body) =
            container::unframe(bytes, MAGIC, FORMAT_VERSION, "stance syntax model").map_err(|e| err(e.to_string()))?;
        postcard::from_bytes(body).map_err(|e| err(format!("corrupt model payload: {e}")))
    }

    /// Checks a decoded model and builds its indexes.
    fn finish(mut self, path: &Path) -> Result<Self, SyntaxError> {
        let err = |reason: String| SyntaxError::Format { path: path.display().to_string(), reason };
        self.tagger.validate().map_err(err)?;
        self.parser.validate().map_err(err)?;
        self.build();
        Ok(self)
    }

    /// Loads and validates a model file.
    pub fn load(path: &Path) -> Result<Self, SyntaxError> {
        let bytes =
            container::read_container(path, MAX_FILE_BYTES, MAGIC, "stance syntax model").map_err(|e| match e {
                ContainerError::Io(source) => SyntaxError::Io { path: path.display().to_string(), cause: source },
                ContainerError::Format(reason) => SyntaxError::Format { path: path.display().to_string(), reason },
            })?;
        let model = Self::decode(path, &bytes)?;
        // The file's bytes are not needed while the indexes are built.
        drop(bytes);
        model.finish(path)
    }

    /// Writes the model atomically; returns its size in bytes.
    pub fn save(&self, path: &Path) -> Result<u64, SyntaxError> {
        let bytes = self.to_bytes();
        crate::outputs::write_atomic(path, &bytes)
            .map_err(|source| SyntaxError::Io { path: path.display().to_string(), cause: source })?;
        Ok(bytes.len() as u64)
    }
}
