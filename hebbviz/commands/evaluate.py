"""``hebbviz eval``: score a model file on the validation (or test) split."""

from __future__ import annotations

import argparse

from hebbviz.commands.common import (
    add_data_options,
    add_split_option,
    dataset_from_args,
    json_line,
    scored_split,
)
from hebbviz.commands.progress import progress_bar
from hebbviz.errors import HebbvizError
from hebbviz.evaluation import Evaluation, evaluate
from hebbviz.modelfile import load_model


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "eval",
        help="score a model file on the validation or test split",
        description="Score a model file: accuracy, per-label accuracy, confusion matrix, and "
        "samples scored wrong because a network diverged.",
    )
    parser.add_argument("--model", required=True, metavar="FILE", help="model file to score")
    add_data_options(parser)
    add_split_option(parser)
    parser.add_argument(
        "--json",
        action="store_true",
        help='print {"accuracy", "per_label", "confusion", "n", "diverged"} as JSON',
    )
    parser.set_defaults(run=run)


def report(result: Evaluation, classes: tuple[str, ...]) -> str:
    """The evaluation as text: accuracy, per-label accuracy and the confusion matrix."""
    width = max(5, *(len(name) for name in classes))
    lines = [f"accuracy: {result.accuracy:.2%} of {result.n} images"]
    if result.diverged:
        lines.append(f"scored wrong because a network diverged: {result.diverged}")
    lines += ["", f"{'label':>{width}}  accuracy   confusion (rows true, columns predicted)"]
    lines.append(f"{'':>{width}}  {'':8}  " + " ".join(f"{i:>5}" for i in range(len(classes))))
    for name, accuracy, row in zip(classes, result.per_label, result.confusion, strict=True):
        counts = " ".join(f"{n:>5}" for n in row)
        lines.append(f"{name:>{width}}  {accuracy:>8.2%}  {counts}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    model, metadata = load_model(args.model)
    dataset = dataset_from_args(args)
    split = scored_split(dataset, args.split)
    if len(dataset.classes) != model.n_labels:
        raise HebbvizError(
            f"{args.model}: {model.n_labels} labels, but {dataset.source} has "
            f"{len(dataset.classes)} classes"
        )
    with progress_bar(len(split), f"scoring {metadata['rule']}") as bar:
        result = evaluate(model, split, progress=bar.update)
    if args.json:
        print(json_line(result.to_json()))
    else:
        print(f"model: {args.model} ({metadata['rule']}, trained on {metadata.get('data_source')})")
        print(f"data:  {args.split} split of {dataset.source}")
        print(report(result, dataset.classes))
    return 0
