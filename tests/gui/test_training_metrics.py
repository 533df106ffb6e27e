"""Metrics and PNG export."""

from __future__ import annotations

import numpy as np
import pytest
from doubles import random_split
from PySide6.QtWidgets import QScrollArea

from hebbviz.errors import HebbvizError
from hebbviz.evaluation import score
from hebbviz.gui.classroom import save_png
from hebbviz.models.base import winning_labels


def test_metrics_explain_their_empty_state_before_any_evaluation(window):
    metrics = window.metrics_view
    window.tabs.setCurrentWidget(metrics)
    assert "not evaluated yet" in metrics.summary.text().lower()
    for name, placeholder in metrics.placeholders.items():
        assert not placeholder.showing_content(), name
        assert (
            placeholder.message.isVisible() and "after an evaluation" in placeholder.message.text()
        )
    assert not metrics.confusion.isVisible()  # no empty matrix with made-up ticks and colours


def evaluated(window, wrong: int = 5):
    """The metrics of a made-up evaluation of 40 digits, the first ``wrong`` answered wrong."""
    split = random_split(40, seed=3)
    norms = np.eye(10)[split.labels] + 0.01
    norms[:wrong] = np.eye(10)[(split.labels[:wrong] + 1) % 10]
    metrics = window.metrics_view
    metrics.show_evaluation(score(norms, split.labels), split, winning_labels(norms))
    return metrics, split


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_metrics_matrices_are_square_titled_and_the_gallery_is_whole(window, qtbot, size):
    window.resize(*size)
    metrics, _ = evaluated(window, wrong=30)
    window.tabs.setCurrentWidget(metrics)
    qtbot.waitUntil(lambda: metrics.confusion.isVisible())
    assert all(placeholder.showing_content() for placeholder in metrics.placeholders.values())
    for heatmap in (metrics.confusion, metrics.win_rate):
        box = heatmap.plot.vb.sceneBoundingRect()  # where the matrix is drawn, axes aside
        assert abs(box.width() - box.height()) < 0.15 * box.width()  # not a tall, thin plot
        assert box.width() > 150
    assert metrics.confusion.plot.getAxis("left").labelText == "true label"
    assert metrics.confusion.plot.getAxis("bottom").labelText == "answered"
    gallery = metrics.gallery
    assert len(gallery.buttons) == 30
    assert not [w for w in _ancestors(gallery) if isinstance(w, QScrollArea)][1:]  # the page's only
    # made when shown (not while hidden behind another tab), laid out by the first frame
    qtbot.waitUntil(
        lambda: gallery.height() >= gallery.heightForWidth(gallery.width()), timeout=500
    )
    for button in gallery.buttons:  # every one whole, none cut off
        assert gallery.rect().contains(button.geometry())


def _ancestors(widget):
    while widget is not None:
        yield widget
        widget = widget.parentWidget()


def test_a_click_on_a_misread_digit_shows_it_answered_with_its_true_label(window, qtbot):
    metrics, split = evaluated(window)
    assert not metrics.isVisible() and not metrics.gallery.buttons  # made once in sight
    window.tabs.setCurrentWidget(metrics)
    assert len(metrics.gallery.buttons) == 5
    assert window.canvas.is_blank()
    metrics.gallery.buttons[2].click()
    assert window.tabs.currentWidget() is window.central.answer_page
    assert not window.canvas.is_blank()
    note = window.central.note
    assert note.isVisible() and f"validation digit 2, true label {split.labels[2]}" in note.text()
    qtbot.waitUntil(lambda: window.prediction() is not None, timeout=2000)
    window.canvas.clear()
    assert not note.isVisible()


def test_metrics_of_a_model_replaced_are_gone(window):
    metrics, _ = evaluated(window)
    window.session.load_default_model()
    assert metrics.evaluation is None and not metrics.gallery.buttons
    assert not metrics.placeholders["confusion"].showing_content()


def test_any_view_exports_as_png(window, tmp_path):
    path = tmp_path / "weights.png"
    save_png(window.weight_view, path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(HebbvizError, match="png"):
        save_png(window.weight_view, tmp_path / "weights.jpg")
    with pytest.raises(HebbvizError, match="no such folder"):
        save_png(window.weight_view, tmp_path / "missing" / "w.png")


def test_the_response_view_shows_the_win_rates_of_a_small_model(window, qtbot, mnist_dir):
    """An itoh model trained briefly on real digits: each label's network beats the others on
    its own digits far more often than not; the view shows the evaluation's table."""
    from idx_files import read_pair

    from hebbviz.data.dataset import Dataset, balance, split_validation
    from hebbviz.models.itoh import ItohNetworks
    from hebbviz.training import train

    train_split, val = split_validation(read_pair(mnist_dir).subset(slice(0, 500)), 0.3)
    model = ItohNetworks(n_labels=10, hidden_layers=2, lr=1e-6)
    for _ in train(model, balance(train_split)):
        pass
    session = window.session
    session.set_dataset(Dataset("500 MNIST digits", tuple("0123456789"), train_split, val))
    session.set_model(model, {"rule": "itoh"})
    metrics = window.metrics_view
    metrics.evaluation = None
    window.training.evaluate()
    qtbot.waitUntil(lambda: metrics.evaluation is not None, timeout=30_000)
    table = metrics.evaluation.win_rate
    assert table.shape == (10, 10) and np.isnan(np.diag(table)).all()
    assert np.nanmean(table) > 60  # each network mostly answers its own digits longest
    np.testing.assert_array_equal(metrics.win_rate.array, table)
    assert metrics.response_kind.currentText() == "win rate (%)"
    assert metrics.win_rate.isVisibleTo(metrics) and not metrics.response.isVisibleTo(metrics)
    metrics.response_kind.setCurrentIndex(1)
    assert metrics.response.isVisibleTo(metrics) and not metrics.win_rate.isVisibleTo(metrics)
    assert "network 3" in metrics._describe_win_rate(2, 3, 80.0)
