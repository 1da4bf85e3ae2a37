"""A service's ``request.session`` is empty and read-only: moved code asking what the
monolith's session holds (Tandoor's ``'signup_token' in request.session``) finds nothing, and
moved code writing to it is stopped, naming why, instead of losing the write."""

from __future__ import annotations

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from decompose_remote.sessions import EmptySessionMiddleware, ServiceHasNoSession


def _session_of_a_request() -> object:
    seen: list[object] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(request.session)
        return HttpResponse()

    EmptySessionMiddleware(view)(RequestFactory().get("/"))
    return seen[0]


def test_reads_find_nothing():
    session = _session_of_a_request()
    assert "signup_token" not in session  # type: ignore[operator]
    assert session.get("signup_token", "none") == "none"  # type: ignore[attr-defined]
    assert (dict(session), session.session_key, session.modified,  # type: ignore[attr-defined]
            session.is_empty()) == ({}, None, False, True)  # type: ignore[attr-defined]
    with pytest.raises(KeyError):
        session["signup_token"]  # type: ignore[index]


@pytest.mark.parametrize("write", [
    lambda s: s.__setitem__("signup_token", "x"),
    lambda s: s.__delitem__("signup_token"),
    lambda s: s.pop("signup_token", ""),
    lambda s: s.flush(),
    lambda s: s.cycle_key(),
])
def test_writes_are_refused_naming_why(write):
    with pytest.raises(ServiceHasNoSession, match="this service keeps no session"):
        write(_session_of_a_request())
