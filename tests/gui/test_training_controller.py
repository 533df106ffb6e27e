"""The training controller and the session without any window, on a small double model: a stop
mid-run leaves no thread, a stale run's results are ignored, reset uses the settings it is given,
and many start/stop cycles leave no workers or models behind and never wait for a worker."""

from __future__ import annotations

import gc
import threading

import pytest
from doubles import MovingCentroids, random_dataset

from hebbviz.gui.preferences import Preferences
from hebbviz.gui.session import Session
from hebbviz.gui.training_controller import RunSettings, TrainingController
from hebbviz.gui.worker import TrainingWorker
from hebbviz.models import RULES
from hebbviz.training import Snapshot

SLOW = RunSettings("centroids", {"lr": 0.1}, epochs=1, rate=20.0)
"""A run that is surely still going when it is stopped (20 images/s)."""


@pytest.fixture
def controller(monkeypatch, qtbot):
    monkeypatch.setitem(RULES, "centroids", "doubles:MovingCentroids")
    session = Session(Preferences(remember=False))
    session.set_dataset(random_dataset(200, 40))
    controller = TrainingController(session)
    yield controller
    controller.shutdown()


def live(kind: type) -> int:
    gc.collect()
    return sum(isinstance(o, kind) for o in gc.get_objects())


def test_a_run_trains_the_sessions_model_and_ends(controller, qtbot):
    before = controller.session.model
    with qtbot.waitSignal(controller.ended, timeout=20_000):
        assert controller.start(RunSettings("centroids", {"lr": 0.2}, per_label=5, epochs=2))
    model = controller.session.model
    assert model is not before and isinstance(model, MovingCentroids) and model.lr == 0.2
    assert controller.worker is None and model.seen.tolist() == [10] * 10


def test_a_stop_mid_run_ends_the_run_and_learns_no_more(controller, qtbot):
    controller.start(SLOW)
    qtbot.waitUntil(lambda: controller.worker.model is controller.session.model, timeout=10_000)
    model = controller.session.model
    qtbot.waitUntil(lambda: model.seen.sum() >= 1, timeout=10_000)
    controller.stop()
    assert controller.worker is None and not controller.running
    qtbot.waitUntil(lambda: controller.trainer.idle, timeout=5000)
    seen = int(model.seen.sum())
    qtbot.wait(150)
    assert model.seen.sum() == seen < 200


def test_a_stale_runs_results_are_ignored(controller, qtbot):
    points: list[tuple[int, float]] = []
    statuses: list[str] = []
    controller.curvePoint.connect(lambda seen, accuracy: points.append((seen, accuracy)))
    controller.status.connect(lambda text, error: statuses.append(text))
    controller.start(SLOW)
    old = controller.worker
    controller.start(SLOW)
    current = controller.worker
    assert current is not old
    statuses.clear()
    # the old run reports late: a snapshot with an accuracy, an error, and (really) its end
    old.yielded.emit(Snapshot(7, 200, 1, 1, 0.5, (0,), 0.9))
    old.errored.emit("stale failure")
    qtbot.waitUntil(lambda: not old.running, timeout=5000)
    qtbot.wait(50)  # deliver the queued signals
    assert points == [] and statuses == []
    assert controller.worker is current and controller.running
    assert controller.val_accuracy is None


def test_reset_uses_the_given_settings(controller, qtbot):
    controller.start(SLOW)
    with qtbot.waitSignal(controller.session.modelChanged, timeout=10_000):
        controller.reset(RunSettings("centroids", {"lr": 0.35}))
    assert controller.worker is None
    model = controller.session.model
    assert isinstance(model, MovingCentroids) and model.lr == 0.35 and model.seen.sum() == 0
    with qtbot.waitSignal(controller.session.modelChanged, timeout=10_000):
        controller.reset(RunSettings("oja", {"k": 4}))
    assert controller.session.model.rule == "oja"
    assert controller.session.model.params()["k"] == 4


