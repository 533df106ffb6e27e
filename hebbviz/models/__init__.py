"""Norm-based classifiers, one module per Hebbian rule."""

from __future__ import annotations

from importlib import import_module

from hebbviz.models.base import NormClassifier

RULES: dict[str, str] = {
    "itoh": "hebbviz.models.itoh:ItohNetworks",
    "oja": "hebbviz.models.oja:OjaSubspace",
    "sanger": "hebbviz.models.sanger:SangerGHA",
    "strokes": "hebbviz.models.strokes:StrokeSubspaces",
}


def rule_class(rule: str) -> type[NormClassifier]:
    """The classifier class of a rule name (``itoh``, ``oja``, ``sanger``, ``strokes``)."""
    module_name, class_name = RULES[rule].split(":")
    return getattr(import_module(module_name), class_name)
