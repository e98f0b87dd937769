//! Output files that never destroy anything: symlinks followed and devices
//! written through rather than replaced, atomic writes through a locked
//! temporary file beside the target, writability checked before any work, and
//! outputs refused when they are the same file as an input.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use thiserror::Error;

/// Where an output path leads once symlinks are followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputTarget {
    /// A regular file, or a path where none exists yet (symlinks resolved to
    /// their target): written beside it and renamed into place.
    Regular(PathBuf),
    /// A device, FIFO or socket (or a symlink to one): written through in
    /// place, never replaced or renamed over.
    Special(PathBuf),
}

impl OutputTarget {
    /// The path to write.
    pub fn path(&self) -> &Path {
        match self {
            Self::Regular(p) | Self::Special(p) => p,
        }
    }
}

/// Resolves an output path: a symlink is followed to its target, so that the
/// link itself is never replaced; a directory or a dangling symlink is refused.
pub fn resolve_output(path: &Path) -> std::io::Result<OutputTarget> {
    use std::io::{Error, ErrorKind};
    let meta = match fs::symlink_metadata(path) {
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(OutputTarget::Regular(path.to_path_buf())),
        Err(e) => return Err(e),
        Ok(m) => m,
    };
    let (path, meta) = if meta.file_type().is_symlink() {
        let cannot = |e: Error| {
            Error::new(e.kind(), format!("{} is a symlink whose target cannot be used: {e}", path.display()))
        };
        let meta = fs::metadata(path).map_err(cannot)?;
        if meta.is_file() {
            (fs::canonicalize(path).map_err(cannot)?, meta)
        } else {
            // A link to a device or pipe (/dev/stdout) is opened through the link.
            (path.to_path_buf(), meta)
        }
    } else {
        (path.to_path_buf(), meta)
    };
    if meta.is_dir() {
        return Err(Error::new(ErrorKind::IsADirectory, format!("{} is a directory", path.display())));
    }
    Ok(if meta.is_file() { OutputTarget::Regular(path) } else { OutputTarget::Special(path) })
}

/// The temporary file [`write_atomic`] writes beside `path` before renaming it.
pub fn temp_path(path: &Path) -> PathBuf {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    dir.join(format!(".{name}.tmp-{}", std::process::id()))
}

/// Takes an exclusive lock on `file` without waiting; `what` names it when
/// another process holds the lock.
pub fn lock_exclusive(file: &File, what: &Path) -> std::io::Result<()> {
    match file.try_lock() {
        Ok(()) => Ok(()),
        Err(fs::TryLockError::WouldBlock) => Err(std::io::Error::new(
            std::io::ErrorKind::WouldBlock,
            format!(
                "{} is locked: another run is writing the same output; wait for it or choose another output",
                what.display()
            ),
        )),
        Err(fs::TryLockError::Error(e)) => Err(e),
    }
}

