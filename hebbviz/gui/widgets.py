"""Small widgets shared by the app's views: headings, captions, elided labels, labels and buttons
as wide as their longest text, a scroll area for settings, explained empty states, boxes of a set
aspect, a progress bar that waits for the next frame."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from hebbviz.gui import style

MIN_STATUS_WIDTH = 60
"""Status bar texts shrink (with an ellipsis) down to this width rather than widen the window."""


def heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("heading")  # the classroom view's style sheet enlarges headings
    label.setWordWrap(True)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.15)
    font.setBold(True)
    label.setFont(font)
    return label


def caption(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {style.MUTED_TEXT};")
    return label


class ElidedLabel(QLabel):
    """A one-line label that may be narrower than its text: it shows as much as fits, with an
    ellipsis (``mode`` says where), and the whole text in its tooltip."""

    def __init__(self, text: str = "", mode: Qt.TextElideMode = Qt.TextElideMode.ElideRight):
        super().__init__()
        self._mode = mode
        self._full = ""
        self.setMinimumWidth(MIN_STATUS_WIDTH)
        self.setText(text)

    def full_text(self) -> str:
        return self._full

    def setText(self, text: str) -> None:  # noqa: N802 (Qt override)
        self._full = text
        self.setToolTip(text)
        self._elide()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(
            self.fontMetrics().horizontalAdvance(self._full) + 8, super().sizeHint().height()
        )

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(MIN_STATUS_WIDTH, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        super().setText(self.fontMetrics().elidedText(self._full, self._mode, self.width()))


def widest(widget: QWidget, texts: tuple[str, ...]) -> int:
    """The width (pixels) of the widest of ``texts`` in ``widget``'s current font."""
    metrics = widget.fontMetrics()
    return max(metrics.horizontalAdvance(text) for text in texts)


class FittedLabel(QLabel):
    """A label as wide as the widest text it may show (``texts``), in whatever font it has: its
    width does not jump when the text changes, and no text is cut at a larger font."""

    def __init__(self, texts: tuple[str, ...]) -> None:
        super().__init__(texts[0])
        self.texts = texts

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        margins = self.contentsMargins()
        width = widest(self, self.texts) + margins.left() + margins.right() + 2
        return QSize(width, super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return self.sizeHint()


class FittedButton(QPushButton):
    """A push button as narrow as the longest text it may show allows (not the style's wide
    default, for a narrow dock), and never narrower, in whatever font it has."""

    def __init__(self, *texts: str) -> None:
        super().__init__(texts[0])
        self.texts = texts

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        usual = super().sizeHint()
        if self.style().metaObject().className() == "QStyleSheetStyle":
            # a style sheet's padding and border count, and it sets no least width
            room = usual.width() - self.fontMetrics().horizontalAdvance(self.text())
        else:  # the style's least width (80 pixels in Fusion) is too wide for a narrow dock
            margin = self.style().pixelMetric(QStyle.PixelMetric.PM_ButtonMargin, None, self)
            room = 2 * (self.fontMetrics().averageCharWidth() + margin)
        return QSize(widest(self, self.texts) + room, usual.height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return self.sizeHint()


class SettingsScroll(QScrollArea):
    """Scrolls ``content`` vertically when space is short; asks for all of its height."""

    def __init__(self, content: QWidget) -> None:
        super().__init__()
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.setWidget(content)
        content.installEventFilter(self)
        self._bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()  # the content's height changed: ask the dock again
        return super().eventFilter(watched, event)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override; QScrollArea's is cached and capped)
        hint = self.widget().sizeHint()
        return QSize(hint.width() + self._bar, hint.height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        least = self.widget().minimumSizeHint().width() + self._bar
        return QSize(least, super().minimumSizeHint().height())


class Placeholder(QWidget):
    """``content`` (a plot), or in its place a sentence saying why there is nothing to show yet
    (an explained empty state instead of an empty plot with made-up axes). Only the one shown
    counts for the layout: the sentence takes the room of a sentence."""

    def __init__(self, content: QWidget, message: str) -> None:
        super().__init__()
        self.content = content
        self.message = QLabel(message)
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setStyleSheet(f"color: {style.MUTED_TEXT}; padding: 8px;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.message)
        layout.addWidget(content)
        self.show_content(False)

    def show_content(self, shown: bool = True) -> None:
        self.message.setVisible(not shown)
        self.content.setVisible(shown)

    def showing_content(self) -> bool:
        return not self.content.isHidden()

    def show_message(self, message: str) -> None:
        self.message.setText(message)
        self.show_content(False)


class AspectBox(QWidget):
    """Holds one widget and asks its layout for a height of ``ratio`` times its width plus
    ``extra`` pixels (a square plot: ratio 1, with room for its axes, colour bar or controls).

    The widget fills the box without a layout of its own (a layout would answer the height for
    a width in its place)."""

    def __init__(self, widget: QWidget, ratio: float = 1.0, extra: int = 0) -> None:
        super().__init__()
        self.widget, self.ratio, self.extra = widget, ratio, extra
        widget.setParent(self)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt override)
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return round(self.ratio * width) + self.extra

    def sizeHint(self) -> QSize:  # noqa: N802
        width = self.widget.sizeHint().width()
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return self.widget.minimumSizeHint()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.widget.setGeometry(self.rect())


class ProgressBar(QProgressBar):
    """A progress bar painted with the window's next frame, like every other widget.

    ``QProgressBar.setValue`` and ``reset`` repaint at once, and with the bar whatever else of
    the window waits to be painted (the canvas, the heatmaps): 2-7 ms on the GUI thread at each
    count while training, in the middle of handling other events.
    """

    def setValue(self, value: int) -> None:  # noqa: N802 (Qt's name)
        self.setUpdatesEnabled(False)
        super().setValue(value)
        self.setUpdatesEnabled(True)  # asks for an ordinary repaint

    def reset(self) -> None:
        self.setUpdatesEnabled(False)
        super().reset()
        self.setUpdatesEnabled(True)
