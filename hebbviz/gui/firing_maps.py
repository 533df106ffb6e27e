"""Where the units of a layer all labels share fired on the drawing (rule ``strokes``: which
stroke detectors fired where): the strongest few units' maps, each with the unit beside it. Shown
in the Answer view for rules that declare ``has_firing_maps``."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from hebbviz.gui import style

SHOWN = 8
"""How many units' maps are shown (the strongest on the drawing)."""

COLUMNS = 4

SIDE = 28

CAPTION = (
    "Which shared detectors fired where on the digit as they see it (straightened when the "
    "model deskews): the {shown} strongest of {n}, each map beside its detector (small, right). "
    "Dark is silent; bright is where the detector matched the 5x5 patch centred there."
)


class FiringMaps(QWidget):
    """The strongest units' firing maps for one drawing (:meth:`set_maps`)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.caption = QLabel(CAPTION.format(shown=SHOWN, n="all"))
        self.caption.setWordWrap(True)
        self.caption.setStyleSheet(f"color: {style.MUTED_TEXT};")
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setMinimumHeight(120)
        self.graphics.ci.setSpacing(2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.caption)
        layout.addWidget(self.graphics, 1)
        self.units_shown: list[int] = []
        """Which units' maps are shown now, strongest first."""
        self._blank = False
        """Whether the maps are blanked already (a rule without them blanks at every answer)."""
        self.titles: list[pg.LabelItem] = []
        self.maps: list[pg.ImageItem] = []
        self.units: list[pg.ImageItem] = []
        firing, signed = pg.colormap.get("inferno"), style.diverging_colormap()
        for i in range(SHOWN):
            row, column = divmod(i, COLUMNS)
            title = self.graphics.addLabel(
                " ", row=2 * row, col=column, size="8pt", color=style.MUTED_TEXT
            )
            view = self.graphics.addViewBox(row=2 * row + 1, col=column, lockAspect=True)
            view.setMouseEnabled(x=False, y=False)
            view.setMenuEnabled(False)
            view.invertY(True)
            firing_map = pg.ImageItem(np.zeros((SIDE, SIDE), dtype=np.float32))
            firing_map.setColorMap(firing)
            unit = pg.ImageItem(np.zeros((5, 5), dtype=np.float32))
            unit.setColorMap(signed)
            unit.setRect(QRectF(SIDE + 1, 0, 9, 9))
            view.addItem(firing_map)
            view.addItem(unit)
            view.setRange(xRange=(0, SIDE + 10), yRange=(0, SIDE), padding=0.02)
            self.titles.append(title)
            self.maps.append(firing_map)
            self.units.append(unit)

    def set_maps(self, maps: np.ndarray | None, units: np.ndarray | None = None) -> None:
        """Show the strongest units of ``maps`` (n_units, 28, 28) beside their images ``units``
        (n_units, h, w); None blanks them."""
        if maps is None or units is None or not len(maps):
            if self._blank:
                return
            self._blank = True
            self.units_shown = []
            for title, firing_map, unit in zip(self.titles, self.maps, self.units, strict=True):
                title.setText(" ")
                firing_map.setImage(np.zeros((SIDE, SIDE), dtype=np.float32), levels=(0, 1))
                unit.setImage(np.zeros((5, 5), dtype=np.float32), levels=(-1, 1))
            return
        self._blank = False
        totals = maps.sum(axis=(1, 2))
        self.units_shown = [int(i) for i in np.argsort(-totals, kind="stable")[:SHOWN]]
        self.caption.setText(CAPTION.format(shown=len(self.units_shown), n=len(maps)))
        scale = max(float(maps[self.units_shown].max()), 1e-12)
        unit_scale = max(float(np.abs(units).max()), 1e-12)
        for slot, (title, firing_map, unit) in enumerate(
            zip(self.titles, self.maps, self.units, strict=True)
        ):
            if slot >= len(self.units_shown):
                title.setText(" ")
                firing_map.clear()
                unit.clear()
                continue
            i = self.units_shown[slot]
            title.setText(f"detector {i}: {totals[i]:.2g}")
            firing_map.setImage(maps[i].astype(np.float32), autoLevels=False, levels=(0, scale))
            unit.setImage(
                units[i].astype(np.float32), autoLevels=False, levels=(-unit_scale, unit_scale)
            )
