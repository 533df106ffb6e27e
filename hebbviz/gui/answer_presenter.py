"""The answer to the drawing, shown: the framed digit, every label's bar and, while they are in
sight, the networks' maps and where the detectors fired.

The answer is computed in the background (:class:`~hebbviz.gui.answers.Answers`) when the drawing,
the model or the data set changes and, at most once a frame, while a run trains; or at once, on
this thread, when asked (:meth:`AnswerPresenter.refresh`).
"""

from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import QObject

from hebbviz.errors import HebbvizError
from hebbviz.gui.answers import Answer, Answers
from hebbviz.gui.central_view import CentralView
from hebbviz.gui.contributions import available_pictures
from hebbviz.gui.run_display import FRAME_MS
from hebbviz.gui.session import Session
from hebbviz.gui.training_controller import TrainingController
from hebbviz.training_run import Progress


class AnswerPresenter(QObject):
    """Shows every label's answer to the drawing on ``central`` (its Answer tab).

    Attributes
    ----------
    answers : Answers
        The answers computed in the background.
    """

    def __init__(
        self,
        session: Session,
        training: TrainingController,
        central: CentralView,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.session, self.training, self.central = session, training, central
        self.canvas, self.bars = central.canvas, central.bars
        self.contributions, self.firing = central.contributions, central.firing
        self.answers = Answers(session, training, central.canvas, self._wanted_details, self)
        self._answered = 0.0
        """When the answer was last asked for (time.monotonic)."""
        self._details: Answer | None = None
        """An answer whose per-pixel maps are not shown yet (they were out of sight)."""
        self.canvas.drawingChanged.connect(self.request)
        self.answers.answered.connect(self.show)
        central.tabs.currentChanged.connect(self._show_details)
        self.contributions.pictureChanged.connect(self.refresh)

    def pending(self) -> bool:
        """Whether the drawing changed since the answer shown was computed."""
        return self.answers.pending()

    def prediction(self) -> str | None:
        """The class name shown as the answer, or None (blank canvas, no answer)."""
        winner = self.bars.winner_index()
        return None if winner is None else self.bars.classes[winner]

    # -- asking -------------------------------------------------------------------------------

    def request(self) -> None:
        """Have the answer to the drawing computed in the background."""
        self._answered = time.monotonic()
        self.answers.request()

    def reanswer(self) -> None:
        """The model or the data changed: drop an answer under way, ask for a new one."""
        self.answers.forget()
        self.request()

    def follow(self, progress: Progress) -> None:
        """A run has learned more (its newest ``progress``): answer again, at most once a frame
        (and not when a stroke has just had it answered)."""
        if progress.seen and time.monotonic() - self._answered >= FRAME_MS / 1000:
            self.request()

    def refresh(self) -> None:
        """Frame the drawing and show every label's answer to it (now, on this thread)."""
        self._answered = time.monotonic()
        self.answers.forget()
        image = self.canvas.framed_image()
        if image is None:
            self.show(Answer(self.canvas.version, None))
            return
        copy = self.training.readable_model()
        norms, maps = self.session.answer(image, copy, self.contributions.picture())
        firing = self.session.firing(image, copy)
        self.show(Answer(self.canvas.version, image, norms, maps, firing))

    # -- showing ------------------------------------------------------------------------------

    def show(self, answer: Answer) -> None:
        """Show the framed drawing and every label's answer to it (the per-pixel maps when they
        are in sight: else when they come into it)."""
        self.central.framed_view.set_image(answer.image)
        self.bars.set_trained(self.session.trained())
        self.bars.set_norms(answer.norms)
        self._details = answer
        self._show_details()

    def show_maps(self, shown: bool) -> None:
        """Show or hide the networks' maps (computed again when they are shown)."""
        self.contributions.setVisible(shown)
        self.refresh()

    def show_model(self) -> None:
        """Another model is the session's: name the bars and maps by its classes, offer the
        pictures it draws, show where its detectors fire if it has them (then
        :meth:`reanswer`)."""
        model = self.session.model
        self.show_classes()
        deskewed = bool(model.params().get("deskew"))
        self.contributions.show_available(available_pictures(type(model)), deskewed)
        self.firing.setVisible(type(model).has_firing_maps)

    def show_classes(self) -> None:
        """Name the bars and maps by the session's classes (they may change with the data)."""
        classes = self.session.classes()
        if classes != self.bars.classes:
            self.bars.set_classes(classes)
            self.contributions.set_classes(classes)

    def show_digit(self, image: np.ndarray, note: str) -> None:
        """Put a 28x28 digit on the canvas with ``note`` (what it is) under it, and show the
        Answer tab with every network's answer to it."""
        self.canvas.show_digit(image)
        self.central.show_note(note)
        self.central.tabs.setCurrentWidget(self.central.answer_page)
        self.refresh()

    def show_validation_digit(self, index: int) -> None:
        """Show digit ``index`` of the validation split as :meth:`show_digit` does, its true
        label under it.

        Raises
        ------
        HebbvizError
            If there is no data set yet or the index is out of range.
        """
        dataset = self.session.dataset
        if dataset is None:
            raise HebbvizError("no data set loaded yet: cannot show a validation digit")
        count = len(dataset.val)
        if not 0 <= index < count:
            raise HebbvizError(
                f"--draw-sample {index}: the validation split has digits 0..{count - 1}"
            )
        true = self.session.classes()[dataset.val.labels[index]]
        self.show_digit(dataset.val.images[index], f"validation digit {index}, true label {true}")

    def _details_in_sight(self) -> bool:
        return self.contributions.isVisible() or self.firing.isVisible()

    def _wanted_details(self) -> str | None | bool:
        """What an answer in the background computes besides the norms: the chosen maps and
        the firing maps, or nothing while they are out of sight (for strokes they cost more
        than the norms)."""
        return self.contributions.picture() if self._details_in_sight() else False

    def _show_details(self, _: object = None) -> None:
        answer = self._details
        if answer is None or not self._details_in_sight():
            return
        self._details = None
        if not answer.detailed:  # computed out of sight: now compute them
            self.reanswer()
            return
        self.contributions.set_maps(answer.maps, self.bars.winner_index())
        self.firing.set_maps(*(answer.firing or (None, None)))
