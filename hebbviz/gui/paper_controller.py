"""Computes the Paper view's stages on the session's data set, in the background.

Each stage has its own :class:`~hebbviz.gui.stage_job.StageJob` (one computation at a time per
stage; the stages and a training run can go on together: their work runs in BLAS and nogil
kernels). Stages 1 and 2 train on the data set's training split balanced to the rarest label's
count and score on its validation split, as ``hebbviz paper`` does by default; stage 3 reads a
sweep CSV (the shipped one of the MNIST sample, or one the user opens). A new data set cancels
what runs and clears the view.
"""

from __future__ import annotations

import contextlib
import subprocess
import threading
from importlib import resources
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QImage

from hebbviz.data.dataset import Dataset, Split, balance
from hebbviz.gui.background import run_in_background
from hebbviz.gui.figure_label import decode_png
from hebbviz.gui.figures import figure_png
from hebbviz.gui.paper_view import PaperView, StagePage
from hebbviz.gui.session import Session
from hebbviz.gui.stage_job import StageJob
from hebbviz.paper.progress import IsCancelled, Report
from hebbviz.paper.stage1 import Stage1Settings, run_stage1
from hebbviz.paper.stage2 import Stage2Settings, run_stage2
from hebbviz.paper.stage3 import read_sweep

SHIPPED_SWEEP = "figures/sweep-mnist-10k.csv"
"""The sweep of the MNIST sample shipped in ``hebbviz.assets``."""


def shipped_sweep() -> Path:
    return Path(str(resources.files("hebbviz.assets") / SHIPPED_SWEEP))


