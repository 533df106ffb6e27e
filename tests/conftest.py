"""Shared fixtures. Qt renders offscreen; real MNIST digits are the sample hebbviz ships.

No test reaches beyond this machine: name lookups of any host but the loopback one fail.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import socket
import threading
from pathlib import Path

import numpy as np
import pytest
from http_files import FileServer
from idx_files import idx_bytes, read_pair

from hebbviz.data.download import RemoteDataset
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


@pytest.fixture(scope="module")
def tiny_files(mnist_dir) -> dict[str, bytes]:
    """A small data set in MNIST's four files: 1,500 training and 500 test digits of the sample."""
    digits = read_pair(mnist_dir)
    parts = {"train": slice(0, 1500), "t10k": slice(1500, 2000)}
    files = {}
    for prefix, part in parts.items():
        split = digits.subset(part)
        files[f"{prefix}-images-idx3-ubyte.gz"] = gzip.compress(idx_bytes(split.images), mtime=0)
        labels = idx_bytes(split.labels.astype(np.uint8))
        files[f"{prefix}-labels-idx1-ubyte.gz"] = gzip.compress(labels, mtime=0)
    return files


@pytest.fixture
def server(tiny_files):
    server = FileServer(tiny_files)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def tiny(tiny_files, server) -> RemoteDataset:
    """The test registry: the tiny data set, in torchvision's MNIST folder, on the good mirror."""
    files = tuple((name, hashlib.md5(body).hexdigest()) for name, body in tiny_files.items())
    return RemoteDataset("Tiny", "MNIST", files, (server.url("good"),), 1, 2000, "test")


@pytest.fixture
def refused_url() -> str:
    """A port on 127.0.0.1 where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/"
