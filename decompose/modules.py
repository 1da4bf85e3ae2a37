"""Where modules live on disk, found the way Python's import system would find them, unimported.

The project's own source root comes first, then the environment's ``sys.path`` entries (or the
paths a caller gives), so external apps such as ``django.contrib.auth`` are read from the
installed source without executing it. Shared by the analyzer (the project and its environment)
and the extractor (the project's own modules it copies and edits): one module finder.
"""

from __future__ import annotations

import importlib.machinery
import os
import sys
from dataclasses import dataclass
from importlib.machinery import ModuleSpec
from pathlib import Path, PurePath


@dataclass(frozen=True)
class ModuleFile:
    """A module found on disk: its dotted name, file, and whether it is a package."""

    name: str
    path: Path
    is_package: bool
    search_root: Path


def default_site_paths() -> tuple[Path, ...]:
    """The running interpreter's import path, minus the current directory (``''``, or its
    path under ``python -m``): installed packages, not whatever folder decompose runs in."""
    here = str(Path.cwd())
    return tuple(Path(p) for p in sys.path if p and p != here and Path(p).is_dir())


class ModuleIndex:
    """Finds modules by dotted name under an ordered list of search roots."""

    def __init__(self, source_root: Path, site_paths: tuple[Path, ...]):
        self.source_root = source_root
        self.roots = (source_root, *(p for p in site_paths if p != source_root))
        self._found: dict[str, ModuleFile | None] = {}
        self._specs: dict[str, ModuleSpec | None] = {}  # top-level packages, by name

    def find(self, name: str) -> ModuleFile | None:
        """Memoised per index (per run), not per process: a package installed between two
        runs in one process is found by the second."""
        try:
            return self._found[name]
        except KeyError:
            top = name.partition(".")[0]
            try:
                spec = self._specs[top]
            except KeyError:
                spec = self._specs[top] = importlib.machinery.PathFinder.find_spec(
                    top, [str(r) for r in self.roots])
            found = self._found[name] = _find(self.roots, name, spec)
            return found

    def is_own(self, module: ModuleFile) -> bool:
        return module.search_root == self.source_root

    def package_dir(self, name: str) -> Path | None:
        """The directory of package ``name`` (also a namespace package), if any."""
        found = self.find(name)
        if found is not None:
            return found.path.parent if found.is_package else None
        top, _, rest = name.partition(".")
        for root in self.roots:
            candidate = root.joinpath(top, *rest.split(".")) if rest else root / top
            if candidate.is_dir():
                return candidate
        return None


def module_name(path: PurePath) -> str:
    """The dotted module of a file, ``path`` relative to its search root
    (``shop/orders/__init__.py`` -> ``shop.orders``)."""
    parts = path.with_suffix("").parts
    return ".".join(parts[:-1] if parts and parts[-1] == "__init__" else parts)


def absolute_module(package: str, module: str | None, level: int) -> str:
    """The module a ``from <level dots><module> import`` names inside ``package`` (the
    importing module itself when it is a package's ``__init__``, else its parent)."""
    if not level:
        return module or ""
    parts = package.split(".") if package else []
    base = ".".join(parts[: len(parts) - level + 1]) if level <= len(parts) else ""
    return f"{base}.{module}" if module and base else (module or base)


def _find(roots: tuple[Path, ...], name: str, spec: ModuleSpec | None) -> ModuleFile | None:
    """``name`` on disk, given the spec of its top-level package (looked up once per run:
    resolution asks for thousands of dotted names, most of them classes, not modules)."""
    rest = name.partition(".")[2]
    if spec is None:
        return None
    locations = list(spec.submodule_search_locations or [])
    if not rest:
        if spec.origin and spec.origin.endswith(".py"):
            origin = Path(spec.origin)
            return ModuleFile(name, origin, bool(locations), _root_of(origin, roots, 1 + bool(
                locations)))
        return None
    parts = rest.split(".")
    for location in locations:  # plain strings: most names asked for are not modules
        base = os.path.join(location, *parts[:-1])  # noqa: PTH118
        for candidate, is_package in (
                (os.path.join(base, parts[-1], "__init__.py"), True),  # noqa: PTH118
                (os.path.join(base, f"{parts[-1]}.py"), False)):  # noqa: PTH118
            if os.path.isfile(candidate):  # noqa: PTH113
                path = Path(candidate)
                depth = len(parts) + 1 + is_package
                return ModuleFile(name, path, is_package, _root_of(path, roots, depth))
    return None


def _root_of(path: Path, roots: tuple[Path, ...], depth: int) -> Path:
    base = path
    for _ in range(depth):
        base = base.parent
    return next((r for r in roots if r == base), base)
