"""How the model and its training run are doing, shown: the run's state, progress and status in
the Training dock, and the model described in one line in the status bar.

The run's progress is looked at on a timer (:data:`FRAME_MS`), not at every piece the run learns,
so a fast run never floods the GUI thread.
"""

from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from hebbviz.gui.session import Session
from hebbviz.gui.status_view import StatusView
from hebbviz.gui.training_controller import TrainingController
from hebbviz.gui.training_panel import TrainingPanel
from hebbviz.training_run import Progress, SharedProgress

FRAME_MS = 100
"""Progress, ETA and the answer to the drawing follow training this often (the heatmaps redraw
on their own, faster, timer; drawing refreshes the answer at once)."""

MODEL_INFO_S = 0.5
"""While training, the status bar's model description follows at most this often (seconds)."""


class RunDisplay(QObject):
    """Shows the training controller's run on ``panel`` and the model on ``status``.

    Signals
    -------
    progressed(Progress)
        The run's newest progress, shown (at most once a frame, only when it changed).
    """

    progressed = Signal(object)

    def __init__(
        self,
        session: Session,
        training: TrainingController,
        panel: TrainingPanel,
        status: StatusView,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.session, self.training, self.panel, self.status = session, training, panel, status
        self._progress_shown: Progress | None = None
        self._layer_shown: SharedProgress | None = None
        self._model_info_shown = 0.0
        self._info_seen = 0
        """Images learned when the running model was last described (0: not since its start)."""
        training.started.connect(panel.show_started)
        training.started.connect(self._on_run_started)
        training.runningChanged.connect(panel.set_running)
        training.pausedChanged.connect(panel.set_paused)
        training.pausedChanged.connect(lambda _: self.show_model_info())
        training.status.connect(panel.show_status)
        training.status.connect(lambda text, error: error and status.bar.showMessage(text, 10_000))
        training.stepped.connect(lambda step: panel.show_step(step, session.classes()))
        training.curveCleared.connect(panel.show_cleared)
        training.curvePoint.connect(panel.curve.add_point)
        self._frame_timer = QTimer(self)
        self._frame_timer.setInterval(FRAME_MS)
        self._frame_timer.timeout.connect(self._on_frame)
        self._frame_timer.start()

    def show_model_info(self) -> None:
        """Describe the current model (and what a run is doing with it) in the status bar."""
        session = self.session
        self.status.show_model(self.describe(), session.path, session.metadata.get("data_source"))

    def describe(self) -> str:
        """The current model in one line: where it is from (or what a training run is doing
        with it), its rule and hyperparameters, how many images it has learned, and its
        validation accuracy (measured since it last changed, else the one its file records)."""
        session, training = self.session, self.training
        activity, val_accuracy = training.activity(), training.val_accuracy
        model = session.model  # without the lock: a run may be one piece further than the count
        seen = int(np.sum(model.seen))
        rule, params = model.rule, model.params()
        if activity:
            name = activity
        elif session.path:
            name = session.path.name
        else:
            name = "trained here, not saved (Ctrl+S saves it)" if seen else "untrained model"
        settings = ", ".join(
            f"{k}={v}" for k, v in params.items() if k != "n_labels" and v is not None
        )
        parts = [f"Model: {name}", f"{rule} ({settings})", f"{seen:,} images learned"]
        recorded = session.metadata.get("val_accuracy")
        accuracy = val_accuracy if val_accuracy is not None else recorded
        if isinstance(accuracy, int | float):
            parts.append(f"validation accuracy {100 * accuracy:.1f}%")
        if seen == 0 and not activity:
            parts.append("open a trained model with Ctrl+O")
        return " · ".join(parts)

    def show_model(self) -> None:
        """Another model is the session's: described; when no run made it (a model opened or
        reset), nothing of a run before is shown and the dock's rule is the model's."""
        if not self.training.running:
            self.panel.rule_form.show_rule(self.session.model.rule)
            self.panel.show_cleared()
            self.panel.step_view.clear()
        self.show_model_info()

    def show_run_ended(self, progress: Progress) -> None:
        """The run ended with ``progress``: show it, and the model as the run left it."""
        self.panel.show_progress(progress)
        self.show_model_info()

    def _on_run_started(self) -> None:
        self._info_seen = 0

    def _on_frame(self) -> None:
        """Show the run's newest progress (nothing when it has not changed)."""
        worker = self.training.worker
        layer = worker.shared if worker is not None else None
        if layer is not None and layer is not self._layer_shown:
            self._layer_shown = layer  # a shared layer learns first: say how far (images: 0)
            self.panel.show_status(
                f"First stage: the shared layer has learned {layer.seen:,} of {layer.total:,} "
                "inputs (see the Detectors tab); then the label networks learn."
                if layer.seen < layer.total
                else f"First stage done ({layer.total:,} inputs); the label networks learn."
            )
        progress = self.training.progress
        if progress is None or progress is self._progress_shown:
            return
        self._progress_shown = progress
        self.panel.show_progress(progress)
        self.progressed.emit(progress)
        first = progress.seen and not self._info_seen  # the first images of a run: say so now
        if first or time.monotonic() - self._model_info_shown >= MODEL_INFO_S:
            self._info_seen = progress.seen
            self._model_info_shown = time.monotonic()
            self.show_model_info()
