"""The request state the monolith's own middleware sets, computed for a service's request.

A project's middleware (pretalx's ``EventMiddleware``) sets attributes its views read
(``request.event``), often with queries no bridge operation could run, enters a django-scopes
scope around the view, activates a timezone (the event's), adds headers, or answers itself (a
redirect, a 404). The service sends
its request's method, path, query string and the headers those read (``REQUEST_STATE_META``);
the bridge runs exactly the named entries, in the monolith's order, for the token's user, with
a terminal handler that records what the view would have seen. Only entries of the monolith's
own MIDDLEWARE run, which it runs for any client's request anyway; rows go back through the
allowlist's encoder like every other answer.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase  # not re-exported by django.http before 4.0
from django.utils import timezone
from django.utils.module_loading import import_string

from decompose_bridge.scopes import active_dimensions
from decompose_runtime import codec
from decompose_runtime.protocol import REQUEST_STATE_META


class NotRun(Exception):
    """A middleware entry the monolith does not run: the bridge runs no other."""


class Terminal:
    """The view's place in the chain: records the named attributes, the active scope and
    timezone, and answers with a response whose added headers are the middleware's."""

    def __init__(self, names: Sequence[str]) -> None:
        self.names = tuple(names)
        self.response = HttpResponse()
        self.own_headers = dict(self.response.items())
        self.attributes: dict[str, Any] = {}
        self.scope: dict[str, Any] | None = None
        self.timezone = ""
        self.reached = False

    def __call__(self, request: HttpRequest) -> HttpResponse:
        self.reached = True
        self.attributes = {name: getattr(request, name) for name in self.names
                           if hasattr(request, name)}
        self.scope = active_dimensions()
        self.timezone = timezone.get_current_timezone_name()
        return self.response

    def added_headers(self, response: HttpResponseBase) -> list[list[str]]:
        """The headers the middleware gave the view's answer (``response``: it, or what
        they made of it)."""
        return [[name, value] for name, value in response.items()
                if self.own_headers.get(name) != value]


def chain(entries: Sequence[str], terminal: Terminal) -> Callable[[HttpRequest], Any]:
    """The entries wrapped around ``terminal`` as Django's handler does: the first one
    outermost, each one's exceptions (Http404, PermissionDenied) turned into the monolith's
    answer."""
    handler: Callable[[HttpRequest], Any] = terminal
    for entry in reversed(entries):
        try:
            middleware = import_string(entry)(handler)
        except MiddlewareNotUsed:
            continue
        handler = convert_exception_to_response(middleware)
    return handler


def monolith_request(body: Mapping[str, Any], user: Any) -> HttpRequest:
    """The service's client request as the monolith's middleware would have seen it."""
    secure = bool(body.get("secure"))
    headers = body.get("headers")
    forwarded = {name: str(value) for name, value in headers.items()
                 if name in REQUEST_STATE_META} if isinstance(headers, dict) else {}
    environ = {
        "REQUEST_METHOD": str(body.get("method", "GET")).upper(),
        "PATH_INFO": str(body.get("path", "/")), "SCRIPT_NAME": "",
        "QUERY_STRING": str(body.get("query", "")),
        "SERVER_NAME": "localhost",  # read only without a Host header, which HTTP/1.1 has
        "SERVER_PORT": "443" if secure else "80",
        "wsgi.url_scheme": "https" if secure else "http",
        "wsgi.input": io.BytesIO(b""), "CONTENT_LENGTH": "0", **forwarded,
    }
    request = WSGIRequest(environ)
    request.user = user
    return request


def run(body: Mapping[str, Any], user: Any, encode_model: codec.ModelEncoder
        ) -> dict[str, Any]:
    """The state (attributes, scope, timezone, added headers) or the answer of the
    middleware named in ``body`` for the request it describes; ``ValueError`` for a malformed
    body, ``NotRun`` naming an entry the monolith does not run."""
    wanted = body.get("middleware")
    names = body.get("attributes")
    if not isinstance(wanted, list) or not isinstance(names, list) or not all(
            isinstance(name, str) for name in wanted) or not all(
            isinstance(name, str) and name.isidentifier() for name in names):
        raise ValueError("middleware and attributes must be lists of names")
    unknown = sorted(set(wanted) - set(settings.MIDDLEWARE))
    if unknown:
        raise NotRun(f"middleware {unknown} is not in the monolith's MIDDLEWARE")
    terminal = Terminal(names)
    response = chain([e for e in settings.MIDDLEWARE if e in wanted], terminal)(
        monolith_request(body, user))
    if not terminal.reached:  # a middleware answered itself (a redirect, a 404)
        return {"answer": relayed(response)}
    return {"state": {
        "attributes": {name: _encoded(f"request.{name}", value, encode_model)
                       for name, value in terminal.attributes.items()},
        "scope": _encoded("the scope", terminal.scope, encode_model),
        "timezone": terminal.timezone,
        "headers": terminal.added_headers(response)}}


def _encoded(what: str, value: Any, encode_model: codec.ModelEncoder) -> Any:
    """``value`` encoded; a ``CodecError`` naming ``what`` could not travel."""
    try:
        return codec.encode(value, encode_model)
    except codec.CodecError as exc:
        raise codec.CodecError(f"{what}: {exc}") from None


def relayed(response: HttpResponseBase) -> dict[str, Any]:
    """A middleware's own answer, as the service gives it to the client."""
    render = getattr(response, "render", None)
    if callable(render) and not getattr(response, "is_rendered", True):
        render()
    content = b"".join(response) if response.streaming else getattr(response, "content", b"")
    return {"status": response.status_code, "headers": [list(h) for h in response.items()],
            "body": base64.b64encode(content).decode()}
