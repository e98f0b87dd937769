//! Opening a data source (file or stdin) in the right format.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use super::delimited::DelimitedReader;
use super::encoding::Encoding;
use super::error::{DataError, DataErrorKind};
use super::example::{Columns, Example};
use super::jsonl::{read_line_limited, JsonlReader};

/// Input formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Comma-separated with a header row.
    Csv,
    /// Tab-separated with a header row.
    Tsv,
    /// One JSON object per line.
    Jsonl,
    /// One text per line, no labels.
    #[value(alias = "txt")]
    Lines,
}

impl Format {
    /// The format implied by a file name's extension (`Lines` when unknown).
    pub fn from_path(path: &Path) -> Self {
        match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
            Some("csv") => Self::Csv,
            Some("tsv" | "tab") => Self::Tsv,
            Some("jsonl" | "ndjson") => Self::Jsonl,
            _ => Self::Lines,
        }
    }
}

/// Says why `start`, the first bytes of an input, cannot be UTF-8 text: a
/// UTF-16 or UTF-32 byte-order mark, or NUL bytes (UTF-16 without a mark, or
/// binary data). `None` when nothing is wrong.
pub fn sniff_encoding(start: &[u8]) -> Option<String> {
    let convert = "convert it to UTF-8 (e.g. iconv -f UTF-16 -t UTF-8)";
    for (bom, name) in [
        (&[0xff, 0xfe, 0, 0][..], "UTF-32LE"),
        (&[0, 0, 0xfe, 0xff][..], "UTF-32BE"),
        (&[0xff, 0xfe][..], "UTF-16LE"),
        (&[0xfe, 0xff][..], "UTF-16BE"),
    ] {
        if start.starts_with(bom) {
            return Some(format!("{name} text (byte-order mark), not UTF-8: {convert}"));
        }
    }
    let probe = &start[..start.len().min(4096)];
    if probe.contains(&0) {
        return Some(format!("holds NUL bytes (UTF-16 text without a byte-order mark, or binary data): {convert}"));
    }
    None
}

enum Inner {
    Delimited(Box<DelimitedReader>),
    Jsonl(Box<JsonlReader>),
    Lines { input: Box<dyn BufRead + Send>, line: u64, buf: Vec<u8> },
}

/// A stream of examples, or of errors for bad records, from one source.
pub struct RecordReader {
    path: PathBuf,
    inner: Inner,
    max_bytes: usize,
    encoding: Encoding,
}

impl RecordReader {
    /// The default limit on one record's size: 16 MiB.
    pub const DEFAULT_MAX_BYTES: usize = 16 << 20;

    /// Opens `path` (`-` for stdin) in `format` (from the extension when `None`).
    pub fn open(path: &Path, format: Option<Format>, columns: &Columns) -> Result<Self, DataError> {
        Self::open_with_limit(path, format, columns, Self::DEFAULT_MAX_BYTES)
    }

    /// As [`RecordReader::open`], with a limit on one record's size in bytes.
    pub fn open_with_limit(
        path: &Path,
        format: Option<Format>,
        columns: &Columns,
        max_bytes: usize,
    ) -> Result<Self, DataError> {
        let input: Box<dyn Read + Send> = if path == Path::new("-") {
            Box::new(std::io::stdin())
        } else {
            let file = File::open(path).map_err(|e| DataError::new(path, DataErrorKind::Io(e.into())))?;
            if file.metadata().is_ok_and(|m| m.is_dir()) {
                return Err(DataError::new(path, DataErrorKind::is_a_directory()));
            }
            Box::new(file)
        };
        Self::from_reader(path, input, format.unwrap_or_else(|| Format::from_path(path)), columns, max_bytes)
    }

