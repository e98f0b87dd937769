//! `stance-tag` end to end: input formats, output formats, ordering,
//! error records, bad model files, broken pipes and resumable output.

mod common;

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{dir_entries, fixture, jsonl, review_model, run, s, tag, TAG};
use serde_json::{json, Value};

const LABELS: [&str; 3] = ["neg", "neu", "pos"];

/// The `name` field of every record, as a JSON array.
fn col(records: &[Value], name: &str) -> Value {
    records.iter().map(|r| r[name].clone()).collect()
}

/// Checks a prediction record: no error, a known label equal to the best of
/// `top`, whose `k` probabilities are sorted, distinct labels and sum to ≤ 1.
fn check_prediction(r: &Value, k: usize) {
    assert!(r["error"].is_null(), "{r}");
    let top = r["top"].as_array().unwrap_or_else(|| panic!("top is an array: {r}"));
    assert_eq!(top.len(), k, "{r}");
    let ps: Vec<f64> = top.iter().map(|t| t["p"].as_f64().expect("p")).collect();
    assert!(ps.windows(2).all(|w| w[0] >= w[1]), "probabilities sorted descending: {r}");
    assert!(ps.iter().all(|p| (0.0..=1.0).contains(p)), "{r}");
    assert!(ps.iter().sum::<f64>() <= 1.0 + 1e-4 * k as f64, "probabilities sum to at most 1: {r}");
    let mut names: Vec<&str> = top.iter().map(|t| t["label"].as_str().expect("label")).collect();
    assert_eq!(r["label"], top[0]["label"], "{r}");
    assert_eq!(r["score"], top[0]["p"], "{r}");
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), k, "distinct labels: {r}");
    assert!(names.iter().all(|n| LABELS.contains(n)), "{r}");
}

#[test]
fn lines_file_gives_one_record_per_line_in_order() {
    let input = fixture("sentences.txt");
    let run = tag(["--format", "jsonl", "--with-text", &s(&input)]);
    run.expect_code(0).expect_no_panic();
    let records = jsonl(&run.stdout);
    assert_eq!(records.len(), 4, "the blank line is not a record:\n{}", run.stdout);
    assert!(records.iter().all(|r| r["source"] == s(&input).as_str() && r["id"].is_null()));
    assert_eq!(col(&records, "line"), json!([1, 2, 4, 5]));
    let text = fs::read_to_string(&input).unwrap();
    let nonblank: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(col(&records, "text"), json!(nonblank));
    records.iter().for_each(|r| check_prediction(r, 1));
    assert_eq!(col(&records, "label"), json!(["pos", "neg", "neu", "pos"]));
    // Without --with-text the text is not copied.
    let plain = jsonl(&tag(["--format", "jsonl", &s(&input)]).expect_code(0).stdout);
    assert!(plain.iter().all(|r| r["text"].is_null()));
}

