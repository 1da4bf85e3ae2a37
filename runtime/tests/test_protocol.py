"""Every service call names its protocol version; the bridge refuses another one, naming both.

Both ends for real: the bridge app served by pytest-django's live server, called by the
service's own ``MonolithClient`` (which sends the header), and by hand without or with another
version.
"""

from __future__ import annotations

import json
import logging
from decimal import Decimal

import pytest
from django.test import Client
from runtime_test_headers import environ

from decompose_remote import client as client_module
from decompose_remote.client import MonolithClient
from decompose_remote.errors import BadMonolithAnswer
from decompose_runtime import codec
from decompose_runtime.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION, compatible

pytestmark = pytest.mark.usefixtures("bridge_knows_orders")
CALL = {"op": "call", "target": "runtime_test_functions.total",
        "args": codec.encode([[Decimal("1.50"), Decimal("2.25")], 2]), "kwargs": {}}


def test_only_the_same_version_is_compatible():
    assert compatible(str(PROTOCOL_VERSION)) and compatible(f" {PROTOCOL_VERSION} ")
    assert not compatible("") and not compatible(str(PROTOCOL_VERSION + 1))


@pytest.mark.django_db
def test_the_service_client_sends_its_version_and_the_bridge_answers(live_server, service_keys):
    monolith = MonolithClient(live_server.url, "orders", service_keys.service_private, retries=0)
    answer = monolith.post("rpc", CALL, idempotent=False)
    assert codec.decode(answer["result"]) == Decimal("7.50")


@pytest.mark.django_db
def test_a_service_speaking_another_version_is_refused(live_server, service_keys, monkeypatch,
                                                        caplog):
    monkeypatch.setattr(client_module, "PROTOCOL_VERSION", PROTOCOL_VERSION + 1)
    monolith = MonolithClient(live_server.url, "orders", service_keys.service_private, retries=0)
    with caplog.at_level(logging.ERROR), pytest.raises(BadMonolithAnswer):
        monolith.post("rpc", CALL, idempotent=False)
    refusal = json.loads(caplog.records[-1].body)
    assert refusal["service_protocol"] == str(PROTOCOL_VERSION + 1)
    assert refusal["bridge_protocol"] == PROTOCOL_VERSION


@pytest.mark.parametrize(("header", "spoken"), [({}, "(none)"),
                                                ({PROTOCOL_HEADER: "0"}, "protocol 0")])
def test_the_refusal_is_a_400_naming_both_versions(service_keys, header, spoken):
    monolith = MonolithClient("http://monolith", "orders", service_keys.service_private)
    token = monolith.service_token()
    response = Client().post("/_decompose/rpc", CALL, content_type="application/json",
                             **environ({"Authorization": f"Bearer {token}", **header}))
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert spoken in detail and f"this bridge speaks {PROTOCOL_VERSION}" in detail


def test_authentication_is_checked_before_the_version():
    response = Client().post("/_decompose/rpc", CALL, content_type="application/json")
    assert response.status_code == 401
