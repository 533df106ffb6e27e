"""The training process: the app's runs, one after another, in a process of its own.

Measured on a busy 2-core machine (``hebbviz bench --gui --background-load 2``): a run in a
thread of the app's process held up the window even when its learning released Python's lock,
because its Python between two pieces (taking the model lock, sizing the next piece, making and
publishing the heatmap's picture, 40-80 times a second) competed with the window's for that lock,
in a thread other programs preempt. In a process of its own the run competes for cores only,
at a lower priority than the window's.

The app (:class:`hebbviz.gui.worker.Trainer`) starts the process once, with the session's model
lock (an inter-process lock, so teach mode can change the model between two of the run's
pieces), and talks to it through a pipe:

- to the process: ``("run", RunRequest)``, ``("control", number, method, args)`` (a
  :class:`~hebbviz.run_control.RunControl` method of run ``number``), ``("labels", number,
  labels)`` (whose weight images to publish), ``("quit",)``;
- from it: ``(kind, number, payload)`` with kind ``"prepared"`` (a :class:`ModelShare`),
  ``"progress"``, ``"shared"``, ``"snapshot"``, ``"step"``, ``"error"`` and ``"finished"`` (the
  last progress), the frequent ones at most every ``MESSAGE_S``.

The model's arrays live in shared memory that both processes map (the app's model *is* the
run's); the copies to answer drawings with and the heatmap's pictures go through
:class:`~hebbviz.shared_arrays.TripleBuffer` s the app reads on its frame timer, never waiting.
"""

from __future__ import annotations

import contextlib
import copy
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

import numpy as np

from hebbviz.data.dataset import Split, kept
from hebbviz.models.base import NormClassifier
from hebbviz.priority import WORKER_NICENESS, lower_priority
from hebbviz.run_control import RunControl
from hebbviz.shared_arrays import SharedArrays, TripleBuffer, unlink
from hebbviz.training import Snapshot
from hebbviz.training_run import Progress, SharedProgress, Step, TrainingRun, WeightImages

MESSAGE_S = 0.03
"""Progress and a shared layer's state are sent at most this often (the app shows them at its
frame rate): the app's process reads the pipe only then."""


@dataclass(frozen=True)
class RunRequest:
    """One run, as the app asks for it.

    Attributes
    ----------
    number : int
        Names the run in the messages both ways.
    make : callable
        Makes the untrained model (pickled: a module-level function or a bound method).
    data : (str, layout)
        The name and layout of the :class:`SharedArrays` block holding the data set's
        ``train_images``, ``train_labels``, ``val_images`` and ``val_labels`` (shared once per
        data set: the process keeps the newest one mapped).
    per_label, val_per_label : int
        The run's training and validation images: so many of each label (see
        :func:`~hebbviz.data.dataset.balance`), 0: all (no validation images: no accuracy
        curve). Counts, not positions: the request stays a few hundred bytes, which the app
        writes to the pipe without waiting for the process to read them.
    epochs, seed, eval_every, rate, paused
        As for :class:`~hebbviz.training_run.TrainingRun` and its control.
    """

    number: int
    make: Callable[[], NormClassifier]
    data: tuple[str, dict[str, Any]]
    per_label: int = 0
    val_per_label: int = 0
    epochs: int = 1
    seed: int = 0
    eval_every: int | None = None
    rate: float | None = None
    paused: bool = False


@dataclass(frozen=True)
class ModelShare:
    """The run's model as the app maps it.

    Attributes
    ----------
    skeleton : NormClassifier
        The model without its arrays (each such attribute None).
    arrays : SharedArrays
        The model's arrays, learned in place by the run.
    readable : TripleBuffer
        Copies now and then to answer drawings with
        (``NormClassifier.copy_for_answering``).
    pictures : TripleBuffer
        The weight images asked for: one array per label (key ``str(label)``) and ``labels``,
        the labels written (-1 after them).
    """

    skeleton: NormClassifier
    arrays: SharedArrays
    readable: TripleBuffer
    pictures: TripleBuffer

    def blocks(self) -> tuple[SharedArrays, ...]:
        return self.arrays, self.readable.block, self.pictures.block

    def model(self, arrays: dict[str, np.ndarray]) -> NormClassifier:
        """A model object on ``arrays`` (views: nothing is copied)."""
        model = copy.deepcopy(self.skeleton)
        for key, array in arrays.items():
            setattr(model, key, array)
        return model