#[test]
fn csv_with_text_and_id_columns() {
    let input = fixture("reviews_tag.csv");
    let run = tag(["--format", "jsonl", "--text-col", "body", "--id-col", "key", "--with-text", &s(&input)]);
    run.expect_code(0);
    let records = jsonl(&run.stdout);
    let ids: Vec<&str> = records.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["r1", "r2", "r3", "r4"]);
    let lines: Vec<u64> = records.iter().map(|r| r["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, [2, 3, 4, 6], "a quoted newline keeps the record on its first line");
    assert_eq!(records[1]["text"], "Awful, rude staff and stale bread");
    assert_eq!(records[2]["text"], "The shop opens\nat nine");
    records.iter().for_each(|r| check_prediction(r, 1));
    let labels: Vec<&str> = records.iter().map(|r| r["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["pos", "neg", "neu", "pos"]);

    let missing = tag(["--format", "jsonl", "--text-col", "text", &s(&input)]);
    missing.expect_code(2).expect_no_panic();
    assert!(
        missing.stdout.contains("field `text`: no such column; the header has: key, body, extra"),
        "{}",
        missing.stdout
    );
}

#[test]
fn jsonl_input_with_ids() {
    let input = fixture("reviews_tag.jsonl");
    let run = tag(["--format", "jsonl", "--text-col", "body", "--id-col", "ref", &s(&input)]);
    run.expect_code(0);
    let records = jsonl(&run.stdout);
    assert_eq!(col(&records, "id"), json!(["7", "b-8", "9"]));
    assert_eq!(col(&records, "line"), json!([1, 2, 4]));
    records.iter().for_each(|r| check_prediction(r, 1));
    let labels: Vec<&str> = records.iter().map(|r| r["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["pos", "neg", "neu"]);
}

#[test]
fn top_k_reports_sorted_probabilities() {
    let input = fixture("sentences.txt");
    let records = jsonl(&tag(["--format", "jsonl", "--top-k", "2", &s(&input)]).expect_code(0).stdout);
    assert_eq!(records.len(), 4);
    for r in &records {
        check_prediction(r, 2);
        let ps: Vec<f64> = r["top"].as_array().unwrap().iter().map(|t| t["p"].as_f64().unwrap()).collect();
        assert!(ps[0] + ps[1] < 1.0, "two of three probabilities leave room for the third: {r}");
    }
    // More labels than the model has: all of them, summing to 1.
    let all = jsonl(&tag(["--format", "jsonl", "--top-k", "10", &s(&input)]).expect_code(0).stdout);
    for r in &all {
        check_prediction(r, 3);
        let sum: f64 = r["top"].as_array().unwrap().iter().map(|t| t["p"].as_f64().unwrap()).sum();
        assert!((sum - 1.0).abs() < 3e-4, "{r}");
    }
    // 0 means every label.
    let zero = jsonl(&tag(["--format", "jsonl", "--top-k", "0", &s(&input)]).expect_code(0).stdout);
    assert_eq!(zero, all, "--top-k 0 reports every label");
}

#[test]
fn csv_json_and_table_output_formats() {
    let input = s(&fixture("sentences.txt"));
    let expected = jsonl(&tag(["--format", "jsonl", "--top-k", "2", &input]).expect_code(0).stdout);

    let csv_out = tag(["--format", "csv", "--top-k", "2", &input]);
    csv_out.expect_code(0);
    // One probability column per label of the model, filled for the top k.
    let header = "source,line,id,label,score,p_neg,p_neu,p_pos,text,error\n";
    assert!(csv_out.stdout.starts_with(header), "{}", csv_out.stdout);
    let mut reader = csv::Reader::from_reader(csv_out.stdout.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), expected.len());
    for (row, rec) in rows.iter().zip(&expected) {
        assert_eq!(&row[1], rec["line"].to_string());
        assert_eq!(&row[3], rec["label"].as_str().unwrap());
        let mut top: Vec<(String, String)> = ["neg", "neu", "pos"]
            .iter()
            .zip(&row.iter().collect::<Vec<_>>()[5..8])
            .filter(|(_, p)| !p.is_empty())
            .map(|(l, p)| (l.to_string(), p.to_string()))
            .collect();
        top.sort_by(|a, b| b.1.parse::<f64>().unwrap().total_cmp(&a.1.parse().unwrap()));
        let want: Vec<(String, String)> = rec["top"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| (t["label"].as_str().unwrap().to_string(), t["p"].to_string()))
            .collect();
        assert_eq!(top, want);
    }

    let json_out = tag(["--format", "json", "--top-k", "2", &input]);
    json_out.expect_code(0);
    let array: Value = serde_json::from_str(&json_out.stdout).expect("one JSON document");
    assert_eq!(array.as_array().expect("an array"), &expected);

    let table = tag(["--format", "table", &input]);
    table.expect_code(0);
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert_eq!(lines.len(), 1 + expected.len(), "{}", table.stdout);
    let header: Vec<&str> = lines[0].split_whitespace().collect();
    assert_eq!(header, ["source", "line", "id", "label", "score", "top", "text", "error"]);
    for (line, rec) in lines[1..].iter().zip(&expected) {
        assert!(line.contains(rec["label"].as_str().unwrap()), "{line}");
    }
}

/// A few thousand varied sentences, as a lines file and as a CSV.
fn generated_inputs(dir: &Path, n: usize) -> (PathBuf, PathBuf) {
    let words = ["wonderful", "awful", "cakes", "staff", "opens", "nine", "rude", "lovely", "tea", "the", "is", "and"];
    let mut lines = String::new();
    let mut csv = String::from("n,body\n");
    for i in 0..n {
        let sentence: Vec<&str> = (0..1 + i % 7).map(|j| words[(i * 7 + j * 5 + i / 3) % words.len()]).collect();
        let sentence = sentence.join(" ");
        lines += &format!("{sentence} {i}\n");
        csv += &format!("{i},\"{sentence}, {i}\"\n");
    }
    let (a, b) = (dir.join("gen.txt"), dir.join("gen.csv"));
    fs::write(&a, lines).unwrap();
    fs::write(&b, csv).unwrap();
    (a, b)
}

#[test]
fn output_is_identical_for_any_threads_and_batch_size() {
    let dir = tempfile::tempdir().unwrap();
    let (txt, csv) = generated_inputs(dir.path(), 3000);
    let (txt, csv) = (s(&txt), s(&csv));
    let go = |extra: &[&str]| {
        let mut args = vec!["--format", "jsonl", "--top-k", "3", "--text-col", "body", "--id-col", "n", &txt, &csv];
        args.extend(extra);
        tag(args).expect_code(0).stdout.clone()
    };
    let reference = go(&["--threads", "1"]);
    let records = jsonl(&reference);
    assert_eq!(records.len(), 6000);
    let lines: Vec<u64> = records[..3000].iter().map(|r| r["line"].as_u64().unwrap()).collect();
    assert!(lines.iter().copied().eq(1..=3000), "input order");
    let ids: Vec<String> = records[3000..].iter().map(|r| r["id"].as_str().unwrap().to_string()).collect();
    assert!(ids.iter().map(|i| i.parse::<usize>().unwrap()).eq(0..3000), "input order");
    assert!(records.iter().any(|r| r["label"] == "pos") && records.iter().any(|r| r["label"] == "neg"));
    for extra in
        [&["--threads", "2"][..], &["--threads", "2", "--batch-size", "1"], &["--threads", "1", "--batch-size", "7"]]
    {
        assert!(go(extra) == reference, "output with {extra:?} differs from --threads 1");
    }
}

#[test]
fn bad_records_become_error_records_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.csv");
    fs::write(&bad, "body\nWonderful cakes and lovely staff\n   \nAwful rude staff\n").unwrap();
    let missing = dir.path().join("missing.txt");
    let good = fixture("sentences.txt");
    let tail = fixture("reviews_tag.jsonl");
    let run = tag(["--format", "jsonl", "--text-col", "body", &s(&good), &s(&bad), &s(&missing), &s(&tail)]);
    run.expect_code(2).expect_no_panic();
    assert!(run.stderr.contains("2 records could not be"), "{}", run.stderr);
    let records = jsonl(&run.stdout);
    let summary: Vec<(String, Value, bool)> = records
        .iter()
        .map(|r| (r["source"].as_str().unwrap().to_string(), r["line"].clone(), r["error"].is_null()))
        .collect();
    let (g, b, m, t) = (s(&good), s(&bad), s(&missing), s(&tail));
    let expected: Vec<(String, Value, bool)> = vec![
        (g.clone(), 1.into(), true),
        (g.clone(), 2.into(), true),
        (g.clone(), 4.into(), true),
        (g, 5.into(), true),
        (b.clone(), 2.into(), true),
        (b.clone(), 3.into(), false),
        (b, 4.into(), true),
        (m, Value::Null, false),
        (t.clone(), 1.into(), true),
        (t.clone(), 2.into(), true),
        (t, 4.into(), true),
    ];
    assert_eq!(summary, expected);
    let empty = &records[5];
    assert_eq!(empty["error"], format!("{}:3: field `body`: empty text", s(&bad)).as_str());
    assert!(empty["label"].is_null() && empty["top"].is_null() && empty["score"].is_null());
    let gone = records[7]["error"].as_str().unwrap();
    assert!(gone.starts_with(&s(&missing)) && gone.contains("No such file"), "{gone}");
    for r in records.iter().filter(|r| r["error"].is_null()) {
        check_prediction(r, 1);
    }
    assert_eq!(records[4]["label"], "pos");
    assert_eq!(records[6]["label"], "neg");
}

/// Regression test for a fixed bug (src/data/delimited.rs): ragged rows get the `csv` crate's line
/// number, which is wrong after CRLF line ends (here 2 for a row on line 6).
#[test]
fn ragged_row_error_record_has_the_right_line_in_crlf_files() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("crlf.csv");
    fs::write(&input, "body\r\nlovely tea\r\n\r\n\r\n\r\nrude staff,neg\r\nok\r\n").unwrap();
    let run = tag(["--format", "jsonl", "--text-col", "body", &s(&input)]);
    run.expect_code(2);
    let records = jsonl(&run.stdout);
    assert_eq!(col(&records, "line"), json!([2, 6, 7]));
}

#[test]
fn bad_model_files_fail_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let good = fs::read(review_model()).unwrap();
    let input = s(&fixture("sentences.txt"));
    let mut flipped = good.clone();
    let mid = 28 + (good.len() - 28) / 2;
    flipped[mid] ^= 0x10;
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("not-a-model.csv", b"text,label\nhello,pos\n".to_vec(), "not a stance model file (bad magic number)"),
        ("empty.stance", Vec::new(), "not a stance model file"),
        ("header.stance", good[..16].to_vec(), "truncated stance model file (incomplete header)"),
        ("half.stance", good[..good.len() / 2].to_vec(), "truncated or padded stance model file"),
        ("flipped.stance", flipped, "corrupt stance model file (checksum mismatch)"),
    ];
    for (name, bytes, reason) in cases {
        let path = dir.path().join(name);
        fs::write(&path, bytes).unwrap();
        let r = run(TAG, ["--model", &s(&path), "--format", "jsonl", &input]);
        r.expect_code(1).expect_no_panic();
        assert!(r.stdout.is_empty(), "{name}: nothing classified: {}", r.stdout);
        assert_eq!(r.stderr.lines().count(), 1, "{name}: one message: {}", r.stderr);
        r.expect_stderr(&["stance-tag: error: ", &format!("{}: {reason}", s(&path))]);
    }
    let absent = dir.path().join("absent.stance");
    let r = run(TAG, ["--model", &s(&absent), &input]);
    r.expect_code(1).expect_no_panic().expect_stderr(&[&s(&absent), "No such file"]);
}

