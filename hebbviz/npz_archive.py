"""Reading a user's ``.npz`` archive, with one clear line whatever is wrong with it."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from hebbviz.errors import HebbvizError

ZIP_SIGNATURE = b"PK\x03\x04"
"""How every .npz archive (a zip file) begins."""


def read_npz(path: Path, error: type[HebbvizError], kind: str) -> dict[str, np.ndarray]:
    """Every array of the ``.npz`` archive at ``path`` (pickles refused).

    Raises
    ------
    error
        ``"{path}: not a {kind} (not an .npz archive)"`` for a file that is no zip archive at all
        (checked first: NumPy would read it as a pickle and say so, confusingly), and
        ``"{path}: not a readable {kind} ({reason})"`` for one that cannot be read or is damaged
        (zip, zlib and npy header errors come in many forms).
    """
    try:
        with path.open("rb") as file:
            if file.read(len(ZIP_SIGNATURE)) != ZIP_SIGNATURE:
                raise error(f"{path}: not a {kind} (not an .npz archive)")
            file.seek(0)
            with np.load(file, allow_pickle=False) as npz:
                return {key: npz[key] for key in npz.files}
    except HebbvizError:
        raise
    except Exception as failure:
        reason = " ".join(str(failure).split()) or type(failure).__name__
        raise error(f"{path}: not a readable {kind} ({reason})") from None
