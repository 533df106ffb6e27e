"""The one way the app runs work in a thread off the GUI thread: loading data, compiling kernels
and evaluations all go through :func:`run_in_background`; jobs asked many times a second
(answers to the drawing) through a :class:`Lane`. Training runs go to a process of their own
(:mod:`hebbviz.gui.worker`).

The work runs in a daemon thread and touches no widget; its result (or exception) is handed to
the GUI thread by a small relay object that deletes itself once it has delivered it. Nothing ever
waits on the GUI thread for the work: the outcome arrives as a queued call.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)

LANE_IDLE_S = 0.5
"""A :class:`Lane`'s thread ends after this long without a job (seconds)."""


class _Relay(QObject):
    """Carries one job's outcome to the GUI thread (queued signal delivery)."""

    done = Signal(object)
    failed = Signal(object)

    def finish(self) -> None:
        """Delivered: let go of it (on the GUI thread)."""
        _pending.discard(self)
        self.deleteLater()


_pending: set[_Relay] = set()
"""Relays whose outcome is not delivered yet, kept alive until it is (a relay that Python let go
of would take its queued delivery with it)."""


def _deliverer(
    job: Callable[[], Any],
    on_done: Callable[[Any], None],
    on_failed: Callable[[BaseException], None],
    name: str,
) -> Callable[[], None]:
    """What a background thread calls: ``job()``, then its result or exception handed to
    ``on_done`` or ``on_failed`` on the GUI thread (made on the GUI thread: the relay lives
    there)."""
    relay = _Relay()
    relay.done.connect(on_done)
    relay.failed.connect(on_failed)
    relay.done.connect(relay.finish)
    relay.failed.connect(relay.finish)
    _pending.add(relay)

    def work() -> None:
        began = time.perf_counter()
        try:
            result = job()
        except Exception as error:  # handed to the GUI thread, which reports it
            outcome, value = relay.failed, error
            log.debug("%s failed after %.2f s", name, time.perf_counter() - began, exc_info=True)
        else:
            outcome, value = relay.done, result
            log.debug("%s done in %.2f s", name, time.perf_counter() - began)
        with contextlib.suppress(RuntimeError):  # the app is closing: nobody to tell
            outcome.emit(value)

    return work


def run_in_background(
    job: Callable[[], Any],
    on_done: Callable[[Any], None],
    on_failed: Callable[[BaseException], None],
    name: str,
) -> threading.Thread:
    """Run ``job()`` in a daemon thread named ``hebbviz-<name>``; its result or exception goes
    to ``on_done`` or ``on_failed`` on the GUI thread.

    Must be called on the GUI thread (the relay lives there). Returns the thread (to join it when
    the app closes; nothing else should wait for it).
    """
    thread = threading.Thread(
        target=_deliverer(job, on_done, on_failed, name), name=f"hebbviz-{name}", daemon=True
    )
    thread.start()
    return thread


class Lane:
    """Short jobs asked many times a second (answers to the drawing while the pen moves), run
    one after another in one thread that lives while they keep coming.

    ``Thread.start`` returns only once the new thread has run, so a thread per job makes the GUI
    thread wait each time for a core: a few milliseconds on a busy machine, up to a hundred times
    a second. The lane's thread ends after ``LANE_IDLE_S`` without a job (so none lingers); the
    next job starts a new one.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self._jobs: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._done = threading.Condition(self._lock)
        self._unfinished = 0
        self._thread: threading.Thread | None = None

    def submit(
        self,
        job: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_failed: Callable[[BaseException], None],
    ) -> None:
        """Run ``job()`` after the jobs before it (see :func:`run_in_background`)."""
        work = _deliverer(job, on_done, on_failed, self.name)
        with self._lock:
            self._jobs.put(work)
            self._unfinished += 1
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._serve, name=f"hebbviz-{self.name}", daemon=True
                )
                self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                work = self._jobs.get(timeout=LANE_IDLE_S)
            except queue.Empty:
                with self._lock:
                    if self._jobs.empty():
                        self._thread = None
                        return
                continue
            work()
            del work  # nothing of a finished job (its relay) kept while the lane waits
            with self._done:
                self._unfinished -= 1
                self._done.notify_all()

    def wait(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for the jobs given so far to finish; whether they
        have. Only for closing the app: a job may use Qt (an answer renders the drawing), and
        Qt must not be torn down under it."""
        with self._done:
            return self._done.wait_for(lambda: self._unfinished == 0, timeout)
