"""The protocol every norm-based classifier follows.

Each of ``n_labels`` small networks learns only from images of its own label, with a local Hebbian
rule. To classify, every network answers the input; the label whose output vector has the largest
L2 norm wins ("norm-based cognition").
"""

from __future__ import annotations

import copy
import inspect
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from typing import Any, ClassVar, Self

import numpy as np

from hebbviz.models.hyperparameters import positive

Layout = dict[str, tuple[tuple[int, ...], np.dtype]]
"""The key, shape and dtype of every array a model holds (see :meth:`NormClassifier.arrays`)."""


def winning_labels(norms: np.ndarray) -> np.ndarray:
    """The label with the largest norm per row of ``norms`` (n, n_labels); -1 where any norm of
    the row is non-finite (scored wrong, as in the paper)."""
    finite = np.isfinite(norms)
    winners = np.argmax(np.where(finite, norms, -np.inf), axis=1)
    return np.where(finite.all(axis=1), winners, -1)


def check_arrays(rule: str, layout: Layout, arrays: dict[str, np.ndarray]) -> None:
    """``ValueError`` naming the first key, shape or dtype of ``arrays`` that ``layout`` (of a
    model of ``rule``) does not expect."""
    missing = sorted(layout.keys() - arrays.keys())
    extra = sorted(arrays.keys() - layout.keys())
    if missing or extra:
        problem = f"missing arrays {missing}" if missing else f"unexpected arrays {extra}"
        raise ValueError(f"{rule}: {problem}")
    for key, (shape, dtype) in layout.items():
        got = np.asarray(arrays[key])
        if got.shape != tuple(shape) or got.dtype != dtype:
            raise ValueError(
                f"{rule} array {key!r} is {got.dtype} {got.shape}, expected "
                f"{np.dtype(dtype)} {tuple(shape)}"
            )


COPY_SLICE_BYTES = 1 << 20
"""Arrays larger than this are copied this much at a time (see ``NormClassifier.copy``)."""


