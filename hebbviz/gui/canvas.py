"""The drawing canvas and the 28x28 view of what the networks actually see.

Strokes are kept as point lists in unit coordinates (the canvas square is 1 x 1), so the same
smooth path is painted on screen at any window size and rendered offscreen for classification.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QImage,
    QMouseEvent,
    QPainter,
    QPainterPath,
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
from hebbviz.preprocess import BOX, SIDE, frame_drawing

PEN_WIDTHS = {"thin": 0.045, "medium": 0.07, "thick": 0.1}
"""The pen's diameters, as fractions of the canvas side. Medium is about MNIST's stroke width for
a digit drawn across most of the canvas."""

DEFAULT_PEN = "medium"

FULL_SIZE = 0.72
"""The size (fraction of the canvas side) of a digit drawn across most of the canvas: about the
share of MNIST's 28x28 grid its 20x20 box takes. Strokes are classified as if drawn this size
(see :meth:`DrawingCanvas.ink_at_full_size`)."""

LEAST_SIZE = 0.01
"""A drawing smaller than this (a dot) is enlarged as if it were this size."""

MINIMUM_SIDE = 240
"""The canvas is never smaller than this (pixels), so the window fits a laptop screen."""

RENDER_SIDE = 280
"""Side in pixels of the offscreen image the drawing is framed from."""


def gray_image(pixels: np.ndarray) -> QImage:
    """A QImage (8-bit grayscale, its own copy of the data) of a 2-D uint8 array."""
    pixels = np.ascontiguousarray(pixels, dtype=np.uint8)
    height, width = pixels.shape
    return QImage(pixels.data, width, height, width, QImage.Format.Format_Grayscale8).copy()


def image_pixels(image: QImage) -> np.ndarray:
    """The pixels of an 8-bit grayscale QImage as a (height, width) uint8 array (a copy)."""
    rows = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(
        image.height(), image.bytesPerLine()
    )
    return rows[:, : image.width()].copy()


def smooth_path(points: list[QPointF]) -> QPainterPath:
    """A smooth path through a stroke's points (two or more): quadratic curves between the
    midpoints of consecutive samples, each using the sample between them as control point."""
    path = QPainterPath(points[0])
    for point, following in zip(points[1:-1], points[2:], strict=True):
        path.quadTo(point, (point + following) / 2)
    path.lineTo(points[-1])
    return path


class DrawingCanvas(QWidget):
    """A square blackboard to draw a digit on with mouse, pen or finger.

    Signals
    -------
    drawingChanged()
        Emitted on every change (each stroke sample, clear, undo, a digit shown). Receivers that
        do heavy work should throttle.
    """

    drawingChanged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._strokes: list[list[QPointF]] = []
        self._drawing = False  # a stroke is in progress
        self._digit: QImage | None = None  # a digit put on the canvas by show_digit
        self._cache: QPixmap | None = None  # finished strokes, painted at the current size
        self._framed: np.ndarray | None = None  # framed_image, until the drawing changes
        self.version = 0
        """Counts the drawing's changes (to tell whether a framing is still of the drawing)."""
        self.pen_width = PEN_WIDTHS[DEFAULT_PEN]
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

    # ------------------------------------------------------------------ public API

    def is_blank(self) -> bool:
        """True when nothing is drawn or shown."""
        return not self._strokes and self._digit is None

    def clear(self) -> None:
        """Remove every stroke and any digit shown."""
        if self.is_blank():
            return
        self._strokes.clear()
        self._drawing = False
        self._digit = None
        self._changed(repaint_all=True)

    def undo(self) -> None:
        """Remove the last stroke (or, when no stroke is left, the digit shown)."""
        if self._strokes:
            self._strokes.pop()
            self._drawing = False
        elif self._digit is not None:
            self._digit = None
        else:
            return
        self._changed(repaint_all=True)

    def show_digit(self, image28: np.ndarray) -> None:
        """Put a 28x28 digit (uint8, ink high) on the canvas in place of the drawing."""
        image28 = np.asarray(image28)
        if image28.shape != (SIDE, SIDE):
            raise ValueError(f"expected a {SIDE}x{SIDE} digit, got shape {image28.shape}")
        self._strokes.clear()
        self._drawing = False
        self._digit = gray_image(image28)
        self._changed(repaint_all=True)

    def set_pen_width(self, width: float) -> None:
        """The pen's diameter (a fraction of the canvas side) for the strokes, old and new."""
        self.pen_width = width
        self._changed(repaint_all=True)

    def render_ink(self, side: int = RENDER_SIDE) -> np.ndarray:
        """The drawing as seen on the canvas: a (side, side) uint8 image, ink high,
        anti-aliased."""
        return self._render(side, self._strokes)

    def ink_at_full_size(self, side: int = RENDER_SIDE) -> np.ndarray:
        """The drawing as the networks get it before framing: its strokes redrawn, with the same
        pen, as if the digit had been drawn :data:`FULL_SIZE` across the canvas (see
        :meth:`_at_full_size`)."""
        return self._render(side, self._at_full_size(self._strokes))

    def _at_full_size(self, strokes: list[list[QPointF]]) -> list[list[QPointF]]:
        """``strokes`` scaled to :data:`FULL_SIZE` across the canvas.

        Framing scales a digit to a fixed size; scaling the strokes first keeps the pen's width
        in proportion, so a digit drawn small in a corner is framed with the same stroke width
        as the same digit drawn large (not as a fat blob). A digit put on the canvas by
        :meth:`show_digit` is kept as it is, with any strokes on it.
        """
        if self._digit is not None or not strokes:
            return strokes
        points = np.array([(p.x(), p.y()) for stroke in strokes for p in stroke])
        low, high = points.min(axis=0), points.max(axis=0)
        scale = FULL_SIZE / max(float((high - low).max()), LEAST_SIZE)
        centre = QPointF(*((low + high) / 2))
        middle = QPointF(0.5, 0.5)
        return [[middle + (p - centre) * scale for p in stroke] for stroke in strokes]

    def _render(self, side: int, strokes: list[list[QPointF]]) -> np.ndarray:
        image = QImage(side, side, QImage.Format.Format_Grayscale8)
        image.fill(0)
        painter = QPainter(image)
        square = QRectF(0, 0, side, side)
        self._paint_content(painter, square, QColor(255, 255, 255), strokes, digit=True)
        painter.end()
        return image_pixels(image)

    def framed_image(self) -> np.ndarray | None:
        """The drawing framed as MNIST digits were (uint8, (28, 28), read-only); None when blank.

        Kept until the drawing changes: the answer is refreshed while training with the same
        drawing, and teach mode reads it too."""
        if self.is_blank():
            return None
        if self._framed is None:  # (still None when the ink is too faint to frame)
            self.keep_framing(self.version, self.framer()())
        return self._framed

    def framer(self) -> Callable[[], np.ndarray | None]:
        """A function that frames the drawing as it is now, as :meth:`framed_image` does, and
        may be called in another thread (it renders a copy of the strokes); give its result to
        :meth:`keep_framing` with this :attr:`version`."""
        framed = self._framed
        if framed is not None or self.is_blank():
            return lambda: framed
        strokes = [list(stroke) for stroke in self._strokes]

        def frame() -> np.ndarray | None:
            image = frame_drawing(self._render(RENDER_SIDE, self._at_full_size(strokes)))
            if image is not None:
                image.flags.writeable = False
            return image

        return frame

    def keep_framing(self, version: int, framed: np.ndarray | None) -> None:
        """Keep a :meth:`framer`'s result as :meth:`framed_image` if the drawing is still as it
        was at ``version``."""
        if version == self.version and framed is not None:
            self._framed = framed

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
        self._strokes.append([self._to_unit(position)])
        self._drawing = True
        self._changed()

    def _extend(self, position: QPointF) -> None:
        if not self._drawing:
            return
        point = self._to_unit(position)
        stroke = self._strokes[-1]
        delta = point - stroke[-1]
        if delta.x() ** 2 + delta.y() ** 2 < 1e-6:  # under a thousandth of the side: skip
            return
        stroke.append(point)
        self._changed(tail=stroke[-3:])

    def _end(self, position: QPointF) -> None:
        if not self._drawing:
            return
        self._extend(position)
        self._drawing = False
        self._changed(repaint_all=True)

    def _changed(self, repaint_all: bool = False, tail: list[QPointF] | None = None) -> None:
        """The drawing changed: forget its framing and repaint (when only the ``tail`` of the
        stroke in progress moved, the part of the canvas around it: a whole repaint each mouse
        move costs about ten times as much)."""
        self._framed = None
        self.version += 1
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
        if kind == QEvent.Type.TouchCancel and self._drawing:  # keep what was drawn so far
            self._drawing = False
            self._changed(repaint_all=True)
            return True
        return super().event(event)

    # ------------------------------------------------------------------ painting

    def _paint_content(
        self,
        painter: QPainter,
        square: QRectF,
        ink: QColor,
        strokes: list[list[QPointF]],
        digit: bool,
    ) -> None:
        """Paint ``strokes`` (and, if ``digit``, the digit shown under them) into ``square``."""
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        if digit and self._digit is not None:
            painter.drawImage(square, self._digit)
        painter.save()
        painter.setTransform(
            QTransform.fromTranslate(square.x(), square.y()).scale(square.width(), square.height()),
            combine=True,
        )
        width = self.pen_width
        pen = QPen(ink, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for stroke in strokes:
            if len(stroke) == 1:  # a tap: a dot of the brush's width, as a pen leaves
                dot = QPainterPath()
                dot.addEllipse(stroke[0], width / 2, width / 2)
                painter.fillPath(dot, ink)
            else:
                painter.drawPath(smooth_path(stroke))
        painter.restore()

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
            finished = len(self._strokes) - 1 if self._drawing else len(self._strokes)
            self._paint_content(painter, square, style.INK, self._strokes[:finished], digit=True)
            painter.end()
        return self._cache

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.drawPixmap(0, 0, self._finished_strokes())
        if self._drawing:
            self._paint_content(painter, self._square(), style.INK, self._strokes[-1:], digit=False)
        if self.is_blank():
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
