"""The layer all labels share (rule ``strokes``: its stroke detectors) as a live grid of heatmaps.

While a run's first stage learns the layer, the grid follows the worker's published copies
(:attr:`~hebbviz.gui.worker.TrainingWorker.shared`); in slow motion and single steps it frames
the unit that won the input just learned and shows that input beside the grid. Otherwise it
shows the model's layer, read under the model lock. A passive view: it never holds the lock for
longer than a copy.
"""

from __future__ import annotations

import threading

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGraphicsRectItem, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from hebbviz.gui import style
from hebbviz.gui.heatmap import GAP, Heatmap, tile_mosaic, tiles_per_line
from hebbviz.gui.weight_view import FRAME_MS
from hebbviz.gui.worker import SharedProgress, TrainingWorker
from hebbviz.training import SharedLayer

PATCH_WIDTH = 200
"""Pixels wide of the input shown beside the grid."""


class DetectorView(QWidget):
    """The shared layer's units as tiles (the "Detectors" tab).

    Call :meth:`set_source` when the model changes (None: a model without a shared layer),
    :meth:`set_feed` while a worker trains it; a timer redraws only when something changed and
    the view is shown.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model: SharedLayer | None = None
        self.lock: threading.Lock | None = None
        self.feed: TrainingWorker | None = None
        self.shown: SharedProgress | None = None
        """What the grid shows now (the worker's newest copy, or one read from the model)."""
        self.redraws = 0
        self._dirty = False
        self._per_line = 1
        self._tile = (1, 1)
        self._relayout = True

        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.progress = QLabel(" ")
        self.grid = Heatmap(self._describe)
        self.grid.plot.hideAxis("left")
        self.winner_box = QGraphicsRectItem()
        self.winner_box.setPen(pg.mkPen(style.ACCENT, width=3, cosmetic=True))
        self.winner_box.setZValue(10)
        self.winner_box.hide()
        self.grid.plot.addItem(self.winner_box)
        self.patch = Heatmap(lambda r, c, v: f"input pixel ({r}, {c}): {v:.3g}")
        self.patch.plot.hideAxis("left")
        self.patch_text = QLabel()
        self.patch_text.setWordWrap(True)
        side = QWidget()
        side.setMaximumWidth(PATCH_WIDTH)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.patch_text)
        side_layout.addWidget(self.patch, 1)
        side_layout.addStretch(1)
        body = QHBoxLayout()
        body.addWidget(self.grid, 1)
        body.addWidget(side)
        layout = QVBoxLayout(self)
        layout.addWidget(self.caption)
        layout.addWidget(self.progress)
        layout.addLayout(body, 1)
        self._show_patch(None)

        self.timer = pg.QtCore.QTimer(self)
        self.timer.setInterval(FRAME_MS)
        self.timer.timeout.connect(self._on_frame)
        self.timer.start()

    def set_source(self, model: SharedLayer | None, lock: threading.Lock) -> None:
        """Show ``model``'s shared layer (None: nothing to show); reads go through ``lock``."""
        self.model, self.lock = model, lock
        self.caption.setText(model.shared_caption if model is not None else "")
        self.shown = None
        self.grid.clear()
        self._show_patch(None)
        self.progress.setText(" ")
        self.mark_dirty()

    def set_feed(self, worker: TrainingWorker | None) -> None:
        """Take the layer's images from ``worker`` while it trains; None: read the model."""
        self.feed = worker

    def mark_dirty(self) -> None:
        """The layer may have changed (other than through the feed): redraw at the next frame."""
        self._dirty = True

    def redraw(self) -> None:
        """Show the newest state: the feed's, when it has a new one, else the model's."""
        self._dirty = False
        fed = self.feed.shared if self.feed is not None else None
        if fed is not None:
            state = fed
            if fed.seen >= fed.total:
                text = f"Learned from {fed.total:,} inputs; now the label networks learn."
            else:
                text = f"Learning: {fed.seen:,} of {fed.total:,} inputs."
            self.progress.setText(text)
        elif self.model is not None:
            with self.lock:
                images = self.model.shared_images()
                learned = self.model.shared_learned
            state = SharedProgress(images, 0, 0)
            self.progress.setText("" if learned else "Not learned yet: random noise.")
        else:
            return
        self._show(state)
        self.redraws += 1

    def _show(self, state: SharedProgress) -> None:
        images = state.images
        n, h, w = images.shape
        if self._relayout or self.shown is None or self.shown.images.shape != images.shape:
            self._relayout = False
            size = self.grid.graphics.size()
            self._per_line = tiles_per_line(n, 1, size.width() / max(size.height(), 1))
            self._tile = (h, w)
        self.shown = state
        self.grid.set_image(tile_mosaic(images, self._per_line))
        if state.winner is None:
            self.winner_box.hide()
        else:
            row, column = divmod(state.winner, self._per_line)
            self.winner_box.setRect(
                column * (w + GAP) - 0.3, row * (h + GAP) - 0.3, w + 0.6, h + 0.6
            )
            self.winner_box.show()
        if state.patch is not None:
            self._show_patch(state)

    def _show_patch(self, state: SharedProgress | None) -> None:
        if state is None or state.patch is None:
            self.patch_text.setText(
                "In slow motion (speed 10/s or less) or with Step, the input just learned "
                "appears here and the unit that won it is framed."
            )
            self.patch.clear()
            self.patch.hide()
            return
        self.patch_text.setText(
            f"Input just learned; unit {state.winner} (framed) won it and moved towards it."
        )
        self.patch.set_image(np.asarray(state.patch, dtype=np.float64))
        self.patch.show()

    def _describe(self, row: int, column: int, value: float) -> str:
        h, w = self._tile
        line, y = divmod(row, h + GAP)
        tile_column, x = divmod(column, w + GAP)
        if y >= h or x >= w:
            return " "
        return f"unit {line * self._per_line + tile_column}, pixel ({y}, {x}): {value:+.3g}"

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._relayout = True  # lay the tiles out again for the new shape
        self.mark_dirty()

    def _on_frame(self) -> None:
        fed = self.feed is not None and self.feed.shared is not None
        fresh = fed and self.feed.shared is not self.shown
        if (self._dirty or fresh) and self.isVisible():
            self.redraw()
