//! Parsing a stream: raw text (whole files, or the text column of CSV/TSV/JSONL
//! records, each a document) or CoNLL-U in, CoNLL-U out, in input order, in
//! bounded batches spread over worker threads that serve the whole run; bad
//! records and sentences are reported and skipped, and CoNLL-U input with gold
//! trees can be scored as it goes.

use std::io::{self, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use crate::data::{Columns, Format, RecordReader};
use crate::features::{with_pool, Pool};
use crate::syntax::{
    sentences, ConlluReader, ReadLimits, Sentence, SyntaxError, SyntaxModel, SyntaxScores, SyntaxScratch,
};

/// What the inputs hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ParseFormat {
    /// Raw text: each file is split into sentences and words.
    Text,
    /// CoNLL-U: the given sentences and words are kept and re-tagged and re-parsed.
    Conllu,
}

/// How to parse a stream.
#[derive(Debug, Clone)]
pub struct ParseOptions {
    /// Input format.
    pub format: ParseFormat,
    /// Worker threads.
    pub threads: usize,
    /// Sentences per parallel batch.
    pub batch: usize,
    /// Largest raw-text file accepted, in bytes.
    pub max_text_bytes: usize,
    /// Score CoNLL-U input's gold columns against the output.
    pub score: bool,
    /// With raw text: the columns of CSV/TSV/JSONL inputs (`text`, and `id` for the document id).
    pub columns: Columns,
}

impl Default for ParseOptions {
    fn default() -> Self {
        ParseOptions {
            format: ParseFormat::Text,
            threads: 1,
            batch: 4096,
            max_text_bytes: 64 << 20,
            score: false,
            columns: Columns::default(),
        }
    }
}

/// What a run did.
#[derive(Debug, Clone, Default)]
pub struct ParseSummary {
    /// Sentences written.
    pub sentences: u64,
    /// Words written.
    pub words: u64,
    /// Inputs or sentences reported as errors and skipped.
    pub errors: u64,
    /// Scores against the input's gold columns, when asked for.
    pub scores: Option<SyntaxScores>,
}

fn io_err(path: &Path, source: io::Error) -> SyntaxError {
    SyntaxError::Io { path: path.display().to_string(), cause: source }
}

fn open(path: &Path) -> Result<Box<dyn Read>, SyntaxError> {
    if path == Path::new("-") {
        Ok(Box::new(io::stdin()))
    } else {
        Ok(Box::new(std::fs::File::open(path).map_err(|e| io_err(path, e))?))
    }
}

struct Run<'a, 'p> {
    options: &'a ParseOptions,
    out: &'a mut dyn Write,
    on_error: &'a mut dyn FnMut(&str),
    pending: Vec<Sentence>,
    /// The worker threads of the run, each with its scratch, kept across batches.
    pool: &'a mut Pool<'p, Sentence, Sentence>,
    summary: ParseSummary,
    text: String,
}

impl Run<'_, '_> {
    fn push(&mut self, s: Sentence) -> Result<(), SyntaxError> {
        self.pending.push(s);
        if self.pending.len() >= self.options.batch {
            self.flush()?;
        }
        Ok(())
    }

    fn error(&mut self, e: impl std::fmt::Display) {
        self.summary.errors += 1;
        (self.on_error)(&e.to_string());
    }

    fn document(&mut self, id: &str, text: &str) -> Result<(), SyntaxError> {
        for (i, mut raw) in sentences(text).into_iter().enumerate() {
            if i == 0 {
                raw.sentence.comments.insert(0, format!("newdoc id = {id}"));
            }
            self.push(raw.sentence)?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), SyntaxError> {
        let parsed = self.pool.map(&mut self.pending);
        if self.options.score {
            let scores = self.summary.scores.get_or_insert_with(SyntaxScores::default);
            for (g, s) in self.pending.iter().zip(&parsed) {
                if g.has_heads() {
                    scores.add(g, s).expect("the same words");
                }
            }
        }
        self.pending.clear();
        for s in parsed {
            self.text.clear();
            s.write_to(&mut self.text);
            self.out.write_all(self.text.as_bytes()).map_err(|e| io_err(Path::new("<output>"), e))?;
            self.summary.sentences += 1;
            self.summary.words += s.words.len() as u64;
        }
        Ok(())
    }

    fn input(&mut self, path: &Path) -> Result<(), SyntaxError> {
        let name = path.display().to_string();
        match self.options.format {
            ParseFormat::Conllu => {
                let reader = BufReader::with_capacity(1 << 16, open(path)?);
                for s in ConlluReader::new(reader, &name, ReadLimits::default()) {
                    match s {
                        Ok(s) => self.push(s)?,
                        Err(e @ SyntaxError::Io { .. }) => return Err(e),
                        Err(e) => self.error(e),
                    }
                }
            }
            ParseFormat::Text if Format::from_path(path) != Format::Lines => {
                let records =
                    match RecordReader::open_with_limit(path, None, &self.options.columns, self.options.max_text_bytes)
                    {
                        Ok(r) => r,
                        Err(e) => {
                            self.error(e);
                            return Ok(());
                        }
                    };
                for record in records {
                    match record {
                        Ok(e) => {
                            let id = e.id.clone().unwrap_or_else(|| format!("{name}:{}", e.line));
                            self.document(&id, &e.text)?;
                        }
                        Err(e) => self.error(e),
                    }
                }
            }
            ParseFormat::Text => {
                let mut bytes = Vec::new();
                let limit = self.options.max_text_bytes;
                open(path)?.take(limit as u64 + 1).read_to_end(&mut bytes).map_err(|e| io_err(path, e))?;
                let reason = if bytes.len() > limit {
                    Some(format!("larger than the limit of {limit} bytes"))
                } else if std::str::from_utf8(&bytes).is_err() {
                    Some("not valid UTF-8".to_string())
                } else {
                    None
                };
                if let Some(reason) = reason {
                    self.error(SyntaxError::Conllu { path: name, line: 1, reason });
                    return Ok(());
                }
                let text = String::from_utf8(bytes).expect("checked");
                self.document(&name, &text)?;
            }
        }
        Ok(())
    }
}

/// Parses every input into `out` as CoNLL-U; `on_error` hears each skipped
/// input, record or sentence. Fails only when reading an input or writing fails.
pub fn parse_stream(
    model: &SyntaxModel,
    inputs: &[PathBuf],
    options: &ParseOptions,
    out: &mut dyn Write,
    on_error: &mut dyn FnMut(&str),
) -> Result<ParseSummary, SyntaxError> {
    let annotate = |scratch: &mut SyntaxScratch, s: &Sentence| {
        let mut s = s.clone();
        model.annotate(&mut s, scratch);
        s
    };
    with_pool(options.threads, SyntaxScratch::default, annotate, |pool| {
        let mut run = Run {
            options,
            out,
            on_error,
            pending: Vec::new(),
            pool,
            summary: ParseSummary::default(),
            text: String::new(),
        };
        for path in inputs {
            run.input(path)?;
        }
        run.flush()?;
        run.out.flush().map_err(|e| io_err(Path::new("<output>"), e))?;
        Ok(run.summary)
    })
}
