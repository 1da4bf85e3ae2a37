"""The django-scopes scope the service's code is in, sent with each call to the monolith.

A monolith built on django-scopes (pretalx, pretix) reads its scoped models only inside
``with scope(event=...)``: its middleware opens one per request, and a query outside any scope
raises ``ScopeError``. The service runs the monolith's middleware and views, so its code opens
that scope in the service, where the bridge's queries and calls do not run: each call carries
the active scope, and the bridge enters the same scope around it (see decompose_bridge.scopes).
"""

from __future__ import annotations

import json

from decompose_runtime import codec


def active_scope() -> str | None:
    """The active scope as the call's header carries it (its dimensions' rows as references),
    or None outside any scope and in a service without django-scopes."""
    try:
        from django_scopes import get_scope
    except ImportError:
        return None
    current = get_scope()
    if not current:
        return None
    return json.dumps(codec.encode(current), sort_keys=True, separators=(",", ":"))
