//! Faults and hostile conditions (issue 15): closed stdout and stderr, outputs
//! that alias inputs, symlinks and device nodes as outputs, thread and batch
//! limits, metrics files, resume checks, UTF-16 input, FIFOs and stdin as
//! training data. Tests that need root or timing are in `.ci/faults.sh`.

mod common;

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{dir_entries, fixture, jsonl, review_args, review_model, run, s, tag, train, TAG, TRAIN};

/// Runs `bin` with `args`, its stdout and/or stderr a pipe whose reading end is
/// closed at once; returns the exit code and whatever stderr said (if open).
fn run_closed(bin: &str, args: &[String], close_stdout: bool, close_stderr: bool) -> (Option<i32>, String) {
    let mut child = Command::new(bin)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    if close_stdout {
        drop(stdout);
    }
    let mut err = String::new();
    if close_stderr {
        drop(stderr);
    } else {
        stderr.read_to_string(&mut err).unwrap();
    }
    let status = child.wait().unwrap();
    (status.code(), err)
}

/// Waits for `child` at most `limit`; kills it and fails if it is still running.
fn wait_or_kill(child: &mut std::process::Child, limit: Duration, what: &str) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

// ---- 11: closed stdout and stderr never panic ----

#[test]
fn closed_stdout_and_stderr_are_not_panics() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("m.stance");
    let mut args: Vec<String> = vec!["--hash-bits".into(), "12".into(), "--quiet".into()];
    args.extend(review_args(&model));
    // `stance-train … | head -1`: the report's reader has gone.
    let (code, err) = run_closed(TRAIN, &args, true, false);
    assert_eq!(code, Some(0), "broken pipe is a quiet exit: {err}");
    assert!(err.is_empty(), "{err}");
    assert!(model.is_file(), "the model was still written");
    // A closed stderr with an error to report: exit 1, no panic (101).
    let missing = vec!["--train".to_string(), s(&dir.path().join("absent.csv")), "-o".into(), s(&model)];
    assert_eq!(run_closed(TRAIN, &missing, false, true).0, Some(1));
    let bad_model = vec!["--model".to_string(), s(&dir.path().join("absent.stance")), s(&fixture("sentences.txt"))];
    assert_eq!(run_closed(TAG, &bad_model, false, true).0, Some(1));
    // `stance-tag bench … | true`.
    let bench: Vec<String> = ["bench", "--model", &s(review_model()), "--warmup", "0", "--threads", "1"]
        .iter()
        .map(ToString::to_string)
        .chain([s(&fixture("sentences.txt"))])
        .collect();
    let (code, err) = run_closed(TAG, &bench, true, false);
    assert_eq!(code, Some(0), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    // Errors records with both streams closed.
    let missing_input = vec!["--model".to_string(), s(review_model()), s(&dir.path().join("absent.txt"))];
    // Which closed stream the run meets first depends on scheduling: a quiet exit (0) or
    // the error-record status (2), never a panic (101).
    let code = run_closed(TAG, &missing_input, true, true).0;
    assert!(matches!(code, Some(0 | 2)), "{code:?}");
}

// ---- 6: outputs that are inputs are refused ----

