"""ModelForms of moved models whose relations out of the service became id columns.

In the monolith, ``Meta.fields = ["product", "tags"]`` gave the form a ``product`` field (a
select of the ``Product`` rows, cleaned to a row and saved into the key) and a ``tags`` field
(a multiple select, saved as pairs). In the service ``product`` is a ``RemoteRelation`` beside
the ``product_id`` column and ``tags`` a ``RemoteManyToMany``, no model fields, so Django would
refuse the names. A form deriving from ``RemoteModelForm`` keeps them: each is a choice field
over the monolith's rows (listed through its bridge, the posted keys checked against them when
the form is cleaned), initial from the id column or the pairs, saved into them. Templates,
views and tests that read ``form.product`` or post ``product`` work unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import (
    ALL_FIELDS,
    ModelChoiceIterator,
    ModelFormMetaclass,
    ModelFormOptions,
)
from django.utils.text import capfirst

from decompose_remote.drafts import RemoteDraft
from decompose_remote.many import RemoteManyToMany
from decompose_remote.models import RemoteModel, RemoteObject, RemoteRelation

Relation = RemoteRelation | RemoteManyToMany


class RemoteChoiceIterator(ModelChoiceIterator):
    """The choices of a ``RemoteQuerySet``: one call to the monolith lists its rows."""

    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for row in self.queryset:
            yield self.choice(row)


class RemoteModelChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """``ModelChoiceField`` over a monolith model's rows (``queryset`` a ``RemoteQuerySet``):
    options valued by primary key and labelled ``str(row)``, a posted key cleaned to the row
    the queryset has (``queryset.get(pk=...)`` in the monolith), Django's messages otherwise."""

    iterator = RemoteChoiceIterator

    def prepare_value(self, value: Any) -> Any:
        """A monolith row, or the token's user (``initial={"reporter": request.user}``), is
        its key, as a model instance is in Django."""
        if callable(getattr(value, "__decompose_ref__", None)):
            return value.pk
        return super().prepare_value(value)


class RemoteModelMultipleChoiceField(
        forms.ModelMultipleChoiceField, RemoteModelChoiceField):  # type: ignore[type-arg]
    """``ModelMultipleChoiceField`` over a monolith model's rows: the posted keys are checked
    in one call (``queryset.filter(pk__in=...)``); one the pairs' id column (the rows'
    primary key, for a monolith model's own many-to-many) cannot hold is refused first with
    Django's message naming it, as the monolith's own query would fail."""

    def __init__(self, queryset: Any, *, pairs: RemoteManyToMany | None = None,
                 **kwargs: Any) -> None:
        super().__init__(queryset, **kwargs)
        self.pairs = pairs

    def _check_values(self, value: Iterable[Any]) -> Any:
        rows: Any = self.queryset
        column: Any = (self.pairs.through._meta.get_field(self.pairs.column) if self.pairs
                       else rows.model._meta.pk)
        for pk in value if isinstance(value, list | tuple) else ():
            try:
                column.to_python(pk)
            except ValidationError:
                raise ValidationError(self.error_messages["invalid_pk_value"],
                                      code="invalid_pk_value", params={"pk": pk}) from None
        return super()._check_values(value)  # type: ignore[misc]  # Django's, not in stubs


def remote_relations(model: Any) -> dict[str, Relation]:
    """The model's relations out of the service, by name (``product``, ``tags``); none for
    a monolith model (a RemoteModel: its keys are fields of its ``_meta``)."""
    if isinstance(model, RemoteModel):
        return {}
    return {name: value for klass in reversed(model.__mro__)
            for name, value in vars(klass).items() if isinstance(value, Relation)}


class RemoteModelFormMetaclass(ModelFormMetaclass):
    """Builds a choice field for each remote relation the form's ``Meta`` names (or takes in
    with ``"__all__"`` or ``exclude``) and does not declare itself, where Django built a model
    choice field: same name, same place, ``Meta``'s widget, label, help text and error
    messages."""

    def __new__(mcs, name: str, bases: tuple[type, ...], attrs: dict[str, Any],
                ) -> RemoteModelFormMetaclass:
        meta = attrs["Meta"] if "Meta" in attrs else next(
            (base.Meta for base in bases if hasattr(base, "Meta")), None)
        opts: ModelFormOptions[Any] = ModelFormOptions(meta)
        built = _built_fields(opts, attrs, bases)
        new_class: Any = super().__new__(mcs, name, bases, {**built, **attrs})
        # Not declared: a subclass builds its own from its own Meta, as Django would.
        new_class.declared_fields = {key: field for key, field in
                                     new_class.declared_fields.items() if key not in built}
        if built and new_class._meta.fields is None:  # "__all__" or exclude: in the key's place
            new_class.base_fields = _in_place(new_class.base_fields, new_class._meta.model,
                                              built)
        return new_class  # type: ignore[no-any-return]


