"""The main window: lays out the views and connects them to the session and the training
controller, in one place.

- :class:`~hebbviz.gui.session.Session`: the model, its lock and file, the data set;
- :class:`~hebbviz.gui.training_controller.TrainingController`: the current training run;
- passive views: :class:`~hebbviz.gui.central_view.CentralView` (canvas, framed digit, answer),
  :class:`~hebbviz.gui.training_panel.TrainingPanel` (the Training dock),
  :class:`~hebbviz.gui.weight_view.WeightView`, :class:`~hebbviz.gui.detector_view.DetectorView`,
  :class:`~hebbviz.gui.metrics_view.MetricsView`, :class:`~hebbviz.gui.paper_view.PaperView` (its
  stages computed by :class:`~hebbviz.gui.paper_controller.PaperController`);
- what the views are given, and what their requests do:
  :class:`~hebbviz.gui.answer_presenter.AnswerPresenter` (the answer to the drawing),
  :class:`~hebbviz.gui.run_display.RunDisplay` (the run, in the dock and the status bar),
  :class:`~hebbviz.gui.live_feeds.LiveFeeds` (the Weights and Detectors tabs),
  :class:`~hebbviz.gui.run_commands.RunCommands` (Start, Step, Reset),
  :class:`~hebbviz.gui.dataset_downloads.DatasetDownloads`,
  :class:`~hebbviz.gui.model_files.ModelFiles`;
- the menus and shortcuts: :mod:`hebbviz.gui.actions`.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMessageBox, QWidget

from hebbviz.gui.actions import build_menus, build_teach_actions
from hebbviz.gui.answer_presenter import AnswerPresenter
from hebbviz.gui.central_view import CentralView
from hebbviz.gui.classroom import Classroom, export_png
from hebbviz.gui.dataset_downloads import DatasetDownloads
from hebbviz.gui.detector_view import DetectorView
from hebbviz.gui.drawing import DEFAULT_PEN
from hebbviz.gui.help import HelpDialog, show_about
from hebbviz.gui.live_feeds import LiveFeeds
from hebbviz.gui.metrics_view import MetricsView
from hebbviz.gui.model_files import ModelFiles
from hebbviz.gui.paper_controller import PaperController
from hebbviz.gui.paper_view import PaperView
from hebbviz.gui.plot_export import PlotMenu
from hebbviz.gui.preferences import Preferences
from hebbviz.gui.recorder import Recorder, ask_recording
from hebbviz.gui.run_commands import RunCommands
from hebbviz.gui.run_display import RunDisplay
from hebbviz.gui.session import Session
from hebbviz.gui.status_view import StatusView
from hebbviz.gui.training_controller import CLOSE_TIMEOUT_S, TrainingController
from hebbviz.gui.training_panel import TrainingPanel
from hebbviz.gui.unsaved import UnsavedGuard
from hebbviz.gui.weight_view import WeightView
from hebbviz.training import SharedLayer
from hebbviz.training_run import Progress

PREFERRED_SIZE = QSize(1800, 980)
"""The window's size on first start when the screen has room for it."""

FRAME_ALLOWANCE = QSize(16, 48)
"""Room left on the screen for the window's frame and title bar (which ``resize`` excludes)."""

DOCK_SHARE = 0.22
"""The share of the window's width a dock (Training) gets when the window is sized."""


