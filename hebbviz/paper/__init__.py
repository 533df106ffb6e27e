"""The source paper's three stages, computed without Qt (a plain script, the CLI or a GUI job).

- :mod:`~hebbviz.paper.stage1`: Itoh's 2024 average-vector method on one fixed random network,
  without and with Hebbian learning, over the number of hidden layers.
- :mod:`~hebbviz.paper.stage2`: "each network answers most to its own label": win rates of every
  label's network against three control networks and the other label networks.
- :mod:`~hebbviz.paper.stage3`: the accuracy over hidden layers x learning rate, read from a
  ``hebbviz sweep`` CSV.

Every long computation takes two optional hooks, ``report(done, total)`` (called between pieces
of work) and ``cancelled()`` (polled at the same points; true stops the work with
:class:`~hebbviz.paper.progress.Cancelled`), so a GUI can run it in a background job.
"""
