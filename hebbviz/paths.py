"""Per-user folders: where own drawings are kept and where downloads are cached.

``HEBBVIZ_DATA_DIR`` and ``HEBBVIZ_CACHE_DIR`` override the platform's defaults (tests use them to
stay inside a temporary folder).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "hebbviz"


def data_dir() -> Path:
    """The folder for the user's own data (drawings); ``$HEBBVIZ_DATA_DIR`` if set."""
    override = os.environ.get("HEBBVIZ_DATA_DIR")
    return Path(override) if override else platformdirs.user_data_path(APP_NAME)


def cache_dir() -> Path:
    """The folder for downloads that can be fetched again; ``$HEBBVIZ_CACHE_DIR`` if set."""
    override = os.environ.get("HEBBVIZ_CACHE_DIR")
    return Path(override) if override else platformdirs.user_cache_path(APP_NAME)
