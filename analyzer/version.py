"""The analyzer's own version, as the cache sees it: a hash of its source.

Kept apart from ``analyzer.parse`` so that a warm run can name its snapshot without loading
the collectors.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

import decompose


@cache
def analyzer_fingerprint() -> str:
    """Hash of the analyzer's extraction code, the module finder it uses and the graph
    contract: facts and graphs from an older analyzer (or of an older graph schema, without
    a section a later stage needs) are not reused."""
    digest = hashlib.sha1()
    package = Path(__file__).parent
    shared = Path(decompose.__file__).parent
    for path in [*sorted([*package.glob("*.py"), *package.glob("collectors/*.py")]),
                 shared / "modules.py", shared / "model" / "graph.py"]:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
