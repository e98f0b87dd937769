//! Data errors that name the file, line and field.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

/// What went wrong with the input.
#[derive(Debug, Clone)]
pub enum DataErrorKind {
    /// The file could not be opened or read (shared, so error records can be cloned).
    Io(Arc<std::io::Error>),
    /// A named column is not in the header.
    MissingColumn {
        /// The header's column names.
        available: Vec<String>,
    },
    /// A field is absent from a record.
    MissingField,
    /// A field (or line) holds invalid UTF-8.
    InvalidUtf8 {
        /// 0-based offset of the first invalid byte in the field or line.
        offset: usize,
        /// That byte.
        byte: u8,
    },
    /// The text is empty or only whitespace.
    EmptyText,
    /// A record has a different number of fields than the header.
    Ragged {
        /// Fields in the header.
        expected: u64,
        /// Fields in the record.
        found: u64,
    },
    /// A field has the wrong type or shape.
    Invalid(String),
    /// The line is not valid JSON.
    Json(String),
    /// A label not seen in training.
    UnseenLabel {
        /// The label.
        label: String,
        /// The labels seen in training.
        known: Vec<String>,
    },
    /// The record is larger than the configured limit.
    Oversized {
        /// The record's size in bytes.
        bytes: usize,
        /// The largest size accepted.
        limit: usize,
    },
}

/// An input error with its location.
#[derive(Debug, Clone)]
pub struct DataError {
    /// The file (`-` for stdin).
    pub path: PathBuf,
    /// 1-based line, when known.
    pub line: Option<u64>,
    /// The column or key, when one is at fault.
    pub field: Option<String>,
    /// What is wrong.
    pub kind: DataErrorKind,
}

impl DataError {
    /// A new error at `path`.
    pub fn new(path: impl Into<PathBuf>, kind: DataErrorKind) -> Self {
        Self { path: path.into(), line: None, field: None, kind }
    }

    /// Sets the line.
    pub fn at_line(mut self, line: u64) -> Self {
        self.line = Some(line);
        self
    }

    /// Sets the field.
    pub fn in_field(mut self, field: &str) -> Self {
        self.field = Some(field.to_string());
        self
    }
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ": field `{field}`")?;
        }
        match &self.kind {
            DataErrorKind::Io(e) => write!(f, ": {e}"),
            DataErrorKind::MissingColumn { available } => {
                const SHOWN: usize = 20;
                let names: Vec<String> = available
                    .iter()
                    .take(SHOWN)
                    .map(|n| {
                        if n.chars().count() > 40 {
                            format!("{}…", n.chars().take(39).collect::<String>())
                        } else {
                            n.clone()
                        }
                    })
                    .collect();
                write!(f, ": no such column; the header has: {}", names.join(", "))?;
                if available.len() > SHOWN {
                    write!(f, ", … ({} columns in all)", available.len())?;
                }
                Ok(())
            }
            DataErrorKind::MissingField => write!(f, ": missing"),
            DataErrorKind::InvalidUtf8 { offset, byte } => write!(
                f,
                ": invalid UTF-8 (byte 0x{byte:02X} at position {}); if the file is Windows-1252 or Latin-1, \
                 read it with --encoding cp1252 or --encoding latin1",
                offset + 1
            ),
            DataErrorKind::EmptyText => write!(f, ": empty text"),
            DataErrorKind::Ragged { expected, found } => {
                write!(f, ": record has {found} fields, the header has {expected}")
            }
            DataErrorKind::Invalid(e) => write!(f, ": {e}"),
            DataErrorKind::Json(e) => write!(f, ": invalid JSON: {e}"),
            DataErrorKind::UnseenLabel { label, known } => {
                write!(f, ": label {label:?} was not seen in training (known: {})", known.join(", "))
            }
            DataErrorKind::Oversized { bytes, limit } => {
                write!(f, ": record of {bytes} bytes exceeds the limit of {limit} bytes")
            }
        }
    }
}

impl std::error::Error for DataError {}

impl DataErrorKind {
    /// A read error that is a directory given where a file belongs.
    pub fn is_a_directory() -> Self {
        Self::Io(Arc::new(std::io::Error::new(std::io::ErrorKind::IsADirectory, "is a directory")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_huge_header_is_shortened_in_the_missing_column_message() {
        let available: Vec<String> = (0..1_000_000).map(|i| format!("c{i}")).collect();
        let msg = DataError::new("in.csv", DataErrorKind::MissingColumn { available })
            .at_line(1)
            .in_field("text")
            .to_string();
        assert!(msg.len() < 300, "{} bytes", msg.len());
        assert!(msg.ends_with("c18, c19, … (1000000 columns in all)"), "{msg}");
    }
}
