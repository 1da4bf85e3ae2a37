"""Monolith rows seen from the service: RemoteModel, RemoteQuerySet, RemoteObject, RemoteRelation.

The service shares the monolith's database in this phase but never reads other apps' tables:
that would tie it to their schema and block the database split. Instead ``Product.objects
.active().get(pk=5)`` records the chain and sends it once to the monolith's bridge, which runs it
with the monolith's own managers (so custom querysets keep their meaning) and answers with the
allowlisted fields. Only the shape DRF and typical service code need is provided, not the
whole QuerySet API; anything else fails loudly rather than silently doing less.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from functools import cache
from types import MappingProxyType, MethodType
from typing import Any, cast
from urllib.parse import quote

from django.core.exceptions import (
    FieldDoesNotExist,
    MultipleObjectsReturned,
    ObjectDoesNotExist,
)
from django.db import connection, models
from django.http import HttpRequest, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework.settings import api_settings

from decompose_remote.client import get_client
from decompose_remote.errors import RemoteError, register
from decompose_remote.options import Declared, RemoteOptions
from decompose_remote.row_many import RowManyManager
from decompose_remote.row_reverse import reverse_of
from decompose_runtime import codec
from decompose_runtime.evaluated import EvaluatedQuerySet, installed_rows

# Objects fetched during the current request, by (label, pk): a page of orders of one customer
# asks the monolith for that customer once.
_request_cache: ContextVar[dict[tuple[str, Any], RemoteObject] | None] = ContextVar(
    "decompose_remote_objects", default=None)
_MODELS: dict[str, RemoteModel] = {}
# Primary keys per fetch: the bridge's row cap, and a query string well under the 4 KB request
# line gunicorn and nginx accept by default.
FETCH_MAX_ROWS = 1000
FETCH_MAX_QUERY = 3000
# The generated mirror package: its FIELDS give the OpenAPI type of each remote field, its
# DECLARED the Django field each is declared as, its RELATIONS the model each remote foreign
# key points at.
MIRROR_PACKAGE = "monolith"


@cache
def _mirror(name: str) -> dict[str, dict[str, str]]:
    try:
        value: dict[str, dict[str, str]] = getattr(importlib.import_module(MIRROR_PACKAGE), name)
        return value
    except (ImportError, AttributeError):
        return {}


def _field_types() -> dict[str, dict[str, str]]:
    return _mirror("FIELDS")


def mirrored_labels() -> tuple[str, ...]:
    """The monolith models the service mirrors (those the bridge serves it)."""
    return tuple(_field_types())


def remote_model(app_label: str, model: str) -> RemoteModel | None:
    """The RemoteModel of ``app_label``/``model`` (the model name in any case, as Django's
    registry and content types match it) when the service mirrors it."""
    for label in mirrored_labels():
        label_app, _, name = label.partition(".")
        if (label_app, name.lower()) == (app_label, model.lower()):
            return RemoteModel(label)
    return None


def user_model() -> str:
    """The monolith's user model when the service mirrors it (the mirror's USER_MODEL), or ""."""
    value: Any = _mirror("USER_MODEL")
    return value if isinstance(value, str) else ""


def _relations() -> dict[str, dict[str, str]]:
    return _mirror("RELATIONS")


def _properties() -> dict[str, dict[str, str]]:
    """Per model, its properties the service reads and the OpenAPI type each returns (a list
    of names, untyped, in mirrors written before the types)."""
    return _mirror("PROPERTIES")


def _rules_models() -> list[str]:
    return _mirror("RULES_MODELS")  # type: ignore[return-value]


def _reverses() -> dict[str, dict[str, list[Any]]]:
    return _mirror("REVERSES")  # type: ignore[return-value]


def related_keys(label: str) -> dict[str, list[Any]]:
    """The other monolith models' keys to ``label`` whose reverse accessors the service
    names (the mirror's RELATED_OBJECTS): accessor: [related model, its key, one-to-one]."""
    related: dict[str, dict[str, list[Any]]] = _mirror("RELATED_OBJECTS")  # type: ignore[assignment]
    return related.get(label, {})


# What Django's AbstractBaseUser answers for every stored user, so for every row of the
# monolith's user model: taiga's permission checks ask ``user.is_anonymous`` of a remote row.
STORED_USER = {"is_authenticated": True, "is_anonymous": False}


def _declared(label: str) -> Declared:
    """The Django field class and options of each field of ``label`` the bridge serves (one
    empty table for a model the mirror does not declare, so its fields are built once)."""
    declared: dict[str, Declared] = _mirror("DECLARED")  # type: ignore[assignment]
    return declared.get(label, _UNDECLARED)


_UNDECLARED: Declared = MappingProxyType({})


NOT_LOCAL: Any = object()


def local_reverse(label: str, name: str, pk: Any) -> Any:
    """``name`` on the monolith row ``label`` ``pk`` when it is the reverse accessor of a moved
    model's key to it (``user.storage_entries``): the service's rows whose id column holds
    ``pk``, as a manager (``.all()``, ``.filter()``, ``.create()`` setting the column), or the
    one row of a one-to-one (Django's RelatedObjectDoesNotExist when there is none);
    ``NOT_LOCAL`` for any other name. The monolith has no such accessor any more."""
    found = _reverses().get(label, {}).get(name)
    if found is None:
        return NOT_LOCAL
    model_label, column, one = found
    if not one:
        return _reverse_manager(model_label, column)(pk)
    model, missing = _one_to_one(model_label)
    try:  # as Django's reverse one-to-one reads it: past a default manager's filter
        return model._base_manager.get(**{column: pk})  # (Tandoor's django-scopes manager)
    except model.DoesNotExist:
        raise missing(f"{label} {pk} has no {name}.") from None


def reverse_accessor(label: str, name: str, pk: Any) -> Any:
    """``name`` on the monolith row ``label`` ``pk`` when it is a reverse accessor the
    service serves: another monolith model's rows keyed to it (``review.answers``: the
    mirror's RELATED_OBJECTS, row_reverse), or the service's rows of a moved model's key
    (``local_reverse``); ``NOT_LOCAL`` for any other name."""
    related = related_keys(label).get(name)
    if related is None:
        return local_reverse(label, name, pk)
    model, field, one = related
    return reverse_of(label, name, RemoteModel(model), field, one, pk)


@cache
def _reverse_manager(model_label: str, column: str) -> Callable[[Any], Any]:
    """The manager class of the moved model's rows keyed ``column`` = one pk (Django's
    ``create_reverse_many_to_one_manager`` for an id column): built once per model and column."""
    from django.apps import apps  # the service's models load with the app registry

    model = apps.get_model(model_label)
    base: Any = type(model._default_manager)

    class ReverseManager(base):  # type: ignore[misc]
        def __init__(self, pk: Any) -> None:
            super().__init__()
            self.model, self.pk = model, pk

        def get_queryset(self) -> Any:
            return super().get_queryset().filter(**{column: self.pk})

        def create(self, **kwargs: Any) -> Any:
            return super().create(**kwargs, **{column: self.pk})

        def get_or_create(self, defaults: Any = None, **kwargs: Any) -> Any:
            return super().get_or_create(defaults, **kwargs, **{column: self.pk})

        def update_or_create(self, defaults: Any = None, **kwargs: Any) -> Any:
            return super().update_or_create(defaults, **kwargs, **{column: self.pk})

    return ReverseManager


@cache
def _one_to_one(model_label: str) -> tuple[Any, type[Exception]]:
    """The moved model, and what Django's reverse one-to-one raises when it has no row: its
    DoesNotExist and an AttributeError (``hasattr(user, "profile")`` is False)."""
    from django.apps import apps

    model = apps.get_model(model_label)
    return model, type("RelatedObjectDoesNotExist", (model.DoesNotExist, AttributeError), {})


class RemoteModel:
    """Stands for the monolith model ``label`` ("catalog.Product") in moved code."""

    label: str
    __name__: str
    __qualname__: str
    _meta: RemoteOptions  # what Django, DRF and django-filter read of a model class
    DoesNotExist: type[RemoteError]
    MultipleObjectsReturned: type[RemoteError]
    row_class: type[RemoteObject]  # the class of its rows (``type(row).__name__`` is ``name``)

    def __new__(cls, label: str) -> RemoteModel:
        # One instance per label, so every mirror module shares one DoesNotExist class.
        if label in _MODELS:
            return _MODELS[label]
        app_label, _, name = label.partition(".")
        if not app_label or not name.isidentifier():
            raise ValueError(f"{label!r} is not a model label like 'catalog.Product'")
        model = super().__new__(cls)
        model.label = label
        model.__name__ = model.__qualname__ = name
        model._meta = RemoteOptions(model, lambda: _declared(label))
        model.row_class = cast(type[RemoteObject], _RowClass(name, (RemoteObject,), {
            "__module__": __name__, "__qualname__": name, "_model": model}))
        model.DoesNotExist = type("DoesNotExist", (RemoteError, ObjectDoesNotExist),
                                  {"__module__": __name__, "__qualname__": f"{name}.DoesNotExist"})
        model.MultipleObjectsReturned = type(
            "MultipleObjectsReturned", (RemoteError, MultipleObjectsReturned),
            {"__module__": __name__, "__qualname__": f"{name}.MultipleObjectsReturned"})
        register(f"{label}.DoesNotExist", model.DoesNotExist)
        register(f"{label}.MultipleObjectsReturned", model.MultipleObjectsReturned)
        _MODELS[label] = model
        return model

    def __repr__(self) -> str:
        return f"<RemoteModel {self.label}>"

    def __getattr__(self, name: str) -> Any:
        """A property the mirror lists (PROPERTIES), as a model class has it: DRF builds a
        read-only field for a name in a ModelSerializer's ``fields`` that the model has
        (``hasattr(model, "duration")``), documented with the type the property returns; each
        row answers it with its value. django-rules' ``get_perm`` of a model built on its
        mixin (RULES_MODELS)."""
        label = self.__dict__.get("label", "")
        properties = _properties().get(label, {})
        if not name.startswith("_") and name in properties:
            kind = properties[name] if isinstance(properties, dict) else "ANY"
            return _typed_property(_schema(kind))
        if name == "get_perm" and label in _rules_models():
            return self._rules_permission
        raise AttributeError(f"{self!r} has no attribute {name!r}")

    def _rules_permission(self, perm_type: str) -> str:
        """django-rules' ``RulesModelMixin.get_perm``: ``"schedule.list_room"``."""
        return f"{self._meta.app_label}.{perm_type}_{self._meta.model_name}"

    def __reduce__(self) -> tuple[type, tuple[str]]:
        return RemoteModel, (self.label,)

    def __deepcopy__(self, memo: dict[int, Any]) -> RemoteModel:
        return self

    def __instancecheck__(self, value: Any) -> bool:
        """``isinstance(user, get_user_model())`` in moved code: a row of this model read
        from the monolith, or the user the monolith's token vouches for (a TokenUser of
        this user model), is an instance."""
        ref = getattr(value, "__decompose_ref__", None)
        return callable(ref) and str(ref()[0]).lower() == self.label.lower()

    def __subclasscheck__(self, other: Any) -> bool:
        """``issubclass(queryset.model, filterset.Meta.model)`` (django-filter's backend
        checks it): the model itself, or its rows' class."""
        return other is self or other is self.row_class

    @property
    def objects(self) -> RemoteQuerySet:
        return RemoteQuerySet(self)

    # What Django, DRF and django-filter take a model's rows from (a ForeignKey's choices, a
    # UniqueValidator's queryset, a FilterSet's default queryset).
    _default_manager = _base_manager = objects

    def __call__(self, **values: Any) -> Any:
        """``Feedback(talk=talk, review="...")``: an unsaved row (a ModelForm makes one),
        validated here; saving it is refused, as the bridge writes nothing."""
        from decompose_remote.drafts import RemoteDraft  # drafts reads rows of this module

        return RemoteDraft(self, None, values)

    def field_type(self, name: str) -> OpenApiTypes | dict[str, Any]:
        """How the monolith's API types this field (ANY when the mirror does not say)."""
        return _schema(_field_types().get(self.label, {}).get(name, "ANY"))

    @property
    def schema_type(self) -> type:
        """A class whose typed properties mirror the remote fields, for schema generators
        that follow ``source="user.username"`` through a RemoteRelation's return type."""
        fields = {name: _typed_property(_schema(kind))
                  for name, kind in _field_types().get(self.label, {}).items()}
        return type(self.__name__, (), fields)

    def fetch(self, pks: list[Any], fields: tuple[str, ...] = ()) -> list[RemoteObject]:
        """The rows with these primary keys (missing ones left out): one request, or one per
        chunk when the keys would not fit in one URL."""
        app_label, name = self.label.split(".")
        found = []
        for chunk in _url_sized(pks):
            query = [("pk", str(pk)) for pk in chunk]
            if fields:
                query.append(("fields", ",".join(fields)))
            answer = get_client().get(f"objects/{app_label}/{name}/", query)
            found += [decode(item) for item in answer.get("objects", [])]
        return found

    def get_by_pk(self, pk: Any) -> RemoteObject:
        """One row by primary key, remembered for the rest of the request (under the key as
        given: ``"05"`` finds row 5, as the monolith converts it)."""
        cache = _request_cache.get()
        key = (self.label, str(pk))
        if cache is not None and key in cache:
            return cache[key]
        found = self.fetch([pk])
        if not found:
            raise self.DoesNotExist(f"{self.__name__} matching query does not exist.")
        if cache is not None:
            cache[key] = found[0]
        return found[0]

    def get_many(self, pks: Sequence[Any]) -> list[RemoteObject]:
        """The rows with these primary keys as the monolith writes them (the keys of a row's
        many-to-many), in their order (missing ones left out): those this request fetched
        already from its cache, the others in one call, remembered for the rest of the
        request."""
        cache = _request_cache.get()
        known = {} if cache is None else cache
        missing = list(dict.fromkeys(pk for pk in pks if (self.label, str(pk)) not in known))
        fetched = {(self.label, str(row.pk)): row for row in self.fetch(missing)} if (
            missing) else {}
        known.update(fetched)
        return [known[(self.label, str(pk))] for pk in pks if (self.label, str(pk)) in known]

    def with_keys(self, pks: Sequence[Any]) -> RemoteQuerySet:
        """The rows with these primary keys, in their order: a queryset whose evaluation
        reads them as ``get_many`` does (a row's many-to-many: the keys the bridge sent with
        the row), and whose further steps ask the monolith (``filter(pk__in=...)``...)."""
        return _KeyedRows(self, list(pks)) if pks else self.objects.none()


# What the moved code gives a monolith model with add_to_class, per label: its own code,
# which the service runs on that model's rows (the token's user included).
_ADDED: dict[str, dict[str, Any]] = {}


def add_to_class(model: Any, name: str, value: Any) -> None:
    """``model.add_to_class(name, value)`` in moved code (Tandoor's ``auth.models.User.
    add_to_class('get_active_space', ...)``): the service's own class of an installed model
    gets it as before, and the monolith's rows of that model here (remote rows, the token's
    user) have it too, run in the service, where its body finds the moved models (the
    monolith has them no longer)."""
    if isinstance(model, RemoteModel):
        label = model.label
    else:
        model.add_to_class(name, value)
        label = model._meta.label
    setattr(RemoteModel(label).row_class, name, value)
    _ADDED.setdefault(label, {})[name] = value


def added_attribute(label: str, name: str, row: Any) -> Any:
    """What the moved code gave ``label`` as ``name``, bound to ``row`` (a method, a
    property's value) as a class attribute is; NOT_LOCAL when it gave none."""
    value = _ADDED.get(label, {}).get(name, NOT_LOCAL)
    if value is NOT_LOCAL or not hasattr(value, "__get__"):
        return value
    return value.__get__(row, type(row))


def model_getter(label: str) -> Callable[..., RemoteModel]:
    """Stands for a monolith function that only returns the model ``label`` (taiga's
    ``get_user_model_safe()``): answered here, without asking the monolith, so moved code
    may call it while it is imported (``Meta.model = get_user_model_safe()``)."""

    def getter(*args: Any, **kwargs: Any) -> RemoteModel:
        return RemoteModel(label)

    getter.__doc__ = f"The monolith's {label}, as the service reaches it (a RemoteModel)."
    return getter


def _url_sized(pks: list[Any]) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    size = 0
    for pk in pks:
        length = len(quote(str(pk))) + 4  # "pk=...&"
        if chunk and (size + length > FETCH_MAX_QUERY or len(chunk) == FETCH_MAX_ROWS):
            yield chunk
            chunk, size = [], 0
        chunk.append(pk)
        size += length
    if chunk:
        yield chunk


def _schema(kind: str) -> OpenApiTypes | dict[str, Any]:
    """An OpenApiTypes name as DRF renders it: decimals are strings unless configured not to;
    ``INT[]`` a list (a many-to-many's keys)."""
    if kind.endswith("[]"):
        # reads DRF's settings when imported: not while the service's models load
        from drf_spectacular.plumbing import build_array_type, build_basic_type

        item = _schema(kind.removesuffix("[]"))
        return build_array_type((item if isinstance(item, dict) else build_basic_type(item))
                                or {})
    if kind == "DECIMAL" and api_settings.COERCE_DECIMAL_TO_STRING:
        return {"type": "string", "format": "decimal"}
    return OpenApiTypes[kind]


def _typed_property(schema: OpenApiTypes | dict[str, Any]) -> property:
    @extend_schema_field(schema)
    def value(self: Any) -> Any:
        raise NotImplementedError  # only read by schema generators

    return property(value)


class _RowClass(type):
    """The class of a remote model's rows. ``type(row)._meta`` is its model's, so a row's class
    passed where Django takes a model class names the monolith's model (taiga's timeline:
    ``ContentType.objects.get_for_model(obj.__class__)``). A property of the metaclass, so rows
    themselves have no ``_meta``: nothing takes one for a local model instance (the codec, a
    local relation's lookup)."""

    _model: RemoteModel

    @property
    def _meta(cls) -> RemoteOptions:
        return cls._model._meta


class RemoteObject(metaclass=_RowClass):
    """A monolith row: its allowlisted fields as attributes, its methods called remotely. Rows
    are instances of their model's ``row_class``, a subclass named like the model."""

    # Set through __dict__: attribute writes are refused (see __setattr__).
    _model: RemoteModel
    _pk: Any
    _fields: dict[str, Any]
    _representation: dict[str, Any]
    _text: str

    def __init__(self, model: RemoteModel, pk: Any, fields: Mapping[str, Any],
                 representation: Mapping[str, Any], text: str) -> None:
        self.__dict__.update(_model=model, _pk=pk, _fields=dict(fields),
                             _representation=dict(representation), _text=text)

    @property
    def pk(self) -> Any:
        return self._pk

    def serializable_value(self, name: str) -> Any:
        """A field's value, a key's by its column (``talk`` -> ``talk_id``), as Django's
        ``Model.serializable_value`` (DRF renders a primary key relation with it)."""
        fields = self.__dict__["_fields"]
        return fields[f"{name}_id"] if f"{name}_id" in fields else getattr(self, name)

    @property
    def representation(self) -> dict[str, Any]:
        """The monolith's DRF rendering of the allowlisted fields (strings for decimals...)."""
        return self._representation

    def __decompose_ref__(self) -> tuple[str, Any]:
        return self._model.label, self._pk

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Pickled by its model's label: the row class is made at run time, not importable."""
        return _row, (self._model, self._pk, self._fields, self._representation, self._text)

    def __getattr__(self, name: str) -> Any:
        """A field (a many-to-many as a read-only manager over the keys sent: row_many);
        what Django's user model answers for any stored user (a row of the monolith's); the
        row a foreign key points at (``shipment.carrier``, read from the monolith); a
        property's value, read by the monolith (the mirror's PROPERTIES: a stand-in would be
        true whatever the value); another monolith model's rows keyed to this one
        (``review.answers``: row_reverse), or a moved model's (``local_reverse``); else a
        method the monolith runs on this row."""
        fields = self.__dict__.get("_fields", {})
        if name in fields:
            many = many_field(self._model, name)
            return fields[name] if many is None else RowManyManager(
                self._model.label, many, fields[name])
        if name.startswith("_"):
            raise AttributeError(name)
        if name in STORED_USER and self._model.label == user_model():
            return STORED_USER[name]
        if name in _properties().get(self._model.label, ()):
            return _remote_method(self, name)()
        target = _relations().get(self._model.label, {}).get(name)
        if target is not None and f"{name}_id" in fields:
            pk = fields[f"{name}_id"]
            return None if pk is None else RemoteModel(target).get_by_pk(pk)
        reverse = reverse_accessor(self._model.label, name, self._pk)
        return _remote_method(self, name) if reverse is NOT_LOCAL else reverse

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{self._model.label} rows are read-only in this service")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RemoteObject):
            return NotImplemented
        return self.__decompose_ref__() == other.__decompose_ref__()

    def __hash__(self) -> int:
        return hash(self.__decompose_ref__())

    def __str__(self) -> str:
        return self._text

    def __repr__(self) -> str:
        return f"<{self._model.__name__} (remote): {self._text}>"


def _remote_method(obj: RemoteObject, name: str) -> MethodType:
    """``obj.name(...)``: run the model method in the monolith on the same row (not retried).
    A bound method, as the monolith's row gives: DRF calls a field's ``source``
    (``source="get_duration"``) only when it is a function or a method."""

    def method(row: RemoteObject, *args: Any, **kwargs: Any) -> Any:
        answer = get_client().post("rpc", {
            "op": "method", "object": codec.encode(row), "name": name,
            "args": codec.encode(list(args)), "kwargs": codec.encode(kwargs)}, idempotent=False)
        return decode(answer.get("result"))

    method.__name__ = method.__qualname__ = name
    return MethodType(method, obj)


def many_field(model: RemoteModel, name: str) -> Any:
    """The many-to-many field ``name`` of ``model`` (None for any other name)."""
    if _declared(model.label).get(name, ("",))[0] != "ManyToManyField":
        return None
    return model._meta.get_field(name)


def _row(model: RemoteModel, pk: Any, fields: Mapping[str, Any],
         representation: Mapping[str, Any], text: str) -> RemoteObject:
    """A row of ``model``, an instance of its row class."""
    return model.row_class(model, pk, fields, representation, text)


def decode(data: Any) -> Any:
    """A value the bridge answered, as the service reads it: monolith rows as RemoteObjects,
    a QuerySet's rows as an evaluated QuerySet refined through ``requery``."""
    return codec.decode(data, decode_object, requery)


def decode_object(data: Mapping[str, Any]) -> Any:
    """codec hook: a ``$model`` object from the monolith becomes a RemoteObject."""
    model = RemoteModel(data[codec.MODEL_TAG])
    fields = {name: _field_value(model, name, value)
              for name, value in data.get("fields", {}).items()}
    return _row(model, codec.decode(data["pk"]), fields, data.get("repr", {}),
                data.get("str", ""))


def _field_value(model: RemoteModel, name: str, data: Any) -> Any:
    """A row's field as the service reads it; one sent as its database value (a ``$db``:
    pretalx's ``Event.name``) rebuilt by the mirror's declaration of the field as Django
    rebuilds a value it reads (``from_db_value``, else ``to_python``), so moved code sees the
    class the monolith's code sees when the mirror declares the field with its own class."""
    sent = codec.db_value(data)
    if sent is None:
        return decode(data)
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        raise codec.CodecError(f"{model.label}.{name} holds a {sent[0]} the service does not "
                               "declare (the mirror's DECLARED)") from None
    if hasattr(field, "from_db_value"):
        return field.from_db_value(sent[1], None, connection)
    return field.to_python(sent[1])


def requery(label: str) -> Any:
    """codec hook: the rows of ``label`` as the service queries them, where a QuerySet a
    monolith function returned goes on (``events_for_user(user).order_by(...)``): the
    monolith's model it mirrors through the bridge, its own (a moved model) locally; None
    for any other model, whose evaluated rows refuse new queries."""
    app_label, _, name = label.partition(".")
    remote = remote_model(app_label, name)
    return remote.objects if remote is not None else installed_rows(label)


# One recorded call: method name, positional and keyword arguments.
Step = tuple[str, tuple[Any, ...], dict[str, Any]]
_TERMINAL_ONE = frozenset({"get", "first", "last"})
_TERMINAL_SCALAR = frozenset({"exists", "count"})


class RemoteQuerySet:
    """A recorded chain of manager/queryset calls, run by the monolith on evaluation."""

    def __init__(self, model: RemoteModel, chain: tuple[Step, ...] = (),
                 empty: bool = False) -> None:
        self.model = model
        self.chain = chain
        self.empty = empty
        self._result: list[RemoteObject] | None = None

    def __deepcopy__(self, memo: dict[int, Any]) -> RemoteQuerySet:
        """DRF copies field arguments per serializer: the copy starts unevaluated, as Django's
        QuerySet copies do, so no request sees rows fetched for another."""
        return RemoteQuerySet(self.model, self.chain, self.empty)

    def _then(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> RemoteQuerySet:
        return RemoteQuerySet(self.model, (*self.chain, (name, args, kwargs)), self.empty)

    def __getattr__(self, name: str) -> Callable[..., Any]:
        """filter(), exclude(), order_by() and custom manager methods (``active()``)."""
        if name.startswith("_"):
            raise AttributeError(name)

        def record(*args: Any, **kwargs: Any) -> RemoteQuerySet:
            return self._then(name, args, kwargs)

        return record

    def all(self) -> RemoteQuerySet:
        return self._then("all", (), {})

    def none(self) -> RemoteQuerySet:
        return RemoteQuerySet(self.model, self.chain, empty=True)

    def using(self, alias: str | None) -> RemoteQuerySet:
        """The monolith answers from its own database, whichever alias the caller names."""
        return self

    def select_related(self, *args: Any) -> RemoteQuerySet:
        """The same rows: these only change how Django fetches them, while the bridge sends
        the served fields and a key's row is read when named (pretalx's views'
        ``....select_related("event")``, which the allowlist does not list)."""
        return self

    prefetch_related = only = defer = select_related

    def values_list(self, *fields: str, **options: Any) -> Any:
        """The fields' values of the rows, read from the rows the bridge sends (pretalx's
        ``obj.talks.filter(...).values_list("pk", flat=True)``): ``pk``, a field the rows
        carry, a key by its name (its column); answered as a QuerySet already evaluated, as
        Django's answers once iterated. Any other (a lookup across a relation, a field the
        allowlist does not send, ``named=True``) is a query step the monolith's bridge
        decides on."""
        flat = options.get("flat", False)
        columns = [column for name in fields if (column := self._column(name))]
        if (not fields or len(columns) != len(fields) or set(options) - {"flat"}
                or (flat and len(fields) != 1)):
            return self._then("values_list", fields, options)
        values = [tuple(row.pk if column == "pk" else getattr(row, column)
                        for column in columns) for row in self._evaluated()]
        return EvaluatedQuerySet(self.model.label,
                                 [value[0] for value in values] if flat else values)

    def _column(self, name: str) -> str | None:
        """The name a row holds ``name``'s value by: ``pk``, a sent field (not a many-to-many's
        keys), a key's column; None for anything else."""
        if name == "pk":
            return name
        sent = _field_types().get(self.model.label, {})
        column = next((c for c in (name, f"{name}_id") if c in sent), None)
        return None if column is None or sent[column].endswith("[]") else column

    def tolist(self) -> list[RemoteObject]:
        """The rows: DRF's JSON encoder renders a Django QuerySet as its rows, and another
        iterable only when it answers ``tolist()`` (numpy's arrays), which a recorded step
        would answer with another RemoteQuerySet, endlessly."""
        return list(self)

    def complex_filter(self, condition: Any) -> RemoteQuerySet:
        """A ForeignKey's ``limit_choices_to`` (a dict or a Q), as Django applies it."""
        if isinstance(condition, models.Q):
            return self.filter(condition)  # type: ignore[no-any-return]
        return self.filter(**condition) if condition else self

    def _read_only(self, *args: Any, **kwargs: Any) -> Any:
        raise RemoteError(f"{self.model.label} rows are read-only in this service: the "
                          "monolith's bridge writes nothing, so create, change or delete them "
                          "in the monolith (keep this code there)")

    create = get_or_create = update_or_create = update = delete = _read_only
    bulk_create = bulk_update = _read_only

    def _run(self, terminal: Step | None) -> Any:
        steps = [*self.chain, terminal] if terminal else list(self.chain)
        body = {"op": "query", "model": self.model.label,
                "chain": [[name, codec.encode(list(args)), codec.encode(kwargs)]
                          for name, args, kwargs in steps]}
        answer = get_client().post("rpc", body, idempotent=True)
        return decode(answer.get("result"))

    def get(self, *args: Any, **kwargs: Any) -> RemoteObject:
        if self.empty:
            raise self.model.DoesNotExist(f"{self.model.__name__} matching query does not exist.")
        row: RemoteObject = self._run(("get", args, kwargs))
        return row

    def first(self) -> RemoteObject | None:
        return None if self.empty else self._run(("first", (), {}))

    def last(self) -> RemoteObject | None:
        return None if self.empty else self._run(("last", (), {}))

    def exists(self) -> bool:
        return False if self.empty else bool(self._run(("exists", (), {})))

    def count(self) -> int:
        return 0 if self.empty else int(self._run(("count", (), {})))

    def _evaluated(self) -> list[RemoteObject]:
        if self._result is None:
            self._result = [] if self.empty else list(self._run(None))
        return self._result

    def __iter__(self) -> Iterator[RemoteObject]:
        return iter(self._evaluated())

    def __len__(self) -> int:
        return len(self._evaluated())

    def __bool__(self) -> bool:
        """Whether any row matches; ``Model.objects`` itself (no call recorded) is true without
        asking, as a Django manager is (drf-spectacular tests a relation's queryset so while
        it writes the schema, with no monolith to ask)."""
        return True if not self.chain and not self.empty else bool(self._evaluated())

    def __getitem__(self, index: int | slice) -> Any:
        return self._evaluated()[index]

    def __repr__(self) -> str:
        steps = ".".join(name + "()" for name, _, _ in self.chain)
        return f"<RemoteQuerySet {self.model.label}.objects.{steps or 'all()'}>"


class _KeyedRows(RemoteQuerySet):
    """``RemoteModel.with_keys``: evaluated from the keys, counted by them without a call."""

    def __init__(self, model: RemoteModel, pks: list[Any]) -> None:
        super().__init__(model, (("filter", (), {"pk__in": pks}),))
        self.pks = pks

    def __deepcopy__(self, memo: dict[int, Any]) -> RemoteQuerySet:
        return _KeyedRows(self.model, self.pks)

    def _evaluated(self) -> list[RemoteObject]:
        if self._result is None:
            self._result = self.model.get_many(self.pks)
        return self._result

    def count(self) -> int:
        return len(self.pks)

    def exists(self) -> bool:
        return bool(self.pks)


def pk_of(value: Any) -> Any:
    """The primary key of a RemoteObject, TokenUser or model instance; other values as given."""
    return value.pk if hasattr(value, "pk") else value


def pks_of(values: Iterable[Any]) -> list[Any]:
    """``pk_of`` of each value: what ``user__in=users`` becomes once ``user`` is an id column
    (``user_id__in=pks_of(users)``)."""
    return [pk_of(value) for value in values]


def pks_where(label: str, **lookups: Any) -> list[Any]:
    """Primary keys of the monolith's ``label`` rows matching ``lookups``: what a lookup that
    traversed a relation out of the service becomes (``order__user_id=5`` ->
    ``order_id__in=pks_where("orders.Order", user_id=5)``). Asked at once, as Django reads an
    ``__in`` list when the filter is built; the bridge refuses queries matching over 1,000 rows.
    While the OpenAPI schema is generated (no monolith to ask), no rows match."""
    from decompose_remote.schema import GENERATING  # imports DRF's settings: not at load time

    if GENERATING.get():
        return []
    return [row.pk for row in RemoteModel(label).objects.filter(**lookups)]


def ordered_where(rows: models.QuerySet[Any], column: str, label: str, ordering: str,
                  **lookups: Any) -> models.QuerySet[Any]:
    """``rows`` ordered by what the monolith's ``label`` rows their ``column`` keys order by:
    what an ordering that traversed a relation out of the service becomes
    (``.filter(project__memberships__user=u).order_by("project__memberships__user_order")``
    -> ``ordered_where(rows, "project_id", "projects.Project", "memberships__user_order",
    memberships__user=u)``). The monolith orders exactly the rows' keys, filtered by
    ``lookups``: the conditions the query joined that relation on, which Django's
    ``order_by`` reuses, so a key ranks by the matching row of a many-valued relation (the
    same user's membership), not by every one. The rows keep their place in the queryset
    (an alias, so later filters and slices still apply); a key the monolith does not answer
    ranks last. Asked at once, as ``pks_where``; no keys are ranked while the OpenAPI schema
    is generated."""
    from decompose_remote.schema import GENERATING  # imports DRF's settings: not at load time

    keys = [] if GENERATING.get() else sorted(
        {key for key in rows.values_list(column, flat=True) if key is not None})
    ranked = [row.pk for row in RemoteModel(label).objects.filter(
        pk__in=keys, **lookups).order_by(ordering)] if keys else []
    place = models.Case(*(models.When(**{column: key}, then=models.Value(rank))
                          for rank, key in enumerate(ranked)),
                        default=models.Value(len(ranked)), output_field=models.IntegerField())
    return rows.alias(decompose_place=place).order_by("decompose_place")


class RemoteReverse:
    """A reverse relation from a model that stays in the monolith (``order.shipments``): the
    monolith's rows pointing at this one, asked of it when used (``.all()``, ``.filter()``,
    ``.count()``...), or the one row of a one-to-one (its DoesNotExist when there is none)."""

    def __init__(self, label: str, field: str, one: bool = False) -> None:
        self.label, self.field, self.one = label, field, one

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        rows = RemoteModel(self.label).objects.filter(**{self.field: instance.pk})
        return rows.get() if self.one else rows


class RemoteGenericRelation:
    """A ``GenericRelation`` of a moved model to a model that stays (taiga's
    ``WikiPage.attachments``): the monolith's rows whose generic key (``content_type``,
    ``object_id``) points at this instance, asked of it when used. The content type is the
    shared ``django_content_type`` row, read as Django's contenttypes app in the service reads
    it."""

    def __init__(self, label: str, content_type_field: str = "content_type",
                 object_id_field: str = "object_id") -> None:
        self.label = label
        self.content_type_field, self.object_id_field = content_type_field, object_id_field

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        # its models load with the app registry, after this module
        from django.contrib.contenttypes.models import ContentType

        content_type = ContentType.objects.get_for_model(type(instance))
        return RemoteModel(self.label).objects.filter(**{
            f"{self.content_type_field}_id": content_type.pk,
            self.object_id_field: instance.pk})


class RemoteRelation(property):
    """A foreign key out of the service, kept as its id column ``attname`` plus this property.

    A ``property`` subclass because Django's ``Model.__init__`` accepts only fields and
    properties as keyword arguments: ``OrderLine(product=product)`` keeps working.
    """

    def __init__(self, label: str, attname: str) -> None:
        def get(instance: Any) -> RemoteObject | None:
            return self._get(instance)

        # Schema generators read the return type to follow ``source="user.username"``.
        get.__annotations__ = {"instance": Any, "return": RemoteModel(label).schema_type}
        super().__init__(get, self._set)
        self.label = label
        self.attname = attname

    def _get(self, instance: Any) -> RemoteObject | None:
        pk = getattr(instance, self.attname)
        if pk is None:
            return None
        if not self.is_loaded(instance):
            self.remember(instance, RemoteModel(self.label).get_by_pk(pk))
        row: RemoteObject = instance.__dict__[self._cache_name]
        return row

    def _set(self, instance: Any, value: Any) -> None:
        setattr(instance, self.attname, None if value is None else pk_of(value))
        if isinstance(value, RemoteObject):
            self.remember(instance, value)

    def remember(self, instance: Any, row: RemoteObject) -> None:
        instance.__dict__[self._cache_name] = row

    def is_loaded(self, instance: Any) -> bool:
        """Whether reading the relation on ``instance`` needs no call (none set, or fetched)."""
        pk = getattr(instance, self.attname)
        cached = instance.__dict__.get(self._cache_name)
        return pk is None or (cached is not None and cached.pk == pk)

    @property
    def _cache_name(self) -> str:
        return f"_remote_cache_{self.attname}"


def prefetch_relations(reads: Iterable[tuple[Any, RemoteRelation]]) -> None:
    """Fetch the rows these (instance, relation) reads point at, one call per monolith model
    instead of one per row, and keep them on each instance and in the request cache, where
    RemoteRelation looks first. Rows the monolith does not have are left for the relation to
    report as it would without this (DoesNotExist when read)."""
    cache = _request_cache.get()
    pending = [(instance, relation) for instance, relation in reads
               if not relation.is_loaded(instance)]
    wanted: dict[str, dict[str, Any]] = {}
    for instance, relation in pending:
        pk = getattr(instance, relation.attname)
        if cache is None or (relation.label, str(pk)) not in cache:
            wanted.setdefault(relation.label, {})[str(pk)] = pk
    fetched = {(label, str(row.pk)): row for label, pks in wanted.items()
               for row in RemoteModel(label).fetch(list(pks.values()))}
    if cache is not None:
        cache.update(fetched)
    known = fetched if cache is None else cache
    for instance, relation in pending:
        row = known.get((relation.label, str(getattr(instance, relation.attname))))
        if row is not None:
            relation.remember(instance, row)


class RequestCacheMiddleware:
    """Scope the (label, pk) object cache to one request, so no stale row outlives it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _request_cache.set({})
        try:
            return self.get_response(request)
        finally:
            _request_cache.reset(token)
