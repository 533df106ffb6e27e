"""Rule ``itoh``: the source paper's networks, trained exactly in blocks."""

from __future__ import annotations

import copy
import warnings

import numpy as np
import pytest

from hebbviz.models.itoh import WIDTH, ItohNetworks


def _digits(n: int, seed: int = 1) -> np.ndarray:
    """Sparse random uint8 "digits" (the rule's arithmetic does not care what they depict)."""
    rng = np.random.default_rng(seed)
    ink = rng.random((n, 28, 28)) < 0.2
    return (ink * rng.integers(0, 256, (n, 28, 28))).astype(np.uint8)


def _relative(a: np.ndarray, b: np.ndarray, start: np.ndarray) -> float:
    """How far ``a`` is from ``b``, relative to how far ``b`` moved from ``start``."""
    return float(np.linalg.norm(a - b) / np.linalg.norm(b - start))


@pytest.mark.parametrize("block", [1, 4, 128])
@pytest.mark.parametrize("activation", ["relu", "step"])
@pytest.mark.parametrize("hidden_layers", [2, 3])
def test_blocked_equals_one_image_loop(hidden_layers: int, activation: str, block: int) -> None:
    """15 images per label: blocks of 4 leave a remainder, 128 is larger than a pass."""
    images = _digits(45)
    labels = np.arange(45) % 3
    blocked = ItohNetworks(hidden_layers=hidden_layers, lr=1e-3, activation=activation, block=block)
    loop = ItohNetworks(hidden_layers=hidden_layers, lr=1e-3, activation=activation)
    blocked.learn_many(images, labels)
    loop.learn_many_reference(images, labels)

    for label in range(3):
        for layer in range(hidden_layers - 1):
            assert (
                _relative(
                    blocked.weights[label, layer],
                    loop.weights[label, layer],
                    loop.hidden_init[layer],
                )
                <= 1e-9
            )
    test = _digits(20, seed=2)
    np.testing.assert_array_equal(blocked.predict(test), loop.predict(test))
    np.testing.assert_allclose(blocked.label_norms(test), loop.label_norms(test), rtol=1e-9)
    np.testing.assert_array_equal(blocked.seen, loop.seen)
    assert blocked.seen.tolist() == [15, 15, 15] + [0] * 7


def test_one_image_learn_matches_loop() -> None:
    image = _digits(1)[0]
    model, loop = ItohNetworks(lr=1e-3), ItohNetworks(lr=1e-3)
    model.learn(image, 4)
    loop.learn_many_reference(image[None], np.array([4]))
    assert _relative(model.weights[4, 0], loop.weights[4, 0], loop.hidden_init[0]) <= 1e-9
    assert model.seen[4] == 1


def test_initialisation_draw_order_and_ranges() -> None:
    model = ItohNetworks(hidden_layers=3, seed=7)
    rng = np.random.default_rng(7)
    bound = np.sqrt(6 / WIDTH)
    draws = [(rng.uniform(-bound, bound, (WIDTH, WIDTH)), rng.uniform(-1 / 28, 1 / 28, WIDTH))]
    draws += [(rng.uniform(-bound, bound, (WIDTH, WIDTH)), rng.uniform(-1 / 28, 1 / 28, WIDTH))]
    np.testing.assert_array_equal(model.first_weight, draws[0][0])
    np.testing.assert_array_equal(model.first_bias, draws[0][1])
    np.testing.assert_array_equal(model.hidden_init[0], draws[1][0])
    np.testing.assert_array_equal(model.hidden_bias[0], draws[1][1])
    for weight in (model.first_weight, model.hidden_init, model.output_weight):
        assert np.abs(weight).max() <= bound
        assert np.abs(weight).max() > 0.99 * bound
    for bias in (model.first_bias, model.hidden_bias, model.output_bias):
        assert np.abs(bias).max() <= 1 / 28
    assert not np.array_equal(model.hidden_init[0], model.hidden_init[1])
    assert not np.array_equal(ItohNetworks(seed=8).first_weight, model.first_weight)


def test_all_networks_start_identical() -> None:
    model = ItohNetworks(hidden_layers=3)
    for label in range(10):
        np.testing.assert_array_equal(model.weights[label], model.hidden_init)
        assert not np.any(model.weight_images(label))
    norms = model.label_norms(_digits(5))
    assert norms.shape == (5, 10)
    np.testing.assert_array_equal(norms, np.repeat(norms[:, :1], 10, axis=1))


def test_only_hidden_to_hidden_matrices_change() -> None:
    model = ItohNetworks(hidden_layers=3, lr=1e-3)
    fresh = ItohNetworks(hidden_layers=3, lr=1e-3)
    model.learn_many(_digits(20), np.array([2, 5] * 10))
    after, before = model.arrays(), fresh.arrays()
    for key in ("first_weight", "first_bias", "hidden_init", "hidden_bias"):
        np.testing.assert_array_equal(after[key], before[key])
    for key in ("output_weight", "output_bias"):
        np.testing.assert_array_equal(after[key], before[key])
    for label in range(10):
        for layer in range(2):
            changed = not np.array_equal(model.weights[label, layer], fresh.weights[label, layer])
            assert changed == (label in (2, 5))
    assert model.weight_images(5).shape == (WIDTH, WIDTH)
    assert np.any(model.weight_images(5, layer=1))
    assert not np.any(model.weight_images(0))


