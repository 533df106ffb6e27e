"""Background jobs: a lane runs its jobs in turn in one thread, which ends when idle; a
background thread can yield the CPU to the others."""

from __future__ import annotations

import os
import sys
import threading

import pytest
from pytestqt.qtbot import QtBot

from hebbviz.gui.background import LANE_IDLE_S, Lane, lower_priority


def test_lane_runs_jobs_in_order_in_one_thread_that_ends_when_idle(qtbot: QtBot) -> None:
    lane = Lane("test-lane")
    threads: list[tuple[str, int | None]] = []
    results: list[int] = []
    errors: list[BaseException] = []

    def job(value: int) -> int:
        threads.append((threading.current_thread().name, threading.get_ident()))
        if value == 3:
            raise ValueError("three")
        return value

    for value in range(6):
        lane.submit(lambda value=value: job(value), results.append, errors.append)
    qtbot.waitUntil(lambda: len(results) + len(errors) == 6)
    assert results == [0, 1, 2, 4, 5]
    assert [str(error) for error in errors] == ["three"]
    assert len(set(threads)) == 1  # one thread served them all
    assert threads[0][0] == "hebbviz-test-lane"

    def lane_threads() -> list[threading.Thread]:
        return [t for t in threading.enumerate() if t.name == "hebbviz-test-lane"]

    assert len(lane_threads()) == 1
    qtbot.waitUntil(lambda: not lane_threads(), timeout=int(4000 * LANE_IDLE_S))
    lane.submit(lambda: 7, results.append, errors.append)  # a new thread serves it
    qtbot.waitUntil(lambda: results[-1:] == [7])


@pytest.mark.parametrize("jobs", [1, 50])
def test_lane_delivers_every_job_submitted_while_its_thread_ends(qtbot: QtBot, jobs: int) -> None:
    lane = Lane("test-lane")
    done: list[int] = []
    for round_ in range(3):
        for value in range(jobs):
            lane.submit(lambda value=value: value, done.append, pytest.fail)
        qtbot.waitUntil(lambda round_=round_: len(done) == (round_ + 1) * jobs)
        qtbot.wait(int(1000 * LANE_IDLE_S) + 20)  # about when the thread gives up
    assert done == list(range(jobs)) * 3


@pytest.mark.skipif(sys.platform != "linux", reason="nice values are per thread on Linux")
def test_lower_priority_lowers_the_calling_thread_alone() -> None:
    def niceness() -> int:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    before = niceness()
    seen: list[int] = []

    def background() -> None:
        lower_priority(min(before + 3, 19))  # a nice value, not a change of it
        seen.append(niceness())

    thread = threading.Thread(target=background)
    thread.start()
    thread.join()
    assert seen == [min(before + 3, 19)]
    assert niceness() == before  # this thread (the GUI's, in the app) keeps its priority


def test_lower_priority_never_raises_a_threads_priority() -> None:
    """A thread already below the asked priority (an app started with ``nice``) stays there."""
    seen: list[int] = []

    def background() -> None:
        thread = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, thread, 15)
        lower_priority(2)
        seen.append(os.getpriority(os.PRIO_PROCESS, thread))

    thread = threading.Thread(target=background)
    thread.start()
    thread.join()
    assert seen == [15]


class _Recorder:
    """Stands in for a system library: records the calls made to it."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple]] = []

    def __getattr__(self, name: str):
        return lambda *args: self.calls.append((name, args)) or len(self.calls)


@pytest.mark.parametrize(("niceness", "priority"), [(2, -1), (10, -2)])
def test_lower_priority_on_windows_sets_the_threads_priority(monkeypatch, niceness, priority):
    import ctypes

    kernel32 = _Recorder()
    monkeypatch.setattr(ctypes, "windll", type("WinDLL", (), {"kernel32": kernel32}), raising=False)
    monkeypatch.setattr(sys, "platform", "win32")
    lower_priority(niceness)
    assert kernel32.calls == [("GetCurrentThread", ()), ("SetThreadPriority", (1, priority))]


def test_lower_priority_on_macos_sets_the_threads_quality_of_service(monkeypatch):
    import ctypes

    system = _Recorder()
    opened: list[str] = []
    monkeypatch.setattr(ctypes, "CDLL", lambda path: opened.append(path) or system)
    monkeypatch.setattr(sys, "platform", "darwin")
    lower_priority(2)
    assert opened == ["/usr/lib/libSystem.dylib"]
    assert system.calls == [("pthread_set_qos_class_self_np", (0x11, 0))]


def test_lower_priority_elsewhere_does_nothing(monkeypatch):
    before = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    monkeypatch.setattr(sys, "platform", "sunos5")
    lower_priority(before + 2)  # no error...
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == before  # ...no change