    /// Reads `input` as `format`; `path` names it in errors.
    pub fn from_reader(
        path: &Path,
        input: Box<dyn Read + Send>,
        format: Format,
        columns: &Columns,
        max_bytes: usize,
    ) -> Result<Self, DataError> {
        let mut buffered = Box::new(BufReader::with_capacity(1 << 16, input));
        let start = buffered.fill_buf().map_err(|e| DataError::new(path, DataErrorKind::Io(e.into())))?;
        if let Some(problem) = sniff_encoding(start) {
            return Err(DataError::new(path, DataErrorKind::Invalid(problem)).at_line(1));
        }
        if columns.no_header && !matches!(format, Format::Csv | Format::Tsv) {
            let kind = DataErrorKind::Invalid("--no-header applies to CSV and TSV input only".into());
            return Err(DataError::new(path, kind));
        }
        if !columns.keep.is_empty() && format == Format::Lines {
            let kind = DataErrorKind::Invalid("kept columns need CSV, TSV or JSONL input, not lines of text".into());
            return Err(DataError::new(path, kind));
        }
        let inner = match format {
            Format::Csv | Format::Tsv => {
                let delim = if format == Format::Csv { b',' } else { b'\t' };
                Inner::Delimited(Box::new(DelimitedReader::new(path, buffered, delim, columns, max_bytes)?))
            }
            Format::Jsonl => Inner::Jsonl(Box::new(JsonlReader::new(path, buffered, columns, max_bytes))),
            Format::Lines => Inner::Lines { input: buffered, line: 0, buf: Vec::new() },
        };
        Ok(Self { path: path.to_path_buf(), inner, max_bytes, encoding: columns.encoding })
    }

    /// The source's name as given.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Iterator for RecordReader {
    type Item = Result<Example, DataError>;

    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.inner {
            Inner::Delimited(r) => r.next_example(),
            Inner::Jsonl(r) => r.next_example(),
            Inner::Lines { input, line, buf } => loop {
                *line += 1;
                let err = |kind| Some(Err(DataError::new(&self.path, kind).at_line(*line)));
                let len = match read_line_limited(input, buf, self.max_bytes) {
                    Ok(None) => return None,
                    Ok(Some(len)) => len,
                    Err(e) => return err(DataErrorKind::Io(e.into())),
                };
                if len > self.max_bytes {
                    return err(DataErrorKind::Oversized { bytes: len, limit: self.max_bytes });
                }
                let text = match self.encoding.decode(buf) {
                    Ok(text) => text,
                    Err(kind) => return err(kind),
                };
                let text = if *line == 1 { text.trim_start_matches('\u{feff}') } else { &text };
                if !text.trim().is_empty() {
                    return Some(Ok(Example {
                        text: text.into(),
                        label: None,
                        target: None,
                        holder: None,
                        id: None,
                        date: None,
                        line: *line,
                        kept: Vec::new(),
                    }));
                }
            },
        }
    }
}