def test_divergence_is_detected_quietly() -> None:
    images, labels = _digits(40), np.arange(40) % 2
    for learn in ("learn_many", "learn_many_reference"):
        model = ItohNetworks(hidden_layers=3, lr=1e3)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            getattr(model, learn)(images, labels)
            norms = model.label_norms(images)
            predicted = model.predict(images)
        assert model.diverged[:2].all() and not model.diverged[2:].any()
        assert np.isnan(norms[:, :2]).all()
        assert (predicted == -1).all()
        seen_before = model.seen.copy()
        model.learn_many(images, labels)  # a diverged network only counts what it is shown
        np.testing.assert_array_equal(model.seen, seen_before + [20, 20, 0, 0, 0, 0, 0, 0, 0, 0])


def test_arrays_round_trip() -> None:
    model = ItohNetworks(hidden_layers=3, lr=1e-3, activation="step", seed=3, block=16)
    model.learn_many(_digits(30), np.arange(30) % 10)
    model.diverged[9] = True
    copy = ItohNetworks.from_arrays(
        model.params(), {k: v.copy() for k, v in model.arrays().items()}
    )
    assert copy.params() == model.params()
    for key, value in model.arrays().items():
        np.testing.assert_array_equal(copy.arrays()[key], value)
    test = _digits(8, seed=4)
    np.testing.assert_array_equal(copy.label_norms(test), model.label_norms(test))
    rebuilt = type(model)(**model.params())
    assert rebuilt.seen.sum() == 0


def test_copy_is_independent_and_shares_only_frozen_layers() -> None:
    model = ItohNetworks(lr=1e-3)
    twin = model.copy()
    twin.learn_many(_digits(4), np.array([1, 1, 1, 1]))
    np.testing.assert_array_equal(model.weights, ItohNetworks(lr=1e-3).weights)
    assert model.seen.sum() == 0 and twin.seen[1] == 4
    assert twin.first_weight is model.first_weight
    assert twin.weights is not model.weights


@pytest.mark.parametrize("hidden_layers", [2, 3])
def test_a_copy_for_answering_answers_as_the_networks_do(hidden_layers: int) -> None:
    """Its changes in float32 (see ``copy_for_answering``): the same winners, norms within
    1e-7."""
    model = ItohNetworks(hidden_layers=hidden_layers, lr=1e-4)
    model.learn_many(_digits(200), np.arange(200) % 10)
    layout = ItohNetworks.answering_layout(model.params())
    assert set(layout) == set(model.arrays()) - {"weights"} | {"changes_t"}
    arrays = {key: np.full(shape, 7, dtype) for key, (shape, dtype) in layout.items()}
    model.copy_for_answering(arrays)
    for key, array in model.arrays().items():  # every array written
        if key != "weights":
            np.testing.assert_array_equal(arrays[key], array)
    assert arrays["changes_t"].dtype == np.float32 and "weights" not in arrays
    form = copy.copy(model)
    form.weights = None
    for key, array in arrays.items():
        setattr(form, key, array)
    test = _digits(100, seed=5)
    exact, answered = model.label_norms(test), form.label_norms(test)
    np.testing.assert_allclose(answered, exact, rtol=1e-7)
    assert (answered.argmax(axis=1) == exact.argmax(axis=1)).all()
    form.changes_t = form.changes_t * 2  # it reads the changes, not the matrices
    assert not np.allclose(form.label_norms(test), exact, rtol=1e-7)


def test_set_arrays_rejects_wrong_keys_and_shapes() -> None:
    model = ItohNetworks()
    arrays = dict(model.arrays())
    with pytest.raises(ValueError, match="weights"):
        model.set_arrays({**arrays, "weights": np.zeros((10, 2, WIDTH, WIDTH))})
    del arrays["seen"]
    with pytest.raises(ValueError, match="seen"):
        model.set_arrays(arrays)


def test_float32_networks_learn_close_to_float64() -> None:
    images, labels = _digits(20), np.arange(20) % 2
    single, double = ItohNetworks(lr=1e-3, dtype="float32"), ItohNetworks(lr=1e-3)
    single.learn_many(images, labels)
    double.learn_many(images, labels)
    assert single.weights.dtype == np.float32
    assert _relative(single.weights[0, 0], double.weights[0, 0], double.hidden_init[0]) < 1e-3


@pytest.mark.parametrize(
    ("option", "value"),
    [("hidden_layers", 1), ("activation", "tanh"), ("dtype", "int8"), ("block", 0), ("lr", np.nan)],
)
def test_bad_hyperparameters_raise_value_error(option: str, value: object) -> None:
    with pytest.raises(ValueError, match=option):
        ItohNetworks(**{option: value})


def test_bad_labels_raise_value_error() -> None:
    with pytest.raises(ValueError, match="labels"):
        ItohNetworks().learn_many(_digits(2), np.array([0, 10]))


def test_learns_real_digits(mnist_dir) -> None:
    """100 digits per label are enough for the paper's rule to beat chance by far."""
    from hebbviz.data.dataset import balance
    from hebbviz.data.sources import open_folder

    data = open_folder(mnist_dir)
    train = balance(data.train, 100)
    model = ItohNetworks()
    model.learn_many(train.images, train.labels)
    val = data.val.images[:300], data.val.labels[:300]
    accuracy = (model.predict(val[0]) == val[1]).mean()
    assert accuracy > 0.5
