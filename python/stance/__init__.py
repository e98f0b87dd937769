"""Stance and sentiment classification, and actor-to-event stance tagging for news.

A thin Python layer over the Rust crate ``stance`` (the one source of truth): the
classifier, training and the news tagger run in Rust, on the crate's threads, with the
GIL released.

>>> import stance
>>> report = stance.train("train.csv", "mine.stance", text_col="sentence", label_col="verdict", cv=5)
>>> stance.Model.load("mine.stance").predict(["a fine film", "a dull film"])
>>> stance.Tagger().tag(open("article.txt").read())

Every error the library reports (a bad model file, option or input file) is raised as
:class:`StanceError` (a :class:`ValueError`) with the message the command-line tools
print; inputs of the wrong type raise :class:`TypeError`.
"""

from __future__ import annotations

import json
import os
from typing import Any, Mapping, Optional, Sequence, Union

import numpy as np

from . import _stance
from ._stance import StanceError

__all__ = ["Model", "Tagger", "StanceError", "train", "__version__"]
__version__: str = _stance.__version__

PathLike = Union[str, "os.PathLike[str]"]


def _strings(values: Any, what: str) -> Any:
    """A NumPy, pandas or pyarrow column as a list of Python objects; other sequences as given.

    The items are checked to be ``str`` in Rust, which names the first one that is not.
    """
    if isinstance(values, (str, bytes)):
        raise TypeError(f"{what} must be a sequence of str, not a single {type(values).__name__}")
    if hasattr(values, "to_pylist"):  # pyarrow Array or ChunkedArray
        return values.to_pylist()
    if isinstance(values, np.ndarray):
        if values.ndim != 1:
            raise TypeError(f"{what} must be one-dimensional, got an array of shape {values.shape}")
        return values.tolist()
    if hasattr(values, "tolist") and hasattr(values, "dtype"):  # pandas Series or Index
        return values.tolist()
    return values


class Model:
    """A classifier trained by ``stance-train`` or :func:`train`.

    Use :meth:`Model.load`; ``classes_`` holds the labels in the order of
    :meth:`predict_proba`'s columns.
    """

    def __init__(self, inner: _stance.Model) -> None:
        self._inner = inner
        self.classes_ = np.asarray(inner.classes, dtype=object)

    @classmethod
    def load(cls, path: PathLike, threads: Optional[int] = None) -> "Model":
        """Loads a model file; predictions run on ``threads`` threads (default: one per core).

        Raises :class:`StanceError` for a missing, truncated, corrupt or non-model file.
        """
        return cls(_stance.Model.load(os.fspath(path), threads))

    @classmethod
    def from_bytes(cls, data: bytes, threads: Optional[int] = None) -> "Model":
        """A model from a model file's bytes (see :meth:`to_bytes`)."""
        return cls(_stance.Model.from_bytes(data, "<bytes>", threads))

    def to_bytes(self) -> bytes:
        """The model file's bytes, exactly as ``stance-train`` writes them."""
        return self._inner.to_bytes()

    @property
    def threads(self) -> int:
        """Worker threads used by predictions."""
        return self._inner.threads

    @property
    def target_mode(self) -> str:
        """How the model uses stance targets (``"none"`` when it takes none)."""
        return self._inner.target_mode

    def _arrays(self, texts: Any, targets: Any) -> "tuple[np.ndarray, np.ndarray]":
        t = None if targets is None else _strings(targets, "targets")
        return self._inner.predict_arrays(_strings(texts, "texts"), t)

    def predict(self, texts: Any, targets: Any = None) -> np.ndarray:
        """The predicted label of each text (with its target, when given): an object array of str.

        ``texts`` (and ``targets``) may be a list of str, a 1-D NumPy array, a pandas Series or
        a pyarrow string array; a non-str item (``None`` included) raises :class:`TypeError`.
        """
        labels, _ = self._arrays(texts, targets)
        return self.classes_[labels]

    def predict_proba(self, texts: Any, targets: Any = None) -> np.ndarray:
        """Class probabilities, shape ``(len(texts), len(classes_))``, columns in ``classes_`` order."""
        return self._arrays(texts, targets)[1]

    def __reduce__(self) -> Any:
        return (_model_from_bytes, (self.to_bytes(), self.threads))

    def __repr__(self) -> str:
        return f"stance.Model(classes={list(self.classes_)!r}, threads={self.threads})"


def _model_from_bytes(data: bytes, threads: int) -> Model:
    return Model.from_bytes(data, threads)


