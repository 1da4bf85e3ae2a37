"""The id of the request a service is handling: set by the service's request middleware, read
by the client to the monolith, so one user request is followed across both logs by one id."""

from __future__ import annotations

from contextvars import ContextVar

REQUEST_ID_HEADER = "X-Request-ID"

request_id: ContextVar[str | None] = ContextVar("decompose_request_id", default=None)
