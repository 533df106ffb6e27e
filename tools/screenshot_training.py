"""Save a screenshot of the app in the middle of a training run (the README's training.png).

Builds the window offscreen, trains a subspace rule on a data folder at a set speed for a few
seconds (the accuracy curve gets its points, the Weights tab shows the eigen-digits emerging),
pauses, and saves the whole window as a PNG::

    python tools/screenshot_training.py --data-dir ../shared/datasets/mnist-10k

How far training gets depends only on the time and the speed set, so the picture is the same
from run to run up to a few hundred images.

For a rule with a layer all labels share (``strokes``), ``--shared N`` shows the Detectors tab
instead and pauses once the layer has learned ``N`` inputs (0: once its whole stage is done),
whatever the time; the README's detector grids were made with::

    python tools/screenshot_training.py --data-dir ../shared/datasets/mnist-10k --rule strokes \
        --rate 2 --shared 3 --tab-only --size 1500 800 \
        --out assets/screenshots/detectors-learning.png
    python tools/screenshot_training.py --data-dir ../shared/datasets/mnist-10k --rule strokes \
        --rate 0 --shared 0 --tab-only --size 1500 800 \
        --out assets/screenshots/detectors-learned.png
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from hebbviz.models import RULES

ASSETS = Path(__file__).resolve().parents[1] / "assets" / "screenshots"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ASSETS / "training.png", help="PNG to write")
    parser.add_argument("--data-dir", required=True, help="a folder of MNIST-format IDX files")
    parser.add_argument("--rule", default="sanger", choices=sorted(RULES))
    parser.add_argument("--rate", type=float, default=3000, help="images per second (0: full)")
    parser.add_argument(
        "--shared",
        type=int,
        metavar="N",
        help="show the shared layer (Detectors tab); pause once it learned N inputs (0: all)",
    )
    parser.add_argument("--seconds", type=float, default=6.0, help="training time before pausing")
    parser.add_argument("--size", type=int, nargs=2, default=(1920, 1000), metavar=("W", "H"))
    parser.add_argument(
        "--tab-only", action="store_true", help="save the shown tab, not the window"
    )
    args = parser.parse_args(argv)

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSize
    from PySide6.QtWidgets import QApplication

    from hebbviz import kernels
    from hebbviz.data.sources import open_dataset
    from hebbviz.gui.app import application
    from hebbviz.gui.classroom import save_png
    from hebbviz.gui.main_window import MainWindow
    from hebbviz.gui.training_panel import RATES

    app = application()
    kernels.warm_up()
    window = MainWindow(remember=False)
    window.session.set_dataset(open_dataset(args.data_dir, None))
    window.session.mark_kernels_ready()
    window.resize_to(QSize(*args.size))
    window.show()
    panel = window.training_panel
    panel.rule_choice.setCurrentText(args.rule)
    if args.rate <= 0:
        panel.speed.setValue(RATES.index(None))
    else:
        panel.speed.setValue(min(range(len(RATES) - 1), key=lambda i: abs(RATES[i] - args.rate)))
    shared = args.shared is not None
    window.tabs.setCurrentWidget(window.detector_view if shared else window.weight_view)
    splitter = window.centralWidget()  # the heatmaps get the room, as a user would drag it
    splitter.setSizes([1, 2 * sum(splitter.sizes())])
    window.show_validation_digit(0)

    def run_for(seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.005)

    window.training.start(panel.settings())
    if shared:
        worker = window.training.worker

        def learned_enough() -> bool:
            layer = worker.shared
            return layer is not None and layer.seen >= (args.shared or layer.total)

        while not learned_enough():
            app.processEvents()
            time.sleep(0.001)
    else:
        run_for(args.seconds)
    panel.pause()
    run_for(0.5)  # the last frame: progress, heatmaps and status bar catch up
    try:
        save_png(window.tabs.currentWidget() if args.tab_only else window, args.out)
    finally:
        window.close()
    QApplication.processEvents()
    print(f"saved {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
