"""Thread priorities (:mod:`hebbviz.priority`)."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from hebbviz.priority import lower_priority


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
