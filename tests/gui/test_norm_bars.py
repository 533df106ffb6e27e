"""The norm bars: the winner's bar takes the accent colour, and only the winner's."""

from __future__ import annotations

import numpy as np

from hebbviz.gui import style
from hebbviz.gui.norm_bars import NormBars


def test_the_winners_bar_is_coloured_as_the_winner_changes(qtbot):
    bars = NormBars(tuple("0123456789"))
    qtbot.addWidget(bars)
    bars.set_trained(True)

    def coloured() -> list[int]:
        return [i for i, brush in enumerate(bars.bars.opts["brushes"]) if brush == style.ACCENT]

    norms = np.linspace(1.0, 2.0, 10)
    for winner in (9, 9, 3, 3, 0):
        shown = norms.copy()
        shown[winner] = 5.0
        bars.set_norms(shown)
        assert coloured() == [winner]
        assert np.array_equal(bars.bars.opts["height"], shown)
    bars.set_norms(None)
    assert coloured() == []
    bars.set_trained(False)
    bars.set_norms(norms)  # untrained: no winner named, no bar coloured
    assert coloured() == []
