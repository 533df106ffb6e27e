"""Rule ``oja``: Oja's subspace rule, k output units per label.

Per image of its label, a network with weights ``W`` (k, 784) answers ``y = W x`` and learns
``W += lr * outer(y, x - W.T @ y)``: Hebbian growth ``outer(y, x)`` plus a decay that bounds the
rows' lengths. The rows converge (slowly, see :mod:`hebbviz.models.subspace`) to an orthonormal
basis of the label's principal subspace (E. Oja, "Neural networks, principal components, and
subspaces", Int. J. Neural Systems, 1989), in no particular order or rotation within it.
"""

from __future__ import annotations

from typing import ClassVar

from hebbviz.kernels import oja_pass
from hebbviz.models.subspace import SubspaceNetworks


class OjaSubspace(SubspaceNetworks):
    """Ten networks that each learn their label's principal subspace with Oja's rule.

    See :class:`~hebbviz.models.subspace.SubspaceNetworks` for the parameters. The defaults
    (k=32, rows starting as faint noise of length 0.1, lr=0.7 halving after 2000 images,
    deskewed inputs, 5 epochs) were chosen on validation splits of mnist-10k (the mean over four
    seeds of the split), for accuracy and for rows that end up almost wholly in the label's
    principal subspace (clean heatmaps).
    """

    rule: ClassVar[str] = "oja"
    default_epochs: ClassVar[int] = 5
    learning_pass = staticmethod(oja_pass)

    def __init__(
        self,
        n_labels: int = 10,
        k: int = 32,
        lr: float = 0.7,
        lr_decay: float | None = 2000.0,
        deskew: bool = True,
        seed: int = 0,
        init_scale: float = 0.1,
    ) -> None:
        super().__init__(n_labels, k, lr, lr_decay, deskew, seed, init_scale)
