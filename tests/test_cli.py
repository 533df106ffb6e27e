"""Mistakes on the command line: exit status 2 and one line on stderr naming the mistake."""

from __future__ import annotations

import pytest

from hebbviz.cli import main


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["info", "--dataset", "nope"], "invalid choice: 'nope'"),
        (["train", "--rule", "oja"], "required: --out"),
        (["train", "--rule", "hebb", "--out", "x.npz"], "invalid choice: 'hebb'"),
        (["eval", "--model", "m.npz", "--split", "train"], "invalid choice: 'train'"),
        (["--bogus"], "unrecognized arguments: --bogus"),
    ],
)
def test_argument_mistakes_exit_2_with_one_line(argv, says, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and says in err, err
