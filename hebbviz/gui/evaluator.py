"""Scoring the session's model on the whole validation split, in the background.

One evaluation at a time: a request while one runs scores the newest model when it ends (any
number of requests in between count once). Each evaluation gets a number, and a model replaced
meanwhile makes the one under way stale: its result is dropped.

The job scores a copy of the model, made in its thread under the model lock (itoh's 46 MB in a
few milliseconds, a megabyte at a time), and scores it with the lock free: the GUI thread, which
takes the lock to show weights or to teach, never waits for the scoring.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Signal
from shiboken6 import isValid

from hebbviz.data.dataset import Split
from hebbviz.evaluation import label_norms, score
from hebbviz.gui.background import run_in_background
from hebbviz.gui.session import Session
from hebbviz.models.base import winning_labels
from hebbviz.priority import WORKER_NICENESS, lower_priority


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
            lower_priority(WORKER_NICENESS)  # as a run does: the GUI thread goes first
            with lock:
                copy = model.copy()  # a megabyte at a time: see NormClassifier.copy
            norms = label_norms(copy, split.images)
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