/// Regression test for a fixed bug (src/model/error.rs `ModelError::Io`): the message embeds `{source}`
/// and also returns it as the error source, so `{:#}` prints the OS error
/// twice: "absent.stance: No such file or directory (os error 2): No such
/// file or directory (os error 2)".
#[test]
fn missing_model_message_names_the_os_error_once() {
    let dir = tempfile::tempdir().unwrap();
    let absent = dir.path().join("absent.stance");
    let r = run(TAG, ["--model", &s(&absent), &s(&fixture("sentences.txt"))]);
    r.expect_code(1);
    assert_eq!(r.stderr.matches("No such file").count(), 1, "{}", r.stderr);
}

#[test]
fn broken_pipe_exits_quietly_with_status_0() {
    let mut child = Command::new(TAG)
        .args(["--model", &s(review_model()), "--format", "jsonl", "--threads", "1", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || {
        let mut block = String::new();
        for i in 0..200_000 {
            block += &format!("wonderful cakes and rude staff number {i}\n");
            if block.len() > 1 << 16 {
                if stdin.write_all(block.as_bytes()).is_err() {
                    return; // the reader has gone: expected
                }
                block.clear();
            }
        }
        let _ = stdin.write_all(block.as_bytes());
    });
    let mut stderr = child.stderr.take().unwrap();
    let err_reader = std::thread::spawn(move || {
        let mut text = String::new();
        stderr.read_to_string(&mut text).unwrap();
        text
    });
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    drop(stdout);
    let first: Value = serde_json::from_str(&first).expect("a JSON line");
    assert_eq!(first["line"], 1);
    assert_eq!(first["source"], "-");

    let status = child.wait().unwrap();
    feeder.join().unwrap();
    let err = err_reader.join().unwrap();
    assert_eq!(status.code(), Some(0), "stderr: {err}");
    assert!(err.is_empty(), "nothing on stderr after a broken pipe: {err}");
}

#[test]
fn output_file_is_complete_and_no_partial_remains() {
    let dir = tempfile::tempdir().unwrap();
    let input = s(&fixture("sentences.txt"));
    let expected = tag(["--format", "jsonl", &input]).expect_code(0).stdout.clone();
    for (name, resume) in [("a.jsonl", false), ("b.jsonl", true)] {
        let out = dir.path().join(name);
        let mut args = vec!["--format", "jsonl", "--output"];
        let out_s = s(&out);
        args.push(&out_s);
        if resume {
            args.push("--resume");
        }
        args.push(&input);
        let run = tag(args);
        run.expect_code(0);
        assert!(run.stdout.is_empty(), "records go to the file");
        assert_eq!(fs::read_to_string(&out).unwrap(), expected);
    }
    // A run with error records still completes its file.
    let out = dir.path().join("c.csv");
    tag(["--format", "csv", "--output", &s(&out), &input, &s(&dir.path().join("missing.txt"))]).expect_code(2);
    let text = fs::read_to_string(&out).unwrap();
    assert_eq!(text.lines().count(), 1 + 4 + 1, "header, 4 records, 1 error record:\n{text}");
    assert_eq!(dir_entries(dir.path()), ["a.jsonl", "b.jsonl", "c.csv"], "no .partial files");
}

#[test]
fn resume_needs_a_line_oriented_format_and_an_output() {
    let dir = tempfile::tempdir().unwrap();
    let input = s(&fixture("sentences.txt"));
    let out = dir.path().join("o.json");
    tag(["--format", "json", "--output", &s(&out), "--resume", &input])
        .expect_code(1)
        .expect_no_panic()
        .expect_stderr(&["--resume needs --format"]);
    tag(["--format", "jsonl", "--resume", &input]).expect_code(2).expect_stderr(&["--output"]);
    assert!(dir_entries(dir.path()).is_empty());
}

/// Resumes from a partial file cut after `keep` output lines plus a torn
/// piece of the next one, and checks the result equals the full output.
/// Byte offset just after the first `n` records of `full` (CSV: after its header too).
fn record_end(full: &str, format: &str, n: usize) -> usize {
    if n == 0 {
        return 0;
    }
    if format == "jsonl" {
        return full.split_inclusive('\n').take(n).map(str::len).sum();
    }
    let mut reader = csv::Reader::from_reader(full.as_bytes());
    let mut record = csv::ByteRecord::new();
    for _ in 0..n {
        assert!(reader.read_byte_record(&mut record).unwrap(), "fewer than {n} records");
    }
    reader.position().byte() as usize
}

/// Simulates a run killed after `done` records: the partial output holds them
/// plus half of the next one, and the progress record says `done` records in
/// `bytes` bytes. Resuming must give exactly the uninterrupted output.
fn check_resume_from_cut(format: &str, done: usize, inputs: &[&str], extra: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let full_path = dir.path().join(format!("full.{format}"));
    let mut args = vec!["--format", format, "--batch-size", "3"];
    args.extend(extra);
    let full_s = s(&full_path);
    let mut full_args = args.clone();
    full_args.extend(["--output", full_s.as_str()]);
    full_args.extend(inputs);
    tag(&full_args).expect_code(0);
    let full = fs::read_to_string(&full_path).unwrap();

    let out = dir.path().join(format!("out.{format}"));
    let partial = dir.path().join(format!("out.{format}.partial"));
    let progress = dir.path().join(format!("out.{format}.partial.progress"));
    let bytes = record_end(&full, format, done);
    let next = record_end(&full, format, done + 1);
    fs::write(&partial, &full.as_bytes()[..bytes + (next - bytes) / 2]).unwrap();
    fs::write(&progress, format!("{done} {bytes}\n")).unwrap();
    let out_s = s(&out);
    let mut resume_args = args.clone();
    resume_args.extend(["--output", out_s.as_str(), "--resume"]);
    resume_args.extend(inputs);
    tag(&resume_args).expect_code(0);
    assert_eq!(fs::read_to_string(&out).unwrap(), full, "{format}: resumed after {done} records");
    assert!(!partial.exists() && !progress.exists());
}

#[test]
fn resume_from_a_torn_partial_file_csv_and_jsonl() {
    let dir = tempfile::tempdir().unwrap();
    let (txt, csv) = generated_inputs(dir.path(), 40);
    let (txt, csv) = (s(&txt), s(&csv));
    let inputs = [txt.as_str(), csv.as_str()];
    let extra = ["--text-col", "body", "--id-col", "n", "--top-k", "2"];
    for done in [0, 1, 2, 41, 79] {
        check_resume_from_cut("csv", done, &inputs, &extra);
    }
    for done in [0, 1, 40, 79] {
        check_resume_from_cut("jsonl", done, &inputs, &extra);
    }
}

/// Regression test for a fixed bug (the resume of line-oriented formats, src/batch/resume.rs): CSV
/// output is resumed by counting lines, but with --with-text a text holding a
/// newline makes one record span two lines, so resuming skips records.
#[test]
fn resume_csv_with_multiline_text() {
    let input = s(&fixture("reviews_tag.csv"));
    // r1, r2 and r3 (whose text holds a newline) are done; r4 is torn.
    check_resume_from_cut("csv", 3, &[&input], &["--text-col", "body", "--with-text"]);
}

/// The value of the `line` field of a JSONL output record, without parsing all of it.
fn line_field(record: &str) -> u64 {
    let rest = &record[record.find(",\"line\":").expect("line field") + 8..];
    rest[..rest.find(',').unwrap()].parse().expect("line number")
}

#[test]
fn resume_after_kill_gives_every_record_once_in_order() {
    const N: u64 = 300_000;
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("big.txt");
    let phrases = ["lovely tea", "rude staff", "the shop opens at nine", "awful soup"];
    let text: String = (0..N).map(|i| format!("{} {i}\n", phrases[i as usize % 4])).collect();
    fs::write(&input, text).unwrap();
    let out = dir.path().join("out.jsonl");
    let partial = dir.path().join("out.jsonl.partial");
    let args = |out: &Path, threads: &str| {
        let model = s(review_model());
        let out = s(out);
        ["--model", &model, "--format", "jsonl", "--batch-size", "1000", "--threads", threads, "--output", &out]
            .map(String::from)
            .to_vec()
    };

    let mut child = Command::new(TAG)
        .args(args(&out, "1"))
        .arg(&input)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if fs::read(&partial).is_ok_and(|b| b.contains(&b'\n')) {
            break;
        }
        assert!(child.try_wait().unwrap().is_none(), "the run finished before it could be killed");
        assert!(Instant::now() < deadline, "no output after 60 s");
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(!out.exists(), "a killed run does not produce the final file");

    let progress = dir.path().join("out.jsonl.partial.progress");
    let record = fs::read_to_string(&progress).unwrap();
    let complete: u64 = record.split_whitespace().next().unwrap().parse().unwrap();
    assert!(complete < N, "killed mid-run after {complete} records");
    let mut written = fs::read(&partial).unwrap();
    written.extend_from_slice(br#"{"source":"torn","line":12"#);
    fs::write(&partial, &written).unwrap();

    let resumed = run(TAG, args(&out, "1").into_iter().chain(["--resume".into(), s(&input)]));
    resumed.expect_code(0).expect_no_panic();
    assert!(
        resumed.stderr.contains(&format!(
            "stance-tag: {n} items, {n} records (0 errors{})",
            if complete > 0 { format!(", {complete} already done") } else { String::new() },
            n = N - complete
        )),
        "{}",
        resumed.stderr
    );
    assert!(!partial.exists(), "the partial file is renamed when complete");

    let result = fs::read_to_string(&out).unwrap();
    let lines: Vec<u64> = result.lines().map(line_field).collect();
    assert_eq!(lines.len() as u64, N, "one record per input line");
    assert!(lines.iter().copied().eq(1..=N), "lines run 1..=N in order, no duplicates or gaps");
    assert!(!result.contains("torn"));

    let reference = dir.path().join("ref.jsonl");
    run(TAG, args(&reference, "2").into_iter().chain([s(&input)])).expect_code(0);
    assert!(fs::read_to_string(&reference).unwrap() == result, "the resumed output equals an uninterrupted run");
}

#[test]
fn a_100_mb_single_line_is_an_error_record_and_memory_stays_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("huge.txt");
    let mut data = vec![b'a'; 100 << 20];
    data.extend_from_slice(b"\nlovely tea\n");
    fs::write(&input, &data).unwrap();
    drop(data);
    let run = tag(["--format", "jsonl", &s(&input)]);
    run.expect_code(2).expect_no_panic();
    let records = jsonl(&run.stdout);
    assert_eq!(records.len(), 2, "one error record, then the next line classified");
    let error = records[0]["error"].as_str().unwrap();
    assert!(error.contains(":1: record of 104857600 bytes exceeds the limit of 16777216 bytes"), "{error}");
    assert!(records[1]["error"].is_null() && records[1]["line"] == 2);
}

#[test]
fn empty_inputs_give_no_records_or_an_error_record() {
    let dir = tempfile::tempdir().unwrap();
    let empty_txt = dir.path().join("empty.txt");
    fs::write(&empty_txt, "").unwrap();
    let run = tag(["--format", "jsonl", &s(&empty_txt)]);
    run.expect_code(0).expect_no_panic();
    assert!(run.stdout.is_empty(), "an empty text file has no sentences");
    let empty_csv = dir.path().join("empty.csv");
    fs::write(&empty_csv, "").unwrap();
    let run = tag(["--format", "jsonl", &s(&empty_csv)]);
    run.expect_code(2).expect_no_panic();
    let records = jsonl(&run.stdout);
    assert_eq!(records.len(), 1);
    assert!(records[0]["error"].as_str().unwrap().contains("empty file: no header row"));
}

#[test]
fn likely_mistakes_get_a_note_before_the_run() {
    // Records without --model are tagged as articles: said on stderr, not silent.
    let csv = run(TAG, [s(&fixture("reviews_tag.csv")), "--text-col".into(), "sentence".into()]);
    assert!(
        csv.stderr.contains("note: no --model: the text of each record is tagged as a news article"),
        "{}",
        csv.stderr
    );
    // A model trained with targets, run without --target-col.
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("mentions.stance");
    let train_args = ["--train", &s(&fixture("mentions_train.jsonl")), "--text-col", "sent", "--label-col", "pol"];
    let more = ["--spans-col", "mentions", "--threads", "1", "-o", &s(&model)];
    common::train(train_args.iter().chain(&more)).expect_code(0);
    let lines = dir.path().join("texts.txt");
    fs::write(&lines, "Zoë praised Martin\n").unwrap();
    let without = run(TAG, ["--model".into(), s(&model), s(&lines)]);
    assert!(
        without.stderr.contains("without --target-col every text is classified with no target"),
        "{}",
        without.stderr
    );
    let quiet = run(TAG, ["--model".into(), s(&model), "-q".into(), s(&lines)]);
    assert!(!quiet.stderr.contains("note:"), "-q keeps notes quiet: {}", quiet.stderr);
    // A plain sentence model on plain lines: no note.
    let plain = run(TAG, ["--model".into(), s(review_model()), s(&lines)]);
    assert!(!plain.stderr.contains("note:"), "{}", plain.stderr);
}

#[test]
fn per_sentence_links_show_their_dependency_path() {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("a.txt");
    fs::write(&article, "Iran said the airstrike was illegal. Russia did not welcome the deal.\n").unwrap();
    let out = run(TAG, ["-q", "--per-sentence", "--format", "jsonl", s(&article).as_str()]);
    out.expect_code(0);
    let records = jsonl(&out.stdout);
    let path = |actor: &str| {
        let r = records.iter().find(|r| r["actor"] == actor).unwrap_or_else(|| panic!("{actor}: {records:?}"));
        r["path"].as_str().unwrap_or_else(|| panic!("a path: {r}")).to_string()
    };
    assert_eq!(path("Iran"), "airstrike >nsubj illegal >ccomp said <subject");
    assert_eq!(path("Russia"), "deal >obj welcome <subject (negated)");
    // A syntax model that is not one is refused by name.
    let bad = dir.path().join("bad.syntax");
    fs::write(&bad, "not a model").unwrap();
    let out = run(TAG, ["-q", "--syntax-model", s(&bad).as_str(), s(&article).as_str()]);
    assert_ne!(out.code, Some(0));
    assert!(out.stderr.contains("bad.syntax"), "{}", out.stderr);
}
