//! The model-file container shared by every model this crate writes: an 8-byte
//! magic, a `u32` format version, a `u64` payload length, a `u64` FNV-1a 64
//! checksum of the payload, then the payload (little-endian throughout).
//! Reading checks each field before the payload is touched; writing goes
//! through a synced temporary file renamed into place.

use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Header bytes before the payload.
pub const HEADER_BYTES: usize = 8 + 4 + 8 + 8;

/// Why a container could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ContainerError {
    /// The file could not be read or written.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The bytes are not a valid container of a version this build reads.
    #[error("{0}")]
    Format(String),
}

pub use crate::hash::fnv1a64;

/// Frames `body` behind the header for `magic` and `version`.
pub fn frame(magic: &[u8; 8], version: u32, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_BYTES + body.len());
    out.extend_from_slice(magic);
    out.extend_from_slice(&version.to_le_bytes());
    out.extend_from_slice(&(body.len() as u64).to_le_bytes());
    out.extend_from_slice(&fnv1a64(0, body).to_le_bytes());
    out.extend_from_slice(body);
    out
}

/// Checks the header of `bytes` (magic `what` names the kind of file in errors)
/// and returns the format version and the payload.
pub fn unframe<'a>(
    bytes: &'a [u8],
    magic: &[u8; 8],
    newest: u32,
    what: &str,
) -> Result<(u32, &'a [u8]), ContainerError> {
    let bad = |m: String| Err(ContainerError::Format(m));
    if bytes.len() < magic.len() || &bytes[..magic.len()] != magic {
        return bad(format!("not a {what} file (bad magic number)"));
    }
    if bytes.len() < HEADER_BYTES {
        return bad(format!("truncated {what} file (incomplete header)"));
    }
    let version = u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes"));
    if version > newest {
        return bad(format!(
            "{what} format version {version} is newer than this build reads ({newest}); upgrade stance"
        ));
    }
    if version == 0 {
        return bad(format!("invalid {what} format version 0"));
    }
    let declared = u64::from_le_bytes(bytes[12..20].try_into().expect("8 bytes"));
    let body = &bytes[HEADER_BYTES..];
    if declared != body.len() as u64 {
        return bad(format!(
            "truncated or padded {what} file: header declares {declared} payload bytes, found {}",
            body.len()
        ));
    }
    let checksum = u64::from_le_bytes(bytes[20..28].try_into().expect("8 bytes"));
    if fnv1a64(0, body) != checksum {
        return bad(format!("corrupt {what} file (checksum mismatch)"));
    }
    Ok((version, body))
}

/// Opens `path` for reading as a regular file of at most `limit` bytes;
/// devices, FIFOs and other non-regular files are refused before anything is read.
fn open_regular(path: &Path, limit: u64, what: &str) -> Result<(File, u64), ContainerError> {
    let file = File::open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        let kind = if meta.is_dir() { "a directory" } else { "not a regular file (a device, FIFO or socket)" };
        return Err(ContainerError::Format(format!("is {kind}; a {what} must be a regular file")));
    }
    let len = meta.len();
    if len > limit {
        return Err(ContainerError::Format(format!("file of {len} bytes is larger than any {what} this build reads")));
    }
    Ok((file, len))
}

/// Reads the rest of `file` after `head`, at most `limit` bytes in all.
fn read_rest(file: &mut File, head: &[u8], len: u64, limit: u64, what: &str) -> Result<Vec<u8>, ContainerError> {
    let mut bytes = Vec::with_capacity(len as usize);
    bytes.extend_from_slice(head);
    file.take((limit + 1).saturating_sub(head.len() as u64)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(ContainerError::Format(format!("file is larger than any {what} this build reads")));
    }
    Ok(bytes)
}

/// Reads a whole container file of at most `limit` bytes: devices, FIFOs and
/// other non-regular files are refused before anything is read, and `magic` is
/// checked in the first bytes before the rest, so a large file of another kind
/// is refused at once.
pub fn read_container(path: &Path, limit: u64, magic: &[u8; 8], what: &str) -> Result<Vec<u8>, ContainerError> {
    let (mut file, len) = open_regular(path, limit, what)?;
    let mut head = Vec::with_capacity(magic.len());
    (&mut file).take(magic.len() as u64).read_to_end(&mut head)?;
    if head != magic {
        return Err(ContainerError::Format(format!("not a {what} file (bad magic number)")));
    }
    read_rest(&mut file, &head, len, limit, what)
}

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

#[cfg(test)]
mod tests {
    use super::*;

    const MAGIC: &[u8; 8] = b"TESTFILE";

    #[test]
    fn frames_round_trip_and_damage_is_named() {
        let good = frame(MAGIC, 2, b"payload");
        assert_eq!(unframe(&good, MAGIC, 2, "test").unwrap(), (2, &b"payload"[..]));
        let msg = |b: &[u8]| unframe(b, MAGIC, 2, "test").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(msg(b"nonsense").contains("not a test file"));
        assert!(msg(&good[..12]).contains("incomplete header"));
        assert!(msg(&good[..good.len() - 1]).contains("truncated or padded"));
        assert!(msg(&frame(MAGIC, 3, b"x")).contains("version 3 is newer"));
        assert!(msg(&frame(MAGIC, 0, b"x")).contains("version 0"));
        let mut flipped = good.clone();
        *flipped.last_mut().unwrap() ^= 1;
        assert!(msg(&flipped).contains("checksum mismatch"));
    }
}
