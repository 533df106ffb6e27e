"""The Training dock: a run trains the window's model and feeds the views; closing the window or
Reset mid-run stops the worker cleanly; failures and diverged networks are reported."""

from __future__ import annotations

import re

import numpy as np
import pytest
from doubles import random_dataset, random_split

from hebbviz.gui.training_panel import RATES


@pytest.fixture
def panel(window):
    window.session.set_dataset(random_dataset(200, 60))
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
    from hebbviz.gui.training_controller import RunSettings
    from hebbviz.models import RULES

    monkeypatch.setitem(RULES, "out-of-ink", "doubles:OutOfInk")
    window.training.start(RunSettings("out-of-ink"))
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

    def learned() -> int:
        count = re.search(r"([\d,]+) images learned", window.model_label.full_text())
        return int(count.group(1).replace(",", "")) if count else 0

    # the first refresh may read the model before the run's is the session's: the next counts
    qtbot.waitUntil(lambda: "Model: training" in window.model_label.full_text(), timeout=2000)
    qtbot.waitUntil(lambda: learned() > 0, timeout=5000)
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
    worker, feeds, view = window.training.worker, window.live_feeds, window.weight_view
    assert feeds.worker is None and view.feed is None and window.session.model is old
    qtbot.waitUntil(lambda: window.session.model is worker.model, timeout=30_000)
    assert feeds.worker is worker and view.feed is not None
    caption = type(worker.model).weight_caption.format(rule="itoh")
    assert view.one_label and view.caption.text() == caption  # it shows the run's model
    window.training.stop()
    assert feeds.worker is None and view.feed is None


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


def test_speed_and_eta_count_the_run_s_wall_time_not_only_learning():
    """Learning 100 images takes 0.1 s, measuring the accuracy 0.9 s more: 100 images/s."""
    from hebbviz.gui.training_widgets import SpeedMeter

    now = [0.0]
    meter = SpeedMeter(clock=lambda: now[0])
    assert meter.add(0) is None
    for second in range(1, 6):
        now[0] = float(second)
        speed = meter.add(100 * second)
    assert speed == pytest.approx(100.0)
    meter.restart()  # paused for a minute: not counted
    now[0] += 60
    assert meter.add(500) is None
    now[0] += 2
    assert meter.add(700) == pytest.approx(100.0)


def test_the_count_is_beside_the_progress_bar_not_under_its_fill(panel, window, qtbot):
    from hebbviz.training_run import Progress

    panel.show_started(6000)
    panel.show_progress(Progress(1234, 6000, 5000.0))
    assert not panel.progress.isTextVisible()
    assert panel.rate_label.text().startswith("1,234 of 6,000 images")


def test_the_accuracy_curve_explains_its_empty_state_and_spans_each_new_run(window):
    import pyqtgraph as pg

    curve = window.training_panel.curve
    bottom = curve.getAxis("bottom")
    assert curve.empty.isVisible() and "No accuracy yet" in curve.empty.toPlainText()
    assert not bottom.style["showValues"]  # no 0.2 ... 0.8 of nothing
    curve.clear_points(6000)
    curve.add_point(3000, 0.9)
    assert not curve.empty.isVisible() and bottom.style["showValues"]
    assert curve.viewRange()[0][1] == pytest.approx(6000, rel=0.05)
    curve.clear_points(300)  # a new, shorter run: the axis is its own
    assert curve.viewRange()[0][1] == pytest.approx(300, rel=0.05)
    assert bottom.tickStrings([20_000, 40_000], 1, 20_000) == ["20k", "40k"]  # short: no overlap
    in_plot = [i for i in curve.getViewBox().allChildren() if isinstance(i, pg.TextItem)]
    assert not any("paper" in item.toPlainText() for item in in_plot)  # beside, never over


def test_start_stays_put_whatever_the_rule_s_form(window):
    from PySide6.QtWidgets import QApplication

    from hebbviz.models import RULES

    panel = window.training_panel
    places = set()
    for rule in RULES:
        panel.rule_choice.setCurrentText(rule)
        QApplication.processEvents()
        places.add(panel.start_button.mapTo(window, panel.start_button.rect().topLeft()).toTuple())
    assert len(places) == 1, places


def test_a_step_does_not_squeeze_the_settings(panel, window, qtbot):
    from PySide6.QtCore import QSize
    from PySide6.QtWidgets import QApplication

    window.resize_to(QSize(1350, 680))  # what a 1366x768 screen leaves a window
    QApplication.processEvents()
    before = panel.settings_scroll.height()
    panel.step_button.click()
    qtbot.waitUntil(lambda: "Learned one" in panel.step_view.caption.text(), timeout=60_000)
    QApplication.processEvents()
    assert panel.extras.currentWidget() is panel.step_view
    assert panel.settings_scroll.height() >= before - 30  # a status line more at most
    window.training.stop()
