"""Procedurally drawn digits: deterministic, balanced, shuffled, and recognisable as digits."""

from __future__ import annotations

import numpy as np
import pytest
from idx_files import read_pair

from hebbviz.data.synthetic import synthetic_digits
from hebbviz.preprocess import unit_norm


@pytest.fixture(scope="module")
def digits() -> tuple[np.ndarray, np.ndarray]:
    return synthetic_digits(200, seed=0)


def test_shapes_types_and_counts(digits):
    images, labels = digits
    assert images.shape == (2000, 28, 28) and images.dtype == np.uint8
    assert labels.shape == (2000,) and labels.dtype == np.int64
    assert np.bincount(labels, minlength=10).tolist() == [200] * 10
    assert np.any(labels[:-1] > labels[1:])  # shuffled, not sorted
    assert (labels[:10] != labels[0]).any()


def test_they_look_like_mnist_digits(digits):
    """Framed like MNIST: saturated strokes, centred mass, about as much ink as MNIST digits."""
    images, _ = digits
    f = images.astype(np.float64)
    assert np.percentile(images.max(axis=(1, 2)), 5) >= 250
    mass = f.sum(axis=(1, 2))
    rows = (f.sum(axis=2) @ np.arange(28)) / mass
    cols = (f.sum(axis=1) @ np.arange(28)) / mass
    assert np.abs(rows - 14).max() < 0.1 and np.abs(cols - 14).max() < 0.1
    ink = (f / 255).sum(axis=(1, 2)).mean()
    assert 80 < ink < 130  # MNIST: 103 pixels' worth of ink per digit (these: 105)
    assert 0.1 < (images > 127).mean() < 0.16  # MNIST: 13% of the pixels are more ink than not


def test_same_seed_same_digits_other_seed_other_digits(digits):
    images, labels = synthetic_digits(20, seed=0)
    again_images, again_labels = synthetic_digits(20, seed=0)
    np.testing.assert_array_equal(images, again_images)
    np.testing.assert_array_equal(labels, again_labels)
    other_images, other_labels = synthetic_digits(20, seed=1)
    assert not np.array_equal(labels, other_labels)
    assert not np.array_equal(np.sort(images, axis=0), np.sort(other_images, axis=0))


def test_no_digits():
    images, labels = synthetic_digits(0)
    assert images.shape == (0, 28, 28) and labels.shape == (0,)


def test_recognisable_as_the_right_real_digits(digits, mnist_dir):
    """Class means of 2,000 synthetic digits classify real MNIST digits well above chance (10%).

    Nearest class mean on unit-norm images, all 10,000 real digits of mnist-10k. Measured 64.2% to
    64.7% for seeds 0-3, worst label 35-40% (the 2s and 5s), best 80-89% (the 0s and 1s); 63% with
    1,000 synthetic digits per label. The same classifier built from the real digits themselves
    scores 82%. Each real class mean correlates best with the synthetic mean of the same digit:
    measured 10 of 10 for seeds 0-3.
    """
    images, labels = digits
    real = read_pair(mnist_dir)
    synthetic_means = np.stack([unit_norm(images[labels == d]).mean(axis=0) for d in range(10)])
    predicted = (unit_norm(real.images) @ synthetic_means.T).argmax(axis=1)
    accuracy = (predicted == real.labels).mean()
    assert accuracy > 0.5
    per_label = [(predicted[real.labels == d] == d).mean() for d in range(10)]
    assert min(per_label) > 0.25

    real_means = np.stack(
        [unit_norm(real.images[real.labels == d]).mean(axis=0) for d in range(10)]
    )
    corr = np.corrcoef(real_means, synthetic_means)[:10, 10:]
    assert (corr.argmax(axis=1) == np.arange(10)).sum() >= 9
