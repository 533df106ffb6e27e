"""The paper's figures as PNG files, drawn with the app's plotting stack (pyqtgraph), offscreen.

One function per stage, each taking the result the Qt-free core computed
(:mod:`hebbviz.paper`) and a path: :func:`stage1_figure` (accuracy against hidden layers, without
and with learning), :func:`stage2_figure` (per label, a bar chart of the 12 win rates) and
:func:`stage3_figure` (accuracy over hidden layers x learning rate, overall and per label). The
figures are white, with black text, like the figures of a printed paper. Files are written
atomically: a failed export leaves no file, or the earlier one, behind. The app's Paper view shows
the same figures, drawn in a child process by :func:`figure_png` (pyqtgraph takes up to a second
to build a figure of many plots: too long for the app's GUI thread).

Works without a display: when no QApplication runs yet and there is no X or Wayland display,
Qt's offscreen platform is used.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyqtgraph as pg
from pyqtgraph.exporters import ImageExporter
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from hebbviz.atomic_file import atomic_write
from hebbviz.paper.stage1 import Stage1Result
from hebbviz.paper.stage2 import CONTROLS, WinRates
from hebbviz.paper.stage3 import SweepGrid

TEXT = "#111111"
LABEL_NETWORKS = "#4c72b0"  # the other label networks' bars
CONTROL_COLOURS = ("#c44e52", "#8c8c8c", "#dd8452")  # all-data, untrained, uniform
WITHOUT_LEARNING = "#4c72b0"
WITH_LEARNING = "#c44e52"
SHORT_CONTROLS = {"all-data": "all", "untrained": "unt", "uniform": "uni"}
PAPER_STAGE1_BEST = 80.0
"""Itoh (2024), arXiv:2409.03760: best accuracy of the average-vector method, about 80%."""
PAPER_STAGE3_BEST = 75.0
"""Itoh, arXiv:2411.05861: best accuracy of the per-label networks, about 75%."""
SCALE = 2
"""Pixels per layout unit in the PNG (sharp when printed or shown on a high-density screen)."""

_app: QApplication | None = None


def _ensure_app() -> None:
    """A QApplication to draw with (the offscreen platform when there is no display)."""
    global _app
    if QApplication.instance() is not None:
        return
    no_display = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if sys.platform.startswith("linux") and no_display:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _app = QApplication([])


def _canvas(width: int, height: int) -> pg.GraphicsLayoutWidget:
    _ensure_app()
    widget = pg.GraphicsLayoutWidget()
    widget.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
    widget.setBackground("w")
    widget.setFixedSize(width, height)
    widget.ci.setContentsMargins(12, 12, 12, 12)
    return widget


def _font(points: float, bold: bool = False) -> QFont:
    font = QFont()
    font.setPointSizeF(points)
    font.setBold(bold)
    return font


def _style_axes(plot: pg.PlotItem, left: str | None, bottom: str | None) -> None:
    """Black axes and labels on white, every side framed, as in print."""
    for name in ("left", "bottom", "top", "right"):
        plot.showAxis(name)
        axis = plot.getAxis(name)
        axis.setPen(pg.mkPen(TEXT, width=1))
        axis.setTextPen(pg.mkPen(TEXT))
        axis.setStyle(tickFont=_font(9), tickLength=-4)
        if name in ("top", "right"):
            axis.setStyle(showValues=False)
    if left:
        plot.setLabel("left", left, color=TEXT, size="10pt")
    if bottom:
        plot.setLabel("bottom", bottom, color=TEXT, size="10pt")
    plot.setMenuEnabled(False)
    plot.hideButtons()
    plot.getViewBox().setMouseEnabled(False, False)


def _title(text: str, points: float = 10) -> pg.LabelItem:
    return pg.LabelItem(text, color=TEXT, size=f"{points}pt")


def _ticks(plot: pg.PlotItem, axis: str, labels: list[str]) -> None:
    plot.getAxis(axis).setTicks([list(enumerate(labels)), []])


def _save(widget: pg.GraphicsLayoutWidget, path: str | Path) -> None:
    """Render ``widget``'s scene to a PNG at ``SCALE`` and write it atomically."""
    widget.show()  # never on screen (WA_DontShowOnScreen), but laid out at its size
    QApplication.processEvents()
    exporter = ImageExporter(widget.ci)
    exporter.parameters()["width"] = round(widget.ci.boundingRect().width() * SCALE)
    exporter.parameters()["antialias"] = True
    image = exporter.export(toBytes=True)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise OSError(f"{path}: could not encode the figure as PNG")
    buffer.close()
    with atomic_write(path) as file:
        file.write(bytes(data))
    widget.close()
    widget.deleteLater()


