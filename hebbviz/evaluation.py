"""Scoring a norm-based classifier on labelled digits (no Qt)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from hebbviz.data.dataset import Split
from hebbviz.models.base import NormClassifier, winning_labels


@dataclass(frozen=True)
class Evaluation:
    """How well a classifier did on a split.

    Attributes
    ----------
    n : int
        Samples scored.
    accuracy : float
        Fraction right, 0..1.
    per_label : ndarray of float, shape (n_labels,)
        Fraction right among each true label's samples (NaN for a label with no samples).
    confusion : ndarray of int64, shape (n_labels, n_labels)
        ``confusion[true, predicted]``; samples with a non-finite answer have no prediction and
        are counted in ``diverged`` instead, so ``confusion.sum() + diverged == n``.
    diverged : int
        Samples scored wrong because some network answered with a non-finite norm.
    response : ndarray of float, shape (n_labels, n_labels)
        ``response[true, network]``: the mean norm of each label's network on each true label's
        samples (non-finite where that network diverged, NaN for a label with no samples).
    win_rate : ndarray of float, shape (n_labels, n_labels)
        ``win_rate[L, network]``: how often (%) network L's norm beat that network's on the
        samples of label L (the paper's stage 2 among the label networks; see
        :func:`win_rates`); NaN on the diagonal and for a label with no samples.
    """

    n: int
    accuracy: float
    per_label: np.ndarray
    confusion: np.ndarray
    diverged: int
    response: np.ndarray
    win_rate: np.ndarray

    def to_json(self) -> dict[str, Any]:
        """The summary ``hebbviz eval --json`` prints (without the response matrix)."""
        return {
            "accuracy": self.accuracy,
            "per_label": [float(v) for v in self.per_label],
            "confusion": self.confusion.tolist(),
            "n": self.n,
            "diverged": self.diverged,
        }


def score(norms: np.ndarray, labels: np.ndarray) -> Evaluation:
    """Score the answers' norms, shape (n, n_labels), against the true ``labels``."""
    n, n_labels = norms.shape
    labels = np.asarray(labels, dtype=np.int64)
    predicted = winning_labels(norms)
    answered = predicted >= 0
    right = predicted == labels
    counts = np.bincount(labels, minlength=n_labels)
    with np.errstate(invalid="ignore", divide="ignore"):
        per_label = np.bincount(labels[right], minlength=n_labels) / counts
        sums = np.zeros((n_labels, n_labels))
        np.add.at(sums, labels, norms)
        response = sums / counts[:, None]
    confusion = np.zeros((n_labels, n_labels), dtype=np.int64)
    np.add.at(confusion, (labels[answered], predicted[answered]), 1)
    return Evaluation(
        n=int(n),
        accuracy=float(right.mean()) if n else 0.0,
        per_label=per_label,
        confusion=confusion,
        diverged=int(n - answered.sum()),
        response=response,
        win_rate=win_rates(norms, labels, n_labels),
    )


def win_rates(
    norms: np.ndarray, labels: np.ndarray, n_labels: int, opponents: Sequence[int] | None = None
) -> np.ndarray:
    """How often each label's network answers its own label's samples with a larger norm than
    each opponent network (%).

    Parameters
    ----------
    norms : ndarray, shape (n, n_networks)
        Every network's norm per sample; networks 0 .. n_labels - 1 are the label networks.
    labels : ndarray of int, shape (n,)
    n_labels : int
    opponents : sequence of int, optional
        The networks to compare with, in the order of the result's columns; by default the
        label networks.

    Returns
    -------
    ndarray, shape (n_labels, len(opponents))
        ``[L, j]``: the share of label L's samples on which network L's norm is finite and
        larger than network ``opponents[j]``'s (a non-finite norm on either side is a loss, as
        in the author's code, where a comparison with NaN is false). NaN where the opponent is
        network L itself, and for a label without samples.
    """
    opponents = list(range(n_labels) if opponents is None else opponents)
    table = np.full((n_labels, len(opponents)), np.nan)
    with np.errstate(invalid="ignore"):
        for label in range(n_labels):
            mine = norms[labels == label]
            if not len(mine):
                continue
            own = mine[:, [label]]
            wins = np.isfinite(own) & (own > mine[:, opponents])
            table[label] = 100.0 * wins.mean(axis=0)
            table[label, [j for j, o in enumerate(opponents) if o == label]] = np.nan
    return table


def label_norms(
    model: NormClassifier,
    images: np.ndarray,
    *,
    batch_size: int = 1000,
    progress: Callable[[int], None] | None = None,
) -> np.ndarray:
    """``model.label_norms`` in batches (bounded memory), calling ``progress(count)`` with
    each batch's size."""
    parts = []
    for start in range(0, len(images), batch_size):
        parts.append(model.label_norms(images[start : start + batch_size]))
        if progress is not None:
            progress(len(parts[-1]))
    if not parts:
        return np.zeros((0, model.n_labels))
    return np.concatenate(parts)


def evaluate(
    model: NormClassifier,
    split: Split,
    *,
    batch_size: int = 1000,
    progress: Callable[[int], None] | None = None,
) -> Evaluation:
    """Score ``model`` on ``split``; see :class:`Evaluation`."""
    norms = label_norms(model, split.images, batch_size=batch_size, progress=progress)
    return score(norms, split.labels)
