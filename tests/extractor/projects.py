"""Fixture projects for the extractor tests: copied (never changed in place) and analysed."""

from __future__ import annotations

import shutil
from pathlib import Path

from analyzer.pipeline import build_graph
from decompose.serialize import write_json_atomic

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def analysed_copy(name: str, target: Path) -> Path:
    """A copy of ``tests/fixtures/<name>`` at ``target`` with its graph.json written."""
    shutil.copytree(FIXTURES / name, target, ignore=shutil.ignore_patterns(
        "__pycache__", "decompose-report"))
    write_json_atomic(target / "decompose-report" / "graph.json",
                      build_graph(target, use_cache=False))
    return target
