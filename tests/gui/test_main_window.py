"""The main window: real digits drawn with the mouse, the answer, model files, settings,
screenshots, and the rule that nothing outside hebbviz/gui imports Qt."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QTextBrowser

from hebbviz.data.sources import open_folder
from hebbviz.gui import style
from hebbviz.gui.contributions import CONTRIBUTIONS, PICTURES, RECONSTRUCTIONS
from hebbviz.gui.main_window import MainWindow
from hebbviz.gui.session import default_model_path
from hebbviz.modelfile import load_model
from hebbviz.models import rule_class

NEIGHBOURS = [(-1, 0), (0, 1), (1, 0), (0, -1), (-1, 1), (1, 1), (1, -1), (-1, -1)]
"""8-connectivity, the 4 direct neighbours first (traced strokes prefer straight steps)."""


# ---------------------------------------------------------------------------------------------
# Turning a digit's ink into pen strokes
# ---------------------------------------------------------------------------------------------


def skeleton(ink: np.ndarray) -> np.ndarray:
    """Zhang-Suen thinning of a boolean image: the ink's one-pixel-wide centre lines."""
    image = np.pad(ink.astype(bool), 1)
    changed = True
    while changed:
        changed = False
        for step in (0, 1):
            p = [np.roll(image, (-dr, -dc), axis=(0, 1)) for dr, dc in _CLOCKWISE]
            count = sum(n.astype(int) for n in p)
            ring = p + [p[0]]
            transitions = sum((~a & b).astype(int) for a, b in zip(ring, ring[1:], strict=False))
            n, e, s, w = p[0], p[2], p[4], p[6]
            sides = (~(n & e & s) & ~(e & s & w), ~(n & e & w) & ~(n & s & w))[step]
            remove = image & (count >= 2) & (count <= 6) & (transitions == 1) & sides
            if remove.any():
                image &= ~remove
                changed = True
    return image[1:-1, 1:-1]


_CLOCKWISE = [(-1, 0), (-1, 1), (0, 1), (1, 1), (1, 0), (1, -1), (0, -1), (-1, -1)]
"""Zhang-Suen's neighbour order P2..P9: north, then clockwise."""


def trace(pixels: np.ndarray) -> list[list[tuple[int, int]]]:
    """Pen strokes (lists of (row, col)) that visit every pixel of a skeleton, each step to an
    adjacent pixel; a new stroke starts where the last one branched off."""
    todo = {(int(r), int(c)) for r, c in zip(*np.nonzero(pixels), strict=True)}

    def neighbours(pixel: tuple[int, int]) -> list[tuple[int, int]]:
        return [(pixel[0] + dr, pixel[1] + dc) for dr, dc in NEIGHBOURS]

    strokes = []
    done: set[tuple[int, int]] = set()
    while todo:
        # start at an end of a line if there is one, else anywhere; continue from drawn ink
        ends = [p for p in todo if sum(n in todo for n in neighbours(p)) <= 1]
        start = min(ends or todo)
        joined = [n for n in neighbours(start) if n in done]
        stroke = [joined[0], start] if joined else [start]
        todo.discard(start)
        done.add(start)
        while True:
            following = [n for n in neighbours(stroke[-1]) if n in todo]
            if not following:
                break
            stroke.append(following[0])
            todo.discard(following[0])
            done.add(following[0])
        strokes.append(stroke)
    return strokes


def strokes_of(digit: np.ndarray) -> list[list[tuple[float, float]]]:
    """A digit's skeleton traced as strokes in unit canvas coordinates."""
    lines = trace(skeleton(digit >= 128))
    return [[((c + 0.5) / 28, (r + 0.5) / 28) for r, c in line] for line in lines]


# ---------------------------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mnist(mnist_dir):
    return open_folder(mnist_dir)


@pytest.fixture
def known_digits(mnist) -> list[tuple[int, np.ndarray]]:
    """The first validation digit of every label (unseen in training), with its label."""
    val = mnist.val
    return [(label, val.images[np.flatnonzero(val.labels == label)[0]]) for label in range(10)]


