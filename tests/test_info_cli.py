"""``hebbviz info`` run as a user runs it: a subprocess, its exit status, stdout and stderr."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from idx_files import idx_bytes, read_pair, write_file, write_pair

MNIST_PER_LABEL = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]


def hebbviz(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    """Run ``python -m hebbviz ARGS`` with per-user folders inside ``tmp_path``."""
    env = dict(os.environ)
    env.update(HEBBVIZ_DATA_DIR=str(tmp_path / "data"), HEBBVIZ_CACHE_DIR=str(tmp_path / "cache"))
    return subprocess.run(
        [sys.executable, "-m", "hebbviz", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def info_json(tmp_path: Path, *args: str) -> dict:
    result = hebbviz(tmp_path, "info", *args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def check_shape(info: dict) -> None:
    """Exactly the documented keys and types."""
    assert set(info) == {"source", "classes", "splits"}
    assert isinstance(info["source"], str)
    assert len(info["classes"]) == 10 and all(isinstance(c, str) for c in info["classes"])
    assert {"train", "val"} <= set(info["splits"]) <= {"train", "val", "test"}
    for split in info["splits"].values():
        assert set(split) == {"n", "per_label"}
        assert len(split["per_label"]) == 10 and sum(split["per_label"]) == split["n"]


def test_mnist_10k_json(tmp_path, mnist_dir):
    info = info_json(tmp_path, "--data-dir", str(mnist_dir))
    check_shape(info)
    train, val = info["splits"]["train"], info["splits"]["val"]
    assert train["n"] + val["n"] == 10_000
    assert np.add(train["per_label"], val["per_label"]).tolist() == MNIST_PER_LABEL
    assert "test" not in info["splits"]
    assert info["classes"] == [str(d) for d in range(10)]
    assert str(mnist_dir) in info["source"]


def test_data_dir_before_or_after_the_command(tmp_path, mnist_dir):
    after = hebbviz(tmp_path, "info", "--data-dir", str(mnist_dir))
    before = hebbviz(tmp_path, "--data-dir", str(mnist_dir), "info")
    assert after.returncode == before.returncode == 0
    assert after.stdout == before.stdout
    assert "source:" in after.stdout and "val:" in after.stdout and "test:" not in after.stdout


def test_folder_with_all_four_files_reports_test(tmp_path, mnist_dir):
    mnist = read_pair(mnist_dir)
    write_pair(tmp_path / "four", "train", mnist.subset(slice(0, 6000)))
    write_pair(tmp_path / "four", "t10k", mnist.subset(slice(6000, 10_000)))
    info = info_json(tmp_path, "--data-dir", str(tmp_path / "four"))
    check_shape(info)
    assert info["splits"]["test"] == {
        "n": 4000,
        "per_label": mnist.subset(slice(6000, None)).per_label(),
    }
    assert info["splits"]["train"]["n"] + info["splits"]["val"]["n"] == 6000


def test_fashion_mnist_reports_a_10000_image_test_split(tmp_path, fashion_dir):
    info = info_json(tmp_path, "--data-dir", str(fashion_dir))
    check_shape(info)
    assert info["splits"]["test"] == {"n": 10_000, "per_label": [1000] * 10}
    assert info["splits"]["train"]["n"] + info["splits"]["val"]["n"] == 60_000
    assert info["classes"][0] == "T-shirt/top"


def test_nothing_given_is_the_shipped_sample_even_in_an_empty_home(tmp_path):
    """HOME and the XDG folders point at an empty folder: the real digits hebbviz ships."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("HEBBVIZ_")}
    env.update({key: str(tmp_path) for key in ("HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME")})
    env["XDG_DATA_HOME"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "hebbviz", "info", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    check_shape(info)
    assert info["source"] == "MNIST sample, 10,000 digits, shipped"
    per_label = np.add(info["splits"]["train"]["per_label"], info["splits"]["val"]["per_label"])
    assert per_label.tolist() == MNIST_PER_LABEL and "test" not in info["splits"]
    assert list(tmp_path.iterdir()) == []  # reading the sample wrote nothing


IMAGES = np.random.default_rng(0).integers(0, 256, size=(20, 28, 28), dtype=np.uint8)
LABELS = (np.arange(20) % 10).astype(np.uint8)


def bad_folder(folder: Path, problem: str) -> Path:
    """A folder of train files with one problem; returns the file that has it."""
    images = write_file(folder / "train-images-idx3-ubyte.gz", idx_bytes(IMAGES))
    labels = write_file(folder / "train-labels-idx1-ubyte.gz", idx_bytes(LABELS))
    if problem == "truncated gzip":
        images.write_bytes(gzip.compress(idx_bytes(IMAGES))[:-200])
        return images
    if problem == "wrong magic":
        write_file(labels, b"\x00\x00\x08\x07" + idx_bytes(LABELS)[4:])
        return labels
    if problem == "mismatched counts":
        write_file(labels, idx_bytes(LABELS[:19]))
        return labels
    if problem == "label out of range":
        write_file(labels, idx_bytes(np.where(LABELS == 4, 11, LABELS).astype(np.uint8)))
        return labels
    raise AssertionError(problem)


@pytest.mark.parametrize(
    ("problem", "words"),
    [
        ("truncated gzip", "truncated gzip"),
        ("wrong magic", "magic number 2055, expected 2049 for uint8 labels"),
        ("mismatched counts", "19 labels for 20 images"),
        ("label out of range", "label 11 at index 4 is out of range 0-9"),
    ],
)
@pytest.mark.parametrize("json_flag", [[], ["--json"]])
def test_bad_files_exit_2_with_one_line_naming_the_file(tmp_path, problem, words, json_flag):
    bad = bad_folder(tmp_path / "bad", problem)
    result = hebbviz(tmp_path, "info", "--data-dir", str(tmp_path / "bad"), *json_flag)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("hebbviz: error: ")
    assert str(bad) in lines[0] and words in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--data-dir", "/nonexistent/digits"], "/nonexistent/digits: no such folder"),
        (["--dataset", "drawings"], "no own drawings saved yet"),
    ],
)
def test_missing_data_exit_2(tmp_path, args, words):
    result = hebbviz(tmp_path, "info", *args)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and words in lines[0], result.stderr


def test_data_options_before_and_after_the_command_must_not_conflict(tmp_path, mnist_dir):
    result = hebbviz(tmp_path, "--dataset", "synthetic", "info", "--data-dir", str(mnist_dir))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "hebbviz: error: give either a data folder or a data set name, not both"
    ]
