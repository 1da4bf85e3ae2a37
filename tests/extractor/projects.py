"""Fixture projects for the extractor tests: copied (never changed in place) and analysed."""

from __future__ import annotations

import shutil
from pathlib import Path

from analyzer.pipeline import build_graph
from decompose.serialize import write_json_atomic

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def analysed_copy(name: str, target: Path, edits: dict[str, tuple[str, str]] | None = None
                  ) -> Path:
    """A copy of ``tests/fixtures/<name>`` at ``target``, with ``edits`` (path: (old, new);
    a new file for an empty ``old``) made before its graph.json is written."""
    shutil.copytree(FIXTURES / name, target, ignore=shutil.ignore_patterns(
        "__pycache__", "decompose-report"))
    for path, (old, new) in (edits or {}).items():
        if not old:
            (target / path).parent.mkdir(parents=True, exist_ok=True)
            (target / path).write_text(new)
            continue
        text = (target / path).read_text()
        assert old in text, (path, old)
        (target / path).write_text(text.replace(old, new))
    write_json_atomic(target / "decompose-report" / "graph.json",
                      build_graph(target, use_cache=False))
    return target
