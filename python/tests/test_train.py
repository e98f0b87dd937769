"""stance.train against stance-train: the same options give the same model file and report."""

from __future__ import annotations

import json
import re

import pytest

import stance
from conftest import ROOT, run

FIX = ROOT / "tests/fixtures"


def without_timing(report: dict) -> dict:
    report = json.loads(json.dumps(report))
    report["train"].pop("fit_seconds")
    report["selection"].pop("seconds", None)
    return report


def test_dev_selection_gives_the_cli_model_bytes_and_report(stance_train, tmp_path):
    cli_model, cli_metrics = tmp_path / "cli.stance", tmp_path / "cli.json"
    run([stance_train, "--train", FIX / "reviews_train.csv", "--dev", FIX / "reviews_dev.csv", "--test",
         FIX / "reviews_test.csv", "--text-col", "sentence", "--label-col", "verdict", "--char-ngrams", "2-4",
         "--class-weight", "neg=2,pos=1", "--favg-labels", "neg,pos", "--threads", "2", "--output", cli_model,
         "--metrics-json", cli_metrics, "-q"])
    py_model, py_metrics = tmp_path / "py.stance", tmp_path / "py.json"
    report = stance.train(FIX / "reviews_train.csv", py_model, dev=FIX / "reviews_dev.csv", test=FIX / "reviews_test.csv",
                          text_col="sentence", label_col="verdict", char_ngrams=(2, 4), class_weight={"neg": 2, "pos": 1},
                          favg_labels=["neg", "pos"], threads=2, metrics_json=py_metrics)
    assert py_model.read_bytes() == cli_model.read_bytes()
    assert without_timing(report) == without_timing(json.loads(cli_metrics.read_text()))
    assert without_timing(json.loads(py_metrics.read_text())) == without_timing(report)
    assert set(report) == {"dev", "test", "selection", "train"}


def test_cross_validation_and_svm_options_give_the_cli_model(stance_train, tmp_path):
    args = ["--train", FIX / "mentions_train.jsonl", "--text-col", "sent", "--spans-col", "mentions", "--label-col",
            "pol", "--label-map", "2.0=negative,4.0=neutral,6.0=positive", "--model", "svm", "--cv", "3", "--no-negation", "--stem", "none", "--hash-bits", "16"]
    out = run([stance_train, *args, "--output", tmp_path / "cli.stance", "-q"])
    assert out.returncode == 0
    stance.train(FIX / "mentions_train.jsonl", tmp_path / "py.stance", text_col="sent", spans_col="mentions",
                 label_col="pol", label_map={"2.0": "negative", "4.0": "neutral", "6.0": "positive"}, model="svm", cv=3, negation=False, stem="none", hash_bits=16)
    assert (tmp_path / "py.stance").read_bytes() == (tmp_path / "cli.stance").read_bytes()


def test_group_col_and_refit_give_the_cli_model(stance_train, tmp_path):
    common = ["--train", FIX / "reviews_train.csv", "--text-col", "sentence", "--label-col", "verdict", "-q"]
    run([stance_train, *common, "--cv", "3", "--group-col", "id", "--output", tmp_path / "cli-g.stance"])
    report = stance.train(FIX / "reviews_train.csv", tmp_path / "py-g.stance", text_col="sentence", label_col="verdict",
                          cv=3, group_col="id")
    assert (tmp_path / "py-g.stance").read_bytes() == (tmp_path / "cli-g.stance").read_bytes()
    assert report["selection"]["group_col"] == "id"
    run([stance_train, *common, "--dev", FIX / "reviews_dev.csv", "--refit", "--output", tmp_path / "cli-r.stance"])
    report = stance.train(FIX / "reviews_train.csv", tmp_path / "py-r.stance", text_col="sentence", label_col="verdict",
                          dev=FIX / "reviews_dev.csv", refit=True)
    assert (tmp_path / "py-r.stance").read_bytes() == (tmp_path / "cli-r.stance").read_bytes()
    assert report["train"]["refit"] is True and report["dev"] is None


