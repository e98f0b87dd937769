//! JSON Lines and JSON array sinks.

use std::io::{self, Write};

use super::{Record, Sink};

fn write_object(out: &mut dyn Write, record: &Record) -> io::Result<()> {
    out.write_all(b"{")?;
    for (i, (name, value)) in record.fields.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        serde_json::to_writer(&mut *out, name)?;
        out.write_all(b":")?;
        serde_json::to_writer(&mut *out, value)?;
    }
    out.write_all(b"}")
}

/// One JSON object per line, fields in record order.
pub struct JsonlSink<'a> {
    out: Box<dyn Write + 'a>,
}

impl<'a> JsonlSink<'a> {
    /// A sink over `out`.
    pub fn new(out: Box<dyn Write + 'a>) -> Self {
        Self { out }
    }
}

impl Sink for JsonlSink<'_> {
    fn write(&mut self, record: &Record) -> io::Result<()> {
        write_object(&mut self.out, record)?;
        self.out.write_all(b"\n")
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    fn finish(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// A single JSON array of objects.
pub struct JsonArraySink<'a> {
    out: Box<dyn Write + 'a>,
    count: usize,
}

impl<'a> JsonArraySink<'a> {
    /// A sink over `out`.
    pub fn new(out: Box<dyn Write + 'a>) -> Self {
        Self { out, count: 0 }
    }
}

impl Sink for JsonArraySink<'_> {
    fn write(&mut self, record: &Record) -> io::Result<()> {
        self.out.write_all(if self.count == 0 { b"[\n" } else { b",\n" })?;
        self.count += 1;
        write_object(&mut self.out, record)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    fn finish(&mut self) -> io::Result<()> {
        self.out.write_all(if self.count == 0 { b"[]\n" } else { b"\n]\n" })?;
        self.out.flush()
    }
}
