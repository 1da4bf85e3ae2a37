"""``request.auth`` in the service is what the monolith's DRF authentication made of the
client's credentials, as the gateway exchanged them at the bridge: the monolith's credential
row (an API key whose permissions the moved API checks), None for a session, and the access
token itself for a credential keyed by its secret. For real: the bridge's token endpoint, then
the service's authentication, the row read through the live server's bridge."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.authtoken.models import Token
from runtime_test_tokens.models import ApiKey

from decompose_remote.models import RemoteModel

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("bridge_knows_orders", "mirror")]


@pytest.fixture
def alice(users: RemoteModel) -> User:
    return User.objects.get(username="alice")


def test_the_monoliths_api_key_row_is_request_auth(alice: User, gateway):
    key = ApiKey.objects.create(user=alice, key="k-alice", all_events=True)
    _, auth = gateway(Authorization="ApiKey k-alice")
    assert isinstance(auth, RemoteModel("runtime_test_tokens.ApiKey"))
    assert (auth.pk, auth.all_events, auth.user_id) == (key.pk, True, alice.pk)
    assert set(auth._fields) == {"all_events", "id", "user_id"}  # not the key: the secret


def test_a_session_gives_no_request_auth(alice: User, gateway):
    browser = Client()
    browser.force_login(alice)
    assert gateway(Cookie=f"sessionid={browser.cookies['sessionid'].value}")[1] is None


def test_a_credential_keyed_by_its_secret_is_not_named(alice: User, gateway):
    """DRF's Token: its primary key is the API key, which must not travel in a token every
    service reads; request.auth stays the access token."""
    key = Token.objects.create(user=alice).key
    user, token = gateway(Authorization=f"Token {key}")
    assert isinstance(token, str) and key not in token
    assert "auth" not in user.claims and key not in str(user.claims)
