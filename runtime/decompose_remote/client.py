"""The HTTP client to the monolith's decompose_bridge (``MONOLITH_URL``).

Every request carries a short-lived service JWT (RS256, signed with this service's private key,
``iss`` = the service name, ``aud`` = "monolith"); the monolith holds only the public key, so no
secret is shared. Reads (object fetches, queries) are retried with exponential backoff; calls
that may change data (functions, methods) are sent once: after a timeout nobody knows whether the
monolith ran them, and running them twice could reserve stock twice.
"""

from __future__ import annotations

import functools
import json
import logging
import time
import uuid
from typing import Any

import jwt
import urllib3
import urllib3.connection
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from decompose_remote.errors import BadMonolithAnswer, MonolithUnavailable, raise_remote
from decompose_remote.request_id import REQUEST_ID_HEADER, request_id
from decompose_remote.scopes import active_scope
from decompose_remote.shadow import refuse_on_shadow
from decompose_runtime.protocol import (
    BRIDGE_MOUNT,
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    SCOPE_HEADER,
    SERVICE_AUDIENCE,
)

logger = logging.getLogger(__name__)

SERVICE_TOKEN_LIFETIME = 60
# Answers that say "try again": the monolith (or its proxy) is restarting or overloaded.
_RETRY_STATUSES = frozenset({502, 503, 504})


class _MonolithPool(urllib3.HTTPConnectionPool):
    """urllib3's own connections, whatever a moved app patches into urllib3's pools:
    pretalx's SSRF guard (its common app's ``ready()``) refuses private and local addresses,
    where the monolith lives beside its services."""

    ConnectionCls = urllib3.connection.HTTPConnection


class _MonolithTLSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = urllib3.connection.HTTPSConnection


class MonolithClient:
    """One monolith, reached over a pooled connection; thread-safe like urllib3's pool."""

    def __init__(self, base_url: str, service: str, private_key: str, *, timeout: float = 5.0,
                 retries: int = 2, backoff: float = 0.2) -> None:
        self.base_url = base_url.rstrip("/")
        self.service = service
        self.private_key = private_key
        self.retries = retries
        self.backoff = backoff
        self.pool = urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=min(timeout, 2.0), read=timeout), retries=False)
        self.pool.pool_classes_by_scheme = {"http": _MonolithPool, "https": _MonolithTLSPool}

    def service_token(self) -> str:
        now = int(time.time())
        claims = {"iss": self.service, "aud": SERVICE_AUDIENCE, "iat": now,
                  "exp": now + SERVICE_TOKEN_LIFETIME, "jti": uuid.uuid4().hex}
        return jwt.encode(claims, self._signing_key, algorithm="RS256")

    @functools.cached_property
    def _signing_key(self) -> Any:
        """The private key, parsed on first use and kept: parsing a PEM RSA key checks it (tens
        of ms with OpenSSL 3), which jwt.encode would repeat on every call given the PEM text."""
        return load_pem_private_key(self.private_key.encode(), password=None)

    def get(self, path: str, fields: list[tuple[str, str]]) -> Any:
        """A read: retried on connection errors, timeouts and 502/503/504."""
        return self._send("GET", path, fields=fields, idempotent=True)

    def post(self, path: str, body: Any, *, idempotent: bool) -> Any:
        """A POST; ``idempotent`` only for reads sent as POST (queries). Calls that may write
        are refused for shadow traffic."""
        if not idempotent:
            refuse_on_shadow(f"calling the monolith ({body.get('target') or body.get('name')})")
        return self._send("POST", path, body=body, idempotent=idempotent)

    def _send(self, method: str, path: str, *, idempotent: bool, fields: Any = None,
              body: Any = None) -> Any:
        attempts = 1 + (self.retries if idempotent else 0)
        url = f"{self.base_url}/{BRIDGE_MOUNT}{path}"
        scope = active_scope()  # the monolith runs the call in the service's django-scopes scope
        for attempt in range(1, attempts + 1):
            headers = {"Authorization": f"Bearer {self.service_token()}",
                       "Accept": "application/json", PROTOCOL_HEADER: str(PROTOCOL_VERSION)}
            if (current := request_id.get()) is not None:
                headers[REQUEST_ID_HEADER] = current
            if scope is not None:
                headers[SCOPE_HEADER] = scope
            try:
                if body is None:
                    response = self.pool.request(method, url, fields=fields, headers=headers)
                else:
                    response = self.pool.request(method, url, body=json.dumps(body).encode(),
                                                 headers={**headers,
                                                          "Content-Type": "application/json"})
            except urllib3.exceptions.HTTPError as exc:
                logger.warning("monolith unreachable", extra={
                    "url": url, "attempt": attempt, "error": str(exc)})
                if attempt == attempts:
                    raise MonolithUnavailable() from exc
            else:
                if response.status not in _RETRY_STATUSES or attempt == attempts:
                    return self._answer(url, response)
                logger.warning("monolith busy", extra={
                    "url": url, "attempt": attempt, "status": response.status})
            time.sleep(self.backoff * 2 ** (attempt - 1))
        raise AssertionError("unreachable")

    @staticmethod
    def _answer(url: str, response: urllib3.BaseHTTPResponse) -> Any:
        if response.status in _RETRY_STATUSES:
            raise MonolithUnavailable()
        try:
            payload = json.loads(response.data)
        except ValueError:
            payload = None
        if response.status == 200 and isinstance(payload, dict):
            return payload
        if isinstance(payload, dict) and "error" in payload and response.status == 400:
            raise_remote(payload["error"])
        logger.error("monolith refused a bridge call", extra={
            "url": url, "status": response.status, "body": response.data[:500].decode(
                "utf-8", "replace")})
        raise BadMonolithAnswer()


def _required(name: str) -> str:
    value = getattr(settings, name, None)
    if not value:
        raise ImproperlyConfigured(f"Set {name} to call the monolith.")
    return str(value)


@functools.cache
def get_client() -> MonolithClient:
    """The client configured by settings (MONOLITH_URL, DECOMPOSE_SERVICE_*), made once."""
    return MonolithClient(
        _required("MONOLITH_URL"),
        _required("DECOMPOSE_SERVICE_NAME"),
        _required("DECOMPOSE_SERVICE_PRIVATE_KEY"),
        timeout=float(getattr(settings, "DECOMPOSE_MONOLITH_TIMEOUT", 5.0)),
        retries=int(getattr(settings, "DECOMPOSE_MONOLITH_RETRIES", 2)),
    )