def _built_fields(opts: ModelFormOptions[Any], attrs: Mapping[str, Any],
                  bases: tuple[type, ...]) -> dict[str, forms.Field]:
    if opts.model is None:
        return {}
    declared = {key for key, value in attrs.items() if isinstance(value, forms.Field)} | {
        key for base in bases for key in getattr(base, "declared_fields", {})}
    return {name: _choice_field(opts, name, relation)
            for name, relation in remote_relations(opts.model).items()
            if (opts.fields is None or opts.fields == ALL_FIELDS or name in opts.fields)
            and name not in (opts.exclude or ()) and name not in declared}


def _choice_field(opts: ModelFormOptions[Any], name: str, relation: Relation) -> forms.Field:
    """What ``ForeignKey.formfield()`` (``ManyToManyField.formfield()``) made, from the id
    column's (the relation's) ``blank`` and ``Meta``."""
    assert opts.model is not None
    if isinstance(relation, RemoteRelation):
        blank = bool(getattr(opts.model._meta.get_field(relation.attname), "blank", False))
    else:
        blank = relation.blank
    kwargs: dict[str, Any] = {"required": not blank, "blank": blank,
                              "label": capfirst(name.replace("_", " "))}
    for option, key in (("widgets", "widget"), ("labels", "label"),
                        ("help_texts", "help_text"), ("error_messages", "error_messages")):
        given = getattr(opts, option) or {}
        if name in given:
            kwargs[key] = given[name]
    rows: Any = RemoteModel(relation.label).objects.all()  # what the field reads of a QuerySet
    if isinstance(relation, RemoteRelation):
        return RemoteModelChoiceField(queryset=rows, **kwargs)
    return RemoteModelMultipleChoiceField(rows, pairs=relation, **kwargs)


def _in_place(fields: dict[str, Any], model: type, built: Mapping[str, Any]) -> dict[str, Any]:
    """``fields`` with each built field where Django put its relation's (the id column's
    place for a key; after the model's fields for a many-to-many, as Django orders them)."""
    columns = {relation.attname: name for name, relation in remote_relations(model).items()
               if name in built and isinstance(relation, RemoteRelation)}
    placed: dict[str, Any] = {}
    for key, field in fields.items():
        if key in columns:
            placed[columns[key]] = built[columns[key]]
        elif key not in placed:
            placed[key] = field
    return placed


class RemoteModelForm(forms.ModelForm, metaclass=RemoteModelFormMetaclass):  # type: ignore[type-arg]
    """``ModelForm`` whose remote relations are edited as choices of the monolith's rows:
    initial from the id column (the pairs), the chosen rows saved into it (them). Of a monolith
    model (``Meta.model`` a RemoteModel), a row given as ``instance`` is edited as a draft
    (decompose_remote.drafts): rendered and validated, never saved."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if isinstance(kwargs.get("instance"), RemoteObject):
            row = kwargs["instance"]
            kwargs["instance"] = RemoteDraft(row._model, row, {})
        super().__init__(*args, **kwargs)
        for name, relation in self._edited().items():
            if isinstance(relation, RemoteRelation):
                self.initial.setdefault(name, getattr(self.instance, relation.attname))
            else:
                self.initial.setdefault(name, [] if self.instance.pk is None else list(
                    getattr(self.instance, name).values_list("pk", flat=True)))

    def _edited(self) -> dict[str, Relation]:
        """The remote relations this form edits, as ``construct_instance`` picks fields."""
        opts = self._meta
        return {name: relation for name, relation in remote_relations(opts.model).items()
                if name in self.fields and (opts.fields is None or name in opts.fields)
                and name not in (opts.exclude or ())}

    def _post_clean(self) -> None:
        """Set each chosen row (its key) on the instance, then Django's own construction and
        model validation, which know only the model's fields."""
        for name, relation in self._edited().items():
            if isinstance(relation, RemoteRelation) and name in self.cleaned_data:
                setattr(self.instance, name, self.cleaned_data[name])
        super()._post_clean()  # type: ignore[misc]  # Django's, not in its stubs

    def _save_m2m(self) -> None:
        """Django's, then the pairs of each many-to-many (the instance is saved by now)."""
        super()._save_m2m()  # type: ignore[misc]  # Django's, not in its stubs
        for name, relation in self._edited().items():
            if isinstance(relation, RemoteManyToMany) and name in self.cleaned_data:
                getattr(self.instance, name).set(self.cleaned_data[name])
