"""``hebbviz sweep``: the paper's grid of hidden layers x learning rates, in parallel, resumable.

Every grid point trains the ``itoh`` networks on the balanced training split and scores them on
the validation split, in a worker process. Each finished point is appended to the CSV at once
(one write, flushed), and points already in the CSV are skipped, so an interrupted sweep loses
only the points that were running.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import multiprocessing
import os
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from pathlib import Path
from typing import Any

import numpy as np

from hebbviz.commands.common import (
    add_data_options,
    add_figure_option,
    checked_figure_path,
    dataset_from_args,
    save_figure,
)
from hebbviz.commands.progress import progress_bar
from hebbviz.data.dataset import Split, balance
from hebbviz.errors import HebbvizError
from hebbviz.evaluation import evaluate
from hebbviz.models import rule_class
from hebbviz.paper.stage3 import (
    SweepGrid,
    append_row,
    per_label_text,
    point_key,
    read_done,
    sweep_grid,
    upgrade,
)
from hebbviz.training import train

DEFAULT_HIDDEN_LAYERS = "2..15"
DEFAULT_LRS = "1e-1..1e-8"
BLAS_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS")


def parse_ints(spec: str) -> list[int]:
    """``"2..15"``, ``"2,3,5"`` or a mix (``"2..4,8"``) as a list of ints, in the given order."""
    values: list[int] = []
    for item in spec.split(","):
        try:
            if ".." in item:
                first, last = (int(part) for part in item.split(".."))
                step = 1 if last >= first else -1
                values += range(first, last + step, step)
            else:
                values.append(int(item))
        except ValueError:
            raise HebbvizError(f"bad integer list {spec!r} (e.g. 2..15 or 2,3,5)") from None
    return values


def parse_lrs(spec: str) -> list[float]:
    """``"1e-1..1e-8"`` (every power of ten between, both included), ``"1e-3,5e-4"`` or a mix."""
    values: list[float] = []
    for item in spec.split(","):
        try:
            if ".." in item:
                first, last = (math.log10(float(part)) for part in item.split(".."))
                if first != round(first) or last != round(last):
                    raise ValueError
                step = 1 if last >= first else -1
                values += [10.0**e for e in range(round(first), round(last) + step, step)]
            else:
                values.append(float(item))
        except ValueError:
            raise HebbvizError(
                f"bad learning-rate list {spec!r} (e.g. 1e-1..1e-8, powers of ten, or 1e-3,5e-4)"
            ) from None
    if not all(math.isfinite(v) and v > 0 for v in values):
        raise HebbvizError(f"learning rates must be positive numbers: {spec!r}")
    return values


def lr_text(lr: float) -> str:
    """A learning rate, short: ``1e-04``, or more digits where it needs them."""
    short = f"{lr:.0e}"
    return short if float(short) == lr else f"{lr:.3g}"


# -- worker processes -----------------------------------------------------------------------------

_worker_data: tuple[Split, Split] | None = None


def _init_worker(train_split: Split, val_split: Split) -> None:
    global _worker_data
    _worker_data = (train_split, val_split)


def run_point(point: dict[str, Any], train_split: Split, val_split: Split) -> dict[str, Any]:
    """Train and score one grid point; the CSV row."""
    model = rule_class("itoh")(
        hidden_layers=point["hidden_layers"],
        lr=point["lr"],
        activation=point["activation"],
        seed=point["seed"],
    )
    began = time.perf_counter()
    for _ in train(model, train_split, seed=point["seed"]):
        pass
    result = evaluate(model, val_split)
    return {
        **point,
        "val_accuracy": result.accuracy,
        "diverged_samples": result.diverged,
        "diverged_labels": " ".join(str(i) for i in np.flatnonzero(model.diverged)),
        "train_images": len(train_split),
        "seconds": round(time.perf_counter() - began, 2),
        "val_per_label": per_label_text(result.per_label),
    }


def _run_point_in_worker(point: dict[str, Any]) -> dict[str, Any]:
    assert _worker_data is not None, "worker not initialised"
    return run_point(point, *_worker_data)


@contextlib.contextmanager
def _blas_threads(threads: int) -> Iterator[None]:
    """Limit the BLAS and Numba threads of the worker processes started inside."""
    saved = {name: os.environ.get(name) for name in BLAS_VARIABLES}
    os.environ.update({name: str(threads) for name in BLAS_VARIABLES})
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def run_points(
    points: list[dict[str, Any]], train_split: Split, val_split: Split, jobs: int, csv_path: Path
) -> None:
    """Run ``points`` in ``jobs`` spawned worker processes, appending each row as it finishes."""
    threads = max(1, (os.cpu_count() or 1) // jobs)
    with (
        progress_bar(len(points) * len(train_split), "sweep") as bar,
        _blas_threads(threads),
    ):
        executor = ProcessPoolExecutor(
            max_workers=jobs,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker,
            initargs=(train_split, val_split),
        )
        try:
            pending = {executor.submit(_run_point_in_worker, point) for point in points}
            while pending:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    row = future.result()
                    append_row(csv_path, row)
                    bar.update(row["train_images"])
                    bar.write(
                        f"H={row['hidden_layers']:<2} lr={lr_text(row['lr']):<8} "
                        f"val {row['val_accuracy']:.2%}"
                    )
        finally:
            executor.shutdown(wait=True, cancel_futures=True)


# -- the command ----------------------------------------------------------------------------------


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "sweep",
        help="sweep hidden layers x learning rates of rule itoh (parallel, resumable)",
        description="Train and score rule itoh at every point of a grid of hidden layers x "
        "learning rates (by default the paper's: H 2..15, lr 1e-1..1e-8) in parallel worker "
        "processes. Each point is appended to the CSV when it finishes; points already in the "
        "CSV are skipped, so an interrupted sweep resumes where it stopped.",
    )
    parser.add_argument("--rule", choices=("itoh",), default="itoh", help="the rule to sweep")
    add_data_options(parser)
    parser.add_argument(
        "--hidden-layers",
        default=DEFAULT_HIDDEN_LAYERS,
        metavar="SPEC",
        help=f"hidden layer counts, e.g. 2..15 or 2,3,5 (default {DEFAULT_HIDDEN_LAYERS})",
    )
    parser.add_argument(
        "--lrs",
        default=DEFAULT_LRS,
        metavar="SPEC",
        help=f"learning rates, e.g. 1e-1..1e-8 (powers of ten) or 1e-3,5e-4 (default "
        f"{DEFAULT_LRS})",
    )
    parser.add_argument("--activation", choices=("relu", "step"), default="relu")
    parser.add_argument(
        "--per-label",
        type=int,
        metavar="N",
        help="training images per label (default: the rarest label's count)",
    )
    parser.add_argument("--seed", type=int, default=0, help="initialisation and shuffling seed")
    parser.add_argument(
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        metavar="J",
        help="worker processes (default: one per CPU core)",
    )
    parser.add_argument("--csv", required=True, metavar="FILE", help="results, appended to")
    add_figure_option(parser, "the accuracy over H x lr, overall and per label")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    hidden_layers = parse_ints(args.hidden_layers)
    if min(hidden_layers) < 2:
        raise HebbvizError(f"--hidden-layers must all be at least 2: {args.hidden_layers!r}")
    lrs = parse_lrs(args.lrs)
    if args.jobs < 1:
        raise HebbvizError(f"--jobs must be at least 1, got {args.jobs}")
    if args.per_label is not None and args.per_label < 1:
        raise HebbvizError(f"--per-label must be at least 1, got {args.per_label}")
    csv_path = Path(args.csv)
    figure = checked_figure_path(args)
    done = read_done(csv_path)
    dataset = dataset_from_args(args)
    train_split = balance(dataset.train, args.per_label)
    per_label = min(train_split.per_label())
    common = {"activation": args.activation, "per_label": per_label, "seed": args.seed}
    points = [
        {"hidden_layers": h, "lr": lr, **common, "data_source": dataset.source}
        for h in hidden_layers
        for lr in lrs
    ]
    todo = [point for point in points if point_key(point) not in done]
    print(f"data: {dataset.source}; {per_label} training images per label")
    print(
        f"{len(points)} points, {len(points) - len(todo)} already in {csv_path}, "
        f"{len(todo)} to run with {min(args.jobs, max(len(todo), 1))} worker processes"
    )
    if todo:
        if upgrade(csv_path):
            print(f"{csv_path}: added the per-label column (empty for the earlier rows)")
        run_points(todo, train_split, dataset.val, min(args.jobs, len(todo)), csv_path)
        done = read_done(csv_path)
    grid = sweep_grid([done[point_key(point)] for point in points], csv_path)
    print(table(grid))
    if figure is not None:
        save_figure("stage3_figure", grid, figure)
    return 0


def table(grid: SweepGrid) -> str:
    """Validation accuracy per hidden layers (rows) x learning rate (columns); the best point."""
    best_h, best_lr, best_accuracy = grid.best()
    lines = ["validation accuracy (%), rows: hidden layers, columns: learning rate"]
    lines.append("   H " + "".join(f"{lr_text(lr):>9}" for lr in grid.lrs))
    for h, row in zip(grid.hidden_layers, grid.accuracy, strict=True):
        cells = ""
        for lr, accuracy in zip(grid.lrs, row, strict=True):
            value = "-" if np.isnan(accuracy) else f"{100 * accuracy:.1f}"
            cells += f"{value:>8}{'*' if (h, lr) == (best_h, best_lr) else ' '}"
        lines.append(f"{h:>4} {cells}")
    lines.append(f"best (*): H={best_h}, lr={lr_text(best_lr)}: {best_accuracy:.2%}")
    return "\n".join(lines)
