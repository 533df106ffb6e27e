"""Numba kernels of the Hebbian rules, each with a plain NumPy twin of the same signature.

Every kernel is ``@njit(cache=True, nogil=True)``: ``nogil`` lets the app's GUI thread run while a
kernel works. Whole passes run inside one call, never one Python call per image. The NumPy twins
are the reference the tests compare against and the baseline ``hebbviz bench`` measures.
"""

from __future__ import annotations

import numpy as np
from numba import njit

# ---------------------------------------------------------------------------------------------
# itoh: the source paper's rule (blocked exact scheme)
# ---------------------------------------------------------------------------------------------
# One learning matrix W (n_out x n_in) sees a block of B images whose inputs h_t (rows of H) are
# already exact. With W_0 the matrix at the block start, the paper's one-image loop gives image t
# the pre-activation  W_0 h_t + b + lr * sum_{s<t} y_s (h_s . h_t) - C_t * sum|h_t|,  where C_t
# sums the scalar decays c_s = sum|dW_s| / W.size = |lr| sum|y_s| sum|h_s| / W.size of the
# earlier images. The caller computes Z = H W_0^T + b and the Gram matrix H H^T with BLAS; the
# sequential part, below, turns Z into the exact activations Y. The block's update is then
# W += lr * Y^T H - C_B.


@njit(cache=True, nogil=True)
def itoh_block_corrections(
    z: np.ndarray, gram: np.ndarray, sum_h: np.ndarray, lr: float, decay: float, step: bool
) -> float:
    """Turn a block's start-of-block pre-activations into its exact activations, in place.

    Parameters
    ----------
    z : ndarray, shape (B, n_out), C-contiguous
        ``H @ W_0.T + b`` on entry; the activations ``Y`` the one-image loop would give on exit.
    gram : ndarray, shape (B, B)
        ``H @ H.T``, the inputs' dot products.
    sum_h : ndarray, shape (B,)
        ``sum(|h_t|)`` of every input.
    lr : float
        The learning rate.
    decay : float
        ``|lr| / W.size``: the scalar decay per unit of ``sum|y| * sum|h|``.
    step : bool
        Step activation (``x > 0 -> 1 else 0``) instead of ReLU.

    Returns
    -------
    float
        The block's total scalar decay ``C_B``, to subtract from every entry of ``W``.
    """
    n_block, width = z.shape
    total = 0.0
    for t in range(n_block):
        row = z[t]
        for s in range(t):
            weight = lr * gram[s, t]
            earlier = z[s]
            for j in range(width):
                row[j] += weight * earlier[j]
        shift = total * sum_h[t]
        norm1 = 0.0
        for j in range(width):
            value = row[j] - shift
            if step:
                value = 1.0 if value > 0.0 else 0.0
            elif value <= 0.0:  # ReLU; NaN stays NaN, as with np.maximum
                value = 0.0
            row[j] = value
            norm1 += abs(value)
        total += decay * norm1 * sum_h[t]
    return total


def itoh_block_corrections_numpy(
    z: np.ndarray, gram: np.ndarray, sum_h: np.ndarray, lr: float, decay: float, step: bool
) -> float:
    """NumPy twin of :func:`itoh_block_corrections` (same arguments, same in-place result)."""
    total = 0.0
    for t in range(len(z)):
        z[t] += (lr * gram[:t, t]) @ z[:t]
        z[t] -= total * sum_h[t]
        z[t] = z[t] > 0 if step else np.maximum(z[t], 0)
        total += decay * np.abs(z[t]).sum() * sum_h[t]
    return total


# ---------------------------------------------------------------------------------------------
# oja / sanger: subspace rules
# ---------------------------------------------------------------------------------------------
# One label's k x d weight matrix W learns from unit-norm inputs x_t with per-image rates lr_t:
#   Oja's subspace rule  y = W x;  W += lr * outer(y, x - W^T y)
#   Sanger's rule (GHA)  y = W x;  W += lr * (outer(y, x) - tril(outer(y, y)) @ W)
# Each kernel fuses the update of image t with y = W x of image t+1, so one sweep over W per
# image does both. The explicit fastmath flags allow reassociation (vectorised sums) and fused
# multiply-adds only: no "nnan"/"ninf", so diverging weights still turn into inf/NaN as in the
# twins, and divergence stays detectable.

SUBSPACE_FASTMATH = {"reassoc", "contract"}


