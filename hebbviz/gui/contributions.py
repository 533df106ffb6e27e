"""Ten small heatmaps, one per label: how each network sees the drawing.

Two pictures, as the model's rule declares them (``has_reconstructions``,
``has_contributions``):

- **Reconstructions**: how each network redraws the drawing from what it learned (its subspace).
  A picture's length is exactly the label's bar; the winning network redraws the digit best, and
  a wrong one redraws it in its own shape (the 4-network draws a 9 as a 4-ish shape). Shown first
  where the rule has them: they explain the answer at a glance.
- **Contributions**: which pixels make each network's answer longer or shorter *than the average
  network's*. Every network answers the ink of any digit somewhat, so the plain per-pixel shares
  are positive wherever there is ink, alike for all ten labels; their differences from the mean are
  what sets the labels apart.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QStackedWidget, QVBoxLayout, QWidget

from hebbviz.gui import style
from hebbviz.models.base import NormClassifier

COLUMNS = 5

RECONSTRUCTIONS = "reconstructions"
CONTRIBUTIONS = "contributions"
PICTURES = (RECONSTRUCTIONS, CONTRIBUTIONS)
"""What the maps can show: the names of the model methods that compute them."""

CHOICES = {
    RECONSTRUCTIONS: "How each network redraws it",
    CONTRIBUTIONS: "Which pixels count",
}

CAPTIONS = {
    RECONSTRUCTIONS: (
        "Each network redraws your digit from what it learned: the nearest picture its subspace "
        "can make. A picture's length is its bar's length; the winner redraws it best"
    ),
    CONTRIBUTIONS: (
        "Which pixels make each network's answer longer (yellow) or shorter (blue) than the "
        "average network's"
    ),
}

TIPS = {
    RECONSTRUCTIONS: (
        "Each label's network projects your digit onto what it learned and draws the result:\n"
        "r = (WᵀW)^½ x, whose length ‖r‖ = ‖W x‖ is that label's bar. The right network\n"
        "redraws your digit; a wrong one draws it in its own shape. All ten share one scale."
    ),
    CONTRIBUTIONS: (
        "Pixel i adds x_i (WᵀW x)_i to a network's squared answer ‖W x‖². Every network\n"
        "answers ink, so these shares are shown minus their mean over the ten networks:\n"
        "yellow pixels lengthen this network's answer more than the average network's, blue\n"
        "ones less; each map adds up to its bar squared minus the mean bar squared."
    ),
}

UNAVAILABLE = {
    RECONSTRUCTIONS: (
        "No reconstruction for this rule: its networks do not answer with a picture of "
        "the digit (itoh: ReLU layers with biases; strokes: answers of stroke detectors, "
        "which drawn back in pixels all look like the drawing itself)."
    ),
    CONTRIBUTIONS: (
        "No per-pixel reading for this rule: its answer's squared length does not split "
        "honestly into one share per pixel (itoh: ReLU layers with biases)."
    ),
}

NOTHING = (
    "<b>No reconstruction and no per-pixel reading for this rule.</b> The <i>itoh</i> "
    "networks pass the image through ReLU layers with biases: they do not redraw the digit, "
    "and the squared length of an answer does not split honestly into one share per pixel. "
    "The bars above are the whole story for this model."
)


class ContributionMaps(QWidget):
    """Every label's reconstruction of the drawing, or its pixels' contributions relative to
    the average network, as the user chooses among what the model has.

    Signals
    -------
    pictureChanged()
        Another picture was chosen (the window recomputes the maps).
    """

    pictureChanged = Signal()

    def __init__(self, classes: tuple[str, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setMinimumHeight(150)
        self.graphics.ci.setSpacing(2)
        self.unavailable = QLabel(NOTHING)
        self.unavailable.setWordWrap(True)
        self.unavailable.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.unavailable.setStyleSheet(f"color: {style.MUTED_TEXT}; padding: 12px;")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.graphics)
        self.stack.addWidget(self.unavailable)

        self.choice = QComboBox()
        for picture in PICTURES:
            self.choice.addItem(CHOICES[picture], picture)
        self.choice.setToolTip("What the ten small maps show")
        self.choice.currentIndexChanged.connect(self._on_chosen)
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.caption.setStyleSheet(f"color: {style.MUTED_TEXT};")
        top = QHBoxLayout()
        top.addWidget(self.caption, 1)
        top.addWidget(self.choice, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.stack, 1)

        self.images: list[pg.ImageItem] = []
        self.titles: list[pg.LabelItem] = []
        self._classes: tuple[str, ...] = ()
        self._winner: int | None = None  # whose title is highlighted
        self._available: tuple[str, ...] = PICTURES
        self._deskewed = False
        self._wanted = RECONSTRUCTIONS  # the user's choice
        self.set_classes(classes)
        self._show_choice()

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
        self.set_maps(None)

    def show_available(self, available: tuple[str, ...], deskewed: bool = False) -> None:
        """Offer only the pictures the model has (of :data:`PICTURES`): the one the user chose
        last (at first the reconstructions) if it is among them, else the first that is. None at
        all: say so plainly. The maps are of the straightened digit when ``deskewed``."""
        self._available, self._deskewed = tuple(available), deskewed
        items = self.choice.model()  # a QStandardItemModel: its items can be disabled
        for row, picture in enumerate(PICTURES):
            item = items.item(row)
            item.setEnabled(picture in available)
            item.setToolTip("" if picture in available else UNAVAILABLE[picture])
        shown = self._wanted if self._wanted in available else (available or (self._wanted,))[0]
        self.choice.blockSignals(True)  # not the user's choice: the model's
        self.choice.setCurrentIndex(PICTURES.index(shown))
        self.choice.blockSignals(False)
        self._show_choice()

    def picture(self) -> str | None:
        """The picture to compute for the maps (a model method's name), or None: hidden, or the
        model has none."""
        chosen = self.choice.currentData()
        return chosen if chosen in self._available and not self.isHidden() else None

    def _on_chosen(self) -> None:
        self._wanted = self.choice.currentData()
        self._show_choice()
        self.pictureChanged.emit()

    def _show_choice(self) -> None:
        chosen = self.choice.currentData()
        none = not self._available
        self.stack.setCurrentWidget(self.unavailable if none else self.graphics)
        self.choice.setVisible(not none)
        self.caption.setVisible(not none)
        straightened = " (in the straightened digit the networks get)" if self._deskewed else ""
        self.caption.setText(CAPTIONS[chosen] + straightened + ".")
        self.graphics.setToolTip(TIPS[chosen])

    def set_maps(self, maps: np.ndarray | None, winner: int | None = None) -> None:
        """Show the chosen picture's maps (shape (n_labels, 28, 28), as the model computed them:
        contributions are shown minus their mean over the labels), the winner's title
        highlighted; None blanks them."""
        if maps is None:
            maps = np.zeros((len(self._classes), 28, 28), dtype=np.float32)
        maps = np.asarray(maps, dtype=np.float64)
        finite = np.isfinite(maps).all(axis=(1, 2))
        if self.choice.currentData() == CONTRIBUTIONS and finite.any():
            maps = maps - maps[finite].mean(axis=0)
        shown = np.where(np.isfinite(maps), maps, 0.0).astype(np.float32)
        scale = max(float(np.abs(shown).max()), 1e-12)
        for image, picture in zip(self.images, shown, strict=True):
            image.setImage(picture, autoLevels=False, levels=(-scale, scale))
        if winner != self._winner:  # restyle only the two titles that change
            for i in {self._winner, winner} - {None}:
                colour = style.ACCENT.name() if i == winner else style.MUTED_TEXT
                self.titles[i].setText(self._classes[i], color=colour, bold=i == winner)
            self._winner = winner


def available_pictures(rule: type[NormClassifier]) -> tuple[str, ...]:
    """The pictures of :data:`PICTURES` a model of class ``rule`` declares it has."""
    has = {RECONSTRUCTIONS: rule.has_reconstructions, CONTRIBUTIONS: rule.has_contributions}
    return tuple(picture for picture in PICTURES if has[picture])
