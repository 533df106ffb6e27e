"""The training controller: the one current run, from a frozen :class:`RunSettings`.

It starts a :class:`~hebbviz.gui.worker.TrainingWorker` in the session's training process
(which makes the run's model), makes that model the session's (the session is the only place the
model is replaced), relays the run's results as signals for the views, and has the finished
model scored in the background (:class:`~hebbviz.gui.evaluator.Evaluator`). Every run gets a
number; results of an older one arrive late and are dropped. A worker is let go
(``deleteLater``) when its run ends, and the GUI thread never waits for one, except briefly when
the app closes.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal

from hebbviz.data.dataset import Dataset, kept
from hebbviz.gui.background import run_in_background
from hebbviz.gui.evaluator import Evaluator
from hebbviz.gui.session import Reading, Session
from hebbviz.gui.worker import Trainer, TrainingWorker
from hebbviz.models import rule_class
from hebbviz.models.base import NormClassifier
from hebbviz.training import Snapshot
from hebbviz.training_run import Progress, Step

CURVE_POINTS = 20
"""About how many validation measurements a run makes for the accuracy curve."""

CLOSE_TIMEOUT_S = 5.0
"""When the app closes, how long it waits for the run and then the training process to end (a
piece is short)."""

QUEUED = Qt.ConnectionType.QueuedConnection


@dataclass(frozen=True)
class RunSettings:
    """Everything a run is made from, frozen when it starts."""

    rule: str
    params: Mapping[str, Any] = field(default_factory=dict)
    per_label: int = 0
    """Training images per label (0: all of them)."""
    epochs: int = 1
    rate: float | None = None
    """Images per second; None is full speed."""

    def new_model(self) -> NormClassifier:
        """An untrained model; ``TypeError`` or ``ValueError`` for bad hyperparameters."""
        return rule_class(self.rule)(**self.params)


class TrainingController(QObject):
    """Start, pause, step, stop and reset training of the session's model.

    Signals
    -------
    runningChanged(bool), pausedChanged(bool)
    started(int)
        A run began; its total number of images.
    status(str, bool)
        What the run is doing, for people; whether it is an error.
    curveCleared(), curvePoint(int, float)
        The accuracy curve: cleared at a new run; images seen and validation accuracy.
    stepped(Step)
        One image learned on its own (slow motion or Step).
    ended(Progress)
        A run ended (finished, stopped or failed), with its last progress; the model is still.
    """

    runningChanged = Signal(bool)
    pausedChanged = Signal(bool)
    started = Signal(int)
    status = Signal(str, bool)
    curveCleared = Signal()
    curvePoint = Signal(int, float)
    stepped = Signal(object)
    ended = Signal(object)

    def __init__(self, session: Session, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.worker: TrainingWorker | None = None
        """The current run's worker (None when no run is active)."""
        self.val_accuracy: float | None = None
        """The current model's accuracy on the whole validation split, when last measured (and
        not changed since)."""
        self._run = 0
        self._val_is_whole = False
        self._last_snapshot: Snapshot | None = None
        self.trainer = Trainer(session, self)
        """The session's training process."""
        self.evaluator = Evaluator(session, self)
        """Scores finished models on the validation split."""
        session.modelChanged.connect(self._on_model_changed)
        session.modelLearned.connect(self._on_model_learned)

    # -- state ------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self.worker is not None

    @property
    def paused(self) -> bool:
        return self.worker is not None and self.worker.control.paused

    @property
    def progress(self) -> Progress | None:
        """The current run's newest progress (None without a run)."""
        return self.worker.progress if self.worker is not None else None

    def readable_model(self) -> Reading | None:
        """A recent copy of the model the run trains, to answer drawings with without waiting
        for the lock the run holds most of the time; None: read the session's model (no run,
        no copy yet, or the model changed otherwise since: teach mode)."""
        worker = self.worker
        if worker is None or worker.model is not self.session.model:
            return None
        return worker.readable

    def activity(self) -> str | None:
        """What a run is doing with the model, for the status bar (None: nothing)."""
        if self.worker is None:
            return None
        return "training, paused" if self.worker.control.paused else "training"

    # -- requests ---------------------------------------------------------------------------

    def start(self, settings: RunSettings, paused: bool = False) -> bool:
        """Train a new model with ``settings`` on the session's data set; whether a run began.

        The model is made in the training process (a heavy one takes a while); it becomes the
        session's model as soon as it is made (``prepared``), before it learns anything.
        """
        dataset: Dataset | None = self.session.dataset
        if dataset is None:
            self.status.emit("No data set loaded: choose one above.", True)
            return False
        self.stop(quiet=True)
        images = len(kept(dataset.train.labels, settings.per_label))
        # the live curve's digits: all, or as many per label as a rule with a heavy forward pass
        # declares
        val_per_label = rule_class(settings.rule).live_val_per_label or 0
        self._val_is_whole = len(kept(dataset.val.labels, val_per_label)) == len(dataset.val) > 0
        epochs = settings.epochs
        metadata = {
            "data_source": dataset.source,
            "per_label": settings.per_label or "all",
            "epochs": epochs,
            "trained_in": "hebbviz app",
        }
        worker = TrainingWorker(
            self.trainer,
            functools.partial(rule_class(settings.rule), **settings.params),
            dataset,
            settings.per_label,
            val_per_label,
            epochs=epochs,
            eval_every=max(epochs * images // CURVE_POINTS, 1),
            rate=settings.rate,
            paused=paused,
        )
        self._run += 1
        run = self._run
        worker.prepared.connect(functools.partial(self._on_prepared, run, metadata), QUEUED)
        worker.yielded.connect(functools.partial(self._on_snapshot, run), QUEUED)
        worker.stepped.connect(functools.partial(self._on_stepped, run), QUEUED)
        worker.errored.connect(functools.partial(self._on_errored, run), QUEUED)
        worker.finished.connect(functools.partial(self._on_finished, run), QUEUED)
        worker.finished.connect(worker.deleteLater)
        self.worker = worker
        self._last_snapshot = None
        self.curveCleared.emit()
        self.started.emit(worker.total)
        self.status.emit(
            f"Training {settings.rule} on {images} images × {epochs} epoch(s)… "
            "(the first run compiles the kernels: a few seconds)",
            False,
        )
        worker.start()
        self.runningChanged.emit(True)
        self.pausedChanged.emit(paused)
        return True

    def pause(self, paused: bool = True) -> None:
        """Hold the run after its current piece (or let it go on)."""
        worker = self.worker
        if worker is None or worker.control.paused == paused:
            self.pausedChanged.emit(self.paused)
            return
        if paused:
            worker.control.pause()
            self.status.emit("Paused. Step learns one image; teach mode works too.", False)
        else:
            worker.control.resume()
            self.status.emit("Training…", False)
        self.pausedChanged.emit(paused)

    def step(self, settings: RunSettings) -> None:
        """Learn one image (starting a paused run with ``settings`` if none is active)."""
        if self.worker is None and not self.start(settings, paused=True):
            return
        self.worker.control.step()
        self.pausedChanged.emit(True)

    def set_rate(self, rate: float | None) -> None:
        if self.worker is not None:
            self.worker.control.set_rate(rate)

    def stop(self, quiet: bool = False) -> None:
        """End the current run, if any, at once: it ends at its next piece boundary
        and anything it still reports is ignored."""
        worker, self.worker = self.worker, None
        if worker is None:
            return
        self._run += 1
        worker.control.stop()
        if not quiet:
            self.status.emit(f"Stopped after {worker.progress.seen} images.", False)
        self._end(worker.progress)

    def reset(self, settings: RunSettings) -> None:
        """Stop, and replace the model by an untrained one made from ``settings`` (made in the
        background; a start before it is ready wins)."""
        self.stop(quiet=True)
        self._run += 1
        run = self._run
        run_in_background(
            settings.new_model,
            functools.partial(self._on_reset_model, run),
            functools.partial(self._on_bad_settings, run),
            "reset",
        )

    def evaluate(self) -> None:
        """Score the current model on the whole validation split (see :class:`Evaluator`)."""
        self.evaluator.evaluate()

    def shutdown(self) -> None:
        """The app closes: stop the run and end the training process (briefly waiting)."""
        worker = self.worker
        self.stop(quiet=True)
        if worker is not None:
            worker.join(CLOSE_TIMEOUT_S)
        self.trainer.close(CLOSE_TIMEOUT_S)

    # -- results ----------------------------------------------------------------------------

    def _on_prepared(self, run: int, metadata: dict[str, Any], model: NormClassifier) -> None:
        if run == self._run:
            self.session.set_model(model, metadata)

    def _on_reset_model(self, run: int, model: NormClassifier) -> None:
        if run != self._run:
            return
        self.session.reset_model(model)
        self.curveCleared.emit()
        self.status.emit("Reset: an untrained model (all ten networks start identical).", False)

    def _on_bad_settings(self, run: int, error: BaseException) -> None:
        if run == self._run:
            self.status.emit(f"Bad hyperparameters: {error}", True)

    def _on_snapshot(self, run: int, snapshot: Snapshot) -> None:
        if run != self._run:
            return
        self._last_snapshot = snapshot
        if snapshot.val_accuracy is not None:
            self.val_accuracy = snapshot.val_accuracy if self._val_is_whole else None
            self.curvePoint.emit(snapshot.seen, snapshot.val_accuracy)
        if snapshot.diverged:
            classes = self.session.classes()
            names = ", ".join(classes[i] for i in snapshot.diverged)
            self.status.emit(
                f"Diverged: the weights of network(s) {names} are no longer finite; "
                "their answers count as wrong. Try a smaller learning rate.",
                True,
            )

    def _on_stepped(self, run: int, step: Step) -> None:
        if run == self._run:
            self.stepped.emit(step)

    def _on_errored(self, run: int, message: str) -> None:
        if run == self._run:
            self.status.emit(message, True)

    def _on_finished(self, run: int) -> None:
        if run != self._run:
            return
        progress = self.worker.progress
        self.worker = None
        self._run += 1
        snapshot = self._last_snapshot
        if snapshot is not None and snapshot.done:
            accuracy = (
                f", validation {100 * snapshot.val_accuracy:.1f}%"
                if snapshot.val_accuracy is not None
                else ""
            )
            diverged = len(snapshot.diverged)
            diverged_text = f"; {diverged} network(s) diverged" if diverged else ""
            self.status.emit(
                f"Finished: {snapshot.seen} images in {snapshot.elapsed:.1f} s of learning"
                f"{accuracy}{diverged_text}.",
                bool(diverged),
            )
        self._end(progress)
        if snapshot is not None and snapshot.done:
            self.evaluate()

    def _end(self, progress: Progress) -> None:
        self.runningChanged.emit(False)
        self.pausedChanged.emit(False)
        self.ended.emit(progress)

    def _on_model_changed(self) -> None:
        if self.worker is not None and self.session.model is not self.worker.model:
            self.stop()  # another model was opened: this run's model is no longer shown
        self._forget_accuracy()

    def _on_model_learned(self) -> None:
        if self.worker is not None:  # its copy for answering lacks what was taught
            self.worker.forget_readable()
        self._forget_accuracy()

    def _forget_accuracy(self, _: object = None) -> None:
        self.val_accuracy = None
