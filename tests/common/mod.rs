//! Helpers shared by the CLI integration tests: binary paths, fixtures,
//! running a command and checking how it failed.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// Path of the `stance-train` binary built for these tests.
pub const TRAIN: &str = env!("CARGO_BIN_EXE_stance-train");
/// Path of the `stance-tag` binary built for these tests.
pub const TAG: &str = env!("CARGO_BIN_EXE_stance-tag");

/// A fixture file under `tests/fixtures`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("fixtures").join(name)
}

/// The result of running a binary to completion.
#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from_output(out: Output) -> Self {
        Self {
            code: out.status.code(),
            stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Asserts exit status `code`, printing both streams when it differs.
    pub fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(self.code, Some(code), "unexpected exit status\nstdout:\n{}\nstderr:\n{}", self.stdout, self.stderr);
        self
    }

    /// Asserts that the process did not panic.
    pub fn expect_no_panic(&self) -> &Self {
        assert!(!self.stderr.contains("panicked"), "the process panicked:\n{}", self.stderr);
        assert!(!self.stderr.contains("RUST_BACKTRACE"), "the process panicked:\n{}", self.stderr);
        self
    }

    /// Asserts that stderr contains every one of `parts`.
    pub fn expect_stderr(&self, parts: &[&str]) -> &Self {
        for p in parts {
            assert!(self.stderr.contains(p), "stderr lacks {p:?}:\n{}", self.stderr);
        }
        self
    }
}

/// Runs `bin` with `args` and waits for it.
pub fn run<I, S>(bin: &str, args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let out = Command::new(bin).args(args).output().unwrap_or_else(|e| panic!("running {bin}: {e}"));
    Run::from_output(out)
}

/// Runs `stance-train` with the options every test shares (small feature
/// space, one thread, no progress bar) followed by `args`.
pub fn train<I, S>(args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let mut all: Vec<std::ffi::OsString> = ["--hash-bits", "12", "--quiet"].iter().map(Into::into).collect();
    all.extend(args.into_iter().map(|a| a.as_ref().to_os_string()));
    run(TRAIN, all)
}

/// Converts a path to a `String` for use in argument lists.
pub fn s(p: &Path) -> String {
    p.to_str().expect("test paths are UTF-8").to_string()
}

/// Names of the entries of `dir`, sorted.
pub fn dir_entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("readable dir")
        .map(|e| e.expect("dir entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Arguments that train the review classifier from the CSV fixtures
/// (columns `id`, `sentence`, `verdict`; labels neg, neu, pos).
pub fn review_args(output: &Path) -> Vec<String> {
    vec![
        "--train".into(),
        s(&fixture("reviews_train.csv")),
        "--dev".into(),
        s(&fixture("reviews_dev.csv")),
        "--text-col".into(),
        "sentence".into(),
        "--label-col".into(),
        "verdict".into(),
        "--threads".into(),
        "1".into(),
        "--output".into(),
        s(output),
    ]
}

/// Runs `stance-tag` with the shared review model and `args`.
pub fn tag<I, S>(args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let mut all: Vec<std::ffi::OsString> = vec!["--model".into(), review_model().into(), "--quiet".into()];
    all.extend(args.into_iter().map(|a| a.as_ref().to_os_string()));
    run(TAG, all)
}

/// A review model trained once per test binary and shared by its tests.
pub fn review_model() -> &'static Path {
    static MODEL: OnceLock<PathBuf> = OnceLock::new();
    MODEL.get_or_init(|| {
        // A fixed path, so runs do not pile up files; the model is retrained
        // (atomically replaced, byte-identical) by every test process.
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("stance-cli-tests");
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("reviews.stance");
        train(review_args(&path)).expect_code(0);
        assert!(path.is_file(), "the shared model was written");
        path
    })
}

/// Parses JSON Lines into values, one per line.
pub fn jsonl(text: &str) -> Vec<serde_json::Value> {
    text.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad JSON line {l:?}: {e}"))).collect()
}
