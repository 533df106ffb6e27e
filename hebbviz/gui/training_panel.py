"""The "Training" dock: choose data, rule and hyperparameters; start, pause, step, reset; watch.

The panel owns the :class:`~hebbviz.gui.worker.TrainingWorker` of the current run, the "Weights"
and "Metrics" views it feeds, and a small accuracy curve, so one glance shows heatmaps, progress
and accuracy. Progress is shown from the worker's newest value on a 10 Hz timer.
"""

from __future__ import annotations

import importlib.util
import inspect
import math
import time
from typing import Any

import numpy as np
from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QDoubleValidator, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDockWidget,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QStyle,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from hebbviz.data.dataset import Dataset, Split, balance
from hebbviz.data.drawings import DrawingStore
from hebbviz.data.sources import TITLES, TORCHVISION_CLASSES, torchvision_root
from hebbviz.gui.classroom import Classroom, export_png
from hebbviz.gui.metrics_view import AccuracyCurve, MetricsView, digit_icon
from hebbviz.gui.teach import TeachBox
from hebbviz.gui.weight_view import Heatmap, WeightView, tile_mosaic
from hebbviz.gui.worker import SLOW_MOTION_RATE, Progress, Step, TrainingWorker
from hebbviz.models import RULES, rule_class
from hebbviz.models.base import NormClassifier
from hebbviz.training import Snapshot

RATES: tuple[float | None, ...] = (1, 2, 5, 10, 30, 100, 300, 1000, 3000, None)
"""Speed slider positions, images per second (None: full speed)."""

HIDDEN_PARAMS = {"n_labels", "block"}
"""Constructor parameters that are not hyperparameters a user should set."""

CURVE_POINTS = 20
"""About how many validation measurements a run makes for the accuracy curve."""

MODEL_INFO_S = 0.5
"""While training, the status bar's model description follows at most this often (seconds):
it is read under the model lock and relays the status bar out, so not at every frame."""

BUTTON_WIDTH = 56
"""Least width of the Start, Pause, Step and Reset buttons (pixels)."""

FRAME_MS = 100
"""Progress, ETA and the answer to the drawing follow training this often (the heatmaps redraw
on their own, faster, timer; drawing refreshes the answer at once)."""


def rate_text(rate: float | None) -> str:
    if rate is None:
        return "full speed"
    return f"{rate:g}/s" + (" (slow motion)" if rate <= SLOW_MOTION_RATE else "")


def duration_text(seconds: float) -> str:
    if not math.isfinite(seconds):
        return "–"
    minutes, secs = divmod(int(round(seconds)), 60)
    return f"{minutes}:{secs:02d}"


def validation_subset(model: NormClassifier, val: Split) -> Split:
    """The validation digits the live curve is scored on: all of them, except for ``itoh``
    whose forward pass is heavy (20 per label there, so measuring never stalls training)."""
    return balance(val, 20) if model.rule == "itoh" else val


