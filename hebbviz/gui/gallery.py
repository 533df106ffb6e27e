"""A gallery of digits as buttons, in as many columns as fit (the Metrics tab's misclassified
validation digits; a click puts one on the canvas)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QPixmap, QResizeEvent, QShowEvent
from PySide6.QtWidgets import QSizePolicy, QToolButton, QWidget

from hebbviz.gui.drawing import gray_image

CELL = QSize(66, 84)
"""Every button's size: a 48-pixel digit and a line of text under it (pixels)."""


def digit_icon(image: np.ndarray, size: int = 56) -> QIcon:
    """A 28x28 uint8 digit (ink high) as a white-on-black icon."""
    return QIcon(QPixmap.fromImage(gray_image(image)).scaled(size, size))


class Gallery(QWidget):
    """Digit buttons in rows, as tall as they need for the width they get: no scroll area of
    its own (the page around it scrolls), nothing cut off.

    Signals
    -------
    chosen(int)
        A digit's button was clicked: its index in the digits last given.
    """

    chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.buttons: list[QToolButton] = []
        self._waiting: list[tuple[np.ndarray, str, str]] | None = None
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def clear(self) -> None:
        self._waiting = None
        for button in self.buttons:
            button.deleteLater()
        self.buttons = []
        self.updateGeometry()

    def show_digits(self, digits: list[tuple[np.ndarray, str, str]]) -> None:
        """Buttons for ``digits`` (a 28x28 uint8 image, ink high; a text under it; a tooltip)
        instead of those shown, made when the gallery is next in sight (48 buttons take about
        40 ms of the GUI thread: not while training behind another tab)."""
        self.clear()
        self._waiting = digits
        if self.isVisible():
            self._make_buttons()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        if self._waiting is not None:
            self._make_buttons()

    def _make_buttons(self) -> None:
        digits, self._waiting = self._waiting or [], None
        for index, (image, text, tip) in enumerate(digits):
            button = QToolButton(self)
            button.setIcon(digit_icon(image))
            button.setIconSize(QSize(48, 48))
            button.setText(text)
            button.setToolTip(tip)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
            button.setFixedSize(CELL)
            button.clicked.connect(lambda _=False, i=index: self.chosen.emit(i))
            button.show()
            self.buttons.append(button)
        self._place()
        self.updateGeometry()

    def _columns(self, width: int) -> int:
        return max(1, width // CELL.width())

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt override)
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        rows = -(-len(self.buttons) // self._columns(width))
        return rows * CELL.height()

    def sizeHint(self) -> QSize:  # noqa: N802
        width = 8 * CELL.width()
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(CELL.width(), 0)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._place()

    def _place(self) -> None:
        columns = self._columns(self.width())
        for i, button in enumerate(self.buttons):
            row, column = divmod(i, columns)
            button.move(column * CELL.width(), row * CELL.height())
