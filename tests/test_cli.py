"""Mistakes on the command line: exit status 2 and one line on stderr naming the mistake."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys

import pytest
from doubles import random_split
from idx_files import write_pair

from hebbviz.cli import main
from hebbviz.commands.common import json_line
from hebbviz.modelfile import save_model
from hebbviz.models import rule_class


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


def _strict_json(text: str):
    """Parse ``text`` as standard JSON: NaN and Infinity are Python's extension, refused."""

    def refuse(constant: str):
        raise ValueError(f"not JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


def test_json_line_writes_null_for_non_finite_numbers():
    value = {"a": [1.5, math.nan, (math.inf, -math.inf)], "b": {"c": math.nan}, "d": "NaN", "e": 2}
    assert _strict_json(json_line(value)) == {
        "a": [1.5, None, [None, None]],
        "b": {"c": None},
        "d": "NaN",
        "e": 2,
    }


def test_eval_json_is_valid_when_a_label_has_no_validation_digits(tmp_path, capsys):
    write_pair(tmp_path / "data", "train", random_split(90, n_labels=9))  # no 9s at all
    model = tmp_path / "m.npz"
    save_model(model, rule_class("oja")(k=2), {})
    argv = ["eval", "--model", str(model), "--data-dir", str(tmp_path / "data"), "--json"]
    assert main(argv) == 0
    result = _strict_json(capsys.readouterr().out)
    assert result["per_label"][9] is None
    assert all(isinstance(v, float) for v in result["per_label"][:9])
    assert result["n"] == 9 and sum(map(sum, result["confusion"])) == 9


def test_a_crash_prints_where_each_thread_was():
    """A fault (in Qt or compiled code) kills the process, but hebbviz first prints the Python
    stacks (Python alone prints nothing)."""
    crash = (
        "import ctypes\n"
        "from hebbviz.cli import main\n"
        "assert main(['info', '--json', '--dataset', 'synthetic']) == 0\n"
        "ctypes.string_at(0)\n"
    )
    env = {key: value for key, value in os.environ.items() if key != "PYTHONFAULTHANDLER"}
    done = subprocess.run(
        [sys.executable, "-c", crash], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode != 0
    assert "Fatal Python error: Segmentation fault" in done.stderr
    assert 'File "<string>", line 4' in done.stderr
