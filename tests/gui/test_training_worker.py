"""A run in the session's training process as the window sees it: signals, the shared model, the
copies and pictures read from shared memory, the model lock across processes, a process that
dies, and closing."""

from __future__ import annotations

import multiprocessing
import time
from types import SimpleNamespace

import pytest
from doubles import MovingCentroids, random_dataset

from hebbviz.gui.worker import Trainer, TrainingWorker


@pytest.fixture
def trainer(qtbot):
    opened = Trainer(SimpleNamespace(lock=multiprocessing.get_context("spawn").Lock()))
    yield opened
    opened.close(5.0)


@pytest.fixture(scope="module")
def dataset():
    return random_dataset(300, 50)


def start(trainer, dataset, **kwargs) -> TrainingWorker:
    worker = TrainingWorker(trainer, MovingCentroids, dataset, **kwargs)
    worker.start()
    return worker


def test_a_run_reaches_the_window_and_its_model_is_the_one_that_learned(qtbot, trainer, dataset):
    snapshots = []
    worker = TrainingWorker(trainer, MovingCentroids, dataset, epochs=2, eval_every=150)
    worker.yielded.connect(snapshots.append)
    with qtbot.waitSignal(worker.prepared, timeout=60_000) as prepared:
        worker.start()
    model = prepared.args[0]
    assert isinstance(model, MovingCentroids) and model is worker.model
    with qtbot.waitSignal(worker.finished, timeout=30_000):
        pass
    assert not worker.running
    assert model.seen.sum() == worker.progress.seen == 600
    assert snapshots[-1].done and snapshots[-1].val_accuracy is not None
    assert worker.readable is None, "the copies' memory is let go when the run ends"


def test_copies_and_pictures_come_from_shared_memory_while_it_runs(qtbot, trainer, dataset):
    worker = start(trainer, dataset, rate=500.0, epochs=100)
    try:
        qtbot.waitUntil(lambda: worker.model is not None, timeout=60_000)
        worker.weight_labels = (1, 7)
        qtbot.waitUntil(lambda: worker.weights is not None, timeout=5000)
        weights = worker.weights
        assert weights.labels == (1, 7) and weights.images[0].shape == (1, 28, 28)
        reading = worker.readable
        assert reading is not None and reading.intact()
        assert reading.model is not worker.model
        assert 0 <= reading.model.seen.sum() <= worker.model.seen.sum()
        worker.forget_readable()  # teach mode changed the model: no older copy counts
        assert worker.readable is None
        qtbot.waitUntil(lambda: worker.readable is not None, timeout=5000)
        assert worker.pictures_published >= 1
    finally:
        worker.control.stop()
        assert worker.join(10)
    assert not worker.running and worker.pictures_published >= 1  # counted after the run too


def test_the_model_lock_holds_the_process_back(qtbot, trainer, dataset):
    """Teach mode changes the model under the session's lock: the process must not learn then,
    and at full speed it lets go of the lock often enough for teach mode to get it at once."""
    worker = start(trainer, dataset, epochs=10_000)
    try:
        qtbot.waitUntil(lambda: worker.progress.seen > 0, timeout=60_000)
        asked = time.monotonic()
        with trainer._owner.lock:
            assert time.monotonic() - asked < 0.5
            time.sleep(0.05)  # a piece under way ends
            seen = int(worker.model.seen.sum())
            time.sleep(0.3)
            assert int(worker.model.seen.sum()) == seen, "it learned while the lock was held"
        qtbot.waitUntil(lambda: worker.model.seen.sum() > seen, timeout=5000)
    finally:
        worker.control.stop()
        assert worker.join(10)


def test_a_process_that_dies_is_reported_and_the_next_run_starts_another(qtbot, trainer, dataset):
    worker = start(trainer, dataset, rate=100.0, epochs=100)
    qtbot.waitUntil(lambda: worker.model is not None, timeout=60_000)
    errors: list[str] = []
    worker.errored.connect(errors.append)
    with qtbot.waitSignal(worker.finished, timeout=10_000):
        trainer._process.kill()
    assert errors and "ended unexpectedly" in errors[0]
    again = start(trainer, dataset)
    qtbot.waitUntil(lambda: not again.running, timeout=60_000)
    assert again.progress.seen == 300


def test_closing_ends_the_process_even_mid_run(qtbot, trainer, dataset):
    worker = start(trainer, dataset, rate=100.0, epochs=100)
    qtbot.waitUntil(lambda: worker.model is not None, timeout=60_000)
    process = trainer._process
    began = time.monotonic()
    trainer.close(5.0)
    assert not process.is_alive()
    assert time.monotonic() - began < 5.0


def test_a_finished_runs_worker_and_memory_go_without_the_cycle_collector(qtbot, trainer, dataset):
    """The app collects cycles rarely (its startup objects are frozen): a worker in a reference
    cycle kept its run's model, and the shared memory it maps, for minutes (a soak grew 20%)."""
    import gc
    import weakref

    worker = start(trainer, dataset)
    assert worker.join(60)
    gone = weakref.ref(worker), weakref.ref(worker.model)
    gc.disable()
    try:
        del worker
        assert [ref() for ref in gone] == [None, None]
    finally:
        gc.enable()


def test_a_process_that_dies_holding_the_lock_leaves_the_session_a_new_one(qtbot, trainer, dataset):
    """Else teach mode, the evaluation and the next run would wait for it for ever."""
    owner = trainer._owner
    worker = start(trainer, dataset, epochs=10_000)
    qtbot.waitUntil(lambda: worker.progress.seen > 0, timeout=60_000)
    held = owner.lock
    process = trainer._process
    process.kill()  # mid-piece (holding the lock) or between pieces: then hold it here, as if
    process.join(5)
    held.acquire(timeout=0.5)
    qtbot.waitUntil(lambda: not worker.running, timeout=10_000)
    assert owner.lock is not held
    assert owner.lock.acquire(timeout=1)
    owner.lock.release()
    again = start(trainer, dataset)
    qtbot.waitUntil(lambda: not again.running, timeout=60_000)
    assert again.progress.seen == 300