def test_training_errors_are_the_cli_errors(stance_train, tmp_path):
    one = tmp_path / "one.csv"
    one.write_text("text,label\ngood film,pos\nfine film,pos\n")
    cli = run([stance_train, "--train", one, "--output", tmp_path / "cli.stance", "-q"], check=False)
    assert cli.returncode == 1
    with pytest.raises(stance.StanceError) as e:
        stance.train(one, tmp_path / "py.stance")
    assert str(e.value) in cli.stderr and "one class" in str(e.value)
    assert not (tmp_path / "py.stance").exists()
    with pytest.raises(stance.StanceError, match="no such column"):
        stance.train(FIX / "reviews_train.csv", tmp_path / "py.stance", text_col="nope")
    with pytest.raises(stance.StanceError, match="either --dev or --cv"):
        stance.train(FIX / "reviews_train.csv", tmp_path / "py.stance", dev=FIX / "reviews_dev.csv", cv=3,
                     text_col="sentence", label_col="verdict")
    with pytest.raises(stance.StanceError, match="select_metric: invalid value"):
        stance.train(FIX / "reviews_train.csv", tmp_path / "py.stance", select_metric="vibes")
    with pytest.raises(TypeError):
        stance.train(FIX / "reviews_train.csv", tmp_path / "py.stance", colour="blue")


def test_grid_label_order_headerless_cp1252_and_report_options_give_the_cli_model(stance_train, tmp_path):
    rows = [("pos", "caf\xe9 was lovely"), ("neg", "cold soup \u201cawful\u201d"), ("pos", "great na\xefve charm"),
            ("neg", "rude staff, bad food"), ("pos", "lovely cakes and tea"), ("neg", "bad, cold and slow")] * 3
    data = tmp_path / "cp1252.tsv"
    data.write_bytes(b"".join(f"{label}\t{text}\n".encode("cp1252") for label, text in rows))
    args = ["--train", data, "--format", "tsv", "--no-header", "--label-col", "1", "--text-col", "2", "--encoding",
            "cp1252", "--labels", "pos,neg", "--c", "0.5,5", "--cv", "3"]
    run([stance_train, *args, "--output", tmp_path / "cli.stance", "--report", tmp_path / "cli.html", "-q"])
    stance.train(data, tmp_path / "py.stance", format="tsv", no_header=True, label_col="1", text_col="2",
                 encoding="cp1252", labels="pos,neg", c_grid=[0.5, 5.0], cv=3, report=tmp_path / "py.html")
    assert (tmp_path / "py.stance").read_bytes() == (tmp_path / "cli.stance").read_bytes()
    assert stance.Model.load(tmp_path / "py.stance").classes_.tolist() == ["pos", "neg"]
    page = (tmp_path / "py.html").read_text()
    assert "Training report: py.stance" in page and "Selection" in page
    timeless = lambda html: re.sub(r"[0-9.]+ s<", " s<", html)  # noqa: E731 (fit and selection times)
    assert timeless(page.replace("py.stance", "cli.stance")) == timeless((tmp_path / "cli.html").read_text())
    with pytest.raises(stance.StanceError, match="encoding: invalid value"):
        stance.train(data, tmp_path / "bad.stance", encoding="ebcdic")


def test_time_budget_gives_the_cli_model(stance_train, tmp_path):
    common = ["--train", FIX / "reviews_train.csv", "--text-col", "sentence", "--label-col", "verdict", "-q"]
    # A nanosecond is spent by the first fit, which always runs, so the choice does not depend on the machine.
    run([stance_train, *common, "--cv", "3", "--time-budget", "0.000000001", "--output", tmp_path / "cli.stance"])
    report = stance.train(FIX / "reviews_train.csv", tmp_path / "py.stance", text_col="sentence", label_col="verdict",
                          cv=3, time_budget=1e-9)
    assert (tmp_path / "py.stance").read_bytes() == (tmp_path / "cli.stance").read_bytes()
    assert report["selection"]["budget_reached"] is True and report["selection"]["fits"] == 1
    with pytest.raises(stance.StanceError, match="time_budget"):
        stance.train(FIX / "reviews_train.csv", tmp_path / "bad.stance", text_col="sentence", label_col="verdict",
                     cv=3, time_budget=0)
