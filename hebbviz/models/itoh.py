"""Rule ``itoh``: the source paper's per-label Hebbian networks, reproduced exactly.

Kei Itoh, "Rethinking Deep Learning: Non-backpropagation and Non-optimization Machine Learning
Approach Using Hebbian Neural Networks", arXiv:2411.05861 (2024).

Every label has a network of ``H`` hidden layers ``Linear(784 -> 784) + activation`` and an output
``Linear(784 -> 784)`` without activation. Only the ``H - 1`` hidden->hidden matrices learn: per
image, after one forward pass that records every activation ``a_0`` (the unit-norm input) ...
``a_H``, each ``W_i`` (mapping ``a_i`` to ``a_{i+1}``, ``i = 1 .. H-1``) takes
``dW = lr * outer(a_{i+1}, a_i)``, ``W_i += dW``, ``W_i -= sum(|dW|) / W_i.size``. The first
layer, the output layer and all biases never change. An image belongs to the label whose network
answers with the largest L2 norm.

All ten networks start identical (one seed), so the frozen layers and the starting learning
matrices are stored once and shared; only the learning matrices are kept per label.
"""

from __future__ import annotations

import copy
from typing import Any, ClassVar, Self

import numpy as np

from hebbviz.kernels import (
    itoh_apply_update,
    itoh_block_corrections,
    itoh_changes_product,
    itoh_transposed_changes,
)
from hebbviz.models.base import Layout, NormClassifier, sliced_copy
from hebbviz.models.hyperparameters import choice, integer
from hebbviz.preprocess import unit_norm

WIDTH = 784
"""Every layer of the paper's networks is 784 wide, like the input."""

ACTIVATIONS = ("relu", "step")
DTYPES = ("float64", "float32")
EVAL_CHUNK = 1024
"""Images per forward pass in :meth:`ItohNetworks.label_norms` (bounds the memory it takes)."""

SMALL_BLOCK = 8
"""Blocks of at most this many images apply their update in one compiled pass over the matrix
(:func:`~hebbviz.kernels.itoh_apply_update`; a busy app learns one image per piece), larger ones
with BLAS's matrix product. Measured on 784 x 784 float64: 1 image 0.3 ms instead of 1.9, 8
images 0.65 instead of 1.4, 43 images 3.1 instead of 2.0 (float32: even at 8 images)."""


def initial_layers(
    n_layers: int, seed: int, dtype: str = "float64"
) -> list[tuple[np.ndarray, np.ndarray]]:
    """The paper's initialisation of a stack of ``n_layers`` 784-wide ``Linear`` layers.

    ``numpy.random.default_rng(seed)`` draws, for each layer from the input to the output in
    turn, its weight matrix (``(out, in)``, row-major) from ``U(-sqrt(6/784), +sqrt(6/784))``
    (Kaiming-uniform for ReLU), then its bias from ``U(-1/28, +1/28)``. A longer stack starts
    with the same layers as a shorter one from the same seed.

    Returns
    -------
    list of (weight, bias)
        Shapes (784, 784) and (784,), in ``dtype``.
    """
    rng = np.random.default_rng(seed)
    bound = np.sqrt(6.0 / WIDTH)
    layers = []
    for _ in range(n_layers):
        weight = rng.uniform(-bound, bound, (WIDTH, WIDTH)).astype(dtype)
        layers.append((weight, rng.uniform(-1.0 / 28, 1.0 / 28, WIDTH).astype(dtype)))
    return layers


def activate(z: np.ndarray, activation: str) -> np.ndarray:
    """A hidden layer's activation of pre-activations ``z``: ReLU (in place) or step
    (``x > 0 -> 1 else 0``, a new array of ``z``'s dtype)."""
    if activation == "step":
        return (z > 0).astype(z.dtype)
    return np.maximum(z, 0, out=z)


