//! `stance-train` end to end: reports, metrics JSON, model files, input
//! formats, and failures that name file, line and field and leave no model.

mod common;

use std::fs;
use std::path::Path;

use common::{dir_entries, fixture, review_args, s, train, Run};
use serde_json::Value;

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&fs::read_to_string(path).expect("metrics file")).expect("metrics JSON")
}

/// Checks one split of the metrics JSON: the documented keys, per-label
/// counts that add up, and numbers consistent with the confusion matrix.
fn check_split(split: &Value, n: u64, labels: &[&str]) {
    for key in ["accuracy", "macro_f1", "macro_recall"] {
        let v = split[key].as_f64().unwrap_or_else(|| panic!("{key} is a number in {split}"));
        assert!((0.0..=1.0).contains(&v), "{key} = {v}");
    }
    assert!(split.get("favg").is_some_and(Value::is_null), "favg is null without --favg-labels: {split}");
    assert_eq!(split["n"], n);
    let per = split["per_label"].as_object().expect("per_label is an object");
    let names: Vec<&str> = per.keys().map(String::as_str).collect();
    assert_eq!(names, labels);
    let mut support = 0;
    let mut recall_sum = 0.0;
    let mut f1_sum = 0.0;
    for (name, m) in per {
        for key in ["precision", "recall", "f1"] {
            assert!(m[key].as_f64().is_some_and(|v| (0.0..=1.0).contains(&v)), "{name}.{key} in {m}");
        }
        support += m["support"].as_u64().expect("support");
        recall_sum += m["recall"].as_f64().unwrap();
        f1_sum += m["f1"].as_f64().unwrap();
    }
    assert_eq!(support, n, "supports add up to the examples");
    let k = labels.len() as f64;
    assert!((split["macro_recall"].as_f64().unwrap() - recall_sum / k).abs() < 1e-9);
    assert!((split["macro_f1"].as_f64().unwrap() - f1_sum / k).abs() < 1e-9);
    let matrix = split["confusion"]["matrix"].as_array().expect("confusion matrix");
    let trace: u64 = matrix.iter().enumerate().map(|(i, row)| row[i].as_u64().unwrap()).sum();
    assert!((split["accuracy"].as_f64().unwrap() - trace as f64 / n as f64).abs() < 1e-9);
}

/// The `model: PATH (N MB)` line: the path and the size it states.
fn model_line(stdout: &str) -> (String, f64) {
    let line = stdout.lines().find(|l| l.starts_with("model: ")).unwrap_or_else(|| panic!("no model line:\n{stdout}"));
    let rest = line.strip_prefix("model: ").unwrap().strip_suffix(" MB)").expect("ends with ` MB)`");
    let (path, size) = rest.rsplit_once(" (").expect("PATH (N MB)");
    (path.to_string(), size.parse().expect("size is a number"))
}

#[test]
fn csv_with_dev_and_test_writes_report_metrics_and_model() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("reviews.stance");
    let metrics = dir.path().join("metrics.json");
    let mut args = review_args(&model);
    args.extend(["--test".into(), s(&fixture("reviews_test.csv")), "--metrics-json".into(), s(&metrics)]);
    let run = train(args);
    run.expect_code(0).expect_no_panic();

    let out = &run.stdout;
    let first = out.lines().next().unwrap_or_default();
    assert!(first.starts_with("selection: dev by macro_f1 → "), "selection line: {first}");
    assert!(first.contains("C=") && first.contains("class weight"), "selection line: {first}");
    // Without --dev or --cv nothing is selected, and the report says so rather than naming a metric.
    let other = tempfile::tempdir().unwrap();
    let fixed: Vec<String> = review_args(&other.path().join("fixed.stance"))
        .into_iter()
        .filter(|a| a != "--dev" && !a.ends_with("reviews_dev.csv"))
        .collect();
    let fixed = train(fixed);
    fixed.expect_code(0);
    let line = fixed.stdout.lines().next().unwrap_or_default();
    assert!(line.starts_with("selection: none (fixed settings) → "), "selection line: {line}");
    assert!(out.contains("trained logistic regression on 42 examples, 3 labels (neg, neu, pos)"), "{out}");
    assert!(out.contains("\ndev (12 examples)\n"), "{out}");
    let test_table = out.split("\ntest (12 examples)\n").nth(1).unwrap_or_else(|| panic!("no test table:\n{out}"));
    assert!(test_table.starts_with("label "), "{test_table}");
    for row in ["neg ", "neu ", "pos ", "macro avg ", "weighted avg ", "accuracy "] {
        assert!(test_table.lines().any(|l| l.starts_with(row)), "test table lacks {row:?}:\n{test_table}");
    }
    let (path, mb) = model_line(out);
    assert_eq!(path, s(&model));

    let bytes = fs::read(&model).expect("model file written");
    assert!(bytes.starts_with(b"STANCE\x00M"), "model file starts with the magic number");
    assert!((mb - bytes.len() as f64 / 1e6).abs() <= 0.05 + 1e-9, "stated size {mb} MB vs {} bytes", bytes.len());

    let json = read_json(&metrics);
    check_split(&json["dev"], 12, &["neg", "neu", "pos"]);
    check_split(&json["test"], 12, &["neg", "neu", "pos"]);
    assert!(json["test"]["accuracy"].as_f64().unwrap() >= 0.75, "the easy test set is mostly right: {}", json["test"]);
    assert_eq!(json["train"]["examples"], 42);
    assert_eq!(json["selection"]["method"], "dev");
    assert_eq!(dir_entries(dir.path()), ["metrics.json", "reviews.stance"], "no temporary files remain");
}

