"""Freed memory goes back to the operating system (glibc), and the resident size is read."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from hebbviz.memory import exempt_startup_objects, resident_mb, return_free_memory

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads /proc, trims glibc's heap")


def test_freed_memory_held_by_the_allocator_is_returned() -> None:
    blocks = [np.ones(8000) for _ in range(3000)]  # 64 KB each: from the heap, not mmap
    last = blocks[-1]  # pins the top of the heap, so freeing the rest returns nothing by itself
    del blocks
    held = resident_mb()
    assert return_free_memory()
    assert held - resident_mb() > 100  # about 190 MB were free but still resident
    assert last.sum() == 8000


def test_startup_objects_are_left_out_of_full_collections() -> None:
    import gc

    startup = [[i] for i in range(20_000)]  # containers: tracked by the collector
    try:
        exempt_startup_objects()
        assert gc.get_freeze_count() >= len(startup)
        collected = {id(thing) for thing in gc.get_objects()}  # what collections walk
        assert not collected & {id(item) for item in startup}
        made_later = [0]
        assert id(made_later) in {id(thing) for thing in gc.get_objects()}
    finally:
        gc.unfreeze()
