"""Live heatmaps: items made once and updated in place, levels that do not flicker, hover text."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from doubles import MovingCentroids, random_split

from hebbviz.gui.heatmap import COLOURS, colour_table, coloured, nice_level, tile_mosaic
from hebbviz.gui.style import diverging_colormap
from hebbviz.gui.weight_view import WeightView


def test_nice_level_steps_rarely():
    assert nice_level(0.0, np.array([0.13, -0.02])) == 0.2
    assert nice_level(0.2, np.array([0.05, -0.19])) == 0.2  # within (L/5, L]: kept
    assert nice_level(0.2, np.array([0.3])) == 0.5  # outgrown
    assert nice_level(0.2, np.array([0.01])) == 0.01  # far below: steps down
    assert nice_level(0.5, np.array([np.nan, np.inf, 0.3])) == 0.5  # non-finite ignored
    assert nice_level(0.0, np.zeros(3)) == 1.0


def test_tile_mosaic_places_tiles_with_nan_gaps():
    tiles = np.arange(3 * 28 * 28, dtype=float).reshape(3, 28, 28)
    mosaic = tile_mosaic(tiles, per_line=2)
    assert mosaic.shape == (57, 57)
    np.testing.assert_array_equal(mosaic[29:, :28], tiles[2])
    assert np.isnan(mosaic[28]).all() and np.isnan(mosaic[29:, 29:]).all()


def test_coloured_maps_levels_to_the_table_ends_and_nan_to_transparent():
    table = colour_table(diverging_colormap())
    words = coloured(np.array([[-2.0, -1.0, 0.0], [1.0, 3.0, np.nan]]), (-1.0, 1.0), table)
    assert words.shape == (2, 3) and words.dtype == np.uint32
    assert words[0, 0] == words[0, 1] == table[0]  # below the low level: clipped
    assert words[1, 0] == words[1, 1] == table[COLOURS - 1]
    assert words[0, 2] == table[COLOURS // 2]  # zero: the middle colour
    assert words[1, 2] == 0 and (words[0] >> 24 == 255).all()  # NaN: transparent


def test_colour_table_is_qt_premultiplied_argb():
    colormap = pg.ColorMap([0.0, 1.0], [(255, 0, 0, 255), (0, 0, 255, 128)])
    table = colour_table(colormap)
    assert table[0] == 0xFFFF0000  # opaque red
    assert table[COLOURS - 1] == 0x80000080  # half-opaque blue, its colour scaled by 128/255
    assert table[COLOURS] == 0  # NaN: transparent


def show_rows(view: WeightView, model: MovingCentroids) -> None:
    """Show every label's weight rows of ``model``, read from it at each redraw."""
    view.show_model(
        lambda labels: model.weight_images_later(labels)(), [str(d) for d in range(10)], "", False
    )


def test_weight_view_updates_one_image_item_in_place(qtbot):
    model = MovingCentroids()
    model.learn_many(*(lambda s: (s.images, s.labels))(random_split(30)))
    view = WeightView()
    qtbot.addWidget(view)
    show_rows(view, model)
    view.show()
    qtbot.waitUntil(lambda: view.redraws >= 1, timeout=2000)
    item, levels = view.heatmap.image, view.heatmap.levels
    shown = view.heatmap.array
    assert shown.shape == (10 * (28 + 3) - 3, 28)  # ten one-tile blocks, 3-pixel gaps
    np.testing.assert_array_equal(shown[:28, :28], model.weight_images(0)[0])

    model.weights *= 1.01  # a small change: redraw, same item, same levels
    view.mark_dirty()
    qtbot.waitUntil(lambda: view.redraws >= 2, timeout=2000)
    assert view.heatmap.image is item
    assert view.heatmap.levels == levels

    text = view._describe(31 + 5, 7, 0.25)  # a pixel of label 1's first unit
    assert text.startswith("label 1, unit 0, pixel (5, 7)")


def test_redraws_only_when_visible_and_changed(qtbot):
    view = WeightView()
    qtbot.addWidget(view)
    show_rows(view, MovingCentroids())
    qtbot.wait(100)
    assert view.redraws == 0  # hidden
    view.show()
    qtbot.waitUntil(lambda: view.redraws == 1, timeout=2000)
    qtbot.wait(150)
    assert view.redraws == 1  # nothing changed since


def test_the_views_never_wait_for_the_model_lock(window, qtbot):
    """While someone holds the model's lock (a run learning a piece) the Weights and Detectors
    views draw nothing new and return at once; they draw at a frame after it is let go."""
    import threading
    import time

    window.tabs.setCurrentWidget(window.weight_view)
    view = window.weight_view
    qtbot.waitUntil(lambda: view.redraws >= 1, timeout=5000)
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with window.session.lock:
            held.set()
            release.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(5)
    try:
        before = view.redraws
        view.mark_dirty()
        began = time.perf_counter()
        view.redraw()
        assert time.perf_counter() - began < 0.5  # it did not wait for the lock
        qtbot.wait(100)  # frames pass: still nothing drawn, still to do
        assert view.redraws == before
    finally:
        release.set()
        holder.join()
    qtbot.waitUntil(lambda: view.redraws == before + 1, timeout=2000)


def test_one_labels_matrix_shows_no_label_names_along_its_rows(qtbot):
    """After every label's tiles (named along the rows), one label's matrix (itoh) has rows
    that are units, not labels: the names go."""
    model = MovingCentroids()
    view = WeightView()
    qtbot.addWidget(view)
    show_rows(view, model)
    view.show()
    qtbot.waitUntil(lambda: view.redraws >= 1, timeout=2000)
    left = view.heatmap.plot.getAxis("left")
    assert [name for _, name in left._tickLevels[0]] == [str(d) for d in range(10)]
    view.show_model(lambda labels: [np.zeros((5, 5))], [str(d) for d in range(10)], "", True)
    qtbot.waitUntil(lambda: view.redraws >= 2, timeout=2000)
    assert not left._tickLevels[0]


def test_heatmap_paints_its_colours_where_the_values_are(qtbot):
    from hebbviz.gui.heatmap import Heatmap

    heatmap = Heatmap(lambda r, c, v: f"{v}")
    qtbot.addWidget(heatmap)
    heatmap.resize(400, 400)
    heatmap.show()
    heatmap.set_image(np.array([[-1.0, 1.0], [np.nan, 0.0]]), levels=(-1.0, 1.0))
    picture = heatmap.graphics.grab().toImage()
    view = heatmap.plot.vb
    table = colour_table(diverging_colormap())

    def shown(row: float, column: float) -> int:
        point = view.mapViewToScene(pg.Point(column, row))
        return picture.pixel(round(point.x()), round(point.y())) & 0xFFFFFF

    background = picture.pixel(2, 2) & 0xFFFFFF
    assert shown(0.5, 0.5) == table[0] & 0xFFFFFF  # -1: the low end
    assert shown(0.5, 1.5) == table[COLOURS - 1] & 0xFFFFFF
    assert shown(1.5, 1.5) == table[COLOURS // 2] & 0xFFFFFF
    assert shown(1.5, 0.5) == background  # NaN: the view's background shows through
