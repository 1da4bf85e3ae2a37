"""Access tokens issued by the monolith are verified here, statelessly, and nothing else passes.

Refusals are what the monolith's DRF answers an unauthenticated client, so a client cannot tell
which side answered.
"""

import base64
import hashlib
import hmac
import json
import time

import jwt
import pytest
from decompose_remote.testing import access_token, throwaway_keys
from django.test import override_settings

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.urls")]

SERVICE = "widgets"
NOT_PROVIDED = {"detail": "Authentication credentials were not provided."}
INVALID = {"detail": "Invalid token."}


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def hand_made(alg: str, key: bytes | None) -> str:
    """A token with any header at all, signed (HMAC) with ``key`` or not at all."""
    now = int(time.time())
    claims = {"iss": "monolith", "aud": [SERVICE], "sub": "1", "iat": now, "exp": now + 60}
    head = f"{_b64(json.dumps({'alg': alg, 'typ': 'JWT'}).encode())}."
    head += _b64(json.dumps(claims).encode())
    signature = _b64(hmac.new(key, head.encode(), hashlib.sha256).digest()) if key else ""
    return f"{head}.{signature}"


def test_valid_token_authenticates_drf_views(client):
    response = client.get("/whoami/", **bearer(access_token(SERVICE, sub="7", username="ann")))
    assert response.status_code == 200
    assert response.json() == {"pk": 7, "username": "ann", "email": "tester@example.com"}


def test_valid_token_authenticates_plain_views(client):
    response = client.get("/page/", **bearer(access_token(SERVICE, username="ann")))
    assert response.json() == {"authenticated": True, "username": "ann"}


def test_no_credentials_is_the_monoliths_401(client):
    response = client.get("/whoami/")
    assert response.status_code == 401
    assert response.json() == NOT_PROVIDED
    assert response["WWW-Authenticate"] == "Token"
    assert client.get("/page/").json() == {"authenticated": False, "username": ""}


@pytest.mark.parametrize("token", [
    pytest.param(lambda: access_token(SERVICE, lifetime=-60), id="expired"),
    pytest.param(lambda: access_token("another-service"), id="wrong-audience"),
    pytest.param(lambda: access_token(SERVICE, iss="someone"), id="wrong-issuer"),
    pytest.param(lambda: jwt.encode({"iss": "monolith", "aud": [SERVICE], "sub": "1",
                                     "iat": int(time.time()), "exp": int(time.time()) + 60},
                                    throwaway_keys().service_private, algorithm="RS256"),
                 id="signed-by-another-key"),
    pytest.param(lambda: hand_made("HS256", throwaway_keys().token_public.encode()),
                 id="hs256-with-the-public-key"),
    pytest.param(lambda: hand_made("none", None), id="alg-none"),
    pytest.param(lambda: "garbage", id="garbage"),
])
def test_bad_tokens_are_the_monoliths_invalid_token(client, token):
    response = client.get("/whoami/", **bearer(token()))
    assert response.status_code == 401
    assert response.json() == INVALID
    assert response["WWW-Authenticate"] == "Token"
    assert client.get("/page/", **bearer(token())).json()["authenticated"] is False


def test_monolith_credentials_cannot_be_checked_here(client):
    response = client.get("/whoami/", HTTP_AUTHORIZATION="Token 0123456789abcdef")
    assert (response.status_code, response.json()) == (401, INVALID)


@override_settings(ALLOWED_HOSTS=["shop.example.com"])
def test_absolute_urls_name_the_public_host(rf):
    request = rf.get("/api/", HTTP_X_FORWARDED_HOST="shop.example.com",
                     HTTP_X_FORWARDED_PROTO="https")
    assert request.build_absolute_uri("/api/?page=2") == "https://shop.example.com/api/?page=2"
