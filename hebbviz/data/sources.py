"""Where digits come from: the shipped MNIST sample, a folder of IDX files, a downloaded data set
(or torchvision), synthetic strokes, own drawings.

:func:`open_dataset` is the one entry point; with nothing chosen it reads the shipped sample.
Every source returns a :class:`Dataset` whose validation split is carved from its training data by
:func:`split_validation` (stratified, seeded, 10% by default); a test split exists only where the
source has test files.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib.util
import sys
from importlib import resources
from pathlib import Path

import numpy as np

from hebbviz.data.dataset import DIGIT_CLASSES, Dataset, Split, split_validation
from hebbviz.data.download import REMOTE, has_file, raw_folder, torchvision_root
from hebbviz.data.drawings import DrawingStore
from hebbviz.data.idx import load_idx_split
from hebbviz.data.synthetic import synthetic_digits
from hebbviz.errors import DatasetError, HebbvizError, unreadable_folder_as

VAL_FRACTION = 0.1
SYNTHETIC_PER_LABEL = 600

CLASS_NAMES: dict[str, tuple[str, ...]] = {
    "mnist": DIGIT_CLASSES,
    "fashion-mnist": (
        "T-shirt/top",
        "Trouser",
        "Pullover",
        "Dress",
        "Coat",
        "Sandal",
        "Shirt",
        "Sneaker",
        "Bag",
        "Ankle boot",
    ),
    "kmnist": ("o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"),
}
TITLES = {name: remote.title for name, remote in REMOTE.items()}
TORCHVISION_CLASSES = {name: remote.folder for name, remote in REMOTE.items()}
SAMPLE = "mnist-sample"
SAMPLE_SOURCE = "MNIST sample, 10,000 digits, shipped"
DATASET_NAMES = (SAMPLE, *TORCHVISION_CLASSES, "synthetic", "drawings")


def sample_folder() -> Path:
    """The shipped sample: 10,000 MNIST training digits (``hebbviz/assets/mnist-sample``)."""
    return Path(str(resources.files("hebbviz.assets") / SAMPLE))


def _with_validation(
    source: str,
    classes: tuple[str, ...],
    training: Split,
    test: Split | None,
    val_fraction: float,
    seed: int,
    synthetic: bool = False,
) -> Dataset:
    train, val = split_validation(training, val_fraction, seed)
    return Dataset(source, classes, train, val, test, synthetic)


def _idx_file(folder: Path, stem: str) -> Path | None:
    """``folder/stem``, or ``folder/stem.gz``, whichever exists first; None if neither."""
    return next((p for p in (folder / stem, folder / f"{stem}.gz") if p.is_file()), None)


def _idx_pair(folder: Path, prefix: str) -> tuple[Path, Path] | None:
    """The images and labels files of ``train`` or ``t10k``; None when neither is there."""
    images = _idx_file(folder, f"{prefix}-images-idx3-ubyte")
    labels = _idx_file(folder, f"{prefix}-labels-idx1-ubyte")
    if images is None and labels is None:
        return None
    if images is None or labels is None:
        present, missing = (images, "labels") if images else (labels, "images")
        raise DatasetError(f"{present}: found, but not the {prefix} {missing} file beside it")
    return images, labels


def _name_of_folder(folder: Path) -> str:
    """Which data set a folder holds, judged by its name (or its parent's, for ``.../raw``)."""
    names = [folder.name, folder.parent.name] if folder.name == "raw" else [folder.name]
    for name in (n.lower().replace("-", "").replace("_", "") for n in names):
        if "fashion" in name:
            return "fashion-mnist"
        if "kmnist" in name:
            return "kmnist"
    return "mnist"


def open_folder(folder: str | Path, val_fraction: float = VAL_FRACTION, seed: int = 0) -> Dataset:
    """A folder of MNIST-style IDX files (raw or ``.gz``).

    Parameters
    ----------
    folder : str or Path
        Holds ``train-images-idx3-ubyte[.gz]`` and ``train-labels-idx1-ubyte[.gz]`` (plus,
        optionally, the ``t10k-*`` pair), or else is a torchvision root holding ``MNIST/raw``,
        ``FashionMNIST/raw`` or ``KMNIST/raw`` (the first found, in that order). Class names
        follow the folder's name: Fashion-MNIST or KMNIST when it says so, digits otherwise.
    val_fraction, seed : float, int
        How the validation split is carved from the training files.

    Raises
    ------
    DatasetError
        If the folder or its training files are missing, the folder may not be read, or any file
        is bad.
    """
    folder = Path(folder)
    with unreadable_folder_as(DatasetError):
        if not folder.is_dir():
            raise DatasetError(f"{folder}: no such folder")
        candidates = [folder, *(folder / sub / "raw" for sub in TORCHVISION_CLASSES.values())]
        raw = next((c for c in candidates if _idx_file(c, "train-images-idx3-ubyte")), folder)
        train_files = _idx_pair(raw, "train")
        if train_files is None:
            raise DatasetError(
                f"{folder}: no train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz] "
                "here (nor in MNIST/raw, FashionMNIST/raw or KMNIST/raw)"
            )
        test_files = _idx_pair(raw, "t10k")
    name = _name_of_folder(raw)
    return _with_validation(
        f"{TITLES[name]} from folder {raw}",
        CLASS_NAMES[name],
        load_idx_split(*train_files),
        load_idx_split(*test_files) if test_files else None,
        val_fraction,
        seed,
    )


def open_sample(val_fraction: float = VAL_FRACTION, seed: int = 0) -> Dataset:
    """The shipped MNIST sample (:func:`sample_folder`): real digits, offline, always there."""
    dataset = open_folder(sample_folder(), val_fraction, seed)
    return dataclasses.replace(dataset, source=SAMPLE_SOURCE)


def open_downloaded(name: str, val_fraction: float = VAL_FRACTION, seed: int = 0) -> Dataset:
    """MNIST, Fashion-MNIST or KMNIST from the per-user cache, where ``hebbviz download`` (or
    torchvision) put it; else through torchvision when it is installed (which downloads it).

    Raises
    ------
    DatasetError
        If the files are not in the cache and torchvision is not installed (the message says how
        to download them), or a file is bad.
    """
    remote = REMOTE[name]
    folder = raw_folder(remote)
    with unreadable_folder_as(DatasetError):
        downloaded = has_file(folder, "train-images-idx3-ubyte.gz")
    if downloaded:
        return open_folder(folder, val_fraction, seed)
    if importlib.util.find_spec("torchvision") is not None:
        return open_torchvision(name, val_fraction, seed)
    raise DatasetError(
        f"{folder}: {remote.title} is not downloaded yet; run `hebbviz download {name}` "
        f"({remote.megabytes} MB), or place its four .gz files there by hand"
    )


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split())


