"""The id of the request being handled, for log lines and the X-Request-ID response header.

A client or gateway may send its own id so one request can be followed across services; an id
that is missing or could forge log content is replaced by a fresh one.
"""

import re
import uuid
from contextvars import ContextVar

REQUEST_ID_HEADER = "X-Request-ID"
_ACCEPTED = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


def accept_or_generate(candidate: str | None) -> str:
    """Keep a well-formed incoming id, otherwise make a new one."""
    if candidate and _ACCEPTED.match(candidate):
        return candidate
    return uuid.uuid4().hex
