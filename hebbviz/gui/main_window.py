"""The main window: draw on the left, see the framed digit and every label's answer on the right."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QByteArray, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from hebbviz import kernels
from hebbviz.data.dataset import DIGIT_CLASSES, Dataset
from hebbviz.data.sources import open_dataset
from hebbviz.errors import HebbvizError
from hebbviz.gui import style
from hebbviz.gui.canvas import DrawingCanvas, FramedView
from hebbviz.gui.contributions import ContributionMaps
from hebbviz.gui.help import HelpDialog
from hebbviz.gui.norm_bars import NormBars
from hebbviz.gui.training_panel import install as install_training
from hebbviz.modelfile import load_model, save_model
from hebbviz.models import rule_class
from hebbviz.models.base import NormClassifier

DEFAULT_MODEL = "default-oja.npz"
"""The model shipped in ``hebbviz.assets``, loaded when no other is given."""

REFRESH_MS = 10
"""While drawing, the answer is recomputed at most this often (the drawing itself is never held
up). Short enough that the bars follow a stroke within 30 ms (95th percentile) even while itoh
trains at full speed (``hebbviz bench --gui``)."""

PREFERRED_SIZE = QSize(1800, 980)
"""The window's size on first start when the screen has room for it."""

FRAME_ALLOWANCE = QSize(16, 48)
"""Room left on the screen for the window's frame and title bar (which ``resize`` excludes)."""

DOCK_SHARE = 0.22
"""The share of the window's width a dock (Training) gets when the window is sized."""

ANSWER_MIN_SIZE = QSize(380, 470)
"""The "Answer" tab is never smaller (pixels): ten bars with their values and ten maps stay
readable (its wrapped texts need more height than Qt's minimum size hint counts)."""

MIN_STATUS_WIDTH = 60
"""Status bar texts shrink (with an ellipsis) down to this width rather than widen the window."""

MODEL_FILTER = "hebbviz models (*.npz);;All files (*)"


def default_model_path() -> Path:
    """Where the shipped default model is (it may be missing in a development checkout)."""
    return Path(str(resources.files("hebbviz.assets") / DEFAULT_MODEL))


def short_source(dataset: Dataset) -> str:
    """Where ``dataset`` came from, short enough for the status bar: a folder by its name only
    (e.g. "MNIST, folder mnist-10k"); the full ``source`` goes in a tooltip."""
    if dataset.synthetic:
        return "synthetic digits"
    head, found, folder = dataset.source.partition(" from folder ")
    if found:
        path = Path(folder)
        if path.name == "raw":  # the torchvision layout (MNIST/raw) inside the folder chosen
            path = path.parent.parent
        return f"{head}, folder {path.name}"
    head, found, _ = dataset.source.partition(" via torchvision in ")
    return f"{head} (torchvision)" if found else dataset.source


class _Relay(QObject):
    """Carries a background job's outcome to the GUI thread (queued signal delivery)."""

    done = Signal(object)
    failed = Signal(object)


def run_in_background(
    parent: QObject,
    job: Callable[[], Any],
    on_done: Callable[[Any], None],
    on_failed: Callable[[BaseException], None],
    name: str,
) -> threading.Thread:
    """Run ``job()`` in a daemon thread; its result or exception is handed to ``on_done`` or
    ``on_failed`` on the GUI thread. The thread touches no widget."""
    relay = _Relay(parent)
    relay.done.connect(on_done)
    relay.failed.connect(on_failed)
    relay.done.connect(relay.deleteLater)
    relay.failed.connect(relay.deleteLater)

    def work() -> None:
        try:
            result = job()
        except Exception as error:  # handed to the GUI thread, which reports it
            outcome, value = relay.failed, error
        else:
            outcome, value = relay.done, result
        with contextlib.suppress(RuntimeError):  # the window closed meanwhile: nobody to tell
            outcome.emit(value)

    thread = threading.Thread(target=work, name=f"hebbviz-{name}", daemon=True)
    thread.start()
    return thread


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.15)
    font.setBold(True)
    label.setFont(font)
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


