"""The data set downloads under way: one dialog per data set (see
:class:`~hebbviz.gui.download_dialog.DownloadDialog`), the data set loaded when its files are in
place, and every unfinished file removed when the app closes."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from hebbviz.data.download import REMOTE
from hebbviz.gui.data_choice import DataChoice
from hebbviz.gui.download_dialog import DownloadDialog
from hebbviz.gui.session import Session


class DatasetDownloads:
    """Downloads data sets on behalf of ``window`` and loads them into ``session``.

    Parameters
    ----------
    window : QWidget
        The dialogs' parent.
    session : Session
    data : DataChoice
        Names the downloaded data sets as such once one lands.
    notice : callable
        Shows a sentence in the status bar.

    Attributes
    ----------
    dialogs : list of DownloadDialog
        Downloads whose worker is still running.
    """

    def __init__(
        self, window: QWidget, session: Session, data: DataChoice, notice: Callable[[str], None]
    ) -> None:
        self.window, self.session, self.data, self.notice = window, session, data, notice
        self.dialogs: list[DownloadDialog] = []

    def download(self, name: str) -> DownloadDialog:
        """Download data set ``name`` (of :data:`~hebbviz.data.download.REMOTE`) in a dialog
        with progress and Cancel, then load it; a download of it still running is shown again."""
        for dialog in self.dialogs:
            if dialog.name == name and not dialog.stopping():
                dialog.show()
                dialog.raise_()
                return dialog
        dialog = DownloadDialog(name, REMOTE[name], self.window)
        self.dialogs.append(dialog)
        dialog.ended.connect(lambda: self.dialogs.remove(dialog))
        dialog.downloaded.connect(self._on_downloaded)
        dialog.cancelled.connect(self.notice)
        dialog.start()
        return dialog

    def abandon(self) -> None:
        """The app closes: stop every download at once, keeping no unfinished file."""
        for dialog in self.dialogs:
            dialog.abandon()

    def _on_downloaded(self, name: str) -> None:
        self.data.show_downloads()
        self.session.load_dataset(name=name)
