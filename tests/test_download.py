"""Downloads from a real HTTP server on 127.0.0.1 (``http_files``), with a test registry of their
own."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from http_files import left_in

from hebbviz.cli import main
from hebbviz.data import download as downloads
from hebbviz.data.download import DownloadCancelled, download, raw_folder
from hebbviz.data.sources import open_folder
from hebbviz.errors import DownloadError
from hebbviz.evaluation import evaluate
from hebbviz.models.oja import OjaSubspace
from hebbviz.training import train


def test_downloads_a_whole_data_set_and_trains_on_it(tmp_path, tiny, tiny_files):
    reports = []
    folder = download(tiny, tmp_path, report=lambda *args: reports.append(args))
    assert folder == tmp_path / "MNIST" / "raw"
    assert left_in(folder) == sorted(tiny_files)
    for name, body in tiny_files.items():
        assert (folder / name).read_bytes() == body
        assert reports[[r[0] for r in reports].index(name)][2] == len(body)  # its size known
        assert max(done for file, done, _ in reports if file == name) == len(body)
    dataset = open_folder(tmp_path)  # the torchvision root, as --data-dir takes it
    assert len(dataset.train) + len(dataset.val) == 1500 and len(dataset.test) == 500
    model = OjaSubspace()
    for _ in train(model, dataset.train, epochs=2, seed=0):
        pass
    assert evaluate(model, dataset.test).accuracy > 0.8


def test_a_file_of_unknown_size_is_reported_as_it_comes(tmp_path, tiny, tiny_files):
    reports = []
    download(
        tiny, tmp_path, [tiny.mirrors[0].replace("good", "unsized")], lambda *r: reports.append(r)
    )
    for name, body in tiny_files.items():
        mine = [(done, total) for file, done, total in reports if file == name]
        assert mine[-1] == (len(body), 0) and all(total == 0 for _, total in mine)


def test_files_already_there_and_verified_are_not_fetched_again(tmp_path, tiny, server):
    download(tiny, tmp_path)
    fetched = sum(server.hits.values())
    (raw_folder(tiny, tmp_path) / "t10k-labels-idx1-ubyte.gz").write_bytes(b"damaged")
    download(tiny, tmp_path)
    assert sum(server.hits.values()) == fetched + 1  # only the damaged file, replaced
    assert download(tiny, tmp_path) == raw_folder(tiny, tmp_path)


def test_404_and_refused_move_on_to_the_next_mirror(tmp_path, tiny, server, refused_url):
    mirrors = [server.url("missing"), refused_url, server.url("good")]
    folder = download(tiny, tmp_path, mirrors)
    assert len(left_in(folder)) == 4
    assert server.hits["/missing/train-images-idx3-ubyte.gz"] == 1


def test_a_mirror_that_stalls_times_out_and_the_next_is_tried(tmp_path, tiny, server, monkeypatch):
    monkeypatch.setattr(downloads, "TIMEOUT", (5.0, 0.2))
    folder = download(tiny, tmp_path, [server.url("stall"), server.url("good")])
    assert len(left_in(folder)) == 4
    with pytest.raises(DownloadError, match=r"/stall/: timed out\); download its files"):
        download(tiny, tmp_path / "again", [server.url("stall")])


def test_a_dropped_connection_is_tried_once_more(tmp_path, tiny, server):
    folder = download(tiny, tmp_path, [server.url("flaky")])
    assert len(left_in(folder)) == 4
    assert server.hits["/flaky/train-images-idx3-ubyte.gz"] == 2


def test_when_every_mirror_fails_one_line_names_each_failure_and_leaves_nothing(
    tmp_path, tiny, server, refused_url
):
    mirrors = [
        server.url("missing"),
        refused_url,
        server.url("corrupt"),
        server.url("drop"),
        "http://mirror.invalid/",  # no such host: what no network at all looks like
    ]
    with pytest.raises(DownloadError) as caught:
        download(tiny, tmp_path, mirrors)
    message = str(caught.value)
    folder = raw_folder(tiny, tmp_path)
    md5 = tiny.files[0][1]
    assert message.startswith("train-images-idx3-ubyte.gz: could not download Tiny (")
    for failure in (
        f"{server.url('missing')}: HTTP 404",
        f"{refused_url}: connection refused",
        f"{server.url('corrupt')}: wrong MD5 checksum (expected {md5})",
        f"{server.url('drop')}: connection dropped mid-file",
        "http://mirror.invalid/: host not found (no network?)",
    ):
        assert failure in message
    assert f"place them in {folder}" in message and "\n" not in message
    assert left_in(folder) == []
    assert server.hits["/drop/train-images-idx3-ubyte.gz"] == 2


def test_a_folder_that_cannot_be_made_is_named(tmp_path, tiny):
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(DownloadError, match=r"file/MNIST/raw: cannot create it \("):
        download(tiny, tmp_path / "file")


def test_a_mirror_must_be_an_http_url(tmp_path, tiny):
    with pytest.raises(DownloadError, match="ftp://example.org/: a mirror is an http"):
        download(tiny, tmp_path, ["ftp://example.org/"])


def test_cancel_from_another_thread_stops_soon_and_leaves_nothing(tmp_path, tiny, server):
    cancel, started = threading.Event(), threading.Event()
    outcome = {}

    def run() -> None:
        try:
            download(tiny, tmp_path, [server.url("slow")], lambda *_: started.set(), cancel.is_set)
        except DownloadCancelled as error:
            outcome["cancelled"] = error

    worker = threading.Thread(target=run)
    worker.start()
    assert started.wait(10)
    cancel.set()
    asked = time.perf_counter()
    worker.join(10)
    stopped_after = time.perf_counter() - asked
    assert not worker.is_alive() and "cancelled" in outcome
    assert left_in(raw_folder(tiny, tmp_path)) == []
    assert stopped_after < 5  # a hang guard; the time is measured, not promised, here


def test_the_command_places_the_files_and_says_how_to_use_them(
    tmp_path, tiny, server, monkeypatch, capsys
):
    monkeypatch.setitem(downloads.REMOTE, "mnist", tiny)
    to = tmp_path / "data"
    assert main(["download", "mnist", "--to", str(to), "--mirror", server.url("good")]) == 0
    out = capsys.readouterr().out
    assert f"all 4 files verified in {to / 'MNIST' / 'raw'}" in out
    assert f"hebbviz --data-dir {to}" in out
    assert len(left_in(to / "MNIST" / "raw")) == 4


def hebbviz_download(tmp_path: Path, *args: str, **run: object) -> subprocess.CompletedProcess:
    """``python -m hebbviz download mnist --to tmp_path ARGS`` with the real registry."""
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    env["HEBBVIZ_CACHE_DIR"] = str(tmp_path / "cache")
    command = [sys.executable, "-m", "hebbviz", "download", "mnist", "--to", str(tmp_path), *args]
    return subprocess.run(command, capture_output=True, env=env, timeout=60, **run)


def last_line(stderr: bytes) -> str:
    """What is left on the terminal: the progress bars erase themselves with carriage returns."""
    return stderr.decode().split("\r")[-1].strip()


def test_404_then_a_wrong_checksum_exits_2_naming_the_file_and_the_checksum(tmp_path, server):
    mirrors = ["--mirror", server.url("missing"), "--mirror", server.url("good")]
    result = hebbviz_download(tmp_path, *mirrors)
    assert result.returncode == 2
    error = last_line(result.stderr)
    assert "\n" not in error and error.startswith("hebbviz: error: train-images-idx3-ubyte.gz")
    assert "HTTP 404" in error and "wrong MD5 checksum (expected f68b3c2dcbea" in error
    assert not any("train-images" in name for name in left_in(tmp_path / "MNIST" / "raw"))


def test_a_refused_connection_exits_2(tmp_path, refused_url):
    result = hebbviz_download(tmp_path, "--mirror", refused_url)
    assert result.returncode == 2 and "connection refused" in last_line(result.stderr)
    assert left_in(tmp_path / "MNIST" / "raw") == []


def test_a_full_disk_exits_2_and_leaves_nothing(tmp_path, server):
    """Files may grow to 64 KiB only (RLIMIT_FSIZE): writing the 1.6 MB file fails, as on a full
    disk (with "File too large" instead of "No space left on device")."""

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, resource.RLIM_INFINITY))

    result = hebbviz_download(tmp_path, "--mirror", server.url("good"), preexec_fn=small_files)
    assert result.returncode == 2
    error = last_line(result.stderr)
    assert "\n" not in error and "train-images-idx3-ubyte.gz: cannot write (" in error
    assert "free some disk space" in error
    assert left_in(tmp_path / "MNIST" / "raw") == []
