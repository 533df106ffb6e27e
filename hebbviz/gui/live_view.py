"""The redraw pattern of the views that follow a model as it learns (Weights, Detectors).

A timer asks at most every :data:`FRAME_MS` whether to redraw: only while the view is shown, and
only when something changed: it was marked dirty, or its feed (the newest copy a training run
published) has something it has not drawn. A redraw draws the feed's copy when the view takes
it, else what its reader reads from the model now. The view holds neither the model nor its
lock: it gets the feed and the reader as functions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from PySide6.QtCore import QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QWidget

FRAME_MS = 25  # at most 40 redraws per second (at least 30 while the GUI thread has time)

State = TypeVar("State")
"""What a training run publishes for a view to draw."""


class LiveView(QWidget, Generic[State]):
    """Base of a view that follows a model: subclasses draw (:meth:`_draw_fed`,
    :meth:`_draw_read`) and may refuse a feed's copy (:meth:`_takes`); this class decides when.

    Attributes
    ----------
    redraws : int
        Redraws so far (``hebbviz bench --gui`` counts them).
    feed : callable or None
        See :meth:`set_feed`.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.redraws = 0
        self.feed: Callable[[], State | None] | None = None
        self._fed: State | None = None  # the feed's copy drawn last
        self._dirty = False
        self.timer = QTimer(self)
        self.timer.setInterval(FRAME_MS)
        self.timer.timeout.connect(self._on_frame)
        self.timer.start()

    def set_feed(self, feed: Callable[[], State | None] | None) -> None:
        """Draw the copies ``feed`` returns (the newest a run published, None before the first)
        while the run trains the model shown, so redrawing never waits for the model's lock;
        None: read the model."""
        self.feed = feed
        self._fed = None

    def mark_dirty(self) -> None:
        """The model has changed (other than through the feed): redraw at the next frame."""
        self._dirty = True

    def redraw(self) -> None:
        """Draw the newest state now: the feed's, when the view takes it, else the model's."""
        self._dirty = False
        fed = self._newest()
        if fed is not None and self._takes(fed):
            self._fed = fed
            self._draw_fed(fed)
        elif not self._draw_read():
            return
        self.redraws += 1

    def _newest(self) -> State | None:
        return self.feed() if self.feed is not None else None

    def _takes(self, fed: State) -> bool:
        """Whether to draw the feed's ``fed`` rather than read the model (yes, here)."""
        return True

    def _draw_fed(self, fed: State) -> None:
        """Draw a copy the feed published."""
        raise NotImplementedError

    def _draw_read(self) -> bool:
        """Read the model now and draw it; whether there was anything to draw."""
        raise NotImplementedError

    def _lay_out_again(self) -> None:
        """The view's shape changed: the next redraw lays its tiles out anew."""
        raise NotImplementedError

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._lay_out_again()
        self.mark_dirty()

    def _on_frame(self) -> None:
        fed = self._newest()
        fresh = fed is not None and fed is not self._fed
        if (self._dirty or fresh) and self.isVisible():
            self.redraw()
