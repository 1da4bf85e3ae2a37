"""Per-file facts: the cache (content-keyed, safe to delete) and the process pool."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.parse import POOL_MIN_BYTES, FactCache, SourceFile, read_all
from analyzer.pipeline import build_graph
from decompose.serialize import dumps

from .conftest import write_tree


def sources(root: Path, count: int, padding: int = 0) -> list[SourceFile]:
    filler = "".join(f"CONSTANT_{n} = {n}\n" for n in range(padding))
    files = {f"m{i}.py": f"from django.db import models\nclass M{i}(models.Model):\n"
                         f"    x = models.IntegerField()\n{filler}" for i in range(count)}
    write_tree(root, files)
    return [SourceFile(f"m{i}", root / f"m{i}.py", False, True) for i in range(count)]


def blog_project(tmp_path: Path) -> Path:
    """A one-app project (``blog.P``) under ``tmp_path/src``."""
    return write_tree(tmp_path / "src", {
        "manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 's')\n",
        "s.py": "INSTALLED_APPS = ['blog']\n", "blog/__init__.py": "",
        "blog/models.py": "from django.db import models\nclass P(models.Model):\n    pass\n"})


def test_warm_run_reads_facts_from_the_cache(tmp_path: Path) -> None:
    files = sources(tmp_path / "src", 3)
    cold = FactCache(tmp_path / "cache", "p")
    first = read_all(files, cold, jobs=1)
    cold.save()
    warm = FactCache(tmp_path / "cache", "p")
    assert len(warm.entries) == 3
    assert read_all(files, warm, jobs=1) == first and not warm.dirty
    (tmp_path / "src" / "m0.py").write_text("x = 1\n")  # an edit invalidates that file only
    again = FactCache(tmp_path / "cache", "p")
    changed = read_all(files, again, jobs=1)
    assert changed["m0"] != first["m0"] and changed["m1"] == first["m1"]


def test_pool_and_serial_give_the_same_facts(tmp_path: Path) -> None:
    files = sources(tmp_path / "src", 8, padding=POOL_MIN_BYTES // 8 // 16)
    assert sum(f.path.stat().st_size for f in files) > POOL_MIN_BYTES  # big enough to pool
    serial = read_all(files, FactCache(None, "p"), jobs=1)
    pooled = read_all(files, FactCache(None, "p"), jobs=2)
    assert serial == pooled


def test_a_corrupt_or_deleted_cache_is_rebuilt(tmp_path: Path) -> None:
    root = blog_project(tmp_path)
    cache = tmp_path / "cache"
    expected = dumps(build_graph(root, cache_dir=cache))
    for item in cache.iterdir():
        item.write_bytes(b"not a pickle")
    assert dumps(build_graph(root, cache_dir=cache)) == expected
    for item in cache.iterdir():
        item.unlink()
    assert dumps(build_graph(root, cache_dir=cache)) == expected


def test_unchanged_project_reuses_the_graph_and_an_edit_is_seen(tmp_path: Path) -> None:
    root = blog_project(tmp_path)
    cache = tmp_path / "cache"
    first = build_graph(root, cache_dir=cache)
    assert build_graph(root, cache_dir=cache) == first
    (root / "blog" / "extra.py").write_text("from django.db import models\n"
                                            "class Q(models.Model):\n    pass\n")
    (root / "blog" / "models.py").write_text("from django.db import models\n"
                                             "from blog.extra import Q\n"
                                             "class P(models.Model):\n    pass\n")
    assert {m.label for m in build_graph(root, cache_dir=cache).models} == {"blog.P", "blog.Q"}


def test_a_new_file_alone_is_seen_by_a_warm_run(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "src", {
        "manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 's')\n",
        "s.py": "INSTALLED_APPS = ['blog', 'shop']\n", "blog/__init__.py": "",
        "shop/__init__.py": "",
        "shop/models.py": "from django.db import models\nclass Item(models.Model):\n    pass\n"})
    cache = tmp_path / "cache"
    assert not build_graph(root, cache_dir=cache).dependencies
    (root / "blog" / "links.py").write_text("from shop.models import Item\n")  # nothing edited
    graph = build_graph(root, cache_dir=cache)
    assert [(d.source, d.target) for d in graph.dependencies] == [("blog", "shop")]


def test_entries_of_an_older_analyzer_are_removed_on_the_next_full_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)  # no remembered interpreter path in the cache
    root = blog_project(tmp_path)
    cache = tmp_path / "cache"
    build_graph(root, cache_dir=cache)
    current = sorted(p.name for p in cache.iterdir())
    assert len(current) == 2  # the per-file facts and the graph snapshot
    key = current[0].partition("-")[0]
    older = [f"{key}-0123456789abcdef.pickle", f"{key}-0123456789abcdef.graph"]
    other_project = "feedfacefeedface-0123456789abcdef.pickle"
    for name in [*older, other_project]:
        (cache / name).write_bytes(b"written by an older analyzer")
    (root / "blog" / "models.py").write_text("from django.db import models\n"
                                             "class P(models.Model):\n    x = 1\n")
    build_graph(root, cache_dir=cache)
    assert sorted(p.name for p in cache.iterdir()) == sorted([*current, other_project])
