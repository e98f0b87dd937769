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

/// Reads a whole file of at most `limit` bytes.
pub fn read_limited(path: &Path, limit: u64, what: &str) -> Result<Vec<u8>, ContainerError> {
    let mut file = File::open(path)?;
    let len = file.metadata()?.len();
    if len > limit {
        return Err(ContainerError::Format(format!("file of {len} bytes is larger than any {what} this build reads")));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    (&mut file).take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(ContainerError::Format(format!("file is larger than any {what} this build reads")));
    }
    Ok(bytes)
}

/// Writes `bytes` to a temporary file beside `path`, syncs it, and renames it over `path`.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name =
        path.file_name().ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a file path"))?;
    let tmp: PathBuf = dir.join(format!(".{}.tmp-{}", name.to_string_lossy(), std::process::id()));
    let result = (|| {
        let mut f = File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
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
