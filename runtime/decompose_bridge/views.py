"""The bridge's endpoints: access tokens for gateways, allowlisted reads and calls for services.

Every read and call is checked against ``allowlist.py`` before anything is imported, loaded or
run; a refusal is a 403 naming what was refused, so a missing allowlist entry is found at once.
Lookups in queries may only name allowlisted fields, and traverse relations only between
allowlisted models through allowlisted keys (``memberships__user``), so a service cannot probe
columns it was not given; the lookups inside a ``Q`` object, and orderings, are checked the
same way, by the same walk, as keyword ones.
"""

import functools
import json
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, cast

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import (
    FieldDoesNotExist,
    ImproperlyConfigured,
    MultipleObjectsReturned,
    ObjectDoesNotExist,
    ValidationError,
)
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.module_loading import import_string
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from rest_framework import permissions, serializers
from rest_framework.authentication import BaseAuthentication, SessionAuthentication
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from decompose_bridge import allowlist, exchange_cache, request_state, tokens
from decompose_bridge.s2s import service_only
from decompose_bridge.scopes import SCOPE_ERRORS, scope_of
from decompose_runtime import codec
from decompose_runtime.evaluated import installed_rows
from decompose_runtime.protocol import ACCESS_TOKEN_HEADER, MAX_ROWS, QUERY_LOOKUPS

logger = logging.getLogger(__name__)

# Queryset steps any allowlisted model allows; custom ones come from its "chains".
READ_STEPS = frozenset({"all", "filter", "exclude", "order_by", "distinct"})
TERMINAL_STEPS = frozenset({"get", "first", "last", "exists", "count"})


class Refused(Exception):
    """A request outside the allowlist (403) or malformed (400)."""

    def __init__(self, message: str, status: int = 403) -> None:
        super().__init__(message)
        self.status = status


class TokenView(APIView):
    """The caller's monolith credentials (the monolith's own DRF authentication) in, an access
    token out; anonymous callers get 200 without one, bad credentials the monolith's 401 (and a
    session-authenticated write without its CSRF token the monolith's 403).

    ``/_decompose/token`` is for nginx's ``auth_request`` and HAProxy's Lua (always GET).
    ``/_decompose/token/<original path>`` is Envoy's HTTP ext_authz check (Istio, Envoy
    Gateway): Envoy appends the client's path to the configured prefix and keeps its method,
    without the body; on 200 it copies the named answer headers to the upstream request
    (``X-Decompose-Token``, or ``Authorization: Bearer`` which that route answers too), on
    anything else it returns this answer to the client.
    """

    permission_classes = [permissions.AllowAny]
    bearer_header = False  # also answer "Authorization: Bearer <token>" (ext_authz)

    def perform_authentication(self, request: Request) -> None:
        """Lazy: a reused token needs no authentication at all."""

    def get_authenticators(self) -> list[BaseAuthentication]:
        """The monolith's own DRF authentication, then its Django session where that leaves
        it out (pretalx's API takes tokens only): a browser signed in to the monolith's pages
        is who the services must see, with the session's CSRF check on writes."""
        found: list[BaseAuthentication] = list(super().get_authenticators())
        if not any(isinstance(found_one, SessionAuthentication) for found_one in found):
            found.append(SessionAuthentication())
        return found

    def exchange(self, request: Request, original: str = "") -> Response:
        if not self.bearer_header:
            _as_client_method(request)
        response = Response(status=200)
        response["Cache-Control"] = "no-store"
        credentials = (request.META.get("HTTP_AUTHORIZATION", ""),
                       request.META.get("HTTP_COOKIE", ""))
        key = exchange_cache.credential_key(*credentials)
        # A write is authenticated again each time: its CSRF check belongs to this request.
        token = exchange_cache.lookup(key) if any(credentials) and request.method in (
            "GET", "HEAD", "OPTIONS") else None
        checked_at = time.time()
        if token is None and request.user.is_authenticated:
            try:
                token = tokens.issue(request.user, request.auth)
            except ImproperlyConfigured as exc:
                logger.error("cannot issue access tokens: %s", exc)
                return Response({"detail": "Access tokens are not configured."}, status=503)
            exchange_cache.remember(key, request.user.pk, token, checked_at)
        if token:
            response[ACCESS_TOKEN_HEADER] = token
            if self.bearer_header:
                response["Authorization"] = f"Bearer {token}"
        return response

    get = post = put = patch = delete = head = options = exchange


