"""Training as the window sees it: :class:`Trainer`, the session's training process (see
:mod:`hebbviz.trainer_process`), and :class:`TrainingWorker`, one run in it.

The window never waits for the process: what a run sends is read on a timer at about the frame
rate (:data:`POLL_MS`), the heatmap's pictures and the copies to answer drawings with are read
from shared memory when a view asks for them, and requests (pause, step, stop, the rate, whose
weights to show) go down the pipe at once. The run's model is the session's: its arrays are
shared with the process, which learns them in place, a piece at a time, under the session's
model lock (an inter-process lock, so teach mode can change the model between two pieces).
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import multiprocessing
import time
from collections.abc import Callable
from multiprocessing.connection import Connection

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from hebbviz.data.dataset import Dataset, kept
from hebbviz.gui.session import Reading
from hebbviz.models.base import NormClassifier
from hebbviz.shared_arrays import SharedArrays
from hebbviz.trainer_process import ModelShare, RunRequest, serve
from hebbviz.training_run import Progress, SharedProgress, WeightImages

POLL_MS = 15
"""How often the window reads what the training process sent, while a run is on."""

CONTEXT = multiprocessing.get_context("spawn")
"""Processes start afresh (no copy of the window's threads and Qt state, as a fork would make),
and alike on every system."""


class Trainer(QObject):
    """The training process of one session: started with its first run, kept until
    :meth:`close`, started again if it ended unexpectedly.

    Parameters
    ----------
    owner : object with a ``lock``
        The session, whose ``lock`` (a lock of :data:`CONTEXT`) guards its model. A process that
        ends unexpectedly may end holding it, and nobody could take it again: the session then
        gets a new one (the next run learns a new model; the old one nobody changes any more).
    """

    def __init__(self, owner: object, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._owner = owner
        self._process: multiprocessing.process.BaseProcess | None = None
        self._conn: Connection | None = None
        self._workers: dict[int, TrainingWorker] = {}
        self._numbers = itertools.count(1)
        self._data: tuple[Dataset, SharedArrays] | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self.poll)

    @property
    def idle(self) -> bool:
        """Whether every run it was given has ended (its last message read)."""
        return not self._workers

    def pids(self) -> tuple[int, ...]:
        """The process's id, while it runs (for measuring its memory)."""
        process = self._process
        return (process.pid,) if process is not None and process.is_alive() else ()

    def start(self, worker: TrainingWorker, request: Callable[[int, tuple], RunRequest]) -> int:
        """Begin ``worker``'s run; ``request`` makes it from the run's number and the shared
        data set's name and layout. Returns the number."""
        if self._process is None or not self._process.is_alive():
            self._spawn()
        number = next(self._numbers)
        self._workers[number] = worker
        block = self._data[1]
        self.send(("run", request(number, (block.name, block.layout))))
        self._timer.start()
        return number

    def share(self, dataset: Dataset) -> None:
        """Put ``dataset``'s images where the process can map them (once per data set)."""
        if self._data is not None and self._data[0] is dataset:
            return
        arrays = {
            "train_images": dataset.train.images,
            "train_labels": dataset.train.labels,
            "val_images": dataset.val.images,
            "val_labels": dataset.val.labels,
        }
        block = SharedArrays({key: (a.shape, a.dtype) for key, a in arrays.items()})
        for key, array in arrays.items():
            np.copyto(block.arrays[key], array)
        self._forget_data()
        self._data = (dataset, block)

    def send(self, message: tuple) -> None:
        """To the process, if there is one; a process that has ended is noticed by
        :meth:`poll`."""
        conn = self._conn
        if conn is not None:
            with contextlib.suppress(OSError):
                conn.send(message)

    def poll(self) -> None:
        """Hand what the process sent to its runs' workers (on the GUI thread)."""
        conn = self._conn
        try:
            while conn is not None and conn.poll():
                try:
                    kind, number, payload = conn.recv()
                except FileNotFoundError:  # shared memory of a run nobody waits for any more
                    continue
                if kind == "prepared":
                    for block in payload.blocks():
                        block.unlink()  # mapped on both sides now
                worker = self._workers.get(number)
                if kind == "finished":
                    self._workers.pop(number, None)
                if worker is not None:
                    worker.receive(kind, payload)
        except (EOFError, OSError):
            pass
        if self._workers and not self._process.is_alive():
            code = self._process.exitcode
            if self._owner.lock.acquire(False):
                self._owner.lock.release()
            else:  # held by the ended process (or a moment by another thread: a new one is fine)
                self._owner.lock = CONTEXT.Lock()
            for worker in self._workers.values():
                worker.receive("error", f"The training process ended unexpectedly (code {code}).")
                worker.receive("finished", worker.progress)
            self._workers.clear()
        if not self._workers:
            self._timer.stop()

    def close(self, timeout: float) -> None:
        """Let the process end (the window closes): ask, wait up to ``timeout`` s, then end it."""
        self._timer.stop()
        process, self._process = self._process, None
        if process is not None:
            self.send(("quit",))
            process.join(timeout)
            if process.is_alive():
                process.kill()
                process.join(1.0)
            self._conn.close()
            self._conn = None
        for worker in self._workers.values():  # runs that will not report any more
            worker.receive("finished", worker.progress)
        self._workers.clear()
        self._forget_data()

    def _spawn(self) -> None:
        parent, child = CONTEXT.Pipe()
        process = CONTEXT.Process(
            target=serve, args=(child, self._owner.lock), name="hebbviz-training", daemon=True
        )
        process.start()
        child.close()
        if self._conn is not None:
            self._conn.close()
        self._process, self._conn = process, parent
        dataset = self._data[0] if self._data is not None else None
        self._forget_data()  # the ended process had mapped it: share it again
        if dataset is not None:
            self.share(dataset)

    def _forget_data(self) -> None:
        if self._data is not None:
            self._data[1].unlink()
            self._data = None


class RemoteControl:
    """Pause, single steps, stop and the rate of one run (``number``, once started), asked of
    the training process; whether it was last asked to pause, for the window to show."""

    def __init__(self, trainer: Trainer, paused: bool):
        self._trainer = trainer
        self.number = 0
        self.paused = paused

    def _send(self, method: str, args: tuple) -> None:
        self._trainer.send(("control", self.number, method, args))

    def pause(self) -> None:
        self.paused = True
        self._send("pause", ())

    def resume(self) -> None:
        self.paused = False
        self._send("resume", ())

    def step(self) -> None:
        self.paused = True
        self._send("step", ())

    def stop(self) -> None:
        self._send("stop", ())

    def set_rate(self, rate: float | None) -> None:
        self._send("set_rate", (rate,))


class TrainingWorker(QObject):
    """One run in the session's training process, pausable, steppable and stoppable.

    Parameters
    ----------
    trainer : Trainer
    make : callable
        Makes the untrained model, in the training process (pickled: a bound method of a frozen
        dataclass, say). A ``TypeError`` or ``ValueError`` from it is reported as bad
        hyperparameters.
    dataset : Dataset
    per_label, val_per_label : int
        The run's training images and validation images (for the accuracy curve, evaluated
        every ``eval_every`` images): so many of each label (see
        :func:`~hebbviz.data.dataset.balance`); 0: all of them.
    epochs, seed, eval_every : int
    rate : float or None
        Images per second; None is full speed.
    paused : bool
        Start paused (for a first Step).

    Signals
    -------
    prepared(NormClassifier)
        The model to be trained (its arrays shared with the process), before it learns.
    yielded(Snapshot)
        After every chunk of the run (with the validation accuracy when evaluated).
    stepped(Step)
        After every image learned on its own.
    errored(str)
        The run failed; the message is for people.
    finished()
        Follows every run (after its other signals), whether it completed, was stopped or
        failed.
    """

    prepared = Signal(object)
    yielded = Signal(object)
    stepped = Signal(object)
    errored = Signal(str)
    finished = Signal()

    def __init__(
        self,
        trainer: Trainer,
        make: Callable[[], NormClassifier],
        dataset: Dataset,
        per_label: int = 0,
        val_per_label: int = 0,
        *,
        epochs: int = 1,
        seed: int = 0,
        eval_every: int | None = None,
        rate: float | None = None,
        paused: bool = False,
    ) -> None:
        super().__init__()
        self._trainer = trainer
        self._request = functools.partial(
            RunRequest,
            make=make,
            per_label=per_label,
            val_per_label=val_per_label,
            epochs=epochs,
            seed=seed,
            eval_every=eval_every,
            rate=rate,
            paused=paused,
        )
        self._dataset = dataset
        self.model: NormClassifier | None = None
        """The model trained (None until the process made it)."""
        self.total = epochs * len(kept(dataset.train.labels, per_label))
        self.control = RemoteControl(trainer, paused)  # not a method of self: no cycle
        self.progress = Progress(0, self.total, 0.0)
        """The newest progress the process sent."""
        self.shared: SharedProgress | None = None
        """The newest state of the model's shared layer (None: it has none, or it has not
        started to learn in this run)."""
        self._labels: tuple[int, ...] = ()
        self._share: ModelShare | None = None
        self._published = 0  # pictures the run published, as counted when it finished
        self._weights: WeightImages | None = None
        self._pictures_read: tuple[int, int] | None = None
        self._reading: tuple[tuple[int, int], Reading] | None = None
        self._stale: tuple[int, int] | None = None
        self._running = False

    def start(self) -> None:
        """Begin the run (once)."""
        self._trainer.share(self._dataset)
        self._running = True
        request = self._request
        self.control.number = self._trainer.start(
            self, lambda number, data: request(number=number, data=data)
        )

    @property
    def running(self) -> bool:
        """Whether the run has not ended yet (as far as the window knows)."""
        return self._running

    def join(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for the run to end; whether it has. Only for closing
        the app and for tests: the window never waits for a run otherwise."""
        deadline = time.monotonic() + timeout
        while self._running and time.monotonic() < deadline:
            self._trainer.poll()
            time.sleep(POLL_MS / 1000)
        return not self._running

    @property
    def weight_labels(self) -> tuple[int, ...]:
        """Whose weight images the run publishes (the ones the Weights view shows)."""
        return self._labels

    @weight_labels.setter
    def weight_labels(self, labels: tuple[int, ...]) -> None:
        self._labels = tuple(labels)
        self._trainer.send(("labels", self.control.number, self._labels))

    @property
    def weights(self) -> WeightImages | None:
        """The newest weight images the run made (copied out of shared memory once each)."""
        share = self._share
        newest = share.pictures.newest() if share is not None else None
        if newest is None or newest == self._pictures_read:
            return self._weights
        index, _ = newest
        buffer = share.pictures.buffer(index)
        labels = tuple(int(label) for label in buffer["labels"] if label >= 0)
        images = tuple(buffer[str(label)].copy() for label in labels)
        if share.pictures.intact(*newest):
            self._weights, self._pictures_read = WeightImages(labels, images), newest
        return self._weights

    @property
    def pictures_published(self) -> int:
        """How many times the run published weight images so far (0 before it is prepared)."""
        share = self._share
        return share.pictures.writes if share is not None else self._published

    @property
    def readable(self) -> Reading | None:
        """The newest copy of the model the run made, to answer drawings with without the
        lock; None before the first, or since :meth:`forget_readable` until the next."""
        share = self._share
        newest = share.readable.newest() if share is not None else None
        if newest is None or newest == self._stale:
            return None
        if self._reading is None or self._reading[0] != newest:
            index, sequence = newest
            box = share.readable
            model = share.model(box.buffer(index))
            self._reading = newest, Reading(model, functools.partial(box.intact, index, sequence))
        return self._reading[1]

    def forget_readable(self) -> None:
        """The model changed otherwise (teach mode): no copy made before counts any more."""
        share = self._share
        self._stale = share.readable.newest() if share is not None else None

    def receive(self, kind: str, payload: object) -> None:
        """What the process sent about this run (called by the :class:`Trainer`)."""
        if kind == "prepared":
            self._share = payload
            self.model = payload.model(payload.arrays.arrays)
            self.prepared.emit(self.model)
        elif kind == "progress":
            self.progress = payload
        elif kind == "shared":
            self.shared = payload
        elif kind == "snapshot":
            self.yielded.emit(payload)
        elif kind == "step":
            self.stepped.emit(payload)
        elif kind == "error":
            self.errored.emit(payload)
        elif kind == "finished":
            self.progress = payload
            self._running = False
            self._published = self.pictures_published
            self._share = self._reading = None  # the copies' memory goes
            self.finished.emit()
