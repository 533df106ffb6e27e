"""The IDX reader: good files round-trip; every kind of bad file is one clear DatasetError."""

from __future__ import annotations

import gzip
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from idx_files import idx_bytes, read_pair, write_file

from hebbviz.data.idx import IMAGES_MAGIC, load_idx, load_idx_split
from hebbviz.errors import DatasetError

RNG = np.random.default_rng(0)
IMAGES = RNG.integers(0, 256, size=(5, 28, 28), dtype=np.uint8)
LABELS = np.array([3, 0, 9, 1, 3], dtype=np.uint8)


def expect_error(path: Path, match: str) -> str:
    """Loading ``path`` raises a one-line DatasetError naming the file and matching ``match``."""
    with pytest.raises(DatasetError, match=match) as caught:
        load_idx(path)
    message = str(caught.value)
    assert str(path) in message and "\n" not in message
    return message


@pytest.mark.parametrize("name", ["images-idx3-ubyte", "images-idx3-ubyte.gz"])
def test_uint8_images_round_trip_raw_and_gzip(tmp_path, name):
    array = load_idx(write_file(tmp_path / name, idx_bytes(IMAGES)))
    assert array.dtype == np.uint8 and array.shape == (5, 28, 28)
    np.testing.assert_array_equal(array, IMAGES)


def test_gzip_is_recognised_by_content_not_name(tmp_path):
    path = tmp_path / "labels-idx1-ubyte"
    path.write_bytes(gzip.compress(idx_bytes(LABELS)))
    np.testing.assert_array_equal(load_idx(path), LABELS)


@pytest.mark.parametrize("dtype", ["i1", "i2", "i4", "f4", "f8"])
def test_other_idx_types_are_read_big_endian_into_native_order(tmp_path, dtype):
    scale = 1 if dtype == "i1" else 300  # multi-byte values show a byte-order mistake
    array = (np.arange(-12, 12).reshape(2, 3, 4) * scale).astype(dtype)
    loaded = load_idx(write_file(tmp_path / "a.idx", idx_bytes(array)))
    assert loaded.dtype == np.dtype(dtype) and loaded.dtype.isnative
    np.testing.assert_array_equal(loaded, array)


def test_truncated_gzip(tmp_path):
    path = tmp_path / "train-images-idx3-ubyte.gz"
    path.write_bytes(gzip.compress(idx_bytes(IMAGES))[:-100])
    expect_error(path, "corrupt or truncated gzip")


def test_corrupt_gzip(tmp_path):
    path = tmp_path / "train-images-idx3-ubyte.gz"
    data = bytearray(gzip.compress(idx_bytes(IMAGES)))
    data[20:40] = b"\xff" * 20
    path.write_bytes(bytes(data))
    expect_error(path, "corrupt or truncated gzip")


@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_truncated_data(tmp_path, suffix):
    path = write_file(tmp_path / f"train-images-idx3-ubyte{suffix}", idx_bytes(IMAGES)[:-1])
    message = expect_error(path, "truncated")
    assert "(5, 28, 28)" in message


def test_truncated_header(tmp_path):
    path = write_file(tmp_path / "x-idx3-ubyte", idx_bytes(IMAGES)[:10])
    expect_error(path, "truncated in the header")


def test_overlong_file(tmp_path):
    path = write_file(tmp_path / "x-idx1-ubyte", idx_bytes(LABELS) + b"\0\0\0")
    expect_error(path, "3 unexpected bytes")


@pytest.mark.parametrize(
    "header", [b"\x12\x34\x56\x78", b"\0\0\x07\x01", b"\0\0\x08\x00"], ids=["magic", "type", "ndim"]
)
def test_wrong_magic(tmp_path, header):
    path = write_file(tmp_path / "x-idx1-ubyte", header + idx_bytes(LABELS)[4:])
    expect_error(path, r"not an IDX file \(magic number 0x")


