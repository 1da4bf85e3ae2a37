"""RemoteModelSerializer: a ModelSerializer of a monolith model, rendered by the monolith itself.

The bridge sends each row's allowlisted fields as the monolith's own DRF ModelSerializer renders
them, so ``{"id": 5, "name": "...", "price": "12.50"}`` is byte for byte what the monolith's API
says (decimal places, date formats, choices), with no field types re-implemented here.
Declared fields (``SerializerMethodField``, nested serializers) work as in any DRF serializer.

IdColumnModelSerializer: a ModelSerializer of a moved model keeps DRF's uniqueness validation
when the constrained relations became id columns, and renders lists (``many=True``) with
RemoteBatchListSerializer, which fetches the monolith rows a whole list shows in one call per
model before rendering it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist
from django.db import models
from django.db.models.fields.related_descriptors import (
    ForwardManyToOneDescriptor,
    ReverseManyToOneDescriptor,
    ReverseOneToOneDescriptor,
)
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import get_attribute
from rest_framework.relations import PKOnlyObject
from rest_framework.validators import UniqueTogetherValidator

from decompose_remote.many import RemoteManyToMany
from decompose_remote.models import (
    RemoteModel,
    RemoteObject,
    RemoteRelation,
    pk_of,
    prefetch_relations,
)

# DRF's classes are generic for type checkers only (djangorestframework-stubs).
if TYPE_CHECKING:
    AnyField = serializers.Field[Any, Any, Any, Any]
    _Serializer = serializers.Serializer[Any]
    _ListSerializer = serializers.ListSerializer[Any]
    _ModelSerializer = serializers.ModelSerializer[Any]
    _PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField[Any]
else:
    _Serializer = serializers.Serializer
    _ListSerializer = serializers.ListSerializer
    _ModelSerializer = serializers.ModelSerializer
    _PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField

class RemoteValueField(serializers.ReadOnlyField):
    """One field of the monolith's rendering of a row, passed through unchanged."""

    def get_attribute(self, instance: Any) -> Any:
        if not isinstance(instance, RemoteObject):
            raise ImproperlyConfigured(
                f"{self.parent.__class__.__name__} renders monolith rows, got {instance!r}")
        try:
            return instance.representation[str(self.source)]
        except KeyError:
            raise ImproperlyConfigured(
                f"field {self.source!r} of {instance._model.label} is not in the monolith "
                "bridge's allowlist") from None


def _value_field(schema: Any) -> RemoteValueField:
    """A RemoteValueField documented in OpenAPI as ``schema`` (any value when unknown)."""
    documented: type[RemoteValueField] = extend_schema_field(schema)(
        type("RemoteValueField", (RemoteValueField,), {}))
    return documented()


class RemoteModelSerializer(_Serializer):
    """Like ModelSerializer; ``Meta.model`` is a label or RemoteModel, ``Meta.fields`` a list.

    Each field is documented with the type the monolith declares for it (the mirror package's
    FIELDS); ``Meta.schema`` may override it per field name with any OpenAPI schema.
    """

    def get_fields(self) -> dict[str, AnyField]:
        meta = getattr(self, "Meta", None)
        if meta is None or not hasattr(meta, "fields") or not hasattr(meta, "model"):
            raise ImproperlyConfigured(f"{type(self).__name__}.Meta needs model and fields")
        model = meta.model if isinstance(meta.model, RemoteModel) else RemoteModel(meta.model)
        schemas = getattr(meta, "schema", {})
        declared = super().get_fields()
        fields: dict[str, AnyField] = {}
        for name in meta.fields:
            fields[name] = declared.pop(name) if name in declared else _value_field(
                schemas.get(name, model.field_type(name)))
        if declared:
            raise ImproperlyConfigured(
                f"{type(self).__name__} declares {sorted(declared)} but Meta.fields of "
                f"{model.label} leaves them out")
        return fields



