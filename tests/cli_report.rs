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

#[test]
fn labels_keep_a_given_or_first_seen_order_in_the_model_and_report() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("m.stance");
    let run = |order: &str| {
        let mut args = common::review_args(&model);
        args.extend(["--test".into(), s(&fixture("reviews_test.csv")), "--labels".into(), order.into()]);
        let run = train(&args);
        run.expect_code(0);
        run.stdout
    };
    let given = run("pos,neu,neg");
    assert!(given.contains("3 labels (pos, neu, neg)"), "{given}");
    let rows: Vec<&str> = test_table(&given).lines().skip(2).take(3).map(|l| l.split(' ').next().unwrap()).collect();
    assert_eq!(rows, ["pos", "neu", "neg"]);
    assert!(test_table(&given).contains("                   pos       neu       neg\n"), "{given}");
    // The model's classes are in that order, and it predicts the same labels as the sorted model.
    let tagged = |model: &std::path::Path| {
        let out = common::run(
            common::TAG,
            [
                "-m",
                &s(model),
                "-q",
                "--format",
                "csv",
                "--top-k",
                "0",
                "--text-col",
                "sentence",
                &s(&fixture("reviews_test.csv")),
            ],
        );
        out.expect_code(0);
        out.stdout
    };
    let given_tags = tagged(&model);
    assert!(given_tags.starts_with("source,line,id,label,score,p_pos,p_neu,p_neg,"), "{given_tags}");
    let first_seen = run("first-seen");
    assert!(first_seen.contains("3 labels (pos, neg, neu)"), "{first_seen}");
    let sorted = run("sorted");
    assert!(sorted.contains("3 labels (neg, neu, pos)"), "{sorted}");
    let labels_of =
        |csv: &str| csv.lines().skip(1).map(|l| l.split(',').nth(3).unwrap().to_string()).collect::<Vec<_>>();
    assert_eq!(labels_of(&given_tags), labels_of(&tagged(&model)));
    let mut bad = common::review_args(&model);
    bad.extend(["--labels".into(), "pos,neg".into()]);
    train(&bad)
        .expect_code(1)
        .expect_stderr(&["--labels must name every label of the training data once: missing [\"neu\"]"]);
}

#[test]
fn a_c_grid_is_searched_and_cv_reports_each_fold() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("m.json");
    let base = ["--train", &s(&fixture("reviews_train.csv")), "--text-col", "sentence", "--label-col", "verdict"];
    let run = train(base.iter().copied().chain(["--cv", "3", "--c", "0.01,100", "--no-search-features"]).chain([
        "--class-weight",
        "balanced",
        "--metrics-json",
        &s(&json),
    ]));
    run.expect_code(0);
    let report: Value = serde_json::from_str(&fs::read_to_string(&json).unwrap()).unwrap();
    let cs: Vec<f64> =
        report["selection"]["candidates"].as_array().unwrap().iter().map(|c| c["c"].as_f64().unwrap()).collect();
    assert_eq!(cs.len(), 2);
    assert!((cs[0] - 0.01).abs() < 1e-6 && (cs[1] - 100.0).abs() < 1e-3, "{cs:?}");
    let folds: Vec<f64> =
        report["selection"]["fold_scores"].as_array().unwrap().iter().map(|f| f.as_f64().unwrap()).collect();
    assert_eq!(folds.len(), 3);
    let mean = folds.iter().sum::<f64>() / 3.0;
    assert!((mean - report["selection"]["chosen"]["score"].as_f64().unwrap()).abs() < 1e-9);
    let line = run.stdout.lines().find(|l| l.starts_with("folds: ")).expect("a folds line");
    assert_eq!(line.split(' ').count(), 4, "{line}");

    let no_selection = train(base.iter().copied().chain(["--c", "0.1,1"]));
    no_selection.expect_code(1).expect_stderr(&["a C grid (--c A,B,...) needs --dev or --cv"]);
}

#[test]
fn stance_tag_scores_a_labelled_file_as_stance_train_evaluate_does() {
    let dir = tempfile::tempdir().unwrap();
    let model = common::review_model();
    let test = s(&fixture("reviews_test.csv"));
    let (a, b) = (dir.path().join("a.json"), dir.path().join("b.json"));
    let cols = ["--text-col", "sentence", "--label-col", "verdict"];
    let evaluated =
        train(["--evaluate", &s(model), "--test", &test, "--metrics-json", &s(&a)].iter().copied().chain(cols));
    evaluated.expect_code(0);
    let tagged =
        common::run(common::TAG, ["-m", &s(model), "-q", "--metrics-json", &s(&b), &test].iter().copied().chain(cols));
    tagged.expect_code(0);
    assert_eq!(tagged.stdout, evaluated.stdout);
    assert_eq!(fs::read_to_string(&a).unwrap(), fs::read_to_string(&b).unwrap());
    // Without a model there is nothing to score.
    common::run(common::TAG, ["--label-col", "verdict", &test]).expect_code(2);
}
