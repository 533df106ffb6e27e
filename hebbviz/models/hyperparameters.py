"""Checking the rules' hyperparameters: right type and range, or a ``ValueError`` naming it.

Values come from the command line, the app and model files (JSON), so a string where a number
belongs, or a number where a switch belongs, must be refused, not converted: ``bool("no")`` is
True, ``int(True)`` is 1.
"""

from __future__ import annotations

import math
from numbers import Integral, Real
from typing import Any

import numpy as np


def integer(name: str, value: Any, low: int, high: int | None = None) -> int:
    """``value`` as an int in ``low..high`` (``high`` None: no upper bound)."""
    if not isinstance(value, Integral) or isinstance(value, bool):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    if value < low or (high is not None and value > high):
        bounds = f"in {low}..{high}" if high is not None else f">= {low}"
        raise ValueError(f"{name} must be {bounds}, got {value}")
    return int(value)


def real(name: str, value: Any) -> float:
    """``value`` as a finite float."""
    if not isinstance(value, Real) or isinstance(value, bool) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return float(value)


def positive(name: str, value: Any) -> float:
    """``value`` as a finite float above zero."""
    if real(name, value) <= 0:
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    return float(value)


def boolean(name: str, value: Any) -> bool:
    """``value``, which must be True or False (NumPy's bools too)."""
    if not isinstance(value, bool | np.bool_):
        raise ValueError(f"{name} must be true or false, got {value!r}")
    return bool(value)


def choice(name: str, value: Any, options: tuple[str, ...]) -> str:
    """``value``, which must be one of ``options``."""
    if not isinstance(value, str) or value not in options:
        raise ValueError(f"{name} must be one of {', '.join(options)}, got {value!r}")
    return value
