"""Model files: round trips, atomic saving, and every kind of bad file refused in one line."""

from __future__ import annotations

import errno
import gzip
import json
import os
import stat
import tracemalloc

import numpy as np
import pytest
from doubles import MovingCentroids, random_split

from hebbviz import modelfile
from hebbviz.cli import main
from hebbviz.errors import ModelFileError
from hebbviz.modelfile import load_model, save_model
from hebbviz.models import rule_class


@pytest.fixture
def centroids_rule(monkeypatch):
    """Register the test double as a rule, as the real ones are."""
    monkeypatch.setitem(modelfile.RULES, "centroids", "doubles:MovingCentroids")
    monkeypatch.setattr(modelfile, "rule_class", lambda rule: MovingCentroids)


@pytest.fixture
def trained(centroids_rule):
    split = random_split(50)
    model = MovingCentroids(lr=0.2)
    model.learn_many(split.images, split.labels)
    return model


@pytest.fixture
def saved(tmp_path, trained):
    path = tmp_path / "model.npz"
    save_model(path, trained, {"data_source": "random", "val_accuracy": 0.5})
    return path


def test_round_trip(saved, trained):
    model, metadata = load_model(saved)
    assert type(model) is type(trained)
    assert model.params() == trained.params()
    for key, value in trained.arrays().items():
        np.testing.assert_array_equal(model.arrays()[key], value)
    assert metadata["rule"] == "centroids"
    assert metadata["data_source"] == "random"
    assert metadata["val_accuracy"] == 0.5
    assert metadata["seen"] == trained.seen.tolist()
    assert metadata["format_version"] == modelfile.FORMAT_VERSION
    assert {"created", "hebbviz_version", "params"} <= metadata.keys()


def test_diverged_network_may_hold_non_finite_weights(tmp_path, centroids_rule):
    model = MovingCentroids()
    model.weights[3] = np.inf
    model.diverged[3] = True
    save_model(tmp_path / "m.npz", model, {})
    loaded, _ = load_model(tmp_path / "m.npz")
    assert loaded.diverged.tolist() == model.diverged.tolist()


def _rewrite(path, change_metadata=None, change_arrays=None):
    """Rewrite a saved model file with its metadata or arrays changed."""
    with np.load(path) as npz:
        arrays = {key: npz[key] for key in npz.files}
    metadata = json.loads(str(arrays.pop(modelfile.METADATA_KEY)))
    if change_metadata:
        change_metadata(metadata)
    if change_arrays:
        change_arrays(arrays)
    np.savez(path, **arrays, **{modelfile.METADATA_KEY: np.array(json.dumps(metadata))})


def _truncate(path):
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _scramble(path):
    data = bytearray(path.read_bytes())
    data[100:4000] = np.random.default_rng(0).integers(0, 256, 3900, dtype=np.uint8).tobytes()
    path.write_bytes(bytes(data))


BAD_FILES = {
    "truncated": (_truncate, "not a readable model file"),
    "corrupt": (_scramble, "model file"),
    "text": (lambda p: p.write_text("hello"), "not an .npz archive"),
    "gzip": (lambda p: p.write_bytes(gzip.compress(b"IDX data")), "not an .npz archive"),
    "foreign npz": (lambda p: np.savez(p, x=np.zeros(3)), "not a hebbviz model file"),
    "newer format": (
        lambda p: _rewrite(p, lambda m: m.update(format_version=99)),
        "newer hebbviz",
    ),
    "unknown rule": (lambda p: _rewrite(p, lambda m: m.update(rule="magic")), "unknown rule"),
    "bad params": (
        lambda p: _rewrite(p, lambda m: m["params"].update(width=3)),
        "bad hyperparameters",
    ),
    "missing array": (lambda p: _rewrite(p, None, lambda a: a.pop("weights")), "missing arrays"),
    "wrong shape": (
        lambda p: _rewrite(p, None, lambda a: a.update(weights=np.zeros((10, 5)))),
        r"expected float64 \(10, 784\)",
    ),
    "wrong dtype": (
        lambda p: _rewrite(p, None, lambda a: a.update(seen=a["seen"].astype(np.float32))),
        "array 'seen'",
    ),
    "non-finite": (
        lambda p: _rewrite(p, None, lambda a: a["weights"].__setitem__((2, 5), np.nan)),
        "non-finite",
    ),
    "negative counts": (
        lambda p: _rewrite(p, None, lambda a: a["seen"].__setitem__(0, -1)),
        "negative",
    ),
}


@pytest.mark.parametrize("kind", BAD_FILES)
def test_bad_file_is_refused_in_one_line(saved, kind):
    spoil, message = BAD_FILES[kind]
    spoil(saved)
    with pytest.raises(ModelFileError, match=message) as caught:
        load_model(saved)
    text = str(caught.value)
    assert str(saved) in text
    assert "\n" not in text


def test_missing_file(tmp_path):
    with pytest.raises(ModelFileError, match="no such model file"):
        load_model(tmp_path / "nope.npz")


