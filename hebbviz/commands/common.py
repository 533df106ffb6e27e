"""Options shared by several commands: the data set they name, and the figure they draw."""

import argparse
import json
import logging
import math
from pathlib import Path
from typing import Any

from hebbviz.data.dataset import Dataset, Split
from hebbviz.data.sources import DATASET_NAMES, open_dataset
from hebbviz.errors import HebbvizError

log = logging.getLogger(__name__)


def add_data_options(parser: argparse.ArgumentParser) -> None:
    """``--data-dir DIR`` / ``--dataset NAME``: where the digits come from.

    Added both to ``hebbviz`` itself and to its subcommands, so they work before or after the
    command's name. Their defaults are suppressed (a subcommand's default would overwrite a value
    given before the command): read them with :func:`dataset_from_args`.
    """
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--data-dir",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="folder with MNIST-format IDX files (train-*, optionally t10k-*), or a torchvision "
        "root",
    )
    group.add_argument(
        "--dataset",
        choices=DATASET_NAMES,
        default=argparse.SUPPRESS,
        help="named data set: mnist-sample (shipped, the default), mnist, fashion-mnist, kmnist "
        "(after `hebbviz download NAME`), synthetic, drawings",
    )


def dataset_from_args(args: argparse.Namespace) -> Dataset:
    """The data set ``--data-dir`` / ``--dataset`` name (see :func:`open_dataset`)."""
    return open_dataset(getattr(args, "data_dir", None), getattr(args, "dataset", None))


def json_line(value: Any) -> str:
    """``value`` as one line of standard JSON, as every ``--json`` option prints it.

    NaN and infinities (a label without validation digits has no accuracy) become ``null``:
    Python's ``json`` would write the bare ``NaN`` that JSON does not have.
    """
    return json.dumps(_without_non_finite(value), allow_nan=False)


def _without_non_finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _without_non_finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_without_non_finite(item) for item in value]
    return value


def add_split_option(parser: argparse.ArgumentParser) -> None:
    """``--split val|test``: the split to score on."""
    parser.add_argument(
        "--split",
        choices=("val", "test"),
        default="val",
        help="validation split (default) or the source's test files",
    )


def scored_split(dataset: Dataset, split: str) -> Split:
    """The split ``--split`` names; an error if the source has no test files."""
    scored = dataset.val if split == "val" else dataset.test
    if scored is None:
        raise HebbvizError(
            f"{dataset.source}: no test files (t10k-images-idx3-ubyte[.gz]); use --split val"
        )
    return scored


def add_figure_option(parser: argparse.ArgumentParser, what: str) -> None:
    """``--figure PNG``: also draw the result (``what`` it shows) as a PNG."""
    parser.add_argument(
        "--figure", metavar="PNG", help=f"also save {what} as a PNG (drawn offscreen with Qt)"
    )


def checked_figure_path(args: argparse.Namespace) -> Path | None:
    """``--figure``'s path, checked before any long work: a .png in an existing folder."""
    if args.figure is None:
        return None
    path = Path(args.figure)
    if path.suffix.lower() != ".png":
        raise HebbvizError(f"{path}: --figure writes PNG files; name it .png")
    if not path.parent.is_dir():
        raise HebbvizError(f"{path}: folder {path.parent} does not exist")
    return path


def save_figure(draw: str, result: Any, path: Path) -> None:
    """Draw ``result`` with :mod:`hebbviz.gui.figures`' function ``draw`` into ``path``.

    Qt and pyqtgraph are imported only here, when a figure is asked for.
    """
    from hebbviz.gui import figures

    getattr(figures, draw)(result, path)
    log.info("figure saved: %s", path)
