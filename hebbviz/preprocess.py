"""What happens to a digit before a network sees it: unit norm, deskewing, MNIST-style framing.

No Qt here: these functions serve the command line, the app and notebooks alike.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from hebbviz.kernels import deskew_pass

SIDE = 28
"""Width and height of an MNIST digit."""

BOX = 20
"""MNIST digits were scaled to fit a BOX x BOX square (keeping their aspect ratio)..."""

CENTRE = 14.0
"""...then shifted so their centre of mass sits here (row and column index; the mean over MNIST)."""

INK = 0.1
"""A canvas pixel at or above this fraction of full intensity is ink (bounding box, blankness)."""

MAX_SLANT = 1.0
"""Deskewing shears by at most one column per row (45 degrees), so stray images stay sane."""


def unit_norm(images: np.ndarray) -> np.ndarray:
    """Flatten digits and scale each to unit L2 norm, as the source paper feeds its networks.

    Parameters
    ----------
    images : array_like, shape (28, 28), (784,), (n, 28, 28) or (n, 784)
        Pixels 0..255 (any integer or float dtype), ink high.

    Returns
    -------
    ndarray of float64, shape (n, 784)
        ``pixels / 255``, each row divided by its own L2 norm; an all-zero image stays zero.
    """
    x = np.asarray(images, dtype=np.float64)
    if x.shape in ((SIDE, SIDE), (SIDE * SIDE,)):
        x = x.reshape(1, SIDE * SIDE)
    elif x.ndim == 3 and x.shape[1:] == (SIDE, SIDE):
        x = x.reshape(len(x), SIDE * SIDE)
    elif not (x.ndim == 2 and x.shape[1] == SIDE * SIDE):
        raise ValueError(f"expected 28x28 digits, got an array of shape {x.shape}")
    x = x / 255.0
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return np.divide(x, norms, out=np.zeros_like(x), where=norms > 0)


def deskew(images: np.ndarray) -> np.ndarray:
    """Straighten slanted digits the classic moment-based way, and centre them.

    The slant is ``cov(row, col) / var(row)`` of the ink (the image moments). One bilinear affine
    resample shears every row sideways by ``slant * (row - CENTRE)`` columns, so the principal
    axis becomes vertical, and moves the centre of mass to (``CENTRE``, ``CENTRE``). The slant is
    clipped to +-``MAX_SLANT``; a blank image stays blank.

    Parameters
    ----------
    images : array_like, shape (h, w) or (n, h, w)
        Pixels 0..255, ink high.

    Returns
    -------
    ndarray of float32, same shape
        Deskewed pixels, 0..255.
    """
    x = np.asarray(images, dtype=np.float32)
    if x.ndim not in (2, 3):
        raise ValueError(f"expected one image (h, w) or a batch (n, h, w), got shape {x.shape}")
    batch = np.ascontiguousarray(x.reshape((-1, *x.shape[-2:])))
    return deskew_pass(batch, CENTRE, MAX_SLANT).reshape(x.shape)


def deskew_numpy(batch: np.ndarray) -> np.ndarray:
    """:func:`deskew` of a batch (n, h, w) of float32 in plain NumPy: the reference the compiled
    kernel (:func:`hebbviz.kernels.deskew_pass`) is tested and benchmarked against."""
    n, h, w = batch.shape
    rows = np.arange(h, dtype=np.float32)
    cols = np.arange(w, dtype=np.float32)

    row_mass = batch.sum(axis=2)  # (n, h)
    mass = row_mass.sum(axis=1)
    safe_mass = np.where(mass > 0, mass, 1.0)
    row_centre = (row_mass @ rows) / safe_mass
    col_centre = (batch.sum(axis=1) @ cols) / safe_mass
    dr = rows[None, :] - row_centre[:, None]  # (n, h)
    var_row = np.einsum("nr,nr->n", row_mass, dr**2) / safe_mass
    row_col_mean = (batch @ cols) / np.where(row_mass > 0, row_mass, 1.0)  # (n, h)
    cov = np.einsum("nr,nr,nr->n", row_mass, dr, row_col_mean - col_centre[:, None]) / safe_mass
    slant = np.divide(cov, var_row, out=np.zeros_like(cov), where=var_row > 1e-6)
    slant = np.clip(slant, -MAX_SLANT, MAX_SLANT)
    # A blank image has no centre of mass: leave it where it is (it stays blank).
    row_shift = np.where(mass > 0, row_centre - CENTRE, 0.0)
    col_shift = np.where(mass > 0, col_centre - CENTRE, 0.0)

    # Where every output pixel (r, c) reads the input.
    src_row = np.broadcast_to((rows[None, :] + row_shift[:, None])[:, :, None], (n, h, w))
    shear = slant[:, None] * (rows[None, :] - CENTRE) + col_shift[:, None]  # (n, h)
    src_col = cols[None, None, :] + shear[:, :, None]
    return _bilinear(batch, src_row, src_col)


def _bilinear(batch: np.ndarray, src_row: np.ndarray, src_col: np.ndarray) -> np.ndarray:
    """Sample ``batch`` (n, h, w) at fractional ``(src_row, src_col)`` (n, h, w); zero outside."""
    n, h, w = batch.shape
    padded = np.pad(batch, ((0, 0), (1, 1), (1, 1))).reshape(n, -1)  # one zero ring around
    top, left = np.floor(src_row), np.floor(src_col)
    fr, fc = src_row - top, src_col - left
    r0 = np.clip(top.astype(np.intp), -1, h) + 1
    r1 = np.clip(top.astype(np.intp) + 1, -1, h) + 1
    c0 = np.clip(left.astype(np.intp), -1, w) + 1
    c1 = np.clip(left.astype(np.intp) + 1, -1, w) + 1

    def at(r: np.ndarray, c: np.ndarray) -> np.ndarray:
        return np.take_along_axis(padded, (r * (w + 2) + c).reshape(n, -1), axis=1).reshape(n, h, w)

    return (
        (1 - fr) * ((1 - fc) * at(r0, c0) + fc * at(r0, c1))
        + fr * ((1 - fc) * at(r1, c0) + fc * at(r1, c1))
    ).astype(np.float32)


def frame_drawing(canvas: np.ndarray) -> np.ndarray | None:
    """Frame a drawing the way MNIST digits were framed (LeCun et al.).

    Crop to the ink's bounding box, scale it to fit a 20x20 box keeping the aspect ratio
    (anti-aliased), and place it in 28x28 with its centre of mass at the centre. Scaling and the
    sub-pixel centring are one resample with Pillow's bilinear filter, which averages over the
    whole footprint of each output pixel when reducing.

    Parameters
    ----------
    canvas : array_like, shape (h, w), any size
        Grayscale, ink high. Integer dtypes are read as 0..255, floating dtypes as 0..1.

    Returns
    -------
    ndarray of uint8, shape (28, 28), or None
        None when the canvas holds no ink (no pixel reaches ``INK`` of full intensity): there is
        nothing to classify.
    """
    a = np.asarray(canvas)
    if a.ndim != 2:
        raise ValueError(f"expected a 2-D grayscale canvas, got shape {a.shape}")
    if np.issubdtype(a.dtype, np.floating):
        if a.size and (np.nanmax(a) > 1.0 + 1e-6 or np.nanmin(a) < -1e-6):
            raise ValueError("a floating-point canvas must hold values in 0..1")
        a = np.nan_to_num(a.astype(np.float32))
    else:
        a = a.astype(np.float32) / 255.0

    ink = a >= INK
    rows = np.flatnonzero(ink.any(axis=1))
    cols = np.flatnonzero(ink.any(axis=0))
    if rows.size == 0:
        return None
    crop = a[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    h, w = crop.shape
    scale = BOX / max(h, w)  # output pixels per canvas pixel

    # Pillow's coordinates put pixel i's centre at i + 0.5; so do the box and the centre of mass.
    mass = crop.sum()
    com_y = (crop.sum(axis=1) @ np.arange(h)) / mass + 0.5
    com_x = (crop.sum(axis=0) @ np.arange(w)) / mass + 0.5
    span = SIDE / scale
    x0 = com_x - (CENTRE + 0.5) / scale
    y0 = com_y - (CENTRE + 0.5) / scale
    # Pillow wants the source box inside the image: pad the crop with background as needed.
    pad_x = max(0, int(np.ceil(-x0))), max(0, int(np.ceil(x0 + span - w)))
    pad_y = max(0, int(np.ceil(-y0))), max(0, int(np.ceil(y0 + span - h)))
    padded = np.zeros((h + sum(pad_y), w + sum(pad_x)), np.float32)
    padded[pad_y[0] : pad_y[0] + h, pad_x[0] : pad_x[0] + w] = crop
    box = (x0 + pad_x[0], y0 + pad_y[0], x0 + pad_x[0] + span, y0 + pad_y[0] + span)
    framed = Image.fromarray(padded).resize((SIDE, SIDE), Image.Resampling.BILINEAR, box=box)
    return np.clip(np.rint(np.asarray(framed) * 255.0), 0, 255).astype(np.uint8)
