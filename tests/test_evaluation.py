"""Scoring: accuracy, per-label accuracy, confusion, diverged samples, response matrix."""

from __future__ import annotations

import numpy as np
import pytest
from doubles import MovingCentroids, random_split

from hebbviz.evaluation import evaluate, score, win_rates


def test_score_by_hand():
    norms = np.array(
        [
            [3.0, 1.0, 0.0],  # true 0, predicted 0
            [0.0, 2.0, 1.0],  # true 1, predicted 1
            [5.0, 2.0, 1.0],  # true 1, predicted 0
            [1.0, np.nan, 0.0],  # true 2, non-finite: scored wrong, no prediction
            [0.0, 1.0, 4.0],  # true 2, predicted 2
        ]
    )
    labels = np.array([0, 1, 1, 2, 2])
    result = score(norms, labels)
    assert result.n == 5
    assert result.accuracy == 3 / 5
    np.testing.assert_allclose(result.per_label, [1.0, 0.5, 0.5])
    np.testing.assert_array_equal(result.confusion, [[1, 0, 0], [1, 1, 0], [0, 0, 1]])
    assert result.diverged == 1
    assert result.confusion.sum() + result.diverged == result.n
    np.testing.assert_allclose(result.response[0], [3.0, 1.0, 0.0])
    np.testing.assert_allclose(result.response[1], [2.5, 2.0, 1.0])
    assert np.isnan(result.response[2, 1])
    np.testing.assert_allclose(result.response[2, [0, 2]], [0.5, 2.0])


def test_label_without_samples_has_nan_accuracy():
    result = score(np.array([[1.0, 0.0, 0.0]]), np.array([0]))
    assert result.per_label[0] == 1.0
    assert np.isnan(result.per_label[1:]).all()


def test_evaluate_agrees_with_predict_in_batches():
    train, val = random_split(200), random_split(57, seed=2)
    model = MovingCentroids()
    model.learn_many(train.images, train.labels)
    counted = []
    result = evaluate(model, val, batch_size=10, progress=counted.append)
    assert counted == [10] * 5 + [7]
    assert result.accuracy == np.mean(model.predict(val.images) == val.labels)
    assert result.confusion.shape == (10, 10)
    assert result.confusion.sum() == 57
    summary = result.to_json()
    assert set(summary) == {"accuracy", "per_label", "confusion", "n", "diverged"}


def test_win_rates_among_the_label_networks_match_a_plain_loop():
    rng = np.random.default_rng(4)
    labels = np.repeat(np.arange(4), 5)
    norms = rng.uniform(1, 2, (len(labels), 4))
    norms[0, 0] = np.nan  # own network non-finite: a loss against everyone
    norms[6, 3] = np.inf  # an opponent overflowed: a loss too
    table = score(norms, labels).win_rate
    for own in range(4):
        rows = np.flatnonzero(labels == own)
        for other in range(4):
            if other == own:
                assert np.isnan(table[own, other])
                continue
            wins = [np.isfinite(norms[i, own]) and norms[i, own] > norms[i, other] for i in rows]
            assert table[own, other] == pytest.approx(100 * np.mean(wins))
    assert table[0, 1] < 100 and table[1, 3] < 100


def test_win_rates_of_a_label_without_samples_are_nan():
    table = win_rates(np.ones((3, 3)), np.array([0, 0, 2]), 3)
    assert np.isnan(table[1]).all()
    assert table[0, 1] == 0.0  # equal norms: no win
