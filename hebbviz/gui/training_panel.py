"""The "Training" dock: choose data, rule and hyperparameters; start, pause, step, reset; watch.

A passive view: it emits requests (start, pause, step, reset, a new speed, a data source) and
shows the state it is given (the data set, whether a run is active, its progress and status).
The run itself belongs to :class:`~hebbviz.gui.training_controller.TrainingController`.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSlider,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from hebbviz.data.dataset import Dataset
from hebbviz.gui.data_choice import DataChoice
from hebbviz.gui.metrics_view import AccuracyCurve
from hebbviz.gui.teach import TeachBox
from hebbviz.gui.training_controller import RunSettings
from hebbviz.gui.training_widgets import RuleForm, SpeedMeter, StepView
from hebbviz.gui.widgets import FittedButton, FittedLabel, ProgressBar, SettingsScroll
from hebbviz.run_control import SLOW_MOTION_RATE
from hebbviz.training_run import Progress, Step

RATES: tuple[float | None, ...] = (1, 2, 5, 10, 30, 100, 300, 1000, 3000, None)
"""Speed slider positions, images per second (None: full speed)."""


def rate_text(rate: float | None) -> str:
    if rate is None:
        return "full speed"
    return f"{rate:g}/s" + (" (slow motion)" if rate <= SLOW_MOTION_RATE else "")


def duration_text(seconds: float) -> str:
    if not math.isfinite(seconds):
        return "–"
    minutes, secs = divmod(int(round(seconds)), 60)
    return f"{minutes}:{secs:02d}"


class TrainingPanel(QWidget):
    """The Training dock's controls and read-outs.

    Attributes
    ----------
    data : DataChoice
        The data set in use and the list to choose another.
    rule_form : RuleForm
        The rule and its settings.
    data_choice, rule_choice, params, per_label, epochs
        Their fields, for short (tests and ``hebbviz bench --gui`` set them).

    Signals
    -------
    startRequested(), stepRequested(), resetRequested()
    pauseRequested(bool)
    rateChanged(object)
        Images per second (None: full speed).
    """

    startRequested = Signal()
    stepRequested = Signal()
    resetRequested = Signal()
    pauseRequested = Signal(bool)
    rateChanged = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data = DataChoice()
        self.rule_form = RuleForm()
        self.data_choice, self.rule_choice = self.data.choice, self.rule_form.rule_choice
        self.params, self.per_label = self.rule_form.params, self.rule_form.per_label
        self.epochs = self.rule_form.epochs

        # controls
        self.start_button = FittedButton("Start")
        self.start_button.setToolTip("Train a new model with these settings (Ctrl+Return)")
        self.pause_button = FittedButton("Pause", "Resume")
        self.pause_button.setCheckable(True)
        self.step_button = FittedButton("Step")
        self.step_button.setToolTip("Learn exactly one more image and show its effect")
        self.reset_button = FittedButton("Reset")
        self.reset_button.setToolTip("Stop and start over from an untrained model")
        self.start_button.clicked.connect(self.startRequested)
        self.pause_button.toggled.connect(self._on_pause_toggled)
        self.step_button.clicked.connect(self.stepRequested)
        self.reset_button.clicked.connect(self.resetRequested)
        buttons = QHBoxLayout()
        for button in (self.start_button, self.pause_button, self.step_button, self.reset_button):
            buttons.addWidget(button)
        self.speed = QSlider(Qt.Orientation.Horizontal)
        self.speed.setRange(0, len(RATES) - 1)
        self.speed.setValue(len(RATES) - 1)
        self.speed.setToolTip("From slow motion (one image at a time) to full speed")
        self.speed_label = FittedLabel(tuple(rate_text(r) for r in reversed(RATES)))
        self.speed_label.setToolTip(
            "Images learned per second; in slow motion each image and the change it makes "
            "are shown (Last step)"
        )
        self.speed.valueChanged.connect(self._on_speed_changed)

        # progress
        self.progress = ProgressBar()
        self.progress.setTextVisible(False)  # the count is below it, never under the fill
        self.rate_label = QLabel(" ")
        self.rate_label.setWordWrap(True)
        self.rate_label.setToolTip(
            "Images learned, and the speed and time left measured on the clock over the last "
            "seconds of the run (learning, measuring the accuracy curve and keeping the set "
            "speed all count; a pause does not)"
        )
        self.speed_meter = SpeedMeter()
        self.status = QLabel("Ready.")
        self.status.setWordWrap(True)
        for label in (self.rate_label, self.status):
            # room for two lines: a text that wraps (at a run's start or end) does not move the
            # curve below, which would redraw its axes and repaint the dock (30-60 ms)
            label.setMinimumHeight(2 * label.fontMetrics().lineSpacing())
        self.curve = AccuracyCurve()
        self.curve.setMinimumHeight(150)
        self.step_view = StepView()
        self.teach_box = TeachBox()

        # the settings scroll when the dock is short; the controls above them and the progress
        # and curve below them stay in view
        settings = QWidget()
        settings_layout = QVBoxLayout(settings)
        settings_layout.setContentsMargins(0, 0, 0, 0)
        settings_layout.addWidget(self.data)
        settings_layout.addWidget(self.rule_form)
        self.settings_scroll = SettingsScroll(settings)

        # the controls first: they stay put whatever the settings' height (a rule's form)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        speed_row = QHBoxLayout()
        speed_row.addWidget(QLabel("speed"))
        speed_row.addWidget(self.speed, 1)
        speed_row.addWidget(self.speed_label)
        layout.addLayout(speed_row)
        layout.addWidget(self.settings_scroll)
        layout.addWidget(self.progress)
        layout.addWidget(self.rate_label)
        layout.addWidget(self.status)
        self.extras = QTabWidget()
        self.extras.addTab(self.curve, "Accuracy")
        self.extras.addTab(self.step_view, "Last step")
        self.extras.addTab(self.teach_box, "Teach")
        # fill what the dock has left (its size hint would push the rest out of view)
        self.extras.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Ignored)
        self.extras.setMinimumHeight(self.extras.minimumSizeHint().height())
        layout.addWidget(self.extras, 1)
        layout.addStretch(0)  # takes the room when only the controls show (set_compact)
        self._details = (
            self.settings_scroll,
            self.progress,
            self.rate_label,
            self.status,
            self.extras,
        )
        """What the classroom view hides."""

        self.set_running(False)

    # -- what the panel asks for ------------------------------------------------------------

    def settings(self) -> RunSettings:
        """The run the fields and the speed describe (see :meth:`RuleForm.settings`)."""
        return self.rule_form.settings(self.rate())

    def rate(self) -> float | None:
        return RATES[self.speed.value()]

    def pause(self, paused: bool = True) -> None:
        self.pause_button.setChecked(paused)

    def set_compact(self, compact: bool) -> None:
        """Show only Start, Pause, Step, Reset and the speed (the classroom view), or all."""
        for widget in self._details:
            widget.setVisible(not compact)

    # -- what it is told --------------------------------------------------------------------

    def show_dataset(self, dataset: Dataset | None) -> None:
        """The data set in use (None: none yet): named, and the settings' ranges for it."""
        self.data.show_dataset(dataset)
        self.rule_form.show_dataset(dataset)

    def set_running(self, running: bool) -> None:
        self.pause_button.setEnabled(running)
        self.rule_form.set_editable(not running)

    def set_paused(self, paused: bool) -> None:
        self.speed_meter.restart()  # paused time is no time of the run
        self.pause_button.blockSignals(True)
        self.pause_button.setChecked(paused)
        self.pause_button.blockSignals(False)
        self.pause_button.setText("Resume" if paused else "Pause")

    def show_started(self, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(0)
        self.speed_meter.restart()
        self.rate_label.setText(f"0 of {total:,} images")
        self.curve.clear_points(total)

    def show_cleared(self) -> None:
        """A new (or reset) model: no progress, no curve."""
        self.progress.reset()
        self.rate_label.setText(" ")
        self.curve.clear_points()

    def show_progress(self, progress: Progress) -> None:
        self.progress.setValue(progress.seen)
        count = f"{progress.seen:,} of {progress.total:,} images"
        speed = self.speed_meter.add(progress.seen)
        if speed is not None:
            left = (progress.total - progress.seen) / speed
            self.rate_label.setText(f"{count} · {speed:,.0f}/s · ETA {duration_text(left)}")
        elif progress.seen == 0:
            self.rate_label.setText(f"{count} · starting (compiling kernels on first use)…")
        else:
            self.rate_label.setText(count)

    def show_step(self, step: Step, classes: tuple[str, ...]) -> None:
        self.step_view.show_step(step, classes)
        self.extras.setCurrentWidget(self.step_view)

    def show_status(self, text: str, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet("color: #b00020;" if error else "")

    # -- its own widgets -----------------------------------------------------------------

    def _on_pause_toggled(self, paused: bool) -> None:
        self.pause_button.setText("Resume" if paused else "Pause")
        self.pauseRequested.emit(paused)

    def _on_speed_changed(self, position: int) -> None:
        rate = RATES[position]
        self.speed_label.setText(rate_text(rate))
        self.rateChanged.emit(rate)
