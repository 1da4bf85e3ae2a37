"""The request id carried with each event, the event being handled, and whether a signal is
being replayed.

Services keep their request id in a ContextVar (``ops.context.request_id`` in generated
services); the setting ``DECOMPOSE_REQUEST_ID_VAR`` names it. A side without one (the monolith)
uses :data:`request_id` here, set from the X-Request-ID header when a request starts. So the
outbox records the id of the request that caused the event, and the relay and the consumer set
it again, with the event's id, while they log and while the receivers run.
"""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

REQUEST_ID_HEADER = "X-Request-ID"
# Set while the consumer re-sends a signal, so the recorders do not send it back.
replaying: ContextVar[bool] = ContextVar("decompose_events_replaying", default=False)
# Outbox rows held back while a compensated block runs (decompose_remote's
# compensate_on_error): its writes commit one by one, so events wait for the block to succeed.
held: ContextVar[list[Any] | None] = ContextVar("decompose_events_held", default=None)
# The request being handled, on a side that names no variable of its own.
request_id: ContextVar[str | None] = ContextVar("decompose_events_request_id", default=None)
# The event being published (relay) or whose receivers run (consumer).
event_id: ContextVar[str | None] = ContextVar("decompose_events_event_id", default=None)
# An incoming id is kept only if it cannot forge log content (as the services' middleware does).
_ACCEPTED = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")


def _request_id_var() -> ContextVar[Any]:
    path = getattr(settings, "DECOMPOSE_REQUEST_ID_VAR", None)
    return import_string(path) if path else request_id


def own_request_id() -> bool:
    """Whether this side has no request-id variable of its own, so :data:`request_id` is set
    from each request's header here."""
    return not getattr(settings, "DECOMPOSE_REQUEST_ID_VAR", None)


def current_request_id() -> str:
    return str(_request_id_var().get() or "")


def request_started(environ: Mapping[str, Any] | None = None,
                    scope: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
    """Receiver of Django's ``request_started``: the request's X-Request-ID (WSGI environ or
    ASGI scope) becomes the current request id; a missing or unsafe one a fresh id."""
    header = (environ or {}).get("HTTP_X_REQUEST_ID")
    for name, value in (scope or {}).get("headers", ()):
        if name.lower() == REQUEST_ID_HEADER.lower().encode():
            header = value.decode("latin-1")
    request_id.set(header if header and _ACCEPTED.match(header) else uuid.uuid4().hex)


def request_finished(**kwargs: Any) -> None:
    request_id.set(None)


@contextlib.contextmanager
def bound(request: str, event: str) -> Iterator[None]:
    """Log lines (and outbox rows) inside carry this request id and this event id."""
    var = _request_id_var()
    tokens = [(var, var.set(request or None)), (event_id, event_id.set(event or None))]
    try:
        yield
    finally:
        for context_var, token in reversed(tokens):
            context_var.reset(token)


@contextlib.contextmanager
def replay(request: str, event: str = "") -> Iterator[None]:
    """Run receivers as the request that sent the event, without recording what they send."""
    token = replaying.set(True)
    try:
        with bound(request, event):
            yield
    finally:
        replaying.reset(token)
