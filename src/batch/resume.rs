//! Output files that survive a killed run: records go to `FILE.partial`,
//! flushed after every batch; success renames it to `FILE`. With resume, the
//! partial file's last incomplete line is cut off and its complete records are
//! counted, so the run continues after them with nothing lost or doubled.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, BufReader, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// Suffix of the in-progress output file.
pub const PARTIAL_SUFFIX: &str = ".partial";

/// An output file being written through its `.partial` twin.
#[derive(Debug)]
pub struct ResumableOutput {
    final_path: PathBuf,
    partial_path: PathBuf,
    /// Records already in the partial file (to skip in the input).
    pub done: u64,
    /// Whether the partial file already has its header line.
    pub has_header: bool,
}

impl ResumableOutput {
    /// Opens `path`'s partial file: continues it when `resume` and it exists,
    /// else starts it empty. `header_lines` is 1 for CSV, 0 for JSONL.
    pub fn open(path: &Path, resume: bool, header_lines: u64) -> io::Result<(Self, File)> {
        let mut partial_path = path.as_os_str().to_owned();
        partial_path.push(PARTIAL_SUFFIX);
        let partial_path = PathBuf::from(partial_path);
        let (file, lines) = if resume && partial_path.exists() {
            let mut file = OpenOptions::new().read(true).write(true).open(&partial_path)?;
            let (complete, lines) = complete_lines(&file)?;
            file.set_len(complete)?;
            file.seek(SeekFrom::End(0))?;
            (file, lines)
        } else {
            (File::create(&partial_path)?, 0)
        };
        let done = lines.saturating_sub(header_lines);
        let has_header = lines >= header_lines && lines > 0;
        Ok((Self { final_path: path.to_path_buf(), partial_path, done, has_header }, file))
    }

    /// Renames the finished partial file to the final path.
    pub fn commit(self) -> io::Result<()> {
        fs::rename(&self.partial_path, &self.final_path)
    }

    /// The partial file's path.
    pub fn partial_path(&self) -> &Path {
        &self.partial_path
    }
}

/// Byte length up to and including the last newline, and the number of lines.
fn complete_lines(file: &File) -> io::Result<(u64, u64)> {
    let mut reader = BufReader::new(file);
    let (mut offset, mut complete, mut lines) = (0u64, 0u64, 0u64);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let n = reader.read_until(b'\n', &mut buf)?;
        if n == 0 {
            break;
        }
        offset += n as u64;
        if buf.last() == Some(&b'\n') {
            complete = offset;
            lines += 1;
        }
    }
    Ok((complete, lines))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn resume_cuts_the_torn_line_and_counts_records() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.csv");
        let (o, mut f) = ResumableOutput::open(&out, true, 1).unwrap();
        assert_eq!((o.done, o.has_header), (0, false));
        f.write_all(b"h\nr1\nr2\nr3-torn").unwrap();
        drop(f);
        let (o, mut f) = ResumableOutput::open(&out, true, 1).unwrap();
        assert_eq!((o.done, o.has_header), (2, true));
        f.write_all(b"r3\n").unwrap();
        o.commit().unwrap();
        assert_eq!(fs::read_to_string(&out).unwrap(), "h\nr1\nr2\nr3\n");
        let (o, _) = ResumableOutput::open(&out, false, 0).unwrap();
        assert_eq!(o.done, 0);
    }
}
