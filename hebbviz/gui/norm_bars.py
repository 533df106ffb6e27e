"""The answer: one bar per label (the length of its network's answer), the winner named in large
type."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QFont, QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QToolTip, QVBoxLayout, QWidget

from hebbviz.gui import style
from hebbviz.models.base import winning_labels

BAR_WIDTH = 0.72

VALUE_ROOM_PX = 22
"""Pixels kept free above the tallest bar for its value."""

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
        self.plot.getAxis("bottom").setStyle(tickLength=0)
        self.plot.setToolTip(
            "One bar per label: the length (L2 norm) of that label's network's answer.\n"
            "Every network answers every image; the longest answer (orange) wins.\n"
            "Hover over a bar for its exact value."
        )
        self.bars = pg.BarGraphItem(x=[], height=[], width=BAR_WIDTH)
        self.plot.addItem(self.bars)
        self.values: list[pg.TextItem] = []
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
        for item in self.values:
            self.plot.removeItem(item)
        self.values = []
        self._value_px = None  # new values: their size is fitted again in large type
        for _ in self._classes:
            text = pg.TextItem(anchor=(0.5, 1.0), color="#2b2f36")
            self.plot.addItem(text)
            self.values.append(text)
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
            for text in self.values:
                text.setText("")
            self.plot.setYRange(0, 1, padding=0)
            self.winner.setText("?")
            self.winner.setStyleSheet(f"color: {style.MUTED_TEXT};")
            self.detail.setText("Draw a digit: every label's network will answer it.")
            return
        finite = np.isfinite(self._norms)
        heights = np.where(finite, self._norms, 0.0)
        winner = self.winner_index()
        brushes = [style.ACCENT if i == winner else style.BAR for i in range(n)]
        self.bars.setOpts(x=np.arange(n), height=heights, brushes=brushes)
        top = max(float(heights.max()), 1e-12)
        # room above the tallest bar for its value, however short the plot
        room = self._value_room / max(self.plot.getViewBox().height(), self._value_room * 4)
        self.plot.setYRange(0, top / (1 - room), padding=0)
        order = np.argsort(-heights, kind="stable")
        runner_up = int(order[1]) if n > 1 else int(order[0])
        digits = significant_digits(heights[order[0]], heights[runner_up])
        for i, (text, value) in enumerate(zip(self.values, self._norms, strict=True)):
            text.setText(f"{value:.{digits}g}" if np.isfinite(value) else "diverged")
            text.setColor(style.ACCENT if i == winner else "#2b2f36")
            text.setPos(i, heights[i] + top * 0.01)
        if self._type_px is not None:
            self._fit_values()
        if not self._trained:
            self.winner.setText("untrained")
            self.winner.setStyleSheet(f"color: {style.MUTED_TEXT};")
            self.detail.setText(
                "These networks have learned nothing yet: their answers are noise, so no label "
                "is named. Train them (Start) or open a trained model (Ctrl+O)."
            )
            return
        if winner is None:
            broken = ", ".join(self._classes[i] for i in np.flatnonzero(~finite))
            self.winner.setText("no answer")
            self.winner.setStyleSheet(f"color: {style.MUTED_TEXT};")
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
            self.winner.setText("tie" if tied > 1 else f"{name} or {second}?")
            self.winner.setStyleSheet(f"color: {style.MUTED_TEXT};")
            self.detail.setText(
                f"A tie: {tied} answers are equally long ({value}); no label is named."
                if tied > 1
                else f"No clear answer: {name}'s is only {100 * lead:.2g}% longer than "
                f"{second}'s ({value} against {next_value})."
            )
            return
        self.winner.setText(name)
        self.winner.setStyleSheet(f"color: {style.ACCENT.name()};")
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
            for text in self.values:
                text.setFont(QFont())
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
        self.set_norms(self._norms)

    def _fit_values(self) -> None:
        """In large type, the values as large as fits over their bars without overlapping."""
        largest = self._type_px // 2
        texts = [text.toPlainText() for text in self.values]
        wide = widest_text(pixel_font(largest), texts)
        room = 0.92 * self.plot.getViewBox().width() / max(len(texts), 1)
        pixels = largest if wide <= room else max(8, int(largest * room / wide))
        if pixels != self._value_px:
            self._value_px = pixels
            for text in self.values:
                text.setFont(pixel_font(pixels))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        if self._norms is not None:
            self.set_norms(self._norms)  # the room above the bars depends on the height

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
