"""Every menu command of the app in one table: its text, shortcuts, tip and menu.

:func:`build_menus` makes the actions (added to the window too, so their shortcuts work when the
menu bar is hidden, as in the classroom view) and the menus; the window connects each action by
name to what it does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

Key = QKeySequence.StandardKey


@dataclass(frozen=True)
class Command:
    """One menu entry."""

    name: str
    text: str
    shortcuts: tuple[str | Key, ...] = ()
    tip: str = ""
    checkable: bool = False
    checked: bool = False


COMMANDS = (
    Command("data", "Open &data folder...", (), "Use a folder of MNIST-format IDX files"),
    Command("quit", "&Quit", ("Ctrl+Q",), "Close hebbviz"),
    Command("open", "&Open model...", (Key.Open,), "Open a model file"),
    Command("save", "&Save model as...", (Key.Save, Key.SaveAs), "Save the current model"),
    Command("default", "Load &default model", (), "Load the model shipped with hebbviz"),
    Command("undo", "&Undo stroke", (Key.Undo,), "Take back the last stroke"),
    Command("clear", "&Clear canvas", ("Esc", "Del"), "Wipe the canvas"),
    Command(
        "contributions",
        "Show the networks' &maps",
        ("Ctrl+M",),
        "Show or hide how each network sees the drawing (its reconstruction or its pixels)",
        checkable=True,
        checked=True,
    ),
    Command(
        "classroom",
        "&Classroom view",
        ("F11",),
        "Full screen, large type, high contrast",
        checkable=True,
    ),
    Command("export", "&Export view as PNG...", ("Ctrl+Shift+E",), "Save the current tab"),
    Command(
        "record",
        "&Record weights as GIF...",
        ("Ctrl+Shift+R",),
        "Record the Weights view while it trains as an animated GIF (again: stop early)",
    ),
    Command("start", "&Start", ("Ctrl+Return",), "Train a new model with these settings"),
    Command("pause", "&Pause / resume", ("Ctrl+P",), "Hold training, or let it go on"),
    Command("step", "S&tep one image", ("Ctrl+.",), "Learn exactly one more image"),
    Command("reset", "&Reset", ("Ctrl+R",), "Stop and start over from an untrained model"),
    Command("evaluate", "&Evaluate on validation", ("Ctrl+E",), "Score the model on validation"),
    Command("help", "&What am I looking at?", ("F1",), "How norm-based cognition works"),
    Command("about", "&About hebbviz", (), "About hebbviz"),
)

MENUS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("&File", ("data", "-", "quit")),
    ("&Model", ("open", "@recent", "save", "-", "default")),
    ("&Edit", ("undo", "clear")),
    ("&View", ("contributions", "classroom", "export", "record")),
    ("&Training", ("start", "pause", "step", "reset", "evaluate", "@dock")),
    ("&Help", ("help", "about")),
)
"""Each menu's entries: a command's name, ``-`` for a separator, ``@name`` for an entry the
window supplies (a submenu or another action)."""


def build_menus(
    window: QMainWindow,
    slots: Mapping[str, Callable[[], object]],
    extras: Mapping[str, QAction | QMenu],
) -> dict[str, QAction]:
    """Make every :data:`COMMANDS` action, connected to ``slots[name]`` (a checkable one gets
    its new state), and the menu bar of :data:`MENUS`; returns the actions by name."""
    actions: dict[str, QAction] = {}
    for command in COMMANDS:
        action = QAction(command.text, window)
        action.setShortcuts([QKeySequence(key) for key in command.shortcuts])
        action.setStatusTip(command.tip)
        action.setToolTip(command.tip)
        action.setCheckable(command.checkable)
        action.setChecked(command.checked)
        slot = slots[command.name]
        if command.checkable:
            action.toggled.connect(slot)
        else:
            action.triggered.connect(lambda _=False, f=slot: f())
        window.addAction(action)
        actions[command.name] = action
    bar = window.menuBar()
    for title, entries in MENUS:
        menu = bar.addMenu(title)
        for entry in entries:
            if entry == "-":
                menu.addSeparator()
            elif entry.startswith("@"):
                extra = extras[entry[1:]]
                if isinstance(extra, QMenu):
                    menu.addMenu(extra)
                else:
                    menu.addAction(extra)
            else:
                menu.addAction(actions[entry])
    return actions


def build_teach_actions(window: QMainWindow, teach: Callable[[int], object]) -> list[QAction]:
    """Keys 0-9: ``teach(label)`` (teach mode; the actions start disabled)."""
    actions = []
    for label in range(10):
        action = QAction(f"Teach {label}", window)
        action.setShortcut(QKeySequence(str(label)))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.setEnabled(False)
        action.triggered.connect(lambda _=False, n=label: teach(n))
        window.addAction(action)
        actions.append(action)
    return actions
