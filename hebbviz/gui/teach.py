"""Teach mode: draw a digit, press its key (0-9) or button, and that label's network learns it.

One Hebbian step (``model.learn(framed, label)``) of the taught label's network only, under the
model lock; the bars update at once so the effect is visible, and the drawing is added to the
own-drawings store (:class:`~hebbviz.data.drawings.DrawingStore`, which never loses earlier ones).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QCheckBox, QGridLayout, QLabel, QPushButton, QWidget

from hebbviz.data.drawings import DrawingStore
from hebbviz.errors import HebbvizError


class TeachBox(QWidget):
    """Buttons 0-9 (and keys 0-9 while teach mode is on) that teach the drawing to a label.

    Parameters
    ----------
    window : MainWindow
        Gives ``canvas``, ``model``, ``model_lock``, ``refresh_answer`` and ``classes``.
    store : DrawingStore
        Where taught drawings go (the training panel's own-drawings store).

    Signals
    -------
    taught(int)
        A label's network learned from the drawing.
    """

    taught = Signal(int)

    def __init__(self, window: Any, store: DrawingStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.main_window = window
        self.store = store
        self.enabled_box = QCheckBox("Teach mode (keys 0-9)")
        self.enabled_box.setToolTip(
            "While on, keys 0-9 (or the buttons) teach the drawing: one Hebbian step of that "
            "label's network from it; the drawing is also saved to your own-drawings data set"
        )
        self.enabled_box.toggled.connect(self._on_toggled)
        self.result = QLabel("Draw a digit, then press its key or button.")
        self.result.setWordWrap(True)
        self.buttons: list[QPushButton] = []
        self.actions: list[QAction] = []
        grid = QGridLayout(self)
        grid.addWidget(self.enabled_box, 0, 0, 1, 5)
        for label in range(10):
            button = QPushButton(str(label))
            button.setMinimumWidth(32)  # ten digits fit a narrow dock
            button.setToolTip(f"Teach the drawing as a {label}")
            button.clicked.connect(lambda _=False, n=label: self.teach(n))
            grid.addWidget(button, 1 + label // 5, label % 5)
            self.buttons.append(button)
            action = QAction(f"Teach {label}", window)
            action.setShortcut(QKeySequence(str(label)))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(lambda _=False, n=label: self.teach(n))
            window.addAction(action)
            self.actions.append(action)
        grid.addWidget(self.result, 3, 0, 1, 5)
        self._on_toggled(False)

    def _on_toggled(self, on: bool) -> None:
        for widget in (*self.buttons, *self.actions):
            widget.setEnabled(on)

    def teach(self, label: int) -> bool:
        """One Hebbian step of ``label``'s network from the framed drawing; returns whether it
        learned (a blank canvas, or a label the model does not have, teaches nothing)."""
        window = self.main_window
        image = window.canvas.framed_image()
        if image is None:
            self.result.setText("Draw a digit first.")
            return False
        model = window.model
        if not 0 <= label < model.n_labels:
            self.result.setText(f"This model has no label {label}.")
            return False
        with window.model_lock:
            before = float(model.label_norms(image[None])[0, label])
            model.learn(image, label)
            after = float(model.label_norms(image[None])[0, label])
            diverged = bool(model.diverged[label])
        window.refresh_answer()
        name = window.classes()[label]
        try:
            count = self.store.append(np.asarray(image, dtype=np.uint8), label)
            saved = f"saved as own drawing #{count}"
        except (HebbvizError, OSError) as error:
            saved = f"not saved: {error}"
        warning = " It diverged: its answers now count as wrong." if diverged else ""
        self.result.setText(
            f"Taught a {name}: network {name}'s norm for this drawing {before:.3g} → {after:.3g}"
            f" ({saved}).{warning}"
        )
        self.taught.emit(label)
        return True
