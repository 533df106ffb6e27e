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

from hebbviz.errors import HebbvizError


def resident_mb(*others: int) -> float:
    """The resident memory of this process and the processes ``others`` (ids) in MB, a page they
    share counted once in all (the sum of their proportional set sizes; Linux: from /proc). A
    process of ``others`` that has ended counts nothing."""
    total_kb = 0
    for pid in ("self", *others):
        try:
            with open(f"/proc/{pid}/smaps_rollup") as rollup:
                total_kb += next(int(line.split()[1]) for line in rollup if line.startswith("Pss:"))
        except FileNotFoundError:
            if pid == "self":
                raise HebbvizError("memory is read from /proc/self: Linux only") from None
        except (OSError, StopIteration):
            raise HebbvizError(f"cannot read the memory of process {pid}") from None
    return total_kb / 1024


M_ARENA_MAX = -8
"""glibc's ``mallopt`` parameter for the most arenas (malloc.h)."""

ARENAS = 2
"""Arenas the app lets glibc's allocator keep (its default: 8 per core)."""


@functools.cache
def _glibc() -> ctypes.CDLL | None:
    """The C library when it is glibc (it has ``malloc_trim``), else None."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        return libc if libc is not None and hasattr(libc, "malloc_trim") else None
    except OSError:  # no C library by that name
        return None


def return_free_memory() -> bool:
    """Return the memory the C allocator holds free to the operating system (a few
    milliseconds; the GIL is released meanwhile); whether it could."""
    libc = _glibc()
    if libc is None:
        return False
    libc.malloc_trim(0)
    return True


def limit_arenas(arenas: int = ARENAS) -> bool:
    """Let the C allocator keep at most ``arenas`` memory pools for all threads; whether it could.

    glibc gives threads pools (arenas) of their own, up to 8 per core, and each keeps what was
    freed in it. The app starts threads all the time (a run, an evaluation, the answers' lane),
    and its memory crept up as ever more arenas each kept some: soaks (``hebbviz bench --gui
    --soak``) grew 5.5% (300 s) and 8.2% (600 s) with glibc's default, 0.3-3.7% (300 s, five
    runs) with two arenas, at no cost in speed. Call it before the threads start: arenas made
    already stay.
    """
    libc = _glibc()
    return libc is not None and bool(libc.mallopt(M_ARENA_MAX, arenas))


def exempt_startup_objects() -> None:
    """Leave every object alive now out of the garbage collector's full collections.

    Call it once the app has started: its ~170,000 objects (modules, widgets, plots) live as long
    as it does, yet each full collection walked them all, about 100 ms during which the window
    froze (seen in a soak). Objects made later are collected as before (``gc.freeze``).
    """
    gc.freeze()