class ParamsForm(QWidget):
    """Fields for a rule's hyperparameters, made from its constructor's defaults."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.fields: dict[str, QWidget] = {}

    def set_rule(self, rule: str) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.fields = {}
        cls = rule_class(rule)
        module = inspect.getmodule(cls)
        for name, parameter in inspect.signature(cls).parameters.items():
            default = parameter.default
            if name in HIDDEN_PARAMS or default is inspect.Parameter.empty:
                continue
            field: QWidget
            if isinstance(default, bool):
                field = QCheckBox()
                field.setChecked(default)
            elif isinstance(default, int):
                field = QSpinBox()
                field.setRange(0, 100_000)
                field.setValue(default)
            elif isinstance(default, float) or default is None:
                field = QLineEdit("" if default is None else f"{default:g}")
                field.setPlaceholderText("none")
                field.setValidator(QDoubleValidator(0.0, 1e6, 12))
            else:
                choices = getattr(module, f"{name.upper()}S", None)
                field = QComboBox()
                field.addItems([str(c) for c in choices] if choices else [str(default)])
                field.setCurrentText(str(default))
            self.fields[name] = field
            self.form.addRow(name.replace("_", " "), field)

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name, field in self.fields.items():
            if isinstance(field, QCheckBox):
                values[name] = field.isChecked()
            elif isinstance(field, QSpinBox):
                values[name] = field.value()
            elif isinstance(field, QLineEdit):
                values[name] = float(field.text()) if field.text() else None
            else:
                values[name] = field.currentText()
        return values


class StepView(QWidget):
    """The last image learned on its own, its label, and the change it made to its network."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.digit = QLabel()
        self.digit.setFixedSize(64, 64)
        self.caption = QLabel("Slow motion or Step shows each image and its effect here.")
        self.caption.setWordWrap(True)
        self.change = Heatmap(lambda r, c, v: f"change {v:+.3g}")
        self.change.setMinimumHeight(90)
        self.change.plot.hideAxis("left")
        left = QVBoxLayout()
        left.addWidget(self.digit)
        left.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(left)
        right = QVBoxLayout()
        right.addWidget(self.caption)
        right.addWidget(self.change, 1)
        layout.addLayout(right, 1)

    def show_step(self, step: Step, classes: tuple[str, ...]) -> None:
        self.digit.setPixmap(digit_icon(step.image, 64).pixmap(64, 64))
        change = step.change
        if change.ndim == 3:
            change = tile_mosaic(change, per_line=min(len(change), 8))
        self.caption.setText(
            f"Learned one {classes[step.label]}: change of network {classes[step.label]} "
            f"(largest {np.nanmax(np.abs(change)):.2g})"
        )
        self.change.set_image(change)


