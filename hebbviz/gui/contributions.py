"""Ten small heatmaps: which pixels make each label's answer long."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QStackedWidget, QVBoxLayout, QWidget

from hebbviz.gui import style

COLUMNS = 5

CAPTION = "Which pixels make each answer long (red) or short (blue)"

NO_READING = (
    "<b>No per-pixel reading for this rule.</b> The <i>itoh</i> networks pass the image through "
    "ReLU layers with biases, so the squared length of an answer does not split honestly into "
    "one share per pixel. The bars above are the whole story for this model."
)


class ContributionMaps(QWidget):
    """Per-pixel contributions to each label's squared answer norm, one heatmap per label.

    For the subspace rules (``oja``, ``sanger``) a pixel's contribution is
    ``x_i * (W.T @ W @ x)_i``; a label's map sums to ``||W x||^2``, its bar squared. Red pixels
    lengthen the answer, blue ones shorten it; all maps share one colour scale.
    """

    def __init__(self, classes: tuple[str, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setMinimumHeight(150)
        self.graphics.ci.setSpacing(2)
        self.graphics.setToolTip(
            "Which pixels drive each label's answer. Red pixels make that network's answer\n"
            "longer, blue ones shorter, white ones do nothing; all ten maps share one scale.\n"
            "Each map adds up to its bar squared: ‖W x‖² = Σ x_i (WᵀW x)_i."
        )
        self.unavailable = QLabel(NO_READING)
        self.unavailable.setWordWrap(True)
        self.unavailable.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.unavailable.setStyleSheet(f"color: {style.MUTED_TEXT}; padding: 12px;")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.graphics)
        self.stack.addWidget(self.unavailable)

        self.caption = QLabel(CAPTION)
        self.caption.setWordWrap(True)
        self.caption.setStyleSheet(f"color: {style.MUTED_TEXT};")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.caption)
        layout.addWidget(self.stack, 1)

        self.images: list[pg.ImageItem] = []
        self.titles: list[pg.LabelItem] = []
        self._classes: tuple[str, ...] = ()
        self._winner: int | None = None  # whose title is highlighted
        self.set_classes(classes)

    def set_classes(self, classes: tuple[str, ...]) -> None:
        """One heatmap per class name; clears them."""
        self._classes = tuple(classes)
        self.graphics.ci.clear()
        self.images, self.titles = [], []
        self._winner = None
        colormap = style.diverging_colormap()
        for i, name in enumerate(self._classes):
            row, column = divmod(i, COLUMNS)
            title = self.graphics.addLabel(
                name, row=2 * row, col=column, size="9pt", color=style.MUTED_TEXT, bold=False
            )
            view = self.graphics.addViewBox(row=2 * row + 1, col=column, lockAspect=True)
            view.setMouseEnabled(x=False, y=False)
            view.setMenuEnabled(False)
            view.invertY(True)
            image = pg.ImageItem(np.zeros((28, 28), dtype=np.float32))
            image.setColorMap(colormap)
            image.setLevels((-1.0, 1.0))
            view.addItem(image)
            view.setRange(xRange=(0, 28), yRange=(0, 28), padding=0.02)
            self.titles.append(title)
            self.images.append(image)
        self.set_contributions(None)

    def show_unavailable(self, unavailable: bool, deskewed: bool = False) -> None:
        """Say plainly that the model has no per-pixel reading (instead of empty maps); else
        say whether the maps are of the straightened digit the networks get."""
        self.stack.setCurrentWidget(self.unavailable if unavailable else self.graphics)
        self.caption.setVisible(not unavailable)
        straightened = " in the straightened (deskewed) digit the networks get"
        self.caption.setText(CAPTION + (straightened if deskewed else ""))

    def set_contributions(self, maps: np.ndarray | None, winner: int | None = None) -> None:
        """Show contribution maps (shape (n_labels, 28, 28)), the winner's title highlighted;
        None blanks them."""
        if maps is None:
            maps = np.zeros((len(self._classes), 28, 28), dtype=np.float32)
        maps = np.asarray(maps, dtype=np.float32)
        finite = np.where(np.isfinite(maps), maps, 0.0)
        scale = max(float(np.abs(finite).max()), 1e-12)
        for image, shares in zip(self.images, finite, strict=True):
            image.setImage(shares, autoLevels=False, levels=(-scale, scale))
        if winner != self._winner:  # restyle only the two titles that change
            for i in {self._winner, winner} - {None}:
                colour = style.ACCENT.name() if i == winner else style.MUTED_TEXT
                self.titles[i].setText(self._classes[i], color=colour, bold=i == winner)
            self._winner = winner
