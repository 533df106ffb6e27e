"""The progress bar waits for the window's next frame to repaint (Qt's repaints at once)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QProgressBar
from pytestqt.qtbot import QtBot

from hebbviz.gui.widgets import ProgressBar


class PaintCounter(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.paints = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        self.paints += event.type() == QEvent.Type.Paint
        return False


@pytest.mark.parametrize(("kind", "at_once"), [(QProgressBar, 1), (ProgressBar, 0)])
def test_a_new_count_is_painted_with_the_next_frame(qtbot: QtBot, kind: type, at_once: int) -> None:
    bar = kind()
    qtbot.addWidget(bar)
    bar.setTextVisible(False)
    bar.setRange(0, 1000)
    bar.resize(300, 20)
    bar.show()
    qtbot.waitExposed(bar)
    qtbot.wait(20)
    counter = PaintCounter()
    bar.installEventFilter(counter)
    for call in (lambda: bar.setValue(500), bar.reset):
        counter.paints = 0
        call()
        assert counter.paints == at_once  # Qt's own bar: at once, inside the call
        qtbot.waitUntil(lambda: counter.paints >= 1)  # ours: with the next frame
    bar.setValue(700)
    assert bar.value() == 700
