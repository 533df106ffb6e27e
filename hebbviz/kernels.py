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


@njit(cache=True, nogil=True)
def itoh_apply_update(w: np.ndarray, y: np.ndarray, h: np.ndarray, lr: float, total: float) -> None:
    """``W += lr * Y^T H - C_B`` in place, in one pass over ``W``: for small blocks.

    A block of a few images (a busy app learns one image per piece) spends most of its time
    passing over ``W`` (784 x 784): the BLAS route writes the product into scratch space,
    subtracts ``C_B`` from it and adds it to ``W``; here one pass (one image: 0.3 ms instead of
    1.9). From a few dozen images on, BLAS's matrix product is faster (see
    :data:`hebbviz.models.itoh.SMALL_BLOCK`).

    Parameters
    ----------
    w : ndarray, shape (n_out, n_in)
        The learning matrix, updated in place.
    y : ndarray, shape (B, n_out)
        The block's activations (:func:`itoh_block_corrections`'s ``z`` on exit).
    h : ndarray, shape (B, n_in)
        The block's inputs.
    lr, total : float
        The learning rate and the block's total scalar decay ``C_B``.
    """
    n_block, n_out = y.shape
    n_in = h.shape[1]
    row_sum = np.empty(n_in, dtype=w.dtype)
    for i in range(n_out):
        row_sum[:] = 0.0
        for b in range(n_block):
            factor = lr * y[b, i]
            if factor != 0.0:  # ReLU zeros many of them
                for j in range(n_in):
                    row_sum[j] += factor * h[b, j]
        for j in range(n_in):
            w[i, j] += row_sum[j] - total


def itoh_apply_update_numpy(
    w: np.ndarray, y: np.ndarray, h: np.ndarray, lr: float, total: float
) -> None:
    """NumPy twin of :func:`itoh_apply_update` (same arguments, same in-place result)."""
    w += (lr * y).T @ h - total


@njit(cache=True, nogil=True, fastmath={"reassoc", "contract"})
def itoh_changes_product(h: np.ndarray, changes_t: np.ndarray, out: np.ndarray) -> None:
    """Every label's learned change times its inputs, skipping the inputs that are zero.

    Parameters
    ----------
    h : ndarray, shape (1 or n_labels, n, n_in)
        The inputs of the learning layer (one set for every label, or one per label); ReLU
        leaves about half of them zero.
    changes_t : ndarray of float32, shape (n_labels, n_in, n_out)
        Each label's change of its learning matrix since initialisation, transposed, so that the
        weights of one input are contiguous (only the rows of non-zero inputs are read).
    out : ndarray of float64, shape (n_labels, n, n_out)
        Set to ``h @ changes_t``, summed in float64.
    """
    n_labels, n_in, n_out = changes_t.shape
    for label in range(n_labels):
        inputs = h[label if h.shape[0] > 1 else 0]
        for i in range(inputs.shape[0]):
            total = out[label, i]
            total[:] = 0.0
            for j in range(n_in):
                value = np.float64(inputs[i, j])
                if value != 0.0:
                    row = changes_t[label, j]
                    for k in range(n_out):
                        total[k] += value * row[k]


@njit(cache=True, nogil=True)
def itoh_transposed_changes(weights: np.ndarray, start: np.ndarray, out: np.ndarray) -> None:
    """Every learning matrix's change since ``start``, transposed, into ``out`` (float32).

    ``weights`` (n_labels, n_layers, n, n), ``start`` (n_layers, n, n), ``out`` like
    ``weights``: ``out[l, m] = (weights[l, m] - start[m]).T``. By 32 x 32 tiles, so that both
    the rows read and the columns written stay in the cache (itoh's 46 MB: 30-45 ms, NumPy's
    strided pass 65 ms).
    """
    tile = 32
    n_labels, n_layers, rows, columns = weights.shape
    for label in range(n_labels):
        for layer in range(n_layers):
            for top in range(0, rows, tile):
                for left in range(0, columns, tile):
                    for r in range(top, min(top + tile, rows)):
                        for c in range(left, min(left + tile, columns)):
                            out[label, layer, c, r] = (
                                weights[label, layer, r, c] - start[layer, r, c]
                            )


def itoh_transposed_changes_numpy(weights: np.ndarray, start: np.ndarray, out: np.ndarray) -> None:
    """NumPy twin of :func:`itoh_transposed_changes` (same arguments, same result)."""
    np.subtract(
        weights.transpose(0, 1, 3, 2), start.transpose(0, 2, 1), out=out, casting="same_kind"
    )


