"""Live weight heatmaps: every label's weight rows as tiles, or one chosen label's matrix, as the
model's rule declares (``weight_layout``; ``itoh`` shows the learned change of a label's
hidden->hidden matrix).

The pyqtgraph items are created once and updated in place with fixed symmetric levels that only
step (1, 2, 5 x 10^n) when the data outgrows them or shrinks far below, so the picture does not
flicker. The arrays come from ``model.weight_images_later(labels)`` (copied under the model
lock, pictured outside it): copies the training worker never writes.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from hebbviz.gui.heatmap import GAP, Heatmap, tile_mosaic, tiles_per_line
from hebbviz.gui.worker import TrainingWorker, WeightImages
from hebbviz.models.base import NormClassifier

FRAME_MS = 25  # at most 40 redraws per second (at least 30 while the GUI thread has time)
SIDE = 28


class WeightView(QWidget):
    """The live heatmaps of a model's weights (the "Weights" tab).

    Call :meth:`set_source` when the model changes, :meth:`set_feed` while a worker trains it and
    :meth:`mark_dirty` when it learned otherwise (teach mode); a timer redraws at most 40 times a
    second, only when something changed and the view is shown.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model: NormClassifier | None = None
        self.lock: threading.Lock | None = None
        self.classes: tuple[str, ...] = ()
        self.redraws = 0  # heatmap redraws so far (``hebbviz bench --gui`` counts them)
        self._dirty = False
        self.feed: TrainingWorker | None = None
        self._fed: WeightImages | None = None
        self._mosaic: np.ndarray | None = None
        self._per_line = 1
        self._block_rows = 0

        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.label_choice = QComboBox()
        self.label_choice.setToolTip("Which label's network to show")
        self.label_choice.currentIndexChanged.connect(self._on_label_chosen)
        self.heatmap = Heatmap(self._describe)
        top = QHBoxLayout()
        top.addWidget(self.caption, 1)
        top.addWidget(self.label_choice)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.heatmap, 1)

        self.timer = QTimer(self)
        self.timer.setInterval(FRAME_MS)
        self.timer.timeout.connect(self._on_frame)
        self.timer.start()

    def set_source(
        self, model: NormClassifier | None, lock: threading.Lock, classes: Sequence[str]
    ) -> None:
        """Show ``model``'s weights; every read goes through ``lock``."""
        self.model, self.lock, self.classes = model, lock, tuple(classes)
        self._mosaic = None
        self.set_feed(self.feed)
        matrix = self._one_label()
        self.label_choice.blockSignals(True)
        self.label_choice.clear()
        self.label_choice.addItems([f"label {name}" for name in self.classes])
        self.label_choice.blockSignals(False)
        self.label_choice.setVisible(matrix)
        if model is None:
            self.caption.setText("No model.")
        else:
            self.caption.setText(type(model).weight_caption.format(rule=model.rule))
        self.mark_dirty()

    def _one_label(self) -> bool:
        """Whether the model's rule shows one chosen label's matrix (else every label's rows)."""
        return self.model is not None and type(self.model).weight_layout == "matrix"

    def _on_label_chosen(self) -> None:
        if self.feed is not None:
            self.feed.weight_labels = self.wanted_labels()
        self.mark_dirty()

    def mark_dirty(self) -> None:
        """The model has changed (other than by the feeding worker): redraw at the next frame."""
        self._dirty = True

    def wanted_labels(self) -> tuple[int, ...]:
        """Whose weight images the view shows."""
        if self.model is None:
            return ()
        if self._one_label():
            return (max(self.label_choice.currentIndex(), 0),)
        return tuple(range(self.model.n_labels))

    def set_feed(self, worker: TrainingWorker | None) -> None:
        """Take the weight images from ``worker`` while it trains (it copies them under the lock
        after its pieces), so redrawing never waits for the lock; None: read them here."""
        self.feed = worker
        self._fed = None
        if worker is not None:
            worker.weight_labels = self.wanted_labels()

    def redraw(self) -> None:
        """Update the heatmap in place from the newest copies of the weights: the worker's, when
        it has them, else copies made here under the lock."""
        self._dirty = False
        wanted = self.wanted_labels()
        if not wanted:
            return
        fed = self.feed.weights if self.feed is not None else None
        if fed is not None and fed.labels == wanted and fed is not self._fed:
            self._fed, images = fed, fed.images
        else:
            with self.lock:
                make = self.model.weight_images_later(wanted)
            images = make()
        if self._one_label():
            self.heatmap.set_image(images[0])
        else:
            self._show_rows(list(images))
        self.redraws += 1

    def _show_rows(self, rows: list[np.ndarray]) -> None:
        k = rows[0].shape[0]
        if self._mosaic is None:
            size = self.heatmap.graphics.size()
            self._per_line = tiles_per_line(k, len(rows), size.width() / max(size.height(), 1))
        lines = -(-k // self._per_line)
        self._block_rows = lines * (SIDE + GAP) + 2 * GAP
        if self._mosaic is None:
            height = len(rows) * self._block_rows - 2 * GAP - GAP
            width = self._per_line * (SIDE + GAP) - GAP
            self._mosaic = np.full((height, width), np.nan)
            self.heatmap.set_ticks(
                [
                    (i * self._block_rows + (lines * (SIDE + GAP)) / 2, name)
                    for i, name in enumerate(self.classes)
                ]
            )
        height = lines * (SIDE + GAP) - GAP
        for i, tiles in enumerate(rows):
            top = i * self._block_rows
            tile_mosaic(tiles, self._per_line, out=self._mosaic[top : top + height])
        self.heatmap.set_image(self._mosaic)

    def _describe(self, row: int, column: int, value: float) -> str:
        if self.model is None:
            return " "
        if self._one_label():
            name = self.classes[max(self.label_choice.currentIndex(), 0)]
            return f"label {name}: unit {row} <- unit {column}: change {value:+.3g}"
        label, within = divmod(row, self._block_rows)
        line, y = divmod(within, SIDE + GAP)
        unit_column, x = divmod(column, SIDE + GAP)
        if label >= len(self.classes) or y >= SIDE or x >= SIDE:
            return " "
        unit = line * self._per_line + unit_column
        return f"label {self.classes[label]}, unit {unit}, pixel ({y}, {x}): {value:+.3g}"

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._mosaic = None  # lay the tiles out again for the new shape
        self.mark_dirty()

    def _on_frame(self) -> None:
        fed = self.feed is not None and self.feed.weights is not self._fed
        if (self._dirty or fed) and self.isVisible():
            self.redraw()
