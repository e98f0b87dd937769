//! Data readers: arbitrary bytes through `RecordReader::from_reader` in every
//! format with a choice of columns and record-size limits. The reader must
//! never panic, must end, and every `Ok` example must be well formed.
//!
//! Input layout: byte 0 picks the format (bits 0-1) and which optional columns
//! are read (bits 2-7: label, target, id, spans, holder, date); byte 1 picks the record-size
//! limit (bits 0-2), the encoding (bits 3-4) and, for CSV/TSV, a file without a header whose
//! columns are positions (bit 5); the rest is the file.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use stance::data::{Columns, DataError, DataErrorKind, Encoding, Example, Format, RecordReader};

const FORMATS: [Format; 4] = [Format::Csv, Format::Tsv, Format::Jsonl, Format::Lines];
const LIMITS: [usize; 8] = [RecordReader::DEFAULT_MAX_BYTES, 0, 1, 8, 64, 1000, usize::MAX / 2, usize::MAX];
const ENCODINGS: [Encoding; 4] = [Encoding::Utf8, Encoding::Windows1252, Encoding::Latin1, Encoding::Utf8];

fuzz_target!(|data: &[u8]| {
    let [select, limit, body @ ..] = data else {
        return;
    };
    let format = FORMATS[usize::from(select & 3)];
    let no_header = limit & 32 != 0 && matches!(format, Format::Csv | Format::Tsv);
    // Without a header the columns are 1-based positions.
    let name = |position: &str, name: &str| if no_header { position.to_string() } else { name.to_string() };
    let pick = |bit: u8, position: &str, column: &str| (select & (1 << bit) != 0).then(|| name(position, column));
    let columns = Columns {
        text: name("1", "text"),
        label: pick(2, "2", "label"),
        target: pick(3, "3", "target"),
        id: pick(4, "4", "id"),
        spans: pick(5, "5", "spans").filter(|_| !no_header),
        holder: pick(6, "6", "holder"),
        date: pick(7, "7", "date"),
        no_header,
        encoding: ENCODINGS[usize::from((limit >> 3) & 3)],
        keep: Vec::new(),
    };
    let max_bytes = LIMITS[usize::from(limit & 7)];
    let got = read(format, &columns, max_bytes, body);
    // Any limit above the input's size reads the same records as the default one.
    if max_bytes > RecordReader::DEFAULT_MAX_BYTES && body.len() < RecordReader::DEFAULT_MAX_BYTES {
        let default = read(format, &columns, RecordReader::DEFAULT_MAX_BYTES, body);
        // Errors compare by their messages (an I/O error has no equality).
        let messages = |v: Vec<Result<_, stance::data::DataError>>| -> Vec<Result<_, String>> {
            v.into_iter().map(|r| r.map_err(|e| e.to_string())).collect()
        };
        assert_eq!(
            messages(got),
            messages(default),
            "{format:?}: a record-size limit of {max_bytes} reads differently from the default"
        );
    }
});

fn read(format: Format, columns: &Columns, max_bytes: usize, body: &[u8]) -> Vec<Result<Example, DataError>> {
    let input = Box::new(std::io::Cursor::new(body.to_vec()));
    let reader = match RecordReader::from_reader(Path::new("fuzz"), input, format, columns, max_bytes) {
        Ok(r) => r,
        Err(e) => return vec![Err(e)],
    };
    let mut out = Vec::new();
    // Every record uses at least one byte of input (span arrays a few), so a
    // reader that yields more items than this is not advancing.
    let cap = 2 * body.len() + 4;
    let mut items = 0usize;
    let mut last_line = 0u64;
    for item in reader {
        items += 1;
        assert!(items <= cap, "{format:?} reader yielded more than {cap} items from {} bytes", body.len());
        match &item {
            Ok(e) => {
                assert!(e.line >= 1, "{format:?}: example at line 0");
                assert!(e.line >= last_line, "{format:?}: line numbers went backwards ({last_line} then {})", e.line);
                last_line = e.line;
                assert!(!e.text.trim().is_empty(), "{format:?}: empty text accepted at line {}", e.line);
                assert!(
                    e.text.len() <= body.len(),
                    "{format:?}: text of {} bytes from {} bytes of input",
                    e.text.len(),
                    body.len()
                );
                if let Some(t) = &e.target {
                    if let Some((from, to)) = t.span {
                        assert!(from < to && to <= e.text.len(), "{format:?}: span {from}..{to} outside the text");
                        assert!(
                            e.text.is_char_boundary(from) && e.text.is_char_boundary(to),
                            "{format:?}: span {from}..{to} not on char boundaries"
                        );
                    }
                }
                if columns.label.is_some() && matches!(format, Format::Csv | Format::Tsv) {
                    assert!(e.label.as_deref().is_some_and(|l| !l.trim().is_empty()), "{format:?}: empty label");
                }
            }
            Err(err) => {
                if let DataErrorKind::Oversized { bytes, limit } = err.kind {
                    assert!(bytes > limit, "{format:?}: oversized record of {bytes} bytes within limit {limit}");
                }
                let _ = err.to_string();
            }
        }
        out.push(item);
    }
    out
}
