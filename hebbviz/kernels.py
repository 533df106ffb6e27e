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


# ---------------------------------------------------------------------------------------------
# warm-up: compile every kernel once, on tiny inputs of the types the models pass
# ---------------------------------------------------------------------------------------------


def warm_up() -> None:
    """Compile (or load from the cache) every kernel; the app calls this in a background thread."""
    for dtype in (np.float64, np.float32):
        tiny = np.zeros((2, 3), dtype)
        itoh_block_corrections(tiny, np.zeros((2, 2), dtype), np.zeros(2, dtype), 1e-3, 1e-3, False)
