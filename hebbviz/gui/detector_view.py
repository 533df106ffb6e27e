"""The layer all labels share (rule ``strokes``: its stroke detectors) as a live grid of heatmaps.

While a run's first stage learns the layer, the grid follows the worker's published copies
(:attr:`~hebbviz.gui.worker.TrainingWorker.shared`); in slow motion and single steps it frames
the unit that won the input just learned and shows that input beside the grid. Otherwise it
shows the model's layer as its reader reads it (a copy, under the model lock). A passive view:
it holds neither the model nor its lock.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QGraphicsRectItem, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from hebbviz.gui import style
from hebbviz.gui.heatmap import GAP, Heatmap, tile_mosaic, tiles_per_line
from hebbviz.gui.live_view import LiveView
from hebbviz.training_run import SharedProgress

PATCH_WIDTH = 200
"""Pixels wide of the input shown beside the grid."""

LayerReader = Callable[[], tuple[np.ndarray, bool] | None]
"""A copy of a shared layer's images (``shared_images``), and whether it has learned; None when
the model cannot be read now (it is learning)."""


class DetectorView(LiveView[SharedProgress]):
    """The shared layer's units as tiles (the "Detectors" tab).

    Call :meth:`show_layer` when the model changes, :meth:`set_feed` while a run trains it (a
    function returning the run's newest :class:`~hebbviz.training_run.SharedProgress`); a timer
    redraws only when something changed and the view is shown.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.read: LayerReader | None = None
        self.shown: SharedProgress | None = None
        """What the grid shows now (the run's newest copy, or one read from the model)."""
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

    def show_layer(self, read: LayerReader | None, caption: str = "") -> None:
        """Show the shared layer ``read`` reads, under ``caption`` (None: a model without one,
        nothing to show)."""
        self.read = read
        self.caption.setText(caption)
        self.shown = None
        self.grid.clear()
        self._show_patch(None)
        self.progress.setText(" ")
        self.mark_dirty()

    def _draw_fed(self, fed: SharedProgress) -> None:
        if fed.seen >= fed.total:
            text = f"Learned from {fed.total:,} inputs; now the label networks learn."
        else:
            text = f"Learning: {fed.seen:,} of {fed.total:,} inputs."
        self.progress.setText(text)
        self._show(fed)

    def _draw_read(self) -> bool:
        if self.read is None:
            return False
        read = self.read()
        if read is None:  # the model is busy learning: the next frame tries again
            self.mark_dirty()
            return False
        images, learned = read
        self.progress.setText("" if learned else "Not learned yet: random noise.")
        self._show(SharedProgress(images, 0, 0))
        return True

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

    def _lay_out_again(self) -> None:
        self._relayout = True
