"""Live weight heatmaps: every label's weight rows as tiles, or one chosen label's matrix, as the
model's rule declares (``weight_layout``; ``itoh`` shows the learned change of a label's
hidden->hidden matrix).

The pyqtgraph items are created once and updated in place with fixed symmetric levels that only
step (1, 2, 5 x 10^n) when the data outgrows them or shrinks far below, so the picture does not
flicker. The arrays are copies nobody writes: a training run's (``weight_images_later``, copied
under the model lock, pictured outside it) or those a reader makes the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from hebbviz.gui.heatmap import GAP, Heatmap, tile_mosaic, tiles_per_line
from hebbviz.gui.live_view import LiveView
from hebbviz.training_run import WeightImages

SIDE = 28

WeightReader = Callable[[tuple[int, ...]], Sequence[np.ndarray] | None]
"""Copies of the weight images of some labels, read from the model now; None when it cannot be
read now (it is learning)."""


class WeightView(LiveView[WeightImages]):
    """The live heatmaps of a model's weights (the "Weights" tab).

    Call :meth:`show_model` when the model changes, :meth:`set_feed` while a run trains it (a
    function returning the run's newest :class:`~hebbviz.training_run.WeightImages`) and
    :meth:`mark_dirty` when it learned otherwise (teach mode); a timer redraws at most 40 times a
    second, only when something changed and the view is shown.

    Signals
    -------
    labelsWanted(tuple)
        The labels whose weight images it shows changed (see :meth:`wanted_labels`).
    """

    labelsWanted = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.read: WeightReader | None = None
        self.classes: tuple[str, ...] = ()
        self.one_label = False
        """Whether it shows one chosen label's matrix (else every label's rows as tiles)."""
        self._mosaic: np.ndarray | None = None
        self._per_line = 1
        self._block_rows = 0

        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.label_choice = QComboBox()
        self.label_choice.setToolTip("Which label's network to show")
        self.label_choice.currentIndexChanged.connect(self._on_label_chosen)
        self.heatmap = Heatmap(self._describe)
        top = QHBoxLayout()
        top.addWidget(self.caption, 1)
        top.addWidget(self.label_choice)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.heatmap, 1)

    def show_model(
        self, read: WeightReader, classes: Sequence[str], caption: str, one_label: bool
    ) -> None:
        """Show the weights ``read`` reads, for ``classes``, under ``caption``: every label's
        rows as tiles, or with ``one_label`` one chosen label's matrix."""
        self.read, self.classes, self.one_label = read, tuple(classes), one_label
        self._mosaic = None
        if one_label:  # no label names along a matrix's rows (a mosaic before it had them)
            self.heatmap.set_ticks([])
        self.label_choice.blockSignals(True)
        self.label_choice.clear()
        self.label_choice.addItems([f"label {name}" for name in self.classes])
        self.label_choice.blockSignals(False)
        self.label_choice.setVisible(one_label)
        self.caption.setText(caption)
        self.mark_dirty()

    def _on_label_chosen(self) -> None:
        self.labelsWanted.emit(self.wanted_labels())
        self.mark_dirty()

    def wanted_labels(self) -> tuple[int, ...]:
        """Whose weight images the view shows."""
        if self.read is None:  # no model shown yet
            return ()
        if self.one_label:
            return (max(self.label_choice.currentIndex(), 0),)
        return tuple(range(len(self.classes)))

    def _takes(self, fed: WeightImages) -> bool:
        """A run's copy when it is of the labels shown and not drawn yet (else the model is read:
        it changed otherwise, or other labels are wanted)."""
        return fed.labels == self.wanted_labels() and fed is not self._fed

    def _draw_fed(self, fed: WeightImages) -> None:
        self._draw(fed.images)

    def _draw_read(self) -> bool:
        wanted = self.wanted_labels()
        if not wanted:
            return False
        images = self.read(wanted)
        if images is None:  # the model is busy learning: the next frame tries again
            self.mark_dirty()
            return False
        self._draw(images)
        return True

    def _draw(self, images: Sequence[np.ndarray]) -> None:
        """Update the heatmap in place with the weight images of :meth:`wanted_labels`."""
        if self.one_label:
            self.heatmap.set_image(images[0])
        else:
            self._show_rows(list(images))

    def _show_rows(self, rows: list[np.ndarray]) -> None:
        k = rows[0].shape[0]
        if self._mosaic is None:
            size = self.heatmap.graphics.size()
            self._per_line = tiles_per_line(k, len(rows), size.width() / max(size.height(), 1))
        lines = -(-k // self._per_line)
        self._block_rows = lines * (SIDE + GAP) + 2 * GAP
        if self._mosaic is None:
            height = len(rows) * self._block_rows - 2 * GAP - GAP
            width = self._per_line * (SIDE + GAP) - GAP
            self._mosaic = np.full((height, width), np.nan)
            self.heatmap.set_ticks(
                [
                    (i * self._block_rows + (lines * (SIDE + GAP)) / 2, name)
                    for i, name in enumerate(self.classes)
                ]
            )
        height = lines * (SIDE + GAP) - GAP
        for i, tiles in enumerate(rows):
            top = i * self._block_rows
            tile_mosaic(tiles, self._per_line, out=self._mosaic[top : top + height])
        self.heatmap.set_image(self._mosaic)

    def _describe(self, row: int, column: int, value: float) -> str:
        if self.read is None:
            return " "
        if self.one_label:
            name = self.classes[max(self.label_choice.currentIndex(), 0)]
            return f"label {name}: unit {row} <- unit {column}: change {value:+.3g}"
        label, within = divmod(row, self._block_rows)
        line, y = divmod(within, SIDE + GAP)
        unit_column, x = divmod(column, SIDE + GAP)
        if label >= len(self.classes) or y >= SIDE or x >= SIDE:
            return " "
        unit = line * self._per_line + unit_column
        return f"label {self.classes[label]}, unit {unit}, pixel ({y}, {x}): {value:+.3g}"

    def _lay_out_again(self) -> None:
        self._mosaic = None
