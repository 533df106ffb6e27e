"""Freed memory goes back to the operating system (glibc), threads share few allocator arenas,
and the resident size is read."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from hebbviz.memory import ARENAS, exempt_startup_objects, resident_mb, return_free_memory

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads /proc, trims glibc's heap")


def test_freed_memory_held_by_the_allocator_is_returned() -> None:
    blocks = [np.ones(8000) for _ in range(3000)]  # 64 KB each: from the heap, not mmap
    last = blocks[-1]  # pins the top of the heap, so freeing the rest returns nothing by itself
    del blocks
    held = resident_mb()
    assert return_free_memory()
    assert held - resident_mb() > 100  # about 190 MB were free but still resident
    assert last.sum() == 8000


THREADS_ALLOCATING = """
import ctypes, sys, threading
import numpy as np
from hebbviz.memory import limit_arenas
if sys.argv[1] == "limited":
    assert limit_arenas()
together = threading.Barrier(8)
def allocate():
    block = np.ones(4000)  # 32 KB from the allocator, in the arena this thread got
    together.wait()
threads = [threading.Thread(target=allocate) for _ in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
ctypes.CDLL(None).malloc_stats()  # one "Arena N:" paragraph per arena, on stderr
"""


def _arenas(mode: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", THREADS_ALLOCATING, mode], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return sum(line.startswith("Arena ") for line in done.stderr.splitlines())


def test_threads_share_the_few_allocator_arenas_allowed() -> None:
    limited, default = _arenas("limited"), _arenas("default")
    assert limited == ARENAS, f"eight threads used {limited} arenas, {ARENAS} allowed"
    assert default > ARENAS, f"without the limit they used {default}: the test shows nothing"


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