@pytest.fixture
def messages(monkeypatch) -> list[tuple[str, str]]:
    """Message boxes the window shows, captured (title, text) instead of shown modally."""
    shown: list[tuple[str, str]] = []

    def capture(parent, title, text, *args, **kwargs):
        shown.append((title, text))
        return QMessageBox.StandardButton.Ok

    for kind in ("warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, kind, capture)
    return shown


# ---------------------------------------------------------------------------------------------
# Drawing and the answer
# ---------------------------------------------------------------------------------------------


def test_the_default_model_reads_real_digits_drawn_with_the_mouse(
    window, draw, known_digits, qtbot
):
    assert default_model_path().is_file(), f"{default_model_path()} is missing"
    assert window.session.model.rule == "strokes" and window.session.model.seen.sum() > 0
    readings = []
    for label, digit in known_digits:
        window.canvas.clear()
        draw(window.canvas, strokes_of(digit))
        qtbot.waitUntil(lambda: not window.answer_pending(), timeout=2000)
        readings.append((label, window.prediction()))
    correct = sum(str(label) == reading for label, reading in readings)
    print(f"drawn digits read correctly: {correct}/10 {readings}")
    assert correct == 10, readings


def test_a_digit_drawn_small_in_a_corner_is_read_as_drawn_large(window, draw, known_digits, qtbot):
    """The pen keeps its width on screen, but the strokes are scaled with the digit before
    framing: a small digit is not framed as a fat blob (a small 3 was read as 2)."""
    for label, digit in known_digits:
        strokes = strokes_of(digit)
        framed = []
        for scale, corner in ((1.0, 0.0), (0.2, 0.03), (0.2, 0.75)):
            window.canvas.clear()
            draw(
                window.canvas,
                [
                    [(corner + scale * x, corner + scale * y) for x, y in stroke]
                    for stroke in strokes
                ],
            )
            qtbot.waitUntil(lambda: not window.answer_pending(), timeout=2000)
            assert window.prediction() == str(label), (label, scale, corner)
            framed.append(window.canvas.framed_image().astype(np.float64).ravel())
        large, *small = framed
        for image in small:
            assert np.corrcoef(large, image)[0, 1] > 0.9, label


def test_a_blank_canvas_shows_no_prediction_and_empty_bars(window, draw):
    assert window.prediction() is None
    assert window.bars.winner.text() == "?"
    assert np.all(window.bars.bars.opts["height"] == 0)
    draw(window.canvas, [[(0.5, 0.2), (0.5, 0.8)]])
    window.refresh_answer()
    assert window.prediction() is not None
    window.canvas.clear()
    window.refresh_answer()
    assert window.prediction() is None
    assert np.all(window.bars.bars.opts["height"] == 0)


def test_the_answer_follows_the_drawing_while_the_pen_is_down(window, qtbot):
    canvas = window.canvas
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=canvas.rect().center())
    for step in range(1, 8):
        qtbot.mouseMove(canvas, canvas.rect().center() + step * canvas.rect().center() / 10)
    assert window.answer_pending() and window.prediction() is None  # in the background
    qtbot.waitUntil(lambda: window.prediction() is not None, timeout=1000)
    assert not window.answer_pending()
    winner = window.bars.winner_index()
    heights = window.bars.bars.opts["height"]
    assert heights[winner] == max(heights) > 0
    assert window.bars.winner.text() == window.session.classes()[winner]
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=canvas.rect().bottomRight())


def test_contribution_maps_add_up_to_the_squared_norms_less_their_mean(window, known_digits):
    window.contributions.choice.setCurrentIndex(PICTURES.index(CONTRIBUTIONS))
    window.canvas.show_digit(known_digits[3][1])
    window.refresh_answer()
    image = window.canvas.framed_image()
    squares = window.session.model.label_norms(image[None])[0] ** 2
    shown = np.array([item.image.sum() for item in window.contributions.images])
    np.testing.assert_allclose(shown, squares - squares.mean(), rtol=1e-4, atol=1e-4)
    assert window.contributions.stack.currentWidget() is window.contributions.graphics
    assert shown.max() > 0 > shown.min()  # the maps differ: not red everywhere


