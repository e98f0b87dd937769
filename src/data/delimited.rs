//! CSV and TSV records, with a header row or with columns by position, read
//! with the `csv` crate and decoded field by field.
//!
//! Over 400 lines: beside the `csv` reader sits the byte-level quoting state
//! machine that bounds each record and skips oversized ones without buffering
//! them; the two share the line index.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::encoding::Encoding;
use super::error::{DataError, DataErrorKind};
use super::example::{Columns, Example, Target};

/// How far the header row may go past the record limit.
const SLACK: u64 = 64 << 10;

/// The `csv` crate's read buffer: a record over the limit is noticed at most
/// this many bytes after it crossed it.
const CHUNK: usize = 8 << 10;

/// A line break in the raw stream.
#[derive(Clone, Copy)]
struct Mark {
    /// Its byte offset (the first one, for breaks inside a record).
    at: u64,
    /// Line feeds it stands for.
    lfs: u64,
    /// Whether it is a run of breaks inside a quoted field, folded into one mark.
    inside: bool,
}

/// Carriage returns and line feeds seen in the raw stream, so that a record's
/// byte offset maps to the line its content starts on (the `csv` crate's own
/// line counter is off after CRLF endings and blank lines). Marks that no
/// record still to come can need are folded into a count, so blank lines
/// between records take no memory, and the line breaks inside one quoted record
/// are one mark with a count.
#[derive(Default)]
struct LineIndex {
    lines_before: u64,
    marks: VecDeque<Mark>,
    offset: u64,
    /// One past the last folded mark, and where the run of consecutive folded marks ending there began.
    folded_end: u64,
    folded_run_start: u64,
}

impl LineIndex {
    /// Counts the marks before `upto` into `lines_before`.
    fn fold(&mut self, upto: u64) {
        while let Some(&m) = self.marks.front() {
            if m.at >= upto {
                break;
            }
            self.marks.pop_front();
            if m.inside || m.at != self.folded_end {
                self.folded_run_start = m.at;
            }
            self.folded_end = if m.inside { m.at } else { m.at + 1 };
            self.lines_before += m.lfs;
        }
    }

    /// Notes a line break at `at`, inside a quoted field or not.
    fn mark(&mut self, at: u64, lf: bool, inside: bool) {
        match self.marks.back_mut() {
            Some(last) if inside && last.inside => last.lfs += u64::from(lf),
            _ => self.marks.push_back(Mark { at, lfs: u64::from(lf), inside }),
        }
    }

