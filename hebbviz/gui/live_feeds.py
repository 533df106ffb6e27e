"""What the live views (Weights, Detectors) draw: the session's model, read under its lock when
the lock is free, and while a run trains that model, the copies the run publishes (so redrawing
never waits for the lock the run holds most of the time)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence

import numpy as np

from hebbviz.gui.detector_view import DetectorView
from hebbviz.gui.session import Session
from hebbviz.gui.training_controller import TrainingController
from hebbviz.gui.weight_view import WeightView
from hebbviz.gui.worker import TrainingWorker
from hebbviz.models.base import NormClassifier
from hebbviz.training import SharedLayer


class LiveFeeds:
    """Gives the Weights and Detectors views what they draw, as the model and its runs change.

    Attributes
    ----------
    worker : TrainingWorker or None
        The run whose copies the views draw (None: they read the model).
    """

    def __init__(
        self,
        session: Session,
        training: TrainingController,
        weights: WeightView,
        detectors: DetectorView,
    ) -> None:
        self.session, self.training = session, training
        self.weights, self.detectors = weights, detectors
        self.worker: TrainingWorker | None = None
        weights.labelsWanted.connect(self._ask_for_labels)

    def show_model(self) -> None:
        """Another model is the session's: show it, fed by the run that made it, if any (a
        run's model becomes the session's before it learns)."""
        model, worker = self.session.model, self.training.worker
        self.worker = worker = worker if worker is not None and worker.model is model else None
        self.show_classes()
        if isinstance(model, SharedLayer):
            self.detectors.show_layer(self._read_layer, model.shared_caption)
        else:
            self.detectors.show_layer(None)
        fed = worker is not None and isinstance(model, SharedLayer)
        self.detectors.set_feed((lambda: worker.shared) if fed else None)

    def show_classes(self) -> None:
        """Show the model's weights with the class names of the session (they may have changed
        with the data set)."""
        model = self.session.model
        self.weights.show_model(
            self._read_weights,
            self.session.classes(),
            type(model).weight_caption.format(rule=model.rule),
            type(model).weight_layout == "matrix",
        )
        worker = self.worker
        self.weights.set_feed((lambda: worker.weights) if worker is not None else None)
        self._ask_for_labels(self.weights.wanted_labels())

    def learned(self) -> None:
        """The model learned outside a run (teach mode): draw it again."""
        self.weights.mark_dirty()
        self.detectors.mark_dirty()

    def run_ended(self) -> None:
        """The run ended: the views read the model again, as it was left."""
        self.worker = None
        for view in (self.weights, self.detectors):
            view.set_feed(None)
            view.mark_dirty()

    def _ask_for_labels(self, labels: tuple[int, ...]) -> None:
        """Have the run publish the weight images of ``labels`` (the ones shown)."""
        if self.worker is not None:
            self.worker.weight_labels = labels

    def _read_weights(self, labels: tuple[int, ...]) -> Sequence[np.ndarray] | None:
        """Copies of the weight images of ``labels``, copied under the lock and pictured outside;
        None while the lock is taken (see :meth:`_locked`)."""
        with self._locked() as model:
            make = model.weight_images_later(labels) if model is not None else None
        return make() if make is not None else None

    def _read_layer(self) -> tuple[np.ndarray, bool] | None:
        """A copy of the shared layer's images, and whether it has learned; None while the lock
        is taken."""
        with self._locked() as model:
            return (model.shared_images(), model.shared_learned) if model is not None else None

    @contextlib.contextmanager
    def _locked(self) -> Iterator[NormClassifier | None]:
        """The session's model with its lock held, or None when someone holds the lock (a run
        learning a piece): the views try again at their next frame. The GUI thread never waits
        for the lock: a run holds it for up to a piece (25 ms, longer on a busy machine), and
        the first redraws of a new run's model waited for it (a 60-100 ms stall at restarts)."""
        lock = self.session.lock
        if not lock.acquire(False):
            yield None
            return
        try:
            yield self.session.model
        finally:
            lock.release()