class ItohNetworks(NormClassifier):
    """The source paper's ten Hebbian networks, trained with an exact blocked scheme.

    :meth:`learn_many` processes each label's images in blocks of ``block``: the block's
    pre-activations and input dot products come from BLAS matrix products, a Numba kernel
    (:func:`hebbviz.kernels.itoh_block_corrections`) adds the sequential corrections, and one
    matrix product applies the block's update (a compiled pass for blocks of up to
    ``SMALL_BLOCK`` images). The weights are those of the paper's one-image
    loop (:meth:`learn_many_reference`) up to rounding.

    Parameters
    ----------
    n_labels : int
        How many networks (one per label).
    hidden_layers : int
        ``H >= 2`` hidden layers; ``H - 1`` hidden->hidden matrices learn.
    lr : float
        The Hebbian learning rate, above zero.
    activation : {"relu", "step"}
        Of the hidden layers; step is ``x > 0 -> 1 else 0``.
    seed : int
        Seeds the initialisation, the same for every network.
    dtype : {"float64", "float32"}
        Of weights and activations (the paper uses float64).
    block : int
        Images per block in :meth:`learn_many`; changes speed only, not the result.

    Attributes
    ----------
    weights : ndarray, shape (n_labels, H - 1, 784, 784)
        The learning hidden->hidden matrices, ``(out, in)``: ``a_{i+1} = act(W_i a_i + b_i)``.
    seen, diverged : ndarray, shape (n_labels,)
        See :class:`~hebbviz.models.base.NormClassifier`.
    changes_t : ndarray of float32, shape (n_labels, H - 1, 784, 784), or None
        Only in a copy made to answer drawings (see :meth:`copy_for_answering`), whose
        ``weights`` are None.

    Notes
    -----
    Defaults: H=2, lr=1e-4, ReLU, as in the paper. On the validation split of mnist-10k (777
    training images per label) they score 71.0%; smaller rates reach at most 71.7% (lr <= 3e-6),
    the limit where the ten networks' norms differ by ever less (0.13% at 1e-5, 1.3% at 1e-4).
    H=3 scores 66.1% at lr=1e-4; the step activation stays below 25%.

    Initialisation: :func:`initial_layers` with ``H + 1`` layers. Re-seeding before each network
    would draw the same numbers again, so one draw serves all networks.
    """

    rule: ClassVar[str] = "itoh"
    balanced_by_default: ClassVar[bool] = True
    """Norms grow with the number of updates a network got: train on equal per-label counts."""
    default_epochs: ClassVar[int] = 1
    """The paper shows every image once."""
    param_choices: ClassVar[dict[str, tuple[str, ...]]] = {
        "activation": ACTIVATIONS,
        "dtype": DTYPES,
    }
    weight_layout: ClassVar[str] = "matrix"
    weight_caption: ClassVar[str] = (
        "Change of the chosen label's hidden->hidden weights since initialisation (rows: "
        "receiving unit, columns: sending unit). The first layer is fixed and random, so hidden "
        "units are not pixels: this change has no faithful 28x28 picture."
    )
    live_val_per_label: ClassVar[int | None] = 20
    """Its forward pass is heavy: 20 digits per label for the live curve."""

    def __init__(
        self,
        n_labels: int = 10,
        hidden_layers: int = 2,
        lr: float = 1e-4,
        activation: str = "relu",
        seed: int = 0,
        dtype: str = "float64",
        block: int = 128,
    ) -> None:
        self.n_labels, self.hidden_layers, self.dtype = self._sizes(n_labels, hidden_layers, dtype)
        self.lr = lr
        self.activation = choice("activation", activation, ACTIVATIONS)
        self.seed = integer("seed", seed, 0)
        self.block = integer("block", block, 1)

        layers = initial_layers(self.hidden_layers + 1, self.seed, dtype)
        self.first_weight, self.first_bias = layers[0]
        self.hidden_init = np.stack([w for w, _ in layers[1:-1]])
        self.hidden_bias = np.stack([b for _, b in layers[1:-1]])
        self.output_weight, self.output_bias = layers[-1]
        # Every label starts from the same matrices: a broadcast copy, which NumPy makes without
        # holding the GIL (np.repeat holds it for the whole copy, 100s of MB at H=15: a GUI
        # thread beside it would stall as long)
        self.weights = np.empty((self.n_labels, *self.hidden_init.shape), self.hidden_init.dtype)
        self.weights[...] = self.hidden_init
        self.seen = np.zeros(self.n_labels, dtype=np.int64)
        self.diverged = np.zeros(self.n_labels, dtype=bool)
        self.changes_t: np.ndarray | None = None

    @staticmethod
    def _sizes(n_labels: Any, hidden_layers: Any, dtype: Any) -> tuple[int, int, str]:
        """The checked size parameters: ``n_labels`` networks of ``hidden_layers`` in ``dtype``.

        ``hidden_layers`` must be at least 2: the first hidden->hidden matrix is the one that
        learns."""
        return (
            integer("n_labels", n_labels, 1),
            integer("hidden_layers", hidden_layers, 2),
            choice("dtype", dtype, DTYPES),
        )

    @classmethod
    def array_layout(cls, params: dict[str, Any]) -> Layout:
        """See :meth:`NormClassifier.array_layout`; computed from ``n_labels``,
        ``hidden_layers`` and ``dtype``."""
        params = cls.with_defaults(params)
        n_labels, hidden_layers, dtype = cls._sizes(
            params["n_labels"], params["hidden_layers"], params["dtype"]
        )
        real = np.dtype(dtype)
        matrix, vector = (WIDTH, WIDTH), (WIDTH,)
        learning = (hidden_layers - 1, *matrix)
        return {
            "weights": ((n_labels, *learning), real),
            "seen": ((n_labels,), np.dtype(np.int64)),
            "diverged": ((n_labels,), np.dtype(bool)),
            "hidden_init": (learning, real),
            "hidden_bias": ((hidden_layers - 1, WIDTH), real),
            "first_weight": (matrix, real),
            "first_bias": (vector, real),
            "output_weight": (matrix, real),
            "output_bias": (vector, real),
        }

    # -- learning -------------------------------------------------------------------------------

    def learn_many(self, images: np.ndarray, labels: np.ndarray) -> None:
        """Learn from each image once, in the given order, with the exact blocked scheme.

        Each label's network sees its own images in their order (the networks are independent,
        so grouping by label changes nothing). A network whose weights become non-finite is
        marked in :attr:`diverged` and learns no more.
        """
        inputs, labels = self._prepare(images, labels)
        update = np.empty((WIDTH, WIDTH), dtype=self.dtype)
        with np.errstate(all="ignore"):
            for label in np.unique(labels):
                mine = inputs[labels == label]
                self.seen[label] += len(mine)
                if not self.diverged[label]:
                    self._learn_blocked(int(label), mine, update)
                    self._check_divergence(int(label))

    def learn_many_reference(self, images: np.ndarray, labels: np.ndarray) -> None:
        """The paper's plain one-image NumPy loop: the reference :meth:`learn_many` reproduces.

        Slow (several matrix-vector products and a full pass over every learning matrix per
        image); kept for tests and for ``hebbviz bench``. The output layer, which plays no part
        in learning, is not evaluated.
        """
        inputs, labels = self._prepare(images, labels)
        n_entries = WIDTH * WIDTH
        with np.errstate(all="ignore"):
            for x, label in zip(inputs, labels, strict=True):
                activations = [self._activate(self.first_weight @ x + self.first_bias)]
                for w, b in zip(self.weights[label], self.hidden_bias, strict=True):
                    activations.append(self._activate(w @ activations[-1] + b))
                for i, w in enumerate(self.weights[label]):
                    delta = self.lr * np.outer(activations[i + 1], activations[i])
                    w += delta
                    w -= np.abs(delta).sum() / n_entries
                self.seen[label] += 1
            for label in np.unique(labels):
                self._check_divergence(int(label))

    def _learn_blocked(self, label: int, inputs: np.ndarray, update: np.ndarray) -> None:
        """One pass of ``label``'s network over ``inputs`` (unit norm), block by block;
        ``update`` is scratch space of a learning matrix's shape."""
        decay = self.lr / (WIDTH * WIDTH)
        step = self.activation == "step"
        for start in range(0, len(inputs), self.block):
            h = self._first_layer(inputs[start : start + self.block])
            for w, b in zip(self.weights[label], self.hidden_bias, strict=True):
                z = h @ w.T
                z += b
                total = itoh_block_corrections(
                    z, h @ h.T, np.abs(h).sum(axis=1), self.lr, decay, step
                )
                if len(z) <= SMALL_BLOCK:  # one pass over w (a busy app learns 1 image a piece)
                    itoh_apply_update(w, z, h, self.lr, total)
                else:
                    np.matmul((self.lr * z).T, h, out=update)
                    update -= total
                    w += update
                if not (np.isfinite(total) and np.isfinite(z).all()):
                    return  # diverged: the weights are non-finite now, and stay so
                h = z

    def _check_divergence(self, label: int) -> None:
        if not np.isfinite(self.weights[label]).all():
            self.diverged[label] = True

    # -- answering ------------------------------------------------------------------------------

    def label_norms(self, images: np.ndarray) -> np.ndarray:
        """The L2 norm of every network's output for every image, shape (n, n_labels).

        NaN for the networks marked diverged; inf where an output overflows.
        """
        inputs = self._inputs(images)
        norms = np.empty((len(inputs), self.n_labels))
        with np.errstate(all="ignore"):
            for start in range(0, len(inputs), EVAL_CHUNK):
                first = self._first_layer(inputs[start : start + EVAL_CHUNK])
                last = first[None]  # every label's layer in one product: the GIL goes once
                for layer, b in enumerate(self.hidden_bias):
                    last = self._hidden(last, layer)
                    last += b
                    last = self._activate(last)
                # the output layer is shared: one product for all labels reads it once
                out = last.reshape(-1, last.shape[-1]) @ self.output_weight.T + self.output_bias
                out = out.reshape(self.n_labels, len(first), -1)
                norms[start : start + EVAL_CHUNK] = np.linalg.norm(out, axis=2).T
        norms[:, self.diverged] = np.nan
        return norms

    def _hidden(self, last: np.ndarray, layer: int) -> np.ndarray:
        """Every label's product of learning matrix ``layer`` with ``last`` (shape (1 or
        n_labels, n, 784)): from the matrices, or in a copy made to answer drawings (see
        :meth:`copy_for_answering`) from the frozen start and each label's change."""
        if self.weights is not None:
            return np.matmul(last, self.weights[:, layer].transpose(0, 2, 1))
        changed = np.empty((self.n_labels, *last.shape[1:]))
        itoh_changes_product(last, self.changes_t[:, layer], changed)
        changed += last @ self.hidden_init[layer].T
        return changed

    @classmethod
    def answering_layout(cls, params: dict[str, Any]) -> Layout:
        """As :meth:`array_layout`, with ``changes_t`` (float32) in place of ``weights``."""
        layout = cls.array_layout(params)
        shape, _ = layout.pop("weights")
        return {"changes_t": (shape, np.dtype(np.float32)), **layout}

    def copy_for_answering(self, out: dict[str, np.ndarray]) -> None:
        """:meth:`arrays` with each learning matrix's change since initialisation, transposed
        and in float32, in place of the matrices (``changes_t``), written into ``out``.

        An answer to a drawing then reads a quarter of the memory: half the bytes, and only the
        rows of the inputs that are not zero (ReLU zeroes about half). The change is small
        beside the start (which the answer multiplies in full precision, summing in float64),
        so the norms stay within about 1e-10 of the exact ones (a trained model: the same
        winner for each of the 999 validation digits, norms within 3e-11; a drawing's answer
        5.1-5.3 ms instead of 7.2-9.4). Making it takes about twice a plain copy (the
        transposition), so a run makes it about half as often (see ``COPY_SHARE``).
        """
        itoh_transposed_changes(self.weights, self.hidden_init, out["changes_t"])
        super().copy_for_answering(out)  # the arrays kept as they are

    def weight_images(self, label: int, layer: int = 0) -> np.ndarray:
        """The change of ``label``'s learning matrix ``layer`` since initialisation, (784, 784).

        Row ``j`` is how unit ``j`` of the next layer now weighs the 784 units of the previous
        one. For ``H = 2`` there is one learning matrix; for ``H > 2`` the default ``layer=0``
        is the first (hidden layer 1 -> 2), the one nearest the input. In float32 (subtracted
        in the networks' precision, rounded once): plenty for a heatmap, and half the bytes to
        copy at every redraw while training.
        """
        change = np.empty((WIDTH, WIDTH), np.float32)
        return np.subtract(
            self.weights[label, layer], self.hidden_init[layer], out=change, casting="same_kind"
        )

    # -- state ----------------------------------------------------------------------------------

    def params(self) -> dict[str, Any]:
        return {
            "n_labels": self.n_labels,
            "hidden_layers": self.hidden_layers,
            "lr": self.lr,
            "activation": self.activation,
            "seed": self.seed,
            "dtype": self.dtype,
            "block": self.block,
        }

    def arrays(self) -> dict[str, np.ndarray]:
        """The learned matrices and counts, plus the shared frozen layers and starting matrices
        (saved too, so a model file never depends on the random generator's stream)."""
        return {
            "weights": self.weights,
            "seen": self.seen,
            "diverged": self.diverged,
            "hidden_init": self.hidden_init,
            "hidden_bias": self.hidden_bias,
            "first_weight": self.first_weight,
            "first_bias": self.first_bias,
            "output_weight": self.output_weight,
            "output_bias": self.output_bias,
        }

    def copy(self) -> Self:
        """An independent copy; the frozen layers, never written in place, are shared."""
        twin = copy.copy(self)
        twin.weights = sliced_copy(self.weights)  # 46 MB at H=2: see NormClassifier.copy
        twin.seen = self.seen.copy()
        twin.diverged = self.diverged.copy()
        return twin

    # -- helpers --------------------------------------------------------------------------------

    def _inputs(self, images: np.ndarray) -> np.ndarray:
        """Unit-norm rows, shape (n, 784), in the model's dtype."""
        return unit_norm(images).astype(self.dtype, copy=False)

    def _prepare(self, images: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        inputs = self._inputs(images)
        return inputs, self._checked_labels(labels, len(inputs))

    def _activate(self, z: np.ndarray) -> np.ndarray:
        return activate(z, self.activation)

    def _first_layer(self, inputs: np.ndarray) -> np.ndarray:
        """The frozen first layer's activations of a batch, shape (n, 784), C-contiguous."""
        return self._activate(inputs @ self.first_weight.T + self.first_bias)
