"""``hebbviz bench``: images/s of every rule and implementation, measured in one run."""

from __future__ import annotations

import argparse
import logging

from hebbviz.commands.common import add_data_options, dataset_from_args, json_line
from hebbviz.cpu_load import cpu_load
from hebbviz.errors import HebbvizError
from hebbviz.models import RULES

log = logging.getLogger(__name__)


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "bench",
        help="measure training and evaluation speed of every rule",
        description="Measure images/s of every rule and implementation in one run: itoh's "
        "blocked exact training vs the paper's one-image loop, the Oja kernel vs its NumPy "
        "twin, the strokes kernels vs theirs, whole-epoch training and evaluation per rule. "
        "Uses the default data set (the shipped MNIST sample) unless data is named.",
    )
    add_data_options(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--gui",
        action="store_true",
        help="instead: open the app offscreen, train at full speed while drawing, and measure "
        "heatmap redraws/s, the longest GUI stall and stroke-to-bars latency",
    )
    parser.add_argument(
        "--rule", choices=sorted(RULES), default="oja", help="with --gui: the rule to train"
    )
    parser.add_argument(
        "--soak",
        type=float,
        metavar="SECONDS",
        help="with --gui: instead, keep training for SECONDS (a new run, cycling the rules, "
        "whenever one finishes; a stroke every second) and report memory growth after the "
        "first minute, the longest GUI stall and the runs finished",
    )
    parser.add_argument(
        "--background-load",
        type=int,
        default=0,
        metavar="N",
        help="run N CPU-bound helper processes beside the bench while it measures (other "
        "programs using the CPU; they are always stopped at the end)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.background_load < 0:
        raise HebbvizError(f"--background-load {args.background_load}: give 0 or more processes")
    if args.soak is not None and (not args.gui or args.soak <= 0):
        raise HebbvizError(f"--soak {args.soak:g}: give it with --gui and a positive duration")
    from hebbviz.bench import machine_speed_ms  # Numba is imported only when benchmarking

    speed = machine_speed_ms()  # before the busy processes start
    with cpu_load(args.background_load):
        if args.background_load:
            log.info("bench: %d busy processes run beside it", args.background_load)
        return measure(args, {"background_load": args.background_load, "reference_ms": speed})


def measure(args: argparse.Namespace, context: dict[str, float]) -> int:
    """Run and print the bench ``args`` asks for, with ``context`` added to its result (the
    busy processes beside it and :func:`~hebbviz.bench.machine_speed_ms`)."""
    from hebbviz.bench import run_bench

    if args.gui:
        from hebbviz.gui import gui_bench  # Qt only for --gui

        data_dir = getattr(args, "data_dir", None)
        name = getattr(args, "dataset", None)
        if args.soak is not None:
            result = gui_bench.run_gui_soak(data_dir, name, args.soak) | context
            text = gui_bench.describe_soak(result)
        else:
            result = gui_bench.run_gui_bench(data_dir, name, args.rule) | context
            text = gui_bench.describe(result)
        print(json_line(result) if args.json else f"{text}\n{_speed_line(context)}")
        return 0
    dataset = dataset_from_args(args)
    kind = "synthetic digits" if dataset.synthetic else "real digits"
    log.info("bench data: %s (%s)", dataset.source, kind)
    result = run_bench(dataset, report=lambda step: log.info("  %s ...", step)) | context
    if args.json:
        print(json_line(result))
        return 0
    itoh, oja, ratios = result["itoh"], result["oja"], result["ratios"]
    print(f"data: {result['data']} ({kind})")
    print(_speed_line(context))
    print(
        f"itoh H={itoh['hidden_layers']}, {itoh['images']} images of one label: "
        f"blocked {itoh['blocked_images_per_s']:,.0f}/s, one-image loop "
        f"{itoh['loop_images_per_s']:,.0f}/s: {ratios['itoh_blocked_vs_loop']:.1f}x"
    )
    print(
        f"oja k={oja['k']}, one pass over {oja['images']} images of one label: "
        f"kernel {oja['kernel_images_per_s']:,.0f}/s, NumPy twin "
        f"{oja['numpy_images_per_s']:,.0f}/s: {ratios['oja_kernel_vs_numpy']:.1f}x"
    )
    strokes = result["strokes"]
    print(
        f"strokes, {strokes['patches']:,} patches: competitive kernel "
        f"{strokes['competitive_kernel_per_s']:,.0f}/s, NumPy twin "
        f"{strokes['competitive_numpy_per_s']:,.0f}/s: {ratios['competitive_kernel_vs_numpy']:.1f}x"
    )
    print(
        f"strokes, {strokes['map_images']} images: detector map kernel "
        f"{strokes['map_kernel_images_per_s']:,.0f}/s, NumPy twin "
        f"{strokes['map_numpy_images_per_s']:,.0f}/s: {ratios['detector_map_kernel_vs_numpy']:.1f}x"
    )
    features = strokes["oja"]
    print(
        f"strokes k={features['k']}, width {features['width']}, one pass over "
        f"{features['images']} images of one label: kernel "
        f"{features['kernel_images_per_s']:,.0f}/s, NumPy twin "
        f"{features['numpy_images_per_s']:,.0f}/s: {ratios['strokes_oja_kernel_vs_numpy']:.1f}x"
    )
    deskewing = result["deskew"]
    print(
        f"deskewing, {deskewing['images']} images: kernel "
        f"{deskewing['kernel_images_per_s']:,.0f}/s, NumPy twin "
        f"{deskewing['numpy_images_per_s']:,.0f}/s: {ratios['deskew_kernel_vs_numpy']:.1f}x; "
        f"one drawing {deskewing['one_drawing_kernel_ms']:.2f} ms vs "
        f"{deskewing['one_drawing_numpy_ms']:.2f} ms"
    )
    print(f"{'rule':8}{'train epoch, img/s':>20}{'eval (10 nets), img/s':>24}{'shared stage':>14}")
    for rule, speed in result["rules"].items():
        shared = f"{speed['shared_stage_s']:.1f} s" if speed["shared_stage_s"] else ""
        print(
            f"{rule:8}{speed['train_images_per_s']:>20,.0f}{speed['eval_images_per_s']:>24,.0f}"
            f"{shared:>14}"
        )
    return 0


def _speed_line(context: dict[str, float]) -> str:
    return (
        f"machine speed: the reference product took {context['reference_ms']:.2f} ms (compare "
        "runs only at similar values)"
    )
