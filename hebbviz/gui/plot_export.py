"""Any plot of the app as PNG, SVG or CSV, for slides and spreadsheets: a right click on a plot
offers them. pyqtgraph's exporters make the PNGs and the curves' tables, Qt's SVG generator the
drawings; bar heights and heatmaps (which pyqtgraph's CSV exporter does not take) are tabled
here. Every file is written
atomically (:func:`hebbviz.atomic_file.atomic_write`).
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyqtgraph as pg
import pyqtgraph.exporters as pg_exporters
from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QEvent,
    QIODevice,
    QObject,
    QRectF,
    QStandardPaths,
    Qt,
)
from PySide6.QtGui import QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QWidget

from hebbviz.atomic_file import write_bytes
from hebbviz.errors import HebbvizError
from hebbviz.gui.heatmap import ValueImage

FORMATS = {"png": "PNG picture", "svg": "SVG drawing", "csv": "CSV table"}
"""The formats a plot exports to, by file suffix."""

PNG_SCALE = 2
"""PNGs have this many times the plot's pixels on screen (sharp on a projector or a slide)."""


def plot_bytes(view: pg.GraphicsView, kind: str) -> bytes:
    """The plot shown in ``view`` (with its axes, titles and colour bars) as a file's bytes,
    ``kind`` one of :data:`FORMATS`.

    Raises
    ------
    HebbvizError
        For an unknown format, or a CSV of a plot that holds no data.
    """
    item = view.centralWidget
    if kind == "png":
        exporter = pg_exporters.ImageExporter(item)
        exporter.parameters()["width"] = PNG_SCALE * int(item.boundingRect().width())
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        exporter.export(toBytes=True).save(buffer, "PNG")
        return bytes(data)
    if kind == "svg":
        return _svg(view)
    if kind == "csv":
        return plot_table(view).encode()
    raise HebbvizError(f"cannot export a plot as {kind!r}: choose one of {', '.join(FORMATS)}")


def _svg(view: pg.GraphicsView) -> bytes:
    """The plot in ``view`` drawn by Qt's SVG generator: lines and text stay vectors, heatmaps
    are embedded pictures. (pyqtgraph 0.14.0's SVG exporter fails on the paths Qt 6.11 writes,
    "not enough values to unpack": pyqtgraph issue #3485, fixed after that release.)"""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    rect = view.viewport().rect()
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setSize(rect.size())
    generator.setViewBox(rect)
    generator.setTitle(plot_name(view))
    painter = QPainter(generator)
    view.render(painter, QRectF(rect), rect)
    painter.end()
    return bytes(data)


def plot_table(view: pg.GraphicsView) -> str:
    """The data of the plot in ``view`` as CSV text: its curves (pyqtgraph's CSV exporter),
    else its bars (``x,height``), else its heatmaps (one block of rows per image, a blank line
    between them)."""
    items = view.scene().items()
    plots = [i for i in items if isinstance(i, pg.PlotItem)]
    curves = [p for p in plots if any(_has_data(x) for x in p.items)]
    if curves:
        tables = []
        with tempfile.TemporaryDirectory() as folder:  # the exporter writes only to a file
            for i, plot in enumerate(curves):
                path = Path(folder) / f"{i}.csv"
                pg_exporters.CSVExporter(plot).export(str(path))
                tables.append(path.read_text())
        return "\n".join(tables)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    bars = [i for i in items if isinstance(i, pg.BarGraphItem)]
    if bars:
        writer.writerow(["x", "height"])
        for bar in bars:
            x, height = np.broadcast_arrays(bar.opts["x"], bar.opts["height"])
            writer.writerows(zip(x.tolist(), height.tolist(), strict=True))
        return out.getvalue()
    images = [values for values in map(_image_values, items) if values is not None]
    if not images:
        raise HebbvizError("this plot holds no data to export as CSV")
    for n, image in enumerate(reversed(images)):  # the scene lists the last added first
        if n:
            writer.writerow([])
        writer.writerows(np.atleast_2d(image).tolist())
    return out.getvalue()