def test_maps_out_of_sight_are_drawn_when_they_come_into_it(window, known_digits):
    window.tabs.setCurrentWidget(window.weight_view)
    window.canvas.show_digit(known_digits[3][1])
    window.refresh_answer()
    assert window.prediction() is not None  # the bars follow at once...
    assert not any(item.image.any() for item in window.contributions.images)  # ...not the maps
    window.tabs.setCurrentIndex(0)
    squares = window.session.model.label_norms(window.canvas.framed_image()[None])[0] ** 2
    shown = np.array([item.image.sum() for item in window.contributions.images])
    np.testing.assert_allclose(shown, squares - squares.mean(), rtol=1e-4, atol=1e-4)


def test_an_oja_model_shows_each_networks_reconstruction_as_long_as_its_bar(window, mnist):
    window.session.set_model(*load_model(Path(default_model_path()).with_name("default-oja.npz")))
    assert window.contributions.picture() == RECONSTRUCTIONS  # shown first where there are any
    nine = mnist.val.images[np.flatnonzero(mnist.val.labels == 9)[0]]
    window.canvas.show_digit(nine)
    window.refresh_answer()
    assert window.prediction() == "9"
    image = window.canvas.framed_image()
    norms = window.session.model.label_norms(image[None])[0]
    shown = np.array([np.linalg.norm(item.image) for item in window.contributions.images])
    np.testing.assert_allclose(shown, norms, rtol=1e-5)  # a picture's length is its bar
    window.contributions.choice.setCurrentIndex(PICTURES.index(CONTRIBUTIONS))  # recomputed
    assert not np.allclose(shown, [np.linalg.norm(i.image) for i in window.contributions.images])


def test_strokes_offers_contributions_only_and_itoh_says_it_has_neither(window, draw):
    assert window.session.model.rule == "strokes"
    assert window.contributions.picture() == CONTRIBUTIONS
    item = window.contributions.choice.model().item(PICTURES.index(RECONSTRUCTIONS))
    assert not item.isEnabled() and "strokes" in item.toolTip()
    window.session.set_model(rule_class("itoh")(hidden_layers=2), {"classes": list("abcdefghij")})
    assert window.contributions.stack.currentWidget() is window.contributions.unavailable
    text = window.contributions.unavailable.text().lower()
    assert "no reconstruction" in text and "no per-pixel reading" in text
    assert window.contributions.picture() is None
    assert window.bars.classes == tuple("abcdefghij")
    draw(window.canvas, [[(0.3, 0.3), (0.7, 0.7)]])
    window.refresh_answer()
    assert window.prediction() is None and window.bars.winner.text() == "untrained"


def test_hidden_maps_are_not_computed(window, known_digits, monkeypatch):
    window.menu_actions["contributions"].setChecked(False)
    assert window.contributions.picture() is None
    window.canvas.show_digit(known_digits[3][1])
    monkeypatch.setattr(type(window.session.model), "contributions", None)  # not called
    window.refresh_answer()
    assert window.prediction() == "3"


def test_close_answers_get_enough_digits_and_ties_are_named(window):
    bars = window.bars
    bars.set_norms(np.array([1.76691, 1.76688, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]))
    assert bars.winner.text() == "0 or 1?" and "no clear answer" in bars.detail.text().lower()
    assert bars.values.texts()[:3] == ["1.76691", "1.76688", "0.5"]
    bars.set_norms(np.array([1.8, 1.7, *[0.5] * 8]))
    assert bars.winner.text() == "0" and bars.winner_index() == 0
    bars.set_norms(np.full(10, 0.25))
    assert bars.winner.text() == "tie" and "tie" in bars.detail.text().lower()
    bars.set_norms(np.array([0.1, np.nan, *[0.2] * 8]))
    assert bars.winner_index() is None and "diverged" in bars.detail.text()
    assert bars.values.texts()[1] == "diverged"


