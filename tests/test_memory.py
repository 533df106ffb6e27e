"""Freed memory goes back to the operating system (glibc), and the resident size is read."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from hebbviz.memory import resident_mb, return_free_memory

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads /proc, trims glibc's heap")


def test_freed_memory_held_by_the_allocator_is_returned() -> None:
    blocks = [np.ones(8000) for _ in range(3000)]  # 64 KB each: from the heap, not mmap
    last = blocks[-1]  # pins the top of the heap, so freeing the rest returns nothing by itself
    del blocks
    held = resident_mb()
    assert return_free_memory()
    assert held - resident_mb() > 100  # about 190 MB were free but still resident
    assert last.sum() == 8000