def itoh_changes_product_numpy(h: np.ndarray, changes_t: np.ndarray, out: np.ndarray) -> None:
    """NumPy twin of :func:`itoh_changes_product` (same arguments, same result)."""
    np.matmul(h.astype(np.float64), changes_t.astype(np.float64), out=out)


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
# strokes: a shared bank of stroke detectors, then a subspace per label on their responses
# ---------------------------------------------------------------------------------------------
# Phase 1 (unsupervised): unit-length patches u compete for detectors w_f (unit rows); the best
# match wins and moves towards the patch:
#   j = argmax_f w_f . u;  w_j += lr (u - w_j);  w_j /= |w_j|.
# The feature map (fixed once learned): at every position, detector f answers a raw patch p with
# max(0, w_f . p - threshold |p|) (it fires only where the cosine exceeds the threshold); the
# answers are averaged over non-overlapping block x block cells of positions.
# Phase 2 runs oja_pass on the (rooted, unit-norm) feature vectors: it works for any width.


@njit(cache=True, nogil=True)
def competitive_pass(detectors: np.ndarray, inputs: np.ndarray, rates: np.ndarray) -> np.ndarray:
    """One winner-take-all Hebbian pass over ``inputs``, in order, updating ``detectors`` in place.

    Per input ``u`` the detector of largest ``w . u`` wins (the first of equals) and learns
    ``w += lr * (u - w)``, then is scaled back to unit length; the others do not change.

    Parameters
    ----------
    detectors : ndarray of float64, shape (n_detectors, d), C-contiguous
        Unit-length rows; updated in place.
    inputs : ndarray of float64, shape (n, d)
        Unit-length patches.
    rates : ndarray of float64, shape (n,)
        The learning rate of every input.

    Returns
    -------
    ndarray of int64, shape (n,)
        The winning detector of every input.
    """
    n_detectors, d = detectors.shape
    n = inputs.shape[0]
    winners = np.zeros(n, dtype=np.int64)
    for t in range(n):
        u = inputs[t]
        best = -np.inf
        winner = 0
        for f in range(n_detectors):
            match = 0.0
            for j in range(d):
                match += detectors[f, j] * u[j]
            if match > best:
                best = match
                winner = f
        winners[t] = winner
        row = detectors[winner]
        lr = rates[t]
        length = 0.0
        for j in range(d):
            w = row[j] + lr * (u[j] - row[j])
            row[j] = w
            length += w * w
        length = np.sqrt(length)
        if length > 0.0:
            for j in range(d):
                row[j] /= length
    return winners


def competitive_pass_numpy(
    detectors: np.ndarray, inputs: np.ndarray, rates: np.ndarray
) -> np.ndarray:
    """NumPy twin of :func:`competitive_pass`: the rule written out, one input at a time."""
    winners = np.zeros(len(inputs), dtype=np.int64)
    for t, (u, lr) in enumerate(zip(inputs, rates, strict=True)):
        winner = int(np.argmax(detectors @ u))
        winners[t] = winner
        row = detectors[winner] + lr * (u - detectors[winner])
        length = np.linalg.norm(row)
        detectors[winner] = row / length if length > 0 else row
    return winners


@njit(cache=True, nogil=True, fastmath=SUBSPACE_FASTMATH)
def detector_map(
    images: np.ndarray, detectors: np.ndarray, threshold: float, block: int
) -> np.ndarray:
    """Every detector's thresholded answer at every position of every image, block-averaged.

    Parameters
    ----------
    images : ndarray of float64, shape (n, h, w)
        Raw pixels (not normalised).
    detectors : ndarray of float64, shape (n_detectors, s, s)
        Unit-length detectors (as s*s vectors).
    threshold : float
        Detector ``f`` answers the patch ``p`` at a position with ``max(0, w_f . p - threshold
        |p|)``: it fires where the cosine between the two exceeds ``threshold``.
    block : int
        Average the answers over non-overlapping ``block`` x ``block`` cells of positions (1:
        every position on its own); positions beyond the last whole cell are left out.

    Returns
    -------
    ndarray of float64, shape (n, n_detectors, (h - s + 1) // block, (w - s + 1) // block)
    """
    n, h, w = images.shape
    n_detectors, side = detectors.shape[0], detectors.shape[1]
    size = side * side
    cells_r, cells_c = (h - side + 1) // block, (w - side + 1) // block
    weights = np.empty((size, n_detectors))  # along detectors, for the innermost loop
    for f in range(n_detectors):
        for i in range(side):
            for j in range(side):
                weights[i * side + j, f] = detectors[f, i, j]
    out = np.zeros((n, n_detectors, cells_r, cells_c))
    patch = np.empty(size)
    answers = np.empty(n_detectors)
    scale = 1.0 / (block * block)
    for m in range(n):
        image = images[m]
        for r in range(cells_r * block):
            for c in range(cells_c * block):
                length = 0.0
                for i in range(side):
                    for j in range(side):
                        v = image[r + i, c + j]
                        patch[i * side + j] = v
                        length += v * v
                if length == 0.0:
                    continue
                answers[:] = 0.0
                for q in range(size):
                    v = patch[q]
                    if v != 0.0:
                        for f in range(n_detectors):
                            answers[f] += weights[q, f] * v
                floor = threshold * np.sqrt(length)
                cell_r, cell_c = r // block, c // block
                for f in range(n_detectors):
                    a = answers[f] - floor
                    if a > 0.0:
                        out[m, f, cell_r, cell_c] += a * scale
    return out


