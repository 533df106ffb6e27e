"""The paper's stages in the Qt-free core: exact checks on tiny cases, properties on real digits."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest
from doubles import random_split
from idx_files import read_pair

from hebbviz.data.dataset import Split, balance, split_validation
from hebbviz.models.itoh import initial_layers
from hebbviz.paper.progress import Cancelled
from hebbviz.paper.stage1 import (
    Stage1Settings,
    depth_accuracies,
    learned_layers,
    run_stage1,
    similarities,
)
from hebbviz.paper.stage2 import CONTROLS, Stage2Settings, networks_split, run_stage2, win_rates
from hebbviz.preprocess import unit_norm


@pytest.fixture(scope="module")
def real_digits(mnist_dir):
    """A small balanced training split (40 per label) and 300 validation digits."""
    digits = read_pair(mnist_dir).subset(slice(0, 1000))
    train, val = split_validation(digits, 0.3)
    return balance(train, 40), val


# -- stage 2 -------------------------------------------------------------------------------------


def test_win_rates_match_a_plain_loop():
    rng = np.random.default_rng(1)
    n_labels = 4
    labels = np.repeat(np.arange(n_labels), 6)
    norms = rng.uniform(1, 2, (len(labels), n_labels + 3))
    norms[0, 0] = np.nan  # own network non-finite: a loss against everyone
    norms[7, 2] = np.inf  # an opponent overflowed: a loss too
    norms[8, n_labels + 1] = np.nan  # an opponent NaN: a loss
    result = win_rates(norms, labels, {})
    opponents = [n_labels, n_labels + 1, n_labels + 2, *range(n_labels)]
    for label in range(n_labels):
        for j, opponent in enumerate(opponents):
            if opponent == label:
                assert np.isnan(result.win_rate[label, j])
                continue
            wins = [
                bool(np.isfinite(norms[i, label]) and norms[i, label] > norms[i, opponent])
                for i in np.flatnonzero(labels == label)
            ]
            assert result.win_rate[label, j] == pytest.approx(100 * np.mean(wins))
    assert result.win_rate[0, 0] < 100  # the NaN own norm counted as a loss
    others = result.win_rate[:, len(CONTROLS) :]
    assert result.mean_over_labels == pytest.approx(np.nanmean(others, axis=1))
    assert result.n.tolist() == [6] * n_labels


def test_win_rates_json():
    norms = np.arange(2 * 5, dtype=float).reshape(2, 5)
    result = win_rates(norms, np.array([0, 1]), {"lr": 1e-7}).to_json()
    assert list(result) == ["settings", "labels", "columns", "win_rate", "n", "mean_over_labels"]
    assert result["columns"] == ["all-data", "untrained", "uniform", "0", "1"]
    assert result["labels"] == [0, 1]
    assert result["win_rate"][0][3] is None and result["win_rate"][1][4] is None
    assert result["win_rate"][1] == [0.0, 0.0, 0.0, 100.0, None]  # 6 beats 5; loses to 7, 8, 9
    assert result["n"] == [1, 1]


def test_networks_split_gives_each_network_its_digits():
    split = random_split(200, seed=3)
    settings = Stage2Settings(uniform_fraction=0.1, seed=5)
    networks = networks_split(split, settings)
    counts = np.bincount(networks.labels, minlength=13)
    assert counts[:10].tolist() == split.per_label()
    assert counts[10] == len(split)  # all-data: every digit
    assert counts[11] == 0  # untrained: none
    assert counts[12] == 10 * 2  # uniform: 10% of each label's 20
    uniform = networks.images[networks.labels == 12]
    mine = {image.tobytes() for image in split.images}
    assert all(image.tobytes() in mine for image in uniform)
    again = networks_split(split, settings)
    assert np.array_equal(again.images, networks.images)  # the seed decides the sample


def test_stage2_label_networks_beat_the_untrained_one_on_their_own_digits(real_digits):
    train, val = real_digits
    seen = []
    result = run_stage2(train, val, Stage2Settings(), report=lambda d, t: seen.append((d, t)))
    assert result.win_rate.shape == (10, 13)
    assert np.isnan(result.win_rate[np.arange(10), 3 + np.arange(10)]).all()
    assert result.n.sum() == len(val)
    untrained = result.win_rate[:, CONTROLS.index("untrained")]
    assert (untrained > 50).all(), untrained  # learning lengthens a network's own answers
    assert np.nanmean(result.mean_over_labels) > 50  # a network answers most to its own label
    assert seen[-1][0] == seen[-1][1] and all(a[0] <= b[0] for a, b in pairwise(seen))


def test_stage2_stops_when_cancelled(real_digits):
    train, val = real_digits
    calls = []

    def cancelled():
        calls.append(1)
        return len(calls) > 1

    with pytest.raises(Cancelled):
        run_stage2(train, val, cancelled=cancelled)
    assert len(calls) == 2


# -- stage 1 -------------------------------------------------------------------------------------


def plain_accuracy(layers, train: Split, val: Split, settings: Stage1Settings) -> float:
    """The average-vector method for one network, written out: one digit at a time."""

    def output(image):
        h = unit_norm(image[None])[0]
        for weight, bias in layers[:-1]:
            z = weight @ h + bias
            h = (z > 0).astype(float) if settings.activation == "step" else np.maximum(z, 0)
        weight, bias = layers[-1]
        return weight @ h + bias

    references = np.array(
        [
            np.mean([output(x) for x in train.images[train.labels == label]], axis=0)
            for label in range(10)
        ]
    )
    right = 0
    for image, label in zip(val.images, val.labels, strict=True):
        y = output(image)
        if settings.similarity == "cosine":
            score = references @ y / (np.linalg.norm(references, axis=1) * np.linalg.norm(y))
        else:
            score = -np.linalg.norm(references - y, axis=1)
        right += int(np.argmax(score) == label)
    return right / len(val)


@pytest.mark.parametrize(
    "settings",
    [Stage1Settings(), Stage1Settings(activation="relu", similarity="euclidean", seed=2)],
)
def test_depth_accuracies_match_plain_networks_of_every_depth(settings, real_digits):
    train, val = real_digits
    train, val = balance(train, 8), val.subset(slice(0, 60))
    depths = [0, 1, 3]
    got = depth_accuracies(initial_layers(4, settings.seed), depths, train, val, settings)
    for depth in depths:
        expected = plain_accuracy(initial_layers(depth + 1, settings.seed), train, val, settings)
        assert got[depth] == pytest.approx(expected), depth


def test_similarities():
    outputs = np.array([[1.0, 0.0], [0.0, 0.0], [3.0, 4.0]])
    references = np.array([[2.0, 0.0], [0.0, 1.0]])
    cosine = similarities(outputs, references, "cosine")
    assert cosine == pytest.approx(np.array([[1, 0], [0, 0], [0.6, 0.8]]))
    distance = similarities(outputs, references, "euclidean")
    assert distance == pytest.approx(
        -np.array([[1, np.sqrt(2)], [2, 1], [np.sqrt(17), np.sqrt(18)]])
    )


def test_stage1_without_and_with_learning(real_digits):
    train, val = real_digits
    result = run_stage1(train, val, [0, 1, 2])
    assert result.hidden_layers == [0, 1, 2]
    assert result.with_learning[:2] == [None, None]  # nothing to learn below two hidden layers
    assert 0 <= result.with_learning[2] <= 1
    assert all(a > 0.3 for a in result.without_learning)  # well above chance on 40 per label
    rows = result.to_json()["results"]
    assert [list(row) for row in rows] == [
        ["hidden_layers", "without_learning", "with_learning"]
    ] * 3


def test_learning_changes_only_the_hidden_matrices(real_digits):
    train, _ = real_digits
    settings = Stage1Settings(lr=1e-6)
    fixed = initial_layers(4, settings.seed)
    learned = learned_layers(3, train, settings)
    assert len(learned) == 4
    for k in (0, 3):  # the first and the output layer stay
        assert np.array_equal(learned[k][0], fixed[k][0])
    for k in (1, 2):
        assert not np.array_equal(learned[k][0], fixed[k][0])
        assert np.array_equal(learned[k][1], fixed[k][1])  # biases never learn
