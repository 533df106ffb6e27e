"""``hebbviz info``: which data set, its classes, and how many images each split holds."""

import argparse

from hebbviz.commands.common import add_data_options, dataset_from_args, json_line
from hebbviz.data.dataset import Dataset


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "info",
        help="show the data set: source, classes, split sizes",
        description="Show where the digits come from, the class names, and the size of every "
        "split with its per-label counts.",
    )
    add_data_options(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON object instead")
    parser.set_defaults(run=run)


def summary(dataset: Dataset) -> dict:
    """The data set's description: ``{"source", "classes", "splits": {name: {n, per_label}}}``."""
    n_classes = len(dataset.classes)
    splits = {"train": dataset.train, "val": dataset.val, "test": dataset.test}
    return {
        "source": dataset.source,
        "classes": list(dataset.classes),
        "splits": {
            name: {"n": len(split), "per_label": split.per_label(n_classes)}
            for name, split in splits.items()
            if split is not None
        },
    }


def run(args: argparse.Namespace) -> int:
    info = summary(dataset_from_args(args))
    if args.json:
        print(json_line(info))
        return 0
    print(f"source:  {info['source']}")
    print(f"classes: {', '.join(f'{i}={name}' for i, name in enumerate(info['classes']))}")
    for name, split in info["splits"].items():
        counts = " ".join(f"{i}:{n}" for i, n in enumerate(split["per_label"]))
        print(f"{name + ':':7}{split['n']:7d} images   per label  {counts}")
    return 0
