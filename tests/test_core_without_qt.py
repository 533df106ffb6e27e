"""The core (everything outside hebbviz/gui) imports and works with Qt and pyqtgraph absent."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

BLOCKED = ("PySide6", "shiboken6", "pyqtgraph")

SCRIPT = textwrap.dedent(
    """
    import importlib
    import importlib.abc
    import json
    import pkgutil
    import sys

    BLOCKED = {blocked!r}


    class BlockQt(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.partition(".")[0] in BLOCKED:
                raise ImportError(f"{{name}} is blocked in this test")
            return None


    sys.meta_path.insert(0, BlockQt())
    for name in BLOCKED:
        try:
            importlib.import_module(name)
        except ImportError:
            pass
        else:
            raise SystemExit(f"the blocker let {{name}} through")

    import hebbviz


    def core_modules(package):
        for info in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
            if info.name in ("hebbviz.gui", "hebbviz.__main__"):
                continue
            module = importlib.import_module(info.name)
            yield info.name
            if info.ispkg:
                yield from core_modules(module)


    imported = list(core_modules(hebbviz))

    from hebbviz.cli import main

    status = main(["info", "--dataset", "synthetic", "--json"])
    qt = sorted(m for m in sys.modules if m.partition(".")[0] in BLOCKED)
    print(json.dumps({{"imported": imported, "status": status, "qt": qt}}), file=sys.stderr)
    """
).format(blocked=BLOCKED)


def test_core_imports_and_runs_without_qt(tmp_path):
    env = dict(os.environ)
    env.update(HEBBVIZ_DATA_DIR=str(tmp_path / "data"), HEBBVIZ_CACHE_DIR=str(tmp_path / "cache"))
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=300
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stderr.splitlines()[-1])
    imported = set(report["imported"])
    expected = {
        "hebbviz.cli",
        "hebbviz.commands.info",
        "hebbviz.data.idx",
        "hebbviz.data.sources",
        "hebbviz.data.drawings",
        "hebbviz.paths",
    }
    assert expected <= imported, f"not imported: {expected - imported}"
    assert not any(name.startswith("hebbviz.gui") for name in imported)
    assert report["status"] == 0 and report["qt"] == []
    info = json.loads(result.stdout)
    assert "synthetic" in info["source"] and info["splits"]["train"]["n"] > 0
