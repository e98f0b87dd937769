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

/// What a run was started with (output format, inputs, model, settings), as
/// `(key, value)` pairs stored in the progress record; resuming with a
/// different value for any key is refused.
pub type RunSignature = Vec<(String, String)>;

/// An output file being written through its `.partial` twin, which is locked
/// so that a second run writing the same output is refused.
#[derive(Debug)]
pub struct ResumableOutput {
    final_path: PathBuf,
    partial_path: PathBuf,
    progress_path: PathBuf,
    signature: RunSignature,
    /// A handle on the partial file: holds its lock until commit, and syncs it at checkpoints.
    lock: File,
    /// Input records already done (to skip).
    pub done: u64,
    /// Output bytes already written.
    pub bytes: u64,
    /// Error records among the records already done.
    pub errors: u64,
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// The progress record saved at each checkpoint.
#[derive(Debug, Default)]
struct Progress {
    done: u64,
    bytes: u64,
    errors: u64,
    signature: RunSignature,
}

impl ResumableOutput {
    /// The partial file written for the output `path`.
    pub fn partial_for(path: &Path) -> PathBuf {
        with_suffix(path, PARTIAL_SUFFIX)
    }

    /// The progress record kept beside the output `path`.
    pub fn progress_for(path: &Path) -> PathBuf {
        with_suffix(&Self::partial_for(path), ".progress")
    }

    /// Opens `path`'s partial file: continues it when `resume` and its progress
    /// record exists, else starts it empty. The partial file is locked first, so
    /// a second run on the same output fails here without touching it; resuming
    /// a run started with another `signature` is refused.
    pub fn open(path: &Path, resume: bool, signature: &RunSignature) -> io::Result<(Self, File)> {
        let partial_path = Self::partial_for(path);
        let progress_path = Self::progress_for(path);
        let existed = partial_path.exists();
        let mut file = OpenOptions::new().write(true).create(true).truncate(false).open(&partial_path)?;
        crate::outputs::lock_exclusive(&file, &partial_path)?;
        let saved = if resume && existed { read_progress(&progress_path)? } else { None };
        let (done, bytes, errors) = match saved {
            Some(p) => {
                for (key, old) in &p.signature {
                    if let Some((_, new)) = signature.iter().find(|(k, _)| k == key) {
                        if new != old {
                            return Err(io::Error::other(format!(
                                "{} was written with a different {key} ({old}; this run: {new}); \
                                 run with the same settings, or without --resume to start over",
                                partial_path.display()
                            )));
                        }
                    }
                }
                if file.metadata()?.len() < p.bytes {
                    return Err(io::Error::other(format!(
                        "{} is shorter than its progress record says; remove it to start over",
                        partial_path.display()
                    )));
                }
                file.set_len(p.bytes)?;
                (p.done, p.bytes, p.errors)
            }
            None => {
                file.set_len(0)?;
                (0, 0, 0)
            }
        };
        file.seek(SeekFrom::End(0))?;
        let lock = file.try_clone()?;
        let out = Self {
            final_path: path.to_path_buf(),
            partial_path,
            progress_path,
            signature: signature.clone(),
            lock,
            done,
            bytes,
            errors,
        };
        out.save_progress(done, bytes, errors)?;
        Ok((out, file))
    }

    /// Records that `done` input records, `errors` of them error records,
    /// produced `bytes` output bytes (call after flushing). The partial file
    /// and the record are synced, so a power loss cannot leave a record that
    /// points past the data on disk.
    pub fn save_progress(&self, done: u64, bytes: u64, errors: u64) -> io::Result<()> {
        self.lock.sync_data()?;
        let tmp = with_suffix(&self.progress_path, ".tmp");
        let mut f = File::create(&tmp)?;
        let mut text = format!("{done} {bytes} {errors}\n");
        for (key, value) in &self.signature {
            text += &format!("{key} {value}\n");
        }
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, &self.progress_path)
    }

