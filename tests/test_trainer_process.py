"""The training process and the shared memory it talks through, without the app: a real process,
spawned as the app spawns it."""

from __future__ import annotations

import functools
import multiprocessing
import sys
import time

import numpy as np
import pytest
from doubles import MovingCentroids, random_split

from hebbviz.data.dataset import Split
from hebbviz.models import rule_class
from hebbviz.shared_arrays import BUFFERS, SharedArrays, TripleBuffer
from hebbviz.trainer_process import RunRequest, serve
from hebbviz.training import train

CONTEXT = multiprocessing.get_context("spawn")


def _double_in_place(name: str, layout: dict) -> None:
    block = SharedArrays(layout, name)
    block.arrays["x"] *= 2


def test_another_process_maps_the_same_arrays():
    block = SharedArrays({"x": ((3, 4), np.float64), "n": ((), np.int64)})
    block.arrays["x"][...] = np.arange(12).reshape(3, 4)
    process = CONTEXT.Process(target=_double_in_place, args=(block.name, block.layout))
    process.start()
    process.join(30)
    assert process.exitcode == 0
    np.testing.assert_array_equal(block.arrays["x"], 2 * np.arange(12).reshape(3, 4))
    block.unlink()


def test_a_block_of_another_layout_is_refused_and_a_removed_name_is_gone():
    block = SharedArrays({"x": ((1000,), np.float64)})
    with pytest.raises(ValueError, match="layout"):
        SharedArrays({"x": ((10,), np.float64)}, block.name)
    block.unlink()
    block.arrays["x"][0] = 1.0  # the memory stays while mapped
    with pytest.raises(FileNotFoundError):
        SharedArrays(block.layout, block.name)


def test_a_triple_buffer_hands_over_the_newest_and_tells_when_a_buffer_was_reused():
    box = TripleBuffer({"w": ((2,), np.float64)})
    assert box.newest() is None and box.writes == 0
    box.write({"w": np.array([1.0, 1.0])})
    first = box.newest()
    assert box.writes == 1
    np.testing.assert_array_equal(box.buffer(first[0])["w"], [1.0, 1.0])
    for value in range(2, BUFFERS + 1):
        box.write({"w": np.full(2, float(value))})
        assert box.intact(*first), "a buffer was reused before the others"
    box.write({"w": np.full(2, 9.0)})
    assert not box.intact(*first) and box.writes == BUFFERS + 1
    index, _ = box.newest()
    np.testing.assert_array_equal(box.buffer(index)["w"], [9.0, 9.0])
    box.block.unlink()


class Session:
    """The app's side, by hand: a process serving one pipe, the data set shared."""

    def __init__(self, split) -> None:
        self.lock = CONTEXT.Lock()
        self.conn, child = CONTEXT.Pipe()
        self.process = CONTEXT.Process(target=serve, args=(child, self.lock), daemon=True)
        self.process.start()
        child.close()
        arrays = {
            "train_images": split.images,
            "train_labels": split.labels,
            "val_images": split.images[:0],
            "val_labels": split.labels[:0],
        }
        self.data = SharedArrays({key: (a.shape, a.dtype) for key, a in arrays.items()})
        for key, array in arrays.items():
            self.data.arrays[key][...] = array
        self.count = len(split)

    def run(self, number: int, make=MovingCentroids, **kwargs) -> None:
        request = RunRequest(number, make, (self.data.name, self.data.layout), **kwargs)
        self.conn.send(("run", request))

    def messages(self, until: str, timeout: float = 60.0) -> list[tuple]:
        received = []
        while self.conn.poll(timeout):
            received.append(self.conn.recv())
            if received[-1][0] == until:
                return received
        raise AssertionError(f"no {until!r} within {timeout} s: {received}")

    def close(self) -> None:
        self.conn.send(("quit",))
        self.process.join(10)
        assert self.process.exitcode == 0
        self.data.unlink()


@pytest.fixture
def session():
    opened = Session(random_split(300, seed=2))
    yield opened
    opened.close()