class IdColumnPrimaryKeyField(_PrimaryKeyRelatedField):
    """A writable primary key of a monolith row kept in an id column (``order`` over
    ``order_id``): a value written is checked against the monolith (``queryset``), a value
    rendered is read from the column, so showing it asks the monolith nothing. With
    ``many=True``, the ids of a RemoteManyToMany, read from its pairs."""

    @classmethod
    def many_init(cls, *args: Any, **kwargs: Any) -> Any:
        field = super().many_init(*args, **kwargs)
        field.__class__ = IdColumnManyField
        return field

    def get_attribute(self, instance: Any) -> Any:
        owner = get_attribute(instance, self.source_attrs[:-1])
        relation = getattr(type(owner), self.source_attrs[-1], None)
        if isinstance(relation, RemoteRelation):
            return PKOnlyObject(pk=getattr(owner, relation.attname))
        return super().get_attribute(instance)


class IdColumnManyField(serializers.ManyRelatedField):
    """The primary keys of a RemoteManyToMany (``executions``), rendered from the service's
    own pairs; written ones are checked against the monolith one by one, as DRF does."""

    def get_attribute(self, instance: Any) -> Any:
        owner = get_attribute(instance, self.source_attrs[:-1])
        name = self.source_attrs[-1]
        if isinstance(getattr(type(owner), name, None), RemoteManyToMany):
            return [PKOnlyObject(pk=pk)
                    for pk in getattr(owner, name).values_list("pk", flat=True)]
        return super().get_attribute(instance)


def _id_columns(model: type) -> dict[str, str]:
    """``{"product_id": "product"}`` for each RemoteRelation on a moved model."""
    return {attribute.attname: name for klass in reversed(model.__mro__)
            for name, attribute in vars(klass).items() if isinstance(attribute, RemoteRelation)}


def _remote_many(model: type, validated_data: dict[str, Any]) -> dict[str, Any]:
    """Takes the RemoteManyToMany values out of ``validated_data``: Django's create() and
    setattr() know no such field; they are set on the saved row, as DRF sets a many-to-many."""
    names = {name for klass in model.__mro__ for name, attribute in vars(klass).items()
             if isinstance(attribute, RemoteManyToMany)}
    return {name: validated_data.pop(name) for name in names & validated_data.keys()}


class _IdColumnLookups:
    """A queryset whose first ``filter()`` reads ``product=<row>`` as ``product_id=<pk>``."""

    def __init__(self, queryset: Any) -> None:
        self.queryset = queryset
        self.relations = {name: attname for attname, name in _id_columns(queryset.model).items()}

    def filter(self, **lookups: Any) -> Any:
        return self.queryset.filter(**{
            self.relations.get(name, name): pk_of(value) if name in self.relations else value
            for name, value in lookups.items()})

    def none(self) -> Any:
        return self.queryset.none()


class IdColumnUniqueTogetherValidator(UniqueTogetherValidator):
    """DRF's unique-together check on a model whose relations to the monolith are id columns."""

    def filter_queryset(self, attrs: Any, queryset: Any, serializer: Any) -> Any:
        lookups: Any = _IdColumnLookups(queryset)  # the one method DRF calls, filter()
        return super().filter_queryset(attrs, lookups, serializer)


# Relations between the service's own models (including many-to-many, a subclass of the
# reverse many-to-one descriptor), followed to reach the remote relations of nested rows.
_LOCAL_RELATIONS = (ForwardManyToOneDescriptor, ReverseOneToOneDescriptor,
                    ReverseManyToOneDescriptor)


def remote_reads(serializer: serializers.Serializer[Any],
                 instances: Sequence[Any]) -> Iterator[tuple[Any, RemoteRelation]]:
    """Each (instance, RemoteRelation) that rendering ``instances`` with ``serializer`` reads:
    sources such as ``user.email``, a nested serializer on ``product``, and the same inside
    nested serializers (``lines`` -> each line's ``product``)."""
    for field in serializer.fields.values():
        if not field.write_only and not isinstance(field, IdColumnPrimaryKeyField):
            yield from _reads_along(field, field.source_attrs, instances)


