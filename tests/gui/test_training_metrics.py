"""Metrics and PNG export."""

from __future__ import annotations

import numpy as np
import pytest
from doubles import random_split

from hebbviz.errors import HebbvizError
from hebbviz.evaluation import score
from hebbviz.gui.classroom import save_png
from hebbviz.models.base import winning_labels


def test_metrics_show_an_evaluation_and_a_click_puts_a_digit_on_the_canvas(window, qtbot):
    split = random_split(40, seed=3)
    norms = np.eye(10)[split.labels] + 0.01
    norms[:5] = np.eye(10)[(split.labels[:5] + 1) % 10]  # the first five answered wrong
    metrics = window.metrics_view
    metrics.show_evaluation(score(norms, split.labels), split, winning_labels(norms))
    assert "87.5%" in metrics.summary.text()
    np.testing.assert_array_equal(metrics.confusion.array.sum(), 40)
    buttons = [metrics.gallery_layout.itemAt(i).widget() for i in range(5)]
    assert metrics.gallery_layout.count() == 5
    assert window.canvas.is_blank()
    buttons[2].click()
    assert not window.canvas.is_blank()
    qtbot.waitUntil(lambda: window.prediction() is not None, timeout=2000)


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