# -- stage 1 --------------------------------------------------------------------------------------


def stage1_figure(result: Stage1Result, path: str | Path) -> None:
    """Stage 1's figure (:func:`draw_stage1`) as a PNG."""
    widget = _canvas(760, 520)
    draw_stage1(widget.ci, result)
    _save(widget, path)


def draw_stage1(widget: pg.GraphicsLayout, result: Stage1Result) -> None:
    """Accuracy (%) against the number of hidden layers, without and with Hebbian learning,
    into an empty layout."""
    settings = result.settings
    widget.addItem(
        _title("Stage 1: Itoh's average-vector method, without and with Hebbian learning", 11),
        row=0,
        col=0,
    )
    plot = widget.addPlot(row=1, col=0)
    _style_axes(plot, "accuracy (%)", "hidden layers H")
    legend = plot.addLegend(
        offset=(-10, 10), labelTextColor=TEXT, labelTextSize="14pt", brush=pg.mkBrush("#ffffffe0")
    )
    legend.setPen(pg.mkPen("#999999"))
    hidden = np.array(result.hidden_layers, dtype=float)
    without = 100 * np.array(result.without_learning, dtype=float)
    learned = np.array([np.nan if v is None else 100 * v for v in result.with_learning])
    chance = pg.InfiniteLine(10, angle=0, pen=pg.mkPen("#888888", width=1, style=Qt.DashLine))
    plot.addItem(chance)
    paper = pg.InfiniteLine(
        PAPER_STAGE1_BEST, angle=0, pen=pg.mkPen("#888888", width=1, style=Qt.DotLine)
    )
    plot.addItem(paper)
    for line, text in ((chance, "chance"), (paper, "2024 paper's best: about 80%")):
        label = pg.TextItem(text, color="#555555", anchor=(1, 1))
        label.setFont(_font(8))
        label.setPos(hidden.max() + 0.3, line.value())
        plot.addItem(label)
    plot.plot(
        hidden,
        without,
        pen=pg.mkPen(WITHOUT_LEARNING, width=2),
        symbol="o",
        symbolSize=7,
        symbolBrush=WITHOUT_LEARNING,
        symbolPen=None,
        name="without learning (fixed random weights)",
    )
    has_learning = np.isfinite(learned)
    if has_learning.any():
        plot.plot(
            hidden[has_learning],
            learned[has_learning],
            pen=pg.mkPen(WITH_LEARNING, width=2),
            symbol="s",
            symbolSize=7,
            symbolBrush=WITH_LEARNING,
            symbolPen=None,
            name=f"with Hebbian learning (lr={settings['lr']:g})",
        )
    plot.setYRange(0, 100, padding=0.02)
    plot.setXRange(hidden.min() - 0.5, hidden.max() + 0.5, padding=0)
    _ticks(plot, "bottom", [])
    plot.getAxis("bottom").setTicks([[(h, str(int(h))) for h in hidden], []])
    widget.addItem(
        _title(
            f"{settings['activation']} activation, {settings['similarity']} similarity; "
            f"{settings.get('per_label', '?')} training digits per label; "
            f"{settings.get('split', 'val')} split of {settings.get('data_source', '?')}",
            8,
        ),
        row=2,
        col=0,
    )


# -- stage 2 --------------------------------------------------------------------------------------


def stage2_figure(result: WinRates, path: str | Path) -> None:
    """Stage 2's figure (:func:`draw_stage2`) as a PNG."""
    widget = _canvas(1500, 660)
    draw_stage2(widget.ci, result)
    _save(widget, path)


