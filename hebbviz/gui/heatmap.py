"""Heatmaps for arrays that change many times a second: tiles laid out in a mosaic, coloured
here through a lookup table into a picture Qt draws as it is, and shown by one graphics item
updated in place.

Laying out and colouring here, in one compiled pass each, rather than handing pyqtgraph float
data keeps a redraw of the weights' mosaic under a millisecond of the GUI thread: pyqtgraph would
rescale the floats, look the colours up and mask the NaN gaps in separate NumPy passes (about
5 ms for oja's 320 tiles, most of a frame's budget while the GUI shares the CPU with training).
The picture's pixels are 32-bit words in Qt's premultiplied ARGB format, the one its painter
draws without converting: itoh's 784 x 784 picture scaled into its view takes about 0.3 ms
instead of 1.2 ms as pyqtgraph's RGBA image.

These kernels keep the GIL while they run, unlike the training kernels: they are short and run on
the GUI thread, and one that let the GIL go had to wait to get it back from the training thread,
about 1 ms per call instead of 0.02 ms (measured with a busy Python thread beside it).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import pyqtgraph as pg
from numba import njit
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from hebbviz.gui.style import diverging_colormap

GAP = 1
"""Pixels (NaN: shown transparent) between two tiles of a mosaic."""

COLOURS = 255
"""Entries of a colour table; one more index (255) is transparent: NaN."""

PEAK_SAMPLE = 4096
"""At most this many values estimate an array's peak magnitude (see :func:`nice_level`)."""

Describe = Callable[[int, int, float], str]


