"""Arrays two processes share: the training process writes them, the app's process reads them
without copying them through a pipe.

:class:`SharedArrays` lays out named arrays in one block of shared memory; it pickles as its
name and layout, so sending it to the other process maps the same block there. The block lives
as long as some process still maps it: its name is removed (:meth:`SharedArrays.unlink`) as soon
as the other side has mapped it, so nothing is left behind even when a process is killed.

:class:`TripleBuffer` hands a changing set of arrays (a model's copy, pictures) from one writer to
readers that never wait: the writer fills the oldest of three buffers and then names it the
newest; a reader takes the newest and can tell afterwards whether the writer came round to that
buffer again meanwhile (:meth:`TripleBuffer.intact`).
"""

from __future__ import annotations

import contextlib
import mmap
import os
import secrets
import sys
import tempfile
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

Layout = Mapping[str, tuple[tuple[int, ...], Any]]
"""Each array's name, shape and dtype."""

ALIGN = 64
"""Every array starts at a multiple of this many bytes (a cache line)."""

BUFFERS = 3


def _places(layout: Layout) -> tuple[dict[str, tuple[int, tuple[int, ...], np.dtype]], int]:
    """Each array's offset, shape and dtype in the block, and the block's size."""
    places, offset = {}, 0
    for key, (shape, dtype) in layout.items():
        dtype = np.dtype(dtype)
        places[key] = (offset, tuple(int(n) for n in shape), dtype)
        size = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
        offset += -(-max(size, 1) // ALIGN) * ALIGN
    return places, max(offset, ALIGN)


def _directory() -> str:
    """Where POSIX blocks live: in memory (``/dev/shm``) where there is one."""
    return "/dev/shm" if os.access("/dev/shm", os.W_OK) else tempfile.gettempdir()


class SharedArrays:
    """Named arrays in one block of memory another process can map.

    Parameters
    ----------
    layout : mapping of str to (shape, dtype)
    name : str, optional
        Map the block of that name (made by another process with the same layout); without it,
        make a new block, filled with zeros.

    Attributes
    ----------
    arrays : dict of str to ndarray
        Views of the block, writable.
    """

    def __init__(self, layout: Layout, name: str | None = None) -> None:
        self.layout = {
            key: (tuple(shape), np.dtype(dtype).str) for key, (shape, dtype) in layout.items()
        }
        places, size = _places(self.layout)
        self.name = name or f"hebbviz-{os.getpid()}-{secrets.token_hex(6)}"
        if sys.platform == "win32":  # named memory, freed with its last mapping
            self._map = mmap.mmap(-1, size, tagname=self.name)
        else:
            path = os.path.join(_directory(), self.name)
            flags = os.O_RDWR | (0 if name else os.O_CREAT | os.O_EXCL)
            descriptor = os.open(path, flags, 0o600)
            try:
                if name is None:
                    os.ftruncate(descriptor, size)
                elif os.fstat(descriptor).st_size != size:
                    raise ValueError(f"shared block {name} does not have the layout asked for")
                self._map = mmap.mmap(descriptor, size)
            finally:
                os.close(descriptor)
        self.arrays = {
            key: np.ndarray(shape, dtype, buffer=self._map, offset=offset)
            for key, (offset, shape, dtype) in places.items()
        }

    def __reduce__(self) -> tuple[type[SharedArrays], tuple[dict, str]]:
        return SharedArrays, (self.layout, self.name)

    def unlink(self) -> None:
        """Remove the block's name (the memory stays until its last mapping goes)."""
        unlink(self.name)


def unlink(name: str) -> None:
    """Remove the name of the block ``name``, if it is still there (see
    :meth:`SharedArrays.unlink`)."""
    if sys.platform != "win32":
        with contextlib.suppress(FileNotFoundError):
            os.unlink(os.path.join(_directory(), name))


class TripleBuffer:
    """One writer hands arrays of a fixed layout to readers in another process; nobody waits.

    Parameters
    ----------
    layout : mapping of str to (shape, dtype)
        The arrays of one buffer.
    """

    def __init__(self, layout: Layout) -> None:
        self.layout = dict(layout)
        whole = {"sequence": ((BUFFERS,), np.int64), "newest": ((), np.int64)}
        for index in range(BUFFERS):
            whole.update({f"{index}/{key}": spec for key, spec in layout.items()})
        self.block = SharedArrays(whole)
        self.block.arrays["newest"][...] = -1

    def write(self, arrays: Mapping[str, np.ndarray]) -> None:
        """Copy ``arrays`` (a part of the layout's keys, or all) into the oldest buffer, then
        make it the newest (the writer's side)."""

        def copy(buffer: dict[str, np.ndarray]) -> None:
            for key, array in arrays.items():
                np.copyto(buffer[key], array)

        self.fill(copy)

    def fill(self, write: Callable[[dict[str, np.ndarray]], None]) -> None:
        """Let ``write`` fill the oldest buffer in place (views of its arrays, as
        :meth:`buffer`), then make it the newest (the writer's side)."""
        shared = self.block.arrays
        index = (int(shared["newest"]) + 1) % BUFFERS
        sequence = shared["sequence"]
        sequence[index] += 1  # odd: being written
        write(self.buffer(index))
        sequence[index] += 1
        shared["newest"][...] = index

    def newest(self) -> tuple[int, int] | None:
        """The newest buffer and its sequence number, to read and then check with
        :meth:`intact`; None before the first write."""
        shared = self.block.arrays
        index = int(shared["newest"])
        if index < 0:
            return None
        sequence = int(shared["sequence"][index])
        return None if sequence % 2 else (index, sequence)

    @property
    def writes(self) -> int:
        """How many writes were made (or begun) so far."""
        return int(self.block.arrays["sequence"].sum() + 1) // 2

    def buffer(self, index: int) -> dict[str, np.ndarray]:
        """Views of buffer ``index`` (read them, then ask :meth:`intact`)."""
        return {key: self.block.arrays[f"{index}/{key}"] for key in self.layout}

    def intact(self, index: int, sequence: int) -> bool:
        """Whether buffer ``index`` still holds what it held at ``sequence`` (nothing was written
        into it since)."""
        return int(self.block.arrays["sequence"][index]) == sequence