#[test]
fn an_output_that_is_an_input_is_refused_and_the_input_kept() {
    let dir = tempfile::tempdir().unwrap();
    let original = fs::read(fixture("sentences.txt")).unwrap();
    let x = dir.path().join("x.txt");
    fs::write(&x, &original).unwrap();
    tag(["-o", &s(&x), &s(&x)]).expect_code(1).expect_no_panic().expect_stderr(&["same file as the input"]);
    // The partial file of the output is the input.
    let out = dir.path().join("o.jsonl");
    let partial = dir.path().join("o.jsonl.partial");
    fs::write(&partial, &original).unwrap();
    tag(["--format", "jsonl", "-o", &s(&out), &s(&partial)]).expect_code(1).expect_stderr(&["same file as the input"]);
    // A hard link is the same file under another name.
    let hard = dir.path().join("hard.txt");
    fs::hard_link(&x, &hard).unwrap();
    tag(["-o", &s(&hard), &s(&x)]).expect_code(1).expect_stderr(&["same file as the input"]);
    assert_eq!(fs::read(&x).unwrap(), original);
    assert_eq!(fs::read(&partial).unwrap(), original);

    // stance-train: the model or the metrics over the training data.
    let t = dir.path().join("t.csv");
    let data = fs::read(fixture("reviews_train.csv")).unwrap();
    fs::write(&t, &data).unwrap();
    let base = ["--train", &s(&t), "--text-col", "sentence", "--label-col", "verdict", "--threads", "1"];
    let m = s(&dir.path().join("m.stance"));
    for extra in
        [vec!["-o", &s(&t)], vec!["-o", &m, "--metrics-json", &s(&t)], vec!["-o", &s(&hard), "--lexicon", &s(&x)]]
    {
        let mut args: Vec<&str> = base.to_vec();
        args.extend(extra.iter().copied());
        train(&args).expect_code(1).expect_no_panic().expect_stderr(&["same file as the input"]);
    }
    let mut args: Vec<&str> = base.to_vec();
    args.extend(["-o", &m, "--metrics-json", &m]);
    train(&args).expect_code(1).expect_stderr(&["two outputs"]);
    assert_eq!(fs::read(&t).unwrap(), data);
    assert_eq!(fs::read(&x).unwrap(), original);
}

// ---- 1: symlinks and device nodes as outputs ----

#[cfg(unix)]
#[test]
fn symlinked_outputs_are_written_through_not_replaced() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let input = s(&fixture("sentences.txt"));
    let expected = tag(["--format", "jsonl", &input]).expect_code(0).stdout.clone();
    // A link to a regular file: the file gets the output, the link stays.
    let real = dir.path().join("real.jsonl");
    fs::write(&real, "old\n").unwrap();
    let link = dir.path().join("link.jsonl");
    symlink(&real, &link).unwrap();
    tag(["--format", "jsonl", "-o", &s(&link), &input]).expect_code(0);
    assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert_eq!(fs::read_to_string(&real).unwrap(), expected);
    // A link to a device: written through, no partial file, the link stays.
    let null = dir.path().join("null");
    symlink("/dev/null", &null).unwrap();
    tag(["--format", "jsonl", "-o", &s(&null), &input]).expect_code(0);
    tag(["--format", "jsonl", "-o", &s(&null), "--resume", &input])
        .expect_code(1)
        .expect_stderr(&["--resume needs a regular file"]);
    assert!(fs::symlink_metadata(&null).unwrap().file_type().is_symlink());
    // stance-train: the model through a link, the metrics to a device.
    let model_real = dir.path().join("model-real.stance");
    let model_link = dir.path().join("model.stance");
    symlink(&model_real, &model_link).unwrap();
    fs::write(&model_real, "old").unwrap();
    let mut args = review_args(&model_link);
    args.extend(["--metrics-json".into(), s(&null)]);
    train(&args).expect_code(0);
    assert!(fs::symlink_metadata(&model_link).unwrap().file_type().is_symlink());
    assert!(fs::read(&model_real).unwrap().starts_with(b"STANCE\0M"));
    assert!(fs::symlink_metadata(&null).unwrap().file_type().is_symlink());
    assert_eq!(dir_entries(dir.path()), ["link.jsonl", "model-real.stance", "model.stance", "null", "real.jsonl"]);
}

// ---- 7: --threads and --batch-size ----

