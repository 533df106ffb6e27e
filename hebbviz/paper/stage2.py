"""Stage 2 of the paper: "each network answers most to its own label".

The author's protocol (his public code, section 4 of arXiv:2411.05861): from one seed, besides
the ten label networks (each trained on its own label's digits), three control networks: one
*untrained*, one trained on *all* labels' digits (shuffled), and one trained on a *uniform* sample
of 10% of each label's digits; the author used H=3, lr=1e-7 and ReLU. For every evaluation digit
of label L, network L's output norm is compared with each control's and each other label
network's: the win rate is how often network L's norm is larger, per label and opponent.

All thirteen networks are one :class:`~hebbviz.models.itoh.ItohNetworks` of 13 networks (they
start identical, from one seed), trained by :func:`hebbviz.training.train` through the same
kernels as the ``itoh`` rule; the controls are networks 10, 11 and 12.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from hebbviz.data.dataset import Split
from hebbviz.evaluation import label_norms
from hebbviz.evaluation import win_rates as label_win_rates
from hebbviz.models.itoh import ItohNetworks
from hebbviz.paper.progress import IsCancelled, Progress, Report
from hebbviz.training import train

CONTROLS = ("all-data", "untrained", "uniform")
"""The control networks, in the order of the win-rate table's first columns."""


@dataclass(frozen=True)
class Stage2Settings:
    """The networks' settings (the author's: H=3, lr=1e-7, ReLU) and the uniform sample's share."""

    hidden_layers: int = 3
    lr: float = 1e-7
    activation: str = "relu"
    seed: int = 0
    uniform_fraction: float = 0.1


@dataclass(frozen=True)
class WinRates:
    """The stage-2 result.

    Attributes
    ----------
    settings : dict
        What produced it (:class:`Stage2Settings` and whatever the caller adds).
    win_rate : ndarray of float, shape (n_labels, 3 + n_labels)
        ``win_rate[L, j]``: how often (%) network L's norm exceeded opponent ``j``'s on the
        evaluation digits of label L; opponents in the order of :attr:`columns`. NaN where the
        opponent is network L itself, and for a label without evaluation digits.
    n : ndarray of int, shape (n_labels,)
        Evaluation digits per label.
    """

    settings: dict[str, Any]
    win_rate: np.ndarray
    n: np.ndarray

    @property
    def n_labels(self) -> int:
        return len(self.n)

    @property
    def columns(self) -> list[str]:
        """``["all-data", "untrained", "uniform", "0", ..., "9"]``."""
        return [*CONTROLS, *(str(label) for label in range(self.n_labels))]

    @property
    def mean_over_labels(self) -> np.ndarray:
        """Per label, the mean win rate (%) over the other label networks, shape (n_labels,)."""
        return np.nanmean(self.win_rate[:, len(CONTROLS) :], axis=1)

    def to_json(self) -> dict[str, Any]:
        """``{"settings", "labels", "columns", "win_rate", "n", "mean_over_labels"}``; NaN is
        null (the own-label column)."""
        return {
            "settings": self.settings,
            "labels": list(range(self.n_labels)),
            "columns": self.columns,
            "win_rate": [[_number(v) for v in row] for row in self.win_rate],
            "n": [int(v) for v in self.n],
            "mean_over_labels": [_number(v) for v in self.mean_over_labels],
        }


def _number(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def networks_split(split: Split, settings: Stage2Settings, n_labels: int = 10) -> Split:
    """The digits each of the ``n_labels + 3`` networks learns from, labelled by network.

    Network L (< n_labels) gets label L's digits; network ``n_labels`` (all-data) every digit;
    network ``n_labels + 1`` (untrained) none; network ``n_labels + 2`` (uniform) a random
    ``uniform_fraction`` of each label's digits (rounded, at least one), drawn with ``seed``.
    """
    rng = np.random.default_rng(settings.seed)
    sample = []
    for label in range(n_labels):
        (where,) = np.nonzero(split.labels == label)
        if len(where):
            count = max(1, round(settings.uniform_fraction * len(where)))
            sample.append(np.sort(rng.choice(where, count, replace=False)))
    uniform = np.concatenate(sample) if sample else np.zeros(0, dtype=np.int64)
    labels = np.concatenate(
        [split.labels, np.full(len(split), n_labels), np.full(len(uniform), n_labels + 2)]
    )
    images = np.concatenate([split.images, split.images, split.images[uniform]])
    return Split(images=images, labels=labels.astype(np.int64))


def train_networks(
    training: Split, settings: Stage2Settings, n_labels: int = 10, progress: Progress | None = None
) -> ItohNetworks:
    """The label networks and the three controls, trained on ``training`` (from
    :func:`networks_split`): one pass, each network's digits shuffled."""
    model = ItohNetworks(
        n_labels=n_labels + len(CONTROLS),
        hidden_layers=settings.hidden_layers,
        lr=settings.lr,
        activation=settings.activation,
        seed=settings.seed,
    )
    seen = 0
    for snapshot in train(model, training, seed=settings.seed):
        if progress is not None:
            progress.advance(snapshot.seen - seen)
        seen = snapshot.seen
    return model


def win_rates(norms: np.ndarray, labels: np.ndarray, settings: dict[str, Any]) -> WinRates:
    """The win-rate table from every network's norms on the evaluation digits.

    Parameters
    ----------
    norms : ndarray, shape (n, n_labels + 3)
        Columns: the label networks 0 .. n_labels - 1, then all-data, untrained, uniform.
    labels : ndarray of int, shape (n,)
    settings : dict
        Stored in the result.

    Notes
    -----
    The comparison is :func:`hebbviz.evaluation.win_rates`'s: a non-finite norm on either side
    is a loss for network L.
    """
    n_labels = norms.shape[1] - len(CONTROLS)
    opponents = [*range(n_labels, n_labels + len(CONTROLS)), *range(n_labels)]
    table = label_win_rates(norms, labels, n_labels, opponents)
    counts = np.bincount(labels, minlength=n_labels)[:n_labels]
    return WinRates(settings=settings, win_rate=table, n=counts)


def run_stage2(
    train_split: Split,
    eval_split: Split,
    settings: Stage2Settings = Stage2Settings(),
    n_labels: int = 10,
    *,
    report: Report | None = None,
    cancelled: IsCancelled | None = None,
) -> WinRates:
    """Stage 2 end to end: train the thirteen networks on ``train_split``, compare their norms
    on ``eval_split``.

    Progress counts images: the training images of all networks, then the evaluation digits.
    """
    training = networks_split(train_split, settings, n_labels)
    progress = Progress(len(training) + len(eval_split), report, cancelled)
    model = train_networks(training, settings, n_labels, progress)
    norms = label_norms(model, eval_split.images, progress=progress.advance)
    result_settings = {**asdict(settings), "train_images": len(train_split)}
    return win_rates(norms, eval_split.labels, result_settings)
