"""The app's data list: its entries; the download dialog, against a real HTTP server on 127.0.0.1
with a test registry (``tiny``, in place of MNIST): a download lands and loads, Cancel and quitting
leave nothing behind without stalling the window, a failure is shown and changes nothing; synthetic
digits are drawn without stalling it either."""

from __future__ import annotations

import dataclasses
import time

import numpy as np
import pytest
from http_files import left_in
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from hebbviz.data.download import REMOTE, raw_folder
from hebbviz.data.sources import SAMPLE_SOURCE, open_sample
from hebbviz.gui.gui_bench import heartbeat_timer
from hebbviz.gui.help import show_about

STALL_LIMIT_S = 0.1
"""The longest the window may stop answering while a download runs or is cancelled."""


@pytest.fixture
def warnings(monkeypatch) -> list[tuple[str, str]]:
    """Message boxes the app would show (title, text), recorded instead of shown."""
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(
        QMessageBox, "warning", lambda parent, title, text, *rest: shown.append((title, text))
    )
    return shown


def use_registry(window, monkeypatch, remote) -> int:
    """Put ``remote`` in MNIST's place; the index of its entry in the data list."""
    monkeypatch.setitem(REMOTE, "mnist", remote)
    panel = window.training_panel
    panel.data.show_downloads()
    choice = panel.data_choice
    return next(i for i in range(choice.count()) if choice.itemData(i) == ("download", "mnist"))


def choose(window, index: int) -> None:
    window.training_panel.data_choice.activated.emit(index)


def test_the_data_list_offers_the_sample_and_every_download_without_torchvision(window):
    choice = window.training_panel.data_choice
    texts = [choice.itemText(i) for i in range(choice.count())]
    assert SAMPLE_SOURCE in texts
    for key, remote in REMOTE.items():
        index = texts.index(next(t for t in texts if t.startswith(f"{remote.title},")))
        assert choice.itemData(index) == ("download", key)
        kind = "digits" if key == "mnist" else "images"
        assert texts[index] == (f"{remote.title}, 70,000 {kind} - download {remote.megabytes} MB")
        assert choice.model().item(index).isEnabled()
        assert "needs torchvision" not in choice.itemData(index, Qt.ItemDataRole.ToolTipRole)


def test_a_download_from_the_data_list_lands_and_loads(
    window, qtbot, monkeypatch, tiny, tiny_files
):
    index = use_registry(window, monkeypatch, tiny)
    choice = window.training_panel.data_choice
    assert choice.itemText(index) == "Tiny, 2,000 digits - download 1 MB"

    with qtbot.waitSignal(window.session.datasetChanged, timeout=30_000):
        choose(window, index)

    dataset = window.session.dataset
    assert len(dataset.train) + len(dataset.val) == 1500 and len(dataset.test) == 500
    assert left_in(raw_folder(tiny)) == sorted(tiny_files)
    assert window.data_label.full_text() == "data: MNIST (downloaded)"
    assert choice.itemText(index) == "Tiny, 2,000 images"
    assert choice.itemData(index) == ("name", "mnist")
    qtbot.waitUntil(lambda: not window.downloads.dialogs)


def test_cancel_stops_a_slow_download_leaving_nothing_and_never_stalling(
    window, qtbot, monkeypatch, tiny, server
):
    slow = dataclasses.replace(tiny, mirrors=(server.url("slow"),))
    index = use_registry(window, monkeypatch, slow)
    window.session.set_dataset(open_sample())
    before = window.session.dataset
    beats: list[float] = []
    heartbeat = heartbeat_timer(beats)
    heartbeat.start()

    choose(window, index)
    dialog = window.downloads.dialogs[0]
    qtbot.waitUntil(lambda: "MB/s" in dialog.file_label.text(), timeout=10_000)
    assert "train-images-idx3-ubyte.gz (1 of 4)" in dialog.file_label.text()
    assert "left" in dialog.file_label.text()
    assert 0 < dialog.bar.value() < dialog.bar.maximum()
    dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: not window.downloads.dialogs, timeout=10_000)
    heartbeat.stop()

    assert left_in(raw_folder(slow)) == []
    assert "cancelled" in window.statusBar().currentMessage()
    assert window.session.dataset is before
    stall = float(np.diff(beats).max())
    assert stall < STALL_LIMIT_S, f"the window stalled {1000 * stall:.0f} ms"


def test_quitting_during_a_stalled_download_leaves_nothing_at_once(
    window, qtbot, monkeypatch, tiny, server
):
    stalled = dataclasses.replace(tiny, mirrors=(server.url("stall"),))
    choose(window, use_registry(window, monkeypatch, stalled))
    folder = raw_folder(stalled)
    qtbot.waitUntil(lambda: left_in(folder) != [])  # the temporary file of the first download

    started = time.perf_counter()
    window.close()
    closed = time.perf_counter() - started

    assert left_in(folder) == []
    assert closed < 1.0, f"closing took {closed:.1f} s"  # the server stalls for 1 s
    qtbot.waitUntil(lambda: not window.downloads.dialogs, timeout=10_000)  # the worker leaves, too
    assert left_in(folder) == []


def test_a_failed_download_is_shown_and_the_data_set_stays(
    window, qtbot, monkeypatch, tiny, server, warnings
):
    missing = dataclasses.replace(tiny, mirrors=(server.url("missing"),))
    index = use_registry(window, monkeypatch, missing)
    window.session.set_dataset(open_sample())
    before = window.session.dataset

    choose(window, index)
    qtbot.waitUntil(lambda: not window.downloads.dialogs, timeout=10_000)

    assert len(warnings) == 1
    title, text = warnings[0]
    assert title == "Download failed"
    assert "train-images-idx3-ubyte.gz" in text and "HTTP 404" in text
    assert window.session.dataset is before
    assert left_in(raw_folder(missing)) == []
    choice = window.training_panel.data_choice
    assert choice.itemData(index) == ("download", "mnist")  # still to be downloaded


def test_the_about_box_credits_mnist_and_the_sample_licence(window, monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "about", lambda parent, title, text: shown.append(text))
    show_about(window)
    assert "Yann LeCun" in shown[0] and "CC BY-SA 3.0" in shown[0]
    assert "10,000 digits of the MNIST training set" in shown[0]


def test_synthetic_digits_are_drawn_in_the_background_with_a_status(window, qtbot):
    choice = window.training_panel.data_choice
    index = next(i for i in range(choice.count()) if choice.itemData(i) == ("name", "synthetic"))
    beats: list[float] = []
    heartbeat = heartbeat_timer(beats)
    heartbeat.start()

    with qtbot.waitSignal(window.session.datasetChanged, timeout=120_000):
        choose(window, index)
        assert window.data_label.full_text() == "data: loading synthetic..."
    heartbeat.stop()

    assert window.session.dataset.synthetic
    assert window.data_label.full_text() == "data: synthetic digits"
    stall = float(np.diff(beats).max())
    assert stall < STALL_LIMIT_S, f"the window stalled {1000 * stall:.0f} ms"
