"""The service reads the access token a gateway forwards: X-Decompose-Token (Istio and Envoy
Gateway ext_authz, which leave the client's Authorization for the monolith), else Bearer."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request
from runtime_test_headers import environ

from decompose_remote.auth import MonolithTokenAuthentication, user_from_request
from decompose_remote.testing import access_token, throwaway_keys


@pytest.fixture(autouse=True)
def service_settings(settings):
    settings.DECOMPOSE_TOKEN_PUBLIC_KEY = throwaway_keys().token_public


def authenticated(**headers: str):
    request = RequestFactory().get("/api/orders/", **environ(headers))
    return MonolithTokenAuthentication().authenticate(Request(request)), user_from_request(request)


def test_the_gateway_header_wins_over_the_monolith_credentials_beside_it():
    (user, _), plain = authenticated(**{"X-Decompose-Token": access_token("orders"),
                                        "Authorization": "Token the-monoliths-own"})
    assert user.username == plain.username == "tester"


def test_bearer_still_works_and_a_forged_gateway_header_is_refused():
    (user, _), _ = authenticated(Authorization=f"Bearer {access_token('orders')}")
    assert user.username == "tester"
    with pytest.raises(AuthenticationFailed):
        authenticated(**{"X-Decompose-Token": access_token("reviews")})


def test_nothing_presented_is_anonymous():
    result, plain = authenticated()
    assert result is None and not plain.is_authenticated
