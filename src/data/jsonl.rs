//! JSON Lines records: one object per line, with named keys and optional
//! target-mention spans given as character offsets.

use std::collections::VecDeque;
use std::io::BufRead;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::error::{DataError, DataErrorKind};
use super::example::{Columns, Example, Target};

/// Reads one line of at most `limit` bytes into `buf` (without the newline).
/// Returns `None` at end of input, else the number of bytes the line really had.
pub fn read_line_limited(input: &mut dyn BufRead, buf: &mut Vec<u8>, limit: usize) -> std::io::Result<Option<usize>> {
    buf.clear();
    let mut total = 0usize;
    let mut any = false;
    loop {
        let chunk = input.fill_buf()?;
        if chunk.is_empty() {
            break;
        }
        any = true;
        let (piece, done) = match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => (&chunk[..i], Some(i + 1)),
            None => (chunk, None),
        };
        let room = limit.saturating_add(1).saturating_sub(buf.len());
        buf.extend_from_slice(&piece[..piece.len().min(room)]);
        total += piece.len();
        let used = done.unwrap_or(chunk.len());
        input.consume(used);
        if done.is_some() {
            break;
        }
    }
    if buf.last() == Some(&b'\r') {
        buf.pop();
        total -= 1;
    }
    Ok(any.then_some(total))
}

/// Streams examples from a JSON Lines file.
pub struct JsonlReader {
    path: PathBuf,
    input: Box<dyn BufRead + Send>,
    columns: Columns,
    line: u64,
    buf: Vec<u8>,
    pending: VecDeque<Result<Example, DataError>>,
    max_bytes: usize,
}

impl JsonlReader {
    /// Reads `input` as JSON Lines with the given keys.
    pub fn new(path: &Path, input: Box<dyn BufRead + Send>, columns: &Columns, max_bytes: usize) -> Self {
        Self {
            path: path.to_path_buf(),
            input,
            columns: columns.clone(),
            line: 0,
            buf: Vec::new(),
            pending: VecDeque::new(),
            max_bytes,
        }
    }

    fn err(&self, kind: DataErrorKind) -> DataError {
        DataError::new(&self.path, kind).at_line(self.line)
    }

