"""The IDX format of MNIST (raw or gzip-compressed), read with every check a user's file needs.

An IDX file is a 4-byte magic number ``00 00 TT DD`` (``TT`` the data type, ``DD`` the number of
dimensions), ``DD`` big-endian uint32 sizes, then the data, big-endian, row-major. MNIST images
have magic 2051 (uint8, 3 dimensions), labels 2049 (uint8, 1 dimension).
"""

from __future__ import annotations

import gzip
import math
import zlib
from pathlib import Path

import numpy as np

from hebbviz.data.dataset import Split
from hebbviz.errors import DatasetError

DTYPES: dict[int, np.dtype] = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
IMAGES_MAGIC = 0x0803  # 2051
LABELS_MAGIC = 0x0801  # 2049
MNIST_KINDS = {IMAGES_MAGIC: "uint8 images", LABELS_MAGIC: "uint8 labels"}
IMAGE_SIZE = 28


def _read_bytes(path: Path) -> bytes:
    """The file's content, decompressed when it is gzip (recognised by its first bytes)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DatasetError(f"{path}: no such file") from None
    except OSError as error:
        raise DatasetError(f"{path}: cannot read ({error.strerror or error})") from None
    if raw[:2] != b"\x1f\x8b":
        return raw
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as error:
        raise DatasetError(f"{path}: corrupt or truncated gzip data ({error})") from None


def load_idx(path: str | Path, magic: int | None = None) -> np.ndarray:
    """Read an IDX file, raw or gzip-compressed.

    Parameters
    ----------
    path : str or Path
        The file.
    magic : int, optional
        The magic number the file must have, e.g. :data:`IMAGES_MAGIC`.

    Returns
    -------
    ndarray
        The data in native byte order, with the shape the header gives.

    Raises
    ------
    DatasetError
        If the file is missing, not IDX (or not of the ``magic`` asked for), corrupt, truncated or
        longer than its header says.
    """
    path = Path(path)
    data = _read_bytes(path)
    if len(data) < 4:
        raise DatasetError(f"{path}: too short for an IDX file ({len(data)} bytes)")
    found_magic = int.from_bytes(data[:4], "big")
    zeros, type_code, ndim = data[0:2], data[2], data[3]
    if zeros != b"\0\0" or type_code not in DTYPES or ndim == 0:
        raise DatasetError(f"{path}: not an IDX file (magic number {found_magic:#010x})")
    if magic is not None and found_magic != magic:
        kind = MNIST_KINDS.get(magic, "this data")
        raise DatasetError(f"{path}: magic number {found_magic}, expected {magic} for {kind}")
    header = 4 + 4 * ndim
    if len(data) < header:
        raise DatasetError(f"{path}: truncated in the header ({len(data)} bytes)")
    shape = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    dtype = DTYPES[type_code]
    expected = math.prod(shape) * dtype.itemsize
    found = len(data) - header
    if found < expected:
        raise DatasetError(
            f"{path}: truncated: shape {shape} needs {expected} bytes of data, found {found}"
        )
    if found > expected:
        raise DatasetError(
            f"{path}: {found - expected} unexpected bytes after the data of shape {shape}"
        )
    flat = np.frombuffer(data, dtype=dtype, offset=header)
    return flat.astype(dtype.newbyteorder("=")).reshape(shape)


def load_idx_split(images_path: str | Path, labels_path: str | Path, n_classes: int = 10) -> Split:
    """Read an MNIST-style pair of image and label files.

    Parameters
    ----------
    images_path, labels_path : str or Path
        The IDX files (raw or gzip), e.g. ``train-images-idx3-ubyte.gz`` and
        ``train-labels-idx1-ubyte.gz``.
    n_classes : int
        Labels must lie in ``0 .. n_classes - 1``.

    Returns
    -------
    Split

    Raises
    ------
    DatasetError
        If either file is unreadable or has the wrong magic number, the images are not 28 x 28
        pixels, a label is out of range, or the two counts differ.
    """
    images_path, labels_path = Path(images_path), Path(labels_path)
    images = load_idx(images_path, IMAGES_MAGIC)
    if images.shape[1:] != (IMAGE_SIZE, IMAGE_SIZE):
        raise DatasetError(
            f"{images_path}: images are {images.shape[1]} x {images.shape[2]} pixels, "
            f"expected {IMAGE_SIZE} x {IMAGE_SIZE}"
        )
    labels = load_idx(labels_path, LABELS_MAGIC)
    if len(labels) != len(images):
        raise DatasetError(
            f"{labels_path}: {len(labels)} labels for {len(images)} images in {images_path.name}"
        )
    if len(labels) and labels.max() >= n_classes:
        index = int(np.argmax(labels >= n_classes))
        raise DatasetError(
            f"{labels_path}: label {labels[index]} at index {index} is out of range "
            f"0-{n_classes - 1}"
        )
    return Split(images=images, labels=labels.astype(np.int64))