/// The selection's report with `selection` as `args` ask (a `--dev`, `--cv K`, or
/// neither): the time, fits and grid, in the text and the metrics JSON, present
/// exactly when a grid was searched, and the final fit's time beside them.
fn check_selection_report(selection: &[&str], folds: Option<usize>) {
    let dir = tempfile::tempdir().unwrap();
    let metrics = dir.path().join("metrics.json");
    let mut args: Vec<String> = review_args(&dir.path().join("m.stance"))
        .into_iter()
        .filter(|a| a != "--dev" && !a.ends_with("reviews_dev.csv"))
        .collect();
    args.extend(selection.iter().map(|a| a.to_string()));
    args.extend(["--metrics-json".into(), s(&metrics)]);
    let run = train(args);
    run.expect_code(0);
    let json = read_json(&metrics);
    let sel = &json["selection"];
    let fit = json["train"]["fit_seconds"].as_f64().expect("train.fit_seconds");
    assert!(fit >= 0.0, "{json}");
    let Some(folds) = folds else {
        for key in ["seconds", "fits", "grid"] {
            assert!(sel.get(key).is_none(), "no selection.{key} without a search: {sel}");
        }
        assert!(!run.stdout.contains("\ngrid: "), "{}", run.stdout);
        assert_eq!(json["train"]["fit_from_selection"], false);
        return;
    };
    let seconds = sel["seconds"].as_f64().unwrap_or_else(|| panic!("selection.seconds: {sel}"));
    assert!(seconds >= 0.0 && seconds.is_finite(), "{sel}");
    let candidates = sel["candidates"].as_array().unwrap();
    assert_eq!(sel["fits"].as_u64(), Some((candidates.len() * folds) as u64), "{sel}");
    let grid = &sel["grid"];
    let axis = |key: &str| grid[key].as_array().unwrap_or_else(|| panic!("grid.{key}: {grid}")).len();
    assert_eq!(axis("variants") * axis("c") * axis("class_weight"), candidates.len(), "{grid}");
    assert_eq!(grid["c"].as_array().unwrap().len(), 4, "the default C grid: {grid}");
    assert_eq!(grid["class_weight"], serde_json::json!(["Balanced", "Uniform"]));
    let chosen = &sel["chosen"];
    for key in ["variant", "c", "class_weight", "score"] {
        assert!(!chosen[key].is_null(), "selection.chosen.{key}: {chosen}");
    }
    let line = run.stdout.lines().find(|l| l.starts_with("grid: ")).unwrap_or_else(|| panic!("{}", run.stdout));
    let tail = format!("= {} candidates; {} fits in ", candidates.len(), candidates.len() * folds);
    assert!(line.contains("× C [0.3, 1, 3, 10] × class weight [Balanced, Uniform] ") && line.contains(&tail), "{line}");
    // A dev search fits every candidate on the whole training set and keeps the chosen one's fit.
    assert_eq!(json["train"]["fit_from_selection"], selection.contains(&"--dev"));
}

