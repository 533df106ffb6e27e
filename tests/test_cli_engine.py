"""The engine's commands end to end on a few real digits: train, eval, sweep, bench."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest
from idx_files import read_pair, write_pair

from hebbviz.cli import main
from hebbviz.commands.sweep import parse_ints, parse_lrs
from hebbviz.data.sources import open_folder
from hebbviz.errors import HebbvizError
from hebbviz.modelfile import load_model


@pytest.fixture(scope="module")
def small_mnist(tmp_path_factory, mnist_dir):
    """400 real training digits (no test files), and a copy with 100 more as test files."""
    digits = read_pair(mnist_dir)
    train_only = tmp_path_factory.mktemp("small")
    write_pair(train_only, "train", digits.subset(slice(0, 400)))
    with_test = tmp_path_factory.mktemp("small_with_test")
    write_pair(with_test, "train", digits.subset(slice(0, 400)))
    write_pair(with_test, "t10k", digits.subset(slice(400, 500)))
    return train_only, with_test


RULE_OPTIONS = {
    "itoh": ["--per-label", "20", "--lr", "1e-3"],
    "oja": ["--k", "4", "--epochs", "2", "--lr", "0.3", "--no-deskew"],
    "sanger": ["--k", "3", "--epochs", "1", "--lr", "0.3", "--lr-decay", "500"],
    "strokes": ["--k", "4", "--epochs", "2", "--detectors", "8", "--threshold", "0.7"],
}


@pytest.mark.parametrize("rule", RULE_OPTIONS)
def test_train_then_eval_json(rule, small_mnist, tmp_path, capsys):
    folder, _ = small_mnist
    model_path = tmp_path / f"{rule}.npz"
    argv = ["train", "--rule", rule, "--data-dir", str(folder), *RULE_OPTIONS[rule]]
    assert main([*argv, "--out", str(model_path)]) == 0
    out = capsys.readouterr().out
    assert "validation accuracy:" in out

    assert main(["eval", "--model", str(model_path), "--data-dir", str(folder), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert list(result) == ["accuracy", "per_label", "confusion", "n", "diverged"]
    assert isinstance(result["accuracy"], float) and 0 <= result["accuracy"] <= 1
    assert len(result["per_label"]) == 10
    assert all(isinstance(v, float) for v in result["per_label"])
    assert len(result["confusion"]) == 10
    assert all(
        len(row) == 10 and all(isinstance(v, int) for v in row) for row in result["confusion"]
    )
    assert result["n"] == len(open_folder(folder).val)
    assert isinstance(result["diverged"], int)
    assert sum(map(sum, result["confusion"])) + result["diverged"] == result["n"]
    _, metadata = load_model(model_path)
    assert metadata["val_accuracy"] == result["accuracy"]
    assert result["accuracy"] > 0.3  # well above chance (0.1) even on these few digits


def test_itoh_trains_balanced_other_rules_capped(small_mnist, tmp_path, capsys):
    folder, _ = small_mnist
    itoh, oja = tmp_path / "itoh.npz", tmp_path / "oja.npz"
    argv = ["train", "--data-dir", str(folder), "--rule"]
    assert main([*argv, "itoh", "--out", str(itoh)]) == 0
    model, metadata = load_model(itoh)
    counts = np.bincount(open_folder(folder).train.labels)
    assert model.seen.tolist() == [counts.min()] * 10  # the rarest label's count for all
    assert metadata["balanced"] is True
    assert (
        main([*argv, "oja", "--k", "2", "--epochs", "2", "--per-label", "5", "--out", str(oja)])
        == 0
    )
    model, metadata = load_model(oja)
    assert model.seen.tolist() == [10] * 10
    assert metadata["balanced"] is False
    capsys.readouterr()


def test_option_of_another_rule_is_refused(small_mnist, tmp_path, capsys):
    folder, _ = small_mnist
    argv = ["train", "--rule", "itoh", "--k", "3", "--data-dir", str(folder)]
    assert main([*argv, "--out", str(tmp_path / "m.npz")]) == 2
    assert capsys.readouterr().err == "hebbviz: error: --k does not apply to rule itoh\n"
    assert not (tmp_path / "m.npz").exists()


def test_eval_test_split(small_mnist, tmp_path, capsys):
    train_only, with_test = small_mnist
    model_path = tmp_path / "m.npz"
    argv = ["train", "--rule", "oja", "--k", "2", "--epochs", "1", "--data-dir", str(with_test)]
    assert main([*argv, "--out", str(model_path)]) == 0
    capsys.readouterr()
    evaluate = ["eval", "--model", str(model_path), "--split", "test", "--json", "--data-dir"]
    assert main([*evaluate, str(with_test)]) == 0
    assert json.loads(capsys.readouterr().out)["n"] == 100
    assert main([*evaluate, str(train_only)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no test files" in err


def _rows(path):
    with path.open(newline="") as file:
        return list(csv.DictReader(file))


def test_sweep_writes_csv_and_resumes(small_mnist, tmp_path, capsys):
    folder, _ = small_mnist
    csv_path = tmp_path / "sweep.csv"
    sweep = ["sweep", "--data-dir", str(folder), "--per-label", "5", "--csv", str(csv_path)]
    assert main([*sweep, "--hidden-layers", "2", "--lrs", "1e-3,1e-4", "--jobs", "2"]) == 0
    rows = _rows(csv_path)
    assert sorted(float(r["lr"]) for r in rows) == [1e-4, 1e-3]
    assert all(r["hidden_layers"] == "2" and r["train_images"] == "50" for r in rows)
    assert all(0 <= float(r["val_accuracy"]) <= 1 for r in rows)
    out = capsys.readouterr().out
    assert "best (*): H=2" in out

    # A crash in the middle of a write leaves a partial last line: it is redone, not trusted.
    with csv_path.open("a") as file:
        file.write("2,1e-05,relu,5,0,MNIST")
    assert main([*sweep, "--hidden-layers", "2", "--lrs", "1e-3..1e-5", "--jobs", "1"]) == 0
    out = capsys.readouterr().out
    assert "3 points, 2 already in" in out
    rows = _rows(csv_path)
    valid = [r for r in rows if r["val_accuracy"] not in (None, "")]
    assert sorted(float(r["lr"]) for r in valid) == [1e-5, 1e-4, 1e-3]
    table = out[out.index("validation accuracy (%)") :].splitlines()
    assert table[1].split() == ["H", "1e-03", "1e-04", "1e-05"]
    assert len(table) == 4


def test_grid_specs():
    assert parse_ints("2..5") == [2, 3, 4, 5]
    assert parse_ints("2..4,8") == [2, 3, 4, 8]
    assert parse_lrs("1e-1..1e-4") == [0.1, 0.01, 0.001, 0.0001]
    assert parse_lrs("1e-3,5e-4") == [1e-3, 5e-4]
    assert len(parse_lrs("1e-1..1e-8")) == 8
    for bad in ("2..x", ""):
        with pytest.raises(HebbvizError):
            parse_ints(bad)
    for bad in ("3e-1..1e-4", "-1", "fast"):
        with pytest.raises(HebbvizError):
            parse_lrs(bad)


def test_sweep_refuses_a_foreign_csv(small_mnist, tmp_path, capsys):
    folder, _ = small_mnist
    csv_path = tmp_path / "other.csv"
    csv_path.write_text("a,b\n1,2\n")
    assert main(["sweep", "--data-dir", str(folder), "--csv", str(csv_path)]) == 2
    assert "not a sweep CSV" in capsys.readouterr().err
    assert csv_path.read_text() == "a,b\n1,2\n"


def test_bench_json_has_the_ratios(small_mnist, capsys):
    folder, _ = small_mnist
    assert main(["bench", "--json", "--data-dir", str(folder)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result["ratios"]) == {
        "itoh_blocked_vs_loop",
        "oja_kernel_vs_numpy",
        "competitive_kernel_vs_numpy",
        "detector_map_kernel_vs_numpy",
        "strokes_oja_kernel_vs_numpy",
        "deskew_kernel_vs_numpy",
    }
    assert all(np.isfinite(v) and v > 0 for v in result["ratios"].values())
    assert set(result["rules"]) == {"itoh", "oja", "sanger", "strokes"}
    assert (
        result["rules"]["strokes"]["shared_stage_s"] > 0 == result["rules"]["oja"]["shared_stage_s"]
    )
    assert result["synthetic"] is False
    assert "folder" in result["data"]
    assert 0 < result["reference_ms"] < 1000  # ten 784 x 784 products: milliseconds
