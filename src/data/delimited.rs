//! CSV and TSV records with a header, read with the `csv` crate.

use std::collections::VecDeque;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::error::{DataError, DataErrorKind};
use super::example::{Columns, Example, Target};

/// Carriage returns and line feeds seen in the raw stream, so that a record's
/// byte offset maps to the line its content starts on (the `csv` crate's own
/// line counter is off after CRLF endings and blank lines).
#[derive(Default)]
struct LineIndex {
    lines_before: u64,
    marks: VecDeque<(u64, bool)>,
    offset: u64,
}

impl LineIndex {
    /// The 1-based line of the first content byte at or after `byte`.
    fn line_at(&mut self, byte: u64) -> u64 {
        while self.marks.front().is_some_and(|&(o, _)| o < byte) {
            let (_, lf) = self.marks.pop_front().expect("front exists");
            self.lines_before += u64::from(lf);
        }
        let run = self.marks.iter().zip(byte..).take_while(|((o, _), cur)| o == cur);
        self.lines_before + 1 + run.filter(|((_, lf), _)| *lf).count() as u64
    }
}

struct Counting {
    inner: Box<dyn Read + Send>,
    index: Arc<Mutex<LineIndex>>,
}

impl Read for Counting {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut index = self.index.lock().unwrap_or_else(|e| e.into_inner());
        let base = index.offset;
        for i in memchr::memchr2_iter(b'\n', b'\r', &buf[..n]) {
            index.marks.push_back((base + i as u64, buf[i] == b'\n'));
        }
        index.offset += n as u64;
        Ok(n)
    }
}

/// Streams examples from a delimited file.
pub struct DelimitedReader {
    path: PathBuf,
    lines: Arc<Mutex<LineIndex>>,
    reader: csv::Reader<Box<dyn Read + Send>>,
    record: csv::ByteRecord,
    text: (usize, String),
    label: Option<(usize, String)>,
    target: Option<(usize, String)>,
    id: Option<(usize, String)>,
    holder: Option<(usize, String)>,
    width: u64,
    max_bytes: usize,
}

fn column(path: &Path, header: &[String], name: &str) -> Result<(usize, String), DataError> {
    header.iter().position(|h| h == name).map(|i| (i, name.to_string())).ok_or_else(|| {
        DataError::new(path, DataErrorKind::MissingColumn { available: header.to_vec() }).at_line(1).in_field(name)
    })
}

impl DelimitedReader {
    /// Opens a delimited stream and resolves `columns` against its header.
    pub fn new(
        path: &Path,
        input: Box<dyn Read + Send>,
        delimiter: u8,
        columns: &Columns,
        max_bytes: usize,
    ) -> Result<Self, DataError> {
        if let Some(spans) = &columns.spans {
            return Err(
                DataError::new(path, DataErrorKind::Invalid("span fields need JSONL input".into())).in_field(spans)
            );
        }
        let lines = Arc::new(Mutex::new(LineIndex::default()));
        let input = Counting { inner: input, index: Arc::clone(&lines) };
        // Flexible, so that ragged rows reach our own check, whose line numbers are right.
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .has_headers(true)
            .from_reader(Box::new(input) as Box<dyn Read + Send>);
        let header = reader.byte_headers().map_err(|e| csv_error(path, e))?.clone();
        let header: Vec<String> = header
            .iter()
            .enumerate()
            .map(|(i, h)| {
                std::str::from_utf8(h)
                    .map(|s| s.trim_start_matches('\u{feff}').to_string())
                    .map_err(|_| DataError::new(path, DataErrorKind::InvalidUtf8).at_line(1).in_field(&format!("#{i}")))
            })
            .collect::<Result<_, _>>()?;
        if header.iter().all(|h| h.is_empty()) {
            return Err(DataError::new(path, DataErrorKind::Invalid("empty file: no header row".into())));
        }
        let text = column(path, &header, &columns.text)?;
        let label = columns.label.as_deref().map(|c| column(path, &header, c)).transpose()?;
        let target = columns.target.as_deref().map(|c| column(path, &header, c)).transpose()?;
        let id = columns.id.as_deref().map(|c| column(path, &header, c)).transpose()?;
        let holder = columns.holder.as_deref().map(|c| column(path, &header, c)).transpose()?;
        Ok(Self {
            path: path.to_path_buf(),
            lines,
            reader,
            record: csv::ByteRecord::new(),
            text,
            label,
            target,
            id,
            holder,
            width: header.len() as u64,
            max_bytes,
        })
    }

