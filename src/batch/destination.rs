//! Where a batch run writes: stdout, a device, FIFO or socket written through,
//! or a regular file written through its locked, resumable `.partial` twin and
//! renamed into place when complete. Every output is checked against the
//! inputs before anything is written.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use super::engine::BatchSummary;
use super::error::BatchError;
use super::resume::{CountingWriter, ResumableOutput, RunSignature};
use crate::outputs::{check_no_aliases, resolve_output, OutputTarget};

/// Output buffer size.
const BUFFER: usize = 1 << 16;

enum Target {
    Stdout,
    Device(PathBuf),
    File(ResumableOutput, Arc<AtomicU64>),
}

/// An opened output. Write through [`Destination::open`]'s writer, call
/// [`Destination::checkpoint`] after each flushed batch, then [`Destination::commit`].
pub(crate) struct Destination(Target);

/// How to open an output.
pub(crate) struct OutputSpec<'a> {
    /// The output file; stdout when `None`.
    pub path: Option<&'a Path>,
    /// Continue the partial file of an interrupted run.
    pub resume: bool,
    /// Inputs (data and models) that no output may be.
    pub inputs: &'a [&'a Path],
    /// Other outputs of the run, which must differ from this one.
    pub others: &'a [&'a Path],
}

impl Destination {
    /// Opens `spec`'s output and its writer. `signature` is asked for only when
    /// a regular file is opened, after the outputs are checked.
    pub(crate) fn open(
        spec: &OutputSpec<'_>,
        signature: impl FnOnce() -> Result<RunSignature, BatchError>,
    ) -> Result<(Self, Box<dyn Write>), BatchError> {
        let Some(path) = spec.path else {
            return Ok((Self(Target::Stdout), Box::new(BufWriter::with_capacity(BUFFER, io::stdout().lock()))));
        };
        let target = resolve_output(path).map_err(|e| BatchError::io(format!("--output {}", path.display()), e))?;
        match target {
            OutputTarget::Special(p) => {
                if spec.resume {
                    return Err(BatchError::Settings(format!(
                        "--resume needs a regular file as --output; {} is a device, FIFO or socket",
                        p.display()
                    )));
                }
                // A device, FIFO or socket is written through, never replaced.
                let file = std::fs::OpenOptions::new()
                    .write(true)
                    .open(&p)
                    .map_err(|e| BatchError::io(format!("opening {}", p.display()), e))?;
                Ok((Self(Target::Device(p)), Box::new(BufWriter::with_capacity(BUFFER, file))))
            }
            OutputTarget::Regular(path) => {
                let partial = ResumableOutput::partial_for(&path);
                let progress = ResumableOutput::progress_for(&path);
                let mut outputs: Vec<&Path> = vec![&path, &partial, &progress];
                outputs.extend(spec.others);
                check_no_aliases(spec.inputs, &outputs)?;
                let (out, file) = ResumableOutput::open(&path, spec.resume, &signature()?)
                    .map_err(|e| BatchError::io(format!("opening {}", path.display()), e))?;
                let counting = CountingWriter::new(file, out.bytes);
                let written = Arc::clone(&counting.written);
                Ok((Self(Target::File(out, written)), Box::new(BufWriter::with_capacity(BUFFER, counting))))
            }
        }
    }

    /// Input items already done by an interrupted run (to skip).
    pub(crate) fn done(&self) -> u64 {
        match &self.0 {
            Target::File(out, _) => out.done,
            _ => 0,
        }
    }

    /// Error records an interrupted run already wrote.
    pub(crate) fn prior_errors(&self) -> u64 {
        match &self.0 {
            Target::File(out, _) => out.errors,
            _ => 0,
        }
    }

    /// True when the output is empty so far (a header is due).
    pub(crate) fn is_fresh(&self) -> bool {
        match &self.0 {
            Target::File(out, _) => out.bytes == 0,
            _ => true,
        }
    }

    /// Records that `s` (this run's counts) is written and flushed.
    pub(crate) fn checkpoint(&self, s: &BatchSummary) -> io::Result<()> {
        match &self.0 {
            Target::File(out, written) => {
                out.save_progress(out.done + s.items, written.load(Ordering::Relaxed), out.errors + s.errors)
            }
            _ => Ok(()),
        }
    }

    /// `e` with the file being written, if any.
    pub(crate) fn writing(&self, e: io::Error) -> BatchError {
        match &self.0 {
            Target::Stdout => BatchError::Write(e),
            Target::Device(p) => BatchError::io(format!("writing {}", p.display()), e),
            Target::File(out, _) => BatchError::io(format!("writing {}", out.partial_path().display()), e),
        }
    }

    /// Renames a finished partial file into place (call after the writer is dropped).
    pub(crate) fn commit(self) -> Result<(), BatchError> {
        match self.0 {
            Target::File(out, _) => {
                let context = format!("renaming {} into place", out.partial_path().display());
                out.commit().map_err(|e| BatchError::io(context, e))
            }
            _ => Ok(()),
        }
    }
}
