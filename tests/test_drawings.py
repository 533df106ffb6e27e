"""The own-drawings store: appends keep every earlier drawing; a damaged store is a DatasetError."""

from __future__ import annotations

import struct

import numpy as np
import pytest

from hebbviz.data import drawings
from hebbviz.data.drawings import DrawingStore
from hebbviz.errors import DatasetError


def drawing(value: int) -> np.ndarray:
    image = np.zeros((28, 28), dtype=np.uint8)
    image[4:24, 10:18] = value
    return image


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("HEBBVIZ_DATA_DIR", str(tmp_path / "user data"))
    return DrawingStore()


def test_default_store_lives_in_the_user_data_dir(store, tmp_path):
    assert store.path == tmp_path / "user data" / "drawings.npz"


def test_empty_store(store):
    split = store.load()
    assert len(store) == 0 and split.images.shape == (0, 28, 28) and split.labels.shape == (0,)
    assert split.images.dtype == np.uint8 and split.labels.dtype == np.int64


def test_appends_accumulate_in_order_and_persist(store):
    for i, label in enumerate([7, 2, 7, 0]):
        store.append(drawing(10 * (i + 1)), label)
    assert len(store) == 4
    reopened = DrawingStore(store.path).load()
    assert reopened.labels.tolist() == [7, 2, 7, 0]
    assert reopened.labels.dtype == np.int64
    for i, image in enumerate(reopened.images):
        np.testing.assert_array_equal(image, drawing(10 * (i + 1)))
    assert [p.name for p in store.path.parent.iterdir()] == ["drawings.npz"]


def test_failed_write_keeps_earlier_drawings_and_leaves_no_temp_file(store, monkeypatch):
    store.append(drawing(50), 3)
    before = store.path.read_bytes()

    def disk_full(file, **arrays):
        file.write(b"partial")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(drawings.np, "savez_compressed", disk_full)
    with pytest.raises(OSError, match="No space"):
        store.append(drawing(60), 4)
    assert store.path.read_bytes() == before
    assert [p.name for p in store.path.parent.iterdir()] == ["drawings.npz"]
    monkeypatch.undo()
    assert DrawingStore(store.path).load().labels.tolist() == [3]


@pytest.mark.parametrize(
    ("image", "label"),
    [
        (np.zeros((28, 28), dtype=np.float64), 1),
        (np.zeros((20, 20), dtype=np.uint8), 1),
        (np.zeros((28, 28), dtype=np.uint8), 10),
        (np.zeros((28, 28), dtype=np.uint8), -1),
    ],
)
def test_bad_drawings_are_refused(store, image, label):
    with pytest.raises(ValueError):
        store.append(image, label)
    assert not store.path.exists()


def test_corrupt_store_is_a_dataset_error_and_is_not_overwritten(store):
    store.path.parent.mkdir(parents=True)
    store.path.write_bytes(b"PK\x03\x04 this is not a zip archive")
    with pytest.raises(DatasetError, match="not a readable drawing store") as caught:
        store.load()
    assert str(store.path) in str(caught.value)
    with pytest.raises(DatasetError):
        store.append(drawing(1), 1)
    assert store.path.read_bytes().startswith(b"PK\x03\x04 this")


def test_store_with_damaged_compressed_data_is_a_dataset_error(store):
    store.append(np.random.default_rng(0).integers(0, 256, (28, 28), dtype=np.uint8), 1)
    data = bytearray(store.path.read_bytes())
    name_length, extra_length = struct.unpack_from("<HH", data, 26)  # the first local header
    start = 30 + name_length + extra_length
    data[start : start + 8] = b"\xff" * 8  # a broken deflate stream: zlib, not zipfile, notices
    store.path.write_bytes(bytes(data))
    with pytest.raises(DatasetError, match="not a readable drawing store") as caught:
        store.load()
    assert str(store.path) in str(caught.value)


def test_store_with_wrong_contents_is_a_dataset_error(store):
    store.path.parent.mkdir(parents=True)
    with open(store.path, "wb") as file:
        np.savez(file, images=np.zeros((2, 28, 28), np.uint8), labels=np.array([1, 12]))
    with pytest.raises(DatasetError, match="damaged drawing store"):
        store.load()
    with open(store.path, "wb") as file:
        np.savez(file, pictures=np.zeros((2, 28, 28), np.uint8))
    with pytest.raises(DatasetError, match="not a readable drawing store"):
        store.load()


def test_store_that_is_no_archive_at_all_is_named_so(store):
    store.path.parent.mkdir(parents=True)
    store.path.write_text("hello")
    with pytest.raises(DatasetError, match="not a drawing store \\(not an .npz archive\\)"):
        store.load()


def test_append_returns_the_new_count(store):
    assert store.append(drawing(1), 1) == 1
    assert store.append(drawing(2), 2) == 2
