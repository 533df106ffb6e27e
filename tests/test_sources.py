"""Data sources behind open_dataset, the validation split and balancing."""

from __future__ import annotations

import importlib.util
import sys

import numpy as np
import pytest
from idx_files import read_pair, write_file, write_pair

from hebbviz.data.dataset import DIGIT_CLASSES, Split, balance, split_validation
from hebbviz.data.drawings import DrawingStore
from hebbviz.data.sources import CLASS_NAMES, open_dataset, open_folder
from hebbviz.errors import DatasetError, HebbvizError

MNIST_PER_LABEL = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]


@pytest.fixture(autouse=True)
def user_dirs(tmp_path, monkeypatch):
    """Keep every test away from the real per-user folders."""
    monkeypatch.setenv("HEBBVIZ_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("HEBBVIZ_CACHE_DIR", str(tmp_path / "cache"))


def numbered(labels: list[int]) -> Split:
    """A split whose image i carries i in its first two pixels, to trace where images went."""
    n = len(labels)
    images = np.zeros((n, 28, 28), dtype=np.uint8)
    images[:, 0, 0], images[:, 0, 1] = np.arange(n) % 256, np.arange(n) // 256
    return Split(images, np.array(labels, dtype=np.int64))


def numbers(split: Split) -> list[int]:
    low, high = split.images[:, 0, 0].astype(int), split.images[:, 0, 1].astype(int)
    return (low + 256 * high).tolist()


@pytest.fixture(scope="module")
def mnist(mnist_dir) -> Split:
    return read_pair(mnist_dir)


# --- the validation split and balancing -------------------------------------------------------


def test_validation_split_is_stratified_disjoint_complete_and_in_file_order():
    rng = np.random.default_rng(1)
    split = numbered(rng.integers(0, 10, size=2000).tolist())
    train, val = split_validation(split, 0.1, seed=0)
    for label, count in enumerate(split.per_label()):
        assert abs(val.per_label()[label] - 0.1 * count) <= 0.5
    assert sorted(numbers(train) + numbers(val)) == list(range(2000))
    assert numbers(train) == sorted(numbers(train)) and numbers(val) == sorted(numbers(val))
    np.testing.assert_array_equal(train.labels, split.labels[numbers(train)])


def test_validation_split_is_deterministic_by_seed():
    split = numbered([i % 10 for i in range(1000)])
    first, second = split_validation(split, seed=0)[1], split_validation(split, seed=0)[1]
    assert numbers(first) == numbers(second)
    assert numbers(split_validation(split, seed=1)[1]) != numbers(first)


def test_validation_fraction_zero_and_out_of_range():
    split = numbered([0, 1, 2])
    train, val = split_validation(split, 0.0)
    assert len(train) == 3 and len(val) == 0 and val.images.shape == (0, 28, 28)
    with pytest.raises(ValueError):
        split_validation(split, 1.0)


def test_balance_caps_every_label_at_the_rarest_keeping_the_first_in_file_order():
    split = numbered([2, 1, 2, 2, 1, 0, 2, 0, 1, 1])
    balanced = balance(split)
    assert balanced.per_label() == [2, 2, 2, 0, 0, 0, 0, 0, 0, 0]
    assert numbers(balanced) == [0, 1, 2, 4, 5, 7]


def test_balance_to_a_given_count():
    split = numbered([2, 1, 2, 2, 1, 0, 2, 0, 1, 1])
    assert numbers(balance(split, per_label=3)) == [0, 1, 2, 3, 4, 5, 7, 8]
    assert len(balance(split, per_label=0)) == 0
    assert len(balance(numbered([]))) == 0


def test_balance_real_mnist(mnist):
    assert balance(mnist).per_label() == [863] * 10
    assert balance(mnist, per_label=900).per_label() == [900] * 5 + [863] + [900] * 4


# --- folders --------------------------------------------------------------------------------


def test_mnist_10k_folder(mnist_dir):
    dataset = open_folder(mnist_dir)
    assert dataset.classes == DIGIT_CLASSES and dataset.test is None and not dataset.synthetic
    assert str(mnist_dir) in dataset.source
    totals = np.add(dataset.train.per_label(), dataset.val.per_label()).tolist()
    assert totals == MNIST_PER_LABEL
    assert dataset.val.per_label() == [round(n / 10) for n in MNIST_PER_LABEL]


def test_folder_with_test_files_raw_and_in_torchvision_layout(tmp_path, mnist):
    raw = tmp_path / "root" / "MNIST" / "raw"
    write_pair(raw, "train", mnist.subset(slice(0, 3000)), suffix="")
    write_pair(raw, "t10k", mnist.subset(slice(3000, 4000)), suffix="")
    for folder in (tmp_path / "root", raw):
        dataset = open_folder(folder)
        assert len(dataset.train) + len(dataset.val) == 3000 and len(dataset.test) == 1000
        np.testing.assert_array_equal(dataset.test.images, mnist.images[3000:4000])
        np.testing.assert_array_equal(dataset.test.labels, mnist.labels[3000:4000])
        assert dataset.classes == DIGIT_CLASSES and str(raw) in dataset.source


@pytest.mark.parametrize(
    ("layout", "name"),
    [
        ("root/FashionMNIST/raw", "fashion-mnist"),
        ("root/KMNIST/raw", "kmnist"),
        ("fashion_mnist", "fashion-mnist"),
        ("kmnist-data", "kmnist"),
        ("my digits", "mnist"),
    ],
)
def test_class_names_follow_the_folder(tmp_path, mnist, layout, name):
    write_pair(tmp_path / layout, "train", mnist.subset(slice(0, 200)))
    given = tmp_path / "root" if layout.startswith("root/") else tmp_path / layout
    assert open_folder(given).classes == CLASS_NAMES[name]


def test_fashion_mnist_folder_with_test_split(fashion_dir):
    dataset = open_dataset(fashion_dir)
    assert dataset.classes[0] == "T-shirt/top" and dataset.classes[9] == "Ankle boot"
    assert len(dataset.train) + len(dataset.val) == 60_000
    assert dataset.val.per_label() == [600] * 10
    assert dataset.test.per_label() == [1000] * 10


def test_missing_or_empty_folder(tmp_path):
    with pytest.raises(DatasetError, match="no such folder"):
        open_folder(tmp_path / "nowhere")
    with pytest.raises(DatasetError, match="no train-images-idx3-ubyte") as caught:
        open_folder(tmp_path)
    assert str(tmp_path) in str(caught.value)


def test_half_a_pair_is_named(tmp_path, mnist):
    write_pair(tmp_path, "train", mnist.subset(slice(0, 100)))
    (tmp_path / "train-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(DatasetError, match="not the train labels file") as caught:
        open_folder(tmp_path)
    assert "train-images-idx3-ubyte.gz" in str(caught.value)


def test_a_bad_test_file_is_not_ignored(tmp_path, mnist):
    write_pair(tmp_path, "train", mnist.subset(slice(0, 100)))
    write_pair(tmp_path, "t10k", mnist.subset(slice(100, 150)))
    write_file(tmp_path / "t10k-labels-idx1-ubyte.gz", b"\0\0\x08\x01\0\0\0\x05abc")
    with pytest.raises(DatasetError, match="t10k-labels-idx1-ubyte.gz: truncated"):
        open_folder(tmp_path)


# --- open_dataset ---------------------------------------------------------------------------


def test_nothing_given_is_the_shipped_sample_the_same_as_by_name(tmp_path, mnist):
    raw = tmp_path / "cache" / "torchvision" / "MNIST" / "raw"  # a full download does not count
    write_pair(raw, "train", mnist.subset(slice(0, 500)))
    default, named = open_dataset(), open_dataset(name="MNIST-sample")
    for dataset in (default, named):
        assert dataset.source == "MNIST sample, 10,000 digits, shipped" and not dataset.synthetic
        assert dataset.classes == DIGIT_CLASSES and dataset.test is None
    assert np.add(default.train.per_label(), default.val.per_label()).tolist() == MNIST_PER_LABEL
    np.testing.assert_array_equal(default.train.images, named.train.images)
    np.testing.assert_array_equal(default.val.labels, named.val.labels)


def test_synthetic_digits_are_a_choice(tmp_path):
    dataset = open_dataset(name="Synthetic")
    assert dataset.synthetic and "synthetic" in dataset.source and dataset.test is None
    assert dataset.train.images.dtype == np.uint8 and dataset.train.images.shape[1:] == (28, 28)
    assert min(dataset.val.per_label()) > 0


@pytest.mark.parametrize("suffix", [".gz", ""])  # ours, or extracted by torchvision
def test_a_named_data_set_reads_the_download_cache(tmp_path, mnist, suffix, monkeypatch):
    monkeypatch.setitem(sys.modules, "torchvision", None)  # not needed
    raw = tmp_path / "cache" / "torchvision" / "KMNIST" / "raw"
    write_pair(raw, "train", mnist.subset(slice(0, 500)), suffix=suffix)
    write_pair(raw, "t10k", mnist.subset(slice(500, 600)), suffix=suffix)
    dataset = open_dataset(name="kmnist")
    assert str(raw) in dataset.source and len(dataset.test) == 100
    assert dataset.classes == CLASS_NAMES["kmnist"]


def test_a_named_data_set_not_downloaded_says_how_to_get_it(tmp_path, monkeypatch):
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)  # no torchvision
    with pytest.raises(DatasetError) as caught:
        open_dataset(name="fashion-mnist")
    message = str(caught.value)
    assert "hebbviz download fashion-mnist" in message and "30 MB" in message
    assert str(tmp_path / "cache" / "torchvision" / "FashionMNIST" / "raw") in message


def test_drawings_by_name(tmp_path):
    with pytest.raises(DatasetError, match="no own drawings"):
        open_dataset(name="drawings")
    store = DrawingStore()
    for i in range(50):
        store.append(np.full((28, 28), i, dtype=np.uint8), i % 10)
    dataset = open_dataset(name="drawings")
    assert str(tmp_path / "data") in dataset.source and not dataset.synthetic
    assert len(dataset.train) == 40 and dataset.val.per_label() == [1] * 10


def test_unknown_name_and_both_given(mnist_dir):
    with pytest.raises(DatasetError, match="unknown data set 'emnist'; choose one of mnist"):
        open_dataset(name="emnist")
    with pytest.raises(HebbvizError, match="not both"):
        open_dataset(mnist_dir, "synthetic")
