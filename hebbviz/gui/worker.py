"""The training worker: drives :func:`hebbviz.training.train` off the GUI thread (through
:func:`hebbviz.gui.background.run_in_background`).

The generator hands each chunk to ``model.learn_many``; the worker intercepts that call and cuts
the chunk into short pieces, each learned while holding the session's model lock (so a drawing is
always classified with a consistent model), with the lock free in between. The validation passes
are cut the same way: each piece of ``label_norms`` runs under the lock, so a teach step from the
GUI (which learns under the lock) never lands in the middle of one. Between two pieces
the worker honours pause, step, stop and the speed setting:

- full speed: each label's images of a chunk together, in pieces sized so that each takes about
  ``HOLD_S`` seconds of CPU time under the lock;
- a set rate: pieces of a frame's worth of images, then a wait;
- slow motion (a rate up to ``SLOW_MOTION_RATE``) and single steps: one image at a time, each
  reported with its label and the change it caused in that label's weights.

Progress is not signalled but kept as :attr:`TrainingWorker.progress` (an immutable value the GUI
reads on its frame timer), so the data rate never drives the GUI; the few signals carry small,
immutable data (or arrays made for them that the worker never touches again). Widgets are never
touched from the worker thread.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Signal

from hebbviz.data.dataset import Split
from hebbviz.errors import HebbvizError
from hebbviz.gui.background import run_in_background
from hebbviz.models.base import NormClassifier
from hebbviz.training import train

HOLD_S = 0.005
"""CPU seconds one piece of learning may hold the model lock at full speed (shorter pieces keep
the GUI's waits short; longer ones train faster, itoh especially)."""

PUBLISH_S = 0.02
"""At most this often the worker copies the weights a view shows (while it holds the lock
anyway), so the view need not wait for the lock."""

SLOW_MOTION_RATE = 10.0
"""Rates (images/s) up to this learn one image at a time and report each one's change."""

MAX_PIECE = 256

WORKER_NICENESS = 4
"""The worker thread runs at a lower priority (where the OS allows it) so that the GUI thread
wins the CPU whenever both want it: drawing stays smooth, training takes what is left."""


def fitted_piece(piece: int, cpu: float) -> int:
    """The next piece size after a piece of ``piece`` images took ``cpu`` seconds under the lock:
    the largest that holds it at most about ``HOLD_S`` (by CPU time: a busy machine stretches
    the wall time of any piece), at most ``MAX_PIECE``."""
    if cpu > HOLD_S:
        return max(1, piece // 2)
    if cpu < HOLD_S / 2:
        return min(MAX_PIECE, piece * 2)
    return piece


@dataclass(frozen=True)
class Progress:
    """Images learned so far in the run, out of ``total``, and the learning speed."""

    seen: int
    total: int
    images_per_s: float


@dataclass(frozen=True)
class WeightImages:
    """Copies of ``weight_images(label)`` for ``labels``, made under the lock after a piece."""

    labels: tuple[int, ...]
    images: tuple[np.ndarray, ...]


@dataclass(frozen=True)
class Step:
    """One image learned on its own (slow motion or the Step button).

    Attributes
    ----------
    image : ndarray of uint8, shape (28, 28)
    label : int
    change : ndarray
        ``weight_images(label)`` after minus before: what this one image changed.
    """

    image: np.ndarray
    label: int
    change: np.ndarray


class _Stopped(Exception):
    """Raised inside ``learn_many`` to leave the generator when the worker is stopped."""


class _Controlled:
    """The model as the generator sees it: ``learn_many`` and the validation's ``label_norms``
    go through the worker; ``diverged`` is read under the lock."""

    def __init__(self, model: NormClassifier, worker: TrainingWorker) -> None:
        self._model = model
        self._worker = worker

    def learn_many(self, images: np.ndarray, labels: np.ndarray) -> None:
        self._worker._learn(images, labels)

    def label_norms(self, images: np.ndarray) -> np.ndarray:
        return self._worker._label_norms(images)

    @property
    def diverged(self) -> np.ndarray:
        with self._worker.lock:
            return self._model.diverged.copy()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._model, name)


class TrainingWorker(QObject):
    """Trains ``model`` on ``split`` in a thread, pausable, steppable and stoppable.

    Parameters
    ----------
    model : NormClassifier, or a function without arguments that makes one
        Learns in place, only while ``lock`` is held. A function is called in the worker's
        thread, so that a heavy initialisation never holds up the GUI (a ``TypeError`` or
        ``ValueError`` from it is reported as bad hyperparameters).
    lock : threading.Lock
        The session's model lock.
    split : Split
        The training images (already balanced or capped).
    epochs, seed : int
        As for :func:`hebbviz.training.train`.
    val : Split, optional
        Validation images for the accuracy curve, evaluated every ``eval_every`` images.
    eval_every : int, optional
    rate : float or None
        Images per second; None is full speed.
    paused : bool
        Start paused (for a first Step).

    Signals
    -------
    prepared(NormClassifier)
        The model to be trained, before the first image is learned.
    yielded(Snapshot)
        After every chunk of the generator (with the validation accuracy when evaluated).
    stepped(Step)
        After every image learned on its own.
    errored(str)
        The run failed; the message is for people.
    finished()
        Follows every run (after its other signals), whether it completed, was stopped or
        failed; the thread has ended by then.
    """

    prepared = Signal(object)
    yielded = Signal(object)
    stepped = Signal(object)
    errored = Signal(str)
    finished = Signal()

    def __init__(
        self,
        model: NormClassifier | Callable[[], NormClassifier],
        lock: threading.Lock,
        split: Split,
        *,
        epochs: int = 1,
        seed: int = 0,
        val: Split | None = None,
        eval_every: int | None = None,
        rate: float | None = None,
        paused: bool = False,
    ) -> None:
        super().__init__()
        self._make = model if callable(model) else None
        self.model: NormClassifier | None = None if callable(model) else model
        """The model trained (None until a function made it)."""
        self.lock = lock
        self.split = split
        self.epochs = epochs
        self.seed = seed
        self.val = val
        self.eval_every = eval_every
        self.total = epochs * len(split)
        self._control = threading.Condition()
        self._rate = rate
        self._paused = paused
        self._steps = 0
        self._stopping = False
        self.progress = Progress(0, self.total, 0.0)
        """The newest progress; replaced (never changed) by the worker after every piece."""
        self.weight_labels: tuple[int, ...] = ()
        """Whose weight images to publish (set by the view that shows them)."""
        self.weights: WeightImages | None = None
        """The newest published weight images; replaced, never changed."""
        self._published = 0.0
        self._learning_s = 0.0
        self._piece = 8
        self._eval_piece = 8
        self._thread: threading.Thread | None = None

    # -- control, from the GUI thread -------------------------------------------------------

    @property
    def paused(self) -> bool:
        return self._paused

    def pause(self) -> None:
        """Stop after the current piece until :meth:`resume` or :meth:`step`."""
        with self._control:
            self._paused = True

    def resume(self) -> None:
        with self._control:
            self._paused = False
            self._control.notify_all()

    def step(self) -> None:
        """Pause (if running) and learn exactly one more image."""
        with self._control:
            self._paused = True
            self._steps += 1
            self._control.notify_all()

    def stop(self) -> None:
        """Leave the run at the next piece boundary (promptly: a piece is short)."""
        with self._control:
            self._stopping = True
            self._control.notify_all()

    def set_rate(self, rate: float | None) -> None:
        """Images per second from now on; None is full speed."""
        with self._control:
            self._rate = rate
            self._control.notify_all()

    def start(self) -> None:
        """Begin the run in a thread of its own (once)."""
        self._thread = run_in_background(
            self.run, lambda _: self.finished.emit(), self._crashed, "training"
        )

    @property
    def running(self) -> bool:
        """Whether the run's thread is still alive."""
        return self._thread is not None and self._thread.is_alive()

    def join(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for the thread to end; whether it has. Only for closing
        the app and for tests: the GUI never waits for a run otherwise."""
        if self._thread is not None:
            self._thread.join(timeout)
        return not self.running

    def _crashed(self, error: BaseException) -> None:
        self.errored.emit(f"training failed: {type(error).__name__}: {error}")
        self.finished.emit()

    # -- the thread ---------------------------------------------------------------------------

    def run(self) -> None:
        """The run itself (in the worker's thread; tests may call it directly)."""
        with contextlib.suppress(AttributeError, OSError):  # Linux: the nice value is per thread
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), WORKER_NICENESS)
        eval_every = self.eval_every
        snapshot_every = min(MAX_PIECE * 4, eval_every or MAX_PIECE * 4)
        if self.model is None:
            try:
                self.model = self._make()
            except (TypeError, ValueError) as error:
                self.errored.emit(f"Bad hyperparameters: {error}")
                return
        self.prepared.emit(self.model)
        try:
            for snapshot in train(
                _Controlled(self.model, self),  # type: ignore[arg-type]
                self.split,
                epochs=self.epochs,
                seed=self.seed,
                snapshot_every=snapshot_every,
                val=self.val,
                eval_every=eval_every,
            ):
                self.yielded.emit(snapshot)
        except _Stopped:
            pass
        except HebbvizError as error:
            self.errored.emit(str(error))
        except Exception as error:  # noqa: BLE001 - a worker failure becomes a message
            self.errored.emit(f"training failed: {type(error).__name__}: {error}")

    def _next_piece(self) -> tuple[int, bool, float]:
        """Wait for permission to learn; returns (images, one at a time?, seconds to wait after)."""
        with self._control:
            while True:
                if self._stopping:
                    raise _Stopped
                if self._steps > 0:
                    self._steps -= 1
                    return 1, True, 0.0
                if not self._paused:
                    break
                self._control.wait()
            rate = self._rate
        if rate is None:
            return self._piece, False, 0.0
        if rate <= SLOW_MOTION_RATE:
            return 1, True, 1.0 / rate
        count = max(1, round(rate / 30))
        return count, False, count / rate

    def _wait(self, seconds: float) -> None:
        """Sleep, but wake at once for stop, pause, step or a new rate."""
        deadline = time.perf_counter() + seconds
        with self._control:
            rate = self._rate
            while not self._stopping and self._rate == rate and not self._steps:
                left = deadline - time.perf_counter()
                if left <= 0:
                    return
                self._control.wait(left)

    def _learn(self, images: np.ndarray, labels: np.ndarray) -> None:
        if self._rate is None:
            # Full speed: each label's images together (its network sees them in the same order,
            # and the networks are independent, so the result is the same) in fewer, larger calls.
            order = np.argsort(labels, kind="stable")
            images, labels = images[order], labels[order]
        start = 0
        while start < len(labels):
            count, single, wait = self._next_piece()
            stop = min(start + count, len(labels))
            if not single and wait == 0.0:  # full speed (sorted by label): one label per piece
                stop = start + int(np.argmax(labels[start:stop] != labels[start]) or stop - start)
            began, cpu_began = time.perf_counter(), time.thread_time()
            if single:
                label = int(labels[start])
                with self.lock:
                    before = self.model.weight_images(label)
                    self.model.learn_many(images[start:stop], labels[start:stop])
                    after = self.model.weight_images(label)
                    self._published = 0.0  # show this step's effect
                    self._publish()
                self.stepped.emit(Step(images[start].copy(), label, after - before))
            else:
                with self.lock:
                    self.model.learn_many(images[start:stop], labels[start:stop])
                    cpu = time.thread_time() - cpu_began
                    self._publish()
            took = time.perf_counter() - began
            self._learning_s += took
            seen = self.progress.seen + stop - start
            self.progress = Progress(seen, self.total, seen / max(self._learning_s, 1e-9))
            if wait == 0.0 and not single and stop - start == count:
                self._piece = fitted_piece(count, cpu)
            if wait > 0:
                self._wait(wait * (stop - start) / count)
            else:
                time.sleep(0.0002)  # let a GUI thread waiting for the lock take it
            start = stop

    def _label_norms(self, images: np.ndarray) -> np.ndarray:
        """``model.label_norms(images)`` in pieces, each under the lock (the lock free in
        between, and a stop honoured there)."""
        parts = []
        start = 0
        while start < len(images):
            if self._stopping:
                raise _Stopped
            count = self._eval_piece
            stop = min(start + count, len(images))
            cpu_began = time.thread_time()
            with self.lock:
                parts.append(self.model.label_norms(images[start:stop]))
                cpu = time.thread_time() - cpu_began
            if stop - start == count:
                self._eval_piece = fitted_piece(count, cpu)
            time.sleep(0.0002)  # let a GUI thread waiting for the lock take it
            start = stop
        if not parts:
            return np.zeros((0, self.model.n_labels))
        return np.concatenate(parts)

    def _publish(self) -> None:
        """Copy the weight images a view wants (called while holding the lock)."""
        now = time.perf_counter()
        wanted = self.weight_labels
        if not wanted or now - self._published < PUBLISH_S:
            return
        self._published = now
        images = tuple(self.model.weight_images(label) for label in wanted)
        self.weights = WeightImages(wanted, images)