    /// The 1-based line of the first content byte at or after `byte`.
    fn line_at(&mut self, byte: u64) -> u64 {
        self.fold(byte);
        // Line breaks at `byte` already folded are counted; the run goes on after them.
        let from = if (self.folded_run_start..self.folded_end).contains(&byte) { self.folded_end } else { byte };
        let run = self.marks.iter().zip(from..).take_while(|(m, cur)| !m.inside && m.at == *cur);
        self.lines_before + 1 + run.map(|(m, _)| m.lfs).sum::<u64>()
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

/// The raw stream under the `csv` crate: it follows the CSV quoting to know
/// where records end and how many bytes of field content each holds, keeps the
/// line index, and stops a record that grows past the limit, whose rest
/// [`Counting::skip_record`] then reads without keeping it.
struct Counting {
    inner: Box<dyn Read + Send>,
    index: LineIndex,
    delimiter: u8,
    state: Quoting,
    /// Field bytes of the record being read, and where the last record (or blank line) ended.
    content: u64,
    last_end: u64,
    /// Most field bytes a record may hold.
    limit: u64,
    /// Set when a record grew past the limit while being read (where it starts),
    /// until [`Counting::skip_record`] has read the rest of it.
    overflow: Option<u64>,
    /// Bytes read past the end of a skipped record, served before `inner`'s.
    pending: Vec<u8>,
    pending_at: usize,
}

impl Counting {
    fn new(inner: Box<dyn Read + Send>, delimiter: u8, limit: u64) -> Self {
        Counting {
            inner,
            index: LineIndex::default(),
            delimiter,
            state: Quoting::FieldStart,
            content: 0,
            last_end: 0,
            limit,
            overflow: None,
            pending: Vec::new(),
            pending_at: 0,
        }
    }

    /// Follows the quoting over `bytes`, which start at `index.offset`. With
    /// `stop_at_end`, stops after the first record end and gives that record's
    /// field bytes. Returns the bytes taken.
    fn scan(&mut self, bytes: &[u8], stop_at_end: bool) -> (usize, Option<u64>) {
        let base = self.index.offset;
        for (i, &b) in bytes.iter().enumerate() {
            let newline = b == b'\n' || b == b'\r';
            let at = base + i as u64;
            if newline {
                self.index.mark(at, b == b'\n', self.state == Quoting::Quoted);
            }
            // The next state, whether the record ends here, and whether the byte is field content.
            let (state, ends, content) = match (self.state, b) {
                (Quoting::Quoted, b'"') => (Quoting::QuoteInQuoted, false, false),
                (Quoting::Quoted, _) => (Quoting::Quoted, false, true),
                (_, _) if newline => (Quoting::FieldStart, true, false),
                (Quoting::QuoteInQuoted, b'"') => (Quoting::Quoted, false, true),
                (Quoting::FieldStart, b'"') => (Quoting::Quoted, false, false),
                (_, d) if d == self.delimiter => (Quoting::FieldStart, false, false),
                _ => (Quoting::Unquoted, false, true),
            };
            self.state = state;
            self.content += u64::from(content);
            if ends {
                let size = std::mem::take(&mut self.content);
                self.last_end = at;
                if stop_at_end {
                    self.index.offset += i as u64 + 1;
                    return (i + 1, Some(size));
                }
            }
        }
        self.index.offset += bytes.len() as u64;
        (bytes.len(), None)
    }

    /// Reads the rest of the record that grew past the limit up to its end (or
    /// the end of the stream), keeping none of it; the bytes after it are kept
    /// for the next read. Returns the record's field bytes.
    fn skip_record(&mut self) -> std::io::Result<u64> {
        self.overflow = None;
        // Bytes kept from an earlier skip and not yet served come first.
        let kept = std::mem::take(&mut self.pending);
        let from = std::mem::take(&mut self.pending_at);
        if let (taken, Some(size)) = self.scan(kept.get(from..).unwrap_or_default(), true) {
            self.pending = kept;
            self.pending_at = from + taken;
            return Ok(size);
        }
        let mut buf = vec![0; 1 << 16];
        loop {
            let n = match self.inner.read(&mut buf) {
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if n == 0 {
                self.state = Quoting::FieldStart;
                return Ok(std::mem::take(&mut self.content));
            }
            if let (taken, Some(size)) = self.scan(&buf[..n], true) {
                buf.truncate(n);
                buf.drain(..taken);
                self.pending = buf;
                self.pending_at = 0;
                return Ok(size);
            }
        }
    }
}

impl Read for Counting {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.overflow.is_some() {
            return Err(std::io::Error::other("record too large"));
        }
        let n = if self.pending_at < self.pending.len() {
            let n = buf.len().min(self.pending.len() - self.pending_at);
            buf[..n].copy_from_slice(&self.pending[self.pending_at..self.pending_at + n]);
            self.pending_at += n;
            n
        } else {
            self.inner.read(buf)?
        };
        // The `csv` crate reads only when it has parsed all it read before, and
        // has returned every record that ended there: no record still to come
        // starts before the last record end seen so far.
        let safe = self.last_end;
        let base = self.index.offset;
        self.scan(&buf[..n], false);
        self.index.fold(safe);
        if self.content > self.limit {
            self.overflow = Some(self.last_end + 1);
            if self.last_end != safe {
                // The records that ended in this read are passed on; the next read fails.
                return Ok((self.last_end + 1 - base) as usize);
            }
            return Err(std::io::Error::other("record too large"));
        }
        Ok(n)
    }
}

/// Streams examples from a delimited file.
pub struct DelimitedReader {
    path: PathBuf,
    reader: csv::Reader<Counting>,
    /// Where the `csv` reader's byte 0 is in the raw stream (it restarts after a skipped record).
    base: u64,
    record: csv::ByteRecord,
    text: (usize, String),
    label: Option<(usize, String)>,
    target: Option<(usize, String)>,
    id: Option<(usize, String)>,
    holder: Option<(usize, String)>,
    keep: Vec<(usize, String)>,
    /// Fields per record: the header's, or without one the first record's (`None` until it is read).
    width: Option<u64>,
    encoding: Encoding,
    /// No header row: the width is the first record's.
    headerless: bool,
    date: Option<(usize, String)>,
    max_bytes: usize,
    /// Set once reading failed: the rest of the file cannot be read.
    done: bool,
}

fn csv_reader(input: Counting, headers: bool) -> csv::Reader<Counting> {
    // Flexible, so that ragged rows reach our own check, whose line numbers are right.
    csv::ReaderBuilder::new()
        .delimiter(input.delimiter)
        .flexible(true)
        .has_headers(headers)
        .buffer_capacity(CHUNK)
        .from_reader(input)
}

/// The index of the column `name`: its place in `header`, or without a header
/// its 1-based position.
fn column(path: &Path, header: Option<&[String]>, name: &str) -> Result<(usize, String), DataError> {
    let Some(header) = header else {
        return match name.trim().parse::<usize>() {
            Ok(n) if n >= 1 => Ok((n - 1, name.to_string())),
            _ => Err(DataError::new(
                path,
                DataErrorKind::Invalid(
                    "without a header row, columns are given by their 1-based position (e.g. 2), not by name".into(),
                ),
            )
            .in_field(name)),
        };
    };
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
        // The header may be up to SLACK bytes over the limit; records may not.
        let input = Counting::new(input, delimiter, (max_bytes as u64).saturating_add(SLACK));
        let mut reader = csv_reader(input, !columns.no_header);
        let header = if columns.no_header { None } else { Some(read_header(path, &mut reader, columns.encoding)?) };
        let header = header.as_deref();
        let text = column(path, header, &columns.text)?;
        let label = columns.label.as_deref().map(|c| column(path, header, c)).transpose()?;
        let target = columns.target.as_deref().map(|c| column(path, header, c)).transpose()?;
        let id = columns.id.as_deref().map(|c| column(path, header, c)).transpose()?;
        let holder = columns.holder.as_deref().map(|c| column(path, header, c)).transpose()?;
        let keep = columns.keep.iter().map(|c| column(path, header, c)).collect::<Result<_, _>>()?;
        let date = columns.date.as_deref().map(|c| column(path, header, c)).transpose()?;
        reader.get_mut().limit = max_bytes as u64;
        Ok(Self {
            path: path.to_path_buf(),
            reader,
            base: 0,
            record: csv::ByteRecord::new(),
            text,
            label,
            target,
            id,
            holder,
            keep,
            date,
            width: header.map(|h| h.len() as u64),
            encoding: columns.encoding,
            headerless: columns.no_header,
            max_bytes,
            done: false,
        })
    }

    fn field(&self, line: u64, (idx, name): &(usize, String)) -> Result<Cow<'_, str>, DataError> {
        let bytes = self
            .record
            .get(*idx)
            .ok_or_else(|| DataError::new(&self.path, DataErrorKind::MissingField).at_line(line).in_field(name))?;
        self.encoding.decode(bytes).map_err(|kind| DataError::new(&self.path, kind).at_line(line).in_field(name))
    }

