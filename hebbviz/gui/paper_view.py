"""The "Paper" tab: the source paper's three stages on the current data set, one page each.

Each page says in a short paragraph what its stage shows, has a Compute button (and Cancel,
with progress, while it computes), our number beside the paper's, and the stage's figure: the
PNG of ``hebbviz paper ... --figure`` (:mod:`hebbviz.gui.figures`). A passive view:
:class:`~hebbviz.gui.paper_controller.PaperController` computes and draws in the background and
hands the results to :meth:`StagePage.show_result` and :meth:`StagePage.show_figure`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from hebbviz.gui.figure_label import FigureLabel
from hebbviz.gui.figures import PAPER_STAGE1_BEST, PAPER_STAGE3_BEST
from hebbviz.gui.widgets import ProgressBar
from hebbviz.paper.stage1 import MAX_HIDDEN_LAYERS, MIN_LEARNING_LAYERS, Stage1Result
from hebbviz.paper.stage2 import CONTROLS, WinRates
from hebbviz.paper.stage3 import SweepGrid

STAGE1_TEXT = (
    "<b>Stage 1: Hebbian learning on Itoh's 2024 average-vector method.</b> One network of "
    "784-wide layers with fixed random weights and step activations maps every training digit to "
    "an output vector; each label's mean output is its reference, and a digit belongs to the label "
    "whose reference is most similar (cosine). The blue curve is that accuracy for 0 to H hidden "
    "layers; the red one lets the hidden-to-hidden weights learn by the paper's Hebbian rule "
    "first (H &ge; 2). Reconstructed from the papers' text (their code is not public)."
)
STAGE2_TEXT = (
    "<b>Stage 2: each network answers most to its own label.</b> Ten label networks and three "
    "controls (untrained, trained on all digits, on a uniform 10% sample) start from one seed "
    "(ReLU, lr 1e-7). For the validation digits of each label L, the bars say how often network "
    "L answers with a longer vector than each control and each other label's network; the dashed "
    "line is 50%. The all-data network learned from ten times as many digits, and norms grow "
    "with the updates a network got, so it wins."
)
STAGE3_TEXT = (
    "<b>Stage 3: accuracy over hidden layers and learning rate.</b> The paper's main result: the "
    "per-label networks (the <tt>itoh</tt> rule) trained at every point of a grid of depths and "
    "learning rates, overall and per label. A grid takes minutes to hours to train, so this page "
    "draws a sweep CSV written by <tt>hebbviz sweep</tt>: <b>Draw</b> the shipped one (of the "
    "MNIST sample) or open another; a sweep of the current data: <tt>hebbviz sweep --rule itoh "
    "--csv FILE</tt>."
)


class StagePage(QWidget):
    """One stage: its paragraph, Compute/Cancel and progress, the comparison, the figure.

    Parameters
    ----------
    text : str
        The paragraph (rich text).
    figure : str
        The :mod:`hebbviz.gui.figures` function that draws the stage's results.
    compare : callable (result) -> str
        Our number beside the paper's, as rich text.
    options : list of QWidget
        Shown before the Compute button.

    Signals
    -------
    computeRequested(), cancelRequested()
    """

    computeRequested = Signal()
    cancelRequested = Signal()

    def __init__(
        self,
        text: str,
        figure: str,
        compare: Callable[[Any], str],
        options: list[QWidget] = (),
        compute_text: str = "Compute",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.figure_name, self._compare = figure, compare
        self.result: Any = None
        paragraph = QLabel(text)
        paragraph.setWordWrap(True)
        self.compute_button = QPushButton(compute_text)
        self.compute_button.clicked.connect(self.computeRequested)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self._on_cancel)
        self.progress = ProgressBar()
        self.progress.setVisible(False)
        self.status = QLabel("Not computed yet: press the button.")
        self.status.setWordWrap(True)
        self.figure = FigureLabel()
        self.enlarge_button = QPushButton("Enlarge…")
        self.enlarge_button.setToolTip("The figure in a window of its own, as large as the screen")
        self.enlarge_button.setEnabled(False)
        self.enlarge_button.clicked.connect(self.enlarge)
        self._window: QDialog | None = None

        controls = QHBoxLayout()
        for widget in options:
            controls.addWidget(widget)
        controls.addWidget(self.compute_button)
        controls.addWidget(self.cancel_button)
        controls.addWidget(self.progress, 1)
        controls.addStretch(0)  # the buttons stay left while the progress bar is hidden
        controls.addWidget(self.enlarge_button)
        layout = QVBoxLayout(self)
        layout.addWidget(paragraph)
        layout.addLayout(controls)
        layout.addWidget(self.status)
        layout.addWidget(self.figure, 1)

    def set_running(self, running: bool) -> None:
        self.compute_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self.cancel_button.setText("Cancel")
        self.progress.setVisible(running)
        if running:
            self.progress.setRange(0, 0)  # busy until the first report
            self.status.setText("Computing…")

    def show_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(min(done, total))
        self.progress.setFormat(f"{done:,} / {total:,} images")

    def show_result(self, result: Any) -> None:
        """Say how ``result`` (a partial one too) compares with the paper; its figure follows
        (:meth:`show_figure`)."""
        self.result = result
        self.status.setText(self._compare(result))
        if self.figure.image is None:
            self.figure.set_image(None, "Drawing the figure…")

    def show_figure(self, image: QImage) -> None:
        self.figure.set_image(image)
        self.enlarge_button.setEnabled(True)
        if self._window is not None:
            self._window.findChild(FigureLabel).set_image(image)

    def enlarge(self) -> None:
        """Show the figure in a window of its own (that follows new figures while open)."""
        if self._window is None:
            self._window = QDialog(self)
            self._window.setWindowTitle(self.figure_name.replace("_", " ").capitalize())
            layout = QVBoxLayout(self._window)
            layout.setContentsMargins(0, 0, 0, 0)
            layout.addWidget(FigureLabel(self._window))
            available = self.screen().availableGeometry()
            self._window.resize(available.size() * 0.9)
        self._window.findChild(FigureLabel).set_image(self.figure.image)
        self._window.show()
        self._window.raise_()

    def show_failure(self, message: str) -> None:
        self.status.setText(message)

    def show_cancelled(self) -> None:
        self.status.setText("Cancelled." + (" The figure is what was done." if self.result else ""))

    def clear(self, message: str) -> None:
        """Another data set: forget the result shown."""
        self.result = None
        self.figure.set_image(None)
        self.enlarge_button.setEnabled(False)
        if self._window is not None:
            self._window.close()
        self.status.setText(message)

    def _on_cancel(self) -> None:
        self.cancel_button.setEnabled(False)
        self.cancel_button.setText("Cancelling…")
        self.cancelRequested.emit()


class PaperView(QWidget):
    """The three stages, one page each.

    Attributes
    ----------
    pages : dict of int to StagePage
    stage1_depth, stage2_depth : QSpinBox
        The deepest network of stage 1 (0 .. H are computed) and stage 2's hidden layers.

    Signals
    -------
    sweepChosen(str)
        A sweep CSV to draw as stage 3.
    """

    sweepChosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.stage1_depth = _spin_box(
            "up to H = ",
            0,
            MAX_HIDDEN_LAYERS,
            8,
            "Networks of 0 to H hidden layers (the paper: 0 to 15). Each network of H >= 2 also "
            "learns once, so deeper takes longer; H=15 needs about 900 MB.",
        )
        self.stage2_depth = _spin_box(
            "H = ", 1, MAX_HIDDEN_LAYERS, 3, "Hidden layers of all 13 networks (the paper: 3)"
        )
        self.open_sweep = QPushButton("Open sweep CSV…")
        self.open_sweep.clicked.connect(self._choose_sweep)
        self.pages = {
            1: StagePage(STAGE1_TEXT, "stage1_figure", compare_stage1, [self.stage1_depth]),
            2: StagePage(STAGE2_TEXT, "stage2_figure", compare_stage2, [self.stage2_depth]),
            3: StagePage(STAGE3_TEXT, "stage3_figure", compare_stage3, [self.open_sweep], "Draw"),
        }
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        for stage, name in ((1, "1 Average vectors"), (2, "2 Own label"), (3, "3 Depth × rate")):
            self.tabs.addTab(self.pages[stage], f"Stage {name}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    def show_dataset(self, name: str) -> None:
        """A new data set: every stage is to be computed again."""
        for page in self.pages.values():
            page.clear(f"Not computed yet for {name}: press the button.")

    def _choose_sweep(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open a sweep CSV", "", "CSV (*.csv)")
        if path:
            self.sweepChosen.emit(path)


def _spin_box(prefix: str, low: int, high: int, value: int, tip: str) -> QSpinBox:
    box = QSpinBox()
    box.setPrefix(prefix)
    box.setRange(low, high)
    box.setValue(value)
    box.setToolTip(tip)
    return box


# -- our numbers beside the paper's -------------------------------------------------------------


def compare_stage1(result: Stage1Result) -> str:
    """The best accuracy without learning, and how learning changed it, beside the papers'."""
    without = np.array(result.without_learning)
    best = int(np.argmax(without))
    text = (
        f"<b>Ours</b>, without learning: best {without[best]:.1%} "
        f"(H={result.hidden_layers[best]}), {without[-1]:.1%} at H={result.hidden_layers[-1]}. "
    )
    pairs = [
        (h, w, learned)
        for h, w, learned in zip(result.hidden_layers, without, result.with_learning, strict=True)
        if learned is not None
    ]
    waiting = sum(h >= MIN_LEARNING_LAYERS for h in result.hidden_layers) - len(pairs)
    if pairs:
        lower = sum(learned < w for _, w, learned in pairs)
        h, w, learned = pairs[0]
        text += (
            f"With learning: {learned:.1%} at H={h} (without: {w:.1%}); lower at {lower} of "
            f"{len(pairs)} depths. "
        )
    if waiting:
        text += f"<i>{waiting} network(s) still to learn.</i> "
    return text + (
        f"<br><b>The paper</b> (2024): about {PAPER_STAGE1_BEST:.0f}% without learning, falling "
        "with depth; stage 1 of the 2025 paper: lower with Hebbian learning."
    )


def compare_stage2(result: WinRates) -> str:
    """The mean win rates over the other label networks and against each control."""
    means = result.mean_over_labels
    controls = np.nanmean(result.win_rate[:, : len(CONTROLS)], axis=0)
    against = ", ".join(
        f"{name} {value:.0f}%" for name, value in zip(CONTROLS, controls, strict=True)
    )
    return (
        f"<b>Ours</b>: each label's network beats the other label networks on its own digits "
        f"{np.nanmean(means):.1f}% of the time (per label {np.nanmin(means):.0f}-"
        f"{np.nanmax(means):.0f}%); against the controls: {against}.<br><b>The paper</b>: each "
        "network answers most to its own label (a figure of win rates, no single number)."
    )


def compare_stage3(grid: SweepGrid) -> str:
    """The sweep's best point beside the paper's ~75%."""
    h, lr, accuracy = grid.best()
    settings = grid.settings
    return (
        f"<b>Ours</b>: best {accuracy:.1%} at H={h}, lr={lr:.0e} ({settings['per_label']} "
        f"training digits per label; {settings['data_source']}).<br><b>The paper</b>: about "
        f"{PAPER_STAGE3_BEST:.0f}% (5,420 digits per label, the MNIST test set)."
    )
