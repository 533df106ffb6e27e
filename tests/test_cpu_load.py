"""``hebbviz bench --background-load N``: busy helper processes that are always stopped."""

from __future__ import annotations

import pytest

from hebbviz.cli import main
from hebbviz.cpu_load import cpu_load


def test_helpers_run_inside_and_are_gone_after():
    with cpu_load(2) as helpers:
        assert len(helpers) == 2
        assert all(helper.poll() is None for helper in helpers)  # running
    assert all(helper.poll() is not None for helper in helpers)


def test_helpers_are_stopped_when_the_bench_fails():
    with pytest.raises(KeyboardInterrupt), cpu_load(1) as helpers:
        raise KeyboardInterrupt
    assert helpers[0].poll() is not None


def test_a_negative_count_is_one_line(capsys):
    assert main(["bench", "--background-load", "-1"]) == 2
    assert capsys.readouterr().err == (
        "hebbviz: error: --background-load -1: give 0 or more processes\n"
    )
