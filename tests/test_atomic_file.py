"""Atomic writes: normal permissions, nothing half-written, no garbage left behind."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hebbviz.atomic_file import STALE_AFTER, atomic_write


@pytest.fixture
def umask():
    """Set the process's umask for one test (and restore it after)."""
    old = os.umask(0o022)
    yield os.umask
    os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize(("mask", "expected"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_a_new_file_gets_the_mode_of_the_umask(tmp_path, umask, mask, expected):
    umask(mask)
    with atomic_write(tmp_path / "f.bin") as file:
        file.write(b"data")
    assert _mode(tmp_path / "f.bin") == expected


def test_a_replaced_file_keeps_its_mode(tmp_path, umask):
    path = tmp_path / "f.bin"
    path.write_bytes(b"old")
    path.chmod(0o640)
    with atomic_write(path) as file:
        file.write(b"new")
    assert path.read_bytes() == b"new" and _mode(path) == 0o640


def test_a_failure_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "f.bin"
    path.write_bytes(b"old")
    with pytest.raises(KeyboardInterrupt), atomic_write(path) as file:
        file.write(b"half")
        raise KeyboardInterrupt
    assert [p.name for p in tmp_path.iterdir()] == ["f.bin"]
    assert path.read_bytes() == b"old"


def _age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_stale_temporaries_of_the_target_are_removed_when_it_is_saved_again(tmp_path):
    path = tmp_path / "model.npz"
    stale = tmp_path / ".model.npz-k3x_9q0a.tmp"  # as mkstemp named them
    fresh = tmp_path / ".model.npz-0123abcd.tmp"  # maybe another writer's, still at work
    others = [tmp_path / ".other.npz-0123abcd.tmp", tmp_path / ".model.npz-0123abcd.tmp.keep"]
    for file in (stale, fresh, *others):
        file.write_bytes(b"x" * 1000)
    for file in (stale, *others):
        _age(file, STALE_AFTER + 60)
    with atomic_write(path) as file:
        file.write(b"data")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        p.name for p in (path, fresh, *others)
    )


WRITER = """
import sys, time
from hebbviz.atomic_file import atomic_write
with atomic_write(sys.argv[1]) as file:
    file.write(b"half a model")
    file.flush()
    print("writing", flush=True)
    time.sleep(60)
"""


def test_a_writer_killed_mid_write_leaves_garbage_that_the_next_save_removes(tmp_path):
    path = tmp_path / "model.npz"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert writer.stdout.readline() == "writing\n"
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait()
    [left] = tmp_path.iterdir()  # kill -9: nothing can clean up, but the target is untouched
    assert left.name.startswith(".model.npz-") and not path.exists()
    with atomic_write(path) as file:  # a fresh temporary may be another writer's: kept
        file.write(b"data")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([left.name, path.name])
    _age(left, STALE_AFTER + 1)
    with atomic_write(path) as file:
        file.write(b"data")
    assert [p.name for p in tmp_path.iterdir()] == [path.name]
