"""What the app remembers between runs (QSettings): window layout, recent models, the last data
folder. Every settings key is here and nowhere else."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QMainWindow

from hebbviz.gui import style

KEY_GEOMETRY = "window/geometry"
KEY_WINDOW_STATE = "window/state"
KEY_LAST_MODEL = "model/last"
KEY_RECENT_MODELS = "model/recent"
KEY_LAST_DATA_DIR = "data/last_dir"
KEY_PEN = "drawing/pen"
MAX_RECENT = 8


def settings() -> QSettings:
    """The app's persistent settings (per user)."""
    return QSettings(style.ORGANIZATION, style.APPLICATION)


class Preferences:
    """Reads and writes the user's settings; with ``remember`` off (screenshots, benchmarks) it
    reads nothing and writes nothing, so the result never depends on who runs the app."""

    def __init__(self, remember: bool = True) -> None:
        self.remember = remember

    def last_model(self) -> Path | None:
        """The model file used last, if remembered (it may no longer load)."""
        value = settings().value(KEY_LAST_MODEL) if self.remember else None
        return Path(str(value)) if value else None

    def recent_models(self) -> list[str]:
        """Recently opened or saved model files, newest first."""
        if not self.remember:
            return []
        value = settings().value(KEY_RECENT_MODELS, [])
        return [str(v) for v in ([value] if isinstance(value, str) else value or [])]

    def remember_model(self, path: Path) -> None:
        """Make ``path`` the last model used and the newest of the recent ones."""
        if not self.remember:
            return
        full = str(path.resolve())
        recent = [full, *(p for p in self.recent_models() if p != full)]
        store = settings()
        store.setValue(KEY_LAST_MODEL, full)
        store.setValue(KEY_RECENT_MODELS, recent[:MAX_RECENT])

    def forget_last_model(self) -> None:
        """The last model failed to load: start with the default one from now on."""
        if self.remember:
            settings().remove(KEY_LAST_MODEL)

    def last_data_dir(self) -> Path | None:
        """The data folder used last, if remembered (it may no longer load)."""
        value = settings().value(KEY_LAST_DATA_DIR) if self.remember else None
        return Path(str(value)) if value else None

    def remember_data_dir(self, folder: str | Path) -> None:
        if self.remember:
            settings().setValue(KEY_LAST_DATA_DIR, str(Path(folder).resolve()))

    def forget_data_dir(self) -> None:
        if self.remember:
            settings().remove(KEY_LAST_DATA_DIR)

    def pen(self, default: str) -> str:
        """The pen's width chosen last (a name), else ``default``."""
        value = settings().value(KEY_PEN) if self.remember else None
        return str(value) if value else default

    def remember_pen(self, name: str) -> None:
        if self.remember:
            settings().setValue(KEY_PEN, name)

    def restore_window(self, window: QMainWindow) -> None:
        """The size, place and dock layout of the last run."""
        if not self.remember:
            return
        store = settings()
        geometry = store.value(KEY_GEOMETRY)
        if isinstance(geometry, QByteArray):
            window.restoreGeometry(geometry)
        state = store.value(KEY_WINDOW_STATE)
        if isinstance(state, QByteArray):
            window.restoreState(state)

    def save_window(self, window: QMainWindow) -> None:
        if self.remember:
            store = settings()
            store.setValue(KEY_GEOMETRY, window.saveGeometry())
            store.setValue(KEY_WINDOW_STATE, window.saveState())
