"""The one way the app runs work off the GUI thread: loading data, compiling kernels, training
runs and evaluations all go through :func:`run_in_background`.

The work runs in a daemon thread and touches no widget; its result (or exception) is handed to
the GUI thread by a small relay object that deletes itself once it has delivered it. Nothing ever
waits on the GUI thread for the work: the outcome arrives as a queued call.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)


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

    thread = threading.Thread(target=work, name=f"hebbviz-{name}", daemon=True)
    thread.start()
    return thread
