"""The live views of a model with a shared layer (rule ``strokes``): the Detectors tab follows the
first stage of a run, the Answer view shows where the detectors fired (and only for rules that
declare firing maps), the Weights tab says its images are back-projections."""

from __future__ import annotations

import numpy as np
import pytest

from hebbviz.data.sources import open_dataset
from hebbviz.gui.firing_maps import SHOWN
from hebbviz.gui.session import default_model_path
from hebbviz.gui.training_controller import RunSettings
from hebbviz.modelfile import load_model

ASSETS = default_model_path().parent

SMALL = RunSettings(
    "strokes",
    {"k": 4, "n_detectors": 8, "detector_patches": 20_000, "detector_epochs": 2},
    per_label=30,
    rate=2000.0,
)
"""A strokes run whose first stage takes about 20 s at its rate: surely mid-stage when looked at."""


def open_asset(window, name: str) -> None:
    model, metadata = load_model(ASSETS / name)
    window.session.set_model(model, metadata, ASSETS / name)


def test_the_detector_grid_follows_the_first_stage_of_a_run(window, mnist_dir, qtbot):
    window.session.set_dataset(open_dataset(mnist_dir, None))
    tabs, view = window.tabs, window.detector_view
    tabs.setCurrentWidget(view)
    assert window.training.start(SMALL)
    qtbot.waitUntil(lambda: window.training.worker.shared is not None, timeout=20_000)
    assert tabs.isTabVisible(tabs.indexOf(view))
    worker = window.training.worker
    seen: list = [None]
    for _ in range(2):  # two snapshots of the layer, one after the other, each shown
        qtbot.waitUntil(
            lambda: view.shown is worker.shared and view.shown is not seen[-1], timeout=5000
        )
        seen.append(view.shown)
        assert 0 <= view.shown.seen < view.shown.total
        np.testing.assert_array_equal(view.grid.array[:5, :5], view.shown.images[0])
    assert seen[2].seen > seen[1].seen
    assert "Learning:" in view.progress.text()
    status = window.training_panel.status
    qtbot.waitUntil(lambda: status.text().startswith("First stage: "), timeout=2000)
    window.training.stop()
    qtbot.waitUntil(lambda: window.training.trainer.idle, timeout=10_000)
    assert window.session.model.seen.sum() == 0  # stopped in the first stage


def test_a_step_in_the_first_stage_frames_the_winner(window, mnist_dir, qtbot):
    window.session.set_dataset(open_dataset(mnist_dir, None))
    view = window.detector_view
    window.tabs.setCurrentWidget(view)
    window.training.step(SMALL)  # a paused run; its first step
    qtbot.waitUntil(
        lambda: view.shown is not None and view.shown.winner is not None, timeout=20_000
    )
    assert view.winner_box.isVisible() and view.patch.isVisible()
    assert f"unit {view.shown.winner}" in view.patch_text.text()
    window.training.stop()
    qtbot.waitUntil(lambda: window.training.trainer.idle, timeout=10_000)


@pytest.mark.parametrize("name, maps", [("default-strokes.npz", True), ("default-oja.npz", False)])
def test_the_answer_shows_where_detectors_fired_only_for_rules_with_firing_maps(
    window, mnist_dir, name, maps
):
    open_asset(window, name)
    digit = open_dataset(mnist_dir, None).val.images[0]
    window.canvas.show_digit(digit)
    window.refresh_answer()
    firing, tabs = window.central.firing, window.tabs
    assert firing.isVisibleTo(window) == maps
    assert tabs.isTabVisible(tabs.indexOf(window.detector_view)) == maps
    if maps:
        expected, _ = window.session.model.firing_maps(window.canvas.framed_image())
        strongest = np.argsort(-expected.sum(axis=(1, 2)), kind="stable")[:SHOWN]
        assert firing.units_shown == strongest.tolist()
        np.testing.assert_allclose(firing.maps[0].image, expected[strongest[0]], rtol=1e-6)
        assert "back-projection" in window.weight_view.caption.text().lower()
    else:
        assert firing.units_shown == []


def test_detector_maps_are_blanked_when_a_rule_without_them_answers(window, mnist_dir):
    window.canvas.show_digit(open_dataset(mnist_dir, None).val.images[0])
    firing = window.central.firing

    def blank() -> bool:
        return (
            firing.units_shown == []
            and firing.maps[0].image.max() == 0
            and all(title.text.strip() == "" for title in firing.titles)
        )

    for name in ("default-oja.npz", "default-strokes.npz", "default-oja.npz"):
        open_asset(window, name)
        for _ in range(2):  # each answer again: shown again, or left blank
            window.refresh_answer()
            assert blank() == (name == "default-oja.npz")


def test_count_fields_take_the_defaults_of_every_rule(window):
    panel = window.training_panel
    panel.rule_choice.setCurrentText("strokes")
    assert panel.settings().params["detector_patches"] == 200_000
