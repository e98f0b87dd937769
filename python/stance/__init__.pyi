"""Type stubs for the ``stance`` package."""

import os
from typing import Any, Mapping, Optional, Sequence, Union

import numpy as np
import numpy.typing as npt

from ._stance import StanceError as StanceError

__version__: str
PathLike = Union[str, os.PathLike[str]]
Texts = Any  # a list of str, a 1-D NumPy array, a pandas Series or a pyarrow string array

class Model:
    classes_: npt.NDArray[np.object_]
    @classmethod
    def load(cls, path: PathLike, threads: Optional[int] = None) -> Model: ...
    @classmethod
    def from_bytes(cls, data: bytes, threads: Optional[int] = None) -> Model: ...
    def to_bytes(self) -> bytes: ...
    @property
    def threads(self) -> int: ...
    @property
    def target_mode(self) -> str: ...
    def predict(self, texts: Texts, targets: Optional[Texts] = None) -> npt.NDArray[np.object_]: ...
    def predict_proba(self, texts: Texts, targets: Optional[Texts] = None) -> npt.NDArray[np.float64]: ...

class Tagger:
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
        threads: Optional[int] = None,
    ) -> None: ...
    def tag(self, text: str, article: str = "article") -> list[dict[str, Any]]: ...
    def tag_many(self, texts: Texts, ids: Optional[Texts] = None) -> list[dict[str, Any]]: ...

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
    char_ngrams: Union[None, str, tuple[int, int]] = None,
    format: Optional[str] = None,
    text_col: str = "text",
    label_col: str = "label",
    target_col: Optional[str] = None,
    holder_col: Optional[str] = None,
    spans_col: Optional[str] = None,
    model: str = "logreg",
    c: Optional[float] = None,
    cv: Optional[int] = None,
    select_metric: Optional[str] = None,
    word_ngrams: Optional[int] = None,
    hash_bits: Optional[int] = None,
    sublinear_tf: bool = True,
    idf: bool = True,
    nb: bool = False,
    target_mode: Optional[str] = None,
    context_window: Optional[int] = None,
    stem: str = "english",
    negation: bool = True,
    social: bool = True,
    lowercase: bool = True,
    search_features: bool = True,
    epochs: Optional[int] = None,
    seed: int = 42,
    threads: Optional[int] = None,
) -> dict[str, Any]: ...
