"""The window fits a small laptop screen and shares out its space sensibly."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication, QDockWidget, QWidget

from hebbviz.gui.canvas import MINIMUM_SIDE

LAPTOP = QSize(1366 - 16, 768 - 40 - 48)
"""What a 1366x768 screen leaves a window inside its frame, below a task bar and a title bar."""


def squeezed(window: QWidget) -> list[str]:
    """Visible widgets smaller than their own minimum size (so clipped or overlapping)."""
    return [
        f"{type(w).__name__} {w.width()}x{w.height()} < {w.minimumWidth()}x{w.minimumHeight()}"
        for w in window.findChildren(QWidget)
        if w.isVisible() and (w.width() < w.minimumWidth() or w.height() < w.minimumHeight())
    ]


def test_the_window_fits_a_1366x768_screen_with_every_tab(window):
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        QApplication.processEvents()
        least = window.minimumSizeHint().expandedTo(window.minimumSize())
        assert least.width() <= LAPTOP.width(), window.tabs.tabText(index)
        assert least.height() <= LAPTOP.height(), window.tabs.tabText(index)


def test_at_laptop_size_nothing_is_squeezed_and_the_canvas_stays_square(window):
    window.resize_to(LAPTOP)
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        QApplication.processEvents()
        assert window.size() == LAPTOP
        assert squeezed(window) == [], window.tabs.tabText(index)
    canvas = window.canvas
    assert canvas.heightForWidth(canvas.width()) == canvas.width()
    assert min(canvas.width(), canvas.height()) >= MINIMUM_SIDE


def test_the_window_can_shrink_to_its_minimum_and_grow_to_full_hd(window):
    least = window.minimumSizeHint().expandedTo(window.minimumSize())
    for size in (least, QSize(1920, 1040)):
        window.resize_to(size)
        QApplication.processEvents()
        assert window.size() == size
        assert squeezed(window) == []
    dock = window.findChild(QDockWidget)
    assert dock.width() >= dock.minimumSizeHint().width()
    assert window.canvas.width() > 400  # at full HD the canvas, not the dock, gets the room
