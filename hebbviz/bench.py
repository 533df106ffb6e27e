"""Speed measurements of the rules and their implementations, all taken in one run (no Qt).

Speeds are compared as ratios measured side by side on the same images, never as absolute
numbers in a test: ``itoh``'s exact blocked training against the paper's plain one-image NumPy
loop, the fused Oja kernel against its NumPy twin, and the three kernels of ``strokes`` (the
competitive pass, the detector map, and the Oja kernel on detector answers) against theirs.
Besides: whole-epoch training with all labels, and evaluation through all ten networks, for every
rule.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np

from hebbviz.data.dataset import Dataset, Split, balance
from hebbviz.kernels import (
    competitive_pass,
    competitive_pass_numpy,
    deskew_pass,
    detector_map,
    detector_map_numpy,
    oja_pass,
    oja_pass_numpy,
    warm_up,
)
from hebbviz.models import RULES, rule_class
from hebbviz.models.base import NormClassifier
from hebbviz.models.itoh import WIDTH
from hebbviz.models.subspace import SubspaceNetworks
from hebbviz.preprocess import CENTRE, MAX_SLANT, deskew_numpy
from hebbviz.training import train

ITOH_HIDDEN_LAYERS = 2
ITOH_IMAGES = 512
OJA_K = 32
STROKES_PATCHES = 20_000
STROKES_IMAGES = 500


def best_times(
    prepare: dict[str, Callable[[], Callable[[], None]]], repeats: int
) -> dict[str, float]:
    """The shortest of ``repeats`` wall-clock timings of each run, in seconds.

    ``prepare[name]()`` sets up a fresh run (untimed) and returns it; then the run is timed.
    The runs take turns (a, b, a, b, ...), so that load from other processes on the machine
    weighs on all of them alike and their ratio stays fair.
    """
    best = dict.fromkeys(prepare, float("inf"))
    for _ in range(repeats):
        for name, setup in prepare.items():
            run = setup()
            began = time.perf_counter()
            run()
            best[name] = min(best[name], time.perf_counter() - began)
    return best


def machine_speed_ms(repeats: int = 20) -> float:
    """How fast the machine is right now: the shortest of ``repeats`` timings of a fixed piece of
    work (one itoh answer's products: ten 784 x 784 matrices times a vector), in milliseconds.

    On a shared virtual machine this moved by up to 2x within an hour while the hypervisor
    reported no stolen time: compare bench runs only at similar values.
    """
    weights = np.random.default_rng(0).normal(size=(10, WIDTH, WIDTH))
    vector = np.ones((1, WIDTH))

    def product() -> None:
        np.matmul(vector, weights.transpose(0, 2, 1))

    return 1000 * best_times({"product": lambda: product}, repeats)["product"]


def one_label(split: Split, label: int, count: int | None = None) -> Split:
    """The first ``count`` images of ``label`` (all of them by default)."""
    return split.subset(np.flatnonzero(split.labels == label)[:count])


def bench_itoh(split: Split) -> dict[str, Any]:
    """Blocked exact ``itoh`` training vs the paper's one-image loop, H=2, on one label's images."""
    images = one_label(split, 0, ITOH_IMAGES)
    model_class = rule_class("itoh")

    def blocked() -> Callable[[], None]:
        model = model_class(hidden_layers=ITOH_HIDDEN_LAYERS)
        return lambda: model.learn_many(images.images, images.labels)

    def loop() -> Callable[[], None]:
        model = model_class(hidden_layers=ITOH_HIDDEN_LAYERS)
        return lambda: model.learn_many_reference(images.images, images.labels)

    blocked()()  # warm BLAS and the caches
    seconds = best_times({"blocked": blocked, "loop": loop}, 3)
    return {
        "hidden_layers": ITOH_HIDDEN_LAYERS,
        "images": len(images),
        "blocked_images_per_s": len(images) / seconds["blocked"],
        "loop_images_per_s": len(images) / seconds["loop"],
    }


def bench_oja(split: Split, model: SubspaceNetworks | None = None) -> dict[str, Any]:
    """The Oja kernel vs its NumPy twin: one pass of one label's network over the same images.

    ``model`` (rule ``oja`` with k=OJA_K by default) says what the network sees (its
    :meth:`~hebbviz.models.subspace.SubspaceNetworks.inputs`) and where its weights start.
    """
    model = model or rule_class("oja")(k=OJA_K)
    inputs = model.inputs(one_label(split, 0).images)
    rates = model.rates(0, len(inputs))
    start = model.weights[0]
    seconds = best_times(
        {
            "kernel": lambda: partial(oja_pass, start.copy(), inputs, rates),
            "numpy": lambda: partial(oja_pass_numpy, start.copy(), inputs, rates),
        },
        5,
    )
    return {
        "k": model.k,
        "width": model.width,
        "images": len(inputs),
        "kernel_images_per_s": len(inputs) / seconds["kernel"],
        "numpy_images_per_s": len(inputs) / seconds["numpy"],
    }


def bench_strokes(split: Split) -> dict[str, Any]:
    """The three kernels of ``strokes`` vs their NumPy twins, on the same real inputs.

    The competitive pass over phase 1's first patches; the detector map of the first images;
    one pass of Oja's rule over one label's detector answers (the detectors learned first
    from those patches).
    """
    model = rule_class("strokes")()
    patches = model.start_shared(split.images, np.random.default_rng(0))[:STROKES_PATCHES]
    rates = np.full(len(patches), model.detector_lr)
    start = model.detectors.reshape(model.n_detectors, -1)
    competitive = best_times(
        {
            "kernel": lambda: partial(competitive_pass, start.copy(), patches, rates),
            "numpy": lambda: partial(competitive_pass_numpy, start.copy(), patches, rates),
        },
        3,
    )
    model.learn_shared(patches)
    pixels = model.pixels(split.images[:STROKES_IMAGES])
    mapping = best_times(
        {
            name: lambda run=run: partial(run, pixels, model.detectors, model.threshold, 4)
            for name, run in (("kernel", detector_map), ("numpy", detector_map_numpy))
        },
        3,
    )
    oja = bench_oja(split, model)
    return {
        "patches": len(patches),
        "competitive_kernel_per_s": len(patches) / competitive["kernel"],
        "competitive_numpy_per_s": len(patches) / competitive["numpy"],
        "map_images": len(pixels),
        "map_kernel_images_per_s": len(pixels) / mapping["kernel"],
        "map_numpy_images_per_s": len(pixels) / mapping["numpy"],
        "oja": oja,
    }


def bench_deskew(split: Split) -> dict[str, Any]:
    """Deskewing: the kernel vs its NumPy twin, on a batch of training digits and on the one
    drawing the app answers (its cost per stroke)."""
    batch = np.ascontiguousarray(split.images[:STROKES_IMAGES], dtype=np.float32)
    times = {}
    for images in (batch, batch[:1]):
        times[len(images)] = best_times(
            {
                "kernel": lambda images=images: partial(deskew_pass, images, CENTRE, MAX_SLANT),
                "numpy": lambda images=images: partial(deskew_numpy, images),
            },
            3,
        )
    return {
        "images": len(batch),
        "kernel_images_per_s": len(batch) / times[len(batch)]["kernel"],
        "numpy_images_per_s": len(batch) / times[len(batch)]["numpy"],
        "one_drawing_kernel_ms": 1000 * times[1]["kernel"],
        "one_drawing_numpy_ms": 1000 * times[1]["numpy"],
    }


def bench_rule(rule: str, dataset: Dataset) -> dict[str, float]:
    """Images/s of one whole epoch with all labels, and of evaluation through all networks.

    A model with a shared stage (``strokes``) learns it first; its seconds are reported apart
    and left out of the epoch's images/s.
    """
    model: NormClassifier = rule_class(rule)()
    split = balance(dataset.train) if type(model).balanced_by_default else dataset.train
    snapshots = list(train(model, split))
    shared = [s.elapsed for s in snapshots if s.stage == "shared"]
    shared_s = shared[-1] if shared else 0.0
    last = snapshots[-1]
    began = time.perf_counter()
    model.label_norms(dataset.val.images)
    return {
        "shared_stage_s": shared_s,
        "train_images_per_s": len(split) / (last.elapsed - shared_s),
        "train_images": len(split),
        "eval_images_per_s": len(dataset.val) / (time.perf_counter() - began),
        "eval_images": len(dataset.val),
    }


def run_bench(dataset: Dataset, report: Callable[[str], None] = lambda step: None) -> dict:
    """Every measurement, as the JSON ``hebbviz bench --json`` prints.

    Parameters
    ----------
    dataset : Dataset
    report : callable
        Told the name of each step as it starts (for a status line).
    """
    report("compiling kernels")
    warm_up()
    report("itoh: blocked vs one-image loop")
    itoh = bench_itoh(dataset.train)
    report("oja: kernel vs NumPy twin")
    oja = bench_oja(dataset.train)
    report("strokes: kernels vs NumPy twins")
    strokes = bench_strokes(dataset.train)
    report("deskewing: kernel vs NumPy twin")
    deskewing = bench_deskew(dataset.train)
    rules = {}
    for rule in RULES:
        report(f"{rule}: one epoch and evaluation")
        rules[rule] = bench_rule(rule, dataset)
    return {
        "data": dataset.source,
        "synthetic": dataset.synthetic,
        "itoh": itoh,
        "oja": oja,
        "strokes": strokes,
        "deskew": deskewing,
        "rules": rules,
        "ratios": {
            "itoh_blocked_vs_loop": itoh["blocked_images_per_s"] / itoh["loop_images_per_s"],
            "oja_kernel_vs_numpy": oja["kernel_images_per_s"] / oja["numpy_images_per_s"],
            "competitive_kernel_vs_numpy": strokes["competitive_kernel_per_s"]
            / strokes["competitive_numpy_per_s"],
            "detector_map_kernel_vs_numpy": strokes["map_kernel_images_per_s"]
            / strokes["map_numpy_images_per_s"],
            "strokes_oja_kernel_vs_numpy": strokes["oja"]["kernel_images_per_s"]
            / strokes["oja"]["numpy_images_per_s"],
            "deskew_kernel_vs_numpy": deskewing["kernel_images_per_s"]
            / deskewing["numpy_images_per_s"],
        },
    }
