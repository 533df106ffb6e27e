"""Answers to the drawing: one job running and the newest request waiting, which the answer
thread serves as soon as the running job ends (without waiting for the GUI thread)."""

from __future__ import annotations

import time

from doubles import MovingCentroids
from PySide6.QtCore import QPointF

from hebbviz.gui.answers import ANSWER_S, Answers
from hebbviz.gui.canvas import DrawingCanvas
from hebbviz.gui.preferences import Preferences
from hebbviz.gui.session import Session


class SlowCentroids(MovingCentroids):
    """Takes ``seconds`` to answer, and notes when each answer started."""

    def __init__(self, seconds: float = 0.1) -> None:
        super().__init__()
        self.seconds = seconds
        self.started: list[float] = []

    def label_norms(self, images):  # noqa: ANN001, ANN201
        self.started.append(time.perf_counter())
        time.sleep(self.seconds)
        return super().label_norms(images)


class NoRun:
    """A training controller without a run: no copy of the model to answer with."""

    def readable_model(self) -> None:
        return None


def answering(qtbot, model: SlowCentroids) -> tuple[Answers, DrawingCanvas]:
    """Answers to a canvas with a stroke on it, from ``model``, without a run."""
    session = Session(Preferences(remember=False))
    session.model = model
    canvas = DrawingCanvas()
    qtbot.addWidget(canvas)
    canvas.drawing.begin(QPointF(0.3, 0.3))
    canvas.drawing.extend(QPointF(0.5, 0.6))
    return Answers(session, NoRun(), canvas, lambda: False), canvas


def test_the_newest_request_is_answered_as_soon_as_the_running_answer_ends(qtbot):
    model = SlowCentroids()
    answers, canvas = answering(qtbot, model)
    drawing = canvas.drawing
    answered = []
    answers.answered.connect(answered.append)

    answers.request()
    time.sleep(0.03)  # the first answer runs
    for x in (0.6, 0.7, 0.8):  # the pen moves on: three requests while it runs
        drawing.extend(QPointF(x, 0.4))
        answers.request()
    newest = canvas.version
    time.sleep(0.35)  # the GUI thread is busy: it takes no answer meanwhile
    assert len(model.started) == 2, "the next answer waited for the GUI thread"
    assert model.started[1] - model.started[0] < 0.15  # at once after the first
    qtbot.waitUntil(lambda: len(answered) == 2, timeout=5000)
    assert answered[1].version == newest  # the requests in between: answered by the newest
    assert not answers.pending()
    assert answers.finish(1.0)


def test_answers_start_at_most_once_a_screen_frame(qtbot):
    model = SlowCentroids(seconds=0.001)
    answers, canvas = answering(qtbot, model)
    began = time.perf_counter()
    while time.perf_counter() - began < 0.3:  # a pen reporting a position every 2 ms
        canvas.drawing.extend(QPointF(0.3 + time.perf_counter() - began, 0.5))
        answers.request()
        time.sleep(0.002)
    assert 5 <= len(model.started) <= 0.3 / ANSWER_S + 1  # a 60 Hz screen's pace
    qtbot.waitUntil(lambda: not answers.pending(), timeout=5000)