#[test]
fn threads_and_batch_size_are_checked() {
    let input = s(&fixture("sentences.txt"));
    tag(["--threads", "0", &input]).expect_code(1).expect_stderr(&["--threads must be at least 1"]);
    for size in ["0", "10000000000", "18446744073709551615"] {
        tag(["--batch-size", size, &input])
            .expect_code(1)
            .expect_no_panic()
            .expect_stderr(&["--batch-size", "out of range"]);
    }
    let r = run(TAG, ["--model", &s(review_model()), "--threads", "30000", "--format", "jsonl", &input]);
    r.expect_code(0).expect_stderr(&["--threads 30000 capped at"]);
    assert_eq!(jsonl(&r.stdout).len(), 4);
    let dir = tempfile::tempdir().unwrap();
    let mut args = review_args(&dir.path().join("m.stance"));
    let i = args.iter().position(|a| a == "--threads").unwrap();
    args[i + 1] = "0".into();
    train(&args).expect_code(1).expect_stderr(&["--threads must be at least 1"]);
}

// ---- 12: an existing metrics file is never deleted ----

#[test]
fn an_existing_metrics_file_survives_a_failed_model_write() {
    let dir = tempfile::tempdir().unwrap();
    let metrics = dir.path().join("metrics.json");
    fs::write(&metrics, "{\"earlier\": true}").unwrap();
    let not_a_file = dir.path().join("models");
    fs::create_dir(&not_a_file).unwrap();
    let mut args = review_args(&not_a_file);
    args.extend(["--metrics-json".into(), s(&metrics)]);
    train(&args).expect_code(1).expect_no_panic().expect_stderr(&["is a directory"]);
    assert_eq!(fs::read_to_string(&metrics).unwrap(), "{\"earlier\": true}");
    // A good run replaces it, after the model.
    let model = dir.path().join("m.stance");
    let mut args = review_args(&model);
    args.extend(["--metrics-json".into(), s(&metrics)]);
    train(&args).expect_code(0);
    assert!(fs::read_to_string(&metrics).unwrap().contains("\"selection\""));
}

// ---- 14: an unwritable output is found before the work ----

#[test]
fn an_unwritable_output_fails_before_training() {
    let dir = tempfile::tempdir().unwrap();
    let missing_dir = dir.path().join("no-such-dir").join("m.stance");
    train(review_args(&missing_dir)).expect_code(1).expect_stderr(&["cannot write --output"]);
    let mut args = review_args(&dir.path().join("m.stance"));
    args.extend(["--metrics-json".into(), s(&dir.path().join("no-such-dir").join("x.json"))]);
    train(&args).expect_code(1).expect_stderr(&["cannot write --metrics-json"]);
    assert!(dir_entries(dir.path()).is_empty(), "no model was written");
}

#[test]
fn stale_temporary_files_of_a_killed_train_are_removed() {
    let dir = tempfile::tempdir().unwrap();
    // A temporary file named for a process that no longer exists.
    let stale = dir.path().join(".m.stance.tmp-4194303");
    fs::write(&stale, "half a model").unwrap();
    train(review_args(&dir.path().join("m.stance"))).expect_code(0);
    assert_eq!(dir_entries(dir.path()), ["m.stance"]);
}

#[test]
fn a_device_as_model_is_refused_before_reading() {
    let start = Instant::now();
    run(TAG, ["--model", "/dev/zero", &s(&fixture("sentences.txt"))])
        .expect_code(1)
        .expect_no_panic()
        .expect_stderr(&["/dev/zero", "regular file"]);
    assert!(start.elapsed() < Duration::from_secs(30));
}

#[test]
fn an_oversized_article_reports_its_size() {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("a.txt");
    fs::write(&article, "Turkey rejected the ceasefire. ".repeat(100)).unwrap();
    let r = run(TAG, ["--quiet", "--format", "jsonl", "--max-record-bytes", "1000", &s(&article)]);
    r.expect_code(2);
    let error = jsonl(&r.stdout)[0]["error"].as_str().unwrap().to_string();
    assert!(error.contains("record of 3100 bytes exceeds the limit of 1000 bytes"), "{error}");
}

// ---- 2: over-long sentences ----