    fn string_field<'a>(&self, obj: &'a serde_json::Map<String, Value>, key: &str) -> Result<&'a str, DataError> {
        match obj.get(key) {
            Some(Value::String(s)) => Ok(s),
            Some(other) => {
                Err(self.err(DataErrorKind::Invalid(format!("expected a string, found {other}"))).in_field(key))
            }
            None => Err(self.err(DataErrorKind::MissingField).in_field(key)),
        }
    }

    fn label_field(&self, obj: &serde_json::Map<String, Value>, key: &str) -> Result<String, DataError> {
        match obj.get(key) {
            Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.trim().to_string()),
            Some(v @ (Value::Number(_) | Value::Bool(_))) => Ok(v.to_string()),
            Some(Value::Null) | None => Err(self.err(DataErrorKind::MissingField).in_field(key)),
            Some(other) => {
                Err(self.err(DataErrorKind::Invalid(format!("expected a label, found {other}"))).in_field(key))
            }
        }
    }

    /// The values of the kept keys: strings as they are, other values as JSON text, null or absent as `None`.
    fn kept(&self, obj: &serde_json::Map<String, Value>) -> Vec<Option<String>> {
        let value = |key: &String| match obj.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => Some(other.to_string()),
        };
        self.columns.keep.iter().map(value).collect()
    }

    fn parse_line(&mut self) -> Result<Vec<Example>, DataError> {
        let text = self.columns.encoding.decode(&self.buf).map_err(|kind| self.err(kind))?;
        let value: Value = serde_json::from_str(&text).map_err(|e| self.err(DataErrorKind::Json(e.to_string())))?;
        let Value::Object(obj) = value else {
            return Err(self.err(DataErrorKind::Invalid("expected a JSON object".into())));
        };
        let text = self.string_field(&obj, &self.columns.text)?;
        if text.trim().is_empty() {
            return Err(self.err(DataErrorKind::EmptyText).in_field(&self.columns.text));
        }
        let id = self.columns.id.as_deref().map(|k| self.label_field(&obj, k)).transpose()?;
        // A date is optional: a record without one is simply undated.
        let date = self.columns.date.as_deref().and_then(|k| match obj.get(k) {
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Some(v @ Value::Number(_)) => Some(v.to_string()),
            _ => None,
        });
        if let Some(spans_key) = &self.columns.spans {
            return self.span_examples(&obj, text, spans_key, id, self.kept(&obj), date);
        }
        let label = self.columns.label.as_deref().map(|k| self.label_field(&obj, k)).transpose()?;
        let target = match self.columns.target.as_deref() {
            Some(k) => Some(Target { name: self.label_field(&obj, k)?, span: None }),
            None => None,
        };
        let holder = match self.columns.holder.as_deref() {
            Some(k) => Some(Target { name: self.label_field(&obj, k)?, span: None }),
            None => None,
        };
        let kept = self.kept(&obj);
        Ok(vec![Example { text: text.into(), label, target, holder, id, date, line: self.line, kept }])
    }

    fn span_examples(
        &self,
        obj: &serde_json::Map<String, Value>,
        text: &str,
        key: &str,
        id: Option<String>,
        kept: Vec<Option<String>>,
        date: Option<String>,
    ) -> Result<Vec<Example>, DataError> {
        let Some(Value::Array(items)) = obj.get(key) else {
            return Err(self.err(DataErrorKind::Invalid("expected an array of target mentions".into())).in_field(key));
        };
        let char_starts: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
        let shared: std::sync::Arc<str> = text.into();
        let mut out = Vec::with_capacity(items.len());
        for (n, item) in items.iter().enumerate() {
            let field = format!("{key}[{n}]");
            let Value::Object(t) = item else {
                return Err(self.err(DataErrorKind::Invalid("expected an object".into())).in_field(&field));
            };
            let offset = |name: &str| -> Result<usize, DataError> {
                let v = t.get(name).and_then(Value::as_u64).ok_or_else(|| {
                    self.err(DataErrorKind::Invalid("expected a character offset".into()))
                        .in_field(&format!("{field}.{name}"))
                })?;
                char_starts.get(v as usize).copied().ok_or_else(|| {
                    self.err(DataErrorKind::Invalid(format!("offset {v} is past the end of the text")))
                        .in_field(&format!("{field}.{name}"))
                })
            };
            let (from, to) = (offset("from")?, offset("to")?);
            if from >= to {
                return Err(self.err(DataErrorKind::Invalid("empty span: from >= to".into())).in_field(&field));
            }
            let label =
                self.columns.label.as_deref().map(|k| self.label_field(t, k)).transpose().map_err(|mut e| {
                    e.field = e.field.map(|f| format!("{field}.{f}"));
                    e
                })?;
            let name = t.get("mention").and_then(Value::as_str).unwrap_or(&text[from..to]).to_string();
            out.push(Example {
                text: shared.clone(),
                label,
                target: Some(Target { name, span: Some((from, to)) }),
                holder: None,
                id: id.clone(),
                date: date.clone(),
                line: self.line,
                kept: kept.clone(),
            });
        }
        Ok(out)
    }

    /// The next example, an error for a bad line, or `None` at the end.
    pub fn next_example(&mut self) -> Option<Result<Example, DataError>> {
        loop {
            if let Some(next) = self.pending.pop_front() {
                return Some(next);
            }
            self.line += 1;
            let len = match read_line_limited(&mut self.input, &mut self.buf, self.max_bytes) {
                Ok(None) => return None,
                Ok(Some(len)) => len,
                Err(e) => return Some(Err(self.err(DataErrorKind::Io(e.into())))),
            };
            if len > self.max_bytes {
                return Some(Err(self.err(DataErrorKind::Oversized { bytes: len, limit: self.max_bytes })));
            }
            if self.line == 1 && self.buf.starts_with("\u{feff}".as_bytes()) {
                self.buf.drain(..3);
            }
            if self.buf.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            match self.parse_line() {
                Ok(examples) => self.pending.extend(examples.into_iter().map(Ok)),
                Err(e) => return Some(Err(e)),
            }
        }
    }
}
