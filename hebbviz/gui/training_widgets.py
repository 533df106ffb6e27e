"""The pieces of the Training dock: the rule with its hyperparameter fields, the speed meter and
the last step's view."""

from __future__ import annotations

import inspect
import time
from collections import deque
from collections.abc import Callable
from typing import Any

import numpy as np
from PySide6.QtGui import QDoubleValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from hebbviz.data.dataset import Dataset
from hebbviz.gui.gallery import digit_icon
from hebbviz.gui.heatmap import Heatmap, tile_mosaic
from hebbviz.gui.training_controller import RunSettings
from hebbviz.models import RULES, rule_class
from hebbviz.training_run import Step

MAX_COUNT = 1_000_000_000
"""The largest whole number a hyperparameter field takes (counts such as ``detector_patches``
go well past 100,000; the rule checks its own bounds when the model is made)."""


class ParamsForm(QWidget):
    """Fields for a rule's hyperparameters, made from its constructor's defaults (and the
    choices and internal parameters the rule declares)."""

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
        for name, parameter in inspect.signature(cls).parameters.items():
            default = parameter.default
            if name in cls.internal_params or default is inspect.Parameter.empty:
                continue
            field: QWidget
            if isinstance(default, bool):
                field = QCheckBox()
                field.setChecked(default)
            elif isinstance(default, int):
                field = QSpinBox()
                field.setRange(0, MAX_COUNT)
                field.setValue(default)
            elif isinstance(default, float) or default is None:
                field = QLineEdit("" if default is None else f"{default:g}")
                field.setPlaceholderText("none")
                field.setValidator(QDoubleValidator(0.0, 1e6, 12))
            else:
                choices = cls.param_choices.get(name)
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


class RuleForm(QGroupBox):
    """The "Rule" box: the rule, its hyperparameters, the images per label and the epochs; each
    rule chosen starts with its defaults (and, if it wants them, equal image counts per label of
    the data set shown)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Rule", parent)
        self.dataset: Dataset | None = None
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
        layout = QFormLayout(self)
        layout.addRow("rule", self.rule_choice)
        layout.addRow(self.params)
        layout.addRow("images per label", self.per_label)
        layout.addRow("epochs", self.epochs)
        self.rule_choice.currentTextChanged.connect(self._on_rule_chosen)
        self._on_rule_chosen(self.rule_choice.currentText())

    def show_dataset(self, dataset: Dataset | None) -> None:
        """The data set a run learns from: up to how many images per label it has, and the
        current rule's defaults for it (None: no data set yet, nothing changes)."""
        self.dataset = dataset
        if dataset is None:
            return
        self.per_label.setRange(0, max(dataset.train.per_label(len(dataset.classes))))
        self._on_rule_chosen(self.rule_choice.currentText())

    def settings(self, rate: float | None) -> RunSettings:
        """The run the fields describe, at ``rate`` (frozen: changing a field later changes no
        run)."""
        return RunSettings(
            rule=self.rule_choice.currentText(),
            params=self.params.values(),
            per_label=self.per_label.value(),
            epochs=self.epochs.value(),
            rate=rate,
        )

    def show_rule(self, rule: str) -> None:
        """Select ``rule`` (the current model's) with its default settings."""
        if rule in RULES:
            self.rule_choice.setCurrentText(rule)

    def set_editable(self, editable: bool) -> None:
        """Let the fields be changed (not while a run uses them)."""
        for widget in (self.rule_choice, self.params, self.per_label, self.epochs):
            widget.setEnabled(editable)

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


SPEED_WINDOW_S = 10.0
"""The speed shown is measured over about this many seconds of the run's wall time."""

LEAST_SPAN_S = 1.0
"""No speed (nor ETA) is shown before the run has this many seconds behind it."""


class SpeedMeter:
    """Images per second over the last seconds of wall time of a run (learning, measuring the
    validation accuracy, waiting for the lock and keeping a set rate: all of it), paused time
    left out; the ETA follows from it.

    Parameters
    ----------
    clock : callable
        Seconds (monotonic); tests give their own.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._samples: deque[tuple[float, int]] = deque()

    def restart(self) -> None:
        """A new run, or one resumed after a pause: measure afresh."""
        self._samples.clear()

    def add(self, seen: int) -> float | None:
        """Record that ``seen`` images are learned now; returns the speed (images/s), or None
        until it can be measured."""
        now = self._clock()
        samples = self._samples
        samples.append((now, seen))
        while len(samples) > 2 and now - samples[1][0] >= SPEED_WINDOW_S:
            samples.popleft()
        began, first = samples[0]
        if now - began < LEAST_SPAN_S or seen <= first:
            return None
        return (seen - first) / (now - began)


STEP_HINT = "Slow motion or Step shows each image and its effect here."


class StepView(QWidget):
    """The last image learned on its own, its label, and the change it made to its network."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.digit = QLabel()
        self.digit.setFixedSize(64, 64)
        self.caption = QLabel(STEP_HINT)
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

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt override)
        """No: its wrapped caption would make the dock give it all the height it could want,
        taken from the settings above (they collapsed into a tiny scroll area at Step)."""
        return False

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

    def clear(self) -> None:
        """Nothing learned on its own yet (a new model)."""
        self.digit.clear()
        self.caption.setText(STEP_HINT)
        self.change.clear()