class SettingsScroll(QScrollArea):
    """Scrolls ``content`` vertically when space is short; asks for all of its height."""

    def __init__(self, content: QWidget) -> None:
        super().__init__()
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.setWidget(content)
        content.installEventFilter(self)
        self._bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()  # the content's height changed: ask the dock again
        return super().eventFilter(watched, event)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override; QScrollArea's is cached and capped)
        hint = self.widget().sizeHint()
        return QSize(hint.width() + self._bar, hint.height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        least = self.widget().minimumSizeHint().width() + self._bar
        return QSize(least, super().minimumSizeHint().height())


class TrainingPanel(QWidget):
    """Everything to train a model live in ``window`` (a :class:`MainWindow`).

    Attributes
    ----------
    worker : TrainingWorker or None
        The current run's worker (None when no run is active).
    weight_view, metrics_view : WeightView, MetricsView
        The "Weights" and "Metrics" tabs this panel feeds.
    """

    def __init__(self, window: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.main_window = window
        self.store = DrawingStore()  # the user's own drawings (teach mode adds to them)
        self.worker: TrainingWorker | None = None
        self._progress: Progress | None = None
        self._last_snapshot: Snapshot | None = None
        self._val: Split | None = None
        self._val_is_whole = False
        self._model_info_shown = 0.0
        self._val_accuracy: float | None = None
        """The current model's accuracy on the whole validation split, when last measured (and
        not changed since)."""
        self.weight_view = WeightView()
        self.metrics_view = MetricsView(window.canvas.show_digit)

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
        self.start_button = QPushButton("Start")
        self.start_button.setToolTip("Train a new model with these settings (Ctrl+Return)")
        self.pause_button = QPushButton("Pause")
        self.pause_button.setCheckable(True)
        self.step_button = QPushButton("Step")
        self.step_button.setToolTip("Learn exactly one more image and show its effect")
        self.reset_button = QPushButton("Reset")
        self.reset_button.setToolTip("Stop and start over from an untrained model")
        self.start_button.clicked.connect(self.start)
        self.pause_button.toggled.connect(self._on_pause_toggled)
        self.step_button.clicked.connect(self.step)
        self.reset_button.clicked.connect(self.reset)
        buttons = QHBoxLayout()
        for button in (self.start_button, self.pause_button, self.step_button, self.reset_button):
            button.setMinimumWidth(BUTTON_WIDTH)  # not the style's wide default: a narrow dock
            buttons.addWidget(button)
        self.speed = QSlider(Qt.Orientation.Horizontal)
        self.speed.setRange(0, len(RATES) - 1)
        self.speed.setValue(len(RATES) - 1)
        self.speed.setToolTip("From slow motion (one image at a time) to full speed")
        self.speed_label = QLabel(rate_text(None))
        self.speed_label.setFixedWidth(
            max(self.speed_label.fontMetrics().horizontalAdvance(rate_text(r)) for r in RATES)
        )
        self.speed_label.setToolTip(
            "Images learned per second; in slow motion each image and the change it makes "
            "are shown (Last step)"
        )
        self.speed.valueChanged.connect(self._on_speed_changed)

        # progress
        self.progress = QProgressBar()
        self.progress.setFormat("%v / %m images")
        self.rate_label = QLabel(" ")
        self.status = QLabel("Ready.")
        self.status.setWordWrap(True)
        self.curve = AccuracyCurve()
        self.curve.setMinimumHeight(150)
        self.step_view = StepView()
        self.teach_box = TeachBox(window, self.store)
        self.teach_box.taught.connect(self._on_taught)

        # the settings scroll when the dock is short; the controls, progress and curve below
        # them stay in view
        settings = QWidget()
        settings_layout = QVBoxLayout(settings)
        settings_layout.setContentsMargins(0, 0, 0, 0)
        settings_layout.addWidget(data_box)
        settings_layout.addWidget(rule_box)
        self.settings_scroll = SettingsScroll(settings)

        layout = QVBoxLayout(self)
        layout.addWidget(self.settings_scroll)
        layout.addLayout(buttons)
        speed_row = QHBoxLayout()
        speed_row.addWidget(QLabel("speed"))
        speed_row.addWidget(self.speed, 1)
        speed_row.addWidget(self.speed_label)
        layout.addLayout(speed_row)
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

        self.frame_timer = QTimer(self)
        self.frame_timer.setInterval(FRAME_MS)
        self.frame_timer.timeout.connect(self._on_frame)
        self.frame_timer.start()

        window.modelChanged.connect(self._on_model_changed)
        window.datasetChanged.connect(self._on_dataset_changed)
        window.installEventFilter(self)
        self._fill_data_choices()
        self.rule_choice.setCurrentText(window.model.rule if window.model is not None else "oja")
        self._on_rule_chosen(self.rule_choice.currentText())
        self._on_model_changed()
        self._on_dataset_changed()
        self._update_buttons()

    # -- public actions -------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self.worker is not None

    def start(self, paused: bool = False) -> None:
        """Train a new model with the panel's settings on the window's data set."""
        dataset: Dataset | None = self.main_window.dataset
        if dataset is None:
            self._set_status("No data set loaded: choose one above.", error=True)
            return
        self.stop()
        model = self._new_model()
        if model is None:
            return
        per_label = self.per_label.value()
        split = balance(dataset.train, per_label) if per_label else dataset.train
        self._val = validation_subset(model, dataset.val) if len(dataset.val) else None
        self._val_is_whole = self._val is not None and len(self._val) == len(dataset.val)
        epochs = self.epochs.value()
        self.main_window.set_model(model, self._metadata(model, dataset, epochs))
        self.curve.clear_points()
        self.metrics_view.curve.clear_points()
        worker = TrainingWorker(
            model,
            self.main_window.model_lock,
            split,
            epochs=epochs,
            val=self._val,
            eval_every=max(epochs * len(split) // CURVE_POINTS, 1),
            rate=RATES[self.speed.value()],
            paused=paused,
            parent=self,
        )
        worker.yielded.connect(self._on_snapshot)
        worker.stepped.connect(self._on_stepped)
        worker.errored.connect(self._on_errored)
        worker.finished.connect(self._on_worker_finished)
        self.worker = worker
        self.weight_view.set_feed(worker)
        self._progress = None
        self._last_snapshot = None
        self.progress.setRange(0, worker.total)
        self._set_status(
            f"Training {model.rule} on {len(split)} images × {epochs} epoch(s)… "
            "(the first run compiles the kernels: a few seconds)"
        )
        self.pause_button.setChecked(paused)
        worker.start()
        self._update_buttons()

    def pause(self, paused: bool = True) -> None:
        self.pause_button.setChecked(paused)

    def step(self) -> None:
        """Learn one image (starting a paused run first if none is active)."""
        if self.worker is None:
            self.start(paused=True)
            if self.worker is None:
                return
        self.pause_button.setChecked(True)
        self.worker.step()

    def stop(self) -> None:
        """Stop the current run, if any, and wait for its thread to end (promptly)."""
        worker, self.worker = self.worker, None
        if worker is not None:
            worker.stop()
            worker.wait()
            self.weight_view.set_feed(None)
            self.weight_view.mark_dirty()
            self._set_status(f"Stopped after {worker.progress.seen} images.")
            self.show_model_info()
        self.metrics_view.wait()
        self._update_buttons()

    def reset(self) -> None:
        """Stop, and replace the model by an untrained one with the panel's settings."""
        self.stop()
        model = self._new_model()
        if model is None:
            return
        self.main_window.set_model(model, {"data_source": "untrained"})
        self.curve.clear_points()
        self.metrics_view.curve.clear_points()
        self.progress.setValue(0)
        self.rate_label.setText(" ")
        self._set_status("Reset: an untrained model (all ten networks start identical).")

    def evaluate(self) -> None:
        """Score the current model on the whole validation split, in the background."""
        dataset = self.main_window.dataset
        if dataset is None or self.main_window.model is None or len(dataset.val) == 0:
            return
        with self.main_window.model_lock:
            model = self.main_window.model.copy()
        self.metrics_view.evaluate(model, dataset.val)

    # -- building ----------------------------------------------------------------------------

    def _new_model(self) -> NormClassifier | None:
        """An untrained model with the panel's settings; None (and says why) if they are bad."""
        try:
            return rule_class(self.rule_choice.currentText())(**self.params.values())
        except (TypeError, ValueError) as error:
            self._set_status(f"Bad hyperparameters: {error}", error=True)
            return None

    def _metadata(self, model: NormClassifier, dataset: Dataset, epochs: int) -> dict[str, Any]:
        per_label = self.per_label.value()
        return {
            "data_source": dataset.source,
            "per_label": per_label or "all",
            "epochs": epochs,
            "trained_in": "hebbviz app",
        }

    def _fill_data_choices(self) -> None:
        """One entry per kind of source; unavailable ones disabled, with why in the tooltip."""
        self.data_choice.clear()
        self.data_choice.addItem("Choose a data set…")
        self.data_choice.addItem("Folder of IDX files…", ("folder", None))
        has_torchvision = importlib.util.find_spec("torchvision") is not None
        for key, folder in TORCHVISION_CLASSES.items():
            self.data_choice.addItem(f"{TITLES[key]} (torchvision)", ("name", key))
            item = self.data_choice.model().item(self.data_choice.count() - 1)
            cached = (torchvision_root() / folder / "raw").is_dir()
            if not has_torchvision:
                item.setEnabled(False)
                item.setToolTip("needs torchvision: pip install 'hebbviz[torchvision]'")
            else:
                item.setToolTip(
                    "downloaded already" if cached else "downloads about 10-30 MB the first time"
                )
        self.data_choice.addItem("Synthetic digits", ("name", "synthetic"))
        self.data_choice.model().item(self.data_choice.count() - 1).setToolTip(
            "procedurally drawn digits: always available, but not real handwriting"
        )
        self.data_choice.addItem("Own drawings", ("name", "drawings"))
        self._show_drawings_count()

    def _show_drawings_count(self) -> None:
        """Name the own-drawings entry (the last one) with how many drawings there are."""
        try:
            count = len(self.store)
            why = "draw digits and teach them (keys 0-9) to collect some" if count == 0 else ""
        except Exception as error:  # noqa: BLE001 - a damaged store is shown, not raised
            count, why = 0, str(error)
        index = self.data_choice.count() - 1
        self.data_choice.setItemText(index, f"Own drawings ({count})")
        item = self.data_choice.model().item(index)
        item.setEnabled(count > 0)
        item.setToolTip(why or f"{count} labelled drawings of your own")

    # -- slots -------------------------------------------------------------------------------

    def _on_data_chosen(self, index: int) -> None:
        choice = self.data_choice.itemData(index)
        self.data_choice.setCurrentIndex(0)
        if choice is None:
            return
        kind, name = choice
        if kind == "folder":
            folder = QFileDialog.getExistingDirectory(self, "Folder with MNIST-format IDX files")
            if folder:
                self.main_window.load_dataset(data_dir=folder)
        else:
            self.main_window.load_dataset(name=name)

    def _on_dataset_changed(self) -> None:
        dataset: Dataset | None = self.main_window.dataset
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
        self.metrics_view.set_classes(dataset.classes)
        self._on_model_changed()

    def _on_rule_chosen(self, rule: str) -> None:
        self.params.set_rule(rule)
        cls = rule_class(rule)
        self.epochs.setValue(getattr(cls, "default_epochs", 1))
        dataset = self.main_window.dataset
        if dataset is not None and getattr(cls, "balanced_by_default", True):
            counts = [c for c in dataset.train.per_label(len(dataset.classes)) if c > 0]
            self.per_label.setValue(min(counts) if counts else 0)
        else:
            self.per_label.setValue(0)

    def _on_model_changed(self) -> None:
        model = self.main_window.model
        if self.worker is not None and model is not self.worker.model:
            self.stop()  # another model was opened: this run's model is no longer shown
        self._val_accuracy = None
        self.weight_view.set_source(model, self.main_window.model_lock, self.main_window.classes())

    def _on_taught(self, label: int) -> None:
        self.weight_view.mark_dirty()
        self._val_accuracy = None  # measured before this step
        self.show_model_info()
        self._show_drawings_count()

    def _on_pause_toggled(self, paused: bool) -> None:
        self.pause_button.setText("Resume" if paused else "Pause")
        if self.worker is None:
            return
        if paused:
            self.worker.pause()
            self._set_status("Paused. Step learns one image; teach mode works too.")
        else:
            self.worker.resume()
            self._set_status("Training…")
        self.show_model_info()

    def _on_speed_changed(self, position: int) -> None:
        rate = RATES[position]
        self.speed_label.setText(rate_text(rate))
        if self.worker is not None:
            self.worker.set_rate(rate)

    def _on_snapshot(self, snapshot: Snapshot) -> None:
        if self.sender() is not self.worker:
            return
        self._last_snapshot = snapshot
        if snapshot.val_accuracy is not None:
            self._val_accuracy = snapshot.val_accuracy if self._val_is_whole else None
            self.curve.add_point(snapshot.seen, snapshot.val_accuracy)
            self.metrics_view.curve.add_point(snapshot.seen, snapshot.val_accuracy)
        if snapshot.diverged:
            classes = self.weight_view.classes
            names = ", ".join(classes[i] for i in snapshot.diverged)
            self._set_status(
                f"Diverged: the weights of network(s) {names} are no longer finite; "
                "their answers count as wrong. Try a smaller learning rate.",
                error=True,
            )

    def _on_stepped(self, step: Step) -> None:
        if self.sender() is self.worker:
            self.step_view.show_step(step, self.weight_view.classes)
            self.extras.setCurrentWidget(self.step_view)

    def _on_errored(self, message: str) -> None:
        self._set_status(message, error=True)
        self.main_window.statusBar().showMessage(message, 10_000)

    def _on_worker_finished(self) -> None:
        worker = self.sender()
        if worker is not self.worker:
            return
        self._on_frame()
        self.worker = None
        self.weight_view.set_feed(None)
        self.weight_view.mark_dirty()
        self.show_model_info()
        snapshot = self._last_snapshot
        if snapshot is not None and snapshot.done:
            accuracy = (
                f", validation {100 * snapshot.val_accuracy:.1f}%"
                if snapshot.val_accuracy is not None
                else ""
            )
            diverged = len(snapshot.diverged)
            diverged = f"; {diverged} network(s) diverged" if diverged else ""
            self._set_status(
                f"Finished: {snapshot.seen} images in {snapshot.elapsed:.1f} s of learning"
                f"{accuracy}{diverged}.",
                error=bool(snapshot.diverged),
            )
            self.evaluate()
        self.pause_button.setChecked(False)
        self._update_buttons()

    def _on_frame(self) -> None:
        """Show the newest progress (at most 10 times a second)."""
        if self.worker is None or self.worker.progress is self._progress:
            return
        progress = self._progress = self.worker.progress
        self.progress.setValue(progress.seen)
        if progress.images_per_s > 0:
            rate = RATES[self.speed.value()]
            speed = progress.images_per_s if rate is None else min(rate, progress.images_per_s)
            left = (progress.total - progress.seen) / speed
            self.rate_label.setText(f"{speed:,.0f} images/s · ETA {duration_text(left)}")
        else:
            self.rate_label.setText("starting (compiling kernels on first use)…")
        if progress.seen:
            self.main_window.refresh_answer()  # the answer to the drawing, as the model learns
        now = time.monotonic()
        if now - self._model_info_shown >= MODEL_INFO_S:
            self.show_model_info()

    def show_model_info(self) -> None:
        """Have the status bar describe the model as the current run (if any) changes it."""
        self._model_info_shown = time.monotonic()
        activity = None
        if self.worker is not None:
            activity = "training, paused" if self.worker.paused else "training"
        self.main_window.show_model_info(activity, self._val_accuracy)

    def _update_buttons(self) -> None:
        running = self.worker is not None
        self.pause_button.setEnabled(running)
        for widget in (self.rule_choice, self.params, self.per_label, self.epochs):
            widget.setEnabled(not running)

    def _set_status(self, text: str, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet("color: #b00020;" if error else "")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is self.main_window and event.type() == QEvent.Type.Close:
            self.stop()
        return False


def install(window: Any) -> TrainingPanel:
    """Add training to ``window`` (a :class:`MainWindow`): the "Training" dock, the "Weights" and
    "Metrics" tabs, a Training menu, the classroom view (F11) and PNG export.

    Returns
    -------
    TrainingPanel
        Also kept as ``window.training``.
    """
    panel = TrainingPanel(window)
    dock = QDockWidget("Training", window)
    dock.setObjectName("training-dock")
    dock.setWidget(panel)
    window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
    window.tabs.addTab(panel.weight_view, "Weights")
    window.tabs.addTab(panel.metrics_view, "Metrics")

    training_menu = QMenu("&Training", window)
    window.menuBar().insertMenu(window.help_menu.menuAction(), training_menu)
    actions = (
        ("&Start", panel.start, "Ctrl+Return"),
        ("&Pause / resume", panel.pause_button.toggle, "Ctrl+P"),
        ("S&tep one image", panel.step, "Ctrl+."),
        ("&Reset", panel.reset, "Ctrl+R"),
        ("&Evaluate on validation", panel.evaluate, "Ctrl+E"),
    )
    for text, slot, shortcut in actions:
        action = QAction(text, window)
        action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _=False, f=slot: f())
        training_menu.addAction(action)
        window.addAction(action)
    training_menu.addAction(dock.toggleViewAction())

    classroom = Classroom(window)
    window.classroom = classroom
    classroom_action = QAction("&Classroom view", window)
    classroom_action.setShortcut(QKeySequence("F11"))
    classroom_action.setCheckable(True)
    classroom_action.toggled.connect(classroom.set_active)
    export_action = QAction("&Export view as PNG...", window)
    export_action.setShortcut(QKeySequence("Ctrl+Shift+E"))
    export_action.triggered.connect(
        lambda: export_png(
            window,
            window.tabs.currentWidget(),
            f"{window.tabs.tabText(window.tabs.currentIndex())}.png",
        )
    )
    for action in (classroom_action, export_action):
        window.view_menu.addAction(action)
        window.addAction(action)
    window.training = panel
    return panel
