"""Desktop conventions: the About box, the icon, dark mode followed by the window and the plots."""

from __future__ import annotations

import pyqtgraph as pg
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from hebbviz import __version__
from hebbviz.gui import style, theme
from hebbviz.gui.app import application
from hebbviz.gui.help import HELP_HTML, about_html


@pytest.fixture
def follower(qapp):
    """A ThemeFollower; the light palette and plot colours are back afterwards."""
    made = theme.ThemeFollower(qapp)
    yield made
    qapp.setPalette(qapp.style().standardPalette())
    theme.apply_plot_colours(theme.LIGHT)
    made.deleteLater()


def plot_colours_of(window) -> tuple[str, str, str]:
    """The answer plot's background, its left axis' colour and its text colour."""
    plot = window.bars.plot
    axis = plot.getAxis("left")
    return (
        plot.backgroundBrush().color().name(),
        axis.pen().color().name(),
        axis.textPen().color().name(),
    )


LIGHT = (theme.LIGHT.background.name(), *[theme.LIGHT.foreground.name()] * 2)
DARK = (theme.DARK.background.name(), *[theme.DARK.foreground.name()] * 2)


def test_the_plots_follow_a_dark_palette_and_back(window, follower, qapp, qtbot):
    assert plot_colours_of(window) == LIGHT
    qapp.setPalette(theme.dark_palette())  # as a platform with dark mode does
    qtbot.waitUntil(lambda: plot_colours_of(window) == DARK, timeout=2000)
    assert pg.getConfigOption("background") == theme.DARK.background  # and plots made later
    qapp.setPalette(qapp.style().standardPalette())
    qtbot.waitUntil(lambda: plot_colours_of(window) == LIGHT, timeout=2000)


def test_a_dark_scheme_darkens_the_window_where_the_platform_keeps_it_light(
    window, follower, qapp, qtbot
):
    """What ``QStyleHints.colorSchemeChanged`` calls (the offscreen platform never changes its
    scheme, so the test calls it)."""
    assert not theme.is_dark(window.palette())
    follower.follow(Qt.ColorScheme.Dark)
    assert plot_colours_of(window) == DARK
    qtbot.waitUntil(lambda: theme.is_dark(window.palette()), timeout=2000)
    follower.follow(Qt.ColorScheme.Light)
    assert plot_colours_of(window) == LIGHT
    qtbot.waitUntil(lambda: not theme.is_dark(window.palette()), timeout=2000)


def test_a_plot_coloured_on_purpose_keeps_its_colour(window, follower, qapp, qtbot):
    axis = window.bars.plot.getAxis("bottom")
    axis.setPen("#e85d04")
    qapp.setPalette(theme.dark_palette())
    qtbot.waitUntil(lambda: plot_colours_of(window) == DARK, timeout=2000)
    assert axis.pen().color().name() == "#e85d04"


def test_the_app_has_its_icon_and_follows_the_scheme(qapp):
    app = application()
    assert not app.windowIcon().isNull()
    assert not style.app_icon().pixmap(64, 64).isNull()  # the SVG renders
    assert isinstance(app.theme, theme.ThemeFollower)
    assert app.desktopFileName() == "hebbviz"


def test_about_names_the_version_and_the_licences():
    text = about_html()
    for needed in (__version__, "MIT", "LGPL", "BSD", "CC BY-SA 3.0", "default-strokes.npz"):
        assert needed in text, needed


def test_the_about_box_opens_from_the_help_menu(window, qtbot):
    from PySide6.QtCore import QTimer

    seen = []

    def read_and_close() -> None:
        box = QApplication.activeModalWidget()
        seen.append(box.text() if isinstance(box, QMessageBox) else None)
        if box is not None:
            box.close()

    QTimer.singleShot(200, read_and_close)
    window.menu_actions["about"].trigger()
    assert seen and f"hebbviz {__version__}" in seen[0]


def test_help_explains_every_tab():
    for tab in ("Weights", "Detectors", "Metrics", "Paper"):
        assert f"<b>{tab}</b>" in HELP_HTML
    for stage in ("Stage 1", "Stage 2", "Stage 3"):
        assert stage in HELP_HTML
