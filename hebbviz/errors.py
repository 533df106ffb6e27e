"""Errors that are the user's to fix: a bad argument, data file or model file.

The command line turns every :class:`HebbvizError` into exit status 2 and one line on stderr;
the app shows it in a message box. Anything else is an internal failure (exit status 1).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class HebbvizError(Exception):
    """A problem with the user's input; the message names the file (if any) and what is wrong."""


class DatasetError(HebbvizError):
    """A data file or folder that cannot be read as digits: corrupt, truncated, mismatched."""


class ModelFileError(HebbvizError):
    """A model file that cannot be loaded: corrupt, foreign, or from a newer hebbviz."""


class DownloadError(HebbvizError):
    """A data set that could not be downloaded: every mirror failed, or a file cannot be written."""


@contextmanager
def unreadable_folder_as(error: type[HebbvizError]) -> Iterator[None]:
    """Turn a ``PermissionError`` met while looking for a file (``is_file``, ``exists``) into
    ``error("cannot read folder F (permission denied)")``, F the folder that would not let it in:
    the nearest one above the file that can itself be looked at."""
    try:
        yield
    except PermissionError as failure:
        path = Path(failure.filename or ".")
        folder = next((f for f in path.parents if _can_stat(f)), path)
        raise error(f"cannot read folder {folder} (permission denied)") from None


def _can_stat(path: Path) -> bool:
    try:
        path.stat()
    except OSError:
        return False
    return True
