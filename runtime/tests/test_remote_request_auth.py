"""``request.auth`` in the service is what the monolith's DRF authentication made of the
client's credentials, as the gateway exchanged them at the bridge: the monolith's credential
row (an API key whose permissions the moved API checks), None for a session, and the access
token itself for a credential keyed by its secret. For real: the bridge's token endpoint, then
the service's authentication, the row read through the live server's bridge."""

from __future__ import annotations

import jwt
import pytest
from django.contrib.auth.models import User
from django.core.cache import caches
from django.test import Client, RequestFactory
from rest_framework.authtoken.models import Token
from rest_framework.request import Request
from runtime_test_headers import environ
from runtime_test_tokens.models import ApiKey

from decompose_remote.auth import MonolithTokenAuthentication
from decompose_remote.models import RemoteModel
from decompose_remote.testing import throwaway_keys

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("bridge_knows_orders", "mirror")]


@pytest.fixture
def alice(users: RemoteModel, settings) -> User:
    """alice, with the bridge's token endpoint and the service configured to meet."""
    keys = throwaway_keys()
    settings.DECOMPOSE_TOKEN_PRIVATE_KEY = keys.token_private
    settings.DECOMPOSE_TOKEN_PUBLIC_KEY = keys.token_public
    settings.DECOMPOSE_SERVICES = "orders"
    caches["default"].clear()
    return User.objects.get(username="alice")


def exchanged(**headers: str) -> str:
    """The access token the bridge gives for these credentials (what nginx forwards)."""
    answer = Client().get("/_decompose/token", **environ(headers))
    assert answer.status_code == 200
    return str(answer.headers["X-Decompose-Token"])


def request_auth(token: str) -> object:
    request = RequestFactory().get("/api/orders/", **environ({"X-Decompose-Token": token}))
    found = MonolithTokenAuthentication().authenticate(Request(request))
    assert found is not None
    return found[1]


def test_the_monoliths_api_key_row_is_request_auth(alice: User):
    key = ApiKey.objects.create(user=alice, key="k-alice", all_events=True)
    auth = request_auth(exchanged(Authorization="ApiKey k-alice"))
    assert isinstance(auth, RemoteModel("runtime_test_tokens.ApiKey"))
    assert (auth.pk, auth.all_events, auth.user_id) == (key.pk, True, alice.pk)
    assert set(auth._fields) == {"all_events", "id", "user_id"}  # not the key: the secret


def test_a_session_gives_no_request_auth(alice: User):
    browser = Client()
    browser.force_login(alice)
    cookie = f"sessionid={browser.cookies['sessionid'].value}"
    assert request_auth(exchanged(Cookie=cookie)) is None


def test_a_credential_keyed_by_its_secret_is_not_named(alice: User):
    """DRF's Token: its primary key is the API key, which must not travel in a token every
    service reads; request.auth stays the access token."""
    key = Token.objects.create(user=alice).key
    token = exchanged(Authorization=f"Token {key}")
    assert request_auth(token) == token
    claims = jwt.decode(token, options={"verify_signature": False})
    assert "auth" not in claims and key not in token and key not in str(claims)
