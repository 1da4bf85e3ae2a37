"""django-filter for moved models whose foreign keys out of the service became id columns.

``filterset_fields = ["product"]`` names a ``RemoteRelation`` now, which django-filter cannot
build a filter for. This backend declares those names as filters on the id column, so
``?product=5`` keeps its meaning and its query parameter; a ``RemoteManyToMany``
(``?executions=5``) filters on the id column of its pairs. Like the monolith's
``ModelChoiceFilter``, each filter first asks the monolith for the row (one fetch, remembered for
the rest of the request), so an unknown or malformed id is answered with the same 400.

A FilterSet of a model that stays (``Meta.model`` a RemoteModel) filters its RemoteQuerySet:
each filter records its lookup, and the bridge runs them (refusing what its allowlist does not
give). ``install()``, run by this app's ``ready()``, lets django-filter take that queryset.
"""

from __future__ import annotations

from functools import wraps
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django_filters.rest_framework import DjangoFilterBackend

from decompose_remote.many import RemoteManyToMany
from decompose_remote.models import (
    RemoteModel,
    RemoteObject,
    RemoteQuerySet,
    RemoteRelation,
    pk_of,
)


def remote_relations(model: Any) -> dict[str, tuple[str, str]]:
    """Per remote relation name, (the monolith model's label, the lookup of its id column):
    ``product_id``, or ``executions_pairs__testexecution_id`` through the pairs; none for a
    monolith model (a RemoteModel: its keys are fields of its ``_meta``)."""
    if isinstance(model, RemoteModel):
        return {}
    return {name: (value.label, value.attname if isinstance(value, RemoteRelation)
                   else value.lookup)
            for klass in reversed(model.__mro__) for name, value in vars(klass).items()
            if isinstance(value, RemoteRelation | RemoteManyToMany)}


class RemoteChoiceField(forms.Field):
    """A monolith row by primary key, refused with Django's ``ModelChoiceField`` messages."""

    default_error_messages = forms.ModelChoiceField.default_error_messages

    def __init__(self, *args: Any, label_of_model: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.remote_model = RemoteModel(label_of_model)

    def to_python(self, value: Any) -> RemoteObject | None:
        if value in self.empty_values:
            return None
        ProhibitNullCharactersValidator()(value)
        try:
            # The monolith converts the key, so "abc" fails there exactly as in its own filter.
            return self.remote_model.get_by_pk(value)
        except (ValueError, TypeError, self.remote_model.DoesNotExist):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                  params={"value": value}) from None


class RemoteChoiceFilter(django_filters.NumberFilter):
    """Filters the id column by a row the monolith confirmed; typed as the id column in the
    OpenAPI schema (a ``NumberFilter`` on an integer field), as before."""

    field_class = RemoteChoiceField  # type: ignore[assignment]  # a row, not a number

    def get_max_validator(self) -> None:
        """The monolith judges the key; a number bound would compare it with a row."""
        return None

    def filter(self, qs: Any, value: Any) -> Any:
        return super().filter(qs, pk_of(value))


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
        declared = {name: RemoteChoiceFilter(field_name=remote[name][1],
                                             label_of_model=remote[name][0])
                    for name in names if name in remote}
        # Declared names stay in Meta.fields so errors keep the monolith's field order.
        meta = type("Meta", (), {"model": queryset.model, "fields": names})
        return type("AutoFilterSet", (self.filterset_base,), {**declared, "Meta": meta})


def install() -> None:
    """Let ``FilterSet.filter_queryset`` filter a RemoteQuerySet, which django-filter's own
    refuses (it asserts each filter returned a Django QuerySet); other querysets as before."""
    django_filter_queryset: Any = django_filters.FilterSet.filter_queryset
    if getattr(django_filter_queryset, "filters_remote_rows", False):
        return

    @wraps(django_filter_queryset)
    def filter_queryset(self: Any, queryset: Any) -> Any:
        if not isinstance(queryset, RemoteQuerySet):
            return django_filter_queryset(self, queryset)
        for name, value in self.form.cleaned_data.items():
            queryset = self.filters[name].filter(queryset, value)
        return queryset

    filter_queryset.filters_remote_rows = True  # type: ignore[attr-defined]
    django_filters.FilterSet.filter_queryset = filter_queryset  # type: ignore[method-assign]
