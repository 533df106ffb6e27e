"""The download dialog: fetches a data set of :data:`hebbviz.data.download.REMOTE` off the GUI
thread, shows each file's progress (bytes, rate, time left) and offers Cancel.

The download runs through :func:`hebbviz.gui.background.run_in_background`; its progress reports
(from the worker thread, every 16 KiB) only store the newest numbers, which a timer on the GUI
thread shows, so a fast download never floods the GUI with events. Cancel hides the dialog at once
and asks the worker to stop; the worker removes its temporary file when it notices (at its next
chunk, or when a stalled connection times out). :meth:`DownloadDialog.abandon`, for when the app
quits, does not wait for that: it removes the temporary files itself.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from hebbviz.data.download import DownloadCancelled, RemoteDataset, download, raw_folder
from hebbviz.errors import HebbvizError
from hebbviz.gui.background import run_in_background
from hebbviz.gui.training_panel import duration_text
from hebbviz.gui.widgets import ProgressBar

SHOW_MS = 100
"""The dialog shows the newest progress this often."""


def megabytes(count: int) -> str:
    return f"{count / 1e6:.1f} MB"


class DownloadDialog(QDialog):
    """Downloads ``remote`` into the per-user cache (or ``root``), with progress and Cancel.

    Parameters
    ----------
    name : str
        The data set's key in :data:`~hebbviz.data.download.REMOTE` (``downloaded`` carries it).
    remote : RemoteDataset
    mirrors, root
        As for :func:`hebbviz.data.download.download`.

    Signals
    -------
    downloaded(str)
        Every file is in place and verified; the data set's name.
    cancelled(str)
        The download stopped because the user cancelled; a sentence saying so.
    ended()
        The worker is done, whatever the outcome (the dialog deletes itself then).

    A :class:`~hebbviz.errors.DownloadError` (or any other failure) is shown in a message box.
    """

    downloaded = Signal(str)
    cancelled = Signal(str)
    ended = Signal()

    def __init__(
        self,
        name: str,
        remote: RemoteDataset,
        parent: QWidget | None = None,
        mirrors: Sequence[str] | None = None,
        root: str | Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.name, self.remote = name, remote
        self.mirrors, self.root = mirrors, root
        self.folder = raw_folder(remote, root)
        self.running = False
        self._stop = threading.Event()
        self._latest: tuple[str, int, int] | None = None
        self._started = 0.0
        self._files_done = 0
        self._bytes_done = 0
        """Bytes of files finished, and the name of the file being fetched, for the rate."""
        self._current = ""
        self._before: set[str] = set()

        self.setWindowTitle(f"Download {remote.title} - hebbviz")
        self.setMinimumWidth(460)
        self.label = QLabel(
            f"{remote.title}: {remote.megabytes} MB, {len(remote.files)} files, into {self.folder}"
        )
        self.label.setWordWrap(True)
        self.file_label = QLabel("connecting…")
        self.bar = ProgressBar()
        self.bar.setRange(0, 0)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.file_label)
        layout.addWidget(self.bar)
        layout.addWidget(self.buttons)
        self._timer = QTimer(self)
        self._timer.setInterval(SHOW_MS)
        self._timer.timeout.connect(self._show_progress)

    def start(self) -> None:
        """Show the dialog and start the download in the background."""
        with contextlib.suppress(OSError):
            self._before = {p.name for p in self.folder.iterdir()}
        self.running = True
        self._started = time.monotonic()
        self._timer.start()
        self.show()
        remote, mirrors, root, stop = self.remote, self.mirrors, self.root, self._stop
        run_in_background(
            lambda: download(remote, root, mirrors, self._report, stop.is_set),
            self._on_done,
            self._on_failed,
            f"download-{self.name}",
        )

    def reject(self) -> None:
        """Cancel (the button, Esc, closing the dialog): stop the download (the worker leaves
        nothing behind); the dialog goes at once."""
        self._stop.set()
        super().reject()

    def stopping(self) -> bool:
        """Whether it was asked to stop."""
        return self._stop.is_set()

    def abandon(self) -> None:
        """The app quits: stop the download and remove its temporary files now, without waiting
        for the worker (a stalled connection would keep it for up to its read timeout)."""
        self.reject()
        if not self.running:
            return
        keep = self._before | {name for name, _ in self.remote.files}
        with contextlib.suppress(OSError):
            for path in self.folder.iterdir():
                if path.name not in keep:
                    path.unlink(missing_ok=True)

    # -- on the worker thread ---------------------------------------------------------------

    def _report(self, file_name: str, done: int, total: int) -> None:
        if file_name != self._current:
            if self._latest is not None:
                self._files_done += 1
                self._bytes_done += self._latest[1]
            self._current = file_name
        self._latest = (file_name, done, total)  # one assignment: the GUI reads it whole

    # -- on the GUI thread ------------------------------------------------------------------

    def _show_progress(self) -> None:
        latest = self._latest
        if latest is None:
            return
        file_name, done, total = latest
        elapsed = time.monotonic() - self._started
        rate = (self._bytes_done + done) / elapsed if elapsed > 0 else 0.0
        parts = [f"{file_name} ({self._files_done + 1} of {len(self.remote.files)})"]
        parts.append(f"{megabytes(done)} of {megabytes(total)}" if total else megabytes(done))
        if rate > 0:
            parts.append(f"{megabytes(int(rate))}/s")
            if total:
                parts.append(f"{duration_text((total - done) / rate)} left")
        self.file_label.setText(" · ".join(parts))
        if total:
            self.bar.setRange(0, total)
            self.bar.setValue(done)
        else:
            self.bar.setRange(0, 0)

    def _end(self) -> None:
        self.running = False
        self._timer.stop()
        self.hide()
        self.ended.emit()
        self.deleteLater()

    def _on_done(self, _folder: object) -> None:
        self._end()
        self.downloaded.emit(self.name)  # also when Cancel came too late: the files are there

    def _on_failed(self, error: BaseException) -> None:
        stopped = self._stop.is_set()
        self._end()
        if isinstance(error, DownloadCancelled) or stopped:
            self.cancelled.emit(
                f"{self.remote.title}: download cancelled; no unfinished file was kept."
            )
            return
        kind = "" if isinstance(error, HebbvizError) else f"{type(error).__name__}: "
        QMessageBox.warning(self.parentWidget(), "Download failed", f"{kind}{error}")
