"""The classroom view (full screen, large type, high contrast; F11) and PNG export of any view."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox, QWidget

from hebbviz.atomic_file import atomic_write
from hebbviz.errors import HebbvizError

CLASSROOM_STYLE = """
QWidget { font-size: 17pt; }
QLabel, QCheckBox, QGroupBox { color: #000000; }
QGroupBox { font-weight: bold; }
QPushButton { border: 2px solid #000000; padding: 6px 14px; background: #ffffff; }
QPushButton:checked, QPushButton:pressed { background: #ffd166; }
QProgressBar { border: 2px solid #000000; height: 28px; text-align: center; }
QProgressBar::chunk { background: #e85d04; }
QTabBar::tab { padding: 8px 18px; }
QTabBar::tab:selected { background: #000000; color: #ffffff; }
"""


class Classroom:
    """Toggles ``window`` between its normal look and the classroom view."""

    def __init__(self, window: QMainWindow) -> None:
        self.window = window
        self.active = False
        self._was_maximized = False
        self._style = ""

    def toggle(self) -> None:
        self.set_active(not self.active)

    def set_active(self, active: bool) -> None:
        """Full screen with large, high-contrast type, or back to how it was."""
        if active == self.active:
            return
        self.active = active
        if active:
            self._was_maximized = self.window.isMaximized()
            self._style = self.window.styleSheet()
            self.window.setStyleSheet(CLASSROOM_STYLE)
            self.window.showFullScreen()
        else:
            self.window.setStyleSheet(self._style)
            if self._was_maximized:
                self.window.showMaximized()
            else:
                self.window.showNormal()


def save_png(widget: QWidget, path: str | Path) -> None:
    """Render ``widget`` (any plot or view) into a PNG at ``path``, atomically.

    Raises
    ------
    HebbvizError
        If the path is not a PNG in an existing folder, or cannot be written.
    """
    path = Path(path)
    if path.suffix.lower() != ".png":
        raise HebbvizError(f"{path}: give a file name ending in .png")
    if not path.parent.is_dir():
        raise HebbvizError(f"{path}: no such folder {path.parent}")
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not widget.grab().save(buffer, "PNG"):
        raise HebbvizError(f"{path}: cannot render the picture")
    try:
        with atomic_write(path) as file:
            file.write(bytes(data))
    except OSError as error:
        raise HebbvizError(f"{path}: cannot write ({error.strerror or error})") from None


def export_png(parent: QWidget, widget: QWidget, suggested: str) -> str | None:
    """Ask where to save ``widget`` as a PNG and save it; returns the path, or None when
    cancelled or failed (a failure gets a message)."""
    path, _ = QFileDialog.getSaveFileName(parent, "Export as PNG", suggested, "PNG (*.png)")
    if not path:
        return None
    if not path.lower().endswith(".png"):
        path += ".png"
    try:
        save_png(widget, path)
    except HebbvizError as error:
        QMessageBox.warning(parent, "Cannot export", str(error))
        return None
    return path
