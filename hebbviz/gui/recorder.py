"""Record the Weights view while it trains as an animated GIF, for slides (View > Record).

A small dialog chooses the frame rate and the length, then where to save. Frames are grabbed on
the GUI thread at that rate (a grab is a few milliseconds); Pillow encodes them off it (see
:mod:`hebbviz.gui.background`), and the file is written atomically.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QWidget,
)

from hebbviz.atomic_file import write_bytes
from hebbviz.gui.background import run_in_background
from hebbviz.gui.plot_export import suggested_path

FRAME_RATES = (5, 10, 15, 20, 25)
"""Frames per second to choose from (GIF delays are counted in hundredths of a second)."""

DEFAULT_RATE, DEFAULT_SECONDS, MAX_SECONDS = 10, 5.0, 30.0

MAX_SIDE = 800
"""Frames are scaled down to at most this many pixels a side (a GIF of a large window would
take long to encode and much memory to hold: frames are kept until the recording ends)."""


@dataclass(frozen=True)
class Recording:
    """What to record: ``fps`` frames per second for ``seconds``, saved to ``path``."""

    fps: int
    seconds: float
    path: Path

    @property
    def frames(self) -> int:
        return max(1, round(self.fps * self.seconds))


def frame_pixels(image: QImage) -> np.ndarray:
    """``image`` as an RGB array (height, width, 3), scaled to at most :data:`MAX_SIDE`."""
    if max(image.width(), image.height()) > MAX_SIDE:
        image = image.scaled(
            MAX_SIDE,
            MAX_SIDE,
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), -1)
    return rows[:, : 3 * image.width()].reshape(image.height(), image.width(), 3).copy()


def gif_bytes(frames: list[np.ndarray], fps: int) -> bytes:
    """Frames (RGB arrays of one size) as an animated GIF that loops, ``fps`` frames a second
    (Pillow writes a frame identical to the one before as one longer frame: the GIF lasts as
    long all the same)."""
    pictures = [Image.fromarray(frame) for frame in frames]
    out = io.BytesIO()
    pictures[0].save(
        out,
        format="GIF",
        save_all=True,
        append_images=pictures[1:],
        duration=round(1000 / fps),
        loop=0,
    )
    return out.getvalue()


def write_gif(frames: list[np.ndarray], fps: int, path: Path) -> Path:
    """Encode ``frames`` and write them to ``path`` atomically; returns the path.

    Raises
    ------
    HebbvizError
        If the file cannot be written.
    """
    write_bytes(path, gif_bytes(frames, fps))
    return path


class RecordDialog(QDialog):
    """Choose the frame rate and the length of a recording."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Record the Weights view")
        self.rate = QComboBox()
        for fps in FRAME_RATES:
            self.rate.addItem(f"{fps} frames per second", fps)
        self.rate.setCurrentIndex(FRAME_RATES.index(DEFAULT_RATE))
        self.seconds = QDoubleSpinBox()
        self.seconds.setRange(1.0, MAX_SECONDS)
        self.seconds.setValue(DEFAULT_SECONDS)
        self.seconds.setSuffix(" s")
        self.seconds.setDecimals(0)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Choose file and record")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Frame rate", self.rate)
        form.addRow("Length", self.seconds)
        form.addRow(buttons)

    def choice(self) -> tuple[int, float]:
        return int(self.rate.currentData()), float(self.seconds.value())


def ask_recording(parent: QWidget) -> Recording | None:
    """Ask for the frame rate, the length and the file; None when cancelled."""
    dialog = RecordDialog(parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    fps, seconds = dialog.choice()
    path, _ = QFileDialog.getSaveFileName(
        parent, "Record the Weights view as", suggested_path("weights.gif"), "Animated GIF (*.gif)"
    )
    if not path:
        return None
    if not path.lower().endswith(".gif"):
        path += ".gif"
    return Recording(fps, seconds, Path(path))


class Recorder(QObject):
    """Grabs ``widget`` at a recording's rate until it has all its frames (or is stopped), then
    saves them as a GIF in the background.

    Signals
    -------
    progress(int, int)
        Frames grabbed, frames wanted.
    saved(str)
        The GIF's path, once written.
    failed(str)
        Why the GIF could not be written.
    """

    progress = Signal(int, int)
    saved = Signal(str)
    failed = Signal(str)

    def __init__(self, widget: QWidget, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.widget = widget
        self.recording: Recording | None = None
        self.frames: list[np.ndarray] = []
        self.timer = QTimer(self)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self.grab)

    def active(self) -> bool:
        return self.recording is not None

    def start(self, recording: Recording) -> None:
        """Grab a first frame now, then one every ``1 / fps`` seconds."""
        self.recording, self.frames = recording, []
        self.timer.start(round(1000 / recording.fps))
        self.grab()

    def grab(self) -> None:
        if self.recording is None:
            return
        self.frames.append(frame_pixels(self.widget.grab().toImage()))
        self.progress.emit(len(self.frames), self.recording.frames)
        if len(self.frames) >= self.recording.frames:
            self.stop()

    def stop(self) -> None:
        """End the recording (early, if it is not complete) and save what it has."""
        self.timer.stop()
        recording, frames = self.recording, self.frames
        self.recording, self.frames = None, []
        if recording is None or not frames:
            return
        shape = frames[0].shape  # a resized view: every frame the first one's size
        frames = [f if f.shape == shape else _fit(f, shape) for f in frames]
        run_in_background(
            lambda: write_gif(frames, recording.fps, recording.path),
            lambda path: self.saved.emit(str(path)),
            lambda error: self.failed.emit(str(error)),
            "record",
        )


def _fit(frame: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """``frame`` resized to ``shape`` (height, width, 3)."""
    return np.asarray(Image.fromarray(frame).resize((shape[1], shape[0])))
