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
from typing import BinaryIO

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
GZIP_SIGNATURE = b"\x1f\x8b"


MAX_DATA_BYTES = 2**31
"""The most data an IDX file may hold (2 GiB; all of EMNIST's digits and letters take 0.7 GiB):
a larger header is refused before anything is read, a decompression bomb's too."""
CHUNK = 2**20
"""Bytes read at a time."""
EXTRA_SHOWN = 2**20
"""How many bytes after the data are read (and counted) before a file is refused as overlong."""


def _read_into(stream: BinaryIO, buffer: memoryview) -> int:
    """Fill ``buffer`` from ``stream``; how many bytes there were (fewer at the end of it).

    Read a chunk at a time: gzip reads a whole request into a temporary copy first."""
    filled = 0
    while filled < len(buffer):
        count = stream.readinto(buffer[filled : filled + CHUNK])
        if not count:
            break
        filled += count
    return filled


def _read_idx(path: Path, stream: BinaryIO, magic: int | None) -> np.ndarray:
    """The IDX data of ``stream`` (see :func:`load_idx`), read no further than its header says
    (plus a little, to find out whether it ends there)."""
    head = stream.read(4)
    if len(head) < 4:
        raise DatasetError(f"{path}: too short for an IDX file ({len(head)} bytes)")
    found_magic = int.from_bytes(head, "big")
    zeros, type_code, ndim = head[0:2], head[2], head[3]
    if zeros != b"\0\0" or type_code not in DTYPES or ndim == 0:
        raise DatasetError(f"{path}: not an IDX file (magic number {found_magic:#010x})")
    if magic is not None and found_magic != magic:
        kind = MNIST_KINDS.get(magic, "this data")
        raise DatasetError(f"{path}: magic number {found_magic}, expected {magic} for {kind}")
    sizes = stream.read(4 * ndim)
    if len(sizes) < 4 * ndim:
        raise DatasetError(f"{path}: truncated in the header ({4 + len(sizes)} bytes)")
    shape = tuple(int.from_bytes(sizes[4 * i : 4 * i + 4], "big") for i in range(ndim))
    dtype = DTYPES[type_code]
    expected = math.prod(shape) * dtype.itemsize
    if expected > MAX_DATA_BYTES:
        raise DatasetError(
            f"{path}: shape {shape} needs {expected} bytes of data, more than the "
            f"{MAX_DATA_BYTES} bytes hebbviz reads"
        )
    flat = np.empty(math.prod(shape), dtype=dtype)
    found = _read_into(stream, memoryview(flat).cast("B"))
    if found < expected:
        raise DatasetError(
            f"{path}: truncated: shape {shape} needs {expected} bytes of data, found {found}"
        )
    extra = len(stream.read(EXTRA_SHOWN))  # to the end: gzip checks its checksum there
    if extra:
        count = f"{extra}" if extra < EXTRA_SHOWN else f"more than {EXTRA_SHOWN - 1}"
        raise DatasetError(f"{path}: {count} unexpected bytes after the data of shape {shape}")
    return flat.astype(dtype.newbyteorder("="), copy=False).reshape(shape)


def load_idx(path: str | Path, magic: int | None = None) -> np.ndarray:
    """Read an IDX file, raw or gzip-compressed (recognised by its first bytes).

    The file is read as a stream, no further than its header says, into an array of that size
    (at most :data:`MAX_DATA_BYTES`): a lying header or a decompression bomb fails fast, in
    bounded memory.

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
        If the file is missing, not IDX (or not of the ``magic`` asked for), corrupt, truncated,
        too large, or longer than its header says.
    """
    path = Path(path)
    try:
        with path.open("rb") as raw:
            compressed = raw.read(2) == GZIP_SIGNATURE
            raw.seek(0)
            if not compressed:
                return _read_idx(path, raw, magic)
            with gzip.GzipFile(fileobj=raw) as stream:
                try:
                    return _read_idx(path, stream, magic)
                except DatasetError:
                    # damage near the start garbles the header: say so if zlib notices soon
                    stream.read(EXTRA_SHOWN)
                    raise
    except FileNotFoundError:
        raise DatasetError(f"{path}: no such file") from None
    except (EOFError, zlib.error, gzip.BadGzipFile) as error:
        raise DatasetError(f"{path}: corrupt or truncated gzip data ({error})") from None
    except OSError as error:
        raise DatasetError(f"{path}: cannot read ({error.strerror or error})") from None


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
