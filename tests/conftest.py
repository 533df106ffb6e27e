"""Shared fixtures. Qt renders offscreen; real MNIST digits come from ../shared/datasets."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

MNIST_10K = Path(__file__).resolve().parents[1].parent / "shared" / "datasets" / "mnist-10k"
FASHION_MNIST = Path("/usr/share/datasets/fashion-mnist")


@pytest.fixture(scope="session")
def mnist_dir() -> Path:
    """The folder with 10,000 real MNIST training digits; skips when it is absent."""
    if not (MNIST_10K / "train-images-idx3-ubyte.gz").is_file():
        pytest.skip(f"real MNIST digits not found at {MNIST_10K} (see shared/datasets/README.md)")
    return MNIST_10K


@pytest.fixture(scope="session")
def fashion_dir() -> Path:
    """Debian's Fashion-MNIST, all four IDX files (train and test); skips when it is absent."""
    if not (FASHION_MNIST / "t10k-labels-idx1-ubyte.gz").is_file():
        pytest.skip(f"{FASHION_MNIST} absent (apt-get install dataset-fashion-mnist)")
    return FASHION_MNIST