#[test]
fn selection_time_grid_and_chosen_settings_are_reported() {
    check_selection_report(&["--dev", &s(&fixture("reviews_dev.csv"))], Some(1));
    check_selection_report(&["--cv", "3"], Some(3));
    check_selection_report(&[], None);
}

#[test]
fn a_time_budget_stops_selection_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let metrics = dir.path().join("m.json");
    let run_with = |budget: &str| {
        let mut args = review_args(&dir.path().join("m.stance"))
            .into_iter()
            .filter(|a| a != "--dev" && !a.ends_with("reviews_dev.csv"))
            .collect::<Vec<_>>();
        args.extend(["--cv", "3", "--time-budget", budget, "--metrics-json", &s(&metrics)].map(String::from));
        let run = train(args);
        run.expect_code(0).expect_no_panic();
        (run.stdout, read_json(&metrics)["selection"].clone())
    };
    // A nanosecond is spent by the first fit, which always runs: one candidate scored on one fold.
    let (stdout, sel) = run_with("0.000000001");
    let candidates = sel["candidates"].as_array().unwrap();
    assert_eq!(sel["fits"], 1, "{sel}");
    assert_eq!(sel["planned_fits"].as_u64(), Some(candidates.len() as u64 * 3), "{sel}");
    assert_eq!(sel["budget_reached"], true);
    assert_eq!(sel["fold_scores"].as_array().map(Vec::len), Some(1), "{sel}");
    assert!(!candidates[0]["score"].is_null() && candidates[1..].iter().all(|c| c["score"].is_null()), "{sel}");
    assert_eq!(sel["chosen"]["c"], candidates[0]["c"]);
    let grid = stdout.lines().find(|l| l.starts_with("grid: ")).unwrap_or_else(|| panic!("{stdout}"));
    assert!(grid.ends_with(&format!("(time budget reached: 1 of {} fits)", candidates.len() * 3)), "{grid}");
    // A budget never reached changes nothing.
    let (stdout, sel) = run_with("100000");
    assert_eq!(sel["budget_reached"], false);
    assert_eq!(sel["fits"], sel["planned_fits"]);
    assert!(!stdout.contains("time budget"), "{stdout}");

    let data = write(dir.path(), "t.csv", rows().as_bytes());
    for bad in ["0", "soon", "inf", "NaN"] {
        fails(dir.path(), &data, &["--cv", "2", "--time-budget", bad], 2)
            .expect_stderr(&["--time-budget", "not a number of seconds above 0"]);
    }
    fails(dir.path(), &data, &["--time-budget", "5"], 1).expect_stderr(&["--time-budget", "give --dev or --cv"]);
}

#[test]
fn refit_trains_on_train_and_dev_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let (model, metrics) = (dir.path().join("m.stance"), dir.path().join("m.json"));
    let mut args = review_args(&model);
    args.extend(["--test".into(), s(&fixture("reviews_test.csv")), "--metrics-json".into(), s(&metrics)]);
    let plain = train(&args);
    plain.expect_code(0);
    assert!(read_json(&metrics)["train"].get("refit").is_none(), "no refit key without --refit");
    let plain_bytes = fs::read(&model).unwrap();
    args.push("--refit".into());
    let run = train(&args);
    run.expect_code(0).expect_no_panic();
    assert!(
        run.stdout
            .contains("trained logistic regression on 54 examples (train + dev, refitted with the chosen settings)"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("\ndev ("), "no dev table: the dev set is training data");
    let json = read_json(&metrics);
    assert_eq!(json["train"]["refit"], true);
    assert_eq!(json["train"]["examples"], 54);
    assert!(json["dev"].is_null());
    check_split(&json["test"], 12, &["neg", "neu", "pos"]);
    assert_ne!(fs::read(&model).unwrap(), plain_bytes, "a different model");
    // --refit needs a dev set.
    let cv = train([
        "--train",
        &s(&fixture("reviews_train.csv")),
        "--text-col",
        "sentence",
        "--label-col",
        "verdict",
        "--cv",
        "3",
        "--refit",
    ]);
    cv.expect_code(1).expect_stderr(&["--refit", "give --dev"]);
}

