"""Rule ``strokes``: its kernels against their NumPy twins, its two phases, its state and views."""

from __future__ import annotations

import numpy as np
import pytest
from doubles import random_split

from hebbviz.evaluation import evaluate
from hebbviz.kernels import (
    competitive_pass,
    competitive_pass_numpy,
    detector_map,
    detector_map_numpy,
    oja_pass,
    oja_pass_numpy,
)
from hebbviz.modelfile import load_model, save_model
from hebbviz.models import rule_class
from hebbviz.models.strokes import StrokeSubspaces
from hebbviz.training import SharedLayer, train

SMALL = {"k": 4, "n_detectors": 6, "detector_patches": 300, "lr_decay": 100.0}
"""A small model that trains in a blink."""


def unit_rows(rng: np.random.Generator, n: int, d: int) -> np.ndarray:
    x = rng.random((n, d)) * (rng.random((n, d)) < 0.6)
    x[0] = 1.0
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-300)


def digit_like(rng: np.random.Generator, n: int) -> np.ndarray:
    """Images with blank margins, blank patches and strokes of varied strength; one blank."""
    images = rng.random((n, 28, 28)) * (rng.random((n, 28, 28)) < 0.3)
    images[:, :3] = 0.0
    images[:, :, 20:] = 0.0
    images[-1] = 0.0
    return images


