"""Type stubs for the extension module ``stance._stance`` (see ``python/src/lib.rs``)."""

from typing import Any, Optional, Sequence

import numpy as np
import numpy.typing as npt

__version__: str

class StanceError(ValueError):
    """A model, option or input the library refused; the message is the command-line tools'."""

class Model:
    @staticmethod
    def load(path: str, threads: Optional[int] = None) -> Model: ...
    @staticmethod
    def from_bytes(data: bytes, name: str = "<bytes>", threads: Optional[int] = None) -> Model: ...
    def to_bytes(self) -> bytes: ...
    @property
    def classes(self) -> list[str]: ...
    @property
    def threads(self) -> int: ...
    @property
    def target_mode(self) -> str: ...
    def predict_arrays(
        self, texts: Sequence[str], targets: Optional[Sequence[str]] = None
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]: ...

class Tagger:
    def __init__(
        self,
        stance_model: Optional[str] = None,
        actors: Optional[str] = None,
        targets: Optional[list[str]] = None,
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
        syntax_model: Optional[str] = None,
        threads: Optional[int] = None,
    ) -> None: ...
    def tag_json(self, names: Sequence[str], texts: Sequence[str]) -> list[str]: ...

def train(train: list[str], output: str, **options: Any) -> str: ...
