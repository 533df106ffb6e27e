"""Procedurally drawn digits: always available, with no file and no network.

Each digit is a few pen strokes (lines and elliptic arcs, with a couple of common ways to write
some digits), bent by random slant, rotation, aspect, control-point jitter and a smooth elastic
wobble, drawn with a round pen of random thickness at a random place and size on a canvas three
times larger than MNIST, and framed like an MNIST digit by :func:`hebbviz.preprocess.frame_drawing`
(which also does the anti-aliasing).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PIL import Image, ImageDraw

from hebbviz.preprocess import frame_drawing

CANVAS = 84
"""Side of the drawing canvas in pixels (MNIST's 28 times 3)."""

Stroke = np.ndarray
"""A pen stroke: an (m, 2) array of (x, y) points; y grows downwards, a digit spans y -0.5..0.5."""


def _line(*points: tuple[float, float], step: float = 0.05) -> Stroke:
    """A polyline through the points, sampled densely enough to bend smoothly under the wobble."""
    pieces = []
    for p, q in zip(points[:-1], points[1:], strict=False):
        n = max(2, int(np.hypot(q[0] - p[0], q[1] - p[1]) / step) + 1)
        t = np.linspace(0.0, 1.0, n)[:, None]
        pieces.append((1 - t) * np.asarray(p) + t * np.asarray(q))
    return np.concatenate(pieces)


def _arc(cx: float, cy: float, rx: float, ry: float, start: float, end: float) -> Stroke:
    """An elliptic arc from angle ``start`` to ``end`` in degrees (0 = right, 90 = bottom)."""
    n = max(3, int(abs(end - start) / 10) + 1)
    t = np.radians(np.linspace(start, end, n))
    return np.column_stack([cx + rx * np.cos(t), cy + ry * np.sin(t)])


def _zero(rng: np.random.Generator, j: Callable[[float], float]) -> list[Stroke]:
    start = j(-90)
    return [_arc(0, 0, j(0.36), 0.5, start, start + 360 + rng.uniform(-15, 25))]


def _one(rng: np.random.Generator, j: Callable[[float], float]) -> list[Stroke]:
    top, bottom = (j(0.0), -0.5), (j(0.0), 0.5)
    if rng.random() < 0.3:  # with a flag
        return [_line((j(-0.18), j(-0.3)), top, bottom)]
    return [_line(top, bottom)]


def _two(rng: np.random.Generator, j: Callable[[float], float]) -> list[Stroke]:
    head = _arc(0, j(-0.22), j(0.32), j(0.28), j(195), j(380))
    if rng.random() < 0.3:  # a loop where the diagonal meets the base
        tail = np.concatenate(
            [_line(tuple(head[-1]), (j(-0.22), 0.4)), _arc(-0.2, 0.42, 0.08, 0.08, -60, 200)]
        )
        return [np.concatenate([head, tail]), _line((-0.25, 0.5), (j(0.32), j(0.47)))]
    return [np.concatenate([head, _line(tuple(head[-1]), (j(-0.32), 0.5), (j(0.36), j(0.5)))])]


def _three(rng: np.random.Generator, j: Callable[[float], float]) -> list[Stroke]:
    middle = j(-0.02)
    upper = _arc(0, (middle - 0.5) / 2, j(0.28), (middle + 0.5) / 2, j(210), 450)
    lower = _arc(0, (middle + 0.5) / 2, j(0.32), (0.5 - middle) / 2, -90, j(150))
    return [np.concatenate([upper, lower])]


def _four(rng: np.random.Generator, j: Callable[[float], float]) -> list[Stroke]:
    bar_y, stem_x = j(0.1), j(0.15)
    if rng.random() < 0.75:  # open top
        return [
            _line((j(-0.22), -0.5), (j(-0.3), bar_y), (j(0.35), bar_y)),
            _line((stem_x, j(-0.5)), (stem_x, 0.5)),
        ]
    return [
        _line((stem_x, -0.5), (j(-0.3), bar_y), (j(0.35), bar_y)),
        _line((stem_x, -0.5), (stem_x, 0.5)),
    ]


def _five(rng: np.random.Generator, j: Callable[[float], float]) -> list[Stroke]:
    bowl = _arc(0, j(0.2), j(0.28), j(0.3), j(-125), j(150))
    return [np.concatenate([_line((j(0.28), -0.5), (j(-0.18), -0.5), tuple(bowl[0])), bowl])]


def _six(rng: np.random.Generator, j: Callable[[float], float]) -> list[Stroke]:
    r = j(0.23)
    loop = _arc(0, 0.5 - r, r, r, 180, j(-180))
    back = _arc(j(0.3), 0.5 - r, 0.3 + r, 1 - r, j(262), 180)
    return [np.concatenate([back, loop])]


def _seven(rng: np.random.Generator, j: Callable[[float], float]) -> list[Stroke]:
    strokes = [_line((j(-0.34), j(-0.48)), (j(0.34), -0.5), (j(-0.02), 0.5))]
    if rng.random() < 0.25:  # crossed
        strokes.append(_line((j(-0.05), j(0.0)), (j(0.25), j(0.0))))
    return strokes


def _eight(rng: np.random.Generator, j: Callable[[float], float]) -> list[Stroke]:
    """One stroke crossing itself at the waist (a figure of eight)."""
    t = np.radians(np.arange(0, 361 + rng.uniform(0, 30), 8.0))
    waist = j(-0.05)
    wide = np.where(np.cos(t) > 0, j(0.27), j(0.32))  # upper loop, lower loop
    y = np.where(
        np.cos(t) > 0, waist + (0.5 + waist) * -np.cos(t), waist - (0.5 - waist) * np.cos(t)
    )
    return [np.column_stack([wide * np.sin(2 * t), y])]


def _nine(rng: np.random.Generator, j: Callable[[float], float]) -> list[Stroke]:
    r = j(0.26)
    cy = -0.5 + r * j(1.0)
    loop = _arc(0, cy, r, r * j(1.0), 0, j(-360))
    end = (j(0.15), 0.5)
    if rng.random() < 0.3:  # a tail that curls to the left
        return [
            np.concatenate([loop, _line(tuple(loop[0]), (r, 0.3)), _arc(0, 0.3, r, 0.2, 0, 120)])
        ]
    return [np.concatenate([loop, _line(tuple(loop[0]), end)])]


_SHAPES = (_zero, _one, _two, _three, _four, _five, _six, _seven, _eight, _nine)


def _draw(label: int, rng: np.random.Generator) -> np.ndarray:
    """One digit on a CANVAS x CANVAS uint8 image, ink high."""
    jitter = 0.045

    def j(value: float) -> float:
        return value + rng.normal(0.0, jitter)

    strokes = _SHAPES[label](rng, j)
    points = np.concatenate(strokes)
    # Elastic wobble: a smooth random displacement field (two low-frequency sine waves per axis).
    waves = np.sin(points @ rng.normal(0.0, 3.0, size=(2, 4)) + rng.uniform(0, 2 * np.pi, size=4))
    points = points + (waves * rng.uniform(0.0, 0.05, size=4)).reshape(-1, 2, 2).sum(axis=2)
    # Slant (top to the right, as most writers do), rotation and aspect.
    shear = rng.normal(0.15, 0.2)
    angle = np.radians(rng.normal(0.0, 8.0))
    aspect = rng.uniform(0.75, 1.35)
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    affine = rot @ np.array([[aspect, -shear], [0.0, 1.0]])
    height = rng.uniform(0.5, 0.75) * CANVAS
    centre = CANVAS / 2 + rng.uniform(-0.1, 0.1, size=2) * CANVAS
    width = max(2, round(rng.uniform(0.1, 0.2) * height))
    points = points @ affine.T * height + centre

    # Round the pen where a stroke ends, or turns sharply (arcs are sampled finely enough), or
    # where two pieces of a stroke meet (a repeated point).
    lengths = [len(stroke) for stroke in strokes]
    ends = np.cumsum(lengths)
    starts = ends - lengths
    step = np.diff(points, axis=0)
    length = np.hypot(step[:, 0], step[:, 1])
    dots = np.zeros(len(points), bool)
    dots[1:-1] = (step[:-1] * step[1:]).sum(axis=1) <= 0.95 * length[:-1] * length[1:]
    dots[starts] = dots[ends - 1] = True

    image = Image.new("L", (CANVAS, CANVAS))
    pen = ImageDraw.Draw(image)
    for start, end in zip(starts, ends, strict=True):
        pen.line(points[start:end].ravel().tolist(), fill=255, width=width)
    r = width / 2
    for x, y in points[dots].tolist():
        pen.ellipse([x - r, y - r, x + r, y + r], fill=255)
    return np.asarray(image)


def synthetic_digits(n_per_label: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Draw digits 0-9 procedurally, framed like MNIST; the same seed gives the same digits.

    Parameters
    ----------
    n_per_label : int
        How many digits of each label.
    seed : int
        Seed of the random generator.

    Returns
    -------
    images : ndarray of uint8, shape (10 * n_per_label, 28, 28)
        Ink high, as in MNIST.
    labels : ndarray of int64, shape (10 * n_per_label,)
        In shuffled order.
    """
    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.repeat(np.arange(10, dtype=np.int64), n_per_label))
    images = np.empty((len(labels), 28, 28), np.uint8)
    for i, label in enumerate(labels):
        images[i] = frame_drawing(_draw(int(label), rng))
    return images, labels
