"""The pieces of the Training dock: a rule's hyperparameter fields and the last step's view."""

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
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from hebbviz.gui.gallery import digit_icon
from hebbviz.gui.heatmap import Heatmap, tile_mosaic
from hebbviz.gui.worker import Step
from hebbviz.models import rule_class

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
