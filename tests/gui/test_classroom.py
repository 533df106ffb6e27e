"""The classroom view (F11): huge winner and bar labels, the dock reduced to its controls,
nothing clipped; leaving it restores the layout exactly."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QWidget

from hebbviz.gui.widgets import FittedButton, FittedLabel

SIZES = [QSize(1366, 768), QSize(1920, 1080)]


def settle(seconds: float = 0.5) -> None:
    """Let the window's layouts settle (a scroll bar appearing lays its area out again)."""
    import time

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.processEvents()


def layout_of(window: QWidget) -> dict[QWidget, tuple]:
    """Every visible widget's place and size, and every label's font."""
    return {
        widget: (widget.geometry().getRect(), widget.font().toString())
        for widget in window.findChildren(QWidget)
        if widget.isVisible()
    }


def clipped(window: QWidget) -> list[str]:
    """Visible widgets narrower or lower than they need (their text cut) or than their minimum."""
    problems = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisible():
            continue
        need = widget.minimumSizeHint() if isinstance(widget, QPushButton | FittedLabel) else None
        if need is not None and widget.width() < need.width():
            problems.append(f"{type(widget).__name__} {widget.text()!r} {widget.width()}")
        if widget.width() < widget.minimumWidth() or widget.height() < widget.minimumHeight():
            problems.append(f"{type(widget).__name__} below its minimum")
    return problems


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s.width()}x{s.height()}")
def test_classroom_view_is_large_unclipped_and_leaves_the_layout_exactly_as_it_was(
    window, size, known_digit
):
    window.resize_to(size)
    window.canvas.show_digit(known_digit)
    window.refresh_answer()
    settle()
    before = layout_of(window)
    picture = window.grab().toImage()
    usual_winner = QLabel.fontInfo(window.bars.winner).pixelSize()
    dock_width = window.dock.width()

    window.classroom.set_active(True, height=size.height())
    window.showNormal()  # offscreen, "full screen" is the platform's small screen: use size
    window.resize(size)
    settle()
    window.grab()  # painted, as a class sees it
    assert window.width() <= size.width(), "wider than the screen"
    assert clipped(window) == []
    panel = window.training_panel
    assert not panel.settings_scroll.isVisible() and not panel.extras.isVisible()
    assert panel.start_button.isVisible() and panel.speed.isVisible()
    assert not window.statusBar().isVisible() and not window.menuBar().isVisible()
    winner = window.bars.winner.fontInfo().pixelSize()
    assert winner >= 3 * usual_winner and winner >= size.height() // 8
    labels = window.bars.plot.getAxis("bottom").style["tickFont"]
    assert labels.pixelSize() >= size.height() // 25
    for button in (panel.start_button, panel.pause_button):
        assert isinstance(button, FittedButton)
        assert button.width() >= button.fontMetrics().horizontalAdvance(button.text())

    window.classroom.set_active(False)
    settle()
    assert window.size() == size and window.dock.width() == dock_width
    after = layout_of(window)
    changed = [type(w).__name__ for w in before if after.get(w) != before[w]]
    assert changed == []
    assert window.grab().toImage() == picture  # to the pixel


@pytest.fixture
def known_digit(mnist_dir):
    from hebbviz.data.sources import open_folder

    return open_folder(mnist_dir).val.images[0]