    /// The columns read, for the check against the first headerless record.
    fn columns(&self) -> impl Iterator<Item = &(usize, String)> {
        let named = [&self.label, &self.target, &self.id, &self.holder].into_iter().flatten();
        std::iter::once(&self.text).chain(named).chain(&self.keep)
    }

    fn example(&self, line: u64) -> Result<Example, DataError> {
        let size = self.record.as_slice().len();
        if size > self.max_bytes {
            return Err(DataError::new(&self.path, DataErrorKind::Oversized { bytes: size, limit: self.max_bytes })
                .at_line(line));
        }
        let text = self.field(line, &self.text)?;
        let text = if line == 1 {
            // A byte-order mark before a headerless file's first field (only such a file has a record on line 1).
            match text {
                Cow::Borrowed(t) => Cow::Borrowed(t.trim_start_matches('\u{feff}')),
                Cow::Owned(t) => Cow::Owned(t.trim_start_matches('\u{feff}').to_string()),
            }
        } else {
            text
        };
        if text.trim().is_empty() {
            return Err(DataError::new(&self.path, DataErrorKind::EmptyText).at_line(line).in_field(&self.text.1));
        }
        let label = match &self.label {
            Some(col) => Some(nonempty(&self.field(line, col)?, &self.path, line, &col.1)?.to_string()),
            None => None,
        };
        let named = |col: &Option<(usize, String)>| -> Result<Option<Target>, DataError> {
            col.as_ref()
                .map(|c| {
                    let field = self.field(line, c)?;
                    Ok(Target { name: nonempty(&field, &self.path, line, &c.1)?.to_string(), span: None })
                })
                .transpose()
        };
        let target = named(&self.target)?;
        let holder = named(&self.holder)?;
        let id = match &self.id {
            Some(col) => Some(self.field(line, col)?.to_string()),
            None => None,
        };
        let kept = self.keep.iter().map(|c| Ok(Some(self.field(line, c)?.into_owned()))).collect::<Result<_, _>>()?;
        let date = match &self.date {
            Some(col) => Some(self.field(line, col)?.into_owned()),
            None => None,
        };
        Ok(Example { text: text.into(), label, target, holder, id, date, line, kept })
    }

