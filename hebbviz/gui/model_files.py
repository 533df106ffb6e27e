"""The file commands of the window: open, save and recent model files, open a data folder. They
ask with dialogs and report failures in message boxes; the work is the session's."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, Signal
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QStatusBar, QWidget

from hebbviz.errors import HebbvizError
from hebbviz.gui.preferences import Preferences
from hebbviz.gui.session import Session, default_model_path

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
        """Save the current model; errors get a message box. Returns whether it saved. The
        folder of hebbviz's own files (the shipped models) is refused."""
        path = Path(path)
        if path.resolve().parent == default_model_path().resolve().parent:
            QMessageBox.warning(
                self.window,
                "Cannot save model",
                f"{path}: this is hebbviz's own folder (the shipped models); choose another one.",
            )
            return False
        try:
            self.session.save_model(path)
        except HebbvizError as error:
            QMessageBox.warning(self.window, "Cannot save model", str(error))
            return False
        self.saved.emit()
        self.status.showMessage(f"Saved {path}", 5000)
        return True

    def suggested_save_path(self) -> Path:
        """Where the Save dialog starts: the folder of the model file used last (never
        hebbviz's own), else the user's documents, with a name no file has yet."""
        own = default_model_path().resolve().parent
        folders = [Path(p).parent for p in self.preferences.recent_models()]
        documents = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation
        )
        folders += [Path(documents) if documents else Path.home(), Path.home()]
        folder = next(f for f in folders if f.is_dir() and f.resolve() != own)
        stem = f"{self.session.model.rule}-model"
        path = folder / f"{stem}.npz"
        number = 1
        while path.exists():
            number += 1
            path = folder / f"{stem}-{number}.npz"
        return path

    def choose_save_path(self) -> bool:
        """Ask where to save the current model, then save it; whether it saved."""
        start = str(self.suggested_save_path())
        path, _ = QFileDialog.getSaveFileName(self.window, "Save model", start, MODEL_FILTER)
        if not path:
            return False
        return self.save_model_to(path if Path(path).suffix else path + ".npz")

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