#[test]
fn a_cut_sentence_is_a_warning_in_json_and_on_stderr_and_other_articles_are_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let (long, short) = (dir.path().join("long.txt"), dir.path().join("short.txt"));
    let clause = "Turkey rejected the deal and Russia backed the ceasefire while Egypt praised the agreement, ";
    fs::write(&long, clause.repeat(30)).unwrap();
    fs::write(&short, "Turkey rejected the ceasefire. Russia backed the deal.").unwrap();
    let r = run(TAG, ["--format", "jsonl", &s(&long), &s(&short)]);
    r.expect_code(0);
    let rows = jsonl(&r.stdout);
    let warning = format!(
        "a sentence of {} bytes was cut into 5 pieces at clause punctuation (sentences 0 to 4)",
        clause.len() * 30 - 1
    );
    let (cut, whole): (Vec<_>, Vec<_>) = rows.iter().partition(|row| row["article"] == s(&long));
    assert!(!cut.is_empty() && !whole.is_empty(), "{}", r.stdout);
    assert!(cut.iter().all(|row| row["warnings"] == serde_json::json!([warning])), "{}", r.stdout);
    assert!(whole.iter().all(|row| row.get("warnings").is_none()), "{}", r.stdout);
    assert!(r.stderr.contains(&format!("stance-tag: warning: {}: {warning}", s(&long))), "{}", r.stderr);
    // The short article's rows are what it gives alone; CSV keeps its columns.
    let alone = run(TAG, ["--quiet", "--format", "jsonl", &s(&short)]);
    assert_eq!(whole.len(), jsonl(&alone.stdout).len());
    let csv = run(TAG, ["--quiet", "--format", "csv", &s(&long)]);
    assert!(csv.stdout.starts_with("article,actor,code,actor_code,event,stance,confidence,evidence,error\n"));
    assert!(!csv.stdout.contains("cut into"), "{}", csv.stdout);
}

// ---- 10: resume ----

fn table_record_end(full: &str, n: usize) -> usize {
    full.split_inclusive('\n').take(1 + n).map(str::len).sum()
}

#[test]
fn a_resumed_table_has_one_header() {
    let dir = tempfile::tempdir().unwrap();
    let input = s(&fixture("sentences.txt"));
    let full_path = dir.path().join("full.txt");
    tag(["--batch-size", "1", "-o", &s(&full_path), &input]).expect_code(0);
    let full = fs::read_to_string(&full_path).unwrap();
    let out = dir.path().join("out.txt");
    let (bytes, next) = (table_record_end(&full, 2), table_record_end(&full, 3));
    fs::write(dir.path().join("out.txt.partial"), &full.as_bytes()[..(bytes + next) / 2]).unwrap();
    fs::write(dir.path().join("out.txt.partial.progress"), format!("2 {bytes}\n")).unwrap();
    tag(["--batch-size", "1", "-o", &s(&out), "--resume", &input]).expect_code(0);
    assert_eq!(fs::read_to_string(&out).unwrap(), full);
}

