//! Reading the files a new user brings (issue 16): headerless files with
//! columns by position, and Windows-1252 text, for training and tagging.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{fixture, s, train};

/// The review training fixture rewritten as a headerless `label<TAB>text`
/// file in Windows-1252 (its "café" becomes the byte 0xE9).
fn headerless_cp1252(dir: &Path) -> PathBuf {
    let csv = fs::read_to_string(fixture("reviews_train.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let mut out = Vec::new();
    for row in reader.records() {
        let row = row.unwrap();
        let line = format!("{}\t{}\n", &row[2], &row[1]);
        out.extend(line.chars().map(|c| u8::try_from(u32::from(c)).expect("Latin-1 text")));
    }
    assert!(out.contains(&0xe9), "the fixture has a non-ASCII character");
    let path = dir.join("reviews.tsv");
    fs::write(&path, out).unwrap();
    path
}

#[test]
fn a_headerless_cp1252_file_trains_and_tags_like_the_csv() {
    let dir = tempfile::tempdir().unwrap();
    let tsv = headerless_cp1252(dir.path());
    let (csv_model, tsv_model) = (dir.path().join("csv.stance"), dir.path().join("tsv.stance"));
    let base = ["--c", "1", "--class-weight", "balanced", "--threads", "1"];
    let from_csv =
        train(
            base.iter()
                .copied()
                .chain(["--train", &s(&fixture("reviews_train.csv")), "--text-col", "sentence"])
                .chain(["--label-col", "verdict", "-o", &s(&csv_model)]),
        );
    from_csv.expect_code(0);
    let headerless = ["--no-header", "--encoding", "cp1252", "--text-col", "2", "--label-col", "1"];
    let from_tsv = train(base.iter().copied().chain(headerless).chain(["--train", &s(&tsv), "-o", &s(&tsv_model)]));
    from_tsv.expect_code(0);
    let report = |out: &str| {
        out.lines().filter(|l| !l.starts_with("model:") && !l.contains("fit in")).collect::<Vec<_>>().join("\n")
    };
    assert_eq!(report(&from_tsv.stdout), report(&from_csv.stdout));

    // Tagging the headerless file by position gives what the CSV gives.
    let tag = |model: &Path, args: &[&str]| {
        let run = common::run(common::TAG, ["-m", &s(model), "-q", "--format", "jsonl"].iter().chain(args));
        run.expect_code(0);
        common::jsonl(&run.stdout).iter().map(|r| r["label"].clone()).collect::<Vec<_>>()
    };
    let by_position = tag(&tsv_model, &["--no-header", "--encoding", "cp1252", "--text-col", "2", &s(&tsv)]);
    let by_name = tag(&csv_model, &["--text-col", "sentence", &s(&fixture("reviews_train.csv"))]);
    assert_eq!(by_position.len(), 42);
    assert_eq!(by_position, by_name);
}

#[test]
fn a_cp1252_file_read_as_utf8_names_the_line_and_suggests_encoding() {
    let dir = tempfile::tempdir().unwrap();
    let tsv = headerless_cp1252(dir.path());
    let line = fs::read(&tsv).unwrap().split(|&b| b == b'\n').position(|l| l.contains(&0xe9)).unwrap() + 1;
    let run = train([
        "--no-header",
        "--text-col",
        "2",
        "--label-col",
        "1",
        "--train",
        &s(&tsv),
        "-o",
        &s(&dir.path().join("x.stance")),
    ]);
    run.expect_code(1).expect_no_panic().expect_stderr(&[
        &format!("reviews.tsv:{line}: field `2`: invalid UTF-8 (byte 0xE9 at position "),
        "read it with --encoding cp1252 or --encoding latin1",
    ]);
    let named =
        train(["--no-header", "--text-col", "sentence", "--train", &s(&tsv), "-o", &s(&dir.path().join("x.stance"))]);
    named.expect_code(1).expect_stderr(&["field `sentence`: without a header row, columns are given by their 1-based"]);
}
