"""The "What am I looking at?" panel (norm-based cognition) and the About box."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QMessageBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

HELP_HTML = """
<h2>What am I looking at?</h2>
<p><b>Ten small networks, one per label.</b> Each one has only ever seen images of its own
label (all the 3s, say) and learned from them with a <i>Hebbian</i> rule: a connection grows
when the neurons on both of its ends are active together. That is all the learning there is:
no errors are computed, nothing is propagated backwards, nothing is optimised.</p>

<p><b>Every network answers.</b> Your drawing is turned into the 28&times;28 image in the
middle, then fed to all ten networks. Each network's answer is a vector of numbers; the
<b>bars</b> show the length (L2 norm) of each answer.</p>

<p><b>The longest answer wins.</b> A network gives long answers to images that look like
what it has learned, and short ones to anything else. The label with the longest answer is
the app's reading, shown in orange and in large type. This is <i>norm-based cognition</i>,
from Kei Itoh, <i>Rethinking Deep Learning: Non-backpropagation and Non-optimization Machine
Learning Approach Using Hebbian Neural Networks</i> (arXiv:2411.05861, 2024).</p>

<h3>The three panels</h3>
<ul>
<li><b>Canvas</b> (left): draw with the mouse, a pen or a finger. <i>Esc</i> or
<i>Delete</i> clears it, <i>Ctrl+Z</i> undoes the last stroke.</li>
<li><b>28&times;28 view</b> (middle): what the networks really see. Your drawing is framed
the way MNIST digits were: cropped to the ink, scaled to fit the dashed 20&times;20 box, and
centred by its centre of mass. Small or off-centre drawings would be misread without it.</li>
<li><b>Answer</b> (right): the bars, and under them ten maps of how each network sees your
drawing. <i>How each network redraws it</i> (oja, sanger): every network redraws your digit
from what it learned (the projection onto its subspace); a picture's length is its bar's, so
the right network redraws your digit and a wrong one draws it in its own shape.
<i>Which pixels count</i> (oja, sanger, strokes): which pixels make each answer longer (yellow)
or shorter (blue) than the average network's.</li>
</ul>

<h3>The tabs</h3>
<ul>
<li><b>Weights</b>: what each network has learned, live while it trains. For <i>oja</i> and
<i>sanger</i> each label's directions are shown as 28&times;28 images: eigen-digits that grow
out of noise. For <i>strokes</i> the same rows are drawn through its stroke detectors; for
<i>itoh</i> one label's 784&times;784 matrix, as its change since the start.</li>
<li><b>Detectors</b> (the <i>strokes</i> rule only): the 32 small stroke detectors all labels
share. They learn first, without labels, from patches of every digit: the detector closest to
a patch moves towards it, so they become bars, edges, ends and corners. The label networks then
learn from where these detectors fire, not from the raw pixels.</li>
<li><b>Metrics</b>: how well the current model reads the validation digits (digits it never
learned from): the accuracy, which labels it confuses with which, how strongly each network
answers each label's digits, and the digits it got wrong (click one to draw it).</li>
<li><b>Paper</b>: the source paper's three stages, computed here on the current data, each with
its figure and the paper's own number beside ours. <i>Stage 1</i>: one deep network with fixed
random weights maps every digit to a vector; a digit belongs to the label whose average vector
is most alike (about 80% in the 2024 paper), and Hebbian learning of the hidden layers makes it
worse. <i>Stage 2</i>: how often each label's network answers its own label's digits with a
longer vector than the other labels' networks and three controls (an untrained network, one
trained on all digits, one on a 10% sample); above 50% means it prefers its own label.
<i>Stage 3</i>: the accuracy of the per-label networks (the <i>itoh</i> rule) over the number
of hidden layers and the learning rate; the paper's best is about 75%. Stages 1 and 2 compute
in the background (Cancel stops them), also while a model trains; stage 3 draws a sweep made by
<code>hebbviz sweep</code>.</li>
</ul>

<h3>The rules</h3>
<ul>
<li><b>strokes</b> (the default model): small stroke detectors, shared by all labels, learn
first; then each label's network learns, with Oja's subspace rule, which detector answers its
digits make. It reads digits best.</li>
<li><b>oja</b>: each network learns, with Oja's subspace rule, a few directions
(&ldquo;eigen-digits&rdquo;) its digits mostly lie along. Its answer is the image's projection
onto them, so the answer is long when the image is close to that label's typical shapes. It
straightens slanted digits first (deskewing), so its contribution maps show the straightened
digit.</li>
<li><b>sanger</b>: the same idea with ordered directions (Sanger's rule).</li>
<li><b>itoh</b>: the source paper's deep ReLU networks (about 75% on MNIST).</li>
</ul>

<p>Use <i>Model &rarr; Open</i> (Ctrl+O) to load another model file made by
<code>hebbviz train</code>.</p>
"""


class HelpDialog(QDialog):
    """A non-modal window with :data:`HELP_HTML`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("What am I looking at? - hebbviz")
        self.resize(620, 640)
        text = QTextBrowser()
        text.setOpenExternalLinks(True)
        text.setHtml(HELP_HTML)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(buttons)


def about_html() -> str:
    """The About box's text: the version, what hebbviz is, and the licences of hebbviz, of what
    it runs on and of the data its shipped models were made from."""
    from importlib.metadata import version

    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import qVersion

    from hebbviz import __version__

    def row(name: str, licence: str) -> str:
        return f"<tr><td>{name}</td><td>&nbsp;{licence}</td></tr>"

    return (
        f"<h3>hebbviz {__version__}</h3>"
        "<p>Ten small Hebbian networks learn handwritten digits without backpropagation; the "
        "longest answer wins. Method: Kei Itoh, arXiv:2411.05861 (2024).</p>"
        "<table>"
        + row("hebbviz", "MIT licence")
        + row(f"Qt {qVersion()}, PySide6 {pyside_version}", "LGPL v3")
        + row(f"pyqtgraph {pg.__version__}", "MIT licence")
        + row(f"NumPy {np.__version__}, Numba {version('numba')}", "BSD licence")
        + row(f"Pillow {version('pillow')}", "MIT-CMU (HPND) licence")
        + "</table>"
        "<p><b>Data.</b> MNIST by Yann LeCun and Corinna Cortes (Courant Institute, NYU) and "
        "Christopher J. C. Burges (Microsoft Research), available under the Creative Commons "
        "Attribution-Share Alike 3.0 licence (CC BY-SA 3.0). The shipped sample, 10,000 digits "
        "of the MNIST training set (unchanged but for the selection), is shared under the same "
        "licence. The shipped models (<tt>default-strokes.npz</tt>, the default, and "
        "<tt>default-oja.npz</tt>) were trained on that sample only.</p>"
    )


def show_about(parent: QWidget) -> None:
    """The About box (with the app's icon)."""
    QMessageBox.about(parent, "About hebbviz", about_html())