class MainWindow(QMainWindow):
    """Draw a digit, see the 28x28 image the networks get, every label's answer, and train.

    Parameters
    ----------
    remember : bool
        Read and write the user's settings (geometry, recent models, last data folder), and ask
        before an unsaved model is discarded. Off for screenshots and benchmarks, which must not
        depend on who runs them nor wait for anyone.

    Attributes
    ----------
    session : Session
    training : TrainingController
    training_panel, weight_view, detector_view, metrics_view, paper_view, central : the views
    canvas, bars, contributions, tabs : parts of the central view, for short
    answer, run_display, live_feeds, runs, downloads, files : see the module's description
    menu_actions : dict of QAction, by the names of :data:`hebbviz.gui.actions.COMMANDS`
    """

    def __init__(self, remember: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.preferences = Preferences(remember)
        self.session = Session(self.preferences, self)
        self.training = TrainingController(self.session, self)
        self._help: HelpDialog | None = None
        self.setWindowTitle("Draw a digit")

        self.central = CentralView(self.session.classes())
        self.canvas, self.framed_view = self.central.canvas, self.central.framed_view
        self.bars, self.contributions = self.central.bars, self.central.contributions
        self.tabs = self.central.tabs
        self.central.show_pen(self.preferences.pen(DEFAULT_PEN))
        self.setCentralWidget(self.central)
        self.weight_view = WeightView()
        self.detector_view = DetectorView()
        self.metrics_view = MetricsView()
        self.tabs.addTab(self.weight_view, "Weights")
        self.tabs.addTab(self.detector_view, "Detectors")
        self.tabs.addTab(self.metrics_view, "Metrics")
        self.paper_view = PaperView()
        self.tabs.addTab(self.paper_view, "Paper")
        self.training_panel = TrainingPanel()
        self.dock = QDockWidget("Training", self)
        self.dock.setObjectName("training-dock")
        self.dock.setWidget(self.training_panel)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.dock)
        self.paper = PaperController(self.session, self.paper_view, self)
        self.classroom = Classroom(self)
        self.status_view = StatusView(self.statusBar())
        self.model_label = self.status_view.model_label
        self.data_label = self.status_view.data_label
        self.kernel_label = self.status_view.kernel_label

        session, training, panel = self.session, self.training, self.training_panel
        self.answer = AnswerPresenter(session, training, self.central, self)
        self.run_display = RunDisplay(session, training, panel, self.status_view, self)
        self.live_feeds = LiveFeeds(session, training, self.weight_view, self.detector_view)
        self.files = ModelFiles(self, session, self.preferences, self.statusBar())
        self.unsaved = UnsavedGuard(
            self, session, self.files, interactive=remember, notice=self._notice(15_000)
        )
        self.runs = RunCommands(training, panel, self.unsaved)
        self.downloads = DatasetDownloads(self, session, panel.data, self._notice(10_000))
        extras = {"recent": self.files.recent_menu, "dock": self.dock.toggleViewAction()}
        self.menu_actions = build_menus(self, self._slots(), extras)
        self.teach_actions = build_teach_actions(self, self.teach)
        self.plot_menu = PlotMenu(self)  # right click on a plot: export it
        self.recorder = Recorder(self.weight_view, self)
        self._connect()

        self.fit_to_screen()
        self.preferences.restore_window(self)
        self._on_model_changed()
        self._on_dataset_changed()

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

    # ------------------------------------------------------------------ wiring

    def _notice(self, ms: int) -> Callable[[str], None]:
        """Shows a sentence in the status bar for ``ms`` milliseconds."""
        return lambda text: self.statusBar().showMessage(text, ms)

    def _slots(self) -> dict[str, Callable[[], object]]:
        return {
            "data": self.files.choose_data_dir,
            "quit": self.close,
            "open": self.files.choose_model,
            "save": self.files.choose_save_path,
            "default": self.session.load_default_model,
            "undo": self.canvas.undo,
            "clear": self.canvas.clear,
            "contributions": self.answer.show_maps,
            "classroom": self.classroom.set_active,
            "export": self.export_view,
            "record": self.record,
            "start": self.runs.start,
            "pause": self.runs.toggle_pause,
            "step": self.runs.step,
            "reset": self.runs.reset,
            "evaluate": self.training.evaluate,
            "help": self.show_help,
            "about": lambda: show_about(self),
        }

    def _connect(self) -> None:
        session, training, panel = self.session, self.training, self.training_panel
        self.answer.answers.failed.connect(self._notice(10_000))
        self.central.helpRequested.connect(self.show_help)
        self.central.penChosen.connect(self.preferences.remember_pen)
        self.metrics_view.digitChosen.connect(self.answer.show_digit)
        self.files.saved.connect(self.run_display.show_model_info)
        bar = self.statusBar()
        self.recorder.progress.connect(
            lambda n, total: bar.showMessage(f"Recording the Weights view: frame {n} of {total}")
        )
        self.recorder.saved.connect(lambda path: bar.showMessage(f"Recorded {path}", 10_000))
        self.recorder.failed.connect(
            lambda message: QMessageBox.warning(self, "Cannot save the recording", message)
        )

        session.modelChanged.connect(self._on_model_changed)
        session.modelLearned.connect(self._on_model_learned)
        session.datasetChanged.connect(self._on_dataset_changed)
        session.datasetLoading.connect(
            lambda what: self.status_view.show_data_text(f"data: loading {what}...")
        )
        session.datasetFailed.connect(self._on_dataset_failed)
        session.kernelsReady.connect(lambda: self.status_view.show_kernels("Kernels ready"))
        session.kernelsFailed.connect(
            lambda message: self.status_view.show_kernels("Kernels failed to compile", message)
        )
        session.notice.connect(bar.showMessage)

        panel.startRequested.connect(self.runs.start)
        panel.stepRequested.connect(self.runs.step)
        panel.resetRequested.connect(self.runs.reset)
        panel.pauseRequested.connect(training.pause)
        panel.rateChanged.connect(training.set_rate)
        panel.data.folderChosen.connect(lambda folder: session.load_dataset(data_dir=folder))
        panel.data.sourceChosen.connect(lambda name: session.load_dataset(name=name))
        panel.data.downloadRequested.connect(self.downloads.download)
        panel.teach_box.teachRequested.connect(self.teach)
        panel.teach_box.enabledChanged.connect(
            lambda on: [action.setEnabled(on) for action in self.teach_actions]
        )

        training.curveCleared.connect(self.metrics_view.curve.clear_points)
        training.started.connect(self.metrics_view.curve.clear_points)  # its axis: the run's
        training.curvePoint.connect(self.metrics_view.curve.add_point)
        training.ended.connect(self._on_run_ended)
        training.evaluator.evaluating.connect(self.metrics_view.show_evaluating)
        training.evaluator.evaluated.connect(self.metrics_view.show_evaluation)
        training.evaluator.failed.connect(self.metrics_view.show_failure)
        self.run_display.progressed.connect(self.answer.follow)

    # ------------------------------------------------------------------ the answer

    def refresh_answer(self) -> None:
        """Show every label's answer to the drawing, now (see :meth:`AnswerPresenter.refresh`)."""
        self.answer.refresh()

    def answer_pending(self) -> bool:
        """Whether the drawing changed since the answer shown was computed."""
        return self.answer.pending()

    def prediction(self) -> str | None:
        """The class name shown as the answer, or None (blank canvas, no answer)."""
        return self.answer.prediction()

    def teach(self, label: int) -> bool:
        """Teach the drawing to ``label``'s network (teach mode); whether it learned."""
        lesson = self.session.teach(self.canvas.framed_image(), label)
        self.training_panel.teach_box.show_result(lesson.message)
        return lesson.learned

    # ------------------------------------------------------------------ exports

    def export_view(self) -> None:
        """Ask where to save the current tab as a PNG, and save it."""
        name = self.tabs.tabText(self.tabs.currentIndex())
        export_png(self, self.tabs.currentWidget(), f"{name}.png")

    def record(self) -> None:
        """Ask for a recording of the Weights view and start it; stop the one under way early."""
        if self.recorder.active():
            self.recorder.stop()
            return
        recording = ask_recording(self)
        if recording is not None:
            self.tabs.setCurrentWidget(self.weight_view)
            self.recorder.start(recording)

    # ------------------------------------------------------------------ state shown

    def _on_model_changed(self) -> None:
        self.answer.show_model()
        self.live_feeds.show_model()
        self.metrics_view.show_not_evaluated()
        shared = isinstance(self.session.model, SharedLayer)
        self.tabs.setTabVisible(self.tabs.indexOf(self.detector_view), shared)
        self.run_display.show_model()
        self.answer.reanswer()

    def _on_model_learned(self) -> None:
        self.live_feeds.learned()
        self.training_panel.data.show_drawings_count(self.session.store)
        self.run_display.show_model_info()
        self.answer.refresh()

    def _on_run_ended(self, progress: Progress) -> None:
        self.run_display.show_run_ended(progress)
        self.live_feeds.run_ended()
        self.answer.reanswer()

    def _on_dataset_changed(self) -> None:
        dataset = self.session.dataset
        self.training_panel.show_dataset(dataset)
        self.training_panel.data.show_drawings_count(self.session.store)
        if dataset is None:
            return
        self.status_view.show_dataset(dataset)
        self.metrics_view.set_classes(dataset.classes)
        self.answer.show_classes()
        self.live_feeds.show_classes()
        self.answer.reanswer()

    def _on_dataset_failed(self, message: str) -> None:
        self.status_view.show_data_text("data: none")
        QMessageBox.warning(self, "Cannot open data", message)

    # ------------------------------------------------------------------ help and closing

    def show_help(self) -> None:
        """Open (or raise) the "What am I looking at?" panel."""
        if self._help is None:
            self._help = HelpDialog(self)
        self._help.show()
        self._help.raise_()
        self._help.activateWindow()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        if not self.unsaved.may_replace("Closing the window discards it", say=False):
            event.ignore()
            return
        self.training.shutdown()
        self.answer.answers.finish(CLOSE_TIMEOUT_S)
        self.downloads.abandon()
        self.paper.shutdown()
        self.preferences.save_window(self)
        if self._help is not None:
            self._help.close()
        super().closeEvent(event)
