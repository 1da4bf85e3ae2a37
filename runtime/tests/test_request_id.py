"""The service's client passes the id of the request being handled on to the monolith, so
one user request reads as one id in both logs; outside a request it sends none."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from decompose_remote.client import MonolithClient
from decompose_remote.request_id import REQUEST_ID_HEADER, request_id


class _Recorder(BaseHTTPRequestHandler):
    """A real HTTP server standing in for the monolith's bridge: it records each request's
    X-Request-ID and answers an empty JSON object."""

    seen: list[str | None] = []

    def do_GET(self) -> None:
        self.seen.append(self.headers.get(REQUEST_ID_HEADER))
        body = json.dumps({}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def monolith(service_keys) -> Iterator[MonolithClient]:
    _Recorder.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield MonolithClient(f"http://127.0.0.1:{server.server_port}", "orders",
                             service_keys.service_private, retries=0)
    finally:
        server.shutdown()
        server.server_close()


def test_the_request_id_goes_with_every_call_to_the_monolith(monolith: MonolithClient):
    token = request_id.set("req-42")
    try:
        monolith.get("objects/orders/order", [("pk", "1")])
        monolith.get("objects/orders/order", [("pk", "2")])
    finally:
        request_id.reset(token)
    monolith.get("objects/orders/order", [("pk", "3")])
    assert _Recorder.seen == ["req-42", "req-42", None]
