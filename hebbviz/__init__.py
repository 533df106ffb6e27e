"""hebbviz: watch ten small Hebbian networks learn handwritten digits, without backpropagation."""

import os

# One BLAS thread unless the user says otherwise (set before NumPy loads OpenBLAS). The app's
# worker and GUI threads already use both cores of a small machine; OpenBLAS threads competing
# with them (or with other processes) made a small itoh learning step 100x slower here.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

__version__ = "0.1.0"
