"""Shared look and settings of the app: colours, colour maps, pyqtgraph setup."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QColor

ORGANIZATION = "hebbviz"
APPLICATION = "hebbviz"

# Colours
INK = QColor(255, 255, 255)
PAPER = QColor(18, 20, 26)
ACCENT = QColor(232, 93, 4)  # the winner
BAR = QColor(120, 144, 176)  # every other label
MUTED_TEXT = "#5f6b7a"
GRID = QColor(60, 64, 72)


def configure_pyqtgraph() -> None:
    """Set pyqtgraph's global options once, before any plot is made."""
    pg.setConfigOptions(
        antialias=True, background="w", foreground="#2b2f36", imageAxisOrder="row-major"
    )


def diverging_colormap() -> pg.ColorMap:
    """Blue (negative) - light grey (zero) - yellow (positive), for signed maps such as weights
    and contributions: CET-CBD1, perceptually uniform and readable with the common colour vision
    deficiencies (Kovesi's colour maps, shipped with pyqtgraph)."""
    return pg.colormap.get("CET-CBD1")