    /// The next example, an error for a bad record, or `None` at the end.
    pub fn next_example(&mut self) -> Option<Result<Example, DataError>> {
        if self.done {
            return None;
        }
        match self.reader.read_byte_record(&mut self.record) {
            Ok(false) => None,
            Ok(true) => {
                let byte = self.base + self.record.position().map_or(0, |p| p.byte());
                let line = self.reader.get_mut().index.line_at(byte);
                let found = self.record.len() as u64;
                let Some(expected) = self.width else {
                    return Some(self.first_headerless(line));
                };
                if found != expected {
                    let kind = if self.headerless {
                        DataErrorKind::Invalid(format!("record has {found} fields, the first record has {expected}"))
                    } else {
                        DataErrorKind::Ragged { expected, found }
                    };
                    return Some(Err(DataError::new(&self.path, kind).at_line(line)));
                }
                Some(self.example(line))
            }
            Err(e) => {
                let Some(start) = self.reader.get_ref().overflow else {
                    self.done = true;
                    return Some(Err(csv_error(&self.path, e)));
                };
                Some(Err(self.skip_record(start)))
            }
        }
    }

    /// The first record of a headerless file: it sets the width of every
    /// record, and the columns asked for must be in it (else reading stops).
    fn first_headerless(&mut self, line: u64) -> Result<Example, DataError> {
        let found = self.record.len() as u64;
        self.width = Some(found);
        let outside = self.columns().find(|(i, _)| *i as u64 >= found).map(|(_, name)| name.clone());
        if let Some(name) = outside {
            self.done = true;
            let kind = DataErrorKind::Invalid(format!(
                "no such column: the first record has {found} field{} (no header: columns are numbered from 1)",
                if found == 1 { "" } else { "s" }
            ));
            return Err(DataError::new(&self.path, kind).at_line(line).in_field(&name));
        }
        self.example(line)
    }

    /// Reads past a record that grew over the limit without keeping it, and
    /// restarts the `csv` reader after it; the error reports the record.
    fn skip_record(&mut self, start: u64) -> DataError {
        let placeholder = csv_reader(Counting::new(Box::new(std::io::empty()), b',', 0), false);
        let mut input = std::mem::replace(&mut self.reader, placeholder).into_inner();
        let line = input.index.line_at(start);
        let at = |e: DataError| e.at_line(line);
        let size = match input.skip_record() {
            Ok(size) => size,
            Err(e) => {
                self.done = true;
                return at(DataError::new(&self.path, DataErrorKind::Io(e.into())));
            }
        };
        self.base = input.index.offset;
        self.reader = csv_reader(input, false);
        // The buffer holds the first part of the record, up to the limit: let it go.
        self.record = csv::ByteRecord::new();
        let bytes = usize::try_from(size).unwrap_or(usize::MAX);
        at(DataError::new(&self.path, DataErrorKind::Oversized { bytes, limit: self.max_bytes }))
    }
}

