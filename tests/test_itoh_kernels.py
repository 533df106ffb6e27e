"""The itoh kernels (corrections, one-pass update, the answering copy's changes and products)
agree with their NumPy twins and with the one-image rule."""

from __future__ import annotations

import numpy as np
import pytest

from hebbviz.kernels import (
    itoh_apply_update,
    itoh_apply_update_numpy,
    itoh_block_corrections,
    itoh_block_corrections_numpy,
    itoh_changes_product,
    itoh_changes_product_numpy,
    itoh_transposed_changes,
    itoh_transposed_changes_numpy,
    warm_up,
)

WIDTH = 50


def _block(dtype: type, n_block: int = 9, seed: int = 0):
    """A block of non-negative inputs h, a matrix w, its bias, and the start pre-activations."""
    rng = np.random.default_rng(seed)
    h = np.maximum(rng.normal(size=(n_block, WIDTH)), 0).astype(dtype)
    w = rng.uniform(-0.3, 0.3, (WIDTH, WIDTH)).astype(dtype)
    b = rng.uniform(-0.1, 0.1, WIDTH).astype(dtype)
    return h, w, b


def _corrections(kernel, h, w, b, lr, step):
    z = h @ w.T + b
    decay = abs(lr) / w.size
    total = kernel(z, h @ h.T, np.abs(h).sum(axis=1), lr, decay, step)
    return z, total


@pytest.mark.parametrize("step", [False, True])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_kernel_agrees_with_numpy_twin(step: bool, dtype: type) -> None:
    h, w, b = _block(dtype)
    z_kernel, total_kernel = _corrections(itoh_block_corrections, h, w, b, 0.05, step)
    z_twin, total_twin = _corrections(itoh_block_corrections_numpy, h, w, b, 0.05, step)
    tol = 1e-12 if dtype == np.float64 else 1e-5
    assert z_kernel.dtype == dtype
    np.testing.assert_allclose(z_kernel, z_twin, rtol=tol, atol=tol)
    assert total_kernel == pytest.approx(total_twin, rel=tol)
    assert total_kernel > 0


@pytest.mark.parametrize("step", [False, True])
def test_block_update_is_the_one_image_rule(step: bool) -> None:
    """Activations and weights after one block equal the paper's image-by-image updates."""
    h, w, b = _block(np.float64)
    lr = 0.05
    z, total = _corrections(itoh_block_corrections, h, w, b, lr, step)
    blocked = w + lr * z.T @ h - total

    sequential = w.copy()
    for t, x in enumerate(h):
        pre = sequential @ x + b
        y = (pre > 0).astype(float) if step else np.maximum(pre, 0)
        np.testing.assert_allclose(z[t], y, rtol=1e-12, atol=1e-12)
        delta = lr * np.outer(y, x)
        sequential += delta
        sequential -= np.abs(delta).sum() / sequential.size
    np.testing.assert_allclose(blocked, sequential, rtol=1e-12, atol=1e-12)
    assert not np.allclose(blocked, w)


@pytest.mark.parametrize("n_block", [1, 9])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_update_kernel_agrees_with_numpy_twin(n_block: int, dtype: type) -> None:
    h, w, b = _block(dtype, n_block)
    z, total = _corrections(itoh_block_corrections, h, w, b, 0.05, False)
    z[:, ::3] = 0.0  # the kernel skips zero activations
    kernel, twin = w.copy(), w.copy()
    itoh_apply_update(kernel, z, h, 0.05, total)
    itoh_apply_update_numpy(twin, z, h, 0.05, total)
    tol = 1e-12 if dtype == np.float64 else 1e-5
    assert kernel.dtype == dtype
    np.testing.assert_allclose(kernel, twin, rtol=tol, atol=tol)
    assert not np.allclose(kernel, w)


def test_update_kernel_spreads_non_finite_values() -> None:
    """A diverging network stays detectable: inf in an activation turns weights non-finite."""
    h, w, b = _block(np.float64, n_block=2)
    z, total = _corrections(itoh_block_corrections, h, w, b, 0.05, False)
    z[0, 4] = np.inf
    itoh_apply_update(w, z, h, 0.05, total)
    assert not np.isfinite(w[4]).all()
    assert np.isfinite(np.delete(w, 4, axis=0)).all()


def test_relu_keeps_nan_like_numpy() -> None:
    h, w, b = _block(np.float64, n_block=3)
    w[0, 0] = np.nan
    z_kernel, _ = _corrections(itoh_block_corrections, h, w, b, 0.05, False)
    z_twin, _ = _corrections(itoh_block_corrections_numpy, h, w, b, 0.05, False)
    assert np.isnan(z_kernel[0, 0])
    np.testing.assert_array_equal(np.isnan(z_kernel), np.isnan(z_twin))


def test_warm_up_compiles_without_error() -> None:
    warm_up()
    assert itoh_block_corrections.signatures
    assert itoh_apply_update.signatures


@pytest.mark.parametrize("per_label", [False, True])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_changes_product_agrees_with_numpy_twin(per_label: bool, dtype: type) -> None:
    rng = np.random.default_rng(3)
    labels, n = 4, 3
    h = np.maximum(rng.normal(size=(labels if per_label else 1, n, WIDTH)), 0).astype(dtype)
    assert (h == 0).mean() > 0.3  # the kernel skips the zero inputs
    changes_t = rng.normal(size=(labels, WIDTH, WIDTH + 7)).astype(np.float32)
    kernel, twin = np.full((labels, n, WIDTH + 7), np.nan), np.empty((labels, n, WIDTH + 7))
    itoh_changes_product(h, changes_t, kernel)
    itoh_changes_product_numpy(h, changes_t, twin)
    np.testing.assert_allclose(kernel, twin, rtol=1e-9, atol=1e-9)


def test_transposed_changes_agree_with_numpy_twin() -> None:
    rng = np.random.default_rng(4)
    weights, start = rng.normal(size=(3, 2, 70, 70)), rng.normal(size=(2, 70, 70))
    kernel, twin = np.empty(weights.shape, np.float32), np.empty(weights.shape, np.float32)
    itoh_transposed_changes(weights, start, kernel)
    itoh_transposed_changes_numpy(weights, start, twin)
    np.testing.assert_array_equal(kernel, twin)
    assert kernel[2, 1, 5, 9] == np.float32(weights[2, 1, 9, 5] - start[1, 9, 5])
