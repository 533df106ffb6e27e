"""Command line: ``hebbviz`` opens the app; ``hebbviz info|train|eval|sweep|paper|bench|download``
do the rest.

Exit status: 0 success, 2 a user's input error (one line on stderr, no traceback), 1 an internal
failure. A crash (a fault in Qt or in compiled code) prints every thread's Python stack on stderr,
for the bug report.
"""

from __future__ import annotations

import argparse
import contextlib
import faulthandler
import logging
import sys
from collections.abc import Sequence
from typing import NoReturn

from hebbviz import __version__
from hebbviz.commands import bench, desktop, download, evaluate, info, paper, sweep, train
from hebbviz.commands.common import add_data_options
from hebbviz.errors import HebbvizError

VERBOSE = ("-v", "--verbose")
VERBOSE_HELP = "also log what hebbviz does, step by step, on stderr (for bug reports)"

COMMANDS = (info, train, evaluate, sweep, paper, bench, download, desktop)

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
    parser.add_argument(*VERBOSE, action="store_true", help=VERBOSE_HELP)
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
    _add_verbose_to_commands(parser)
    return parser


def _add_verbose_to_commands(parser: argparse.ArgumentParser) -> None:
    """``--verbose`` after any command and subcommand too (``hebbviz paper stage2 -v``)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for command in {id(p): p for p in action.choices.values()}.values():
                command.add_argument(
                    *VERBOSE, action="store_true", default=argparse.SUPPRESS, help=VERBOSE_HELP
                )
                _add_verbose_to_commands(command)


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is when a message comes (tests replace it)."""

    @property
    def stream(self):  # noqa: ANN202
        return sys.stderr

    @stream.setter
    def stream(self, _: object) -> None:
        pass


def configure_logging(verbose: bool) -> None:
    """hebbviz's log messages go to stderr: its notes (INFO) as plain lines, and with
    ``verbose`` also the details (DEBUG), each with the time since the start and its module.
    Other libraries' messages are left to Python's default (WARNING and up on stderr)."""
    logger = logging.getLogger("hebbviz")
    for handler in [h for h in logger.handlers if isinstance(h, _StderrHandler)]:
        logger.removeHandler(handler)  # main() called again (tests): one handler
    handler = _StderrHandler()
    layout = "%(relativeCreated)8.0f ms %(name)s: %(message)s" if verbose else "%(message)s"
    handler.setFormatter(logging.Formatter(layout))
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if verbose else logging.INFO)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``hebbviz``; returns the exit status."""
    if not faulthandler.is_enabled():  # (pytest's is kept)
        with contextlib.suppress(AttributeError, OSError, RuntimeError, ValueError):  # no stderr
            faulthandler.enable()
    parser = build_parser()
    args = parser.parse_args(argv)
    configure_logging(args.verbose)
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
