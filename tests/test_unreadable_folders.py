"""A folder that may not be read is one clear line (exit 2), not a PermissionError traceback.

Root reads every folder, so as root the commands run through ``setpriv`` without the
capabilities that override file permissions."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from doubles import random_split
from idx_files import write_pair

DROP_OVERRIDE = ["--inh-caps=-dac_override,-dac_read_search"]
DROP_OVERRIDE.append("--bounding-set=-dac_override,-dac_read_search")


@pytest.fixture
def as_user():
    """The command prefix that makes file permissions apply (empty when not root)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("root reads every folder, and setpriv (util-linux) is absent to drop that")
    return [setpriv, *DROP_OVERRIDE]


@pytest.fixture
def locked(tmp_path):
    """A folder of good IDX files that nobody may read or search (unlocked after the test)."""
    folder = tmp_path / "locked"
    write_pair(folder, "train", random_split(40))
    folder.chmod(0)
    yield folder
    folder.chmod(0o755)


@pytest.mark.parametrize(
    ("argv", "data_dir"),
    [
        (["info", "--data-dir", "{locked}"], None),
        (["info", "--data-dir", "{locked}/MNIST"], None),
        (["eval", "--model", "{locked}/m.npz", "--dataset", "synthetic"], None),
        (["info", "--dataset", "drawings"], "{locked}/own"),
        (["info", "--dataset", "mnist"], None),  # the download cache is in the locked folder
    ],
    ids=["data folder", "below it", "model file", "drawing store", "download cache"],
)
def test_an_unreadable_folder_is_one_line(tmp_path, as_user, locked, argv, data_dir):
    env = {
        **os.environ,
        "HEBBVIZ_DATA_DIR": (data_dir or str(tmp_path / "data")).format(locked=locked),
        "HEBBVIZ_CACHE_DIR": str(locked),
    }
    command = [*as_user, sys.executable, "-m", "hebbviz", *(a.format(locked=locked) for a in argv)]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert done.stderr == f"hebbviz: error: cannot read folder {locked} (permission denied)\n"
    assert done.returncode == 2
