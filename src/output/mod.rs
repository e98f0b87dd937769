//! Output stage: sinks that write records as JSON Lines, CSV, a JSON array or
//! a readable table, in the order they are given, or aggregate article rows
//! into an HTML report (drawn by [`crate::report`]). Knows only records.

mod csv;
mod html;
mod json;
mod table;

use std::io::{self, Write};
use std::sync::Arc;

use crate::report::{CorpusLimits, CorpusMeta};

pub use self::csv::CsvSink;
pub use self::html::HtmlSink;
pub use self::json::{JsonArraySink, JsonlSink};
pub use self::table::TableSink;

/// One output record: named fields in a fixed order.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// Field names and values, in column order.
    pub fields: Vec<(&'static str, Field)>,
}

impl Record {
    /// The value of `name`, if present.
    pub fn get(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }
}

/// One field's value. Strings that repeat across records (source names, labels)
/// are shared and a label ranking is kept as pairs, so that a sentence record
/// costs few allocations; anything else is a JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum Field {
    /// A JSON value.
    Json(serde_json::Value),
    /// A string shared between records.
    Str(Arc<str>),
    /// Labels with probabilities, written as `[{"label": …, "p": …}, …]`.
    Ranking(Vec<(Arc<str>, f64)>),
}

impl From<serde_json::Value> for Field {
    fn from(v: serde_json::Value) -> Self {
        Self::Json(v)
    }
}

impl Field {
    /// The null value.
    pub const NULL: Field = Field::Json(serde_json::Value::Null);

    /// The value as JSON.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Self::Json(v) => v.clone(),
            Self::Str(s) => serde_json::Value::String(s.to_string()),
            Self::Ranking(r) => r.iter().map(|(label, p)| serde_json::json!({"label": &**label, "p": p})).collect(),
        }
    }

    /// Appends the value as JSON text to `buf`, as [`Field::to_json`] would serialise.
    pub fn write_json(&self, buf: &mut Vec<u8>) -> io::Result<()> {
        match self {
            Self::Json(v) => serde_json::to_writer(&mut *buf, v)?,
            Self::Str(s) => serde_json::to_writer(&mut *buf, &**s)?,
            Self::Ranking(r) => {
                buf.push(b'[');
                for (i, (label, p)) in r.iter().enumerate() {
                    buf.extend_from_slice(if i == 0 { b"{\"label\":" } else { b",{\"label\":" });
                    serde_json::to_writer(&mut *buf, &**label)?;
                    buf.extend_from_slice(b",\"p\":");
                    serde_json::to_writer(&mut *buf, p)?;
                    buf.push(b'}');
                }
                buf.push(b']');
            }
        }
        Ok(())
    }
}

/// A column name for the whole process, for names made at run time (one
/// probability column per label, kept input columns): each distinct name is
/// allocated once, however many runs use it.
pub fn column_name(name: &str) -> &'static str {
    static NAMES: std::sync::OnceLock<std::sync::Mutex<std::collections::HashSet<&'static str>>> =
        std::sync::OnceLock::new();
    let mut names = NAMES.get_or_init(Default::default).lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(&known) = names.get(name) {
        return known;
    }
    let new: &'static str = Box::leak(name.into());
    names.insert(new);
    new
}

pub use crate::rounding::round_score;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// Aligned columns for people.
    Table,
    /// One JSON object per line.
    Jsonl,
    /// CSV with a header row.
    Csv,
    /// One JSON array.
    Json,
    /// One self-contained HTML page: actor × event cells with their evidence (article rows only).
    Html,
}

/// A destination for records.
pub trait Sink {
    /// Writes one record.
    fn write(&mut self, record: &Record) -> io::Result<()>;
    /// Flushes buffered output.
    fn flush(&mut self) -> io::Result<()>;
    /// Writes any trailer and flushes.
    fn finish(&mut self) -> io::Result<()>;
    /// Told the number of items the run processed, before [`Sink::finish`] (a report
    /// counts the articles that gave no records too). Others ignore it.
    fn items(&mut self, _items: u64) {}
}

/// A sink for `format` over `out`. `columns` are the field names every record
/// has (used for headers); `header` says whether CSV and table output write
/// their header (false when resuming an output that has one).
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
        OutputFormat::Table => Box::new(TableSink::new(out, columns, header)),
        OutputFormat::Html => Box::new(HtmlSink::new(out, CorpusMeta::default(), CorpusLimits::default())),
    }
}

/// A field as plain text: strings unquoted, null empty, others as JSON.
pub fn plain(v: &Field) -> String {
    match v {
        Field::Str(s) => s.to_string(),
        Field::Json(v) => plain_json(v),
        ranking => ranking.to_json().to_string(),
    }
}

/// A JSON value as plain text: strings unquoted, null empty, others as JSON.
fn plain_json(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}
