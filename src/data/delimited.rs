//! CSV and TSV records with a header, read with the `csv` crate.

use std::collections::VecDeque;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::error::{DataError, DataErrorKind};
use super::example::{Columns, Example, Target};

/// Bytes read ahead of the records the `csv` crate has returned are at most its
/// buffer (8 KiB); marks further back than this are never looked up again.
const SLACK: u64 = 64 << 10;

/// Carriage returns and line feeds seen in the raw stream, so that a record's
/// byte offset maps to the line its content starts on (the `csv` crate's own
/// line counter is off after CRLF endings and blank lines). Marks that no
/// record still to come can need are folded into a count, so blank lines
/// between records take no memory.
#[derive(Default)]
struct LineIndex {
    lines_before: u64,
    marks: VecDeque<(u64, bool)>,
    offset: u64,
    /// One past the last folded mark, and where the run of consecutive folded marks ending there began.
    folded_end: u64,
    folded_run_start: u64,
    /// Set when a record grew past the limit while being read: where it starts and the bytes read of it.
    overflow: Option<(u64, u64)>,
}

impl LineIndex {
    /// Counts the marks before `upto` into `lines_before`.
    fn fold(&mut self, upto: u64) {
        while let Some(&(o, lf)) = self.marks.front() {
            if o >= upto {
                break;
            }
            self.marks.pop_front();
            if o != self.folded_end {
                self.folded_run_start = o;
            }
            self.folded_end = o + 1;
            self.lines_before += u64::from(lf);
        }
    }

    /// The 1-based line of the first content byte at or after `byte`.
    fn line_at(&mut self, byte: u64) -> u64 {
        self.fold(byte);
        // Line breaks at `byte` already folded are counted; the run goes on after them.
        let from = if (self.folded_run_start..self.folded_end).contains(&byte) { self.folded_end } else { byte };
        let run = self.marks.iter().zip(from..).take_while(|((o, _), cur)| o == cur);
        self.lines_before + 1 + run.filter(|((_, lf), _)| *lf).count() as u64
    }
}

/// Where the raw stream is within CSV quoting, as the `csv` crate reads it.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
enum Quoting {
    #[default]
    FieldStart,
    Unquoted,
    Quoted,
    QuoteInQuoted,
}

struct Counting {
    inner: Box<dyn Read + Send>,
    index: Arc<Mutex<LineIndex>>,
    delimiter: u8,
    state: Quoting,
    /// Bytes of the record being read, and where the last record (or blank line) ended.
    run: u64,
    last_end: u64,
    /// Largest record read before giving up on the file.
    limit: u64,
}

impl Read for Counting {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let mut index = self.index.lock().unwrap_or_else(|e| e.into_inner());
        if index.overflow.is_some() {
            return Err(std::io::Error::other("record too large"));
        }
        let n = self.inner.read(buf)?;
        let base = index.offset;
        for (i, &b) in buf[..n].iter().enumerate() {
            let newline = b == b'\n' || b == b'\r';
            if newline {
                index.marks.push_back((base + i as u64, b == b'\n'));
            }
            let (state, ends) = match (self.state, b) {
                (Quoting::Quoted, b'"') => (Quoting::QuoteInQuoted, false),
                (Quoting::Quoted, _) => (Quoting::Quoted, false),
                (_, _) if newline => (Quoting::FieldStart, true),
                (Quoting::FieldStart | Quoting::QuoteInQuoted, b'"') => (Quoting::Quoted, false),
                (_, d) if d == self.delimiter => (Quoting::FieldStart, false),
                _ => (Quoting::Unquoted, false),
            };
            self.state = state;
            if ends {
                self.run = 0;
                self.last_end = base + i as u64;
            } else {
                self.run += 1;
            }
        }
        index.offset += n as u64;
        let safe = self.last_end.min(index.offset.saturating_sub(SLACK));
        index.fold(safe);
        if self.run > self.limit {
            index.overflow = Some((self.last_end + 1, self.run));
            return Err(std::io::Error::other("record too large"));
        }
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
    /// Set once a record was too large to read: the rest of the file is skipped.
    done: bool,
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
        let input = Counting {
            inner: input,
            index: Arc::clone(&lines),
            delimiter,
            state: Quoting::FieldStart,
            run: 0,
            last_end: 0,
            limit: (max_bytes as u64).saturating_add(SLACK),
        };
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
            done: false,
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
        Ok(Example { text: text.into(), label, target, holder, id, line })
    }

    /// The next example, an error for a bad record, or `None` at the end.
    pub fn next_example(&mut self) -> Option<Result<Example, DataError>> {
        if self.done {
            return None;
        }
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
            Err(e) => {
                let mut lines = self.lines.lock().unwrap_or_else(|e| e.into_inner());
                let Some((start, read)) = lines.overflow else {
                    return Some(Err(csv_error(&self.path, e)));
                };
                // A record longer than the limit is not buffered: it ends the file.
                self.done = true;
                let line = lines.line_at(start);
                let kind = DataErrorKind::Invalid(format!(
                    "record of more than {read} bytes exceeds the limit of {} bytes; the rest of the file is skipped",
                    self.max_bytes
                ));
                Some(Err(DataError::new(&self.path, kind).at_line(line)))
            }
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
        csv::ErrorKind::Io(io) => DataErrorKind::Io(io.into()),
        other => DataErrorKind::Invalid(format!("{other:?}")),
    };
    let err = DataError::new(path, kind);
    match line {
        Some(l) => err.at_line(l),
        None => err,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(data: Vec<u8>, max_bytes: usize) -> Vec<Result<Example, DataError>> {
        let columns = Columns { text: "text".into(), label: Some("label".into()), ..Columns::default() };
        let mut r =
            DelimitedReader::new(Path::new("in"), Box::new(std::io::Cursor::new(data)), b',', &columns, max_bytes)
                .unwrap();
        std::iter::from_fn(|| r.next_example()).collect()
    }

    #[test]
    fn many_blank_lines_keep_line_numbers_and_fold_the_index() {
        let mut data = b"text,label\r\nfirst,a\r\n".to_vec();
        data.extend(b"\r\n".repeat(200_000));
        data.extend(b"\"two\nlines\",b\n");
        data.extend(b"\n".repeat(100_000));
        data.extend(b"last,c\n");
        let got: Vec<_> = read(data, 1000).into_iter().map(Result::unwrap).collect();
        let lines: Vec<u64> = got.iter().map(|e| e.line).collect();
        assert_eq!(lines, [2, 200_003, 300_005]);
        assert_eq!(&*got[1].text, "two\nlines");
    }

    #[test]
    fn a_record_far_past_the_limit_is_not_buffered() {
        let mut data = b"text,label\nok,a\n\"".to_vec();
        data.extend(vec![b'x'; 4 << 20]);
        data.extend(b"\",b\nnever,c\n");
        let got = read(data, 1000);
        assert_eq!(got.len(), 2);
        assert_eq!(&*got[0].as_ref().unwrap().text, "ok");
        let err = got[1].as_ref().unwrap_err().to_string();
        assert!(err.starts_with("in:3: record of more than ") && err.contains("rest of the file is skipped"), "{err}");
        let read: u64 = err["in:3: record of more than ".len()..].split(' ').next().unwrap().parse().unwrap();
        assert!(read > 1000 + SLACK && read < 1 << 20, "{err}");
    }
}
