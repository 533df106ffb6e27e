"""The training worker: start, pause, step and stop emit the expected signals and change the model;
it learns only while holding the model lock; failures become messages."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from doubles import MovingCentroids, random_split

from hebbviz.gui.worker import (
    HOLD_S,
    PIECE_WALL_S,
    Step,
    TrainingWorker,
    fitted_piece,
)
from hebbviz.training import Snapshot


@pytest.fixture
def split():
    return random_split(200, seed=1)


def make_worker(split, **kwargs) -> tuple[TrainingWorker, MovingCentroids]:
    model = MovingCentroids()
    worker = TrainingWorker(model, threading.Lock(), split, **kwargs)
    yield_log: list[Snapshot] = []
    worker.yielded.connect(yield_log.append)
    worker.snapshots = yield_log  # type: ignore[attr-defined]
    return worker, model


def stop_and_wait(worker: TrainingWorker) -> None:
    worker.control.stop()
    assert worker.join(5), "the worker did not stop within 5 s"


def test_start_runs_to_the_end_and_emits_snapshots(qtbot, split):
    worker, model = make_worker(split, epochs=2, val=split, eval_every=100)
    with qtbot.waitSignal(worker.finished, timeout=10_000):
        worker.start()
    qtbot.wait(10)  # deliver the queued signals
    snapshots = worker.snapshots
    assert snapshots and snapshots[-1].done
    assert snapshots[-1].seen == worker.progress.seen == 2 * len(split)
    assert model.seen.sum() == 2 * len(split)
    assert [s.val_accuracy is not None for s in snapshots].count(True) >= 4
    assert np.abs(model.weights).sum() > 0


def test_paused_start_learns_nothing_until_a_step(qtbot, split):
    worker, model = make_worker(split, paused=True)
    worker.start()
    try:
        qtbot.wait(150)
        assert model.seen.sum() == 0
        before = model.weights.copy()
        with qtbot.waitSignal(worker.stepped, timeout=5000) as signal:
            worker.control.step()
        (step,) = signal.args
        assert isinstance(step, Step)
        assert model.seen.sum() == 1 and model.seen[step.label] == 1
        changed = np.flatnonzero(np.abs(model.weights - before).sum(axis=1))
        assert changed.tolist() == [step.label]
        np.testing.assert_allclose(step.change[0].ravel(), (model.weights - before)[step.label])
        qtbot.wait(100)
        assert model.seen.sum() == 1, "a step learns exactly one image"
    finally:
        stop_and_wait(worker)
    assert not worker.running


def test_pause_holds_and_resume_continues(qtbot, split):
    worker, model = make_worker(split, rate=400.0)
    worker.start()
    try:
        qtbot.waitUntil(lambda: model.seen.sum() > 10, timeout=5000)
        worker.control.pause()
        qtbot.wait(50)
        held = int(model.seen.sum())
        qtbot.wait(150)
        assert model.seen.sum() == held
        worker.control.resume()
        qtbot.waitUntil(lambda: model.seen.sum() > held, timeout=5000)
    finally:
        stop_and_wait(worker)


def test_stop_ends_the_run_promptly_and_learns_no_more(qtbot, split):
    worker, model = make_worker(split, rate=20.0)  # slow: mid-run when stopped
    worker.start()
    qtbot.waitUntil(lambda: model.seen.sum() >= 1, timeout=5000)
    with qtbot.waitSignal(worker.finished, timeout=2000):
        worker.control.stop()
    seen = int(model.seen.sum())
    assert seen < len(split)
    qtbot.wait(100)
    assert model.seen.sum() == seen


def test_a_set_rate_holds_training_back(qtbot):
    worker, model = make_worker(random_split(5000), rate=100.0)
    worker.start()
    qtbot.wait(300)
    stop_and_wait(worker)
    assert 0 < model.seen.sum() < 200  # about 30 at 100 images/s; far from all 5000


def test_learning_waits_for_the_model_lock(qtbot, split):
    model = MovingCentroids()
    lock = threading.Lock()
    worker = TrainingWorker(model, lock, split)
    with lock:
        worker.start()
        qtbot.wait(150)
        assert model.seen.sum() == 0, "the worker learned while the GUI held the lock"
    qtbot.waitUntil(lambda: not worker.running, timeout=10_000)
    assert model.seen.sum() == len(split)


def test_validation_scores_a_copy_made_under_the_lock(qtbot, split):
    """So a teach step (which learns under the lock from the GUI) never lands mid-validation,
    and nobody waits for the lock while the validation scores."""
    lock = threading.Lock()
    copied_under_lock: list[bool] = []
    scorers: list[MovingCentroids] = []
    scored: list[int] = []

    class Watched(MovingCentroids):
        def copy(self):
            copied_under_lock.append(lock.locked())
            return super().copy()

        def label_norms(self, images):
            scorers.append(self)
            scored.append(len(images))
            return super().label_norms(images)

    worker = TrainingWorker(Watched(), lock, split, val=split, eval_every=50)
    snapshots: list[Snapshot] = []
    worker.yielded.connect(snapshots.append)
    with qtbot.waitSignal(worker.finished, timeout=10_000):
        worker.start()
    qtbot.wait(10)  # deliver the queued signals
    assert scorers, "no validation ran"
    assert all(scorer is not worker.model for scorer in scorers), "it scored the model itself"
    assert copied_under_lock and all(copied_under_lock), "a copy was made without the lock"
    measured = [s.val_accuracy for s in snapshots if s.val_accuracy is not None]
    assert len(measured) == 4  # at 50, 100, 150 and 200 images
    assert sum(scored) == 4 * len(split)  # every validation image, each time


def test_a_failure_becomes_a_message(qtbot, split):
    class Broken(MovingCentroids):
        def learn_many(self, images, labels):
            raise RuntimeError("kernel exploded")

    worker = TrainingWorker(Broken(), threading.Lock(), split)
    with qtbot.waitSignal(worker.errored, timeout=5000) as signal:
        worker.start()
    assert "kernel exploded" in signal.args[0]
    assert worker.join(5)


def test_pieces_fit_both_the_cpu_time_and_the_wall_time():
    quick = (HOLD_S / 4, PIECE_WALL_S / 4)
    assert fitted_piece(8, *quick) == 16  # room for more
    assert fitted_piece(8, HOLD_S * 2, PIECE_WALL_S / 4) == 4  # too long a hold
    assert fitted_piece(8, HOLD_S / 4, PIECE_WALL_S * 2) == 4  # a busy machine stretched it
    assert fitted_piece(1, HOLD_S * 2, PIECE_WALL_S * 2) == 1
    assert fitted_piece(256, *quick, most=256) == 256
