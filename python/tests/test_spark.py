"""The Spark examples in local[2] mode give the CLI's rows."""

from __future__ import annotations

import csv
import importlib.util
import math
import os
import sys

import pytest

from conftest import ROOT, jsonl, run, shared

from pyspark.sql import SparkSession


def example(name):
    """An example script as a module (its folder on sys.path, as when it is run, for its sibling imports)."""
    if str(ROOT / "examples") not in sys.path:
        sys.path.insert(0, str(ROOT / "examples"))
    spec = importlib.util.spec_from_file_location(name, ROOT / "examples" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def spark():
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    session = (SparkSession.builder.master("local[2]").appName("stance-tests").config("spark.ui.enabled", "false")
               .config("spark.sql.shuffle.partitions", "2").getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def as_plain(value):
    """A Spark value (Row, list, float) as the JSON value it came from."""
    if hasattr(value, "asDict"):
        return {k: as_plain(v) for k, v in value.asDict().items()}
    if isinstance(value, list):
        return [as_plain(v) for v in value]
    return value


def test_tagging_the_wikinews_articles_gives_the_cli_rows(spark, stance_tag, tmp_path):
    articles = shared() / "datasets/wikinews/articles.csv"
    tag = example("spark_tag_articles")
    out = tmp_path / "stances.parquet"
    tag.main([str(articles), str(out), "--id-col", "url", "--partitions", "2"], spark)
    got = [as_plain(r) for r in spark.read.parquet(str(out)).collect()]
    cli = jsonl(run([stance_tag, "--format", "jsonl", "-q", "--text-col", "text", "--id-col", "url", articles]).stdout)
    with open(articles, newline="", encoding="utf-8") as f:
        assert sum(1 for _ in csv.DictReader(f)) == 289
    names = [f.name for f in tag.SCHEMA.fields]
    want = [{n: r.get(n) for n in names} for r in cli]
    assert all(r["error"] is None for r in cli)
    key = lambda r: (r["article"], r["actor"], r["event"], str(r["code"]))  # noqa: E731
    assert len(got) == len(want) > 100
    assert sorted(got, key=key) == sorted(want, key=key)
    assert any(r["warnings"] for r in want), "an article with a cut sentence is among them"


def test_classifying_sentences_gives_the_cli_labels(spark, stance_tag, tmp_path):
    data = ROOT / "datasets/news-stance/part-a.csv"
    model = ROOT / "models/sentiment-news.stance"
    classify = example("spark_classify_sentences")
    frame = spark.read.csv(str(data), header=True, multiLine=True, escape='"').repartition(2)
    rows = classify.classify_frame(spark, str(model), frame, "text", threads=1).collect()
    cli = jsonl(run([stance_tag, "--model", model, "--format", "jsonl", "--top-k", "0", "--text-col", "text",
                     "--with-text", "-q", data]).stdout)
    assert len(rows) == len(cli) > 1000
    by_text = {}
    for r in cli:
        by_text.setdefault(r["text"], set()).add((r["label"], tuple(sorted((t["label"], t["p"]) for t in r["top"]))))
    labels = ["negative", "neutral", "positive"]
    for r in rows:
        probs = tuple(sorted((label, math.floor(p * 1e4 + 0.5) / 1e4) for label, p in zip(labels, r["probs"])))
        assert (r["label"], probs) in by_text[r["text"]], r["text"]
