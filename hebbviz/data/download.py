"""Download MNIST, Fashion-MNIST and KMNIST, verified, into torchvision's layout (no torch needed).

The files land in ``ROOT/MNIST/raw/`` (``FashionMNIST``, ``KMNIST``), the folders torchvision
reads and writes, so hebbviz and the torchvision extra share one cache. Each file is fetched by
pooch into a temporary file beside its target, checked against its published MD5 and only then
renamed into place: the folder never holds a partial or unverified file, whatever fails (and
whenever a download is cancelled). Mirrors are tried in order; a 404, a refused connection, a
wrong checksum or a connection dropped twice moves on to the next.

The app drives :func:`download` from a worker thread: ``report(file, done, total)`` is called after
every chunk of :data:`CHUNK_BYTES`, and ``cancelled()``, polled as often, stops it cleanly by
raising :class:`DownloadCancelled`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from hebbviz import paths
from hebbviz.errors import DownloadError

CHUNK_BYTES = 16 * 1024
"""Bytes read between two progress reports (and two looks at ``cancelled``)."""
TIMEOUT = (6.0, 30.0)
"""Seconds to wait for a connection, and for the next bytes of a file."""
ATTEMPTS_PER_MIRROR = 2
"""How often a mirror is asked for a file when the connection drops mid-file."""

Report = Callable[[str, int, int], None]
"""``report(file_name, bytes_done, bytes_total)``; ``bytes_total`` is 0 when the server does not
say."""


@dataclass(frozen=True)
class RemoteDataset:
    """A data set of four IDX files that can be downloaded.

    Attributes
    ----------
    title : str
        Its name for people, e.g. ``"MNIST"``.
    folder : str
        Its folder in torchvision's layout, ``ROOT/folder/raw/``, e.g. ``"MNIST"``.
    files : tuple of (str, str)
        ``(file name, MD5)`` of every file.
    mirrors : tuple of str
        Base URLs that serve the files, tried in order.
    megabytes : int
        The download's size, roughly.
    images : int
        How many images it holds (training and test).
    licence : str
        Its licence, for people.
    """

    title: str
    folder: str
    files: tuple[tuple[str, str], ...]
    mirrors: tuple[str, ...]
    megabytes: int
    images: int
    licence: str


REMOTE: dict[str, RemoteDataset] = {
    "mnist": RemoteDataset(
        "MNIST",
        "MNIST",
        (
            ("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
            ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
            ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
            ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"),
        ),
        # torchvision's mirrors, the reliable one first (the original site often answers 403)
        ("https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/"),
        11,
        70_000,
        "CC BY-SA 3.0",
    ),
    "fashion-mnist": RemoteDataset(
        "Fashion-MNIST",
        "FashionMNIST",
        (
            ("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
            ("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
            ("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
            ("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310"),
        ),
        ("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",),
        30,
        70_000,
        "MIT",
    ),
    "kmnist": RemoteDataset(
        "KMNIST",
        "KMNIST",
        (
            ("train-images-idx3-ubyte.gz", "bdb82020997e1d708af4cf47b453dcf7"),
            ("train-labels-idx1-ubyte.gz", "e144d726b3acfaa3e44228e80efcd344"),
            ("t10k-images-idx3-ubyte.gz", "5c965bf0a639b31b8f53240b1b52f4d7"),
            ("t10k-labels-idx1-ubyte.gz", "7320c461ea6c1c855c0b718fb2a4b134"),
        ),
        ("http://codh.rois.ac.jp/kmnist/dataset/kmnist/",),
        21,
        70_000,
        "CC BY-SA 4.0",
    ),
}
"""The data sets :func:`download` knows, by their ``--dataset`` names (torchvision's MD5s)."""


class DownloadCancelled(Exception):
    """Raised by :func:`download` when ``cancelled()`` said so; nothing was left behind."""


def torchvision_root() -> Path:
    """The per-user folder downloads go to (``ROOT/MNIST/raw/...``, as torchvision lays it out)."""
    return paths.cache_dir() / "torchvision"


def raw_folder(remote: RemoteDataset, root: str | Path | None = None) -> Path:
    """``root/<folder>/raw``, where ``remote``'s files go; root by default the user's cache."""
    return (Path(root) if root is not None else torchvision_root()) / remote.folder / "raw"


def has_file(folder: Path, file_name: str) -> bool:
    """Whether ``folder`` holds ``file_name`` (``x.gz``), or its uncompressed twin ``x``."""
    return (folder / file_name).is_file() or (folder / file_name.removesuffix(".gz")).is_file()


def is_downloaded(remote: RemoteDataset, root: str | Path | None = None) -> bool:
    """Whether all of ``remote``'s files are in its :func:`raw_folder` (compressed or not)."""
    folder = raw_folder(remote, root)
    return all(has_file(folder, name) for name, _ in remote.files)


def md5_of(path: Path) -> str:
    """The file's MD5, as hex."""
    with path.open("rb") as file:
        return hashlib.file_digest(file, "md5").hexdigest()


@dataclass(frozen=True)
class _Downloader:
    """pooch's downloader for one file: streams it over HTTP(S) into the temporary file pooch
    gives, reporting every chunk and stopping with :class:`DownloadCancelled` when asked.

    (pooch's own ``HTTPDownloader`` counts every chunk as full, so the bytes it reports overshoot
    when a server does not say a file's size, and it never closes the response.)
    """

    file_name: str
    report: Report | None
    cancelled: Callable[[], bool]

    def __call__(self, url: str, output_file: str, _pooch: object) -> None:
        import requests

        with requests.get(url, stream=True, timeout=TIMEOUT) as response:
            response.raise_for_status()
            total, done = int(response.headers.get("content-length", 0)), 0
            with open(output_file, "wb") as file:
                for chunk in response.iter_content(CHUNK_BYTES):
                    if self.cancelled():
                        raise DownloadCancelled(f"{self.file_name}: download cancelled")
                    file.write(chunk)
                    done += len(chunk)
                    if self.report is not None:
                        self.report(self.file_name, done, total)


def _failure(error: Exception) -> str:
    """What went wrong with one mirror, in a few words."""
    import requests

    if isinstance(error, requests.HTTPError) and error.response is not None:
        return f"HTTP {error.response.status_code} {error.response.reason or ''}".strip()
    if isinstance(error, requests.exceptions.ChunkedEncodingError):
        return "connection dropped mid-file"
    if isinstance(error, requests.Timeout):
        return "timed out"
    if isinstance(error, ValueError) and "hash" in str(error):  # pooch's checksum mismatch
        return "wrong MD5 checksum"
    text = str(error)
    for clue, meaning in (
        ("refused", "connection refused"),
        ("resolve", "host not found (no network?)"),
        ("Name or service not known", "host not found (no network?)"),
        ("unreachable", "network unreachable"),
    ):
        if clue in text:
            return meaning
    return " ".join(text.split())


def _fetch(
    remote: RemoteDataset,
    file_name: str,
    md5: str,
    folder: Path,
    mirrors: Sequence[str],
    report: Report | None,
    cancelled: Callable[[], bool],
) -> None:
    """Put ``folder/file_name`` in place from the first mirror that serves it with ``md5``.

    Raises :class:`DownloadError` naming each mirror's failure when none did.
    """
    import pooch
    import requests

    pooch.get_logger().setLevel("WARNING")  # its INFO lines would go to stderr
    failures = []
    for mirror in mirrors:
        url = f"{mirror.rstrip('/')}/{file_name}"
        for attempt in range(1, ATTEMPTS_PER_MIRROR + 1):
            downloader = _Downloader(file_name, report, cancelled)
            try:
                pooch.retrieve(url, f"md5:{md5}", file_name, folder, downloader=downloader)
                return
            except requests.exceptions.ChunkedEncodingError as error:
                if attempt == ATTEMPTS_PER_MIRROR:
                    failures.append(f"{mirror}: {_failure(error)}")
            except (requests.RequestException, ValueError) as error:
                failure = _failure(error)
                if failure == "wrong MD5 checksum":
                    failure += f" (expected {md5})"
                failures.append(f"{mirror}: {failure}")
                break
            except OSError as error:  # not the network's fault: the folder cannot take the file
                raise DownloadError(
                    f"{folder / file_name}: cannot write ({error.strerror or error}); free some "
                    "disk space or choose another folder, then try again"
                ) from None
    names = ", ".join(name for name, _ in remote.files)
    raise DownloadError(
        f"{file_name}: could not download {remote.title} ({'; '.join(failures)}); download its "
        f"files ({names}) some other way and place them in {folder}"
    )


def download(
    remote: RemoteDataset,
    root: str | Path | None = None,
    mirrors: Sequence[str] | None = None,
    report: Report | None = None,
    cancelled: Callable[[], bool] = lambda: False,
) -> Path:
    """Fetch ``remote``'s files that are not there yet; the folder that now holds them all.

    Parameters
    ----------
    remote : RemoteDataset
        What to fetch, e.g. ``REMOTE["mnist"]``.
    root : str or Path, optional
        The torchvision-style root: files go to ``root/<folder>/raw/``. By default
        :func:`torchvision_root`, the per-user cache.
    mirrors : sequence of str, optional
        Base URLs to try in order instead of ``remote.mirrors``.
    report : callable, optional
        ``report(file_name, bytes_done, bytes_total)``, called after every chunk of every file
        that is fetched (in the calling thread).
    cancelled : callable, optional
        Polled as often; when it returns True the download stops, the file being fetched is
        removed, and :class:`DownloadCancelled` is raised.

    Raises
    ------
    DownloadError
        If a mirror is not an http(s) URL, a file cannot be written, or every mirror failed for
        a file (the message names the file, each mirror's failure, and where to put the files
        by hand).
    DownloadCancelled
        If ``cancelled()`` returned True.
    """
    mirrors = tuple(mirrors) if mirrors else remote.mirrors
    for mirror in mirrors:
        if not mirror.startswith(("http://", "https://")):
            raise DownloadError(f"{mirror}: a mirror is an http:// or https:// URL")
    folder = raw_folder(remote, root)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DownloadError(f"{folder}: cannot create it ({error.strerror or error})") from None
    for file_name, md5 in remote.files:
        if cancelled():
            raise DownloadCancelled(f"{remote.title}: download cancelled")
        target = folder / file_name
        if target.is_file() and md5_of(target) == md5:
            continue
        _fetch(remote, file_name, md5, folder, mirrors, report, cancelled)
    return folder
