"""How long the app's GUI thread is ever held up while a Paper stage computes (and its figures
are drawn) and a model trains at full speed beside it.

Builds the main window offscreen on the shipped sample, starts a training run (``--rule``;
``none`` for no run), presses the stage's Compute button and, until the stage and its last
figure are done, ticks a 5 ms heartbeat timer on the GUI thread (``hebbviz bench --gui``'s).
Prints the longest gaps between ticks, the number over 100 ms, the load average, and every
event the GUI thread took over 40 ms to handle (which object, which event)::

    python tools/paper_stalls.py --stage 2 --depth 3 --rule itoh
    python tools/paper_stalls.py --stage 1 --depth 4 --rule itoh --draw   # a digit on the canvas

With ``--draw`` the canvas shows a validation digit, so the answer is refreshed as the model
learns (the answer refresh, not the Paper view, then dominates the gaps while itoh trains).
Timings depend on the machine's load: run it a few times, on a quiet machine.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication

from hebbviz import kernels
from hebbviz.data.sources import open_dataset
from hebbviz.gui import style
from hebbviz.gui.gui_bench import heartbeat_timer
from hebbviz.gui.main_window import MainWindow
from hebbviz.gui.training_controller import RunSettings

SLOW_EVENT_S = 0.04


class TimedApplication(QApplication):
    """Records every event that took the GUI thread longer than ``SLOW_EVENT_S``."""

    slow: list[tuple[float, float, str]] = []

    def notify(self, receiver, event):  # noqa: ANN001, ANN201 (Qt override)
        began = time.perf_counter()
        handled = super().notify(receiver, event)
        took = time.perf_counter() - began
        if took > SLOW_EVENT_S:
            what = f"{type(receiver).__name__} {event.type().name}"
            self.slow.append((began, took, what))
        return handled


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stage", type=int, choices=(1, 2), default=2)
    parser.add_argument("--depth", type=int, default=3, help="stage 1: up to H; stage 2: H")
    parser.add_argument("--rule", default="itoh", help="the rule trained meanwhile, or none")
    parser.add_argument("--draw", action="store_true", help="a digit on the canvas")
    args = parser.parse_args()

    app = TimedApplication([])
    style.configure_pyqtgraph()
    kernels.warm_up()
    window = MainWindow(remember=False)
    window.session.set_dataset(open_dataset(None, None))
    window.session.mark_kernels_ready()
    window.resize_to(QSize(1600, 900))
    window.show()
    if args.draw:
        window.show_validation_digit(0)
    view = window.paper_view
    window.tabs.setCurrentWidget(view)
    view.tabs.setCurrentIndex(args.stage - 1)
    (view.stage1_depth if args.stage == 1 else view.stage2_depth).setValue(args.depth)
    page, job = view.pages[args.stage], window.paper.jobs[args.stage]
    figure = window.paper.figures[args.stage]
    if args.rule != "none":
        params = {"hidden_layers": 2, "lr": 1e-6} if args.rule == "itoh" else {}
        window.training.start(RunSettings(args.rule, params, epochs=1000))
        while window.training.progress is None:
            app.processEvents()
            time.sleep(0.005)

    settled = time.perf_counter() + 2.0  # the window laid out and painted first
    while time.perf_counter() < settled:
        app.processEvents()
        time.sleep(0.005)
    beats: list[float] = []
    heartbeat = heartbeat_timer(beats)
    heartbeat.start()
    began = time.perf_counter()
    page.computeRequested.emit()
    while job.running or figure.drawing:
        app.processEvents()
        time.sleep(0.001)
    elapsed = time.perf_counter() - began
    heartbeat.stop()
    progress = window.training.progress
    window.training.stop()
    window.close()

    gaps = 1000 * np.diff([began, *beats])
    print(f"  the page says: {page.status.text()[:100]}")
    print(
        f"Paper stage {args.stage} (H {args.depth}) beside {args.rule} training"
        f"{', digit drawn' if args.draw else ''}: {elapsed:.1f} s, "
        f"{progress.seen if progress else 0} images trained, load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    print(
        f"  heartbeat gaps: longest {gaps.max():.0f} ms, 99th percentile "
        f"{np.percentile(gaps, 99):.0f} ms, {(gaps > 100).sum()} over 100 ms"
    )
    for start, took, what in TimedApplication.slow:
        if start >= began:
            print(f"  at {start - began:6.2f} s: {1000 * took:5.0f} ms {what}")


if __name__ == "__main__":
    main()
