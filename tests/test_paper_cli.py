"""``hebbviz paper stage1|stage2|stage3`` end to end on a few real digits (no figures: see
tests/gui/test_figures.py)."""

from __future__ import annotations

import csv
import json

import pytest
from idx_files import read_pair, write_pair

from hebbviz.cli import main
from hebbviz.data.sources import open_folder
from hebbviz.paper.stage3 import COLUMNS, EARLIER_COLUMNS, read_sweep


@pytest.fixture(scope="module")
def digits_dir(tmp_path_factory, mnist_dir):
    """600 real training digits in MNIST's layout."""
    folder = tmp_path_factory.mktemp("digits")
    write_pair(folder, "train", read_pair(mnist_dir).subset(slice(0, 600)))
    return folder


def test_stage2_json(digits_dir, capsys):
    argv = ["paper", "stage2", "--data-dir", str(digits_dir), "--per-label", "20", "--json"]
    assert main(argv) == 0
    result = json.loads(capsys.readouterr().out)
    assert list(result)[:5] == ["settings", "labels", "columns", "win_rate", "n"]
    assert result["labels"] == list(range(10))
    assert result["columns"] == ["all-data", "untrained", "uniform", *map(str, range(10))]
    assert len(result["win_rate"]) == 10
    for label, row in enumerate(result["win_rate"]):
        assert len(row) == 13
        assert row[3 + label] is None
        assert all(
            isinstance(v, float) and 0 <= v <= 100 for i, v in enumerate(row) if i != 3 + label
        )
    assert sum(result["n"]) == len(open_folder(digits_dir).val)
    assert len(result["mean_over_labels"]) == 10
    settings = result["settings"]
    assert (settings["hidden_layers"], settings["lr"], settings["activation"]) == (3, 1e-7, "relu")
    assert settings["per_label"] == 20 and settings["split"] == "val"


def test_stage1_json(digits_dir, capsys):
    argv = ["paper", "stage1", "--data-dir", str(digits_dir), "--per-label", "20"]
    assert main([*argv, "--hidden-layers", "0..2", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert list(result) == ["settings", "results"]
    assert [r["hidden_layers"] for r in result["results"]] == [0, 1, 2]
    assert [r["with_learning"] for r in result["results"][:2]] == [None, None]
    assert all(isinstance(r["without_learning"], float) for r in result["results"])
    assert isinstance(result["results"][2]["with_learning"], float)
    settings = result["settings"]
    assert (settings["activation"], settings["similarity"]) == ("step", "cosine")

    assert main([*argv, "--hidden-layers", "1", "--similarity", "euclidean"]) == 0
    out = capsys.readouterr().out
    assert "euclidean similarity" in out and "without learning" in out


def test_stage_errors_are_one_line(digits_dir, tmp_path, capsys):
    data = ["--data-dir", str(digits_dir)]
    cases = [
        (["paper", "stage2", *data, "--split", "test"], "no test files"),
        (["paper", "stage2", *data, "--figure", str(tmp_path / "no" / "f.png")], "does not exist"),
        (["paper", "stage1", *data, "--figure", str(tmp_path / "f.jpg")], "PNG"),
        (["paper", "stage1", *data, "--hidden-layers", "-1"], "hidden-layers"),
        (["paper", "stage1", *data, "--lr", "0"], "--lr must be a number above zero"),
        (["paper", "stage2", *data, "--lr", "nan"], "--lr must be a number above zero"),
        (["paper", "stage2", *data, "--seed", "-1"], "--seed must be at least 0"),
        (["paper", "stage2", *data, "--hidden-layers", "1"], "--hidden-layers must be at least 2"),
        (["paper", "stage3", "--csv", str(tmp_path / "missing.csv")], "no such sweep CSV"),
    ]
    for argv, message in cases:
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and message in err, err


def test_stage3_reads_a_sweep_and_upgrades_an_earlier_csv(digits_dir, tmp_path, capsys):
    csv_path = tmp_path / "sweep.csv"
    # A CSV from before the per-label column, with one finished point.
    with csv_path.open("w", newline="") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(EARLIER_COLUMNS)
        source = open_folder(digits_dir).source
        writer.writerow([2, 0.001, "relu", 5, 0, source, 0.5, 0, "", 50, 1.0])
    assert read_sweep(csv_path).per_label is None
    sweep = ["sweep", "--data-dir", str(digits_dir), "--per-label", "5", "--csv", str(csv_path)]
    assert main([*sweep, "--hidden-layers", "2,3", "--lrs", "1e-3", "--jobs", "1"]) == 0
    assert "added the per-label column" in capsys.readouterr().out
    with csv_path.open(newline="") as file:
        rows = list(csv.DictReader(file))
    assert tuple(rows[0]) == COLUMNS
    assert rows[0]["val_per_label"] == "" and len(rows[1]["val_per_label"].split()) == 10

    assert main(["paper", "stage3", "--csv", str(csv_path), "--json"]) == 0
    grid = json.loads(capsys.readouterr().out)
    assert grid["hidden_layers"] == [2, 3] and grid["lrs"] == [1e-3]
    assert grid["accuracy"][0] == [0.5]
    assert grid["per_label"][0][0] == [None] * 10  # the earlier row has none
    per_label = grid["per_label"][1][0]
    assert all(0 <= v <= 1 for v in per_label)
    assert grid["best"]["hidden_layers"] in (2, 3)