    /// Renames the finished partial file to the final path and drops the progress record.
    pub fn commit(self) -> io::Result<()> {
        self.lock.sync_all()?;
        fs::rename(&self.partial_path, &self.final_path)?;
        fs::remove_file(&self.progress_path)
    }

    /// The partial file's path.
    pub fn partial_path(&self) -> &Path {
        &self.partial_path
    }
}

fn read_progress(path: &Path) -> io::Result<Option<Progress>> {
    let text = match fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let bad = || io::Error::other(format!("{}: unreadable progress record {text:?}", path.display()));
    let mut lines = text.lines();
    let counts: Vec<u64> = lines
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .map(str::parse)
        .collect::<Result<_, _>>()
        .map_err(|_| bad())?;
    // Records from before errors were counted hold two numbers.
    let (done, bytes, errors) = match counts[..] {
        [done, bytes] => (done, bytes, 0),
        [done, bytes, errors] => (done, bytes, errors),
        _ => return Err(bad()),
    };
    let signature = lines
        .filter(|l| !l.is_empty())
        .map(|l| l.split_once(' ').map(|(k, v)| (k.to_string(), v.to_string())).ok_or_else(bad))
        .collect::<io::Result<_>>()?;
    Ok(Some(Progress { done, bytes, errors, signature }))
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

    fn sig() -> RunSignature {
        vec![("format".into(), "jsonl".into())]
    }

    #[test]
    fn resume_truncates_to_the_last_recorded_batch() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.jsonl");
        let (o, mut f) = ResumableOutput::open(&out, true, &sig()).unwrap();
        assert_eq!((o.done, o.bytes), (0, 0));
        f.write_all(b"r1\nr2\n").unwrap();
        o.save_progress(2, 6, 1).unwrap();
        f.write_all(b"r3\nr4-torn").unwrap();
        drop((o, f)); // killed: the lock goes with the process
        let (o, mut f) = ResumableOutput::open(&out, true, &sig()).unwrap();
        assert_eq!((o.done, o.bytes, o.errors), (2, 6, 1));
        f.write_all(b"r3\nr4\n").unwrap();
        o.commit().unwrap();
        assert_eq!(fs::read_to_string(&out).unwrap(), "r1\nr2\nr3\nr4\n");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1, "only the final file remains");
        let (o, _) = ResumableOutput::open(&out, false, &sig()).unwrap();
        assert_eq!(o.done, 0);
    }

    #[test]
    fn a_second_writer_is_refused_and_the_first_keeps_its_data() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.jsonl");
        let (o, mut f) = ResumableOutput::open(&out, false, &sig()).unwrap();
        f.write_all(b"r1\n").unwrap();
        let err = ResumableOutput::open(&out, false, &sig()).unwrap_err();
        assert!(err.to_string().contains("another run is writing"), "{err}");
        let err = ResumableOutput::open(&out, true, &sig()).unwrap_err();
        assert!(err.to_string().contains("another run is writing"), "{err}");
        f.write_all(b"r2\n").unwrap();
        drop(f);
        o.commit().unwrap();
        assert_eq!(fs::read_to_string(&out).unwrap(), "r1\nr2\n");
    }

    #[test]
    fn resuming_with_other_settings_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.jsonl");
        let (o, mut f) = ResumableOutput::open(&out, true, &sig()).unwrap();
        f.write_all(b"r1\n").unwrap();
        o.save_progress(1, 3, 0).unwrap();
        drop((o, f));
        let other = vec![("format".to_string(), "csv".to_string())];
        let err = ResumableOutput::open(&out, true, &other).unwrap_err();
        assert!(err.to_string().contains("different format (jsonl; this run: csv)"), "{err}");
        // Legacy records (two numbers, no signature) still resume.
        fs::write(ResumableOutput::progress_for(&out), "1 3\n").unwrap();
        let (o, _) = ResumableOutput::open(&out, true, &other).unwrap();
        assert_eq!((o.done, o.bytes, o.errors), (1, 3, 0));
    }
}
