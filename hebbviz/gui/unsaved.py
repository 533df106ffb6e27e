"""Never lose a trained model without asking: before Start, Step (a new run), Reset or closing
replace a model with unsaved changes, the user chooses Save, Discard or Cancel.

A model from a file that has not changed is replaced without a question (the file keeps it), but
the status bar says so. A window that remembers nothing (screenshots, benchmarks) never asks.
Tests replace :func:`ask` (it is looked up at each question), so no dialog blocks them.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum

from PySide6.QtWidgets import QMessageBox, QWidget

from hebbviz.gui.model_files import ModelFiles
from hebbviz.gui.session import Session

Button = QMessageBox.StandardButton


class Choice(Enum):
    SAVE = "save"
    DISCARD = "discard"
    CANCEL = "cancel"


def unsaved_box(parent: QWidget, text: str) -> QMessageBox:
    """The question, with Save (the default), Discard and Cancel (Esc) buttons."""
    box = QMessageBox(QMessageBox.Icon.Question, "Unsaved model", text, parent=parent)
    box.setInformativeText("Save it first?")
    box.setStandardButtons(Button.Save | Button.Discard | Button.Cancel)
    box.setDefaultButton(Button.Save)
    box.setEscapeButton(Button.Cancel)
    return box


def ask(parent: QWidget, text: str) -> Choice:
    """Ask (modally) what to do with the unsaved model."""
    answer = unsaved_box(parent, text).exec()
    return {Button.Save: Choice.SAVE, Button.Discard: Choice.DISCARD}.get(
        Button(answer), Choice.CANCEL
    )


class UnsavedGuard:
    """Asks before the session's model is replaced or the window closes.

    Parameters
    ----------
    window : QWidget
        The dialogs' parent.
    session, files
        The model, and the Save dialog.
    interactive : bool
        Whether to ask at all (off: replace without a question).
    notice : callable
        Shows a sentence in the status bar.
    """

    def __init__(
        self,
        window: QWidget,
        session: Session,
        files: ModelFiles,
        interactive: bool,
        notice: Callable[[str], None],
    ) -> None:
        self.window, self.session, self.files = window, session, files
        self.interactive = interactive
        self.notice = notice

    def may_replace(self, doing: str, say: bool = True) -> bool:
        """Whether the current model may go now that ``doing`` (e.g. "Start trains a new
        model") replaces it: nothing unsaved, or saved, or discarded; False on Cancel. With
        ``say``, a model from a file is said to stay in its file."""
        session = self.session
        if not session.unsaved():
            if say and session.path is not None:
                self.notice(
                    f"{doing}; {session.path.name} stays as it is on disk (Model menu: open it "
                    "again). Ctrl+S saves the new one."
                )
            return True
        if not self.interactive:
            return True
        where = f"from {session.path.name}, changed" if session.path else "trained here"
        choice = ask(self.window, f"{doing}, but the current model ({where}) is not saved.")
        if choice is Choice.SAVE:
            return self.files.choose_save_path()
        return choice is Choice.DISCARD
