"""The status bar's three read-outs: the current model, the data set, the kernels."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QStatusBar

from hebbviz.data.dataset import Dataset
from hebbviz.data.download import torchvision_root
from hebbviz.gui.widgets import ElidedLabel


def short_source(dataset: Dataset) -> str:
    """Where ``dataset`` came from, short enough for the status bar: a folder by its name only
    (e.g. "MNIST, folder mnist-10k"), a download in the per-user cache as "MNIST (downloaded)";
    the full ``source`` goes in a tooltip."""
    if dataset.synthetic:
        return "synthetic digits"
    head, found, folder = dataset.source.partition(" from folder ")
    if found:
        path = Path(folder)
        if path.name == "raw":  # the torchvision layout (MNIST/raw) inside the folder chosen
            path = path.parent.parent
            if path == torchvision_root():
                return f"{head} (downloaded)"
        return f"{head}, folder {path.name}"
    head, found, _ = dataset.source.partition(" via torchvision in ")
    return f"{head} (torchvision)" if found else dataset.source


class StatusView:
    """Puts the model, data and kernel read-outs into ``bar`` and shows what it is told."""

    def __init__(self, bar: QStatusBar) -> None:
        self.bar = bar
        self.model_label = ElidedLabel()
        self.data_label = ElidedLabel("data: none yet", Qt.TextElideMode.ElideMiddle)
        self.kernel_label = QLabel("Compiling kernels...")
        self.kernel_label.setToolTip(
            "The learning rules run as compiled Numba kernels; they are compiled (or loaded from "
            "the cache) in the background when the app starts."
        )
        bar.addWidget(self.model_label, 1)
        bar.addPermanentWidget(self.data_label)
        bar.addPermanentWidget(self.kernel_label)

    def show_model(self, text: str, path: object, source: object) -> None:
        """The model described in one line; its file and training data in the tooltip."""
        self.model_label.setText(text)
        self.model_label.setToolTip(
            f"{text}\n{path or 'not saved to a file'}\ntrained on: {source or 'nothing'}"
        )

    def show_dataset(self, dataset: Dataset) -> None:
        self.data_label.setText(f"data: {short_source(dataset)}")
        self.data_label.setToolTip(
            f"{dataset.source}\n{len(dataset.train):,} training and {len(dataset.val):,} "
            "validation images"
        )

    def show_data_text(self, text: str) -> None:
        self.data_label.setText(text)

    def show_kernels(self, text: str, detail: str | None = None) -> None:
        self.kernel_label.setText(text)
        if detail is not None:
            self.kernel_label.setToolTip(detail)
