"""The training loop as a plain generator of progress snapshots (no Qt).

The app drives :func:`train` from a worker thread (pausing, stepping or stopping between two
snapshots); the command line drives it with a progress bar. Learning happens in chunks, each one
:meth:`~hebbviz.models.base.NormClassifier.learn_many` call (a whole chunk inside compiled code).
A model with a :class:`SharedLayer` (rule ``strokes``) first learns that layer, unsupervised, in
chunks of :meth:`SharedLayer.learn_shared` calls.
"""

from __future__ import annotations

import time
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np

from hebbviz.data.dataset import Split
from hebbviz.evaluation import evaluate
from hebbviz.models.base import NormClassifier


@dataclass(frozen=True)
class Snapshot:
    """Where training stands after a chunk; small, so it can be handed to any thread.

    Attributes
    ----------
    seen, total : int
        Images learned so far in this run, and in the whole run (``epochs * len(split)``).
    epoch, epochs : int
        The epoch the last chunk belonged to (1-based), and how many the run has.
    elapsed : float
        Seconds spent learning so far (pauses between snapshots and validation do not count).
    diverged : tuple of int
        Labels whose networks' weights became non-finite.
    val_accuracy : float or None
        Validation accuracy, when it was evaluated at this snapshot.
    stage : str
        ``"shared"`` while a :class:`SharedLayer` learns (``seen`` is 0 then), else
        ``"networks"``.
    shared_seen, shared_total : int
        Inputs the shared layer learned from so far, and in all (0 without a shared stage).
    shared_images : ndarray or None
        During the shared stage: a copy of :meth:`SharedLayer.shared_images` after the chunk.
    """

    seen: int
    total: int
    epoch: int
    epochs: int
    elapsed: float
    diverged: tuple[int, ...]
    val_accuracy: float | None = None
    stage: str = "networks"
    shared_seen: int = 0
    shared_total: int = 0
    shared_images: np.ndarray | None = field(default=None, compare=False)

    @property
    def images_per_s(self) -> float:
        """``seen / elapsed`` (0 before any time was measured)."""
        return self.seen / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def done(self) -> bool:
        """Whether this is the run's last snapshot."""
        return self.seen >= self.total