# -- kernels ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("n_detectors", "d", "n"), [(32, 25, 400), (3, 25, 50), (1, 4, 5)])
def test_competitive_pass_matches_twin(n_detectors: int, d: int, n: int) -> None:
    rng = np.random.default_rng(n_detectors + n)
    start = unit_rows(rng, n_detectors, d)
    inputs = unit_rows(rng, n, d)
    rates = rng.uniform(0.01, 0.2, n)
    compiled, reference = start.copy(), start.copy()
    winners = competitive_pass(compiled, inputs, rates)
    twin_winners = competitive_pass_numpy(reference, inputs, rates)
    assert not np.allclose(compiled, start)
    np.testing.assert_array_equal(winners, twin_winners)
    np.testing.assert_allclose(compiled, reference, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(np.linalg.norm(compiled, axis=1), 1.0)


def test_only_the_winner_learns_and_moves_towards_the_input() -> None:
    detectors = np.eye(3)
    u = np.array([[0.6, 0.8, 0.0]])
    winners = competitive_pass(detectors, u, np.array([0.5]))
    assert winners.tolist() == [1]
    np.testing.assert_array_equal(detectors[[0, 2]], np.eye(3)[[0, 2]])
    assert detectors[1] @ u[0] > 0.8  # closer to the input than before
    assert np.linalg.norm(detectors[1]) == pytest.approx(1.0)


@pytest.mark.parametrize("block", [4, 1, 3])
@pytest.mark.parametrize("threshold", [0.75, 0.0])
def test_detector_map_matches_twin(block: int, threshold: float) -> None:
    rng = np.random.default_rng(block)
    images = digit_like(rng, 7)
    detectors = unit_rows(rng, 5, 25).reshape(5, 5, 5)
    detectors[0] *= -1  # a detector that never fires on non-negative ink
    compiled = detector_map(images, detectors, threshold, block)
    reference = detector_map_numpy(images, detectors, threshold, block)
    assert compiled.shape == (7, 5, 24 // block, 24 // block)
    assert compiled.max() > 0 and not compiled[-1].any() and not compiled[:, 0].any()
    np.testing.assert_allclose(compiled, reference, rtol=1e-12, atol=1e-14)


def test_detector_fires_only_above_the_threshold_cosine() -> None:
    image = np.zeros((1, 28, 28))
    image[0, 10, 5:20] = 2.0  # a horizontal bar
    bar = np.zeros((5, 5))
    bar[2] = 1 / np.sqrt(5)
    column = bar.T.copy()
    answers = detector_map(image, np.stack([bar, column]), 0.75, 1)[0]
    assert answers[0, 8, 5] == pytest.approx(2.0 * np.sqrt(5) * 0.25)  # cosine 1: |p| (1 - 0.75)
    assert not answers[1].any()  # the column's best cosine with a bar is 1/sqrt(5) < 0.75


def test_oja_kernel_works_for_any_input_width() -> None:
    rng = np.random.default_rng(0)
    start = rng.normal(0, 0.003, (6, 32 * 36))
    inputs = unit_rows(rng, 30, 32 * 36)
    rates = np.full(30, 0.5)
    compiled, reference = start.copy(), start.copy()
    oja_pass(compiled, inputs, rates)
    oja_pass_numpy(reference, inputs, rates)
    np.testing.assert_allclose(compiled, reference, rtol=1e-10, atol=1e-13)


# -- the model ----------------------------------------------------------------------------------


def test_registered_and_a_shared_layer() -> None:
    assert rule_class("strokes") is StrokeSubspaces
    model = StrokeSubspaces()
    assert isinstance(model, SharedLayer)
    assert model.weights.shape == (10, 32, 32 * 36)
    assert not model.shared_learned


def test_training_runs_the_detectors_first_without_labels() -> None:
    split = random_split(60)
    runs = []
    for labels in (split.labels, np.roll(split.labels, 7)):
        model = StrokeSubspaces(**SMALL)
        snapshots = list(
            train(model, type(split)(split.images, labels), epochs=2, snapshot_every=64)
        )
        runs.append(model)
        shared = [s for s in snapshots if s.stage == "shared"]
        networks = [s for s in snapshots if s.stage == "networks"]
        assert [s.stage for s in snapshots] == ["shared"] * len(shared) + ["networks"] * 2
        assert [s.shared_seen for s in shared] == [64, 128, 192, 256, 300, 364, 428, 492, 556, 600]
        assert all(s.shared_total == 600 and s.seen == 0 for s in shared)
        np.testing.assert_array_equal(shared[-1].shared_images, model.detectors)
        assert not np.array_equal(shared[0].shared_images, shared[-1].shared_images)
        assert networks[-1].seen == 120 and networks[-1].done
        assert int(model.detector_seen) == 600
    np.testing.assert_array_equal(runs[0].detectors, runs[1].detectors)  # labels play no part


def test_trained_detectors_are_left_alone_by_more_training() -> None:
    split = random_split(30)
    model = StrokeSubspaces(**SMALL)
    for _ in train(model, split):
        pass
    detectors, weights = model.detectors.copy(), model.weights.copy()
    snapshots = list(train(model, split, seed=1))
    assert all(s.stage == "networks" for s in snapshots)
    np.testing.assert_array_equal(model.detectors, detectors)
    assert not np.array_equal(model.weights, weights)


def test_teaching_one_label_changes_only_its_subspace() -> None:
    split = random_split(30)
    model = StrokeSubspaces(**SMALL)
    for _ in train(model, split):
        pass
    before = model.copy()
    model.learn(split.images[0], 4)
    changed = np.any(model.weights != before.weights, axis=(1, 2))
    assert changed.tolist() == [label == 4 for label in range(10)]
    np.testing.assert_array_equal(model.detectors, before.detectors)
    assert (model.seen - before.seen).tolist() == [int(label == 4) for label in range(10)]


def test_inputs_are_unit_rooted_detector_answers() -> None:
    split = random_split(5)
    model = StrokeSubspaces(**SMALL)
    model.start_shared(split.images, np.random.default_rng(0))  # detectors: patches of them
    inputs = model.inputs(split.images)
    answers = model.detector_answers(split.images).reshape(5, -1)
    assert inputs.shape == (5, 6 * 36)
    np.testing.assert_allclose(np.linalg.norm(inputs, axis=1), 1.0)
    np.testing.assert_allclose(
        inputs * np.linalg.norm(np.sqrt(answers), axis=1)[:, None], np.sqrt(answers)
    )
    assert not model.inputs(np.zeros((28, 28), np.uint8)).any()


def test_back_projection_places_each_detector_over_its_cell() -> None:
    model = StrokeSubspaces(**SMALL)
    f, r, c = 2, 1, 4
    one = np.zeros((1, 6, 6, 6))
    one[0, f, r, c] = 1.0
    expected = np.zeros((28, 28))
    for dr in range(4):
        for dc in range(4):
            top, left = 4 * r + dr, 4 * c + dc
            expected[top : top + 5, left : left + 5] += model.detectors[f] / 16
    np.testing.assert_allclose(model.back_projection(one.reshape(1, -1))[0], expected)
    images = model.weight_images(3)
    assert images.shape == (4, 28, 28)
    rows = model.weights[3]
    np.testing.assert_allclose(  # linear: the sum of every input's image, weighted
        images[1], np.einsum("i,ixy->xy", rows[1], model.back_projection(np.eye(6 * 36)))
    )
    np.testing.assert_array_equal(model.detector_weights(3), rows.reshape(4, 6, 6, 6))


def test_contributions_sum_to_squared_norms() -> None:
    split = random_split(40)
    model = StrokeSubspaces(**SMALL)
    for _ in train(model, split):
        pass
    shares = model.contributions(split.images[0])
    assert shares.shape == (10, 28, 28)
    assert not shares[:, :2].any() and not shares[:, :, 26:].any()
    np.testing.assert_allclose(
        shares.sum(axis=(1, 2)), model.label_norms(split.images[0])[0] ** 2, rtol=1e-10
    )
    assert not model.has_reconstructions and model.reconstructions(split.images[0]) is None


def test_model_file_round_trip(tmp_path) -> None:
    split = random_split(30)
    model = StrokeSubspaces(**SMALL, seed=3)
    for _ in train(model, split):
        pass
    save_model(tmp_path / "m.npz", model, {"data_source": "random"})
    loaded, metadata = load_model(tmp_path / "m.npz")
    assert type(loaded) is StrokeSubspaces and metadata["rule"] == "strokes"
    assert loaded.params() == model.params()
    assert int(loaded.detector_seen) == int(model.detector_seen) and loaded.shared_learned
    np.testing.assert_array_equal(loaded.detectors, model.detectors)
    np.testing.assert_array_equal(loaded.label_norms(split.images), model.label_norms(split.images))


@pytest.mark.parametrize(
    "bad",
    [
        {"n_detectors": 0},
        {"threshold": 1.0},
        {"threshold": -0.1},
        {"detector_lr": 0.0},
        {"detector_lr": 1.5},
        {"detector_lr_decay": 0.0},
        {"detector_patches": 0},
        {"detector_epochs": 0},
        {"k": 32 * 36 + 1},
    ],
)
def test_bad_hyperparameters_are_refused(bad) -> None:
    with pytest.raises(ValueError, match=next(iter(bad))):
        StrokeSubspaces(**bad)


def test_no_ink_no_detectors() -> None:
    model = StrokeSubspaces(**SMALL)
    with pytest.raises(ValueError, match="no ink"):
        model.start_shared(np.zeros((3, 28, 28), np.uint8), np.random.default_rng(0))


def test_learns_real_digits(mnist_dir) -> None:
    """A small, quick run (300 digits per label, 3 epochs) already reads most digits (94.7%)."""
    from hebbviz.data.dataset import balance
    from hebbviz.data.sources import open_folder

    mnist = open_folder(mnist_dir)
    model = StrokeSubspaces(detector_patches=20_000, detector_epochs=1)
    for _ in train(model, balance(mnist.train, 300), epochs=3):
        pass
    assert evaluate(model, mnist.val).accuracy > 0.93


def test_inputs_are_remembered_until_the_detectors_change() -> None:
    split = random_split(12)
    model = StrokeSubspaces(**SMALL)
    patches = model.start_shared(split.images, np.random.default_rng(0))
    fresh = model.inputs(split.images[:8])
    np.testing.assert_array_equal(model.inputs(split.images[4:12])[:4], fresh[4:])
    assert len(model._remembered) == 12 and len(model.copy()._remembered) == 0
    drawing = np.zeros((28, 28), np.uint8)
    drawing[6:22, 13:15] = 255
    model.label_norms(drawing[None])  # one digit, as the app answers a drawing: not kept
    assert len(model._remembered) == 12
    model.learn_shared(patches[:100])  # other detectors...
    assert not model._remembered
    changed = model.inputs(split.images[:8])  # ...other inputs
    assert not np.array_equal(changed, fresh)
    other = StrokeSubspaces(**SMALL)
    other.set_arrays(model.arrays())
    np.testing.assert_array_equal(other.inputs(split.images[:8]), changed)
    model.set_arrays(StrokeSubspaces(**SMALL).arrays())
    assert not model._remembered


@pytest.mark.parametrize(
    ("key", "value", "problem"),
    [
        ("detectors", np.ones((6, 5, 5)), "unit length"),
        ("detectors", np.full((6, 5, 5), np.nan), "unit length"),
        ("detector_seen", np.array(-1), "negative"),
    ],
)
def test_a_model_file_with_bad_detectors_is_refused(tmp_path, key, value, problem) -> None:
    from hebbviz.errors import ModelFileError

    model = StrokeSubspaces(**SMALL)
    save_model(tmp_path / "m.npz", model, {})
    arrays = dict(np.load(tmp_path / "m.npz"))
    arrays[key] = value
    np.savez(tmp_path / "bad.npz", **arrays)
    with pytest.raises(ModelFileError, match=problem):
        load_model(tmp_path / "bad.npz")
