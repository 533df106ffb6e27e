"""The one shape every digit source delivers: train/val/optional test splits of uint8 images."""

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
