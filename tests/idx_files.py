"""Writing IDX files for tests: well-formed ones, and folders of them in MNIST's layout."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np

from hebbviz.data.dataset import Split
from hebbviz.data.idx import load_idx_split

TYPE_CODES = {"u1": 0x08, "i1": 0x09, "i2": 0x0B, "i4": 0x0C, "f4": 0x0D, "f8": 0x0E}


def idx_bytes(array: np.ndarray) -> bytes:
    """``array`` in the IDX format: magic, big-endian sizes, big-endian data."""
    array = np.asarray(array)
    code = TYPE_CODES[array.dtype.str[1:]]
    header = bytes([0, 0, code, array.ndim]) + b"".join(
        int(n).to_bytes(4, "big") for n in array.shape
    )
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def write_file(path: Path, content: bytes) -> Path:
    """Write ``content``, gzip-compressed when the name ends in ``.gz``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(content, compresslevel=1) if path.suffix == ".gz" else content)
    return path


def write_pair(folder: Path, prefix: str, split: Split, suffix: str = ".gz") -> None:
    """``{prefix}-images-idx3-ubyte{suffix}`` and ``{prefix}-labels-idx1-ubyte{suffix}``."""
    write_file(folder / f"{prefix}-images-idx3-ubyte{suffix}", idx_bytes(split.images))
    labels = split.labels.astype(np.uint8)
    write_file(folder / f"{prefix}-labels-idx1-ubyte{suffix}", idx_bytes(labels))


def read_pair(folder: Path, prefix: str = "train") -> Split:
    """The images and labels of ``folder`` (gzip-compressed MNIST names)."""
    return load_idx_split(
        folder / f"{prefix}-images-idx3-ubyte.gz", folder / f"{prefix}-labels-idx1-ubyte.gz"
    )
