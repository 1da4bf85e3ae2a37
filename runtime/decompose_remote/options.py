"""The ``_meta`` of a remote model: what Django, DRF and django-filter read of a model class.

A FilterSet (``Meta.model = Feedback``), a ModelSerializer or a ModelForm of a model that stays
in the monolith is built from its fields: ``get_field(name)``, ``fields``, ``pk``... Each field
the bridge serves is a real Django field here, built from the mirror's ``DECLARED`` table (the
class and the literal options the monolith declares it with); a foreign key points at its
target's remote model, so ``remote_field.model._default_manager`` asks the bridge; a
many-to-many is in ``many_to_many``, as Django lists one (its form field a multiple choice of
the target's rows); another monolith model's key to this one that the service names (the
mirror's RELATED_OBJECTS: ``Answer.review`` gives ``Review`` its ``answers``) is in
``related_objects``, as the key's ``remote_field``, so a ModelSerializer naming ``answers``
builds its field of the related rows' keys. Nothing here reads a table: the fields only
describe, validate and convert values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import SimpleNamespace
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.module_loading import import_string
from django.utils.text import camel_case_to_spaces

# Per field name: [Django field class, options], as the mirror's DECLARED holds them.
Declared = Mapping[str, list[Any]]


class RemoteForeignKey(models.ForeignKey):  # type: ignore[type-arg]
    """A key between monolith models: its form field lists the monolith's rows."""

    def formfield(self, **kwargs: Any) -> Any:  # type: ignore[override]
        from decompose_remote.forms import RemoteModelChoiceField  # forms imports models

        return super().formfield(**{"form_class": RemoteModelChoiceField, **kwargs})


class RemoteOneToOneField(models.OneToOneField, RemoteForeignKey):  # type: ignore[type-arg]
    """A one-to-one between monolith models (its form field as a key's)."""


class _Pairs:
    """The through model of a remote many-to-many as DRF reads it: one Django made (the
    monolith's pairs table), so the field is a plain many-to-many, not one through a model."""

    _meta = SimpleNamespace(auto_created=True)


class RemoteManyToManyField(models.ManyToManyField):  # type: ignore[type-arg]
    """A many-to-many of a monolith model: its pairs stay there (a ``_Pairs`` through), its
    form field lists the target's rows through the bridge (the service's own rows when the
    target moved)."""

    def __init__(self, to: Any, **kwargs: Any) -> None:
        super().__init__(to, **kwargs)
        self.remote_field.through = _Pairs  # type: ignore[assignment]  # not a model here

    def formfield(self, **kwargs: Any) -> Any:  # type: ignore[override]
        from decompose_remote.forms import RemoteModelMultipleChoiceField
        from decompose_remote.models import RemoteModel  # which imports this module

        if isinstance(self.remote_field.model, RemoteModel):
            kwargs = {"form_class": RemoteModelMultipleChoiceField, **kwargs}
        return super().formfield(**kwargs)


