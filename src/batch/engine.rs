//! The batch engine: reads items from every input in order, processes each
//! bounded batch in parallel, writes the results in input order, and reports
//! progress after each batch (so the output can be checkpointed).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::error::SettingError;
use crate::data::{Columns, DataError, DataErrorKind, Encoding, Example, Format, RecordReader};
use crate::features::{with_pool, Pool};
use crate::output::{Record, Sink};

/// Where the items come from and how they are batched.
#[derive(Debug, Clone)]
pub struct BatchOptions {
    /// Input files (`-` for stdin), already expanded.
    pub inputs: Vec<PathBuf>,
    /// Input format (from each file's extension when `None`).
    pub format: Option<Format>,
    /// Columns to read from CSV/TSV/JSONL.
    pub columns: Columns,
    /// Treat each plain-text input as one document instead of one item per line.
    pub documents: bool,
    /// Worker threads.
    pub threads: usize,
    /// Items per parallel batch.
    pub batch_size: usize,
    /// Largest item accepted, in bytes.
    pub max_record_bytes: usize,
}

/// Counts from a batch run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BatchSummary {
    /// Input items processed in this run (each gives output rows or an error record).
    pub items: u64,
    /// Output records written.
    pub rows: u64,
    /// Error records among them.
    pub errors: u64,
    /// Items skipped because a resumed output already had them.
    pub skipped: u64,
    /// Bytes of text processed.
    pub bytes: u64,
    /// Items processed with warnings.
    pub warned: u64,
}

/// Turns one input item into output records.
pub trait Processor: Sync {
    /// Per-thread scratch state, kept for the whole run (caches stay warm).
    type Scratch: Send;
    /// A fresh scratch state.
    fn scratch(&self) -> Self::Scratch;
    /// The records for one item read from `source`; anything the reader should
    /// know about how the item was read goes to `warnings`.
    fn process(
        &self,
        scratch: &mut Self::Scratch,
        source: &Arc<str>,
        item: &Example,
        warnings: &mut Vec<String>,
    ) -> Vec<Record>;
    /// The record reporting a bad item.
    fn error(&self, error: &DataError) -> Record;
}

/// Largest `--batch-size`: a batch holds its items in memory.
pub const MAX_BATCH_SIZE: usize = 1 << 20;

/// Worker threads allowed per core: more only costs memory.
pub const THREADS_PER_CORE: usize = 4;

/// The default worker thread count of every run: one per core.
pub fn default_thread_count() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The worker thread count for a requested one: zero is refused, and more
/// than `THREADS_PER_CORE` (4) per core is capped, with a note saying so.
pub fn thread_count(requested: usize) -> Result<(usize, Option<String>), SettingError> {
    let cores = default_thread_count();
    match requested {
        0 => Err(SettingError::ZeroThreads),
        n if n > cores * THREADS_PER_CORE => {
            let cap = cores * THREADS_PER_CORE;
            Ok((cap, Some(format!("--threads {n} capped at {cap} ({THREADS_PER_CORE} per core, {cores} cores)"))))
        }
        n => Ok((n, None)),
    }
}

/// Checks a `--batch-size`: at least 1 and at most [`MAX_BATCH_SIZE`].
pub fn check_batch_size(n: usize) -> Result<usize, SettingError> {
    if (1..=MAX_BATCH_SIZE).contains(&n) {
        Ok(n)
    } else {
        Err(SettingError::BatchSize(n))
    }
}

enum Item {
    Example(usize, Example),
    Error(DataError),
}

fn read_document(path: &Path, limit: usize, encoding: Encoding) -> Result<Example, DataError> {
    let err = |kind| DataError::new(path, kind);
    let mut input: Box<dyn Read> = if path == Path::new("-") {
        Box::new(std::io::stdin())
    } else {
        Box::new(std::fs::File::open(path).map_err(|e| err(DataErrorKind::Io(e.into())))?)
    };
    let mut bytes = Vec::new();
    input
        .by_ref()
        .take((limit as u64).saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| err(DataErrorKind::Io(e.into())))?;
    if bytes.len() > limit {
        // Count the rest without keeping it, so the message gives the real size.
        let rest = std::io::copy(&mut input, &mut std::io::sink()).unwrap_or(0);
        return Err(err(DataErrorKind::Oversized { bytes: bytes.len().saturating_add(rest as usize), limit }));
    }
    if let Some(problem) = crate::data::sniff_encoding(&bytes) {
        return Err(err(DataErrorKind::Invalid(problem)));
    }
    let text = match encoding.decode(&bytes) {
        Ok(text) => text.trim_start_matches('\u{feff}').to_string(),
        // Name the line, and the position in it.
        Err(DataErrorKind::InvalidUtf8 { offset, byte }) => {
            let before = &bytes[..offset];
            let line = 1 + before.iter().filter(|&&b| b == b'\n').count() as u64;
            let offset = before.iter().rposition(|&b| b == b'\n').map_or(offset, |nl| offset - nl - 1);
            return Err(err(DataErrorKind::InvalidUtf8 { offset, byte }).at_line(line));
        }
        Err(kind) => return Err(err(kind)),
    };
    if text.trim().is_empty() {
        return Err(err(DataErrorKind::EmptyText));
    }
    Ok(Example {
        text: text.into(),
        label: None,
        target: None,
        holder: None,
        id: Some(path.display().to_string()),
        date: None,
        line: 1,
        kept: Vec::new(),
    })
}

