"""The bridge's token endpoint as gateways call it, for real (Django's test client, its database).

``/_decompose/token`` is nginx's and HAProxy's exchange; ``/_decompose/token/<path>`` is Envoy's
HTTP ext_authz check as Istio and Envoy Gateway send it: the configured prefix plus the client's
path and query, the client's method, no body, the listed headers. Issued tokens are reused per
credential (a hash of it) until a logout, a user save or a deleted API token revokes them.
"""

from __future__ import annotations

import time

import jwt
import pytest
from django.contrib.auth.models import User
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from runtime_test_headers import environ

from decompose_bridge import exchange_cache
from decompose_bridge.views import TokenView
from decompose_remote.auth import TokenUser
from decompose_remote.testing import throwaway_keys

pytestmark = pytest.mark.django_db
CHECK = "/_decompose/token/api/orders/?created_after=2100-01-01"
PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def monolith_keys(settings):
    settings.DECOMPOSE_TOKEN_PRIVATE_KEY = throwaway_keys().token_private
    settings.DECOMPOSE_SERVICES = "orders"
    caches["default"].clear()


@pytest.fixture
def alice() -> User:
    return User.objects.create_user("alice", "alice@shop.example", PASSWORD)


def api_token(user: User) -> dict[str, str]:
    return {"Authorization": f"Token {Token.objects.create(user=user).key}"}


def signed_in(user: User, *, enforce_csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=enforce_csrf)
    assert client.login(username=user.username, password=PASSWORD)
    return client


def cookie_of(client: Client) -> dict[str, str]:
    """The session cookie as the browser keeps sending it (also after a logout elsewhere)."""
    return {"Cookie": f"sessionid={client.cookies['sessionid'].value}"}


def claims(token: str) -> dict:
    return jwt.decode(token, throwaway_keys().token_public, algorithms=["RS256"],
                      audience="orders", issuer="monolith")


def exchange(path: str = CHECK, method: str = "get", client: Client | None = None,
             **headers: str):
    return getattr(client or Client(), method)(path, **environ(headers))


def test_the_check_answers_a_bearer_header_envoy_copies_upstream(alice):
    reply = exchange(**api_token(alice))
    assert reply.status_code == 200
    scheme, token = reply["Authorization"].split()
    assert scheme == "Bearer" and reply["X-Decompose-Token"] == token
    assert claims(token)["username"] == "alice"


def test_the_token_says_whether_the_admin_may_offer_a_password_change(alice):
    """The service's admin links "Change password" (the monolith's page) as Django's does."""
    without = User.objects.create_user("bob")  # no password: set_unusable_password()
    vouched = [TokenUser(claims(exchange(**api_token(user))["X-Decompose-Token"]))
               for user in (alice, without)]
    assert [user.has_usable_password() for user in vouched] == [True, False]


@pytest.mark.parametrize("path", ["/_decompose/token/", "/_decompose/token/api/orders/1/refund",
                                  "/_decompose/token/%C3%A9t%C3%A9?q=1"])
def test_any_original_path_is_checked(alice, path):
    assert claims(exchange(path, **api_token(alice))["X-Decompose-Token"])["username"] == "alice"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "head", "options"])
def test_the_client_method_is_kept_and_answered(alice, method):
    reply = exchange(method=method, **api_token(alice))
    assert reply.status_code == 200 and reply["Authorization"].startswith("Bearer ")


def test_nginx_exchange_answers_no_authorization_header(alice):
    reply = exchange("/_decompose/token", **api_token(alice))
    assert reply.status_code == 200 and "Authorization" not in reply
    assert claims(reply["X-Decompose-Token"])["username"] == "alice"


def test_anonymous_is_allowed_without_a_token():
    reply = exchange()
    assert reply.status_code == 200
    assert "Authorization" not in reply and "X-Decompose-Token" not in reply


def test_bad_credentials_get_the_monolith_401_which_envoy_returns_to_the_client():
    reply = exchange(Authorization="Token not-a-real-token")
    assert reply.status_code == 401 and reply.json() == {"detail": "Invalid token."}
    assert reply["WWW-Authenticate"] == "Token" and "Authorization" not in reply


def test_a_session_write_without_its_csrf_token_is_refused_as_the_monolith_refuses_it(alice):
    browser = signed_in(alice, enforce_csrf=True)
    refused = exchange(method="post", client=browser)
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    browser.get("/_decompose/token/")  # any GET: Django sets no csrftoken here, so make one
    csrf = "a" * 32
    browser.cookies["csrftoken"] = csrf
    allowed = exchange(method="post", client=browser, **{"X-CSRFToken": csrf})
    assert allowed.status_code == 200 and claims(allowed["X-Decompose-Token"])["sub"] == str(
        alice.pk)


