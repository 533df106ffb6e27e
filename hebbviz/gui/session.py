"""The session: the current model (with its lock, metadata and file), the data set, the user's own
drawings and the kernels' warm-up. The one place the model is replaced or changed outside a
training run; views and the training controller get it from here and hear about changes through
its signals."""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from PySide6.QtCore import QObject, Signal

from hebbviz import kernels
from hebbviz.data.dataset import DIGIT_CLASSES, Dataset
from hebbviz.data.drawings import DrawingStore
from hebbviz.data.sources import SAMPLE, open_dataset
from hebbviz.errors import HebbvizError
from hebbviz.gui import heatmap
from hebbviz.gui.background import run_in_background
from hebbviz.gui.preferences import Preferences
from hebbviz.modelfile import load_model, save_model
from hebbviz.models import rule_class
from hebbviz.models.base import NormClassifier

log = logging.getLogger(__name__)

DEFAULT_MODEL = "default-strokes.npz"
"""The model shipped in ``hebbviz.assets``, loaded when no other is given: rule ``strokes``, the
most accurate on the validation split (97.60% against oja's 96.30%) and as quick to answer a
drawing (see the README's "The shipped models")."""


T = TypeVar("T")


@dataclass(frozen=True)
class Reading:
    """A copy of the model to read without its lock (a training run's, see
    :attr:`~hebbviz.gui.worker.TrainingWorker.readable`), and a test of whether it still is what
    it was when it was handed out (the run reuses its memory after a while)."""

    model: NormClassifier
    intact: Callable[[], bool]


def default_model_path() -> Path:
    """Where the shipped default model is (it may be missing in a development checkout)."""
    return Path(str(resources.files("hebbviz.assets") / DEFAULT_MODEL))


@dataclass(frozen=True)
class Lesson:
    """What one teach step did: whether the model learned, and a sentence saying so."""

    learned: bool
    message: str