def _caption(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {style.MUTED_TEXT};")
    return label


class MainWindow(QMainWindow):
    """Draw a digit, see the 28x28 image the networks get, and every label's answer norm.

    Attributes
    ----------
    canvas : DrawingCanvas
    model : NormClassifier
        The current model; read its arrays only inside ``with model_lock:``.
    model_lock : threading.Lock
    metadata : dict
        The current model file's metadata (empty for an untrained model).
    model_path : Path or None
        The file the current model came from.
    dataset : Dataset or None
        The current data set (loaded in the background).
    tabs : QTabWidget
        "Answer" (norm bars and contribution maps); more views are added as tabs.

    Signals
    -------
    modelChanged()
    datasetChanged()
    kernelsReady()
    """

    modelChanged = Signal()
    datasetChanged = Signal()
    kernelsReady = Signal()

    def __init__(self, remember: bool = True, parent: QWidget | None = None) -> None:
        """
        Parameters
        ----------
        remember : bool
            Read and write the user's settings (geometry, recent models, last data folder).
            Off for screenshots, which must not depend on who takes them.
        """
        super().__init__(parent)
        self.remember = remember
        self.model_lock = threading.Lock()
        self.model: NormClassifier = rule_class("oja")()
        self.metadata: dict[str, Any] = {}
        self.model_path: Path | None = None
        self.dataset: Dataset | None = None
        self.kernels_ready = False
        self._help: HelpDialog | None = None

        self.setWindowTitle("Draw a digit")
        self._build_views()
        self._build_actions()
        self._build_menus()
        self._build_status()
        self.training = install_training(self)  # Training dock, Weights/Metrics tabs, menus

        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(REFRESH_MS)
        self._refresh_timer.timeout.connect(self.refresh_answer)
        self.canvas.drawingChanged.connect(self._schedule_refresh)

        self.fit_to_screen()
        if self.remember:  # the size, place and dock layout of the last run
            settings = style.settings()
            geometry = settings.value(style.KEY_GEOMETRY)
            if isinstance(geometry, QByteArray):
                self.restoreGeometry(geometry)
            state = settings.value(style.KEY_WINDOW_STATE)
            if isinstance(state, QByteArray):
                self.restoreState(state)
        self.show_model_info()
        self.refresh_answer()

    # ------------------------------------------------------------------ layout

    def fit_to_screen(self) -> None:
        """Size the window to fit the screen it is on (frame included; at most
        ``PREFERRED_SIZE``) and centre it there: the first start's size and place."""
        available = self.screen().availableGeometry()
        size = QSize(
            min(PREFERRED_SIZE.width(), available.width() - FRAME_ALLOWANCE.width()),
            min(PREFERRED_SIZE.height(), available.height() - FRAME_ALLOWANCE.height()),
        )
        self.resize_to(size)
        self.move(available.center() - self.rect().center())

    def resize_to(self, size: QSize) -> None:
        """Resize the window (never below its minimum) and share its width out: docks get
        ``DOCK_SHARE`` of it, the canvas and the views the rest."""
        size = size.expandedTo(self.minimumSizeHint())
        self.resize(size)
        docks = self.findChildren(QDockWidget)
        widths = [max(d.minimumSizeHint().width(), int(DOCK_SHARE * size.width())) for d in docks]
        self.resizeDocks(docks, widths, Qt.Orientation.Horizontal)

    def _build_views(self) -> None:
        self.canvas = DrawingCanvas()
        self.framed_view = FramedView()
        classes = self.classes()
        self.bars = NormBars(classes)
        self.contributions = ContributionMaps(classes)

        self.clear_button = QPushButton("Clear (Esc)")
        self.clear_button.setToolTip("Wipe the canvas (Esc or Delete)")
        self.clear_button.clicked.connect(self.canvas.clear)
        self.undo_button = QPushButton("Undo stroke (Ctrl+Z)")
        self.undo_button.setToolTip("Take back the last stroke (Ctrl+Z)")
        self.undo_button.clicked.connect(self.canvas.undo)
        buttons = QHBoxLayout()
        buttons.addWidget(self.clear_button)
        buttons.addWidget(self.undo_button)
        buttons.addStretch(1)

        draw = QWidget()
        draw_layout = QVBoxLayout(draw)
        draw_layout.addWidget(_heading("1  Draw a digit"))
        draw_layout.addWidget(self.canvas)
        draw_layout.addLayout(buttons)
        draw_layout.addSpacing(12)
        draw_layout.addWidget(
            _caption(
                "<b>How it works.</b> Ten small networks, one per label, each learned only from "
                "images of its own label with a Hebbian rule: no backpropagation, nothing "
                "optimised. Every network answers your drawing; the label whose answer is "
                "longest wins. Press F1 for more."
            )
        )
        draw_layout.addStretch(1)

        seen = QWidget()
        seen_layout = QVBoxLayout(seen)
        seen_layout.addWidget(_heading("2  What the networks see"))
        seen_layout.addWidget(self.framed_view)
        seen_layout.addWidget(
            _caption(
                "Your drawing framed like MNIST: cropped, scaled into the dashed 20×20 box, "
                "centred by its centre of mass, 28×28 pixels."
            )
        )
        seen_layout.addStretch(1)
        seen.setMinimumWidth(150)
        seen.setMaximumWidth(240)
        seen.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)

        answer = QWidget()
        answer_layout = QVBoxLayout(answer)
        header = QHBoxLayout()
        header.addWidget(_heading("3  Every network answers; the longest wins"), 1)
        help_button = QPushButton("What am I looking at?")
        help_button.setToolTip("How norm-based cognition works (F1)")
        help_button.clicked.connect(self.show_help)
        header.addWidget(help_button)
        answer_layout.addLayout(header)
        answer_layout.addWidget(self.bars, 5)
        answer_layout.addWidget(self.contributions, 6)
        answer.setMinimumSize(ANSWER_MIN_SIZE)
        self.tabs = QTabWidget()
        self.tabs.addTab(answer, "Answer")

        left = QWidget()
        left_layout = QHBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(draw, 1)
        left_layout.addWidget(seen)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([700, 560])
        splitter.setChildrenCollapsible(False)
        self.setCentralWidget(splitter)

    def _action(
        self, text: str, slot: Callable[[], object], shortcuts: list[QKeySequence], tip: str
    ) -> QAction:
        action = QAction(text, self)
        action.setShortcuts(shortcuts)
        action.setStatusTip(tip)
        action.setToolTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)  # shortcuts work even when the menu bar is hidden
        return action

    def _build_actions(self) -> None:
        key = QKeySequence
        self.open_action = self._action(
            "&Open model...", self.choose_model, [key(key.StandardKey.Open)], "Open a model file"
        )
        self.save_action = self._action(
            "&Save model as...",
            self.choose_save_path,
            [key(key.StandardKey.Save), key(key.StandardKey.SaveAs)],
            "Save the current model to a file",
        )
        self.default_action = self._action(
            "Load &default model",
            self.load_default_model,
            [],
            "Load the model shipped with hebbviz",
        )
        self.data_action = self._action(
            "Open &data folder...",
            self.choose_data_dir,
            [],
            "Use a folder of MNIST-format IDX files as the data set",
        )
        self.quit_action = self._action("&Quit", self.close, [key("Ctrl+Q")], "Close hebbviz")
        self.undo_action = self._action(
            "&Undo stroke",
            self.canvas.undo,
            [key(key.StandardKey.Undo)],
            "Take back the last stroke",
        )
        self.clear_action = self._action(
            "&Clear canvas",
            self.canvas.clear,
            [key(Qt.Key.Key_Escape), key(Qt.Key.Key_Delete)],
            "Wipe the canvas",
        )
        self.contributions_action = self._action(
            "Show &contribution maps",
            lambda: self.contributions.setVisible(self.contributions_action.isChecked()),
            [key("Ctrl+M")],
            "Show or hide the per-pixel contribution maps",
        )
        self.contributions_action.setCheckable(True)
        self.contributions_action.setChecked(True)
        self.help_action = self._action(
            "&What am I looking at?",
            self.show_help,
            [key("F1")],
            "How norm-based cognition works",
        )
        self.about_action = self._action("&About hebbviz", self.show_about, [], "About hebbviz")

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu("&File")
        self.file_menu.addAction(self.data_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.quit_action)
        self.model_menu = bar.addMenu("&Model")
        self.model_menu.addAction(self.open_action)
        self.recent_menu = self.model_menu.addMenu("Open &recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self.model_menu.addAction(self.save_action)
        self.model_menu.addSeparator()
        self.model_menu.addAction(self.default_action)
        self.edit_menu = bar.addMenu("&Edit")
        self.edit_menu.addAction(self.undo_action)
        self.edit_menu.addAction(self.clear_action)
        self.view_menu = bar.addMenu("&View")
        self.view_menu.addAction(self.contributions_action)
        self.help_menu = bar.addMenu("&Help")
        self.help_menu.addAction(self.help_action)
        self.help_menu.addAction(self.about_action)

    def _build_status(self) -> None:
        self.model_label = ElidedLabel()
        self.data_label = ElidedLabel("data: none yet", Qt.TextElideMode.ElideMiddle)
        self.kernel_label = QLabel("Compiling kernels...")
        self.kernel_label.setToolTip(
            "The learning rules run as compiled Numba kernels; they are compiled (or loaded from "
            "the cache) in the background when the app starts."
        )
        status = self.statusBar()
        status.addWidget(self.model_label, 1)
        status.addPermanentWidget(self.data_label)
        status.addPermanentWidget(self.kernel_label)

    # ------------------------------------------------------------------ the answer

    def classes(self) -> tuple[str, ...]:
        """The current model's class names: from its file, else the data set's, else digits."""
        n = self.model.n_labels
        candidates = (self.metadata.get("classes"), self.dataset and self.dataset.classes)
        for names in candidates:
            if isinstance(names, list | tuple) and len(names) == n:
                return tuple(str(name) for name in names)
        return DIGIT_CLASSES if n == len(DIGIT_CLASSES) else tuple(str(i) for i in range(n))

    def _schedule_refresh(self) -> None:
        if not self._refresh_timer.isActive():
            self._refresh_timer.start()

    def answer_pending(self) -> bool:
        """Whether the drawing changed since the answer shown was computed."""
        return self._refresh_timer.isActive()

    def refresh_answer(self) -> None:
        """Frame the drawing and show every label's answer to it (now, not throttled)."""
        self._refresh_timer.stop()
        image = self.canvas.framed_image()
        self.framed_view.set_image(image)
        if image is None:
            self.bars.set_norms(None)
            self.contributions.set_contributions(None)
            return
        with self.model_lock:
            norms = self.model.label_norms(image[None])[0]
            maps = self.model.contributions(image)
        self.bars.set_norms(norms)
        self.contributions.set_contributions(maps, self.bars.winner_index())

    def prediction(self) -> str | None:
        """The class name shown as the answer, or None (blank canvas, no answer)."""
        winner = self.bars.winner_index()
        return None if winner is None else self.bars.classes[winner]

    # ------------------------------------------------------------------ models

    def set_model(
        self, model: NormClassifier, metadata: dict[str, Any] | None, path: Path | None = None
    ) -> None:
        """Make ``model`` the current one and show its answer to the drawing."""
        with self.model_lock:
            self.model = model
        self.metadata = dict(metadata or {})
        self.model_path = path
        self._apply_classes()
        deskewed = bool(model.params().get("deskew"))
        self.contributions.show_unavailable(not self._has_contributions(), deskewed)
        self.show_model_info()
        self.refresh_answer()
        self.modelChanged.emit()

    def _has_contributions(self) -> bool:
        """Whether the model's rule has a per-pixel reading (``contributions`` is overridden)."""
        return type(self.model).contributions is not NormClassifier.contributions

    def _apply_classes(self) -> None:
        classes = self.classes()
        if classes != self.bars.classes:
            self.bars.set_classes(classes)
            self.contributions.set_classes(classes)

    def show_model_info(
        self, activity: str | None = None, val_accuracy: float | None = None
    ) -> None:
        """Describe the current model in the status bar: where it is from (or ``activity``, what
        a training run is doing with it), its rule and hyperparameters, how many images it has
        learned, and its validation accuracy (``val_accuracy``, else the one its file records).
        """
        with self.model_lock:  # a training run may be updating the model
            seen = int(np.sum(self.model.seen))
            rule, params = self.model.rule, self.model.params()
        if activity:
            name = activity
        elif self.model_path:
            name = self.model_path.name
        else:
            name = "trained here, not saved (Ctrl+S saves it)" if seen else "untrained model"
        settings = ", ".join(
            f"{k}={v}" for k, v in params.items() if k != "n_labels" and v is not None
        )
        parts = [f"Model: {name}", f"{rule} ({settings})", f"{seen:,} images learned"]
        recorded = self.metadata.get("val_accuracy")
        accuracy = val_accuracy if val_accuracy is not None else recorded
        if isinstance(accuracy, int | float):
            parts.append(f"validation accuracy {100 * accuracy:.1f}%")
        if seen == 0 and not activity:
            parts.append("open a trained model with Ctrl+O")
        self.model_label.setText(" · ".join(parts))
        source = self.metadata.get("data_source")
        self.model_label.setToolTip(
            f"{self.model_label.full_text()}\n{self.model_path or 'not saved to a file'}\n"
            f"trained on: {source or 'nothing'}"
        )

    def open_model(self, path: str | Path) -> bool:
        """Load a model file; a bad file gets a message box (its one-line reason) and changes
        nothing. Returns whether it loaded."""
        path = Path(path)
        try:
            model, metadata = load_model(path)
        except HebbvizError as error:
            QMessageBox.warning(self, "Cannot open model", str(error))
            return False
        self.set_model(model, metadata, path)
        self.remember_model(path)
        self.statusBar().showMessage(f"Opened {path}", 5000)
        return True

    def load_default_model(self) -> bool:
        """Load the shipped default model; without it, keep an untrained one and say so."""
        path = default_model_path()
        try:
            model, metadata = load_model(path)
        except HebbvizError as error:
            self.set_model(rule_class("oja")(), None)
            self.statusBar().showMessage(
                f"No default model ({error}): the networks are untrained. Open a model (Ctrl+O).",
            )
            return False
        self.set_model(model, metadata, path)
        return True

    def load_startup_model(self) -> None:
        """The last model used (when remembered and still loadable), else the default one."""
        last = style.settings().value(style.KEY_LAST_MODEL) if self.remember else None
        if last and Path(str(last)).is_file():
            try:
                model, metadata = load_model(str(last))
            except HebbvizError as error:
                self.statusBar().showMessage(f"Last model not loaded: {error}", 8000)
            else:
                self.set_model(model, metadata, Path(str(last)))
                return
        self.load_default_model()

    def choose_model(self) -> None:
        """Ask for a model file and open it."""
        start = str(self.model_path.parent) if self.model_path else ""
        path, _ = QFileDialog.getOpenFileName(self, "Open model", start, MODEL_FILTER)
        if path:
            self.open_model(path)

    def save_model_to(self, path: str | Path) -> bool:
        """Save the current model (a consistent copy) with its metadata; errors get a message."""
        path = Path(path)
        with self.model_lock:
            snapshot = self.model.copy()
        try:
            self.metadata = save_model(path, snapshot, self.metadata)
        except HebbvizError as error:
            QMessageBox.warning(self, "Cannot save model", str(error))
            return False
        self.model_path = path
        self.remember_model(path)
        self.show_model_info()
        self.statusBar().showMessage(f"Saved {path}", 5000)
        return True

    def choose_save_path(self) -> None:
        """Ask where to save the current model, then save it."""
        start = str(self.model_path) if self.model_path else "model.npz"
        path, _ = QFileDialog.getSaveFileName(self, "Save model", start, MODEL_FILTER)
        if path:
            if not Path(path).suffix:
                path += ".npz"
            self.save_model_to(path)

    def recent_models(self) -> list[str]:
        """Recently opened or saved model files, newest first."""
        value = style.settings().value(style.KEY_RECENT_MODELS, [])
        return [str(v) for v in ([value] if isinstance(value, str) else value or [])]

    def remember_model(self, path: Path) -> None:
        """Make ``path`` the last model used and the newest of the recent ones (if remembering)."""
        if not self.remember or path == default_model_path():
            return
        full = str(path.resolve())
        recent = [full, *(p for p in self.recent_models() if p != full)]
        settings = style.settings()
        settings.setValue(style.KEY_LAST_MODEL, full)
        settings.setValue(style.KEY_RECENT_MODELS, recent[: style.MAX_RECENT])

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.recent_models()
        for number, path in enumerate(recent, start=1):
            action = self.recent_menu.addAction(f"&{number} {path}")
            action.triggered.connect(lambda checked=False, p=path: self.open_model(p))
        if not recent:
            self.recent_menu.addAction("(none yet)").setEnabled(False)

    # ------------------------------------------------------------------ data

    def load_dataset(self, data_dir: str | Path | None = None, name: str | None = None) -> None:
        """Open a data set in the background; ``datasetChanged`` follows (errors get a message).

        With neither argument: the last data folder used (if remembered), else the default
        source (see :func:`hebbviz.data.sources.open_dataset`).
        """
        if data_dir is None and name is None and self.remember:
            last = style.settings().value(style.KEY_LAST_DATA_DIR)
            data_dir = str(last) if last and Path(str(last)).is_dir() else None
        self.data_label.setText("data: loading...")
        run_in_background(
            self,
            lambda: open_dataset(data_dir, name),
            lambda dataset: self.set_dataset(dataset, data_dir),
            self._dataset_failed,
            "load-data",
        )

    def set_dataset(self, dataset: Dataset, data_dir: str | Path | None = None) -> None:
        """Make ``dataset`` the current one (remembering its folder, if it has one)."""
        self.dataset = dataset
        self.data_label.setText(f"data: {short_source(dataset)}")
        self.data_label.setToolTip(
            f"{dataset.source}\n{len(dataset.train):,} training and {len(dataset.val):,} "
            "validation images"
        )
        if data_dir is not None and self.remember:
            style.settings().setValue(style.KEY_LAST_DATA_DIR, str(Path(data_dir).resolve()))
        self._apply_classes()
        self.refresh_answer()
        self.datasetChanged.emit()

    def _dataset_failed(self, error: BaseException) -> None:
        self.data_label.setText("data: none")
        if isinstance(error, HebbvizError):
            QMessageBox.warning(self, "Cannot open data", str(error))
        else:
            QMessageBox.critical(self, "Cannot open data", f"{type(error).__name__}: {error}")

    def choose_data_dir(self) -> None:
        """Ask for a folder of IDX files and use it as the data set."""
        path = QFileDialog.getExistingDirectory(self, "Open a folder of MNIST-format IDX files")
        if path:
            self.load_dataset(path)

    def show_validation_digit(self, index: int) -> None:
        """Put digit ``index`` of the current data set's validation split on the canvas.

        Raises
        ------
        HebbvizError
            If there is no data set yet or the index is out of range.
        """
        if self.dataset is None:
            raise HebbvizError("no data set loaded yet: cannot show a validation digit")
        count = len(self.dataset.val)
        if not 0 <= index < count:
            raise HebbvizError(
                f"--draw-sample {index}: the validation split has digits 0..{count - 1}"
            )
        self.canvas.show_digit(self.dataset.val.images[index])
        self.refresh_answer()

    # ------------------------------------------------------------------ kernels

    def warm_up_kernels(self) -> None:
        """Compile the Numba kernels in the background; the status bar shows progress."""
        self.kernel_label.setText("Compiling kernels...")
        run_in_background(
            self, kernels.warm_up, self.mark_kernels_ready, self._kernels_failed, "warm-up"
        )

    def mark_kernels_ready(self, _: object = None) -> None:
        """Show that the kernels are compiled (called when the warm-up is done)."""
        self.kernels_ready = True
        self.kernel_label.setText("Kernels ready")
        self.kernelsReady.emit()

    def _kernels_failed(self, error: BaseException) -> None:
        self.kernel_label.setText("Kernels failed to compile")
        self.kernel_label.setToolTip(f"{type(error).__name__}: {error}")

    # ------------------------------------------------------------------ help and closing

    def show_help(self) -> None:
        """Open (or raise) the "What am I looking at?" panel."""
        if self._help is None:
            self._help = HelpDialog(self)
        self._help.show()
        self._help.raise_()
        self._help.activateWindow()

    def show_about(self) -> None:
        from hebbviz import __version__

        QMessageBox.about(
            self,
            "About hebbviz",
            f"<b>hebbviz {__version__}</b><p>Ten small Hebbian networks learn handwritten digits "
            "without backpropagation; the longest answer wins.</p><p>Method: Kei Itoh, "
            "arXiv:2411.05861 (2024). MNIST by Yann LeCun, Corinna Cortes and Christopher J. C. "
            "Burges.</p>",
        )

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        if self.remember:
            settings = style.settings()
            settings.setValue(style.KEY_GEOMETRY, self.saveGeometry())
            settings.setValue(style.KEY_WINDOW_STATE, self.saveState())
        if self._help is not None:
            self._help.close()
        super().closeEvent(event)
