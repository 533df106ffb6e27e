"""Writing a file so that it is either wholly written or not changed at all."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from hebbviz.errors import HebbvizError

STALE_AFTER = 3600.0
"""Seconds after which a temporary file left beside a target (by a killed process) is garbage."""


def _temporary_pattern(path: Path) -> re.Pattern[str]:
    """The names of the temporary files :func:`atomic_write` makes for ``path``:
    ``.NAME-xxxxxxxx.tmp`` (as ``tempfile.mkstemp`` named them in earlier versions)."""
    return re.compile(rf"\.{re.escape(path.name)}-[a-z0-9_]{{8}}\.tmp")


def remove_stale_temporaries(path: Path, older_than: float = STALE_AFTER) -> None:
    """Delete the temporary files of ``path`` not modified for ``older_than`` seconds.

    Only a process killed while writing (``kill -9``, a power cut) leaves one; a younger one may
    still be another process's write in progress, so it is left alone. Best effort: a file that
    cannot be listed or removed is skipped.
    """
    pattern = _temporary_pattern(path)
    limit = time.time() - older_than
    with contextlib.suppress(OSError), os.scandir(path.parent) as entries:
        for entry in entries:
            if pattern.fullmatch(entry.name):
                with contextlib.suppress(OSError):
                    if entry.stat(follow_symlinks=False).st_mtime < limit:
                        os.unlink(entry.path)


def _create_temporary(path: Path) -> tuple[Path, int]:
    """A new, empty temporary file beside ``path`` and its descriptor, open for writing.

    Created with mode 0o666 less the umask, as ``open`` creates files (``mkstemp`` would make it
    0o600)."""
    while True:
        tmp = path.with_name(f".{path.name}-{secrets.token_hex(4)}.tmp")
        try:
            return tmp, os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue


@contextmanager
def atomic_write(path: str | Path) -> Iterator[BinaryIO]:
    """Write ``path`` through a temporary file in the same folder, renamed over it at the end.

    The temporary file is flushed to disk before the rename. If anything fails (a full disk, an
    exception in the ``with`` body), the temporary file is removed and ``path`` is untouched.
    A new file gets the mode the umask gives (``-rw-r--r--`` under umask 022); a replaced file
    keeps its mode. Temporary files of ``path`` left by killed writers are removed first (see
    :func:`remove_stale_temporaries`).
    """
    path = Path(path)
    remove_stale_temporaries(path)
    try:
        mode: int | None = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = None
    tmp, fd = _create_temporary(path)
    try:
        with os.fdopen(fd, "wb") as file:
            if mode is not None:
                os.fchmod(file.fileno(), mode)
            yield file
            file.flush()
            os.fsync(file.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` with :func:`atomic_write`; a failure is a ``HebbvizError``
    naming the file and the reason (for the app's exports)."""
    try:
        with atomic_write(path) as file:
            file.write(data)
    except OSError as error:
        raise HebbvizError(f"{path}: cannot write ({error.strerror or error})") from None