class RemoteOptions:
    """``Model._meta`` of a remote model: its names, and its fields once first read."""

    abstract = proxy = auto_created = managed = False
    swapped = None
    # The monolith's own ordering applies: the bridge runs the query with its managers.
    ordering: list[str] = []
    unique_together: tuple[tuple[str, ...], ...] = ()
    constraints: list[Any] = []
    private_fields: tuple[models.Field[Any, Any], ...] = ()

    def __init__(self, model: Any, declared: Callable[[], Declared]) -> None:
        """``model`` is the RemoteModel; ``declared`` reads its fields from the mirror (only
        when first needed: mirrors are imported while the service's models load)."""
        self.model = self.concrete_model = model
        self.label = model.label
        self.label_lower = self.label.lower()
        self.app_label, _, self.object_name = self.label.partition(".")
        self.model_name = self.object_name.lower()
        # Django's defaults (the monolith's own are not mirrored), read by ContentType.name.
        self.verbose_name = self.verbose_name_raw = camel_case_to_spaces(self.object_name)
        self.verbose_name_plural = f"{self.verbose_name}s"
        self.app_config = SimpleNamespace(label=self.app_label,
                                          verbose_name=self.app_label.title())
        self.parents: dict[Any, Any] = {}
        self._declared = declared
        self._read: Declared | None = None  # the table the fields below were built from
        self._made: dict[str, models.Field[Any, Any]] = {}
        self._pk: models.Field[Any, Any] | None = None
        self._fields: tuple[models.Field[Any, Any], ...] = ()
        self._many: tuple[models.Field[Any, Any], ...] = ()

    def __repr__(self) -> str:
        return f"<RemoteOptions for {self.label}>"

    @property
    def default_manager(self) -> Any:
        return self.model.objects

    base_manager = default_manager

    def _table(self) -> Declared:
        """The mirror's fields of this model; built again if the mirror changed (tests)."""
        declared = self._declared()
        if declared is not self._read:
            self._read, self._made, self._pk = declared, {}, None
            self._fields = self._many = ()
        return declared

    @property
    def pk(self) -> models.Field[Any, Any]:
        """The declared primary key, else an integer ``id`` (what schema generators and
        foreign keys to this model read); built alone, so keys between two remote models
        pointing at each other build."""
        declared = self._table()
        if self._pk is None:
            name = next((n for n, (_, options) in declared.items()
                         if options.get("primary_key")), None)
            self._pk = self._field("id", "BigAutoField", {"primary_key": True}) if (
                name is None) else self._field(name, *declared[name])
        return self._pk

    def _built(self) -> tuple[tuple[models.Field[Any, Any], ...],
                              tuple[models.Field[Any, Any], ...]]:
        """The fields, then the many-to-many fields, built together (in the monolith's
        order, so sorting them by creation, as Django's forms do, keeps it)."""
        pk, declared = self.pk, self._table()
        if not self._fields:
            made = [self._field(name, *declared[name]) for name in declared]
            columns = [f for f in made if not f.many_to_many]
            self._fields = tuple(columns) if pk in columns else (pk, *columns)
            self._many = tuple(f for f in made if f.many_to_many)
        return self._fields, self._many

    @property
    def fields(self) -> tuple[models.Field[Any, Any], ...]:
        """The fields the bridge serves, in the monolith's order (the key first if unlisted),
        its many-to-many fields left out (as Django leaves them out)."""
        return self._built()[0]

    @property
    def many_to_many(self) -> tuple[models.Field[Any, Any], ...]:
        """The many-to-many fields the bridge serves (their rows send the target's keys)."""
        return self._built()[1]

    @property
    def related_objects(self) -> tuple[Any, ...]:
        """The other monolith models' keys to this one whose accessors the service names,
        as Django lists them: each key's ``remote_field`` (a ManyToOneRel, a OneToOneRel),
        the key built on the related remote model's ``_meta``, so its ``related_model`` and
        ``get_accessor_name()`` are what DRF's ModelSerializer reads."""
        from decompose_remote.models import related_keys  # which imports this module

        return tuple(type(self.model)(model)._meta.get_field(field).remote_field
                     for model, field, _ in related_keys(self.label).values())

    @property
    def concrete_fields(self) -> tuple[models.Field[Any, Any], ...]:
        return self.fields

    local_fields = local_concrete_fields = concrete_fields

    def get_fields(self, include_parents: bool = True,
                   include_hidden: bool = False) -> tuple[Any, ...]:
        """The fields, the many-to-many fields, then the reverse relations, as Django lists
        them all."""
        return (*self.fields, *self.many_to_many, *self.related_objects)

    def get_field(self, name: str) -> Any:
        """A field by its name or its column's (``talk`` or ``talk_id``), or a reverse
        relation by its query name (``answers``), as Django finds one; FieldDoesNotExist
        for any the bridge does not serve."""
        found = next((f for f in (*self.fields, *self.many_to_many)
                      if name in (f.name, f.attname)), None) or next(
            (r for r in self.related_objects if r.name == name), None)
        if found is None:
            raise FieldDoesNotExist(
                f"{self.object_name} has no field named '{name}' among those the monolith's "
                "bridge serves this service")
        return found

    def get_parent_list(self) -> list[Any]:
        return []

    @property
    def total_unique_constraints(self) -> list[Any]:
        return []

    def _field(self, name: str, klass: str, options: Mapping[str, Any]
               ) -> models.Field[Any, Any]:
        """The field ``name``, built once."""
        if name in self._made:
            return self._made[name]
        given = dict(options)
        if "choices" in given:
            given["choices"] = _pairs(given["choices"])
        target = given.pop("to", None)
        field: models.Field[Any, Any]
        if target is not None and klass == "ManyToManyField":
            field = RemoteManyToManyField(_local_model(target) or type(self.model)(target),
                                          **given)
        elif target is not None:
            local = _local_model(target)
            key: type[models.ForeignKey[Any, Any]] = (
                (models.OneToOneField if local else RemoteOneToOneField)
                if klass == "OneToOneField" else (models.ForeignKey if local else RemoteForeignKey))
            field = key(local or type(self.model)(target), on_delete=models.DO_NOTHING,
                        db_constraint=False, related_name=self._accessor(target, name),
                        **given)
            field.opts = self  # as a model class gives its keys: their reverse's query name
        else:
            # Django's own by name; a third-party class by its import path (pretalx's
            # ``i18nfield.fields.I18nCharField``), imported with the service's packages.
            field = import_string(klass)(**given) if "." in klass else getattr(
                models, klass)(**given)
        field.set_attributes_from_name(name)
        field.model = self.model
        self._made[name] = field
        return field

    def _accessor(self, target: str, name: str) -> str | None:
        """The accessor the mirror's RELATED_OBJECTS gives this model's key ``name`` on
        ``target``, as its ``related_name`` where Django's default (``answer_set``, ``answer``
        for a one-to-one) is not it; None otherwise."""
        from decompose_remote.models import related_keys  # which imports this module

        return next((accessor for accessor, (model, field, one) in related_keys(target).items()
                     if (model, field) == (self.label, name)
                     and accessor != self.model_name + ("" if one else "_set")), None)


def _pairs(choices: Any) -> Any:
    """The mirror's choices (JSON-like lists) as Django's own declarations give them: pairs,
    groups of pairs. Django 3.2 keeps a field's choices as given; later versions make pairs."""
    if not isinstance(choices, list):
        return choices
    return [(value, _pairs(label)) if isinstance(label, list) else (value, label)
            for value, label in choices]


def _local_model(label: str) -> type[models.Model] | None:
    """The service's own model ``label`` (a moved model a monolith row points at: a
    ``CouponRedemption.order`` to the moved ``Order``); None for one the bridge serves."""
    from django.apps import apps  # registered while the service's models load

    from decompose_remote.models import mirrored_labels  # which imports this module

    if label in mirrored_labels():
        return None
    app_label, _, name = label.partition(".")
    try:
        return apps.get_registered_model(app_label, name)
    except LookupError:
        return None
