//! The batch engine: reads items from every input in order, processes each
//! bounded batch in parallel, writes the results in input order, and reports
//! progress after each batch (so the output can be checkpointed).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::data::{Columns, DataError, DataErrorKind, Example, Format, RecordReader};
use crate::features::map_chunks_with;
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
}

/// Turns one input item into output records.
pub trait Processor: Sync {
    /// Per-thread scratch state, kept for the whole run (caches stay warm).
    type Scratch: Send;
    /// A fresh scratch state.
    fn scratch(&self) -> Self::Scratch;
    /// The records for one item read from `source`.
    fn process(&self, scratch: &mut Self::Scratch, source: &Arc<str>, item: &Example) -> Vec<Record>;
    /// The record reporting a bad item.
    fn error(&self, error: &DataError) -> Record;
}

/// Largest `--batch-size`: a batch holds its items in memory.
pub const MAX_BATCH_SIZE: usize = 1 << 20;

/// Worker threads allowed per core: more only costs memory.
pub const THREADS_PER_CORE: usize = 4;

/// The worker thread count for a requested one (all cores when `None`): zero
/// is refused, and more than [`THREADS_PER_CORE`] per core is capped, with a
/// note saying so.
pub fn thread_count(requested: Option<usize>) -> Result<(usize, Option<String>), String> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    match requested {
        None => Ok((cores, None)),
        Some(0) => Err("--threads must be at least 1".into()),
        Some(n) if n > cores * THREADS_PER_CORE => {
            let cap = cores * THREADS_PER_CORE;
            Ok((cap, Some(format!("--threads {n} capped at {cap} ({THREADS_PER_CORE} per core, {cores} cores)"))))
        }
        Some(n) => Ok((n, None)),
    }
}

/// Checks a `--batch-size`: at least 1 and at most [`MAX_BATCH_SIZE`].
pub fn check_batch_size(n: usize) -> Result<usize, String> {
    if (1..=MAX_BATCH_SIZE).contains(&n) {
        Ok(n)
    } else {
        Err(format!("--batch-size {n} is out of range: use 1 to {MAX_BATCH_SIZE}"))
    }
}

enum Item {
    Example(usize, Example),
    Error(DataError),
}

fn read_document(path: &Path, limit: usize) -> Result<Example, DataError> {
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
    let text = String::from_utf8(bytes).map_err(|_| err(DataErrorKind::InvalidUtf8))?;
    let text = text.trim_start_matches('\u{feff}').to_string();
    if text.trim().is_empty() {
        return Err(err(DataErrorKind::EmptyText));
    }
    Ok(Example {
        text: text.into(),
        label: None,
        target: None,
        holder: None,
        id: Some(path.display().to_string()),
        line: 1,
    })
}

fn items(opts: &BatchOptions, source: usize, path: &Path) -> Box<dyn Iterator<Item = Item>> {
    let format = opts.format.unwrap_or_else(|| Format::from_path(path));
    if opts.documents && format == Format::Lines {
        return Box::new(std::iter::once(match read_document(path, opts.max_record_bytes) {
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
/// (resume). `checkpoint` runs after each batch is written and flushed.
pub fn run<P: Processor>(
    processor: &P,
    opts: &BatchOptions,
    sink: &mut dyn Sink,
    skip: u64,
    checkpoint: &mut dyn FnMut(&BatchSummary) -> std::io::Result<()>,
) -> std::io::Result<BatchSummary> {
    let names: Vec<Arc<str>> = opts.inputs.iter().map(|p| Arc::from(p.display().to_string())).collect();
    let mut summary = BatchSummary::default();
    let mut seen = 0u64;
    let mut batch: Vec<Item> = Vec::with_capacity(opts.batch_size.clamp(1, 4096));
    let mut states = Vec::new();
    for (source, path) in opts.inputs.iter().enumerate() {
        for item in items(opts, source, path) {
            seen += 1;
            if seen <= skip {
                summary.skipped += 1;
                continue;
            }
            batch.push(item);
            if batch.len() >= opts.batch_size.clamp(1, MAX_BATCH_SIZE) {
                flush(processor, opts, &names, &mut batch, &mut states, sink, &mut summary)?;
                checkpoint(&summary)?;
            }
        }
    }
    flush(processor, opts, &names, &mut batch, &mut states, sink, &mut summary)?;
    checkpoint(&summary)?;
    Ok(summary)
}

fn flush<P: Processor>(
    processor: &P,
    opts: &BatchOptions,
    names: &[Arc<str>],
    batch: &mut Vec<Item>,
    states: &mut Vec<P::Scratch>,
    sink: &mut dyn Sink,
    summary: &mut BatchSummary,
) -> std::io::Result<()> {
    if batch.is_empty() {
        return Ok(());
    }
    let results = map_chunks_with(
        batch,
        states,
        opts.threads,
        || processor.scratch(),
        |scratch, item| match item {
            Item::Error(e) => (vec![processor.error(e)], true, 0),
            Item::Example(source, e) => (processor.process(scratch, &names[*source], e), false, e.text.len() as u64),
        },
    );
    for (records, is_error, bytes) in &results {
        for r in records {
            sink.write(r)?;
        }
        summary.items += 1;
        summary.rows += records.len() as u64;
        summary.errors += u64::from(*is_error);
        summary.bytes += bytes;
    }
    sink.flush()?;
    batch.clear();
    Ok(())
}
