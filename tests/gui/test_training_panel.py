"""The Training dock: a run trains the window's model and feeds the views; closing the window or
Reset mid-run stops the worker cleanly; failures and diverged networks are reported."""

from __future__ import annotations

import re

import numpy as np
import pytest
from doubles import random_split

from hebbviz.data.dataset import DIGIT_CLASSES, Dataset
from hebbviz.gui.training_panel import RATES


@pytest.fixture
def panel(window):
    window.session.set_dataset(
        Dataset("random test digits", DIGIT_CLASSES, random_split(200), random_split(60, seed=2))
    )
    panel = window.training_panel
    panel.rule_choice.setCurrentText("oja")
    panel.params.fields["k"].setValue(4)
    panel.per_label.setValue(10)
    panel.epochs.setValue(1)
    return panel


def test_start_trains_a_new_model_and_feeds_the_views(panel, window, qtbot):
    window.tabs.setCurrentWidget(window.weight_view)
    old = window.session.model
    panel.start_button.click()
    assert window.training.worker is not None
    qtbot.waitUntil(lambda: window.session.model is not old, timeout=10_000)  # made off-thread
    qtbot.waitUntil(lambda: window.training.worker is None, timeout=60_000)
    assert window.session.model.seen.tolist() == [10] * 10
    assert panel.progress.value() == panel.progress.maximum() == 100
    assert panel.curve.accuracy, "the accuracy curve got no point"
    assert "Finished" in panel.status.text()
    qtbot.waitUntil(lambda: window.weight_view.redraws > 0, timeout=5000)
    qtbot.waitUntil(lambda: window.metrics_view.evaluation is not None, timeout=30_000)
    assert window.metrics_view.evaluation.n == 60


def test_step_learns_one_image_and_shows_its_change(panel, window, qtbot):
    panel.step_button.click()
    qtbot.waitUntil(lambda: int(window.session.model.seen.sum()) == 1, timeout=60_000)
    qtbot.waitUntil(lambda: "Learned one" in panel.step_view.caption.text(), timeout=5000)
    assert panel.pause_button.isChecked()
    window.training.stop()


def test_closing_the_window_mid_training_leaves_no_running_thread(panel, window, qtbot):
    panel.speed.setValue(RATES.index(30))
    panel.start_button.click()
    worker = window.training.worker
    qtbot.waitUntil(lambda: worker.progress.seen > 0, timeout=60_000)
    window.close()  # the only time the GUI waits (briefly) for a run's thread
    assert not worker.running
    assert window.training.worker is None
    assert worker.progress.seen < worker.total


def test_reset_mid_training_stops_and_shows_an_untrained_model(panel, window, qtbot):
    panel.speed.setValue(RATES.index(30))
    panel.start_button.click()
    worker = window.training.worker
    qtbot.waitUntil(lambda: worker.progress.seen > 0, timeout=60_000)
    trained = window.session.model
    panel.reset_button.click()
    assert window.training.worker is None  # at once: the GUI does not wait for the thread
    qtbot.waitUntil(lambda: not worker.running, timeout=5000)
    qtbot.waitUntil(lambda: window.session.model is not trained, timeout=10_000)
    assert window.session.model.seen.sum() == 0
    assert window.session.model.params()["k"] == 4


def test_a_failing_run_becomes_a_message(panel, window, qtbot, monkeypatch):
    from hebbviz.models.oja import OjaSubspace

    def broken(self, images, labels):
        raise RuntimeError("out of ink")

    monkeypatch.setattr(OjaSubspace, "learn_many", broken)
    panel.start_button.click()
    qtbot.waitUntil(lambda: window.training.worker is None, timeout=10_000)
    assert "out of ink" in panel.status.text()
    assert window.isVisible()


def test_diverged_networks_are_reported(panel, window, qtbot):
    panel.params.fields["lr"].setText("1e6")
    panel.start_button.click()
    qtbot.waitUntil(lambda: window.training.worker is None, timeout=60_000)
    assert window.session.model.diverged.any()
    assert "diverged" in panel.status.text().lower()
    assert np.isnan(window.session.model.label_norms(random_split(3).images)).any()


def test_the_status_bar_follows_training(panel, window, qtbot):
    panel.speed.setValue(RATES.index(300))
    panel.start_button.click()
    worker = window.training.worker
    qtbot.waitUntil(lambda: 20 <= worker.progress.seen < worker.total, timeout=60_000)
    qtbot.waitUntil(lambda: "Model: training" in window.model_label.full_text(), timeout=2000)
    learned = re.search(r"([\d,]+) images learned", window.model_label.full_text())
    assert learned and int(learned.group(1).replace(",", "")) > 0, window.model_label.full_text()
    panel.pause()
    qtbot.waitUntil(lambda: "training, paused" in window.model_label.full_text(), timeout=2000)
    panel.pause(False)
    qtbot.waitUntil(lambda: window.training.worker is None, timeout=60_000)
    text = window.model_label.full_text()
    assert "trained here, not saved" in text and "100 images learned" in text
    assert "validation accuracy" in text  # measured on the whole validation split at the end


def test_the_data_set_is_named_short_with_the_full_source_in_a_tooltip(window, mnist_dir):
    from hebbviz.data.sources import open_folder

    window.session.set_dataset(open_folder(mnist_dir))
    assert window.data_label.full_text() == f"data: MNIST, folder {mnist_dir.name}"
    assert str(mnist_dir) in window.data_label.toolTip()


def test_the_weights_tab_is_fed_by_a_run_only_once_its_model_is_shown(panel, window, qtbot):
    """Between Start and the new model (made in the run's thread), the tab shows the old model
    and must not take the new one's weights (another rule's may not even fit its layout)."""
    panel.rule_choice.setCurrentText("itoh")  # a heavy model, made off the GUI thread
    panel.speed.setValue(RATES.index(30))
    old = window.session.model
    panel.start_button.click()
    worker = window.training.worker
    assert window.weight_view.feed is None and window.session.model is old
    qtbot.waitUntil(lambda: window.session.model is worker.model, timeout=30_000)
    assert window.weight_view.feed is worker and window.weight_view.model is worker.model
    window.training.stop()
    assert window.weight_view.feed is None


def test_opening_a_model_leaves_nothing_of_the_run_before(panel, window, qtbot, tmp_path):
    from hebbviz.modelfile import save_model
    from hebbviz.models import rule_class

    panel.step_button.click()
    qtbot.waitUntil(lambda: "Learned one" in panel.step_view.caption.text(), timeout=60_000)
    window.training.stop()
    assert panel.progress.value() == 1
    path = tmp_path / "itoh.npz"
    save_model(path, rule_class("itoh")(hidden_layers=2), {})
    assert window.files.open_model(path)
    assert panel.rule_choice.currentText() == "itoh"
    assert panel.progress.value() < panel.progress.minimum()  # reset: no count shown
    assert "Learned one" not in panel.step_view.caption.text()
