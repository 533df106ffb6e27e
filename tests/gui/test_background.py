"""Background jobs: a lane runs its jobs in turn in one thread, which ends when idle; a
background thread can yield the CPU to the others."""

from __future__ import annotations

import threading

import pytest
from pytestqt.qtbot import QtBot

from hebbviz.gui.background import LANE_IDLE_S, Lane


def test_lane_runs_jobs_in_order_in_one_thread_that_ends_when_idle(qtbot: QtBot) -> None:
    lane = Lane("test-lane")
    threads: list[tuple[str, int | None]] = []
    results: list[int] = []
    errors: list[BaseException] = []

    def job(value: int) -> int:
        threads.append((threading.current_thread().name, threading.get_ident()))
        if value == 3:
            raise ValueError("three")
        return value

    for value in range(6):
        lane.submit(lambda value=value: job(value), results.append, errors.append)
    qtbot.waitUntil(lambda: len(results) + len(errors) == 6)
    assert results == [0, 1, 2, 4, 5]
    assert [str(error) for error in errors] == ["three"]
    assert len(set(threads)) == 1  # one thread served them all
    assert threads[0][0] == "hebbviz-test-lane"

    def lane_threads() -> list[threading.Thread]:
        return [t for t in threading.enumerate() if t.name == "hebbviz-test-lane"]

    assert len(lane_threads()) == 1
    qtbot.waitUntil(lambda: not lane_threads(), timeout=int(4000 * LANE_IDLE_S))
    lane.submit(lambda: 7, results.append, errors.append)  # a new thread serves it
    qtbot.waitUntil(lambda: results[-1:] == [7])


@pytest.mark.parametrize("jobs", [1, 50])
def test_lane_delivers_every_job_submitted_while_its_thread_ends(qtbot: QtBot, jobs: int) -> None:
    lane = Lane("test-lane")
    done: list[int] = []
    for round_ in range(3):
        for value in range(jobs):
            lane.submit(lambda value=value: value, done.append, pytest.fail)
        qtbot.waitUntil(lambda round_=round_: len(done) == (round_ + 1) * jobs)
        qtbot.wait(int(1000 * LANE_IDLE_S) + 20)  # about when the thread gives up
    assert done == list(range(jobs)) * 3
