"""A run's first stage for a model with a shared layer (rule ``strokes``): learned in pieces under
the model lock, honouring pause, step, stop and speed; the layer's images published for the
detector grid."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest
from doubles import Started, wait_until

from hebbviz.data.dataset import balance
from hebbviz.data.sources import open_dataset
from hebbviz.models.strokes import StrokeSubspaces
from hebbviz.training import train


@pytest.fixture(scope="module")
def digits(mnist_dir):
    return balance(open_dataset(mnist_dir, None).train, 30)


def small_model(patches: int = 20_000) -> StrokeSubspaces:
    return StrokeSubspaces(k=4, n_detectors=8, detector_patches=patches, detector_epochs=2)


def test_a_step_in_the_first_stage_learns_one_patch_and_shows_its_winner(digits):
    model = small_model()
    started = Started(model, digits, paused=True)
    run = started.run
    try:
        wait_until(lambda: run.shared is not None, timeout=20)  # patches drawn
        before = model.shared_images()
        assert int(model.detector_seen) == 0
        started.control.step()
        wait_until(lambda: run.shared.seen == 1)
        shared = run.shared
        assert int(model.detector_seen) == 1 and model.seen.sum() == 0
        changed = np.flatnonzero(np.abs(model.shared_images() - before).sum(axis=(1, 2)))
        assert changed.tolist() == [shared.winner]
        assert shared.patch.shape == (5, 5)
        np.testing.assert_array_equal(shared.images, model.shared_images())
        assert shared.total == 2 * 20_000
        time.sleep(0.1)
        assert int(model.detector_seen) == 1, "a step learns exactly one patch"
        assert started.sink.shared_states[-1] is shared, "not handed to the sink"
    finally:
        started.stop()
    assert model.seen.sum() == 0


def test_pause_holds_the_first_stage_and_stop_ends_it(digits):
    model = small_model()
    started = Started(model, digits, rate=400.0)
    try:
        wait_until(lambda: int(model.detector_seen) > 10, timeout=20)
        started.control.pause()
        time.sleep(0.05)
        held = int(model.detector_seen)
        time.sleep(0.2)
        assert int(model.detector_seen) == held
        started.control.resume()
        wait_until(lambda: int(model.detector_seen) > held)
        published = started.run.shared
        assert 0 < published.seen < published.total and published.winner is None
    finally:
        started.stop()
    seen = int(model.detector_seen)
    assert seen < 2 * 20_000 and model.seen.sum() == 0
    time.sleep(0.1)
    assert int(model.detector_seen) == seen


def test_the_first_stage_learns_under_the_lock_as_train_does_alone(digits):
    lock = threading.Lock()
    model = small_model(patches=3000)
    with lock:
        started = Started(model, digits, lock, seed=3)
        time.sleep(0.3)
        assert int(model.detector_seen) == 0, "the first stage learned without the lock"
    started.thread.join(60)
    alone = small_model(patches=3000)
    for _ in train(alone, digits, seed=3):
        pass
    shared = started.run.shared
    assert shared.seen == shared.total == int(model.detector_seen) == 6000
    np.testing.assert_array_equal(model.detectors, alone.detectors)
    np.testing.assert_allclose(model.weights, alone.weights)