class Tagger:
    """The news pipeline: each actor's stance toward each event in an article.

    Defaults are ``stance-tag``'s: the shipped stance model and gazetteer, unless
    ``stance_model`` (a model file) or ``actors`` (an extra actors TSV) are given. The
    records are those ``stance-tag --format jsonl`` writes, as dicts.
    """

    def __init__(
        self,
        stance_model: Optional[PathLike] = None,
        actors: Optional[PathLike] = None,
        targets: Optional[Sequence[str]] = None,
        *,
        per_sentence: bool = False,
        object_targets: bool = True,
        min_evidence: Optional[float] = None,
        max_evidence: Optional[int] = None,
        all_events: bool = False,
        min_evidence_other: Optional[float] = None,
        salient_mentions: Optional[int] = None,
        salient_lead: Optional[int] = None,
        min_evidence_unplaced: Optional[float] = None,
        tree_only_weight: Optional[float] = None,
        syntax_model: Optional[PathLike] = None,
        threads: Optional[int] = None,
    ) -> None:
        self._inner = _stance.Tagger(
            None if stance_model is None else os.fspath(stance_model),
            None if actors is None else os.fspath(actors),
            None if targets is None else list(targets),
            per_sentence,
            object_targets,
            min_evidence,
            max_evidence,
            all_events,
            min_evidence_other,
            salient_mentions,
            salient_lead,
            min_evidence_unplaced,
            tree_only_weight,
            None if syntax_model is None else os.fspath(syntax_model),
            threads,
        )

    def tag(self, text: str, article: str = "article") -> "list[dict[str, Any]]":
        """The records of one article, named ``article`` in their ``article`` field."""
        if not isinstance(text, str):
            raise TypeError(f"text must be str, not {type(text).__name__}")
        return self.tag_many([text], [article])

    def tag_many(self, texts: Any, ids: Any = None) -> "list[dict[str, Any]]":
        """The records of many articles, in input order, tagged in parallel.

        ``ids`` name the articles (default: ``"0"``, ``"1"``, ...); like ``texts`` they may be a
        list, a NumPy array, a pandas Series or a pyarrow string array.
        """
        texts = _strings(texts, "texts")
        ids = [str(i) for i in range(len(texts))] if ids is None else _strings(ids, "ids")
        return [json.loads(line) for line in self._inner.tag_json(ids, texts)]


def _pairs(values: Union[None, str, Mapping[str, Any]]) -> Optional[str]:
    if values is None or isinstance(values, str):
        return values
    return ",".join(f"{k}={v}" for k, v in values.items())


def train(
    train: Union[PathLike, Sequence[PathLike]],
    output: PathLike,
    *,
    dev: Optional[PathLike] = None,
    test: Optional[PathLike] = None,
    metrics_json: Optional[PathLike] = None,
    lexicon: Optional[PathLike] = None,
    label_map: Union[None, str, Mapping[str, str]] = None,
    class_weight: Union[None, str, Mapping[str, float]] = None,
    favg_labels: Union[None, str, Sequence[str]] = None,
    char_ngrams: Union[None, str, "tuple[int, int]"] = None,
    **options: Any,
) -> "dict[str, Any]":
    """Trains a classifier as ``stance-train`` does and writes the model file to ``output``.

    The options are ``stance-train``'s, with ``_`` for ``-`` and booleans for the ``--no-*``
    flags: ``format``, ``text_col``, ``label_col``, ``target_col``, ``holder_col``,
    ``spans_col``, ``model`` ("logreg" or "svm"), ``c``, ``cv``, ``group_col``, ``refit``, ``time_budget`` (seconds),
    ``select_metric``,
    ``word_ngrams``, ``hash_bits``, ``sublinear_tf``, ``idf``, ``nb``, ``target_mode``,
    ``context_window``, ``stem``, ``negation``, ``social``, ``lowercase``,
    ``search_features``, ``epochs``, ``seed``, ``threads``, ``c_grid`` (a list: ``--c A,B,...``),
    ``labels`` ("sorted", "first-seen" or "a,b,c"), ``no_header``, ``encoding`` ("utf-8",
    "cp1252", "latin1") and ``report`` (the HTML training report's path). ``label_map`` and
    ``class_weight`` may be dicts, ``favg_labels`` a list and ``char_ngrams`` a ``(min, max)``
    pair. Returns the report ``--metrics-json`` writes (``dev``, ``test``, ``selection``,
    ``train``), as a dict; the same data and seed give the same model file as the CLI.
    """
    files = [train] if isinstance(train, (str, os.PathLike)) else list(train)
    if isinstance(char_ngrams, tuple):
        char_ngrams = f"{char_ngrams[0]}-{char_ngrams[1]}"
    path = lambda p: None if p is None else os.fspath(p)  # noqa: E731
    report = _stance.train(
        [os.fspath(f) for f in files],
        os.fspath(output),
        dev=path(dev),
        test=path(test),
        metrics_json=path(metrics_json),
        lexicon=path(lexicon),
        label_map=_pairs(label_map),
        class_weight=_pairs(class_weight),
        favg_labels=favg_labels.split(",") if isinstance(favg_labels, str) else favg_labels,
        char_ngrams=char_ngrams,
        **options,
    )
    return json.loads(report)
