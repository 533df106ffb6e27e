"""A trained model is never lost without a question, and the Save dialog never offers to
overwrite the shipped model."""

from __future__ import annotations

from pathlib import Path

import pytest
from doubles import random_dataset
from PySide6.QtWidgets import QFileDialog, QMessageBox

from hebbviz.gui.session import default_model_path
from hebbviz.gui.unsaved import Choice, unsaved_box


@pytest.fixture
def trained(window, qtbot):
    """The window after a short run: its model trained here, not saved."""
    window.session.set_dataset(random_dataset(100, 30))
    panel = window.training_panel
    panel.rule_choice.setCurrentText("oja")
    panel.params.fields["k"].setValue(2)
    panel.per_label.setValue(3)
    window.runs.start()
    qtbot.waitUntil(lambda: window.training.worker is None, timeout=60_000)
    assert window.session.unsaved()
    return window


def test_start_replaces_the_shipped_model_without_a_question_but_says_so(
    window, unsaved_questions, qtbot
):
    window.session.set_dataset(random_dataset(100, 30))
    assert window.session.path == default_model_path() and not window.session.unsaved()
    window.runs.start()
    assert unsaved_questions.asked == []
    assert "default-strokes.npz stays as it is on disk" in window.statusBar().currentMessage()
    window.training.stop()


def test_start_asks_before_replacing_an_unsaved_model(trained, unsaved_questions, qtbot):
    model = trained.session.model
    unsaved_questions.answers[:] = [Choice.CANCEL]
    trained.runs.start()
    assert len(unsaved_questions.asked) == 1 and "not saved" in unsaved_questions.asked[0]
    assert trained.training.worker is None and trained.session.model is model
    trained.runs.reset()  # Reset asks too (answered Discard)
    assert len(unsaved_questions.asked) == 2
    qtbot.waitUntil(lambda: trained.session.model is not model, timeout=10_000)


def test_start_can_save_the_model_first(trained, unsaved_questions, tmp_path, monkeypatch):
    path = tmp_path / "mine.npz"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    unsaved_questions.answers[:] = [Choice.SAVE]
    trained.runs.start()
    assert path.is_file() and trained.training.worker is not None
    trained.training.stop()


def test_closing_with_an_unsaved_model_asks_and_cancel_keeps_the_window(trained, unsaved_questions):
    unsaved_questions.answers[:] = [Choice.CANCEL]
    trained.close()
    assert trained.isVisible() and "Closing" in unsaved_questions.asked[0]
    trained.close()  # Discard
    assert not trained.isVisible()


def test_a_saved_model_closes_without_a_question(trained, unsaved_questions, tmp_path):
    assert trained.files.save_model_to(tmp_path / "kept.npz")
    trained.close()
    assert unsaved_questions.asked == [] and not trained.isVisible()


def test_the_question_offers_save_discard_and_cancel(window):
    box = unsaved_box(window, "Start trains a new model, but the current model is not saved.")
    buttons = QMessageBox.StandardButton
    assert box.standardButtons() == buttons.Save | buttons.Discard | buttons.Cancel
    assert box.escapeButton() is box.button(buttons.Cancel)
    box.deleteLater()


def test_the_save_dialog_never_starts_in_hebbviz_s_own_folder(trained, monkeypatch, tmp_path):
    offered = []

    def cancelled(parent, title, start, *rest):
        offered.append(start)
        return "", ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", cancelled)
    trained.session.path = default_model_path()  # as if the shipped model were current
    trained.files.choose_save_path()
    start = Path(offered[0])
    assert start.parent.resolve() != default_model_path().resolve().parent
    assert not start.exists() and start.name == "oja-model.npz"
    trained.preferences.remember_model(tmp_path / "earlier.npz")  # the folder used last
    (tmp_path / "oja-model.npz").write_bytes(b"")  # taken: the next name is new
    assert trained.files.suggested_save_path() == tmp_path / "oja-model-2.npz"


def test_the_shipped_model_is_never_overwritten(window, monkeypatch):
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: warnings.append(a[2]))
    before = default_model_path().read_bytes()
    assert not window.files.save_model_to(default_model_path())
    assert "hebbviz's own folder" in warnings[0]
    assert default_model_path().read_bytes() == before