def test_keyboard_shortcuts_clear_and_undo(window, draw, qtbot):
    draw(window.canvas, [[(0.2, 0.2), (0.8, 0.8)]])
    draw(window.canvas, [[(0.8, 0.2), (0.2, 0.8)]])
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(window.canvas.drawing.strokes) == 1
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert window.canvas.is_blank()
    draw(window.canvas, [[(0.2, 0.2), (0.8, 0.8)]])
    qtbot.keyClick(window, Qt.Key.Key_Delete)
    assert window.canvas.is_blank()
    qtbot.mouseClick(window.central.clear_button, Qt.MouseButton.LeftButton)  # harmless when blank
    assert window.canvas.is_blank()


def test_help_explains_norm_based_cognition(window, qtbot):
    qtbot.keyClick(window, Qt.Key.Key_F1)
    assert window._help is not None and window._help.isVisible()
    text = window._help.findChild(QTextBrowser).toPlainText()
    assert "longest answer" in text and "nothing is propagated backwards" in text
    window._help.close()


# ---------------------------------------------------------------------------------------------
# Model files and settings
# ---------------------------------------------------------------------------------------------


def test_a_corrupt_model_file_gets_a_message_and_the_app_keeps_running(
    window, messages, tmp_path, draw, monkeypatch
):
    bad = tmp_path / "broken.npz"
    bad.write_bytes(b"PK\x03\x04 this is not a model")
    before = window.session.model
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bad), ""))
    window.menu_actions["open"].trigger()
    assert len(messages) == 1
    title, text = messages[0]
    assert title == "Cannot open model" and str(bad) in text and "\n" not in text
    assert window.session.model is before
    draw(window.canvas, [[(0.5, 0.15), (0.5, 0.85)]])
    window.refresh_answer()
    assert window.prediction() is not None


def test_save_reopen_and_remember_recent_models(window, messages, tmp_path, qtbot, known_digits):
    window.canvas.show_digit(known_digits[7][1])
    norms = window.session.model.label_norms(window.canvas.framed_image()[None])
    path = tmp_path / "mine.npz"
    assert window.files.save_model_to(path)
    assert window.files.open_model(path)
    assert window.session.path == path and not messages
    framed = window.canvas.framed_image()[None]
    np.testing.assert_allclose(window.session.model.label_norms(framed), norms)
    assert window.preferences.recent_models()[0] == str(path.resolve())

    # a new window (a new run) starts with the last model and lists it in Open recent
    window.close()
    again = MainWindow()
    qtbot.addWidget(again)
    again.session.load_startup_model()
    assert again.session.path == path
    again.files.fill_recent_menu()
    assert any(str(path) in action.text() for action in again.files.recent_menu.actions())


def test_without_the_default_model_the_app_opens_untrained(qtbot, monkeypatch, tmp_path):
    import hebbviz.gui.session as session

    monkeypatch.setattr(session, "default_model_path", lambda: tmp_path / "missing.npz")
    fresh = MainWindow()
    qtbot.addWidget(fresh)
    fresh.session.load_default_model()
    assert fresh.session.model.seen.sum() == 0
    assert "untrained" in fresh.statusBar().currentMessage()


def test_kernels_warm_up_in_the_background(window, qtbot):
    with qtbot.waitSignal(window.session.kernelsReady, timeout=120_000):
        window.session.warm_up_kernels()
        assert window.kernel_label.text() == "Compiling kernels..."
    assert window.kernel_label.text() == "Kernels ready"


def test_a_data_folder_loads_in_the_background(window, qtbot, mnist_dir):
    with qtbot.waitSignal(window.session.datasetChanged, timeout=60_000):
        window.session.load_dataset(mnist_dir)
    assert len(window.session.dataset.train) + len(window.session.dataset.val) == 10_000
    window.answer.show_validation_digit(0)
    assert window.prediction() is not None


# ---------------------------------------------------------------------------------------------
# The command line
# ---------------------------------------------------------------------------------------------


