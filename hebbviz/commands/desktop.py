"""``hebbviz install-desktop``: put hebbviz in the desktop's application menu (Linux and other
freedesktop.org desktops), or take it out again with ``--remove``.

Writes the shipped ``hebbviz.desktop`` (its ``Exec`` line the absolute path of this ``hebbviz``,
so the menu starts the installation it was run from, a virtual environment's too) to
``$XDG_DATA_HOME/applications`` and the icon to ``$XDG_DATA_HOME/icons/hicolor/scalable/apps``
(``$XDG_DATA_HOME`` is ``~/.local/share`` unless set). Per user: no administrator rights needed.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from importlib import resources
from pathlib import Path

from hebbviz.atomic_file import atomic_write
from hebbviz.errors import HebbvizError

log = logging.getLogger(__name__)

DESKTOP_FILE = "hebbviz.desktop"
ICON_FILE = "hebbviz.svg"
"""The app's icon (the app itself shows it too: ``hebbviz.gui.style.ICON``)."""


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "install-desktop",
        help="add hebbviz to the desktop's application menu (Linux)",
        description="Add hebbviz, with its icon, to your desktop's application menu "
        "(freedesktop.org desktops: GNOME, KDE, Xfce, ...), for you alone; the entry starts "
        "this installation of hebbviz. --remove takes it out again.",
    )
    parser.add_argument("--remove", action="store_true", help="remove the entry and the icon")
    parser.set_defaults(run=run)


def data_home() -> Path:
    """``$XDG_DATA_HOME``, else ``~/.local/share`` (the freedesktop.org base directory)."""
    folder = os.environ.get("XDG_DATA_HOME")
    return Path(folder) if folder and Path(folder).is_absolute() else Path.home() / ".local/share"


def targets() -> tuple[Path, Path]:
    """Where the desktop entry and the icon go."""
    home = data_home()
    return home / "applications" / DESKTOP_FILE, home / "icons/hicolor/scalable/apps" / ICON_FILE


RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")
"""Characters that make an argument of a desktop entry's ``Exec`` line need quoting."""


def exec_argument(argument: str) -> str:
    """``argument`` quoted for a desktop entry's ``Exec`` line (the Desktop Entry
    Specification's rules: in double quotes, with a backslash before a double quote, backquote,
    dollar or backslash, and ``%%`` for ``%``), as the value of a string key (so backslashes
    doubled again)."""
    argument = argument.replace("%", "%%")
    if RESERVED & set(argument):
        escaped = "".join(f"\\{c}" if c in '"`$\\' else c for c in argument)
        argument = f'"{escaped}"'
    return argument.replace("\\", "\\\\")


def executable() -> str:
    """The ``Exec`` command that starts this installation: the absolute path of the
    ``hebbviz`` script that runs, else ``python -m hebbviz`` with this Python."""
    script = Path(sys.argv[0])
    if script.name == "hebbviz" and script.is_file():
        return exec_argument(str(script.absolute()))
    return f"{exec_argument(sys.executable)} -m hebbviz"


def desktop_entry(command: str) -> str:
    """The shipped desktop entry with ``Exec`` set to ``command``."""
    text = (resources.files("hebbviz.assets") / DESKTOP_FILE).read_text(encoding="utf-8")
    lines = [f"Exec={command}" if line.startswith("Exec=") else line for line in text.split("\n")]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    if sys.platform == "win32" or sys.platform == "darwin":
        raise HebbvizError("install-desktop is for Linux (freedesktop.org) desktops only")
    entry_path, icon_path = targets()
    if args.remove:
        for path in (entry_path, icon_path):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                print(f"removed {path}")
        return 0
    for path in (entry_path, icon_path):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise HebbvizError(f"{path.parent}: cannot create the folder ({error})") from None
    icon = (resources.files("hebbviz.assets") / ICON_FILE).read_bytes()
    with atomic_write(icon_path) as file:
        file.write(icon)
    with atomic_write(entry_path) as file:
        file.write(desktop_entry(executable()).encode())
    log.debug("desktop entry starts: %s", executable())
    print(f"installed {entry_path} and {icon_path}; hebbviz is in the application menu")
    return 0
