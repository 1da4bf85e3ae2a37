"""The analyze pipeline: discover, read every file once, resolve, assemble, write graph.json.

``build_graph`` is the stable entry point the command, later stages and tests call; writing
the artifacts is ``analyzer.outputs``' job.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from analyzer import snapshot
from analyzer.collectors import collectors
from analyzer.discovery import SKIP_DIRS, Project, discover
from analyzer.facts import FileFacts
from analyzer.graph import assemble
from analyzer.parse import (
    FactCache,
    SourceFile,
    analyzer_fingerprint,
    cache_key,
    extract,
    read_all,
)
from analyzer.resolution import Resolution
from analyzer.source import files_read
from decompose.model import Diagnostic, DiagnosticLevel, Location, ProjectGraph

_SKIP_PACKAGES = frozenset({"migrations", "tests", "test", "templates", "static", "locale",
                            "fixtures", "node_modules"})

Progress = Callable[[int, int], None]  # (files done so far, total files)


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/decompose`` (``~/.cache/decompose``): safe to delete at any time."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "decompose"


def build_graph(root: Path, settings: str | None = None, *,
                site_paths: tuple[Path, ...] | None = None,
                cache_dir: Path | None = None, use_cache: bool = True,
                jobs: int | None = None, progress: Progress | None = None) -> ProjectGraph:
    """Statically analyse the Django project under ``root`` (never importing it)."""
    directory = (cache_dir or default_cache_dir()) if use_cache else None
    key = hashlib.sha1(f"{Path(root).resolve()}\0{settings}\0{site_paths}".encode()
                       ).hexdigest()[:16]
    snapshot_path = directory / f"{key}-{analyzer_fingerprint()}.graph" if directory else None
    previous = snapshot.load(snapshot_path)
    if previous is not None and _unchanged(previous):
        return previous.graph
    reads: set[Path] = set()
    token = files_read.set(reads)
    try:
        project = discover(Path(root), settings, site_paths)
    finally:
        files_read.reset(token)
    app_dirs = _external_app_dirs(project)
    sources = list(_sources(project.source_root, app_dirs, _keep(project)))
    cache = FactCache(directory, key)
    done = 0

    def advance(count: int) -> None:
        nonlocal done
        done += count
        if progress:
            progress(done, len(sources))

    files = read_all(sources, cache, jobs or os.cpu_count() or 1, advance)
    paths = {s.module: s.path for s in sources}
    own = frozenset(s.module for s in sources if s.own and s.module in files)

    def load(module: str) -> FileFacts | None:
        found = project.index.find(module)
        if found is None:
            return None
        try:
            data = found.path.read_bytes()
        except OSError:
            return None
        source = SourceFile(module, found.path, found.is_package, False)
        key = cache_key(data, source)
        facts = cache.get(key)
        if facts is None:
            facts = extract(data, module, found.is_package, str(found.path))
            cache.put(key, facts)
        paths[module] = found.path
        return facts

    resolution = Resolution(project, files, paths, own, load)
    contributions = [c.resolve(resolution) for c in collectors()]
    cache.save()
    problems = [Diagnostic(DiagnosticLevel.WARNING, code, message,
                           Location(project.relpath(paths[module]), line))
                for module in sorted(own) for code, message, line in files[module].problems]
    graph = assemble(project, contributions, problems)
    stamp = snapshot.signature([*reads, *paths.values()])
    if stamp is not None:
        snapshot.save(snapshot_path, snapshot.Snapshot(
            project.source_root, app_dirs, tuple(str(s.path) for s in sources), stamp, graph))
    return graph


def _unchanged(previous: snapshot.Snapshot) -> bool:
    keep = frozenset(Path(p) for p, _, _ in previous.signature if p.endswith("apps.py"))
    keep = frozenset(p.parent for p in keep)
    walked = tuple(str(s.path) for s in _sources(previous.source_root, previous.app_dirs, keep))
    return walked == previous.walked and snapshot.signature(
        Path(p) for p, _, _ in previous.signature) == previous.signature


def _keep(project: Project) -> frozenset[Path]:
    return frozenset(a.directory for a in project.apps if a.directory)


def _external_app_dirs(project: Project) -> tuple[tuple[Path, str], ...]:
    return tuple(sorted({(a.directory, a.name) for a in project.apps
                         if a.external and a.directory is not None}))


def _sources(source_root: Path, app_dirs: tuple[tuple[Path, str], ...],
             keep: frozenset[Path]) -> Iterator[SourceFile]:
    """Own modules under the import root, then the packages of external apps."""
    yield from _walk(source_root, source_root, own=True, keep=keep)
    for directory, name in app_dirs:
        root = directory
        for _ in name.split("."):
            root = root.parent
        yield from (s for s in _walk(directory, root, own=False, keep=keep)
                    if _declares_models(s.module, name))


def _declares_models(module: str, app: str) -> bool:
    """External apps are read for their models only; anything else they define (a field
    class, an abstract base) is parsed on first use by the resolution phase."""
    inner = module[len(app):].lstrip(".").split(".")
    return inner[0] in ("", "apps", "models")


def _walk(top: Path, search_root: Path, *, own: bool,
          keep: frozenset[Path]) -> Iterator[SourceFile]:
    """Python files under ``top``; test, migration and asset folders are skipped unless an
    installed app lives inside them (wagtail keeps its test apps in ``wagtail/test/``).
    Paths are handled as strings here: this loop runs for every folder of a large tree."""
    holders = {str(parent) for d in keep for parent in (d, *d.parents)}
    prefix = len(str(search_root)) + 1
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames[:] = sorted(d for d in dirnames if d.isidentifier() and (
            (d not in SKIP_DIRS and d not in _SKIP_PACKAGES)
            or (d != "migrations" and os.path.join(dirpath, d) in holders)))  # noqa: PTH118
        inner = dirpath[prefix:]
        parts = inner.split(os.sep) if inner else []  # noqa: PTH206
        base = Path(dirpath)
        for name in sorted(filenames):
            if not name.endswith(".py") or name.startswith("test_") or name == "tests.py":
                continue
            stem = name[:-3]
            if not stem.isidentifier():
                continue
            is_package = stem == "__init__"
            module = ".".join(parts if is_package else (*parts, stem))
            if module:
                yield SourceFile(module, base / name, is_package, own)
