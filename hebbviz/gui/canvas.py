"""The drawing canvas (the widget: input and painting; what is drawn is a
:class:`~hebbviz.gui.drawing.Drawing`) and the 28x28 view of what the networks actually see."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
    QPolygonF,
    QResizeEvent,
    QTabletEvent,
    QTouchEvent,
    QTransform,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from hebbviz.gui import style
from hebbviz.gui.drawing import RENDER_SIDE, Drawing, Stroke, gray_image
from hebbviz.preprocess import BOX, SIDE

MINIMUM_SIDE = 240
"""The canvas is never smaller than this (pixels), so the window fits a laptop screen."""


class DrawingCanvas(QWidget):
    """A square blackboard to draw a digit on with mouse, pen or finger.

    Attributes
    ----------
    drawing : Drawing
        What is drawn; change it through the canvas (which repaints and signals).

    Signals
    -------
    drawingChanged()
        Emitted on every change (each stroke sample, clear, undo, a digit shown). Receivers that
        do heavy work should throttle.
    """

    drawingChanged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.drawing = Drawing()
        self._cache: QPixmap | None = None  # finished strokes, painted at the current size
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setMinimumSize(MINIMUM_SIDE, MINIMUM_SIDE)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setToolTip(
            "Draw a digit here with the mouse, a pen or a finger.\n"
            "Esc or Delete clears, Ctrl+Z undoes the last stroke."
        )

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(480, 480)

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return width

    # ------------------------------------------------------------------ changes

    def clear(self) -> None:
        """Remove every stroke and any digit shown."""
        if self.drawing.clear():
            self._changed(repaint_all=True)

    def undo(self) -> None:
        """Remove the last stroke (or, when no stroke is left, the digit shown)."""
        if self.drawing.undo():
            self._changed(repaint_all=True)

    def show_digit(self, image28: np.ndarray) -> None:
        """Put a 28x28 digit (uint8, ink high) on the canvas in place of the drawing."""
        self.drawing.show_digit(image28)
        self._changed(repaint_all=True)

    def set_pen_width(self, width: float) -> None:
        """The pen's diameter (a fraction of the canvas side) for the strokes, old and new."""
        self.drawing.set_pen_width(width)
        self._changed(repaint_all=True)

    # ------------------------------------------------------------------ the drawing, read

    @property
    def version(self) -> int:
        """Counts the drawing's changes (see :attr:`Drawing.version`)."""
        return self.drawing.version

    @property
    def pen_width(self) -> float:
        return self.drawing.pen_width

    def is_blank(self) -> bool:
        """True when nothing is drawn or shown."""
        return self.drawing.is_blank()

    def render_ink(self, side: int = RENDER_SIDE) -> np.ndarray:
        """The drawing as seen on the canvas (see :meth:`Drawing.render_ink`)."""
        return self.drawing.render_ink(side)

    def framed_image(self) -> np.ndarray | None:
        """The drawing framed as MNIST digits were (see :meth:`Drawing.framed_image`)."""
        return self.drawing.framed_image()

    def framer(self) -> Callable[[], np.ndarray | None]:
        """A function that frames the drawing in another thread (see :meth:`Drawing.framer`)."""
        return self.drawing.framer()

    def keep_framing(self, version: int, framed: np.ndarray | None) -> None:
        """Keep a :meth:`framer`'s result (see :meth:`Drawing.keep_framing`)."""
        self.drawing.keep_framing(version, framed)

    # ------------------------------------------------------------------ strokes

    def _square(self) -> QRectF:
        """The drawing square: the largest centred square inside the widget."""
        side = min(self.width(), self.height())
        return QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)

    def _to_unit(self, position: QPointF) -> QPointF:
        square = self._square()
        return QPointF(
            (position.x() - square.x()) / square.width(),
            (position.y() - square.y()) / square.height(),
        )

    def _begin(self, position: QPointF) -> None:
        self.drawing.begin(self._to_unit(position))
        self._changed()

    def _extend(self, position: QPointF) -> None:
        tail = self.drawing.extend(self._to_unit(position))
        if tail is not None:
            self._changed(tail=tail)

    def _end(self, position: QPointF) -> None:
        if not self.drawing.in_progress:
            return
        self._extend(position)
        self.drawing.end()
        self._changed(repaint_all=True)

    def _changed(self, repaint_all: bool = False, tail: Stroke | None = None) -> None:
        """The drawing changed: repaint (when only the ``tail`` of the stroke in progress moved,
        the part of the canvas around it: a whole repaint each mouse move costs about ten times
        as much) and say so."""
        if repaint_all:
            self._cache = None
        if tail is None:
            self.update()
        else:
            square = self._square()
            to_widget = QTransform.fromTranslate(square.x(), square.y()).scale(
                square.width(), square.height()
            )
            moved = to_widget.map(QPolygonF(tail)).boundingRect()
            margin = self.pen_width * square.width() / 2 + 2  # the pen's radius, antialiasing
            self.update(moved.adjusted(-margin, -margin, margin, margin).toAlignedRect())
        self.drawingChanged.emit()

    # ------------------------------------------------------------------ input events

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        if event.button() == Qt.MouseButton.LeftButton:
            self._begin(event.position())
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._extend(event.position())
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self._end(event.position())
        event.accept()

    def tabletEvent(self, event: QTabletEvent) -> None:  # noqa: N802
        kind = event.type()
        if kind == QEvent.Type.TabletPress:
            self._begin(event.position())
        elif kind == QEvent.Type.TabletMove and event.pressure() > 0:
            self._extend(event.position())
        elif kind == QEvent.Type.TabletRelease:
            self._end(event.position())
        event.accept()  # no synthesised mouse events on top

    def event(self, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TouchEnd):
            assert isinstance(event, QTouchEvent)
            points = event.points()
            if points:  # one finger draws; the first touch point is that finger
                position = points[0].position()
                if kind == QEvent.Type.TouchBegin:
                    self._begin(position)
                elif kind == QEvent.Type.TouchUpdate:
                    self._extend(position)
                else:
                    self._end(position)
            event.accept()
            return True
        if kind == QEvent.Type.TouchCancel and self.drawing.end():  # keep what was drawn so far
            self._changed(repaint_all=True)
            return True
        return super().event(event)

    # ------------------------------------------------------------------ painting

    def _finished_strokes(self) -> QPixmap:
        """The paper with the digit and every finished stroke, cached until they change."""
        if self._cache is None or self._cache.size() != self.size() * self.devicePixelRatioF():
            ratio = self.devicePixelRatioF()
            self._cache = QPixmap(self.size() * ratio)
            self._cache.setDevicePixelRatio(ratio)
            self._cache.fill(self.palette().window().color())
            painter = QPainter(self._cache)
            square = self._square()
            painter.fillRect(square, style.PAPER)
            drawing = self.drawing
            drawing.paint(painter, square, style.INK, drawing.finished_strokes(), digit=True)
            painter.end()
        return self._cache

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.drawPixmap(0, 0, self._finished_strokes())
        drawing = self.drawing
        if drawing.in_progress:
            drawing.paint(painter, self._square(), style.INK, drawing.strokes[-1:], digit=False)
        if drawing.is_blank():
            painter.setPen(QColor(150, 156, 168))
            font = painter.font()
            font.setPointSizeF(font.pointSizeF() * 1.4)
            painter.setFont(font)
            painter.drawText(self._square(), Qt.AlignmentFlag.AlignCenter, "Draw a digit here")
        painter.end()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        self._cache = None
        super().resizeEvent(event)


