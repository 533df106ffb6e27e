"""Answers to the drawing: one job at a time; requests made while it runs are served together,
by one answer to the drawing as it is when it ends, which starts before the answer that ended is
shown."""

from __future__ import annotations

import time

from doubles import MovingCentroids
from PySide6.QtCore import QPointF

from hebbviz.gui.answers import Answers
from hebbviz.gui.canvas import DrawingCanvas
from hebbviz.gui.preferences import Preferences
from hebbviz.gui.session import Session


class SlowCentroids(MovingCentroids):
    """Takes 0.1 s to answer, and counts its answers."""

    def __init__(self) -> None:
        super().__init__()
        self.answers = 0

    def label_norms(self, images):  # noqa: ANN001, ANN201
        self.answers += 1
        time.sleep(0.1)
        return super().label_norms(images)


class NoRun:
    """A training controller without a run: no copy of the model to answer with."""

    def readable_model(self) -> None:
        return None


def test_requests_while_an_answer_runs_are_served_by_one_answer_to_the_newest_drawing(qtbot):
    session = Session(Preferences(remember=False))
    session.model = model = SlowCentroids()
    canvas = DrawingCanvas()
    qtbot.addWidget(canvas)
    drawing = canvas.drawing
    drawing.begin(QPointF(0.3, 0.3))
    drawing.extend(QPointF(0.5, 0.6))
    answers = Answers(session, NoRun(), canvas, lambda: False)
    answered, started_while_shown = [], []
    answers.answered.connect(answered.append)

    def next_started(_: object) -> None:  # does the next answer start before this slot ends?
        deadline = time.monotonic() + 1.0
        while model.answers < 1 + len(answered) and time.monotonic() < deadline:
            time.sleep(0.01)
        started_while_shown.append(model.answers)

    answers.answered.connect(next_started)

    answers.request()
    for x in (0.6, 0.7, 0.8):  # the pen moves on: three requests while it runs
        drawing.extend(QPointF(x, 0.4))
        answers.request()
    qtbot.waitUntil(lambda: not answers.pending(), timeout=5000)
    assert model.answers == 2 and len(answered) == 2
    assert answered[1].version == canvas.version  # the newest drawing, not each one between
    assert started_while_shown == [2, 2]  # the second started while the first was shown
    assert answers.finish(1.0)
