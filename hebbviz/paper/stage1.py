"""Stage 1 of the paper: Hebbian learning on Itoh's 2024 average-vector method.

Kei Itoh, "Rethinking Deep Learning: Propagating Information in Neural Networks without
Backpropagation and Statistical Optimization", arXiv:2409.03760 (2024): one network of 784-wide
fully connected layers with step activations, 0-15 hidden layers, weights from a uniform
distribution and no weight updates, maps every training digit to an output vector; each label's
mean output vector is its *reference*; a digit belongs to the label whose reference is most
similar to its output. Reported: about 80% at best, falling as layers are added. Stage 1 of
arXiv:2411.05861 lets that one network's hidden->hidden matrices learn by the Hebbian rule from
all training digits, and reports lower accuracy than without learning.

Neither paper's code is public: this is a reconstruction from their text. Choices the text
leaves open, all visible as :class:`Stage1Settings`: the layers are those of the ``itoh`` rule
(:func:`~hebbviz.models.itoh.initial_layers`: the hidden layers are activated, the output layer
is not; H=0 is the output layer alone), the similarity is cosine (option: Euclidean distance,
nearest wins), and the learning rate of the Hebbian stage is an option.

Networks of different H from one seed share their first layers (:func:`initial_layers` draws
them in order), so the network of H hidden layers is the one of H - 1 with one more layer: one
pass through the deepest network gives every shallower one's outputs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from hebbviz.data.dataset import Split
from hebbviz.models.itoh import EVAL_CHUNK, ItohNetworks, activate, initial_layers
from hebbviz.paper.progress import IsCancelled, Progress, Report
from hebbviz.preprocess import unit_norm
from hebbviz.training import train

SIMILARITIES = ("cosine", "euclidean")
ACTIVATIONS = ("step", "relu")
MAX_HIDDEN_LAYERS = 15
MIN_LEARNING_LAYERS = 2
"""The rule changes hidden->hidden matrices: a network needs two hidden layers to have one."""

Layers = list[tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class Stage1Settings:
    """The reconstruction's choices.

    Attributes
    ----------
    activation : {"step", "relu"}
        Of the hidden layers (the 2024 paper: step).
    similarity : {"cosine", "euclidean"}
        How an output is compared with the references: the largest cosine similarity, or the
        smallest Euclidean distance, wins.
    lr : float
        The Hebbian rule's learning rate for the "with learning" networks; by default 1e-7, the
        default of the author's ``update_weights`` (and his stage-2 rate). With step activations
        every active pair of units changes by ``lr`` per digit, so larger rates swamp the fixed
        weights: on mnist-10k, H=2 fell from 75% to 70% at 1e-6 and to chance at 1e-4.
    seed : int
        Seeds the layers and the order of the digits the network learns from.
    """

    activation: str = "step"
    similarity: str = "cosine"
    lr: float = 1e-7
    seed: int = 0

    def __post_init__(self) -> None:
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {', '.join(ACTIVATIONS)}")
        if self.similarity not in SIMILARITIES:
            raise ValueError(f"similarity must be one of {', '.join(SIMILARITIES)}")
        if not np.isfinite(self.lr):
            raise ValueError(f"lr must be a finite number, got {self.lr}")


@dataclass(frozen=True)
class Stage1Result:
    """Accuracy (fraction right) per number of hidden layers, without and with learning.

    Attributes
    ----------
    settings : dict
    hidden_layers : list of int
    without_learning : list of float
    with_learning : list of float or None
        None where the network has no hidden->hidden matrix to learn (H < 2).
    """

    settings: dict[str, Any]
    hidden_layers: list[int]
    without_learning: list[float]
    with_learning: list[float | None]

    def to_json(self) -> dict[str, Any]:
        """``{"settings", "results": [{"hidden_layers", "without_learning", "with_learning"}]}``."""
        return {
            "settings": self.settings,
            "results": [
                {"hidden_layers": h, "without_learning": without, "with_learning": learned}
                for h, without, learned in zip(
                    self.hidden_layers, self.without_learning, self.with_learning, strict=True
                )
            ],
        }


def layer_outputs(inputs: np.ndarray, layers: Layers, activation: str) -> Iterator[np.ndarray]:
    """Every layer's pre-activation for a batch of unit-norm inputs, shape (n, 784) each.

    The k-th array is the output of the network whose output layer is ``layers[k]`` (the layers
    before it hidden and activated). Each array is handed out before it is activated in place
    for the next layer: use it before asking for the next.
    """
    h = inputs
    for weight, bias in layers:
        z = h @ weight.T
        z += bias
        yield z
        h = activate(z, activation)


def similarities(outputs: np.ndarray, references: np.ndarray, similarity: str) -> np.ndarray:
    """How similar each output (n, d) is to each reference (n_labels, d): larger is more similar.

    ``cosine``: the cosine of the angle (0 for a zero vector); ``euclidean``: minus the distance.
    """
    if similarity == "cosine":
        norms = np.linalg.norm(outputs, axis=1)[:, None] * np.linalg.norm(references, axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            cosine = (outputs @ references.T) / norms
        return np.where(norms > 0, cosine, 0.0)
    squared = (
        (outputs**2).sum(axis=1)[:, None]
        - 2 * outputs @ references.T
        + (references**2).sum(axis=1)[None, :]
    )
    return -np.sqrt(np.maximum(squared, 0))


def depth_accuracies(
    layers: Layers,
    depths: Sequence[int],
    train_split: Split,
    eval_split: Split,
    settings: Stage1Settings,
    n_labels: int = 10,
    progress: Progress | None = None,
) -> dict[int, float]:
    """The average-vector method's accuracy for the networks whose output layer is
    ``layers[d]``, for every ``d`` in ``depths`` (one pass through ``layers[: max(depths) + 1]``).

    References: each label's mean output over ``train_split``; an evaluation digit is right when
    its output is most similar to its own label's reference. A non-finite output scores wrong.
    """
    with np.errstate(all="ignore"):  # a diverged network's outputs are non-finite: scored wrong
        return _depth_accuracies(
            layers, sorted(set(depths)), train_split, eval_split, settings, n_labels, progress
        )


def _depth_accuracies(
    layers: Layers,
    depths: list[int],
    train_split: Split,
    eval_split: Split,
    settings: Stage1Settings,
    n_labels: int,
    progress: Progress | None,
) -> dict[int, float]:
    layers = layers[: depths[-1] + 1]
    sums = np.zeros((len(depths), n_labels, layers[0][0].shape[0]))
    for images, labels in _chunks(train_split):
        one_hot = np.eye(n_labels)[labels]
        for k, z in enumerate(_at_depths(images, layers, depths, settings.activation)):
            sums[k] += one_hot.T @ z
        if progress is not None:
            progress.advance(len(labels))
    counts = np.bincount(train_split.labels, minlength=n_labels)[:n_labels]
    references = sums / counts[None, :, None]
    present = counts > 0
    right = np.zeros(len(depths))
    for images, labels in _chunks(eval_split):
        for k, z in enumerate(_at_depths(images, layers, depths, settings.activation)):
            score = similarities(z, references[k][present], settings.similarity)
            best = np.flatnonzero(present)[np.argmax(score, axis=1)]
            finite = np.isfinite(score).all(axis=1)
            right[k] += np.sum((best == labels) & finite)
        if progress is not None:
            progress.advance(len(labels))
    accuracy = right / len(eval_split) if len(eval_split) else np.zeros(len(depths))
    return {depth: float(a) for depth, a in zip(depths, accuracy, strict=True)}


def _chunks(split: Split) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    for start in range(0, len(split), EVAL_CHUNK):
        yield (
            unit_norm(split.images[start : start + EVAL_CHUNK]),
            split.labels[start : start + EVAL_CHUNK],
        )


def _at_depths(
    inputs: np.ndarray, layers: Layers, depths: list[int], activation: str
) -> Iterator[np.ndarray]:
    """The outputs at ``depths`` (sorted) only, from one pass."""
    wanted = set(depths)
    for depth, z in enumerate(layer_outputs(inputs, layers, activation)):
        if depth in wanted:
            yield z


def learned_layers(
    hidden_layers: int,
    train_split: Split,
    settings: Stage1Settings,
    progress: Progress | None = None,
) -> Layers:
    """The network of ``hidden_layers`` (>= 2) after its hidden->hidden matrices learned from
    every digit of ``train_split`` (one pass, shuffled), by the ``itoh`` rule's kernels.

    The network is an :class:`~hebbviz.models.itoh.ItohNetworks` of one network that learns
    from all digits, whatever their label.
    """
    model = ItohNetworks(
        n_labels=1,
        hidden_layers=hidden_layers,
        lr=settings.lr,
        activation=settings.activation,
        seed=settings.seed,
    )
    everything = Split(images=train_split.images, labels=np.zeros(len(train_split), np.int64))
    seen = 0
    for snapshot in train(model, everything, seed=settings.seed):
        if progress is not None:
            progress.advance(snapshot.seen - seen)
        seen = snapshot.seen
    return [
        (model.first_weight, model.first_bias),
        *zip(model.weights[0], model.hidden_bias, strict=True),
        (model.output_weight, model.output_bias),
    ]


def run_stage1(
    train_split: Split,
    eval_split: Split,
    hidden_layers: Sequence[int] = range(MAX_HIDDEN_LAYERS + 1),
    settings: Stage1Settings = Stage1Settings(),
    n_labels: int = 10,
    *,
    report: Report | None = None,
    cancelled: IsCancelled | None = None,
    partial: Callable[[Stage1Result], None] | None = None,
) -> Stage1Result:
    """Stage 1 end to end: the average-vector method's accuracy per number of hidden layers,
    with the network's weights fixed, and after Hebbian learning (H >= 2).

    Progress counts images: one pass over both splits for all fixed networks, then for each
    learning network its training pass and a pass over both splits. ``partial(result)``, if
    given, gets the result so far after each of these pieces (``with_learning`` None where a
    network has not learned yet), for a figure that fills in as the work goes on.
    """
    hidden_layers = sorted(set(hidden_layers))
    if not hidden_layers or hidden_layers[0] < 0:
        raise ValueError("hidden_layers must be a non-empty list of counts >= 0")
    learning = [h for h in hidden_layers if h >= MIN_LEARNING_LAYERS]
    both = len(train_split) + len(eval_split)
    progress = Progress(both + len(learning) * (len(train_split) + both), report, cancelled)
    fixed = initial_layers(hidden_layers[-1] + 1, settings.seed)
    without = depth_accuracies(
        fixed, hidden_layers, train_split, eval_split, settings, n_labels, progress
    )
    with_learning: dict[int, float] = {}

    def result() -> Stage1Result:
        return Stage1Result(
            settings={**asdict(settings), "train_images": len(train_split)},
            hidden_layers=hidden_layers,
            without_learning=[without[h] for h in hidden_layers],
            with_learning=[with_learning.get(h) for h in hidden_layers],
        )

    for h in learning:
        if partial is not None:
            partial(result())
        layers = learned_layers(h, train_split, settings, progress)
        with_learning |= depth_accuracies(
            layers, [h], train_split, eval_split, settings, n_labels, progress
        )
    return result()