def _as_client_method(request: Request) -> None:
    """nginx and HAProxy always ask with GET and name the client's method in
    ``X-Original-Method`` (they set it, overriding the client's): the CSRF check of a session
    write and the cache decision belong to the client's request, not to the proxy's GET."""
    method = request.META.get("HTTP_X_ORIGINAL_METHOD", "").upper()
    if method.isalpha():
        request._request.method = method


def _model(label: str) -> tuple[type[models.Model], Mapping[str, Any]]:
    access = allowlist.models().get(label)
    if access is None:
        raise Refused(f"model {label} is not in the bridge allowlist")
    return apps.get_model(label), access


def _value(instance: models.Model, name: str) -> Any:
    try:
        field = instance._meta.get_field(name)
    except FieldDoesNotExist:
        return getattr(instance, name)
    # A foreign key travels as its id, never as the related row's fields; a file as its name
    # in storage, what its column holds (taiga's Project.logo, often empty), never its bytes;
    # a many-to-many as its target's keys, in the order the monolith gives its rows (read
    # from what encode_rows prefetched).
    if field.many_to_many:
        return [row.pk for row in getattr(instance, name).all()]
    value = getattr(instance, getattr(field, "attname", name))
    return value.name if isinstance(value, FieldFile) else value


def _encoded_field(row: models.Model, name: str) -> Any:
    """A field's value encoded; one of a class the codec does not know (pretalx's
    ``Event.name``, a LazyI18nString) as its database value, for the service to rebuild
    with its declaration of the field (codec: ``$db``). Anything else that cannot travel (a
    property's value, a database value of no JSON type) is the codec's error naming its
    class."""
    value = _value(row, name)
    try:
        return codec.encode(value, _encode_model)
    except codec.CodecError:
        field = next((f for f in row._meta.concrete_fields if f.name == name), None)
        if field is None or field.is_relation:
            raise
        return codec.db_field(type(field), field.get_prep_value(value))


_SERIALIZERS: dict[tuple[type[models.Model], tuple[str, ...]], type] = {}


def _serializer(model: type[models.Model], fields: tuple[str, ...]) -> type:
    """The monolith's own DRF rendering of ``fields``: what its API would say about them."""
    key = (model, fields)
    if key not in _SERIALIZERS:
        meta = type("Meta", (), {"model": model, "fields": list(fields)})
        _SERIALIZERS[key] = type(f"Bridge{model.__name__}Serializer",
                                 (serializers.ModelSerializer,), {"Meta": meta})
    return _SERIALIZERS[key]


def encode_rows(rows: list[models.Model], fields: tuple[str, ...] | None = None) -> list[Any]:
    """Allowlisted rows with their allowlisted fields: raw values, DRF rendering and str().
    The many-to-many fields are read once per model for all its rows (prefetched)."""
    encoded = []
    by_model: dict[type[models.Model], list[models.Model]] = {}
    for row in rows:
        by_model.setdefault(type(row), []).append(row)
    rendered: dict[int, Any] = {}
    for model, group in by_model.items():
        names = fields or tuple(allowlist.models()[model._meta.label]["fields"])
        many = {f.name for f in model._meta.many_to_many}
        models.prefetch_related_objects(group, *(name for name in names if name in many))
        data = _serializer(model, names)(group, many=True).data
        rendered.update((id(row), dict(item)) for row, item in zip(group, data, strict=True))
    for row in rows:
        names = fields or tuple(allowlist.models()[row._meta.label]["fields"])
        encoded.append({
            codec.MODEL_TAG: row._meta.label,
            "pk": codec.encode(row.pk),
            "fields": {name: _encoded_field(row, name) for name in names},
            "repr": rendered[id(row)],
            "str": str(row),
        })
    return encoded


def _encode_model(instance: models.Model) -> Any:
    """codec hook: allowlisted rows in full, any other row as a reference only."""
    if instance._meta.label in allowlist.models():
        return encode_rows([instance])[0]
    return codec.model_ref(instance._meta.label, instance.pk)


def _decode_model(data: Mapping[str, Any]) -> models.Model:
    """codec hook: a row named by a service (its own or a fetched one) loaded by primary key.

    The service shares this database, so naming a row reveals nothing it could not read; only
    what an allowlisted call returns goes back, through ``_encode_model``.
    """
    try:
        model = apps.get_model(data[codec.MODEL_TAG])
    except (LookupError, ValueError):
        raise Refused(f"unknown model {data[codec.MODEL_TAG]!r}", status=400) from None
    row: models.Model = model._base_manager.get(pk=codec.decode(data["pk"]))
    return row