fn items(opts: &BatchOptions, source: usize, path: &Path) -> Box<dyn Iterator<Item = Item>> {
    let format = opts.format.unwrap_or_else(|| Format::from_path(path));
    if opts.documents && format == Format::Lines {
        return Box::new(std::iter::once(match read_document(path, opts.max_record_bytes, opts.columns.encoding) {
            Ok(e) => Item::Example(source, e),
            Err(e) => Item::Error(e),
        }));
    }
    match RecordReader::open_with_limit(path, Some(format), &opts.columns, opts.max_record_bytes) {
        Ok(r) => Box::new(r.map(move |res| match res {
            Ok(e) => Item::Example(source, e),
            Err(e) => Item::Error(e),
        })),
        Err(e) => Box::new(std::iter::once(Item::Error(e))),
    }
}

/// Processes every item of `opts.inputs` with `processor`, writing its records
/// to `sink` in input order. The first `skip` items are read but not processed
/// (resume). `checkpoint` runs after each batch is written and flushed;
/// `on_warning` hears each item's warnings, in input order, after its records
/// are written. The worker threads are started once and serve every batch of
/// the run.
pub fn run<P: Processor>(
    processor: &P,
    opts: &BatchOptions,
    sink: &mut dyn Sink,
    skip: u64,
    checkpoint: &mut dyn FnMut(&BatchSummary) -> std::io::Result<()>,
    on_warning: &mut dyn FnMut(&str),
) -> std::io::Result<BatchSummary> {
    let names: Vec<Arc<str>> = opts.inputs.iter().map(|p| Arc::from(p.display().to_string())).collect();
    let work = |scratch: &mut P::Scratch, item: &Item| match item {
        Item::Error(e) => Outcome { records: vec![processor.error(e)], error: true, bytes: 0, warnings: Vec::new() },
        Item::Example(source, e) => {
            let mut warnings = Vec::new();
            let records = processor.process(scratch, &names[*source], e, &mut warnings);
            Outcome { records, error: false, bytes: e.text.len() as u64, warnings }
        }
    };
    with_pool(
        opts.threads,
        || processor.scratch(),
        work,
        |pool| {
            let mut summary = BatchSummary::default();
            let mut seen = 0u64;
            let mut batch: Vec<Item> = Vec::with_capacity(opts.batch_size.clamp(1, 4096));
            for (source, path) in opts.inputs.iter().enumerate() {
                for item in items(opts, source, path) {
                    seen += 1;
                    if seen <= skip {
                        summary.skipped += 1;
                        continue;
                    }
                    batch.push(item);
                    if batch.len() >= opts.batch_size.clamp(1, MAX_BATCH_SIZE) {
                        flush(pool, &mut batch, sink, &mut summary, on_warning)?;
                        checkpoint(&summary)?;
                    }
                }
            }
            flush(pool, &mut batch, sink, &mut summary, on_warning)?;
            checkpoint(&summary)?;
            Ok(summary)
        },
    )
}

/// What one item gave.
struct Outcome {
    records: Vec<Record>,
    /// Whether the item was an error.
    error: bool,
    /// Its bytes of text.
    bytes: u64,
    /// What the reader should know about how it was read.
    warnings: Vec<String>,
}

fn flush(
    pool: &mut Pool<'_, Item, Outcome>,
    batch: &mut Vec<Item>,
    sink: &mut dyn Sink,
    summary: &mut BatchSummary,
    on_warning: &mut dyn FnMut(&str),
) -> std::io::Result<()> {
    if batch.is_empty() {
        return Ok(());
    }
    let results = pool.map(batch);
    for outcome in &results {
        for r in &outcome.records {
            sink.write(r)?;
        }
        outcome.warnings.iter().for_each(|w| on_warning(w));
        summary.items += 1;
        summary.rows += outcome.records.len() as u64;
        summary.errors += u64::from(outcome.error);
        summary.bytes += outcome.bytes;
        summary.warned += u64::from(!outcome.warnings.is_empty());
    }
    sink.flush()?;
    batch.clear();
    Ok(())
}
