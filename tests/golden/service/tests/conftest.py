import pytest
from django.core import signals
from django.db import close_old_connections
from django.urls import Resolver404, resolve


@pytest.fixture
def persistent_connections():
    """Keep connections open between requests made through the real WSGI application.

    Django's test client does the same: otherwise the end of each request would close the
    connection that holds the test's transaction (and its rollback).
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def unrouted_path():
    """A path no URL pattern of the service matches, to see how it answers one: none where
    the moved code routes every path, as it did in the monolith (a catch-all view serving a
    frontend), and the test is skipped saying so."""
    path = "/no/such/page/"
    try:
        match = resolve(path)
    except Resolver404:
        return path
    pytest.skip(f"the service routes every path, as the monolith does ({match.route!r} of "
                f"{match.func.__module__}): no path is left unrouted")
