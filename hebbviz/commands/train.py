"""``hebbviz train``: train one rule's networks on the training split and save a model file."""

from __future__ import annotations

import argparse
import inspect

from hebbviz.commands.common import add_data_options, dataset_from_args
from hebbviz.commands.progress import train_with_progress
from hebbviz.data.dataset import Split, balance
from hebbviz.errors import HebbvizError
from hebbviz.evaluation import evaluate
from hebbviz.modelfile import save_model
from hebbviz.models import RULES, rule_class
from hebbviz.models.base import NormClassifier

RULE_OPTIONS: dict[str, str] = {
    "hidden_layers": "--hidden-layers",
    "lr": "--lr",
    "activation": "--activation",
    "dtype": "--dtype",
    "k": "--k",
    "lr_decay": "--lr-decay",
    "deskew": "--deskew",
    "init_scale": "--init-scale",
    "n_detectors": "--detectors",
    "threshold": "--threshold",
}
"""Each rule option's keyword in the rules' constructors, and its flag."""


def add_rule_options(parser: argparse.ArgumentParser) -> None:
    """The hyperparameter options; each applies to the rules whose constructor takes it."""
    group = parser.add_argument_group("rule options (the rule's defaults when not given)")
    group.add_argument("--hidden-layers", type=int, metavar="H", help="itoh: hidden layers (>= 2)")
    group.add_argument("--lr", type=float, metavar="LR", help="learning rate")
    group.add_argument("--activation", choices=("relu", "step"), help="itoh: hidden activation")
    group.add_argument("--dtype", choices=("float64", "float32"), help="itoh: float precision")
    group.add_argument(
        "--k", type=int, metavar="K", help="oja/sanger/strokes: output units per label"
    )
    group.add_argument(
        "--lr-decay", type=float, metavar="D", help="oja/sanger/strokes: lr schedule decay"
    )
    group.add_argument(
        "--init-scale",
        type=float,
        metavar="S",
        help="oja/sanger/strokes: initial weight row length",
    )
    group.add_argument(
        "--deskew",
        action=argparse.BooleanOptionalAction,
        help="oja/sanger/strokes: straighten slanted digits first",
    )
    group.add_argument(
        "--detectors",
        dest="n_detectors",
        type=int,
        metavar="N",
        help="strokes: shared 5x5 stroke detectors",
    )
    group.add_argument(
        "--threshold",
        type=float,
        metavar="C",
        help="strokes: a detector fires where its cosine to a patch exceeds C",
    )


def build_model(rule: str, args: argparse.Namespace) -> NormClassifier:
    """A fresh model of ``rule`` with the hyperparameters given on the command line.

    Raises
    ------
    HebbvizError
        If an option does not apply to the rule, or a value is out of range.
    """
    model_class = rule_class(rule)
    accepted = inspect.signature(model_class).parameters
    params = {}
    for name, flag in RULE_OPTIONS.items():
        value = getattr(args, name)
        if value is None:
            continue
        if name not in accepted:
            raise HebbvizError(f"{flag} does not apply to rule {rule}")
        params[name] = value
    if "seed" in accepted:
        params["seed"] = args.seed
    try:
        return model_class(**params)
    except ValueError as error:
        raise HebbvizError(f"rule {rule}: {error}") from None


def training_split(
    split: Split, model: NormClassifier, per_label: int | None, no_balance: bool
) -> tuple[Split, bool]:
    """The images to train on, and whether they are balanced.

    Rules that want it (``balanced_by_default``) get equal counts per label (the rarest label's
    count, or ``per_label``) unless ``no_balance``; ``per_label`` alone caps every label.
    """
    balanced = type(model).balanced_by_default and not no_balance
    if per_label is not None and per_label < 1:
        raise HebbvizError(f"--per-label must be at least 1, got {per_label}")
    if balanced or per_label is not None:
        split = balance(split, per_label)
    return split, balanced


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "train",
        help="train a rule's ten networks and save a model file",
        description="Train one rule's per-label networks on the training split, print the "
        "validation accuracy, and save the model file.",
    )
    parser.add_argument("--rule", required=True, choices=tuple(RULES), help="the Hebbian rule")
    add_data_options(parser)
    add_rule_options(parser)
    parser.add_argument(
        "--per-label", type=int, metavar="N", help="at most N training images per label"
    )
    parser.add_argument(
        "--no-balance",
        action="store_true",
        help="keep every label's images even where the rule trains on equal counts by default",
    )
    parser.add_argument("--epochs", type=int, metavar="E", help="passes over the training images")
    parser.add_argument("--seed", type=int, default=0, help="initialisation and shuffling seed")
    parser.add_argument("--out", required=True, metavar="FILE", help="model file to write (.npz)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    model = build_model(args.rule, args)
    epochs = args.epochs if args.epochs is not None else type(model).default_epochs
    if epochs < 1:
        raise HebbvizError(f"--epochs must be at least 1, got {epochs}")
    dataset = dataset_from_args(args)
    if len(dataset.classes) != model.n_labels:
        raise HebbvizError(
            f"{dataset.source}: {len(dataset.classes)} classes, expected {model.n_labels}"
        )
    split, balanced = training_split(dataset.train, model, args.per_label, args.no_balance)
    counts = split.per_label(model.n_labels)
    print(f"data: {dataset.source}")
    print(
        f"training {args.rule} on {len(split)} images "
        f"({'balanced, ' if balanced else ''}{min(counts)}..{max(counts)} per label), "
        f"{epochs} epoch{'s' if epochs > 1 else ''}"
    )
    last = train_with_progress(model, split, epochs=epochs, seed=args.seed)
    result = evaluate(model, dataset.val)
    print(f"trained in {last.elapsed:.1f} s ({last.images_per_s:.0f} images/s)")
    if last.diverged:
        print(f"diverged networks (labels): {', '.join(map(str, last.diverged))}")
    print(
        f"validation accuracy: {result.accuracy:.2%} ({result.n} images"
        + (f", {result.diverged} scored wrong as diverged)" if result.diverged else ")")
    )
    save_model(
        args.out,
        model,
        {
            "data_source": dataset.source,
            "synthetic": dataset.synthetic,
            "classes": list(dataset.classes),
            "balanced": balanced,
            "epochs": epochs,
            "seed": args.seed,
            "train_seconds": round(last.elapsed, 3),
            "val_accuracy": result.accuracy,
            "val_n": result.n,
        },
    )
    print(f"saved {args.out}")
    return 0