def test_a_monolith_whose_api_takes_tokens_only_still_exchanges_its_browser_sessions(
        alice, monkeypatch):
    # pretalx's REST_FRAMEWORK authenticates its API by tokens only; its pages by session
    monkeypatch.setattr(TokenView, "authentication_classes", [TokenAuthentication])
    reply = exchange(**cookie_of(signed_in(alice)))
    assert reply.status_code == 200 and claims(reply["X-Decompose-Token"])["username"] == "alice"
    browser = signed_in(alice, enforce_csrf=True)  # its writes still pass the CSRF check
    assert exchange(method="post", client=browser).status_code == 403


def test_the_proxies_get_exchange_is_checked_with_the_client_method_they_name(alice):
    """nginx and HAProxy always ask with GET; a session write must still pass its CSRF check,
    and never be answered from the exchange cache a read filled."""
    browser = signed_in(alice, enforce_csrf=True)
    assert exchange("/_decompose/token", client=browser).status_code == 200  # fills the cache
    refused = exchange("/_decompose/token", client=browser, **{"X-Original-Method": "POST"})
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    csrf = "b" * 32
    browser.cookies["csrftoken"] = csrf
    allowed = exchange("/_decompose/token", client=browser,
                       **{"X-Original-Method": "POST", "X-CSRFToken": csrf})
    assert allowed.status_code == 200 and "X-Decompose-Token" in allowed


def test_a_returning_client_is_answered_from_the_cache_without_the_database(alice):
    headers = api_token(alice)
    first = exchange(**headers)["X-Decompose-Token"]
    with CaptureQueriesContext(connection) as queries:
        again = exchange(**headers)["X-Decompose-Token"]
    assert again == first and len(queries) == 0
    with CaptureQueriesContext(connection) as queries:
        exchange(method="post", **headers)  # writes are authenticated each time
    assert len(queries) > 0


def test_the_cache_holds_a_hash_of_the_credentials_never_them(alice):
    headers = api_token(alice)
    exchange(**headers)
    stored = repr(list(caches["default"]._cache.items()))
    key = headers["Authorization"].split()[1]
    assert key not in stored
    assert exchange_cache.credential_key(headers["Authorization"], "") in stored


def test_logout_invalidates_the_cached_exchange(alice):
    browser = signed_in(alice)
    cookie = cookie_of(browser)
    assert claims(exchange(**cookie)["X-Decompose-Token"])["username"] == "alice"
    browser.logout()
    replay = exchange(**cookie)
    assert replay.status_code == 200 and "X-Decompose-Token" not in replay


def test_a_password_change_invalidates_the_cached_exchange(alice):
    cookie = cookie_of(signed_in(alice))
    assert "X-Decompose-Token" in exchange(**cookie)
    alice.set_password("a new password entirely")
    alice.save()
    # Django ends the other sessions of a user whose password changed: anonymous now.
    replay = exchange(**cookie)
    assert replay.status_code == 200 and "X-Decompose-Token" not in replay


def test_a_deleted_api_token_invalidates_the_cached_exchange(alice):
    headers = api_token(alice)
    assert "X-Decompose-Token" in exchange(**headers)
    Token.objects.filter(user=alice).delete()
    assert exchange(**headers).status_code == 401


def test_a_login_does_not_drop_the_other_clients_entries(alice):
    headers = api_token(alice)
    first = exchange(**headers)["X-Decompose-Token"]
    signed_in(alice)  # stamps last_login only
    with CaptureQueriesContext(connection) as queries:
        assert exchange(**headers)["X-Decompose-Token"] == first
    assert len(queries) == 0


def test_without_a_cache_every_exchange_authenticates(alice, settings):
    settings.DECOMPOSE_TOKEN_CACHE = ""
    headers = api_token(alice)
    exchange(**headers)
    with CaptureQueriesContext(connection) as queries:
        assert "X-Decompose-Token" in exchange(**headers)
    assert len(queries) > 0


def test_entries_live_the_token_lifetime_less_a_margin_and_shortly_when_process_local(settings):
    settings.DECOMPOSE_TOKEN_LIFETIME = 300
    local = caches["default"]
    assert exchange_cache.lifetime(local) == exchange_cache.LOCAL_CACHE_SECONDS
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    assert exchange_cache.lifetime(caches["default"]) == 300 - exchange_cache.MIN_REMAINING_SECONDS


def test_a_logout_between_the_check_and_the_store_still_revokes(alice):
    checked_at = time.time()
    exchange_cache.revoke(alice.pk)  # the logout lands while the token is being signed
    exchange_cache.remember("k" * 64, alice.pk, "token", checked_at)
    assert exchange_cache.lookup("k" * 64) is None
    exchange_cache.remember("k" * 64, alice.pk, "token", time.time())
    assert exchange_cache.lookup("k" * 64) == "token"
