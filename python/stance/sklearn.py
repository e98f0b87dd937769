"""A scikit-learn estimator over :func:`stance.train` and :class:`stance.Model`.

``StanceClassifier`` takes raw texts (a list of str, a 1-D array, a pandas Series) as ``X``,
so it works in ``Pipeline``, ``cross_val_score`` and ``GridSearchCV``. ``fit`` writes the
texts and labels to a temporary JSONL file and trains on it with the crate's own
``train`` (the same training, selection and model file as ``stance-train``); nothing is
fitted in Python.
"""

from __future__ import annotations

import json
import os
import tempfile
from typing import Any, Optional

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from . import Model, _strings, train

__all__ = ["StanceClassifier"]


class StanceClassifier(ClassifierMixin, BaseEstimator):
    """Logistic regression or a linear SVM over hashed n-grams, trained by the ``stance`` crate.

    The parameters are :func:`stance.train`'s options of the same names. With ``cv`` set, C,
    class weighting and feature variants are selected by K-fold cross-validation inside
    ``fit``; otherwise the given settings are fitted as they are (``c`` defaults to 1).

    Attributes: ``classes_`` (labels, in ``predict_proba``'s column order) and ``model_``
    (the fitted :class:`stance.Model`).
    """

    def __init__(
        self,
        model: str = "logreg",
        c: Optional[float] = None,
        class_weight: Optional[str] = None,
        cv: Optional[int] = None,
        select_metric: Optional[str] = None,
        word_ngrams: Optional[int] = None,
        char_ngrams: Optional[str] = None,
        hash_bits: Optional[int] = None,
        sublinear_tf: bool = True,
        idf: bool = True,
        nb: bool = False,
        lexicon: Optional[str] = None,
        stem: str = "english",
        negation: bool = True,
        social: bool = True,
        lowercase: bool = True,
        search_features: bool = True,
        epochs: Optional[int] = None,
        seed: int = 42,
        threads: Optional[int] = None,
    ) -> None:
        self.model = model
        self.c = c
        self.class_weight = class_weight
        self.cv = cv
        self.select_metric = select_metric
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.hash_bits = hash_bits
        self.sublinear_tf = sublinear_tf
        self.idf = idf
        self.nb = nb
        self.lexicon = lexicon
        self.stem = stem
        self.negation = negation
        self.social = social
        self.lowercase = lowercase
        self.search_features = search_features
        self.epochs = epochs
        self.seed = seed
        self.threads = threads

    def fit(self, X: Any, y: Any) -> "StanceClassifier":
        """Trains on texts ``X`` with labels ``y`` (any values; compared by ``str``)."""
        texts = _strings(X, "X")
        labels = list(y.tolist() if hasattr(y, "tolist") else y)
        if len(labels) != len(texts):
            raise ValueError(f"X has {len(texts)} texts and y {len(labels)} labels")
        by_name = {str(label): label for label in labels}
        with tempfile.TemporaryDirectory(prefix="stance-fit-") as tmp:
            data = os.path.join(tmp, "train.jsonl")
            with open(data, "w", encoding="utf-8") as f:
                for text, label in zip(texts, labels):
                    f.write(json.dumps({"text": text, "label": str(label)}, ensure_ascii=False) + "\n")
            path = os.path.join(tmp, "model.stance")
            self.report_ = train(data, path, **self.get_params())
            self.model_ = Model.load(path, self.threads)
        self.classes_ = np.asarray([by_name[c] for c in self.model_.classes_])
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities, columns in ``classes_`` order."""
        check_is_fitted(self, "model_")
        return self.model_.predict_proba(_strings(X, "X"))

    def predict(self, X: Any) -> np.ndarray:
        """The predicted label of each text."""
        check_is_fitted(self, "model_")
        labels, _ = self.model_._arrays(X, None)
        return self.classes_[labels]

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags
