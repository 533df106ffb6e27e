"""Scoring the session's model on the whole validation split, in the background.

One evaluation at a time: a request while one runs scores the newest model when it ends (any
number of requests in between count once). Each evaluation gets a number, and a model replaced
meanwhile makes the one under way stale: its result is dropped.

The model is not copied (a copy of a large model takes long, and memory): it is read in pieces of
``PIECE`` images, each under the model lock with the lock free in between, so the GUI never waits
long for the lock (a teach step in between shows in the later pieces).
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Signal
from shiboken6 import isValid

from hebbviz.data.dataset import Split
from hebbviz.evaluation import label_norms, score
from hebbviz.gui.background import run_in_background
from hebbviz.gui.session import Session
from hebbviz.models.base import NormClassifier, winning_labels

PIECE = 8
"""Images scored per hold of the model lock (itoh: about 20 ms on a quiet machine)."""


class _Locked:
    """``model`` as :func:`hebbviz.evaluation.label_norms` sees it: each call under ``lock``."""

    def __init__(self, model: NormClassifier, lock: threading.Lock) -> None:
        self.n_labels = model.n_labels
        self._model, self._lock = model, lock

    def label_norms(self, images: np.ndarray) -> np.ndarray:
        with self._lock:
            return self._model.label_norms(images)


class Evaluator(QObject):
    """Scores the session's current model on its data set's validation split.

    Signals
    -------
    evaluating(int)
        An evaluation of that many digits began.
    evaluated(Evaluation, Split, ndarray)
        The scores, the split scored and the predicted labels (-1 where undecided).
    failed(str)
    """

    evaluating = Signal(int)
    evaluated = Signal(object, object, object)
    failed = Signal(str)

    def __init__(self, session: Session, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._evaluation = 0
        self._evaluating = False
        self._evaluate_again = False
        session.modelChanged.connect(self._drop_current)

    def evaluate(self) -> None:
        """Score the current model on the whole validation split, in the background."""
        dataset = self.session.dataset
        if dataset is None or len(dataset.val) == 0:
            return
        if self._evaluating:
            self._evaluate_again = True
            return
        self._evaluating, self._evaluate_again = True, False
        self._evaluation += 1
        number, model, lock, split = (
            self._evaluation,
            self.session.model,
            self.session.lock,
            dataset.val,
        )
        self.evaluating.emit(len(split))

        def job() -> tuple[Any, np.ndarray]:
            locked = _Locked(model, lock)
            norms = label_norms(locked, split.images, batch_size=PIECE)  # type: ignore[arg-type]
            return score(norms, split.labels), winning_labels(norms)

        run_in_background(
            job,
            lambda result: self._on_evaluated(number, split, result),
            lambda error: self._on_evaluation_failed(number, error),
            "evaluate",
        )

    def _on_evaluated(self, number: int, split: Split, result: tuple[Any, np.ndarray]) -> None:
        if not isValid(self):  # the window closed while it scored: nobody to tell
            return
        self._evaluation_done()
        if number == self._evaluation:
            evaluation, predicted = result
            self.evaluated.emit(evaluation, split, predicted)

    def _on_evaluation_failed(self, number: int, error: BaseException) -> None:
        if not isValid(self):
            return
        self._evaluation_done()
        if number == self._evaluation:
            self.failed.emit(f"evaluation failed: {type(error).__name__}: {error}")

    def _evaluation_done(self) -> None:
        self._evaluating = False
        if self._evaluate_again:
            self.evaluate()

    def _drop_current(self) -> None:
        """Another model: the evaluation under way (if any) scores the one before."""
        self._evaluation += 1
