"""The main window: lays out the views and connects them to the session and the training
controller, in one place.

- :class:`~hebbviz.gui.session.Session`: the model, its lock and file, the data set;
- :class:`~hebbviz.gui.training_controller.TrainingController`: the current training run;
- passive views: :class:`~hebbviz.gui.central_view.CentralView` (canvas, framed digit, answer),
  :class:`~hebbviz.gui.training_panel.TrainingPanel` (the Training dock),
  :class:`~hebbviz.gui.weight_view.WeightView`, :class:`~hebbviz.gui.metrics_view.MetricsView`,
  :class:`~hebbviz.gui.paper_view.PaperView` (its stages computed by
  :class:`~hebbviz.gui.paper_controller.PaperController`);
- the menus and shortcuts: :mod:`hebbviz.gui.actions`.
"""

from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QMainWindow,
    QMessageBox,
    QWidget,
)

from hebbviz.data.download import REMOTE
from hebbviz.gui.actions import build_menus, build_teach_actions
from hebbviz.gui.answers import Answer, Answers
from hebbviz.gui.central_view import CentralView
from hebbviz.gui.classroom import Classroom, export_png
from hebbviz.gui.contributions import available_pictures
from hebbviz.gui.detector_view import DetectorView
from hebbviz.gui.download_dialog import DownloadDialog
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
from hebbviz.gui.run_display import FRAME_MS, RunDisplay
from hebbviz.gui.session import Session
from hebbviz.gui.status_view import StatusView
from hebbviz.gui.training_controller import TrainingController
from hebbviz.gui.training_panel import TrainingPanel
from hebbviz.gui.unsaved import UnsavedGuard
from hebbviz.gui.weight_view import WeightView
from hebbviz.gui.worker import Progress
from hebbviz.training import SharedLayer

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
    training_panel, weight_view, metrics_view, central : the views
    canvas, bars, contributions, tabs : parts of the central view, for short
    menu_actions : dict of QAction, by the names of :data:`hebbviz.gui.actions.COMMANDS`
    """

    def __init__(self, remember: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.preferences = Preferences(remember)
        self.session = Session(self.preferences, self)
        self.training = TrainingController(self.session, self)
        self._help: HelpDialog | None = None
        self.downloads: list[DownloadDialog] = []
        """Downloads whose worker is still running."""
        self._answered = 0.0
        """When the answer was last asked for (time.monotonic)."""
        self._details: Answer | None = None
        """An answer whose per-pixel maps are not shown yet (they were out of sight)."""
        self.setWindowTitle("Draw a digit")

        self.central = CentralView(self.session.classes())
        self.canvas, self.framed_view = self.central.canvas, self.central.framed_view
        self.bars, self.contributions = self.central.bars, self.central.contributions
        self.answers = Answers(self.session, self.training, self.canvas, self._wanted_details, self)
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
        self.live_feeds = LiveFeeds(
            self.session, self.training, self.weight_view, self.detector_view
        )
        self.classroom = Classroom(self)
        self.status_view = StatusView(self.statusBar())
        self.model_label = self.status_view.model_label
        self.data_label = self.status_view.data_label
        self.kernel_label = self.status_view.kernel_label
        self.run_display = RunDisplay(
            self.session, self.training, self.training_panel, self.status_view, self
        )
        self.files = ModelFiles(self, self.session, self.preferences, self.statusBar())
        self.unsaved = UnsavedGuard(
            self,
            self.session,
            self.files,
            interactive=remember,
            notice=lambda text: self.statusBar().showMessage(text, 15_000),
        )
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

    def _slots(self) -> dict[str, object]:
        training, panel = self.training, self.training_panel
        return {
            "data": self.files.choose_data_dir,
            "quit": self.close,
            "open": self.files.choose_model,
            "save": self.files.choose_save_path,
            "default": self.session.load_default_model,
            "undo": self.canvas.undo,
            "clear": self.canvas.clear,
            "contributions": self._show_maps,
            "classroom": self.classroom.set_active,
            "export": lambda: export_png(
                self,
                self.tabs.currentWidget(),
                f"{self.tabs.tabText(self.tabs.currentIndex())}.png",
            ),
            "record": self.record,
            "start": self.start_training,
            "pause": lambda: panel.pause(not panel.pause_button.isChecked()),
            "step": self.step_training,
            "reset": self.reset_training,
            "evaluate": training.evaluate,
            "help": self.show_help,
            "about": lambda: show_about(self),
        }

    def _connect(self) -> None:
        session, training, panel = self.session, self.training, self.training_panel
        self.canvas.drawingChanged.connect(self._request_answer)
        self.answers.answered.connect(self.show_answer)
        self.tabs.currentChanged.connect(self._show_details)
        self.answers.failed.connect(lambda text: self.statusBar().showMessage(text, 10_000))
        self.central.helpRequested.connect(self.show_help)
        self.central.penChosen.connect(self.preferences.remember_pen)
        self.metrics_view.digitChosen.connect(self.show_digit)
        self.contributions.pictureChanged.connect(self.refresh_answer)
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
        session.notice.connect(self.statusBar().showMessage)

        panel.startRequested.connect(self.start_training)
        panel.stepRequested.connect(self.step_training)
        panel.resetRequested.connect(self.reset_training)
        panel.pauseRequested.connect(training.pause)
        panel.rateChanged.connect(training.set_rate)
        panel.data.folderChosen.connect(lambda folder: session.load_dataset(data_dir=folder))
        panel.data.sourceChosen.connect(lambda name: session.load_dataset(name=name))
        panel.data.downloadRequested.connect(self.download_dataset)
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
        self.run_display.progressed.connect(self._follow_run)

    # ------------------------------------------------------------------ the answer

    def answer_pending(self) -> bool:
        """Whether the drawing changed since the answer shown was computed."""
        return self.answers.pending()

    def _request_answer(self) -> None:
        """Have the answer to the drawing computed in the background (see :mod:`answers`)."""
        self._answered = time.monotonic()
        self.answers.request()

    def _reanswer(self) -> None:
        """The model or the data changed: drop an answer under way, ask for a new one."""
        self.answers.forget()
        self._request_answer()

    def refresh_answer(self) -> None:
        """Frame the drawing and show every label's answer to it (now, on this thread)."""
        self._answered = time.monotonic()
        self.answers.forget()
        image = self.canvas.framed_image()
        if image is None:
            self.show_answer(Answer(self.canvas.version, None))
            return
        copy = self.training.readable_model()
        norms, maps = self.session.answer(image, copy, self.contributions.picture())
        firing = self.session.firing(image, copy)
        self.show_answer(Answer(self.canvas.version, image, norms, maps, firing))

    def show_answer(self, answer: Answer) -> None:
        """Show the framed drawing and every label's answer to it (the per-pixel maps when they
        are in sight: else when they come into it)."""
        self.framed_view.set_image(answer.image)
        self.bars.set_trained(self.session.trained())
        self.bars.set_norms(answer.norms)
        self._details = answer
        self._show_details()

    def _details_in_sight(self) -> bool:
        return self.contributions.isVisible() or self.central.firing.isVisible()

    def _wanted_details(self) -> str | None | bool:
        """What an answer in the background computes besides the norms: the chosen maps and
        the firing maps, or nothing while they are out of sight (for strokes they cost more
        than the norms)."""
        return self.contributions.picture() if self._details_in_sight() else False

    def _show_details(self, _: object = None) -> None:
        answer = self._details
        if answer is None or not self._details_in_sight():
            return
        self._details = None
        if not answer.detailed:  # computed out of sight: now compute them
            self._reanswer()
            return
        self.contributions.set_maps(answer.maps, self.bars.winner_index())
        self.central.firing.set_maps(*(answer.firing or (None, None)))

    def start_training(self) -> None:
        """Train a new model with the dock's settings (asking first if the current one has
        unsaved changes)."""
        if self.unsaved.may_replace("Start trains a new model"):
            self.training.start(self.training_panel.settings())

    def step_training(self) -> None:
        """Learn one image (a new paused run if none is active: asking first, as Start)."""
        if self.training.running or self.unsaved.may_replace("Step starts a new model"):
            self.training.step(self.training_panel.settings())

    def reset_training(self) -> None:
        """Replace the model by an untrained one (asking first if it has unsaved changes)."""
        if self.unsaved.may_replace("Reset replaces the model by an untrained one"):
            self.training.reset(self.training_panel.settings())

    def _show_maps(self, shown: bool) -> None:
        self.contributions.setVisible(shown)
        self.refresh_answer()  # computes the maps again when they are shown

    def prediction(self) -> str | None:
        """The class name shown as the answer, or None (blank canvas, no answer)."""
        winner = self.bars.winner_index()
        return None if winner is None else self.bars.classes[winner]

    def teach(self, label: int) -> bool:
        """Teach the drawing to ``label``'s network (teach mode); whether it learned."""
        lesson = self.session.teach(self.canvas.framed_image(), label)
        self.training_panel.teach_box.show_result(lesson.message)
        return lesson.learned

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

    def show_validation_digit(self, index: int) -> None:
        """Put digit ``index`` of the validation split on the canvas, its true label under it
        (``HebbvizError`` if there is none such)."""
        image = self.session.validation_digit(index)
        true = self.session.classes()[self.session.dataset.val.labels[index]]
        self.show_digit(image, f"validation digit {index}, true label {true}")

    def show_digit(self, image: np.ndarray, note: str) -> None:
        """Put a 28x28 digit on the canvas with ``note`` (what it is) under it, and show the
        Answer view with every network's answer to it."""
        self.canvas.show_digit(image)
        self.central.show_note(note)
        self.tabs.setCurrentWidget(self.central.answer_page)
        self.refresh_answer()

    # ------------------------------------------------------------------ state shown

    def _apply_classes(self) -> None:
        classes = self.session.classes()
        if classes != self.bars.classes:
            self.bars.set_classes(classes)
            self.contributions.set_classes(classes)

    def _on_model_changed(self) -> None:
        model = self.session.model
        self._apply_classes()
        self.live_feeds.show_model()
        self.metrics_view.show_not_evaluated()
        deskewed = bool(model.params().get("deskew"))
        self.contributions.show_available(available_pictures(type(model)), deskewed)
        self.central.firing.setVisible(type(model).has_firing_maps)
        shared = isinstance(model, SharedLayer)
        self.tabs.setTabVisible(self.tabs.indexOf(self.detector_view), shared)
        self.run_display.show_model()
        self._reanswer()

    def _on_model_learned(self) -> None:
        self.live_feeds.learned()
        self.training_panel.data.show_drawings_count(self.session.store)
        self.run_display.show_model_info()
        self.refresh_answer()

    def _on_run_ended(self, progress: Progress) -> None:
        self.run_display.show_run_ended(progress)
        self.live_feeds.run_ended()
        self._reanswer()

    def _follow_run(self, progress: Progress) -> None:
        """A run has learned more: answer again, at most once a frame (and not when a stroke
        has just had it answered)."""
        if progress.seen and time.monotonic() - self._answered >= FRAME_MS / 1000:
            self._request_answer()

    def _on_dataset_changed(self) -> None:
        dataset = self.session.dataset
        self.training_panel.show_dataset(dataset)
        self.training_panel.data.show_drawings_count(self.session.store)
        if dataset is None:
            return
        self.status_view.show_dataset(dataset)
        self.metrics_view.set_classes(dataset.classes)
        self._apply_classes()
        self.live_feeds.show_classes()
        self._reanswer()

    def download_dataset(self, name: str) -> DownloadDialog:
        """Download data set ``name`` (of :data:`~hebbviz.data.download.REMOTE`) in a dialog
        with progress and Cancel, then load it; a download of it still running is shown again."""
        for dialog in self.downloads:
            if dialog.name == name and not dialog.stopping():
                dialog.show()
                dialog.raise_()
                return dialog
        dialog = DownloadDialog(name, REMOTE[name], self)
        self.downloads.append(dialog)
        dialog.ended.connect(lambda: self.downloads.remove(dialog))
        dialog.downloaded.connect(self._on_downloaded)
        dialog.cancelled.connect(lambda text: self.statusBar().showMessage(text, 10_000))
        dialog.start()
        return dialog

    def _on_downloaded(self, name: str) -> None:
        self.training_panel.data.show_downloads()
        self.session.load_dataset(name=name)

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
        for download in self.downloads:
            download.abandon()
        self.paper.shutdown()
        self.preferences.save_window(self)
        if self._help is not None:
            self._help.close()
        super().closeEvent(event)
