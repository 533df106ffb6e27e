"""The "What am I looking at?" panel (norm-based cognition) and the About box."""

from __future__ import annotations

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

<h3>The three views</h3>
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
<i>Which pixels count</i> (oja, sanger, strokes): which pixels make each answer longer (red)
or shorter (blue) than the average network's.</li>
</ul>

<h3>The rules</h3>
<ul>
<li><b>oja</b> (the default model): each network learns, with Oja's subspace rule, a few
directions (&ldquo;eigen-digits&rdquo;) its digits mostly lie along. Its answer is the
image's projection onto them, so the answer is long when the image is close to that label's
typical shapes. It straightens slanted digits first (deskewing), so its maps show the
straightened digit.</li>
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


def show_about(parent: QWidget) -> None:
    """The About box."""
    from hebbviz import __version__

    QMessageBox.about(
        parent,
        "About hebbviz",
        f"<b>hebbviz {__version__}</b><p>Ten small Hebbian networks learn handwritten digits "
        "without backpropagation; the longest answer wins.</p><p>Method: Kei Itoh, "
        "arXiv:2411.05861 (2024).</p><p>MNIST by Yann LeCun and Corinna Cortes (Courant "
        "Institute, NYU) and Christopher J. C. Burges (Microsoft Research), made available "
        "under the Creative Commons Attribution-Share Alike 3.0 licence (CC BY-SA 3.0). The "
        "shipped sample, 10,000 digits of the MNIST training set (unchanged but for the "
        "selection), is shared under the same licence.</p>",
    )
