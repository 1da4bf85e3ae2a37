"""The JSON codec spoken between an extracted service and the monolith's decompose_bridge.

Both sides import this one module (``decompose_remote`` in the service, ``decompose_bridge`` in
the monolith), so a value encoded on one side decodes to an equal value on the other. Plain JSON
cannot carry what Django code passes around, so such values are tagged objects with one ``$`` key:

    {"$decimal": "12.50"}  {"$datetime": "2025-01-31T12:00:00+00:00"}  {"$date": "2025-01-31"}
    {"$time": "12:00:00"}  {"$uuid": "..."}  {"$tuple": [...]}  {"$dict": [[key, value], ...]}
    {"$model": "catalog.Product", "pk": 5, "fields": {...}, "repr": {...}}
    {"$queryset": {"model": "history.HistoryEntry", "rows": [...]}}
    {"$q": {"connector": "OR", "negated": false, "children": [["owner_id", 5], {"$q": ...}]}}
    {"$anonymous_user": true}
    {"$db": {"field": "i18nfield.fields.I18nCharField", "value": "{\"en\": \"PyCon\"}"}}

A lazy translation (``gettext_lazy``: pretalx's log entries' ``display``) travels as its
text, in the language active where it is encoded. A dict whose keys are all strings not
starting with ``$`` stays a dict; any other mapping is a ``$dict`` of pairs, so no user value
can be mistaken for a tag. Lists and other iterables
(generators included) become lists. Model instances are written by a side-specific hook (the
monolith adds allowlisted fields); by default only their label and primary key travel, which is
enough for the other side to load the row from the shared database. Django's AnonymousUser
(``request.user`` passed to a monolith function, pretalx's ``events_for_user(user)``) is a
marker, read back as a new ``AnonymousUser()``: it has no row, and all its instances are alike.

A row's field whose value is of a class this codec does not know (django-i18nfield's
``LazyI18nString``, a money or an encrypted field's object) travels as what its field writes
to the database (``get_prep_value``, encoded as above), a ``$db`` naming the field's class:
the other side rebuilds it with its declaration of that field as Django does a value read
from the database (``from_db_value``, else ``to_python``), so only a row's fields hold one
(``db_field``); ``decode`` refuses it anywhere else.

A QuerySet travels as its rows (at most ``MAX_ROWS``: the query itself means nothing to the
other side) and is read there as an evaluated one (``evaluated.py``), whose further calls the
decoding side may run as a query of the same rows (``decode``'s ``requery``); passed back (a
service giving pretalx's ``speakers_for_user`` what ``submissions_for_user`` answered), it
travels as those rows again, a QuerySet still. A ``Q`` object
travels as its tree; ``decode`` refuses it anywhere, since only a query's filter may read one,
with ``decode_q``, where the bridge checks every lookup inside it as it checks keyword lookups (a
``Q`` passed as a value would be an expression naming any column).
"""

from __future__ import annotations

import datetime
import decimal
import sys
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.functional import Promise

from decompose_runtime.evaluated import EvaluatedQuerySet, Requery
from decompose_runtime.protocol import MAX_ROWS

MODEL_TAG = "$model"
Q_TAG = "$q"
QUERYSET_TAG = "$queryset"
ANONYMOUS_USER_TAG = "$anonymous_user"
DB_TAG = "$db"
# Django 4.1 added XOR; a bridge on an older Django refuses it as an unknown connector.
_CONNECTORS = frozenset(filter(None, (Q.AND, Q.OR, getattr(Q, "XOR", None))))
ModelEncoder = Callable[[Any], dict[str, Any]]
ModelDecoder = Callable[[Mapping[str, Any]], Any]


class CodecError(ValueError):
    """A value that cannot be encoded, or data that is not a valid encoding."""


def model_ref(label: str, pk: Any) -> dict[str, Any]:
    """The smallest encoding of a model row: its label and primary key."""
    return {MODEL_TAG: label, "pk": encode(pk)}


def db_field(field_class: type, value: Any) -> dict[str, Any]:
    """A field's value as its database value (``get_prep_value``), naming the field's class."""
    return {DB_TAG: {"field": f"{field_class.__module__}.{field_class.__qualname__}",
                     "value": encode(value)}}


