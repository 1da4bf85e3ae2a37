"""django-filter for moved models whose foreign keys out of the service became id columns.

``filterset_fields = ["product"]`` names a ``RemoteRelation`` now, which django-filter cannot
build a filter for. This backend declares those names as number filters on the id column, so
``?product=5`` keeps its meaning and its query parameter (an unknown id gives an empty page
where the monolith answered 400: the service cannot check ids it does not own).
"""

from __future__ import annotations

from typing import Any

import django_filters
from django_filters.rest_framework import DjangoFilterBackend

from decompose_remote.models import RemoteRelation


def remote_relations(model: type) -> dict[str, RemoteRelation]:
    return {name: value for klass in reversed(model.__mro__)
            for name, value in vars(klass).items() if isinstance(value, RemoteRelation)}


class RemoteAwareFilterBackend(DjangoFilterBackend):
    """``DjangoFilterBackend`` that understands ``filterset_fields`` naming remote relations."""

    def get_filterset_class(self, view: Any, queryset: Any = None) -> Any:
        fields = getattr(view, "filterset_fields", None)
        if getattr(view, "filterset_class", None) or not fields or queryset is None:
            return super().get_filterset_class(view, queryset)
        remote = remote_relations(queryset.model)
        names = list(fields)
        if not remote.keys() & set(names):
            return super().get_filterset_class(view, queryset)
        declared = {name: django_filters.NumberFilter(field_name=remote[name].attname)
                    for name in names if name in remote}
        meta = type("Meta", (), {"model": queryset.model,
                                 "fields": [n for n in names if n not in remote]})
        return type("AutoFilterSet", (self.filterset_base,), {**declared, "Meta": meta})
