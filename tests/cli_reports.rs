//! The HTML reports end to end: `stance-tag --format html` over the example
//! articles (its cells against the JSON Lines of the same run), its dates and
//! refusals, and `stance-train --report` against `--metrics-json`.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::PathBuf;

use common::{fixture, jsonl, review_args, review_model, run, s, train, TAG};
use serde_json::Value;

fn articles() -> Vec<String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("datasets/articles");
    let mut files: Vec<String> =
        fs::read_dir(&dir).unwrap().map(|e| s(&e.unwrap().path())).filter(|p| p.ends_with(".txt")).collect();
    files.sort();
    files
}

/// The JSON block of a corpus page.
fn page_data(html: &str) -> Value {
    let start = html.find(r#"<script id="data" type="application/json">"#).expect("data block");
    let rest = &html[start..];
    let json = &rest[rest.find('>').unwrap() + 1..rest.find("</script>").unwrap()];
    serde_json::from_str(json).expect("the data block is JSON")
}

#[test]
fn the_corpus_page_holds_the_cells_of_the_article_rows() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    let mut args = vec!["-q".to_string(), "--format".into(), "html".into(), "-o".into(), s(&page)];
    args.extend(articles());
    run(TAG, &args).expect_code(0).expect_no_panic();
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1, "the page only: no partial file left");
    let html = fs::read_to_string(&page).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"));
    let mut jsonl_args = vec!["-q".to_string(), "--format".into(), "jsonl".into()];
    jsonl_args.extend(articles());
    let rows = jsonl(&run(TAG, &jsonl_args).expect_code(0).stdout);
    assert!(rows.len() >= 5, "the example articles give rows");
    // Articles per (actor, event), as the page should count them.
    let mut expect: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for r in &rows {
        let key = (r["actor"].as_str().unwrap().to_string(), r["event"].as_str().unwrap().to_string());
        expect.entry(key).or_default().insert(r["article"].as_str().unwrap().to_string());
    }
    let data = page_data(&html);
    let cells = data["cells"].as_array().unwrap();
    assert_eq!(cells.len(), expect.len());
    let mut got = BTreeMap::new();
    for c in cells {
        let actor = data["actors"][c["a"].as_u64().unwrap() as usize][0].as_str().unwrap().to_string();
        let event = data["events"][c["e"].as_u64().unwrap() as usize].as_str().unwrap().to_string();
        got.insert((actor, event), c["d"].as_u64().unwrap() as usize);
        let counts: u64 = c["n"].as_array().unwrap().iter().map(|n| n.as_u64().unwrap()).sum();
        assert_eq!(counts, c["r"].as_u64().unwrap(), "stance counts add up to the rows: {c}");
    }
    let expect: BTreeMap<_, _> = expect.into_iter().map(|(k, v)| (k, v.len())).collect();
    assert_eq!(got, expect);
    assert!(html.contains(&format!("<b>{}</b> articles", articles().len())), "the run's article count");
}

#[test]
fn dates_make_a_timeline_and_the_html_format_refuses_what_it_cannot_show() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("articles.csv");
    let mut w = String::from("id,date,text\n");
    for (i, path) in articles().iter().enumerate() {
        let text = fs::read_to_string(path).unwrap().replace('"', "\"\"");
        w += &format!("a{i},2020-0{}-15,\"{text}\"\n", i % 3 + 1);
    }
    fs::write(&csv, w).unwrap();
    let common = ["-q", "--id-col", "id", "--date-col", "date"];
    let rows = jsonl(&run(TAG, common.iter().copied().chain(["--format", "jsonl", &s(&csv)])).expect_code(0).stdout);
    assert!(rows.iter().all(|r| r["date"].as_str().is_some_and(|d| d.starts_with("2020-0"))), "rows carry dates");
    let page = dir.path().join("report.html");
    run(TAG, common.iter().copied().chain(["--format", "html", "-o", &s(&page), &s(&csv)])).expect_code(0);
    let data = page_data(&fs::read_to_string(&page).unwrap());
    let months: BTreeSet<String> = rows.iter().map(|r| r["date"].as_str().unwrap()[..7].to_string()).collect();
    assert_eq!(data["months"], serde_json::json!(months));
    // Without --date-col the rows are as they always were.
    let plain = jsonl(&run(TAG, ["-q", "--id-col", "id", "--format", "jsonl", &s(&csv)]).expect_code(0).stdout);
    assert!(plain.iter().all(|r| r.get("date").is_none()));

    let article = &articles()[0];
    run(TAG, ["-q", "--format", "html", "--per-sentence", article.as_str()])
        .expect_code(1)
        .expect_stderr(&["--format html", "--per-sentence"]);
    run(TAG, ["-q", "--format", "html", "--model", &s(review_model()), article.as_str()])
        .expect_code(1)
        .expect_stderr(&["--format html"]);
    run(TAG, ["-q", "--format", "html", "--resume", "-o", &s(&dir.path().join("r.html")), article.as_str()])
        .expect_code(1)
        .expect_stderr(&["--resume"]);
}

#[test]
fn the_training_report_shows_the_metrics() {
    let dir = tempfile::tempdir().unwrap();
    let (model, metrics, report) =
        (dir.path().join("m.stance"), dir.path().join("m.json"), dir.path().join("report.html"));
    let mut args = review_args(&model);
    args.extend([
        "--test".into(),
        s(&fixture("reviews_test.csv")),
        "--metrics-json".into(),
        s(&metrics),
        "--report".into(),
        s(&report),
    ]);
    train(args).expect_code(0).expect_no_panic();
    let html = fs::read_to_string(&report).unwrap();
    let m: Value = serde_json::from_str(&fs::read_to_string(&metrics).unwrap()).unwrap();
    let cm = &m["test"]["confusion"];
    let labels: Vec<&str> = cm["labels"].as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect();
    for (i, t) in labels.iter().enumerate() {
        for (j, p) in labels.iter().enumerate() {
            let cell = format!(r#"data-true="{t}" data-pred="{p}" data-count="{}""#, cm["matrix"][i][j]);
            assert!(html.contains(&cell), "{cell}");
        }
    }
    for part in ["class=\"chart reliability\"", "data-ece=", "id=\"features\"", "class=\"chosen\"", "id=\"split-dev\""]
    {
        assert!(html.contains(part), "{part}");
    }
    // The facts give the selection's time apart from the final fit's, as the metrics JSON does.
    let fits = m["selection"]["fits"].as_u64().unwrap();
    let selection = format!("dev by macro_f1: {fits} candidates, {fits} fits in ");
    assert!(html.contains(&selection), "{selection}");
    assert!(html.contains("(the selection's fit of the chosen settings, kept)"));
    // Every class's features are named from the training text (none left as bare indices).
    assert_eq!(html.matches("<table class=\"features\"").count(), 3);
    assert!(!html.contains("feature #"), "every top feature is named");
    // The report is an output like the others: it may not overwrite an input.
    let mut clash = review_args(&dir.path().join("n.stance"));
    clash.extend(["--report".into(), s(&fixture("reviews_train.csv"))]);
    train(clash).expect_code(1);
}
