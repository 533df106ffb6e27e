"""Start the app, or build its window offscreen and save a screenshot."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from hebbviz.errors import HebbvizError
from hebbviz.memory import exempt_startup_objects, limit_arenas

SCREENSHOT_SIZE = (1920, 1000)
"""Window size of ``--screenshot`` pictures: a full-HD screen's worth."""


def application():  # noqa: ANN202 (QApplication is imported lazily, after the platform is set)
    """The QApplication (created once), with pyqtgraph configured."""
    from PySide6.QtWidgets import QApplication

    from hebbviz.gui import style
    from hebbviz.gui.theme import ThemeFollower

    limit_arenas()  # before the app's threads start
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName(style.ORGANIZATION)
    app.setApplicationName(style.APPLICATION)
    app.setApplicationDisplayName("hebbviz")
    app.setDesktopFileName(style.APPLICATION)  # hebbviz.desktop (Wayland matches it by name)
    app.setWindowIcon(style.app_icon())
    style.configure_pyqtgraph()
    if getattr(app, "theme", None) is None:
        app.theme = ThemeFollower(app)  # light or dark, as the system is (kept with the app)
    return app


def run_app(args: argparse.Namespace) -> int:
    """Open the main window (``hebbviz`` with no command); returns the exit status.

    Parameters
    ----------
    args : argparse.Namespace
        ``model`` (a model file, else the last one used, else the shipped default),
        ``data_dir`` / ``dataset`` (see :func:`hebbviz.commands.common.dataset_from_args`),
        ``screenshot`` (a PNG path: build the window offscreen, save it, exit) with ``view``
        and ``size`` (what to show, at what size), and ``draw_sample`` (a validation digit to
        put on the canvas first).

    Raises
    ------
    HebbvizError
        A bad model file, data folder or sample number given on the command line.
    """
    if args.screenshot is not None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QMessageBox

    from hebbviz.gui.main_window import MainWindow
    from hebbviz.modelfile import load_model

    data_dir = getattr(args, "data_dir", None)
    name = getattr(args, "dataset", None)
    given = load_model(args.model) if args.model else None  # a bad file: exit 2, one line
    app = application()
    window = MainWindow(remember=args.screenshot is None)
    session = window.session
    if given is not None:
        session.set_model(*given, Path(args.model))
        session.remember_model(Path(args.model))
    else:
        session.load_startup_model()
    if args.screenshot is not None:
        try:
            save_screenshot(
                window,
                Path(args.screenshot),
                args.draw_sample,
                data_dir,
                name,
                args.size or SCREENSHOT_SIZE,
                args.view or "answer",
            )
        finally:
            window.close()
            window.deleteLater()
        return 0
    if args.draw_sample is not None:

        def draw_sample() -> None:  # once, when the data set has loaded
            session.datasetChanged.disconnect(draw_sample)
            try:
                window.answer.show_validation_digit(args.draw_sample)
            except HebbvizError as error:
                QMessageBox.warning(window, "Cannot show the sample", str(error))

        session.datasetChanged.connect(draw_sample)
    window.show()
    session.warm_up_kernels()
    session.load_dataset(data_dir, name)
    exempt_startup_objects()
    return app.exec()


def save_screenshot(
    window,  # noqa: ANN001 (MainWindow; Qt is imported lazily)
    path: Path,
    sample: int | None,
    data_dir: str | None,
    name: str | None,
    size: tuple[int, int] = SCREENSHOT_SIZE,
    view: str = "answer",
) -> None:
    """Render the whole window, ``size`` pixels, with validation digit ``sample`` (default 0)
    drawn and ``view`` shown, into a PNG: the Answer, Weights, Metrics (the model scored on the
    validation split first) or Paper tab, or the classroom view (F11).

    Everything runs in this thread, so the picture shows the finished answer.
    """
    from PySide6.QtCore import QSize
    from PySide6.QtWidgets import QApplication

    from hebbviz import kernels
    from hebbviz.data.sources import open_dataset
    from hebbviz.evaluation import label_norms, score
    from hebbviz.gui.classroom import save_png
    from hebbviz.models.base import winning_labels

    if path.suffix.lower() != ".png":
        raise HebbvizError(f"{path}: a screenshot is saved as PNG; give a path ending in .png")
    folder = path.parent
    if not folder.is_dir():
        raise HebbvizError(f"{path}: no such folder {folder}")
    kernels.warm_up()
    session = window.session
    session.set_dataset(open_dataset(data_dir, name))
    session.mark_kernels_ready()
    window.answer.show_validation_digit(0 if sample is None else sample)
    window.resize_to(QSize(*size))
    window.show()
    tabs = {"weights": window.weight_view, "metrics": window.metrics_view}
    tabs["paper"] = window.paper_view
    if view in tabs:
        window.tabs.setCurrentWidget(tabs[view])
    if view == "metrics":
        val = session.dataset.val
        norms = label_norms(session.snapshot(), val.images)
        window.metrics_view.show_evaluation(score(norms, val.labels), val, winning_labels(norms))
    if view == "classroom":
        window.classroom.set_active(True, height=size[1])
        window.showNormal()  # offscreen, full screen is the platform's screen: this size instead
        window.resize(QSize(*size))
    QApplication.processEvents()
    window.refresh_answer()
    if view == "weights":
        drawn = window.weight_view.redraws
        window.weight_view.redraw()
        deadline = time.monotonic() + 10.0
        while window.weight_view.redraws == drawn and time.monotonic() < deadline:
            # an answer in the background held the model's lock: the view draws at a frame
            window.answer.answers.finish(1.0)
            QApplication.processEvents()
            time.sleep(0.01)
    QApplication.processEvents()
    save_png(window, path)
