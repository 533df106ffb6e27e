"""Progress bars (tqdm, on stderr, with images/s and ETA) for the long commands."""

from __future__ import annotations

import sys

from tqdm import tqdm

from hebbviz.data.dataset import Split
from hebbviz.models.base import NormClassifier
from hebbviz.training import Snapshot, train


def progress_bar(total: int, desc: str) -> tqdm:
    """A bar counting images, with their rate and the time left."""
    return tqdm(
        total=total, desc=desc, unit="img", unit_scale=True, file=sys.stderr, dynamic_ncols=True
    )


def train_with_progress(model: NormClassifier, split: Split, *, epochs: int, seed: int) -> Snapshot:
    """Run :func:`hebbviz.training.train` to the end behind a progress bar; the last snapshot."""
    with progress_bar(epochs * len(split), f"training {model.rule}") as bar:
        for snapshot in train(model, split, epochs=epochs, seed=seed):
            if snapshot.stage == "shared":
                percent = 100 * snapshot.shared_seen // snapshot.shared_total
                if bar.postfix != (postfix := f"shared layer first: {percent}%"):
                    bar.set_postfix_str(postfix)
                continue
            bar.update(snapshot.seen - bar.n)
            if snapshot.diverged:
                bar.set_postfix(diverged=len(snapshot.diverged))
            else:
                bar.set_postfix_str("")
    return snapshot


class ByteBars:
    """One bar per downloaded file, counting bytes, with their rate and the time left.

    Its :meth:`report` is the ``report`` of :func:`hebbviz.data.download.download`; use it as a
    context manager, so every bar is closed at the end.
    """

    def __init__(self) -> None:
        self.bars: dict[str, tqdm] = {}

    def report(self, file_name: str, done: int, total: int) -> None:
        bar = self.bars.get(file_name)
        if bar is None:
            bar = self.bars[file_name] = tqdm(
                desc=file_name,
                unit="B",
                unit_scale=True,
                unit_divisor=1024,
                file=sys.stderr,
                dynamic_ncols=True,
            )
        bar.total = total or None
        bar.update(done - bar.n)

    def __enter__(self) -> ByteBars:
        return self

    def __exit__(self, exc_type: type | None, *exc_info: object) -> None:
        for bar in self.bars.values():
            bar.leave = exc_type is None  # after a failure only its one-line error remains
            bar.close()