def _reads_along(field: AnyField, attrs: Sequence[str],
                 instances: Sequence[Any]) -> Iterator[tuple[Any, RemoteRelation]]:
    if not attrs:
        nested = field.child if isinstance(field, serializers.ListSerializer) else field
        if isinstance(nested, serializers.Serializer) and instances:
            yield from remote_reads(nested, instances)
        return
    name, rest = attrs[0], attrs[1:]
    by_class: dict[type, list[Any]] = {}
    for instance in instances:
        by_class.setdefault(type(instance), []).append(instance)
    for klass, group in by_class.items():
        attribute = getattr(klass, name, None)
        if isinstance(attribute, RemoteRelation):
            yield from ((instance, attribute) for instance in group)
        elif isinstance(attribute, _LOCAL_RELATIONS) and issubclass(klass, models.Model):
            # Loaded once for the whole list (a no-op when the view prefetched them); the
            # rendering below reads the same prefetched rows, so walking costs no query.
            models.prefetch_related_objects(group, name)
            yield from _reads_along(field, rest, _related(group, name))


def _related(instances: Sequence[models.Model], name: str) -> list[Any]:
    related: list[Any] = []
    for instance in instances:
        try:
            value = getattr(instance, name)
        except ObjectDoesNotExist:
            continue
        if isinstance(value, models.manager.BaseManager):
            related += value.all()
        elif value is not None:
            related.append(value)
    return related


class RemoteBatchListSerializer(_ListSerializer):
    """Renders a list once every monolith row its items show is fetched, one call per model:
    a page of 20 orders asks for its customers once and for the products of all its lines
    once, instead of once per row."""

    def to_representation(self, data: Any) -> list[Any]:
        items = list(data.all() if isinstance(data, models.manager.BaseManager) else data)
        if isinstance(self.child, serializers.Serializer):
            prefetch_relations(remote_reads(self.child, items))
        return super().to_representation(items)


class IdColumnModelSerializer(_ModelSerializer):
    """A ModelSerializer of a moved model whose relations to the monolith became id columns.

    ``UniqueConstraint(fields=["product_id", "user_id"])`` still maps onto the serializer's
    ``product``/``user`` fields, so a duplicate is refused with DRF's 400 ("The fields product,
    user must make a unique set."), as in the monolith, instead of an IntegrityError.
    ``many=True`` renders with RemoteBatchListSerializer unless ``Meta.list_serializer_class``
    names another.
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        meta = cls.__dict__.get("Meta")
        if meta is not None and not hasattr(meta, "list_serializer_class"):
            meta.list_serializer_class = RemoteBatchListSerializer

    def create(self, validated_data: dict[str, Any]) -> Any:
        pairs = _remote_many(self.Meta.model, validated_data)
        instance = super().create(validated_data)
        for name, rows in pairs.items():
            getattr(instance, name).set(rows)
        return instance

    def update(self, instance: Any, validated_data: dict[str, Any]) -> Any:
        pairs = _remote_many(type(instance), validated_data)
        instance = super().update(instance, validated_data)
        for name, rows in pairs.items():
            getattr(instance, name).set(rows)
        return instance

    def get_unique_together_constraints(self, model: type) -> Iterator[tuple[Any, ...]]:
        relations = _id_columns(model)
        constraints: Iterator[tuple[Any, ...]] = super().get_unique_together_constraints(model)
        for fields, queryset, condition_fields, *rest in constraints:
            yield (tuple(relations.get(f, f) for f in fields), queryset,
                   [relations.get(f, f) for f in condition_fields], *rest)

    def get_unique_together_validators(self) -> list[Any]:
        validators = super().get_unique_together_validators()
        for validator in validators:
            if type(validator) is UniqueTogetherValidator and _id_columns(
                    validator.queryset.model):
                validator.__class__ = IdColumnUniqueTogetherValidator
        return validators
