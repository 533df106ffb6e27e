"""Model files: one ``.npz`` with a model's arrays and a JSON metadata entry.

The metadata says what the file holds and how it was made: format version, rule and
hyperparameters, data source, per-label images seen, validation accuracy, creation time and the
hebbviz version that wrote it. Saving is atomic; loading validates everything and turns every
problem into a one-line :class:`~hebbviz.errors.ModelFileError`. The sizes the metadata gives
(labels, units, layers) are checked against the stored arrays before a model is built, so a file
never makes hebbviz allocate more than it holds.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from hebbviz import __version__
from hebbviz.atomic_file import atomic_write
from hebbviz.errors import ModelFileError, unreadable_folder_as
from hebbviz.models import RULES, rule_class
from hebbviz.models.base import NormClassifier, check_arrays
from hebbviz.npz_archive import read_npz

FORMAT = "hebbviz-model"
FORMAT_VERSION = 1
METADATA_KEY = "hebbviz_metadata"


def save_model(path: str | Path, model: NormClassifier, metadata: dict[str, Any]) -> dict[str, Any]:
    """Write ``model`` to ``path`` atomically: a failure leaves any old file intact.

    Parameters
    ----------
    path : str or Path
    model : NormClassifier
    metadata : dict
        JSON-serialisable facts about how the model was made (``data_source``,
        ``val_accuracy``, ...); the rule, hyperparameters, per-label images seen, format
        version, creation time and hebbviz version are added.

    Returns
    -------
    dict
        The metadata as written.

    Raises
    ------
    ModelFileError
        If the file cannot be written (missing folder, no permission, full disk).
    """
    path = Path(path)
    metadata = {
        **metadata,
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "rule": model.rule,
        "params": model.params(),
        "seen": [int(n) for n in model.seen],
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "hebbviz_version": __version__,
    }
    arrays = model.arrays()
    if METADATA_KEY in arrays:
        raise ValueError(f"a model array may not be called {METADATA_KEY!r}")
    try:
        with atomic_write(path) as file:
            np.savez(file, **arrays, **{METADATA_KEY: np.array(json.dumps(metadata))})
    except OSError as error:
        raise ModelFileError(f"{path}: cannot write ({error.strerror or error})") from None
    return metadata


def load_model(path: str | Path) -> tuple[NormClassifier, dict[str, Any]]:
    """Read a model file written by :func:`save_model`.

    Returns
    -------
    model : NormClassifier
    metadata : dict

    Raises
    ------
    ModelFileError
        One line naming the file and the problem: missing, not a readable ``.npz``, not a hebbviz
        model, a newer format, an unknown rule, bad hyperparameters, or arrays with wrong keys,
        shapes, dtypes or values.
    """
    path = Path(path)
    with unreadable_folder_as(ModelFileError):
        found = path.is_file()
    if not found:
        raise ModelFileError(f"{path}: no such model file")
    arrays = read_npz(path, ModelFileError, "model file")
    if METADATA_KEY not in arrays:
        raise ModelFileError(f"{path}: not a hebbviz model file (no metadata)")
    raw = arrays.pop(METADATA_KEY)
    metadata = _parse_metadata(path, raw)
    rule, params = metadata["rule"], metadata["params"]
    model_class = rule_class(rule)
    try:
        layout = model_class.array_layout(params)
    except (TypeError, ValueError) as error:
        raise ModelFileError(f"{path}: bad hyperparameters for rule {rule} ({error})") from None
    try:
        check_arrays(rule, layout, arrays)  # before building: the metadata sets the sizes
    except ValueError as error:
        raise ModelFileError(f"{path}: {error}") from None
    try:
        model = model_class.from_arrays(params, arrays)
    except (TypeError, ValueError) as error:
        raise ModelFileError(f"{path}: bad hyperparameters for rule {rule} ({error})") from None
    _check_values(path, model, arrays)
    return model, metadata


def _parse_metadata(path: Path, raw: np.ndarray) -> dict[str, Any]:
    """The metadata entry, checked for what loading needs."""
    if raw.shape != () or raw.dtype.kind != "U":
        raise ModelFileError(f"{path}: not a hebbviz model file (metadata is not text)")
    try:
        metadata = json.loads(str(raw))
    except json.JSONDecodeError as error:
        raise ModelFileError(f"{path}: unreadable metadata ({error})") from None
    if not isinstance(metadata, dict) or metadata.get("format") != FORMAT:
        raise ModelFileError(f"{path}: not a hebbviz model file")
    version = metadata.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ModelFileError(f"{path}: bad format version {version!r}")
    if version > FORMAT_VERSION:
        raise ModelFileError(
            f"{path}: written by a newer hebbviz (model format {version}; this hebbviz "
            f"{__version__} reads format {FORMAT_VERSION}); upgrade hebbviz to open it"
        )
    if metadata.get("rule") not in RULES:
        raise ModelFileError(f"{path}: unknown rule {metadata.get('rule')!r}")
    if not isinstance(metadata.get("params"), dict):
        raise ModelFileError(f"{path}: metadata has no hyperparameters")
    return metadata


def _check_values(path: Path, model: NormClassifier, arrays: dict[str, np.ndarray]) -> None:
    """Image counts non-negative; floats finite except in the networks marked diverged."""
    if np.any(model.seen < 0):
        raise ModelFileError(f"{path}: negative image counts")
    for key, values in arrays.items():
        if values.dtype.kind not in "fc":
            continue
        bad = ~np.isfinite(values)
        if values.shape[:1] == (model.n_labels,):
            bad[model.diverged] = False
        if bad.any():
            raise ModelFileError(f"{path}: array {key!r} has non-finite values")