def draw_stage2(widget: pg.GraphicsLayout, result: WinRates) -> None:
    """Per label, a bar chart of the 12 win rates (%): the three controls, then the other label
    networks; the dashed line is 50% (no preference). Into an empty layout."""
    settings = result.settings
    columns = result.columns
    widget.addItem(
        _title(
            "Stage 2: how often each label's network answers its own digits with a larger norm "
            "than another network (%)",
            11,
        ),
        row=0,
        col=0,
        colspan=5,
    )
    for label in range(result.n_labels):
        plot = widget.addPlot(row=1 + label // 5, col=label % 5)
        first_column = label % 5 == 0
        _style_axes(plot, "win rate (%)" if first_column else None, None)
        shown = [j for j in range(len(columns)) if j != len(CONTROLS) + label]
        names = [SHORT_CONTROLS.get(columns[j], columns[j]) for j in shown]
        colours = [CONTROL_COLOURS[j] if j < len(CONTROLS) else LABEL_NETWORKS for j in shown]
        heights = np.nan_to_num(result.win_rate[label, shown])
        plot.addItem(
            pg.BarGraphItem(
                x=np.arange(len(shown)),
                height=heights,
                width=0.75,
                brushes=colours,
                pen=pg.mkPen(None),
            )
        )
        plot.addItem(
            pg.InfiniteLine(50, angle=0, pen=pg.mkPen("#222222", width=1.5, style=Qt.DashLine))
        )
        _ticks(plot, "bottom", names)
        plot.getAxis("bottom").setStyle(tickFont=_font(7))
        plot.setYRange(0, 100, padding=0)
        plot.setXRange(-0.6, len(shown) - 0.4, padding=0)
        for x, height in enumerate(heights):
            if height < 15:  # a bar too short to see: say its value
                value = pg.TextItem(f"{height:.0f}", color=TEXT, anchor=(0.5, 1))
                value.setFont(_font(7))
                value.setPos(x, height + 1)
                plot.addItem(value)
        plot.setTitle(
            f"digit {label} (n={result.n[label]}): mean {result.mean_over_labels[label]:.0f}%",
            color=TEXT,
            size="9pt",
        )
    widget.addItem(
        _title(
            "Opponents of network L on digits of label L: all = trained on all labels' digits, "
            "unt = untrained, uni = trained on 10% of each label's digits, then the other label "
            "networks; dashed: 50%. Mean: over the other label networks.<br>"
            f"H={settings['hidden_layers']}, lr={settings['lr']:g}, {settings['activation']}; "
            f"{settings.get('per_label', '?')} training digits per label; "
            f"{settings.get('split', 'val')} split of {settings.get('data_source', '?')}",
            8,
        ),
        row=3,
        col=0,
        colspan=5,
    )


# -- stage 3 --------------------------------------------------------------------------------------


def stage3_figure(grid: SweepGrid, path: str | Path) -> None:
    """Stage 3's figure (:func:`draw_stage3`) as a PNG."""
    widget = _canvas(1700 if grid.per_label is not None else 760, 700)
    draw_stage3(widget.ci, grid)
    _save(widget, path)


def draw_stage3(widget: pg.GraphicsLayout, grid: SweepGrid) -> None:
    """Accuracy (%) over hidden layers x learning rate: overall (with the values) and, when the
    sweep recorded them, per label; one colour scale, 0-100%. Into an empty layout."""
    settings = grid.settings
    per_label = grid.per_label
    columns = 6 if per_label is not None else 1
    widget.addItem(
        _title("Stage 3: validation accuracy (%) over hidden layers and learning rate", 11),
        row=0,
        col=0,
        colspan=columns,
    )
    order = np.argsort(grid.lrs)  # learning rate ascending, left to right
    lr_names = [f"{grid.lrs[j]:.0e}".replace("e-0", "e-") for j in order]
    h_names = [str(h) for h in grid.hidden_layers]
    colormap = pg.colormap.get("viridis")

    overall = widget.addPlot(row=1, col=0, rowspan=2)
    image = _heatmap(overall, 100 * grid.accuracy[:, order], colormap, h_names, lr_names)
    _style_axes(overall, "hidden layers H", "learning rate")
    h_best, lr_best, best = grid.best()
    overall.setTitle(
        f"all labels (best {best:.1%} at H={h_best}, lr={lr_best:.0e})", color=TEXT, size="10pt"
    )
    for i, row in enumerate(100 * grid.accuracy[:, order]):
        for j, value in enumerate(row):
            if np.isfinite(value):
                text = pg.TextItem(
                    f"{value:.0f}", color="#ffffff" if value < 55 else "#111111", anchor=(0.5, 0.5)
                )
                text.setFont(_font(7 if len(grid.lrs) > 10 else 8))
                text.setPos(j, i)
                overall.addItem(text)
    bar = pg.ColorBarItem(values=(0, 100), colorMap=colormap, interactive=False, width=14)
    bar.setImageItem(image, insert_in=overall)
    bar.axis.setTextPen(pg.mkPen(TEXT))
    bar.axis.setPen(pg.mkPen(TEXT))
    bar.axis.setLabel("accuracy (%)", color=TEXT, size="10pt")
    if per_label is not None:
        for label in range(per_label.shape[2]):
            plot = widget.addPlot(row=1 + label // 5, col=1 + label % 5)
            _heatmap(plot, 100 * per_label[:, order, label], colormap, h_names, lr_names)
            if len(lr_names) > 5:  # small panels: every other learning rate named
                _ticks(plot, "bottom", [n if j % 2 == 0 else "" for j, n in enumerate(lr_names)])
            _style_axes(plot, "H" if label % 5 == 0 else None, "lr" if label >= 5 else None)
            plot.getAxis("bottom").setStyle(tickFont=_font(6))
            plot.getAxis("left").setStyle(tickFont=_font(7))
            plot.setTitle(f"digit {label}", color=TEXT, size="9pt")
        layout = widget.layout
        layout.setColumnStretchFactor(0, 5)
        for column in range(1, columns):
            layout.setColumnStretchFactor(column, 2)
    note = (
        f"{settings['per_label']} training digits per label, {settings['activation']}, "
        f"seed {settings['seed']}; {settings['data_source']}; the paper's best: about "
        f"{PAPER_STAGE3_BEST:.0f}% (5,420 digits per label, test set)"
    )
    if per_label is None:
        note += "; this sweep CSV has no per-label accuracies"
    widget.addItem(_title(note, 8), row=3, col=0, colspan=columns)


def _heatmap(
    plot: pg.PlotItem,
    values: np.ndarray,
    colormap: pg.ColorMap,
    row_names: list[str],
    column_names: list[str],
) -> pg.ImageItem:
    """``values`` (rows x columns, %) as cells centred on integer positions, missing ones white."""
    image = pg.ImageItem(axisOrder="row-major")
    image.setImage(values, levels=(0, 100), lut=colormap.getLookupTable(nPts=256))
    image.setRect(-0.5, -0.5, values.shape[1], values.shape[0])
    plot.addItem(image)
    _ticks(plot, "bottom", column_names)
    _ticks(plot, "left", row_names)
    plot.setXRange(-0.5, values.shape[1] - 0.5, padding=0)
    plot.setYRange(-0.5, values.shape[0] - 0.5, padding=0)
    return image


# -- for the app ----------------------------------------------------------------------------------

FIGURES = ("stage1_figure", "stage2_figure", "stage3_figure")


def figure_png(
    draw: str, result: Any, started: Callable[[subprocess.Popen], None] | None = None
) -> bytes:
    """The PNG that ``draw`` (one of :data:`FIGURES`) makes of ``result``, drawn by a child
    process on Qt's offscreen platform: nothing here touches the caller's Qt objects, so a
    background thread of the app can call it.

    ``started(child)``, if given, gets the child process as soon as it runs (so that whoever
    owns the drawing can kill it: then this raises).

    Raises
    ------
    RuntimeError
        If the child process failed or was killed (its last line of error output says why).
    """
    if draw not in FIGURES:
        raise ValueError(f"no such figure: {draw}")
    with tempfile.TemporaryDirectory(prefix="hebbviz-figure-") as folder:
        path = Path(folder) / "figure.png"
        with subprocess.Popen(
            [sys.executable, "-m", "hebbviz.gui.figures", draw, str(path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        ) as child:
            if started is not None:
                started(child)
            _, errors = child.communicate(pickle.dumps(result))  # a killed child: no error
        if child.returncode != 0 or not path.is_file():
            lines = errors.decode(errors="replace").strip().splitlines()
            why = lines[-1] if lines else f"exit status {child.returncode}"
            raise RuntimeError(f"drawing the figure failed: {why}")
        return path.read_bytes()


def _main(argv: list[str]) -> int:
    """``python -m hebbviz.gui.figures DRAW PATH`` with a pickled result on stdin (from
    :func:`figure_png`, never from a user)."""
    draw, path = argv
    if draw not in FIGURES:
        raise SystemExit(f"no such figure: {draw}")
    if hasattr(os, "nice"):
        os.nice(10)  # a background job: the app's own threads (the GUI's above all) go first
    globals()[draw](pickle.load(sys.stdin.buffer), path)
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