class Session(QObject):
    """Owns the current model and data set.

    Attributes
    ----------
    model : NormClassifier
        Read or change its arrays only inside ``with lock:`` (a training run learns in place).
    lock : threading.Lock
    metadata : dict
        The current model file's metadata (empty for an untrained model).
    path : Path or None
        The file the current model came from or was saved to.
    dataset : Dataset or None
    store : DrawingStore
        The user's own drawings (teach mode adds to them).

    Signals
    -------
    modelChanged()
        Another model is the current one.
    modelLearned(int)
        A label's network learned outside a training run (teach mode).
    datasetLoading(str)
        A data set is being opened in the background: its folder's or source's name.
    datasetChanged(), datasetFailed(str)
    kernelsReady(), kernelsFailed(str)
    notice(str)
        Something the user should read but need not answer (the status bar shows it).
    """

    modelChanged = Signal()
    modelLearned = Signal(int)
    datasetLoading = Signal(str)
    datasetChanged = Signal()
    datasetFailed = Signal(str)
    kernelsReady = Signal()
    kernelsFailed = Signal(str)
    notice = Signal(str)

    def __init__(self, preferences: Preferences, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.preferences = preferences
        self.lock = multiprocessing.get_context("spawn").Lock()
        """Held by whoever changes the model: the training process, a piece at a time, and
        teach mode."""
        self.model: NormClassifier = rule_class("oja")()
        self.metadata: dict[str, Any] = {}
        self.path: Path | None = None
        self.dataset: Dataset | None = None
        self.store = DrawingStore()
        self._taught = False  # the model learned outside a run since it was opened or saved

    # -- the model --------------------------------------------------------------------------

    def classes(self) -> tuple[str, ...]:
        """The current model's class names: from its file, else the data set's, else digits."""
        n = self.model.n_labels
        candidates = (self.metadata.get("classes"), self.dataset and self.dataset.classes)
        for names in candidates:
            if isinstance(names, list | tuple) and len(names) == n:
                return tuple(str(name) for name in names)
        return DIGIT_CLASSES if n == len(DIGIT_CLASSES) else tuple(str(i) for i in range(n))

    def set_model(
        self, model: NormClassifier, metadata: dict[str, Any] | None, path: Path | None = None
    ) -> None:
        """Make ``model`` the current one (readers that took the one before under the lock go on
        with it: nothing waits for them)."""
        self.model = model
        self.metadata = dict(metadata or {})
        self.path = path
        self._taught = False
        log.debug("model: %s %s from %s", model.rule, model.params(), path or "memory")
        self.modelChanged.emit()

    def open_model(self, path: str | Path) -> None:
        """Load a model file and make it the current (and last used) one.

        Raises
        ------
        HebbvizError
            A bad file (one line naming it); nothing changes then.
        """
        path = Path(path)
        model, metadata = load_model(path)
        self.set_model(model, metadata, path)
        self.remember_model(path)

    def save_model(self, path: str | Path) -> None:
        """Save a consistent copy of the current model with its metadata.

        Raises
        ------
        HebbvizError
            The file cannot be written (nothing half-written is left).
        """
        path = Path(path)
        self.metadata = save_model(path, self.snapshot(), self.metadata)
        self.path = path
        self._taught = False
        self.remember_model(path)

    def remember_model(self, path: Path) -> None:
        if path != default_model_path():
            self.preferences.remember_model(path)

    def load_default_model(self) -> bool:
        """Load the shipped default model; without it, an untrained one (and a notice)."""
        try:
            model, metadata = load_model(default_model_path())
        except HebbvizError as error:
            self.set_model(rule_class("oja")(), None)
            self.notice.emit(
                f"No default model ({error}): the networks are untrained. Open a model (Ctrl+O)."
            )
            return False
        self.set_model(model, metadata, default_model_path())
        return True

    def load_startup_model(self) -> None:
        """The last model used, else the default one. A remembered model that fails to load in
        any way never stops the app: the default one is loaded and a notice says why."""
        last = self.preferences.last_model()
        if last is not None and last.is_file():
            try:
                model, metadata = load_model(last)
            except Exception as error:  # noqa: BLE001 - whatever is wrong, start anyway
                reason = str(error) if isinstance(error, HebbvizError) else f"{last}: {error!r}"
                self.preferences.forget_last_model()
                self.load_default_model()
                self.notice.emit(f"Last model not loaded ({reason}); the default one is open.")
                return
            self.set_model(model, metadata, last)
            return
        self.load_default_model()

    def reset_model(self, model: NormClassifier) -> None:
        """Replace the current model by ``model``, untrained."""
        self.set_model(model, {"data_source": "untrained"})

    def unsaved(self) -> bool:
        """Whether closing or replacing the model would lose learning: trained here and not
        saved, or taught since it was opened or saved."""
        return self._taught or (self.path is None and self.trained())

    def trained(self) -> bool:
        """Whether the current model has learned any image (untrained networks answer noise).
        Without the lock: it is asked at every answer, and a run may be one piece further."""
        return bool(np.sum(self.model.seen))

    def snapshot(self) -> NormClassifier:
        """A consistent copy of the current model (safe to use in another thread)."""
        with self.lock:
            return self.model.copy()

    def answer(
        self,
        image: np.ndarray,
        copy: Reading | None = None,
        picture: str | None = None,
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Every label's norm for one framed 28x28 image, and the model's ``picture`` of it (the
        name of a model method that draws every label's map, ``"reconstructions"`` or
        ``"contributions"``; None: no maps): from ``copy`` (a training run's recent copy of the
        model), or from the current model under the lock."""

        def compute(model: NormClassifier) -> tuple[np.ndarray, np.ndarray | None]:
            norms = model.label_norms(image[None])[0]
            return norms, getattr(model, picture)(image) if picture else None

        return self._read(copy, compute)

    def firing(
        self, image: np.ndarray, copy: Reading | None = None
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """Where the current model's shared units fired on one framed 28x28 image, and the units
        (see ``NormClassifier.firing_maps``); None when its rule has none. ``copy`` as for
        :meth:`answer`."""
        return self._read(
            copy, lambda model: model.firing_maps(image) if type(model).has_firing_maps else None
        )

    def _read(self, copy: Reading | None, compute: Callable[[NormClassifier], T]) -> T:
        """``compute(model)`` from ``copy`` if it stayed intact meanwhile, else from the current
        model while holding the lock."""
        if copy is not None:
            result = compute(copy.model)
            if copy.intact():
                return result
        with self.lock:
            return compute(self.model)

    def teach(self, image: np.ndarray | None, label: int) -> Lesson:
        """One Hebbian step of ``label``'s network from the framed drawing ``image``; the drawing
        is kept in :attr:`store`. A blank canvas or a missing label teaches nothing."""
        if image is None:
            return Lesson(False, "Draw a digit first.")
        model = self.model
        if not 0 <= label < model.n_labels:
            return Lesson(False, f"This model has no label {label}.")
        with self.lock:
            before = float(model.label_norms(image[None])[0, label])
            model.learn(image, label)
            self._taught = True
            after = float(model.label_norms(image[None])[0, label])
            diverged = bool(model.diverged[label])
        name = self.classes()[label]
        try:
            count = self.store.append(np.asarray(image, dtype=np.uint8), label)
            saved = f"saved as own drawing #{count}"
        except (HebbvizError, OSError) as error:
            saved = f"not saved: {error}"
        warning = " It diverged: its answers now count as wrong." if diverged else ""
        self.modelLearned.emit(label)
        return Lesson(
            True,
            f"Taught a {name}: network {name}'s norm for this drawing {before:.3g} → {after:.3g}"
            f" ({saved}).{warning}",
        )

    # -- data -------------------------------------------------------------------------------

    def load_dataset(self, data_dir: str | Path | None = None, name: str | None = None) -> None:
        """Open a data set in the background; ``datasetChanged`` or ``datasetFailed`` follows.

        With neither argument: the last data folder used (if remembered), else the default
        source (see :func:`hebbviz.data.sources.open_dataset`). A remembered folder that fails
        to load falls back to the default source with a notice (no question asked).
        """
        remembered = None
        if data_dir is None and name is None:
            remembered = self.preferences.last_data_dir()
            data_dir = remembered

        def failed(error: BaseException) -> None:
            if remembered is not None:
                self.preferences.forget_data_dir()
                self.notice.emit(f"Last data folder not loaded ({error}); using the default data.")
                self.load_dataset(name=None, data_dir=None)
                return
            kind = "" if isinstance(error, HebbvizError) else f"{type(error).__name__}: "
            self.datasetFailed.emit(f"{kind}{error}")

        self.datasetLoading.emit(Path(data_dir).name if data_dir is not None else name or SAMPLE)
        run_in_background(
            lambda: open_dataset(data_dir, name),
            lambda dataset: self.set_dataset(dataset, data_dir),
            failed,
            "load-data",
        )

    def set_dataset(self, dataset: Dataset, data_dir: str | Path | None = None) -> None:
        """Make ``dataset`` the current one (remembering its folder, if it has one)."""
        self.dataset = dataset
        log.debug(
            "data: %s, %d training and %d validation digits",
            dataset.source,
            len(dataset.train),
            len(dataset.val),
        )
        if data_dir is not None:
            self.preferences.remember_data_dir(data_dir)
        self.datasetChanged.emit()

    # -- kernels ----------------------------------------------------------------------------

    def warm_up_kernels(self) -> None:
        """Compile the Numba kernels (the rules' and the heatmaps') in the background;
        ``kernelsReady`` follows."""
        run_in_background(
            lambda: (kernels.warm_up(), heatmap.warm_up()),
            self.mark_kernels_ready,
            lambda error: self.kernelsFailed.emit(f"{type(error).__name__}: {error}"),
            "warm-up",
        )

    def mark_kernels_ready(self, _: object = None) -> None:
        """The kernels are compiled (by :meth:`warm_up_kernels`, or before the window was made):
        ``kernelsReady`` says so."""
        self.kernelsReady.emit()