def test_failed_save_leaves_old_file_and_no_temp(saved, trained, monkeypatch):
    before = saved.read_bytes()

    def full_disk(file, **arrays):
        file.write(b"PK\x03\x04 half a model")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(modelfile.np, "savez", full_disk)
    with pytest.raises(ModelFileError, match="No space left on device"):
        save_model(saved, trained, {})
    assert saved.read_bytes() == before
    assert [p.name for p in saved.parent.iterdir()] == [saved.name]


def test_save_into_missing_folder(tmp_path, trained):
    with pytest.raises(ModelFileError, match="cannot write"):
        save_model(tmp_path / "no" / "such" / "m.npz", trained, {})


REAL_RULES = {
    "itoh": {"n_labels": 3, "hidden_layers": 3, "lr": 1e-3, "seed": 2},
    "oja": {"n_labels": 3, "k": 4, "lr": 0.05, "lr_decay": 100.0, "deskew": False, "seed": 1},
    "sanger": {"n_labels": 3, "k": 4, "lr": 0.02, "seed": 1},
}


@pytest.mark.parametrize("rule", REAL_RULES)
def test_round_trip_per_rule(tmp_path, rule):
    split = random_split(30, n_labels=3)
    model = rule_class(rule)(**REAL_RULES[rule])
    model.learn_many(split.images, split.labels)
    save_model(tmp_path / "m.npz", model, {"data_source": "random"})
    loaded, metadata = load_model(tmp_path / "m.npz")
    assert type(loaded) is type(model)
    assert metadata["rule"] == rule
    assert loaded.params() == model.params()
    assert loaded.seen.tolist() == [10, 10, 10]
    np.testing.assert_array_equal(loaded.label_norms(split.images), model.label_norms(split.images))
    for key, value in model.arrays().items():
        np.testing.assert_array_equal(loaded.arrays()[key], value)


def test_cli_refuses_a_bad_model_file_in_one_line(tmp_path, capsys):
    bad = tmp_path / "bad.npz"
    np.savez(bad, x=np.zeros(3))
    assert main(["eval", "--model", str(bad), "--dataset", "synthetic"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert str(bad) in err and "not a hebbviz model file" in err


@pytest.fixture(scope="module")
def real_files(tmp_path_factory):
    """A small saved model of each real rule, to spoil the metadata of."""
    folder = tmp_path_factory.mktemp("real")
    files = {}
    for rule in ("itoh", "oja"):
        files[rule] = folder / f"{rule}.npz"
        save_model(files[rule], rule_class(rule)(**REAL_RULES[rule]), {})
    return files


BAD_PARAMS = {
    "a billion labels": ("oja", {"n_labels": 1_000_000_000, "k": 784}, r"expected .*1000000000"),
    "400 hidden layers": ("itoh", {"hidden_layers": 400}, r"expected .*\(3, 399, 784, 784\)"),
    "30 hidden layers": ("itoh", {"hidden_layers": 30}, r"expected .*\(3, 29, 784, 784\)"),
    "itoh billion labels": ("itoh", {"n_labels": 10**9}, r"expected .*1000000000"),
    "lr text": ("oja", {"lr": "abc"}, "lr must be a finite number, got 'abc'"),
    "itoh lr text": ("itoh", {"lr": "abc"}, "lr must be a finite number, got 'abc'"),
    "itoh lr negative": ("itoh", {"lr": -10}, "lr must be a positive number"),
    "deskew text": ("oja", {"deskew": "no"}, "deskew must be true or false, got 'no'"),
    "k text": ("oja", {"k": "4"}, "k must be a whole number, got '4'"),
    "n_labels bool": ("oja", {"n_labels": True}, "n_labels must be a whole number"),
    "hidden_layers float": ("itoh", {"hidden_layers": 3.5}, "hidden_layers must be a whole"),
    "dtype unknown": ("itoh", {"dtype": "float16"}, "dtype must be one of"),
}


@pytest.mark.parametrize("case", BAD_PARAMS)
def test_bad_hyperparameters_are_refused_before_anything_is_built(tmp_path, real_files, case):
    rule, change, message = BAD_PARAMS[case]
    path = tmp_path / "m.npz"
    path.write_bytes(real_files[rule].read_bytes())
    _rewrite(path, lambda m: m["params"].update(change))
    tracemalloc.start()
    try:
        with pytest.raises(ModelFileError, match=message) as caught:
            load_model(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(caught.value).startswith(f"{path}: ") and "\n" not in str(caught.value)
    # the file's arrays are read (itoh: about 30 MB); no model of the metadata's size is built
    assert peak < 3 * path.stat().st_size + 10_000_000


@pytest.mark.parametrize("rule", REAL_RULES)
def test_array_layout_is_that_of_the_built_model(rule):
    for params in (REAL_RULES[rule], {}):
        model = rule_class(rule)(**params)
        layout = type(model).array_layout(params)
        assert layout == {key: (a.shape, a.dtype) for key, a in model.arrays().items()}


def test_a_saved_model_gets_normal_permissions(tmp_path, trained):
    old = os.umask(0o022)
    try:
        save_model(tmp_path / "m.npz", trained, {})
    finally:
        os.umask(old)
    assert stat.filemode((tmp_path / "m.npz").stat().st_mode) == "-rw-r--r--"
