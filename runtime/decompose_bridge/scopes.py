"""The django-scopes scope a service's call was made in, entered again around the call.

The service sends its active scope (decompose_remote.scopes) in ``X-Decompose-Scope``: the
dimensions' rows are loaded from the shared database and the call runs ``with scope(...)``, so
the monolith's scoped managers filter a service's query as they filter the monolith's own
request (``scopes_disabled()`` travels as ``_enabled: False``). Without the header the call is
unscoped, and a scoped manager refuses it (``ScopeError``) as it would in the monolith.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Mapping
from typing import Any

from django.http import HttpRequest

from decompose_runtime import codec

try:
    from django_scopes import ScopeError, get_scope, scope
except ImportError:  # a monolith without django-scopes has no scoped manager to satisfy
    ScopeError = get_scope = scope = None

SCOPE_META = "HTTP_X_DECOMPOSE_SCOPE"  # protocol.SCOPE_HEADER, as Django's META names it
# What a scoped manager raises outside its scope: answered as the monolith's error, not a 500.
SCOPE_ERRORS: tuple[type[Exception], ...] = (ScopeError,) if ScopeError else ()


def scope_of(request: HttpRequest, decode_model: Callable[[Mapping[str, Any]], Any]
             ) -> contextlib.AbstractContextManager[Any]:
    """The scope to run the service's call in (none when it sent none); ``ValueError``, or
    the model decoder's refusal, for a header that is no scope."""
    header = request.META.get(SCOPE_META, "")
    if not header or scope is None:
        return contextlib.nullcontext()
    dimensions = codec.decode(json.loads(header), decode_model)
    if not isinstance(dimensions, dict) or not all(isinstance(k, str) for k in dimensions):
        raise ValueError("the scope must be an object of dimensions")
    within: contextlib.AbstractContextManager[Any] = scope(**dimensions)
    return within


def active_dimensions() -> dict[str, Any] | None:
    """The scope the monolith's code is in (its dimensions, ``_enabled`` included), None
    outside any: what a service enters around its view (decompose_bridge.request_state)."""
    current = get_scope() if get_scope is not None else None
    return dict(current) if current else None
