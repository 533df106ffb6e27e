"""``hebbviz paper stage1|stage2|stage3``: the source paper's three stages, reproduced.

The numbers come from :mod:`hebbviz.paper` (no Qt); ``--figure`` draws them with
:mod:`hebbviz.gui.figures`, offscreen.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

import numpy as np

from hebbviz.commands.common import (
    add_data_options,
    add_figure_option,
    add_split_option,
    checked_figure_path,
    dataset_from_args,
    json_line,
    save_figure,
    scored_split,
)
from hebbviz.commands.progress import progress_bar
from hebbviz.commands.sweep import lr_text, parse_ints, table
from hebbviz.data.dataset import Dataset, Split, balance
from hebbviz.errors import HebbvizError
from hebbviz.paper.progress import Report
from hebbviz.paper.stage1 import (
    ACTIVATIONS,
    MAX_HIDDEN_LAYERS,
    SIMILARITIES,
    Stage1Result,
    Stage1Settings,
    run_stage1,
)
from hebbviz.paper.stage2 import Stage2Settings, WinRates, run_stage2
from hebbviz.paper.stage3 import read_sweep


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "paper",
        help="the source paper's three stages: stage1, stage2, stage3",
        description="Reproduce the source paper's three stages (Itoh, arXiv:2411.05861): "
        "stage1, Hebbian learning on the 2024 average-vector method; stage2, each label's "
        "network against control networks; stage3, the accuracy over hidden layers x learning "
        "rate from a sweep CSV.",
    )
    stages = parser.add_subparsers(dest="stage", metavar="STAGE", required=True)

    stage1 = stages.add_parser(
        "stage1",
        help="accuracy per hidden layers of Itoh's 2024 method, without and with learning",
        description="One network of 784-wide layers with fixed random weights maps every "
        "training digit to an output; each label's mean output is its reference; a digit "
        "belongs to the most similar reference. Then the same with the network's hidden->hidden "
        "matrices learning by the paper's Hebbian rule from all training digits (H >= 2). "
        "Reconstructed from the papers' text (their code is not public).",
    )
    _add_common(stage1)
    stage1.add_argument(
        "--hidden-layers",
        default=f"0..{MAX_HIDDEN_LAYERS}",
        metavar="LIST",
        help=f"hidden layer counts, e.g. 0..{MAX_HIDDEN_LAYERS} (default) or 0,1,2,5",
    )
    stage1.add_argument(
        "--activation", choices=ACTIVATIONS, default="step", help="hidden activation (step)"
    )
    stage1.add_argument(
        "--similarity",
        choices=SIMILARITIES,
        default="cosine",
        help="output vs reference: cosine similarity (default) or Euclidean distance",
    )
    stage1.add_argument(
        "--lr", type=float, default=1e-7, metavar="LR", help="Hebbian learning rate (1e-7)"
    )
    add_figure_option(stage1, "accuracy against hidden layers, without and with learning")
    stage1.set_defaults(run=run_stage1_command)

    stage2 = stages.add_parser(
        "stage2",
        help="win rates of each label's network against control and other label networks",
        description="Train the ten label networks and three controls from one seed (untrained; "
        "trained on all labels' digits; trained on 10% of each label's digits). For every "
        "evaluation digit of label L, does network L answer with a larger norm than each "
        "control and each other label's network? Prints the win rates (%) per label.",
    )
    _add_common(stage2)
    stage2.add_argument(
        "--hidden-layers",
        type=int,
        default=3,
        metavar="H",
        help="hidden layers of every network (default 3, the author's)",
    )
    stage2.add_argument(
        "--lr",
        type=float,
        default=1e-7,
        metavar="LR",
        help="Hebbian learning rate (default 1e-7, the author's)",
    )
    stage2.add_argument("--activation", choices=("relu", "step"), default="relu")
    add_figure_option(stage2, "one bar chart of the 12 win rates per label")
    stage2.set_defaults(run=run_stage2_command)

    stage3 = stages.add_parser(
        "stage3",
        help="accuracy over hidden layers x learning rate, from a sweep CSV",
        description="Read a `hebbviz sweep` CSV (finished or not) and show its accuracy over "
        "hidden layers x learning rate, overall and per label, without retraining.",
    )
    stage3.add_argument("--csv", required=True, metavar="FILE", help="a hebbviz sweep CSV")
    stage3.add_argument("--json", action="store_true", help="print the grid as JSON")
    add_figure_option(stage3, "the accuracy heatmaps, overall and per label")
    stage3.set_defaults(run=run_stage3_command)


def _add_common(parser: argparse.ArgumentParser) -> None:
    add_data_options(parser)
    add_split_option(parser)
    parser.add_argument(
        "--per-label",
        type=int,
        metavar="N",
        help="training digits per label (default: the rarest label's count)",
    )
    parser.add_argument("--seed", type=int, default=0, help="initialisation and shuffling seed")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def _splits(args: argparse.Namespace) -> tuple[Dataset, Split, Split]:
    """The data set, its balanced training split and the split to score on."""
    if args.per_label is not None and args.per_label < 1:
        raise HebbvizError(f"--per-label must be at least 1, got {args.per_label}")
    if not (np.isfinite(args.lr) and args.lr > 0):
        raise HebbvizError(f"--lr must be a number above zero, got {args.lr}")
    if args.seed < 0:
        raise HebbvizError(f"--seed must be at least 0, got {args.seed}")
    dataset = dataset_from_args(args)
    if len(dataset.classes) != 10:
        raise HebbvizError(f"{dataset.source}: {len(dataset.classes)} classes, expected 10")
    return dataset, balance(dataset.train, args.per_label), scored_split(dataset, args.split)


def _data_settings(args: argparse.Namespace, dataset: Dataset, train: Split) -> dict:
    return {
        "data_source": dataset.source,
        "split": args.split,
        "per_label": min(train.per_label()),
    }


# -- stage 1 --------------------------------------------------------------------------------------


def run_stage1_command(args: argparse.Namespace) -> int:
    hidden_layers = parse_ints(args.hidden_layers)
    if min(hidden_layers) < 0 or max(hidden_layers) > 64:
        raise HebbvizError(f"--hidden-layers must be between 0 and 64: {args.hidden_layers!r}")
    settings = Stage1Settings(
        activation=args.activation, similarity=args.similarity, lr=args.lr, seed=args.seed
    )
    return _run_stage(
        args,
        1,
        lambda train, scored, report: run_stage1(
            train, scored, hidden_layers, settings, report=report
        ),
        stage1_table,
    )


def _run_stage(
    args: argparse.Namespace,
    stage: int,
    compute: Callable[[Split, Split, Report], Any],
    text: Callable[[Any], str],
) -> int:
    """Run stage ``stage``'s ``compute(train, scored, report)`` behind a progress bar; print its
    result as ``text`` or JSON; draw its figure if asked."""
    figure = checked_figure_path(args)
    dataset, train, scored = _splits(args)
    if not args.json:
        print(f"data: {dataset.source}; {min(train.per_label())} training digits per label")
    with progress_bar(0, f"stage {stage}") as bar:
        result = compute(train, scored, _updater(bar))
    result.settings.update(_data_settings(args, dataset, train))
    print(json_line(result.to_json()) if args.json else text(result))
    if figure is not None:
        save_figure(f"stage{stage}_figure", result, figure)
    return 0


def stage1_table(result: Stage1Result) -> str:
    """Accuracy per hidden layers, without and with learning, as text."""
    settings = result.settings
    lines = [
        f"{settings['split']} accuracy of the average-vector method ({settings['activation']} "
        f"activation, {settings['similarity']} similarity; learning lr={lr_text(settings['lr'])})",
        "   H  without learning  with learning",
    ]
    for h, without, learned in zip(
        result.hidden_layers, result.without_learning, result.with_learning, strict=True
    ):
        learned_text = "-" if learned is None else f"{learned:.2%}"
        lines.append(f"{h:>4}  {without:>16.2%}  {learned_text:>13}")
    return "\n".join(lines)


# -- stage 2 --------------------------------------------------------------------------------------


def run_stage2_command(args: argparse.Namespace) -> int:
    if args.hidden_layers < 2:
        raise HebbvizError(f"--hidden-layers must be at least 2, got {args.hidden_layers}")
    settings = Stage2Settings(
        hidden_layers=args.hidden_layers, lr=args.lr, activation=args.activation, seed=args.seed
    )
    return _run_stage(
        args,
        2,
        lambda train, scored, report: run_stage2(train, scored, settings, report=report),
        stage2_table,
    )


def stage2_table(result: WinRates) -> str:
    """The win-rate table as text: a row per label, a column per opponent, and the mean over the
    other label networks."""
    columns = [*result.columns, "mean 0-9"]
    width = max(len(c) for c in columns) + 1
    lines = [
        f"how often (%) network L's norm beats each opponent's on the {result.settings['split']} "
        f"digits of label L (H={result.settings['hidden_layers']}, "
        f"lr={lr_text(result.settings['lr'])}, {result.settings['activation']})",
        f"{'L':>3} {'n':>5} " + "".join(f"{c:>{width}}" for c in columns),
    ]
    for label, (row, n, mean) in enumerate(
        zip(result.win_rate, result.n, result.mean_over_labels, strict=True)
    ):
        cells = "".join(f"{'-' if np.isnan(v) else f'{v:.1f}':>{width}}" for v in [*row, mean])
        lines.append(f"{label:>3} {n:>5} {cells}")
    return "\n".join(lines)


# -- stage 3 --------------------------------------------------------------------------------------


def run_stage3_command(args: argparse.Namespace) -> int:
    figure = checked_figure_path(args)
    grid = read_sweep(args.csv)
    if args.json:
        print(json_line(grid.to_json()))
    else:
        print(
            f"sweep: {args.csv} ({grid.settings['data_source']}, "
            f"{grid.settings['per_label']} per label, {grid.settings['activation']})"
        )
        print(table(grid))
    if figure is not None:
        save_figure("stage3_figure", grid, figure)
    return 0


def _updater(bar):
    """A ``report(done, total)`` hook that moves a progress bar."""

    def report(done: int, total: int) -> None:
        if bar.total != total:
            bar.total = total
            bar.refresh()
        bar.update(done - bar.n)

    return report