    fn field(&self, line: u64, (idx, name): &(usize, String)) -> Result<&str, DataError> {
        let bytes = self
            .record
            .get(*idx)
            .ok_or_else(|| DataError::new(&self.path, DataErrorKind::MissingField).at_line(line).in_field(name))?;
        std::str::from_utf8(bytes)
            .map_err(|_| DataError::new(&self.path, DataErrorKind::InvalidUtf8).at_line(line).in_field(name))
    }

    fn example(&self, line: u64) -> Result<Example, DataError> {
        let size = self.record.as_slice().len();
        if size > self.max_bytes {
            return Err(DataError::new(&self.path, DataErrorKind::Oversized { bytes: size, limit: self.max_bytes })
                .at_line(line));
        }
        let text = self.field(line, &self.text)?;
        if text.trim().is_empty() {
            return Err(DataError::new(&self.path, DataErrorKind::EmptyText).at_line(line).in_field(&self.text.1));
        }
        let label = match &self.label {
            Some(col) => Some(nonempty(self.field(line, col)?, &self.path, line, &col.1)?.to_string()),
            None => None,
        };
        let named = |col: &Option<(usize, String)>| -> Result<Option<Target>, DataError> {
            col.as_ref()
                .map(|c| {
                    let name = nonempty(self.field(line, c)?, &self.path, line, &c.1)?;
                    Ok(Target { name: name.to_string(), span: None })
                })
                .transpose()
        };
        let target = named(&self.target)?;
        let holder = named(&self.holder)?;
        let id = match &self.id {
            Some(col) => Some(self.field(line, col)?.to_string()),
            None => None,
        };
        Ok(Example { text: text.to_string(), label, target, holder, id, line })
    }

    /// The next example, an error for a bad record, or `None` at the end.
    pub fn next_example(&mut self) -> Option<Result<Example, DataError>> {
        match self.reader.read_byte_record(&mut self.record) {
            Ok(false) => None,
            Ok(true) => {
                let byte = self.record.position().map_or(0, |p| p.byte());
                let line = self.lines.lock().unwrap_or_else(|e| e.into_inner()).line_at(byte);
                if self.record.len() as u64 != self.width {
                    let found = self.record.len() as u64;
                    let kind = DataErrorKind::Ragged { expected: self.width, found };
                    return Some(Err(DataError::new(&self.path, kind).at_line(line)));
                }
                Some(self.example(line))
            }
            Err(e) => Some(Err(csv_error(&self.path, e))),
        }
    }
}

fn nonempty<'a>(value: &'a str, path: &Path, line: u64, field: &str) -> Result<&'a str, DataError> {
    let value = value.trim();
    if value.is_empty() {
        Err(DataError::new(path, DataErrorKind::MissingField).at_line(line).in_field(field))
    } else {
        Ok(value)
    }
}

fn csv_error(path: &Path, e: csv::Error) -> DataError {
    let line = e.position().map(|p| p.line());
    let kind = match e.into_kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            DataErrorKind::Ragged { expected: expected_len, found: len }
        }
        csv::ErrorKind::Io(io) => DataErrorKind::Io(io.to_string()),
        other => DataErrorKind::Invalid(format!("{other:?}")),
    };
    let err = DataError::new(path, kind);
    match line {
        Some(l) => err.at_line(l),
        None => err,
    }
}
