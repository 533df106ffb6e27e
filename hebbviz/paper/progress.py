"""Progress and cancel hooks of the paper's computations."""

from __future__ import annotations

from collections.abc import Callable

Report = Callable[[int, int], None]
"""``report(done, total)``: how much of the work (in images) is done."""
IsCancelled = Callable[[], bool]
"""``cancelled()``: true when the caller wants the work to stop."""


class Cancelled(Exception):
    """The caller's ``cancelled()`` hook asked a computation to stop."""


class Progress:
    """Counts work done against a known total, reporting and checking for cancel on each step.

    Parameters
    ----------
    total : int
        Work units (images) of the whole computation.
    report, cancelled : callable, optional
        The caller's hooks (see the module's aliases).
    """

    def __init__(
        self, total: int, report: Report | None = None, cancelled: IsCancelled | None = None
    ) -> None:
        self.total = int(total)
        self.done = 0
        self._report = report
        self._cancelled = cancelled

    def advance(self, n: int) -> None:
        """Count ``n`` more units done; raises :class:`Cancelled` if the caller asked to stop."""
        self.done += int(n)
        if self._cancelled is not None and self._cancelled():
            raise Cancelled
        if self._report is not None:
            self._report(self.done, self.total)
