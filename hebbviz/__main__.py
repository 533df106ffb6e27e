"""``python -m hebbviz``: the same as the ``hebbviz`` command."""

import sys

from hebbviz.cli import main

sys.exit(main())
