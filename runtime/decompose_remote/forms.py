"""ModelForms of moved models whose foreign keys out of the service became id columns.

In the monolith, ``Meta.fields = ["product", ...]`` gave the form a ``product`` field: a select
of the ``Product`` rows, cleaned to a row and saved into the key. In the service ``product`` is
a ``RemoteRelation`` beside the ``product_id`` column, no model field, so Django would refuse the
name. A form deriving from ``RemoteModelForm`` keeps it: ``product`` is a
``RemoteModelChoiceField`` over the monolith's rows (asked of its bridge when the choices are
listed, and the chosen key checked against them when the form is cleaned), its initial value is
the id column, and saving sets the column. Templates, views and tests that read
``form.product`` or post ``product`` work unchanged. A many-to-many kept as pairs is no field of
these forms (the extractor reports where one was named).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from django import forms
from django.forms.models import (
    ALL_FIELDS,
    ModelChoiceIterator,
    ModelFormMetaclass,
    ModelFormOptions,
)
from django.utils.text import capfirst

from decompose_remote.models import RemoteModel, RemoteRelation


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


def remote_keys(model: type) -> dict[str, RemoteRelation]:
    """The model's foreign keys out of the service, by name (``product``)."""
    return {name: value for klass in reversed(model.__mro__)
            for name, value in vars(klass).items() if isinstance(value, RemoteRelation)}


class RemoteModelFormMetaclass(ModelFormMetaclass):
    """Builds a ``RemoteModelChoiceField`` for each remote foreign key the form's ``Meta``
    names (or takes in with ``"__all__"`` or ``exclude``) and does not declare itself, where
    Django built a ``ModelChoiceField``: same name, same place, ``Meta``'s widget, label,
    help text and error messages."""

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


def _built_fields(opts: ModelFormOptions[Any], attrs: Mapping[str, Any], bases: tuple[type, ...],
                  ) -> dict[str, RemoteModelChoiceField]:
    if opts.model is None:
        return {}
    declared = {key for key, value in attrs.items() if isinstance(value, forms.Field)} | {
        key for base in bases for key in getattr(base, "declared_fields", {})}
    return {name: _choice_field(opts, name, relation)
            for name, relation in remote_keys(opts.model).items()
            if (opts.fields is None or opts.fields == ALL_FIELDS or name in opts.fields)
            and name not in (opts.exclude or ()) and name not in declared}


def _choice_field(opts: ModelFormOptions[Any], name: str, relation: RemoteRelation,
                  ) -> RemoteModelChoiceField:
    """What ``ForeignKey.formfield()`` made, from the id column (``blank``) and ``Meta``."""
    assert opts.model is not None
    column = opts.model._meta.get_field(relation.attname)
    blank = bool(getattr(column, "blank", False))
    kwargs: dict[str, Any] = {
        "required": not blank, "blank": blank, "label": capfirst(name.replace("_", " ")),
        "help_text": getattr(column, "help_text", "")}
    for option, key in (("widgets", "widget"), ("labels", "label"),
                        ("help_texts", "help_text"), ("error_messages", "error_messages")):
        given = getattr(opts, option) or {}
        if name in given:
            kwargs[key] = given[name]
    rows: Any = RemoteModel(relation.label).objects.all()  # what the field reads of a QuerySet
    return RemoteModelChoiceField(queryset=rows, **kwargs)


def _in_place(fields: dict[str, Any], model: type, built: Mapping[str, Any]) -> dict[str, Any]:
    """``fields`` with each built field where Django put its id column's field."""
    columns = {relation.attname: name for name, relation in remote_keys(model).items()
               if name in built}
    placed: dict[str, Any] = {}
    for key, field in fields.items():
        if key in columns:
            placed[columns[key]] = built[columns[key]]
        elif key not in placed:
            placed[key] = field
    return placed


class RemoteModelForm(forms.ModelForm, metaclass=RemoteModelFormMetaclass):  # type: ignore[type-arg]
    """``ModelForm`` whose remote foreign keys are edited as choices of the monolith's rows:
    their initial value is the id column, and the chosen row is saved into it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, relation in self._edited_keys().items():
            self.initial.setdefault(name, getattr(self.instance, relation.attname))

    def _edited_keys(self) -> dict[str, RemoteRelation]:
        """The remote keys this form edits, as ``construct_instance`` picks model fields."""
        opts = self._meta
        return {name: relation for name, relation in remote_keys(opts.model).items()
                if name in self.fields and (opts.fields is None or name in opts.fields)
                and name not in (opts.exclude or ())}

    def _post_clean(self) -> None:
        """Set each chosen row (its key) on the instance, then Django's own construction and
        model validation, which know only the model's fields."""
        for name in self._edited_keys().keys() & self.cleaned_data.keys():
            setattr(self.instance, name, self.cleaned_data[name])
        super()._post_clean()  # type: ignore[misc]  # Django's, not in its stubs