def test_bad_settings_are_a_message_and_change_nothing(controller, qtbot):
    statuses: list[tuple[str, bool]] = []
    controller.status.connect(lambda text, error: statuses.append((text, error)))
    before = controller.session.model
    with qtbot.waitSignal(controller.ended, timeout=10_000):
        controller.start(RunSettings("centroids", {"lr": 0.1, "nonsense": 1}))
    assert controller.session.model is before and controller.worker is None
    assert statuses and statuses[-1][1] and "Bad hyperparameters" in statuses[-1][0]
    statuses.clear()
    with qtbot.waitSignal(controller.status, timeout=10_000):
        controller.reset(RunSettings("centroids", {"nonsense": 1}))
    assert controller.session.model is before
    assert statuses[-1][1] and "Bad hyperparameters" in statuses[-1][0]


def test_a_hundred_start_stop_cycles_leave_no_workers_or_models_behind(
    controller, qtbot, monkeypatch
):
    joined: list[threading.Thread] = []
    original_join = threading.Thread.join

    def recording_join(self, timeout=None):
        if threading.current_thread() is threading.main_thread():
            joined.append(self)
        return original_join(self, timeout)

    monkeypatch.setattr(threading.Thread, "join", recording_join)
    for _ in range(100):
        controller.start(SLOW)
        controller.stop()
    assert joined == [], "the GUI thread waited for a worker"
    monkeypatch.setattr(threading.Thread, "join", original_join)
    qtbot.waitUntil(lambda: controller.trainer.idle, timeout=60_000)  # the process ended them
    qtbot.wait(50)  # deliver the ended runs' last signals (the workers' deleteLater)
    qtbot.waitUntil(lambda: live(TrainingWorker) <= 1, timeout=5000)
    assert live(TrainingWorker) <= 1
    assert live(MovingCentroids) <= 2  # the session's model (and at most one other)


def test_an_evaluation_of_a_replaced_model_is_dropped(controller, qtbot):
    shown: list[object] = []
    controller.evaluator.evaluated.connect(
        lambda evaluation, split, predicted: shown.append(evaluation)
    )
    controller.evaluate()
    controller.session.set_model(MovingCentroids(), None)  # before the evaluation arrives
    controller.evaluate()  # waits for the first, then scores the new model
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=10_000)
    qtbot.wait(100)
    assert len(shown) == 1


def test_an_evaluation_scores_a_copy_made_under_the_lock_with_the_lock_free(controller, qtbot):
    """The GUI thread, which takes the lock to show weights or to teach, never waits for it."""
    lock = controller.session.lock

    def locked() -> bool:
        if lock.acquire(False):
            lock.release()
            return False
        return True

    copies: list[bool] = []
    calls: list[tuple[bool, bool, int]] = []

    class Watched(MovingCentroids):
        is_copy = False

        def label_norms(self, images):
            calls.append((self.is_copy, locked(), len(images)))
            return super().label_norms(images)

        def copy(self):
            copies.append(locked())
            twin = super().copy()
            twin.is_copy = True
            return twin

    controller.session.set_model(Watched(), None)
    with qtbot.waitSignal(controller.evaluator.evaluated, timeout=10_000):
        controller.evaluate()
    assert copies == [True]  # one copy, under the lock
    assert sum(n for _, _, n in calls) == 40  # every validation digit once...
    assert all(is_copy and not locked for is_copy, locked, _ in calls)  # ...of the copy, freely


def test_an_evaluation_finishing_after_its_evaluator_was_deleted_reports_to_nobody(
    controller, qtbot
):
    """Closing the window while it scores: the result arrives for a deleted evaluator."""
    import shiboken6

    from hebbviz.gui.evaluator import Evaluator

    lock = controller.session.lock
    evaluator = Evaluator(controller.session)
    with lock:  # the evaluation waits for the lock until the evaluator is gone
        evaluator.evaluate()
        evaluator.evaluate()  # a second request, to run when the first is done
        shiboken6.delete(evaluator)
    qtbot.waitUntil(lambda: not any(t.name == "hebbviz-evaluate" for t in threading.enumerate()))
    qtbot.wait(100)  # the outcome is delivered (and ignored) without an error
