"""A tiny stand-in classifier for testing the training loop, evaluation and model files; a
training run in a thread, and what it reports."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from hebbviz.models.base import NormClassifier
from hebbviz.run_control import RunControl
from hebbviz.training_run import Step, TrainingRun


class MovingCentroids(NormClassifier):
    """Each label's network is one vector that moves towards every image it learns from.

    The result depends on the order of the images (so seeds matter), but not on how a pass is cut
    into ``learn_many`` calls. A learning rate above 1 makes the vectors blow up (diverge).
    """

    rule = "centroids"
    balanced_by_default = False
    default_epochs = 1

    def __init__(self, n_labels: int = 10, lr: float = 0.1) -> None:
        self.n_labels = n_labels
        self.lr = lr
        self.weights = np.zeros((n_labels, 784))
        self.seen = np.zeros(n_labels, dtype=np.int64)
        self.diverged = np.zeros(n_labels, dtype=bool)
        self.calls = 0

    def learn_many(self, images: np.ndarray, labels: np.ndarray) -> None:
        self.calls += 1
        x = images.reshape(len(images), -1) / 255.0
        with np.errstate(over="ignore", invalid="ignore"):
            for image, label in zip(x, labels, strict=True):
                self.weights[label] += self.lr * (image - self.weights[label])
        self.seen += np.bincount(labels, minlength=self.n_labels)
        self.diverged[:] = ~np.isfinite(self.weights).all(axis=1)  # in place, as a rule must

    def label_norms(self, images: np.ndarray) -> np.ndarray:
        x = images.reshape(len(images), -1) / 255.0
        with np.errstate(over="ignore", invalid="ignore"):
            return np.abs(x @ self.weights.T)

    def params(self) -> dict[str, Any]:
        return {"n_labels": self.n_labels, "lr": self.lr}

    def arrays(self) -> dict[str, np.ndarray]:
        return {"weights": self.weights, "seen": self.seen, "diverged": self.diverged}

    def weight_images(self, label: int) -> np.ndarray:
        return self.weights[label].reshape(1, 28, 28).copy()


class OutOfInk(MovingCentroids):
    """Fails as soon as it learns."""

    rule = "out-of-ink"

    def learn_many(self, images: np.ndarray, labels: np.ndarray) -> None:
        raise RuntimeError("out of ink")


def random_split(n: int, seed: int = 0, n_labels: int = 10):
    """``n`` random uint8 images with labels cycling over ``n_labels``, shuffled."""
    from hebbviz.data.dataset import Split

    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.arange(n) % n_labels).astype(np.int64)
    images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
    return Split(images=images, labels=labels)


def random_dataset(train: int, val: int):
    """A data set of random digits: ``train`` training and ``val`` validation images."""
    from hebbviz.data.dataset import DIGIT_CLASSES, Dataset

    return Dataset(
        "random test digits", DIGIT_CLASSES, random_split(train), random_split(val, seed=2)
    )


class Recorder:
    """A sink that keeps everything it is handed."""

    def __init__(self) -> None:
        self.models: list = []
        self.snapshots: list = []
        self.steps: list[Step] = []
        self.errors: list[str] = []
        self.progress: list = []
        self.pictures: list = []
        self.shared_states: list = []
        self.readables: list = []

    def prepared(self, model) -> None:
        self.models.append(model)
        self.readables.append({key: a.copy() for key, a in model.arrays().items()})

    def yielded(self, snapshot) -> None:
        self.snapshots.append(snapshot)

    def stepped(self, step) -> None:
        self.steps.append(step)

    def errored(self, message) -> None:
        self.errors.append(message)

    def progressed(self, progress) -> None:
        self.progress.append(progress)

    def pictured(self, weights) -> None:
        self.pictures.append(weights)

    def shared(self, state) -> None:
        self.shared_states.append(state)

    def readable(self, model) -> None:
        self.readables.append(model.copy())


def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


class Started:
    """A run in a thread of its own."""

    def __init__(self, model, split, lock=None, **kwargs) -> None:
        self.model = model
        self.sink = Recorder()
        rate, paused = kwargs.pop("rate", None), kwargs.pop("paused", False)
        self.control = RunControl(rate, paused)
        self.run = TrainingRun(
            model, lock or threading.Lock(), split, self.sink, control=self.control, **kwargs
        )
        self.thread = threading.Thread(target=self.run.run, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.control.stop()
        self.thread.join(5)
        assert not self.thread.is_alive(), "the run did not stop within 5 s"
