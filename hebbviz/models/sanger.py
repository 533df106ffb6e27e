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

    See :class:`~hebbviz.models.subspace.SubspaceNetworks` for the parameters. The defaults
    (k=16, rows starting as faint noise of length 0.1, lr=1.0 halving after 300 images, deskewed
    inputs, 5 epochs) were chosen on validation splits of mnist-10k (about 94.8%, against about
    97.1% for ``oja``, means over four seeds of the split): the price of the order.
    After them, row 0 of every label lies along its leading eigenvector and rows 0..1 span the
    two leading ones; later rows, which learn only what earlier rows leave unexplained, may still
    be settling (their norms below one), most where a label varies little (a deskewed 1).
    """

    rule: ClassVar[str] = "sanger"
    default_epochs: ClassVar[int] = 5
    learning_pass = staticmethod(sanger_pass)

    def __init__(
        self,
        n_labels: int = 10,
        k: int = 16,
        lr: float = 1.0,
        lr_decay: float | None = 300.0,
        deskew: bool = True,
        seed: int = 0,
        init_scale: float = 0.1,
    ) -> None:
        super().__init__(n_labels, k, lr, lr_decay, deskew, seed, init_scale)
