//! JSON Lines and JSON array sinks.

use std::io::{self, Write};

use super::{Record, Sink};

/// Appends `record` as one JSON object to `buf` (in memory, so the writer sees one call per record).
fn write_object(buf: &mut Vec<u8>, record: &Record) -> io::Result<()> {
    buf.push(b'{');
    for (i, (name, value)) in record.fields.iter().enumerate() {
        if i > 0 {
            buf.push(b',');
        }
        serde_json::to_writer(&mut *buf, name)?;
        buf.push(b':');
        value.write_json(buf)?;
    }
    buf.push(b'}');
    Ok(())
}

/// One JSON object per line, fields in record order.
pub struct JsonlSink<'a> {
    out: Box<dyn Write + 'a>,
    buf: Vec<u8>,
}

impl<'a> JsonlSink<'a> {
    /// A sink over `out`.
    pub fn new(out: Box<dyn Write + 'a>) -> Self {
        Self { out, buf: Vec::new() }
    }
}

impl Sink for JsonlSink<'_> {
    fn write(&mut self, record: &Record) -> io::Result<()> {
        self.buf.clear();
        write_object(&mut self.buf, record)?;
        self.buf.push(b'\n');
        self.out.write_all(&self.buf)
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
    buf: Vec<u8>,
    count: usize,
}

impl<'a> JsonArraySink<'a> {
    /// A sink over `out`.
    pub fn new(out: Box<dyn Write + 'a>) -> Self {
        Self { out, buf: Vec::new(), count: 0 }
    }
}

impl Sink for JsonArraySink<'_> {
    fn write(&mut self, record: &Record) -> io::Result<()> {
        self.buf.clear();
        self.buf.extend_from_slice(if self.count == 0 { b"[\n" } else { b",\n" });
        self.count += 1;
        write_object(&mut self.buf, record)?;
        self.out.write_all(&self.buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    fn finish(&mut self) -> io::Result<()> {
        self.out.write_all(if self.count == 0 { b"[]\n" } else { b"\n]\n" })?;
        self.out.flush()
    }
}
