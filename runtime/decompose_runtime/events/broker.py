"""The broker connection both processes use, and the loop that survives a broker restart."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import InterfaceError, close_old_connections
from django.db import OperationalError as DatabaseUnavailable
from kombu.connection import Connection
from kombu.exceptions import OperationalError

log = logging.getLogger("decompose.events")


def broker_url() -> str:
    """``DECOMPOSE_BROKER_URL`` from the settings, else from the environment."""
    url = getattr(settings, "DECOMPOSE_BROKER_URL", None) or os.environ.get("DECOMPOSE_BROKER_URL")
    if not url:
        raise ImproperlyConfigured("DECOMPOSE_BROKER_URL is not set (amqp://user:pass@host/vhost)")
    return str(url)


def connect(url: str) -> Connection:
    """A connection whose publishes wait for the broker's confirm (a nack raises)."""
    return Connection(url, transport_options={"confirm_publish": True}, heartbeat=10)


class Worker:
    """Runs ``step`` until ``stop()``; reconnects with backoff when the broker or the database
    goes away (an unacknowledged event is then delivered again, and skipped if processed)."""

    def __init__(self, url: str, heartbeat: Path | None = None) -> None:
        self.url, self.heartbeat = url, heartbeat
        self.stopping = False
        self.errors = (OSError, OperationalError, DatabaseUnavailable, InterfaceError,
                       *connect(url).connection_errors)

    def stop(self) -> None:
        self.stopping = True

    def beat(self) -> None:
        """Touch the heartbeat file the Kubernetes liveness probe looks at."""
        if self.heartbeat is not None:
            self.heartbeat.touch()

    def run(self, start: Callable[[Connection], Callable[[], bool]], once: bool = False) -> None:
        """On each (re)connection, ``start(connection)`` declares what it needs and returns the
        step to call in a loop (it returns whether it did any work); with ``once``, stop at the
        first step that found nothing to do."""
        delay = 0.5
        while not self.stopping:
            try:
                with connect(self.url) as connection:
                    connection.ensure_connection(max_retries=1)
                    step, delay = start(connection), 0.5
                    while not self.stopping:
                        self.beat()
                        if not step() and once:
                            return
            except self.errors as exc:
                log.warning("broker or database unavailable (%s: %s); retrying in %.1fs",
                            type(exc).__name__, exc, delay)
                close_old_connections()
                time.sleep(delay)
                delay = min(delay * 2, 10.0)