def _error(exc: BaseException, status: int = 400) -> JsonResponse:
    kind = type(exc)
    return JsonResponse({"error": {"type": f"{kind.__module__}.{kind.__qualname__}",
                                   "message": str(exc)}}, status=status)


def _lookup_error(model: type[models.Model], exc: Exception) -> JsonResponse:
    """Django's per-model DoesNotExist/MultipleObjectsReturned, and bad lookup values."""
    label = model._meta.label
    if isinstance(exc, ObjectDoesNotExist):
        name = f"{label}.DoesNotExist"
    elif isinstance(exc, MultipleObjectsReturned):
        name = f"{label}.MultipleObjectsReturned"
    else:
        name = f"builtins.{'TypeError' if isinstance(exc, TypeError) else 'ValueError'}"
    message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
    return JsonResponse({"error": {"type": name, "message": message}}, status=400)


def in_service_scope(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Run the view in the django-scopes scope the service's call was made in (400 for a
    scope that cannot be read: a malformed header, a row that does not exist)."""

    @functools.wraps(view)
    def scoped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            within = scope_of(request, _decode_model)
        except (Refused, ValueError, ObjectDoesNotExist) as exc:
            return JsonResponse({"detail": f"malformed scope: {exc}"}, status=400)
        with within:
            return view(request, *args, **kwargs)

    return scoped


@require_GET
@service_only
@in_service_scope
def objects(request: HttpRequest, app_label: str, model_name: str) -> JsonResponse:
    """``?pk=1&pk=2&fields=a,b``: those rows (missing ones left out), allowlisted fields only."""
    try:
        model, access = _model(f"{app_label}.{model_name}")
        fields = tuple(sorted(filter(None, request.GET.get("fields", "").split(","))))
        refused = set(fields) - set(access["fields"])
        if refused:
            raise Refused(f"fields {sorted(refused)} of {model._meta.label} are not allowlisted")
        pks = request.GET.getlist("pk")
        if len(pks) > MAX_ROWS:
            raise Refused(f"at most {MAX_ROWS} rows per request", status=400)
        try:
            rows = list(model._base_manager.filter(pk__in=pks))
        except (ValueError, TypeError, ValidationError) as exc:
            return _lookup_error(model, exc)
    except Refused as exc:
        return JsonResponse({"detail": str(exc)}, status=exc.status)
    return JsonResponse({"objects": encode_rows(rows, fields or None)})


@csrf_exempt
@require_POST
@service_only
@in_service_scope
def rpc(request: HttpRequest) -> JsonResponse:
    """One operation: ``call`` a function, run a ``query`` chain, or call a row's ``method``."""
    try:
        body = json.loads(request.body)
        if not isinstance(body, dict):
            raise Refused("the body must be a JSON object", status=400)
        operation = _OPERATIONS.get(str(body.get("op")))
        if operation is None:
            raise Refused(f"unknown op {body.get('op')!r}", status=400)
        return operation(body)
    except Refused as exc:
        return JsonResponse({"detail": str(exc)}, status=exc.status)
    except (ValueError, codec.CodecError) as exc:
        return JsonResponse({"detail": f"malformed request: {exc}"}, status=400)


def _arguments(body: Mapping[str, Any]) -> tuple[list[Any], dict[str, Any]]:
    # a QuerySet's rows a service sends back are refined as the monolith's own rows
    args = codec.decode(body.get("args", []), _decode_model, installed_rows)
    kwargs = codec.decode(body.get("kwargs", {}), _decode_model, installed_rows)
    if not isinstance(args, list) or not isinstance(kwargs, dict):
        raise Refused("args must be a list and kwargs an object", status=400)
    return args, kwargs


def _call(body: Mapping[str, Any]) -> JsonResponse:
    target = body.get("target")
    if target not in allowlist.functions():
        raise Refused(f"function {target!r} is not in the bridge allowlist")
    function = import_string(target)
    try:
        with transaction.atomic():
            args, kwargs = _arguments(body)
            # Encoded here, so a returned queryset too large to send undoes the call.
            result = codec.encode(function(*args, **kwargs), _encode_model)
    except Refused:
        raise
    except Exception as exc:
        logger.info("allowlisted call raised", exc_info=True, extra={"target": target})
        return _error(exc)
    return JsonResponse({"result": result})