#[test]
fn same_data_and_seed_give_identical_model_bytes_for_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let build = |name: &str, threads: &str| {
        let path = dir.path().join(name);
        let mut args = review_args(&path);
        let t = args.iter().position(|a| a == "--threads").unwrap();
        args[t + 1] = threads.into();
        train(args).expect_code(0);
        fs::read(path).unwrap()
    };
    let a = build("a.stance", "1");
    let b = build("b.stance", "1");
    let c = build("c.stance", "2");
    assert!(!a.is_empty());
    assert!(a == b, "two runs with the same arguments give the same bytes");
    assert!(a == c, "--threads 1 and --threads 2 give the same bytes");
}

#[test]
fn tsv_input_with_cross_validation() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("opinions.stance");
    let run = train([
        "--train",
        &s(&fixture("opinions.tsv")),
        "--text-col",
        "txt",
        "--label-col",
        "tag",
        "--cv",
        "4",
        "--threads",
        "1",
        "-o",
        &s(&model),
    ]);
    run.expect_code(0);
    assert!(run.stdout.starts_with("selection: cv4 by macro_f1 → "), "{}", run.stdout);
    assert!(run.stdout.contains("on 20 examples, 2 labels (no, yes)"), "{}", run.stdout);
    assert!(!run.stdout.contains("\ntest ("), "no test table without --test");

    // The model has learnt the two classes.
    let tagged = common::run(common::TAG, ["-m", &s(&model), "--format", "jsonl", "-q", &s(&fixture("opinions.txt"))]);
    tagged.expect_code(0);
    let labels: Vec<Value> = common::jsonl(&tagged.stdout).iter().map(|r| r["label"].clone()).collect();
    assert_eq!(labels, ["yes", "no"]);
}

#[test]
fn jsonl_spans_with_character_offsets_and_label_map() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("mentions.stance");
    let metrics = dir.path().join("m.json");
    let base = [
        "--train",
        &s(&fixture("mentions_train.jsonl")),
        "--test",
        &s(&fixture("mentions_test.jsonl")),
        "--text-col",
        "sent",
        "--label-col",
        "pol",
        "--spans-col",
        "mentions",
        "--cv",
        "3",
        "--threads",
        "1",
        "-o",
        &s(&model),
        "--metrics-json",
        &s(&metrics),
    ]
    .map(String::from);
    let mut args = base.to_vec();
    args.extend(["--label-map".into(), "2.0=neg, 4.0=neu,6.0=pos".into()]);
    let run = train(&args);
    run.expect_code(0).expect_no_panic();
    assert!(run.stdout.contains("on 18 examples, 3 labels (neg, neu, pos)"), "{}", run.stdout);
    assert!(run.stdout.contains("\ntest (3 examples)\n"), "{}", run.stdout);
    let json = read_json(&metrics);
    check_split(&json["test"], 3, &["neg", "neu", "pos"]);
    assert!(json["dev"].is_null(), "no dev split: {}", json["dev"]);
    assert!(model.is_file());

    // Without the map the numeric labels are kept as the data spells them.
    let run = train(&base);
    run.expect_code(0);
    assert!(run.stdout.contains("3 labels (2.0, 4.0, 6.0)"), "{}", run.stdout);
}

#[test]
fn jsonl_span_offsets_count_characters_not_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("spans.jsonl");
    let model = dir.path().join("spans.stance");
    let train_text = fs::read_to_string(fixture("mentions_train.jsonl")).unwrap();
    let lines = train_text.lines().count();
    // "Zoë met Åsa" is 11 characters and 13 bytes.
    let args = |d: &Path| {
        [
            "--train",
            &s(d),
            "--text-col",
            "sent",
            "--label-col",
            "pol",
            "--spans-col",
            "mentions",
            "--threads",
            "1",
            "-o",
            &s(&model),
        ]
        .map(String::from)
    };
    // A span ending on the last character is fine (by characters, 8..11 is "Åsa").
    let good = r#"{"sent": "Zoë met Åsa", "mentions": [{"from": 8, "to": 11, "pol": 4.0}]}"#;
    fs::write(&data, format!("{train_text}{good}\n")).unwrap();
    train(args(&data)).expect_code(0);
    fs::remove_file(&model).unwrap();

    // Offset 12 lies within the bytes but past the characters: an error.
    let bad = r#"{"sent": "Zoë met Åsa", "mentions": [{"from": 8, "to": 12, "pol": 4.0}]}"#;
    fs::write(&data, format!("{train_text}{bad}\n")).unwrap();
    let run = train(args(&data));
    run.expect_code(1).expect_no_panic().expect_stderr(&[&format!(
        "spans.jsonl:{}: field `mentions[0].to`: offset 12 is past the end of the text",
        lines + 1
    )]);
    assert_eq!(dir_entries(dir.path()), ["spans.jsonl"], "no model or temporary file is left");
}

