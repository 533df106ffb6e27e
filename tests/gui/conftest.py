"""GUI fixtures: isolated settings, a main window, and a check that no test leaves a window or a
thread behind."""

from __future__ import annotations

import sys
import threading
import time
import traceback
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QSettings, QThread, QThreadPool
from PySide6.QtWidgets import QApplication

from hebbviz.gui import style

LEFTOVER_GRACE_S = 30.0
"""How long a test's background work may take to finish after the test (kernel compilation on a
cold cache is the slowest); anything still running after that fails the test."""


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Every test starts with empty QSettings and empty per-user folders, never the user's own."""
    folder = tmp_path_factory.mktemp("settings")
    for settings_format in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(settings_format, QSettings.Scope.UserScope, str(folder))
    monkeypatch.setenv("HEBBVIZ_DATA_DIR", str(folder / "data"))
    monkeypatch.setenv("HEBBVIZ_CACHE_DIR", str(folder / "cache"))
    style.configure_pyqtgraph()


@pytest.fixture(autouse=True)
def no_leftovers(qapp: QApplication, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fail a test that leaves a visible window, a running QThread, a busy thread pool or a
    Python thread behind (after a grace period for work that is finishing).

    Set up before ``qtbot`` (autouse), so it checks after qtbot has closed its widgets.
    """
    threads_before = set(threading.enumerate())
    started: list[QThread] = []
    original_start = QThread.start

    def recording_start(self: QThread, *args: object) -> None:
        started.append(self)
        original_start(self, *args)

    monkeypatch.setattr(QThread, "start", recording_start)
    yield

    def new_threads() -> list[threading.Thread]:
        return [t for t in threading.enumerate() if t not in threads_before and t.is_alive()]

    def running() -> list[str]:
        names = [t.name for t in new_threads()]
        names += [f"QThread {t!r}" for t in started if _is_running(t)]
        if QThreadPool.globalInstance().activeThreadCount():
            names.append("a QThreadPool task")
        return names

    deadline = time.monotonic() + LEFTOVER_GRACE_S
    while running() and time.monotonic() < deadline:
        qapp.processEvents()
        time.sleep(0.02)
    qapp.processEvents()
    windows = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    for window in windows:
        window.close()
    left = running()
    problems = [f"windows left open: {[w.windowTitle() for w in windows]}"] if windows else []
    if left:
        problems.append(f"threads still running: {left}")
        frames = sys._current_frames()
        for thread in new_threads():  # where each one is (what it waits for)
            if thread.ident in frames:
                stack = "".join(traceback.format_stack(frames[thread.ident]))
                problems.append(f"{thread.name} is at:\n{stack}")
    if problems:
        pytest.fail("; ".join(problems))


def _is_running(thread: QThread) -> bool:
    try:
        return thread.isRunning()
    except RuntimeError:  # its C++ object is gone: it is not running
        return False


class Questions:
    """The questions about unsaved models asked in a test, and the answers to give (then
    "Discard")."""

    def __init__(self) -> None:
        self.asked: list[str] = []
        self.answers: list = []


@pytest.fixture(autouse=True)
def unsaved_questions(monkeypatch: pytest.MonkeyPatch) -> Questions:
    """Questions about unsaved models are answered here instead of in a modal dialog, so no
    test waits for one."""
    from hebbviz.gui import unsaved

    questions = Questions()

    def answer(parent, text: str) -> unsaved.Choice:
        questions.asked.append(text)
        return questions.answers.pop(0) if questions.answers else unsaved.Choice.DISCARD

    monkeypatch.setattr(unsaved, "ask", answer)
    return questions


@pytest.fixture
def window(qtbot):
    """The main window with the shipped default model, shown (offscreen), closed afterwards."""
    from hebbviz.gui.main_window import MainWindow

    main_window = MainWindow()
    qtbot.addWidget(main_window)
    main_window.session.load_default_model()
    main_window.show()
    qtbot.waitExposed(main_window)
    return main_window


Stroke = list[tuple[float, float]]
"""A stroke as points in unit coordinates of the canvas square: (x, y), both 0..1."""


@pytest.fixture
def draw(qtbot):
    """``draw(canvas, strokes)``: press, move and release the left mouse button along each
    stroke, as a user would."""
    from PySide6.QtCore import QPoint, Qt

    def to_pixels(canvas, point: tuple[float, float]) -> QPoint:
        side = min(canvas.width(), canvas.height())
        left, top = (canvas.width() - side) / 2, (canvas.height() - side) / 2
        return QPoint(round(left + point[0] * side), round(top + point[1] * side))

    def draw_strokes(canvas, strokes: list[Stroke]) -> None:
        for stroke in strokes:
            points = [to_pixels(canvas, p) for p in stroke]
            qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=points[0])
            for point in points[1:]:
                qtbot.mouseMove(canvas, point)
            qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=points[-1])

    return draw_strokes
