"""Live weight heatmaps: every label's weight rows as tiles, or one chosen label's matrix, as the
model's rule declares (``weight_layout``; ``itoh`` shows the learned change of a label's
hidden->hidden matrix).

The pyqtgraph items are created once and updated in place with fixed symmetric levels that only
step (1, 2, 5 x 10^n) when the data outgrows them or shrinks far below, so the picture does not
flicker. The arrays come from ``model.weight_images_later(labels)`` (copied under the model
lock, pictured outside it): copies the training worker never writes.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from hebbviz.gui.style import diverging_colormap
from hebbviz.gui.worker import TrainingWorker, WeightImages
from hebbviz.models.base import NormClassifier

FRAME_MS = 25  # at most 40 redraws per second (at least 30 while the GUI thread has time)
SIDE = 28
GAP = 1

Describe = Callable[[int, int, float], str]


def nice_level(current: float, data: np.ndarray) -> float:
    """A symmetric colour limit for ``data`` that changes rarely.

    The data's "peak" is the 99.5th percentile of its finite magnitudes (a few extreme pixels
    would otherwise wash out the rest). Keeps ``current`` while the peak stays within
    ``(current / 5, current]``; otherwise steps to the next value of 1, 2 or 5 x 10^n at or
    above it.
    """
    sample = data.ravel()[:: max(1, data.size // 20_000)]
    finite = np.abs(sample[np.isfinite(sample)])
    peak = float(np.percentile(finite, 99.5)) if finite.size else 0.0
    if peak == 0.0:
        return current if current > 0 else 1.0
    if current > 0 and current / 5 < peak <= current:
        return current
    exponent = math.floor(math.log10(peak))
    for step in (1, 2, 5, 10):
        level = step * 10.0**exponent
        if level >= peak:
            return level
    return 10.0 ** (exponent + 1)


def tiles_per_line(k: int, blocks: int, aspect: float) -> int:
    """How many of a block's ``k`` tiles to put in a line so that ``blocks`` blocks stacked
    vertically show the tiles largest in a view of width/height ``aspect``."""

    def tile_size(per_line: int) -> float:
        lines = -(-k // per_line)
        return min(aspect / per_line, 1 / (blocks * lines))

    return max(range(1, k + 1), key=tile_size)


def tile_mosaic(tiles: np.ndarray, per_line: int, out: np.ndarray | None = None) -> np.ndarray:
    """Lay out ``tiles`` (n, h, w) in lines of ``per_line`` with one-pixel NaN gaps."""
    n, h, w = tiles.shape
    lines = -(-n // per_line)
    if out is None:
        out = np.full((lines * (h + GAP) - GAP, per_line * (w + GAP) - GAP), np.nan)
    for i, tile in enumerate(tiles):
        r, c = divmod(i, per_line)
        out[r * (h + GAP) : r * (h + GAP) + h, c * (w + GAP) : c * (w + GAP) + w] = tile
    return out


class Heatmap(QWidget):
    """One image with a colour bar and a hover read-out, for arrays that change in place.

    Parameters
    ----------
    describe : callable (row, column, value) -> str
        What the hover line says about a pixel; row and column index the shown array.
    colormap : pyqtgraph.ColorMap, optional
        Diverging (zero is white) by default.
    symmetric : bool
        Levels ``(-L, L)`` chosen by :func:`nice_level`; otherwise pass ``levels`` to
        :meth:`set_image`.
    """

    def __init__(
        self,
        describe: Describe,
        colormap: pg.ColorMap | None = None,
        symmetric: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._describe = describe
        self._symmetric = symmetric
        self._level = 0.0
        self._array: np.ndarray | None = None
        self.graphics = pg.GraphicsLayoutWidget()
        self.plot = self.graphics.addPlot()
        self.plot.setAspectLocked(True)
        self.plot.invertY(True)
        self.plot.hideButtons()
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(False, False)
        self.plot.hideAxis("bottom")
        self.image = pg.ImageItem(axisOrder="row-major")
        self.plot.addItem(self.image)
        self.colorbar = pg.ColorBarItem(
            values=(-1, 1),
            colorMap=colormap or diverging_colormap(),
            interactive=False,
            width=14,
        )
        self.colorbar.setImageItem(self.image, insert_in=self.plot)
        self.hover = QLabel(" ")
        self.hover.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.graphics, 1)
        layout.addWidget(self.hover)
        self.graphics.scene().sigMouseMoved.connect(self._on_mouse_moved)

    def set_image(self, array: np.ndarray, levels: tuple[float, float] | None = None) -> None:
        """Show ``array`` (2-D) with fixed levels; the view range follows only a shape change."""
        reshaped = self._array is None or self._array.shape != array.shape
        self._array = array
        if levels is None:
            self._level = nice_level(self._level, array) if self._symmetric else 1.0
            levels = (-self._level, self._level) if self._symmetric else (0.0, self._level)
        self.image.setImage(array, autoLevels=False, levels=levels)
        if tuple(self.colorbar.levels()) != tuple(levels):
            self.colorbar.setLevels(levels)
        if reshaped:
            self.plot.autoRange(padding=0.01)

    def clear(self) -> None:
        """Show nothing (until the next :meth:`set_image`)."""
        self._array = None
        self.image.clear()
        self.hover.setText(" ")

    def set_ticks(
        self,
        rows: Sequence[tuple[float, str]],
        columns: Sequence[tuple[float, str]] | None = None,
    ) -> None:
        """Name rows (left axis) and, optionally, columns (bottom axis) of the image."""
        self.plot.getAxis("left").setTicks([list(rows), []])
        if columns is not None:
            self.plot.showAxis("bottom")
            self.plot.getAxis("bottom").setTicks([list(columns), []])

    def _on_mouse_moved(self, position: QPointF) -> None:
        if self._array is None or not self.plot.sceneBoundingRect().contains(position):
            return
        point = self.image.mapFromScene(position)
        row, column = int(math.floor(point.y())), int(math.floor(point.x()))
        rows, columns = self._array.shape
        if 0 <= row < rows and 0 <= column < columns:
            value = float(self._array[row, column])
            if not math.isnan(value):
                self.hover.setText(self._describe(row, column, value))
                return
        self.hover.setText(" ")


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
        for i, tiles in enumerate(rows):
            block = self._mosaic[i * self._block_rows : i * self._block_rows + lines * (SIDE + GAP)]
            tile_mosaic(tiles, self._per_line, out=block)
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
