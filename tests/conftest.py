"""Shared fixtures. Qt renders offscreen; real MNIST digits are the sample hebbviz ships.

No test reaches beyond this machine: name lookups of any host but the loopback one fail.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from hebbviz.data.sources import sample_folder

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

LOOPBACK = ("127.0.0.1", "localhost", "::1", "", None)  # "" and None: this machine, to bind
FASHION_MNIST = Path("/usr/share/datasets/fashion-mnist")


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch):
    """Any connection to a host other than 127.0.0.1 fails, as it would with no network."""
    lookup = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        if host not in LOOPBACK:
            raise socket.gaierror(socket.EAI_NONAME, f"tests stay on 127.0.0.1, not {host}")
        return lookup(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.fixture(scope="session")
def mnist_dir() -> Path:
    """The folder with 10,000 real MNIST training digits: the sample shipped in hebbviz.assets."""
    return sample_folder()


@pytest.fixture(scope="session")
def fashion_dir() -> Path:
    """Debian's Fashion-MNIST, all four IDX files (train and test); skips when it is absent."""
    if not (FASHION_MNIST / "t10k-labels-idx1-ubyte.gz").is_file():
        pytest.skip(f"{FASHION_MNIST} absent (apt-get install dataset-fashion-mnist)")
    return FASHION_MNIST
