"""A figure's picture (a PNG of :mod:`hebbviz.gui.figures`) shown scaled to fit, without holding
up the GUI thread.

The figures are large (3000 pixels wide): decoding one or scaling it smoothly with Qt takes
100-500 ms and holds Python's GIL all along, so even in a background thread it stalls the GUI
thread. Pillow decodes and resamples without the GIL: :func:`decode_png` and
:func:`fit_image` run in the background; the GUI thread only shows a quick, rough scaling until
the smooth one arrives.
"""

from __future__ import annotations

import io

import shiboken6
from PIL import Image
from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QHideEvent, QImage, QPixmap, QResizeEvent, QShowEvent
from PySide6.QtWidgets import QLabel, QWidget

from hebbviz.gui.background import run_in_background

REFIT_MS = 60
"""How long a size must hold before the picture is scaled smoothly to it (resizing by hand
changes the size many times a second)."""


def _to_qimage(image: Image.Image) -> QImage:
    rgba = image if image.mode == "RGBA" else image.convert("RGBA")
    data = rgba.tobytes()
    width, height = rgba.size
    return QImage(data, width, height, 4 * width, QImage.Format.Format_RGBA8888).copy()


def decode_png(data: bytes) -> QImage:
    """The PNG ``data`` as a QImage (decoded by Pillow, without the GIL: off the GUI thread)."""
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        return _to_qimage(image)


def fit_image(image: QImage, size: QSize) -> QImage:
    """``image`` scaled smoothly, keeping its shape, to fit ``size`` (Pillow, off the GUI
    thread)."""
    rgba = image.convertToFormat(QImage.Format.Format_RGBA8888)
    width, height = rgba.width(), rgba.height()
    pixels = Image.frombuffer(
        "RGBA", (width, height), bytes(rgba.constBits()), "raw", "RGBA", rgba.bytesPerLine(), 1
    )
    scale = min(size.width() / width, size.height() / height)
    target = (max(1, round(width * scale)), max(1, round(height * scale)))
    return _to_qimage(pixels.resize(target, Image.Resampling.LANCZOS, reducing_gap=3.0))


class FigureLabel(QLabel):
    """A figure's image, scaled to fit (keeping its shape).

    Attributes
    ----------
    image : QImage or None
        The figure at full size.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumSize(QSize(200, 150))
        self.image: QImage | None = None
        self.fitted: QImage | None = None
        """The smooth scaling shown (None while only a rough one is)."""
        self._text = ""
        self._generation = 0
        self._fitting: int | None = None
        """The generation whose smooth scaling runs in the background (None: none runs)."""
        self._refit = QTimer(self)
        self._refit.setSingleShot(True)
        self._refit.setInterval(REFIT_MS)
        self._refit.timeout.connect(self._fit_smoothly)

    def set_image(self, image: QImage | None, text: str = "") -> None:
        """Show ``image`` scaled to fit, or ``text`` while there is none."""
        self.image, self._text = image, text
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._fit()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt override)
        """Fit what changed while hidden (nothing is scaled for nobody to see)."""
        super().showEvent(event)
        if self.fitted is None and self._fitting != self._generation:  # none on its way
            self._fit()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 (Qt override)
        super().hideEvent(event)
        self._refit.stop()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override: the image does not set the size)
        return QSize(400, 300)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        """The label's own minimum, never the pixmap's size: a pixmap that sized the label would
        make it fit again, and again, one background job after another."""
        return self.minimumSize()

    def _fit(self) -> None:
        """Show the image roughly scaled to the label now; the smooth scaling follows (once
        shown: a hidden label, another tab's or a closed window's, waits for its show)."""
        self._generation += 1
        self.fitted = None
        if self.image is None or not self.isVisible():
            self._refit.stop()
            self.setText(self._text)  # and no pixmap
            return
        rough = self.image.scaled(
            self.size(),
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.FastTransformation,
        )
        self.setPixmap(QPixmap.fromImage(rough))
        self._refit.start()

    def _fit_smoothly(self) -> None:
        image, size, generation = self.image, self.size(), self._generation
        if image is None:
            return
        self._fitting = generation

        def show(fitted: QImage | None) -> None:  # None: the scaling failed
            if not shiboken6.isValid(self):
                return
            if self._fitting == generation:
                self._fitting = None
            if fitted is not None and generation == self._generation:  # nothing new since
                self.fitted = fitted
                self.setPixmap(QPixmap.fromImage(fitted))

        run_in_background(lambda: fit_image(image, size), show, lambda _: show(None), "fit-figure")
