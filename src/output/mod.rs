//! Output stage: sinks that write records as JSON Lines, CSV, a JSON array or
//! a readable table, in the order they are given. Knows only records.

mod csv;
mod json;
mod table;

use std::io::{self, Write};

pub use self::csv::CsvSink;
pub use self::json::{JsonArraySink, JsonlSink};
pub use self::table::TableSink;

/// One output record: named fields in a fixed order.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// Field names and values, in column order.
    pub fields: Vec<(&'static str, serde_json::Value)>,
}

impl Record {
    /// The value of `name`, if present.
    pub fn get(&self, name: &str) -> Option<&serde_json::Value> {
        self.fields.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// Aligned columns for people.
    Table,
    /// One JSON object per line.
    Jsonl,
    /// CSV with a header row.
    Csv,
    /// One JSON array.
    Json,
}

impl OutputFormat {
    /// Parses `table`, `jsonl`, `csv` or `json`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "table" => Some(Self::Table),
            "jsonl" => Some(Self::Jsonl),
            "csv" => Some(Self::Csv),
            "json" => Some(Self::Json),
            _ => None,
        }
    }

    /// True when each record is exactly one line after a fixed header, so a
    /// partial output can be resumed by counting lines.
    pub fn is_line_oriented(self) -> bool {
        matches!(self, Self::Jsonl | Self::Csv)
    }
}

/// A destination for records.
pub trait Sink {
    /// Writes one record.
    fn write(&mut self, record: &Record) -> io::Result<()>;
    /// Flushes buffered output.
    fn flush(&mut self) -> io::Result<()>;
    /// Writes any trailer and flushes.
    fn finish(&mut self) -> io::Result<()>;
}

/// A sink for `format` over `out`. `columns` are the field names every record
/// has (used for headers); `header` says whether CSV writes its header row.
pub fn sink<'a>(
    format: OutputFormat,
    out: Box<dyn Write + 'a>,
    columns: &[&'static str],
    header: bool,
) -> Box<dyn Sink + 'a> {
    match format {
        OutputFormat::Jsonl => Box::new(JsonlSink::new(out)),
        OutputFormat::Json => Box::new(JsonArraySink::new(out)),
        OutputFormat::Csv => Box::new(CsvSink::new(out, columns, header)),
        OutputFormat::Table => Box::new(TableSink::new(out, columns)),
    }
}

/// A field as plain text: strings unquoted, null empty, others as JSON.
pub fn plain(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}
