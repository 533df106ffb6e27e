"""The training generator: progress, totals, determinism, chunking."""

from __future__ import annotations

import numpy as np
import pytest
from doubles import MovingCentroids, random_split

from hebbviz.data.dataset import Split
from hebbviz.models.oja import OjaSubspace
from hebbviz.training import epoch_order, train


def test_yields_progress_with_right_totals():
    split = random_split(95)
    model = MovingCentroids()
    snapshots = list(train(model, split, epochs=2, snapshot_every=20))
    assert [s.seen for s in snapshots] == [20, 40, 60, 80, 95, 115, 135, 155, 175, 190]
    assert all(s.total == 190 and s.epochs == 2 for s in snapshots)
    assert [s.epoch for s in snapshots] == [1] * 5 + [2] * 5
    assert [s.done for s in snapshots] == [False] * 9 + [True]
    assert model.calls == 10
    assert model.seen.sum() == 190
    assert all(s.elapsed > 0 and s.images_per_s > 0 for s in snapshots)
    assert all(s.val_accuracy is None for s in snapshots)


def test_validation_evaluated_every_n_and_at_the_end():
    split, val = random_split(100), random_split(30, seed=1)
    snapshots = list(train(MovingCentroids(), split, snapshot_every=10, val=val, eval_every=25))
    evaluated = [s.seen for s in snapshots if s.val_accuracy is not None]
    assert evaluated == [30, 50, 80, 100]
    assert all(0 <= s.val_accuracy <= 1 for s in snapshots if s.val_accuracy is not None)


def test_same_seed_same_weights_other_seed_other_weights():
    split = random_split(60)
    runs = []
    for seed in (3, 3, 4):
        model = MovingCentroids()
        for _ in train(model, split, epochs=2, seed=seed, snapshot_every=7):
            pass
        runs.append(model.weights)
    np.testing.assert_array_equal(runs[0], runs[1])
    assert not np.array_equal(runs[0], runs[2])


def test_chunking_does_not_change_the_result():
    split = random_split(83)
    chunked = MovingCentroids()
    for _ in train(chunked, split, seed=5, snapshot_every=9):
        pass
    whole = MovingCentroids()
    order = epoch_order(split.labels, np.random.default_rng([5, 1]))
    whole.learn_many(split.images[order], split.labels[order])
    np.testing.assert_array_equal(chunked.weights, whole.weights)


def test_epoch_order_is_a_permutation_and_interleaves_labels():
    labels = np.repeat(np.arange(10), [50, 10, 20, 20, 20, 20, 20, 20, 20, 40])
    order = epoch_order(labels, np.random.default_rng(0))
    assert sorted(order.tolist()) == list(range(len(labels)))
    # In every tenth of the epoch, each label has about a tenth of its images.
    for part in np.array_split(labels[order], 10):
        counts = np.bincount(part, minlength=10)
        np.testing.assert_allclose(counts, np.bincount(labels) / 10, atol=1.01)


def test_diverged_labels_are_reported():
    split = random_split(40)
    last = list(train(MovingCentroids(lr=5.0), split, epochs=200, snapshot_every=400))[-1]
    assert last.diverged == tuple(range(10))


def test_empty_split_is_refused():
    empty = Split(np.zeros((0, 28, 28), np.uint8), np.zeros(0, np.int64))
    with pytest.raises(ValueError, match="no images"):
        next(train(MovingCentroids(), empty))


def test_chunking_does_not_change_a_real_rule():
    split = random_split(120)
    chunked = OjaSubspace(k=3, lr=0.1, lr_decay=50.0, deskew=False)
    snapshots = list(train(chunked, split, epochs=2, seed=1, snapshot_every=17))
    assert snapshots[-1].seen == 240
    whole = OjaSubspace(k=3, lr=0.1, lr_decay=50.0, deskew=False)
    for epoch in (1, 2):
        order = epoch_order(split.labels, np.random.default_rng([1, epoch]))
        whole.learn_many(split.images[order], split.labels[order])
    np.testing.assert_allclose(chunked.weights, whole.weights, rtol=1e-12, atol=1e-14)
    assert chunked.seen.tolist() == whole.seen.tolist() == [24] * 10