#[test]
fn favg_labels_give_numeric_favg() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("m.stance");
    let metrics = dir.path().join("m.json");
    let mut args = review_args(&model);
    args.extend([
        "--test".into(),
        s(&fixture("reviews_test.csv")),
        "--favg-labels".into(),
        "pos,neg".into(),
        "--metrics-json".into(),
        s(&metrics),
    ]);
    let run = train(args);
    run.expect_code(0);
    assert!(
        run.stdout.starts_with("selection: dev by favg → "),
        "favg is the default selection metric: {}",
        run.stdout
    );
    assert!(run.stdout.contains("F_avg(pos,neg) "), "{}", run.stdout);
    let json = read_json(&metrics);
    for split in ["dev", "test"] {
        let m = &json[split];
        let favg = m["favg"].as_f64().unwrap_or_else(|| panic!("{split} favg is a number: {m}"));
        let expected =
            (m["per_label"]["pos"]["f1"].as_f64().unwrap() + m["per_label"]["neg"]["f1"].as_f64().unwrap()) / 2.0;
        assert!((favg - expected).abs() < 1e-9, "{split}: favg {favg} is the mean F1 of pos and neg ({expected})");
    }
}

// ---------------------------------------------------------------------------
// Failures: non-zero exit, no panic, a message naming what is wrong and
// where, and no model, metrics or temporary file left behind.

/// Runs `stance-train` on `train_file` (columns `sentence`, `verdict`) with
/// `extra` arguments; asserts failure with `code` and no files written to `dir`.
fn fails(dir: &Path, train_file: &Path, extra: &[&str], code: i32) -> Run {
    let before = dir_entries(dir);
    let model = dir.join("out.stance");
    let metrics = dir.join("out.json");
    let mut args: Vec<String> = [
        "--train",
        &s(train_file),
        "--text-col",
        "sentence",
        "--label-col",
        "verdict",
        "--threads",
        "1",
        "-o",
        &s(&model),
        "--metrics-json",
        &s(&metrics),
    ]
    .map(String::from)
    .to_vec();
    args.extend(extra.iter().map(|a| a.to_string()));
    let run = train(&args);
    run.expect_code(code).expect_no_panic();
    assert!(run.stderr.contains("error"), "stderr explains: {}", run.stderr);
    assert!(!model.exists(), "no model file after a failure");
    assert!(!metrics.exists(), "no metrics file after a failure");
    let after = dir_entries(dir);
    assert!(!after.iter().any(|n| n.contains(".tmp")), "temporary files left: {after:?}");
    assert_eq!(after, before, "nothing written");
    run
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let p = dir.join(name);
    fs::write(&p, bytes).unwrap();
    p
}

const HEADER: &str = "id,sentence,verdict\n";

fn rows() -> String {
    let mut out = String::from(HEADER);
    for (i, (text, label)) in [
        ("lovely tea and cakes", "pos"),
        ("rude staff and stale bread", "neg"),
        ("wonderful garden", "pos"),
        ("awful noise", "neg"),
        ("the shop opens at nine", "neu"),
        ("great soup", "pos"),
    ]
    .iter()
    .enumerate()
    {
        out += &format!("{},{text},{label}\n", i + 1);
    }
    out
}

#[test]
fn missing_training_file() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("absent.csv");
    let run = fails(dir.path(), &missing, &[], 1);
    run.expect_stderr(&[&s(&missing), "No such file"]);
}

#[test]
fn missing_column_lists_the_header() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(dir.path(), "t.csv", rows().replace("id,sentence,", "id,body,").as_bytes());
    let run = fails(dir.path(), &data, &[], 1);
    run.expect_stderr(&["t.csv:1: field `sentence`: no such column; the header has: id, body, verdict"]);
}

#[test]
fn empty_text_names_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let data = rows().replace("4,awful noise,neg", "4,  ,neg");
    let data = write(dir.path(), "t.csv", data.as_bytes());
    fails(dir.path(), &data, &[], 1).expect_stderr(&["t.csv:5: field `sentence`: empty text"]);
}