def sliced_copy(array: np.ndarray) -> np.ndarray:
    """A copy of ``array`` made ``COPY_SLICE_BYTES`` or so at a time (see ``copy``)."""
    if not array.flags.c_contiguous:
        return array.copy()
    out = np.empty(array.shape, array.dtype)
    flat_in, flat_out = array.reshape(-1), out.reshape(-1)
    step = max(1, COPY_SLICE_BYTES // array.itemsize)
    for start in range(0, flat_in.size, step):
        flat_out[start : start + step] = flat_in[start : start + step]
    return out


class NormClassifier(ABC):
    """Per-label Hebbian networks read out by the norm of their answers.

    All image arguments are raw uint8 digits, shape (n, 28, 28) (or (28, 28) for one image),
    ink high; each model does its own preprocessing (unit norm, optional deskewing).

    Attributes
    ----------
    rule : str
        The rule's name in the CLI and in model files: ``"itoh"``, ``"oja"``, ``"sanger"``.
    n_labels : int
    seen : ndarray of int64, shape (n_labels,)
        How many images each label's network has learned from.
    diverged : ndarray of bool, shape (n_labels,)
        Networks whose weights became non-finite; their answers score wrong.
    lr : float
        The learning rate: a finite number above zero for every rule, checked here whenever it
        is set (``ValueError`` otherwise).
    """

    rule: ClassVar[str]

    # What the app needs to know about a rule (its GUI reads these and checks no rule names).
    default_epochs: ClassVar[int] = 1
    """How many epochs the app suggests for a run."""
    balanced_by_default: ClassVar[bool] = True
    """Whether the app suggests equal image counts per label (norms that grow with the number of
    updates need them)."""
    internal_params: ClassVar[frozenset[str]] = frozenset({"n_labels", "block"})
    """Constructor parameters that are no hyperparameters a user should set."""
    param_choices: ClassVar[dict[str, tuple[str, ...]]] = {}
    """Hyperparameters that take one of a few named values, with those values."""
    weight_layout: ClassVar[str] = "tiles"
    """How the app shows :meth:`weight_images`: ``"tiles"`` (every label's (k, 28, 28) rows as
    tiles, all labels at once) or ``"matrix"`` (one chosen label's 2-D matrix)."""
    weight_caption: ClassVar[str] = ""
    """What the weight view shows, in a sentence or two for people."""
    live_val_per_label: ClassVar[int | None] = None
    """Validation digits per label the live accuracy curve scores while training (None: all of
    them; a rule with a heavy forward pass takes fewer, so measuring never stalls training)."""
    has_contributions: ClassVar[bool] = False
    """Whether :meth:`contributions` gives a per-pixel reading."""
    has_reconstructions: ClassVar[bool] = False
    """Whether :meth:`reconstructions` redraws a drawing as every label's network sees it."""
    has_firing_maps: ClassVar[bool] = False
    """Whether :meth:`firing_maps` shows where the units of a layer shared by all labels fired
    on a drawing (the app's Answer view shows them then)."""

    n_labels: int
    seen: np.ndarray
    diverged: np.ndarray

    @property
    def lr(self) -> float:
        return self._lr

    @lr.setter
    def lr(self, value: float) -> None:
        self._lr = positive("lr", value)

    @abstractmethod
    def learn_many(self, images: np.ndarray, labels: np.ndarray) -> None:
        """Learn from each image once, in the given order, inside compiled code."""

    def _checked_labels(self, labels: np.ndarray, n_images: int) -> np.ndarray:
        """``labels`` as int64, shape (n_images,); ``ValueError`` if the count or a label is off."""
        labels = np.asarray(labels, dtype=np.int64).reshape(-1)
        if len(labels) != n_images:
            raise ValueError(f"{n_images} images but {len(labels)} labels")
        if len(labels) and (labels.min() < 0 or labels.max() >= self.n_labels):
            raise ValueError(f"labels must be in 0..{self.n_labels - 1}")
        return labels

    def learn(self, image: np.ndarray, label: int) -> None:
        """One Hebbian step of ``label``'s network from one image (the app's teach mode)."""
        self.learn_many(np.asarray(image)[None], np.array([label], dtype=np.int64))

    @abstractmethod
    def label_norms(self, images: np.ndarray) -> np.ndarray:
        """The L2 norm of every label's answer to every image, shape (n, n_labels).

        Non-finite where a network diverged.
        """

    def predict(self, images: np.ndarray) -> np.ndarray:
        """The winning label per image; -1 where any answer is non-finite (scored wrong)."""
        return winning_labels(self.label_norms(images))

    @abstractmethod
    def params(self) -> dict[str, Any]:
        """The hyperparameters, JSON-serialisable; ``type(self)(**params())`` rebuilds the
        untrained model."""

    @abstractmethod
    def arrays(self) -> dict[str, np.ndarray]:
        """The learned state to save (including ``seen`` and ``diverged``)."""

    @classmethod
    def from_arrays(cls, params: dict[str, Any], arrays: dict[str, np.ndarray]) -> Self:
        """Rebuild a model from :meth:`params` and :meth:`arrays`."""
        model = cls(**params)
        model.set_arrays(arrays)
        return model

    @classmethod
    def with_defaults(cls, params: dict[str, Any]) -> dict[str, Any]:
        """``params`` completed with the constructor's defaults; ``TypeError`` for a name the
        constructor does not take."""
        bound = inspect.signature(cls).bind(**params)
        bound.apply_defaults()
        return bound.arguments

    @classmethod
    def array_layout(cls, params: dict[str, Any]) -> Layout:
        """The key, shape and dtype of every array :meth:`arrays` of ``cls(**params)`` holds.

        Model files are checked against it before a model is built, so that a file's metadata
        cannot make hebbviz allocate more than the file holds. Rules override it to compute the
        layout from the size parameters alone (``ValueError`` naming a bad one, ``TypeError`` for
        an unknown one); this fallback builds the model.
        """
        return {key: (a.shape, a.dtype) for key, a in cls(**params).arrays().items()}

    @classmethod
    def answering_layout(cls, params: dict[str, Any]) -> Layout:
        """The layout of what :meth:`copy_for_answering` writes (by default
        :meth:`array_layout`)."""
        return cls.array_layout(params)

    def copy_for_answering(self, out: dict[str, np.ndarray]) -> None:
        """Write into ``out`` (arrays of :meth:`answering_layout`) what a copy made to answer
        drawings while a run trains needs (the app sets them on a model without its arrays;
        see :mod:`hebbviz.trainer_process`): here every array of :meth:`arrays` that ``out``
        has. A rule may write a lighter form that :meth:`label_norms` also reads."""
        for key, array in self.arrays().items():
            if key in out:
                np.copyto(out[key], array)

    def set_arrays(self, arrays: dict[str, np.ndarray]) -> None:
        """Restore the learned state: copied into the model's own arrays where it has them (so
        that another process mapping them sees it, see :mod:`hebbviz.trainer_process`), else
        into new ones; raises ``ValueError`` naming a wrong key, shape or dtype (see
        :func:`check_arrays`)."""
        layout = self.array_layout(self.params())
        check_arrays(self.rule, layout, arrays)
        for key in layout:
            own, given = getattr(self, key, None), np.asarray(arrays[key])
            if (
                isinstance(own, np.ndarray)
                and (own.shape, own.dtype) == (given.shape, given.dtype)
                and own.flags.carray
                and own.flags.writeable
            ):
                np.copyto(own, given)
            else:
                setattr(self, key, np.array(given, order="C"))

    @abstractmethod
    def weight_images(self, label: int) -> np.ndarray:
        """What to show of ``label``'s network as a heatmap (a copy, safe to hand to a view).

        Subspace rules: the weight rows as 28x28 images, shape (k, 28, 28). ``itoh``: the learned
        hidden->hidden matrix's change since initialisation, shape (784, 784).
        """

    def weight_images_later(self, labels: Sequence[int]) -> Callable[[], tuple[np.ndarray, ...]]:
        """:meth:`weight_images` of ``labels`` in two steps, so that a heavy picture never holds
        the model lock: call this under the lock (it copies what the pictures need), then the
        function it returns anywhere (it makes them). Here the pictures are made at once; a rule
        whose pictures take long overrides it."""
        images = tuple(self.weight_images(label) for label in labels)
        return lambda: images

    def firing_maps(self, image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Where every shared unit fired on one framed drawing (when :attr:`has_firing_maps`).

        Returns
        -------
        maps : ndarray, shape (n_units, 28, 28)
            Each unit's answer at each pixel (the centre of the window it looked at).
        units : ndarray, shape (n_units, h, w)
            What each unit looks for, as a small image.
        """
        raise NotImplementedError(f"rule {self.rule} has no shared units")

    def contributions(self, image: np.ndarray) -> np.ndarray | None:
        """Per-pixel contributions to each label's squared norm, shape (n_labels, 28, 28), or
        None where the rule has no honest per-pixel reading."""
        return None

    def reconstructions(self, image: np.ndarray) -> np.ndarray | None:
        """Every label's network's redrawing of one framed drawing, shape (n_labels, 28, 28),
        each of L2 norm equal to that label's norm (its bar); None where the rule has no such
        picture (see :attr:`has_reconstructions`)."""
        return None

    def copy(self) -> Self:
        """An independent deep copy (for snapshots the GUI can read while training goes on).

        Large arrays are copied a slice at a time: one 50 MB copy (itoh's weights) would hold
        Python's GIL for tens of milliseconds, and a GUI thread waiting for it that long.
        """
        copies = {
            id(value): sliced_copy(value)
            for value in vars(self).values()
            if isinstance(value, np.ndarray) and value.nbytes > COPY_SLICE_BYTES
        }
        return copy.deepcopy(self, copies)
