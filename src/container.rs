//! The model-file container shared by every model this crate writes: an 8-byte
//! magic, a `u32` format version, a `u64` payload length, a `u64` FNV-1a 64
//! checksum of the payload, then the payload (little-endian throughout).
//! Reading checks each field before the payload is touched; writing goes
//! through [`crate::outputs::write_atomic`].

use std::fs::File;
use std::io::Read;
use std::path::Path;

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