def nice_level(current: float, data: np.ndarray) -> float:
    """A symmetric colour limit for ``data`` that changes rarely.

    The data's "peak" is the 99.5th percentile of its finite magnitudes (nearest rank, of an
    even sample of at most ``PEAK_SAMPLE`` values: a few extreme pixels would otherwise wash out
    the rest). Keeps ``current`` while the peak stays within ``(current / 5, current]``;
    otherwise steps to the next value of 1, 2 or 5 x 10^n at or above it.
    """
    sample = data.ravel()[:: max(1, data.size // PEAK_SAMPLE)]
    finite = np.abs(sample[np.isfinite(sample)])
    rank = max(math.ceil(0.995 * finite.size) - 1, 0)  # nearest rank (np.percentile: ~1 ms)
    peak = float(np.partition(finite, rank)[rank]) if finite.size else 0.0
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
    """Lay out ``tiles`` (n, h, w) in lines of ``per_line`` with ``GAP``-pixel NaN gaps (into
    ``out`` when given: a float64 array of the mosaic's shape)."""
    n, h, w = tiles.shape
    lines = -(-n // per_line)
    if out is None:
        out = np.empty((lines * (h + GAP) - GAP, per_line * (w + GAP) - GAP))
    _place_tiles(tiles.astype(np.float64, copy=False), per_line, out)
    return out


@njit(cache=True)  # keeps the GIL (see the module's docstring)
def _place_tiles(tiles: np.ndarray, per_line: int, out: np.ndarray) -> None:
    n, h, w = tiles.shape
    out[:] = np.nan
    for i in range(n):
        top, left = (i // per_line) * (h + GAP), (i % per_line) * (w + GAP)
        out[top : top + h, left : left + w] = tiles[i]


def colour_table(colormap: pg.ColorMap) -> np.ndarray:
    """``colormap`` as ``COLOURS`` colours and a last, transparent one (for NaN), each a 32-bit
    word in Qt's premultiplied ARGB format (``0xAARRGGBB``, colour scaled by its opacity)."""
    rgba = np.zeros((COLOURS + 1, 4), np.uint32)
    rgba[:COLOURS] = colormap.getLookupTable(nPts=COLOURS, alpha=True)
    alpha = rgba[:, 3]
    red, green, blue = (rgba[:, i] * alpha // 255 for i in range(3))
    return alpha << 24 | red << 16 | green << 8 | blue


def coloured(array: np.ndarray, levels: tuple[float, float], table: np.ndarray) -> np.ndarray:
    """``array`` (2-D) as a picture of the same shape: values from ``levels[0]`` to
    ``levels[1]`` through ``table`` (see :func:`colour_table`), clipped beyond, NaN
    transparent."""
    low, high = levels
    out = np.empty(array.shape, np.uint32)
    if array.dtype != np.float32:
        array = array.astype(np.float64, copy=False)
    _colour(array, low, (COLOURS - 1) / ((high - low) or 1.0), table, out)
    return out


@njit(cache=True)  # keeps the GIL (see the module's docstring)
def _colour(
    array: np.ndarray, low: float, scale: float, table: np.ndarray, out: np.ndarray
) -> None:
    rows, columns = array.shape
    for r in range(rows):
        for c in range(columns):
            value = array[r, c]
            if np.isnan(value):
                out[r, c] = table[COLOURS]
            else:
                index = (value - low) * scale + 0.5
                out[r, c] = table[int(min(max(index, 0.0), COLOURS - 1))]


def warm_up() -> None:
    """Compile (or load from the cache) this module's kernels."""
    for dtype in (np.float64, np.float32):  # the training process's pictures are float32
        coloured(np.zeros((1, 1), dtype), (0.0, 1.0), np.zeros(COLOURS + 1, np.uint32))


class ValueImage(pg.GraphicsObject):
    """A picture (see :func:`coloured`), one pixel per unit of the view, and the ``values`` it
    shows, for a reader such as the CSV export."""

    def __init__(self) -> None:
        super().__init__()
        self.values: np.ndarray | None = None
        self._words: np.ndarray | None = None  # the picture's memory, which ``_image`` uses
        self._image: QImage | None = None

    def set_picture(self, words: np.ndarray, values: np.ndarray) -> None:
        """Show ``words`` (a picture of ``values``, same shape, C-contiguous)."""
        reshaped = self._words is None or self._words.shape != words.shape
        if reshaped:
            self.prepareGeometryChange()
        rows, columns = words.shape
        self._words, self.values = words, values
        self._image = QImage(
            words.data, columns, rows, 4 * columns, QImage.Format.Format_ARGB32_Premultiplied
        )
        if reshaped:
            self.informViewBoundsChanged()
        self.update()

    def clear(self) -> None:
        """Show nothing."""
        self.prepareGeometryChange()
        self._words = self._image = self.values = None
        self.informViewBoundsChanged()
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt's name)
        if self._words is None:
            return QRectF()
        rows, columns = self._words.shape
        return QRectF(0, 0, columns, rows)

    def paint(self, painter: QPainter, *args: object) -> None:
        if self._image is not None:
            painter.drawImage(self.boundingRect(), self._image)


class Heatmap(QWidget):
    """One image with a colour bar and a hover read-out, for arrays that change in place.

    Parameters
    ----------
    describe : callable (row, column, value) -> str
        What the hover line says about a pixel; row and column index the shown array.
    colormap : pyqtgraph.ColorMap, optional
        Diverging (zero in the middle) by default.
    symmetric : bool
        Levels ``(-L, L)`` chosen by :func:`nice_level`; otherwise pass ``levels`` to
        :meth:`set_image`.

    Attributes
    ----------
    array : ndarray or None
        The values shown (None: nothing).
    levels : tuple of float
        The values of the colour bar's ends.
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
        self.array: np.ndarray | None = None
        self.levels = (-1.0, 1.0)
        colormap = colormap or diverging_colormap()
        self._table = colour_table(colormap)
        self.graphics = pg.GraphicsLayoutWidget()
        self.plot = self.graphics.addPlot()
        self.plot.setAspectLocked(True)
        self.plot.invertY(True)
        self.plot.hideButtons()
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(False, False)
        self.plot.hideAxis("bottom")
        self.image = ValueImage()
        self.plot.addItem(self.image)
        self.colorbar = pg.ColorBarItem(
            values=self.levels, colorMap=colormap, interactive=False, width=14
        )
        self.graphics.addItem(self.colorbar)
        self.hover = QLabel(" ")
        self.hover.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.graphics, 1)
        layout.addWidget(self.hover)
        self.graphics.scene().sigMouseMoved.connect(self._on_mouse_moved)

    def set_image(self, array: np.ndarray, levels: tuple[float, float] | None = None) -> None:
        """Show ``array`` (2-D) with fixed levels; the view range follows only a shape change."""
        reshaped = self.array is None or self.array.shape != array.shape
        self.array = array
        if levels is None:
            self._level = nice_level(self._level, array) if self._symmetric else 1.0
            levels = (-self._level, self._level) if self._symmetric else (0.0, self._level)
        levels = (float(levels[0]), float(levels[1]))
        self.image.set_picture(coloured(array, levels, self._table), array)
        if levels != self.levels:
            self.levels = levels
            self.colorbar.setLevels(levels)
        if reshaped:
            self.plot.autoRange(padding=0.01)

    def clear(self) -> None:
        """Show nothing (until the next :meth:`set_image`)."""
        self.array = None
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
        if self.array is None or not self.plot.sceneBoundingRect().contains(position):
            return
        point = self.image.mapFromScene(position)
        row, column = int(math.floor(point.y())), int(math.floor(point.x()))
        rows, columns = self.array.shape
        if 0 <= row < rows and 0 <= column < columns:
            value = float(self.array[row, column])
            if not math.isnan(value):
                self.hover.setText(self._describe(row, column, value))
                return
        self.hover.setText(" ")