def _image_values(item: object) -> np.ndarray | None:
    """The values an image item shows (None: not an image item, or showing nothing)."""
    if isinstance(item, ValueImage):
        return item.values
    return item.image if isinstance(item, pg.ImageItem) else None


def _has_data(item: object) -> bool:
    """Whether ``item`` is a curve with points."""
    return isinstance(item, pg.PlotDataItem) and item.xData is not None and len(item.xData) > 0


def save_plot(view: pg.GraphicsView, path: str | Path) -> None:
    """Write the plot in ``view`` to ``path`` in the format its suffix names, atomically.

    Raises
    ------
    HebbvizError
        An unknown suffix, a missing folder, a plot without data (CSV), or a failed write.
    """
    path = Path(path)
    kind = path.suffix.lower().lstrip(".")
    if kind not in FORMATS:
        raise HebbvizError(f"{path}: give a file name ending in .png, .svg or .csv")
    if not path.parent.is_dir():
        raise HebbvizError(f"{path}: no such folder {path.parent}")
    write_bytes(path, plot_bytes(view, kind))


def export_plot(parent: QWidget, view: pg.GraphicsView, kind: str, name: str) -> str | None:
    """Ask where to save the plot in ``view`` as ``kind`` (``name`` suggested) and save it;
    the path, or None when cancelled or failed (a failure gets a message)."""
    return ask_and_save(
        parent,
        f"Export plot as {kind.upper()}",
        suggested_path(f"{name}.{kind}"),
        kind,
        lambda path: save_plot(view, path),
    )


def ask_and_save(
    parent: QWidget, title: str, suggested: str, kind: str, save: Callable[[str], None]
) -> str | None:
    """Ask where to save a ``kind`` file (``suggested`` first; the suffix added when missing)
    and ``save(path)``; the path, or None when cancelled or failed (a ``HebbvizError`` gets a
    message)."""
    path, _ = QFileDialog.getSaveFileName(
        parent, title, suggested, f"{FORMATS.get(kind, kind.upper())} (*.{kind})"
    )
    if not path:
        return None
    if not path.lower().endswith(f".{kind}"):
        path += f".{kind}"
    try:
        save(path)
    except HebbvizError as error:
        QMessageBox.warning(parent, "Cannot export", str(error))
        return None
    return path


def suggested_path(name: str) -> str:
    """Where a save dialog for an export first proposes ``name``: the user's pictures folder,
    else the home folder (not wherever the app was started)."""
    pictures = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation)
    folder = Path(pictures) if pictures and Path(pictures).is_dir() else Path.home()
    return str(folder / name)


def plot_under(widget: QWidget) -> pg.GraphicsView | None:
    """The plot ``widget`` is, or is inside of (its viewport, an item's widget), if any."""
    while widget is not None:
        if isinstance(widget, pg.GraphicsView):
            return widget
        widget = widget.parentWidget()
    return None


class PlotMenu(QObject):
    """A right click on any plot of ``window`` offers it as PNG, SVG or CSV.

    The plots leave a right click to their parents (their own menus are off), so it reaches the
    window: one filter on the window, not on every event of the app, finds the plot under the
    pointer."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is not self.window or event.type() != QEvent.Type.ContextMenu:
            return False
        child = self.window.childAt(event.pos())
        view = plot_under(child) if child is not None else None
        if view is None:
            return False
        self.menu(view).popup(event.globalPos())
        return True

    def menu(self, view: pg.GraphicsView) -> QMenu:
        """The export menu of the plot in ``view``."""
        menu = QMenu(self.window)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        name = plot_name(view)
        for kind, text in FORMATS.items():
            action = menu.addAction(f"Export this plot as {text}...")
            action.triggered.connect(
                lambda _=False, k=kind: export_plot(self.window, view, k, name)
            )
        return menu


def plot_name(view: pg.GraphicsView) -> str:
    """A file name for the plot in ``view``: the title of the box or tab it is in."""
    widget = view.parentWidget()
    while widget is not None:
        title = getattr(widget, "title", None)
        if callable(title) and title():
            return str(title()).lower().replace(" ", "-")
        widget = widget.parentWidget()
    return "plot"
