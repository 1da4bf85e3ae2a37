"""Plain HTTP for tests that talk to servers they started: one request, no redirects followed."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    cookies: dict[str, str]
    body: bytes

    def json(self) -> object:
        return json.loads(self.body)


def request(url: str, *, method: str = "GET", headers: dict[str, str] | None = None,
            body: object = None, form: dict[str, str] | None = None,
            timeout: float = 20) -> Reply:
    """``body`` is sent as JSON, ``form`` as urlencoded; 4xx/5xx come back as replies too."""
    sent = dict(headers or {})
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        sent["Content-Type"] = "application/json"
    elif form is not None:
        data = urllib.parse.urlencode(form).encode()
        sent["Content-Type"] = "application/x-www-form-urlencoded"
    req = urllib.request.Request(url, data=data, headers=sent, method=method)
    try:
        response = _OPENER.open(req, timeout=timeout)
    except urllib.error.HTTPError as error:
        response = error
    with response:
        cookies = {}
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            cookies[name.strip()] = rest.split(";", 1)[0]
        return Reply(response.status if hasattr(response, "status") else response.code,
                     {k.lower(): v for k, v in response.headers.items()}, cookies,
                     response.read())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
