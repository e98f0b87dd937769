"""Tagger records against `stance-tag --format jsonl` on the shipped example articles."""

from __future__ import annotations

import pytest

import stance
from conftest import ROOT, jsonl, run

ARTICLES = sorted((ROOT / "datasets/articles").glob("*.txt"))


def cli_records(stance_tag, path, *options):
    records = jsonl(run([stance_tag, "--format", "jsonl", "-q", *options, path]).stdout)
    assert records, f"the CLI finds rows in {path.name}"
    return records


@pytest.mark.parametrize(
    "cli_options, py_options",
    [([], {}), (["--per-sentence"], {"per_sentence": True}), (["--all-events", "--max-evidence", "1"],
                                                             {"all_events": True, "max_evidence": 1})],
    ids=["default", "per-sentence", "all-events"],
)
def test_records_equal_the_cli(stance_tag, cli_options, py_options):
    assert len(ARTICLES) == 4
    tagger = stance.Tagger(threads=2, **py_options)
    expected, names, texts = [], [], []
    for path in ARTICLES:
        records = cli_records(stance_tag, path, *cli_options)
        (name,) = {r["article"] for r in records}
        text = path.read_text(encoding="utf-8")
        assert tagger.tag(text, article=name) == records, path.name
        expected += records
        names.append(name)
        texts.append(text)
    assert tagger.tag_many(texts, ids=names) == expected


def test_declared_targets_and_extra_actors_as_the_cli(stance_tag, tmp_path):
    actors = tmp_path / "actors.tsv"
    actors.write_text("Black Sea Energy\tBSE\tBUS\torg\tname\n", encoding="utf-8")
    path = ROOT / "datasets/articles/black-sea-pipeline.txt"
    records = cli_records(stance_tag, path, "--target", "pipeline=pipeline,gas link", "--actors", actors)
    tagger = stance.Tagger(actors=actors, targets=["pipeline=pipeline,gas link"])
    assert tagger.tag(path.read_text(encoding="utf-8"), article=records[0]["article"]) == records


def test_default_ids_and_bad_input(stance_tag):
    tagger = stance.Tagger(threads=1)
    text = ARTICLES[0].read_text(encoding="utf-8")
    records = tagger.tag_many([text, text])
    assert {r["article"] for r in records} == {"0", "1"}
    assert tagger.tag_many([]) == []
    with pytest.raises(TypeError, match=r"texts\[1\] must be str"):
        tagger.tag_many([text, None])
    with pytest.raises(TypeError, match="text must be str"):
        tagger.tag(b"bytes")
    with pytest.raises(ValueError, match="ids has 1 items, texts has 2"):
        tagger.tag_many([text, text], ids=["a"])
    with pytest.raises(stance.StanceError, match="missing.tsv"):
        stance.Tagger(actors="missing.tsv")
    with pytest.raises(stance.StanceError) as e:
        stance.Tagger(targets=["=truce"])
    cli = run([stance_tag, "--target", "=truce", ARTICLES[0]], check=False)
    assert cli.returncode == 1 and f"stance-tag: error: {e.value}\n" in cli.stderr