/// Reads the header row's names, decoded, without a byte-order mark.
fn read_header(path: &Path, reader: &mut csv::Reader<Counting>, encoding: Encoding) -> Result<Vec<String>, DataError> {
    let header = reader.byte_headers().map_err(|e| csv_error(path, e))?.clone();
    let header: Vec<String> = header
        .iter()
        .enumerate()
        .map(|(i, h)| {
            encoding
                .decode(h)
                .map(|s| s.trim_start_matches('\u{feff}').to_string())
                .map_err(|kind| DataError::new(path, kind).at_line(1).in_field(&format!("#{i}")))
        })
        .collect::<Result<_, _>>()?;
    if header.iter().all(|h| h.is_empty()) {
        return Err(DataError::new(path, DataErrorKind::Invalid("empty file: no header row".into())));
    }
    Ok(header)
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
    fn a_record_far_past_the_limit_is_skipped_and_the_next_records_are_read() {
        let mut data = b"text,label\nok,a\n\"".to_vec();
        for _ in 0..(1 << 16) {
            data.extend(b"xxxxxxxxxxxxxxx\n");
        }
        data.extend(b"\"\"\",b\r\nafter,c\n\n\"two\nlines\",d\n");
        let got = read(data, 1000);
        assert_eq!(got.len(), 4, "every record gives an example or an error");
        assert_eq!(&*got[0].as_ref().unwrap().text, "ok");
        let err = got[1].as_ref().unwrap_err().to_string();
        // 65,536 lines of 16 bytes, the escaped quote and the label.
        assert_eq!(err, format!("in:3: record of {} bytes exceeds the limit of 1000 bytes", (1 << 20) + 2));
        let rest: Vec<_> = got[2..].iter().map(|r| r.as_ref().unwrap()).collect();
        assert_eq!(
            rest.iter().map(|e| (&*e.text, e.line)).collect::<Vec<_>>(),
            [("after", 65_540), ("two\nlines", 65_542)]
        );
    }

    #[test]
    fn records_over_the_limit_close_together_are_each_one_error() {
        // The second big record starts in the bytes read while skipping the first.
        let big = "z".repeat(20_000);
        let data = format!("text,label\n{big},a\nsmall,b\n\"{big}\",c\nlast,d\n");
        let got: Vec<_> = read(data.into_bytes(), 1000)
            .iter()
            .map(|r| r.as_ref().map(|e| (e.line, e.text.to_string())).map_err(|e| e.to_string()))
            .collect();
        assert_eq!(
            got,
            [
                Err("in:2: record of 20001 bytes exceeds the limit of 1000 bytes".into()),
                Ok((3, "small".into())),
                Err("in:4: record of 20001 bytes exceeds the limit of 1000 bytes".into()),
                Ok((5, "last".into()))
            ]
        );
    }

    #[test]
    fn the_limit_counts_field_bytes_exactly() {
        let big = |n: usize| "y".repeat(n);
        let data = format!(
            "text,label\n{},a\n\"{}\",b\n{},,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,\n\"{}\"\"\",d\nend,e\n",
            big(999),
            big(1001),
            big(999),
            big(5000)
        );
        let got = read(data.into_bytes(), 1000);
        let summary: Vec<_> = got.iter().map(|r| r.as_ref().map(|e| e.line).map_err(|e| e.to_string())).collect();
        assert_eq!(
            summary,
            [
                Ok(2),
                Err("in:3: record of 1002 bytes exceeds the limit of 1000 bytes".into()),
                Err("in:4: record has 42 fields, the header has 2".into()),
                Err("in:5: record of 5002 bytes exceeds the limit of 1000 bytes".into()),
                Ok(6)
            ]
        );
    }

    #[test]
    fn escaped_quotes_count_once_toward_the_limit() {
        // 15,001 bytes of quoted field holding 10,000 bytes: within a limit of 10,000.
        let data = format!("text,label\n\"{}{}\",a\nnext,b\n", "y".repeat(5000), "\"\"".repeat(4999));
        let got: Vec<_> = read(data.into_bytes(), 10_000).into_iter().map(Result::unwrap).collect();
        assert_eq!(got.iter().map(|e| (e.text.len(), e.line)).collect::<Vec<_>>(), [(9999, 2), (4, 3)]);
    }

    #[test]
    fn line_breaks_inside_one_quoted_record_are_one_mark() {
        let mut data = b"text,label\n\"".to_vec();
        data.extend(b"\n".repeat(100_000));
        let columns = Columns { text: "text".into(), label: Some("label".into()), ..Columns::default() };
        data.extend(b"x\",a\r\n\r\nnext,b\n");
        let mut r =
            DelimitedReader::new(Path::new("in"), Box::new(std::io::Cursor::new(data)), b',', &columns, 1 << 20)
                .unwrap();
        let first = r.next_example().unwrap().unwrap();
        assert_eq!((first.text.len(), first.line), (100_001, 2));
        assert!(r.reader.get_ref().index.marks.len() < 10, "{} marks", r.reader.get_ref().index.marks.len());
        assert_eq!(r.next_example().unwrap().unwrap().line, 100_004);
        assert!(r.next_example().is_none());
    }
}
