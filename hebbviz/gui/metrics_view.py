"""How well the model does on the validation split (the "Metrics" tab).

Validation accuracy against images seen (with the source paper's ~75% as a reference line), the
confusion matrix, per-label accuracy, the response of the label networks (the paper's stage-2 win
rates: how often each label's network answers its own digits with a longer vector than each other
label's network; or the mean norm of each network on each true label) and a gallery of
misclassified validation digits; a click shows one on the Answer view with its true label.
Before the first evaluation every plot says why it is empty. A passive view: the training
controller scores a copy of the model in the background and hands the result to
:meth:`MetricsView.show_evaluation`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFontMetrics, QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QLabel,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from hebbviz.data.dataset import Split
from hebbviz.evaluation import Evaluation
from hebbviz.gui.gallery import Gallery
from hebbviz.gui.heatmap import Heatmap
from hebbviz.gui.style import diverging_colormap
from hebbviz.gui.widgets import AspectBox, Placeholder

PAPER_ACCURACY = 75.0
"""About what the source paper reports on MNIST (percent)."""

GALLERY_SIZE = 48

MIN_CONTENT = QSize(400, 560)
"""Below this size the tab scrolls (pixels)."""

NOT_YET = "Not evaluated yet: press Evaluate (Ctrl+E) or train a model."
EMPTY = {
    "per_label": "Each label's share of right answers appears here after an evaluation.",
    "confusion": "How often each true label got each answer appears here after an evaluation.",
    "response": "How each label's network answers every label's digits appears here after an "
    "evaluation.",
    "gallery": "The validation digits the model misreads appear here after an evaluation.",
}
"""What each plot says before the first evaluation (instead of made-up axes)."""

TWO_COLUMNS = 600
"""A tab this wide (pixels) or wider shows the plots in two columns, a narrower one in one: the
matrices stay large enough to read."""

LAST_ROW = 10
"""The grid row below every plot (takes the height to spare)."""

CHART_RATIO = {1: 0.45, 2: 0.7}
"""The accuracy charts' height to width, with the plots in one or two columns."""

HEATMAP_EXTRA = -60
"""A matrix's box is this much taller than wide (pixels): the row axis and the colour bar beside
the square matrix take about 60 pixels more width than the column axis and the hover line under
it take height."""


def sequential_colormap() -> pg.ColorMap:
    """White (zero) to deep blue: for counts and norms."""
    return pg.ColorMap([0.0, 1.0], [(255, 255, 255), (8, 48, 107)])


class CountAxis(pg.AxisItem):
    """An axis of counts written short (20k, 1.5M), so a narrow plot's labels never touch."""

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:  # noqa: N802
        return [short_count(value * scale) for value in values]


def short_count(value: float) -> str:
    """``value`` in at most about four characters: 950, 20k, 1.5M."""
    for factor, suffix in ((1e6, "M"), (1e3, "k")):
        if abs(value) >= factor:
            return f"{value / factor:.3g}{suffix}"
    return f"{value:.3g}"