#[test]
fn ragged_row_names_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = rows().replace("3,wonderful garden,pos", "3,wonderful garden");
    let data = write(dir.path(), "t.csv", data.as_bytes());
    fails(dir.path(), &data, &[], 1).expect_stderr(&["t.csv:4: record has 2 fields, the header has 3"]);
}

/// Regression: ragged rows were once reported with the `csv` crate's own line
/// counter, which is wrong for CRLF files.
#[test]
fn ragged_row_line_is_right_in_crlf_files() {
    let dir = tempfile::tempdir().unwrap();
    let data = rows().replace("3,wonderful garden,pos", "3,wonderful garden").replace('\n', "\r\n");
    let data = write(dir.path(), "t.csv", data.as_bytes());
    fails(dir.path(), &data, &[], 1).expect_stderr(&["t.csv:4: record has 2 fields, the header has 3"]);
}

#[test]
fn invalid_utf8_in_text_names_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let mut data = rows().into_bytes();
    let at = data.windows(5).position(|w| w == b"awful").unwrap();
    data[at] = 0xff;
    data[at + 1] = 0xfe;
    let data = write(dir.path(), "t.csv", &data);
    fails(dir.path(), &data, &[], 1).expect_stderr(&[
        "t.csv:5: field `sentence`: invalid UTF-8 (byte 0xFF at position 1); if the file is Windows-1252",
    ]);
}

#[test]
fn training_data_with_one_class() {
    let dir = tempfile::tempdir().unwrap();
    let data = format!("{HEADER}1,lovely tea,pos\n2,great soup,pos\n3,fine bread,pos\n");
    let data = write(dir.path(), "t.csv", data.as_bytes());
    fails(dir.path(), &data, &[], 1)
        .expect_stderr(&["t.csv: field `verdict`: the training data has one class (\"pos\"); at least two are needed"]);
}

#[test]
fn test_label_unseen_in_training_names_label_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(dir.path(), "t.csv", rows().as_bytes());
    let test = format!("{HEADER}1,lovely tea,pos\n2,so so,meh\n3,awful tea,neg\n");
    let test = write(dir.path(), "test.csv", test.as_bytes());
    fails(dir.path(), &data, &["--test", &s(&test)], 1)
        .expect_stderr(&["test.csv:3: label \"meh\" was not seen in training (known: neg, neu, pos)"]);
}

#[test]
fn favg_label_that_is_not_a_label() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(dir.path(), "t.csv", rows().as_bytes());
    fails(dir.path(), &data, &["--dev", &s(&data), "--favg-labels", "pos,favor"], 1)
        .expect_stderr(&["F_avg label \"favor\" is not a label of the data (labels: neg, neu, pos)"]);
}

/// Regression test for a fixed bug (src/train/select.rs, src/train/mod.rs): --favg-labels is only checked
/// when metrics are computed, so without --dev/--cv/--test a bad label (and
/// `--select-metric favg` "selecting" nothing) is accepted and a model written.
#[test]
fn favg_label_that_is_not_a_label_without_evaluation() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(dir.path(), "t.csv", rows().as_bytes());
    fails(dir.path(), &data, &["--favg-labels", "pos,favor"], 1).expect_stderr(&["\"favor\""]);
}

#[test]
fn negative_c_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(dir.path(), "t.csv", rows().as_bytes());
    fails(dir.path(), &data, &["--c=-1"], 1).expect_stderr(&["C must be positive and finite, got -1"]);
    // As two words, clap takes `-1` for an option: a usage error (status 2).
    fails(dir.path(), &data, &["--c", "-1"], 2).expect_stderr(&["'-1'"]);
    fails(dir.path(), &data, &["--dev", &s(&data), "--c=-1"], 1).expect_stderr(&["C must be positive"]);
}

#[test]
fn one_fold_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(dir.path(), "t.csv", rows().as_bytes());
    fails(dir.path(), &data, &["--cv", "1"], 1)
        .expect_stderr(&["--cv must be between 2 and the number of examples (6), got 1"]);
    fails(dir.path(), &data, &["--cv", "7"], 1).expect_stderr(&["got 7"]);
    fails(dir.path(), &data, &["--cv", "2", "--dev", &s(&data)], 1).expect_stderr(&["either --dev or --cv"]);
}

