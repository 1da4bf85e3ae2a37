"""An unsaved or edited row of a monolith model, as a ModelForm of that model needs one.

Django's ModelForm reads ``instance._meta``, sets the cleaned values on the instance and
validates it (``full_clean``, ``validate_unique``) before saving. Rows read from the monolith
(RemoteObject) have no ``_meta`` of their own and refuse writes, so a form works on a draft: the
row's values (none for ``Feedback()``), changed locally, checked with the model's fields (type,
length, choices, null and blank; a key's row and a unique value asked of the bridge). A
many-to-many reads as the row's (none for a new row). The monolith's own ``clean()`` is not
run here, and saving is refused: the bridge writes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models.base import ModelState
from django.utils.text import capfirst

from decompose_remote.errors import RemoteError
from decompose_remote.models import RemoteModel, RemoteObject, many_field, pk_of
from decompose_remote.row_many import RowManyManager


class RemoteDraft:
    """Values of a ``model`` row (``row``'s, then ``values``), editable, never saved."""

    def __init__(self, model: RemoteModel, row: RemoteObject | None,
                 values: Mapping[str, Any]) -> None:
        state = ModelState()
        state.adding = row is None
        self.__dict__.update(_model=model, _row=row, _state=state, _related={}, _values=dict(
            row.__dict__["_fields"] if row is not None else {}))
        for name, value in values.items():
            setattr(self, name, value)

    @property
    def _meta(self) -> Any:
        return self._model._meta

    @property
    def pk(self) -> Any:
        return self._row.pk if self._row is not None else None

    def _is_pk_set(self) -> bool:
        """Django 5.2's test of a saved instance (``model_to_dict`` of a many-to-many)."""
        return self.pk is not None

    def __getattr__(self, name: str) -> Any:
        """A field's value (None while unset); a key's row; a many-to-many's manager, the
        row's or an empty one; else the row's (its methods)."""
        if name.startswith("_"):
            raise AttributeError(name)
        row, many = self.__dict__["_row"], many_field(self._model, name)
        if many is not None:
            return getattr(row, name) if row is not None else RowManyManager(
                self._model.label, many, [])
        values, related = self.__dict__["_values"], self.__dict__["_related"]
        if name in values:
            return values[name]
        field = self._field(name)
        if field is not None and field.is_relation:
            pk = values.get(field.attname)
            if pk is None:
                return None
            if name not in related or pk_of(related[name]) != pk:
                related[name] = field.related_model._default_manager.get(pk=pk)
            return related[name]
        if field is not None:
            return None
        if row is None:
            raise AttributeError(f"an unsaved {self._model.label} has no {name!r}")
        return getattr(row, name)

    def __setattr__(self, name: str, value: Any) -> None:
        field = self._field(name)
        if field is None:
            raise AttributeError(f"{self._model.label} has no field {name!r} this service "
                                 "is served (the monolith's bridge allowlist)")
        if field.is_relation and name == field.name:
            self._values[field.attname] = None if value is None else pk_of(value)
            self._related[name] = value
        else:
            self._values[name] = value

    def _field(self, name: str) -> Any:
        return next((f for f in self._meta.fields if name in (f.name, f.attname)), None)

    def serializable_value(self, name: str) -> Any:
        field = self._field(name)
        return getattr(self, field.attname if field is not None else name)

    def __decompose_ref__(self) -> tuple[str, Any]:
        return self._model.label, self.pk

    def __str__(self) -> str:
        return str(self._row) if self._row is not None else f"{self._model.__name__} (unsaved)"

    def __repr__(self) -> str:
        return f"<{self._model.__name__} (remote draft): {self}>"

    # --- what a ModelForm calls -----------------------------------------------------------

    def full_clean(self, exclude: Any = None, validate_unique: bool = True,
                   validate_constraints: bool = True) -> None:
        """The fields' checks (Django's ``clean_fields``), then uniqueness; the monolith's
        ``clean()`` is its own, not run here."""
        self.clean_fields(exclude)
        if validate_unique:
            self.validate_unique(exclude)

    def clean_fields(self, exclude: Any = None) -> None:
        errors: dict[str, list[ValidationError]] = {}
        for field in self._meta.fields:
            raw = getattr(self, field.attname)
            if field.name in (exclude or ()) or (field.blank and raw in field.empty_values):
                continue
            try:
                setattr(self, field.attname, field.clean(raw, self))
            except ValidationError as error:
                errors[field.name] = error.error_list
        if errors:
            raise ValidationError(errors)

    def clean(self) -> None:
        """The monolith's own model validation runs only in the monolith."""

    def validate_unique(self, exclude: Any = None) -> None:
        """Each unique field's value, asked of the bridge among the other rows."""
        errors: dict[str, list[ValidationError]] = {}
        for field in self._meta.fields:
            value = getattr(self, field.attname)
            if (not field.unique or field.primary_key or value is None
                    or field.name in (exclude or ())):
                continue
            rows = self._model.objects.filter(**{field.attname: value})
            if self.pk is not None:
                rows = rows.exclude(pk=self.pk)
            if rows.exists():
                errors[field.name] = [ValidationError(
                    field.error_messages["unique"], code="unique", params={
                        "model_name": capfirst(self._meta.verbose_name),
                        "field_label": capfirst(field.verbose_name)})]
        if errors:
            raise ValidationError(errors)

    def validate_constraints(self, exclude: Any = None) -> None:
        """The monolith's constraints are not mirrored: it checks them itself."""

    def get_constraints(self) -> list[Any]:
        return []

    def save(self, *args: Any, **kwargs: Any) -> None:
        raise RemoteError(f"{self._model.label} rows are read-only in this service: the "
                          "monolith's bridge writes nothing, so save this one in the monolith "
                          "(keep this form or serializer there)")

    delete = save

