"""Teach mode: draw a digit, press its key (0-9) or button, and that label's network learns it.

A passive view: the buttons emit ``teachRequested(label)``; the step itself is
:meth:`hebbviz.gui.session.Session.teach` (one Hebbian step of that label's network under the
model lock, the drawing kept in the own-drawings store), and its outcome comes back through
:meth:`TeachBox.show_result`. The keys 0-9 are window actions, enabled with teach mode.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QGridLayout, QLabel, QPushButton, QWidget


class TeachBox(QWidget):
    """Buttons 0-9 that teach the drawing to a label, while teach mode is on.

    Signals
    -------
    teachRequested(int)
    enabledChanged(bool)
        Teach mode switched on or off (the window enables its keys 0-9 with it).
    """

    teachRequested = Signal(int)
    enabledChanged = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.enabled_box = QCheckBox("Teach mode (keys 0-9)")
        self.enabled_box.setToolTip(
            "While on, keys 0-9 (or the buttons) teach the drawing: one Hebbian step of that "
            "label's network from it; the drawing is also saved to your own-drawings data set"
        )
        self.enabled_box.toggled.connect(self._on_toggled)
        self.result = QLabel("Draw a digit, then press its key or button.")
        self.result.setWordWrap(True)
        self.buttons: list[QPushButton] = []
        grid = QGridLayout(self)
        grid.addWidget(self.enabled_box, 0, 0, 1, 5)
        for label in range(10):
            button = QPushButton(str(label))
            button.setMinimumWidth(32)  # ten digits fit a narrow dock
            button.setToolTip(f"Teach the drawing as a {label}")
            button.clicked.connect(lambda _=False, n=label: self.teachRequested.emit(n))
            grid.addWidget(button, 1 + label // 5, label % 5)
            self.buttons.append(button)
        grid.addWidget(self.result, 3, 0, 1, 5)
        self._on_toggled(False)

    def show_result(self, text: str) -> None:
        self.result.setText(text)

    def _on_toggled(self, on: bool) -> None:
        for button in self.buttons:
            button.setEnabled(on)
        self.enabledChanged.emit(on)
