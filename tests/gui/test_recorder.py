"""Recording the Weights view as an animated GIF: its frames, the file, the menu entry."""

from __future__ import annotations

import numpy as np
import pytest
from doubles import random_dataset
from PIL import Image, ImageSequence

from hebbviz.errors import HebbvizError
from hebbviz.gui import main_window
from hebbviz.gui.recorder import MAX_SIDE, Recording, frame_pixels, gif_bytes, write_gif
from hebbviz.gui.training_panel import RATES


def gif_frames(path) -> list[tuple[np.ndarray, int]]:
    """Every frame of a GIF (RGB) with its duration in milliseconds. (Pillow writes a frame
    identical to the one before as one longer frame.)"""
    with Image.open(path) as gif:
        return [
            (np.asarray(frame.convert("RGB")), frame.info["duration"])
            for frame in ImageSequence.Iterator(gif)
        ]


@pytest.fixture
def training(window, qtbot):
    """The window training oja slowly on random digits, the Weights tab shown."""
    window.session.set_dataset(random_dataset(2000, 60))
    panel = window.training_panel
    panel.rule_choice.setCurrentText("oja")
    panel.params.fields["k"].setValue(4)
    panel.speed.setValue(RATES.index(100))
    window.tabs.setCurrentWidget(window.weight_view)
    panel.start_button.click()
    qtbot.waitUntil(lambda: window.training.worker is not None, timeout=10_000)
    worker = window.training.worker
    qtbot.waitUntil(
        lambda: worker.progress is not None and worker.progress.seen > 0, timeout=60_000
    )
    yield window
    window.training.stop()


def test_a_recording_while_training_has_its_frames_and_they_change(training, qtbot, tmp_path):
    window, path = training, tmp_path / "weights.gif"
    with qtbot.waitSignal(window.recorder.saved, timeout=60_000) as saved:
        window.recorder.start(Recording(fps=10, seconds=1.0, path=path))
    assert saved.args == [str(path)]
    frames = gif_frames(path)
    assert sum(duration for _, duration in frames) == 10 * 100  # ten frames of 100 ms
    assert all(duration % 100 == 0 for _, duration in frames)
    expected = frame_pixels(window.weight_view.grab().toImage()).shape
    assert all(frame.shape == expected for frame, _ in frames) and max(expected) <= MAX_SIDE
    assert len(frames) > 1 and not np.array_equal(frames[0][0], frames[-1][0])  # it learned
    with Image.open(path) as gif:
        assert gif.info["loop"] == 0
    assert [p.name for p in tmp_path.iterdir()] == ["weights.gif"]  # written atomically


def test_the_menu_entry_asks_records_and_stops_early(window, qtbot, tmp_path, monkeypatch):
    path = tmp_path / "early.gif"
    monkeypatch.setattr(main_window, "ask_recording", lambda parent: Recording(5, 20.0, path))
    record = window.menu_actions["record"]
    record.trigger()
    assert window.tabs.currentWidget() is window.weight_view and window.recorder.active()
    qtbot.waitUntil(lambda: len(window.recorder.frames) >= 3, timeout=10_000)
    with qtbot.waitSignal(window.recorder.saved, timeout=30_000):
        record.trigger()  # again: stop now, keep what it has
    assert not window.recorder.active()
    assert 3 * 200 <= sum(duration for _, duration in gif_frames(path)) < 20 * 1000
    assert "Recorded" in window.statusBar().currentMessage()


def test_a_gif_holds_every_frame_at_its_rate(tmp_path):
    rng = np.random.default_rng(0)
    frames = [rng.integers(0, 256, (30, 40, 3), dtype=np.uint8) for _ in range(7)]
    (tmp_path / "a.gif").write_bytes(gif_bytes(frames, fps=20))
    with Image.open(tmp_path / "a.gif") as gif:
        assert gif.n_frames == 7 and gif.size == (40, 30) and gif.info["duration"] == 50
    with pytest.raises(HebbvizError, match="cannot write"):
        write_gif(frames, 20, tmp_path / "missing" / "a.gif")