class AccuracyCurve(pg.PlotWidget):
    """Validation accuracy (percent) against images seen, with the paper's ~75% line (named on
    the right axis, where the curve never hides it). Before the first measurement it says why it
    is empty; a new run's axis spans that run's images."""

    EMPTY = "No accuracy yet: it is measured about 20 times while a model trains."

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, axisItems={"bottom": CountAxis("bottom")})
        self.seen: list[int] = []
        self.accuracy: list[float] = []
        self.setMenuEnabled(False)
        self.setMouseEnabled(False, False)
        self.hideButtons()
        self.setLabel("left", "accuracy", units="%")
        self.setLabel("bottom", "images seen")
        self.setYRange(0, 100, padding=0.02)
        self.showGrid(x=False, y=True, alpha=0.25)
        self.addItem(
            pg.InfiniteLine(
                PAPER_ACCURACY,
                angle=0,
                pen=pg.mkPen("#888888", width=1.5, style=Qt.PenStyle.DashLine),
            )
        )
        self.showAxis("right")
        right = self.getAxis("right")
        right.setTicks([[(PAPER_ACCURACY, "paper ~75%")]])
        right.setToolTip("The source paper reports about 75% on MNIST")
        self.fit_paper_label()
        self.curve = self.plot(pen=pg.mkPen("#e85d04", width=2.5), symbol="o", symbolSize=6)
        self.curve.setSymbolBrush("#e85d04")
        self.empty = pg.TextItem(self.EMPTY, color="#5f6b7a", anchor=(0.5, 0.5))
        self.addItem(self.empty)
        self.setToolTip(
            "Validation accuracy while a model trains (measured about 20 times a run), against "
            "the images learned so far; the dashed line is the source paper's ~75%."
        )
        self.getViewBox().sigResized.connect(self._wrap_empty)
        self.clear_points()

    def add_point(self, seen: int, accuracy: float) -> None:
        """Append one measurement (``accuracy`` as a fraction)."""
        self.seen.append(seen)
        self.accuracy.append(100.0 * accuracy)
        self.curve.setData(self.seen, self.accuracy)
        if len(self.seen) == 1:  # (each setStyle redraws the axis: ~5 ms)
            self.empty.hide()
            self.getAxis("bottom").setStyle(showValues=True)
        if self._total is None:
            self.setXRange(0, max(self.seen), padding=0.02)

    def clear_points(self, total: int | None = None) -> None:
        """No measurement (yet): a new run of ``total`` images (its axis spans them), or none."""
        self.seen.clear()
        self.accuracy.clear()
        self.curve.setData([], [])
        self._total = total or None
        right = float(self._total or 1)
        self.setXRange(0, right, padding=0.02)
        self.getAxis("bottom").setStyle(showValues=self._total is not None)
        self.empty.setPos(right / 2, 35)  # below the paper's line
        self.empty.show()

    def fit_paper_label(self) -> None:
        """Make the right axis as wide as its one label in its current tick font (at once, not
        after a first paint)."""
        right = self.getAxis("right")
        metrics = QFontMetrics(right.style["tickFont"] or self.font())
        right.setWidth(metrics.horizontalAdvance("paper ~75%") + 12)

    def _wrap_empty(self) -> None:
        """Wrap the empty state's text inside the plot; a narrow plot gets its first words."""
        width = self.getViewBox().width() - 12
        narrow = width < 150
        self.empty.setPlainText(self.EMPTY.split(":")[0] + "." if narrow else self.EMPTY)
        self.empty.setTextWidth(max(60.0, width))


