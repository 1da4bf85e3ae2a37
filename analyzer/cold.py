"""A full (cold) analysis run: discover, read every file once, resolve, assemble, and store
the graph snapshot a later warm run reuses.

Imported by ``analyzer.pipeline`` only when the snapshot cannot be reused, so a warm run
never loads the collectors, discovery or resolution.
"""

from __future__ import annotations

import os
import sysconfig
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from analyzer import snapshot
from analyzer.collectors import collectors
from analyzer.coverage import check_apps
from analyzer.discovery import SKIP_DIRS, Project, discover
from analyzer.distributions import DjangoFree
from analyzer.facts import FileFacts
from analyzer.graph import assemble
from analyzer.names import known_by_name
from analyzer.parse import FactCache, SourceFile, read_ahead, read_all, read_one
from analyzer.resolution import Resolution
from analyzer.source import files_read
from analyzer.symbols import ImportFact
from decompose.model import Diagnostic, DiagnosticLevel, Location, ProjectGraph

if TYPE_CHECKING:
    from analyzer.pipeline import Progress

_SKIP_PACKAGES = frozenset({"migrations", "tests", "test", "templates", "static", "locale",
                            "fixtures", "node_modules"})


def analyze(root: Path, settings: str | None, site_paths: tuple[Path, ...],
            installed_apps: tuple[str, ...] | None, directory: Path | None, key: str,
            snapshot_path: Path | None, jobs: int | None,
            progress: Progress | None) -> tuple[ProjectGraph, snapshot.Snapshot | None]:
    """Analyse the project from its files (facts reused from the per-file cache); the graph,
    and the snapshot of what it was read from (None if a file went away meanwhile)."""
    reads: set[Path] = set()
    token = files_read.set(reads)
    try:
        project = discover(Path(root), settings, site_paths, installed_apps)
    finally:
        files_read.reset(token)
    folders: list[str] = []
    sources = list(_sources(project.source_root, _external_app_dirs(project), _keep(project),
                            folders))
    coverage = check_apps(project, (s.module for s in sources if s.own))
    inert = DjangoFree(project.index, site_paths, (a.name for a in project.apps))
    cache = FactCache(directory, key)
    done = 0

    def advance(count: int) -> None:
        nonlocal done
        done += count
        if progress:
            progress(done, len(sources))

    workers = jobs or os.cpu_count() or 1
    files = read_all(sources, cache, workers, advance)
    paths = {s.module: s.path for s in sources}
    own = frozenset(s.module for s in sources if s.own and s.module in files)
    read_ahead(_imported_packages(project, files, own, inert), cache, workers)

    def load(module: str) -> FileFacts | None:
        found = project.index.find(module)
        if found is None or _in_standard_library(found.path):
            return None
        try:
            data = found.path.read_bytes()
        except OSError:
            return None
        paths[module] = found.path
        return read_one(SourceFile(module, found.path, found.is_package, False), data, cache)

    resolution = Resolution(project, files, paths, own, load, inert)
    contributions = [c.resolve(resolution) for c in collectors()]
    cycles = [Diagnostic(DiagnosticLevel.WARNING, "name-resolution-cycle",
                         "following names from this module goes in circles; the names "
                         "involved are left unresolved", Location(project.relpath(paths[m]), 1))
              for m in sorted(resolution.cycles) if m in paths]
    del resolution  # no cycle holds it (the index refers back weakly): its memos go now
    cache.save()
    problems = [Diagnostic(DiagnosticLevel.WARNING, code, message,
                           Location(project.relpath(paths[module]), line))
                for module in sorted(own) for code, message, line in files[module].problems]
    graph = assemble(project, contributions, [*problems, *coverage, *cycles])
    stamp = snapshot.signature([*reads, *paths.values()])
    listed = snapshot.signature(folders)
    taken = None
    if stamp is not None and listed is not None:
        taken = snapshot.Snapshot(listed, stamp, graph)
        snapshot.save(snapshot_path, taken)
    if directory is not None:
        _drop_stale(directory, key, keep={cache.path, snapshot_path})
    return graph, taken


def _imported_packages(project: Project, files: dict[str, FileFacts], own: frozenset[str],
                       inert: DjangoFree) -> Iterator[SourceFile]:
    """Installed modules the own modules import at module level: following names (is this
    a model?) parses nine in ten of them one by one in the resolution phase, so the pool
    reads them ahead (``read_ahead``)."""
    seen: set[str] = set()
    for module in sorted(own):
        for fact in files[module].of("imports"):
            if not isinstance(fact, ImportFact) or not fact.bound:
                continue
            for name in (fact.module, f"{fact.module}.{fact.name}" if fact.name not in (None, "*")
                         else None):
                if (not name or name in seen or name in files or known_by_name(name)
                        or name in inert):
                    continue
                seen.add(name)
                found = project.index.find(name)
                if (found is not None and not project.index.is_own(found)
                        and not _in_standard_library(found.path)):
                    yield SourceFile(name, found.path, found.is_package, False)


def _drop_stale(directory: Path, key: str, keep: set[Path | None]) -> None:
    """Remove what an older analyzer or another set of installed distributions left for this
    project: it is never read again, and each upgrade would otherwise leave a copy behind."""
    for path in directory.glob(f"{key}-*"):
        if path not in keep:
            path.unlink(missing_ok=True)


_STDLIB = Path(sysconfig.get_paths()["stdlib"])
_SITE_DIRS = frozenset({"site-packages", "dist-packages"})


def _in_standard_library(path: Path) -> bool:
    """The standard library defines no model, field, app or URLconf: the resolution phase
    never parses it (it was a third of a small project's run). Installed packages can live
    below the standard library's folder, in ``site-packages``: those are read."""
    if not path.is_relative_to(_STDLIB):
        return False
    return path.relative_to(_STDLIB).parts[0] not in _SITE_DIRS


def _keep(project: Project) -> frozenset[Path]:
    return frozenset(a.directory for a in project.apps if a.directory)


def _external_app_dirs(project: Project) -> tuple[tuple[Path, str], ...]:
    return tuple(sorted({(a.directory, a.name) for a in project.apps
                         if a.external and a.directory is not None}))


def _sources(source_root: Path, app_dirs: tuple[tuple[Path, str], ...],
             keep: frozenset[Path], folders: list[str]) -> Iterator[SourceFile]:
    """Own modules under the import root, then the packages of external apps; every folder
    listed on the way is added to ``folders`` (the warm-run check stats them)."""
    holders = frozenset(str(parent) for d in keep for parent in (d, *d.parents))
    yield from _walk(str(source_root), str(source_root), True, holders, folders)
    for directory, name in app_dirs:
        root = directory
        for _ in name.split("."):
            root = root.parent
        yield from (s for s in _walk(str(directory), str(root), False, holders, folders)
                    if _declares_models(s.module, name))


def _declares_models(module: str, app: str) -> bool:
    """External apps are read for their models only; anything else they define (a field
    class, an abstract base) is parsed on first use by the resolution phase."""
    inner = module[len(app):].lstrip(".").split(".")
    return inner[0] in ("", "apps", "models")


def _walk(top: str, search_root: str, own: bool, holders: frozenset[str],
          folders: list[str]) -> Iterator[SourceFile]:
    """Python files under ``top``; test, migration and asset folders are skipped unless an
    installed app lives inside them (``holders``: app folders and their parents; wagtail
    keeps its test apps in ``wagtail/test/``). Paths are handled as strings here: this loop
    runs for every folder of a large tree."""
    prefix = len(search_root) + 1
    for dirpath, dirnames, filenames in os.walk(top):
        folders.append(dirpath)
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
