"""The answer: one bar per label (the length of its network's answer), the winner named in large
type."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QToolTip, QVBoxLayout, QWidget

from hebbviz.gui import style
from hebbviz.models.base import winning_labels

BAR_WIDTH = 0.72

VALUE_ROOM_PX = 22
"""Pixels kept free above the tallest bar for its value."""

RANGE_SLACK = 1.5
"""The value axis keeps its range while the room it needs stays within this factor of it (the
answers change at every stroke and every piece learned; the axis need not)."""

VALUE_TEXT = QColor("#2b2f36")

CLOSE_CALL = 0.003
"""When the longest answer is less than this fraction longer than the next one, no winner is
named ("3 or 5?"): on the validation split, the shipped models read such close calls right 14-75%
of the time (strokes: 18 digits in 1,000, 33% right; oja: 8 in 1,000, 75% right), against 97%
and 96% overall."""

WINNER_TIP = (
    "The label whose network gives the longest answer to the 28x28 image wins.\n"
    "No label is named when the networks are untrained (their answers are noise), or when the\n"
    f"longest answer is less than {100 * CLOSE_CALL:.1f}% longer than the next (a close call:\n"
    "the two leaders are named with a question mark)."
)


def significant_digits(a: float, b: float, least: int = 3, most: int = 8) -> int:
    """The fewest significant digits (at least ``least``) that tell ``a`` and ``b`` apart;
    ``least`` when they are equal."""
    if a == b:
        return least
    for digits in range(least, most):
        if f"{a:.{digits}g}" != f"{b:.{digits}g}":
            return digits
    return most


def widest_text(font: QFont, texts: list[str]) -> int:
    """The width (pixels) of the widest of ``texts`` in ``font``."""
    metrics = QFontMetrics(font)
    return max((metrics.horizontalAdvance(text) for text in texts), default=0)


def pixel_font(pixels: int, bold: bool = False) -> QFont:
    """The application's font, ``pixels`` high."""
    font = QFont()
    font.setPixelSize(max(1, pixels))
    font.setBold(bold)
    return font


class BarValues(pg.GraphicsObject):
    """Every bar's value written above it, painted in one pass (ten text items would each lay
    their text out again at every update: most of the chart's cost while drawing)."""

    def __init__(self) -> None:
        super().__init__()
        self._labels: list[tuple[float, float, str, QColor]] = []
        self.font = QFont()

    def set_labels(self, labels: list[tuple[float, float, str, QColor]]) -> None:
        """Write ``text`` centred above the point ``(x, y)`` of the view in ``colour``, for
        each ``(x, y, text, colour)``."""
        self._labels = labels
        self.update()

    def set_font(self, font: QFont) -> None:
        self.font = font
        self.update()

    def texts(self) -> list[str]:
        """What is written, bar by bar."""
        return [text for _, _, text, _ in self._labels]

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt override)
        """The whole view: the texts stand above the points, a few pixels outside them."""
        return self.viewRect() or QRectF()

    def paint(self, painter: QPainter, *_: object) -> None:
        to_device = painter.worldTransform()
        painter.resetTransform()  # text in the widget's pixels, however the view is scaled
        painter.setFont(self.font)
        metrics = painter.fontMetrics()
        for x, y, text, colour in self._labels:
            point = to_device.map(QPointF(x, y))
            painter.setPen(colour)
            painter.drawText(
                QPointF(point.x() - metrics.horizontalAdvance(text) / 2, point.y() - 3), text
            )


