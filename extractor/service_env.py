"""A throwaway environment built from what the service declares, to run its code during
extraction (``manage.py check``, the OpenAPI schema) where it will run, not in decompose's.

It is made by ``uv sync --locked`` from the service's ``uv.lock`` with the monolith's
interpreter (the virtualenv the analyzer read, else one of the same Python version), after
seeding it with the distributions the monolith's environment already has at the locked
version (hard links of their installed files), so only what the service adds is downloaded.
Kept in ``$XDG_CACHE_HOME/decompose/service-envs/`` under a key of the lock, the vendored
runtime and the interpreter: the next extraction with the same lock reuses it. Safe to delete.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import importlib.metadata
import os
import re
import shutil
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

from decompose.errors import DecomposeError
from decompose.paths import cache_home
from extractor.lock import LOCK_FILE, uv
from extractor.plan.environment import MonolithEnvironment
from extractor.runtime import RUNTIME_SOURCE

_READY = ".decompose-ready"  # written last: a folder without it is a build that died
KEEP = 16  # environments kept, the most recently used; older ones are deleted


class ServiceEnvironmentError(DecomposeError):
    """The service's environment could not be built from its lock."""


def cache_root() -> Path:
    """``$XDG_CACHE_HOME/decompose/service-envs`` (``~/.cache/...``)."""
    return cache_home() / "service-envs"


def service_python(service: Path, monolith: MonolithEnvironment,
                   cache: Path | None = None, version: str = "") -> Path:
    """The interpreter of an environment holding exactly what ``service/uv.lock`` locks
    (the service's test extra included), built on first use and reused after."""
    python = interpreter(monolith, version)
    key = _key(service, python)
    folder = (cache or cache_root()) / key
    folder.parent.mkdir(parents=True, exist_ok=True)
    with _exclusive(folder.with_suffix(".lock")):
        if not (folder / _READY).is_file():
            shutil.rmtree(folder, ignore_errors=True)
            _build(service, folder, python, monolith)
        (folder / _READY).write_text(key + "\n", encoding="utf-8")  # its last use
    _prune(folder.parent)
    return folder / "bin" / "python"


def _prune(cache: Path) -> None:
    """Delete all but the ``KEEP`` most recently used environments (one in use is skipped)."""
    ready = sorted(cache.glob(f"*/{_READY}"), key=lambda p: p.stat().st_mtime, reverse=True)
    for marker in ready[KEEP:]:
        with marker.parent.with_suffix(".lock").open("w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue
            shutil.rmtree(marker.parent, ignore_errors=True)


def interpreter(monolith: MonolithEnvironment, version: str = "") -> str:
    """The monolith's virtualenv interpreter; else its Python version (``3.11``, from the
    ``lib/python3.11`` folder holding its packages), else ``version`` (the one the project
    declares), which uv finds on this machine."""
    if monolith.python is not None and monolith.python.is_file():
        return str(monolith.python)
    for site in monolith.site_paths:
        found = re.fullmatch(r"python(3\.\d+)", site.parent.name)
        if found:
            return found.group(1)
    return version or sys.executable  # no packages read (an empty environment)


def _key(service: Path, python: str) -> str:
    digest = hashlib.sha256(f"{python}\0".encode())
    digest.update((service / LOCK_FILE).read_bytes())
    for path in sorted((service / RUNTIME_SOURCE).rglob("*")):  # the lock names it, not its code
        if path.is_file():
            digest.update(f"{path.relative_to(service)}\0".encode() + path.read_bytes())
    return digest.hexdigest()[:16]


@contextlib.contextmanager
def _exclusive(path: Path) -> Iterator[None]:
    """One builder per key at a time (parallel extractions, parallel test workers)."""
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _build(service: Path, folder: Path, python: str, monolith: MonolithEnvironment) -> None:
    env = {"UV_PYTHON_DOWNLOADS": "never", "UV_PROJECT_ENVIRONMENT": str(folder)}
    made = uv("venv", "--quiet", "--python", python, str(folder), cwd=service, env=env)
    if made.returncode:
        raise ServiceEnvironmentError(
            f"cannot create the service's environment with Python {python}: "
            f"{_last(made.stderr)}", path=folder)
    site = next(folder.glob("lib/python3.*/site-packages"))
    _seed(site, _locked_versions(service / LOCK_FILE), monolith.site_paths)
    runtime = service / RUNTIME_SOURCE
    present = set(runtime.iterdir()) if runtime.is_dir() else set()
    try:
        synced = uv("sync", "--locked", "--inexact", "--no-install-project", "--extra", "test",
                    "--quiet", cwd=service, env=env)
    finally:  # setuptools builds the vendored runtime in place, and only a first build
        # leaves its build/ and egg-info there: they are not the service's
        for left in (set(runtime.iterdir()) if runtime.is_dir() else set()) - present:
            shutil.rmtree(left) if left.is_dir() else left.unlink()
    if synced.returncode:
        raise ServiceEnvironmentError(f"cannot install the service's locked dependencies: "
                                f"{_last(synced.stderr)}", path=LOCK_FILE)


def _locked_versions(lock: Path) -> set[tuple[str, str]]:
    packages = tomllib.loads(lock.read_text(encoding="utf-8")).get("package", [])
    return {(p["name"], p["version"]) for p in packages
            if "registry" in p.get("source", {}) and "version" in p}


def _seed(site: Path, locked: set[tuple[str, str]], site_paths: tuple[Path, ...]) -> None:
    """Link in the monolith's installed distributions the lock wants at the same version; uv
    then sees them installed. Files outside site-packages (scripts) are left out."""
    done = set()
    for dist in importlib.metadata.distributions(path=[str(p) for p in site_paths]):
        name = re.sub(r"[-_.]+", "-", dist.metadata["Name"] or "").lower()
        if (name, dist.version) not in locked or name in done:
            continue
        done.add(name)
        root = Path(str(dist.locate_file("")))
        for file in dist.files or ():
            source, target = root / file, site / file
            if file.parts[0] == ".." or not source.is_file() or target.exists():
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(source, target)
            except OSError:
                shutil.copyfile(source, target)


def _last(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    return lines[-1] if lines else "no output"
