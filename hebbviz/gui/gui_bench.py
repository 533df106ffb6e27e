"""``hebbviz bench --gui``: is the app smooth while it trains at full speed? And ``--soak``: does
it stay smooth and keep its memory over many runs?

Opens the main window offscreen, trains at full speed for a while and meanwhile draws strokes on
the canvas with synthetic mouse events, as a user would, and measures:

- ``fps``: heatmap redraws per second of the "Weights" tab (it redraws only what is new:
  ``pictures_per_s`` says how many new weight pictures the training run published a second);
- ``max_stall_ms``: the longest gap between two ticks of a 5 ms heartbeat timer on the GUI thread
  (how long the GUI was ever unable to react);
- ``latency_ms_p95``: from a stroke's mouse event to the norm bars updated with a drawing that
  includes it, 95th percentile (median too). (Before December 2026 an event counted as answered
  at the first update of the bars after it, even one with an older drawing; see
  :class:`Latencies`.)

``--soak SECONDS`` keeps the app training for that long, starting a new run (cycling the rules)
whenever one finishes, and drawing a stroke every second; it reports the process's resident
memory after the first minute and at the end (``rss_growth_pct``), the longest stall of the 5 ms
heartbeat over the whole soak, restarts included, and how many runs finished.
"""

from __future__ import annotations

import math
import os
import threading
import time
from typing import Any

import numpy as np

from hebbviz.memory import exempt_startup_objects, resident_mb

HEARTBEAT_MS = 5
MOVE_MS = 10  # a mouse reports about 100 positions a second while drawing
POINTS_PER_STROKE = 30
SOAK_STROKE_MS = 1000  # the soak draws a stroke every second
SOAK_RULES = ("oja", "itoh", "sanger")
SOAK_SETTLE_S = 60.0  # the soak's memory baseline is taken after the first minute
SOAK_WINDOW_S = 60.0
"""The memory at a point of the soak is the median of the once-a-second readings over this long
(a run's model and an evaluation's copy come and go: itoh's are tens of MB)."""
SHOWN_S = 0.5
"""The window is shown this long before a measurement starts (its first layout passes and paints
take a few hundred milliseconds, once)."""
SOAK_PER_LABEL = 20  # short soak runs (200 images, one epoch): many restarts


