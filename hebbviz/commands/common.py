"""Options shared by several commands, and the data set they name."""

import argparse
import json
import math
from typing import Any

from hebbviz.data.dataset import Dataset
from hebbviz.data.sources import DATASET_NAMES, open_dataset


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
