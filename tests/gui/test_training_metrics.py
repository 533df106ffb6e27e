"""Metrics, classroom view and PNG export."""

from __future__ import annotations

import numpy as np
import pytest
from doubles import random_split

from hebbviz.errors import HebbvizError
from hebbviz.evaluation import score
from hebbviz.gui.classroom import CLASSROOM_STYLE, save_png
from hebbviz.models.base import winning_labels


def test_metrics_show_an_evaluation_and_a_click_puts_a_digit_on_the_canvas(window, qtbot):
    split = random_split(40, seed=3)
    norms = np.eye(10)[split.labels] + 0.01
    norms[:5] = np.eye(10)[(split.labels[:5] + 1) % 10]  # the first five answered wrong
    metrics = window.metrics_view
    metrics.show_evaluation(score(norms, split.labels), split, winning_labels(norms))
    assert "87.5%" in metrics.summary.text()
    np.testing.assert_array_equal(metrics.confusion.image.image.sum(), 40)
    buttons = [metrics.gallery_layout.itemAt(i).widget() for i in range(5)]
    assert metrics.gallery_layout.count() == 5
    assert window.canvas.is_blank()
    buttons[2].click()
    assert not window.canvas.is_blank()
    qtbot.waitUntil(lambda: window.prediction() is not None, timeout=2000)


def test_classroom_view_toggles_full_screen_and_back(window, qtbot):
    classroom = window.classroom
    classroom.set_active(True)
    assert window.isFullScreen() and window.styleSheet() == CLASSROOM_STYLE
    classroom.set_active(False)
    assert not window.isFullScreen() and window.styleSheet() == ""


def test_any_view_exports_as_png(window, tmp_path):
    path = tmp_path / "weights.png"
    save_png(window.weight_view, path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(HebbvizError, match="png"):
        save_png(window.weight_view, tmp_path / "weights.jpg")
    with pytest.raises(HebbvizError, match="no such folder"):
        save_png(window.weight_view, tmp_path / "missing" / "w.png")
