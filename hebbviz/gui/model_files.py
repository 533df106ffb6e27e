"""The file commands of the window: open, save and recent model files, open a data folder. They
ask with dialogs and report failures in message boxes; the work is the session's."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QStatusBar, QWidget

from hebbviz.errors import HebbvizError
from hebbviz.gui.preferences import Preferences
from hebbviz.gui.session import Session

MODEL_FILTER = "hebbviz models (*.npz);;All files (*)"


class ModelFiles(QObject):
    """Dialogs for model files and data folders, on behalf of ``window``.

    Attributes
    ----------
    recent_menu : QMenu
        "Open recent": filled with the recent model files each time it opens.

    Signals
    -------
    saved()
        The current model was saved (its file changed).
    """

    saved = Signal()

    def __init__(
        self, window: QWidget, session: Session, preferences: Preferences, status: QStatusBar
    ) -> None:
        super().__init__(window)
        self.window, self.session, self.preferences, self.status = (
            window,
            session,
            preferences,
            status,
        )
        self.recent_menu = QMenu("Open &recent", window)
        self.recent_menu.aboutToShow.connect(self.fill_recent_menu)

    def open_model(self, path: str | Path) -> bool:
        """Load a model file; a bad file gets a message box (its one-line reason) and changes
        nothing. Returns whether it loaded."""
        try:
            self.session.open_model(path)
        except HebbvizError as error:
            QMessageBox.warning(self.window, "Cannot open model", str(error))
            return False
        self.status.showMessage(f"Opened {path}", 5000)
        return True

    def choose_model(self) -> None:
        """Ask for a model file and open it."""
        start = str(self.session.path.parent) if self.session.path else ""
        path, _ = QFileDialog.getOpenFileName(self.window, "Open model", start, MODEL_FILTER)
        if path:
            self.open_model(path)

    def save_model_to(self, path: str | Path) -> bool:
        """Save the current model; errors get a message box. Returns whether it saved."""
        try:
            self.session.save_model(path)
        except HebbvizError as error:
            QMessageBox.warning(self.window, "Cannot save model", str(error))
            return False
        self.saved.emit()
        self.status.showMessage(f"Saved {path}", 5000)
        return True

    def choose_save_path(self) -> None:
        """Ask where to save the current model, then save it."""
        start = str(self.session.path) if self.session.path else "model.npz"
        path, _ = QFileDialog.getSaveFileName(self.window, "Save model", start, MODEL_FILTER)
        if path:
            self.save_model_to(path if Path(path).suffix else path + ".npz")

    def fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.preferences.recent_models()
        for number, path in enumerate(recent, start=1):
            action = self.recent_menu.addAction(f"&{number} {path}")
            action.triggered.connect(lambda checked=False, p=path: self.open_model(p))
        if not recent:
            self.recent_menu.addAction("(none yet)").setEnabled(False)

    def choose_data_dir(self) -> None:
        """Ask for a folder of IDX files and use it as the data set."""
        path = QFileDialog.getExistingDirectory(
            self.window, "Open a folder of MNIST-format IDX files"
        )
        if path:
            self.session.load_dataset(path)
