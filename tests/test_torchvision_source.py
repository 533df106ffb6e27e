"""The torchvision source, read by torchvision itself from a local root (never downloading)."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from idx_files import read_pair, write_pair

from hebbviz.data.sources import CLASS_NAMES, open_folder, open_torchvision
from hebbviz.errors import DatasetError


def test_missing_torchvision_is_a_clear_dataset_error(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "torchvision", None)  # makes `import torchvision` fail
    with pytest.raises(
        DatasetError, match=r"needs torchvision: pip install 'hebbviz\[torchvision\]'"
    ):
        open_torchvision("mnist", root=tmp_path)


@pytest.fixture(scope="module")
def torchvision_root(mnist_dir, tmp_path_factory):
    """A torchvision root with MNIST and KMNIST layouts built from mnist-10k.

    torchvision checks for all four uncompressed files, so the t10k pair is a slice of the
    training digits here (the official test set is held back).
    """
    pytest.importorskip("torchvision", reason="torchvision not installed (extra 'torchvision')")
    mnist = read_pair(mnist_dir)
    root = tmp_path_factory.mktemp("torchvision")
    for folder, n_train in (("MNIST", 8000), ("KMNIST", 300)):
        raw = root / folder / "raw"
        write_pair(raw, "train", mnist.subset(slice(0, n_train)), suffix="")
        write_pair(raw, "t10k", mnist.subset(slice(n_train, n_train + 200)), suffix="")
    return root


def test_torchvision_reads_what_the_folder_source_reads(torchvision_root):
    ours = open_folder(torchvision_root)
    theirs = open_torchvision("mnist", root=torchvision_root, download=False)
    assert theirs.classes == CLASS_NAMES["mnist"] and "torchvision" in theirs.source
    for name in ("train", "val", "test"):
        a, b = getattr(ours, name), getattr(theirs, name)
        assert b.images.dtype == np.uint8 and b.labels.dtype == np.int64
        np.testing.assert_array_equal(a.images, b.images)
        np.testing.assert_array_equal(a.labels, b.labels)
    assert len(theirs.train) + len(theirs.val) == 8000 and len(theirs.test) == 200


def test_kmnist_class_names(torchvision_root):
    dataset = open_torchvision("kmnist", root=torchvision_root, download=False)
    assert dataset.classes == ("o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo")
    assert len(dataset.train) + len(dataset.val) == 300


def test_absent_files_without_download_is_a_dataset_error(torchvision_root, tmp_path):
    with pytest.raises(DatasetError, match="could not find Fashion-MNIST") as caught:
        open_torchvision("fashion-mnist", root=tmp_path, download=False)
    assert str(tmp_path) in str(caught.value) and "\n" not in str(caught.value)
