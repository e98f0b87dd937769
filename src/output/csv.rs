//! CSV sink with a header row; nested values are written as JSON text.

use std::io::{self, Write};

use super::{plain, Record, Sink};

/// CSV with a fixed set of columns.
pub struct CsvSink<'a> {
    writer: ::csv::Writer<Box<dyn Write + 'a>>,
    columns: Vec<&'static str>,
    header: bool,
}

impl<'a> CsvSink<'a> {
    /// A sink over `out` with `columns`; writes the header row first when `header`.
    pub fn new(out: Box<dyn Write + 'a>, columns: &[&'static str], header: bool) -> Self {
        Self { writer: ::csv::Writer::from_writer(out), columns: columns.to_vec(), header }
    }
}

fn io_err(e: ::csv::Error) -> io::Error {
    match e.into_kind() {
        ::csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

impl Sink for CsvSink<'_> {
    fn write(&mut self, record: &Record) -> io::Result<()> {
        if self.header {
            self.header = false;
            self.writer.write_record(&self.columns).map_err(io_err)?;
        }
        let row = self.columns.iter().map(|c| record.get(c).map(plain).unwrap_or_default());
        self.writer.write_record(row).map_err(io_err)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.writer.flush()
    }

    fn finish(&mut self) -> io::Result<()> {
        if self.header {
            self.header = false;
            self.writer.write_record(&self.columns).map_err(io_err)?;
        }
        self.writer.flush()
    }
}