def test_too_short_and_empty(tmp_path):
    expect_error(write_file(tmp_path / "short", b"\0\0"), "too short")
    expect_error(write_file(tmp_path / "empty", b""), "too short")


def test_missing_file(tmp_path):
    expect_error(tmp_path / "nope-idx3-ubyte", "no such file")


def write_split(folder: Path, images: np.ndarray, labels: np.ndarray) -> tuple[Path, Path]:
    return (
        write_file(folder / "train-images-idx3-ubyte.gz", idx_bytes(images)),
        write_file(folder / "train-labels-idx1-ubyte.gz", idx_bytes(labels)),
    )


def test_split_reads_images_and_int64_labels(tmp_path):
    write_split(tmp_path, IMAGES, LABELS)
    split = read_pair(tmp_path)
    np.testing.assert_array_equal(split.images, IMAGES)
    assert split.labels.dtype == np.int64
    np.testing.assert_array_equal(split.labels, LABELS)


def test_split_counts_must_match(tmp_path):
    images, labels = write_split(tmp_path, IMAGES, LABELS[:4])
    with pytest.raises(DatasetError, match="4 labels for 5 images") as caught:
        load_idx_split(images, labels)
    assert str(labels) in str(caught.value)


def test_split_labels_in_range(tmp_path):
    images, labels = write_split(tmp_path, IMAGES, np.array([3, 0, 10, 1, 3], dtype=np.uint8))
    with pytest.raises(DatasetError, match="label 10 at index 2 is out of range 0-9") as caught:
        load_idx_split(images, labels)
    assert str(labels) in str(caught.value)


def test_split_with_files_swapped_names_the_expected_magic(tmp_path):
    images, labels = write_split(tmp_path, IMAGES, LABELS)
    with pytest.raises(
        DatasetError, match="magic number 2049, expected 2051 for uint8 images"
    ) as caught:
        load_idx_split(labels, images)
    assert str(labels) in str(caught.value)


def test_split_images_must_be_28_by_28(tmp_path):
    images, labels = write_split(tmp_path, IMAGES[:, :20, :20].copy(), LABELS)
    with pytest.raises(DatasetError, match="20 x 20 pixels, expected 28 x 28"):
        load_idx_split(images, labels)


def test_split_labels_must_be_uint8(tmp_path):
    images, labels = write_split(tmp_path, IMAGES, LABELS.astype(np.int32))
    with pytest.raises(DatasetError, match="magic number 3073, expected 2049 for uint8 labels"):
        load_idx_split(images, labels)


def test_real_mnist(mnist_dir):
    split = read_pair(mnist_dir)
    assert split.images.shape == (10_000, 28, 28)
    assert split.per_label() == [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]
    assert split.images.max() == 255 and split.images.min() == 0


def _gzip_bomb(path: Path, n_images: int, zeros: int) -> Path:
    """A small .gz: an images header of ``n_images`` and then ``zeros`` zero bytes."""
    chunk = bytes(2**24)
    with gzip.open(path, "wb", compresslevel=9) as file:
        file.write(IMAGES_MAGIC.to_bytes(4, "big") + n_images.to_bytes(4, "big"))
        file.write((28).to_bytes(4, "big") * 2)
        for start in range(0, zeros, len(chunk)):
            file.write(chunk[: zeros - start])
    return path


@pytest.mark.parametrize(
    ("n_images", "match"),
    [
        (2**31, r"shape \(2147483648, 28, 28\) needs 1683627180032 bytes of data, more than"),
        (20_000, r"more than 1048575 unexpected bytes after the data of shape \(20000, 28, 28\)"),
    ],
    ids=["huge header", "plausible header"],
)
def test_a_decompression_bomb_fails_fast_in_bounded_memory(tmp_path, n_images, match):
    path = _gzip_bomb(tmp_path / "train-images-idx3-ubyte.gz", n_images, 2**27)
    assert path.stat().st_size < 2**20
    tracemalloc.start()
    try:
        expect_error(path, match)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < n_images * 784 + 2**23  # the header's images and a few MB, not 128 MB
