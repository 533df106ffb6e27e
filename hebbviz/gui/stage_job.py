"""One long computation of the paper's stages in the background, with progress, partial results
and cancel.

The work runs through :func:`~hebbviz.gui.background.run_in_background`; it reports progress
and partial results by setting plain attributes, which a timer on the GUI thread reads every
``POLL_MS`` (the work never waits for the GUI, and the GUI never for the work). Cancel sets an
event the work's ``cancelled()`` hook reads; the job counts as running until the work has left
its thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from hebbviz.errors import HebbvizError
from hebbviz.gui.background import run_in_background
from hebbviz.paper.progress import Cancelled, IsCancelled, Report
from hebbviz.priority import lower_priority

NICE = 10
"""How much lower the work's thread runs than the app's others (a Unix nice value)."""
POLL_MS = 100
"""How often the progress and partial results are shown (milliseconds)."""

Work = Callable[[Report, IsCancelled, Callable[[Any], None]], Any]
"""``work(report, cancelled, partial) -> result``, run off the GUI thread."""


class StageJob(QObject):
    """Runs one computation at a time.

    Signals
    -------
    progressed(int, int)
        Work done and its total (images), at most every ``POLL_MS``.
    partial(object)
        A result so far (for a figure that fills in).
    finished(object)
        The result.
    failed(str)
    cancelled()
        The work stopped on a cancel and left its thread.
    runningChanged(bool)
    """

    progressed = Signal(int, int)
    partial = Signal(object)
    finished = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    runningChanged = Signal(bool)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._progress: tuple[int, int] | None = None
        self._partial: Any = None
        self._shown: tuple[tuple[int, int] | None, Any] = (None, None)
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)

    @property
    def running(self) -> bool:
        return self.thread is not None

    def start(self, work: Work) -> bool:
        """Run ``work`` in the background; False (and nothing started) if a job still runs."""
        if self.running:
            return False
        stop = self._stop = threading.Event()
        self._progress = self._partial = None
        self._shown = (None, None)

        def report(done: int, total: int) -> None:
            self._progress = (done, total)

        def partial(result: Any) -> None:
            self._partial = result

        def job() -> Any:
            lower_priority(NICE)
            return work(report, stop.is_set, partial)

        self.thread = run_in_background(job, self._on_done, self._on_failed, self.name)
        self._timer.start()
        self.runningChanged.emit(True)
        return True

    def cancel(self) -> None:
        """Ask the work to stop (it does at its next check); ``cancelled`` follows."""
        self._stop.set()

    def shutdown(self, timeout: float = 2.0) -> None:
        """The app closes: stop the work and give its thread a moment to leave."""
        thread = self.thread
        self.cancel()
        if thread is not None:
            thread.join(timeout)

    def _poll(self) -> None:
        progress, partial = self._progress, self._partial
        if progress is not None and progress != self._shown[0]:
            self.progressed.emit(*progress)
        if partial is not None and partial is not self._shown[1]:
            self.partial.emit(partial)
        self._shown = (progress, partial)

    def _ended(self) -> None:
        self._timer.stop()
        self.thread = None
        self.runningChanged.emit(False)

    def _on_done(self, result: Any) -> None:
        self._ended()
        self.finished.emit(result)

    def _on_failed(self, error: BaseException) -> None:
        self._ended()
        if isinstance(error, Cancelled):
            self.cancelled.emit()
        elif isinstance(error, HebbvizError):  # a user's mistake (a bad CSV): said plainly
            self.failed.emit(str(error))
        else:
            self.failed.emit(f"{type(error).__name__}: {error}")
