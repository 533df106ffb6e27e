"""Busy helper processes: a reproducible "other programs use the CPU" for ``hebbviz bench``.

A classroom laptop runs a browser or a video call beside hebbviz; ``hebbviz bench --background-load
N`` measures the app while N CPU-bound processes run beside it (like ``yes > /dev/null``).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

SPIN = (
    "import os\n"
    "parent = os.getppid()\n"
    "while os.getppid() == parent:\n"  # ends by itself if the bench is killed outright
    "    for _ in range(1_000_000):\n"
    "        pass\n"
)
"""A CPU-bound loop that stops once its parent is gone."""


@contextmanager
def cpu_load(processes: int) -> Iterator[list[subprocess.Popen]]:
    """Run ``processes`` CPU-bound helper processes while the ``with`` block runs.

    They are stopped when the block ends, however it ends (an error, Ctrl+C); a helper whose
    parent is killed outright notices within about a second and ends too.
    """
    if processes < 0:
        raise ValueError(f"the number of busy processes must be >= 0, got {processes}")
    helpers: list[subprocess.Popen] = []
    try:
        for _ in range(processes):
            helpers.append(subprocess.Popen([sys.executable, "-c", SPIN]))
        yield helpers
    finally:
        for helper in helpers:
            helper.kill()
        for helper in helpers:
            helper.wait()
