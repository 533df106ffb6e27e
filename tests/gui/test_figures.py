"""The paper's figures: PNGs of the right kind, written atomically, from the core's results and
from the command line."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QImage

from hebbviz.cli import main
from hebbviz.data.sources import open_folder
from hebbviz.gui import figures
from hebbviz.paper.stage1 import Stage1Result
from hebbviz.paper.stage2 import win_rates
from hebbviz.paper.stage3 import append_row, per_label_text, read_sweep

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def stage1_result() -> Stage1Result:
    settings = {"activation": "step", "similarity": "cosine", "lr": 1e-7, "per_label": 5}
    return Stage1Result(settings, [0, 1, 2, 3], [0.8, 0.79, 0.75, 0.66], [None, None, 0.74, 0.6])


def stage2_result():
    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(10), 5)
    settings = {"hidden_layers": 3, "lr": 1e-7, "activation": "relu"}
    return win_rates(rng.uniform(1, 2, (50, 13)), labels, settings)


def write_sweep(path, with_per_label: bool = True, source: str = "test digits") -> None:
    """A finished sweep of H 2..4 x lr 1e-2..1e-4 (5 digits per label, seed 0, relu)."""
    rng = np.random.default_rng(0)
    for h in (2, 3, 4):
        for lr in (1e-2, 1e-3, 1e-4):
            per_label = rng.uniform(0, 1, 10)
            append_row(
                path,
                {
                    "hidden_layers": h,
                    "lr": lr,
                    "activation": "relu",
                    "per_label": 5,
                    "seed": 0,
                    "data_source": source,
                    "val_accuracy": per_label.mean(),
                    "diverged_samples": 0,
                    "diverged_labels": "",
                    "train_images": 50,
                    "seconds": 0.1,
                    "val_per_label": per_label_text(per_label) if with_per_label else "",
                },
            )


def _image(path) -> QImage:
    assert path.read_bytes()[:8] == PNG_SIGNATURE
    image = QImage(str(path))
    assert not image.isNull()
    return image


@pytest.mark.parametrize("stage", [1, 2, 3])
def test_each_stage_draws_a_png(stage, tmp_path, qapp):
    path = tmp_path / f"stage{stage}.png"
    if stage == 1:
        figures.stage1_figure(stage1_result(), path)
    elif stage == 2:
        figures.stage2_figure(stage2_result(), path)
    else:
        write_sweep(tmp_path / "sweep.csv")
        figures.stage3_figure(read_sweep(tmp_path / "sweep.csv"), path)
    image = _image(path)
    assert image.width() >= 1200 and image.height() >= 800  # drawn at twice the layout size
    # Not blank: the figure has white paper and some dark ink (text, axes) on it.
    pixels = np.frombuffer(
        image.convertToFormat(QImage.Format.Format_Grayscale8).constBits(), np.uint8
    )
    assert (pixels == 255).mean() > 0.3 and (pixels < 80).mean() > 0.002


def test_a_failed_export_leaves_the_earlier_file(tmp_path, qapp, monkeypatch):
    path = tmp_path / "stage1.png"
    path.write_bytes(b"the earlier figure")

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(figures.ImageExporter, "export", broken)
    with pytest.raises(OSError, match="disk full"):
        figures.stage1_figure(stage1_result(), path)
    assert path.read_bytes() == b"the earlier figure"
    assert [p.name for p in tmp_path.iterdir()] == ["stage1.png"]  # no temporary file left


def test_stage3_and_sweep_draw_a_csv_from_the_command_line(tmp_path, qapp, capsys):
    csv_path = tmp_path / "sweep.csv"
    write_sweep(csv_path, with_per_label=False)  # as an earlier hebbviz wrote it, minus a column
    figure = tmp_path / "stage3.png"
    assert main(["paper", "stage3", "--csv", str(csv_path), "--figure", str(figure)]) == 0
    captured = capsys.readouterr()
    assert "best (*)" in captured.out and f"figure saved: {figure}" in captured.err
    _image(figure)


def test_sweep_draws_a_finished_sweep_again_without_training(tmp_path, qapp, capsys, mnist_dir):
    csv_path = tmp_path / "sweep.csv"
    write_sweep(csv_path, source=open_folder(mnist_dir).source)
    figure = tmp_path / "sweep.png"
    argv = ["sweep", "--data-dir", str(mnist_dir), "--per-label", "5", "--csv", str(csv_path)]
    grid = ["--hidden-layers", "2..4", "--lrs", "1e-2..1e-4", "--figure", str(figure)]
    assert main([*argv, *grid]) == 0
    assert "9 points, 9 already in" in capsys.readouterr().out
    _image(figure)
