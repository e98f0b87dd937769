//! Output files that survive a killed run. Records go to `FILE.partial`; after
//! each batch the output is flushed and `FILE.partial.progress` records how many
//! input records are done and how many output bytes they produced (written to a
//! temporary file and renamed, so it is never torn). Resuming truncates the
//! partial output to that byte count and skips that many input records, so
//! nothing is lost or written twice; success renames the partial file to `FILE`.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// Suffix of the in-progress output file.
pub const PARTIAL_SUFFIX: &str = ".partial";

/// An output file being written through its `.partial` twin.
#[derive(Debug)]
pub struct ResumableOutput {
    final_path: PathBuf,
    partial_path: PathBuf,
    progress_path: PathBuf,
    /// Input records already done (to skip).
    pub done: u64,
    /// Output bytes already written.
    pub bytes: u64,
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

impl ResumableOutput {
    /// Opens `path`'s partial file: continues it when `resume` and its progress
    /// record exists, else starts it empty.
    pub fn open(path: &Path, resume: bool) -> io::Result<(Self, File)> {
        let partial_path = with_suffix(path, PARTIAL_SUFFIX);
        let progress_path = with_suffix(&partial_path, ".progress");
        let saved = if resume { read_progress(&progress_path)? } else { None };
        let (file, done, bytes) = match saved {
            Some((done, bytes)) if partial_path.exists() => {
                let mut file = OpenOptions::new().write(true).open(&partial_path)?;
                if file.metadata()?.len() < bytes {
                    return Err(io::Error::other(format!(
                        "{} is shorter than its progress record says; remove it to start over",
                        partial_path.display()
                    )));
                }
                file.set_len(bytes)?;
                file.seek(SeekFrom::End(0))?;
                (file, done, bytes)
            }
            _ => (File::create(&partial_path)?, 0, 0),
        };
        let out = Self { final_path: path.to_path_buf(), partial_path, progress_path, done, bytes };
        out.save_progress(done, bytes)?;
        Ok((out, file))
    }

    /// Records that `done` input records produced `bytes` output bytes (call after flushing).
    pub fn save_progress(&self, done: u64, bytes: u64) -> io::Result<()> {
        let tmp = with_suffix(&self.progress_path, ".tmp");
        let mut f = File::create(&tmp)?;
        writeln!(f, "{done} {bytes}")?;
        drop(f);
        fs::rename(&tmp, &self.progress_path)
    }

    /// Renames the finished partial file to the final path and drops the progress record.
    pub fn commit(self) -> io::Result<()> {
        fs::rename(&self.partial_path, &self.final_path)?;
        fs::remove_file(&self.progress_path)
    }

    /// The partial file's path.
    pub fn partial_path(&self) -> &Path {
        &self.partial_path
    }
}

fn read_progress(path: &Path) -> io::Result<Option<(u64, u64)>> {
    let text = match fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let mut parts = text.split_whitespace().map(str::parse::<u64>);
    match (parts.next(), parts.next()) {
        (Some(Ok(done)), Some(Ok(bytes))) => Ok(Some((done, bytes))),
        _ => Err(io::Error::other(format!("{}: unreadable progress record {text:?}", path.display()))),
    }
}

/// A writer that counts the bytes written through it.
#[derive(Debug)]
pub struct CountingWriter<W> {
    inner: W,
    /// Bytes written so far (including any starting offset).
    pub written: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl<W> CountingWriter<W> {
    /// Wraps `inner`, starting the count at `start`.
    pub fn new(inner: W, start: u64) -> Self {
        Self { inner, written: std::sync::Arc::new(std::sync::atomic::AtomicU64::new(start)) }
    }
}

impl<W: Write> Write for CountingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.written.fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resume_truncates_to_the_last_recorded_batch() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.jsonl");
        let (o, mut f) = ResumableOutput::open(&out, true).unwrap();
        assert_eq!((o.done, o.bytes), (0, 0));
        f.write_all(b"r1\nr2\n").unwrap();
        o.save_progress(2, 6).unwrap();
        f.write_all(b"r3\nr4-torn").unwrap();
        drop(f);
        let (o, mut f) = ResumableOutput::open(&out, true).unwrap();
        assert_eq!((o.done, o.bytes), (2, 6));
        f.write_all(b"r3\nr4\n").unwrap();
        o.commit().unwrap();
        assert_eq!(fs::read_to_string(&out).unwrap(), "r1\nr2\nr3\nr4\n");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1, "only the final file remains");
        let (o, _) = ResumableOutput::open(&out, false).unwrap();
        assert_eq!(o.done, 0);
    }
}
