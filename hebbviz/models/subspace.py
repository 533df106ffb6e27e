"""What the subspace rules ``oja`` and ``sanger`` share: k linear output units per label.

Every label ``L`` has a weight matrix ``W_L`` of shape (k, 784), one row per output unit, that
learns only from images of its own label, one image at a time, with a local Hebbian rule plus a
decay term (see the subclasses). The rows grow into the label's principal subspace
(uncentred: the subspace of largest mean squared projection) and, in the limit, become an
orthonormal basis of it, so the answer's norm ``||W_L x||`` measures how much of the input that
subspace holds; the label whose subspace holds the input best wins. The limit is approached
slowly (at the pace of the smallest eigenvalues kept): after the default epochs the rows lie
almost wholly in the subspace, with lengths between about 0.3 and 1. Inputs are unit-norm,
optionally deskewed first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np

from hebbviz.models.base import Layout, NormClassifier
from hebbviz.models.hyperparameters import boolean, integer, positive
from hebbviz.preprocess import SIDE, deskew, unit_norm

WIDTH = SIDE * SIDE
"""Inputs are flattened 28x28 digits."""


class SubspaceNetworks(NormClassifier):
    """Per-label linear networks of ``k`` units trained by a subspace rule.

    Parameters
    ----------
    n_labels : int
        How many networks (one per label).
    k : int
        Output units (weight rows) per label.
    lr : float
        The learning rate of a network's first image, above zero.
    lr_decay : float or None
        The rate of a network's image ``t`` (counted over all its images so far, across calls
        and epochs) is ``lr / (1 + t / lr_decay)``: it halves after ``lr_decay`` images.
        None keeps it constant.
    deskew : bool
        Straighten slanted digits (:func:`hebbviz.preprocess.deskew`) before scaling to unit norm.
    seed : int
        Seeds the initial weights.
    init_scale : float
        The initial weights are independent normal entries of standard deviation
        ``init_scale / sqrt(width)``: every row starts as noise of length about ``init_scale``
        (nearly orthogonal to the others). Faint noise (0.1) lets the learned "eigen-digits" grow
        out of it and dominate: Oja's rule removes noise on pixels that no digit inks only very
        slowly, so rows started at unit length stay about half noise after training.
    width : int
        The length of a network's input: 784 pixels, or what a subclass's :meth:`inputs` gives.

    Attributes
    ----------
    weights : ndarray of float64, shape (n_labels, k, width)
        Row ``i`` of ``weights[L]`` is unit ``i`` of label ``L``'s network (with pixel inputs, a
        28x28 image when reshaped).
    seen, diverged : ndarray, shape (n_labels,)
        See :class:`~hebbviz.models.base.NormClassifier`. ``seen`` also drives the schedule.
    """

    balanced_by_default: ClassVar[bool] = False
    """Orthonormal rows make the norms independent of how many images a network saw."""
    weight_caption: ClassVar[str] = (
        "Every label's weight rows as 28x28 images ({rule}): eigen-digits emerging from noise. "
        "Yellow is positive, blue negative."
    )
    has_contributions: ClassVar[bool] = True
    has_reconstructions: ClassVar[bool] = True
    learning_pass: ClassVar[Callable[[np.ndarray, np.ndarray, np.ndarray], None]]
    """The Numba kernel of one pass of the rule: ``(weights (k, 784), inputs, rates)``."""

    def __init__(
        self,
        n_labels: int,
        k: int,
        lr: float,
        lr_decay: float | None,
        deskew: bool,
        seed: int,
        init_scale: float,
        width: int = WIDTH,
    ) -> None:
        self.width = integer("width", width, 1)
        self.n_labels, self.k = self._sizes(n_labels, k, self.width)
        self.lr = lr
        self.lr_decay = None if lr_decay is None else positive("lr_decay", lr_decay)
        self.deskew = boolean("deskew", deskew)
        self.seed = integer("seed", seed, 0)
        self.init_scale = positive("init_scale", init_scale)
        rng = np.random.default_rng(self.seed)
        self.weights = rng.normal(
            0.0, self.init_scale / np.sqrt(self.width), (self.n_labels, self.k, self.width)
        )
        self.seen = np.zeros(self.n_labels, dtype=np.int64)
        self.diverged = np.zeros(self.n_labels, dtype=bool)

    @staticmethod
    def _sizes(n_labels: Any, k: Any, width: int) -> tuple[int, int]:
        """The checked size parameters: ``n_labels`` networks of ``k`` units on ``width`` inputs."""
        return integer("n_labels", n_labels, 1), integer("k", k, 1, width)

    @classmethod
    def input_width(cls, params: dict[str, Any]) -> int:
        """The length of a network's input under ``params`` (complete, with defaults): 784
        pixels here; subclasses whose :meth:`inputs` are other features compute theirs."""
        return WIDTH

    @classmethod
    def array_layout(cls, params: dict[str, Any]) -> Layout:
        """See :meth:`NormClassifier.array_layout`; computed from the size parameters."""
        params = cls.with_defaults(params)
        width = cls.input_width(params)
        n_labels, k = cls._sizes(params["n_labels"], params["k"], width)
        return {
            "weights": ((n_labels, k, width), np.dtype(np.float64)),
            "seen": ((n_labels,), np.dtype(np.int64)),
            "diverged": ((n_labels,), np.dtype(bool)),
        }

    # -- learning -------------------------------------------------------------------------------

    def rates(self, label: int, count: int) -> np.ndarray:
        """The learning rates of ``label``'s next ``count`` images, shape (count,)."""
        if self.lr_decay is None:
            return np.full(count, self.lr)
        t = self.seen[label] + np.arange(count, dtype=np.float64)
        return self.lr / (1.0 + t / self.lr_decay)

    def learn_many(self, images: np.ndarray, labels: np.ndarray) -> None:
        """Learn from each image once, in the given order, one kernel call per label.

        Each label's network sees its own images in their order (the networks are independent,
        so grouping by label changes nothing). A network whose weights become non-finite is
        marked in :attr:`diverged` and learns no more.
        """
        inputs = self.inputs(images)
        labels = self._checked_labels(labels, len(inputs))
        with np.errstate(all="ignore"):
            for label in np.unique(labels):
                mine = inputs[labels == label]
                if not self.diverged[label]:
                    self.learning_pass(self.weights[label], mine, self.rates(label, len(mine)))
                    self.diverged[label] = not np.isfinite(self.weights[label]).all()
                self.seen[label] += len(mine)

    # -- answering ------------------------------------------------------------------------------

    def inputs(self, images: np.ndarray) -> np.ndarray:
        """What the networks see: (optionally deskewed) unit-norm rows, shape (n, 784)."""
        return unit_norm(deskew(images) if self.deskew else images)

    def label_norms(self, images: np.ndarray) -> np.ndarray:
        """``||W_L x||`` for every input ``x`` and label ``L``, shape (n, n_labels).

        NaN for the networks marked diverged.
        """
        inputs = self.inputs(images)
        with np.errstate(all="ignore"):
            answers = inputs @ self.weights.reshape(-1, self.width).T  # (n, n_labels * k)
            norms = np.linalg.norm(answers.reshape(len(inputs), self.n_labels, self.k), axis=2)
        norms[:, self.diverged] = np.nan
        return norms

    def weight_images(self, label: int) -> np.ndarray:
        """The ``k`` weight rows of ``label``'s network as 28x28 images, (k, 28, 28), a copy."""
        return self.weights[label].reshape(self.k, SIDE, SIDE).copy()

    def contributions(self, image: np.ndarray) -> np.ndarray:
        """Every pixel's share of every label's squared answer norm, (n_labels, 28, 28).

        For the network input ``x`` (:meth:`inputs` of ``image``: deskewed pixels when
        ``deskew`` is on), label ``L``'s map is
        ``x * (W_L.T @ W_L @ x)``, which sums exactly (up to rounding) to ``||W_L x||**2``. Once
        the rows are orthonormal, ``W_L.T @ W_L @ x`` is the projection of ``x`` onto the label's
        subspace, so the map is each pixel's value times its projection: ink the subspace
        explains counts positive, ink it contradicts negative. NaN for diverged networks.
        """
        x = self.inputs(image)[0]
        with np.errstate(all="ignore"):
            answers = self.weights @ x  # (n_labels, k)
            shares = x * np.einsum("lk,lkd->ld", answers, self.weights)
        shares[self.diverged] = np.nan
        return shares.reshape(self.n_labels, SIDE, SIDE)

    def reconstructions(self, image: np.ndarray) -> np.ndarray | None:
        """How every label's network redraws one drawing: ``(W_L.T @ W_L) ** 0.5 @ x`` for the
        network input ``x`` (:meth:`inputs`), as images (n_labels, 28, 28).

        Its length is exactly the label's answer norm ``||W_L x||`` (the bar), and it lies in
        the label's subspace (spanned by the rows of ``W_L``). Once the rows are orthonormal it
        is the projection of ``x`` onto that subspace: the nearest picture the network can make
        of the drawing; before, each direction of the subspace counts with the network's gain
        along it. Computed as ``W_L.T @ (W_L @ W_L.T) ** -0.5 @ (W_L @ x)`` (k x k matrices).
        NaN for diverged networks.
        """
        return subspace_reconstructions(self.weights, self.inputs(image)[0], self.diverged).reshape(
            self.n_labels, SIDE, SIDE
        )

    # -- state ----------------------------------------------------------------------------------

    def params(self) -> dict[str, Any]:
        return {
            "n_labels": self.n_labels,
            "k": self.k,
            "lr": self.lr,
            "lr_decay": self.lr_decay,
            "deskew": self.deskew,
            "seed": self.seed,
            "init_scale": self.init_scale,
        }

    def arrays(self) -> dict[str, np.ndarray]:
        return {"weights": self.weights, "seen": self.seen, "diverged": self.diverged}


