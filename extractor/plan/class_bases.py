"""A project class with the project classes it derives from, as their files' imports name them.

A model's methods are often written on a mixin or an abstract base of the project: pretalx's
``Room(OrderedModel, PretalxModel)`` gets ``logged_actions`` from ``LogMixin``, a base of
``PretalxModel``. Read statically, a base is followed through the module that defines it
(re-exports in a package's ``__init__`` included); classes of other packages are not
(Django's ``Model`` gives no method the bridge runs).
"""

from __future__ import annotations

import ast

from extractor.plan.names import resolver
from extractor.plan.scope import Scope


def class_and_bases(scope: Scope, path: str, name: str) -> list[ast.ClassDef]:
    """The class ``name`` of the file at ``path``, then its project bases, depth first, each
    once (nearest first, as Python looks a name up)."""
    found: list[ast.ClassDef] = []
    seen: set[tuple[str, str]] = set()
    _collect(scope, path, name, found, seen)
    return found


def _collect(scope: Scope, path: str, name: str, found: list[ast.ClassDef],
             seen: set[tuple[str, str]]) -> None:
    located = _locate(scope, path, name)
    if located is None or located in seen:
        return
    seen.add(located)
    node = scope.source.class_def(*located)
    if node is None:
        return
    found.append(node)
    names = resolver(scope, located[0])
    for base in node.bases:
        dotted = names(base)
        module, _, base_name = (dotted or "").rpartition(".")
        base_path = scope.source.path_of(module) if module else None
        if base_path is not None:
            _collect(scope, base_path, base_name, found, seen)


def _locate(scope: Scope, path: str, name: str, hops: int = 5) -> tuple[str, str] | None:
    """The file that defines ``name`` as seen from ``path``: itself, or the module it imports
    the name from (a package's ``__init__`` re-exporting it), followed a few hops."""
    for _ in range(hops):
        if scope.source.class_def(path, name) is not None:
            return path, name
        dotted = resolver(scope, path)(ast.Name(name))
        module, _, name = (dotted or "").rpartition(".")
        following = scope.source.path_of(module) if module else None
        if following is None or following == path:
            return None
        path = following
    return None
