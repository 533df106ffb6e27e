"""The worker's first stage for a model with a shared layer (rule ``strokes``): learned in pieces
under the model lock, honouring pause, step, stop and speed; the layer's images published for the
detector grid."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from hebbviz.data.dataset import balance
from hebbviz.data.sources import open_dataset
from hebbviz.gui.worker import TrainingWorker
from hebbviz.models.strokes import StrokeSubspaces
from hebbviz.training import train


@pytest.fixture(scope="module")
def digits(mnist_dir):
    return balance(open_dataset(mnist_dir, None).train, 30)


def small_model(patches: int = 20_000) -> StrokeSubspaces:
    return StrokeSubspaces(k=4, n_detectors=8, detector_patches=patches, detector_epochs=2)


def stop_and_wait(worker: TrainingWorker) -> None:
    worker.control.stop()
    assert worker.join(10), "the worker did not stop within 10 s"


def test_a_step_in_the_first_stage_learns_one_patch_and_shows_its_winner(qtbot, digits):
    model = small_model()
    worker = TrainingWorker(model, threading.Lock(), digits, paused=True)
    worker.start()
    try:
        qtbot.waitUntil(lambda: worker.shared is not None, timeout=20_000)  # patches drawn
        before = model.shared_images()
        assert int(model.detector_seen) == 0
        worker.control.step()
        qtbot.waitUntil(lambda: worker.shared.seen == 1, timeout=5000)
        shared = worker.shared
        assert int(model.detector_seen) == 1 and model.seen.sum() == 0
        changed = np.flatnonzero(np.abs(model.shared_images() - before).sum(axis=(1, 2)))
        assert changed.tolist() == [shared.winner]
        assert shared.patch.shape == (5, 5)
        np.testing.assert_array_equal(shared.images, model.shared_images())
        assert shared.total == 2 * 20_000
        qtbot.wait(100)
        assert int(model.detector_seen) == 1, "a step learns exactly one patch"
    finally:
        stop_and_wait(worker)
    assert not worker.running and model.seen.sum() == 0


def test_pause_holds_the_first_stage_and_stop_leaves_no_thread(qtbot, digits):
    model = small_model()
    worker = TrainingWorker(model, threading.Lock(), digits, rate=400.0)
    worker.start()
    try:
        qtbot.waitUntil(lambda: int(model.detector_seen) > 10, timeout=20_000)
        worker.control.pause()
        qtbot.wait(50)
        held = int(model.detector_seen)
        qtbot.wait(200)
        assert int(model.detector_seen) == held
        worker.control.resume()
        qtbot.waitUntil(lambda: int(model.detector_seen) > held, timeout=5000)
        published = worker.shared
        assert 0 < published.seen < published.total and published.winner is None
    finally:
        stop_and_wait(worker)
    seen = int(model.detector_seen)
    assert seen < 2 * 20_000 and model.seen.sum() == 0
    qtbot.wait(100)
    assert int(model.detector_seen) == seen


def test_the_first_stage_learns_under_the_lock_as_train_does_alone(qtbot, digits):
    lock = threading.Lock()
    model = small_model(patches=3000)
    worker = TrainingWorker(model, lock, digits, seed=3)
    with lock:
        worker.start()
        qtbot.wait(300)
        assert int(model.detector_seen) == 0, "the first stage learned without the lock"
    qtbot.waitUntil(lambda: not worker.running, timeout=60_000)
    alone = small_model(patches=3000)
    for _ in train(alone, digits, seed=3):
        pass
    assert worker.shared.seen == worker.shared.total == int(model.detector_seen) == 6000
    np.testing.assert_array_equal(model.detectors, alone.detectors)
    np.testing.assert_allclose(model.weights, alone.weights)
