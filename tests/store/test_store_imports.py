"""The state layer is pure stdlib: no textual, no httpx, nothing from site-packages."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import json, sys
before = set(sys.modules)
import sretui.store
added = sorted({name.split(".")[0] for name in set(sys.modules) - before})
print(json.dumps(added))
"""


def test_store_imports_only_the_standard_library() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60, check=True
    )
    added = json.loads(result.stdout)
    assert "sretui" in added
    foreign = [name for name in added if name != "sretui" and name not in sys.stdlib_module_names]
    assert foreign == []
    assert "textual" not in added
    assert "httpx" not in added
