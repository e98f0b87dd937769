//! Expanding input arguments: files as given, directories as their input files
//! (text, CSV, TSV, JSON Lines, or no extension) in sorted order, recursively,
//! hidden entries skipped; `-` as stdin. Symlinks are followed, but each
//! directory and each file is visited once (by device and inode), so a
//! symlink loop neither repeats files nor recurses without end.

use std::collections::HashSet;
use std::io;
use std::path::{Path, PathBuf};

use crate::outputs::{file_id, FileId};

/// Expands `inputs`; no inputs means stdin.
pub fn expand_inputs(inputs: &[PathBuf]) -> io::Result<Vec<PathBuf>> {
    if inputs.is_empty() {
        return Ok(vec![PathBuf::from("-")]);
    }
    let mut out = Vec::new();
    let mut seen = Seen::default();
    for input in inputs {
        if input.is_dir() {
            walk(input, &mut out, &mut seen)?;
        } else {
            out.push(input.clone());
        }
    }
    Ok(out)
}

/// Extensions of files a directory contributes ("README.md" or "notes.pdf" do not).
const INPUT_EXTENSIONS: &[&str] = &["txt", "text", "csv", "tsv", "tab", "jsonl", "ndjson", "conllu"];

fn is_input(p: &Path) -> bool {
    p.extension().and_then(|e| e.to_str()).is_none_or(|e| INPUT_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// Directories and files already visited while walking.
#[derive(Default)]
struct Seen {
    dirs: HashSet<FileId>,
    files: HashSet<FileId>,
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>, seen: &mut Seen) -> io::Result<()> {
    match file_id(dir) {
        Some(id) if !seen.dirs.insert(id) => return Ok(()),
        _ => {}
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out, seen)?;
        } else if is_input(&p) && file_id(&p).is_none_or(|id| seen.files.insert(id)) {
            out.push(p);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directories_expand_sorted_and_skip_hidden() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["b.txt", "a.txt", ".hidden", "sub/c.txt", "README.md"] {
            let p = dir.path().join(name);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "x").unwrap();
        }
        let got = expand_inputs(&[dir.path().to_path_buf(), PathBuf::from("-")]).unwrap();
        let names: Vec<_> =
            got.iter().map(|p| p.strip_prefix(dir.path()).unwrap_or(p).to_string_lossy().into_owned()).collect();
        assert_eq!(names, ["a.txt", "b.txt", "sub/c.txt", "-"]);
        assert_eq!(expand_inputs(&[]).unwrap(), [PathBuf::from("-")]);
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loops_visit_each_file_once() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("a/b")).unwrap();
        std::fs::write(root.join("top.txt"), "x").unwrap();
        std::fs::write(root.join("a/b/deep.txt"), "x").unwrap();
        std::os::unix::fs::symlink(".", root.join("self")).unwrap();
        std::os::unix::fs::symlink("../..", root.join("a/b/up")).unwrap();
        std::os::unix::fs::symlink("b", root.join("a/zz")).unwrap();
        let got = expand_inputs(&[root.to_path_buf()]).unwrap();
        let names: Vec<_> = got.iter().map(|p| p.strip_prefix(root).unwrap().to_string_lossy().into_owned()).collect();
        assert_eq!(names, ["a/b/deep.txt", "top.txt"]);
    }
}