def _hebbviz(*args: str, env_dir: Path) -> subprocess.CompletedProcess:
    env = {
        "QT_QPA_PLATFORM": "offscreen",
        "HEBBVIZ_DATA_DIR": str(env_dir / "data"),
        "HEBBVIZ_CACHE_DIR": str(env_dir / "cache"),
        "HOME": str(env_dir),
        "XDG_CONFIG_HOME": str(env_dir / "config"),
        "PATH": "/usr/bin:/bin",
    }
    return subprocess.run(
        [sys.executable, "-m", "hebbviz", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


@pytest.mark.parametrize("sample", [[], ["--data-dir", "MNIST", "--draw-sample", "3"]])
def test_screenshot_shows_a_drawn_digit_and_its_answer(tmp_path, mnist_dir, sample):
    """With no option: digit 0 of the default data (the shipped MNIST sample)."""
    out = tmp_path / "shot.png"
    options = [str(mnist_dir) if arg == "MNIST" else arg for arg in sample]
    umask = os.umask(0o022)
    try:
        result = _hebbviz("--screenshot", str(out), *options, env_dir=tmp_path)
    finally:
        os.umask(umask)
    assert result.returncode == 0, result.stderr
    assert out.stat().st_mode & 0o777 == 0o644  # the umask's mode, like every saved file
    with Image.open(out) as picture:
        assert picture.width >= 800 and picture.height >= 500
        pixels = np.asarray(picture.convert("RGB")).astype(int)
    accent = (np.abs(pixels - [232, 93, 4]).sum(axis=2) < 30).sum()
    assert accent > 500  # the winner's bar is there, in the accent colour


@pytest.mark.parametrize("mistake", ["bad model", "bad sample"])
def test_command_line_mistakes_exit_2_with_one_line(tmp_path, mnist_dir, mistake):
    bad = tmp_path / "bad.npz"
    bad.write_text("nonsense")
    out = tmp_path / "x.png"
    if mistake == "bad model":
        args, named = ("--model", str(bad)), str(bad)
    else:
        args, named = ("--data-dir", str(mnist_dir), "--draw-sample", "100000"), "--draw-sample"
    result = _hebbviz("--screenshot", str(out), *args, env_dir=tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and named in result.stderr
    assert not out.exists() and not list(tmp_path.glob(".x.png*"))


def test_no_module_outside_gui_imports_qt():
    code = (
        "import pkgutil, importlib, sys, hebbviz\n"
        "for m in pkgutil.walk_packages(hebbviz.__path__, 'hebbviz.'):\n"
        "    if not m.name.startswith('hebbviz.gui') and not m.name.endswith('__main__'):\n"
        "        importlib.import_module(m.name)\n"
        "import hebbviz.cli\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in "
        "('PySide6', 'pyqtgraph', 'shiboken6', 'PyQt5', 'PyQt6'))\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _corrupt_model(path: Path) -> Path:
    """A model file whose metadata names its rule as a list: loading it once raised TypeError."""
    import json

    from hebbviz.modelfile import METADATA_KEY

    with np.load(default_model_path()) as archive:
        arrays = {key: archive[key] for key in archive.files}
    metadata = json.loads(str(arrays[METADATA_KEY]))
    metadata["rule"] = [metadata["rule"]]
    arrays[METADATA_KEY] = np.array(json.dumps(metadata))
    np.savez(path, **arrays)
    return path


@pytest.mark.parametrize("problem", ["corrupt model", "missing data folder", "bad data folder"])
def test_a_remembered_model_or_data_folder_that_cannot_load_never_stops_the_app(
    problem, qtbot, tmp_path, messages
):
    from hebbviz.gui import preferences

    settings = preferences.settings()
    if problem == "corrupt model":
        bad = _corrupt_model(tmp_path / "corrupt.npz")
        settings.setValue(preferences.KEY_LAST_MODEL, str(bad))
    else:
        bad = tmp_path / "digits"
        if problem == "bad data folder":
            bad.mkdir()
            (bad / "train-images-idx3-ubyte").write_bytes(b"not an IDX file")
            (bad / "train-labels-idx1-ubyte").write_bytes(b"nor this")
        settings.setValue(preferences.KEY_LAST_DATA_DIR, str(bad))
    settings.sync()

    started = MainWindow()  # as `hebbviz` starts: the last model, then the last data folder
    qtbot.addWidget(started)
    started.session.load_startup_model()
    with qtbot.waitSignal(started.session.datasetChanged, timeout=60_000):
        started.session.load_dataset()
    assert messages == []  # nothing to answer before the app can be used
    assert started.session.path == default_model_path()
    assert started.session.dataset is not None and str(bad) not in started.session.dataset.source
    notice = started.statusBar().currentMessage()
    assert str(bad) in notice and "not loaded" in notice


def test_an_untrained_model_names_no_winner(window, draw):
    """Untrained networks answer noise (0.0179 against 0.017): no big orange winner."""
    window.session.set_model(rule_class("oja")(), None)
    draw(window.canvas, [[(0.5, 0.2), (0.5, 0.8)]])
    window.refresh_answer()
    assert window.prediction() is None
    assert window.bars.winner.text() == "untrained"
    assert "noise" in window.bars.detail.text()
    assert all(brush == style.BAR for brush in window.bars.bars.opts["brushes"])
    window.session.load_default_model()
    window.refresh_answer()
    assert window.prediction() == "1" and window.bars.winner.text() == "1"


@pytest.mark.parametrize("view", ["classroom", "metrics"])
def test_screenshot_of_any_view_at_any_size(tmp_path, view):
    out = tmp_path / f"{view}.png"
    result = _hebbviz(
        "--screenshot", str(out), "--view", view, "--size", "1366x768", env_dir=tmp_path
    )
    assert result.returncode == 0, result.stderr
    with Image.open(out) as picture:
        assert picture.size == (1366, 768)
        pixels = np.asarray(picture.convert("RGB")).astype(int)
    accent = np.abs(pixels - [232, 93, 4]).sum(axis=2) < 30
    if view == "classroom":  # the winner, huge: over 60 rows with more orange than a bar has
        assert np.count_nonzero(accent.sum(axis=1) > 40) > 60
    else:
        navy = (np.abs(pixels - [8, 48, 107]).sum(axis=2) < 40).sum()
        assert navy > 100  # the confusion matrix's diagonal: the model was scored


@pytest.mark.parametrize(
    "args", [["--view", "weights"], ["--screenshot", "x.png", "--size", "big"]], ids=str
)
def test_view_and_size_mistakes_exit_2_with_one_line(args, capsys):
    from hebbviz.cli import main

    with pytest.raises(SystemExit) as stop:
        main(args)
    assert stop.value.code == 2
    assert capsys.readouterr().err.count("\n") == 1


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_the_answer_parts_are_never_squeezed_below_their_axis_labels(
    window, qtbot, known_digits, size
):
    window.session.load_default_model()  # strokes: bars, maps and firing maps all shown
    window.resize(*size)
    window.canvas.show_digit(known_digits[9][1])
    window.refresh_answer()
    qtbot.waitUntil(lambda: window.central.firing.isVisible())
    for part in (window.bars, window.contributions, window.central.firing):
        assert part.height() >= part.minimumSizeHint().height()
    plot = window.bars.plot
    assert plot.geometry().bottom() < window.bars.height()  # the 0-9 labels below it are whole


def test_maps_out_of_sight_are_not_computed_until_they_come_into_it(window, known_digits, qtbot):
    window.tabs.setCurrentWidget(window.weight_view)
    window.canvas.show_digit(known_digits[3][1])  # answered in the background
    qtbot.waitUntil(lambda: not window.answer_pending() and window.prediction() is not None)
    assert not any(item.image.any() for item in window.contributions.images)
    window.tabs.setCurrentIndex(0)  # in sight: computed now, in the background
    qtbot.waitUntil(lambda: any(item.image.any() for item in window.contributions.images))