@njit(cache=True, nogil=True, fastmath=SUBSPACE_FASTMATH)
def _first_answer(weights: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``weights @ x`` (numba's ``@`` needs SciPy)."""
    k, d = weights.shape
    y = np.zeros(k)
    for i in range(k):
        total = 0.0
        for j in range(d):
            total += weights[i, j] * x[j]
        y[i] = total
    return y


@njit(cache=True, nogil=True, fastmath=SUBSPACE_FASTMATH)
def oja_pass(weights: np.ndarray, inputs: np.ndarray, rates: np.ndarray) -> None:
    """One pass of Oja's subspace rule over ``inputs``, in order, updating ``weights`` in place.

    Per image ``y = W x; W += lr * outer(y, x - W.T @ y)``. The sweep runs over the columns of
    ``W`` (a transposed working copy): column ``j`` gives ``(W.T @ y)_j``, hence the residual
    ``r_j``, is updated with ``lr * y * r_j``, and at once adds its share ``W[:, j] * x'_j`` of the
    next image's answer ``y' = W x'`` (skipped where ``x'_j`` is zero, as most pixels are).

    Parameters
    ----------
    weights : ndarray of float64, shape (k, d)
        One label's weights; updated in place.
    inputs : ndarray of float64, shape (n, d), C-contiguous
        Preprocessed (unit-norm) images.
    rates : ndarray of float64, shape (n,)
        The learning rate of every image.
    """
    k, d = weights.shape
    n = inputs.shape[0]
    if n == 0:
        return
    columns = np.ascontiguousarray(weights.T)
    y = _first_answer(weights, inputs[0])
    y_next = np.zeros(k)
    for t in range(n):
        x = inputs[t]
        x_next = inputs[min(t + 1, n - 1)]
        lr = rates[t]
        y_next[:] = 0.0
        for j in range(d):
            column = columns[j]
            projection = 0.0
            for i in range(k):
                projection += column[i] * y[i]
            step = lr * (x[j] - projection)
            pixel = x_next[j]
            if pixel == 0.0:
                for i in range(k):
                    column[i] += y[i] * step
            else:
                for i in range(k):
                    w = column[i] + y[i] * step
                    column[i] = w
                    y_next[i] += w * pixel
        y, y_next = y_next, y
    weights[:] = columns.T


def oja_pass_numpy(weights: np.ndarray, inputs: np.ndarray, rates: np.ndarray) -> None:
    """NumPy twin of :func:`oja_pass`: the rule written out, one image at a time."""
    for x, lr in zip(inputs, rates, strict=True):
        y = weights @ x
        weights += lr * np.outer(y, x - weights.T @ y)


@njit(cache=True, nogil=True, fastmath=SUBSPACE_FASTMATH)
def sanger_pass(weights: np.ndarray, inputs: np.ndarray, rates: np.ndarray) -> None:
    """One pass of Sanger's rule (GHA) over ``inputs``, in order, updating ``weights`` in place.

    Per image ``y = W x; W += lr * (outer(y, x) - tril(outer(y, y)) @ W)``, i.e. row ``i`` takes
    ``lr * y_i * (x - sum_{m <= i} y_m W_m)``. The sweep runs down the rows: a running residual
    loses row ``i``'s share ``y_i W_i`` (old weights), row ``i`` is updated with it, and the
    updated row's answer to the next image is summed in the same loop.

    Parameters
    ----------
    weights : ndarray of float64, shape (k, d), C-contiguous
        One label's weights, rows in order of the components; updated in place.
    inputs : ndarray of float64, shape (n, d), C-contiguous
        Preprocessed (unit-norm) images.
    rates : ndarray of float64, shape (n,)
        The learning rate of every image.
    """
    k, d = weights.shape
    n = inputs.shape[0]
    if n == 0:
        return
    y = _first_answer(weights, inputs[0])
    residual = np.empty(d)
    for t in range(n):
        x_next = inputs[min(t + 1, n - 1)]
        lr = rates[t]
        residual[:] = inputs[t]
        for i in range(k):
            row = weights[i]
            y_i = y[i]
            step = lr * y_i
            answer = 0.0
            for j in range(d):
                w = row[j]
                r = residual[j] - y_i * w
                residual[j] = r
                w += step * r
                row[j] = w
                answer += w * x_next[j]
            y[i] = answer


def sanger_pass_numpy(weights: np.ndarray, inputs: np.ndarray, rates: np.ndarray) -> None:
    """NumPy twin of :func:`sanger_pass`: the rule written out, one image at a time."""
    for x, lr in zip(inputs, rates, strict=True):
        y = weights @ x
        weights += lr * (np.outer(y, x) - np.tril(np.outer(y, y)) @ weights)


# ---------------------------------------------------------------------------------------------
# warm-up: compile every kernel once, on tiny inputs of the types the models pass
# ---------------------------------------------------------------------------------------------


def warm_up() -> None:
    """Compile (or load from the cache) every kernel; the app calls this in a background thread."""
    for dtype in (np.float64, np.float32):
        tiny = np.zeros((2, 3), dtype)
        itoh_block_corrections(tiny, np.zeros((2, 2), dtype), np.zeros(2, dtype), 1e-3, 1e-3, False)
    for subspace_pass in (oja_pass, sanger_pass):
        subspace_pass(np.zeros((2, 3)), np.zeros((2, 3)), np.zeros(2))
