//! Data stage: readers for CSV, TSV, JSONL and plain-text lines with named
//! (or, without a header, numbered) columns in UTF-8, Windows-1252 or Latin-1, producing [`Example`]s or a [`DataError`] naming file, line and field.

mod delimited;
mod encoding;
mod error;
mod example;
mod jsonl;
mod source;

pub use encoding::Encoding;
pub use error::{DataError, DataErrorKind};
pub use example::{Columns, Example, Target, DEFAULT_LABEL_COLUMN, DEFAULT_TEXT_COLUMN};
pub use source::{read_all, sniff_encoding, Format, RecordReader};
