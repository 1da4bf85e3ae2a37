"""Shared helpers for analyzer tests: tiny inline projects written to tmp_path."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from analyzer.pipeline import build_graph
from decompose.model import ProjectGraph

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"

MANAGE = """
import os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "{settings}")
"""


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return root


@pytest.fixture
def inline_project(tmp_path: Path) -> Callable[..., ProjectGraph]:
    """Write a project (manage.py + settings + files) and analyse it without a shared cache."""

    def make(files: dict[str, str | bytes], *, apps: list[str] | None = None,
             settings_extra: str = "") -> ProjectGraph:
        base = {"manage.py": MANAGE.format(settings="settings")}
        if apps is not None:
            base["settings.py"] = f"INSTALLED_APPS = {apps!r}\n{settings_extra}"
        write_tree(tmp_path / "src", {**base, **files})
        return build_graph(tmp_path / "src", cache_dir=tmp_path / "cache")

    return make


def relations(graph: ProjectGraph) -> set[tuple[str, str, str | None]]:
    return {(m.label, r.field, r.target) for m in graph.models if not m.abstract
            for r in m.relations}


def edges(graph: ProjectGraph) -> set[tuple[str, str, str]]:
    return {(d.source, d.target, d.kind.value) for d in graph.dependencies}
