"""A training run: drives :func:`hebbviz.training.train` in pieces that pause, step, stop and
keep a rate between them, and hands what the app shows to a :class:`RunSink`.

The app runs it in a process of its own (:mod:`hebbviz.trainer_process`), so that nothing of the
run's work, not even its Python between two pieces, competes with the app's window for Python's
lock; the run's results reach the window through a pipe and shared memory.

The generator hands each chunk to ``model.learn_many``; the run intercepts that call and cuts the
chunk into short pieces, each learned while holding the model lock (so that teaching the model
a drawing in the meantime never lands in the middle of one), with the lock free in between. The
validation passes score a copy of the model made under the lock, with the lock free. Between two
pieces the run honours pause, step, stop and the speed setting (its :class:`RunControl`):

- full speed: each label's images of a chunk together, in pieces sized so that each takes about
  ``HOLD_S`` seconds of CPU time and at most ``PIECE_WALL_S`` of wall time under the lock;
- a set rate: pieces of a frame's worth of images, then a wait;
- slow motion (a rate up to ``SLOW_MOTION_RATE``) and single steps: one image at a time, each
  reported with its label and the change it caused in that label's weights.

A model with a shared layer (:class:`~hebbviz.training.SharedLayer`, rule ``strokes``) learns
that layer first; its inputs (patches) are learned the same way, in pieces under the lock with
pause, step, stop and speed honoured between them (the rate counts inputs then), and the layer's
images are published (in slow motion with the input just learned and the unit that won it).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from hebbviz.data.dataset import Split
from hebbviz.errors import HebbvizError
from hebbviz.memory import return_free_memory
from hebbviz.models.base import NormClassifier
from hebbviz.run_control import RunControl, Stopped
from hebbviz.training import SharedLayer, Snapshot, train

HOLD_S = 0.02
"""CPU seconds one piece of learning may take at full speed, holding the model lock. Longer
pieces train faster (itoh learns an image in 0.2 ms in pieces of 64, in 7 ms one at a time).
The app does not wait for them: it answers drawings with the run's copies (``readable``); only
teach mode and the evaluation after a run take the lock between pieces."""

PIECE_WALL_S = 0.015
"""Wall-clock seconds a piece may take: a busy machine stretches a piece's CPU time over more
wall time, and the run publishes what the views show only between pieces. Measured beside two
CPU-bound processes (``hebbviz bench --gui --background-load 2``, itoh): 25 ms gave the heatmap
25-27 new pictures a second, 15 ms 30-32 (12 ms: 28-29, the pieces' overhead then eats the
training process's share of the CPU)."""

PUBLISH_S = 0.02
"""This often the run copies the weights a view shows (while it holds the lock anyway), so the
view need not wait for the lock: on a schedule, at the end of the first piece after each
picture is due (never two within half of it). Pieces of 15 ms gave a picture every second
piece when each was due ``PUBLISH_S`` after the one before (busy itoh: 31 pictures a second,
32-33 on the schedule)."""

READABLE_S = 0.05
"""At most this often the run hands the app a copy of the whole model to answer drawings with
(``RunSink.readable``): a copy the app reads stays unchanged for at least two such periods (see
:class:`~hebbviz.shared_arrays.TripleBuffer`), longer than an answer takes."""

COPY_SHARE = 0.02
"""At most this share of the run's time goes into those copies: oja's, 2 MB, is made every
``READABLE_S``; itoh's, about 60 MB (H = 2), about once a second (at 5% the copies took time
the heatmap's pictures needed on a busy machine)."""

MAX_PIECE = 256

MAX_SHARED_PIECE = 4096
"""A shared layer's inputs are small (patches): more of them fit in a piece."""

Picture = Callable[[], tuple[np.ndarray, ...]]
"""Makes weight images from copies (see ``NormClassifier.weight_images_later``)."""


def fitted_piece(asked: int, ran: int, cpu: float, wall: float, most: int = MAX_PIECE) -> int:
    """The next piece size after a piece asked for ``asked`` inputs learned ``ran`` of them in
    ``cpu`` seconds of CPU time and ``wall`` seconds of wall-clock time under the lock: the
    largest that takes at most about ``HOLD_S`` and ``PIECE_WALL_S``, at most ``most``.

    A piece may run fewer inputs than asked (at full speed it ends with its label's images): it
    then says nothing about room for more, but one that took too long still halves what ran.
    Measured beside two CPU-bound processes (itoh): pieces that ended with their label were
    never fitted, stayed at a whole label's images (about 100, 10 ms of CPU, 40-55 ms of wall
    time) once a quiet moment had let them grow, and the run published 29-43 new pictures a
    second instead of 47-49."""
    if cpu > HOLD_S or wall > PIECE_WALL_S:
        return max(1, ran // 2)
    if ran == asked and cpu < HOLD_S / 2 and wall < PIECE_WALL_S / 2:
        return min(most, asked * 2)
    return asked


@dataclass(frozen=True)
class Progress:
    """Images learned so far in the run, out of ``total``, and the learning speed."""

    seen: int
    total: int
    images_per_s: float


@dataclass(frozen=True)
class WeightImages:
    """``weight_images(label)`` for ``labels``, copied under the lock after a piece."""

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


@dataclass(frozen=True)
class SharedProgress:
    """Where a shared layer's learning stands (published after a piece, replaced, never changed).

    Attributes
    ----------
    images : ndarray, shape (n_units, h, w)
        A copy of ``shared_images()``.
    seen, total : int
        Inputs learned so far, and in the whole stage.
    winner : int or None
        In slow motion and single steps: the unit that won (and learned from) ``patch``.
    patch : ndarray or None
        That input, shaped as a unit's image.
    """

    images: np.ndarray
    seen: int
    total: int
    winner: int | None = None
    patch: np.ndarray | None = None


class _Controlled:
    """The model as the generator sees it: ``learn_many`` and the validation's ``label_norms``
    go through the run; ``diverged`` is read under the lock."""

    def __init__(self, model: NormClassifier, run: TrainingRun) -> None:
        self._model = model
        self._run = run

    def learn_many(self, images: np.ndarray, labels: np.ndarray) -> None:
        self._run._learn(images, labels)

    def label_norms(self, images: np.ndarray) -> np.ndarray:
        return self._run._label_norms(images)

    @property
    def diverged(self) -> np.ndarray:
        with self._run.lock:
            return self._model.diverged.copy()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._model, name)


class _ControlledShared(_Controlled):
    """As :class:`_Controlled`, for a model with a :class:`~hebbviz.training.SharedLayer`: the
    layer's stage goes through the run too. Its members are spelled out, because from Python
    3.12 on an ``isinstance`` check against a protocol does not see ``__getattr__``."""

    @property
    def shared_epochs(self) -> int:
        return self._model.shared_epochs

    @property
    def shared_learned(self) -> bool:
        return self._model.shared_learned

    @property
    def shared_caption(self) -> str:
        return self._model.shared_caption

    def start_shared(self, images: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        return self._run._start_shared(images, rng)

    def learn_shared(self, inputs: np.ndarray) -> np.ndarray:
        return self._run._learn_shared(inputs)

    def shared_images(self) -> np.ndarray:
        with self._run.lock:
            return self._model.shared_images()


class RunSink(Protocol):
    """Where a :class:`TrainingRun` hands what it has done (called in the run's thread)."""

    def prepared(self, model: NormClassifier) -> None:
        """The model to be trained, before it learns anything: copy it to answer drawings with
        (the next :meth:`readable` comes only after a while)."""

    def yielded(self, snapshot: Snapshot) -> None:
        """After every chunk of the generator (with the validation accuracy when evaluated)."""

    def stepped(self, step: Step) -> None:
        """After every image learned on its own."""

    def errored(self, message: str) -> None:
        """The run failed; the message is for people."""

    def progressed(self, progress: Progress) -> None:
        """After every piece."""

    def pictured(self, weights: WeightImages) -> None:
        """New weight images of the labels asked for (:attr:`TrainingRun.weight_labels`)."""

    def shared(self, shared: SharedProgress) -> None:
        """After every piece of a shared layer's stage."""

    def readable(self, model: NormClassifier) -> None:
        """Under the model lock, now and then: copy ``model`` to answer drawings with."""


class TrainingRun:
    """Trains ``model`` on ``split``, pausable, steppable and stoppable through ``control``.

    Parameters
    ----------
    model : NormClassifier, or a function without arguments that makes one
        Learns in place, only while ``lock`` is held. A ``TypeError`` or ``ValueError`` from the
        function is reported as bad hyperparameters.
    lock : lock
        The model lock (shared with whoever else changes the model: teach mode).
    split : Split
        The training images (already balanced or capped).
    sink : RunSink
    epochs, seed : int
        As for :func:`hebbviz.training.train`.
    val : Split, optional
        Validation images for the accuracy curve, evaluated every ``eval_every`` images.
    eval_every : int, optional
    control : RunControl, optional
        Pause, single steps, stop and the rate (a running one by default).
    """

    def __init__(
        self,
        model: NormClassifier | Callable[[], NormClassifier],
        lock: Any,
        split: Split,
        sink: RunSink,
        *,
        epochs: int = 1,
        seed: int = 0,
        val: Split | None = None,
        eval_every: int | None = None,
        control: RunControl | None = None,
    ) -> None:
        self._make = model if callable(model) else None
        self.model: NormClassifier | None = None if callable(model) else model
        """The model trained (None until a function made it)."""
        self.lock = lock
        self.split = split
        self.sink = sink
        self.epochs = epochs
        self.seed = seed
        self.val = val
        self.eval_every = eval_every
        self.total = epochs * len(split)
        self.control = control or RunControl()
        self.progress = Progress(0, self.total, 0.0)
        """The newest progress; replaced (never changed) after every piece."""
        self.weight_labels: tuple[int, ...] = ()
        """Whose weight images to publish (the ones the app's Weights view shows)."""
        self.shared: SharedProgress | None = None
        """The newest state of the model's shared layer (None: it has none, or it has not
        started to learn in this run)."""
        self._picture_due = 0.0
        self._copied = 0.0
        self._copy_s = 0.0
        self._learning_s = 0.0
        self._piece = 8
        self._shared_piece = 8
        self._shared_published = 0.0

    def run(self) -> None:
        """The run itself, to its end (or a stop, or a failure: reported to the sink)."""
        eval_every = self.eval_every
        snapshot_every = min(MAX_PIECE * 4, eval_every or MAX_PIECE * 4)
        if self.model is None:
            try:
                self.model = self._make()
            except (TypeError, ValueError) as error:
                self.sink.errored(f"Bad hyperparameters: {error}")
                return
        self.sink.prepared(self.model)  # with a first copy to answer drawings with
        self._copied = time.perf_counter()
        controlled = _ControlledShared if isinstance(self.model, SharedLayer) else _Controlled
        try:
            for snapshot in train(
                controlled(self.model, self),  # type: ignore[arg-type]
                self.split,
                epochs=self.epochs,
                seed=self.seed,
                snapshot_every=snapshot_every,
                val=self.val,
                eval_every=eval_every,
            ):
                self.sink.yielded(snapshot)
        except Stopped:
            pass
        except HebbvizError as error:
            self.sink.errored(str(error))
        except Exception as error:  # noqa: BLE001 - a run's failure becomes a message
            self.sink.errored(f"training failed: {type(error).__name__}: {error}")
        finally:  # what this run and the model before it freed, back to the system
            return_free_memory()

    def _learn(self, images: np.ndarray, labels: np.ndarray) -> None:
        if self.control.full_speed:
            # Full speed: each label's images together (its network sees them in the same order,
            # and the networks are independent, so the result is the same) in fewer, larger calls.
            order = np.argsort(labels, kind="stable")
            images, labels = images[order], labels[order]
        start = 0
        while start < len(labels):
            count, single, wait = self.control.next_piece(self._piece)
            stop = min(start + count, len(labels))
            if not single and wait == 0.0:  # full speed (sorted by label): one label per piece
                stop = start + int(np.argmax(labels[start:stop] != labels[start]) or stop - start)
            began, cpu_began = time.perf_counter(), time.thread_time()
            step = None
            if single:
                label = int(labels[start])
                with self.lock:
                    before = self.model.weight_images_later((label,))
                    self.model.learn_many(images[start:stop], labels[start:stop])
                    after = self.model.weight_images_later((label,))
                    pictures = self._weights_due(now=True)  # show this step's effect
                    self._copy_when_due(now=True)
                self._publish(pictures)
                step = Step(images[start].copy(), label, after()[0] - before()[0])
            else:
                with self.lock:
                    self.model.learn_many(images[start:stop], labels[start:stop])
                    cpu, wall = time.thread_time() - cpu_began, time.perf_counter() - began
                    pictures = self._weights_due()
                    self._copy_when_due()
                self._publish(pictures)
            took = time.perf_counter() - began
            self._learning_s += took
            seen = self.progress.seen + stop - start
            self.progress = Progress(seen, self.total, seen / max(self._learning_s, 1e-9))
            self.sink.progressed(self.progress)
            if step is not None:  # after the progress that counts it
                self.sink.stepped(step)
            if wait == 0.0 and not single:
                self._piece = fitted_piece(count, stop - start, cpu, wall)
            self.control.paced(stop - start, count, wait)
            start = stop

    def _start_shared(self, images: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """``model.start_shared`` without holding the lock for the seconds it may take: on a
        copy, whose changed arrays then go into the model under the lock (so a teach step in
        the meantime is kept)."""
        with self.lock:
            scratch = self.model.copy()
        inputs = scratch.start_shared(images, rng)
        started = scratch.arrays()
        with self.lock:
            arrays = self.model.arrays()
            arrays.update(
                {key: a for key, a in started.items() if not np.array_equal(a, arrays[key])}
            )
            self.model.set_arrays(arrays)
            pictures = self.model.shared_images()
            self._copy_when_due(now=True)
        self.shared = SharedProgress(pictures, 0, self.model.shared_epochs * len(inputs))
        self.sink.shared(self.shared)
        return inputs

    def _learn_shared(self, inputs: np.ndarray) -> np.ndarray:
        """``model.learn_shared(inputs)`` in pieces, each under the lock, paced as
        :meth:`_learn`; publishes the layer's images as :attr:`shared` (at most every
        ``PUBLISH_S``, and after every input learned on its own, with its winner)."""
        winners = np.empty(len(inputs), dtype=np.int64)
        start = 0
        while start < len(inputs):
            count, single, wait = self.control.next_piece(self._shared_piece)
            stop = min(start + count, len(inputs))
            began, cpu_began = time.perf_counter(), time.thread_time()
            with self.lock:
                winners[start:stop] = self.model.learn_shared(inputs[start:stop])
                cpu, wall = time.thread_time() - cpu_began, time.perf_counter() - began
                due = single or began - self._shared_published >= PUBLISH_S
                images = self.model.shared_images() if due else None
                self._copy_when_due(now=single)
            self._learning_s += time.perf_counter() - began
            shared = self.shared
            seen = shared.seen + stop - start
            if images is None:
                self.shared = SharedProgress(shared.images, seen, shared.total)
            else:
                self._shared_published = began
                winner, patch = None, None
                if single:
                    winner, patch = int(winners[start]), inputs[start].reshape(images.shape[1:])
                self.shared = SharedProgress(images, seen, shared.total, winner, patch)
            self.sink.shared(self.shared)
            if wait == 0.0 and not single:
                self._shared_piece = fitted_piece(count, stop - start, cpu, wall, MAX_SHARED_PIECE)
            self.control.paced(stop - start, count, wait)
            start = stop
        return winners

    def _label_norms(self, images: np.ndarray) -> np.ndarray:
        """``model.label_norms(images)`` from a new copy of the model (made under the lock, when
        the app's copy is renewed too), scored with the lock free in pieces of ``MAX_PIECE``
        images, a stop honoured in between. Pieces small enough to hold the lock briefly would
        be slow: itoh reads its 49 MB of weights once per piece (200 images in pieces of 2: 3 s;
        in one piece: 0.2 s)."""
        with self.lock:
            copy = self.model.copy()
            self._copy_when_due(now=True)
        parts = [np.zeros((0, copy.n_labels))]
        for start in range(0, len(images), MAX_PIECE):
            if self.control.stopping:
                raise Stopped
            parts.append(copy.label_norms(images[start : start + MAX_PIECE]))
        return np.concatenate(parts)

    def _copy_when_due(self, now: bool = False) -> None:
        """Under the lock: hand the sink the model to copy for answering drawings when due (at
        most every ``READABLE_S``, and at most ``COPY_SHARE`` of the time; or ``now``)."""
        moment = time.perf_counter()
        if not now and moment - self._copied < max(READABLE_S, self._copy_s / COPY_SHARE):
            return
        self.sink.readable(self.model)
        self._copied = time.perf_counter()
        self._copy_s = self._copied - moment

    def _weights_due(self, now: bool = False) -> tuple[tuple[int, ...], Picture] | None:
        """Under the lock: copy what the weight images a view wants need, when due (see
        ``PUBLISH_S``), or ``now``; None when not."""
        moment = time.perf_counter()
        wanted = self.weight_labels
        if not wanted or (not now and moment < self._picture_due):
            return None
        self._picture_due = max(self._picture_due + PUBLISH_S, moment + PUBLISH_S / 2)
        return wanted, self.model.weight_images_later(wanted)

    def _publish(self, pictures: tuple[tuple[int, ...], Picture] | None) -> None:
        """Outside the lock: make the weight images :meth:`_weights_due` copied, and publish
        them."""
        if pictures is not None:
            wanted, make = pictures
            self.sink.pictured(WeightImages(wanted, make()))
