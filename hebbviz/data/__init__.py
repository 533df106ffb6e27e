"""Digit data: the IDX reader, data sources, splits and balancing."""