/// Starts a resumable run whose first input is missing (an error record) and
/// whose second is stdin, kept open; kills it once its progress record counts
/// the error record. Returns the output path.
fn killed_run_with_an_error_record(dir: &Path) -> PathBuf {
    let out = dir.join("out.jsonl");
    let progress = dir.join("out.jsonl.partial.progress");
    let missing = s(&dir.join("missing.txt"));
    let mut child = Command::new(TAG)
        .args(["--model", &s(review_model()), "--quiet", "--format", "jsonl", "--batch-size", "1", "--resume"])
        .args(["-o", &s(&out), &missing, "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"lovely tea\n").unwrap();
    stdin.flush().unwrap();
    let start = Instant::now();
    while !fs::read_to_string(&progress).unwrap_or_default().starts_with("2 ") {
        assert!(start.elapsed() < Duration::from_secs(60), "no checkpoint after two records");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    drop(stdin);
    out
}

#[test]
fn a_resumed_run_counts_earlier_error_records_and_refuses_other_settings() {
    let dir = tempfile::tempdir().unwrap();
    let out = killed_run_with_an_error_record(dir.path());
    let missing = s(&dir.path().join("missing.txt"));
    let progress = fs::read_to_string(dir.path().join("out.jsonl.partial.progress")).unwrap();
    assert!(progress.starts_with("2 ") && progress.lines().next().unwrap().ends_with(" 1"), "{progress}");
    // Another format, or other inputs: refused, the partial file kept.
    tag(["--format", "csv", "-o", &s(&out), "--resume", &missing, "-"])
        .expect_code(1)
        .expect_stderr(&["different format (jsonl; this run: csv)"]);
    tag(["--format", "jsonl", "-o", &s(&out), "--resume", &missing])
        .expect_code(1)
        .expect_stderr(&["different inputs"]);
    assert!(dir.path().join("out.jsonl.partial").exists());
    // The same settings: resumes, and exits 2 for the error record written before the kill.
    let mut child = Command::new(TAG)
        .args(["--model", &s(review_model()), "--quiet", "--format", "jsonl", "--batch-size", "1", "--resume"])
        .args(["-o", &s(&out), &missing, "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"lovely tea\nrude staff\n").unwrap();
    let result = child.wait_with_output().unwrap();
    assert_eq!(result.status.code(), Some(2), "{}", String::from_utf8_lossy(&result.stderr));
    let records = jsonl(&fs::read_to_string(&out).unwrap());
    assert_eq!(records.len(), 3, "the error record, then each stdin line once");
    assert!(records[0]["error"].is_string() && records[1]["error"].is_null() && records[2]["line"] == 2);
}

// ---- 13: UTF-16 input ----

#[test]
fn utf16_input_is_one_error_record_not_garbage() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("utf16.txt");
    let mut data = vec![0xff, 0xfe];
    data.extend("lovely tea\nrude staff\nstale bread\n".encode_utf16().flat_map(u16::to_le_bytes));
    fs::write(&input, data).unwrap();
    let r = tag(["--format", "jsonl", &s(&input)]);
    r.expect_code(2);
    let records = jsonl(&r.stdout);
    assert_eq!(records.len(), 1, "{}", r.stdout);
    let error = records[0]["error"].as_str().unwrap();
    assert!(error.contains("UTF-16LE") && error.contains("convert it to UTF-8"), "{error}");
}

// ---- 9: training from a FIFO or stdin ----

#[cfg(unix)]
#[test]
fn training_reads_a_fifo_or_stdin_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = fs::read(fixture("reviews_train.csv")).unwrap();
    let reference = dir.path().join("ref.stance");
    let base = ["--hash-bits", "12", "--quiet", "--text-col", "sentence", "--label-col", "verdict", "--threads", "1"];
    let fifo = dir.path().join("train.csv");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let file = dir.path().join("file.csv");
    fs::write(&file, &data).unwrap();
    run(TRAIN, base.iter().copied().chain(["--train", &s(&file), "-o", &s(&reference)])).expect_code(0);
    let from_fifo = dir.path().join("fifo.stance");
    let mut child = Command::new(TRAIN)
        .args(base)
        .args(["--train", &s(&fifo), "-o", &s(&from_fifo)])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let writer = {
        let (fifo, data) = (fifo.clone(), data.clone());
        std::thread::spawn(move || fs::write(fifo, data))
    };
    let status = wait_or_kill(&mut child, Duration::from_secs(60), "training from a FIFO");
    if !status.success() {
        // Unblock the writer thread if the child never opened the FIFO.
        let _ = fs::File::open(&fifo);
    }
    writer.join().unwrap().unwrap();
    assert!(status.success(), "training from a FIFO");
    assert_eq!(fs::read(&from_fifo).unwrap(), fs::read(&reference).unwrap(), "same bytes, same data hash");
    let from_stdin = dir.path().join("stdin.stance");
    let mut child = Command::new(TRAIN)
        .args(base)
        .args(["--format", "csv", "--train", "-", "-o", &s(&from_stdin)])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&data).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(fs::read(&from_stdin).unwrap(), fs::read(&reference).unwrap());
}