def test_a_run_learns_the_shared_model_the_app_maps(session):
    session.run(1, epochs=2)
    received = session.messages("finished")
    kinds = [kind for kind, _, _ in received]
    assert kinds[0] == "prepared" and kinds[-1] == "finished"
    assert {number for _, number, _ in received} == {1}
    share = received[0][2]
    model = share.model(share.arrays.arrays)
    assert isinstance(model, MovingCentroids)
    assert model.seen.sum() == 600, "the app's model is not the one that learned"
    assert received[-1][2].seen == 600
    newest = share.readable.newest()
    assert newest is not None
    copy = share.model(share.readable.buffer(newest[0]))
    assert 0 <= copy.seen.sum() <= 600 and not np.shares_memory(copy.weights, model.weights)
    snapshots = [payload for kind, _, payload in received if kind == "snapshot"]
    assert snapshots[-1].done
    for block in share.blocks():
        block.unlink()


def test_controls_and_weight_labels_reach_the_run(session):
    session.run(7, rate=400.0, paused=True)
    share = session.messages("prepared")[-1][2]
    model = share.model(share.arrays.arrays)
    session.conn.send(("labels", 7, (2, 4)))
    session.conn.send(("control", 7, "step", ()))
    step = session.messages("step")[-1][2]
    assert model.seen.sum() == 1 and model.seen[step.label] == 1
    session.conn.send(("control", 7, "resume", ()))
    time.sleep(0.3)
    newest = share.pictures.newest()
    assert newest is not None
    labels = share.pictures.buffer(newest[0])["labels"]
    assert labels[:3].tolist() == [2, 4, -1]
    resumed = int(model.seen.sum())
    assert resumed > 1, "resume did not reach the run"
    session.conn.send(("control", 7, "stop", ()))
    finished = session.messages("finished")[-1][2]
    assert finished.seen == int(model.seen.sum()) < 300, "stop did not end the run mid-way"
    time.sleep(0.1)
    assert int(model.seen.sum()) == finished.seen, "it learned after it was stopped"
    for block in share.blocks():
        block.unlink()


class Replacing(MovingCentroids):
    """Breaks the rule that learning changes the arrays in place."""

    def learn_many(self, images, labels):
        super().learn_many(images, labels)
        self.weights = self.weights.copy()


def test_a_rule_that_replaces_its_arrays_is_reported_and_the_next_run_goes_on(session):
    session.run(1, make=Replacing, rate=1000.0)
    received = session.messages("finished")
    errors = [payload for kind, _, payload in received if kind == "error"]
    assert len(errors) == 1 and "in place" in errors[0]
    session.run(2, make=functools.partial(MovingCentroids, lr=0.5))
    received = session.messages("finished")
    assert not [kind for kind, _, _ in received if kind == "error"]
    assert received[-1][2].seen == 300


@pytest.mark.parametrize(
    "make",
    [
        functools.partial(rule_class("itoh"), hidden_layers=2, lr=1e-3),
        functools.partial(rule_class("oja"), k=4),
    ],
    ids=["itoh", "oja"],
)
def test_the_process_learns_what_train_learns_alone(session, make):
    """Up to rounding: the run cuts the chunks into other pieces than train does alone, and a
    compiled pass may sum in another order for another piece length."""
    session.run(1, make=make, seed=5)
    received = session.messages("finished")
    share = received[0][2]
    learned = share.model(share.arrays.arrays)
    alone = make()
    split = Split(session.data.arrays["train_images"], session.data.arrays["train_labels"])
    for _ in train(alone, split, seed=5):
        pass
    for key, array in alone.arrays().items():
        np.testing.assert_allclose(learned.arrays()[key], array, rtol=1e-9, atol=1e-15, err_msg=key)
    for block in share.blocks():
        block.unlink()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/PID/maps")
def test_a_finished_runs_shared_memory_leaves_the_process(session):
    """Only the data set stays mapped in the training process between runs: nothing of a
    finished run's model, copies or pictures (an itoh run's are hundreds of megabytes)."""
    for number in (1, 2):
        session.run(number)
        share = session.messages("finished")[0][2]
        for block in share.blocks():
            block.unlink()
    time.sleep(0.2)  # the process lets go of the run after sending "finished"
    with open(f"/proc/{session.process.pid}/maps") as maps:
        mapped = {line.split("/")[-1].split()[0] for line in maps if "/hebbviz-" in line}
    assert mapped == {session.data.name}
