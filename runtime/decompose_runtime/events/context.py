"""The request id carried with each event, and whether a signal is being replayed.

Services keep their request id in a ContextVar (``ops.context.request_id`` in generated
services); the setting ``DECOMPOSE_REQUEST_ID_VAR`` names it, so the outbox records the id of the
request that caused the event and the consumer sets it again while the receivers run.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

# Set while the consumer re-sends a signal, so the recorders do not send it back.
replaying: ContextVar[bool] = ContextVar("decompose_events_replaying", default=False)
# Outbox rows held back while a compensated block runs (decompose_remote's
# compensate_on_error): its writes commit one by one, so events wait for the block to succeed.
held: ContextVar[list[Any] | None] = ContextVar("decompose_events_held", default=None)


def _request_id_var() -> ContextVar[Any] | None:
    path = getattr(settings, "DECOMPOSE_REQUEST_ID_VAR", None)
    return import_string(path) if path else None


def current_request_id() -> str:
    var = _request_id_var()
    return str(var.get() or "") if var is not None else ""


@contextlib.contextmanager
def replay(request_id: str) -> Iterator[None]:
    """Run receivers as the request that sent the event, without recording what they send."""
    var = _request_id_var()
    tokens = [(replaying, replaying.set(True))]
    if var is not None:
        tokens.append((var, var.set(request_id or None)))
    try:
        yield
    finally:
        for context_var, token in reversed(tokens):
            context_var.reset(token)