@runtime_checkable
class SharedLayer(Protocol):
    """A model whose label networks read a layer that all labels share, learned first.

    The layer learns without labels, from inputs the model draws from all training images
    (rule ``strokes``: patches, learned by its stroke detectors). :func:`train` runs this stage
    before the networks learn, unless the layer has learned already.
    """

    shared_caption: str
    """What the layer's units are and how they learn, for people (the app shows it)."""

    @property
    def shared_epochs(self) -> int:
        """Passes over the shared stage's inputs."""

    @property
    def shared_learned(self) -> bool:
        """Whether the shared layer has learned already (then :func:`train` leaves it be)."""

    def start_shared(self, images: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Begin the stage: (re)start the layer and return its inputs, drawn from ``images``."""

    def learn_shared(self, inputs: np.ndarray) -> np.ndarray:
        """Learn from ``inputs`` (some of :meth:`start_shared`'s), in order; per input, which
        unit learned (int64)."""

    def shared_images(self) -> np.ndarray:
        """The layer's weights as small images (a copy)."""


def epoch_order(labels: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A shuffled order of one epoch in which all labels advance together.

    Each label's images are shuffled, then the labels are interleaved by how far through its own
    images each label is, so that every network has learned about the same fraction of its
    images at any point of the epoch (round robin when the labels are balanced).

    Parameters
    ----------
    labels : ndarray of int, shape (n,)
    rng : numpy.random.Generator

    Returns
    -------
    ndarray of int64, shape (n,)
        Indices into ``labels``.
    """
    order = rng.permutation(len(labels))
    shuffled = labels[order]
    progress = np.empty(len(labels))
    for label in np.unique(shuffled):
        mine = shuffled == label
        count = int(mine.sum())
        progress[mine] = (np.arange(count) + 0.5) / count
    return order[np.argsort(progress, kind="stable")]


def train(
    model: NormClassifier,
    split: Split,
    *,
    epochs: int = 1,
    seed: int = 0,
    snapshot_every: int = 1280,
    val: Split | None = None,
    eval_every: int | None = None,
) -> Iterator[Snapshot]:
    """Train ``model`` on ``split``, yielding a :class:`Snapshot` after every chunk.

    Parameters
    ----------
    model : NormClassifier
        Learns in place.
    split : Split
        The images to learn from (already balanced or capped as wanted).
    epochs : int
        Passes over ``split``; each pass is shuffled with a generator seeded by ``(seed, epoch)``,
        so a run is reproducible and does not depend on ``snapshot_every``.
    seed : int
    snapshot_every : int
        Images per chunk (one ``learn_many`` call) and so between two snapshots; in a shared
        stage, inputs of the shared layer per chunk.
    val : Split, optional
        Validation images; when given, the accuracy is evaluated at the last snapshot and every
        ``eval_every`` images.
    eval_every : int, optional
        Evaluate ``val`` whenever this many more images have been learned.

    Yields
    ------
    Snapshot
        The last one has ``done`` true.
    """
    if epochs < 1:
        raise ValueError(f"epochs must be at least 1, not {epochs}")
    if len(split) == 0:
        raise ValueError("no images to learn from")
    if snapshot_every < 1:
        raise ValueError(f"snapshot_every must be at least 1, not {snapshot_every}")
    total = epochs * len(split)
    seen = 0
    elapsed = 0.0
    if isinstance(model, SharedLayer) and not model.shared_learned:
        elapsed = yield from _shared_stage(model, split, total, epochs, seed, snapshot_every)
    next_eval = eval_every if eval_every else None
    for epoch in range(1, epochs + 1):
        order = epoch_order(split.labels, np.random.default_rng([seed, epoch]))
        for start in range(0, len(order), snapshot_every):
            chunk = order[start : start + snapshot_every]
            began = time.perf_counter()
            model.learn_many(split.images[chunk], split.labels[chunk])
            elapsed += time.perf_counter() - began
            seen += len(chunk)
            val_accuracy = None
            if val is not None and (seen >= total or (next_eval and seen >= next_eval)):
                val_accuracy = evaluate(model, val).accuracy
                while next_eval and next_eval <= seen:
                    next_eval += eval_every
            yield Snapshot(
                seen=seen,
                total=total,
                epoch=epoch,
                epochs=epochs,
                elapsed=elapsed,
                diverged=tuple(int(label) for label in np.flatnonzero(model.diverged)),
                val_accuracy=val_accuracy,
            )


def _shared_stage(
    model: SharedLayer, split: Split, total: int, epochs: int, seed: int, chunk: int
) -> Generator[Snapshot, None, float]:
    """Learn ``model``'s shared layer (labels unused), yielding a snapshot after every chunk of
    ``chunk`` inputs; returns the seconds spent learning. Reproducible from ``seed`` alone."""
    rng = np.random.default_rng([seed, 0])  # the epochs of the networks use [seed, 1..epochs]
    began = time.perf_counter()
    inputs = model.start_shared(split.images, rng)
    elapsed = time.perf_counter() - began
    shared_total = model.shared_epochs * len(inputs)
    shared_seen = 0
    for _ in range(model.shared_epochs):
        order = rng.permutation(len(inputs))
        for start in range(0, len(order), chunk):
            part = order[start : start + chunk]
            began = time.perf_counter()
            model.learn_shared(inputs[part])
            elapsed += time.perf_counter() - began
            shared_seen += len(part)
            yield Snapshot(
                seen=0,
                total=total,
                epoch=1,
                epochs=epochs,
                elapsed=elapsed,
                diverged=(),
                stage="shared",
                shared_seen=shared_seen,
                shared_total=shared_total,
                shared_images=model.shared_images(),
            )
    return elapsed