class PaperController(QObject):
    """Runs the stages the :class:`PaperView` asks for and shows their results in it."""

    def __init__(self, session: Session, view: PaperView, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session, self.view = session, view
        self.jobs = {stage: StageJob(f"paper-stage{stage}", self) for stage in view.pages}
        self.figures = {stage: FigureRenderer(page, self) for stage, page in view.pages.items()}
        for stage, job in self.jobs.items():
            page, figure = view.pages[stage], self.figures[stage]
            job.runningChanged.connect(page.set_running)
            job.progressed.connect(page.show_progress)
            for signal in (job.partial, job.finished):
                signal.connect(page.show_result)
                signal.connect(figure.draw)
            job.failed.connect(page.show_failure)
            job.cancelled.connect(page.show_cancelled)
            page.cancelRequested.connect(job.cancel)
        view.pages[1].computeRequested.connect(self.compute_stage1)
        view.pages[2].computeRequested.connect(self.compute_stage2)
        view.pages[3].computeRequested.connect(lambda: self.draw_sweep(shipped_sweep()))
        view.sweepChosen.connect(self.draw_sweep)
        session.datasetChanged.connect(self._on_dataset_changed)

    def compute_stage1(self) -> None:
        """Stage 1 for networks of 0 .. the view's H hidden layers."""
        dataset = self._dataset(1)
        if dataset is None:
            return
        hidden_layers = range(self.view.stage1_depth.value() + 1)

        def work(report: Report, cancelled: IsCancelled, partial: Any) -> Any:
            train = balance(dataset.train)
            result = run_stage1(
                train,
                dataset.val,
                hidden_layers,
                Stage1Settings(),
                report=report,
                cancelled=cancelled,
                partial=lambda so_far: partial(_described(so_far, dataset, train)),
            )
            return _described(result, dataset, train)

        self.jobs[1].start(work)

    def compute_stage2(self) -> None:
        """Stage 2 with the view's number of hidden layers (the author's other settings)."""
        dataset = self._dataset(2)
        if dataset is None:
            return
        settings = Stage2Settings(hidden_layers=self.view.stage2_depth.value())

        def work(report: Report, cancelled: IsCancelled, _: Any) -> Any:
            train = balance(dataset.train)
            result = run_stage2(train, dataset.val, settings, report=report, cancelled=cancelled)
            return _described(result, dataset, train)

        self.jobs[2].start(work)

    def draw_sweep(self, path: str | Path) -> None:
        """Stage 3 from the sweep CSV at ``path`` (read in the background)."""
        self.jobs[3].start(lambda *_: read_sweep(path))

    def shutdown(self) -> None:
        """The app closes: stop every stage and every figure being drawn."""
        for job in self.jobs.values():
            job.cancel()
        for figure in self.figures.values():
            figure.shutdown()
        for job in self.jobs.values():
            job.shutdown()

    def _dataset(self, stage: int) -> Dataset | None:
        """The data set, or None if the stages cannot use it (said on the page)."""
        dataset = self.session.dataset
        problem = None
        if dataset is None:
            problem = "No data set is loaded yet."
        elif len(dataset.classes) != 10:
            count = len(dataset.classes)
            problem = f"The paper's stages need 10 labels; {dataset.source} has {count}."
        elif len(dataset.val) == 0:
            problem = f"{dataset.source} has no validation digits to score on."
        if problem is not None:
            self.view.pages[stage].show_failure(problem)
            return None
        return dataset

    def _on_dataset_changed(self) -> None:
        for job in self.jobs.values():
            job.cancel()
        for figure in self.figures.values():
            figure.forget()
        dataset = self.session.dataset
        if dataset is not None:
            self.view.show_dataset(dataset.source)


class FigureRenderer(QObject):
    """Draws a page's figures in the background, one at a time: a result that comes while one
    is being drawn waits, and only the newest waiting one is drawn (partial results come
    faster than a figure is drawn). Each figure is drawn by a child process
    (:func:`~hebbviz.gui.figures.figure_png`), which :meth:`shutdown` kills."""

    def __init__(self, page: StagePage, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.page = page
        self.drawing = False
        self._waiting: Any = None
        self._generation = 0
        self._lock = threading.Lock()  # the child and the closed flag, shared with the thread
        self._child: subprocess.Popen | None = None
        self._closed = False
        self._thread: threading.Thread | None = None

    def draw(self, result: Any) -> None:
        if self._closed:
            return
        self._waiting = result
        if not self.drawing:
            self._next()

    def forget(self) -> None:
        """Another data set: drop the waiting result and the figure being drawn."""
        self._waiting = None
        self._generation += 1

    def shutdown(self, timeout: float = 2.0) -> None:
        """The app closes: kill the child drawing a figure (its temporary folder goes with its
        thread, given ``timeout`` seconds to end) and draw no more."""
        self.forget()
        with self._lock:
            self._closed = True
            child = self._child
        if child is not None:
            _kill(child)
        if self._thread is not None:
            self._thread.join(timeout)

    def _started(self, child: subprocess.Popen) -> None:
        """In the drawing's thread: the child runs (killed at once if the app closed)."""
        with self._lock:
            self._child = child
            closed = self._closed
        if closed:
            _kill(child)

    def _next(self) -> None:
        result, self._waiting = self._waiting, None
        self.drawing = result is not None
        if result is None:
            return
        generation, name = self._generation, self.page.figure_name

        def job() -> QImage:
            return decode_png(figure_png(name, result, self._started))  # Qt's decoder holds
            # the GIL for 100s of ms (the GUI thread waits); Pillow's does not

        self._thread = run_in_background(
            job,
            lambda image: self._drawn(generation, image),
            lambda error: self._drawn(generation, None, f"{error}"),
            f"figure-{name}",
        )

    def _drawn(self, generation: int, image: QImage | None, problem: str = "") -> None:
        with self._lock:
            self._child = None
        if generation == self._generation:
            if image is not None:
                self.page.show_figure(image)
            else:
                self.page.show_failure(problem)
        self._next()


def _kill(child: subprocess.Popen) -> None:
    """Stop a figure's child process now (it holds nothing worth a graceful end)."""
    with contextlib.suppress(ProcessLookupError):
        child.kill()


def _described(result: Any, dataset: Dataset, train: Split) -> Any:
    """``result`` with the data it came from in its settings (as ``hebbviz paper`` adds)."""
    result.settings.update(
        {"data_source": dataset.source, "split": "val", "per_label": min(train.per_label())}
    )
    return result
