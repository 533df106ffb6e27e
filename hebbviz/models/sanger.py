"""Rule ``sanger``: Sanger's generalized Hebbian algorithm (GHA), k ordered output units per label.

Per image of its label, a network with weights ``W`` (k, 784) answers ``y = W x`` and learns
``W += lr * (outer(y, x) - tril(outer(y, y)) @ W)``: unit ``i`` learns from what units ``0..i``
leave unexplained. The rows converge to the label's leading eigenvectors in order (row 0 the
strongest), so the heatmaps read like a principal component analysis of the label's digits
(T. D. Sanger, "Optimal unsupervised learning in a single-layer linear feedforward neural
network", Neural Networks, 1989). Later rows settle more slowly than with Oja's subspace rule.
"""

from __future__ import annotations

from typing import ClassVar

from hebbviz.kernels import sanger_pass
from hebbviz.models.subspace import SubspaceNetworks


class SangerGHA(SubspaceNetworks):
    """Ten networks that each learn their label's ordered principal components with GHA.

    See :class:`~hebbviz.models.subspace.SubspaceNetworks` for the parameters.
    """

    rule: ClassVar[str] = "sanger"
    default_epochs: ClassVar[int] = 3
    learning_pass = staticmethod(sanger_pass)
