"""Names in a module of the monolith as the module that defines them spells them: the file's
imports (functions' too) followed, so ``handlers.on_assigned`` reads
``taiga.projects.notifications.signals.on_assigned``."""

from __future__ import annotations

import ast
from collections.abc import Callable

from decompose.modules import absolute_module
from extractor.plan.scope import Scope


def _names(scope: Scope, path: str) -> dict[str, str]:
    """Local name -> dotted path, from every import in the file (functions' too)."""
    tree = scope.source.tree(path)
    module = scope.source.module_of(path)
    names: dict[str, str] = {}
    for node in ast.walk(tree) if tree else ():
        if isinstance(node, ast.ImportFrom):
            package = module if path.endswith("__init__.py") else module.rpartition(".")[0]
            base = absolute_module(package, node.module, node.level)
            names.update({(a.asname or a.name): f"{base}.{a.name}" for a in node.names})
        elif isinstance(node, ast.Import):
            names.update({(a.asname or a.name.partition(".")[0]):
                          (a.name if a.asname else a.name.partition(".")[0]) for a in node.names})
    return names


def dotted(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


def full_name(scope: Scope, path: str, node: ast.expr | None) -> str | None:
    """A name as the module that defines it spells it (``order_placed`` -> its module path)."""
    return resolver(scope, path)(node)


def resolver(scope: Scope, path: str) -> Callable[[ast.expr | None], str | None]:
    """``full_name`` for many names of one file, whose imports are read once."""
    names = _names(scope, path)
    module = scope.source.module_of(path)

    def resolve(node: ast.expr | None) -> str | None:
        written = dotted(node)
        if written is None:
            return None
        head, _, rest = written.partition(".")
        if head in names:
            return f"{names[head]}.{rest}" if rest else names[head]
        return f"{module}.{written}"

    return resolve
