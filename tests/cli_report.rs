//! Reports without training or without a model file (issue 16): evaluate-only
//! runs, report-only runs, and how the report shows the settings.

mod common;

use std::fs;

use common::{fixture, s, train};
use serde_json::Value;

/// The test table of a report: from its title to the end of the confusion matrix.
fn test_table(report: &str) -> &str {
    let start = report.find("test (").expect("a test table");
    let end = report[start..].find("\n\n").map_or(report.len(), |e| start + e);
    &report[start..end]
}

#[test]
fn evaluate_gives_the_training_runs_test_report_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let (model, trained_json, evaluated_json) =
        (dir.path().join("m.stance"), dir.path().join("train.json"), dir.path().join("eval.json"));
    let test = s(&fixture("reviews_test.csv"));
    let mut args = common::review_args(&model);
    args.extend(["--test".into(), test.clone(), "--metrics-json".into(), s(&trained_json)]);
    let trained = train(&args);
    trained.expect_code(0);

    let evaluated = train([
        "--evaluate",
        &s(&model),
        "--test",
        &test,
        "--text-col",
        "sentence",
        "--label-col",
        "verdict",
        "--metrics-json",
        &s(&evaluated_json),
    ]);
    evaluated.expect_code(0);
    assert!(
        evaluated.stdout.starts_with(&format!("evaluated {}: logistic regression trained on 42 examples", s(&model))),
        "{}",
        evaluated.stdout
    );
    assert_eq!(test_table(&evaluated.stdout), test_table(&trained.stdout));
    let read = |p: &std::path::Path| -> Value { serde_json::from_str(&fs::read_to_string(p).unwrap()).unwrap() };
    let (a, b) = (read(&trained_json), read(&evaluated_json));
    assert_eq!(a["test"], b["test"]);
    assert_eq!(b["dev"], Value::Null);
    assert_eq!(b["model"]["labels"], serde_json::json!(["neg", "neu", "pos"]));

    // Nothing to score, or a label the model does not know, is an error.
    let none = train(["--evaluate", &s(&model), "--text-col", "sentence", "--label-col", "verdict"]);
    none.expect_code(1).expect_stderr(&["needs a labelled --test or --dev file"]);
    let odd = dir.path().join("odd.csv");
    fs::write(&odd, "sentence,verdict\ngood,pos\nfine,meh\n").unwrap();
    let unseen =
        train(["--evaluate", &s(&model), "--test", &s(&odd), "--text-col", "sentence", "--label-col", "verdict"]);
    unseen.expect_code(1).expect_stderr(&["odd.csv:3: label \"meh\" was not seen in training"]);
    // Training options make no sense with --evaluate.
    train(["--evaluate", &s(&model), "--test", &test, "--train", &test]).expect_code(2);
}

#[test]
fn a_report_alone_needs_no_output_and_class_weights_are_shown_by_label() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("m.json");
    let run = train([
        "--train",
        &s(&fixture("reviews_train.csv")),
        "--test",
        &s(&fixture("reviews_test.csv")),
        "--text-col",
        "sentence",
        "--label-col",
        "verdict",
        "--class-weight",
        "pos=2,neg=0.5",
        "--metrics-json",
        &s(&json),
    ]);
    run.expect_code(0);
    assert!(
        run.stdout.starts_with(
            "selection: none (fixed settings) → configured features, C=1, class weight neg=0.5,neu=1,pos=2\n"
        ),
        "{}",
        run.stdout
    );
    assert!(run.stdout.ends_with("\nmodel: not written (no --output)\n"), "{}", run.stdout);
    assert_eq!(common::dir_entries(dir.path()), ["m.json"]);
}