def subspace_reconstructions(
    weights: np.ndarray, x: np.ndarray, diverged: np.ndarray
) -> np.ndarray:
    """``(W.T @ W) ** 0.5 @ x`` for every label's ``W`` of ``weights`` (n_labels, k, width),
    shape (n_labels, width); NaN rows where ``diverged``.

    Uses the eigendecomposition of the small Gram matrices ``W @ W.T = U diag(s) U.T``:
    ``(W.T @ W) ** 0.5 = W.T @ U diag(s ** -0.5) U.T @ W``. Directions of (numerically) zero
    gain are left out; they carry none of the answer.
    """
    w = np.where(diverged[:, None, None], 0.0, weights) if diverged.any() else weights
    with np.errstate(all="ignore"):
        gains, basis = np.linalg.eigh(w @ w.transpose(0, 2, 1))  # (n_labels, k), (.., k, k)
        kept = gains > gains[:, -1:] * 1e-12
        scale = np.where(kept, 1.0 / np.sqrt(np.where(kept, gains, 1.0)), 0.0)
        along = (basis.transpose(0, 2, 1) @ (w @ x)[..., None])[..., 0] * scale
        out = (w.transpose(0, 2, 1) @ (basis @ along[..., None]))[..., 0]
    out[diverged] = np.nan
    return out
