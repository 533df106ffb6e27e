"""`hebbviz train` (being written)."""

import argparse


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    subparsers.add_parser("train", help="(not yet available)").set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    raise NotImplementedError("hebbviz train")