class _Publisher:
    """The :class:`~hebbviz.training_run.RunSink` of one run: the pipe and shared memory."""

    def __init__(self, conn: Connection, number: int, made: list[str]) -> None:
        self._conn = conn
        self._number = number
        self._made = made
        self._share: ModelShare | None = None
        self._sent = 0.0
        self._progress: Progress | None = None
        self._shared: SharedProgress | None = None

    def _send(self, kind: str, payload: object) -> None:
        self._conn.send((kind, self._number, payload))

    def prepared(self, model: NormClassifier) -> None:
        arrays = model.arrays()
        live = SharedArrays({key: (a.shape, a.dtype) for key, a in arrays.items()})
        for key, array in arrays.items():
            np.copyto(live.arrays[key], array)
            setattr(model, key, live.arrays[key])
        skeleton = copy.copy(model)
        for key in arrays:
            setattr(skeleton, key, None)
        shape = model.weight_images(0).shape  # in float32: enough for a heatmap, half the bytes
        pictures = {str(label): (shape, np.float32) for label in range(model.n_labels)}
        self._share = share = ModelShare(
            skeleton,
            live,
            TripleBuffer(type(model).answering_layout(model.params())),
            TripleBuffer({"labels": ((model.n_labels,), np.int64), **pictures}),
        )
        self._made.extend(block.name for block in share.blocks())
        self.readable(model)  # the app never waits for the lock to answer a drawing
        self._send("prepared", share)

    def readable(self, model: NormClassifier) -> None:
        arrays, shared = model.arrays(), self._share.arrays.arrays
        if any(arrays[key] is not array for key, array in shared.items()):
            raise RuntimeError(
                f"rule {model.rule} replaced an array instead of changing it in place, so the "
                "app would not see what it learns"
            )
        self._share.readable.fill(model.copy_for_answering)

    def pictured(self, weights: WeightImages) -> None:
        labels = np.full(self._share.skeleton.n_labels, -1, dtype=np.int64)
        labels[: len(weights.labels)] = weights.labels
        images = dict(zip(map(str, weights.labels), weights.images, strict=True))
        self._share.pictures.write({"labels": labels, **images})

    def progressed(self, progress: Progress) -> None:
        self._progress = progress
        self._flush_when_due()

    def shared(self, shared: SharedProgress) -> None:
        self._shared = shared
        self._flush_when_due(now=shared.winner is not None)

    def yielded(self, snapshot: Snapshot) -> None:
        self._flush_when_due(now=True)
        self._send("snapshot", snapshot)

    def stepped(self, step: Step) -> None:
        self._flush_when_due(now=True)
        self._send("step", step)

    def errored(self, message: str) -> None:
        self._send("error", message)

    def finished(self, progress: Progress) -> None:
        self._flush_when_due(now=True)
        self._send("finished", progress)

    def _flush_when_due(self, now: bool = False) -> None:
        moment = time.perf_counter()
        if not now and moment - self._sent < MESSAGE_S:
            return
        self._sent = moment
        if self._progress is not None:
            self._send("progress", self._progress)
        if self._shared is not None:
            self._send("shared", self._shared)
        self._progress = self._shared = None


class _Server:
    """The process's two threads: the main one runs the runs, one more reads the pipe."""

    def __init__(self, conn: Connection, lock: Any) -> None:
        self.conn = conn
        self.lock = lock
        self.requests: queue.Queue[tuple[int, TrainingRun | str, _Publisher] | None]
        self.requests = queue.Queue()
        self.runs: dict[int, TrainingRun] = {}
        self.made: list[str] = []
        """The names of the blocks made for the app (not the blocks: a run's memory goes with
        it), removed when the process ends in case the app did not get to them."""
        self._data: SharedArrays | None = None

    def receive(self) -> None:
        """Read the app's messages until it quits or its end of the pipe closes."""
        lower_priority(WORKER_NICENESS)
        try:
            while (message := self.conn.recv())[0] != "quit":
                if message[0] == "run":
                    self._accept(message[1])
                elif (run := self.runs.get(message[1])) is None:
                    continue  # a run that has ended
                elif message[0] == "control":
                    getattr(run.control, message[2])(*message[3])
                elif message[0] == "labels":
                    run.weight_labels = tuple(message[2])
        except (EOFError, OSError):
            pass
        finally:
            for run in list(self.runs.values()):
                run.control.stop()
            self.requests.put(None)

    def _accept(self, request: RunRequest) -> None:
        publisher = _Publisher(self.conn, request.number, self.made)
        try:
            run: TrainingRun | str = self._run(request, publisher)
            self.runs[request.number] = run
        except (OSError, ValueError) as error:  # the data set's memory is gone, or not as named
            run = f"The training data could not be read: {error}"
        self.requests.put((request.number, run, publisher))

    def _run(self, request: RunRequest, publisher: _Publisher) -> TrainingRun:
        name, layout = request.data
        if self._data is None or self._data.name != name:
            self._data = SharedArrays(layout, name)
            self._data.unlink()  # mapped here: nobody else needs its name
        data = self._data.arrays
        train = kept(data["train_labels"], request.per_label)
        val = kept(data["val_labels"], request.val_per_label)
        return TrainingRun(
            request.make,
            self.lock,
            Split(data["train_images"][train], data["train_labels"][train]),
            publisher,
            epochs=request.epochs,
            seed=request.seed,
            val=Split(data["val_images"][val], data["val_labels"][val]) if len(val) else None,
            eval_every=request.eval_every,
            control=RunControl(request.rate, request.paused),
        )

    def serve(self) -> None:
        """Run what is asked for, in turn, until the app quits."""
        while (request := self.requests.get()) is not None:
            number, run, publisher = request
            with contextlib.suppress(OSError):  # the app is gone: nobody to tell
                if isinstance(run, str):  # it could not start
                    publisher.errored(run)
                    publisher.finished(Progress(0, 0, 0.0))
                    continue
                if not run.control.stopping:
                    try:
                        run.run()
                    except Exception as error:  # noqa: BLE001 - becomes a message, as in a run
                        publisher.errored(f"training failed: {type(error).__name__}: {error}")
                publisher.finished(run.progress)
            self.runs.pop(number, None)
            del run, publisher, request  # the model's memory goes now, not at the next run


def serve(conn: Connection, lock: Any) -> None:
    """The process's main function: serve the app on ``conn`` until it quits; ``lock`` is the
    model lock of the app's session."""
    lower_priority(WORKER_NICENESS)
    server = _Server(conn, lock)
    threading.Thread(target=server.receive, name="requests", daemon=True).start()
    try:
        server.serve()
    finally:
        for name in server.made:
            unlink(name)