class FramedView(QWidget):
    """The 28x28 image the networks see, drawn large with visible pixels.

    A dashed square marks the central 20x20 box that MNIST framing scales every digit into.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._image: QImage | None = None
        self._shown: np.ndarray | None = None
        self._grid_pixmap: QPixmap | None = None
        self.setMinimumSize(120, 120)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.setToolTip(
            "What the networks actually see: your drawing framed the way MNIST digits were.\n"
            "Cropped to the ink, scaled to fit the dashed 20x20 box keeping its shape, and\n"
            "shifted so its centre of mass sits in the middle of the 28x28 grid.\n"
            "Without framing, small or off-centre drawings are easily misread."
        )

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(224, 224)

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return width

    def set_image(self, image28: np.ndarray | None) -> None:
        """Show a framed 28x28 digit (uint8), or nothing (the same array again: nothing to do)."""
        if image28 is self._shown and image28 is not None:
            return
        self._shown = image28
        self._image = None if image28 is None else gray_image(image28)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        side = min(self.width(), self.height())
        square = QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)
        painter = QPainter(self)
        painter.fillRect(square, style.PAPER)
        if self._image is not None:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
            painter.drawImage(square, self._image)  # nearest neighbour: visible pixels
        painter.drawPixmap(square.topLeft(), self._grid(side))
        painter.end()

    def _grid(self, side: int) -> QPixmap:
        """The pixel grid and the dashed 20x20 box over a ``side``-pixel square, drawn once per
        size (54 lines at every repaint took most of its millisecond)."""
        if self._grid_pixmap is None or self._grid_pixmap.width() != side:
            self._grid_pixmap = QPixmap(side, side)
            self._grid_pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(self._grid_pixmap)
            painter.setPen(QPen(style.GRID, 0))
            cell = side / SIDE
            for i in range(1, SIDE):
                painter.drawLine(QPointF(i * cell, 0), QPointF(i * cell, side))
                painter.drawLine(QPointF(0, i * cell), QPointF(side, i * cell))
            margin = (SIDE - BOX) / 2 * cell
            painter.setPen(QPen(style.ACCENT, 1.5, Qt.PenStyle.DashLine))
            painter.drawRect(QRectF(margin, margin, side - 2 * margin, side - 2 * margin))
            painter.end()
        return self._grid_pixmap
