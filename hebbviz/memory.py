"""The process's memory: how much is resident, what the garbage collector looks at, and giving
freed memory back to the system.

A training run allocates and frees hundreds of megabytes (models, their copies, batches). glibc's
allocator keeps much of what was freed for reuse instead of returning it, more with every run and
thread (a 300 s soak of the app grew 8% although its live objects did not: `hebbviz bench --gui
--soak`); ``malloc_trim`` returns it. Elsewhere (macOS, Windows, musl) this is a no-op.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
import os

from hebbviz.errors import HebbvizError


def resident_mb() -> float:
    """This process's resident memory now, in MB (Linux: from /proc)."""
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
    except OSError:
        raise HebbvizError("the memory in use is read from /proc/self: Linux only") from None
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


@functools.cache
def _malloc_trim() -> ctypes._CFuncPtr | None:
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):  # no C library by that name, or not glibc
        return None


def return_free_memory() -> bool:
    """Return the memory the C allocator holds free to the operating system (a few
    milliseconds; the GIL is released meanwhile); whether it could."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True


def exempt_startup_objects() -> None:
    """Leave every object alive now out of the garbage collector's full collections.

    Call it once the app has started: its ~170,000 objects (modules, widgets, plots) live as long
    as it does, yet each full collection walked them all, about 100 ms during which the window
    froze (seen in a soak). Objects made later are collected as before (``gc.freeze``).
    """
    gc.freeze()
