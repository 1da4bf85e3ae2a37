"""The wire between a service's ``decompose_remote`` and the monolith's ``decompose_bridge``.

Both ends may be upgraded at different times (a service pins a range of decompose-runtime, the
monolith another), so every call names the protocol it speaks and the bridge refuses one it does
not speak, with both versions in the answer, instead of misreading it. Bump PROTOCOL_VERSION on
any change one end could misread (a tag, a field, an operation, a status).
"""

from __future__ import annotations

PROTOCOL_VERSION = 1
# The header every service call carries; Django reads it as META["HTTP_X_DECOMPOSE_PROTOCOL"].
PROTOCOL_HEADER = "X-Decompose-Protocol"
# Where the bridge is mounted in the monolith's URLconf, and the ``aud`` of service tokens.
BRIDGE_MOUNT = "_decompose/"
SERVICE_AUDIENCE = "monolith"
# The access token the bridge issues for a user; a gateway forwards it to the service (as this
# header, or as "Authorization: Bearer"), which verifies it with the monolith's public key.
ACCESS_TOKEN_HEADER = "X-Decompose-Token"
# The django-scopes scope a service call was made in (codec-encoded JSON), entered again by the
# bridge around the call; absent outside any scope. A bridge that predates it runs the call
# unscoped, which a scoped manager refuses as it would in the monolith: nothing is misread.
SCOPE_HEADER = "X-Decompose-Scope"
# Rows one answer may carry: a query matching more is refused, and so is a queryset a monolith
# function returns (the codec evaluates at most one row more, to know).
MAX_ROWS = 1000
# Field lookups the bridge runs in a query for a service: plain comparisons on one model, never a
# join (``__`` into another relation), so the allowlisted columns are all it reveals.
QUERY_LOOKUPS = frozenset({"exact", "iexact", "in", "gt", "gte", "lt", "lte", "isnull",
                           "contains", "icontains", "startswith", "istartswith", "endswith",
                           "iendswith", "range"})


def compatible(version: str) -> bool:
    """Whether the bridge speaks ``version`` (the header's text) as this side does."""
    return version.strip() == str(PROTOCOL_VERSION)
# What of a client's request the ``request_state`` operation passes on to the monolith's
# middleware (as Django's META names it): the host it was asked for and its language. Cookies
# and credentials never travel; the user is the access token's.
REQUEST_STATE_META = ("HTTP_HOST", "HTTP_X_FORWARDED_HOST", "HTTP_X_FORWARDED_PROTO",
                      "HTTP_ACCEPT_LANGUAGE")
