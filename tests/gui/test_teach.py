"""Teach mode: one Hebbian step of the taught label's network only, and the drawing is kept."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from hebbviz.data.drawings import DrawingStore


def weights(model) -> list[np.ndarray]:
    return [model.weight_images(label) for label in range(model.n_labels)]


def test_a_key_teaches_only_that_label_and_keeps_the_drawing(window, qtbot, mnist_dir):
    from hebbviz.data.sources import open_folder

    digits = open_folder(mnist_dir).val
    teach = window.training_panel.teach_box
    teach.enabled_box.setChecked(True)
    window.canvas.show_digit(digits.images[0])
    window.activateWindow()
    before, seen = weights(window.session.model), window.session.model.seen.copy()

    qtbot.keyClick(window, Qt.Key.Key_3)

    after = weights(window.session.model)
    changed = [label for label in range(10) if not np.array_equal(before[label], after[label])]
    assert changed == [3]
    assert (window.session.model.seen - seen).tolist() == [0, 0, 0, 1, 0, 0, 0, 0, 0, 0]
    assert "Taught a 3" in teach.result.text()
    stored = DrawingStore().load()
    assert stored.labels.tolist() == [3]
    np.testing.assert_array_equal(stored.images[0], window.canvas.framed_image())

    window.canvas.show_digit(digits.images[1])
    teach.buttons[7].click()
    stored = DrawingStore().load()
    assert stored.labels.tolist() == [3, 7], "an earlier drawing was lost"
    choice = window.training_panel.data_choice
    assert "Own drawings (2)" in [choice.itemText(i) for i in range(choice.count())]


def test_teach_mode_off_and_a_blank_canvas_teach_nothing(window, qtbot):
    teach = window.training_panel.teach_box
    seen = window.session.model.seen.copy()
    qtbot.keyClick(window, Qt.Key.Key_5)  # teach mode is off by default
    teach.enabled_box.setChecked(True)
    assert not window.teach(5)  # blank canvas
    assert "Draw a digit first" in teach.result.text()
    assert np.array_equal(window.session.model.seen, seen)
    assert len(DrawingStore()) == 0
