"""A training run (the core of what the app's training process runs): start, pause, step and stop
report what they should to the sink and change the model; it learns only while holding the
model lock; failures become messages."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest
from doubles import MovingCentroids, Started, random_split, wait_until

from hebbviz import training_run
from hebbviz.training_run import HOLD_S, PIECE_WALL_S, PUBLISH_S, Step, TrainingRun, fitted_piece


@pytest.fixture
def split():
    return random_split(200, seed=1)


def test_a_run_goes_to_the_end_and_reports_snapshots(split):
    model = MovingCentroids()
    started = Started(model, split, epochs=2, val=split, eval_every=100)
    started.thread.join(10)
    snapshots = started.sink.snapshots
    assert snapshots and snapshots[-1].done
    assert snapshots[-1].seen == started.run.progress.seen == 2 * len(split)
    assert model.seen.sum() == 2 * len(split)
    assert [s.val_accuracy is not None for s in snapshots].count(True) >= 4
    assert np.abs(model.weights).sum() > 0
    assert started.sink.models == [model]
    assert started.sink.readables, "no copy to answer drawings with"


def test_a_paused_start_learns_nothing_until_a_step(split):
    model = MovingCentroids()
    started = Started(model, split, paused=True)
    try:
        time.sleep(0.15)
        assert model.seen.sum() == 0
        before = model.weights.copy()
        started.control.step()
        wait_until(lambda: started.sink.steps)
        (step,) = started.sink.steps
        assert isinstance(step, Step)
        assert model.seen.sum() == 1 and model.seen[step.label] == 1
        changed = np.flatnonzero(np.abs(model.weights - before).sum(axis=1))
        assert changed.tolist() == [step.label]
        np.testing.assert_allclose(step.change[0].ravel(), (model.weights - before)[step.label])
        time.sleep(0.1)
        assert model.seen.sum() == 1, "a step learns exactly one image"
    finally:
        started.stop()


def test_pause_holds_and_resume_continues(split):
    model = MovingCentroids()
    started = Started(model, split, rate=400.0)
    try:
        wait_until(lambda: model.seen.sum() > 10)
        started.control.pause()
        time.sleep(0.05)
        held = int(model.seen.sum())
        time.sleep(0.15)
        assert model.seen.sum() == held
        started.control.resume()
        wait_until(lambda: model.seen.sum() > held)
    finally:
        started.stop()


def test_stop_ends_the_run_promptly_and_learns_no_more(split):
    model = MovingCentroids()
    started = Started(model, split, rate=20.0)  # slow: mid-run when stopped
    wait_until(lambda: model.seen.sum() >= 1)
    stopped = time.monotonic()
    started.stop()
    assert time.monotonic() - stopped < 1.0
    seen = int(model.seen.sum())
    assert seen < len(split)
    time.sleep(0.1)
    assert model.seen.sum() == seen


def test_a_set_rate_holds_training_back():
    model = MovingCentroids()
    started = Started(model, random_split(5000), rate=100.0)
    time.sleep(0.3)
    started.stop()
    assert 0 < model.seen.sum() < 200  # about 30 at 100 images/s; far from all 5000


def test_learning_waits_for_the_model_lock(split):
    model = MovingCentroids()
    lock = threading.Lock()
    with lock:
        started = Started(model, split, lock)
        time.sleep(0.15)
        assert model.seen.sum() == 0, "the run learned while someone else held the lock"
    started.thread.join(10)
    assert model.seen.sum() == len(split)


def test_weight_images_are_published_for_the_labels_asked_for(split):
    model = MovingCentroids()
    started = Started(model, random_split(3000), rate=2000.0)
    started.run.weight_labels = (3, 5)
    try:
        wait_until(lambda: started.sink.pictures)
    finally:
        started.stop()
    pictures = started.sink.pictures[-1]
    assert pictures.labels == (3, 5)
    assert [image.shape for image in pictures.images] == [(1, 28, 28)] * 2


def test_pictures_keep_their_schedule_between_pieces_of_any_length(split, monkeypatch):
    """A picture is due every ``PUBLISH_S`` on a fixed schedule: pieces of three quarters of
    that give one picture per ``PUBLISH_S`` on average, not one every second piece."""
    clock = {"now": 0.0}
    monkeypatch.setattr(training_run.time, "perf_counter", lambda: clock["now"])
    run = TrainingRun(MovingCentroids(), threading.Lock(), split, sink=None)
    run.weight_labels = (0,)
    pictures = 0
    for _ in range(400):  # 300 periods
        clock["now"] += 0.75 * PUBLISH_S
        pictures += run._weights_due() is not None
    assert 295 <= pictures <= 301
    clock["now"] += 10 * PUBLISH_S  # after a long piece (or a pause): one picture, no burst
    assert run._weights_due() is not None
    assert run._weights_due() is None


def test_validation_scores_a_copy_made_under_the_lock(split):
    """So a teach step (which learns under the lock) never lands mid-validation, and nobody
    waits for the lock while the validation scores."""
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

    model = Watched()
    started = Started(model, split, lock, val=split, eval_every=50)
    started.thread.join(10)
    assert scorers, "no validation ran"
    assert all(scorer is not model for scorer in scorers), "it scored the model itself"
    assert copied_under_lock and all(copied_under_lock), "a copy was made without the lock"
    measured = [s.val_accuracy for s in started.sink.snapshots if s.val_accuracy is not None]
    assert len(measured) == 4  # at 50, 100, 150 and 200 images
    assert sum(scored) == 4 * len(split)  # every validation image, each time


def test_a_failure_becomes_a_message(split):
    class Broken(MovingCentroids):
        def learn_many(self, images, labels):
            raise RuntimeError("kernel exploded")

    started = Started(Broken(), split)
    started.thread.join(5)
    assert not started.thread.is_alive()
    (message,) = started.sink.errors
    assert "kernel exploded" in message


def test_bad_hyperparameters_become_a_message(split):
    def make():
        raise ValueError("lr < 0")

    started = Started(make, split)
    started.thread.join(5)
    assert started.sink.errors == ["Bad hyperparameters: lr < 0"]


def test_pieces_fit_both_the_cpu_time_and_the_wall_time():
    quick = (HOLD_S / 4, PIECE_WALL_S / 4)
    assert fitted_piece(8, 8, *quick) == 16  # room for more
    assert fitted_piece(8, 8, HOLD_S * 2, PIECE_WALL_S / 4) == 4  # too long a hold
    assert fitted_piece(8, 8, HOLD_S / 4, PIECE_WALL_S * 2) == 4  # a busy machine stretched it
    assert fitted_piece(1, 1, HOLD_S * 2, PIECE_WALL_S * 2) == 1
    assert fitted_piece(256, 256, *quick, most=256) == 256
    assert fitted_piece(128, 100, *quick) == 128  # ended with its label: no news of room
    assert fitted_piece(128, 100, HOLD_S / 4, PIECE_WALL_S * 3) == 50  # but too long: shrinks


class SlowCentroids(MovingCentroids):
    """Each piece takes twice the wall time a piece may take (a busy machine); records sizes."""

    def __init__(self) -> None:
        super().__init__()
        self.pieces: list[int] = []

    def learn_many(self, images: np.ndarray, labels: np.ndarray) -> None:
        time.sleep(2 * PIECE_WALL_S)
        self.pieces.append(len(labels))
        super().learn_many(images, labels)


def test_pieces_that_end_with_their_label_shrink_when_they_take_too_long():
    """At full speed a piece holds one label's images; with five images per label every piece
    ends with its label, before the size asked: those too must shrink on a busy machine."""
    model = SlowCentroids()
    started = Started(model, random_split(50, seed=3), epochs=100)
    try:
        wait_until(lambda: len(model.pieces) >= 12)
    finally:
        started.stop()
    assert max(model.pieces[:2]) > 1  # whole labels at first
    assert model.pieces[6:] == [1] * len(model.pieces[6:])
