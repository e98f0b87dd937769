//! Batch processing (classification, article tagging and parsing): stream items
//! from files, directories or stdin in bounded
//! batches, process each batch in parallel, and write every item's records (or
//! an error record) in input order, resumably.

mod articles;
mod destination;
mod engine;
mod error;
mod inputs;
mod parse;
mod parse_to;
mod resume;
mod sentences;
mod tag;

pub use articles::{ArticleProcessor, ARTICLE_COLUMNS, LINK_COLUMNS};
pub use engine::{
    check_batch_size, default_thread_count, run, thread_count, BatchOptions, BatchSummary, Processor, MAX_BATCH_SIZE,
};
pub use error::{is_broken_pipe, BatchError, SettingError};
pub use inputs::expand_inputs;
pub use parse::{parse_stream, ParseFormat, ParseOptions, ParseSummary};
pub use parse_to::{parse_to, ParseOutputs};
pub use resume::{CountingWriter, ResumableOutput, RunSignature, PARTIAL_SUFFIX};
pub use sentences::{error_record, SentenceProcessor, SENTENCE_COLUMNS};
pub use tag::{ArticleOptions, ModelOptions, TagOptions, TagRun, DEFAULT_BATCH_SIZE};
