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


# ---------------------------------------------------------------------------------------------
# oja / sanger: subspace rules
# ---------------------------------------------------------------------------------------------
