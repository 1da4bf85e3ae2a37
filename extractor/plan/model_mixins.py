"""Class methods a staying model gets from a well-known mixin, which its remote model answers
without asking the monolith.

django-rules' ``RulesModelMixin`` gives a model ``get_perm("list")``, its permission names
(``"schedule.list_room"``); pretalx's API asks ``view.queryset.model.get_perm(action)`` of
every viewset, each of a model that stays. The name is made from the model's ``_meta`` alone,
which the remote model has, so the service answers it as django-rules does.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from decompose.model import Model
from extractor.plan.names import resolver
from extractor.plan.scope import Scope

# django-rules' classes: its mixin, the model built on it, and the metaclass of both.
RULES_BASES = frozenset({"rules.contrib.models.RulesModelMixin",
                         "rules.contrib.models.RulesModel",
                         "rules.contrib.models.RulesModelBase"})


def rules_models(scope: Scope, labels: Iterable[str]) -> tuple[str, ...]:
    """The models among ``labels`` whose class, or one of its model bases' (abstract ones
    included), derives from django-rules' model mixin, as their files' imports name it."""
    return tuple(sorted(label for label in labels
                        if (model := scope.graph.model(label)) and _derives(scope, model, set())))


def _derives(scope: Scope, model: Model, seen: set[str]) -> bool:
    if model.label in seen:
        return False
    seen.add(model.label)
    path = model.location.path
    node = scope.source.class_def(path, model.name)
    if node is not None:
        names = resolver(scope, path)
        written: list[ast.expr] = [*node.bases, *(k.value for k in node.keywords)]
        if any(names(base) in RULES_BASES for base in written):
            return True
    return any((parent := scope.graph.model(label)) is not None
               and _derives(scope, parent, seen) for label in model.parents)
