"""Errors that are the user's to fix: a bad argument, data file or model file.

The command line turns every :class:`HebbvizError` into exit status 2 and one line on stderr;
the app shows it in a message box. Anything else is an internal failure (exit status 1).
"""


class HebbvizError(Exception):
    """A problem with the user's input; the message names the file (if any) and what is wrong."""


class DatasetError(HebbvizError):
    """A data file or folder that cannot be read as digits: corrupt, truncated, mismatched."""


class ModelFileError(HebbvizError):
    """A model file that cannot be loaded: corrupt, foreign, or from a newer hebbviz."""


class DownloadError(HebbvizError):
    """A data set that could not be downloaded: every mirror failed, or a file cannot be written."""
