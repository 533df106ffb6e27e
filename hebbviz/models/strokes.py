"""Rule ``strokes``: a shared bank of Hebbian stroke detectors, then Oja's subspace rule per label.

Learning has two phases.

1. **Detectors** (shared by all labels, unsupervised: no label is used). Small patches of the
   training digits, scaled to unit length, compete for ``n_detectors`` unit-length detectors: the
   detector that matches a patch best wins and moves towards it (winner-take-all Hebbian
   learning, ``w += lr * (u - w)``, then back to unit length). Started as random patches, the
   detectors become pieces of strokes: oriented bars, edges, ends and corners.
2. **Subspaces** (per label, each from its own digits only). Every detector answers every patch
   of a digit with how far its match exceeds ``threshold`` (a cosine), the answers are averaged
   over 4x4 cells of positions, and their square roots, scaled to unit length, are what the
   label networks see: ``n_detectors * 6 * 6`` numbers. On them each label learns its principal
   subspace with Oja's rule, exactly as rule ``oja`` does on pixels.

A digit is read as in every rule: the label whose subspace holds its features best wins.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import numpy as np

from hebbviz.kernels import competitive_pass, detector_map, oja_pass
from hebbviz.models.base import Layout, check_arrays
from hebbviz.models.hyperparameters import integer, positive, real
from hebbviz.models.subspace import SubspaceNetworks
from hebbviz.preprocess import SIDE, deskew

PATCH = 5
"""Detectors are PATCH x PATCH."""

POSITIONS = SIDE - PATCH + 1
"""Patch positions per row and column of a digit (24)."""

BLOCK = 4
"""Answers are averaged over BLOCK x BLOCK cells of positions..."""

CELLS = POSITIONS // BLOCK
"""...giving CELLS x CELLS cells (6x6) per detector."""

PATCH_FLOOR = 0.15
"""Phase 1 learns from patches at least this fraction of the longest patch's length: strokes,
not the faint fringes of anti-aliasing."""

REMEMBERED = 12_000
"""The networks' inputs of at most this many distinct digits are kept (about 110 MB with the
default 32 detectors): every epoch of phase 2 sees the same training digits again."""


class _Remembered(dict):
    """Digits' network inputs by their pixels' bytes; a copy of the model starts without them."""

    def __deepcopy__(self, memo: dict) -> _Remembered:
        return _Remembered()


class StrokeSubspaces(SubspaceNetworks):
    """Shared stroke detectors learned by competition, then a principal subspace per label.

    The label networks are those of :class:`~hebbviz.models.subspace.SubspaceNetworks` (``k``,
    ``lr``, ``lr_decay``, ``deskew``, ``seed``, ``init_scale`` as there) on the detectors'
    pooled answers instead of pixels. The defaults follow a prototype measured on validation
    splits of mnist-10k (see the README's rules table for this implementation's numbers).

    Parameters
    ----------
    n_detectors : int
        Stroke detectors (5x5) shared by all labels.
    threshold : float
        A detector answers a patch only where its cosine to it exceeds this (0..1).
    detector_lr, detector_lr_decay : float
        The winner's learning rate at patch ``t`` of phase 1 is
        ``detector_lr / (1 + t / detector_lr_decay)``.
    detector_patches : int
        Phase 1 learns from this many patches drawn at random from the training digits (fewer
        when the digits have fewer).
    detector_epochs : int
        Shuffled passes of phase 1 over its patches.

    Attributes
    ----------
    detectors : ndarray of float64, shape (n_detectors, 5, 5)
        Unit-length detectors; random noise until phase 1 starts them as random patches.
    detector_seen : ndarray of int64, shape ()
        Patches learned by the detectors so far (0: phase 1 has not run).
    weights : ndarray of float64, shape (n_labels, k, n_detectors * 36)
        Row ``i`` of ``weights[L]``, reshaped to (n_detectors, 6, 6), weighs every detector's
        answers in every cell.
    """

    rule: ClassVar[str] = "strokes"
    default_epochs: ClassVar[int] = 10
    weight_caption: ClassVar[str] = (
        "Back-projections, not the weights themselves: every label's rows ({rule}) are weights "
        "on the stroke detectors' answers in 6x6 cells; each row is drawn here in pixels by "
        "placing every detector over the cells the row weighs (linear: the threshold and square "
        "root are left out), so it shows where a row looks for which strokes. Yellow is positive, "
        "blue negative. The Detectors tab shows the detectors."
    )
    has_firing_maps: ClassVar[bool] = True
    has_reconstructions: ClassVar[bool] = False
    """A label's reconstruction lives among the detectors' answers, not in pixels: drawn back
    through the detectors (:meth:`back_projection`) every label's looks like the drawing itself,
    and its length is no longer the bar's."""
    shared_caption: ClassVar[str] = (
        "The stroke detectors all labels share (5x5 pixels each). First stage of training, no "
        "labels used: they start as random patches of digits and compete for patches; the "
        "detector that matches a patch best wins and moves towards it, so they turn into "
        "pieces of strokes: bars, edges, ends and corners. Yellow is positive, blue negative."
    )
    learning_pass = staticmethod(oja_pass)

    def __init__(
        self,
        n_labels: int = 10,
        k: int = 32,
        lr: float = 1.5,
        lr_decay: float | None = 4000.0,
        deskew: bool = True,
        seed: int = 0,
        init_scale: float = 0.1,
        n_detectors: int = 32,
        threshold: float = 0.75,
        detector_lr: float = 0.05,
        detector_lr_decay: float = 20000.0,
        detector_patches: int = 200_000,
        detector_epochs: int = 2,
    ) -> None:
        self.n_detectors = integer("n_detectors", n_detectors, 1)
        self.threshold = real("threshold", threshold)
        if not 0 <= self.threshold < 1:
            raise ValueError(f"threshold must be in 0..1 (a cosine), got {threshold}")
        self.detector_lr = positive("detector_lr", detector_lr)
        if self.detector_lr > 1:
            raise ValueError(f"detector_lr must be in (0, 1], got {detector_lr}")
        self.detector_lr_decay = positive("detector_lr_decay", detector_lr_decay)
        self.detector_patches = integer("detector_patches", detector_patches, 1)
        self.detector_epochs = integer("detector_epochs", detector_epochs, 1)
        super().__init__(
            n_labels, k, lr, lr_decay, deskew, seed, init_scale, self.n_detectors * CELLS * CELLS
        )
        noise = np.random.default_rng([self.seed, 1]).normal(size=(self.n_detectors, PATCH**2))
        self.detectors = (noise / np.linalg.norm(noise, axis=1, keepdims=True)).reshape(
            self.n_detectors, PATCH, PATCH
        )
        self.detector_seen = np.array(0, dtype=np.int64)
        self._remembered = _Remembered()

    # -- phase 1: the shared detectors ----------------------------------------------------------

    @property
    def shared_epochs(self) -> int:
        """Passes of phase 1 over its patches."""
        return self.detector_epochs

    @property
    def shared_learned(self) -> bool:
        """Whether phase 1 has begun (the detectors have learned from patches)."""
        return int(self.detector_seen) > 0

    def start_shared(self, images: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Begin phase 1: draw its patches from ``images`` and start the detectors as some of them.

        Labels play no part. The patches are the 5x5 windows at least ``PATCH_FLOOR`` times as
        long as the longest one (of the deskewed digits, when ``deskew`` is on),
        ``detector_patches`` of them drawn at random, each scaled to unit length; the detectors
        restart as ``n_detectors`` of them, drawn at random too.

        Returns
        -------
        ndarray of float64, shape (n_patches, 25)
            The unit patches, in random order, for :meth:`learn_shared`.
        """
        pixels = self.pixels(images)
        squares = np.pad(pixels**2, ((0, 0), (1, 0), (1, 0))).cumsum(axis=1).cumsum(axis=2)
        lengths = np.sqrt(
            np.maximum(
                squares[:, PATCH:, PATCH:]
                - squares[:, :-PATCH, PATCH:]
                - squares[:, PATCH:, :-PATCH]
                + squares[:, :-PATCH, :-PATCH],
                0.0,
            )
        )
        longest = lengths.max(initial=0.0)
        if longest == 0.0:
            raise ValueError("the images hold no ink to learn detectors from")
        eligible = np.flatnonzero(lengths.ravel() >= PATCH_FLOOR * longest)
        chosen = rng.choice(eligible, min(self.detector_patches, len(eligible)), replace=False)
        image, row, col = np.unravel_index(chosen, lengths.shape)
        offsets = np.arange(PATCH)
        patches = pixels[
            image[:, None, None],
            row[:, None, None] + offsets[:, None],
            col[:, None, None] + offsets,
        ].reshape(len(chosen), PATCH * PATCH)
        patches /= np.linalg.norm(patches, axis=1, keepdims=True)
        starts = rng.choice(len(patches), min(self.n_detectors, len(patches)), replace=False)
        self.detectors.reshape(self.n_detectors, -1)[: len(starts)] = patches[starts]
        self._remembered.clear()
        return patches

    def learn_shared(self, patches: np.ndarray) -> np.ndarray:
        """Phase 1 on ``patches`` (unit rows of 25, from :meth:`start_shared`), in order.

        Returns
        -------
        ndarray of int64, shape (n,)
            The detector that won (and learned from) each patch.
        """
        patches = np.ascontiguousarray(patches, dtype=np.float64)
        t = int(self.detector_seen) + np.arange(len(patches), dtype=np.float64)
        rates = self.detector_lr / (1.0 + t / self.detector_lr_decay)
        winners = competitive_pass(self.detectors.reshape(self.n_detectors, -1), patches, rates)
        self.detector_seen += len(patches)
        self._remembered.clear()
        return winners

    def shared_images(self) -> np.ndarray:
        """The detectors as 5x5 images, (n_detectors, 5, 5), a copy."""
        return self.detectors.copy()

    # -- phase 2: what the label networks see ---------------------------------------------------

    def pixels(self, images: np.ndarray) -> np.ndarray:
        """Digits as the detectors see them: (deskewed) pixels / 255, shape (n, 28, 28)."""
        x = _digits(images)
        if self.deskew:
            x = deskew(x)
        return np.ascontiguousarray(x, dtype=np.float64) / 255.0

    def detector_answers(self, images: np.ndarray, block: int = BLOCK) -> np.ndarray:
        """Every detector's answer at every position, averaged over ``block`` x ``block`` cells.

        Returns
        -------
        ndarray of float64, shape (n, n_detectors, 24 // block, 24 // block)
            ``block=1``: where each detector fired on each digit (the answer at every patch
            position; position (r, c) is the patch whose top-left pixel is (r, c)).
        """
        return detector_map(self.pixels(images), self.detectors, self.threshold, block)

    def inputs(self, images: np.ndarray) -> np.ndarray:
        """The label networks' inputs: the square roots of the pooled detector answers, scaled
        to unit length, shape (n, n_detectors * 36) (a digit no detector answers stays zero).

        The detectors change only in phase 1, so the inputs of up to ``REMEMBERED`` digits are
        kept until they do: the epochs of phase 2 compute each training digit's inputs once.
        Only digits that come in batches (training and validation data) are kept: the app
        answers a drawing at every stroke, and those single digits are never seen again.
        """
        digits = _digits(images)
        keys = [(digit.dtype.str, digit.tobytes()) for digit in digits]
        rows = np.empty((len(digits), self.width))
        missing = []
        for i, key in enumerate(keys):
            row = self._remembered.get(key)
            if row is None:
                missing.append(i)
            else:
                rows[i] = row
        if missing:
            answers = self.detector_answers(digits[missing])
            h = np.sqrt(answers.reshape(len(missing), -1))
            lengths = np.linalg.norm(h, axis=1, keepdims=True)
            rows[missing] = np.divide(h, lengths, out=np.zeros_like(h), where=lengths > 0)
            room = REMEMBERED - len(self._remembered) if len(digits) > 1 else 0
            for i in missing[: max(room, 0)]:
                self._remembered[keys[i]] = rows[i].copy()
        return rows

    # -- what to show ---------------------------------------------------------------------------

    def back_projection(self, rows: np.ndarray) -> np.ndarray:
        """Rows over the networks' inputs, taken back to pixels linearly, (m, 28, 28).

        Input ``(f, cell)`` stands for what detector ``f`` looks for over that cell: the detector
        placed at each of the cell's 16 positions, averaged. The threshold and square root are
        left out (they are not linear), so the images show where a row looks for which strokes,
        not an exact inverse.

        Parameters
        ----------
        rows : ndarray, shape (m, n_detectors * 36)
        """
        return _back_projection(rows, self.detectors)

    def weight_images(self, label: int) -> np.ndarray:
        """The ``k`` weight rows of ``label``'s network back-projected to pixels, (k, 28, 28).

        See :meth:`back_projection`; :meth:`detector_weights` gives the rows as they are.
        """
        return self.back_projection(self.weights[label])

    def weight_images_later(self, labels: Sequence[int]) -> Callable[[], tuple[np.ndarray, ...]]:
        """Copies the rows and detectors now; back-projects them when the function is called."""
        rows = [self.weights[label].copy() for label in labels]
        detectors = self.detectors.copy()
        return lambda: tuple(_back_projection(r, detectors) for r in rows)

    def firing_maps(self, image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every detector's answer to every 5x5 patch of the (deskewed) drawing, placed at the
        patch's centre pixel (zero at the 2-pixel border no patch is centred on), and the
        detectors: ((n_detectors, 28, 28), (n_detectors, 5, 5))."""
        edge = PATCH // 2
        answers = self.detector_answers(image, block=1)[0]
        maps = np.pad(
            answers, ((0, 0), (edge, SIDE - edge - POSITIONS), (edge, SIDE - edge - POSITIONS))
        )
        return maps, self.shared_images()

    def detector_weights(self, label: int) -> np.ndarray:
        """The ``k`` weight rows of ``label``'s network as one 6x6 map per detector,
        (k, n_detectors, 6, 6), a copy."""
        return self.weights[label].reshape(self.k, self.n_detectors, CELLS, CELLS).copy()

    def contributions(self, image: np.ndarray) -> np.ndarray:
        """Every cell's share of every label's squared answer norm, spread over its pixels,
        (n_labels, 28, 28).

        Per label, each input's share ``x * (W_L.T @ W_L @ x)`` (as for rule ``oja``) is summed
        over the detectors of its cell and spread evenly over the 4x4 pixels at the centres of
        the cell's patches; the map sums (up to rounding) to ``||W_L x||**2``. NaN for diverged
        networks.
        """
        x = self.inputs(image)[0]
        with np.errstate(all="ignore"):
            answers = self.weights @ x  # (n_labels, k)
            shares = x * np.einsum("lk,lkd->ld", answers, self.weights)
        cells = shares.reshape(self.n_labels, self.n_detectors, CELLS, CELLS).sum(axis=1)
        spread = np.kron(cells, np.ones((BLOCK, BLOCK))) / BLOCK**2
        edge = PATCH // 2
        maps = np.pad(
            spread, ((0, 0), (edge, SIDE - edge - POSITIONS), (edge, SIDE - edge - POSITIONS))
        )
        maps[self.diverged] = np.nan
        return maps

    def reconstructions(self, image: np.ndarray) -> None:
        """None: see :attr:`has_reconstructions`."""
        return None

    # -- state ----------------------------------------------------------------------------------

    @classmethod
    def input_width(cls, params: dict[str, Any]) -> int:
        """``n_detectors`` answers in each of the 6x6 cells."""
        return integer("n_detectors", params["n_detectors"], 1) * CELLS * CELLS

    @classmethod
    def array_layout(cls, params: dict[str, Any]) -> Layout:
        """The subspace networks' arrays on the detectors' answers, and the detectors."""
        params = cls.with_defaults(params)
        n_detectors = integer("n_detectors", params["n_detectors"], 1)
        return {
            **super().array_layout(params),
            "detectors": ((n_detectors, PATCH, PATCH), np.dtype(np.float64)),
            "detector_seen": ((), np.dtype(np.int64)),
        }

    def set_arrays(self, arrays: dict[str, np.ndarray]) -> None:
        """As :meth:`NormClassifier.set_arrays`; besides, ``ValueError`` for a negative patch
        count or detectors that are not of unit length."""
        check_arrays(self.rule, self.array_layout(self.params()), arrays)
        lengths = np.linalg.norm(arrays["detectors"].reshape(self.n_detectors, -1), axis=1)
        if not np.allclose(lengths, 1.0):
            raise ValueError(f"{self.rule}: the detectors are not of unit length")
        if arrays["detector_seen"] < 0:
            raise ValueError(f"{self.rule}: negative patch count")
        super().set_arrays(arrays)
        self._remembered.clear()  # other detectors

    def params(self) -> dict[str, Any]:
        return {
            **super().params(),
            "n_detectors": self.n_detectors,
            "threshold": self.threshold,
            "detector_lr": self.detector_lr,
            "detector_lr_decay": self.detector_lr_decay,
            "detector_patches": self.detector_patches,
            "detector_epochs": self.detector_epochs,
        }

    def arrays(self) -> dict[str, np.ndarray]:
        return {
            **super().arrays(),
            "detectors": self.detectors,
            "detector_seen": self.detector_seen,
        }


def _back_projection(rows: np.ndarray, detectors: np.ndarray) -> np.ndarray:
    """:meth:`StrokeSubspaces.back_projection` of ``rows`` through ``detectors``."""
    n_detectors = len(detectors)
    size = BLOCK + PATCH - 1
    footprints = np.zeros((n_detectors, size, size))  # a detector over a whole cell
    for dr in range(BLOCK):
        for dc in range(BLOCK):
            footprints[:, dr : dr + PATCH, dc : dc + PATCH] += detectors / BLOCK**2
    cells = np.asarray(rows).reshape(len(rows), n_detectors, CELLS * CELLS)
    placed = cells.transpose(0, 2, 1) @ footprints.reshape(n_detectors, -1)
    placed = placed.reshape(len(rows), CELLS, CELLS, size, size)
    images = np.zeros((len(rows), SIDE, SIDE))
    for r in range(CELLS):
        for c in range(CELLS):
            images[:, BLOCK * r : BLOCK * r + size, BLOCK * c : BLOCK * c + size] += placed[:, r, c]
    return images


def _digits(images: np.ndarray) -> np.ndarray:
    """``images`` as a batch of 28x28 digits (one digit becomes a batch of one)."""
    x = np.asarray(images)
    if x.shape == (SIDE, SIDE):
        x = x[None]
    if x.ndim != 3 or x.shape[1:] != (SIDE, SIDE):
        raise ValueError(f"expected 28x28 digits, got an array of shape {x.shape}")
    return x
