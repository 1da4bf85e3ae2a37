"""External apps the service must install, and the requirements of what the moved code imports."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable
from pathlib import Path

from decompose.modules import ModuleIndex
from extractor.plan.dotted import dotted_strings, named_module
from extractor.plan.environment import MonolithEnvironment
from extractor.plan.scope import Scope
from extractor.plan.settings import REPLACED_BACKENDS
from extractor.requirements_files import distribution
from extractor.spec import SKELETON_REQUIREMENTS

_SKELETON = frozenset(map(distribution, SKELETON_REQUIREMENTS))


def third_party(scope: Scope, python: Iterable[tuple[str, str]],
                drf: tuple[tuple[str, str], ...], environment: MonolithEnvironment
                ) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """External, non-Django apps the moved code or the copied DRF settings use, and a
    requirement for each of them and each library the moved code imports (``yaml``), from the
    version installed in the monolith's ``environment`` (the monolith's own pin replaces it
    later, where it has one); what the skeleton requires already is left out."""
    text = " ".join(value for _, value in drf) + " ".join(
        original for original, new in REPLACED_BACKENDS.items() if new in str(drf))
    modules = {module for path, name in python for module in scope.source.imports(path, name)
               } | _installed_named(scope, [path for path, _ in python], environment)
    # an app whose modules are imported (easy_thumbnails.files defines no model, but imports
    # easy_thumbnails.models, which needs the app installed)
    used = {app.name for app in scope.graph.apps if app.external
            and not app.name.startswith(("django.", "rest_framework"))
            and (app.name in text or any(m == app.name or m.startswith(f"{app.name}.")
                                         for m in modules))}
    imported = {module.split(".")[0] for module in modules}
    libraries = {top for top in imported if top and top not in sys.stdlib_module_names
                 and not (scope.source.root / top).exists()
                 and not (scope.source.root / f"{top}.py").exists()}
    found = {environment.distribution_of(module) for module in used | libraries}
    return tuple(sorted(used)), tuple(sorted(
        _requirement(*d) for d in found if d and distribution(d[0]) not in _SKELETON))


def _installed_named(scope: Scope, paths: Iterable[str], environment: MonolithEnvironment
                     ) -> set[str]:
    """Installed modules the files at ``paths`` name in dotted strings (dotted.py): imported
    by string (``import_string``), they must be installed in the service as much as those the
    files import."""
    index = ModuleIndex(scope.source.root / scope.source.import_root, environment.site_paths)
    trees: dict[str, ast.Module | None] = {}

    def tree_of(module: str) -> ast.Module | None:
        if module not in trees:
            found = index.find(module)
            trees[module] = None if found is None or index.is_own(found) else _parsed(found.path)
        return trees[module]

    named = set()
    for path in paths:
        tree = scope.source.tree(path)
        for dotted in dotted_strings(tree) if tree else ():
            top = dotted.partition(".")[0]
            if top not in sys.stdlib_module_names and environment.distribution_of(top):
                named.add(named_module(dotted, tree_of))
    return {m for m in named if m}


def _parsed(path: Path) -> ast.Module | None:
    try:
        return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return None


def _requirement(name: str, version: str) -> str:
    """``django-filter`` 25.1.2 -> ``django-filter>=25.1,<26``: that release's series."""
    major = version.split(".")[0]
    return f"{name}>={'.'.join(version.split('.')[:2])},<{int(major) + 1}"
