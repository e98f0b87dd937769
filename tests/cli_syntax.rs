//! `stance-train syntax` and `stance-tag parse` end to end on a small treebank
//! written for these tests, and the shipped syntax model on raw text.

mod common;

use std::fs;
use std::io::Write;
use std::process::{Command, Stdio};

use common::{fixture, run, TAG, TRAIN};

fn train_tiny(dir: &std::path::Path) -> std::path::PathBuf {
    let model = dir.join("tiny.syntax");
    let tiny = fixture("tiny.conllu");
    let r = run(
        TRAIN,
        [
            "syntax",
            "--train",
            tiny.to_str().unwrap(),
            "--dev",
            tiny.to_str().unwrap(),
            "-q",
            "-o",
            model.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, Some(0), "{r:?}");
    assert!(r.stdout.contains("dev: UPOS 100.00"), "{}", r.stdout);
    model
}

/// `stance-tag parse --syntax-model MODEL --input-format conllu ARGS...`.
fn parse_conllu(model: &std::path::Path, args: &[&str]) -> common::Run {
    let mut all = vec!["parse", "--syntax-model", model.to_str().unwrap(), "--input-format", "conllu"];
    all.extend_from_slice(args);
    run(TAG, all)
}

#[test]
fn trains_then_reparses_and_scores_conllu() {
    let dir = tempfile::tempdir().unwrap();
    let model = train_tiny(dir.path());
    let tiny = fixture("tiny.conllu");
    let metrics = dir.path().join("m.json");
    let r = parse_conllu(&model, &["--score", "--metrics-json", metrics.to_str().unwrap(), tiny.to_str().unwrap()]);
    assert_eq!(r.code, Some(0), "{r:?}");
    assert!(r.stderr.contains("UAS 100.00  LAS 100.00  (24 words)"), "{}", r.stderr);
    let json: serde_json::Value = serde_json::from_str(&fs::read_to_string(metrics).unwrap()).unwrap();
    assert_eq!(json["parse"]["las"], 100.0);
    assert_eq!(r.stdout.matches("# sent_id = fixture-").count(), 4, "comments are kept");
    assert!(r.stdout.contains("1\tTurkey\tTurkey\tPROPN\tNNP\t_\t2\tnsubj\t_\t_\n"), "{}", r.stdout);
}

#[test]
fn bad_sentences_are_reported_by_line_and_the_rest_parsed() {
    let dir = tempfile::tempdir().unwrap();
    let model = train_tiny(dir.path());
    let bad = dir.path().join("bad.conllu");
    let good = fs::read_to_string(fixture("tiny.conllu")).unwrap();
    fs::write(
        &bad,
        format!(
            "1\ta\ta\tX\tX\t_\t0\troot\t_\t_\n2\tb\tb\tX\tX\t_\t3\tdep\t_\t_\n3\tc\tc\tX\tX\t_\t2\tdep\t_\t_\n\n{good}"
        ),
    )
    .unwrap();
    let out = dir.path().join("out.conllu");
    let r = parse_conllu(&model, &["-q", "-o", out.to_str().unwrap(), bad.to_str().unwrap()]);
    assert_eq!(r.code, Some(2), "{r:?}");
    assert!(r.stderr.contains("bad.conllu:1: the heads form a cycle through word"), "{}", r.stderr);
    assert_eq!(fs::read_to_string(out).unwrap().matches("# sent_id").count(), 4);
    let missing =
        run(TAG, ["parse", "--syntax-model", dir.path().join("none.syntax").to_str().unwrap(), bad.to_str().unwrap()]);
    assert_eq!(missing.code, Some(1));
    assert!(missing.stderr.contains("none.syntax"), "{}", missing.stderr);
    assert_eq!(missing.stderr.matches("No such file").count(), 1, "the cause is said once: {}", missing.stderr);
    let not_model = run(TAG, ["parse", "--syntax-model", bad.to_str().unwrap(), bad.to_str().unwrap()]);
    assert!(not_model.stderr.contains("not a stance syntax model file"), "{}", not_model.stderr);
}

#[test]
fn the_shipped_model_parses_raw_text() {
    let mut child =
        Command::new(TAG).args(["parse", "-q"]).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(b"Turkey rejected the ceasefire.\nRussia didn't object to it.").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("# text = Turkey rejected the ceasefire."), "{text}");
    assert!(text.contains("1\tTurkey\tTurkey\tPROPN\tNNP\t_\t2\tnsubj\t"), "{text}");
    assert!(text.contains("4\tceasefire\tceasefire\tNOUN\tNN\t_\t2\tobj\t"), "{text}");
    assert!(text.contains("2-3\tdidn't\t"), "the contraction is a multiword token: {text}");
}

#[test]
fn csv_records_are_documents() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("articles.csv");
    fs::write(&csv, "id,body\na1,\"Russia backed the truce. Turkey did not.\"\na2,Egypt welcomed it.\n").unwrap();
    let r = run(TAG, ["parse", "-q", "--text-col", "body", "--id-col", "id", csv.to_str().unwrap()]);
    assert_eq!(r.code, Some(0), "{r:?}");
    assert_eq!(r.stdout.matches("# newdoc id = ").count(), 2, "{}", r.stdout);
    assert!(r.stdout.contains("# newdoc id = a1\n# text = Russia backed the truce.\n"), "{}", r.stdout);
    assert!(r.stdout.contains("# newdoc id = a2\n# text = Egypt welcomed it.\n"), "{}", r.stdout);
    let missing = run(TAG, ["parse", "-q", "--text-col", "nope", csv.to_str().unwrap()]);
    assert_eq!(missing.code, Some(2), "{missing:?}");
    assert!(missing.stderr.contains("nope"), "{}", missing.stderr);
}
