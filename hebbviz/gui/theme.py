"""Light or dark: the app follows the system's colour scheme, its window and its plots alike.

Qt (6.5 and later) reports the system's scheme (``QStyleHints.colorScheme``) and, where the
platform supports it, gives the app a matching palette. Where it reports a dark scheme but keeps
a light palette, :class:`ThemeFollower` sets a dark one itself. Whatever the palette, the plots
(pyqtgraph) follow it: their background and their axes' and titles' default colours switch
between :data:`LIGHT` and :data:`DARK`, for new plots and for those on screen. Colours a view
chose itself (the winner's orange, the heatmaps' colour maps, the dark canvas, the paper's
white figures) stay as they are: they read on either background.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QWidget


@dataclass(frozen=True)
class PlotColours:
    """A plot's default background and foreground (axes, ticks, titles)."""

    background: QColor
    foreground: QColor


LIGHT = PlotColours(QColor("#ffffff"), QColor("#2b2f36"))
DARK = PlotColours(QColor("#1e2127"), QColor("#d5dae2"))


def is_dark(palette: QPalette) -> bool:
    """Whether ``palette`` is a dark one (light text on a dark window)."""
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def plot_colours(palette: QPalette) -> PlotColours:
    return DARK if is_dark(palette) else LIGHT


def dark_palette() -> QPalette:
    """A dark palette for Qt's Fusion style (for platforms that report a dark scheme but give
    no dark palette)."""
    palette = QPalette()
    roles = QPalette.ColorRole
    for role, colour in (
        (roles.Window, "#2b2e33"),
        (roles.WindowText, "#e6e8eb"),
        (roles.Base, "#1e2127"),
        (roles.AlternateBase, "#2b2e33"),
        (roles.ToolTipBase, "#2b2e33"),
        (roles.ToolTipText, "#e6e8eb"),
        (roles.PlaceholderText, "#8b919a"),
        (roles.Text, "#e6e8eb"),
        (roles.Button, "#34383e"),
        (roles.ButtonText, "#e6e8eb"),
        (roles.BrightText, "#ff6b6b"),
        (roles.Link, "#6cb4ff"),
        (roles.Highlight, "#3d7cc9"),
        (roles.HighlightedText, "#ffffff"),
        (roles.Light, "#4a4f57"),
        (roles.Midlight, "#3d4148"),
        (roles.Mid, "#2f3237"),
        (roles.Dark, "#1a1c20"),
        (roles.Shadow, "#000000"),
    ):
        palette.setColor(role, QColor(colour))
    disabled = QPalette.ColorGroup.Disabled
    for role in (roles.WindowText, roles.Text, roles.ButtonText):
        palette.setColor(disabled, role, QColor("#7d828a"))
    return palette


def apply_plot_colours(colours: PlotColours) -> None:
    """Make ``colours`` pyqtgraph's defaults, and recolour the plots on screen that use the
    defaults (a plot or an axis coloured on purpose keeps its colour)."""
    old_background = QColor(pg.getConfigOption("background"))
    old_foreground = QColor(pg.getConfigOption("foreground"))
    pg.setConfigOptions(background=colours.background, foreground=colours.foreground)
    for widget in QApplication.allWidgets():
        if not isinstance(widget, pg.GraphicsView):
            continue
        if widget.backgroundBrush().color() == old_background:
            widget.setBackground("default")
        for item in widget.scene().items():
            if isinstance(item, pg.AxisItem):
                if item.pen().color() == old_foreground:
                    item.setPen()
                if item.textPen().color() == old_foreground:
                    item.setTextPen()
            elif isinstance(item, pg.LabelItem) and item.opts.get("color") is None:
                item.setText(item.text)  # drawn again in the new default colour


class ThemeFollower(QWidget):
    """Keeps the app's palette and its plots in step with the system's colour scheme.

    Made once, by the app; it follows ``QStyleHints.colorSchemeChanged`` and every change of
    the application's palette (a widget, never shown: Qt tells every widget of a new palette).
    """

    def __init__(self, app: QApplication) -> None:
        super().__init__()
        self.app = app
        self._own_palette = False
        """Whether the palette is the dark one this class set (to be undone for light)."""
        app.styleHints().colorSchemeChanged.connect(self.follow)
        self.follow(app.styleHints().colorScheme())

    def follow(self, scheme: Qt.ColorScheme) -> None:
        """Match the palette to ``scheme`` where the platform did not, then the plots to the
        palette."""
        dark_scheme = scheme == Qt.ColorScheme.Dark
        if dark_scheme and not is_dark(self.app.palette()):
            self._own_palette = True
            self.app.setPalette(dark_palette())
        elif not dark_scheme and self._own_palette:
            self._own_palette = False
            self.app.setPalette(self.app.style().standardPalette())
        apply_plot_colours(plot_colours(self.app.palette()))

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ApplicationPaletteChange:  # posted after setPalette
            apply_plot_colours(plot_colours(self.app.palette()))
        return super().event(event)