class MetricsView(QWidget):
    """The validation metrics of the current model.

    Signals
    -------
    digitChosen(ndarray, str)
        A misclassified 28x28 digit whose gallery button was clicked (a copy), and what it is
        ("validation digit 123, true label 7").
    """

    digitChosen = Signal(object, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.classes: tuple[str, ...] = tuple(str(d) for d in range(10))
        self.evaluation: Evaluation | None = None

        self.curve = AccuracyCurve()
        self.summary = QLabel(NOT_YET)
        self.summary.setWordWrap(True)
        self.confusion = Heatmap(self._describe_confusion, sequential_colormap(), symmetric=False)
        self.response = Heatmap(self._describe_response, sequential_colormap(), symmetric=False)
        self.win_rate = Heatmap(self._describe_win_rate, diverging_colormap(), symmetric=False)
        self.response_kind = QComboBox()
        self.response_kind.addItems(["win rate (%)", "mean norm"])
        self.response_kind.setToolTip(
            "Win rate: how often the network of each label (row) answers the digits of its own "
            "label with a longer vector than another label's network (column); 50% (white) is "
            "no preference. Mean norm: each network's (column) mean answer length on each true "
            "label (row)."
        )
        self.confusion.plot.setLabel("left", "true label")
        self.confusion.plot.setLabel("bottom", "answered")
        self.win_rate.plot.setLabel("left", "network (own digits)")
        self.win_rate.plot.setLabel("bottom", "against network")
        self.response.plot.setLabel("left", "true label")
        self.response.plot.setLabel("bottom", "network")
        responses = QStackedWidget()
        responses.addWidget(self.win_rate)
        responses.addWidget(self.response)
        self.response_kind.currentIndexChanged.connect(responses.setCurrentIndex)
        response_box = QWidget()
        response_layout = QVBoxLayout(response_box)
        response_layout.setContentsMargins(0, 0, 0, 0)
        response_layout.addWidget(self.response_kind)
        response_layout.addWidget(responses, 1)
        self.per_label = pg.PlotWidget()
        self.per_label.setMenuEnabled(False)
        self.per_label.setMouseEnabled(False, False)
        self.per_label.hideButtons()
        self.per_label.setYRange(0, 100, padding=0.02)
        self.per_label.setLabel("left", "accuracy", units="%")
        self.per_label.setLabel("bottom", "true label")
        self.per_label_bars = pg.BarGraphItem(x=np.arange(10), height=np.zeros(10), width=0.7)
        self.per_label_bars.setOpts(brush="#7890b0")
        self.per_label.addItem(self.per_label_bars)

        self.gallery = Gallery()
        self.gallery.chosen.connect(self._show_misread)
        self._misread: tuple[Split, np.ndarray] | None = None
        """The split and the indices of the misread digits the gallery shows."""
        charts = [AspectBox(self.curve), AspectBox(self.per_label)]
        combo_height = self.response_kind.sizeHint().height()
        self.placeholders = {
            "per_label": Placeholder(charts[1], EMPTY["per_label"]),
            "confusion": Placeholder(
                AspectBox(self.confusion, extra=HEATMAP_EXTRA), EMPTY["confusion"]
            ),
            "response": Placeholder(
                AspectBox(response_box, extra=HEATMAP_EXTRA + combo_height), EMPTY["response"]
            ),
            "gallery": Placeholder(self.gallery, EMPTY["gallery"]),
        }

        content = QWidget()
        content.setMinimumSize(MIN_CONTENT)
        grid = QGridLayout(content)
        grid.addWidget(self.summary, 0, 0, 1, 2)
        self.charts = charts
        self.boxes = [
            _boxed("Accuracy vs images seen", self.charts[0]),
            _boxed("Per-label accuracy", self.placeholders["per_label"]),
            _boxed(
                "Confusion",
                self.placeholders["confusion"],
                "How often each true label (row) got each answer (column)",
            ),
            _boxed(
                "Response",
                self.placeholders["response"],
                "Every label's network should answer most to its own digits (the paper's stage 2)",
            ),
            _boxed("Misclassified (click: see it answered)", self.placeholders["gallery"]),
        ]
        grid.setRowStretch(LAST_ROW, 1)  # room to spare goes below the plots
        grid.setColumnStretch(0, 1)
        self.grid, self.columns = grid, 0
        self._arrange(2)
        # a narrow or short tab scrolls rather than squeezing the plots to nothing
        outer = QScrollArea()
        outer.setWidgetResizable(True)
        outer.setFrameShape(QFrame.Shape.NoFrame)
        outer.setWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(outer)

    def _arrange(self, columns: int) -> None:
        """The plots in two columns, or one below the other (the gallery last, full width)."""
        if columns == self.columns:
            return
        self.columns = columns
        for chart in self.charts:  # lower in one column: the matrices stay in sight
            chart.ratio = CHART_RATIO[columns]
            chart.updateGeometry()
        *plots, gallery = self.boxes
        for box in self.boxes:
            self.grid.removeWidget(box)
        for i, box in enumerate(plots):
            self.grid.addWidget(box, 1 + i // columns, i % columns)
        self.grid.setColumnStretch(1, columns - 1)  # two columns share the width equally
        self.grid.addWidget(gallery, 1 + len(plots) // columns, 0, 1, 2)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._arrange(2 if self.width() >= TWO_COLUMNS else 1)

    def set_classes(self, classes: Sequence[str]) -> None:
        self.classes = tuple(classes)
        ticks = [(i + 0.5, name) for i, name in enumerate(self.classes)]
        for heatmap in (self.confusion, self.response, self.win_rate):
            heatmap.set_ticks(ticks, ticks)
        self.per_label.getAxis("bottom").setTicks([list(enumerate(self.classes)), []])

    def show_evaluating(self, count: int) -> None:
        self.summary.setText(f"Evaluating on {count} validation digits…")

    def show_failure(self, message: str) -> None:
        self.summary.setText(message)

    def show_not_evaluated(self) -> None:
        """Another model: nothing of the last evaluation stands, every plot says so."""
        self.evaluation = None
        self.summary.setText(NOT_YET)
        self.gallery.clear()
        for name, placeholder in self.placeholders.items():
            placeholder.show_message(EMPTY[name])

    def show_evaluation(self, evaluation: Evaluation, split: Split, predicted: np.ndarray) -> None:
        """Show a finished evaluation of ``split`` (``predicted`` is -1 where undecided)."""
        self.evaluation = evaluation
        n_labels = len(evaluation.per_label)
        if len(self.classes) != n_labels:
            self.set_classes([str(i) for i in range(n_labels)])
        diverged = f", {evaluation.diverged} undecided (diverged)" if evaluation.diverged else ""
        self.summary.setText(
            f"Validation: {100 * evaluation.accuracy:.1f}% right of {evaluation.n} digits"
            f"{diverged}."
        )
        confusion = evaluation.confusion.astype(float)
        self.confusion.set_image(confusion, levels=(0.0, max(confusion.max(), 1.0)))
        response = np.where(np.isfinite(evaluation.response), evaluation.response, np.nan)
        top = np.nanmax(response) if np.isfinite(response).any() else 1.0
        self.response.set_image(response, levels=(0.0, float(top) or 1.0))
        self.win_rate.set_image(evaluation.win_rate, levels=(0.0, 100.0))
        self.per_label_bars.setOpts(
            x=np.arange(n_labels), height=np.nan_to_num(100 * evaluation.per_label)
        )
        for name in ("per_label", "confusion", "response"):
            self.placeholders[name].show_content()
        self._fill_gallery(split, predicted)

    def _fill_gallery(self, split: Split, predicted: np.ndarray) -> None:
        wrong = np.flatnonzero(predicted != split.labels)[:GALLERY_SIZE]
        if not len(wrong):
            self.gallery.clear()
            self.placeholders["gallery"].show_message("No validation digit misread.")
            return
        self.placeholders["gallery"].show_content()
        digits = []
        for index in wrong:
            true, answer = self.classes[split.labels[index]], predicted[index]
            answered = self.classes[answer] if answer >= 0 else "?"
            tip = (
                f"validation digit {index}: a {true} read as {answered}; click to show it on the "
                "Answer view"
            )
            digits.append((split.images[index], f"{true}→{answered}", tip))
        self._misread = (split, wrong)
        self.gallery.show_digits(digits)

    def _show_misread(self, number: int) -> None:
        split, wrong = self._misread  # type: ignore[misc] (set before any button exists)
        index = wrong[number]
        true = self.classes[split.labels[index]]
        self.digitChosen.emit(
            split.images[index].copy(), f"validation digit {index}, true label {true}"
        )

    def _describe_confusion(self, row: int, column: int, value: float) -> str:
        return f"true {self.classes[row]}, answered {self.classes[column]}: {value:.0f} digits"

    def _describe_response(self, row: int, column: int, value: float) -> str:
        return f"network {self.classes[column]} on true {self.classes[row]}: mean norm {value:.4g}"

    def _describe_win_rate(self, row: int, column: int, value: float) -> str:
        own, other = self.classes[row], self.classes[column]
        return f"on {own}s, network {own} answers longer than network {other}: {value:.0f}%"


def _boxed(title: str, widget: QWidget, tip: str = "") -> QGroupBox:
    box = QGroupBox(title)
    box.setToolTip(tip)
    layout = QVBoxLayout(box)
    layout.setContentsMargins(4, 4, 4, 4)
    layout.addWidget(widget)
    return box
