"""Admin inlines of models that stay, which the service's admin cannot show.

An inline edits rows of its ``model`` beside its parent's form (taiga's wiki admin lists
``WatchedInline`` and ``VoteInline``, carried from notifications and votes, whose models stay):
in the service that model is a remote stand-in, which Django's admin cannot edit. The plan names
each inline class of the service's code whose ``model`` is a remote model; codemods/
remote_admin.py takes them out of the moved admins' ``inlines`` (the monolith's admin keeps
them).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable

from decompose.model import Handling, MirrorModule
from extractor.plan.names import resolver
from extractor.plan.scope import Scope

INLINE_BASE = re.compile(r"Inline(ModelAdmin)?$")  # TabularInline, GenericStackedInline...


def remote_inlines(scope: Scope, paths: Iterable[str], mirrors: tuple[MirrorModule, ...]
                   ) -> dict[str, str]:
    """Dotted name of each inline class defined in the files at ``paths`` whose ``model`` is
    a remote model -> that model's label."""
    remote = {f"{m.module}.{n.name}": n.target for m in mirrors for n in m.names
              if n.handling == Handling.REMOTE_MODEL}
    found = {}
    for path in paths:
        tree = scope.source.tree(path)
        resolve = resolver(scope, path)
        module = scope.source.module_of(path)
        for node in tree.body if tree else ():
            if not (isinstance(node, ast.ClassDef) and any(
                    INLINE_BASE.search(ast.unparse(base)) for base in node.bases)):
                continue
            for statement in node.body:
                if (isinstance(statement, ast.Assign) and len(statement.targets) == 1
                        and isinstance(statement.targets[0], ast.Name)
                        and statement.targets[0].id == "model"
                        and (label := remote.get(resolve(statement.value) or ""))):
                    found[f"{module}.{node.name}"] = label
    return found
