"""``hebbviz install-desktop`` and ``--verbose``, run as a user runs them (a subprocess)."""

from __future__ import annotations

import configparser
import os
import subprocess
import sys
from pathlib import Path

from hebbviz.commands.desktop import exec_argument

HEBBVIZ = Path(sys.executable).parent / "hebbviz"
"""The installed ``hebbviz`` script of this environment."""


def run(tmp_path: Path, *args: str, program: tuple[str, ...] = (str(HEBBVIZ),)):
    env = dict(os.environ)
    env.update(
        XDG_DATA_HOME=str(tmp_path / "share"),
        HEBBVIZ_DATA_DIR=str(tmp_path / "data"),
        HEBBVIZ_CACHE_DIR=str(tmp_path / "cache"),
    )
    return subprocess.run(
        [*program, *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )


def test_install_desktop_puts_the_entry_and_icon_in_the_menu_and_remove_takes_them_out(tmp_path):
    result = run(tmp_path, "install-desktop")
    assert result.returncode == 0, result.stderr
    entry = tmp_path / "share/applications/hebbviz.desktop"
    icon = tmp_path / "share/icons/hicolor/scalable/apps/hebbviz.svg"
    assert icon.read_bytes().startswith(b"<?xml") and b"<svg" in icon.read_bytes()
    parsed = configparser.ConfigParser(interpolation=None)
    parsed.optionxform = str
    parsed.read(entry)
    section = parsed["Desktop Entry"]
    assert section["Type"] == "Application" and section["Icon"] == "hebbviz"
    assert section["Exec"] == str(HEBBVIZ)  # this installation, not whatever is on PATH
    assert section["Terminal"] == "false"

    result = run(tmp_path, "install-desktop", "--remove")
    assert result.returncode == 0, result.stderr
    assert not entry.exists() and not icon.exists()


def test_python_m_hebbviz_is_started_as_such(tmp_path):
    result = run(tmp_path, "install-desktop", program=(sys.executable, "-m", "hebbviz"))
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "share/applications/hebbviz.desktop").read_text()
    assert f"\nExec={exec_argument(sys.executable)} -m hebbviz\n" in text


def test_exec_arguments_are_quoted_as_the_desktop_entry_specification_says():
    assert exec_argument("/usr/bin/hebbviz") == "/usr/bin/hebbviz"
    assert exec_argument("/home/a b/hebbviz") == '"/home/a b/hebbviz"'
    assert exec_argument("/x/100%/hebbviz") == "/x/100%%/hebbviz"
    # in quotes, \" and \$ (and \\ for \), then every backslash doubled for the string value
    assert exec_argument('/a$b"c') == '"/a\\\\$b\\\\"c"'


def test_verbose_logs_details_on_stderr_and_leaves_stdout_alone(tmp_path):
    quiet = run(tmp_path, "info", "--json")
    verbose = run(tmp_path, "info", "--json", "--verbose")
    assert quiet.returncode == verbose.returncode == 0
    assert quiet.stdout == verbose.stdout  # the output asked for is the same
    assert "hebbviz." not in quiet.stderr
    verbose = run(tmp_path, "-v", "install-desktop")
    assert "hebbviz.commands.desktop: desktop entry starts:" in verbose.stderr
