"""Every rule's hyperparameters are checked for type and range, the learning rate above all."""

from __future__ import annotations

import numpy as np
import pytest

from hebbviz.cli import main
from hebbviz.models import RULES, rule_class
from hebbviz.models.hyperparameters import boolean, integer, positive


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("lr", [-10.0, 0.0, np.nan, np.inf, "abc", True])
def test_every_rule_refuses_a_learning_rate_that_is_not_positive(rule, lr):
    with pytest.raises(ValueError, match="^lr must be a (positive|finite) number"):
        rule_class(rule)(lr=lr)


@pytest.mark.parametrize("rule", RULES)
def test_the_learning_rate_is_checked_when_changed_too(rule):
    model = rule_class(rule)()
    model.lr = np.float32(0.5)
    assert model.lr == 0.5 and type(model.lr) is float
    with pytest.raises(ValueError, match="lr must be a positive number, got -1"):
        model.lr = -1
    assert model.lr == 0.5


def test_train_refuses_a_negative_learning_rate_in_one_line(tmp_path, capsys):
    out = tmp_path / "m.npz"
    argv = ["train", "--rule", "itoh", "--lr", "-10", "--dataset", "synthetic", "--out", str(out)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err == "hebbviz: error: rule itoh: lr must be a positive number, got -10.0\n"
    assert not out.exists()


def test_checks_refuse_values_of_the_wrong_type():
    assert integer("k", np.int64(3), 1, 5) == 3
    assert positive("lr", np.float64(0.25)) == 0.25
    assert boolean("deskew", np.True_) is True
    for bad in ("no", 1, None):
        with pytest.raises(ValueError, match="deskew must be true or false"):
            boolean("deskew", bad)
    for bad in (True, 2.0, "3"):
        with pytest.raises(ValueError, match="k must be a whole number"):
            integer("k", bad, 1, 5)
    with pytest.raises(ValueError, match=r"k must be in 1\.\.5, got 6"):
        integer("k", 6, 1, 5)