/// Removes temporary files that earlier, killed writes of `path` left behind:
/// `.NAME.tmp-PID` files that no live process holds locked.
fn remove_stale_temps(path: &Path) {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let Some(name) = path.file_name() else { return };
    let prefix = format!(".{}.tmp-", name.to_string_lossy());
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let file_name = file_name.to_string_lossy();
        let Some(pid) = file_name.strip_prefix(&prefix).and_then(|p| p.parse::<u32>().ok()) else { continue };
        if pid == std::process::id() || Path::new(&format!("/proc/{pid}")).exists() {
            continue;
        }
        let Ok(f) = fs::OpenOptions::new().write(true).open(entry.path()) else { continue };
        if f.try_lock().is_ok() && entry.file_type().is_ok_and(|t| t.is_file()) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Checks, before any work, that `path` can be written: its directory exists
/// and accepts a new file, and it is not a directory or dangling symlink.
pub fn check_writable(path: &Path) -> std::io::Result<()> {
    match resolve_output(path)? {
        OutputTarget::Special(p) => fs::OpenOptions::new().write(true).open(&p).map(drop),
        OutputTarget::Regular(p) => {
            let tmp = temp_path(&p);
            File::create(&tmp)?;
            fs::remove_file(&tmp)
        }
    }
}

/// Writes `bytes` to a temporary file beside `path`, syncs it, and renames it
/// over `path`. A symlink is followed (the link stays); a device, FIFO or socket
/// is written through in place. The temporary file is locked while it is
/// written, and temporary files of killed earlier writes are removed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let path = match resolve_output(path)? {
        OutputTarget::Special(p) => {
            let mut f = fs::OpenOptions::new().write(true).open(&p)?;
            return f.write_all(bytes).and_then(|()| f.flush());
        }
        OutputTarget::Regular(p) => p,
    };
    if path.file_name().is_none() {
        return Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a file path"));
    }
    remove_stale_temps(&path);
    let tmp = temp_path(&path);
    let result = (|| {
        let mut f = fs::OpenOptions::new().write(true).create(true).truncate(false).open(&tmp)?;
        lock_exclusive(&f, &tmp)?;
        f.set_len(0)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, &path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// A file's identity: device and inode on Unix.
#[cfg(unix)]
pub type FileId = (u64, u64);
/// A file's identity: its canonical path off Unix.
#[cfg(not(unix))]
pub type FileId = PathBuf;

/// A file's identity (device and inode on Unix), following symlinks; `None`
/// when it does not exist.
#[cfg(unix)]
pub fn file_id(path: &Path) -> Option<FileId> {
    use std::os::unix::fs::MetadataExt;
    fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

/// A file's identity (its canonical path off Unix); `None` when it does not exist.
#[cfg(not(unix))]
pub fn file_id(path: &Path) -> Option<FileId> {
    fs::canonicalize(path).ok()
}

/// Refuses any output that is the same regular file as an input (compared by
/// device and inode, so links and other spellings are caught) or as another
/// output. `-` (stdin) and paths that do not exist are skipped.
pub fn check_no_aliases(inputs: &[&Path], outputs: &[&Path]) -> std::io::Result<()> {
    let regular = |p: &Path| fs::metadata(p).is_ok_and(|m| m.is_file());
    for (i, out) in outputs.iter().enumerate() {
        let Some(id) = file_id(out).filter(|_| regular(out)) else { continue };
        if let Some(input) = inputs.iter().find(|p| **p != Path::new("-") && file_id(p).as_ref() == Some(&id)) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                format!(
                    "refusing to write {}: it is the same file as the input {}, which would be destroyed",
                    out.display(),
                    input.display()
                ),
            ));
        }
        if let Some(other) = outputs[..i].iter().find(|p| file_id(p).as_ref() == Some(&id)) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                format!("{} and {} are the same file; give each output its own path", other.display(), out.display()),
            ));
        }
    }
    for (i, out) in outputs.iter().enumerate() {
        // Devices and pipes (/dev/null twice) are written through, not replaced.
        if outputs[..i].contains(out) && fs::metadata(out).map_or(true, |m| m.is_file()) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                format!("{} is given as two outputs; give each output its own path", out.display()),
            ));
        }
    }
    Ok(())
}

/// Why the outputs of a run cannot be written.
#[derive(Debug, Error)]
pub enum OutputError {
    /// An output that cannot be written (a directory, a dangling symlink, a missing or read-only directory).
    #[error("cannot write {what} {}", path.display())]
    Unwritable {
        /// The option naming the output, e.g. `--output`.
        what: String,
        /// The output path.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// An output that is an input or another output.
    #[error(transparent)]
    Alias(std::io::Error),
}

/// Checks the outputs before any work: none is an input (by device and inode,
/// the temporary names of [`write_atomic`] included) or another output, and
/// each can be written. Each output is `(option, path)`, e.g. `("--output", p)`.
pub fn check_outputs(inputs: &[&Path], outputs: &[(&str, &Path)]) -> Result<(), OutputError> {
    let unwritable = |what: &str, path: &Path, source| OutputError::Unwritable {
        what: what.to_string(),
        path: path.to_path_buf(),
        source,
    };
    let mut all: Vec<PathBuf> = Vec::new();
    for &(what, path) in outputs {
        match resolve_output(path).map_err(|e| unwritable(what, path, e))? {
            OutputTarget::Regular(p) => {
                let tmp = temp_path(&p);
                all.extend([p, tmp]);
            }
            OutputTarget::Special(p) => all.push(p),
        }
    }
    let refs: Vec<&Path> = all.iter().map(PathBuf::as_path).collect();
    check_no_aliases(inputs, &refs).map_err(OutputError::Alias)?;
    for &(what, path) in outputs {
        check_writable(path).map_err(|e| unwritable(what, path, e))?;
    }
    Ok(())
}
