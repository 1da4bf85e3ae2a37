"""The id of the request being handled, for log lines and the X-Request-ID response header.

A client or gateway may send its own id so one request can be followed across services; an id
that is missing or could forge log content is replaced by a fresh one.
"""

import re
import uuid

# decompose-runtime's client to the monolith reads the same variable and passes the id on.
from decompose_remote.request_id import REQUEST_ID_HEADER, request_id

__all__ = ["REQUEST_ID_HEADER", "accept_or_generate", "request_id"]

_ACCEPTED = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")


def accept_or_generate(candidate: str | None) -> str:
    """Keep a well-formed incoming id, otherwise make a new one."""
    if candidate and _ACCEPTED.match(candidate):
        return candidate
    return uuid.uuid4().hex
