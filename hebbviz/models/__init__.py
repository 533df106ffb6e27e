"""Norm-based classifiers, one module per Hebbian rule."""
