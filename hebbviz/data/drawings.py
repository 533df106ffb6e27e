"""The user's own labelled drawings, kept in the per-user data folder.

One ``.npz`` file holds them all. Appending writes a complete new file beside it and renames it
over the old one, so a crash or a full disk never loses the drawings saved before.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from hebbviz import paths
from hebbviz.atomic_file import atomic_write
from hebbviz.data.dataset import Split
from hebbviz.data.idx import IMAGE_SIZE
from hebbviz.errors import DatasetError, unreadable_folder_as
from hebbviz.npz_archive import read_npz

STORE_NAME = "drawings.npz"


class DrawingStore:
    """Labelled 28 x 28 drawings, appended one at a time.

    Parameters
    ----------
    path : str or Path, optional
        The store file; by default ``drawings.npz`` in :func:`hebbviz.paths.data_dir`.
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else paths.data_dir() / STORE_NAME

    def load(self) -> Split:
        """All drawings in the order they were added (empty when there are none yet).

        Raises
        ------
        DatasetError
            If the store file is not one this class wrote, or is damaged.
        """
        with unreadable_folder_as(DatasetError):
            found = self.path.exists()
        if not found:
            return Split(
                images=np.zeros((0, IMAGE_SIZE, IMAGE_SIZE), dtype=np.uint8),
                labels=np.zeros(0, dtype=np.int64),
            )
        arrays = read_npz(self.path, DatasetError, "drawing store")
        if arrays.keys() != {"images", "labels"}:
            raise DatasetError(
                f"{self.path}: not a readable drawing store (arrays {sorted(arrays)}, expected "
                "images and labels)"
            )
        images, labels = arrays["images"], arrays["labels"]
        if (
            images.dtype != np.uint8
            or images.shape[1:] != (IMAGE_SIZE, IMAGE_SIZE)
            or labels.dtype != np.int64
            or labels.shape != (len(images),)
            or np.any((labels < 0) | (labels > 9))
        ):
            raise DatasetError(f"{self.path}: damaged drawing store (unexpected shapes or labels)")
        return Split(images=images, labels=labels)

    def __len__(self) -> int:
        return len(self.load())

    def append(self, image28: np.ndarray, label: int) -> int:
        """Add one drawing, already framed as a 28 x 28 uint8 image (ink high).

        Returns
        -------
        int
            How many drawings the store holds now.

        Raises
        ------
        ValueError
            If the image is not 28 x 28 uint8 or the label not in 0-9.
        DatasetError
            If the existing store is damaged (it is then left untouched).
        """
        image28 = np.asarray(image28)
        if image28.dtype != np.uint8 or image28.shape != (IMAGE_SIZE, IMAGE_SIZE):
            raise ValueError(f"a drawing must be 28 x 28 uint8: {image28.dtype} {image28.shape}")
        if not 0 <= label <= 9:
            raise ValueError(f"a drawing's label must be in 0-9, got {label}")
        old = self.load()
        images = np.concatenate([old.images, image28[None]])
        labels = np.concatenate([old.labels, np.array([label], dtype=np.int64)])
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_write(self.path) as file:
            np.savez_compressed(file, images=images, labels=labels)
        return len(labels)
