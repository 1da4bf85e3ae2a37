"""The request state the monolith's own middleware sets, applied to the service's request.

The service does not run the project's middleware that stays with the monolith (its queries
are the monolith's), yet the moved views read what it sets: pretalx's ``request.event``. The
setting ``DECOMPOSE_REQUEST_STATE`` (written by decompose: middleware entry -> the attributes
the moved code reads) names it; once per request the bridge runs those entries for this
request (decompose_bridge.request_state), and this middleware either gives the client the
answer they made themselves (a redirect, a 404), or sets the attributes (a row arrives as a
remote row), enters the django-scopes scope they entered, activates the timezone they left
active (pretalx's event's: its times render in it), and adds the headers they added to the
view's response. It does so for the moved views only (``DECOMPOSE_REQUEST_STATE_VIEWS``
names their packages; every routed view when unset): the service's own pages (its schema,
admin, error pages) and paths it does not route answer without the monolith, as before.
"""

from __future__ import annotations

import base64
import contextlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, resolve
from django.utils import timezone
from rest_framework.exceptions import APIException

from decompose_remote.client import get_client
from decompose_remote.models import decode
from decompose_runtime import codec
from decompose_runtime.protocol import REQUEST_STATE_META

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class RequestStateMiddleware:
    """After the token's user is known (MonolithTokenMiddleware): one bridge call per
    request; not used at all when the setting names no middleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.entries: dict[str, list[str]] = dict(getattr(settings, "DECOMPOSE_REQUEST_STATE",
                                                          {}))
        if not self.entries:
            raise MiddlewareNotUsed
        self.packages = tuple(getattr(settings, "DECOMPOSE_REQUEST_STATE_VIEWS", ()))
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self.for_moved_view(request):
            return self.get_response(request)
        try:
            answer = get_client().post("rpc", self.asked(request),
                                       idempotent=request.method in _SAFE_METHODS)
        except APIException as exc:  # unreachable (503) or a nonsense answer (502), as DRF's
            return JsonResponse({"detail": str(exc.detail)}, status=exc.status_code)
        if "answer" in answer:
            return relayed(answer["answer"])
        state = answer["state"]
        for name, value in decode(state["attributes"]).items():
            setattr(request, name, value)
        zone = state.get("timezone")
        with entered(decode(state["scope"])), (
                timezone.override(zone) if isinstance(zone, str) and zone
                else contextlib.nullcontext()):
            response = self.get_response(request)
        for name, value in state["headers"]:
            if name not in response:  # the view's own header stands, as in the monolith
                response[name] = value
        return response

    def for_moved_view(self, request: HttpRequest) -> bool:
        """Whether the request's path routes to a view of the moved code that handles its
        method (any other answers its 405 without the monolith)."""
        try:
            view = resolve(request.path_info, getattr(request, "urlconf", None)).func
        except Resolver404:
            return False
        owner = getattr(view, "cls", None) or getattr(view, "view_class", None) or view
        module = str(getattr(owner, "__module__", ""))
        return (not self.packages or any(module == package or module.startswith(f"{package}.")
                                         for package in self.packages)) and _handles(
            view, owner, str(request.method).lower())

    def asked(self, request: HttpRequest) -> dict[str, Any]:
        user = request.user
        return {
            "op": "request_state", "middleware": list(self.entries),
            "attributes": sorted({name for names in self.entries.values() for name in names}),
            "user": codec.encode(user.pk) if user.is_authenticated else None,
            "method": request.method, "path": request.path_info,
            "query": request.META.get("QUERY_STRING", ""), "secure": request.is_secure(),
            "headers": {name: request.META[name] for name in REQUEST_STATE_META
                        if name in request.META}}


def _handles(view: Any, owner: Any, method: str) -> bool:
    """Whether the view answers ``method`` with more than a 405: a DRF viewset by its
    actions (OPTIONS always), a class-based view by its handlers, a function always."""
    actions = getattr(view, "actions", None)
    if isinstance(actions, dict):
        return method in actions or (method == "head" and "get" in actions) or (
            method == "options")
    if isinstance(owner, type):
        return method in getattr(owner, "http_method_names", ()) and hasattr(owner, method)
    return True


def entered(dimensions: dict[str, Any] | None) -> contextlib.AbstractContextManager[Any]:
    """The monolith's scope (its dimensions as remote rows), or none."""
    if not dimensions:
        return contextlib.nullcontext()
    from django_scopes import scope  # installed where the monolith's middleware scopes

    within: contextlib.AbstractContextManager[Any] = scope(**dimensions)
    return within


def relayed(answer: dict[str, Any]) -> HttpResponse:
    """The monolith middleware's own answer, as it gave it."""
    response = HttpResponse(base64.b64decode(answer["body"]), status=answer["status"])
    for name, value in answer["headers"]:
        response[name] = value
    return response
