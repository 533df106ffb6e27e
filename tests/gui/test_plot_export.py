"""Any plot as PNG, SVG or CSV: the files' contents, atomic writes, the right-click menu."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ElementTree

import numpy as np
import pytest
from doubles import random_split
from PIL import Image
from PySide6.QtCore import QPoint
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication, QMenu

from hebbviz.errors import HebbvizError
from hebbviz.evaluation import score
from hebbviz.gui.plot_export import FORMATS, PNG_SCALE, plot_bytes, plot_under, save_plot
from hebbviz.models.base import winning_labels


@pytest.fixture
def metrics(window):
    split = random_split(40, seed=3)
    norms = np.eye(10)[split.labels] + 0.01
    norms[:5] = np.eye(10)[(split.labels[:5] + 1) % 10]
    evaluation = score(norms, split.labels)
    window.metrics_view.show_evaluation(evaluation, split, winning_labels(norms))
    window.tabs.setCurrentWidget(window.metrics_view)
    return window.metrics_view, evaluation


def test_a_plot_exports_as_png_svg_and_csv(metrics, tmp_path):
    view, evaluation = metrics
    plot = view.per_label
    for kind in ("png", "svg", "csv"):
        save_plot(plot, tmp_path / f"per-label.{kind}")
    with Image.open(tmp_path / "per-label.png") as picture:
        assert picture.width == PNG_SCALE * int(plot.centralWidget.boundingRect().width())
        shades = picture.convert("L").histogram()  # pixels per gray level
        assert sum(count > 0 for count in shades) > 10  # drawn, not blank
    root = ElementTree.parse(tmp_path / "per-label.svg").getroot()
    assert root.tag.endswith("svg") and len(list(root.iter())) > 20
    rows = list(csv.reader(io.StringIO((tmp_path / "per-label.csv").read_text())))
    assert rows[0] == ["x", "height"]
    heights = np.array([float(height) for _, height in rows[1:]])
    np.testing.assert_allclose(heights, np.nan_to_num(100 * evaluation.per_label))
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "per-label.csv",
        "per-label.png",
        "per-label.svg",
    ]  # no temporary file left beside them


def test_a_heatmap_and_a_curve_export_their_data(metrics, tmp_path):
    view, evaluation = metrics
    save_plot(view.confusion.graphics, tmp_path / "confusion.csv")
    table = np.loadtxt(tmp_path / "confusion.csv", delimiter=",")
    np.testing.assert_array_equal(table, evaluation.confusion)
    view.curve.add_point(100, 0.5)
    view.curve.add_point(200, 0.75)
    rows = list(csv.reader(io.StringIO(plot_bytes(view.curve, "csv").decode())))
    assert [[float(v) for v in row] for row in rows[1:]] == [[100, 50], [200, 75]]


def test_exports_refuse_a_bad_name_or_folder_or_an_empty_plot(window, tmp_path):
    plot = window.metrics_view.curve
    with pytest.raises(HebbvizError, match=r"\.png, \.svg or \.csv"):
        save_plot(plot, tmp_path / "curve.gif")
    with pytest.raises(HebbvizError, match="no such folder"):
        save_plot(plot, tmp_path / "missing" / "curve.png")
    with pytest.raises(HebbvizError, match="no data"):
        save_plot(plot, tmp_path / "curve.csv")
    assert not list(tmp_path.iterdir())


def test_a_right_click_on_a_plot_offers_its_exports(metrics, qtbot):
    view, _ = metrics
    plot = view.confusion.graphics
    assert plot_under(plot.viewport()) is plot
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, QPoint(20, 20), QPoint(50, 50))
    QApplication.sendEvent(plot.viewport(), event)
    menus = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMenu) and w.isVisible()]
    assert len(menus) == 1
    texts = [action.text() for action in menus[0].actions()]
    assert texts == [f"Export this plot as {kind}..." for kind in FORMATS.values()]
    menus[0].close()
