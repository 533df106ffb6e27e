"""``hebbviz bench --gui``: is the app smooth while it trains at full speed?

Opens the main window offscreen, trains at full speed for a while and meanwhile draws strokes on
the canvas with synthetic mouse events, as a user would, and measures:

- ``fps``: heatmap redraws per second of the "Weights" tab;
- ``max_stall_ms``: the longest gap between two ticks of a 5 ms heartbeat timer on the GUI thread
  (how long the GUI was ever unable to react);
- ``latency_ms_p95``: from a stroke's mouse event to the norm bars updated with a drawing that
  includes it, 95th percentile (median too).
"""

from __future__ import annotations

import math
import os
import time
from typing import Any

import numpy as np

HEARTBEAT_MS = 5
MOVE_MS = 10  # a mouse reports about 100 positions a second while drawing
POINTS_PER_STROKE = 30


def _strokes() -> list[list[tuple[float, float]]]:
    """A few digit-like strokes in unit coordinates of the canvas square."""
    angles = np.linspace(0, 2 * math.pi, POINTS_PER_STROKE)
    zero = [(0.5 + 0.22 * math.sin(a), 0.5 - 0.32 * math.cos(a)) for a in angles]
    one = [(0.55 - 0.08 * t, 0.18 + 0.64 * t) for t in np.linspace(0, 1, POINTS_PER_STROKE)]
    seven_top = [(0.3 + 0.4 * t, 0.2) for t in np.linspace(0, 1, POINTS_PER_STROKE // 2)]
    seven_leg = [(0.7 - 0.25 * t, 0.2 + 0.6 * t) for t in np.linspace(0, 1, POINTS_PER_STROKE)]
    return [zero, one, seven_top + seven_leg]


def run_gui_bench(
    data_dir: str | None = None,
    name: str | None = None,
    rule: str = "oja",
    seconds: float = 10.0,
) -> dict[str, Any]:
    """Measure the app's smoothness while it trains ``rule`` at full speed.

    Parameters
    ----------
    data_dir, name : str, optional
        The data set (see :func:`hebbviz.data.sources.open_dataset`).
    rule : str
        Trained with the training panel's default hyperparameters (``itoh``: H=2).
    seconds : float
        How long to train and draw.

    Returns
    -------
    dict
        ``fps``, ``max_stall_ms``, ``latency_ms_p95`` and the context of the measurement.
    """
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QPoint, QSize, Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from hebbviz import kernels
    from hebbviz.data.sources import open_dataset
    from hebbviz.gui import style
    from hebbviz.gui.main_window import MainWindow
    from hebbviz.gui.training_panel import RATES

    dataset = open_dataset(data_dir, name)
    app = QApplication.instance() or QApplication([])
    style.configure_pyqtgraph()
    kernels.warm_up()
    window = MainWindow(remember=False)
    window.set_dataset(dataset)
    window.mark_kernels_ready()
    window.resize_to(QSize(1600, 900))  # laid out as on a first start on such a screen
    window.show()
    panel = window.training
    window.tabs.setCurrentWidget(panel.weight_view)
    panel.rule_choice.setCurrentText(rule)
    panel.epochs.setValue(panel.epochs.maximum())  # never runs out within the measurement
    panel.speed.setValue(len(RATES) - 1)
    canvas = window.canvas

    beats: list[float] = []
    heartbeat = QTimer()
    heartbeat.setTimerType(Qt.TimerType.PreciseTimer)
    heartbeat.setInterval(HEARTBEAT_MS)
    heartbeat.timeout.connect(lambda: beats.append(time.perf_counter()))

    pending: list[float] = []  # times of stroke events not yet reflected in the bars
    latencies: list[float] = []
    show_norms = window.bars.set_norms

    def timed_set_norms(norms: Any) -> None:
        show_norms(norms)
        if norms is not None:
            now = time.perf_counter()
            latencies.extend(now - t for t in pending)
            pending.clear()

    window.bars.set_norms = timed_set_norms  # refresh_answer calls it through the attribute

    strokes = _strokes()
    cursor = {"stroke": 0, "point": 0}

    def square_point(point: tuple[float, float]) -> QPoint:
        side = min(canvas.width(), canvas.height())
        left, top = (canvas.width() - side) / 2, (canvas.height() - side) / 2
        return QPoint(round(left + point[0] * side), round(top + point[1] * side))

    def move() -> None:
        stroke = strokes[cursor["stroke"] % len(strokes)]
        index = cursor["point"]
        position = square_point(stroke[min(index, len(stroke) - 1)])
        if index == 0:
            canvas.clear()
            pending.clear()
            QTest.mousePress(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier(0), position)
        elif index < len(stroke):
            QTest.mouseMove(canvas, position)
        else:
            QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier(0), position)
            cursor["stroke"] += 1
            cursor["point"] = 0
            return
        pending.append(time.perf_counter())
        cursor["point"] += 1

    pen = QTimer()
    pen.setInterval(MOVE_MS)
    pen.timeout.connect(move)

    panel.start()
    worker = panel.worker
    deadline = time.perf_counter() + 120.0
    while worker.progress.seen == 0 and worker.isRunning() and time.perf_counter() < deadline:
        app.processEvents()  # the first piece (kernels are warm; this is data preparation)
        time.sleep(0.005)
    redraws_before = panel.weight_view.redraws
    seen_before = worker.progress.seen
    began = time.perf_counter()
    heartbeat.start()
    pen.start()
    while time.perf_counter() - began < seconds and worker.isRunning():
        app.processEvents()
        time.sleep(0.001)
    elapsed = time.perf_counter() - began
    pen.stop()
    heartbeat.stop()
    redraws = panel.weight_view.redraws - redraws_before
    trained = worker.progress.seen - seen_before
    error = panel.status.text() if not worker.isRunning() else None
    panel.stop()
    window.close()
    window.deleteLater()
    app.processEvents()

    gaps = np.diff([began, *beats]) if beats else np.array([elapsed])
    latency_ms = 1000 * np.array(latencies) if latencies else np.array([math.nan])
    model = panel.weight_view.model
    return {
        "fps": redraws / elapsed,
        "max_stall_ms": 1000 * float(gaps.max()),
        "latency_ms_p95": float(np.percentile(latency_ms, 95)),
        "latency_ms_median": float(np.median(latency_ms)),
        "stroke_events": len(latencies) + len(pending),
        "rule": rule,
        "params": model.params() if model is not None else None,
        "seconds": elapsed,
        "images_trained": int(trained),
        "train_images_per_s": trained / elapsed,
        "data": dataset.source,
        "cpu_count": os.cpu_count(),
        "load_average_1min": os.getloadavg()[0],
        "worker_error": error,
    }


def describe(result: dict[str, Any]) -> str:
    """The measurement in a few lines for people."""
    return (
        f"GUI while training {result['rule']} at full speed for {result['seconds']:.1f} s "
        f"({result['train_images_per_s']:,.0f} images/s; load average "
        f"{result['load_average_1min']:.1f} on {result['cpu_count']} cores):\n"
        f"  heatmap redraws: {result['fps']:.1f}/s\n"
        f"  longest GUI stall: {result['max_stall_ms']:.0f} ms\n"
        f"  stroke to bars: median {result['latency_ms_median']:.0f} ms, "
        f"95th percentile {result['latency_ms_p95']:.0f} ms"
    )
