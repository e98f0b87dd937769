"""The scikit-learn estimator: Pipeline, cross_val_score, GridSearchCV, and sklearn's own checks that apply to text."""

from __future__ import annotations

import csv
import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils import estimator_checks as checks

import stance
from conftest import ROOT
from stance.sklearn import StanceClassifier


def reviews(name):
    with open(ROOT / "tests/fixtures" / name, newline="", encoding="utf-8") as f:
        data = list(csv.DictReader(f))
    return np.array([r["sentence"] for r in data], dtype=object), np.array([r["verdict"] for r in data])


def news():
    with open(ROOT / "datasets/news-stance/part-a.csv", newline="", encoding="utf-8") as f:
        data = list(csv.DictReader(f))
    return [r["text"] for r in data], np.array([r["stance"] for r in data])


def test_fit_is_stance_train_on_the_same_data(tmp_path):
    X, y = reviews("reviews_train.csv")
    est = StanceClassifier(c=2.0, hash_bits=14, threads=1).fit(X, y)
    # The same settings through stance.train on the fixture file give the same predictions.
    stance.train(ROOT / "tests/fixtures/reviews_train.csv", tmp_path / "m.stance", text_col="sentence",
                 label_col="verdict", c=2.0, hash_bits=14, threads=1)
    model = stance.Model.load(tmp_path / "m.stance")
    Xt, _ = reviews("reviews_test.csv")
    assert list(est.classes_) == list(model.classes_)
    assert np.array_equal(est.predict_proba(Xt), model.predict_proba(Xt))
    assert list(est.predict(Xt)) == list(model.predict(Xt))
    assert est.report_["train"]["examples"] == len(X)


def test_grid_search_picks_by_cross_validation_and_refits():
    X, y = news()
    grid = GridSearchCV(StanceClassifier(threads=2), {"c": [0.1, 10.0], "word_ngrams": [1, 2]},
                        cv=KFold(3, shuffle=True, random_state=0), scoring="f1_macro")
    grid.fit(X, y)
    assert set(grid.best_params_) == {"c", "word_ngrams"}
    # Each mean score is what cross_val_score gives for those settings (training is deterministic).
    for params, score in zip(grid.cv_results_["params"], grid.cv_results_["mean_test_score"]):
        again = cross_val_score(StanceClassifier(threads=2, **params), X, y,
                                cv=KFold(3, shuffle=True, random_state=0), scoring="f1_macro")
        assert again.mean() == pytest.approx(score, abs=1e-12)
    assert grid.best_score_ > 0.5, "far above chance on three balanced-ish classes"
    refit = StanceClassifier(threads=2, **grid.best_params_).fit(X, y)
    assert np.array_equal(grid.predict_proba(X[:50]), refit.predict_proba(X[:50]))


def test_in_a_pipeline_with_integer_labels():
    X, y = reviews("reviews_train.csv")
    codes = {"neg": -1, "neu": 0, "pos": 1}
    yi = np.array([codes[v] for v in y])
    pipe = Pipeline([("lower", FunctionTransformer(lambda xs: [x.lower() for x in xs])),
                     ("clf", StanceClassifier(c=1.0))])
    pipe.fit(X, yi)
    assert sorted(pipe.classes_.tolist()) == [-1, 0, 1]
    pred = pipe.predict(X)
    assert set(pred.tolist()) <= {-1, 0, 1}
    assert pipe.score(X, yi) > 0.8, "fits its own training data"
    proba = pipe.predict_proba(X)
    assert np.array_equal(pipe.classes_[proba.argmax(axis=1)], pred)


def test_fitted_estimators_pickle_and_clone():
    X, y = reviews("reviews_train.csv")
    est = StanceClassifier(c=1.0).fit(X, y)
    copy = pickle.loads(pickle.dumps(est))
    assert np.array_equal(copy.predict_proba(X), est.predict_proba(X))
    fresh = clone(est)
    assert fresh.get_params() == est.get_params()
    assert not hasattr(fresh, "model_")


@pytest.mark.parametrize(
    "check",
    [
        checks.check_get_params_invariance,
        checks.check_set_params,
        checks.check_parameters_default_constructible,
        checks.check_no_attributes_set_in_init,
        checks.check_estimator_repr,
        checks.check_estimator_cloneable,
        checks.check_estimator_tags_renamed,
        checks.check_valid_tag_types,
        checks.check_estimators_unfitted,
    ],
    ids=lambda c: c.__name__,
)
def test_sklearn_checks_that_apply_to_text(check):
    """sklearn's checks that need no numeric X; the rest feed 2-D float arrays, which a text model refuses."""
    check("StanceClassifier", StanceClassifier())


def test_unfitted_and_bad_training_data_raise():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        StanceClassifier().predict(["text"])
    with pytest.raises(stance.StanceError, match="one class"):
        StanceClassifier().fit(["a b", "c d"], ["x", "x"])
    with pytest.raises(TypeError, match="one-dimensional"):
        StanceClassifier().fit(np.zeros((3, 2)), [0, 1, 0])
    with pytest.raises(stance.StanceError, match="model: invalid value"):
        StanceClassifier(model="forest").fit(["a b", "c d"], ["x", "y"])
