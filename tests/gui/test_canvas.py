"""The drawing canvas: strokes from mouse, touch and pen; clear, undo, digits shown; framing."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QPointingDevice, QTabletEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from hebbviz.gui.canvas import DrawingCanvas, FramedView

SEVEN = [[(0.2, 0.2), (0.5, 0.2), (0.8, 0.2), (0.65, 0.5), (0.5, 0.85)]]
BAR = [[(0.3, 0.55), (0.7, 0.55)]]


@pytest.fixture
def canvas(qtbot):
    widget = DrawingCanvas()
    qtbot.addWidget(widget)
    widget.resize(400, 400)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_a_blank_canvas_has_nothing_to_classify(canvas):
    assert canvas.is_blank()
    assert canvas.framed_image() is None
    assert canvas.render_ink().max() == 0


def test_mouse_strokes_are_drawn_smooth_and_thick(canvas, draw, qtbot):
    with qtbot.waitSignal(canvas.drawingChanged):
        draw(canvas, SEVEN)
    ink = canvas.render_ink(280)
    assert ink.max() == 255
    # anti-aliased: edge pixels between paper and full ink
    assert np.count_nonzero((ink > 0) & (ink < 255)) > 50
    # thick: along a horizontal line through the top bar, the ink is several pixels high
    column = ink[:, int(0.35 * 280)]
    assert np.count_nonzero(column > 128) >= 0.05 * 280
    framed = canvas.framed_image()
    assert framed.shape == (28, 28) and framed.dtype == np.uint8


def test_undo_takes_back_the_last_stroke_and_clear_wipes_all(canvas, draw):
    draw(canvas, SEVEN)
    seven = canvas.render_ink()
    draw(canvas, BAR)
    assert not np.array_equal(canvas.render_ink(), seven)
    canvas.undo()
    assert np.array_equal(canvas.render_ink(), seven)
    draw(canvas, BAR)
    canvas.clear()
    assert canvas.is_blank() and canvas.framed_image() is None
    canvas.undo()  # nothing left to undo: no error
    assert canvas.is_blank()


def test_touch_draws_a_stroke(canvas):
    device = QTest.createTouchDevice()
    QTest.touchEvent(canvas, device).press(0, QPoint(80, 80), canvas).commit()
    for x in range(100, 320, 20):
        QTest.touchEvent(canvas, device).move(0, QPoint(x, x), canvas).commit()
    QTest.touchEvent(canvas, device).release(0, QPoint(320, 320), canvas).commit()
    assert canvas.framed_image() is not None
    canvas.undo()
    assert canvas.is_blank()


def test_a_pen_draws_a_stroke(canvas):
    def tablet(kind: QEvent.Type, x: float, pressure: float) -> None:
        position = QPointF(x, 200)
        buttons = Qt.MouseButton.NoButton if kind == QEvent.Type.TabletRelease else Qt.LeftButton
        event = QTabletEvent(
            kind,
            QPointingDevice.primaryPointingDevice(),
            position,
            canvas.mapToGlobal(position),
            pressure,
            0.0,
            0.0,
            0.0,
            0.0,
            0.0,
            Qt.KeyboardModifier.NoModifier,
            Qt.MouseButton.LeftButton,
            buttons,
        )
        QApplication.sendEvent(canvas, event)

    tablet(QEvent.Type.TabletPress, 60, 0.8)
    for x in range(80, 340, 20):
        tablet(QEvent.Type.TabletMove, x, 0.8)
    tablet(QEvent.Type.TabletRelease, 340, 0.0)
    ink = canvas.render_ink(400)
    assert ink[200, 60:340].min() == 255  # one continuous horizontal stroke


def test_framing_reads_the_drawing_as_a_fine_rendering_would(canvas, draw):
    """The drawing is rendered for framing at ``RENDER_SIDE`` pixels (cheap); the framed digit
    is what a 560-pixel rendering gives, within 2 gray levels on average and 32 at most."""
    from hebbviz.preprocess import frame_drawing

    for strokes in (SEVEN, [[(0.5 + 0.2 * np.sin(a), 0.5 - 0.3 * np.cos(a)) for a in range(7)]]):
        canvas.clear()
        draw(canvas, strokes)
        drawing = canvas.drawing
        fine = frame_drawing(drawing._render(560, drawing._at_full_size(drawing.strokes)))
        difference = np.abs(canvas.framed_image().astype(int) - fine)
        assert difference.mean() < 2 and difference.max() < 32


def test_a_shown_digit_is_framed_back_to_itself(canvas, mnist_dir):
    from hebbviz.data.sources import open_folder

    digits = open_folder(mnist_dir).val.images[:5]
    for digit in digits:
        canvas.show_digit(digit)
        framed = canvas.framed_image().astype(np.float64)
        correlation = np.corrcoef(framed.ravel(), digit.astype(np.float64).ravel())[0, 1]
        assert correlation > 0.9
    canvas.undo()  # the shown digit is one undo step
    assert canvas.is_blank()


def test_show_digit_rejects_other_shapes(canvas):
    with pytest.raises(ValueError, match="28x28"):
        canvas.show_digit(np.zeros((20, 20), dtype=np.uint8))


def test_the_framed_view_shows_pixels_large(qtbot):
    view = FramedView()
    qtbot.addWidget(view)
    view.resize(280, 280)
    image = np.zeros((28, 28), dtype=np.uint8)
    image[14, 14] = 255
    view.set_image(image)
    grabbed = view.grab().toImage()
    # pixel (14, 14) fills a 10x10 block: its centre is white, the next block's centre dark
    assert grabbed.pixelColor(145, 145).lightness() > 200
    assert grabbed.pixelColor(155, 145).lightness() < 100


def test_a_tap_draws_a_dot_and_the_answer_can_be_read_at_every_step(canvas, qtbot):
    framed_on_change = []
    canvas.drawingChanged.connect(lambda: framed_on_change.append(canvas.framed_image()))
    spot = QPoint(150, 250)  # canvas 400 x 400: unit (0.375, 0.625)
    QTest.mousePress(canvas, Qt.MouseButton.LeftButton, pos=spot)
    assert canvas.framed_image() is not None  # the answer refreshes before the first move
    QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=spot)
    assert len(framed_on_change) >= 2 and all(f is not None for f in framed_on_change)
    ink = canvas.render_ink(400)
    rows, cols = np.nonzero(ink > 128)
    # a round dot the brush's width across, where the pen came down
    assert ink[250, 150] == 255
    height, width = np.ptp(rows) + 1, np.ptp(cols) + 1
    assert 0.05 * 400 < height < 0.09 * 400 and abs(height - width) <= 1
    assert abs(rows.mean() - 250) < 1 and abs(cols.mean() - 150) < 1
    framed = canvas.framed_image()
    assert framed.max() > 200  # the dot, framed
    canvas.undo()
    assert canvas.is_blank()


def test_a_dot_too_faint_to_frame_is_nothing_to_classify(canvas, monkeypatch):
    monkeypatch.setattr("hebbviz.gui.drawing.frame_drawing", lambda ink: None)
    QTest.mousePress(canvas, Qt.MouseButton.LeftButton, pos=QPoint(100, 100))
    assert canvas.framed_image() is None
    QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=QPoint(100, 100))


def test_the_pen_width_changes_the_strokes_on_screen_and_as_read(canvas, draw):
    from hebbviz.gui.drawing import PEN_WIDTHS

    draw(canvas, SEVEN)
    ink = {}
    for name, width in PEN_WIDTHS.items():
        canvas.set_pen_width(width)
        ink[name] = (canvas.render_ink(280) > 128).sum(), (canvas.framed_image() > 128).sum()
    assert ink["thin"][0] < ink["medium"][0] < ink["thick"][0]
    assert ink["thin"][1] < ink["medium"][1] < ink["thick"][1]


def test_the_pen_width_chosen_is_remembered(qtbot):
    from hebbviz.gui.drawing import PEN_WIDTHS
    from hebbviz.gui.main_window import MainWindow

    first = MainWindow()
    qtbot.addWidget(first)
    first.central.pen_choice.setCurrentIndex(list(PEN_WIDTHS).index("thick"))
    assert first.canvas.pen_width == PEN_WIDTHS["thick"]
    second = MainWindow()
    qtbot.addWidget(second)
    assert second.canvas.pen_width == PEN_WIDTHS["thick"]
    assert second.central.pen_choice.currentText() == "thick pen"
    forgetful = MainWindow(remember=False)
    qtbot.addWidget(forgetful)
    assert forgetful.canvas.pen_width == PEN_WIDTHS["medium"]


def test_the_stroke_in_progress_is_painted_along_the_same_smooth_path(qtbot):
    from hebbviz.gui.drawing import Drawing, smooth_path

    drawing = Drawing()
    angles = np.linspace(0, 6, 40)
    points = [QPointF(0.5 + 0.3 * np.cos(a), 0.5 + 0.3 * np.sin(a)) for a in angles]
    drawing.begin(points[0])
    for count, point in enumerate(points[1:], start=2):
        drawing.extend(point)
        if count % 7 == 0 or count == len(points):  # some repaints skip points
            stroke = drawing.strokes[-1]
            assert drawing._smooth(stroke) == smooth_path(stroke)
    drawing.end()
    assert drawing._smooth(drawing.strokes[-1]) == smooth_path(points)
    copy = list(drawing.strokes[-1])  # another list (the answer's copy): built whole
    assert drawing._smooth(copy) == smooth_path(points)
