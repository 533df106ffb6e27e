"""The training loop as a plain generator of progress snapshots (no Qt).

The app drives :func:`train` from a worker thread (pausing, stepping or stopping between two
snapshots); the command line drives it with a progress bar. Learning happens in chunks, each one
:meth:`~hebbviz.models.base.NormClassifier.learn_many` call (a whole chunk inside compiled code).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

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
    """

    seen: int
    total: int
    epoch: int
    epochs: int
    elapsed: float
    diverged: tuple[int, ...]
    val_accuracy: float | None = None

    @property
    def images_per_s(self) -> float:
        """``seen / elapsed`` (0 before any time was measured)."""
        return self.seen / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def done(self) -> bool:
        """Whether this is the run's last snapshot."""
        return self.seen >= self.total


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
        Images per chunk (one ``learn_many`` call) and so between two snapshots.
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
