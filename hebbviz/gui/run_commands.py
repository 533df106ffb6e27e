"""Start, Step and Reset, from the Training dock's buttons or the menu: a new model replaces the
current one only once the user may lose it (see :class:`~hebbviz.gui.unsaved.UnsavedGuard`)."""

from __future__ import annotations

from hebbviz.gui.training_controller import TrainingController
from hebbviz.gui.training_panel import TrainingPanel
from hebbviz.gui.unsaved import UnsavedGuard


class RunCommands:
    """The commands that start or replace a run, with the dock's settings.

    Parameters
    ----------
    training : TrainingController
    panel : TrainingPanel
        Where the settings come from.
    unsaved : UnsavedGuard
        Asks before an unsaved model is replaced.
    """

    def __init__(
        self, training: TrainingController, panel: TrainingPanel, unsaved: UnsavedGuard
    ) -> None:
        self.training, self.panel, self.unsaved = training, panel, unsaved

    def start(self) -> None:
        """Train a new model with the dock's settings (asking first if the current one has
        unsaved changes)."""
        if self.unsaved.may_replace("Start trains a new model"):
            self.training.start(self.panel.settings())

    def step(self) -> None:
        """Learn one image (a new paused run if none is active: asking first, as Start)."""
        if self.training.running or self.unsaved.may_replace("Step starts a new model"):
            self.training.step(self.panel.settings())

    def reset(self) -> None:
        """Replace the model by an untrained one (asking first if it has unsaved changes)."""
        if self.unsaved.may_replace("Reset replaces the model by an untrained one"):
            self.training.reset(self.panel.settings())

    def toggle_pause(self) -> None:
        """Pause the run, or let it go on (as the dock's Pause/Resume button)."""
        self.panel.pause(not self.panel.pause_button.isChecked())
