"""Shared look and settings of the app: colours, colour maps, pyqtgraph setup."""

from __future__ import annotations

from importlib import resources

import pyqtgraph as pg
from PySide6.QtGui import QColor, QIcon

from hebbviz.gui import theme

ORGANIZATION = "hebbviz"
APPLICATION = "hebbviz"
ICON = "hebbviz.svg"
"""The app's icon in ``hebbviz.assets`` (also installed by ``hebbviz install-desktop``)."""

# Colours
INK = QColor(255, 255, 255)
PAPER = QColor(18, 20, 26)
ACCENT = QColor(232, 93, 4)  # the winner
BAR = QColor(120, 144, 176)  # every other label
MUTED_TEXT = "#5f6b7a"
GRID = QColor(60, 64, 72)


def app_icon() -> QIcon:
    """The app's icon: a hand-drawn digit and ten answer bars, the winner orange."""
    return QIcon(str(resources.files("hebbviz.assets") / ICON))


def configure_pyqtgraph() -> None:
    """Set pyqtgraph's global options once, before any plot is made (light plots: the app's
    :class:`~hebbviz.gui.theme.ThemeFollower` makes them dark in a dark scheme)."""
    pg.setConfigOptions(
        antialias=True,
        background=theme.LIGHT.background,
        foreground=theme.LIGHT.foreground,
        imageAxisOrder="row-major",
    )


def diverging_colormap() -> pg.ColorMap:
    """Blue (negative) - light grey (zero) - yellow (positive), for signed maps such as weights
    and contributions: CET-CBD1, perceptually uniform and readable with the common colour vision
    deficiencies (Kovesi's colour maps, shipped with pyqtgraph)."""
    return pg.colormap.get("CET-CBD1")
