"""The monolith's Python environment, as the analyzer found it: where its packages are installed.

``graph.json`` keeps each external app's folder (``.../site-packages/django/contrib/auth``), so
the folders the analyzer read third-party code from are known without asking anything again.
The extractor reads distribution metadata there (never decompose's own environment) and seeds
the service's throwaway environment from it.
"""

from __future__ import annotations

import ast
import functools
import importlib.metadata
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement

from decompose.model import ProjectGraph
from extractor.requirements_files import distribution


def parse_installed(path: Path) -> ast.Module | None:
    """An installed file parsed (from its bytes: its own encoding declaration decides), None
    when it cannot be read or parsed."""
    try:
        return ast.parse(path.read_bytes(), filename=str(path))
    except (OSError, SyntaxError, ValueError):
        return None


@dataclass(frozen=True)
class MonolithEnvironment:
    """Site-packages folders of the monolith's environment and its interpreter, if found."""

    site_paths: tuple[Path, ...] = ()
    python: Path | None = None  # <venv>/bin/python when the folders are a virtualenv's

    def distribution_of(self, module: str) -> tuple[str, str] | None:
        """(name, version) of the installed distribution providing top-level ``module``."""
        return _providers(self.site_paths).get(module.split(".")[0])

    def requires(self, name: str) -> frozenset[str]:
        """The distributions (normalised names) installed distribution ``name`` requires
        whatever extras are chosen, directly or through those it requires: not those of its
        extras (django-storages' ``s3``)."""
        direct = _requirements(self.site_paths)
        found: set[str] = set()
        pending = [distribution(name)]
        while pending:
            for needed in direct.get(pending.pop(), frozenset()) - found:
                found.add(needed)
                pending.append(needed)
        return frozenset(found)

    def installs(self, requirements: Iterable[str]) -> Callable[[str], bool]:
        """Whether an environment made from ``requirements`` has top-level module ``module``,
        as far as this one tells: the distribution providing it here is one of them or one
        they require. A module no distribution here provides (the standard library's, the
        project's own) counts as there."""
        wanted = {distribution(r) for r in requirements}
        present = wanted | {needed for name in wanted for needed in self.requires(name)}

        def has(module: str) -> bool:
            provider = self.distribution_of(module)
            return provider is None or distribution(provider[0]) in present
        return has


def monolith_environment(graph: ProjectGraph) -> MonolithEnvironment:
    """The folders holding the external apps, from their module paths (``django.contrib.auth``
    three levels below site-packages); the virtualenv's interpreter when there is one."""
    found: list[Path] = []
    for app in graph.apps:
        if not app.external or not app.path:
            continue
        folder = Path(app.path)
        depth = len(app.name.split("."))
        if len(folder.parts) > depth and folder.parts[-depth:] == tuple(app.name.split(".")):
            site = folder.parents[depth - 1]
            if site not in found:
                found.append(site)
    python = next((site.parents[2] / "bin" / "python" for site in found
                   if re.fullmatch(r"python3\.\d+", site.parent.name)
                   and (site.parents[2] / "pyvenv.cfg").is_file()), None)
    return MonolithEnvironment(tuple(found), python)


@functools.lru_cache(maxsize=8)
def _providers(site_paths: tuple[Path, ...]) -> dict[str, tuple[str, str]]:
    """Top-level module -> (distribution, version), the first on the search path winning."""
    found: dict[str, tuple[str, str]] = {}
    for dist in importlib.metadata.distributions(path=[str(p) for p in site_paths]):
        for top in _top_levels(dist):
            found.setdefault(top, (dist.metadata["Name"], dist.version))
    return found


@functools.lru_cache(maxsize=8)
def _requirements(site_paths: tuple[Path, ...]) -> dict[str, frozenset[str]]:
    """Distribution -> what it requires unconditionally (no ``extra`` in the marker)."""
    found: dict[str, frozenset[str]] = {}
    for dist in importlib.metadata.distributions(path=[str(p) for p in site_paths]):
        needed = set()
        for line in dist.requires or ():
            try:
                requirement = Requirement(line)
            except InvalidRequirement:
                continue
            if requirement.marker is None or "extra" not in str(requirement.marker):
                needed.add(distribution(requirement.name))
        found.setdefault(distribution(dist.metadata["Name"]), frozenset(needed))
    return found


@functools.lru_cache(maxsize=8)
def _top_levels(dist: importlib.metadata.Distribution) -> set[str]:
    listed = dist.read_text("top_level.txt")
    if listed:
        return set(listed.split())
    return {f.parts[0].removesuffix(".py") for f in dist.files or ()
            if f.parts[0] != ".." and not f.parts[0].endswith((".dist-info", ".data"))}