def _strokes() -> list[list[tuple[float, float]]]:
    """A few digit-like strokes in unit coordinates of the canvas square."""
    angles = np.linspace(0, 2 * math.pi, POINTS_PER_STROKE)
    zero = [(0.5 + 0.22 * math.sin(a), 0.5 - 0.32 * math.cos(a)) for a in angles]
    one = [(0.55 - 0.08 * t, 0.18 + 0.64 * t) for t in np.linspace(0, 1, POINTS_PER_STROKE)]
    seven_top = [(0.3 + 0.4 * t, 0.2) for t in np.linspace(0, 1, POINTS_PER_STROKE // 2)]
    seven_leg = [(0.7 - 0.25 * t, 0.2 + 0.6 * t) for t in np.linspace(0, 1, POINTS_PER_STROKE)]
    return [zero, one, seven_top + seven_leg]


def _runqueue_wait_s() -> float:
    """Seconds this thread has been ready to run but waiting for a core (Linux; else NaN)."""
    try:
        with open("/proc/thread-self/schedstat") as schedstat:
            return int(schedstat.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return math.nan


def _open_window(data_dir: str | None, name: str | None):  # noqa: ANN202 (Qt imported lazily)
    """The app offscreen with ``data_dir`` / ``name`` loaded and the kernels compiled, laid out
    as on a first start on a 1600x900 screen, showing the Weights tab, shown for ``SHOWN_S``."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSize

    from hebbviz import kernels
    from hebbviz.data.sources import open_dataset
    from hebbviz.gui import heatmap
    from hebbviz.gui.app import application
    from hebbviz.gui.main_window import MainWindow

    app = application()  # as the app makes it (allocator arenas limited before any thread)
    dataset = open_dataset(data_dir, name)
    kernels.warm_up()
    heatmap.warm_up()
    window = MainWindow(remember=False)
    window.session.set_dataset(dataset)
    window.session.mark_kernels_ready()
    window.resize_to(QSize(1600, 900))
    window.show()
    window.tabs.setCurrentWidget(window.weight_view)
    run_event_loop(SHOWN_S)  # laid out and painted: the measurement starts with the app in use
    exempt_startup_objects()  # as the app does
    return app, window, dataset


def _cpu_ticks() -> tuple[int, int]:
    """The machine's CPU time so far that the hypervisor gave to other machines ("steal"), and
    all of it, in ticks (Linux; else zeros)."""
    try:
        with open("/proc/stat") as stat:
            ticks = [int(value) for value in stat.readline().split()[1:9]]
    except (OSError, ValueError):
        return 0, 0
    return ticks[7], sum(ticks)


def steal_share(before: tuple[int, int]) -> float:
    """The share of the CPU time since ``before`` (from :func:`_cpu_ticks`) that the
    hypervisor gave to other machines: on a shared virtual machine the bench's numbers mean
    little when it is high (NaN where unknown)."""
    steal, total = _cpu_ticks()
    return (steal - before[0]) / (total - before[1]) if total > before[1] else math.nan


def _context(dataset: Any) -> dict[str, Any]:
    """Where a measurement was made: the data, the cores and the load."""
    return {
        "data": dataset.source,
        "cpu_count": os.cpu_count(),
        "load_average_1min": os.getloadavg()[0],
    }


def heartbeat_timer(beats: list[float]):  # noqa: ANN202
    """A precise 5 ms timer on the GUI thread that records when it ticks (not started)."""
    from PySide6.QtCore import Qt, QTimer

    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(HEARTBEAT_MS)
    timer.timeout.connect(lambda: beats.append(time.perf_counter()))
    return timer


def run_event_loop(seconds: float, done: Any = lambda: False) -> None:
    """Run the GUI thread's event loop as the app does (asleep until an event is due) for
    ``seconds``, or until ``done()`` (asked ten times a second)."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(round(1000 * seconds), loop.quit)
    check = QTimer()
    check.timeout.connect(lambda: done() and loop.quit())
    check.start(100)
    loop.exec()
    check.stop()


class Latencies:
    """Stroke-to-bars latencies: each stroke event waits for an answer to a drawing that
    includes it, that is one of the same version or newer (versions only grow); an answer to an
    older drawing, which a job started before the event shows, does not count for it.

    Attributes
    ----------
    seconds : list of float
        One per answered event.
    pending : list of (int, float)
        The events not answered yet: the drawing's version after each, and when it came.
    """

    def __init__(self) -> None:
        self.seconds: list[float] = []
        self.pending: list[tuple[int, float]] = []

    def event(self, version: int, moment: float) -> None:
        """A stroke event at ``moment`` made the drawing's version ``version``."""
        self.pending.append((version, moment))

    def answered(self, version: int, moment: float) -> None:
        """The bars show the answer to the drawing's version ``version`` from ``moment`` on."""
        self.seconds.extend(moment - came for wanted, came in self.pending if wanted <= version)
        self.pending = [(wanted, came) for wanted, came in self.pending if wanted > version]


def _pen(canvas, on_event: Any, rest_moves: int = 0):  # noqa: ANN001, ANN202
    """A timer that draws strokes on ``canvas`` with mouse events, one every ``MOVE_MS``, and
    rests ``rest_moves`` ticks after each stroke; ``on_event(new_stroke)`` follows each event
    (not started)."""
    from PySide6.QtCore import QPoint, Qt, QTimer
    from PySide6.QtTest import QTest

    strokes = _strokes()
    cursor = {"stroke": 0, "point": 0}
    no_keys = Qt.KeyboardModifier(0)

    def square_point(point: tuple[float, float]) -> QPoint:
        side = min(canvas.width(), canvas.height())
        left, top = (canvas.width() - side) / 2, (canvas.height() - side) / 2
        return QPoint(round(left + point[0] * side), round(top + point[1] * side))

    def move() -> None:
        stroke = strokes[cursor["stroke"] % len(strokes)]
        index = cursor["point"]
        cursor["point"] += 1
        if index > len(stroke):  # resting
            if index >= len(stroke) + rest_moves:
                cursor["stroke"] += 1
                cursor["point"] = 0
            return
        position = square_point(stroke[min(index, len(stroke) - 1)])
        if index == 0:  # press and the first move together: never a tap on the canvas
            canvas.clear()
            QTest.mousePress(canvas, Qt.MouseButton.LeftButton, no_keys, position)
            cursor["point"] += 1
            QTest.mouseMove(canvas, square_point(stroke[1]))
        elif index < len(stroke):
            QTest.mouseMove(canvas, position)
        else:
            QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton, no_keys, position)
            if not rest_moves:
                cursor["stroke"] += 1
                cursor["point"] = 0
            return
        on_event(index == 0)

    pen = QTimer()
    pen.setInterval(MOVE_MS)
    pen.timeout.connect(move)
    return pen


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
    from hebbviz.gui.training_panel import RATES

    app, window, dataset = _open_window(data_dir, name)
    panel, training = window.training_panel, window.training
    panel.rule_choice.setCurrentText(rule)
    panel.epochs.setValue(panel.epochs.maximum())  # never runs out within the measurement
    panel.speed.setValue(len(RATES) - 1)

    beats: list[float] = []
    heartbeat = heartbeat_timer(beats)
    latencies = Latencies()
    canvas = window.canvas

    def answered(answer: Any) -> None:  # connected after the presenter: the bars show it now
        if answer.norms is not None:
            latencies.answered(answer.version, time.perf_counter())

    window.answer.answers.answered.connect(answered)
    pen = _pen(canvas, lambda new_stroke: latencies.event(canvas.version, time.perf_counter()))

    training.start(panel.settings())
    worker = training.worker
    deadline = time.perf_counter() + 120.0
    while (
        (worker.progress.seen == 0 or training.session.model is not worker.model)
        and worker.running
        and time.perf_counter() < deadline
    ):
        app.processEvents()  # the first piece (kernels are warm; this is data preparation)
        time.sleep(0.005)
    redraws_before = window.weight_view.redraws
    seen_before, published_before = worker.progress.seen, worker.pictures_published
    began, gui_cpu, gui_waited = time.perf_counter(), time.thread_time(), _runqueue_wait_s()
    ticks = _cpu_ticks()
    heartbeat.start()
    pen.start()
    run_event_loop(seconds, lambda: not worker.running)
    elapsed = time.perf_counter() - began
    gui_cpu, gui_waited = time.thread_time() - gui_cpu, _runqueue_wait_s() - gui_waited
    stolen = steal_share(ticks)
    pen.stop()
    heartbeat.stop()
    redraws = window.weight_view.redraws - redraws_before
    trained = worker.progress.seen - seen_before
    published = worker.pictures_published - published_before
    error = panel.status.text() if not worker.running else None
    training.stop()
    window.close()
    window.deleteLater()
    app.processEvents()

    gaps = np.diff([began, *beats]) if beats else np.array([elapsed])
    latency_ms = 1000 * np.array(latencies.seconds or [math.nan])
    model = window.session.model
    return {
        "fps": redraws / elapsed,
        "pictures_per_s": published / elapsed,
        "max_stall_ms": 1000 * float(gaps.max()),
        "latency_ms_p95": float(np.percentile(latency_ms, 95)),
        "latency_ms_median": float(np.median(latency_ms)),
        "stroke_events": len(latencies.seconds) + len(latencies.pending),
        "gui_cpu_share": gui_cpu / elapsed,
        "gui_waiting_share": gui_waited / elapsed,
        "cpu_steal_share": stolen,
        "rule": rule,
        "params": model.params() if model is not None else None,
        "seconds": elapsed,
        "images_trained": int(trained),
        "train_images_per_s": trained / elapsed,
        **_context(dataset),
        "worker_error": error,
    }


def describe(result: dict[str, Any]) -> str:
    """The measurement in a few lines for people."""
    return (
        f"GUI while training {result['rule']} at full speed for {result['seconds']:.1f} s "
        f"({result['train_images_per_s']:,.0f} images/s; load average "
        f"{result['load_average_1min']:.1f} on {result['cpu_count']} cores):\n"
        f"  heatmap redraws: {result['fps']:.1f}/s (the run published "
        f"{result['pictures_per_s']:.1f} new pictures/s)\n"
        f"  GUI thread: busy {result['gui_cpu_share']:.0%} of the time, ready but waiting "
        f"for a core {result['gui_waiting_share']:.0%}\n"
        f"  CPU time the host gave to other machines meanwhile: {result['cpu_steal_share']:.0%}\n"
        f"  longest GUI stall: {result['max_stall_ms']:.0f} ms\n"
        f"  stroke to bars: median {result['latency_ms_median']:.0f} ms, "
        f"95th percentile {result['latency_ms_p95']:.0f} ms"
    )


def run_gui_soak(
    data_dir: str | None = None,
    name: str | None = None,
    seconds: float = 300.0,
    rules: tuple[str, ...] = SOAK_RULES,
) -> dict[str, Any]:
    """Keep the app training for ``seconds``: a new run of the next rule of ``rules`` (the
    panel's default hyperparameters, ``SOAK_PER_LABEL`` images per label, one epoch, full speed)
    whenever one finishes, and a stroke drawn every second.

    Returns
    -------
    dict
        ``rss_mb_start`` and ``rss_mb_end``: resident memory of the app and its training process
        (a page they share counted once), read once a second, the median
        over ``SOAK_WINDOW_S`` after the first minute and over the last ``SOAK_WINDOW_S`` (for a
        short soak: over its second quarter and its last quarter); ``rss_growth_pct``,
        ``max_stall_ms`` (5 ms heartbeat, whole soak, restarts included), ``runs`` (finished),
        ``workers_alive`` (training workers still in memory at the end),
        ``training_process_left`` (whether the training process outlived the window) and the
        context of the measurement.
    """
    import gc

    from PySide6.QtCore import QEvent, QTimer

    from hebbviz.gui.worker import TrainingWorker

    app, window, dataset = _open_window(data_dir, name)
    panel, training = window.training_panel, window.training
    beats: list[float] = []
    heartbeat = heartbeat_timer(beats)
    pen = _pen(window.canvas, lambda new_stroke: None, SOAK_STROKE_MS // MOVE_MS)
    runs = {"started": 0, "finished": 0}
    seen = {"images": 0}
    training_pids: dict[str, tuple[int, ...]] = {"now": ()}

    def start_next() -> None:
        panel.rule_choice.setCurrentText(rules[runs["started"] % len(rules)])
        panel.per_label.setValue(SOAK_PER_LABEL)
        panel.epochs.setValue(1)
        if training.start(panel.settings()):
            runs["started"] += 1
            training_pids["now"] = training.trainer.pids()

    def on_ended(progress: Any) -> None:
        seen["images"] += progress.seen
        if progress.seen == progress.total:
            runs["finished"] += 1
        QTimer.singleShot(0, start_next)  # as a user pressing Start again at once

    training.ended.connect(on_ended)
    began, ticks = time.perf_counter(), _cpu_ticks()
    settle, span = min(SOAK_SETTLE_S, seconds / 4), min(SOAK_WINDOW_S, seconds / 4)
    memory: list[tuple[float, float]] = []  # (seconds into the soak, resident MB)
    stop = threading.Event()

    def read_memory() -> None:  # not on the GUI thread: there, under load, reading both
        while not stop.wait(1.0):  # processes' memory from /proc was among the longest stalls
            memory.append((time.perf_counter() - began, resident_mb(*training_pids["now"])))

    reader = threading.Thread(target=read_memory, name="hebbviz-soak-memory", daemon=True)
    heartbeat.start()
    pen.start()
    start_next()
    reader.start()
    run_event_loop(seconds)
    elapsed, stolen = time.perf_counter() - began, steal_share(ticks)
    stop.set()
    reader.join()
    rss_start = float(np.median([mb for t, mb in memory if settle <= t < settle + span]))
    rss_end = float(np.median([mb for t, mb in memory if t >= elapsed - span]))
    pen.stop()
    heartbeat.stop()
    training.ended.disconnect(on_ended)
    pids = training.trainer.pids()
    window.close()  # stops the run and ends the training process
    window.deleteLater()
    for _ in range(3):  # the ended runs' last signals, then their workers' deleteLater
        app.processEvents()
        app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()
    workers = sum(isinstance(o, TrainingWorker) for o in gc.get_objects())
    gaps = np.diff([began, *beats]) if beats else np.array([elapsed])
    return {
        "rss_mb_start": rss_start,
        "rss_mb_end": rss_end,
        "rss_growth_pct": 100 * (rss_end - rss_start) / rss_start,
        "max_stall_ms": 1000 * float(gaps.max()),
        "runs": runs["finished"],
        "runs_started": runs["started"],
        "images_trained": seen["images"],
        "workers_alive": workers,
        "training_process_left": any(os.path.exists(f"/proc/{pid}") for pid in pids),
        "rules": list(rules),
        "seconds": elapsed,
        "settle_seconds": settle,
        "window_seconds": span,
        "cpu_steal_share": stolen,
        **_context(dataset),
    }


def describe_soak(result: dict[str, Any]) -> str:
    """The soak's measurement in a few lines for people."""
    return (
        f"GUI soak: {result['seconds']:.0f} s training {'/'.join(result['rules'])} in turn, "
        f"{result['runs']} runs finished (load average {result['load_average_1min']:.1f} on "
        f"{result['cpu_count']} cores):\n"
        f"  memory (median over {result['window_seconds']:.0f} s): "
        f"{result['rss_mb_start']:.0f} MB after {result['settle_seconds']:.0f} s, "
        f"{result['rss_mb_end']:.0f} MB at the end ({result['rss_growth_pct']:+.1f}%)\n"
        f"  longest GUI stall: {result['max_stall_ms']:.0f} ms (restarts included)\n"
        f"  training workers left in memory: {result['workers_alive']}"
        f"{'; the training process outlived the window' * result['training_process_left']}\n"
        f"  CPU time the host gave to other machines meanwhile: {result['cpu_steal_share']:.0%}"
    )
