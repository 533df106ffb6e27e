"""hebbviz: watch ten small Hebbian networks learn handwritten digits, without backpropagation."""

__version__ = "0.1.0"
