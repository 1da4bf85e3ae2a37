"""The analyze pipeline: discover, read every file once, resolve, assemble, write graph.json.

``build_graph`` is the stable entry point the command, later stages and tests call; writing
the artifacts is ``analyzer.outputs``' job. A warm run (no input changed) is answered from
the graph snapshot here; only a stale one loads ``analyzer.cold`` and the collectors.
"""

from __future__ import annotations

import gc
import hashlib
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from analyzer import snapshot
from analyzer.environment import Environment, find_environment, fingerprint
from analyzer.version import analyzer_fingerprint
from decompose.model import ProjectGraph
from decompose.paths import cache_home

Progress = Callable[[int, int], None]  # (files done so far, total files)


def build_graph(root: Path, settings: str | None = None, *,
                site_paths: tuple[Path, ...] | None = None,
                installed_apps: tuple[str, ...] | None = None,
                cache_dir: Path | None = None, use_cache: bool = True,
                jobs: int | None = None, progress: Progress | None = None) -> ProjectGraph:
    """Statically analyse the Django project under ``root`` (never importing it).

    Third-party modules are read from ``site_paths`` if given, else from the environment
    found for the project (see ``analyzer.environment``).
    ``installed_apps`` (the config's list) replaces the settings' INSTALLED_APPS."""
    return read_project(root, settings, site_paths=site_paths, installed_apps=installed_apps,
                        cache_dir=cache_dir, use_cache=use_cache, jobs=jobs,
                        progress=progress)[0]


def read_project(root: Path, settings: str | None = None, *,
                 site_paths: tuple[Path, ...] | None = None,
                 installed_apps: tuple[str, ...] | None = None,
                 cache_dir: Path | None = None, use_cache: bool = True,
                 jobs: int | None = None, progress: Progress | None = None,
                 ) -> tuple[ProjectGraph, snapshot.Snapshot | None]:
    """``build_graph``, with the snapshot of the files and folders the graph was read from
    (None when a file went away during the run)."""
    directory = (cache_dir or cache_home()) if use_cache else None
    environment = (Environment(site_paths, "given") if site_paths is not None
                   else find_environment(Path(root).resolve(), cache=directory))
    with _cyclic_gc_paused():
        return _build(root, settings, environment, installed_apps, cache_dir, use_cache, jobs,
                      progress)


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """A run allocates millions of small acyclic objects (trees, facts, the unpickled cache);
    the cycle collector re-scanning them all took up to half of a run. Reference counting
    still frees them; the collector resumes (and finds any cycles) when the run ends.

    What survives is the graph, data the caller keeps: it goes straight to the oldest
    generation (``freeze`` then ``unfreeze``) rather than being scanned by the young-generation
    collection that re-enabling would trigger at once (a third of a warm run on 5,000 models)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        if enabled:
            gc.enable()


def snapshot_file(root: Path, settings: str | None, site_paths: tuple[Path, ...],
                  installed_apps: tuple[str, ...] | None,
                  directory: Path | None) -> tuple[str, Path | None]:
    """(project key, graph snapshot file) of a run: the key names the project and the
    options; the file also names the analyzer's version and the installed distributions."""
    configuration = os.environ.get("DJANGO_CONFIGURATION")
    key = hashlib.sha1(f"{Path(root).resolve()}\0{settings}\0{configuration}\0{site_paths}\0"
                       f"{installed_apps}".encode()).hexdigest()[:16]
    if directory is None:
        return key, None
    return key, directory / f"{key}-{analyzer_fingerprint()}-{fingerprint(site_paths)}.graph"


def _build(root: Path, settings: str | None, environment: Environment,
           installed_apps: tuple[str, ...] | None, cache_dir: Path | None, use_cache: bool,
           jobs: int | None, progress: Progress | None,
           ) -> tuple[ProjectGraph, snapshot.Snapshot | None]:
    directory = (cache_dir or cache_home()) if use_cache else None
    site_paths = environment.site_paths
    key, snapshot_path = snapshot_file(root, settings, site_paths, installed_apps, directory)
    previous = snapshot.load(snapshot_path)
    if previous is not None and _unchanged(previous):
        return previous.graph, previous
    from analyzer import cold  # the whole analyzer: loaded only when the snapshot is stale

    return cold.analyze(root, settings, site_paths, installed_apps, directory, key,
                        snapshot_path, jobs, progress)


def _unchanged(previous: snapshot.Snapshot) -> bool:
    """No file of the run changed and no folder the walk listed gained or lost an entry (that
    changes the folder's mtime): the walk would find the same files, so none is listed."""
    return (snapshot.signature(p for p, _, _ in previous.folders) == previous.folders
            and snapshot.signature(p for p, _, _ in previous.signature) == previous.signature)
