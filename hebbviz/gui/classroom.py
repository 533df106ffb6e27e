"""The classroom view (full screen, large type, high contrast; F11) and PNG export of any view."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QEvent, QIODevice, QRect
from PySide6.QtWidgets import QLayout, QWidget

from hebbviz.atomic_file import write_bytes
from hebbviz.errors import HebbvizError
from hebbviz.gui.plot_export import ask_and_save

if TYPE_CHECKING:
    from hebbviz.gui.main_window import MainWindow

CLASSROOM_STYLE = """
QWidget { font-size: 17pt; }
QLabel, QCheckBox, QGroupBox { color: #000000; }
QLabel#heading { font-size: 19pt; font-weight: bold; }
QLabel#winner { font-size: %(winner)dpx; font-weight: bold; }
QGroupBox { font-weight: bold; }
QPushButton { border: 2px solid #000000; padding: 6px 10px; background: #ffffff; }
#training-dock QWidget { font-size: 14pt; }
QPushButton:checked, QPushButton:pressed { background: #ffd166; }
QPushButton:disabled { color: #8a8a8a; border-color: #8a8a8a; }
QTabBar::tab { padding: 8px 18px; }
QTabBar::tab:selected { background: #000000; color: #ffffff; }
"""
"""The classroom view's look: large type, black on white, thick borders; the winner's size
(pixels) is filled in from the screen's height. The Training dock's controls are for the
teacher at the computer: they are large, not huge."""

WINNER_SHARE = 1 / 6
"""The winner's type is this share of the screen's height (180 pixels on a 1080-pixel one)."""

LABEL_SHARE = 1 / 24
"""The bars' labels are this share of the screen's height (45 pixels on a 1080-pixel one)."""


@dataclass
class NormalLayout:
    """What the classroom view changes, as it was before."""

    geometry: QRect
    state: QByteArray
    splitter: list[int]
    maximized: bool
    style: str
    shown: dict[QWidget, bool]


class Classroom:
    """Toggles the window between its normal look and the classroom view: full screen, the
    winner and the bars' labels huge, high contrast, the Training dock reduced to its controls,
    no menu or status bar. Leaving it restores the layout exactly as it was.

    Parameters
    ----------
    window : MainWindow
    """

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.normal: NormalLayout | None = None

    @property
    def active(self) -> bool:
        return self.normal is not None

    def toggle(self) -> None:
        self.set_active(not self.active)

    def set_active(self, active: bool, height: int | None = None) -> None:
        """Enter (sized for a screen ``height`` pixels high: the window's screen's by default)
        or leave the classroom view."""
        if active == self.active:
            return
        window = self.window
        central = window.central
        hidden = (  # the menus' keys still work; the pen and Undo have their keys (Ctrl+Z)
            window.menuBar(),
            window.statusBar(),
            central.contributions,
            central.firing,
            central.help_button,
            central.undo_button,
            central.pen_choice,
            central.how_it_works,
        )
        if active:
            self.normal = NormalLayout(
                window.geometry(),
                window.saveState(),
                central.sizes(),
                window.isMaximized(),
                window.styleSheet(),
                {widget: widget.isVisibleTo(window) for widget in hidden},
            )
            height = height or window.screen().geometry().height()
            window.setStyleSheet(CLASSROOM_STYLE % {"winner": int(height * WINNER_SHARE)})
            for widget in hidden:
                widget.hide()
            window.training_panel.set_compact(True)
            window.bars.set_type_size(int(height * LABEL_SHARE))
            window.showFullScreen()
            return
        normal, self.normal = self.normal, None
        window.setStyleSheet(normal.style)
        window.training_panel.set_compact(False)
        window.bars.set_type_size(None)
        for widget, shown in normal.shown.items():
            widget.setVisible(shown)
        # the minimum sizes of the usual type first, or the window could not shrink back (the
        # layouts of hidden tabs keep those of the large type otherwise)
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        for widget in window.findChildren(QWidget):
            widget.updateGeometry()  # its size hints as its layout keeps them
        for layout in window.findChildren(QLayout):
            layout.invalidate()
        window.layout().activate()
        if normal.maximized:
            window.showMaximized()
        else:
            window.showNormal()
            window.setGeometry(normal.geometry)
        window.restoreState(normal.state)
        central.setSizes(normal.splitter)


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
    write_bytes(path, bytes(data))


def export_png(parent: QWidget, widget: QWidget, suggested: str) -> str | None:
    """Ask where to save ``widget`` as a PNG and save it; returns the path, or None when
    cancelled or failed (a failure gets a message)."""
    return ask_and_save(parent, "Export as PNG", suggested, "png", lambda p: save_png(widget, p))