def _method(body: Mapping[str, Any]) -> JsonResponse:
    ref = body.get("object")
    if not isinstance(ref, dict) or not isinstance(ref.get(codec.MODEL_TAG), str):
        raise Refused("object must be a $model reference", status=400)
    model, access = _model(ref[codec.MODEL_TAG])
    name = body.get("name")
    if not isinstance(name, str) or name not in access["methods"]:
        raise Refused(f"method {name!r} of {model._meta.label} is not in the bridge allowlist")
    try:
        with transaction.atomic():
            instance = model._base_manager.get(pk=codec.decode(ref.get("pk")))
            args, kwargs = _arguments(body)
            attribute = getattr(instance, name)
            if not callable(attribute) and (args or kwargs):
                raise Refused(f"{name!r} of {model._meta.label} takes no arguments", status=400)
            # A property (``shipment.tracking_url`` in a template) is read, a method called.
            result = codec.encode(attribute(*args, **kwargs) if callable(attribute)
                                  else attribute, _encode_model)
    except Refused:
        raise
    except (ObjectDoesNotExist, ValidationError) as exc:
        return _lookup_error(model, exc)
    except Exception as exc:
        logger.info("allowlisted method raised", exc_info=True, extra={"method": name})
        return _error(exc)
    return JsonResponse({"result": result})


def _conditions(model: type[models.Model], fields: set[str],
                step: list[Any]) -> tuple[list[models.Q], dict[str, Any]]:
    """The arguments of ``filter()``, ``exclude()`` or ``get()``: Q objects and keyword
    lookups, every lookup of both checked alike."""
    if not isinstance(step[1], list):
        raise Refused("args must be a list and kwargs an object", status=400)
    conditions = [codec.decode_q(arg, _decode_model) for arg in step[1]]
    _, kwargs = _arguments({"kwargs": step[2]})
    _check_lookups(model, fields, [*kwargs, *(key for condition in conditions
                                              for key in _q_lookups(condition))])
    return conditions, kwargs


def _q_lookups(condition: models.Q) -> Iterator[str]:
    for child in condition.children:
        if isinstance(child, models.Q):
            yield from _q_lookups(child)
        else:  # a (lookup, value) pair: decode_q builds nothing else
            yield cast(tuple[str, Any], child)[0]


def _check_lookups(model: type[models.Model], fields: set[str], keys: Iterable[str]) -> None:
    for key in keys:
        names = key.split("__")
        walked, last = _walk(model, fields, names)
        lookup = names[walked:]
        if not walked or _reverse(last) or len(lookup) > 1 or (
                lookup and lookup[0] not in QUERY_LOOKUPS):
            raise Refused(f"lookup {key!r} on {model._meta.label} is not allowed "
                          "(allowlisted fields, keys between allowlisted models and simple "
                          "lookups only)")


def _check_ordering(model: type[models.Model], fields: set[str], args: list[Any]) -> None:
    for item in args:
        names = item.lstrip("-").split("__") if isinstance(item, str) else []
        walked, last = _walk(model, fields, names)
        # A column: ordering by a relation would follow the other model's Meta.ordering.
        if not names or walked != len(names) or _joined(last, names[-1]) is not None:
            raise Refused(f"ordering by {item!r} on {model._meta.label} is not allowed")


def _walk(model: type[models.Model], fields: set[str], names: list[str]
          ) -> tuple[int, Any]:
    """How many leading ``names`` are a path of allowlisted fields (0: refused), and the
    field the path ends on.

    A foreign key is allowed by its column (``user=<ref>`` when ``user_id`` is allowlisted),
    and a path may go on through it, or back through another model's key to this one
    (``memberships__user``: ``Membership.project_id``), into a model allowlisted too: such a
    join reads only columns the services may read anyway. As in Django, the first name that
    is no field of the model reached starts the lookup.
    """
    access = allowlist.models()
    readable, last = fields | {"pk"}, None
    for position, name in enumerate(names):
        field = _field(model, name)
        if field is None:  # the lookup
            return position, last
        if not _readable(field, name, readable):
            return 0, None
        last, joined = field, _joined(field, name)
        if joined is None:
            return position + 1, last
        if joined._meta.label not in access:  # only a lookup may follow
            after = names[position + 1:]
            return (0, None) if after and _field(joined, after[0]) else (position + 1, last)
        model, readable = joined, set(access[joined._meta.label]["fields"])
    return len(names), last


def _field(model: type[models.Model], name: str) -> Any:
    if name == "pk":
        return model._meta.pk
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _reverse(field: Any) -> bool:
    """Another model's key to this one (``memberships``), seen from this one."""
    return isinstance(field, models.ForeignObjectRel)


def _readable(field: Any, name: str, readable: set[str]) -> bool:
    """A column (or key) the allowlist gives, or a reverse key whose column it gives."""
    if _reverse(field):
        access = allowlist.models().get(field.related_model._meta.label)
        return not field.many_to_many and access is not None and (
            field.field.attname in access["fields"])
    return name in readable or getattr(field, "attname", None) in readable


