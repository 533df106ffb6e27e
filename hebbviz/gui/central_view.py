"""The window's centre: 1 the canvas, 2 the framed digit the networks see, 3 their answers (the
"Answer" tab; the other views are added as tabs). A passive view: it shows what it is given."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from hebbviz.gui.canvas import DrawingCanvas, FramedView
from hebbviz.gui.contributions import ContributionMaps
from hebbviz.gui.drawing import DEFAULT_PEN, PEN_WIDTHS
from hebbviz.gui.firing_maps import FiringMaps
from hebbviz.gui.norm_bars import NormBars
from hebbviz.gui.widgets import caption, heading

ANSWER_MIN_WIDTH = 380
"""The "Answer" tab is never smaller (pixels): ten bars with their values and ten maps stay
readable (its wrapped texts need more height than Qt's minimum size hint counts)."""


class CentralView(QSplitter):
    """Draw on the left, see the framed digit and every label's answer on the right.

    Signals
    -------
    helpRequested()
    penChosen(str)
        A pen width was chosen (its name in :data:`~hebbviz.gui.drawing.PEN_WIDTHS`).
    """

    helpRequested = Signal()
    penChosen = Signal(str)

    def __init__(self, classes: tuple[str, ...], parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.canvas = DrawingCanvas()
        self.framed_view = FramedView()
        self.bars = NormBars(classes)
        self.contributions = ContributionMaps(classes)
        self.firing = FiringMaps()
        self.firing.hide()  # for rules that declare firing maps

        self.clear_button = QPushButton("Clear (Esc)")
        self.clear_button.setToolTip("Wipe the canvas (Esc or Delete)")
        self.clear_button.clicked.connect(self.canvas.clear)
        self.undo_button = QPushButton("Undo stroke (Ctrl+Z)")
        self.undo_button.setToolTip("Take back the last stroke (Ctrl+Z)")
        self.undo_button.clicked.connect(self.canvas.undo)
        self.pen_choice = QComboBox()
        self.pen_choice.addItems([f"{name} pen" for name in PEN_WIDTHS])
        self.pen_choice.setToolTip(
            "The pen's width. A digit is read at the same stroke width whatever size you draw "
            "it: small strokes are scaled with the digit."
        )
        self.pen_choice.currentIndexChanged.connect(self._on_pen_chosen)
        self.show_pen(DEFAULT_PEN)
        buttons = QHBoxLayout()
        buttons.addWidget(self.clear_button)
        buttons.addWidget(self.undo_button)
        buttons.addStretch(1)
        buttons.addWidget(self.pen_choice)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.hide()
        self.canvas.drawingChanged.connect(self.note.hide)  # drawn over: no longer that digit

        draw = QWidget()
        draw_layout = QVBoxLayout(draw)
        draw_layout.addWidget(heading("1  Draw a digit"))
        draw_layout.addWidget(self.canvas)
        draw_layout.addLayout(buttons)
        draw_layout.addWidget(self.note)
        draw_layout.addSpacing(12)
        self.how_it_works = caption(
            "<b>How it works.</b> Ten small networks, one per label, each learned only from "
            "images of its own label with a Hebbian rule: no backpropagation, nothing "
            "optimised. Every network answers your drawing; the label whose answer is "
            "longest wins. Press F1 for more."
        )
        draw_layout.addWidget(self.how_it_works)
        draw_layout.addStretch(1)

        seen = QWidget()
        seen_layout = QVBoxLayout(seen)
        seen_layout.addWidget(heading("2  What the networks see"))
        seen_layout.addWidget(self.framed_view)
        seen_layout.addWidget(
            caption(
                "Your drawing framed like MNIST: cropped, scaled into the dashed 20×20 box, "
                "centred by its centre of mass, 28×28 pixels."
            )
        )
        seen_layout.addStretch(1)
        seen.setMinimumWidth(150)
        seen.setMaximumWidth(240)
        seen.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)

        self.answer = answer = QWidget()
        answer_layout = QVBoxLayout(answer)
        header = QHBoxLayout()
        header.addWidget(heading("3  Every network answers; the longest wins"), 1)
        self.help_button = QPushButton("What am I looking at?")
        self.help_button.setToolTip("How norm-based cognition works (F1)")
        self.help_button.clicked.connect(self.helpRequested)
        header.addWidget(self.help_button)
        answer_layout.addLayout(header)
        answer_layout.addWidget(self.bars, 5)
        answer_layout.addWidget(self.contributions, 6)
        answer_layout.addWidget(self.firing, 5)
        for view in answer.findChildren(pg.GraphicsView):
            # a plot's size hint is the size it had last: the parts share the height by their
            # stretch alone, the same every time (as before the classroom view, after it)
            policy = view.sizePolicy()
            policy.setVerticalPolicy(QSizePolicy.Policy.Ignored)
            view.setSizePolicy(policy)
        for part in (self.bars, self.contributions, self.firing):
            # a floor the stretch cannot go below (the wrapped captions beside the plots made the
            # layout squeeze the bars under their axis labels at 1366x768)
            part.setMinimumHeight(part.minimumSizeHint().height())
        answer.setMinimumWidth(ANSWER_MIN_WIDTH)
        self.answer_page = QScrollArea()
        """The Answer tab: the answer, scrolled when the window is too short for all of it (its
        parts overlapped before)."""
        self.answer_page.setWidget(answer)
        self.answer_page.setWidgetResizable(True)
        self.answer_page.setFrameShape(QFrame.Shape.NoFrame)
        self.answer_page.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.answer_page, "Answer")

        left = QWidget()
        left_layout = QHBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(draw, 1)
        left_layout.addWidget(seen)
        self.addWidget(left)
        self.addWidget(self.tabs)
        self.setStretchFactor(0, 3)
        self.setStretchFactor(1, 2)
        self.setSizes([700, 560])
        self.setChildrenCollapsible(False)

    def show_pen(self, name: str) -> None:
        """Draw with pen ``name`` (of :data:`~hebbviz.gui.drawing.PEN_WIDTHS`; another name is
        ignored)."""
        if name in PEN_WIDTHS:
            self.pen_choice.setCurrentIndex(list(PEN_WIDTHS).index(name))
            self.canvas.set_pen_width(PEN_WIDTHS[name])

    def _on_pen_chosen(self, index: int) -> None:
        name = list(PEN_WIDTHS)[index]
        self.canvas.set_pen_width(PEN_WIDTHS[name])
        self.penChosen.emit(name)

    def show_note(self, text: str) -> None:
        """Say under the canvas what is on it (a digit put there), until it is drawn over."""
        self.note.setText(f"<b>On the canvas:</b> {text}")
        self.note.show()
