import pytest
from django.core import signals
from django.db import close_old_connections


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
