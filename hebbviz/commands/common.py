"""Options shared by several commands."""

import argparse


def add_data_options(parser: argparse.ArgumentParser) -> None:
    """``--data-dir DIR`` / ``--dataset NAME``: where the digits come from."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--data-dir", metavar="DIR", help="folder with MNIST-format IDX files")
    group.add_argument("--dataset", metavar="NAME", help="named data set (see `hebbviz info`)")
