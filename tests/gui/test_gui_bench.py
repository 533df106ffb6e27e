"""``hebbviz bench --gui``: a short bench measures what it says; ``--soak``: a short soak
restarts runs, measures, and leaves no worker."""

from __future__ import annotations

import math

from hebbviz.cli import main
from hebbviz.gui import gui_bench
from hebbviz.gui.gui_bench import describe, describe_soak, run_gui_bench, run_gui_soak
from hebbviz.kernels import warm_up


def test_a_short_soak_restarts_runs_and_leaves_no_worker_behind(mnist_dir, monkeypatch):
    from hebbviz.gui import training_controller

    monkeypatch.setattr(training_controller, "CURVE_POINTS", 2)  # short runs: few validations
    monkeypatch.setattr(gui_bench, "SOAK_PER_LABEL", 5)  # 50-image runs: many, even when busy
    warm_up()  # compiled before, not during the 12 s (a fresh checkout has no kernel cache)
    result = run_gui_soak(str(mnist_dir), None, seconds=12.0, rules=("oja", "sanger"))
    assert result["runs"] >= 2  # 50-image runs of the fast rules: several in 12 s
    assert result["runs_started"] >= result["runs"]
    assert result["workers_alive"] == 0 and not result["training_process_left"]
    assert result["rss_mb_end"] > 50 and math.isfinite(result["rss_growth_pct"])
    assert result["max_stall_ms"] >= 5  # at least one heartbeat interval
    steal = result["cpu_steal_share"]  # what a hypervisor gave to other machines meanwhile
    assert 0 <= steal <= 1 or math.isnan(steal)
    assert "runs finished" in describe_soak(result)


def test_a_short_bench_counts_redraws_of_the_pictures_the_run_published(mnist_dir):
    warm_up()
    result = run_gui_bench(str(mnist_dir), None, rule="oja", seconds=3.0)
    assert result["worker_error"] is None and result["images_trained"] > 0
    assert result["pictures_per_s"] > 0 and result["fps"] > 0
    redraws, published = (result[key] * result["seconds"] for key in ("fps", "pictures_per_s"))
    assert redraws <= published + 2  # each new picture drawn at most once (and a resize's)
    assert result["stroke_events"] > 0
    assert "new pictures/s" in describe(result)


def test_soak_needs_gui_and_a_positive_duration(capsys):
    for args in (["--soak", "5"], ["--gui", "--soak", "0"]):
        assert main(["bench", *args]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "--soak" in err


def test_latency_counts_only_answers_to_a_drawing_that_includes_the_event():
    latencies = gui_bench.Latencies()
    latencies.event(version=5, moment=1.0)
    latencies.answered(version=4, moment=1.01)  # a job started before the event: not its answer
    assert latencies.seconds == [] and latencies.pending == [(5, 1.0)]
    latencies.event(version=6, moment=1.02)
    latencies.answered(version=5, moment=1.05)
    assert latencies.seconds == [1.05 - 1.0] and latencies.pending == [(6, 1.02)]
    latencies.answered(version=9, moment=1.10)  # a newer drawing answers every earlier event
    assert latencies.seconds == [1.05 - 1.0, 1.10 - 1.02] and latencies.pending == []
