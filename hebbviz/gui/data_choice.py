"""The Training dock's "Data" box: the data set in use, and the list to choose another from (the
shipped sample, the downloadable data sets, a folder, synthetic digits, own drawings)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QFileDialog, QGroupBox, QLabel, QVBoxLayout, QWidget

from hebbviz.data.dataset import DIGIT_CLASSES, Dataset
from hebbviz.data.download import REMOTE, is_downloaded, raw_folder
from hebbviz.data.drawings import DrawingStore
from hebbviz.data.sources import CLASS_NAMES, SAMPLE, SAMPLE_SOURCE


class DataChoice(QGroupBox):
    """The data set in use, in a sentence, and a list of sources to choose from.

    Signals
    -------
    folderChosen(str), sourceChosen(str)
        A folder of IDX files, or a named source (see :func:`hebbviz.data.sources.open_dataset`).
    downloadRequested(str)
        A data set of :data:`~hebbviz.data.download.REMOTE` that is not downloaded yet, by name.
    """

    folderChosen = Signal(str)
    sourceChosen = Signal(str)
    downloadRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Data", parent)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.choice = QComboBox()
        self.choice.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.choice.setMinimumContentsLength(12)
        self.choice.setToolTip("Where the training digits come from")
        self.choice.activated.connect(self._on_chosen)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.choice)
        self._fill_choices()

    def show_dataset(self, dataset: Dataset | None) -> None:
        """Say which data set is in use, with its split sizes."""
        if dataset is None:
            self.summary.setText("No data set loaded.")
            return
        self.summary.setText(
            f"{dataset.source}: {len(dataset.train)} training, {len(dataset.val)} validation "
            f"digits{' (synthetic)' if dataset.synthetic else ''}"
        )

    def _fill_choices(self) -> None:
        """One entry per source: the shipped sample, the downloadable data sets (see
        :meth:`show_downloads`), a folder, synthetic digits, own drawings (the last one)."""
        self.choice.clear()
        self.choice.addItem("Choose a data set…")
        self.choice.addItem(SAMPLE_SOURCE, ("name", SAMPLE))
        self.choice.setItemData(
            1,
            "10,000 real MNIST training digits shipped with hebbviz: offline, always there",
            Qt.ItemDataRole.ToolTipRole,
        )
        for _ in REMOTE:
            self.choice.addItem("")
        self.choice.addItem("Folder of IDX files…", ("folder", None))
        self.choice.addItem("Synthetic digits", ("name", "synthetic"))
        self.choice.model().item(self.choice.count() - 1).setToolTip(
            "procedurally drawn digits: always available, but not real handwriting"
        )
        self.choice.addItem("Own drawings", ("name", "drawings"))
        self.show_downloads()

    def show_downloads(self) -> None:
        """Name each downloadable data set's entry by whether its files are in the cache: a
        downloaded one is chosen directly, another one offers its download."""
        for index, (key, remote) in enumerate(REMOTE.items(), start=2):
            folder = raw_folder(remote)
            if is_downloaded(remote):
                text, choice = f"{remote.title}, {remote.images:,} images", ("name", key)
                tip = f"downloaded in {folder} ({remote.licence})"
            else:
                kind = "digits" if CLASS_NAMES[key] == DIGIT_CLASSES else "images"
                text = f"{remote.title}, {remote.images:,} {kind} - download {remote.megabytes} MB"
                choice = ("download", key)
                tip = (
                    f"downloads {remote.megabytes} MB into {folder}, each file checked against "
                    f"its published MD5 ({remote.licence}); offline, place its four .gz files "
                    "there by hand"
                )
            self.choice.setItemText(index, text)
            self.choice.setItemData(index, choice)
            self.choice.setItemData(index, tip, Qt.ItemDataRole.ToolTipRole)

    def show_drawings_count(self, store: DrawingStore) -> None:
        """Name the own-drawings entry (the last one) with how many drawings ``store`` has."""
        try:
            count = len(store)
            why = "draw digits and teach them (keys 0-9) to collect some" if count == 0 else ""
        except Exception as error:  # noqa: BLE001 - a damaged store is shown, not raised
            count, why = 0, str(error)
        index = self.choice.count() - 1
        self.choice.setItemText(index, f"Own drawings ({count})")
        item = self.choice.model().item(index)
        item.setEnabled(count > 0)
        item.setToolTip(why or f"{count} labelled drawings of your own")

    def _on_chosen(self, index: int) -> None:
        choice = self.choice.itemData(index)
        self.choice.setCurrentIndex(0)
        if choice is None:
            return
        kind, name = choice
        if kind == "folder":
            folder = QFileDialog.getExistingDirectory(self, "Folder with MNIST-format IDX files")
            if folder:
                self.folderChosen.emit(folder)
        elif kind == "download":
            self.downloadRequested.emit(name)
        else:
            self.sourceChosen.emit(name)
