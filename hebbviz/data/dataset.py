"""The one shape every digit source delivers: train/val/optional test splits of uint8 images.

Also the two deterministic ways of cutting a split: :func:`split_validation` (stratified, seeded)
and :func:`balance` (equal counts per label).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DIGIT_CLASSES: tuple[str, ...] = tuple(str(d) for d in range(10))


@dataclass(frozen=True)
class Split:
    """Images and their labels.

    Attributes
    ----------
    images : ndarray of uint8, shape (n, 28, 28)
        Ink is high (255), background is 0, as in MNIST.
    labels : ndarray of int64, shape (n,)
        Label indices into the dataset's ``classes``.
    """

    images: np.ndarray
    labels: np.ndarray

    def __len__(self) -> int:
        return len(self.labels)

    def per_label(self, n_classes: int = 10) -> list[int]:
        """How many images each label has."""
        return np.bincount(self.labels, minlength=n_classes)[:n_classes].tolist()

    def subset(self, index: np.ndarray) -> Split:
        """The images (and labels) at ``index``, an integer array or a boolean mask."""
        return Split(images=self.images[index], labels=self.labels[index])


@dataclass(frozen=True)
class Dataset:
    """A digit data set with its splits.

    Attributes
    ----------
    source : str
        What the data is and where it came from, for people (e.g. ``"folder /data/mnist"``,
        ``"synthetic digits (seed 0)"``).
    classes : tuple of str
        The class names, one per label.
    train, val : Split
        ``val`` is always carved from the training files (deterministic, stratified).
    test : Split or None
        Only when the source has test files.
    synthetic : bool
        True for procedurally drawn digits, so the app can always label them as such.
    """

    source: str
    classes: tuple[str, ...]
    train: Split
    val: Split
    test: Split | None = None
    synthetic: bool = False


def split_validation(split: Split, fraction: float = 0.1, seed: int = 0) -> tuple[Split, Split]:
    """Carve a stratified validation split out of training data.

    From every label, ``round(fraction * count)`` images chosen by a generator seeded with
    ``seed`` go to validation; both parts keep the file order.

    Parameters
    ----------
    split : Split
        The training files' images.
    fraction : float
        Share of each label that goes to validation, in ``[0, 1)``.
    seed : int
        The same seed always gives the same parts.

    Returns
    -------
    train, val : Split
    """
    if not 0 <= fraction < 1:
        raise ValueError(f"validation fraction must be in [0, 1), got {fraction}")
    rng = np.random.default_rng(seed)
    to_val = np.zeros(len(split), dtype=bool)
    for label in np.unique(split.labels):
        (where,) = np.nonzero(split.labels == label)
        n_val = int(np.floor(fraction * len(where) + 0.5))
        to_val[rng.permutation(where)[:n_val]] = True
    return split.subset(~to_val), split.subset(to_val)


def balance(split: Split, per_label: int | None = None) -> Split:
    """Equal counts per label: keep the first ``per_label`` images of each label, in file order.

    Parameters
    ----------
    split : Split
    per_label : int, optional
        The cap; by default the count of the rarest label present.

    Returns
    -------
    Split
        Labels with fewer images than the cap keep all of theirs.
    """
    return split.subset(balanced(split.labels, per_label))


def kept(labels: np.ndarray, per_label: int = 0) -> np.ndarray:
    """The positions of the images :func:`balance` keeps with ``per_label`` (0: all of them)."""
    return np.flatnonzero(balanced(labels, per_label)) if per_label else np.arange(len(labels))


def balanced(labels: np.ndarray, per_label: int | None = None) -> np.ndarray:
    """Which images :func:`balance` keeps, given their ``labels``: a mask of bool."""
    counts = np.bincount(labels)
    if per_label is None:
        per_label = int(counts[counts > 0].min()) if len(labels) else 0
    if per_label < 0:
        raise ValueError(f"per-label count must be >= 0, got {per_label}")
    rank = np.zeros(len(labels), dtype=np.int64)
    for label in np.nonzero(counts)[0]:
        where = labels == label
        rank[where] = np.arange(counts[label])
    return rank < per_label
