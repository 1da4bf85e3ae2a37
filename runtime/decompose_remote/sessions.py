"""``request.session`` in a service: always empty, and read-only.

The monolith keeps the sessions (the service's user is the access token's), yet moved code
reads the session as the monolith's views and middleware did: Tandoor's ``ScopeMiddleware``
and catch-all view ask ``'signup_token' in request.session``. Here such a read finds nothing,
which is what a request with no session of its own holds; a write refuses, naming why,
rather than being lost at the end of the request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any, NoReturn

from django.http import HttpRequest, HttpResponse


class ServiceHasNoSession(RuntimeError):
    """Moved code wrote to ``request.session``: the session is the monolith's to keep."""


class EmptySession(Mapping[str, Any]):
    """What a session store answers for a request without a session: no keys, no key of its
    own, never modified. Writes raise ``ServiceHasNoSession``."""

    session_key = None
    modified = False
    accessed = False

    def __getitem__(self, key: str) -> NoReturn:
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0

    def is_empty(self) -> bool:
        return True

    def _refuse(self, *args: object, **kwargs: object) -> NoReturn:
        raise ServiceHasNoSession(
            "this service keeps no session (the monolith does, and the service's user is the "
            "access token's): request.session is empty and read-only here")

    __setitem__ = __delitem__ = pop = setdefault = update = clear = _refuse
    flush = cycle_key = set_expiry = set_test_cookie = delete_test_cookie = _refuse
    save = create = delete = _refuse


class EmptySessionMiddleware:
    """Gives each request the ``EmptySession`` (one instance: it holds nothing)."""

    session = EmptySession()

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.session = self.session  # type: ignore[assignment]
        return self.get_response(request)
