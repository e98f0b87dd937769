//! Data stage: readers for CSV, TSV, JSONL and plain-text lines with named
//! columns, producing [`Example`]s or a [`DataError`] naming file, line and field.

mod delimited;
mod error;
mod example;
mod jsonl;
mod source;

pub use error::{DataError, DataErrorKind};
pub use example::{Columns, Example, Target};
pub use source::{read_all, sniff_encoding, Format, RecordReader};
