"""What is drawn on the canvas, apart from the widget: the strokes, the digit shown under them and
the pen; rendered at any size and framed as MNIST digits were.

Strokes are kept as point lists in unit coordinates (the canvas square is 1 x 1), so the same
smooth path is painted on screen at any window size and rendered offscreen for classification.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen, QTransform

from hebbviz.preprocess import SIDE, frame_drawing

PEN_WIDTHS = {"thin": 0.045, "medium": 0.07, "thick": 0.1}
"""The pen's diameters, as fractions of the canvas side. Medium is about MNIST's stroke width for
a digit drawn across most of the canvas."""

DEFAULT_PEN = "medium"

FULL_SIZE = 0.72
"""The size (fraction of the canvas side) of a digit drawn across most of the canvas: about the
share of MNIST's 28x28 grid its 20x20 box takes. Strokes are classified as if drawn this size
(see :meth:`Drawing._at_full_size`)."""

LEAST_SIZE = 0.01
"""A drawing smaller than this (a dot) is enlarged as if it were this size."""

RENDER_SIDE = 140
"""Side in pixels of the offscreen image the drawing is framed from: a digit drawn across the
canvas is then about 100 pixels wide, five times the 20 pixels framing scales it to. The framed
digit is then what a 560-pixel rendering gives within about 1 gray level on average (at most
16-18 of 255, at the edges), and framing takes half as long as at 280 (a long stroke 1.5-2 ms
instead of 3-5, Python's GIL held while Qt paints): half of an oja answer's time."""

Stroke = list[QPointF]


def gray_image(pixels: np.ndarray) -> QImage:
    """A QImage (its own copy of the data) of a 2-D uint8 array of gray levels.

    In 32-bit RGB: Qt scales and paints that about ten times faster than 8-bit grayscale (a
    28x28 digit drawn 222 pixels wide: 0.1 ms instead of 1)."""
    pixels = np.ascontiguousarray(pixels, dtype=np.uint8)
    height, width = pixels.shape
    gray = QImage(pixels.data, width, height, width, QImage.Format.Format_Grayscale8)
    return gray.convertToFormat(QImage.Format.Format_RGB32)


def image_pixels(image: QImage) -> np.ndarray:
    """The pixels of an 8-bit grayscale QImage as a (height, width) uint8 array (a copy)."""
    rows = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(
        image.height(), image.bytesPerLine()
    )
    return rows[:, : image.width()].copy()


def smooth_path(points: Stroke) -> QPainterPath:
    """A smooth path through a stroke's points (two or more): quadratic curves between the
    midpoints of consecutive samples, each using the sample between them as control point."""
    path = QPainterPath(points[0])
    for point, following in zip(points[1:-1], points[2:], strict=True):
        path.quadTo(point, (point + following) / 2)
    path.lineTo(points[-1])
    return path


class Drawing:
    """The strokes drawn (the last one perhaps still in progress) over a 28x28 digit put there,
    if any, and the pen's width.

    Every change counts up :attr:`version` and forgets the framing; the changes return what
    changed, for the widget to repaint.
    """

    def __init__(self) -> None:
        self.strokes: list[Stroke] = []
        self.in_progress = False
        """Whether the last stroke is still being drawn."""
        self.digit: QImage | None = None
        """A digit put there by :meth:`show_digit`."""
        self.pen_width = PEN_WIDTHS[DEFAULT_PEN]
        self.version = 0
        """Counts the drawing's changes (to tell whether a framing is still of the drawing)."""
        self._framed: np.ndarray | None = None  # framed_image, until the drawing changes
        self._growing: tuple[Stroke, int, QPainterPath] | None = None
        """The stroke in progress, how many of its points its smooth path's final curves take
        in, and that path (see :meth:`_smooth`)."""

    def is_blank(self) -> bool:
        """True when nothing is drawn or shown."""
        return not self.strokes and self.digit is None

    def finished_strokes(self) -> list[Stroke]:
        """Every stroke but the one in progress."""
        return self.strokes[:-1] if self.in_progress else self.strokes

    # -- changes ------------------------------------------------------------------------------

    def clear(self) -> bool:
        """Remove every stroke and any digit shown; whether there was anything."""
        if self.is_blank():
            return False
        self.strokes.clear()
        self.in_progress = False
        self.digit = None
        self._changed()
        return True

    def undo(self) -> bool:
        """Remove the last stroke (or, when no stroke is left, the digit shown); whether there
        was one."""
        if self.strokes:
            self.strokes.pop()
            self.in_progress = False
        elif self.digit is not None:
            self.digit = None
        else:
            return False
        self._changed()
        return True

    def show_digit(self, image28: np.ndarray) -> None:
        """Put a 28x28 digit (uint8, ink high) there in place of the strokes."""
        image28 = np.asarray(image28)
        if image28.shape != (SIDE, SIDE):
            raise ValueError(f"expected a {SIDE}x{SIDE} digit, got shape {image28.shape}")
        self.strokes.clear()
        self.in_progress = False
        self.digit = gray_image(image28)
        self._changed()

    def set_pen_width(self, width: float) -> None:
        """The pen's diameter (a fraction of the canvas side) for the strokes, old and new."""
        self.pen_width = width
        self._changed()

    def begin(self, point: QPointF) -> None:
        """Start a stroke at ``point`` (unit coordinates)."""
        self.strokes.append([point])
        self._growing = self.strokes[-1], 1, QPainterPath(point)
        self.in_progress = True
        self._changed()

    def extend(self, point: QPointF) -> Stroke | None:
        """Continue the stroke in progress to ``point``; the stroke's moved tail, or None when
        nothing changed (no stroke in progress, or a move under a thousandth of the side)."""
        if not self.in_progress:
            return None
        stroke = self.strokes[-1]
        delta = point - stroke[-1]
        if delta.x() ** 2 + delta.y() ** 2 < 1e-6:
            return None
        stroke.append(point)
        self._changed()
        return stroke[-3:]

    def end(self) -> bool:
        """Finish the stroke in progress where it is; whether there was one."""
        if not self.in_progress:
            return False
        self.in_progress = False
        self._changed()
        return True

    def _changed(self) -> None:
        self._framed = None
        self.version += 1

    # -- what it looks like ---------------------------------------------------------------------

    def paint(
        self, painter: QPainter, square: QRectF, ink: QColor, strokes: list[Stroke], digit: bool
    ) -> None:
        """Paint ``strokes`` (and, if ``digit``, the digit shown under them) into ``square``."""
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        if digit and self.digit is not None:
            painter.drawImage(square, self.digit)
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
                painter.drawPath(self._smooth(stroke))
        painter.restore()

    def _smooth(self, stroke: Stroke) -> QPainterPath:
        """:func:`smooth_path` of ``stroke``; for the stroke in progress, extended by the points
        added since the last time (the whole path at every repaint took ~0.5 ms per mouse move
        of a long stroke, on the GUI thread)."""
        growing = self._growing
        if growing is None or growing[0] is not stroke:
            return smooth_path(stroke)
        _, done, path = growing
        for point, following in zip(stroke[done:-1], stroke[done + 1 :], strict=True):
            path.quadTo(point, (point + following) / 2)
        self._growing = stroke, max(done, len(stroke) - 1), path
        whole = QPainterPath(path)
        whole.lineTo(stroke[-1])
        return whole

    def render_ink(self, side: int = RENDER_SIDE) -> np.ndarray:
        """The drawing as seen on the canvas: a (side, side) uint8 image, ink high,
        anti-aliased."""
        return self._render(side, self.strokes)

    def _at_full_size(self, strokes: list[Stroke]) -> list[Stroke]:
        """``strokes`` scaled to :data:`FULL_SIZE` across the canvas.

        Framing scales a digit to a fixed size; scaling the strokes first keeps the pen's width
        in proportion, so a digit drawn small in a corner is framed with the same stroke width
        as the same digit drawn large (not as a fat blob). A digit put there by
        :meth:`show_digit` is kept as it is, with any strokes on it.
        """
        if self.digit is not None or not strokes:
            return strokes
        points = np.array([(p.x(), p.y()) for stroke in strokes for p in stroke])
        low, high = points.min(axis=0), points.max(axis=0)
        scale = FULL_SIZE / max(float((high - low).max()), LEAST_SIZE)
        centre = QPointF(*((low + high) / 2))
        middle = QPointF(0.5, 0.5)
        return [[middle + (p - centre) * scale for p in stroke] for stroke in strokes]

    def _render(self, side: int, strokes: list[Stroke]) -> np.ndarray:
        # Qt paints into 32-bit RGB about 2.5x faster than into 8-bit grayscale (the same pixels
        # after the conversion); framing runs in the answer's thread, which keeps Python's GIL
        # while Qt paints, so the GUI thread waits that long
        image = QImage(side, side, QImage.Format.Format_RGB32)
        image.fill(0)
        painter = QPainter(image)
        self.paint(painter, QRectF(0, 0, side, side), QColor(255, 255, 255), strokes, digit=True)
        painter.end()
        return image_pixels(image.convertToFormat(QImage.Format.Format_Grayscale8))

    # -- framed -------------------------------------------------------------------------------

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
        strokes = [list(stroke) for stroke in self.strokes]

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
