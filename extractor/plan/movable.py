"""Apps that cannot leave the monolith as asked, refused before anything is planned.

Two cuts have no safe rewrite: moving the user model (the monolith stays the identity provider:
it signs the access tokens the service trusts), and moving a proxy or multi-table child without
the model whose table it reads or extends (the table and its schema stay in the monolith).
"""

from __future__ import annotations

from decompose.errors import CannotExtract
from decompose.model import ProjectGraph


def check_movable(graph: ProjectGraph, moved: frozenset[str]) -> None:
    """Raise CannotExtract naming the first model that ties ``moved`` to the monolith."""
    for user in graph.user_models:
        if user.app in moved:
            raise CannotExtract(
                f"{user.app} holds the user model {user.label}: the monolith stays the identity "
                "provider while services share its database; extract the apps that use it",
                path=user.location.path, line=user.location.line)
    models = {m.label: m for m in graph.models}
    for model in graph.models:
        if model.app not in moved or model.abstract:
            continue
        for parent in model.parents:
            base = models.get(parent)
            concrete = base is not None and not base.abstract
            if parent.partition(".")[0] in moved or not (concrete or model.proxy):
                continue
            kind = "a proxy" if model.proxy else "a multi-table child"
            together = " ".join(sorted({*moved, parent.partition(".")[0]}))
            raise CannotExtract(
                f"{model.label} is {kind} of {parent}, whose table stays in the monolith: move "
                f"them together (decompose extract {together})",
                path=model.location.path, line=model.location.line)
