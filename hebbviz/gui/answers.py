"""The answer to the drawing, computed off the GUI thread.

Framing the drawing (rendering its strokes, anti-aliased) and every network's answer to it take a
few milliseconds each time the drawing or the model changes: up to about 13 ms for itoh. Done on
the GUI thread, that time is missing from painting the heatmaps and following the pen, and on a
busy machine the GUI thread does not get it back. Here each answer is a job of
a :class:`~hebbviz.gui.background.Lane`, at most one running and one waiting, which answers the
newest request when it starts: a request while a job runs is served, with the drawing as it was
at the newest request, as soon as that job ends, in the lane's thread. (Asking for the next
answer only once the GUI thread had taken the last one cost about 6 ms on average on a busy
machine, 40 ms in the slowest tenth: the GUI thread was painting, or waiting for a core.)

A screen shows at most about 60 pictures a second, so answers start at most every
``ANSWER_S``: a pen reports about 100 positions a second, and answering every one of them back
to back took the CPU that training needs (quiet itoh while drawing: 1,357-1,534 images a second
without the limit, 2,523-2,665 with it).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QObject, Signal
from shiboken6 import isValid

from hebbviz.gui.background import Lane
from hebbviz.gui.canvas import DrawingCanvas
from hebbviz.gui.session import Session
from hebbviz.gui.training_controller import TrainingController

ANSWER_S = 1 / 60
"""The least time between the starts of two answers (seconds): a 60 Hz screen's frame."""


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


Outcome = tuple[int, "Answer | Exception"]
"""A job's generation (see :meth:`Answers.forget`) and its answer, or what went wrong."""


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
        self._generation = 0
        self._lane = Lane("answer")
        self._unanswered = 0  # jobs given to the lane whose outcome has not come back
        self._newest: Callable[[], Outcome] | None = None  # what the waiting job will answer
        self._handover = threading.Lock()  # between the GUI thread and the lane's
        self._started = 0.0  # when the lane's thread last took a request

    def pending(self) -> bool:
        """Whether an answer is being computed or waits to be."""
        return self._unanswered > 0

    def request(self) -> None:
        """Answer the drawing as it is now: at once, or as soon as the job running ends."""
        version, frame = self.canvas.version, self.canvas.framer()
        session, copy, generation = self.session, self.training.readable_model(), self._generation
        details = self.details()

        def answer() -> Outcome:
            try:
                image = frame()
                if image is None:
                    return generation, Answer(version, None)
                if details is False:
                    norms = session.answer(image, copy)[0]
                    return generation, Answer(version, image, norms, detailed=False)
                norms, maps = session.answer(image, copy, details)
                return generation, Answer(version, image, norms, maps, session.firing(image, copy))
            except Exception as error:  # noqa: BLE001 - reported to the user by the GUI thread
                return generation, error

        with self._handover:
            waiting = self._newest is not None
            self._newest = answer
        if not waiting:  # else the job waiting to start answers this request instead
            self._unanswered += 1
            self._lane.submit(self._answer_newest, self._ended, self._ended_badly)

    def _answer_newest(self) -> Outcome:
        """In the lane's thread: answer the newest request, at most every ``ANSWER_S``."""
        time.sleep(max(0.0, self._started + ANSWER_S - time.perf_counter()))
        with self._handover:
            answer, self._newest = self._newest, None
        self._started = time.perf_counter()
        return answer()

    def finish(self, timeout: float) -> bool:
        """Let the job running end (the app closes); whether it did within ``timeout`` s."""
        return self._lane.wait(timeout)

    def forget(self) -> None:
        """Drop the answer of the job running, if any (the drawing or the model was answered
        otherwise since)."""
        self._generation += 1

    def _ended(self, outcome: Outcome) -> None:
        if not isValid(self):  # the window closed while the job ran: nobody to tell
            return
        self._unanswered -= 1
        generation, answer = outcome
        if generation != self._generation:
            return
        if isinstance(answer, Answer):
            self.canvas.keep_framing(answer.version, answer.image)
            self.answered.emit(answer)
        else:
            self.failed.emit(f"Cannot answer the drawing: {type(answer).__name__}: {answer}")

    def _ended_badly(self, error: BaseException) -> None:
        self._ended((self._generation, error))