/// `rows()` with an `author` column: three authors, two rows each.
fn authored_rows() -> String {
    let authors = ["ann", "bob", "cy", "ann", "bob", "cy"];
    rows().lines().zip(["author"].into_iter().chain(authors)).map(|(row, a)| format!("{a},{row}\n")).collect()
}

#[test]
fn group_col_keeps_each_group_in_one_fold() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(dir.path(), "t.csv", authored_rows().as_bytes());
    let metrics = dir.path().join("m.json");
    let args = ["--text-col", "sentence", "--label-col", "verdict", "--threads", "1", "--cv", "3"];
    let run =
        train(["--train", &s(&data), "--group-col", "author", "--metrics-json", &s(&metrics)].into_iter().chain(args));
    run.expect_code(0).expect_no_panic();
    assert!(run.stdout.starts_with("selection: cv3 by macro_f1 (folds grouped by author) → "), "{}", run.stdout);
    let folds = run.stdout.lines().find(|l| l.starts_with("folds: ")).unwrap_or_else(|| panic!("{}", run.stdout));
    assert_eq!(folds.split_whitespace().count(), 4, "a score per fold: {folds}");
    let json = read_json(&metrics);
    assert_eq!(json["selection"]["group_col"], "author");
    assert_eq!(json["selection"]["fold_scores"].as_array().map(Vec::len), Some(3));
    // Without --group-col the report names no grouping.
    let plain = train(["--train", &s(&data)].into_iter().chain(args));
    assert!(plain.stdout.starts_with("selection: cv3 by macro_f1 → "), "{}", plain.stdout);

    fails(dir.path(), &data, &["--cv", "4", "--group-col", "author"], 1)
        .expect_stderr(&["--group-col author: 3 groups, fewer than the 4 folds of --cv"]);
    fails(dir.path(), &data, &["--group-col", "author"], 1).expect_stderr(&["--group-col", "give --cv K"]);
    fails(dir.path(), &data, &["--cv", "2", "--group-col", "writer"], 1).expect_stderr(&[
        "t.csv:1",
        "writer",
        "author, id, sentence, verdict",
    ]);
    // A JSONL row without the key: its file, line and field.
    let jsonl = write(
        dir.path(),
        "t.jsonl",
        b"{\"sentence\": \"good\", \"verdict\": \"pos\", \"author\": \"ann\"}\n\
          {\"sentence\": \"bad\", \"verdict\": \"neg\"}\n",
    );
    fails(dir.path(), &jsonl, &["--cv", "2", "--group-col", "author"], 1)
        .expect_stderr(&["t.jsonl:2", "field `author`: missing"]);
}

/// Regression test for a fixed bug (src/bin/stance-train.rs, `run`): the model is saved before the
/// metrics JSON is written, so a failing --metrics-json exits 1 but leaves
/// the model file behind (after printing `model: …` as if all went well).
#[test]
fn unwritable_metrics_file_leaves_no_model() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(dir.path(), "t.csv", rows().as_bytes());
    let model = dir.path().join("m.stance");
    let bad_metrics = dir.path().join("no-such-dir").join("m.json");
    let run = train(
        [
            "--train",
            &s(&data),
            "--text-col",
            "sentence",
            "--label-col",
            "verdict",
            "-o",
            &s(&model),
            "--metrics-json",
            &s(&bad_metrics),
        ]
        .map(String::from),
    );
    run.expect_code(1);
    assert!(!model.exists(), "no model file after a failure");
}

#[test]
fn labels_differing_only_in_case_are_refused_with_a_fix() {
    let dir = tempfile::tempdir().unwrap();
    let data = format!("{HEADER}1,lovely tea,pos\n2,awful soup,neg\n3,great bread,Pos\n");
    let data = write(dir.path(), "t.csv", data.as_bytes());
    fails(dir.path(), &data, &[], 1).expect_stderr(&[
        "t.csv:4: field `verdict`: labels \"pos\" and \"Pos\" differ only in case; merge them with --label-map Pos=pos",
    ]);
}

#[test]
fn empty_training_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let empty = write(dir.path(), "empty.csv", b"");
    fails(dir.path(), &empty, &[], 1).expect_stderr(&["empty.csv: empty file: no header row"]);
    let header_only = write(dir.path(), "header.csv", HEADER.as_bytes());
    fails(dir.path(), &header_only, &[], 1).expect_stderr(&["header.csv: no examples"]);
}
