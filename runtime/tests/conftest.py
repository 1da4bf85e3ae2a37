from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import LazySettings

from decompose_remote import models as remote_models
from decompose_remote.auth import MonolithTokenAuthentication, TokenUser
from decompose_remote.client import get_client
from decompose_remote.models import RemoteModel
from decompose_remote.testing import ThrowawayKeys, throwaway_keys

# The broker helper is the repository's, shared with the end-to-end tests.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.support.rabbitmq import RabbitNode, temporary_rabbitmq


@pytest.fixture
def service_keys() -> ThrowawayKeys:
    """The orders service's key pair (``service_*``): it signs calls to the bridge."""
    return throwaway_keys()


@pytest.fixture
def bridge_knows_orders(settings: LazySettings, service_keys: ThrowawayKeys) -> None:
    settings.DECOMPOSE_SERVICE_PUBLIC_KEYS = json.dumps({"orders": service_keys.service_public})


@pytest.fixture
def users(live_server, settings: LazySettings,
          service_keys: ThrowawayKeys) -> Iterator[RemoteModel]:
    """``auth.User`` as moved code sees it, with the bridge at the live server: two rows,
    alice and bob."""
    from django.contrib.auth.models import User  # once Django is set up

    settings.MONOLITH_URL = live_server.url
    settings.DECOMPOSE_SERVICE_PRIVATE_KEY = service_keys.service_private
    settings.DECOMPOSE_MONOLITH_RETRIES = 0
    get_client.cache_clear()
    User.objects.bulk_create([User(username="alice"), User(username="bob")])
    yield RemoteModel("auth.User")
    get_client.cache_clear()


@pytest.fixture
def gateway(users: RemoteModel, settings: LazySettings
            ) -> Callable[..., tuple[TokenUser, Any]]:
    """``request.user`` and ``request.auth`` in the service for a client's monolith
    credentials (headers), exchanged at the bridge's token endpoint as a gateway does."""
    from django.core.cache import caches
    from django.test import Client, RequestFactory
    from rest_framework.request import Request
    from runtime_test_headers import environ

    keys = throwaway_keys()
    settings.DECOMPOSE_TOKEN_PRIVATE_KEY = keys.token_private
    settings.DECOMPOSE_TOKEN_PUBLIC_KEY = keys.token_public
    settings.DECOMPOSE_SERVICES = "orders"
    caches["default"].clear()

    def seen(**headers: str) -> tuple[TokenUser, Any]:
        answer = Client().get("/_decompose/token", **environ(headers))
        assert answer.status_code == 200
        token = answer.headers["X-Decompose-Token"]
        request = RequestFactory().get("/api/orders/", **environ({"X-Decompose-Token": token}))
        found = MonolithTokenAuthentication().authenticate(Request(request))
        assert found is not None
        return found

    return seen


@pytest.fixture
def mirror(monkeypatch) -> Iterator[None]:
    """The service's generated mirror tables (runtime_test_mirror stands for ``monolith``)."""
    monkeypatch.setattr(remote_models, "MIRROR_PACKAGE", "runtime_test_mirror")
    remote_models._mirror.cache_clear()
    yield
    remote_models._mirror.cache_clear()


@pytest.fixture(scope="session")
def rabbitmq() -> Iterator[RabbitNode]:
    """One throwaway RabbitMQ node for the session (booting one takes seconds)."""
    with temporary_rabbitmq() as node:
        yield node
