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

#[test]
fn kept_columns_are_carried_to_every_output_format() {
    let input = s(&fixture("reviews_test.csv"));
    let base = ["--text-col", "sentence", "--keep-cols", "verdict,id"];
    let jsonl = common::tag(base.iter().copied().chain(["--format", "jsonl", &input]));
    jsonl.expect_code(0);
    let records = common::jsonl(&jsonl.stdout);
    assert_eq!(records.len(), 12);
    // `id` is an output column already: the input's is `input_id`.
    assert_eq!((&records[0]["verdict"], &records[0]["input_id"]), (&"pos".into(), &"201".into()));
    // In column order: the kept columns after `id`.
    assert!(jsonl.stdout.contains(r#""id":null,"verdict":"pos","input_id":"201","label":"#), "{}", jsonl.stdout);

    let csv = common::tag(base.iter().copied().chain(["--format", "csv", "--top-k", "0", &input]));
    csv.expect_code(0);
    let mut lines = csv.stdout.lines();
    assert_eq!(lines.next(), Some("source,line,id,verdict,input_id,label,score,p_neg,p_neu,p_pos,text,error"));
    let first: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(&first[3..5], ["pos", "201"]);
    let sum: f64 = first[7..10].iter().map(|p| p.parse::<f64>().unwrap()).sum();
    assert!((sum - 1.0).abs() < 1e-3, "--top-k 0 fills every probability column: {first:?}");

    let table = common::tag(base.iter().copied().chain([&input[..]]));
    table.expect_code(0);
    assert!(table
        .stdout
        .lines()
        .next()
        .unwrap()
        .split_whitespace()
        .eq(["source", "line", "id", "verdict", "input_id", "label", "score", "top", "text", "error"]));

    // A column the file lacks is an error naming it; lines of text have no columns to keep.
    let missing = common::tag(["--text-col", "sentence", "--keep-cols", "nope", "--format", "jsonl", &input]);
    missing.expect_code(2);
    assert!(missing.stdout.contains("field `nope`: no such column"), "{}", missing.stdout);
    let lines = common::tag(["--keep-cols", "x", "--format", "jsonl", &s(&fixture("sentences.txt"))]);
    lines.expect_code(2);
    assert!(lines.stdout.contains("kept columns need CSV, TSV or JSONL input"), "{}", lines.stdout);
}
