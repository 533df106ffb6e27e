"""The "Training" dock: choose data, rule and hyperparameters; start, pause, step, reset; watch.

A passive view: it emits requests (start, pause, step, reset, a new speed, a data source) and
shows the state it is given (the data set, whether a run is active, its progress and status).
The run itself belongs to :class:`~hebbviz.gui.training_controller.TrainingController`.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from hebbviz.data.dataset import DIGIT_CLASSES, Dataset
from hebbviz.data.download import REMOTE, is_downloaded, raw_folder
from hebbviz.data.drawings import DrawingStore
from hebbviz.data.sources import CLASS_NAMES, SAMPLE, SAMPLE_SOURCE
from hebbviz.gui.metrics_view import AccuracyCurve
from hebbviz.gui.run_control import SLOW_MOTION_RATE
from hebbviz.gui.teach import TeachBox
from hebbviz.gui.training_controller import RunSettings
from hebbviz.gui.training_widgets import ParamsForm, SpeedMeter, StepView
from hebbviz.gui.widgets import FittedButton, FittedLabel, ProgressBar, SettingsScroll
from hebbviz.gui.worker import Progress, Step
from hebbviz.models import RULES, rule_class

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

    Signals
    -------
    startRequested(), stepRequested(), resetRequested()
    pauseRequested(bool)
    rateChanged(object)
        Images per second (None: full speed).
    dataFolderChosen(str), dataSourceChosen(str)
        A folder of IDX files, or a named source (see :func:`hebbviz.data.sources.open_dataset`).
    downloadRequested(str)
        A data set of :data:`~hebbviz.data.download.REMOTE` that is not downloaded yet, by name.
    """

    startRequested = Signal()
    stepRequested = Signal()
    resetRequested = Signal()
    pauseRequested = Signal(bool)
    rateChanged = Signal(object)
    dataFolderChosen = Signal(str)
    dataSourceChosen = Signal(str)
    downloadRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.dataset: Dataset | None = None
        # data
        self.data_label = QLabel()
        self.data_label.setWordWrap(True)
        self.data_choice = QComboBox()
        self.data_choice.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.data_choice.setMinimumContentsLength(12)
        self.data_choice.setToolTip("Where the training digits come from")
        self.data_choice.activated.connect(self._on_data_chosen)
        data_box = QGroupBox("Data")
        data_layout = QVBoxLayout(data_box)
        data_layout.addWidget(self.data_label)
        data_layout.addWidget(self.data_choice)

        # rule and its hyperparameters
        self.rule_choice = QComboBox()
        self.rule_choice.addItems(list(RULES))
        self.rule_choice.setToolTip(
            "itoh: the source paper's rule; oja / sanger: Hebbian subspace rules (eigen-digits)"
        )
        self.params = ParamsForm()
        self.per_label = QSpinBox()
        self.per_label.setSpecialValueText("all")
        self.per_label.setToolTip(
            "Training images per label. Equal counts matter: a network's norm grows with the "
            "number of images it learned from."
        )
        self.epochs = QSpinBox()
        self.epochs.setRange(1, 100)
        rule_box = QGroupBox("Rule")
        rule_layout = QFormLayout(rule_box)
        rule_layout.addRow("rule", self.rule_choice)
        rule_layout.addRow(self.params)
        rule_layout.addRow("images per label", self.per_label)
        rule_layout.addRow("epochs", self.epochs)
        self.rule_choice.currentTextChanged.connect(self._on_rule_chosen)

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
        self.curve = AccuracyCurve()
        self.curve.setMinimumHeight(150)
        self.step_view = StepView()
        self.teach_box = TeachBox()

        # the settings scroll when the dock is short; the controls above them and the progress
        # and curve below them stay in view
        settings = QWidget()
        settings_layout = QVBoxLayout(settings)
        settings_layout.setContentsMargins(0, 0, 0, 0)
        settings_layout.addWidget(data_box)
        settings_layout.addWidget(rule_box)
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

        self._fill_data_choices()
        self._on_rule_chosen(self.rule_choice.currentText())
        self.set_running(False)

    # -- what the panel asks for ------------------------------------------------------------

    def settings(self) -> RunSettings:
        """The run the fields describe (frozen: changing a field later changes no run)."""
        return RunSettings(
            rule=self.rule_choice.currentText(),
            params=self.params.values(),
            per_label=self.per_label.value(),
            epochs=self.epochs.value(),
            rate=self.rate(),
        )

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
        self.dataset = dataset
        if dataset is None:
            self.data_label.setText("No data set loaded.")
            return
        counts = dataset.train.per_label(len(dataset.classes))
        self.data_label.setText(
            f"{dataset.source}: {len(dataset.train)} training, {len(dataset.val)} validation "
            f"digits{' (synthetic)' if dataset.synthetic else ''}"
        )
        self.per_label.setRange(0, max(counts))
        self._on_rule_chosen(self.rule_choice.currentText())

    def show_rule(self, rule: str) -> None:
        """Select ``rule`` (the current model's) with its default settings."""
        if rule in RULES:
            self.rule_choice.setCurrentText(rule)

    def set_running(self, running: bool) -> None:
        self.pause_button.setEnabled(running)
        for widget in (self.rule_choice, self.params, self.per_label, self.epochs):
            widget.setEnabled(not running)

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

    def _fill_data_choices(self) -> None:
        """One entry per source: the shipped sample, the downloadable data sets (see
        :meth:`show_downloads`), a folder, synthetic digits, own drawings (the last one)."""
        self.data_choice.clear()
        self.data_choice.addItem("Choose a data set…")
        self.data_choice.addItem(SAMPLE_SOURCE, ("name", SAMPLE))
        self.data_choice.setItemData(
            1,
            "10,000 real MNIST training digits shipped with hebbviz: offline, always there",
            Qt.ItemDataRole.ToolTipRole,
        )
        for _ in REMOTE:
            self.data_choice.addItem("")
        self.data_choice.addItem("Folder of IDX files…", ("folder", None))
        self.data_choice.addItem("Synthetic digits", ("name", "synthetic"))
        self.data_choice.model().item(self.data_choice.count() - 1).setToolTip(
            "procedurally drawn digits: always available, but not real handwriting"
        )
        self.data_choice.addItem("Own drawings", ("name", "drawings"))
        self.show_downloads()

    def show_downloads(self) -> None:
        """Name each downloadable data set's entry by whether its files are in the cache: a
        downloaded one is chosen directly, another one offers its download."""
        for index, (key, remote) in enumerate(REMOTE.items(), start=2):
            folder = raw_folder(remote)
            if is_downloaded(remote):
                text, choice = f"{remote.title}, {remote.images:,} images", ("name", key)
                tip = f"downloaded in {folder} ({remote.licence})"
            else:
                kind = "digits" if CLASS_NAMES[key] == DIGIT_CLASSES else "images"
                text = f"{remote.title}, {remote.images:,} {kind} - download {remote.megabytes} MB"
                choice = ("download", key)
                tip = (
                    f"downloads {remote.megabytes} MB into {folder}, each file checked against "
                    f"its published MD5 ({remote.licence}); offline, place its four .gz files "
                    "there by hand"
                )
            self.data_choice.setItemText(index, text)
            self.data_choice.setItemData(index, choice)
            self.data_choice.setItemData(index, tip, Qt.ItemDataRole.ToolTipRole)

    def show_drawings_count(self, store: DrawingStore) -> None:
        """Name the own-drawings entry (the last one) with how many drawings ``store`` has."""
        try:
            count = len(store)
            why = "draw digits and teach them (keys 0-9) to collect some" if count == 0 else ""
        except Exception as error:  # noqa: BLE001 - a damaged store is shown, not raised
            count, why = 0, str(error)
        index = self.data_choice.count() - 1
        self.data_choice.setItemText(index, f"Own drawings ({count})")
        item = self.data_choice.model().item(index)
        item.setEnabled(count > 0)
        item.setToolTip(why or f"{count} labelled drawings of your own")

    # -- its own widgets -----------------------------------------------------------------

    def _on_data_chosen(self, index: int) -> None:
        choice = self.data_choice.itemData(index)
        self.data_choice.setCurrentIndex(0)
        if choice is None:
            return
        kind, name = choice
        if kind == "folder":
            folder = QFileDialog.getExistingDirectory(self, "Folder with MNIST-format IDX files")
            if folder:
                self.dataFolderChosen.emit(folder)
        elif kind == "download":
            self.downloadRequested.emit(name)
        else:
            self.dataSourceChosen.emit(name)

    def _on_rule_chosen(self, rule: str) -> None:
        self.params.set_rule(rule)
        cls = rule_class(rule)
        self.epochs.setValue(cls.default_epochs)
        dataset = self.dataset
        if dataset is not None and cls.balanced_by_default:
            counts = [c for c in dataset.train.per_label(len(dataset.classes)) if c > 0]
            self.per_label.setValue(min(counts) if counts else 0)
        else:
            self.per_label.setValue(0)

    def _on_pause_toggled(self, paused: bool) -> None:
        self.pause_button.setText("Resume" if paused else "Pause")
        self.pauseRequested.emit(paused)

    def _on_speed_changed(self, position: int) -> None:
        rate = RATES[position]
        self.speed_label.setText(rate_text(rate))
        self.rateChanged.emit(rate)
