import io
import json
import logging
import re

import pytest

from ops.logging import JsonFormatter, RequestIdFilter

pytestmark = pytest.mark.django_db


def test_incoming_request_id_is_echoed(client):
    response = client.get("/livez", HTTP_X_REQUEST_ID="gw-1234.abc")
    assert response["X-Request-ID"] == "gw-1234.abc"


def test_missing_request_id_is_generated(client):
    first = client.get("/livez")["X-Request-ID"]
    second = client.get("/livez")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert first != second


def test_request_id_that_could_forge_log_lines_is_replaced(client):
    forged = 'x" "level": "CRITICAL'
    response = client.get("/livez", HTTP_X_REQUEST_ID=forged)
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_errors_carry_the_request_id_too(client, unrouted_path):
    response = client.get(unrouted_path, HTTP_X_REQUEST_ID="trace-404")
    assert response.status_code == 404
    assert response["X-Request-ID"] == "trace-404"


def test_access_log_line_is_json_with_the_request_id(client):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    access = logging.getLogger("ops.access")
    access.addHandler(handler)
    try:
        client.get("/livez?probe=1", HTTP_X_REQUEST_ID="trace-42")
    finally:
        access.removeHandler(handler)
    line = json.loads(stream.getvalue().splitlines()[-1])
    assert line["request_id"] == "trace-42"
    assert line["logger"] == "ops.access"
    assert line["message"] == "GET /livez?probe=1 200"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/livez", 200)
    assert line["duration_ms"] >= 0