def open_torchvision(
    name: str,
    val_fraction: float = VAL_FRACTION,
    seed: int = 0,
    root: str | Path | None = None,
    download: bool = True,
) -> Dataset:
    """MNIST, Fashion-MNIST or KMNIST through ``torchvision.datasets``.

    Parameters
    ----------
    name : {"mnist", "fashion-mnist", "kmnist"}
    val_fraction, seed : float, int
        How the validation split is carved from the training files.
    root : str or Path, optional
        torchvision's root folder; by default :func:`torchvision_root` in the user's cache.
    download : bool
        Fetch the files when they are not in ``root`` yet (progress goes to stderr).

    Raises
    ------
    DatasetError
        If torchvision is not installed, or the files are neither there nor downloadable.
    """
    try:
        from torchvision import datasets
    except ImportError:
        raise DatasetError(
            f"the {name} data set needs torchvision: pip install 'hebbviz[torchvision]', "
            "or point --data-dir at a folder of IDX files"
        ) from None
    root = Path(root) if root is not None else torchvision_root()
    torchvision_class = getattr(datasets, TORCHVISION_CLASSES[name])
    try:
        with contextlib.redirect_stdout(sys.stderr):  # torchvision reports downloads on stdout
            splits = [torchvision_class(root, train=t, download=download) for t in (True, False)]
    except (RuntimeError, OSError, ValueError) as error:
        action = "download" if download else "find"
        raise DatasetError(
            f"{root}: could not {action} {TITLES[name]} ({_one_line(error)}); check the network "
            "connection, or point --data-dir at a folder of IDX files"
        ) from None
    train, test = (Split(s.data.numpy(), s.targets.numpy().astype(np.int64)) for s in splits)
    return _with_validation(
        f"{TITLES[name]} via torchvision in {root}",
        CLASS_NAMES[name],
        train,
        test,
        val_fraction,
        seed,
    )


def open_synthetic(
    n_per_label: int = SYNTHETIC_PER_LABEL, val_fraction: float = VAL_FRACTION, seed: int = 0
) -> Dataset:
    """Procedurally drawn digits: no file, no network, always there. Labelled as synthetic."""
    images, labels = synthetic_digits(n_per_label, seed)
    return _with_validation(
        f"synthetic digits (seed {seed}, {n_per_label} per label)",
        DIGIT_CLASSES,
        Split(images, labels),
        None,
        val_fraction,
        seed,
        synthetic=True,
    )


def open_drawings(
    store: DrawingStore | None = None, val_fraction: float = VAL_FRACTION, seed: int = 0
) -> Dataset:
    """The user's own labelled drawings.

    Raises
    ------
    DatasetError
        If there are none yet, or the store is damaged.
    """
    store = store if store is not None else DrawingStore()
    drawings = store.load()
    if len(drawings) == 0:
        raise DatasetError(f"{store.path}: no own drawings saved yet; draw and label some first")
    return _with_validation(
        f"own drawings in {store.path}", DIGIT_CLASSES, drawings, None, val_fraction, seed
    )


def open_dataset(
    data_dir: str | Path | None = None,
    name: str | None = None,
    val_fraction: float = VAL_FRACTION,
    seed: int = 0,
) -> Dataset:
    """The data set a user asked for, or the best one available.

    Parameters
    ----------
    data_dir : str or Path, optional
        A folder of IDX files (see :func:`open_folder`).
    name : str, optional
        One of :data:`DATASET_NAMES`: ``mnist-sample`` (shipped), ``mnist``, ``fashion-mnist``,
        ``kmnist`` (downloaded; see :func:`open_downloaded`), ``synthetic``, ``drawings``.
    val_fraction, seed : float, int
        How the validation split is carved from the training data (and, for synthetic digits,
        how they are drawn).

    Returns
    -------
    Dataset
        With neither ``data_dir`` nor ``name``: the shipped MNIST sample (:func:`open_sample`).

    Raises
    ------
    HebbvizError
        If both are given, the name is unknown, or the data cannot be read.
    """
    if data_dir is not None and name is not None:
        raise HebbvizError("give either a data folder or a data set name, not both")
    if data_dir is not None:
        return open_folder(data_dir, val_fraction, seed)
    key = SAMPLE if name is None else name.lower()
    if key == SAMPLE:
        return open_sample(val_fraction, seed)
    if key in REMOTE:
        return open_downloaded(key, val_fraction, seed)
    if key == "synthetic":
        return open_synthetic(val_fraction=val_fraction, seed=seed)
    if key == "drawings":
        return open_drawings(val_fraction=val_fraction, seed=seed)
    raise DatasetError(f"unknown data set {name!r}; choose one of {', '.join(DATASET_NAMES)}")
