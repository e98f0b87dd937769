//! Batch classification: stream records from files, directories or stdin in
//! bounded batches, classify each batch in parallel, and write one output
//! record per input record (a prediction or an error) in input order.

mod inputs;
mod resume;
mod sentences;

pub use inputs::expand_inputs;
pub use resume::{ResumableOutput, PARTIAL_SUFFIX};
pub use sentences::{classify, BatchOptions, BatchSummary, SENTENCE_COLUMNS};