def db_value(data: Any) -> tuple[str, Any] | None:
    """(field class, database value) of a ``$db`` value; None for any other data."""
    payload = data.get(DB_TAG) if isinstance(data, dict) and len(data) == 1 else None
    if payload is None:
        return None
    if not (isinstance(payload, dict) and isinstance(payload.get("field"), str)
            and "value" in payload):
        raise CodecError(f"a {DB_TAG} value has a field (its class) and a value")
    return payload["field"], decode(payload["value"])


def reference_of(value: Any) -> tuple[str, Any] | None:
    """(label, pk) of a Django model instance or of anything with ``__decompose_ref__``."""
    ref = getattr(value, "__decompose_ref__", None)
    if callable(ref):
        found: tuple[str, Any] = ref()
        return found
    meta = getattr(value, "_meta", None)
    if meta is not None and hasattr(meta, "label") and hasattr(value, "pk"):
        return meta.label, value.pk
    return None


def encode(value: Any, model: ModelEncoder | None = None) -> Any:
    """``value`` as JSON-compatible data; ``model`` writes model instances (default: a ref)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, Promise):  # a lazy translation: its text, not its characters
        return str(value)
    if isinstance(value, decimal.Decimal):
        return {"$decimal": format(value, "f")}
    if isinstance(value, datetime.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"$date": value.isoformat()}
    if isinstance(value, datetime.time):
        return {"$time": value.isoformat()}
    if isinstance(value, uuid.UUID):
        return {"$uuid": str(value)}
    if isinstance(value, tuple):
        return {"$tuple": [encode(item, model) for item in value]}
    if isinstance(value, Mapping):
        if all(isinstance(key, str) and not key.startswith("$") for key in value):
            return {key: encode(item, model) for key, item in value.items()}
        return {"$dict": [[encode(key, model), encode(item, model)]
                          for key, item in value.items()]}
    if isinstance(value, Q):
        return _encode_q(value, model)
    if isinstance(value, QuerySet):
        return _encode_queryset(value, model)
    if isinstance(value, EvaluatedQuerySet):  # sent back as the rows it holds
        return {QUERYSET_TAG: {"model": value.label, "rows": [encode(row, model)
                                                              for row in value]}}
    ref = reference_of(value)
    if ref is not None:
        if model is not None and getattr(value, "_meta", None) is not None:
            return model(value)
        return model_ref(*ref)
    if _is_anonymous_user(value):
        return {ANONYMOUS_USER_TAG: True}
    if isinstance(value, (bytes, bytearray, memoryview)):
        raise CodecError(f"cannot encode binary data ({type(value).__name__})")
    if isinstance(value, Iterable):
        return [encode(item, model) for item in value]
    raise CodecError(f"cannot encode a {type(value).__module__}.{type(value).__qualname__}")


def _is_anonymous_user(value: Any) -> bool:
    """Django's AnonymousUser (a subclass too). Its module defines models, so it is not
    imported here: an AnonymousUser exists only once Django has loaded it."""
    anonymous = getattr(sys.modules.get("django.contrib.auth.models"), "AnonymousUser", None)
    return anonymous is not None and isinstance(value, anonymous)


def _encode_q(value: Q, model: ModelEncoder | None) -> dict[str, Any]:
    children: list[Any] = []
    for child in value.children:
        if isinstance(child, Q):
            children.append(_encode_q(child, model))
        elif isinstance(child, tuple) and len(child) == 2 and isinstance(child[0], str):
            children.append([child[0], encode(child[1], model)])
        else:
            raise CodecError(f"cannot encode a Q holding a {type(child).__module__}."
                             f"{type(child).__qualname__} (only lookups and Q objects)")
    return {Q_TAG: {"connector": value.connector, "negated": value.negated,
                    "children": children}}


def _encode_queryset(value: QuerySet[Any], model: ModelEncoder | None) -> dict[str, Any]:
    label = value.model._meta.label
    rows = list(value[: MAX_ROWS + 1])
    if len(rows) > MAX_ROWS:
        raise CodecError(f"a queryset of more than {MAX_ROWS} {label} rows cannot be sent")
    return {QUERYSET_TAG: {"model": label, "rows": [encode(row, model) for row in rows]}}


_SCALARS: dict[str, Callable[[str], Any]] = {
    "$decimal": decimal.Decimal,
    "$datetime": datetime.datetime.fromisoformat,
    "$date": datetime.date.fromisoformat,
    "$time": datetime.time.fromisoformat,
    "$uuid": uuid.UUID,
}


def decode(data: Any, model: ModelDecoder | None = None, requery: Requery | None = None) -> Any:
    """The value ``encode`` was given; ``model`` turns ``$model`` objects into instances,
    ``requery`` gives the query a ``$queryset``'s refinements run as (evaluated.py)."""
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    if isinstance(data, list):
        return [decode(item, model, requery) for item in data]
    if not isinstance(data, dict):
        raise CodecError(f"not JSON data: {type(data).__name__}")
    if MODEL_TAG in data:
        if not isinstance(data[MODEL_TAG], str) or "pk" not in data:
            raise CodecError("a $model object needs a label and a pk")
        if model is None:
            raise CodecError(f"no decoder for model {data[MODEL_TAG]!r} on this side")
        return model(data)
    tags = [key for key in data if key.startswith("$")]
    if not tags:
        return {key: decode(item, model, requery) for key, item in data.items()}
    if len(data) != 1:
        raise CodecError(f"a tagged value has exactly one key, got {sorted(data)}")
    tag, payload = tags[0], data[tags[0]]
    if tag in _SCALARS:
        if not isinstance(payload, str):
            raise CodecError(f"{tag} needs a string")
        try:
            return _SCALARS[tag](payload)
        except (ValueError, decimal.InvalidOperation) as exc:
            raise CodecError(f"bad {tag} value {payload!r}") from exc
    if tag == "$tuple" and isinstance(payload, list):
        return tuple(decode(item, model, requery) for item in payload)
    if tag == QUERYSET_TAG and isinstance(payload, dict) and isinstance(
            payload.get("model"), str) and isinstance(payload.get("rows"), list):
        return EvaluatedQuerySet(payload["model"],
                                 [decode(row, model, requery) for row in payload["rows"]],
                                 requery)
    if tag == ANONYMOUS_USER_TAG:
        if payload is not True:
            raise CodecError(f"{tag} is true (a marker)")
        from django.contrib.auth.models import AnonymousUser  # once the app registry is ready

        return AnonymousUser()
    if tag == Q_TAG:
        raise CodecError("a $q (Q object) is read only as an argument of filter(), exclude() "
                         "or get()")
    if tag == DB_TAG:
        raise CodecError(f"a {DB_TAG} value (a field's database value) is read only as a field "
                         "of a row")
    if tag == "$dict" and isinstance(payload, list):
        try:
            return {_hashable(decode(key, model, requery)): decode(item, model, requery)
                    for key, item in payload}
        except (TypeError, ValueError) as exc:
            raise CodecError("a $dict is a list of [key, value] pairs") from exc
    raise CodecError(f"unknown tag {tag!r}")


def decode_q(data: Any, model: ModelDecoder | None = None) -> Q:
    """A ``$q`` object as Django's Q; its values are decoded by ``decode``, so never a Q."""
    payload = data.get(Q_TAG) if isinstance(data, dict) and len(data) == 1 else None
    if not isinstance(payload, dict):
        raise CodecError("a positional argument of a query's filter is a $q object (a Q)")
    connector, negated, children = (payload.get(key) for key in
                                    ("connector", "negated", "children"))
    if connector not in _CONNECTORS or not isinstance(negated, bool) or not isinstance(
            children, list):
        raise CodecError(f"a $q object has a connector ({', '.join(sorted(_CONNECTORS))}), "
                         "negated (a boolean) and children (a list)")
    decoded: list[Any] = []
    for child in children:
        if isinstance(child, list) and len(child) == 2 and isinstance(child[0], str):
            decoded.append((child[0], decode(child[1], model)))
        elif isinstance(child, dict):
            decoded.append(decode_q(child, model))
        else:
            raise CodecError("a child of a $q object is a [lookup, value] pair or a $q object")
    return Q(*decoded, _connector=connector, _negated=negated)


def _hashable(key: Any) -> Any:
    return tuple(key) if isinstance(key, list) else key