class NormBars(QWidget):
    """A bar chart of every label's answer norm, with the winner highlighted and named."""

    def __init__(self, classes: tuple[str, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._classes: tuple[str, ...] = ()
        self._norms: np.ndarray | None = None
        self._trained = True
        self._type_px: int | None = None  # the classroom view's type size
        self._value_room = VALUE_ROOM_PX
        self._usual: tuple = ()  # the axes' room before the classroom view
        self._usual_label: dict[str, str] = {}
        self._value_px: int | None = None  # the values' type size in the classroom view
        self._y_top = 1.0
        self._winner_colour = ""

        self.winner = QLabel()
        self.winner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = self.winner.font()
        font.setPointSizeF(font.pointSizeF() * 3.2)
        font.setBold(True)
        self.winner.setFont(font)
        self.winner.setObjectName("winner")
        self.winner.setToolTip(WINNER_TIP)
        self.detail = QLabel()
        self.detail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail.setWordWrap(True)
        self.detail.setStyleSheet(f"color: {style.MUTED_TEXT};")

        self.plot = pg.PlotWidget()
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.setMinimumHeight(140)
        self.plot.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.plot.showGrid(y=True, alpha=0.25)
        self.plot.setLabel("left", "answer length")
        self.plot.getAxis("left").enableAutoSIPrefix(False)  # ticks in the units of the values
        self.plot.getAxis("bottom").setStyle(tickLength=0)
        self.plot.setToolTip(
            "One bar per label: the length (L2 norm) of that label's network's answer.\n"
            "Every network answers every image; the longest answer (orange) wins.\n"
            "Hover over a bar for its exact value."
        )
        self.bars = pg.BarGraphItem(x=[], height=[], width=BAR_WIDTH)
        self._coloured_for: tuple[int, int | None] | None = None
        """The number of bars and the winner the bars' colours are for."""
        self.plot.addItem(self.bars)
        self.values = BarValues()
        self.plot.addItem(self.values, ignoreBounds=True)
        self.plot.scene().sigMouseMoved.connect(self._hover)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.winner)
        layout.addWidget(self.detail)
        layout.addWidget(self.plot, 1)
        self.set_classes(classes)

    @property
    def classes(self) -> tuple[str, ...]:
        return self._classes

    def set_classes(self, classes: tuple[str, ...]) -> None:
        """One bar per class name; clears the values."""
        self._classes = tuple(classes)
        self._value_px = None  # new values: their size is fitted again in large type
        ticks = [list(enumerate(self._classes))]
        self.plot.getAxis("bottom").setTicks(ticks)
        self.plot.setXRange(-0.6, len(self._classes) - 0.4, padding=0)
        self.set_norms(None)

    def set_trained(self, trained: bool) -> None:
        """Whether the networks have learned anything: untrained ones name no winner."""
        if trained != self._trained:
            self._trained = trained
            self.set_norms(self._norms)

    def winner_index(self) -> int | None:
        """The label whose answer is longest (named, or the first of a close call), or None
        (blank canvas, untrained networks, or a network diverged)."""
        if self._norms is None or not self._trained:
            return None
        winner = int(winning_labels(self._norms[None])[0])
        return None if winner < 0 else winner

    def set_norms(self, norms: np.ndarray | None) -> None:
        """Show every label's answer norm (shape (n_labels,)); None empties the chart."""
        n = len(self._classes)
        self._norms = None if norms is None else np.asarray(norms, dtype=np.float64)
        if self._norms is None:
            self.bars.setOpts(x=np.arange(n), height=np.zeros(n), brushes=[style.BAR] * n)
            self._coloured_for = None
            self.values.set_labels([])
            self._y_top = 1.0
            self.plot.setYRange(0, 1, padding=0)
            self._show_winner("?", style.MUTED_TEXT)
            self.detail.setText("Draw a digit: every label's network will answer it.")
            return
        finite = np.isfinite(self._norms)
        heights = np.where(finite, self._norms, 0.0)
        winner = self.winner_index()
        if (n, winner) == self._coloured_for:  # (new brushes: ~0.4 ms of pyqtgraph's)
            self.bars.setOpts(x=np.arange(n), height=heights)
        else:
            brushes = [style.ACCENT if i == winner else style.BAR for i in range(n)]
            self.bars.setOpts(x=np.arange(n), height=heights, brushes=brushes)
            self._coloured_for = n, winner
        self._fit_range(max(float(heights.max()), 1e-12))
        order = np.argsort(-heights, kind="stable")
        runner_up = int(order[1]) if n > 1 else int(order[0])
        digits = significant_digits(heights[order[0]], heights[runner_up])
        self.values.set_labels(
            [
                (
                    i,
                    heights[i],
                    f"{value:.{digits}g}" if np.isfinite(value) else "diverged",
                    style.ACCENT if i == winner else VALUE_TEXT,
                )
                for i, value in enumerate(self._norms)
            ]
        )
        if self._type_px is not None:
            self._fit_values()
        if not self._trained:
            self._show_winner("untrained", style.MUTED_TEXT)
            self.detail.setText(
                "These networks have learned nothing yet: their answers are noise, so no label "
                "is named. Train them (Start) or open a trained model (Ctrl+O)."
            )
            return
        if winner is None:
            broken = ", ".join(self._classes[i] for i in np.flatnonzero(~finite))
            self._show_winner("no answer", style.MUTED_TEXT)
            self.detail.setText(f"The network of {broken} diverged: its answer is not a number.")
            return
        name, value = self._classes[winner], f"{heights[winner]:.{digits}g}"
        second, next_value = self._classes[runner_up], f"{heights[runner_up]:.{digits}g}"
        if heights[winner] == heights[runner_up]:
            lead = 0.0
        else:
            lead = heights[winner] / heights[runner_up] - 1 if heights[runner_up] > 0 else np.inf
        if n > 1 and lead < CLOSE_CALL:
            tied = int(np.count_nonzero(heights == heights[winner]))
            self._show_winner("tie" if tied > 1 else f"{name} or {second}?", style.MUTED_TEXT)
            self.detail.setText(
                f"A tie: {tied} answers are equally long ({value}); no label is named."
                if tied > 1
                else f"No clear answer: {name}'s is only {100 * lead:.2g}% longer than "
                f"{second}'s ({value} against {next_value})."
            )
            return
        self._show_winner(name, style.ACCENT.name())
        self.detail.setText(
            f"{name}'s network answers longest: {value} (next: {second}, {next_value})"
        )

    def set_type_size(self, pixels: int | None) -> None:
        """Name the bars in ``pixels``-high type, their values and the axis in half that (the
        classroom view); None: the usual type, exactly as before."""
        if pixels == self._type_px:
            return
        bottom, left = self.plot.getAxis("bottom"), self.plot.getAxis("left")
        if self._type_px is None:  # how the axes are now, to go back to
            # the bottom axis's height, the left one's width, and their text room
            self._usual = (bottom.textHeight, bottom.fixedHeight, left.textWidth, left.fixedWidth)
            self._usual_label = dict(left.labelStyle)
        self._type_px = pixels
        if pixels is None:
            text_height, height, text_width, width = self._usual
            bottom.setTickFont(None)
            bottom.textHeight = text_height
            bottom.setHeight(height)
            left.setTickFont(None)
            left.textWidth = text_width
            left.setWidth(width)
            left.labelStyle = self._usual_label
            left.setLabel("answer length")
            self.values.set_font(QFont())
            self._value_room = VALUE_ROOM_PX
            self._value_px = None
        else:
            half = pixels // 2
            bottom.setTickFont(pixel_font(pixels, bold=True))
            bottom.setHeight(int(pixels * 1.6))
            left.setTickFont(pixel_font(half))
            left.setLabel("answer length", **{"font-size": f"{half}px"})
            digits = QFontMetrics(pixel_font(half)).horizontalAdvance("0.0000")
            left.setWidth(digits + int(half * 1.8))  # the values and the axis title beside them
            self._value_px = None  # fitted by set_norms
            self._value_room = int(half * 1.6)
        self._y_top = 0.0  # the room for the values changed
        self.set_norms(self._norms)

    def _fit_range(self, top: float) -> None:
        """Keep room above the tallest bar (``top``) for its value, however short the plot; the
        range changes only when the bars outgrow it or shrink far below it (each change redraws
        the axis)."""
        room = self._value_room / max(self.plot.getViewBox().height(), self._value_room * 4)
        needed = top / (1 - room)
        if not needed <= self._y_top <= needed * RANGE_SLACK:
            self._y_top = needed * (1 + RANGE_SLACK) / 2
            self.plot.setYRange(0, self._y_top, padding=0)

    def _show_winner(self, text: str, colour: str) -> None:
        if text != self.winner.text():
            self.winner.setText(text)
        if colour != self._winner_colour:  # a style sheet is costly to apply: only on change
            self._winner_colour = colour
            self.winner.setStyleSheet(f"color: {colour};")

    def _fit_values(self) -> None:
        """In large type, the values as large as fits over their bars without overlapping."""
        largest = self._type_px // 2
        texts = self.values.texts()
        wide = widest_text(pixel_font(largest), texts)
        room = 0.92 * self.plot.getViewBox().width() / max(len(texts), 1)
        pixels = largest if wide <= room else max(8, int(largest * room / wide))
        if pixels != self._value_px:
            self._value_px = pixels
            self.values.set_font(pixel_font(pixels))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        if self._norms is not None:
            self._y_top = 0.0  # the room above the bars depends on the height
            self.set_norms(self._norms)

    def _hover(self, position: QPointF) -> None:
        """A tooltip with the exact value of the bar under the mouse."""
        if self._norms is None or not self.plot.sceneBoundingRect().contains(position):
            return
        x = self.plot.getViewBox().mapSceneToView(position).x()
        index = int(round(x))
        if not (0 <= index < len(self._classes)) or abs(x - index) > BAR_WIDTH / 2:
            QToolTip.hideText()
            return
        QToolTip.showText(
            self.plot.mapToGlobal(self.plot.mapFromScene(position)),
            f"{self._classes[index]}: its network's answer has norm {self._norms[index]:.4g}",
            self.plot,
        )