/// Reads every example of `path`, failing on the first bad record.
pub fn read_all(path: &Path, format: Option<Format>, columns: &Columns) -> Result<Vec<Example>, DataError> {
    RecordReader::open(path, format, columns)?.collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols(text: &str, label: Option<&str>) -> Columns {
        Columns { text: text.into(), label: label.map(Into::into), ..Columns::default() }
    }

    fn read(data: &[u8], format: Format, columns: &Columns) -> Vec<Result<Example, DataError>> {
        match RecordReader::from_reader(Path::new("in"), Box::new(data.to_vec().leak() as &[u8]), format, columns, 1000)
        {
            Ok(r) => r.collect(),
            Err(e) => vec![Err(e)],
        }
    }

    #[test]
    fn csv_with_named_columns_bom_crlf_and_quoted_newlines() {
        let data = "\u{feff}id,sentence,y\r\n1,\"hello,\nworld\",pos\r\n\r\n2,bye,neg\r\n";
        let got = read(data.as_bytes(), Format::Csv, &cols("sentence", Some("y")));
        let ok: Vec<_> = got.into_iter().map(Result::unwrap).collect();
        assert_eq!(&*ok[0].text, "hello,\nworld");
        assert_eq!(ok[0].label.as_deref(), Some("pos"));
        assert_eq!((ok[0].line, ok[1].line), (2, 5));
    }

    #[test]
    fn errors_name_file_line_and_field() {
        let missing = read(b"a,b\n1,2\n", Format::Csv, &cols("text", None));
        assert_eq!(
            missing[0].as_ref().unwrap_err().to_string(),
            "in:1: field `text`: no such column; the header has: a, b"
        );
        let rows = read(b"text,label\nok,x\n,y\nbad\n\xff\xfe,z\nfine,\n", Format::Csv, &cols("text", Some("label")));
        let errs: Vec<String> = rows.iter().filter_map(|r| r.as_ref().err()).map(ToString::to_string).collect();
        assert_eq!(
            errs,
            [
                "in:3: field `text`: empty text",
                "in:4: record has 1 fields, the header has 2",
                "in:5: field `text`: invalid UTF-8 (byte 0xFF at position 1); if the file is Windows-1252 or \
                 Latin-1, read it with --encoding cp1252 or --encoding latin1",
                "in:6: field `label`: missing"
            ]
        );
        assert_eq!(rows.len(), 5, "every record yields an example or an error");
    }

    #[test]
    fn tsv_and_lines() {
        let got = read(b"text\tlabel\nhi there\tA\n", Format::Tsv, &cols("text", Some("label")));
        assert_eq!(got[0].as_ref().unwrap().label.as_deref(), Some("A"));
        let lines = read(b"one\n\ntwo\r\n", Format::Lines, &cols("text", None));
        let texts: Vec<_> = lines.iter().map(|r| (&*r.as_ref().unwrap().text, r.as_ref().unwrap().line)).collect();
        assert_eq!(texts, [("one", 1), ("two", 3)]);
    }

    #[test]
    fn jsonl_spans_use_character_offsets() {
        let data = "{\"s\": \"Çavuşoğlu met Lavrov\", \"t\": [{\"from\": 14, \"to\": 20, \"p\": 6.0}, {\"from\": 0, \"to\": 9, \"p\": \"neg\"}]}\n";
        let columns = Columns { spans: Some("t".into()), ..cols("s", Some("p")) };
        let got: Vec<_> = read(data.as_bytes(), Format::Jsonl, &columns).into_iter().map(Result::unwrap).collect();
        let t0 = got[0].target.as_ref().unwrap();
        assert_eq!(&got[0].text[t0.span.unwrap().0..t0.span.unwrap().1], "Lavrov");
        assert_eq!(got[0].label.as_deref(), Some("6.0"));
        assert_eq!(got[1].target.as_ref().unwrap().name, "Çavuşoğlu");
        // The examples of one record's spans share its text: 3,000 spans over a
        // megabyte line cost one copy of the line, not 3,000 (issue 15, defect 8).
        assert!(std::sync::Arc::ptr_eq(&got[0].text, &got[1].text));
    }

    #[test]
    fn jsonl_errors() {
        let columns = Columns { spans: Some("t".into()), ..cols("s", Some("p")) };
        let data = b"not json\n{\"s\": 3}\n{\"s\": \"abc\", \"t\": [{\"from\": 1, \"to\": 9, \"p\": 1}]}\n";
        let errs: Vec<String> =
            read(data, Format::Jsonl, &columns).iter().map(|r| r.as_ref().unwrap_err().to_string()).collect();
        assert!(errs[0].starts_with("in:1: invalid JSON"), "{}", errs[0]);
        assert_eq!(errs[1], "in:2: field `s`: expected a string, found 3");
        assert_eq!(errs[2], "in:3: field `t[0].to`: offset 9 is past the end of the text");
    }

    #[test]
    fn utf16_and_nul_interleaved_files_are_refused_whole() {
        let text = "first line\nsecond line\n";
        let mut le = vec![0xff, 0xfe];
        le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        let mut be = vec![0xfe, 0xff];
        be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        let bare: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        for (data, what) in [(le, "UTF-16LE text"), (be, "UTF-16BE text"), (bare, "holds NUL bytes")] {
            for format in [Format::Lines, Format::Csv, Format::Jsonl] {
                let got = read(&data, format, &cols("text", None));
                assert_eq!(got.len(), 1, "one error for the whole file, no garbage records");
                let msg = got[0].as_ref().unwrap_err().to_string();
                assert!(msg.starts_with("in:1: ") && msg.contains(what) && msg.contains("UTF-8"), "{msg}");
            }
        }
    }

    #[test]
    fn headerless_tsv_reads_columns_by_position() {
        let columns = Columns { no_header: true, ..cols("2", Some("1")) };
        let data = "\u{feff}pos\tgood film\r\n\nneg\tbad \"film\"\nneu\n";
        let got = read(data.as_bytes(), Format::Tsv, &columns);
        let first = got[0].as_ref().unwrap();
        assert_eq!((&*first.text, first.label.as_deref(), first.line), ("good film", Some("pos"), 1));
        let second = got[1].as_ref().unwrap();
        assert_eq!((&*second.text, second.line), ("bad \"film\"", 3));
        assert_eq!(got[2].as_ref().unwrap_err().to_string(), "in:4: record has 1 fields, the first record has 2");
        // A BOM before a first field that is the text is dropped too.
        let got = read("\u{feff}hello,x\n".as_bytes(), Format::Csv, &Columns { no_header: true, ..cols("1", None) });
        assert_eq!(&*got[0].as_ref().unwrap().text, "hello");
    }

    #[test]
    fn headerless_columns_must_be_positions_inside_the_first_record() {
        let by_name = Columns { no_header: true, ..cols("text", None) };
        let msg = read(b"a,b\n", Format::Csv, &by_name)[0].as_ref().unwrap_err().to_string();
        assert!(msg.starts_with("in: field `text`: without a header row, columns are given by their 1-based"), "{msg}");
        let zero = Columns { no_header: true, ..cols("0", None) };
        assert!(read(b"a,b\n", Format::Csv, &zero)[0].is_err());
        let past = Columns { no_header: true, ..cols("1", Some("3")) };
        let got = read(b"a,b\nc,d\n", Format::Csv, &past);
        assert_eq!(got.len(), 1, "reading stops: no record has the column");
        assert_eq!(
            got[0].as_ref().unwrap_err().to_string(),
            "in:1: field `3`: no such column: the first record has 2 fields (no header: columns are numbered from 1)"
        );
        let jsonl = Columns { no_header: true, ..cols("1", None) };
        let msg = read(b"{}\n", Format::Jsonl, &jsonl)[0].as_ref().unwrap_err().to_string();
        assert_eq!(msg, "in: --no-header applies to CSV and TSV input only");
    }

    #[test]
    fn windows_1252_input_is_decoded_in_every_format_and_utf8_errors_say_where() {
        let cp1252 = |c: Columns| Columns { encoding: Encoding::Windows1252, ..c };
        let csv = read(
            b"caf\xe9,t\n\x93ok\x94,x\n",
            Format::Csv,
            &cp1252(Columns { no_header: true, ..cols("1", Some("2")) }),
        );
        assert_eq!(&*csv[0].as_ref().unwrap().text, "café");
        assert_eq!(&*csv[1].as_ref().unwrap().text, "\u{201C}ok\u{201D}");
        let header = read(b"t\xe9xt\nna\xefve\n", Format::Tsv, &cp1252(cols("téxt", None)));
        assert_eq!(&*header[0].as_ref().unwrap().text, "naïve");
        let jsonl = read(b"{\"s\": \"na\xefve \x85\"}\n", Format::Jsonl, &cp1252(cols("s", None)));
        assert_eq!(&*jsonl[0].as_ref().unwrap().text, "naïve …");
        let lines = read(b"one\n\x80 two\n", Format::Lines, &Columns { encoding: Encoding::Latin1, ..cols("t", None) });
        assert_eq!(&*lines[1].as_ref().unwrap().text, "\u{80} two");
        // The same bytes as UTF-8: errors name line, field and the byte's position, and suggest --encoding.
        let utf8 = read(b"ok\nna\xefve\n", Format::Lines, &cols("t", None));
        let msg = utf8[1].as_ref().unwrap_err().to_string();
        assert!(msg.starts_with("in:2: invalid UTF-8 (byte 0xEF at position 3); "), "{msg}");
        assert!(msg.contains("--encoding cp1252"), "{msg}");
        let msg = read(b"{\"s\": \"\xe9\"}\n", Format::Jsonl, &cols("s", None))[0].as_ref().unwrap_err().to_string();
        assert!(msg.starts_with("in:1: invalid UTF-8 (byte 0xE9 at position 8)"), "{msg}");
    }

    #[test]
    fn oversized_lines_are_reported_not_loaded() {
        let mut data = vec![b'x'; 5000];
        data.extend_from_slice(b"\nok\n");
        let got = read(&data, Format::Lines, &cols("text", None));
        assert!(matches!(got[0].as_ref().unwrap_err().kind, DataErrorKind::Oversized { bytes: 5000, limit: 1000 }));
        assert_eq!(&*got[1].as_ref().unwrap().text, "ok");
    }
}
