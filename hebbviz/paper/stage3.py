"""Stage 3 of the paper: accuracy over hidden layers x learning rate, from a sweep CSV.

``hebbviz sweep`` trains the ``itoh`` networks at every point of a grid and appends one CSV row per
finished point; this module holds that CSV's format (reading, appending, upgrading a CSV of an
earlier hebbviz) and turns a finished or partial sweep into a :class:`SweepGrid` to draw: the
overall and per-label accuracy over H and lr, as in the paper's figure.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from hebbviz.atomic_file import atomic_write
from hebbviz.errors import HebbvizError

COLUMNS = (
    "hidden_layers",
    "lr",
    "activation",
    "per_label",
    "seed",
    "data_source",
    "val_accuracy",
    "diverged_samples",
    "diverged_labels",
    "train_images",
    "seconds",
    "val_per_label",
)
"""A sweep CSV's columns; ``val_per_label`` holds each label's accuracy, space-separated."""
EARLIER_COLUMNS = COLUMNS[:-1]
"""The columns of an earlier hebbviz's sweep CSV, which had no per-label accuracy."""
SWEEP_KEYS = ("activation", "per_label", "seed", "data_source")
"""What tells one sweep from another in the same CSV (beside the grid point)."""


def point_key(row: dict[str, Any]) -> tuple:
    """What identifies a grid point, the same for a row read back from the CSV."""
    return (
        int(row["hidden_layers"]),
        float(row["lr"]),
        str(row["activation"]),
        int(row["per_label"]),
        int(row["seed"]),
        str(row["data_source"]),
    )


def _read(path: Path) -> tuple[tuple[str, ...] | None, list[dict[str, str]]]:
    """The header and the parsable rows (a row cut short by a crash is left out)."""
    try:
        with path.open(newline="") as file:
            reader = csv.DictReader(file)
            header = None if reader.fieldnames is None else tuple(reader.fieldnames)
            if header is not None and header not in (COLUMNS, EARLIER_COLUMNS):
                raise HebbvizError(f"{path}: not a sweep CSV of this hebbviz (columns {header})")
            rows = []
            for row in reader:
                with contextlib.suppress(TypeError, ValueError):
                    point_key(row)
                    float(row["val_accuracy"])
                    rows.append(row)
            return header, rows
    except (OSError, UnicodeDecodeError) as error:
        raise HebbvizError(f"{path}: cannot read ({error})") from None


def read_done(path: Path) -> dict[tuple, dict[str, str]]:
    """The points already in the CSV at ``path`` (none if it does not exist), by
    :func:`point_key`.

    A row that does not parse (a write cut short by a crash) is ignored: it will be redone.

    Raises
    ------
    HebbvizError
        If the file exists but is not a sweep CSV.
    """
    if not path.exists():
        return {}
    return {point_key(row): row for row in _read(path)[1]}