def detector_map_numpy(
    images: np.ndarray, detectors: np.ndarray, threshold: float, block: int
) -> np.ndarray:
    """NumPy twin of :func:`detector_map` (all patches at once: for tests and benchmarks)."""
    n, h, w = images.shape
    n_detectors, side = detectors.shape[:2]
    patches = np.lib.stride_tricks.sliding_window_view(images, (side, side), axis=(1, 2))
    rows, cols = patches.shape[1:3]
    patches = patches.reshape(n, rows, cols, side * side)
    answers = patches @ detectors.reshape(n_detectors, -1).T  # (n, rows, cols, n_detectors)
    answers -= threshold * np.linalg.norm(patches, axis=3, keepdims=True)
    answers = np.maximum(answers, 0.0)
    cells_r, cells_c = rows // block, cols // block
    answers = answers[:, : cells_r * block, : cells_c * block]
    pooled = answers.reshape(n, cells_r, block, cells_c, block, n_detectors).mean(axis=(2, 4))
    return np.ascontiguousarray(pooled.transpose(0, 3, 1, 2))


# ---------------------------------------------------------------------------------------------
# warm-up: compile every kernel once, on tiny inputs of the types the models pass
# ---------------------------------------------------------------------------------------------


# ---------------------------------------------------------------------------------------------
# deskewing (hebbviz.preprocess.deskew; its NumPy twin is hebbviz.preprocess.deskew_numpy)
# ---------------------------------------------------------------------------------------------


@njit(cache=True, nogil=True)
def deskew_pass(batch: np.ndarray, centre: float, max_slant: float) -> np.ndarray:
    """Deskew and centre every image of ``batch`` (n, h, w), float32 (see
    :func:`hebbviz.preprocess.deskew`): per image, its ink's moments, then one bilinear
    resample (zero outside the image)."""
    n, h, w = batch.shape
    out = np.zeros((n, h, w), np.float32)
    row_mass = np.empty(h)
    row_col = np.empty(h)
    for i in range(n):
        image = batch[i]
        mass = row_sum = col_sum = 0.0
        for r in range(h):
            m = c_sum = 0.0
            for c in range(w):
                m += image[r, c]
                c_sum += image[r, c] * c
            row_mass[r], row_col[r] = m, c_sum / m if m > 0 else 0.0
            mass += m
            row_sum += m * r
            col_sum += c_sum
        if mass <= 0:
            continue  # blank: stays blank
        row_centre, col_centre = row_sum / mass, col_sum / mass
        var = cov = 0.0
        for r in range(h):
            dr = r - row_centre
            var += row_mass[r] * dr * dr
            cov += row_mass[r] * dr * (row_col[r] - col_centre)
        slant = min(max(cov / var if var / mass > 1e-6 else 0.0, -max_slant), max_slant)
        for r in range(h):
            source_row = r + row_centre - centre
            top = int(np.floor(source_row))
            fr = source_row - top
            shear = slant * (r - centre) + col_centre - centre
            for c in range(w):
                source_col = c + shear
                left = int(np.floor(source_col))
                fc = source_col - left
                value = 0.0
                for dr_, weight_r in ((0, 1 - fr), (1, fr)):
                    rr = top + dr_
                    if 0 <= rr < h:
                        if 0 <= left < w:
                            value += weight_r * (1 - fc) * image[rr, left]
                        if 0 <= left + 1 < w:
                            value += weight_r * fc * image[rr, left + 1]
                out[i, r, c] = value
    return out


def warm_up() -> None:
    """Compile (or load from the cache) every kernel; the app calls this in a background thread."""
    for dtype in (np.float64, np.float32):
        tiny = np.zeros((2, 3), dtype)
        itoh_block_corrections(tiny, np.zeros((2, 2), dtype), np.zeros(2, dtype), 1e-3, 1e-3, False)
        itoh_apply_update(np.zeros((3, 3), dtype), tiny, tiny, 1e-3, 1e-3)
        itoh_changes_product(tiny[None], np.zeros((1, 3, 2), np.float32), np.zeros((1, 2, 2)))
        square = np.zeros((1, 1, 2, 2), dtype)
        itoh_transposed_changes(square, square[0], np.zeros(square.shape, np.float32))
    for subspace_pass in (oja_pass, sanger_pass):
        subspace_pass(np.zeros((2, 3)), np.zeros((2, 3)), np.zeros(2))
    competitive_pass(np.zeros((2, 3)), np.zeros((2, 3)), np.zeros(2))
    detector_map(np.zeros((1, 6, 6)), np.zeros((2, 5, 5)), 0.5, 2)
    deskew_pass(np.zeros((1, 2, 2), np.float32), 1.0, 1.0)
