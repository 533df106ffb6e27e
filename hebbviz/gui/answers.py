"""The answer to the drawing, computed off the GUI thread.

Framing the drawing (rendering its strokes, anti-aliased) and every network's answer to it take a
few milliseconds each time the drawing or the model changes: up to about 13 ms for itoh. Done on
the GUI thread, that time is missing from painting the heatmaps and following the pen, and on a
busy machine the GUI thread does not get it back. Here each answer is a job of
a :class:`~hebbviz.gui.background.Lane`, at most one at a time, always for the newest
drawing: a request while a job runs is served, with the drawing as it is then, when the job ends.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QObject, Signal
from shiboken6 import isValid

from hebbviz.gui.background import Lane
from hebbviz.gui.canvas import DrawingCanvas
from hebbviz.gui.session import Session
from hebbviz.gui.training_controller import TrainingController


@dataclass(frozen=True)
class Answer:
    """Every label's answer to one framing of the drawing (all None: nothing to answer)."""

    version: int
    """The canvas's :attr:`~hebbviz.gui.canvas.DrawingCanvas.version` that was framed."""
    image: np.ndarray | None
    norms: np.ndarray | None = None
    maps: np.ndarray | None = None
    """Every label's map of the chosen picture (reconstructions or contributions), or None."""
    firing: tuple[np.ndarray, np.ndarray] | None = None
    detailed: bool = True
    """Whether the maps and firing maps were computed (they are not while out of sight)."""


class Answers(QObject):
    """Answers the drawing on ``canvas`` with the session's model in the background, with the
    maps ``details()`` asks for.

    Signals
    -------
    answered(Answer)
        A job's answer, unless :meth:`forget` was called while it ran.
    failed(str)
        A job failed; the message is for people.
    """

    answered = Signal(object)
    failed = Signal(str)

    def __init__(
        self,
        session: Session,
        training: TrainingController,
        canvas: DrawingCanvas,
        details: Callable[[], str | None | bool],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.session, self.training, self.canvas = session, training, canvas
        self.details = details
        """Asked at each request: which maps to compute with the norms (a picture's name, see
        :meth:`Session.answer`, or None: none), or False: neither maps nor firing maps (they are
        out of sight)."""
        self._running = False
        self._again = False
        self._generation = 0
        self._lane = Lane("answer")

    def pending(self) -> bool:
        """Whether an answer is being computed or waits to be."""
        return self._running or self._again

    def request(self) -> None:
        """Answer the drawing as it is now (when the job running ends, if one does)."""
        if self._running:
            self._again = True
            return
        self._again = False
        self._running = True
        version, frame = self.canvas.version, self.canvas.framer()
        session, copy, generation = self.session, self.training.readable_model(), self._generation
        details = self.details()

        def job() -> Answer:
            image = frame()
            if image is None:
                return Answer(version, None)
            if details is False:
                return Answer(version, image, session.answer(image, copy)[0], detailed=False)
            norms, maps = session.answer(image, copy, details)
            return Answer(version, image, norms, maps, session.firing(image, copy))

        self._lane.submit(
            job,
            lambda answer: self._ended(generation, answer),
            lambda error: self._ended(generation, error),
        )

    def finish(self, timeout: float) -> bool:
        """Let the job running end (the app closes); whether it did within ``timeout`` s."""
        return self._lane.wait(timeout)

    def forget(self) -> None:
        """Drop the answer of the job running, if any (the drawing or the model was answered
        otherwise since)."""
        self._generation += 1

    def _ended(self, generation: int, outcome: Answer | BaseException) -> None:
        if not isValid(self):  # the window closed while the job ran: nobody to tell
            return
        self._running = False
        answer = outcome if generation == self._generation else None  # else: forgotten
        if isinstance(answer, Answer):
            self.canvas.keep_framing(answer.version, answer.image)
        if self._again:  # the next answer is computed while this one is shown
            self.request()
        if isinstance(answer, Answer):
            self.answered.emit(answer)
        elif answer is not None:
            self.failed.emit(f"Cannot answer the drawing: {type(answer).__name__}: {answer}")
