"""Calls the service's code would make to the monolith while it is being imported.

A function of an app that stays is a remote call in the service (decompose_remote.functions).
Called in a module or class body (taiga's carried notifications serializers:
``model = get_user_model_safe()`` in a ``Meta``), it runs when the service starts and when its
schema is generated, before the service can reach the monolith (and a model class cannot cross
the bridge anyway): refused before writing, at its line.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator

from decompose.errors import CannotExtract
from extractor.plan.names import full_name
from extractor.plan.scope import Scope


def refuse_import_time_calls(scope: Scope, paths: Iterable[str], remote: dict[str, str]
                             ) -> None:
    """``remote`` maps each dotted name the service's code may import a remote function
    under to the function of the monolith it calls."""
    for path in paths:
        tree = scope.source.tree(path)
        for call in _run_at_import(tree.body if tree else []):
            target = remote.get(full_name(scope, path, call.func) or "")
            if target:
                app = scope.source.app_of(target.rpartition(".")[0])
                raise CannotExtract(
                    f"{target}: a function of an app that stays, called while the module is "
                    "imported: in the service it is a call to the monolith, made before the "
                    "service can reach it; call it inside a function (run per request), or "
                    f"extract {app.label if app else 'its app'} too", path=path,
                    line=call.lineno)


def _run_at_import(nodes: Iterable[ast.AST]) -> Iterator[ast.Call]:
    """The calls among ``nodes`` that run when the module is imported: not those in function
    or lambda bodies (their decorators and defaults do run)."""
    for node in nodes:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield from _run_at_import([*node.decorator_list, *node.args.defaults,
                                       *(d for d in node.args.kw_defaults if d is not None)])
            continue
        if isinstance(node, ast.Lambda):
            continue
        if isinstance(node, ast.Call):
            yield node
        yield from _run_at_import(ast.iter_child_nodes(node))
