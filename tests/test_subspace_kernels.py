"""The Oja and Sanger Numba kernels agree with their NumPy twins."""

from __future__ import annotations

import numpy as np
import pytest

from hebbviz.kernels import oja_pass, oja_pass_numpy, sanger_pass, sanger_pass_numpy

PASSES = [(oja_pass, oja_pass_numpy), (sanger_pass, sanger_pass_numpy)]


def sparse_unit_inputs(rng: np.random.Generator, n: int, d: int) -> np.ndarray:
    """Unit-norm non-negative rows with most entries zero, like digits (the last one blank)."""
    x = rng.random((n, d)) * (rng.random((n, d)) < 0.25)
    x[-1] = 0.0
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return np.divide(x, norms, out=np.zeros_like(x), where=norms > 0)


@pytest.mark.parametrize(("kernel", "twin"), PASSES, ids=["oja", "sanger"])
@pytest.mark.parametrize(("k", "d", "n"), [(5, 40, 60), (32, 784, 25), (1, 7, 3), (3, 9, 2)])
def test_kernel_matches_twin(kernel, twin, k: int, d: int, n: int) -> None:
    rng = np.random.default_rng(k * 1000 + n)
    start = rng.normal(0, 1 / np.sqrt(d), (k, d))
    inputs = sparse_unit_inputs(rng, n, d)
    rates = rng.uniform(0.01, 0.3, n)
    compiled, reference = start.copy(), start.copy()
    kernel(compiled, inputs, rates)
    twin(reference, inputs, rates)
    assert not np.allclose(compiled, start)
    np.testing.assert_allclose(compiled, reference, rtol=1e-11, atol=1e-13)


@pytest.mark.parametrize(("kernel", "twin"), PASSES, ids=["oja", "sanger"])
def test_no_images_changes_nothing(kernel, twin) -> None:
    start = np.random.default_rng(0).normal(size=(4, 10))
    for learning_pass in (kernel, twin):
        weights = start.copy()
        learning_pass(weights, np.zeros((0, 10)), np.zeros(0))
        np.testing.assert_array_equal(weights, start)


@pytest.mark.parametrize(("kernel", "twin"), PASSES, ids=["oja", "sanger"])
def test_divergence_shows_as_non_finite_weights(kernel, twin) -> None:
    rng = np.random.default_rng(1)
    start = rng.normal(0, 0.1, (4, 30))
    inputs = sparse_unit_inputs(rng, 50, 30)
    rates = np.full(50, 50.0)
    for learning_pass in (kernel, twin):
        weights = start.copy()
        with np.errstate(all="ignore"):
            learning_pass(weights, inputs, rates)
        assert not np.isfinite(weights).all()
