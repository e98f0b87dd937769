"""Model.predict / predict_proba against `stance-tag --model ... --format jsonl`."""

from __future__ import annotations

import csv
import pickle

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import stance
from conftest import ROOT, jsonl, run

NEWS = ROOT / "datasets" / "news-stance"


def rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def cli_round(p: np.ndarray) -> np.ndarray:
    """Probabilities rounded as the CLI writes them (4 decimals, half away from zero)."""
    return np.floor(p * 1e4 + 0.5) / 1e4


def compare(model: stance.Model, cli_records: "list[dict]", texts, targets=None) -> None:
    labels = model.predict(texts, targets)
    probs = model.predict_proba(texts, targets)
    assert probs.shape == (len(texts), len(model.classes_))
    assert len(cli_records) == len(texts)
    assert [r["label"] for r in cli_records] == list(labels), "labels equal the CLI's exactly"
    cli = np.array([[next(t["p"] for t in r["top"] if t["label"] == c) for c in model.classes_] for r in cli_records])
    # The CLI writes 4 decimals: Python's probabilities, rounded the same way, are the same numbers.
    assert np.abs(cli_round(probs) - cli).max() <= 1e-6
    assert np.abs(probs - cli).max() <= 5e-5 + 1e-6
    assert np.allclose(probs.sum(axis=1), 1.0, atol=1e-5)


@pytest.mark.parametrize("part", ["part-a.csv", "part-b.csv"])
def test_sentiment_model_equals_the_cli(stance_tag, part):
    path = NEWS / part
    out = run([stance_tag, "--model", ROOT / "models/sentiment-news.stance", "--format", "jsonl", "--top-k", "0",
               "--text-col", "text", "-q", path]).stdout
    model = stance.Model.load(ROOT / "models/sentiment-news.stance", threads=2)
    assert list(model.classes_) == ["negative", "neutral", "positive"]
    compare(model, jsonl(out), [r["text"] for r in rows(path)])


def test_targets_are_used_as_the_cli_uses_target_col(stance_tag):
    path = NEWS / "part-a.csv"
    out = run([stance_tag, "--model", ROOT / "models/news-stance.stance", "--format", "jsonl", "--top-k", "0",
               "--text-col", "text", "--target-col", "event", "-q", path]).stdout
    model = stance.Model.load(ROOT / "models/news-stance.stance")
    data = rows(path)
    texts, targets = [r["text"] for r in data], [r["event"] for r in data]
    compare(model, jsonl(out), texts, targets)
    # The targets matter: without them some probabilities differ.
    assert not np.array_equal(model.predict_proba(texts), model.predict_proba(texts, targets))


def test_every_column_type_gives_the_same_predictions():
    model = stance.Model.load(ROOT / "models/sentiment-news.stance", threads=1)
    texts = [r["text"] for r in rows(NEWS / "part-b.csv")][:300]
    want = model.predict_proba(texts)
    for column in (tuple(texts), np.array(texts), np.array(texts, dtype=object), pd.Series(texts),
                   pa.array(texts), pa.chunked_array([texts[:100], texts[100:]]), pa.array(texts, pa.large_string())):
        assert np.array_equal(model.predict_proba(column), want), type(column)
    # Threads and batch boundaries do not change anything.
    many = stance.Model.load(ROOT / "models/sentiment-news.stance", threads=3)
    assert np.array_equal(many.predict_proba(texts), want)
    assert np.array_equal(np.vstack([model.predict_proba(texts[:7]), model.predict_proba(texts[7:])]), want)
    assert model.predict_proba([]).shape == (0, 3)


def test_pickled_and_byte_copies_predict_the_same():
    path = ROOT / "models/sentiment-news.stance"
    model = stance.Model.load(path)
    assert model.to_bytes() == path.read_bytes()
    copy = pickle.loads(pickle.dumps(model))
    texts = ["The deal was welcomed by everyone.", "Critics condemned the ruling as a disaster."]
    assert np.array_equal(copy.predict_proba(texts), model.predict_proba(texts))


def test_bad_model_files_raise_stance_error_with_the_cli_message(stance_tag, tmp_path):
    bad = tmp_path / "bad.stance"
    bad.write_bytes(b"not a model at all, just some bytes")
    cli = run([stance_tag, "--model", bad, "--format", "jsonl", ROOT / "tests/fixtures/sentences.txt"], check=False)
    assert cli.returncode == 1
    with pytest.raises(stance.StanceError) as e:
        stance.Model.load(bad)
    assert f"stance-tag: error: {e.value}" in cli.stderr
    assert isinstance(e.value, ValueError)
    with pytest.raises(stance.StanceError, match="missing.stance"):
        stance.Model.load(tmp_path / "missing.stance")
    truncated = tmp_path / "truncated.stance"
    truncated.write_bytes((ROOT / "models/sentiment-news.stance").read_bytes()[:1000])
    with pytest.raises(stance.StanceError, match="truncated"):
        stance.Model.load(truncated)
    with pytest.raises(stance.StanceError):
        stance.Model.load(ROOT / "models/sentiment-news.stance", threads=0)


def test_inputs_of_the_wrong_type_raise_type_error():
    model = stance.Model.load(ROOT / "models/sentiment-news.stance")
    with pytest.raises(TypeError, match="single str"):
        model.predict("one text, not a list")
    with pytest.raises(TypeError, match=r"texts\[1\] must be str, not NoneType"):
        model.predict(["fine", None])
    with pytest.raises(TypeError, match=r"texts\[0\] must be str, not int"):
        model.predict_proba([3])
    with pytest.raises(TypeError, match=r"texts\[1\] must be str, not NoneType"):
        model.predict(pa.array(["fine", None]))
    with pytest.raises(TypeError, match="one-dimensional"):
        model.predict(np.array([["a", "b"]]))
    with pytest.raises(ValueError, match="targets has 1 items, texts has 2"):
        model.predict(["a", "b"], ["x"])