def upgrade(path: Path) -> bool:
    """Rewrite a sweep CSV of an earlier hebbviz (no per-label column) with today's columns,
    the per-label cells of its rows empty; atomically. Whether it did."""
    if not path.exists() or path.stat().st_size == 0:
        return False
    header, rows = _read(path)
    if header != EARLIER_COLUMNS:
        return False
    text = io.StringIO()
    writer = csv.DictWriter(text, COLUMNS, restval="", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    with atomic_write(path) as file:
        file.write(text.getvalue().encode())
    return True


def append_row(path: Path, row: dict[str, Any]) -> None:
    """Append one row (and the header to a new file) in one write, flushed to disk."""
    text = io.StringIO()
    new = not path.exists() or path.stat().st_size == 0
    if not new and not path.read_bytes().endswith(b"\n"):
        text.write("\n")  # finish a line cut short, so the new row starts on its own
    writer = csv.writer(text, lineterminator="\n")
    if new:
        writer.writerow(COLUMNS)
    writer.writerow(row[column] for column in COLUMNS)
    with path.open("a", newline="") as file:
        file.write(text.getvalue())
        file.flush()
        os.fsync(file.fileno())


def per_label_text(accuracies: np.ndarray) -> str:
    """Per-label accuracies as one CSV cell: space-separated, 6 significant digits."""
    return " ".join(f"{float(v):.6g}" for v in accuracies)


@dataclass(frozen=True)
class SweepGrid:
    """One sweep's accuracies over hidden layers x learning rates.

    Attributes
    ----------
    settings : dict
        The sweep's ``activation``, ``per_label``, ``seed`` and ``data_source``.
    hidden_layers : list of int
        Ascending.
    lrs : list of float
        Descending, as the paper lists them (1e-1 .. 1e-8).
    accuracy : ndarray, shape (len(hidden_layers), len(lrs))
        Validation accuracy (fraction); NaN where the sweep has no such point (yet).
    per_label : ndarray, shape (len(hidden_layers), len(lrs), n_labels) or None
        Each label's validation accuracy; None when the CSV has no per-label accuracy (an
        earlier hebbviz's); NaN at points without it.
    """

    settings: dict[str, Any]
    hidden_layers: list[int]
    lrs: list[float]
    accuracy: np.ndarray
    per_label: np.ndarray | None

    def best(self) -> tuple[int, float, float]:
        """``(H, lr, accuracy)`` of the most accurate point."""
        i, j = np.unravel_index(np.nanargmax(self.accuracy), self.accuracy.shape)
        return self.hidden_layers[i], self.lrs[j], float(self.accuracy[i, j])

    def to_json(self) -> dict[str, Any]:
        """``{"settings", "hidden_layers", "lrs", "accuracy", "per_label", "best"}``; missing
        points are null; ``per_label[i][j]`` is the list of label accuracies at H_i, lr_j."""

        def cells(values: np.ndarray) -> Any:
            if values.ndim == 0:
                return float(values) if np.isfinite(values) else None
            return [cells(v) for v in values]

        h, lr, accuracy = self.best()
        return {
            "settings": self.settings,
            "hidden_layers": self.hidden_layers,
            "lrs": self.lrs,
            "accuracy": cells(self.accuracy),
            "per_label": None if self.per_label is None else cells(self.per_label),
            "best": {"hidden_layers": h, "lr": lr, "accuracy": accuracy},
        }


def read_sweep(path: str | Path) -> SweepGrid:
    """The sweep in the CSV at ``path`` as a grid.

    Raises
    ------
    HebbvizError
        If the file is missing, not a sweep CSV, holds no finished point, or holds several
        sweeps (different activation, per-label count, seed or data).
    """
    path = Path(path)
    if not path.is_file():
        raise HebbvizError(f"{path}: no such sweep CSV")
    return sweep_grid(_read(path)[1], path)


def sweep_grid(rows: list[dict[str, str]], path: str | Path) -> SweepGrid:
    """The grid of ``rows`` of the sweep CSV at ``path`` (named in errors and the settings).

    Raises
    ------
    HebbvizError
        If there are no rows, or rows of several sweeps.
    """
    if not rows:
        raise HebbvizError(f"{path}: no finished sweep point in it")
    sweeps = {tuple(row[key] for key in SWEEP_KEYS) for row in rows}
    if len(sweeps) > 1:
        listed = "; ".join(
            ", ".join(f"{key}={value}" for key, value in zip(SWEEP_KEYS, sweep, strict=True))
            for sweep in sorted(sweeps)
        )
        raise HebbvizError(f"{path}: holds {len(sweeps)} different sweeps ({listed}); one only")
    hidden_layers = sorted({int(row["hidden_layers"]) for row in rows})
    lrs = sorted({float(row["lr"]) for row in rows}, reverse=True)
    accuracy = np.full((len(hidden_layers), len(lrs)), np.nan)
    labels = [_labels(row.get("val_per_label")) for row in rows]
    n_labels = max((len(v) for v in labels if v is not None), default=0)
    per_label = np.full((*accuracy.shape, n_labels), np.nan) if n_labels else None
    for row, label_accuracy in zip(rows, labels, strict=True):
        at = hidden_layers.index(int(row["hidden_layers"])), lrs.index(float(row["lr"]))
        accuracy[at] = float(row["val_accuracy"])
        if per_label is not None and label_accuracy is not None:
            per_label[at][: len(label_accuracy)] = label_accuracy
    first = rows[0]
    settings = {
        "activation": first["activation"],
        "per_label": int(first["per_label"]),
        "seed": int(first["seed"]),
        "data_source": first["data_source"],
        "csv": str(path),
    }
    return SweepGrid(settings, hidden_layers, lrs, accuracy, per_label)


def _labels(cell: str | None) -> list[float] | None:
    """A ``val_per_label`` cell's accuracies; None if empty or unreadable."""
    try:
        values = [float(v) for v in (cell or "").split()]
    except ValueError:
        return None
    return values or None
