"""Command line: ``hebbviz`` opens the app; ``hebbviz info|train|eval|sweep|paper|bench|download``
do the rest.

Exit status: 0 success, 2 a user's input error (one line on stderr, no traceback), 1 an internal
failure.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

from hebbviz import __version__
from hebbviz.commands import bench, download, evaluate, info, paper, sweep, train
from hebbviz.commands.common import add_data_options
from hebbviz.errors import HebbvizError

COMMANDS = (info, train, evaluate, sweep, paper, bench, download)

VIEWS = ("answer", "weights", "metrics", "paper", "classroom")
"""What ``--screenshot --view`` can show."""


def window_size(text: str) -> tuple[int, int]:
    """``WxH`` (e.g. 1366x768) as (width, height); a mistake is an argparse error."""
    width, _, height = text.lower().partition("x")
    try:
        size = int(width), int(height)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is no size; give WxH, e.g. 1366x768") from None
    if min(size) < 200 or max(size) > 10_000:
        raise argparse.ArgumentTypeError(f"{text}: give a width and height of 200 to 10000 pixels")
    return size


class OneLineErrorParser(argparse.ArgumentParser):
    """An argument parser whose mistakes are one line on stderr (and exit status 2)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``hebbviz`` and its subcommands."""
    parser = OneLineErrorParser(
        prog="hebbviz",
        description="Ten Hebbian networks learn handwritten digits; the longest answer wins. "
        "With no command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"hebbviz {__version__}")
    parser.add_argument("--model", metavar="FILE", help="model file to start the app with")
    add_data_options(parser)
    parser.add_argument(
        "--screenshot", metavar="PATH", help="build the window offscreen, save a PNG, and exit"
    )
    parser.add_argument(
        "--view",
        choices=VIEWS,
        help="with --screenshot: the view to show (default answer; classroom is the F11 view)",
    )
    parser.add_argument(
        "--size",
        metavar="WxH",
        type=window_size,
        help="with --screenshot: the window's size in pixels (default 1920x1000)",
    )
    parser.add_argument(
        "--draw-sample",
        metavar="N",
        type=int,
        help="put validation digit N on the canvas first (with --screenshot: default 0)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        command.add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``hebbviz``; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.screenshot is None and (args.view or args.size):
        parser.error("--view and --size go with --screenshot")
    try:
        if args.command is None:
            from hebbviz.gui.app import run_app  # Qt is imported only for the app

            return run_app(args)
        return args.run(args)
    except HebbvizError as error:
        print(f"hebbviz: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("hebbviz: interrupted", file=sys.stderr)
        return 130
