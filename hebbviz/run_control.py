"""What the GUI asks of a training run between two of its pieces: pause, single steps, stop and a
rate of images per second.

The GUI thread calls :meth:`RunControl.pause`, :meth:`~RunControl.resume`,
:meth:`~RunControl.step`, :meth:`~RunControl.stop` and :meth:`~RunControl.set_rate` at any time;
the run's thread asks :meth:`~RunControl.next_piece` before each piece and calls
:meth:`~RunControl.paced` after it. Both sides meet on one condition variable, held only for a
few assignments, so neither ever waits long for the other.
"""

from __future__ import annotations

import threading
import time

SLOW_MOTION_RATE = 10.0
"""Rates (images/s) up to this learn one image at a time and report each one's change."""

YIELD_S = 0.05
"""At full speed a run pauses briefly at least this often, so that someone waiting for the model
lock (teach mode) gets it within about that long; not after every piece: on a busy machine each
pause costs the run a few milliseconds before it gets a core back."""


class Stopped(Exception):
    """Raised in the run's thread, at a piece boundary, when the run was asked to stop."""


class RunControl:
    """The requests of the GUI to one run.

    Parameters
    ----------
    rate : float or None
        Images per second; None is full speed.
    paused : bool
        Start paused (for a first step).
    """

    def __init__(self, rate: float | None = None, paused: bool = False) -> None:
        self._condition = threading.Condition()
        self._rate = rate
        self._paused = paused
        self._steps = 0
        self._stopping = False
        self._yielded = 0.0

    # -- from the GUI thread ------------------------------------------------------------------

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def stopping(self) -> bool:
        return self._stopping

    @property
    def full_speed(self) -> bool:
        return self._rate is None

    def pause(self) -> None:
        """Stop after the current piece until :meth:`resume` or :meth:`step`."""
        with self._condition:
            self._paused = True

    def resume(self) -> None:
        with self._condition:
            self._paused = False
            self._condition.notify_all()

    def step(self) -> None:
        """Pause (if running) and learn exactly one more image."""
        with self._condition:
            self._paused = True
            self._steps += 1
            self._condition.notify_all()

    def stop(self) -> None:
        """Leave the run at the next piece boundary (promptly: a piece is short)."""
        with self._condition:
            self._stopping = True
            self._condition.notify_all()

    def set_rate(self, rate: float | None) -> None:
        """Images per second from now on; None is full speed."""
        with self._condition:
            self._rate = rate
            self._condition.notify_all()

    # -- from the run's thread ----------------------------------------------------------------

    def next_piece(self, piece: int) -> tuple[int, bool, float]:
        """Wait for permission to learn; returns (inputs, one at a time?, seconds to wait after).
        At full speed the piece is ``piece`` inputs. Raises :class:`Stopped` when asked to."""
        with self._condition:
            while True:
                if self._stopping:
                    raise Stopped
                if self._steps > 0:
                    self._steps -= 1
                    return 1, True, 0.0
                if not self._paused:
                    break
                self._condition.wait()
            rate = self._rate
        if rate is None:
            return piece, False, 0.0
        if rate <= SLOW_MOTION_RATE:
            return 1, True, 1.0 / rate
        count = max(1, round(rate / 30))
        return count, False, count / rate

    def paced(self, learned: int, count: int, wait: float) -> None:
        """After a piece of ``learned`` of the ``count`` inputs asked for: keep the set rate, or
        at full speed let someone waiting for the model lock take it (every ``YIELD_S``)."""
        if wait > 0:
            self._wait(wait * learned / count)
        elif time.perf_counter() - self._yielded >= YIELD_S:
            time.sleep(0.0002)
            self._yielded = time.perf_counter()

    def _wait(self, seconds: float) -> None:
        """Sleep, but wake at once for stop, pause, step or a new rate."""
        deadline = time.perf_counter() + seconds
        with self._condition:
            rate = self._rate
            while not self._stopping and self._rate == rate and not self._steps:
                left = deadline - time.perf_counter()
                if left <= 0:
                    return
                self._condition.wait(left)
