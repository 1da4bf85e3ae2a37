"""Models of apps that stay, looked up by label through Django's app registry.

``apps.get_model("history", "HistoryEntry")`` (taiga's ``TimelineAppConfig.ready()``) fails in
the service, which installs no ``history`` app. Each such lookup with a literal label of a
model that stays becomes the mirror's remote model (codemods/model_lookups.py rewrites the
call), so the plan mirrors those models like the ones the moved code imports.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from decompose.model import Location
from extractor.codemods.model_lookups import APPS_REGISTRY, literal_label
from extractor.plan.scope import Scope


def staying_lookups(scope: Scope, paths: Iterable[str]) -> list[tuple[Location, str]]:
    """Each registry lookup of a model that stays in the files at ``paths``, with its label
    as the graph spells it (Django matches the model's name in any case)."""
    staying = {m.label.lower(): m.label for m in scope.graph.models
               if m.app not in scope.moved_labels and not m.abstract}
    found = []
    for path in paths:
        tree = scope.source.tree(path)
        registries = {alias.asname or alias.name for node in ast.walk(tree or ast.Module([], []))
                      if isinstance(node, ast.ImportFrom) and node.module == APPS_REGISTRY[0]
                      for alias in node.names if alias.name == APPS_REGISTRY[1]}
        for node in ast.walk(tree or ast.Module([], [])):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "get_model" and isinstance(node.func.value, ast.Name)
                    and node.func.value.id in registries and not node.keywords):
                continue
            args = [a.value for a in node.args
                    if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            label = literal_label(args) if len(args) == len(node.args) else None
            if label and label.lower() in staying:
                found.append((Location(path, node.lineno), staying[label.lower()]))
    return found