def _joined(field: Any, name: str) -> type[models.Model] | None:
    """The model a path goes on into through ``field`` (None for a column, or a key named
    by its column: ``user_id``; a many-to-many's name is no column)."""
    if field is None or not field.is_relation or (
            name == getattr(field, "attname", None) and not field.many_to_many):
        return None
    return cast(type[models.Model], field.related_model)


def _query(body: Mapping[str, Any]) -> JsonResponse:
    model, access = _model(str(body.get("model")))
    chain = body.get("chain")
    if not isinstance(chain, list):
        raise Refused("chain must be a list of [name, args, kwargs]", status=400)
    fields = set(access["fields"])
    current: Any = model._default_manager
    try:
        with transaction.atomic():
            for position, step in enumerate(chain):
                if not (isinstance(step, list) and len(step) == 3):
                    raise Refused("each chain step is [name, args, kwargs]", status=400)
                name = step[0]
                terminal = name in TERMINAL_STEPS
                if terminal and position != len(chain) - 1:
                    raise Refused(f"{name}() must end the chain", status=400)
                args: list[Any]
                if name in ("filter", "exclude", "get"):
                    args, kwargs = _conditions(model, fields, step)
                else:
                    args, kwargs = _arguments({"args": step[1], "kwargs": step[2]})
                    if name == "order_by":
                        _check_ordering(model, fields, args)
                    elif not terminal and name not in READ_STEPS and name not in access[
                            "chains"]:
                        raise Refused(f"{model._meta.label}.objects.{name}() is not in the "
                                      "bridge allowlist")
                    elif terminal and (args or kwargs):
                        raise Refused(f"{name}() takes no arguments here", status=400)
                current = getattr(current, name)(*args, **kwargs)
                if not terminal and not isinstance(current, (models.QuerySet, models.Manager)):
                    raise Refused(f"{name}() did not return a queryset", status=400)
            if isinstance(current, (models.QuerySet, models.Manager)):
                rows = list(current.all()[: MAX_ROWS + 1])
                if len(rows) > MAX_ROWS:
                    raise Refused(f"the query matches more than {MAX_ROWS} rows", status=400)
                return JsonResponse({"result": encode_rows(rows)})
    except (ObjectDoesNotExist, MultipleObjectsReturned, ValueError, TypeError,
            ValidationError) as exc:
        return _lookup_error(model, exc)
    except SCOPE_ERRORS as exc:  # a scoped manager outside the scope the service is in
        return _error(exc)
    if isinstance(current, models.Model):
        return JsonResponse({"result": encode_rows([current])[0]})
    return JsonResponse({"result": codec.encode(current)})


def _user(body: Mapping[str, Any]) -> Any:
    """The monolith's row of the service's user (``body["user"]``, its pk)."""
    try:
        return get_user_model()._base_manager.get(pk=codec.decode(body.get("user")))
    except (ObjectDoesNotExist, ValueError, TypeError, ValidationError):
        raise Refused("unknown user", status=400) from None


def _permission(body: Mapping[str, Any]) -> JsonResponse:
    """``user.has_perm(perm, obj)`` as the monolith's authentication backends decide it
    (Django's permission tables, django-rules' predicates): the service's user is the
    token's, whose object permissions only the monolith can tell."""
    perm = body.get("perm")
    if not isinstance(perm, str):
        raise Refused("perm must be a permission name", status=400)
    user = _user(body)
    try:
        obj = codec.decode(body.get("object"), _decode_model)
    except ObjectDoesNotExist:
        raise Refused("the object does not exist", status=400) from None
    try:
        return JsonResponse({"result": bool(user.has_perm(perm, obj))})
    except Exception as exc:  # a backend's predicate failing: the monolith's error
        logger.info("permission check raised", exc_info=True, extra={"perm": perm})
        return _error(exc)


def _request_state(body: Mapping[str, Any]) -> JsonResponse:
    """What the monolith's own middleware named in ``body`` makes of the service's request,
    for its user (None: anonymous): see request_state."""
    user = AnonymousUser() if body.get("user") is None else _user(body)
    try:
        return JsonResponse(request_state.run(body, user, _encode_model))
    except request_state.NotRun as exc:
        raise Refused(str(exc)) from None
    except codec.CodecError as exc:
        return _error(exc)


_OPERATIONS = {"call": _call, "query": _query, "method": _method, "permission": _permission,
               "request_state": _request_state}
